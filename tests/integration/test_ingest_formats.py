"""outcry-ingest convert over the platform fixtures in tests/fixtures/ingest/.

Each fixture holds good records and ugly ones (missing fields, nulls, numbers
where strings are usual, emoji, right-to-left text, duplicate keys, \\u0000,
broken JSON); the byte-level cases (invalid UTF-8, raw NUL bytes, texts over
64 KiB, deep nesting) are generated here for every JSON format. Every record
must come out as a post or a DLQ entry with a reason: never dropped.
"""
import base64
import json
import re
import subprocess

import pytest

from conftest import REPO, bin_path

FIX = REPO / "tests" / "fixtures" / "ingest"
BRANDS = "acme:AcmeHelp,acme"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def convert(fmt, path, brands=BRANDS):
    r = subprocess.run([bin_path("ingest"), "convert", "--format", fmt, "--brands", brands,
                        str(path)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    posts = [json.loads(l) for l in r.stdout.decode().splitlines()]
    errs = [json.loads(l) for l in r.stderr.decode().splitlines() if l.startswith("{")]
    dlq = [e for e in errs if e.get("schema") == "outcry.dlq/v1"]
    summary = [e for e in errs if e.get("event") == "ingest_summary"][0]
    assert summary["accepted"] == len(posts)
    assert summary["rejected"] == len(dlq)
    assert summary["accepted"] + summary["rejected"] == summary["rows"]
    for p in posts:
        assert p["schema"] == "outcry.post/v1"
        if "native_id" in p:
            assert p["id"] == "%s:%s" % (p["platform"], p["native_id"])
        assert RFC3339.match(p["created_at"]), p["created_at"]
        assert p["direction"] in ("inbound", "outbound")
        assert p["conversation"].startswith(p["platform"] + ":")
    return {p["id"]: p for p in posts}, {e["offset"]: e for e in dlq}


def test_twitter1_fixture():
    posts, dlq = convert("twitter1", FIX / "twitter1.jsonl")
    p = posts["twitter:100"]
    assert p["text"] == "@AcmeHelp my router died again 😡 & nobody answers"  # extended, entity
    assert p["direction"] == "inbound" and p["brand"] == "acme"
    assert p["created_at"] == "2018-10-10T20:19:24Z" and p["source"] == "twitter-v1.1"
    assert p["author"] == {"id": "501", "handle": "cust1", "name": "Cust", "followers": 12}
    assert posts["twitter:101"]["author"]["id"] == "501"          # numeric ids only
    assert posts["twitter:106"]["repost"] is True                 # retweet
    assert "repost" not in p
    r = posts["twitter:107"]                                      # brand's reply, +0200
    assert r["direction"] == "outbound" and r["brand"] == "acme"
    assert r["in_reply_to"] == "twitter:100" and r["conversation"] == "twitter:100"
    assert r["created_at"] == "2018-10-10T19:00:00Z"
    assert posts["twitter:108"]["text"] == "@AcmeHelp החשבון שלי שגוי مرحبا"
    assert "lang" not in posts["twitter:111"] and "in_reply_to" not in posts["twitter:111"]
    assert {"twitter:112", "twitter:113", "twitter:114"} <= set(posts)  # array, envelope
    assert posts["twitter:116"]["text"] == "caf\u00e9 is closed"         # NFC
    assert posts["twitter:116"]["in_reply_to"] == "twitter:100"          # integer id
    codes = {off: e["code"] for off, e in dlq.items()}
    assert codes == {3: "invalid_id", 4: "invalid_author", 5: "empty_text",
                     6: "bad_timestamp", 10: "invalid_json", 14: "invalid_json",
                     16: "invalid_json", 17: "not_a_post"}
    assert "duplicate" in dlq[10]["reason"]
    assert json.loads(base64.b64decode(dlq[3]["payload_b64"]))["id_str"] == "12ab"


def test_twitter2_fixture():
    posts, dlq = convert("twitter2", FIX / "twitter2.jsonl")
    a, b, c = posts["twitter:200"], posts["twitter:201"], posts["twitter:202"]
    assert a["author"] == {"id": "501", "handle": "cust1", "name": "Cust", "followers": 7}
    assert a["brand"] == "acme" and a["direction"] == "inbound" and "📦" in a["text"]
    assert a["created_at"] == "2019-06-04T23:12:08Z" and a["source"] == "twitter-v2"
    assert b["direction"] == "outbound" and b["in_reply_to"] == "twitter:200"
    assert c["in_reply_to"] == "twitter:201" and c["conversation"] == "twitter:200"
    assert c["brand"] == "acme"                      # answers AcmeHelp (in_reply_to_user_id)
    bare = posts["twitter:203"]
    assert bare["author"] == {"id": "777"} and bare["created_at"] == "2019-06-05T00:00:00Z"
    assert posts["twitter:206"]["repost"] is True
    assert posts["twitter:207"]["text"].endswith("end")           # note_tweet
    assert "lang" not in posts["twitter:208"]
    codes = {off: e["code"] for off, e in dlq.items()}
    assert codes == {4: "bad_timestamp", 5: "invalid_author", 8: "invalid_id", 10: "invalid_id"}
    assert "tweet.fields=created_at" in dlq[4]["reason"]


def test_mastodon_fixture():
    posts, dlq = convert("mastodon", FIX / "mastodon.jsonl")
    p = posts["mastodon:400"]
    assert p["text"] == "@acme my invoice is wrong\n\nsecond & para\nnew line <3"
    assert p["brand"] == "acme" and p["direction"] == "inbound"
    assert p["created_at"] == "2019-12-08T03:48:33.901Z" and p["source"] == "mastodon"
    assert p["author"]["handle"] == "carol@other.example"
    assert posts["mastodon:401"]["text"] == "sse works"               # SSE data: line
    assert posts["mastodon:402"]["text"] == "ws works 🎉"             # WebSocket frame
    assert posts["mastodon:403"]["repost"] is True
    assert posts["mastodon:403"]["text"] == "original toot"
    r = posts["mastodon:404"]
    assert r["direction"] == "outbound" and r["in_reply_to"] == "mastodon:400"
    assert r["conversation"] == "mastodon:400" and r["created_at"] == "2019-12-08T03:00:00Z"
    codes = {off: e["code"] for off, e in dlq.items()}
    # "event: update" and ":thump" lines hold no post and are not counted
    assert sorted(codes.values()) == ["bad_timestamp", "empty_text", "invalid_author",
                                      "not_a_post"]


def template(fmt, n, text_json):
    """Record n of fmt whose text is the raw JSON string text_json."""
    n = str(n).encode()
    if fmt == "jsonl":
        return (b'{"schema":"outcry.post/v1","id":"twitter:' + n + b'","platform":"twitter",'
                b'"direction":"inbound","brand":"acme","author":{"id":"1"},"text":' + text_json +
                b',"created_at":"2020-01-01T00:00:00Z"}')
    if fmt == "twitter1":
        return (b'{"id_str":"' + n + b'","text":' + text_json + b',"created_at":'
                b'"Wed Oct 10 20:19:24 +0000 2018","user":{"id_str":"5"}}')
    if fmt == "twitter2":
        return (b'{"id":"' + n + b'","text":' + text_json + b',"author_id":"5",'
                b'"created_at":"2020-01-01T00:00:00Z"}')
    return (b'{"id":"' + n + b'","content":' + text_json + b',"account":{"id":"5"},'
            b'"created_at":"2020-01-01T00:00:00Z"}')


@pytest.mark.parametrize("fmt", ["jsonl", "twitter1", "twitter2", "mastodon"])
def test_byte_level_ugly_cases(tmp_path, fmt):
    lines = [
        template(fmt, 1, b'"fine \xe2\x9c\x85"'),                 # emoji
        template(fmt, 2, b'"bad \xc3\x28 utf8"'),                  # invalid UTF-8
        template(fmt, 3, b'"overlong \xc0\xaf"'),                  # overlong form
        template(fmt, 4, b'"raw \x00 nul"'),                       # raw NUL byte
        template(fmt, 5, b'"' + b"a" * (70 * 1024) + b'"'),       # text over 64 KiB
        b"[" * 5000 + b"]" * 5000,                                 # deep nesting
        template(fmt, 7, b'"e\\u0301 \\ud83d\\ude00"'),          # escapes, surrogate pair
        template(fmt, 8, b'"lone \\udc00 surrogate"'),             # lone surrogate escape
        template(fmt, 9, b'"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"'),  # RTL
    ]
    path = tmp_path / "ugly.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    posts, dlq = convert(fmt, path)
    assert len(posts) + len(dlq) == 9
    codes = {off: e["code"] for off, e in dlq.items()}
    assert codes == {2: "invalid_json", 3: "invalid_json", 4: "invalid_json",
                     5: "invalid_post", 6: "invalid_json", 8: "invalid_json"}, codes
    assert "10000" in dlq[5]["reason"] and "text" in dlq[5]["reason"]
    assert base64.b64decode(dlq[4]["payload_b64"]) == lines[3]   # original bytes kept
    assert posts["twitter:1" if fmt != "mastodon" else "mastodon:1"]["text"] == "fine \u2705"
    seven = posts["twitter:7" if fmt != "mastodon" else "mastodon:7"]["text"]
    # canonical jsonl keeps text as sent; platform formats NFC-normalise it
    assert seven == ("e\u0301 \U0001F600" if fmt == "jsonl" else "\u00e9 \U0001F600")
    nine = posts["twitter:9" if fmt != "mastodon" else "mastodon:9"]["text"]
    assert nine == "\u05e9\u05dc\u05d5\u05dd \u0633\u0644\u0627\u0645"
