"""make bench-ingest: replay and HTTP intake throughput into a dev broker.

A benchmark, not a test: it prints figures and asserts nothing about speed.
  replay  N canonical JSONL posts (default 200,000), `outcry-ingest replay`
          at --speed max with the default dedup window, wall time including
          reading the file, and the ingest process's CPU time (user + system,
          every thread: librdkafka's included; the dev broker is another
          process and is reported apart)
  http    4 client threads POSTing NDJSON batches of 100 for S seconds; the
          bodies are built before the clock starts (unique ids), so the
          Python client costs little; TCP_NODELAY as curl sets it. Reports
          posts acknowledged (202) per second, the server's CPU time, and
          request latency.
"Per core" figures are posts per CPU-second of the ingest process. The
machine is shared: compare figures from one run (--baseline-bin runs an
older build through the same steps, alternating, with the same broker).
"""
import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from conftest import Procs, free_port, start_devbroker, wait_for  # noqa: E402


def post(i, conv):
    return {"schema": "outcry.post/v1", "id": "twitter:%d" % i, "platform": "twitter",
            "native_id": str(i), "direction": "inbound", "brand": "acme",
            "author": {"id": str(700000 + i % 5000), "handle": "c%d" % (i % 5000)},
            "text": "my bill is wrong again, order %d never arrived" % i,
            "created_at": "2020-01-01T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60),
            "conversation": "twitter:%d" % conv, "source": "bench"}


def cpu_seconds(pid):
    """utime + stime of a process, every thread, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replay_once(binp, broker, path, n):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0 = cpu_seconds(broker.proc.pid)
    t0 = time.monotonic()
    r = subprocess.run([binp, "replay", "-b", broker.bootstrap, "--log", "warn", path],
                       capture_output=True)
    el = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("replay failed: " + r.stderr.decode()[-2000:])
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return {"wall": el, "cpu": cpu, "broker": cpu_seconds(broker.proc.pid) - b0}


def bench_replay(bins, broker, n, rounds, work):
    path = os.path.join(work, "posts.jsonl")
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps(post(i, i - i % 4)) + "\n")
    runs = {name: [] for name, _ in bins}
    for _ in range(rounds):
        for name, binp in bins:
            runs[name].append(replay_once(binp, broker, path, n))
    for name, _ in bins:
        wall = statistics.median(x["wall"] for x in runs[name])
        cpu = statistics.median(x["cpu"] for x in runs[name])
        brk = statistics.median(x["broker"] for x in runs[name])
        print("replay %-8s %d posts: wall %.2f s = %.0f posts/s; ingest CPU %.2f s = %.0f posts "
              "per CPU-second (%.1f us/post); dev broker CPU %.2f s  [median of %d]"
              % (name, n, wall, n / wall, cpu, n / cpu, cpu * 1e6 / n, brk, rounds))


def bench_http(binp, name, broker, procs, seconds, batches):
    port = free_port()
    proc = procs.start([binp], name="ingest-" + name,
                       env={"OUTCRY_BROKERS": broker.bootstrap,
                            "OUTCRY_HTTP": "127.0.0.1:%d" % port, "OUTCRY_LOG": "warn"})

    def ready():
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            return c.getresponse().status == 200
        except OSError:
            return False
    wait_for(ready, 20, "ingest serve ready")
    counts = [0] * 4
    latency = []
    stop = time.monotonic() + seconds

    def worker(w):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for body in batches[w]:
            if time.monotonic() >= stop:
                break
            t = time.monotonic()
            c.request("POST", "/v1/posts", body=body)
            r = c.getresponse()
            r.read()
            latency.append(time.monotonic() - t)
            if r.status == 202:
                counts[w] += 100
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    c0 = cpu_seconds(proc.pid)
    me0 = os.times()
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    el = time.monotonic() - t0
    cpu = cpu_seconds(proc.pid) - c0
    me1 = os.times()
    proc.stop()
    n = sum(counts)
    latency.sort()
    print("http   %-8s %d posts acknowledged (202) in %.1f s = %.0f posts/s, batches of 100, "
          "4 clients; server CPU %.2f s = %.0f posts per CPU-second; client CPU %.2f s; "
          "latency p50 %.1f ms, p99 %.1f ms"
          % (name, n, el, n / el, cpu, n / max(cpu, 1e-9),
             (me1.user - me0.user) + (me1.system - me0.system),
             latency[len(latency) // 2] * 1e3, latency[len(latency) * 99 // 100] * 1e3))
    if any(len(b) == 0 for b in batches) or n >= 100 * sum(len(b) for b in batches):
        print("       (the prebuilt bodies ran out: raise --max-rate)")


def build_batches(seconds, max_rate, base):
    """NDJSON bodies of 100 unique posts for 4 clients, enough for max_rate posts/s."""
    per = int(seconds * max_rate / 400) + 1
    return [["\n".join(json.dumps(post(base + w * 10**9 + k * 100 + i, base + w * 10**9 + k * 100 + i))
                       for i in range(100)).encode() for k in range(per)] for w in range(4)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build")
    ap.add_argument("--baseline-bin", help="an older build dir, measured alongside")
    ap.add_argument("--posts", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3, help="replay runs per binary")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--max-rate", type=int, default=150000,
                    help="HTTP: bodies are prebuilt for this many posts/s")
    a = ap.parse_args()
    bins = [("new", os.path.join(a.bin, "outcry-ingest"))]
    if a.baseline_bin:
        bins.insert(0, ("baseline", os.path.join(a.baseline_bin, "outcry-ingest")))
    with tempfile.TemporaryDirectory() as work:
        procs = Procs(work)
        try:
            broker = start_devbroker(procs, work)
            bench_replay(bins, broker, a.posts, a.rounds, work)
            base = int(time.time()) * 10**6
            for name, binp in bins:
                batches = build_batches(a.seconds, a.max_rate, base)
                base += 10**11
                bench_http(binp, name, broker, procs, a.seconds, batches)
        finally:
            procs.stop_all()


if __name__ == "__main__":
    main()
