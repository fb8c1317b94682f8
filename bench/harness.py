"""Shared pieces of make bench: processes, /proc readings, the dev broker,
a private redis-server, and one target measured in its Kafka loop.

Measurement rule for every process (C stage, passthrough or the Python
peer): CPU = utime + stime of the process from /proc/<pid>/stat, read when
the process has handled its first input (so start-up, model training and
the group join are excluded) and again when it has handled all of them;
posts per second = posts between those two readings / wall time between
them; peak RSS = VmHWM."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
TICK = os.sysconf("SC_CLK_TCK")
PYTHON = "/usr/bin/python3"  # Debian's python3-* packages are only seen by it

# Every Kafka client of the benchmark, stages included, talks to the dev
# broker, whose consumer groups need a short session timeout
# (docs/devbroker.md, "Consumer-group timing").
DEV_ENV = {"OUTCRY_LOG": "warn", "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000"}


def log(msg, end="\n"):
    print(msg, end=end, flush=True)


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
    """The sum of a Prometheus metric over its labels; -1 when unreachable."""
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


def stop(proc, timeout=30):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Service:
    """One process with /metrics on its own port (a stage or the peer)."""

    def __init__(self, name, cmd, env, log_name=None):
        self.name = name
        self.port = free_port()
        e = dict(os.environ)
        e.update(DEV_ENV)
        e.update(env)
        e["OUTCRY_HTTP"] = "127.0.0.1:%d" % self.port
        self.log = open(os.path.join(OUT, (log_name or name) + ".log"), "wb")
        self.proc = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=self.log)

    @property
    def pid(self):
        return self.proc.pid

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while not ready(self.port):
            if time.time() > deadline or self.proc.poll() is not None:
                raise SystemExit("bench: %s did not become ready; see bench/out/%s"
                                 % (self.name, os.path.basename(self.log.name)))
            time.sleep(0.1)

    def metric(self, name):
        return metric(self.port, name)

    def cpu(self):
        return cpu_seconds(self.pid)

    def rss(self):
        return peak_rss_mb(self.pid)

    def stop(self):
        stop(self.proc)
        self.log.close()


class Broker:
    """A fresh dev broker (outcry-devbroker), `partitions` per topic."""

    def __init__(self, binary, partitions):
        self.port_file = os.path.join(OUT, "bootstrap")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(os.path.join(OUT, "devbroker.log"), "ab")
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
        stop(self.proc, 10)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class Redis:
    """A private redis-server on loopback, no persistence; with rdb, it
    starts from a copy of that snapshot (rediscost.py: a million clocks are
    filled once and every run gets a fresh server holding them)."""

    def __init__(self, rdb=None):
        import redis  # python3-redis
        self.port = free_port()
        d = os.path.join(OUT, "redis", str(self.port))
        os.makedirs(d, exist_ok=True)
        self.dir = d
        if rdb is not None:
            shutil.copyfile(rdb, os.path.join(d, "dump.rdb"))
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind",
                                      "127.0.0.1", "--dir", d, "--dbfilename", "dump.rdb",
                                      "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = "redis://127.0.0.1:%d/0" % self.port
        self.client = redis.Redis(port=self.port)
        for _ in range(1200):  # loading a snapshot answers LOADING (a ConnectionError)
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        self.version = self.client.info()["redis_version"]

    def snapshot(self, path):
        """Writes what the server holds to path (SAVE, then the file moved)."""
        self.client.save()
        shutil.move(os.path.join(self.dir, "dump.rdb"), path)

    @property
    def pid(self):
        return self.proc.pid

    def flush(self):
        self.client.flushall()

    def stop(self):
        stop(self.proc, 10)
        shutil.rmtree(self.dir, ignore_errors=True)


CONV = re.compile(r'"conversation":"([^"]*)"')
DELIVERED = re.compile(r'"event":"ingest_summary".*"delivered":(\d+)')
POST_ID = re.compile(r'"id":"twitter:(\d+)"')


def best_of(reps):
    """One figure per target from its repetitions: the best rate of each
    kind (noise on a shared machine only ever slows a run down) and the
    largest peak RSS; every repetition is kept under "reps"."""
    ok = [r for r in reps if "error" not in r]
    if not ok:
        return reps[-1]
    best = dict(max(ok, key=lambda r: r["posts_per_s"]))
    best["posts_per_cpu_s"] = max(r["posts_per_cpu_s"] for r in ok)
    best["cpu_us_per_post"] = min(r["cpu_us_per_post"] for r in ok)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
    # the profile and the counters come from the run that took them
    for key in ("profile", "counters"):
        took = next((r[key] for r in ok if key in r), None)
        if took is not None:
            best[key] = took
    best["reps"] = [{k: r.get(k) for k in ("posts_per_s", "posts_per_cpu_s", "cpu_us_per_post",
                                           "peak_rss_mb", "error") if k in r} for r in reps]
    return best


def keyed_file(src, dst, limit=None):
    """key<TAB>json lines for kcat -K'\\t' (key = conversation); returns lines."""
    n = 0
    with open(src) as f, open(dst, "w") as g:
        for line in f:
            if limit is not None and n >= limit:
                break
            g.write(CONV.search(line).group(1) + "\t" + line)
            n += 1
    return n


def kcat_load(bootstrap, topic, keyed):
    """Produces a keyed file with kcat, compressed (the broker keeps ~5 MiB a
    partition after compression)."""
    return subprocess.Popen(["kcat", "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-X",
                             "compression.type=lz4", "-X", "linger.ms=20", "-l", keyed],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_assigned(services, partitions, timeout=60):
    """Until the group's members together hold every partition, each some."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = [s.metric("outcry_partitions_assigned") for s in services]
        if sum(got) == partitions and all(g > 0 for g in got):
            return
        time.sleep(0.2)
    raise SystemExit("bench: the group did not settle (%s of %d partitions)"
                     % (got, partitions))


