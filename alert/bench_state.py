#!/usr/bin/python3
"""Benchmark of alert's Redis state (docs/alert.md, "State in Redis").

Starts a private redis-server, fills one partition with N open clocks in
the layout alert writes (clock JSON in the partition hash, next due time in
the partition's sorted set, breach deadline in the team's sorted set), and
measures for N = 1,000 and 1,000,000:
  - a deadline check: ZRANGEBYSCORE due -inf <now> LIMIT 0 100 (10 clocks
    due, the rest in the future), mean over many calls;
  - Redis memory per open clock (used_memory before/after);
  - loading the partition (HGETALL of the hash) as a new owner does.
Usage: make bench-alert   (or /usr/bin/python3 alert/bench_state.py [N ...])"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from harness import Redis  # noqa: E402  (bench/harness.py: a private redis-server)

TOPIC = "outcry.routed"
P = 0


def clock(i, now_ms):
    opened = now_ms + (i % 2592000) * 1000  # within 30 days from now: not due
    case = "twitter:%d" % (10**12 + i)
    return case, opened, {
        "case": case, "start": case, "brand": "sprintcare", "team": "billing",
        "priority": "p2",
        # the alert's post summary, stored as its JSON text (alert/state.c)
        "post": json.dumps({"id": case, "author": {"id": "%d" % (115712 + i),
                                                   "handle": "user%d" % i, "followers": 1200},
                            "text": "@sprintcare my bill doubled this month and nobody answers "
                                    "my DMs",
                            "url": "https://twitter.com/i/web/status/%d" % (10**12 + i)},
                           separators=(",", ":")),
        "opened": opened, "target": 3600000,
        "due": [opened + 2700000, opened + 3600000, opened + 7200000, opened + 612000000],
        "fired": 0}


def fill(r, n, now_ms):
    hkey = "outcry:alert:state:%s:%d:clocks" % (TOPIC, P)
    zkey = "outcry:alert:state:%s:%d:due" % (TOPIC, P)
    tkey = "outcry:alert:team:billing"
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        case, _, c = clock(i, now_ms)
        if i < 10:  # ten clocks due now: opened 45 min + 1 s ago, warning due 1 s ago
            c["opened"] = now_ms - 2700000 - 1000
            c["due"][0] = now_ms - 1000
        pipe.hset(hkey, case, json.dumps(c, separators=(",", ":")))
        pipe.zadd(zkey, {case: c["due"][0]})
        pipe.zadd(tkey, {"%s|%d|%s" % (TOPIC, P, case): c["due"][1]})
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    return hkey, zkey


def bench(n, r):
    r.flushall()
    base = r.info("memory")["used_memory"]
    now_ms = int(time.time() * 1000)
    t0 = time.time()
    hkey, zkey = fill(r, n, now_ms)
    fill_s = time.time() - t0
    per_clock = (r.info("memory")["used_memory"] - base) / n
    calls = 5000
    t0 = time.perf_counter()
    for _ in range(calls):
        due = r.zrangebyscore(zkey, "-inf", now_ms, start=0, num=100)
    check_us = (time.perf_counter() - t0) / calls * 1e6
    assert len(due) == 10
    t0 = time.perf_counter()
    loaded = r.hgetall(hkey)
    load_s = time.perf_counter() - t0
    assert len(loaded) == n
    print("%9d clocks: deadline check %6.1f us/call (ZRANGEBYSCORE, 10 due), "
          "%4.0f B Redis memory per open clock, partition load %.2f s, fill %.1f s"
          % (n, check_us, per_clock, load_s, fill_s), flush=True)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 1000000]
    if shutil.which("redis-server") is None:
        sys.exit("redis-server not installed (make deps)")
    srv = Redis()
    try:
        print("redis-server %s, loopback, one client" % srv.version)
        for n in sizes:
            bench(n, srv.client)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
