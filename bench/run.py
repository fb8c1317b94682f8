#!/usr/bin/python3
"""make bench: every stage against the passthrough ceiling, in one run.

For each target (the passthrough ceiling, then classify, route and alert,
each alone, one instance) on a fresh dev broker: start it, load its input
topic with kcat while it consumes (the dev broker keeps only ~5 MiB per
partition, so loading and consuming overlap), and read its progress from
its own /metrics. Reported per target: posts per second (wall), posts per
CPU-second of the stage process (utime + stime from /proc, so "per core" is
robust to a shared machine), peak RSS (VmHWM), and the ratio to the ceiling
measured in the same run.

Writes bench/results.json and bench/results.md. Raw files go to bench/out/.
Status: parts 1 and 2 of the benchmark issue (ceiling, each stage alone);
the pipeline latency, the Python peer, scaling and Redis cost come next.
"""
import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def metric(port, name):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=2) as r:
            body = r.read().decode()
    except OSError:
        return -1
    total = 0
    for line in body.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def ready(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Broker:
    def __init__(self, binary, partitions):
        self.port_file = os.path.join(OUT, "bootstrap")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(os.path.join(OUT, "devbroker.log"), "wb")
        self.proc = subprocess.Popen([binary, "--partitions", str(partitions), "--port-file",
                                      self.port_file, "--topic", "bench.out:%d" % partitions],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 15
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise SystemExit("bench: devbroker did not start; see bench/out/devbroker.log")
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.bootstrap = f.readline().strip()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)
        self.log.close()


def keyed_file(src, dst):
    """key<TAB>json lines for kcat -K'\\t' (key = conversation)."""
    with open(src) as f, open(dst, "w") as g:
        for line in f:
            g.write(json.loads(line)["conversation"] + "\t" + line)


def run_target(name, cmd, env, n, broker, input_topic, keyed, timeout):
    port = free_port()
    e = dict(os.environ)
    e.update(env)
    e.update({"OUTCRY_BROKERS": broker.bootstrap, "OUTCRY_HTTP": "127.0.0.1:%d" % port,
              "OUTCRY_LOG": "warn", "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000",
              "OUTCRY_GROUP": "bench-" + name})
    log = open(os.path.join(OUT, name + ".log"), "wb")
    proc = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 30
    while not ready(port):
        if time.time() > deadline or proc.poll() is not None:
            raise SystemExit("bench: %s did not become ready; see bench/out/%s.log" % (name, name))
        time.sleep(0.1)
    loader = subprocess.Popen(["kcat", "-P", "-b", broker.bootstrap, "-t", input_topic, "-K",
                               "\t", "-X", "compression.type=lz4", "-X", "linger.ms=20", "-l",
                               keyed], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t_first = cpu_first = None
    done = 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = metric(port, "outcry_messages_in_total")
        now = time.time()
        if t_first is None and done > 0:
            t_first, cpu_first, n_first = now, cpu_seconds(proc.pid), done
        if done >= n:
            break
        time.sleep(0.05)
    t_end, cpu_end = time.time(), cpu_seconds(proc.pid)
    rss = peak_rss_mb(proc.pid)
    loader.wait(60)
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    log.close()
    if done < n or t_first is None:
        return {"name": name, "error": "processed %d of %d posts in %ds" % (done, n, timeout)}
    posts = done - n_first
    wall = t_end - t_first
    cpu = cpu_end - cpu_first
    return {"name": name, "posts": done, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "posts_per_s": round(posts / wall), "posts_per_cpu_s": round(posts / cpu) if cpu else None,
            "cpu_us_per_post": round(cpu / posts * 1e6, 2), "peak_rss_mb": round(rss, 1)}


def stdio(cmd, src, dst):
    with open(src, "rb") as f, open(dst, "wb") as g:
        r = subprocess.run(cmd, stdin=f, stdout=g, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise SystemExit("bench: %s failed (exit %d)" % (" ".join(cmd), r.returncode))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "build"))
    ap.add_argument("-n", type=int, default=1_000_000, help="posts per target")
    # the dev broker keeps ~5 MiB a partition: enough partitions that the
    # backlog between loader and stage is never evicted
    ap.add_argument("--partitions", type=int, default=64)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per target")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    b = lambda name: os.path.join(args.bin, name)

    posts = os.path.join(OUT, "posts.jsonl")
    print("bench: generating %d posts (seed %d)" % (args.n, args.seed), flush=True)
    with open(posts, "w") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "-n", str(args.n),
                        "--seed", str(args.seed)], stdout=f, check=True)
    # Inputs of later stages come from the earlier stages' --stdio output,
    # so every stage sees what it would see in the pipeline.
    classified = os.path.join(OUT, "classified.jsonl")
    routed = os.path.join(OUT, "routed.jsonl")
    stdio([b("outcry-classify"), "--stdio"], posts, classified)
    stdio([b("outcry-route"), "--stdio"], classified, routed)
    inputs = {}
    for label, path in (("posts", posts), ("classified", classified), ("routed", routed)):
        inputs[label] = path + ".keyed"
        keyed_file(path, inputs[label])
    n_routed = sum(1 for _ in open(routed))

    redis_port = free_port()
    redis_dir = os.path.join(OUT, "redis")
    os.makedirs(redis_dir, exist_ok=True)
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--dir", redis_dir, "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    targets = [
        ("passthrough", [b("bench/passthrough"), "-i", "outcry.posts", "-o", "bench.out"], {},
         "outcry.posts", "posts", args.n),
        ("classify", [b("outcry-classify")], {}, "outcry.posts", "posts", args.n),
        ("route", [b("outcry-route")], {}, "outcry.classified", "classified", args.n),
        ("alert", [b("outcry-alert")], {"OUTCRY_REDIS_URL": "redis://127.0.0.1:%d/0" % redis_port},
         "outcry.routed", "routed", n_routed),
    ]
    results = []
    try:
        for name, cmd, env, topic, inp, n in targets:
            broker = Broker(b("outcry-devbroker"), args.partitions)
            try:
                print("bench: %-12s %d posts ..." % (name, n), end="", flush=True)
                r = run_target(name, cmd, env, n, broker, topic, inputs[inp], args.timeout)
                print(" %s" % (r.get("posts_per_s", r.get("error"))), flush=True)
                results.append(r)
            finally:
                broker.stop()
    finally:
        redis.terminate()
        redis.wait(10)

    ceiling = next((r for r in results if r["name"] == "passthrough" and "error" not in r), None)
    for r in results:
        if ceiling and "error" not in r:
            r["vs_ceiling_wall"] = round(r["posts_per_s"] / ceiling["posts_per_s"], 3)
            r["vs_ceiling_cpu"] = round(r["posts_per_cpu_s"] / ceiling["posts_per_cpu_s"], 3)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(),
               "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                  if l.startswith("model name")), "?")}
    doc = {"machine": machine, "n": args.n, "seed": args.seed, "partitions": args.partitions,
           "results": results, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(doc, f, indent=2)
    lines = ["| target | posts/s | posts per CPU-s | CPU µs/post | peak RSS MB | vs ceiling (wall) | vs ceiling (CPU) |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        if "error" in r:
            lines.append("| %s | failed: %s | | | | | |" % (r["name"], r["error"]))
            continue
        lines.append("| %s | %d | %d | %.2f | %.1f | %s | %s |" % (
            r["name"], r["posts_per_s"], r["posts_per_cpu_s"], r["cpu_us_per_post"],
            r["peak_rss_mb"], r.get("vs_ceiling_wall", ""), r.get("vs_ceiling_cpu", "")))
    md = "\n".join(lines) + "\n\n%d posts per target, seed %d, %d partitions; %s, %d CPUs, %s.\n" % (
        args.n, args.seed, args.partitions, machine["cpu_model"], machine["cpus"], doc["at"])
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write(md)
    print(md)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
