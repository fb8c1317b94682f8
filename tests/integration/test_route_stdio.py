"""outcry-route as a process: --stdio, --rules / OUTCRY_RULES, and `check`.

In --stdio mode only the primary output ("routed") is printed; DLQ entries
are JSON log lines on stderr ("event": "dlq").
"""
import json
import os
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("OUTCRY_BIN", os.path.join(REPO, "build"))
ROUTE = os.path.join(BIN, "outcry-route")


def post(pid, direction="inbound", classification=None, **extra):
    p = {
        "schema": "outcry.post/v1",
        "id": "twitter:%s" % pid,
        "platform": "twitter",
        "native_id": str(pid),
        "direction": direction,
        "brand": "acmetel",
        "author": {"id": "700101", "handle": "u", "followers": 10, "verified": False},
        "text": "@acmetel help",
        "lang": "en",
        "created_at": "2026-11-23T10:00:00Z",
        "conversation": "twitter:1",
        "source": "test",
    }
    if classification is not None:
        p["classification"] = classification
    p.update(extra)
    return p


def complaint(category, severity="medium", **kw):
    return {"complaint": True, "score": 0.9, "category": category, "category_score": 0.8,
            "severity": severity, "sentiment": -0.5, "signals": kw.get("signals", []),
            "model": "test"}


def run(lines, args=(), env=None):
    e = dict(os.environ)
    e.pop("OUTCRY_RULES", None)
    e["OUTCRY_LOG"] = "info"
    e.update(env or {})
    data = "".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines)
    p = subprocess.run([ROUTE, "--stdio"] + list(args), input=data.encode(), env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    out = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    logs = [json.loads(l) for l in p.stderr.decode().splitlines() if l.startswith("{")]
    return p.returncode, out, logs, p.stderr.decode()


@pytest.fixture(scope="module", autouse=True)
def binary():
    if not os.access(ROUTE, os.X_OK):
        pytest.fail("%s is missing; run 'make' first" % ROUTE)


def test_routes_complaints_passes_outbound_skips_the_rest():
    billing = post(1, classification=complaint("billing"))
    critical = post(2, classification=complaint("safety", "critical"), text="it caught fire")
    chatter = post(3, classification={"complaint": False, "score": 0.1})
    reply = post(4, direction="outbound", author={"id": "acmetel"}, text="@700101 sorry!",
                 x_kept={"a": 1})
    rc, out, logs, err = run([billing, critical, chatter, reply])
    assert rc == 0, err
    assert [o["id"] for o in out] == ["twitter:1", "twitter:2", "twitter:4"]
    r = out[0]["routing"]
    assert r["team"] == "billing" and r["priority"] == "p2" and r["rule"] == "billing"
    assert r["sla"] == {"first_reply_s": 3600, "warn_at": 0.75, "escalate_at": 2.0}
    assert out[0]["classification"] == billing["classification"]
    r = out[1]["routing"]
    assert (r["team"], r["priority"], r["rule"]) == ("safety", "p1", "safety-critical")
    assert r["sla"]["first_reply_s"] == 300 and "critical" in r["tags"]
    assert out[2] == reply  # outbound: unchanged, unknown fields kept
    assert not [l for l in logs if l.get("event") == "dlq"]


def test_bad_lines_go_to_dlq_and_the_stage_continues():
    good = post(5, classification=complaint("delivery"))
    raw = post(6)  # never classified
    rc, out, logs, err = run(["{broken json", raw, "", good])
    assert rc == 0, err
    assert [o["id"] for o in out] == ["twitter:5"]
    dlq = [l for l in logs if l.get("event") == "dlq"]
    assert [d["dlq"]["code"] for d in dlq] == ["invalid_json", "missing_classification"]
    assert dlq[0]["dlq"]["stage"] == "route"
    assert dlq[0]["dlq"]["offset"] == 1 and dlq[1]["dlq"]["offset"] == 2
    assert "line 1" in dlq[0]["dlq"]["reason"]


def test_rules_flag_env_and_precedence(tmp_path):
    def rules(team):
        return ("version: 1\n"
                "teams: [%s, care]\n"
                "policies: {fast: {p1: 2s, p2: 3s, p3: 4s, p4: 5s}}\n"
                "rules:\n"
                "  - {name: to-%s, match: {lang: en}, team: %s, priority: p4}\n"
                "  - {name: default, default: true, team: care, priority: p1, policy: fast}\n"
                "boosts:\n"
                "  - {when: {brand: ACMETEL}, steps: 2}\n" % (team, team, team))
    a = tmp_path / "a.yaml"
    a.write_text(rules("alpha"))
    b = tmp_path / "b.yaml"
    b.write_text(rules("beta"))
    line = post(7, classification=complaint("billing"))
    rc, out, _, err = run([line], ["--rules", str(a)])
    assert rc == 0, err
    assert out[0]["routing"]["team"] == "alpha"
    assert out[0]["routing"]["priority"] == "p2"  # p4 boosted two steps
    assert out[0]["routing"]["sla"]["first_reply_s"] == 3
    rc, out, _, err = run([line], env={"OUTCRY_RULES": str(a)})
    assert rc == 0 and out[0]["routing"]["team"] == "alpha", err
    rc, out, _, err = run([line], ["--rules", str(b)], env={"OUTCRY_RULES": str(a)})
    assert rc == 0 and out[0]["routing"]["team"] == "beta", err


def test_bad_rules_refuse_to_start(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\n"
                   "teams: [billing]\n"
                   "policies: {standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}}\n"
                   "rules:\n"
                   "  - name: billing\n"
                   "    match: {category: billing}\n"
                   "    tema: billing\n")
    rc, out, _, err = run([post(8, classification=complaint("billing"))], ["--rules", str(bad)])
    assert rc == 2
    assert out == []
    assert "rules.yaml:7: unknown key 'tema' in rule 'billing'; did you mean 'team'?" in err
    assert "rules.yaml:4: no default rule" in err


def test_check_subcommand(tmp_path):
    p = subprocess.run([ROUTE, "check", os.path.join(REPO, "route", "rules.example.yaml")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode().strip() == "ok: 10 rules, 6 teams"
    p = subprocess.run([ROUTE, "check", os.path.join(REPO, "demo", "rules.yaml")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 0, p.stderr.decode()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n"
                   "teams: [care]\n"
                   "policies: {standard: {p1: 15x, p2: 2m, p3: 3m, p4: 4m}}\n"
                   "rules:\n"
                   "  - {name: d, default: true, team: caer, priority: p3, policy: standard}\n")
    p = subprocess.run([ROUTE, "check", str(bad)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert "bad.yaml:3: bad duration '15x' for p1 in policy 'standard'" in err
    assert "bad.yaml:5: unknown team 'caer' in rule 'd'; did you mean 'care'?" in err
    assert p.stdout.decode() == ""
    p = subprocess.run([ROUTE, "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env={k: v for k, v in os.environ.items() if k != "OUTCRY_RULES"},
                       timeout=30)
    assert p.returncode == 2


def test_help_and_version():
    p = subprocess.run([ROUTE, "--help"], stdout=subprocess.PIPE, timeout=30)
    assert p.returncode == 0 and b"--rules FILE" in p.stdout and b"check FILE" in p.stdout
    p = subprocess.run([ROUTE, "--version"], stdout=subprocess.PIPE, timeout=30)
    assert p.returncode == 0 and p.stdout.startswith(b"outcry-route ")
    p = subprocess.run([ROUTE, "--bogus"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert p.returncode == 2

