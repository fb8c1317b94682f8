"""outcry-alert against a real redis-server: exactly-once publication
(pub/sub on outcry:alerts and outcry:alerts:<team>, the stream), the EVAL
fallback, AUTH + SELECT from the URL, and the watch command."""
import json
import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from stages import BIN, REPO, free_port
ALERT = os.path.join(BIN, "outcry-alert")


class OwnRedis:
    """A throwaway redis-server on loopback (no persistence)."""

    def __init__(self, tmpdir, extra=(), password=None, db=0, port=None):
        self.port = port or free_port()
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(tmpdir)] + list(extra)
        if password:
            args += ["--requirepass", password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        auth = ":%s@" % password if password else ""
        self.url = "redis://%s127.0.0.1:%d/%d" % (auth, self.port, db)
        client = redis.Redis(host="127.0.0.1", port=self.port, password=password)
        deadline = time.time() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise AssertionError("redis-server did not start on port %d" % self.port)
                time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def redis_url(request, tmp_path):
    """The shared redis_server fixture when conftest.py has one, else our own.
    Flushed, so that alert ids from other tests do not count as seen."""
    try:
        shared = request.getfixturevalue("redis_server")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        redis.Redis.from_url(shared.url).flushdb()
        yield shared.url
    else:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server not installed (make deps)")
        own = OwnRedis(tmp_path)
        yield own.url
        own.stop()


def post(pid, conv, created, direction="inbound", severity="high", team="billing", target=30):
    p = {"schema": "outcry.post/v1", "id": pid, "platform": "twitter", "native_id": pid[8:],
         "direction": direction, "brand": "acme",
         "author": {"id": "115712", "handle": "jdoe", "followers": 1200},
         "text": "my order never arrived and nobody answers", "lang": "en",
         "created_at": created, "conversation": conv, "url": "https://twitter.com/x/" + pid[8:]}
    if direction == "inbound":
        p["classification"] = {"complaint": True, "score": 0.9, "category": "delivery",
                               "severity": severity}
        p["routing"] = {"team": team, "priority": "p2", "rule": "test",
                        "sla": {"first_reply_s": target, "warn_at": 0.75, "escalate_at": 2.0}}
    return json.dumps(p)


# An unanswered complaint (deadline 10:00:30) and a later post in another
# case that moves event time to 10:00:45: a warning and a breach, no escalation.
UNANSWERED = "\n".join([
    post("twitter:1001", "twitter:1001", "2024-03-01T10:00:00Z"),
    post("twitter:2001", "twitter:2000", "2024-03-01T10:00:45Z", direction="outbound"),
]) + "\n"


def run_alert(url, data, *extra, timeout=30):
    return subprocess.run([ALERT, "--stdio", "--publish", "--redis", url] + list(extra),
                          input=data.encode(), capture_output=True, timeout=timeout)


class Subscriber:
    def __init__(self, url, channels):
        self.ps = redis.Redis.from_url(url).pubsub()
        self.ps.subscribe(*channels)
        for _ in channels:
            assert self.ps.get_message(timeout=2)["type"] == "subscribe"

    def drain(self, seconds=1.0):
        out = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            m = self.ps.get_message(timeout=0.1)
            if m and m["type"] == "message":
                out.append((m["channel"].decode(), json.loads(m["data"])))
        return out

    def close(self):
        self.ps.close()


def stream_alerts(url):
    entries = redis.Redis.from_url(url).xrange("outcry:alerts:stream")
    return [json.loads(fields[b"alert"]) for _, fields in entries]


def test_breach_published_exactly_once_across_runs(redis_url):
    sub = Subscriber(redis_url, ["outcry:alerts", "outcry:alerts:billing"])
    try:
        r = run_alert(redis_url, UNANSWERED)
        assert r.returncode == 0, r.stderr.decode()
        printed = [json.loads(line) for line in r.stdout.decode().splitlines()]
        assert [a["type"] for a in printed] == ["sla.warning", "sla.breach"]

        got = sub.drain()
        for channel in ("outcry:alerts", "outcry:alerts:billing"):
            breaches = [a for ch, a in got if ch == channel and a["type"] == "sla.breach"]
            assert len(breaches) == 1, got
            b = breaches[0]
            assert b == printed[1]
            assert b["schema"] == "outcry.alert/v1"
            assert b["case"] == "twitter:1001" and b["clock_start_post"] == "twitter:1001"
            assert b["team"] == "billing" and b["priority"] == "p2" and b["brand"] == "acme"
            assert b["opened_at"] == "2024-03-01T10:00:00Z"
            assert b["deadline"] == b["at"] == "2024-03-01T10:00:30Z"
            assert b["elapsed_s"] == 30 and b["target_s"] == 30
            assert b["post"]["author"] == {"id": "115712", "handle": "jdoe", "followers": 1200}
            assert len(b["alert_id"]) == 32
        assert len(got) == 4, got  # warning + breach, on both channels

        stream = stream_alerts(redis_url)
        assert [a["type"] for a in stream] == ["sla.warning", "sla.breach"]
        seen = redis.Redis.from_url(redis_url).ttl("outcry:alert:seen:" + printed[1]["alert_id"])
        assert 29 * 86400 < seen <= 30 * 86400

        # The same input again: printed again, published nothing.
        r2 = run_alert(redis_url, UNANSWERED)
        assert r2.returncode == 0, r2.stderr.decode()
        assert [json.loads(line) for line in r2.stdout.decode().splitlines()] == printed
        assert sub.drain() == []
        assert len(stream_alerts(redis_url)) == 2
        assert "0 published, 2 duplicate" in r2.stderr.decode()
    finally:
        sub.close()


def test_script_flushed_falls_back_to_eval(redis_url):
    """The server forgets the script between alerts (restart, SCRIPT FLUSH):
    EVALSHA gets NOSCRIPT and the alert is published with EVAL instead."""
    sub = Subscriber(redis_url, ["outcry:alerts"])
    proc = subprocess.Popen([ALERT, "--stdio", "--publish", "--redis", redis_url],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        proc.stdin.write((post("twitter:5001", "twitter:5001", "2024-03-01T10:00:00Z",
                               severity="critical") + "\n").encode())
        proc.stdin.flush()
        first = sub.drain(3)
        assert [a["type"] for _, a in first] == ["case.critical"]
        redis.Redis.from_url(redis_url).script_flush()
        proc.stdin.write((post("twitter:5002", "twitter:5002", "2024-03-01T10:02:00Z") + "\n")
                         .encode())
        proc.stdin.close()
        assert proc.wait(30) == 0, proc.stderr.read().decode()
        assert b"redis_publish_failed" not in proc.stderr.read()
        second = sub.drain(1)
        kinds = sorted(a["type"] for _, a in second)
        assert kinds == ["sla.breach", "sla.escalation", "sla.warning"], second
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        sub.close()


def test_auth_and_database_from_url(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed (make deps)")
    own = OwnRedis(tmp_path, password="s3cret", db=3)
    try:
        r = run_alert(own.url, UNANSWERED)
        assert r.returncode == 0, r.stderr.decode()
        db3 = redis.Redis(host="127.0.0.1", port=own.port, password="s3cret", db=3)
        db0 = redis.Redis(host="127.0.0.1", port=own.port, password="s3cret", db=0)
        assert db3.xlen("outcry:alerts:stream") == 2
        assert db0.exists("outcry:alerts:stream") == 0
        bad = run_alert(own.url.replace("s3cret", "wrong"), UNANSWERED)
        assert bad.returncode == 1
        assert "AUTH" in bad.stderr.decode()
    finally:
        own.stop()


def test_redis_down_fails_fast_in_stdio_mode():
    url = "redis://127.0.0.1:%d/0" % free_port()
    r = run_alert(url, UNANSWERED)
    assert r.returncode == 1
    assert "cannot connect to Redis" in r.stderr.decode()
    assert r.stdout == b""


def test_bad_url_is_a_usage_error():
    r = run_alert("http://nope", UNANSWERED)
    assert r.returncode == 2
    assert "redis://" in r.stderr.decode()


def test_watch_prints_readable_lines(redis_url):
    watch = subprocess.Popen([ALERT, "watch", "--team", "billing", "--redis", redis_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # wait for the subscription before anything is published
        client = redis.Redis.from_url(redis_url)
        deadline = time.time() + 10
        while client.pubsub_numsub("outcry:alerts:billing")[0][1] < 1:
            assert time.time() < deadline, "watch did not subscribe"
            assert watch.poll() is None, watch.stderr.read().decode()
            time.sleep(0.05)
        r = run_alert(redis_url, UNANSWERED)
        assert r.returncode == 0, r.stderr.decode()
        lines = [watch.stdout.readline().decode().rstrip("\n") for _ in range(2)]
        assert "WARNING" in lines[0]
        assert lines[1].startswith("10:00:30  BREACH")
        assert "billing/p2" in lines[1] and "twitter:1001" in lines[1]
        assert '@jdoe waited 30s (target 30s): "my order never arrived' in lines[1]
        watch.send_signal(signal.SIGTERM)
        assert watch.wait(10) == 0
    finally:
        if watch.poll() is None:
            watch.kill()
        watch.wait()


# ---- Kafka mode ---------------------------------------------------------

@pytest.fixture
def bootstrap(request, tmp_path):
    """The shared devbroker fixture when conftest.py has one, else our own."""
    try:
        shared = request.getfixturevalue("devbroker")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared.bootstrap
    else:
        # the sanitizer build (OUTCRY_BIN=build/san) may lack the broker: any build will do
        candidates = [os.path.join(d, "outcry-devbroker") for d in (BIN, os.path.join(REPO, "build"))]
        devbroker = next((c for c in candidates if os.access(c, os.X_OK)), None)
        if devbroker is None:
            pytest.skip("outcry-devbroker not built (make)")
        proc = subprocess.Popen([devbroker, "--teams", ""],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = proc.stdout.readline().decode().strip()
        assert line, "outcry-devbroker printed no bootstrap servers"
        yield line
        proc.terminate()
        proc.wait(10)


def _rfc3339(t):
    from datetime import datetime, timezone
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _http_ok(port, path):
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def test_kafka_mode_silence_breaches_and_survives_redis_outage(bootstrap, tmp_path):
    """Live: the wall clock breaches an unanswered complaint with no further
    input; while Redis is down the escalation waits (retrying) and is
    published once Redis is back; SIGTERM then exits 0."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed (make deps)")
    from confluent_kafka import Producer
    prefix = "alert%d." % os.getpid()
    own = OwnRedis(tmp_path)
    http = free_port()
    log_path = tmp_path / "alert.log"
    env = dict(os.environ, OUTCRY_BROKERS=bootstrap, OUTCRY_REDIS_URL=own.url,
               OUTCRY_TOPIC_PREFIX=prefix, OUTCRY_GROUP=prefix + "alert",
               OUTCRY_HTTP="127.0.0.1:%d" % http, OUTCRY_ALERT_LATENESS_MS="200")
    producer = Producer({"bootstrap.servers": bootstrap})
    sub = Subscriber(own.url, ["outcry:alerts"])
    with open(log_path, "wb") as log:
        alert = subprocess.Popen([ALERT], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        # The clock starts when the complaint is posted: post it only once alert
        # holds its partitions, or a slow start (sanitizers, a busy machine)
        # eats the 1 s SLA and its escalation before the first look.
        ready_by = time.time() + 30
        while time.time() < ready_by and not _http_ok(http, "/readyz"):
            assert alert.poll() is None, log_path.read_text()
            time.sleep(0.1)
        assert _http_ok(http, "/readyz"), log_path.read_text()
        complaint = json.loads(post("twitter:7001", "twitter:7001", _rfc3339(time.time()),
                                    target=1))
        complaint["routing"]["sla"] = {"first_reply_s": 1, "warn_at": 0.5, "escalate_at": 4.0}
        producer.produce(prefix + "routed", json.dumps(complaint), key="twitter:7001")
        assert producer.flush(10) == 0
        got = []
        deadline = time.time() + 20
        while time.time() < deadline and [a["type"] for _, a in got] != ["sla.warning",
                                                                          "sla.breach"]:
            got += sub.drain(0.2)
        assert [a["type"] for _, a in got] == ["sla.warning", "sla.breach"], log_path.read_text()
        assert _http_ok(http, "/readyz")
        sub.close()
        own.stop()  # escalation is due 4 s after the complaint
        deadline = time.time() + 15
        while "redis_publish_failed" not in log_path.read_text():
            assert time.time() < deadline, log_path.read_text()
            assert alert.poll() is None, log_path.read_text()
            time.sleep(0.2)
        own = OwnRedis(tmp_path, port=own.port)  # back, on the same port
        deadline = time.time() + 15
        client = redis.Redis.from_url(own.url)
        while client.xlen("outcry:alerts:stream") < 1:
            assert time.time() < deadline, log_path.read_text()
            time.sleep(0.2)
        kinds = [a["type"] for a in stream_alerts(own.url)]
        assert kinds == ["sla.escalation"]
        alert.send_signal(signal.SIGTERM)
        assert alert.wait(20) == 0, log_path.read_text()
    finally:
        if alert.poll() is None:
            alert.kill()
            alert.wait()
        own.stop()
