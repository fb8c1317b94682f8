"""make bench-ingest: replay and HTTP intake throughput into a dev broker.

A benchmark, not a test: it prints figures and asserts nothing about speed.
  replay  N canonical JSONL posts (default 200,000), `outcry-ingest replay`
          at --speed max, wall time including reading the file
  http    4 client threads POSTing NDJSON batches of 100 for S seconds
          (the Python client shares the machine and is often the limit)
"""
import argparse
import http.client
import json
import os
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


def bench_replay(binp, broker, n, work):
    path = os.path.join(work, "posts.jsonl")
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps(post(i, i - i % 4)) + "\n")
    import subprocess
    t0 = time.monotonic()
    r = subprocess.run([binp, "replay", "-b", broker.bootstrap, "--dedup-ids", "0", path],
                       capture_output=True)
    el = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit("replay failed: " + r.stderr.decode()[-2000:])
    print("replay: %d posts in %.2f s = %.0f posts/s (file read, sorted, produced, acked)"
          % (n, el, n / el))


def bench_http(binp, broker, procs, seconds):
    port = free_port()
    procs.start([binp], name="ingest", env={"OUTCRY_BROKERS": broker.bootstrap,
                                            "OUTCRY_HTTP": "127.0.0.1:%d" % port,
                                            "OUTCRY_LOG": "warn"})

    def ready():
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            return c.getresponse().status == 200
        except OSError:
            return False
    wait_for(ready, 20, "ingest serve ready")
    counts = [0] * 4
    stop = time.monotonic() + seconds

    def worker(w):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < stop:
            body = "\n".join(json.dumps(post(w * 10**9 + n + i, w * 10**9 + n + i))
                             for i in range(100))
            n += 100
            c.request("POST", "/v1/posts", body=body)
            r = c.getresponse()
            r.read()
            if r.status == 202:
                counts[w] += 100
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    el = time.monotonic() - t0
    print("http: %d posts acknowledged (202) in %.1f s = %.0f posts/s, batches of 100, "
          "4 clients" % (sum(counts), el, sum(counts) / el))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build")
    ap.add_argument("--posts", type=int, default=200000)
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()
    binp = os.path.join(a.bin, "outcry-ingest")
    with tempfile.TemporaryDirectory() as work:
        procs = Procs(work)
        try:
            broker = start_devbroker(procs, work)
            bench_replay(binp, broker, a.posts, work)
            bench_http(binp, broker, procs, a.seconds)
        finally:
            procs.stop_all()


if __name__ == "__main__":
    main()
