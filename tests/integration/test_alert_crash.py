"""Exactly-once under crashes: alert instances are SIGKILLed at random
moments while a routed stream is consumed (event time, --event-time, ended
by the end-of-input control message); each is restarted. The final alert
set equals an undisturbed --stdio run's, with no duplicates. The same with
two instances in one group, one of them killed mid-run."""
import json
import random
import subprocess
import threading
import time
from datetime import datetime, timezone

from conftest import bin_path, wait_for

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc).timestamp()


def _at(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def routed_posts(seed=7, cases=60):
    """Complaints and replies over ~3 h of event time, in created_at order."""
    rnd = random.Random(seed)
    posts = []
    for c in range(cases):
        conv = "twitter:%d" % (1000 + c)
        t = T0 + rnd.randint(0, 7200)
        for turn in range(rnd.randint(1, 3)):
            pid = "twitter:%d%02d" % (1000 + c, turn * 2)
            posts.append((t, conv, {
                "schema": "outcry.post/v1", "id": pid, "platform": "twitter",
                "native_id": pid[8:], "direction": "inbound", "brand": "acme",
                "author": {"id": "u%d" % c, "handle": "u%d" % c}, "text": "still broken",
                "created_at": _at(t), "conversation": conv,
                "classification": {"complaint": True, "score": 0.9, "severity": "high"},
                "routing": {"team": "billing", "priority": "p2", "rule": "t",
                            "sla": {"first_reply_s": 900, "warn_at": 0.75, "escalate_at": 2.0}}}))
            if rnd.random() < 0.6:
                t += rnd.randint(60, 2400)
                rid = "twitter:%d%02d" % (1000 + c, turn * 2 + 1)
                posts.append((t, conv, {
                    "schema": "outcry.post/v1", "id": rid, "platform": "twitter",
                    "native_id": rid[8:], "direction": "outbound", "brand": "acme",
                    "author": {"id": "acme", "handle": "acme"}, "text": "sorry, DM us",
                    "created_at": _at(t), "conversation": conv}))
                t += rnd.randint(60, 1200)
            else:
                break
    posts.sort(key=lambda p: p[0])
    return posts


def expected(posts):
    data = "".join(json.dumps(p) + "\n" for _, _, p in posts)
    r = subprocess.run([bin_path("outcry-alert"), "--stdio"], input=data.encode(),
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr.decode()
    return sorted(json.loads(line)["alert_id"] for line in r.stdout.decode().splitlines())


def feed(devbroker, posts, chunks=12, pause=0.6):
    """Produces the posts in chunks over a few seconds, then the end-of-input
    control message to every partition."""
    from confluent_kafka import Producer
    topic = devbroker.topic("routed")
    p = Producer(devbroker.producer_conf())
    step = (len(posts) + chunks - 1) // chunks
    for i in range(0, len(posts), step):
        for _, conv, post in posts[i:i + step]:
            p.produce(topic, key=conv, value=json.dumps(post))
        assert p.flush(10) == 0
        time.sleep(pause)
    nparts = len(p.list_topics(topic, timeout=5).topics[topic].partitions)
    control = json.dumps({"schema": "outcry.control/v1", "type": "end_of_input",
                          "watermark": _at(posts[-1][0])})
    for part in range(nparts):
        p.produce(topic, value=control, partition=part)
    assert p.flush(10) == 0


def published(client):
    return [json.loads(f[b"alert"])["alert_id"] for _, f in client.xrange("outcry:alerts:stream")]


def settle(client, want, procs_alive, timeout=90):
    wait_for(lambda: len(published(client)) >= len(want), timeout=timeout,
             what="%d alerts" % len(want), procs=procs_alive)
    time.sleep(2.0)
    return published(client)


def env_for(devbroker, redis_server, group):
    return {"OUTCRY_BROKERS": devbroker.bootstrap, "OUTCRY_REDIS_URL": redis_server.url,
            "OUTCRY_TOPIC_PREFIX": devbroker.prefix, "OUTCRY_GROUP": group,
            "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000"}


def test_sigkill_restarts_publish_each_alert_once(devbroker, redis_server, procs):
    posts = routed_posts()
    want = expected(posts)
    assert len(want) > 30
    env = env_for(devbroker, redis_server, "alert-crash")
    cmd = [bin_path("outcry-alert"), "--event-time"]
    producer = threading.Thread(target=feed, args=(devbroker, posts))
    producer.start()
    rnd = random.Random(11)
    current = procs.start(cmd, name="alert-0", env=env)
    for i in range(3):  # kill at random moments while the posts arrive
        time.sleep(rnd.uniform(0.5, 2.5))
        current.kill()
        current = procs.start(cmd, name="alert-%d" % (i + 1), env=env)
    producer.join()
    got = settle(redis_server.client(), want, [current])
    assert len(got) == len(set(got)), "an alert was published twice"
    assert sorted(got) == want


def test_two_instances_one_killed(devbroker, redis_server, procs):
    posts = routed_posts(seed=8)
    want = expected(posts)
    env = env_for(devbroker, redis_server, "alert-pair")
    cmd = [bin_path("outcry-alert"), "--event-time"]
    a = procs.start(cmd, name="alert-a", env=env)
    b = procs.start(cmd, name="alert-b", env=env)
    wait_for(lambda: "state_loaded" in a.stderr_text() and "state_loaded" in b.stderr_text(),
             timeout=30, what="both instances assigned", procs=[a, b])
    producer = threading.Thread(target=feed, args=(devbroker, posts))
    producer.start()
    time.sleep(2.5)
    a.kill()
    producer.join()
    got = settle(redis_server.client(), want, [b])
    assert len(got) == len(set(got)), "an alert was published twice"
    assert sorted(got) == want
