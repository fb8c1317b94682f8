"""outcry-ingest convert over the shared TWCS sample (../shared/data/twcs-sample.csv).

Checks, against what Python's csv module reads independently: every row is
accepted or rejected, every output is a valid canonical post, threads are
linked, direction follows the author, and an inbound post's brand is the brand
that answered in its thread. Also the command's behaviour on a small made-up
file with bad rows, and its usage exits.
"""
import base64
import collections
import csv
import datetime
import json
import os
import re
import subprocess
import unicodedata

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("OUTCRY_BIN", os.path.join(REPO, "build"))
INGEST = os.path.join(BIN, "outcry-ingest")
SAMPLE = os.path.join(REPO, "..", "shared", "data", "twcs-sample.csv")

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
REQUIRED = ("schema", "id", "platform", "direction", "brand", "author", "text", "created_at")


def run(args, stdin=None):
    return subprocess.run([INGEST] + args, input=stdin, capture_output=True, timeout=120)


def stderr_json(stderr):
    """The JSON lines of stderr: DLQ entries and log lines (anything else is
    the readable summary, printed only on a terminal)."""
    out = []
    for line in stderr.decode("utf-8").splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def check_post(p):
    for field in REQUIRED:
        assert field in p, f"{p.get('id')}: no {field}"
    assert p["schema"] == "outcry.post/v1"
    assert p["platform"] == "twitter"
    assert p["id"] == "twitter:" + p["native_id"]
    assert p["direction"] in ("inbound", "outbound")
    assert isinstance(p["brand"], str) and p["brand"]
    assert isinstance(p["author"]["id"], str) and p["author"]["id"]
    assert isinstance(p["text"], str) and p["text"].strip()
    assert len(p["text"].encode("utf-8")) <= 10000
    assert RFC3339.match(p["created_at"]), p["created_at"]
    assert RFC3339.match(p["ingested_at"]), p["ingested_at"]
    assert isinstance(p["conversation"], str) and p["conversation"].startswith("twitter:")
    assert len(json.dumps(p, ensure_ascii=False).encode("utf-8")) <= 64 * 1024


@pytest.fixture(scope="module")
def sample():
    if not os.path.exists(SAMPLE):
        pytest.skip(f"{SAMPLE} is absent (shared data lives beside the repository); skipping")
    if not os.access(INGEST, os.X_OK):
        pytest.skip(f"{INGEST} is not built; run make")
    with open(SAMPLE, newline="", encoding="utf-8", errors="surrogateescape") as f:
        rows = [r for r in csv.reader(f) if r]
    header, rows = rows[0], rows[1:]
    assert header[0] == "tweet_id"
    r = run(["convert", "--format", "twcs", SAMPLE])
    assert r.returncode == 0, r.stderr.decode()
    posts = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    logs = stderr_json(r.stderr)
    dlq = [e for e in logs if e.get("schema") == "outcry.dlq/v1"]
    summary = [e for e in logs if e.get("event") == "ingest_summary"]
    assert len(summary) == 1, logs
    return {"header": header, "rows": rows, "posts": posts, "dlq": dlq, "summary": summary[0]}


def test_every_row_accepted_or_rejected(sample):
    rows, posts, dlq, s = sample["rows"], sample["posts"], sample["dlq"], sample["summary"]
    print(f"twcs sample: {len(rows)} rows, {len(posts)} accepted, {len(dlq)} rejected, "
          f"reasons {s['reasons']}")
    assert len(posts) + len(dlq) == len(rows)
    assert s["rows"] == len(rows)
    assert s["accepted"] == len(posts)
    assert s["rejected"] == len(dlq)
    assert sum(s["reasons"].values()) == len(dlq)
    # each row appears once, accepted or rejected
    accepted = collections.Counter(p["native_id"] for p in posts)
    assert all(n == 1 for n in accepted.values())
    for e in dlq:
        assert e["stage"] == "ingest" and e["code"] and e["reason"]
        assert e["source"] == SAMPLE
        assert 1 <= e["offset"] <= len(rows)
        base64.b64decode(e["payload_b64"], validate=True)


def test_every_output_is_a_valid_post(sample):
    for p in sample["posts"]:
        check_post(p)


