"""Shared fixtures for outcry's integration tests.

Run with Debian's interpreter: /usr/bin/python3 -m pytest tests/integration
(it has pytest, confluent_kafka and redis; a pyenv python3 on PATH may not).

What is here, for every test file in this folder:

- bin_path(name)      path of a built binary: bin_path("classify") or
                      bin_path("outcry-classify"); $OUTCRY_BIN, default build/.
                      Also a fixture of the same name returning the function.
- free_port()         a free TCP port on 127.0.0.1.
- wait_for(pred, timeout, what)  poll pred() until truthy, else fail naming what.
- Proc / procs        a started process that is always killed on teardown;
                      the `procs` fixture's procs.start([...]) registers one.
- devbroker           a fresh outcry-devbroker per test: .bootstrap, .prefix,
                      .topic(name), .producer_conf(), .consumer_conf(group),
                      .produce(...), .read_all(...). `devbroker_factory`
                      starts one with extra flags (partitions, teams, topics).
- redis_server        a fresh redis-server per test on a free loopback port
                      with its own directory: .port, .url, .client().

Every process started here is stopped (SIGTERM, then SIGKILL) when the test
ends, whether it passed or failed; its stdout/stderr are kept in files under
the test's tmp_path and their tails are shown when a wait fails.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from stages import free_port  # noqa: F401  (part of this module's interface, above)

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("OUTCRY_BIN") or REPO / "build")

# The mock cluster finishes a consumer-group rebalance only after about
# session.timeout.ms - 1 s, and the first join after 3 s; a session timeout
# under ~3 s never gets an assignment. 6 s is Kafka's own minimum and keeps
# rebalances in tests to ~5 s (see docs/devbroker.md).
DEV_SESSION_TIMEOUT_MS = 6000


def bin_path(name):
    """Absolute path of binary `name` ("route" or "outcry-route") in $OUTCRY_BIN.

    Fails the test (not skip: a missing build is a real failure) when absent."""
    if not name.startswith("outcry-"):
        name = "outcry-" + name
    path = BIN_DIR / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing or not executable; build it with `make` "
                    f"(or point OUTCRY_BIN at the build directory)")
    return str(path)


@pytest.fixture(name="bin_path")
def _bin_path_fixture():
    return bin_path


def need_tool(name):
    """Path of a system tool, or fail saying how to get it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `make deps` (tools/deps.sh)")
    return path


