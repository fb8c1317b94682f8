"""The whole pipeline in make bench: ingest -> classify -> route -> alert
(with a real redis-server), each stage one process in its Kafka loop.

throughput(): ingest replays posts as fast as it can; posts per second end
to end = posts / (first post seen by classify -> last routed post handled
by alert), with every process's CPU over that interval.

latency(): ingest replays posts at a fixed offered load (--speed 1 over
created_at spaced 1/rate apart, --rebase-now), with low-latency librdkafka
settings. Probes are the critical complaints: alert publishes case.critical
for each at once. Send time = the Kafka timestamp ingest's producer put on
the probe in outcry.posts (CreateTime, at produce()); receive time = when
bench/subscriber.py reads the alert from Redis pub/sub. Same wall clock."""
import math
import os
import re
import subprocess
import time
from datetime import datetime, timezone

from harness import DEV_ENV, HERE, OUT, PYTHON, Broker, Service, cpu_seconds, stop, wait_rusage

# Low-latency settings of the latency run, passed to every stage (and to
# ingest) as OUTCRY_KAFKA_* (common/config.c: '_' for '.', to both the
# producer and the consumer). Defaults are linger.ms=5 (producer,
# common/producer.c) and fetch.wait.max.ms=100 (consumer,
# common/kafka_loop.c).
LOW_LATENCY = {"OUTCRY_KAFKA_LINGER_MS": "1", "OUTCRY_KAFKA_FETCH_WAIT_MAX_MS": "5"}
# Before the measured load, every partition of every topic carries 3 s of
# traffic from the same ingest process (other posts, ids twitter:8...): a
# fresh librdkafka producer's first second on the dev broker is slow
# (hundreds of ms: leaders and connections per partition), an artefact of a
# process just started, not of the pipeline.
WARMUP_POSTS, WARMUP_RATE, WARMUP_GAP_S = 3000, 1000, 2


class Pipeline:
    """classify, route and alert, each one process, on a fresh broker."""

    def __init__(self, bins, broker, redis, env, tag, alert_args=()):
        self.broker = broker
        self.bins_ingest = bins("outcry-ingest")
        base = dict(env, OUTCRY_BROKERS=broker.bootstrap)
        self.stages = []
        for stage in ("classify", "route", "alert"):
            e = dict(base, OUTCRY_GROUP="bench-%s-%s" % (tag, stage))
            if stage == "alert":
                e["OUTCRY_REDIS_URL"] = redis.url
            args = list(alert_args) if stage == "alert" else []
            self.stages.append(Service("%s-%s" % (tag, stage), [bins("outcry-" + stage)] + args, e))
        for s in self.stages:
            s.wait_ready()
        self.classify, self.route, self.alert = self.stages

    def ingest(self, path, env, extra):
        e = dict(os.environ)
        e.update(DEV_ENV)
        e.update(env)
        e["OUTCRY_BROKERS"] = self.broker.bootstrap
        self.ingest_log = open(os.path.join(OUT, os.path.basename(path) + ".ingest.log"), "wb")
        return subprocess.Popen([self.bins_ingest, "replay", "--format", "jsonl", "--max-rows",
                                 "0"] + extra + [path], env=e, stdout=subprocess.DEVNULL,
                                stderr=self.ingest_log)

    def counts(self):
        return [max(s.metric("outcry_messages_in_total"), 0) for s in self.stages]

    def stop(self):
        for s in self.stages:
            s.stop()


def reap(proc):
    """Waits for proc; returns its CPU seconds (utime + stime, from wait4)."""
    ru = wait_rusage(proc)
    return ru.ru_utime + ru.ru_stime


def head(src, dst, n):
    with open(src) as f, open(dst, "w") as g:
        for i, line in enumerate(f):
            if i >= n:
                break
            g.write(line)


def routed_among(routed_path, n_posts):
    """Routed posts that come from the first n_posts posts (ids are
    10,000,000 + index, bench/gen.py), by route --stdio."""
    limit = 10_000_000 + n_posts
    pid = re.compile(r'"id":"twitter:(\d+)"')
    count = 0
    with open(routed_path) as f:
        for line in f:
            if int(pid.search(line).group(1)) >= limit:
                break
            count += 1
    return count


