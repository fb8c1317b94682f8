"""Starting outcry's services as real processes for integration tests.

A Stage is one service process in Kafka mode, configured through the
environment as a container would be, with its HTTP port chosen here so the
test can wait on /readyz and read /metrics.
"""
import json
import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("OUTCRY_BIN", os.path.join(REPO, "build"))


# Below Linux's ephemeral range (32768-60999 by default): a port bind(0)
# hands out is also any outgoing connection's next source port, and in CI
# one went to a Kafka client between the test's pick and the stage's bind
# ("Failed to bind ... Address already in use"). Each pytest-xdist worker
# picks from a slice of its own.
PORT_SLICE = 1500


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]
    lo = 20000 + (int(worker) % 8 if worker.isdigit() else 0) * PORT_SLICE
    for _ in range(500):
        port = random.randrange(lo, lo + PORT_SLICE)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port in %d-%d" % (lo, lo + PORT_SLICE - 1))


def now_rfc3339(offset_s=0.0):
    t = datetime.now(timezone.utc).timestamp() + offset_s
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Stage:
    def __init__(self, name, args, env, logdir, tag=None):
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(logdir, "%s.log" % (tag or name))
        e = dict(os.environ)
        e.update(env)
        e["OUTCRY_HTTP"] = "127.0.0.1:%d" % self.port
        e.setdefault("OUTCRY_LOG", "debug")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([os.path.join(BIN, "outcry-" + name)] + list(args),
                                     env=e, stdout=self.log, stderr=subprocess.STDOUT)

    def http(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path),
                                        timeout=2) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            return None, ""

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("%s exited with %s; log:\n%s"
                                     % (self.name, self.proc.returncode, self.logtext()))
            status, _ = self.http("/readyz")
            if status == 200:
                return
            time.sleep(0.1)
        raise AssertionError("%s not ready within %ss; log:\n%s"
                             % (self.name, timeout, self.logtext()))

    def metric(self, name, labels=None):
        """Sum of a metric's samples (optionally only those whose label text contains labels)."""
        _, body = self.http("/metrics")
        total = 0
        for line in body.splitlines():
            if line.startswith("#") or not line.startswith(name):
                continue
            key, _, value = line.rpartition(" ")
            if key.split("{")[0] != name:
                continue
            if labels and labels not in key:
                continue
            total += int(float(value))
        return total

    def logtext(self):
        if not self.log.closed:  # stop() closes it; the text is still on disk
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-6000:]

    def log_events(self):
        out = []
        for line in self.logtext().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def stop(self, timeout=15):
        """SIGTERM, and the exit code (killing it if it does not stop in time)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Pipeline:
    """classify, route and alert on a devbroker and a redis-server."""

    def __init__(self, bootstrap, redis_url, logdir, rules, extra_env=None):
        self.env = {"OUTCRY_BROKERS": bootstrap, "OUTCRY_REDIS_URL": redis_url,
                    "OUTCRY_ALERT_LATENESS_MS": "200",
                    # the mock cluster completes a rebalance only after
                    # session.timeout.ms - 1 s (docs/devbroker.md)
                    "OUTCRY_KAFKA_SESSION_TIMEOUT_MS": "6000"}
        self.env.update(extra_env or {})
        self.logdir = logdir
        self.rules = rules
        self.stages = []

    def start(self, name, args=(), tag=None, env=None):
        e = dict(self.env)
        e.update(env or {})
        st = Stage(name, args, e, self.logdir, tag)
        self.stages.append(st)
        return st

    def start_all(self):
        self.start("classify")
        self.start("route", ["--rules", self.rules])
        self.start("alert")
        for st in self.stages:
            st.wait_ready()

    def stop(self):
        return [st.stop() for st in self.stages]


def canonical_post(pid, conv, text, direction="inbound", brand="acme", author="700001",
                   created_at=None, reply_to=None, followers=100):
    p = {"schema": "outcry.post/v1", "id": "twitter:%s" % pid, "platform": "twitter",
         "native_id": str(pid), "direction": direction, "brand": brand,
         "author": {"id": author, "handle": "h" + author, "followers": followers},
         "text": text, "lang": "en", "created_at": created_at or now_rfc3339(),
         "conversation": "twitter:%s" % conv, "source": "test"}
    if reply_to:
        p["in_reply_to"] = "twitter:%s" % reply_to
    return p