def wait_for(pred, timeout=10.0, what="condition", interval=0.05, procs=()):
    """Polls pred() until it returns something truthy and returns that.

    On timeout fails the test naming `what`; if one of `procs` died meanwhile,
    fails at once with its exit status and the tail of its stderr."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"waiting for {what}: {p.name} exited with {p.returncode}\n"
                            f"--- {p.name} stderr (tail) ---\n{p.stderr_tail()}")
        if time.monotonic() >= deadline:
            tails = "".join(f"\n--- {p.name} stderr (tail) ---\n{p.stderr_tail()}" for p in procs)
            pytest.fail(f"timed out after {timeout:.1f}s waiting for {what}{tails}")
        time.sleep(interval)


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Proc:
    """A child process whose output goes to files; stop() always reaps it."""

    def __init__(self, args, name=None, env=None, cwd=None, logdir=None, stdin=None):
        self.args = [str(a) for a in args]
        self.name = name or os.path.basename(self.args[0])
        logdir = Path(logdir or "/tmp")
        logdir.mkdir(parents=True, exist_ok=True)
        stem = f"{self.name}.{time.monotonic_ns()}"
        self.stdout_path = logdir / f"{stem}.out"
        self.stderr_path = logdir / f"{stem}.err"
        full_env = dict(os.environ)
        if env:
            full_env.update({k: str(v) for k, v in env.items()})
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.popen = subprocess.Popen(self.args, stdout=out, stderr=err, env=full_env, cwd=cwd,
                                          stdin=stdin if stdin is not None else subprocess.DEVNULL)
        self.pid = self.popen.pid

    @property
    def returncode(self):
        return self.popen.returncode

    def poll(self):
        return self.popen.poll()

    @property
    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive:
            self.popen.send_signal(sig)

    def wait(self, timeout):
        """Exit status, or raises subprocess.TimeoutExpired."""
        return self.popen.wait(timeout=timeout)

    def stop(self, timeout=5.0):
        """SIGTERM, wait up to timeout, then SIGKILL. Returns the exit status."""
        if self.alive:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        return self.popen.returncode

    def kill(self):
        if self.alive:
            self.popen.kill()
            self.popen.wait(timeout=10)

    def stdout_text(self):
        return self.stdout_path.read_text(errors="replace")

    def stderr_text(self):
        return self.stderr_path.read_text(errors="replace")

    def stderr_tail(self, lines=30):
        try:
            return "\n".join(self.stderr_text().splitlines()[-lines:])
        except OSError:
            return "(no stderr file)"


class Procs:
    """Every process a test starts; all are stopped at teardown."""

    def __init__(self, logdir):
        self.logdir = Path(logdir)
        self.items = []

    def start(self, args, name=None, env=None, cwd=None, stdin=None):
        p = Proc(args, name=name, env=env, cwd=cwd, logdir=self.logdir, stdin=stdin)
        self.items.append(p)
        return p

    def stop_all(self):
        # Reverse order: clients before the servers they talk to.
        for p in reversed(self.items):
            try:
                p.stop(timeout=5.0)
            except Exception:  # teardown must reach every process
                p.kill()


@pytest.fixture
def procs(tmp_path):
    ps = Procs(tmp_path / "logs")
    try:
        yield ps
    finally:
        ps.stop_all()


# ---------------------------------------------------------------- devbroker

class DevBroker:
    """A running outcry-devbroker."""

    def __init__(self, proc, bootstrap, prefix, port_file):
        self.proc = proc            # the Proc
        self.bootstrap = bootstrap  # "127.0.0.1:PORT[,...]"
        self.prefix = prefix        # topic prefix, "outcry." by default
        self.port_file = port_file  # Path of the file it wrote its bootstrap into

    def topic(self, name):
        """Full topic name: topic("posts") -> "outcry.posts"."""
        return self.prefix + name

    def producer_conf(self, extra=None):
        """librdkafka settings for a producer; `extra` (a dict) overrides."""
        conf = {"bootstrap.servers": self.bootstrap}
        conf.update(extra or {})
        return conf

    def consumer_conf(self, group, extra=None):
        """Consumer settings that suit the mock (short session timeout);
        `extra` (a dict) overrides."""
        conf = {
            "bootstrap.servers": self.bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": DEV_SESSION_TIMEOUT_MS,
            "heartbeat.interval.ms": 500,
        }
        conf.update(extra or {})
        return conf

    def produce(self, topic, messages, timeout=10.0):
        """Produces [(key, value), ...] (str or bytes; key may be None) to the
        full topic name `topic` and waits for every delivery."""
        from confluent_kafka import Producer
        errors = []
        p = Producer(self.producer_conf())
        for key, value in messages:
            p.produce(topic, key=key, value=value,
                      on_delivery=lambda err, msg: errors.append(err) if err else None)
        left = p.flush(timeout)
        assert left == 0, f"{left} message(s) to {topic} not delivered within {timeout}s"
        assert not errors, f"delivery to {topic} failed: {errors[:3]}"

    def read_all(self, topic, min_count=0, timeout=10.0, idle=1.0):
        """Reads full topic `topic` from the beginning of every partition,
        without a consumer group. Returns [(key, value, partition, offset)]
        (bytes) once at least min_count arrived and nothing new came for
        `idle` seconds, or when `timeout` passes."""
        from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
        c = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "outcry-test-reader",
                      "enable.auto.commit": False, "enable.partition.eof": False})
        try:
            md = c.list_topics(topic, timeout=5)
            parts = md.topics[topic].partitions if topic in md.topics else {}
            c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
            out = []
            deadline = time.monotonic() + timeout
            last = time.monotonic()
            while time.monotonic() < deadline:
                m = c.poll(0.1)
                now = time.monotonic()
                if m is not None and m.error() is None:
                    out.append((m.key(), m.value(), m.partition(), m.offset()))
                    last = now
                elif len(out) >= min_count and now - last >= idle:
                    break
            return out
        finally:
            c.close()


def start_devbroker(procs, workdir, *args, prefix=None, timeout=10.0):
    """Starts outcry-devbroker with --port-file under workdir plus `args`,
    waits for its bootstrap servers and returns a DevBroker."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port_file = workdir / f"devbroker.{time.monotonic_ns()}.port"
    argv = [bin_path("devbroker"), "--port-file", str(port_file)]
    if prefix is not None:
        argv += ["--topic-prefix", prefix]
    argv += list(args)
    proc = procs.start(argv, name="devbroker")
    text = wait_for(lambda: port_file.exists() and port_file.read_text().strip(),
                    timeout=timeout, what=f"devbroker to write {port_file}", procs=[proc])
    return DevBroker(proc, text.splitlines()[0], prefix if prefix is not None else
                     os.environ.get("OUTCRY_TOPIC_PREFIX", "outcry."), port_file)


@pytest.fixture
def devbroker(procs, tmp_path):
    """A fresh dev broker for this test, default topics and partitions."""
    return start_devbroker(procs, tmp_path / "devbroker")


@pytest.fixture
def devbroker_factory(procs, tmp_path):
    """start(*flags, prefix=None) -> DevBroker, for non-default brokers."""
    return lambda *args, **kw: start_devbroker(procs, tmp_path / "devbroker", *args, **kw)


# ---------------------------------------------------------------- redis

class RedisServer:
    """A running redis-server on 127.0.0.1."""

    def __init__(self, proc, port, directory):
        self.proc = proc
        self.host = "127.0.0.1"
        self.port = port
        self.dir = directory
        self.url = f"redis://127.0.0.1:{port}/0"

    def client(self, **kw):
        import redis
        return redis.Redis(host=self.host, port=self.port, db=0, **kw)


def _redis_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(procs, workdir):
    exe = need_tool("redis-server")
    last = None
    for _ in range(3):  # another process may grab the free port first
        port = free_port()
        d = Path(workdir) / f"redis-{port}"
        d.mkdir(parents=True, exist_ok=True)
        proc = procs.start([exe, "--port", str(port), "--dir", str(d), "--save", "",
                            "--appendonly", "no", "--bind", "127.0.0.1"], name="redis-server")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.alive:
            if _redis_ping(port):
                return RedisServer(proc, port, d)
            time.sleep(0.05)
        last = proc
        proc.stop()
    pytest.fail(f"redis-server did not start; stderr/stdout tail:\n{last.stderr_tail()}\n"
                f"{last.stdout_text()[-2000:]}")


@pytest.fixture
def redis_server(procs, tmp_path):
    """A fresh, empty redis-server for this test."""
    return start_redis(procs, tmp_path / "redis")