def throughput(bins, broker_bin, redis, partitions, posts, routed, n, timeout):
    sub = os.path.join(OUT, "pipeline-posts.jsonl")
    head(posts, sub, n)
    expect = routed_among(routed, n)
    redis.flush()
    with Broker(broker_bin, partitions) as broker:
        # a replay of the recorded posts as fast as ingest goes: alert in
        # event time, as for the stage alone (run.py, ALERT_REPLAY)
        p = Pipeline(bins, broker, redis, {}, "pipe", ["--event-time"])
        others = {"devbroker": broker.proc.pid, "redis-server": redis.pid}
        try:
            ing = p.ingest(sub, {}, [])
            t0 = None
            deadline = time.time() + timeout
            while time.time() < deadline:
                c = p.counts()
                if t0 is None and c[0] > 0:
                    t0 = time.time()
                    cpu0 = {s.name: s.cpu() for s in p.stages}
                    cpu0.update({k: cpu_seconds(v) for k, v in others.items()})
                if c[2] >= expect:
                    break
                time.sleep(0.05)
            t1 = time.time()
            cpu1 = {s.name: s.cpu() for s in p.stages}
            cpu1.update({k: cpu_seconds(v) for k, v in others.items()})
            rss = {s.name: round(s.rss(), 1) for s in p.stages}
            ingest_cpu = reap(ing)
            p.ingest_log.close()
        finally:
            p.stop()
    if t0 is None or c[2] < expect:
        return {"error": "alert handled %d of %d routed posts in %d s (classify %d, route %d of %d)"
                % (c[2], expect, timeout, c[0], c[1], n)}
    wall = t1 - t0
    cpu = {k.replace("pipe-", ""): round((cpu1[k] - cpu0[k]) / n * 1e6, 2) for k in cpu1}
    cpu["ingest"] = round(ingest_cpu / n * 1e6, 2)
    total = sum(cpu.values())
    return {"posts": n, "routed_posts": expect, "wall_s": round(wall, 3),
            "posts_per_s": round(n / wall), "cpu_us_per_post": cpu,
            "cpu_us_per_post_total": round(total, 2),
            "posts_per_cpu_s": round(1e6 / total),
            "peak_rss_mb": {k.replace("pipe-", ""): v for k, v in rss.items()}}


START = datetime(2026, 11, 2, 8, 0, 0, tzinfo=timezone.utc).timestamp()


def respace(src, dst, n, rate, t0=START, warmup=False, mode="w"):
    """The first n posts of src with created_at t0 + i/rate. For a warm-up,
    ids and conversations move to twitter:8... (bench/gen.py's are
    twitter:1...), so the measured posts stay new to every stage."""
    pat = re.compile(r'"created_at":"[^"]*"')
    with open(src) as f, open(dst, mode) as g:
        for i, line in enumerate(f):
            if i >= n:
                break
            ts = datetime.fromtimestamp(t0 + i / rate, timezone.utc)
            s = ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            line = pat.sub('"created_at":"%s"' % s, line, count=1)
            if warmup:
                line = line.replace('"twitter:1', '"twitter:8')
            g.write(line)


def probes_among(classified, n):
    """Ids of the critical complaints among the first n classified posts
    (classify --stdio): alert publishes case.critical for each at once."""
    ids = set()
    pid = re.compile(r'"id":"(twitter:\d+)"')
    with open(classified) as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            if '"severity":"critical"' in line and '"complaint":true' in line:
                ids.add(pid.search(line).group(1))
    return ids


def send_times(bootstrap, topic, keys, partitions):
    """Kafka timestamps (ms) of the messages keyed by `keys` in topic (the
    probes' conversation is the probe itself), read after the run."""
    from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-probe-reader",
                  "enable.auto.commit": False})
    parts = [TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)]
    ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in range(partitions)}
    left = {p for p, e in ends.items() if e > 0}
    c.assign(parts)
    want = {k.encode() for k in keys}
    out = {}
    deadline = time.time() + 60
    total, tmin, tmax = 0, None, None
    while left and time.time() < deadline:
        for m in c.consume(num_messages=10000, timeout=0.5):
            if m.error():
                continue
            if m.key() and m.key().startswith(b"twitter:8"):
                continue  # the warm-up
            total += 1
            t = m.timestamp()[1]
            tmin = t if tmin is None or t < tmin else tmin
            tmax = t if tmax is None or t > tmax else tmax
            if m.key() in want and m.key().decode() not in out:  # the root, not a reply
                out[m.key().decode()] = m.timestamp()[1]
            if m.offset() + 1 >= ends[m.partition()]:
                left.discard(m.partition())
    c.close()
    return out, total, tmin, tmax


def percentile(sorted_vals, q):
    """Nearest-rank percentile; inf when it falls among the lost probes."""
    if not sorted_vals:
        return None
    k = max(0, math.ceil(q / 100.0 * len(sorted_vals)) - 1)
    return sorted_vals[k]


