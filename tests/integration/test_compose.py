"""The container deployment, checked without a Docker engine.

- docker-compose.yml validates with `docker-compose config` (Debian's 1.29 needs
  no engine for that) and has the shape docs/deploy.md promises;
- every package deploy/Dockerfile apt-installs exists in Debian 12, and every
  file it COPYs from the repository exists;
- deploy/create-topics.sh creates the right topics (against a stand-in
  kafka-topics.sh that records its arguments).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"
CREATE_TOPICS = REPO / "deploy" / "create-topics.sh"
STAGES = ["ingest", "classify", "route", "alert"]
TEAMS = ["billing", "delivery", "product", "technical", "account", "service",
         "safety", "privacy", "care"]


@pytest.fixture(scope="module")
def compose():
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose); "
                    "cannot validate docker-compose.yml")
    yaml = pytest.importorskip("yaml", reason="python3-yaml is needed to read the config")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTCRY_", "KAFKA_"))}
    r = subprocess.run([exe, "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                       timeout=60, cwd=REPO, env=env)
    assert r.returncode == 0, f"docker-compose config rejected the file:\n{r.stderr}"
    return yaml.safe_load(r.stdout)


def test_has_every_service(compose):
    assert set(compose["services"]) >= {"kafka", "redis", "topics", *STAGES}


def _published(port):
    """The host side of a ports entry, or None when only the container port is given."""
    if isinstance(port, dict):
        return port.get("published")
    parts = str(port).split(":")
    return None if len(parts) == 1 else parts[-2]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_scales_and_is_configured_by_environment(compose, stage):
    svc = compose["services"][stage]
    assert "container_name" not in svc, "a fixed container name stops --scale"
    for port in svc.get("ports", []):
        assert not _published(port), f"{stage} publishes a fixed host port {port}; --scale needs none"
    assert svc["build"]["dockerfile"] == "deploy/Dockerfile"
    assert svc["image"] == compose["services"]["classify"]["image"], "one image for all stages"
    assert svc["command"][0] == f"outcry-{stage}"
    env = svc["environment"]
    assert env["OUTCRY_BROKERS"] == "kafka:9092"
    assert env["OUTCRY_REDIS_URL"] == "redis://redis:6379/0"
    assert env["OUTCRY_HTTP"] == "0.0.0.0:8080"
    assert env["OUTCRY_GROUP"] == f"outcry-{stage}"
    deps = svc["depends_on"]
    assert deps["topics"]["condition"] == "service_completed_successfully"
    assert deps["kafka"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(svc["healthcheck"]["test"])


def test_stage_specifics(compose):
    s = compose["services"]
    assert s["ingest"]["command"] == ["outcry-ingest", "serve"]
    assert s["route"]["environment"]["OUTCRY_RULES"] == "/etc/outcry/rules.yaml"
    assert s["alert"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_kafka_is_single_node_kraft_reachable_as_kafka_9092(compose):
    k = compose["services"]["kafka"]
    assert k["image"].startswith("apache/kafka:")
    env = k["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert str(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == "1"
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_topics_service_runs_the_script_in_the_kafka_image(compose):
    t = compose["services"]["topics"]
    assert t["image"] == compose["services"]["kafka"]["image"]
    assert t["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert any("create-topics.sh" in str(v) for v in t.get("volumes", []))
    assert any("create-topics.sh" in part for part in t["entrypoint"])


# ---------------------------------------------------------------- Dockerfile

def dockerfile_instructions():
    """[(INSTRUCTION, argument text)] with continuation lines joined."""
    text = DOCKERFILE.read_text()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def apt_packages():
    pkgs = []
    for ins, arg in dockerfile_instructions():
        if ins != "RUN":
            continue
        for cmd in re.split(r"&&|;", arg):
            words = cmd.split()
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                pkgs += [w for w in after if not w.startswith("-") and "=" not in w]
    return pkgs


def test_dockerfile_is_multistage_nonroot_and_copies_existing_files():
    ins = dockerfile_instructions()
    froms = [a for i, a in ins if i == "FROM"]
    assert len(froms) == 2 and all(f.startswith("debian:bookworm-slim") for f in froms)
    assert [a for i, a in ins if i == "USER"][-1] == "outcry"
    assert any(i == "RUN" and "make" in a and "all" in a for i, a in ins)
    assert any(i == "COPY" and "--from=" in a and "build/outcry-*" in a and "/usr/local/bin" in a
               for i, a in ins)
    for i, a in ins:
        if i == "COPY" and "--from=" not in a:
            for src in a.split()[:-1]:
                assert (REPO / src).exists(), f"Dockerfile copies {src}, which the repository lacks"


def test_dockerfile_installs_what_the_build_links():
    pkgs = set(apt_packages())
    for dev in ["librdkafka-dev", "libjansson-dev", "libhiredis-dev", "libmicrohttpd-dev",
                "libssl-dev", "libpcre2-dev", "libyaml-dev", "libcsv-dev", "libutf8proc-dev"]:
        assert dev in pkgs
    for lib in ["librdkafka1", "libjansson4", "libhiredis0.14", "libmicrohttpd12", "libssl3",
                "libpcre2-8-0", "libyaml-0-2", "libcsv3", "libutf8proc2"]:
        assert lib in pkgs


def test_every_apt_package_exists_in_debian_12():
    if shutil.which("apt-cache") is None:
        pytest.skip("apt-cache is absent; cannot check package names")
    lists = Path("/var/lib/apt/lists")
    if not lists.is_dir() or not any("Packages" in p.name for p in lists.iterdir()):
        pytest.skip("apt lists are empty; run `apt-get update` to check the Dockerfile's packages")
    pkgs = apt_packages()
    assert len(pkgs) >= 20
    r = subprocess.run(["apt-cache", "policy", *pkgs], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    candidates = {}
    current = None
    for line in r.stdout.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = line[:-1]
        elif current and line.strip().startswith("Candidate:"):
            candidates[current] = line.split(":", 1)[1].strip()
    missing = [p for p in pkgs if candidates.get(p, "(none)") == "(none)"]
    assert not missing, f"not in Debian 12's archive: {missing}"


# ---------------------------------------------------------------- create-topics.sh

def test_create_topics_script_creates_every_topic(tmp_path):
    bash = shutil.which("bash")
    assert bash
    fake = tmp_path / "bin" / "kafka-topics.sh"
    fake.parent.mkdir()
    log = tmp_path / "calls"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> '{log}'\nexit 0\n")
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "KAFKA_BOOTSTRAP": "k:1",
           "OUTCRY_PARTITIONS": "6", "OUTCRY_TOPIC_PREFIX": "outcry."}
    r = subprocess.run([bash, str(CREATE_TOPICS)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    created = {}
    for call in log.read_text().splitlines():
        words = call.split()
        assert words[:2] == ["--bootstrap-server", "k:1"]
        if "--create" in words:
            assert "--if-not-exists" in words
            created[words[words.index("--topic") + 1]] = int(words[words.index("--partitions") + 1])
    want = [f"outcry.{t}" for t in ("posts", "classified", "routed", "dlq")] + \
           [f"outcry.team.{t}" for t in TEAMS]
    assert created == {t: 6 for t in want}


def test_create_topics_script_gives_up_when_kafka_never_answers(tmp_path):
    fake = tmp_path / "kafka-topics.sh"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "OUTCRY_WAIT_S": "1"}
    r = subprocess.run(["bash", str(CREATE_TOPICS)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "did not answer" in r.stderr
