#!/usr/bin/python3
"""Seeded benchmark workload: canonical posts (outcry.post/v1) as JSON lines.

The mix is what a brand's mentions look like: complaints (some critical,
some with churn threats), brand replies, praise, questions, chatter, in
several languages, with sizes from a short reply to a long thread post.
The same --seed gives the same posts, byte for byte. The sentences are
written here for the benchmark; no corpus text is used.
"""
import argparse
import json
import random
import sys

BRANDS = ["acmetel", "shopfast", "flyhigh", "bankly", "streamly", "powergrid", "foodnow"]

COMPLAINTS = [
    "I was charged twice this month and nobody answers my emails",
    "my package was supposed to arrive on Monday and tracking hasn't moved in five days",
    "the app keeps crashing every time I try to log in, fix it please",
    "no internet since yesterday evening, I work from home and this is costing me money",
    "waited 45 minutes on hold just to be disconnected. Again.",
    "the replacement phone you sent is also broken out of the box",
    "my account was locked for no reason and the reset link never arrives",
    "flight delayed 6 hours, no information at the gate, no food vouchers",
    "you cancelled my order without telling me and kept the money",
    "the driver left my parcel in the rain and now everything is soaked",
    "streaming keeps buffering on every device, paying for 4K and getting potato quality",
    "my bill went up 30% with no warning, this is ridiculous",
]
CRITICAL = [
    "the charger you sold me caught fire next to my kid's bed, this is dangerous",
    "someone logged into my account and made purchases I never authorised, this is fraud",
    "your website showed me another customer's address and card details",
    "I'm contacting my lawyer about this, you broke the law by sharing my data",
]
CHURN = [" I'm cancelling my contract and switching to a competitor.",
         " Last month with you, I'm done.", " Never ordering from you again!!"]
PRAISE = [
    "thanks so much for sorting out my refund so quickly, great service",
    "the crew on my flight today were wonderful, thank you",
    "love the new app update, works perfectly",
    "shout out to Maria in support who fixed everything in five minutes",
]
QUESTIONS = [
    "how do I add a second line to my plan?",
    "do you deliver to the islands on weekends?",
    "what time does the store on Main Street open on Sundays?",
    "can I change my seat after check-in?",
]
CHATTER = ["watching the game tonight with a big bowl of popcorn",
           "anyone else think the new ad is hilarious?",
           "just landed, what a view over the mountains"]
FOREIGN = [
    ("es", "perdieron mi maleta y nadie responde, pésimo servicio"),
    ("fr", "toujours pas de connexion depuis trois jours, c'est inadmissible"),
    ("de", "mein Paket ist seit einer Woche verschwunden und niemand hilft"),
    ("pt", "fui cobrado duas vezes e ninguém resolve o problema"),
]
REPLIES = [
    "Sorry to hear that! Please DM us your account number and we'll look into it right away.",
    "We apologise for the trouble. Could you send us a DM with your order number?",
    "Thanks for reaching out, our team is on it. We'll update you shortly.",
]
TAILS = ["", "", "", " 😡", " 🙄", " #fail", " https://t.co/abc123", " @support",
         " Update: still nothing.", " This is the third time I've written about this."]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000, help="posts to write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--start", default="2026-11-02T08:00:00Z",
                    help="event time of the first post (UTC, whole seconds)")
    ap.add_argument("--rate", type=float, default=50.0, help="posts per event-time second")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    from datetime import datetime, timezone
    t0 = datetime.strptime(args.start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    t0 = t0.timestamp()
    open_convs = []  # inbound complaints a brand may answer
    out = sys.stdout
    for i in range(args.n):
        ts = t0 + i / args.rate
        created = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        pid = 10_000_000 + i
        r = rnd.random()
        brand = rnd.choice(BRANDS)
        conv, reply_to, direction, author, lang = pid, None, "inbound", str(rnd.randrange(10**6, 10**9)), "en"
        if r < 0.15 and open_convs:
            conv, brand, reply_to = open_convs.pop(rnd.randrange(len(open_convs)))
            direction, author = "outbound", brand
            text = "@user %s" % rnd.choice(REPLIES)
        elif r < 0.55:
            text = "@%s %s%s%s" % (brand, rnd.choice(COMPLAINTS),
                                   rnd.choice(CHURN) if rnd.random() < 0.2 else "",
                                   rnd.choice(TAILS))
            open_convs.append((pid, brand, pid))
        elif r < 0.58:
            text = "@%s %s" % (brand, rnd.choice(CRITICAL))
            open_convs.append((pid, brand, pid))
        elif r < 0.68:
            text = "@%s %s%s" % (brand, rnd.choice(PRAISE), rnd.choice(["", " ❤️", " 👏"]))
        elif r < 0.80:
            text = "@%s %s" % (brand, rnd.choice(QUESTIONS))
        elif r < 0.90:
            lang, t = rnd.choice(FOREIGN)
            text = "@%s %s" % (brand, t)
            open_convs.append((pid, brand, pid))
        else:
            text = "@%s %s" % (brand, rnd.choice(CHATTER))
        if len(open_convs) > 5000:
            open_convs.pop(0)
        post = {"schema": "outcry.post/v1", "id": "twitter:%d" % pid, "platform": "twitter",
                "native_id": str(pid), "direction": direction, "brand": brand,
                "author": {"id": author, "handle": "u" + author if direction == "inbound" else brand,
                           "followers": int(rnd.paretovariate(1.2) * 50), "verified": False},
                "text": text, "lang": lang, "created_at": created,
                "conversation": "twitter:%d" % conv, "source": "bench",
                "url": "https://twitter.com/i/web/status/%d" % pid,
                "metrics": {"likes": rnd.randrange(5), "reposts": 0, "replies": 0}}
        if reply_to:
            post["in_reply_to"] = "twitter:%d" % reply_to
        out.write(json.dumps(post, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