def latency(bins, broker_bin, redis, partitions, posts, classified, routed, n, rate, drain):
    # One replay, so one warm producer: the warm-up, a gap, then the load.
    lat_posts = os.path.join(OUT, "latency-%d-posts.jsonl" % rate)
    warm = min(n, WARMUP_POSTS)
    respace(posts, lat_posts, warm, WARMUP_RATE, warmup=True)
    respace(posts, lat_posts, n, rate, t0=START + warm / WARMUP_RATE + WARMUP_GAP_S, mode="a")
    warm_expect = routed_among(routed, warm)
    probes = probes_among(classified, n)
    expect = routed_among(routed, n)
    redis.flush()
    received_file = os.path.join(OUT, "latency-%d-alerts.tsv" % rate)
    ready_file = os.path.join(OUT, "subscriber.ready")
    for f in (received_file, ready_file):
        if os.path.exists(f):
            os.unlink(f)
    with Broker(broker_bin, partitions) as broker:
        p = Pipeline(bins, broker, redis, LOW_LATENCY, "lat%d" % rate)
        subscriber = subprocess.Popen([PYTHON, os.path.join(HERE, "subscriber.py"),
                                       str(redis.port), received_file, ready_file])
        try:
            while not os.path.exists(ready_file):
                if subscriber.poll() is not None:
                    raise SystemExit("bench: the Redis subscriber failed")
                time.sleep(0.05)
            others = {"devbroker": broker.proc.pid, "redis-server": redis.pid}
            cpu0 = {s.name: s.cpu() for s in p.stages}
            cpu0.update({k: cpu_seconds(v) for k, v in others.items()})
            t_start = time.time()
            ing = p.ingest(lat_posts, LOW_LATENCY, ["--speed", "1", "--rebase-now"])
            ingest_cpu = reap(ing)
            p.ingest_log.close()
            t_sent = time.time()
            deadline = t_sent + drain
            while time.time() < deadline:
                c = p.counts()
                if c[2] >= expect + warm_expect:
                    break
                time.sleep(0.05)
            c[2] -= warm_expect
            t_done = time.time()
            cpu1 = {s.name: s.cpu() for s in p.stages}
            cpu1.update({k: cpu_seconds(v) for k, v in others.items()})
            time.sleep(0.5)  # the last alerts on their way to the subscriber
            stop(subscriber)
            sent, total, tmin, tmax = send_times(broker.bootstrap, "outcry.posts", probes,
                                                 partitions)
            hops = {t: send_times(broker.bootstrap, "outcry." + t, probes, partitions)[0]
                    for t in ("classified", "routed")}
        finally:
            stop(subscriber)
            p.stop()
    got = {}
    with open(received_file) as f:
        for line in f:
            t, typ, post = line.rstrip("\n").split("\t")
            if typ == "case.critical" and post in sent and post not in got:
                got[post] = float(t)
    lat = sorted((got[k] - sent[k] / 1000.0) * 1000.0 if k in got else math.inf for k in sent)
    with open(os.path.join(OUT, "latency-%d-ms.txt" % rate), "w") as f:
        for i, v in enumerate(lat):
            if v != math.inf:
                f.write("%.3f %.6f\n" % (v, (i + 1) / len(lat)))
    fin = [v for v in lat if v != math.inf]
    # where the time goes: each stage's producer stamps its output too
    stamps = [("ingest->classify", sent, hops["classified"]),
              ("classify->route", hops["classified"], hops["routed"])]
    hop = {}
    for name, a, b in stamps:
        d = sorted(b[k] - a[k] for k in got if k in a and k in b)
        hop[name] = {"p50_ms": percentile(d, 50), "p99_ms": percentile(d, 99)}
    d = sorted(got[k] * 1000.0 - hops["routed"][k] for k in got if k in hops["routed"])
    hop["route->alert on Redis"] = {"p50_ms": round(percentile(d, 50), 1) if d else None,
                                    "p99_ms": round(percentile(d, 99), 1) if d else None}
    r = {"offered_rate": rate, "posts": n, "routed_posts": expect,
         "settings": {k[len("OUTCRY_KAFKA_"):].lower().replace("_", "."): v
                      for k, v in LOW_LATENCY.items()},
         "send_s": round(t_sent - t_start, 2),
         "achieved_rate": round(total / ((tmax - tmin) / 1000.0)) if tmax and tmax > tmin else None,
         "caught_up": c[2] >= expect, "alert_done_after_last_send_s": round(t_done - t_sent, 2),
         "alert_handled": c[2],
         "probes": len(sent), "probes_received": len(fin),
         "p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90),
         "p99_ms": percentile(lat, 99), "p999_ms": percentile(lat, 99.9),
         "max_ms": fin[-1] if fin else None, "min_ms": fin[0] if fin else None,
         "hops": hop,
         "partitions": partitions,
         "cpu_s": {k.split("-", 1)[1] if k.startswith("lat") else k: round(cpu1[k] - cpu0[k], 2)
                   for k in cpu1}}
    r["cpu_s"]["ingest"] = round(ingest_cpu, 2)
    for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "min_ms"):
        if r[k] is not None:
            r[k] = None if r[k] == math.inf else round(r[k], 2)
    r["lost_note"] = ("probes not received within %d s of the last send count as infinitely "
                      "late: a percentile among them is null" % drain)
    return r
