"""outcry-alert's configuration on the command line: the calendars file
(business hours) and the brand accounts, through --stdio."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import bin_path

CALENDARS = {"calendars": {"emea": {"timezone": "Europe/Berlin",
                                    "hours": {d: "09:00-17:00"
                                              for d in ("mon", "tue", "wed", "thu", "fri")},
                                    "holidays": ["2024-01-15"]}},
             "teams": {"billing": "emea"}}


def post(pid, conv, created, direction="inbound", handle="jdoe"):
    p = {"schema": "outcry.post/v1", "id": pid, "platform": "twitter", "native_id": pid[8:],
         "direction": direction, "brand": "acme", "author": {"id": handle, "handle": handle},
         "text": "my order never arrived", "created_at": created, "conversation": conv}
    if direction == "inbound":
        p["classification"] = {"complaint": True, "score": 0.9, "severity": "high"}
        p["routing"] = {"team": "billing", "priority": "p2", "rule": "t",
                        "sla": {"first_reply_s": 3600, "warn_at": None, "escalate_at": None}}
    return json.dumps(p)


def run(args, lines, env=None):
    import os
    e = dict(os.environ, **(env or {}))
    return subprocess.run([bin_path("outcry-alert"), "--stdio"] + args,
                          input=("\n".join(lines) + "\n").encode(), capture_output=True,
                          timeout=30, env=e)


def test_business_hours_from_the_calendars_file(tmp_path):
    if not Path("/usr/share/zoneinfo/Europe/Berlin").exists():
        pytest.skip("tzdata not installed")
    cal = tmp_path / "calendars.json"
    cal.write_text(json.dumps(CALENDARS))
    # Friday 16:30 CET: 30 min on Friday, Monday the 15th is a holiday, 30 min
    # on Tuesday: 09:30 CET = 08:30Z.
    lines = [post("twitter:1", "twitter:1", "2024-01-12T15:30:00Z"),
             post("twitter:9", "twitter:9x", "2024-01-20T00:00:00Z", "outbound", "acme")]
    r = run(["--calendars", str(cal)], lines)
    assert r.returncode == 0, r.stderr.decode()
    alerts = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [(a["type"], a["deadline"]) for a in alerts] == [("sla.breach", "2024-01-16T08:30:00Z")]
    # Without the file the same complaint breaches an hour later, on Friday.
    r = run([], lines)
    assert [json.loads(line)["at"] for line in r.stdout.decode().splitlines()] == [
        "2024-01-12T16:30:00Z"]


def test_bad_calendars_file_is_refused(tmp_path):
    bad = tmp_path / "calendars.json"
    bad.write_text('{"calendars": {"x": {"timezone": "Europe/Nowhere", "hours": {}}}}')
    r = run([], [], env={"OUTCRY_ALERT_CALENDARS": str(bad)})
    assert r.returncode == 2
    assert str(bad).encode() in r.stderr and b"Europe/Nowhere" in r.stderr
    r = run(["--calendars", str(tmp_path / "missing.json")], [])
    assert r.returncode == 2 and b"missing.json" in r.stderr


def test_brand_accounts(tmp_path):
    lines = [post("twitter:1", "twitter:1", "2024-01-12T10:00:00Z"),
             post("twitter:2", "twitter:1", "2024-01-12T10:10:00Z", handle="AcmeHelp"),
             post("twitter:9", "twitter:9x", "2024-01-12T12:00:00Z", "outbound", "acme")]
    r = run([], lines)  # AcmeHelp unknown: a customer joining the case
    assert [json.loads(line)["type"] for line in r.stdout.decode().splitlines()] == ["sla.breach"]
    r = run([], lines, env={"OUTCRY_BRAND_ACCOUNTS": "acme:@acmehelp"})
    assert r.returncode == 0 and r.stdout == b"", r.stderr.decode()
    r = run(["--brand-accounts", "acme:"], lines)
    assert r.returncode == 2 and b"acme" in r.stderr
