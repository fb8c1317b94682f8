#!/usr/bin/python3
"""make bench: every stage against the passthrough ceiling and a Python peer,
the whole pipeline's throughput and latency, scaling, and alert's Redis
cost, in one run (bench/README.md).

Phases, each on a fresh dev broker (64 partitions), in this order:
  stages    the passthrough ceiling, then ingest, classify, route, alert
            alone (harness.run_target: kcat loads the input while the target
            starts, then the target works through it; progress and CPU
            from /metrics and /proc; ingest: harness.run_replay, the posts
            file into the broker), pinned (the broker on CPU 0, the
            target on CPU 1), in --repeat rounds (alert in the first
            --alert-repeat); the best run is reported, and ratios are
            between best runs
  peer      bench/peer_classify.py on the first --peer-n posts, in each
            round right after classify
  scaling   classify with 1 and 2 instances in one group, unpinned, in
            each round
  pipeline  ingest -> classify -> route -> alert -> Redis: throughput
            (pipeline.throughput), then latency at each of --rates posts/s
            (pipeline.latency)
  redis     alert's cost per post with 1,000 and 1,000,000 open clocks
            (rediscost.py), in --redis-repeat rounds, pinned
Then report.py writes bench/results.json, results.md and results.png.
Raw inputs, logs and plot data go to bench/out/ (not committed)."""
import argparse
import concurrent.futures
import os
import platform
import shutil
import subprocess
import sys
import time

import pipeline
import rediscost
import report
from harness import (HERE, OUT, PYTHON, Broker, Redis, best_of, keyed_file, log, run_replay,
                     run_target)

PHASES = ("stages", "peer", "scaling", "pipeline", "redis")


def prepare(args, b):
    """posts (bench/gen.py), and the later stages' inputs from the earlier
    stages' --stdio, so every stage sees what it would see in the pipeline;
    the four run as one shell pipeline (both cores: the generator is the
    slowest, and the stages keep up with it)."""
    posts = os.path.join(OUT, "posts.jsonl")
    classified = os.path.join(OUT, "classified.jsonl")
    routed = os.path.join(OUT, "routed.jsonl")
    cmd = ("set -o pipefail; %s %s -n %d --seed %d | tee %s | %s --stdio 2>/dev/null | tee %s"
           " | %s --stdio 2>/dev/null > %s"
           % (PYTHON, os.path.join(HERE, "gen.py"), args.n, args.seed, posts,
              b("outcry-classify"), classified, b("outcry-route"), routed))
    r = subprocess.run(["bash", "-c", cmd])
    if r.returncode != 0:
        raise SystemExit("bench: preparing the inputs failed (exit %d)" % r.returncode)
    files = {"posts": posts, "classified": classified, "routed": routed}
    keyed = {label: path + ".keyed" for label, path in files.items()}
    # one process each: ~2 s a million lines
    with concurrent.futures.ProcessPoolExecutor(len(files)) as ex:
        jobs = {label: ex.submit(keyed_file, files[label], keyed[label]) for label in files}
        counts = {label: job.result() for label, job in jobs.items()}
    # ~3 GB just written: without this the kernel writes it back during the
    # first round, whose runs came out 10-25% slower than the later rounds'
    t = time.time()
    os.sync()
    log("bench:   inputs written to disk (sync) in %.1f s" % (time.time() - t))
    return {"posts": posts, "classified": classified, "routed": routed, "keyed": keyed,
            "counts": counts}


def git_commit():
    """The commit measured, "-dirty" when the sources differ from it; the
    results a run writes (bench/results.*) do not count, so a second run in
    the same tree names the same commit as the first."""
    repo = os.path.dirname(HERE)
    head = subprocess.run(["git", "-C", repo, "describe", "--always"], capture_output=True,
                          text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no",
                              "--", ".", ":!bench/results.*"], capture_output=True,
                             text=True).stdout.strip()
    return head + ("-dirty" if changed else "") if head else ""


