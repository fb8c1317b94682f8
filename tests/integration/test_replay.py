"""outcry-replay: a file through ingest, classify, route and alert in event
time, as four processes over a private devbroker + redis-server (default)
and as one stdio pipeline (--pipe); both give the same alerts, and the tool
leaves nothing running behind."""
import csv
import json
import os
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from conftest import bin_path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO.parent / "shared" / "data" / "twcs-sample.csv"

# Synthetic TWCS rows (not from the corpus): 10 answered after 20 min, 20
# answered after 1 h 55 min, 30 never answered, 40 a late post whose clock
# lies beyond the data, 50 a retweet (noise).
FIXTURE = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
10,900001,True,Mon Mar 04 09:00:00 +0000 2024,@sprintcare my phone bill is wrong again and nobody helps,11,
11,sprintcare,False,Mon Mar 04 09:20:00 +0000 2024,@900001 Sorry about that! Please DM us.,,10
20,900002,True,Mon Mar 04 09:05:00 +0000 2024,@sprintcare no signal since yesterday this is terrible,21,
21,sprintcare,False,Mon Mar 04 11:00:00 +0000 2024,@900002 We are looking into it.,,20
30,900003,True,Mon Mar 04 09:10:00 +0000 2024,@sprintcare my order never arrived,,
50,900005,True,Mon Mar 04 09:12:00 +0000 2024,RT @900003: @sprintcare my order never arrived,,
40,900004,True,Mon Mar 04 14:00:00 +0000 2024,@sprintcare thanks for the help earlier,,
"""


def env(tmp_path):
    e = dict(os.environ, TMPDIR=str(tmp_path))
    if "OUTCRY_CLASSIFY_MODEL" not in e:
        # The shipped model when built (named: the sanitizer build in build/san/
        # would not find it next to itself), else the word lists alone.
        model = REPO / "classify" / "model.bin"
        e["OUTCRY_CLASSIFY_MODEL"] = str(model) if model.exists() else "lexicon"
    return e


def replay(tmp_path, path, *args, timeout=300):
    r = subprocess.run([bin_path("outcry-replay")] + list(args) + [str(path)],
                       env=env(tmp_path), capture_output=True, timeout=timeout)
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    assert not list(tmp_path.glob("outcry-replay.*")), "work directory left behind"
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def independent_breaches(path, target=3600.0, retain=7 * 86400.0):
    """(case, clock_start_post) of every sla.breach by DESIGN.md's SLA model,
    read straight from the TWCS CSV (not through the project's C code):
    cases are thread roots (in_response_to_tweet_id followed while the parent
    is in the file), `inbound` says who speaks, retweets are noise; every
    inbound post opens a clock when none is open, the next brand post stops
    it; a breach when the reply comes after the deadline, or never and the
    deadline is before the input's last post. alert forgets an unanswered
    clock 7 days after its escalation (docs/alert.md): a later post then
    opens a new clock."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f)):
            try:
                t = datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y").timestamp()
            except (ValueError, TypeError):
                continue
            rows.append({"id": r["tweet_id"], "inbound": r["inbound"] == "True", "t": t,
                         "text": r["text"] or "", "parent": r["in_response_to_tweet_id"] or None,
                         "n": i})
    first = {}
    for r in rows:
        first.setdefault(r["id"], r)
    for r in rows:
        cur, seen = r, set()
        while cur["parent"] in first and cur["id"] not in seen:
            seen.add(cur["id"])
            cur = first[cur["parent"]]
        r["case"] = "twitter:" + cur["id"]
    rows.sort(key=lambda r: (r["t"], r["n"]))
    end = rows[-1]["t"]
    clocks, out = {}, set()
    for r in rows:
        for case in [c for c, (_, st) in clocks.items() if st + 2 * target + retain < r["t"]]:
            out.add((case, clocks.pop(case)[0]))  # breached long before it was forgotten
        if r["text"].startswith("RT @"):
            continue
        c = clocks.get(r["case"])
        if not r["inbound"]:
            if c is not None:
                if c[1] + target < r["t"]:
                    out.add((r["case"], c[0]))
                del clocks[r["case"]]
        elif c is None:
            clocks[r["case"]] = ("twitter:" + r["id"], r["t"])
    out.update((case, s) for case, (s, st) in clocks.items() if st + target < end)
    return out


@pytest.fixture
def tools():
    for name in ("outcry-devbroker", "outcry-replay"):
        if not os.access(bin_path(name), os.X_OK):
            pytest.skip(f"{name} not built (make)")
    if subprocess.run(["sh", "-c", "command -v redis-server"], capture_output=True).returncode:
        pytest.skip("redis-server not installed (make deps)")


def key(a):
    return (a["type"], a["case"], a["clock_start_post"], a["at"])


def test_fixture_same_alerts_in_both_modes(tmp_path, tools):
    csv = tmp_path / "fixture.csv"
    csv.write_text(FIXTURE)
    piped = replay(tmp_path, csv, "--pipe", "--sla-every-inbound", "3600")
    kafka = replay(tmp_path, csv, "--sla-every-inbound", "3600")
    assert sorted(map(key, piped)) == sorted(map(key, kafka))
    sla = sorted((a["type"], a["case"], a["at"]) for a in kafka if a["type"].startswith("sla."))
    assert sla == [
        ("sla.breach", "twitter:20", "2024-03-04T10:05:00Z"),
        ("sla.breach", "twitter:30", "2024-03-04T10:10:00Z"),
        ("sla.escalation", "twitter:30", "2024-03-04T11:10:00Z"),
        ("sla.warning", "twitter:20", "2024-03-04T09:50:00Z"),
        ("sla.warning", "twitter:30", "2024-03-04T09:55:00Z"),
    ]
    assert all(a["schema"] == "outcry.alert/v1" for a in kafka)


def test_twcs_sample_both_modes_agree(tmp_path, tools, redis_server):
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} not present (shared data): nothing to replay")
    piped = replay(tmp_path, SAMPLE, "--pipe", "--sla-every-inbound", "3600")
    kafka = replay(tmp_path, SAMPLE, "--sla-every-inbound", "3600", "--redis", redis_server.url)
    client = redis_server.client()
    assert client.xlen("outcry:alerts:stream") == len(kafka)
    # A second run against the same Redis prints the same alerts, publishes none.
    again = replay(tmp_path, SAMPLE, "--sla-every-inbound", "3600", "--redis", redis_server.url)
    assert sorted(map(key, again)) == sorted(map(key, kafka))
    assert client.xlen("outcry:alerts:stream") == len(kafka)
    assert len(piped) > 100
    assert sorted(map(key, piped)) == sorted(map(key, kafka))
    pairs = {(a["case"], a["clock_start_post"]) for a in kafka if a["type"] == "sla.breach"}
    assert pairs == independent_breaches(SAMPLE)
    ids = [a["alert_id"] for a in kafka]
    assert len(ids) == len(set(ids)), "an alert published twice"


