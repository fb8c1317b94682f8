"""outcry-devbroker, checked from other processes: kcat and confluent_kafka.

Run: /usr/bin/python3 -m pytest -q tests/integration/test_devbroker.py
"""

import json
import signal
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from conftest import bin_path, need_tool, wait_for

TEAMS = ["billing", "delivery", "product", "technical", "account", "service",
         "safety", "privacy", "care"]


def expected_topics(prefix="outcry.", teams=TEAMS):
    return [prefix + t for t in ("posts", "classified", "routed", "dlq")] + \
           [f"{prefix}team.{t}" for t in teams]


def kcat_metadata(bootstrap):
    """{topic: partition count} as kcat -L sees it."""
    out = subprocess.run([need_tool("kcat"), "-b", bootstrap, "-L", "-J", "-m", "5"],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, f"kcat -L failed: {out.stderr}"
    md = json.loads(out.stdout)
    return {t["topic"]: len(t["partitions"]) for t in md["topics"]}


def assignment(c):
    return sorted(tp.partition for tp in c.assignment())


def poll_until(consumers, pred, timeout, what):
    """Keeps every consumer polling (group protocol runs in poll) until pred()."""
    def step():
        for c in consumers:
            c.poll(0.05)
        return pred()
    return wait_for(step, timeout=timeout, what=what, interval=0)


def test_lists_every_outcry_topic_with_default_partitions(devbroker):
    assert devbroker.bootstrap.startswith("127.0.0.1:")
    md = kcat_metadata(devbroker.bootstrap)
    for topic in expected_topics():
        assert md.get(topic) == 4, f"{topic}: {md.get(topic)} partitions in {md}"
    assert len(md) == len(expected_topics())


def test_first_stdout_line_is_the_bootstrap_list(devbroker):
    wait_for(lambda: devbroker.proc.stdout_text().strip(), what="devbroker stdout")
    first = devbroker.proc.stdout_text().splitlines()[0]
    assert first == devbroker.bootstrap
    assert "in-memory" in devbroker.proc.stderr_text()


def test_flags_choose_prefix_partitions_teams_and_extra_topics(devbroker_factory):
    b = devbroker_factory("--brokers", "3", "--partitions", "2", "--teams", "a,b",
                          "--topic", "raw.input:1", "--topic", "wide:12",
                          prefix="t1.")
    assert len(b.bootstrap.split(",")) == 3
    md = kcat_metadata(b.bootstrap)
    want = {t: 2 for t in expected_topics("t1.", ["a", "b"])}
    want.update({"raw.input": 1, "wide": 12})
    assert md == want


def test_topic_prefix_comes_from_environment(procs, tmp_path):
    port_file = tmp_path / "pf"
    p = procs.start([bin_path("devbroker"), "--port-file", port_file, "--teams", ""],
                    env={"OUTCRY_TOPIC_PREFIX": "envp."})
    boot = wait_for(lambda: port_file.exists() and port_file.read_text().strip(),
                    what="port file", procs=[p])
    assert sorted(kcat_metadata(boot)) == sorted(expected_topics("envp.", []))


@pytest.mark.parametrize("args", [
    ["--partitions", "0"], ["--partitions", "x"], ["--brokers"], ["--bogus"],
    ["--teams", "bad/name"], ["--topic", "t:0"], ["--teams", "a,a"], ["--log", "loud"],
])
def test_bad_flags_exit_2(args):
    r = subprocess.run([bin_path("devbroker")] + args, capture_output=True, text=True, timeout=10)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert r.stdout == ""
    assert "outcry-devbroker:" in r.stderr


def test_help_and_version():
    r = subprocess.run([bin_path("devbroker"), "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "--port-file" in r.stdout and "NOT for production" in r.stdout
    r = subprocess.run([bin_path("devbroker"), "--version"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and r.stdout.startswith("outcry-devbroker ")


def test_kcat_produce_confluent_consume(devbroker):
    topic = devbroker.topic("posts")
    lines = "".join(f"conv{i % 5}:post-{i}\n" for i in range(30))
    r = subprocess.run([need_tool("kcat"), "-b", devbroker.bootstrap, "-P", "-t", topic, "-K:"],
                       input=lines, capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    c = Consumer(devbroker.consumer_conf("test-consume"))
    got = []
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + 20
        while len(got) < 30 and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None and m.error() is None:
                got.append((m.key().decode(), m.value().decode(), m.partition()))
    finally:
        c.close()
    assert sorted(v for _, v, _ in got) == sorted(f"post-{i}" for i in range(30))
    # one key, one partition: what keeps a conversation in order
    by_key = {}
    for k, _, p in got:
        by_key.setdefault(k, set()).add(p)
    assert all(len(ps) == 1 for ps in by_key.values()), by_key


def test_confluent_produce_kcat_consume(devbroker):
    topic = devbroker.topic("dlq")
    devbroker.produce(topic, [(b"k", b"v%d" % i) for i in range(10)])
    r = subprocess.run([need_tool("kcat"), "-b", devbroker.bootstrap, "-C", "-t", topic,
                        "-e", "-q", "-f", "%k=%s\n"], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.split()) == sorted(f"k=v{i}" for i in range(10))


def test_unknown_topic_is_created_on_first_produce(devbroker):
    topic = devbroker.topic("team.newteam")
    assert topic not in kcat_metadata(devbroker.bootstrap)
    devbroker.produce(topic, [(b"c1", b"hello")])
    assert kcat_metadata(devbroker.bootstrap)[topic] == 4
    got = devbroker.read_all(topic, min_count=1)
    assert [(k, v) for k, v, _, _ in got] == [(b"c1", b"hello")]


def test_consumer_group_splits_partitions_rebalances_and_keeps_offsets(devbroker):
    topic = devbroker.topic("classified")
    conf = devbroker.consumer_conf("test-group", {"enable.auto.commit": False})
    c1 = Consumer(conf)
    c2 = Consumer(conf)
    closed = []
    try:
        c1.subscribe([topic])
        poll_until([c1], lambda: len(assignment(c1)) == 4, 20, "first member to get all 4 partitions")
        c2.subscribe([topic])
        poll_until([c1, c2], lambda: assignment(c2) and len(assignment(c1)) + len(assignment(c2)) == 4,
                   30, "two members to share the partitions")
        a1, a2 = set(assignment(c1)), set(assignment(c2))
        assert a1 and a2 and not a1 & a2 and a1 | a2 == {0, 1, 2, 3}

        devbroker.produce(topic, [(f"conv{i}".encode(), f"m{i}".encode()) for i in range(40)])
        got = {1: [], 2: []}
        deadline = time.monotonic() + 20
        while len(got[1]) + len(got[2]) < 40 and time.monotonic() < deadline:
            for n, c in ((1, c1), (2, c2)):
                m = c.poll(0.05)
                if m is not None and m.error() is None:
                    got[n].append(m)
                    c.commit(message=m, asynchronous=False)
        assert {m.partition() for m in got[1]} <= a1
        assert {m.partition() for m in got[2]} <= a2
        assert got[1] and got[2]
        assert sorted(m.value() for m in got[1] + got[2]) == sorted(f"m{i}".encode() for i in range(40))

        c2.close()
        closed.append(c2)
        poll_until([c1], lambda: len(assignment(c1)) == 4, 30,
                   "the remaining member to take all partitions back")
        c1.close()
        closed.append(c1)

        # committed offsets outlive the members: a new one reads nothing old
        c3 = Consumer(conf)
        try:
            c3.subscribe([topic])
            poll_until([c3], lambda: len(assignment(c3)) == 4, 20, "restarted member's assignment")
            committed = c3.committed([TopicPartition(topic, p) for p in range(4)], timeout=10)
            assert sum(tp.offset for tp in committed) == 40
            stale = [m for m in (c3.poll(0.2) for _ in range(10)) if m is not None and m.error() is None]
            assert stale == []
        finally:
            c3.close()
    finally:
        for c in (c1, c2):
            if c not in closed:
                c.close()


def test_idempotent_producer_works(devbroker):
    errors = []
    p = Producer(devbroker.producer_conf({"enable.idempotence": True}))
    for i in range(50):
        p.produce(devbroker.topic("routed"), key=b"k%d" % i, value=b"v",
                  on_delivery=lambda err, msg: errors.append(err))
    assert p.flush(10) == 0
    assert errors == [None] * 50


def test_partition_keeps_only_about_5_mib(devbroker):
    """The documented limit (docs/devbroker.md): older messages are evicted."""
    p = Producer(devbroker.producer_conf({"linger.ms": 20, "queue.buffering.max.messages": 200000}))
    topic = devbroker.topic("posts")
    value = b"x" * 550
    for _ in range(20000):
        p.produce(topic, value=value, partition=0)
        p.poll(0)
    assert p.flush(30) == 0
    c = Consumer({"bootstrap.servers": devbroker.bootstrap, "group.id": "wm"})
    try:
        low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    finally:
        c.close()
    assert high == 20000
    kept = high - low
    assert 5000 < kept < 20000, (low, high)
    assert kept * 550 <= 5 * 1024 * 1024


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_within_5s(devbroker, sig):
    # a connected client must not hold the shutdown up
    c = Consumer(devbroker.consumer_conf("sig"))
    try:
        c.subscribe([devbroker.topic("posts")])
        c.poll(0.5)
        devbroker.proc.signal(sig)
        t0 = time.monotonic()
        rc = devbroker.proc.wait(timeout=5)
        assert rc == 0, devbroker.proc.stderr_tail()
        assert time.monotonic() - t0 < 5
        assert not devbroker.port_file.exists(), "port file should be removed on a clean exit"
    finally:
        c.close()


def test_redis_fixture_serves(redis_server):
    r = redis_server.client()
    assert r.ping()
    r.set("k", "v")
    assert r.get("k") == b"v"
    assert redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"