def test_outputs_pass_the_c_validator(sample):
    """What convert writes, jsonl reads back without a single reject."""
    data = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in sample["posts"])
    r = run(["convert", "--format", "jsonl", "-"], stdin=data.encode("utf-8"))
    assert r.returncode == 0, r.stderr.decode()
    again = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    assert again == sample["posts"]


ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8});")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def expected_text(raw):
    """What ingest should make of a row's text: entities decoded in one pass,
    line ends as LF, NFC."""
    def one(m):
        name = m.group(1)
        if name in NAMED:
            return NAMED[name]
        cp = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        ok = 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF
        return chr(cp) if ok else m.group(0)
    text = ENTITY.sub(one, raw).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def test_fields_follow_the_rows(sample):
    by_id = {p["native_id"]: p for p in sample["posts"]}
    for row in sample["rows"]:
        tweet_id, author, _inbound, created, text, _resp, parent = row
        p = by_id.get(tweet_id)
        if p is None:
            continue
        assert p["author"]["id"] == author
        when = datetime.datetime.strptime(created, "%a %b %d %H:%M:%S %z %Y")
        assert p["created_at"] == when.astimezone(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        assert p["text"] == expected_text(text), tweet_id
        if parent:
            assert p["in_reply_to"] == "twitter:" + parent
        else:
            assert "in_reply_to" not in p


def test_threads_are_linked(sample):
    posts = sample["posts"]
    by_id = {p["id"]: p for p in posts}
    linked = 0
    for p in posts:
        parent = by_id.get(p.get("in_reply_to"))
        if parent is not None:
            assert p["conversation"] == parent["conversation"], p["id"]
            linked += 1
    assert linked > 0
    # independently: the root is the earliest ancestor present in the file
    parent_of = {r[0]: r[6] for r in sample["rows"]}
    for p in posts:
        node = p["native_id"]
        seen = set()
        while parent_of.get(node) in parent_of and node not in seen:
            seen.add(node)
            node = parent_of[node]
        assert p["conversation"] == "twitter:" + node, p["id"]


def test_direction_follows_the_author(sample):
    for p in sample["posts"]:
        outbound = not p["author"]["id"].isdigit()
        assert (p["direction"] == "outbound") == outbound, p["id"]
        if outbound:
            assert p["brand"] == p["author"]["id"]


def test_inbound_brand_is_the_brand_that_replied(sample):
    posts = sample["posts"]
    first_reply = {}
    for p in sorted(posts, key=lambda p: p["created_at"]):  # stable: file order on ties
        if p["direction"] == "outbound":
            first_reply.setdefault(p["conversation"], p["author"]["id"])
    checked = 0
    for p in posts:
        if p["direction"] == "inbound" and p["conversation"] in first_reply:
            assert p["brand"] == first_reply[p["conversation"]], p["id"]
            checked += 1
    assert checked > 0
    unknown = sum(1 for p in posts if p["brand"] == "unknown")
    print(f"inbound posts checked against their thread's brand: {checked}; brand unknown: {unknown}")


def test_stdin_gives_the_same_posts(sample):
    with open(SAMPLE, "rb") as f:
        r = run(["convert", "--format", "twcs", "-"], stdin=f.read())
    assert r.returncode == 0
    posts = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    strip = lambda ps: [{k: v for k, v in p.items() if k != "ingested_at"} for p in ps]
    assert strip(posts) == strip(sample["posts"])


BAD_CSV = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    "1,AcmeCare,False,Tue Oct 31 22:10:47 +0000 2017,@9 on it,,2\n"
    "2,9,True,Tue Oct 31 22:00:00 +0000 2017,\"@AcmeCare two\nlines &amp; more\",1,\n"
    "3,9,True,Tue Oct 99 22:00:00 +0000 2017,bad day,,\n"
    "4,9,True\n"
).encode("utf-8") + b"5,9,True,Tue Oct 31 22:00:00 +0000 2017,bad \xff byte,,\n"


def test_convert_reports_rejects(tmp_path):
    if not os.access(INGEST, os.X_OK):
        pytest.skip(f"{INGEST} is not built; run make")
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD_CSV)
    r = run(["convert", str(path)])  # format from the extension
    assert r.returncode == 0, r.stderr.decode()
    posts = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [p["id"] for p in posts] == ["twitter:1", "twitter:2"]
    assert posts[1]["text"] == "@AcmeCare two\nlines & more"
    assert posts[1]["brand"] == "AcmeCare" and posts[1]["conversation"] == "twitter:2"
    logs = stderr_json(r.stderr)
    dlq = [e for e in logs if e.get("schema") == "outcry.dlq/v1"]
    assert [(e["code"], e["offset"]) for e in dlq] == [
        ("bad_timestamp", 3), ("wrong_columns", 4), ("invalid_utf8", 5)]
    assert base64.b64decode(dlq[1]["payload_b64"]) == b"4,9,True"
    summary = [e for e in logs if e.get("event") == "ingest_summary"][0]
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (5, 2, 3)
    assert summary["reasons"] == {"bad_timestamp": 1, "wrong_columns": 1, "invalid_utf8": 1}


def test_usage_and_limits(tmp_path):
    if not os.access(INGEST, os.X_OK):
        pytest.skip(f"{INGEST} is not built; run make")
    # No arguments runs serve (the container's command); without an address
    # it is a configuration error naming the variable.
    env = {k: v for k, v in os.environ.items() if k != "OUTCRY_HTTP"}
    r = subprocess.run([INGEST], capture_output=True, timeout=30, env=env)
    assert r.returncode == 2 and b"OUTCRY_HTTP" in r.stderr
    r = run(["--help"])
    assert r.returncode == 0 and b"serve" in r.stdout and b"--rebase-now" in r.stdout
    assert run(["--version"]).returncode == 0
    assert run(["convert", "--format", "nope", "-"]).returncode == 2
    assert run(["convert", "-"]).returncode == 2  # stdin needs --format
    assert run(["replay", "--speed", "fast", "x.csv"]).returncode == 2
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD_CSV)
    r = run(["convert", "--max-rows", "3", str(path)])
    assert r.returncode == 1 and b"--max-rows" in r.stderr and r.stdout == b""
    r = run(["convert", str(tmp_path / "missing.csv")])
    assert r.returncode == 1 and b"cannot open" in r.stderr
