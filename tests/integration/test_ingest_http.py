"""outcry-ingest serve: HTTP intake against a real dev broker.

Each test starts a dev broker and `outcry-ingest serve` as the container
would (configured from the environment), talks to it with a real HTTP client
(http.client / raw sockets) and checks what reached outcry.posts and
outcry.dlq. A 202 must mean the posts are already readable from the topic.
"""
import base64
import hashlib
import hmac
import http.client
import json
import signal
import socket

import pytest

from conftest import bin_path, free_port, wait_for
from stages import canonical_post

TOKEN = "s3cret-token"
SECRET = "consumer-secret"


class Ingest:
    def __init__(self, proc, port, broker):
        self.proc = proc
        self.port = port
        self.broker = broker

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode("utf-8")
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return r.status, parsed, dict(r.getheaders())
        finally:
            c.close()

    def post(self, body, token=TOKEN, path="/v1/posts"):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        return self.request("POST", path, body, headers)

    def posts(self, min_count=0):
        msgs = self.broker.read_all(self.broker.topic("posts"), min_count=min_count, timeout=10,
                                    idle=0.3)
        return [(k.decode() if k else None, json.loads(v)) for k, v, _, _ in msgs]

    def dlq(self, min_count=0):
        msgs = self.broker.read_all(self.broker.topic("dlq"), min_count=min_count, timeout=10,
                                    idle=0.3)
        return [json.loads(v) for _, v, _, _ in msgs]

    def metric(self, name, labels=""):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        c.request("GET", "/metrics")
        text = c.getresponse().read().decode()
        c.close()
        total = 0
        for line in text.splitlines():
            if line.startswith(name) and labels in line:
                total += int(float(line.rsplit(" ", 1)[1]))
        return total


def start_ingest(procs, devbroker, extra_env=None, args=()):
    port = free_port()
    env = {"OUTCRY_BROKERS": devbroker.bootstrap, "OUTCRY_HTTP": "127.0.0.1:%d" % port,
           "OUTCRY_INGEST_TOKEN": TOKEN, "OUTCRY_TWITTER_SECRET": SECRET,
           "OUTCRY_INGEST_MAX_BODY": str(256 * 1024), "OUTCRY_LOG": "debug",
           "OUTCRY_BRAND_ACCOUNTS": "acme:AcmeHelp,acme_support",
           "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000"}
    env.update(extra_env or {})
    # No arguments: the container's default command is serve.
    proc = procs.start([bin_path("ingest")] + list(args), name="ingest", env=env)
    ing = Ingest(proc, port, devbroker)

    def ready():
        try:
            return ing.request("GET", "/readyz", timeout=2)[0] == 200
        except OSError:
            return False
    wait_for(ready, timeout=20, what="ingest serve /readyz", procs=[proc])
    return ing


@pytest.fixture
def ingest(procs, devbroker):
    return start_ingest(procs, devbroker)


def test_202_only_once_posts_are_in_kafka(ingest):
    batch = [canonical_post(1001, 1001, "my bill is wrong"),
             canonical_post(1002, 1001, "still wrong", reply_to=1001)]
    status, body, _ = ingest.post(batch)
    assert status == 202, body
    assert body["accepted"] == 2 and body["rejected"] == 0
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted"]
    # Acknowledged means readable now, without waiting.
    got = {p["id"]: (k, p) for k, p in ingest.posts(min_count=2)}
    assert set(got) == {"twitter:1001", "twitter:1002"}
    key, post = got["twitter:1002"]
    assert key == "twitter:1001" and post["conversation"] == "twitter:1001"
    assert post["ingested_at"].endswith("Z")

    # NDJSON and a single object work too.
    nd = "\n".join(json.dumps(canonical_post(2000 + i, 2000, "line %d" % i)) for i in range(3))
    status, body, _ = ingest.post(nd + "\n")
    assert status == 202 and body["accepted"] == 3, body
    status, body, _ = ingest.post(canonical_post(3000, 3000, "one"))
    assert status == 202 and body["accepted"] == 1, body
    assert len(ingest.posts(min_count=6)) == 6


def test_400_names_the_field_and_goes_to_dlq(ingest):
    p = canonical_post(1, 1, "x")
    del p["text"]
    status, body, _ = ingest.post(p)
    assert status == 400, body
    assert body["field"] == "text" and "text" in body["error"]
    status, body, _ = ingest.post('{"schema": "outcry.post/v1", "id": ')
    assert status == 400 and body["code"] == "invalid_json", body
    status, body, _ = ingest.post("")
    assert status == 400 and "empty" in body["error"]
    dlq = ingest.dlq(min_count=2)
    assert {e["code"] for e in dlq} >= {"invalid_post", "invalid_json"}
    assert all(e["stage"] == "ingest" and e["source"] == "http" for e in dlq)
    assert ingest.posts() == []