def perf_summary(data, top=12):
    """The functions with the most self time in a perf.data file, and the
    share of each object (binary, library, kernel); None when there is
    nothing to show."""
    def report(sort):
        r = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                            "--sort", sort, "--percent-limit", "0.5"],
                           capture_output=True, text=True)
        return [line for line in r.stdout.splitlines() if line and line[0] != "#"]

    rows = []
    for line in report("dso,sym"):
        m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+)$", line)
        if m:
            rows.append({"pct": float(m.group(1)), "dso": m.group(2),
                         "symbol": m.group(3).strip()})
    objs = []
    for line in report("dso"):
        m = re.match(r"\s+([\d.]+)%\s+(\S+)\s*$", line)
        if m:
            objs.append({"pct": float(m.group(1)), "dso": m.group(2)})
    if not rows:
        return None
    return {"by_object": objs, "top": rows[:top]}


class Profile:
    """perf record of some processes over the measured interval: the
    functions with the most self time (perf report --sort dso,sym). Absent
    perf, or where perf_event_paranoid forbids it, there is no profile."""

    def __init__(self, name, pids, freq=199):
        self.data = os.path.join(OUT, name + ".perf.data")
        self.proc = None
        if shutil.which("perf") is None:
            return
        self.proc = subprocess.Popen(["perf", "record", "-q", "-F", str(freq), "-o", self.data,
                                      "-p", ",".join(str(p) for p in pids)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, top=12):
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None
        return perf_summary(self.data, top)


def preload_wait(loader, topic, keyed, timeout=120):
    """Waits for a kcat_load() loader; returns an error text or None. The dev
    broker keeps ~5 MiB a partition after compression: 1,000,000 bench posts
    take ~110 MiB of the ~320 MiB that 64 partitions hold."""
    try:
        _, err = loader.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        loader.kill()
        loader.communicate()
        return "loading %s into %s took more than %d s" % (keyed, topic, timeout)
    if loader.returncode != 0:
        return "kcat failed loading %s: %s" % (keyed, err.decode(errors="replace").strip())
    return None


def taskset(cpus, pid):
    """Every thread of pid on `cpus` (taskset's list syntax, e.g. "0" or "0-1")."""
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], stdout=subprocess.DEVNULL,
                   check=True)


def wait_rusage(proc, deadline=None):
    """Waits for proc (until deadline, a time.time(), if given) and returns
    its rusage from wait4 -- this child's alone, which Popen.wait does not
    give -- with proc.returncode set; None at the deadline, proc running."""
    while True:
        pid, status, ru = os.wait4(proc.pid, 0 if deadline is None else os.WNOHANG)
        if pid != 0:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return ru
        if time.time() > deadline:
            return None
        time.sleep(0.02)


def run_replay(name, cmd, n, broker, timeout, pin=None, profile=False):
    """Measures a producer that reads a file (ingest's replay) into the
    broker: the process's whole life, start to exit (it exits once every
    post is acknowledged), CPU and peak RSS from wait4; start-up is a few
    milliseconds of a run of seconds. n is checked against the posts it
    reports delivered (its ingest_summary log line). pin and profile as
    run_target's (the profile covers the whole run)."""
    if pin is not None:
        taskset(str(pin[0]), broker.proc.pid)
        cmd = ["taskset", "-c", str(pin[1])] + cmd
    env = dict(os.environ)
    env.update(DEV_ENV)
    env.update({"OUTCRY_BROKERS": broker.bootstrap, "OUTCRY_LOG": "info"})
    log_path = os.path.join(OUT, name + ".log")
    with open(log_path, "wb") as errlog:
        t0 = time.time()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errlog)
        prof = Profile(name, [proc.pid]) if profile else None  # taskset execs: the same pid
        ru = wait_rusage(proc, t0 + timeout)
        if ru is None:
            proc.kill()
            proc.wait()
            if prof is not None:
                prof.stop()
            return {"name": name, "error": "did not finish %d posts in %d s" % (n, timeout)}
        wall = time.time() - t0
    top = prof.stop() if prof is not None else None
    cpu = ru.ru_utime + ru.ru_stime
    delivered = None
    with open(log_path, errors="replace") as f:
        for line in f:
            m = DELIVERED.search(line)
            if m:
                delivered = int(m.group(1))
    if proc.returncode != 0 or delivered != n:
        return {"name": name, "error": "exit %d, %s of %d posts delivered; see %s"
                % (proc.returncode, delivered, n, log_path)}
    r = {"name": name, "instances": 1, "posts": n, "measured_posts": n,
         "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "posts_per_s": round(n / wall),
         "posts_per_cpu_s": round(n / cpu) if cpu else None,
         "cpu_us_per_post": round(cpu / n * 1e6, 2), "peak_rss_mb": round(ru.ru_maxrss / 1024, 1)}
    if top:
        r["profile"] = top
    return r