def cpu_times():
    """The machine's CPU time: (busy, steal, total) jiffies from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    steal = v[7] if len(v) > 7 else 0
    return sum(v) - idle, steal, sum(v)


def timed(name, fn, *a, **kw):
    t = time.time()
    log("bench: %s ..." % name)
    r = fn(*a, **kw)
    log("bench: %s done in %.0f s" % (name, time.time() - t))
    return r


# alert replays the recorded workload in event time (--event-time, the mode
# for replays, docs/alert.md): clocks fire as the posts' own time passes
# their deadlines, so a run pays for every alert its posts lead to. In live
# mode the bench's posts, weeks old, would fire every clock at once.
ALERT_REPLAY = ["--event-time"]
ALERT_COUNTERS = ("outcry_alerts_published_total",)
PROFILED = ("ingest", "classify", "route", "alert")  # perf record in the first round


def pinning():
    """(broker CPU, target CPU) for the runs of one target: the broker on
    CPU 0, the target (every thread) on CPU 1, so that the scheduler does not
    move a target's threads between the cores it shares with the broker; on
    this 2-core machine that halved the spread of a stage's posts per
    CPU-second between runs (bench/README.md). None on one CPU."""
    return (0, 1) if (os.cpu_count() or 1) >= 2 and shutil.which("taskset") else None


def stages(args, b, inp, redis, scale, with_peer):
    """The stages alone (pinned: see pinning()), the Python peer right after
    classify, and with scale classify with 1 and 2 instances unpinned (the
    2 instances need both cores), in rounds. Returns (stage results, scaling {"one", "two"} or
    None, the peer's result or None)."""
    n, nr = args.n, inp["counts"]["routed"]
    pin = pinning()
    pt = [b("bench/passthrough"), "-i", "outcry.posts", "-o", "bench.out"]
    cl = [b("outcry-classify")]
    # name, commands, env, input topic, input, posts, pinned, ready timeout
    ig = [b("outcry-ingest"), "replay", "--format", "jsonl", "--max-rows", "0", inp["posts"]]
    targets = [
        ("passthrough", [pt], {}, "outcry.posts", "posts", n, pin, 30),
        # ingest reads the posts file into the broker (harness.run_replay)
        ("ingest", [ig], {}, None, None, n, pin, 30),
        ("classify", [cl], {}, "outcry.posts", "posts", n, pin, 30),
        ("route", [[b("outcry-route")]], {}, "outcry.classified", "classified", n, pin, 30),
        ("alert", [[b("outcry-alert")] + ALERT_REPLAY], {"OUTCRY_REDIS_URL": redis.url},
         "outcry.routed", "routed", nr, pin, 30),
        ("passthrough-end", [pt], {}, "outcry.posts", "posts", n, pin, 30),
    ]

    def after(name):
        return next(i for i, t in enumerate(targets) if t[0] == name) + 1

    if with_peer:
        pn = min(args.n, args.peer_n)
        inp["keyed"]["peer"] = os.path.join(OUT, "peer-posts.keyed")
        keyed_file(inp["posts"], inp["keyed"]["peer"], pn)
        # right after classify, so that both see the machine alike
        targets.insert(after("classify"), ("python-peer", [[PYTHON, os.path.join(HERE, "peer_classify.py"),
                                            "--batch", str(args.peer_batch)]], {},
                           "outcry.posts", "peer", pn, pin, 60))
    if scale:
        at = after("python-peer" if with_peer else "classify")
        targets[at:at] = [("classify-x1", [cl], {}, "outcry.posts", "posts", n, None, 30),
                        ("classify-x2", [cl] * 2, {}, "outcry.posts", "posts", n, None, 30)]
    reps = {t[0]: [] for t in targets}
    # repetitions alternate (all targets, then all again) so that a slow
    # spell of the machine does not land on one target's every run; the
    # ceiling runs at the start of each round and at the end of the last
    for rep in range(args.repeat):
        for name, cmds, env, topic, inp_label, count, cpus, ready in targets:
            runs = args.alert_repeat if name == "alert" else args.repeat
            # the ceiling starts every round and ends the last one
            if rep >= runs or (name == "passthrough-end" and rep < args.repeat - 1):
                continue
            if name == "alert":
                redis.flush()
            with Broker(b("outcry-devbroker"), args.partitions) as broker:
                log("bench:   %-15s %d posts (round %d of %d) ..." % (name, count, rep + 1,
                                                                        args.repeat), end="")
                profile = args.profile and name in PROFILED and rep == 0
                if name == "ingest":
                    r = run_replay(name, cmds[0], count, broker, args.timeout, pin=cpus,
                                   profile=profile)
                else:
                    r = run_target(name.replace("-end", ""), cmds, env, count, broker, topic,
                                   inp["keyed"][inp_label], args.timeout, args.partitions,
                                   ready_timeout=ready, profile=profile,
                                   counters=ALERT_COUNTERS if name == "alert" else (), pin=cpus,
                                   side_pids=(redis.pid,) if name == "alert" else ())
                log(" %s posts per CPU-s (%smeasured over %s s)" % (
                    r.get("posts_per_cpu_s", r.get("error")),
                    "loaded in %s s, " % r["load_s"] if "load_s" in r else "", r.get("wall_s")))
                reps[name].append(r)
    # the ceiling's runs at the start of every round and the end of the last
    # are one target
    reps["passthrough"] += reps.pop("passthrough-end")
    scaling = None
    if scale:
        scaling = {"one": best_of(reps.pop("classify-x1")), "two": best_of(reps.pop("classify-x2"))}
    peer = None
    if with_peer:
        peer = best_of(reps.pop("python-peer"))
        peer["batch"] = args.peer_batch
        log("bench:   python peer: %s posts per CPU-second" % peer.get("posts_per_cpu_s",
                                                                      peer.get("error")))
    return [best_of(reps[t[0]]) for t in targets if t[0] in reps], scaling, peer


def run_pipeline(args, b, inp, redis):
    n = min(args.n, args.pipeline_n)
    thr = timed("pipeline throughput (%d posts)" % n, pipeline.throughput, b,
                b("outcry-devbroker"), redis, args.partitions, inp["posts"], inp["routed"], n,
                args.timeout)
    log("bench:   end to end: %s posts/s" % thr.get("posts_per_s", thr.get("error")))
    lats = []
    for rate in (int(r) for r in args.rates.split(",")):
        nl = min(args.n, int(rate * args.latency_s))
        lat = timed("pipeline latency (%d posts at %d/s)" % (nl, rate), pipeline.latency, b,
                    b("outcry-devbroker"), redis, args.latency_partitions, inp["posts"],
                    inp["classified"], inp["routed"], nl, rate, args.drain)
        log("bench:   p50 %s ms, p99 %s ms, p99.9 %s ms (%s of %s probes)" % (
            lat.get("p50_ms"), lat.get("p99_ms"), lat.get("p999_ms"),
            lat.get("probes_received"), lat.get("probes")))
        lats.append(lat)
    return {"throughput": thr, "latency": lats}


def run_redis(args, b, inp):
    n = min(inp["counts"]["routed"], args.redis_n)
    keyed = os.path.join(OUT, "redis-routed.keyed")
    keyed_file(inp["routed"], keyed, n)
    sizes = [int(s) for s in args.clocks.split(",")]
    rs = rediscost.run(b, b("outcry-devbroker"), args.partitions, keyed, n, sizes, args.timeout,
                       args.redis_repeat, pinning())
    for r in rs:
        log("bench:   %d open clocks: %s alert CPU µs/post" % (
            r["open_clocks"], r.get("cpu_us_per_post", r.get("error"))))
    return rs


def main():
    t_start = time.time()
    load_start = os.getloadavg()[0]
    cpu_start = cpu_times()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(HERE), "build"))
    ap.add_argument("-n", type=int, default=1_000_000, help="posts per stage alone")
    # the dev broker keeps ~5 MiB a partition: enough partitions that the
    # backlog between loader and stage is never evicted
    ap.add_argument("--partitions", type=int, default=64)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per target")
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds of the stages alone, the peer and the scaling runs; the best "
                    "run of each is reported")
    ap.add_argument("--alert-repeat", type=int, default=2,
                    help="rounds (the first ones) with alert alone in them, at most --repeat")
    ap.add_argument("--redis-repeat", type=int, default=3,
                    help="rounds of the open-clocks runs (1k, 1M, 1k, 1M, ...)")
    ap.add_argument("--peer-n", type=int, default=100_000,
                    help="posts for the Python peer (at most -n)")
    ap.add_argument("--peer-batch", type=int, default=500, help="the peer's consume() batch")
    ap.add_argument("--pipeline-n", type=int, default=100_000,
                    help="posts for the pipeline's throughput (at most -n)")
    ap.add_argument("--rates", default="10000,2000",
                    help="offered loads (posts/s) of the latency runs; the target is at 10000")
    # fewer partitions make the dev broker slower, not faster: it answers a
    # fetch with one producer batch per partition (docs/devbroker.md, "Fetching")
    ap.add_argument("--latency-partitions", type=int, default=64,
                    help="partitions per topic in the latency runs")
    ap.add_argument("--latency-s", type=float, default=10,
                    help="seconds of offered load (posts = rate x seconds, at most -n)")
    ap.add_argument("--drain", type=int, default=30,
                    help="seconds after the last send that probes may still arrive")
    ap.add_argument("--redis-n", type=int, default=200_000,
                    help="routed posts per open-clocks size (at most the routed posts)")
    ap.add_argument("--clocks", default="1000,1000000", help="open-clock sizes")
    ap.add_argument("--no-profile", dest="profile", action="store_false",
                    help="no perf profile of the stages alone (perf record -F 199)")
    ap.add_argument("--phases", default=",".join(PHASES),
                    help="comma-separated subset of %s (the report needs stages)" % ",".join(PHASES))
    args = ap.parse_args()
    phases = args.phases.split(",")
    if shutil.which("gnuplot") is None or shutil.which("kcat") is None:
        raise SystemExit("bench: gnuplot and kcat are needed (make deps)")
    # bench/out/ is this run's scratch space, except history/ (the last
    # results of each size, for the repeatability section)
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name != "history":
            p = os.path.join(OUT, name)
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
    b = lambda name: os.path.join(args.bin, name)

    inp = timed("generating %d posts (seed %d) and the later stages' inputs" % (args.n, args.seed),
                prepare, args, b)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(),
               "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                  if l.startswith("model name")), "?")}
    commit = git_commit()
    doc = {"machine": machine, "n": args.n, "seed": args.seed, "partitions": args.partitions,
           "commit": commit or "?", "bin": os.path.abspath(args.bin), "stages": []}
    redis = Redis()
    doc["redis_version"] = redis.version
    try:
        if "stages" in phases:
            doc["stages"], scaling, peer = timed(
                "each stage alone, the Python peer, classify with 1 and 2 instances", stages, args,
                b, inp, redis, "scaling" in phases, "peer" in phases)
            doc["pinned"] = pinning()
            if scaling is not None:
                doc["scaling"] = scaling
            if peer is not None:
                doc["peer"] = peer
        if "pipeline" in phases:
            doc["pipeline"] = run_pipeline(args, b, inp, redis)
        if "redis" in phases:
            doc["redis"] = timed("alert with open clocks", run_redis, args, b, inp)
    finally:
        redis.stop()
    doc["at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    doc["elapsed_s"] = round(time.time() - t_start)
    busy, steal, total = (b - a for a, b in zip(cpu_start, cpu_times()))
    doc["machine_during_run"] = {"load_average_at_start": round(load_start, 2),
                                 "busy_pct": round(100.0 * busy / total, 1),
                                 "steal_pct": round(100.0 * steal / total, 1)}
    md = report.write(doc)
    print(md)
    failed = any("error" in r for r in doc["stages"]) or doc.get("plot_error")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