def test_mixed_batch_gets_per_item_results(ingest):
    bad = canonical_post(12, 10, "third")
    bad["created_at"] = "yesterday"
    batch = [canonical_post(10, 10, "first"), canonical_post(11, 10, "second"), bad]
    status, body, _ = ingest.post(batch)
    assert status == 207, body
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted", "rejected"]
    assert body["results"][2]["index"] == 2
    assert body["results"][2]["field"] == "created_at"
    assert body["accepted"] == 2 and body["rejected"] == 1
    assert {p["id"] for _, p in ingest.posts(min_count=2)} == {"twitter:10", "twitter:11"}
    dlq = ingest.dlq(min_count=1)
    assert len(dlq) == 1
    raw = json.loads(base64.b64decode(dlq[0]["payload_b64"]))
    assert raw["id"] == "twitter:12"


def test_duplicates_are_produced_once(ingest):
    p = canonical_post(77, 77, "again and again")
    assert ingest.post(p)[0] == 202
    status, body, _ = ingest.post([p, canonical_post(78, 77, "new")])
    assert status == 202, body
    assert [r["status"] for r in body["results"]] == ["duplicate", "accepted"]
    ids = [q["id"] for _, q in ingest.posts(min_count=2)]
    assert sorted(ids) == ["twitter:77", "twitter:78"]
    assert ingest.metric("outcry_ingest_duplicates_total") == 1


def test_401_without_or_with_a_wrong_token(ingest):
    p = canonical_post(5, 5, "hello")
    assert ingest.post(p, token=None)[0] == 401
    assert ingest.post(p, token="wrong")[0] == 401
    assert ingest.post(p, token=TOKEN + "x")[0] == 401
    assert ingest.posts() == []
    assert ingest.post(p, token=TOKEN)[0] == 202