def run_target(name, cmds, env, n, broker, input_topic, keyed, timeout, partitions,
               ready_timeout=30, extra_pids=(), profile=False, counters=(), pin=None,
               side_pids=()):
    """Measures one target: len(cmds) instances in one consumer group.

    Loads `keyed` into `input_topic` with kcat while the instances start
    (their group join alone takes the dev broker's 3 s initial rebalance
    delay, about as long as the load), then polls their /metrics until n
    inputs are handled. The measured interval starts at the first input
    handled after the load has finished (with several instances: once the
    group has settled, every instance holding partitions), so start-up, the
    group join and the loader are outside it; the target then works through
    a backlog as fast as it can. Inputs handled while the loader still ran
    (rare: the join is usually the slower) are counted in "during_load" and
    left out. CPU is the sum over the instances; RSS the largest. extra_pids
    (e.g. redis-server) are measured over the same interval and reported
    apart; counters are metrics read (summed over the instances) at the end,
    for the whole run. pin (broker CPU, target CPU) pins every thread of the
    broker and of side_pids (e.g. redis-server, given back every CPU
    afterwards) to the first, and of the instances to the second."""
    if pin is not None:
        for pid in (broker.proc.pid,) + tuple(side_pids):
            taskset(str(pin[0]), pid)
        cmds = [["taskset", "-c", str(pin[1])] + cmd for cmd in cmds]
    t_load = time.time()
    loader = kcat_load(broker.bootstrap, input_topic, keyed)
    env = dict(env, OUTCRY_BROKERS=broker.bootstrap, OUTCRY_GROUP="bench-" + name)
    svcs = []
    try:
        svcs = [Service(name, cmd, env, log_name=name if len(cmds) == 1 else "%s-%d" % (name, i))
                for i, cmd in enumerate(cmds)]
        err = preload_wait(loader, input_topic, keyed)
        load_s = time.time() - t_load
        if err is not None:
            return {"name": name, "error": err}
        during_load = sum(max(s.metric("outcry_messages_in_total"), 0) for s in svcs)
        for s in svcs:
            s.wait_ready(max(ready_timeout - load_s, 1))
        ready_s = time.time() - t_load
        if len(svcs) > 1:
            wait_assigned(svcs, partitions)
        t_first = None
        done = 0
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = sum(max(s.metric("outcry_messages_in_total"), 0) for s in svcs)
            now = time.time()
            if t_first is None and done > during_load:
                t_first, n_first = now, done
                cpu_first = sum(s.cpu() for s in svcs)
                extra_first = [cpu_seconds(p) for p in extra_pids]
                prof = Profile(name, [s.pid for s in svcs]) if profile else None
            if done >= n:
                break
            time.sleep(0.05)
        t_end = time.time()
        cpu_end = sum(s.cpu() for s in svcs)
        extra_end = [cpu_seconds(p) for p in extra_pids]
        top = prof.stop() if profile and t_first is not None else None
        rss = max(s.rss() for s in svcs)
        per = [round(s.cpu(), 2) for s in svcs]
        counted = {c: sum(max(s.metric(c), 0) for s in svcs) for c in counters}
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.communicate()
        for s in svcs:
            s.stop()
        if pin is not None:
            for pid in side_pids:
                taskset("0-%d" % ((os.cpu_count() or 1) - 1), pid)
    if done < n or t_first is None:
        return {"name": name, "error": "processed %d of %d posts in %ds" % (done, n, timeout)}
    posts = done - n_first
    wall = t_end - t_first
    cpu = cpu_end - cpu_first
    r = {"name": name, "instances": len(svcs), "posts": done, "measured_posts": posts,
         "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
         "posts_per_s": round(posts / wall), "posts_per_cpu_s": round(posts / cpu) if cpu else None,
         "cpu_us_per_post": round(cpu / posts * 1e6, 2), "peak_rss_mb": round(rss, 1),
         "ready_s": round(ready_s, 1), "load_s": round(load_s, 1)}
    if during_load:
        r["during_load"] = during_load
    if top:
        r["profile"] = top
    if counted:
        r["counters"] = counted
    if len(svcs) > 1:
        r["cpu_s_per_instance_total"] = per
    if extra_pids:
        r["extra_cpu_us_per_post"] = [round((e - f) / posts * 1e6, 2)
                                      for e, f in zip(extra_end, extra_first)]
    return r
