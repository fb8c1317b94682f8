"""The whole path for real: devbroker, redis-server, and the services as
separate processes in Kafka mode (what issue 'Foundation' asks to see)."""
import json
import os
import subprocess
import time

import pytest
import redis
from confluent_kafka import Consumer, Producer

from stages import Pipeline, canonical_post

RULES = os.path.join(os.path.dirname(__file__), "rules-fast.yaml")
COMPLAINT = "my internet has been down for two days and nobody helps, worst service ever"


@pytest.fixture
def pipeline(devbroker, redis_server, tmp_path):
    p = Pipeline(devbroker.bootstrap, redis_server.url, str(tmp_path), RULES)
    yield p
    codes = p.stop()
    # every stage drains, commits and exits 0 on SIGTERM
    assert codes == [0] * len(codes), [(s.name, s.logtext()) for s in p.stages]


class Alerts:
    """A Redis subscriber on outcry:alerts, started before anything is produced."""

    def __init__(self, url):
        self.r = redis.Redis.from_url(url)
        self.ps = self.r.pubsub()
        self.ps.subscribe("outcry:alerts")
        self.ps.get_message(timeout=2)  # the subscribe confirmation
        self.seen = []

    def collect(self, seconds, until=None):
        deadline = time.time() + seconds
        while time.time() < deadline:
            m = self.ps.get_message(timeout=0.2)
            if m and m["type"] == "message":
                self.seen.append(json.loads(m["data"]))
                if until and until(self.seen):
                    break
        return self.seen

    def of(self, case, kind=None):
        return [a for a in self.seen if a["case"] == case and (kind is None or a["type"] == kind)]


def produce(bootstrap, posts, topic="outcry.posts"):
    p = Producer({"bootstrap.servers": bootstrap})
    for post in posts:
        raw = post if isinstance(post, (bytes, str)) else json.dumps(post)
        key = post["conversation"] if isinstance(post, dict) else "bad"
        p.produce(topic, raw, key=key)
    assert p.flush(10) == 0