def test_413_over_the_limit_and_server_keeps_serving(ingest):
    big = "x" * (300 * 1024)
    status, body, _ = ingest.post(big)
    assert status == 413, body
    # A 10 MB body (streamed) is refused the same way.
    status, _, _ = ingest.post(b"[" + b" " * (10 * 1024 * 1024) + b"]")
    assert status == 413
    # A client that disconnects mid-body, and one that holds its connection.
    s = socket.create_connection(("127.0.0.1", ingest.port))
    s.sendall(b"POST /v1/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
              b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n[{\"a\":")
    s.close()
    slow = socket.create_connection(("127.0.0.1", ingest.port))
    slow.sendall(b"POST /v1/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[")
    try:
        status, body, _ = ingest.post(canonical_post(9, 9, "still here"))
        assert status == 202, body
    finally:
        slow.close()
    assert ingest.request("GET", "/healthz")[0] == 200


def sign(body):
    mac = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(mac).decode()


def v11_status(tid, text, screen_name="cust1", uid="501", **extra):
    st = {"id": int(tid), "id_str": str(tid), "text": text,
          "created_at": "Wed Oct 10 20:19:24 +0000 2018",
          "user": {"id": int(uid), "id_str": uid, "screen_name": screen_name, "name": "C",
                   "followers_count": 12},
          "lang": "en"}
    st.update(extra)
    return st


def test_twitter_webhook_crc_and_signature(ingest):
    status, body, _ = ingest.request("GET", "/v1/webhooks/twitter?crc_token=abc%2B123")
    assert status == 200, body
    want = base64.b64encode(hmac.new(SECRET.encode(), b"abc+123", hashlib.sha256).digest())
    assert body == {"response_token": "sha256=" + want.decode()}

    event = {"for_user_id": "42", "tweet_create_events": [
        v11_status(900, "@AcmeHelp my order &amp; refund are lost",
                   extended_tweet={"full_text": "@AcmeHelp my order &amp; refund are lost!!"}),
        v11_status(901, "RT @x: hi", retweeted_status=v11_status(5, "hi")),
        v11_status(902, "We are on it", screen_name="AcmeHelp", uid="42",
                   in_reply_to_status_id_str="900", in_reply_to_screen_name="cust1")]}
    raw = json.dumps(event).encode()
    hdr = {"Content-Type": "application/json"}
    status, _, _ = ingest.request("POST", "/v1/webhooks/twitter", raw,
                                  dict(hdr, **{"x-twitter-webhooks-signature": "sha256=AAAA"}))
    assert status == 401
    status, _, _ = ingest.request("POST", "/v1/webhooks/twitter", raw, hdr)
    assert status == 401
    assert ingest.posts() == []
    status, body, _ = ingest.request("POST", "/v1/webhooks/twitter", raw,
                                     dict(hdr, **{"x-twitter-webhooks-signature": sign(raw)}))
    assert status == 202, body
    got = {p["id"]: p for _, p in ingest.posts(min_count=3)}
    a, rt, reply = got["twitter:900"], got["twitter:901"], got["twitter:902"]
    assert a["text"] == "@AcmeHelp my order & refund are lost!!"
    assert a["direction"] == "inbound" and a["brand"] == "acme"
    assert a["created_at"] == "2018-10-10T20:19:24Z"
    assert rt.get("repost") is True and "repost" not in a
    assert reply["direction"] == "outbound" and reply["brand"] == "acme"
    assert reply["in_reply_to"] == "twitter:900"
    assert reply["conversation"] == "twitter:900"


def test_sigterm_exits_0(ingest):
    assert ingest.post(canonical_post(1, 1, "before stop"))[0] == 202
    ingest.proc.signal(signal.SIGTERM)
    assert ingest.proc.wait(timeout=20) == 0, ingest.proc.stderr_text()[-3000:]
    assert "stopped" in ingest.proc.stderr_text()


def test_sigkill_during_a_burst_loses_no_acknowledged_post(procs, devbroker):
    import threading
    ing = start_ingest(procs, devbroker)
    acked, stop = [], threading.Event()
    lock = threading.Lock()

    def client(worker):
        n = 0
        while not stop.is_set():
            batch = [canonical_post(worker * 1000000 + n + i, worker, "burst")
                     for i in range(10)]
            n += 10
            try:
                status, _, _ = ing.post(batch)
            except OSError:
                return  # the server is gone
            if status == 202:
                with lock:
                    acked.extend(p["id"] for p in batch)
    threads = [threading.Thread(target=client, args=(w,)) for w in (1, 2, 3)]
    for t in threads:
        t.start()
    wait_for(lambda: len(acked) >= 200, timeout=20, what="200 acknowledged posts",
             procs=[ing.proc])
    ing.proc.signal(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    ing.proc.wait(timeout=10)
    with lock:
        want = set(acked)
    got = {p["id"] for _, p in ing.posts(min_count=len(want))}
    assert want - got == set(), "%d acknowledged posts missing" % len(want - got)


def test_replay_dedups_and_summarises(procs, devbroker, tmp_path):
    import subprocess
    posts = [canonical_post(i, 1, "p%d" % i, created_at="2020-01-01T00:00:%02dZ" % (9 - i))
             for i in range(5)]
    lines = [json.dumps(p) for p in posts] + [json.dumps(posts[2]), "{broken"]
    path = tmp_path / "dup.jsonl"
    path.write_text("\n".join(lines) + "\n")
    r = subprocess.run([bin_path("ingest"), "replay", "--sort", "-b", devbroker.bootstrap,
                        str(path)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    summary = [json.loads(l) for l in r.stderr.decode().splitlines()
               if '"ingest_summary"' in l][0]
    assert summary["rows"] == 7 and summary["accepted"] == 6 and summary["rejected"] == 1
    assert summary["duplicates"] == 1 and summary["produced"] == 6  # 5 posts + 1 DLQ entry
    assert summary["reasons"] == {"invalid_json": 1}
    got = [p["id"] for _, p in Ingest(None, 0, devbroker).posts(min_count=5)]
    assert got == ["twitter:%d" % i for i in (4, 3, 2, 1, 0)]  # created_at order, once each


def test_replay_rebase_now_rewrites_created_at(devbroker, tmp_path):
    import subprocess
    from datetime import datetime, timezone
    a = canonical_post(1, 1, "root", created_at="2017-10-31T22:10:47Z")
    b = canonical_post(2, 1, "reply", created_at="2017-10-31T22:11:47Z", reply_to=1)
    del b["conversation"]  # resolved from in_reply_to within the file
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(a) + "\n" + json.dumps(b) + "\n")
    r = subprocess.run([bin_path("ingest"), "replay", "--rebase-now", "-b", devbroker.bootstrap,
                        str(path)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    got = {p["id"]: (k, p) for k, p in Ingest(None, 0, devbroker).posts(min_count=2)}
    year = str(datetime.now(timezone.utc).year)
    assert got["twitter:1"][1]["created_at"].startswith(year)
    key, reply = got["twitter:2"]
    assert key == "twitter:1" and reply["conversation"] == "twitter:1"
    t1 = datetime.fromisoformat(got["twitter:1"][1]["created_at"].replace("Z", "+00:00"))
    t2 = datetime.fromisoformat(reply["created_at"].replace("Z", "+00:00"))
    assert (t2 - t1).total_seconds() == 60
    assert reply["text"] == "reply" and reply["ingested_at"].startswith(year)