def test_sigint_stops_everything(tmp_path, tools):
    csv = tmp_path / "fixture.csv"
    csv.write_text(FIXTURE)
    p = subprocess.Popen([bin_path("outcry-replay"), str(csv)], env=env(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while not list(tmp_path.glob("outcry-replay.*/redis-server.*.log")):
        assert time.time() < deadline and p.poll() is None, p.stderr.read().decode()
        time.sleep(0.05)
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1 and b"interrupted" in err, err.decode()
    assert out == b""
    left = subprocess.run(["pgrep", "-f", str(tmp_path / "outcry-replay.")], capture_output=True)
    assert left.stdout == b"", "processes left running: " + left.stdout.decode()
    assert not list(tmp_path.glob("outcry-replay.*"))


def test_usage_errors(tmp_path):
    r = subprocess.run([bin_path("outcry-replay")], capture_output=True)
    assert r.returncode == 2 and b"Usage" in r.stderr
    r = subprocess.run([bin_path("outcry-replay"), str(tmp_path / "missing.csv")],
                       capture_output=True)
    assert r.returncode == 2 and b"missing.csv" in r.stderr
    r = subprocess.run([bin_path("outcry-replay"), "--sla-every-inbound", "x", "f"],
                       capture_output=True)
    assert r.returncode == 2
