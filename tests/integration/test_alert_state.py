"""The SLA state in Redis: an alert instance killed with SIGKILL before a
deadline is taken over by another of the same group, which publishes the
breach exactly once; a run replaying the same input publishes nothing
twice; --list shows a team's open and breached clocks."""
import json
import signal
import subprocess
import time
from datetime import datetime, timezone

from conftest import bin_path, wait_for


def _rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def complaint(pid, created, target, warn_at):
    return json.dumps({
        "schema": "outcry.post/v1", "id": pid, "platform": "twitter", "native_id": pid[8:],
        "direction": "inbound", "brand": "acme",
        "author": {"id": "115712", "handle": "jdoe", "followers": 1200},
        "text": "my order never arrived", "created_at": created, "conversation": pid,
        "classification": {"complaint": True, "score": 0.9, "category": "delivery",
                           "severity": "high"},
        "routing": {"team": "billing", "priority": "p2", "rule": "test",
                    "sla": {"first_reply_s": target, "warn_at": warn_at, "escalate_at": None}}})


def stream(client):
    return [json.loads(f[b"alert"]) for _, f in client.xrange("outcry:alerts:stream")]


def list_team(url, *extra):
    r = subprocess.run([bin_path("outcry-alert"), "--list", "billing", "--json", "--redis", url]
                       + list(extra), capture_output=True, timeout=10)
    assert r.returncode == 0, r.stderr.decode()
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def test_takeover_after_sigkill_and_replay(devbroker, redis_server, procs):
    client = redis_server.client()
    env = {"OUTCRY_BROKERS": devbroker.bootstrap, "OUTCRY_REDIS_URL": redis_server.url,
           "OUTCRY_TOPIC_PREFIX": devbroker.prefix, "OUTCRY_GROUP": "alert-takeover",
           "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000", "OUTCRY_ALERT_LATENESS_MS": "200",
           "OUTCRY_LOG": "debug"}
    target = 10
    created = time.time()
    devbroker.produce(devbroker.topic("routed"),
                      [("twitter:7001", complaint("twitter:7001", _rfc3339(created), target, 0.2))])
    a = procs.start([bin_path("outcry-alert")], name="alert-a", env=env)
    # A applies the complaint (the state is in Redis) and publishes the warning (2 s).
    wait_for(lambda: [x["type"] for x in stream(client)] == ["sla.warning"], timeout=30,
             what="instance A's warning", procs=[a])
    listed = list_team(redis_server.url)
    assert [(c["case"], c["status"]) for c in listed] == [("twitter:7001", "warned")]
    deadline = datetime.strptime(listed[0]["deadline"].replace("Z", "+0000"),
                                 "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    assert abs(deadline - (created + target)) < 0.002
    assert list_team(redis_server.url, "--breached") == []
    human = subprocess.run([bin_path("outcry-alert"), "--list", "billing", "--redis",
                            redis_server.url], capture_output=True, timeout=10)
    assert human.returncode == 0, human.stderr.decode()
    line = human.stdout.decode().strip()
    assert "warned" in line and "twitter:7001" in line and "@jdoe" in line, line
    assert line.startswith(listed[0]["deadline"]), line
    empty = subprocess.run([bin_path("outcry-alert"), "--list", "nobody", "--redis",
                            redis_server.url], capture_output=True, timeout=10)
    assert empty.returncode == 0 and empty.stdout == b"" and b"no open clocks" in empty.stderr
    assert time.time() < created + target - 1, "too slow to test a takeover before the deadline"
    a.kill()  # SIGKILL: no revocation, no clean shutdown

    b = procs.start([bin_path("outcry-alert")], name="alert-b", env=env)
    wait_for(lambda: [x["type"] for x in stream(client)] == ["sla.warning", "sla.breach"],
             timeout=40, what="instance B's breach", procs=[b])
    assert "1 open clock(s)" in b.stderr_text() + b.stdout_text()
    breach = stream(client)[1]
    assert breach["case"] == "twitter:7001" and breach["at"] == breach["deadline"]
    assert [c["status"] for c in list_team(redis_server.url, "--breached")] == ["breached"]
    time.sleep(1.5)  # nothing else is due (no escalation)
    assert len(stream(client)) == 2
    b.signal(signal.SIGTERM)
    assert b.wait(20) == 0

    # A new group replays the topic from the start: offset 0 is in the stored
    # state already, so it is skipped and nothing is published again.
    env2 = dict(env, OUTCRY_GROUP="alert-replay")
    c = procs.start([bin_path("outcry-alert")], name="alert-c", env=env2)
    wait_for(lambda: "already_applied" in c.stderr_text() + c.stdout_text(), timeout=30,
             what="instance C to skip the applied offset", procs=[c])
    time.sleep(1.0)
    assert len(stream(client)) == 2
    assert client.get(b"outcry:alert:seen:" + breach["alert_id"].encode()) == b"1"
    c.signal(signal.SIGTERM)
    assert c.wait(20) == 0


def test_takeover_reads_a_large_partition_in_chunks(devbroker_factory, redis_server, procs):
    """A partition holding more clocks than one HSCAN chunk (1,000) is taken
    over whole: every clock adopted, none twice, nothing fired early."""
    broker = devbroker_factory("--partitions", "1")
    client = redis_server.client()
    env = {"OUTCRY_BROKERS": broker.bootstrap, "OUTCRY_REDIS_URL": redis_server.url,
           "OUTCRY_TOPIC_PREFIX": broker.prefix, "OUTCRY_GROUP": "alert-chunks",
           "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000"}
    n = 2500
    created = _rfc3339(time.time())
    broker.produce(broker.topic("routed"),
                   [("twitter:%d" % (80000 + i),
                     complaint("twitter:%d" % (80000 + i), created, 3600, 0.5)) for i in range(n)])
    clocks = "outcry:alert:state:%s:0:clocks" % broker.topic("routed")
    a = procs.start([bin_path("outcry-alert")], name="alert-a", env=env)
    wait_for(lambda: client.hlen(clocks) == n, timeout=60, what="%d stored clocks" % n,
             procs=[a])
    a.signal(signal.SIGTERM)
    assert a.wait(20) == 0

    b = procs.start([bin_path("outcry-alert")], name="alert-b", env=env)
    wait_for(lambda: "%d open clock(s)" % n in b.stderr_text() + b.stdout_text(), timeout=40,
             what="instance B to load every clock", procs=[b])
    log = b.stderr_text() + b.stdout_text()
    assert "bad_stored_clock" not in log and "clock_elsewhere" not in log, log[-2000:]
    # read in chunks: B's load alone takes at least three HSCANs
    assert client.info("commandstats")["cmdstat_hscan"]["calls"] >= 3
    listed = list_team(redis_server.url)
    assert len(listed) == n and len({c["case"] for c in listed}) == n
    assert stream(client) == []  # an hour's target: nothing is due
    b.signal(signal.SIGTERM)
    assert b.wait(20) == 0


def test_ids_too_long_for_the_state_go_to_the_dlq(devbroker, redis_server, procs):
    """A complaint whose team does not fit the sink's channel, or whose case
    id does not fit the store's keys, is refused (invalid_routed); before,
    it opened a clock that failed the alert or the state write, and the stage
    stopped on it at every restart. The stage goes on with the next post."""
    client = redis_server.client()
    env = {"OUTCRY_BROKERS": devbroker.bootstrap, "OUTCRY_REDIS_URL": redis_server.url,
           "OUTCRY_TOPIC_PREFIX": devbroker.prefix, "OUTCRY_GROUP": "alert-long-ids",
           "OUTCRY_ALERT_LATENESS_MS": "200"}
    created = _rfc3339(time.time())
    long_team = json.loads(complaint("twitter:7201", created, 60, 0.5))
    long_team["routing"]["team"] = "t" * 200
    long_team["classification"]["severity"] = "critical"  # fires at once
    long_case = json.loads(complaint("twitter:7202", created, 60, 0.5))
    long_case["conversation"] = "twitter:" + "9" * 2000
    devbroker.produce(devbroker.topic("routed"),
                      [("twitter:7201", json.dumps(long_team)),
                       ("twitter:7202", json.dumps(long_case)),
                       ("twitter:7203", complaint("twitter:7203", created, 1, 0.5))])
    a = procs.start([bin_path("outcry-alert")], name="alert", env=env)
    wait_for(lambda: [(x["type"], x["case"]) for x in stream(client)] ==
             [("sla.warning", "twitter:7203"), ("sla.breach", "twitter:7203")],
             timeout=30, what="the good complaint's alerts", procs=[a])
    dlq = [json.loads(v) for _, v, _, _ in devbroker.read_all(devbroker.topic("dlq"), 2)]
    assert sorted((d["code"], d["reason"]) for d in dlq) == [
        ("invalid_routed", "conversation: 2008 bytes; the id of a case that opens a clock has "
                           "at most 512"),
        ("invalid_routed", "routing.team: 200 bytes; a team name has at most 100")]
    assert a.alive
    a.signal(signal.SIGTERM)
    assert a.wait(20) == 0