def consume(bootstrap, topic, want, timeout=30, group="test-reader", linger=0.0):
    """Reads topic from the start until want messages came (or timeout), then
    keeps reading for linger seconds to catch anything extra (duplicates)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    out = []
    deadline = time.time() + timeout
    try:
        while time.time() < deadline and len(out) < want:
            m = c.poll(0.2)
            if m is None or m.error():
                continue
            out.append(m)
        deadline = time.time() + linger
        while time.time() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error():
                out.append(m)
    finally:
        c.close()
    return out


def test_unanswered_complaint_breaches_exactly_once(pipeline, devbroker, redis_server):
    pipeline.start_all()
    alerts = Alerts(redis_server.url)
    post = canonical_post(1001, 1001, COMPLAINT)
    produce(devbroker.bootstrap, [post])
    # care policy p2 = 3 s, escalation at 2x: wait past the escalation too
    alerts.collect(20, until=lambda s: any(a["type"] == "sla.escalation" for a in s))
    alerts.collect(2)
    breaches = alerts.of("twitter:1001", "sla.breach")
    assert len(breaches) == 1, alerts.seen
    b = breaches[0]
    assert b["schema"] == "outcry.alert/v1"
    assert b["clock_start_post"] == "twitter:1001"
    assert b["team"] == "care" and b["target_s"] == 3
    assert b["post"]["text"] == COMPLAINT
    assert len(alerts.of("twitter:1001", "sla.warning")) == 1
    assert len(alerts.of("twitter:1001", "sla.escalation")) == 1
    # the stream holds the same alerts for subscribers that were away
    stream = redis.Redis.from_url(redis_server.url).xrange("outcry:alerts:stream")
    kinds = [json.loads(fields[b"alert"])["type"] for _, fields in stream]
    assert kinds.count("sla.breach") == 1


def test_complaint_answered_in_time_yields_no_breach(pipeline, devbroker, redis_server):
    pipeline.start_all()
    alerts = Alerts(redis_server.url)
    complaint = canonical_post(2001, 2001, COMPLAINT)
    produce(devbroker.bootstrap, [complaint])
    # the brand answers 1 s later, live, 2 s before the 3 s deadline: the
    # reply still has to cross classify, route and alert in time, which under
    # the sanitizers with the other tests running once took more than 1 s
    alerts.collect(1)
    reply = canonical_post(2002, 2001, "@h700001 sorry! we've reset your line, please try now",
                           direction="outbound", author="acme", reply_to=2001)
    produce(devbroker.bootstrap, [reply])
    alerts.collect(7)  # past the deadline (3 s) and the escalation (6 s)
    assert alerts.of("twitter:2001", "sla.breach") == []
    assert alerts.of("twitter:2001", "sla.escalation") == []
    # and the reply really went through: route forwarded it to outcry.routed
    routed = consume(devbroker.bootstrap, "outcry.routed", 2)
    ids = sorted(json.loads(m.value())["id"] for m in routed)
    assert ids == ["twitter:2001", "twitter:2002"]


def test_malformed_message_goes_to_dlq_and_stage_keeps_going(pipeline, devbroker):
    cl = pipeline.start("classify")
    cl.wait_ready()
    missing = canonical_post(3002, 3002, "fine")
    del missing["author"]
    good = canonical_post(3003, 3003, COMPLAINT)
    produce(devbroker.bootstrap, [b"{not json at all", json.dumps(missing), good])
    dlq = consume(devbroker.bootstrap, "outcry.dlq", 2)
    entries = sorted((json.loads(m.value()) for m in dlq), key=lambda e: e["offset"])
    assert [e["code"] for e in entries] == ["invalid_json", "invalid_post"]
    assert entries[0]["stage"] == "classify"
    assert "line 1" in entries[0]["reason"]
    assert "author" in entries[1]["reason"]
    assert entries[0]["topic"] == "outcry.posts"
    import base64
    assert base64.b64decode(entries[0]["payload_b64"]) == b"{not json at all"
    out = consume(devbroker.bootstrap, "outcry.classified", 1, group="test-classified")
    assert json.loads(out[0].value())["id"] == "twitter:3003"
    assert cl.metric("outcry_dlq_total", 'stage="classify"') == 2


def test_two_classify_instances_share_partitions(pipeline, devbroker):
    a = pipeline.start("classify", tag="classify-a")
    a.wait_ready()
    first = [canonical_post(40000 + i, 40000 + i, "post number %d about my bill" % i)
             for i in range(100)]
    produce(devbroker.bootstrap, first)
    # B joins once A has committed the first batch: with the dev broker a
    # commit is refused while a rebalance is in progress (docs/devbroker.md),
    # so what is uncommitted when B joins would be processed again -- correct
    # for at-least-once, but this test is about sharing without duplicates.
    deadline = time.time() + 30
    while time.time() < deadline and a.metric("outcry_committed_messages_total") < 100:
        time.sleep(0.2)
    assert a.metric("outcry_committed_messages_total") == 100
    b = pipeline.start("classify", tag="classify-b")
    b.wait_ready()
    second = [canonical_post(50000 + i, 50000 + i, "post number %d about delivery" % i)
              for i in range(100)]
    produce(devbroker.bootstrap, second)
    out = consume(devbroker.bootstrap, "outcry.classified", 200, timeout=40, linger=3)
    ids = [json.loads(m.value())["id"] for m in out]
    assert len(set(ids)) == 200, "lost posts: %d of 200 came out" % len(set(ids))
    assert len(ids) == 200, "processed twice: %d outputs for 200 posts" % len(ids)
    na, nb = a.metric("outcry_messages_in_total"), b.metric("outcry_messages_in_total")
    assert na + nb == 200 and nb > 0, (na, nb)
    assert b.metric("outcry_partitions_assigned") > 0


def test_kcat_lists_topics_and_its_complaint_becomes_an_alert(pipeline, devbroker,
                                                               redis_server):
    listing = subprocess.run(["kcat", "-b", devbroker.bootstrap, "-L"], capture_output=True,
                             text=True, timeout=20)
    assert listing.returncode == 0, listing.stderr
    for topic in ("outcry.posts", "outcry.classified", "outcry.routed", "outcry.dlq"):
        assert 'topic "%s"' % topic in listing.stdout
    pipeline.start_all()
    alerts = Alerts(redis_server.url)
    post = canonical_post(6001, 6001, COMPLAINT)
    produced = subprocess.run(["kcat", "-b", devbroker.bootstrap, "-P", "-t", "outcry.posts",
                               "-k", "twitter:6001"], input=json.dumps(post), text=True,
                              capture_output=True, timeout=20)
    assert produced.returncode == 0, produced.stderr
    alerts.collect(20, until=lambda s: any(a["case"] == "twitter:6001"
                                           and a["type"] == "sla.breach" for a in s))
    assert len(alerts.of("twitter:6001", "sla.breach")) == 1, alerts.seen
