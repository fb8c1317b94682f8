"""alert's cost per post with 1,000 and with 1,000,000 open clocks in Redis.

For each size N: a redis-server is filled with N open clocks in
the layout alert keeps (docs/alert.md, "State in Redis"; the clock JSON is
alert/bench_state.py's, the benchmark behind make bench-alert), spread over
every partition of outcry.routed, all due days from now (none fires during
the run), and saved as a snapshot; each run starts a fresh redis-server
from that snapshot. alert then starts (loading them on assignment, before
it is ready) and handles the same routed posts; reported per post: alert's CPU,
redis-server's CPU over the same interval, and wall time, plus Redis memory
per open clock. The posts are the benchmark's routed posts, whose clocks
open and fire at once (their created_at is in the past): every post costs
what it costs in the alert-alone run."""
import importlib.util
import json
import os
import re
import time

from harness import REPO, Broker, Redis, best_of, run_target

TOPIC = "outcry.routed"


def bench_state():
    path = os.path.join(REPO, "alert", "bench_state.py")
    spec = importlib.util.spec_from_file_location("bench_state", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def clock_json(layout):
    """A fast renderer of alert/bench_state.py's clock(i, now_ms) as JSON,
    checked against it: a million json.dumps would take half a minute."""
    now_ms = int(time.time() * 1000)
    tmpl = json.dumps(layout(7, now_ms)[2], separators=(",", ":"))
    for a, b in (("1000000000007", "%(n)d"), ('\\"115719\\"', '\\"%(a)d\\"'),
                 ("user7", "user%(i)d")):
        tmpl = tmpl.replace(a, b)
    for k, v in (("opened", "%(o)d"),):
        tmpl = re.sub(r'"%s":\d+' % k, '"%s":%s' % (k, v), tmpl)
    tmpl = re.sub(r'"due":\[[^]]*\]', '"due":[%(d0)d,%(d1)d,%(d2)d,%(d3)d]', tmpl)

    def render(i, now):
        opened = now + (i % 2592000) * 1000
        d = [opened + 2700000, opened + 3600000, opened + 7200000, opened + 612000000]
        return "twitter:%d" % (10**12 + i), d, tmpl % {
            "n": 10**12 + i, "a": 115712 + i, "i": i, "o": opened,
            "d0": d[0], "d1": d[1], "d2": d[2], "d3": d[3]}

    for i in (0, 7, 12345, 999999):  # the same bytes as the reference layout
        case, opened, c = layout(i, now_ms)
        assert render(i, now_ms)[2] == json.dumps(c, separators=(",", ":")), i
    return render


def fill(client, n, partitions, chunk=500):
    """N clocks, partition i % partitions, written through one redis-py
    pipeline (HSET/ZADD with many pairs per command, replies read at the
    end): a million clocks in seconds."""
    render = clock_json(bench_state().clock)
    now_ms = int(time.time() * 1000)
    per = [([], [], []) for _ in range(partitions)]
    pipe = client.pipeline(transaction=False)

    def flush(p):
        h, z, t = per[p]
        if not h:
            return
        base = "outcry:alert:state:%s:%d:" % (TOPIC, p)
        pipe.execute_command("HSET", base + "clocks", *h)
        pipe.execute_command("ZADD", base + "due", *z)
        pipe.execute_command("ZADD", "outcry:alert:team:billing", *t)
        per[p] = ([], [], [])

    for i in range(n):
        case, due, c = render(i, now_ms)
        p = i % partitions
        h, z, t = per[p]
        h += [case, c]
        z += [due[0], case]
        t += [due[1], "%s|%d|%s" % (TOPIC, p, case)]
        if len(h) >= 2 * chunk:
            flush(p)
    for p in range(partitions):
        flush(p)
    # every reply an integer; redis-py raises on an error reply
    for r in pipe.execute():
        if not isinstance(r, int):
            raise SystemExit("bench: filling Redis failed: %r" % (r,))


def run(bins, broker_bin, partitions, keyed_routed, n_posts, sizes, timeout, repeat=1, pin=None):
    """Each size `repeat` times, in rounds (1k, 1M, 1k, 1M: a slow spell of
    the machine does not land on one size's every run); per size the best
    run is reported (1M / 1k is between those), every run under "reps"."""
    filled = {n: filled_snapshot(n, partitions) for n in sizes}
    reps = {n: [] for n in sizes}
    try:
        for rep in range(repeat):
            for n in sizes:
                reps[n].append(run_one(bins, broker_bin, partitions, keyed_routed, n_posts, n,
                                       filled[n], timeout, pin))
    finally:
        for path, _, _ in filled.values():
            os.unlink(path)
    results = []
    for n in sizes:
        ok = [r for r in reps[n] if "error" not in r]
        r = best_of(reps[n])
        if ok:
            for key in ("redis_cpu_us_per_post", "wall_us_per_post"):
                r[key] = min(x[key] for x in ok)
            r["reps"] = [{k: x.get(k) for k in ("cpu_us_per_post", "redis_cpu_us_per_post",
                                                "wall_us_per_post", "ready_s", "error") if k in x}
                         for x in reps[n]]
        results.append(r)
    return results


def filled_snapshot(n, partitions):
    """A snapshot (RDB file) of a redis-server filled with n open clocks,
    with the seconds the fill took and Redis's memory per clock. Filling a
    million clocks takes 7-12 s; starting a server from the snapshot ~1 s, so
    every run gets a fresh server without paying the fill again."""
    redis = Redis()
    try:
        base = redis.client.info("memory")["used_memory"]
        t0 = time.time()
        fill(redis.client, n, partitions)
        fill_s = time.time() - t0
        per_clock = (redis.client.info("memory")["used_memory"] - base) / n
        path = os.path.join(os.path.dirname(redis.dir), "clocks-%d.rdb" % n)
        redis.snapshot(path)
    finally:
        redis.stop()
    return path, fill_s, per_clock


def run_one(bins, broker_bin, partitions, keyed_routed, n_posts, n, filled, timeout, pin):
    """alert over n_posts routed posts with n open clocks in Redis; pinned
    as the alert-alone runs are (redis-server beside the broker), if pin.
    Each run has a redis-server of its own, started from the filled
    snapshot: one that had held and flushed a million clocks before was
    measurably slower in some runs than in others (its allocator's state),
    which moved the 1M / 1k ratios between runs (bench/README.md,
    "Repeatability")."""
    rdb, fill_s, per_clock = filled
    redis = Redis(rdb)
    try:
        with Broker(broker_bin, partitions) as broker:
            r = run_target("alert-%d-clocks" % n, [[bins("outcry-alert"), "--event-time"]],
                           {"OUTCRY_REDIS_URL": redis.url}, n_posts, broker, TOPIC,
                           keyed_routed, timeout, partitions, ready_timeout=240,
                           extra_pids=[redis.pid], pin=pin, side_pids=(redis.pid,))
    finally:
        redis.stop()
    r.update({"open_clocks": n, "fill_s": round(fill_s, 1),
              "redis_bytes_per_clock": round(per_clock)})
    if "error" not in r:
        r["redis_cpu_us_per_post"] = r.pop("extra_cpu_us_per_post")[0]
        r["wall_us_per_post"] = round(1e6 / r["posts_per_s"], 1)
    return r
