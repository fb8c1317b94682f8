"""outcry-route explain and check as processes, and the newer matchers
(regex, visibility, blocklists, hours) through --stdio."""
import json
import os
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("OUTCRY_BIN", os.path.join(REPO, "build"))
ROUTE = os.path.join(BIN, "outcry-route")

RULES = """version: 1
teams: [safety, billing, dm, care]
policies:
  std: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}
brands:
  acme: {vip: ["7"], blocklist: ["666"]}
rules:
  - {name: blocked, match: {blocklisted: true}, suppress: true}
  - {name: fire, match: {regex: '(?i)\\bfire\\b'}, team: safety, priority: p1}
  - {name: dm, match: {visibility: direct}, team: dm, priority: p2}
  - {name: night-billing, match: {category: billing, hours: {from: '22:00', to: '06:00'}},
     team: billing, priority: p2}
  - {name: default, default: true, team: care, priority: p3, policy: std}
boosts:
  - {name: vip, when: {vip: true}}
"""


def post(pid, text="help", author="1", category="service", **extra):
    p = {"schema": "outcry.post/v1", "id": "twitter:%s" % pid, "platform": "twitter",
         "direction": "inbound", "brand": "acme", "author": {"id": author, "followers": 5},
         "text": text, "created_at": "2026-11-25T23:00:00Z",
         "classification": {"complaint": True, "category": category, "severity": "low",
                            "signals": []}}
    p.update(extra)
    return json.dumps(p)


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    return str(path)


def run(args, stdin=""):
    env = dict(os.environ)
    env.pop("OUTCRY_RULES", None)
    env["OUTCRY_LOG"] = "warn"
    return subprocess.run([ROUTE] + args, input=stdin.encode(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, timeout=30)


def test_stdio_new_matchers(rules):
    lines = [post(1, "The FIRE alarm"), post(2, visibility="direct"),
             post(3, author="666", text="fire"), post(4, category="billing"),
             post(5, author="7")]
    p = run(["--stdio", "--rules", rules], "\n".join(lines) + "\n")
    assert p.returncode == 0, p.stderr.decode()
    out = {o["id"]: o["routing"] for o in map(json.loads, p.stdout.decode().splitlines())}
    assert out["twitter:1"]["rule"] == "fire" and out["twitter:1"]["priority"] == "p1"
    assert out["twitter:2"]["team"] == "dm"
    assert "twitter:3" not in out  # blocklisted: suppressed, routed nowhere
    assert out["twitter:4"]["rule"] == "night-billing"  # 23:00 UTC is in 22:00-06:00
    assert out["twitter:5"]["rule"] == "default" and out["twitter:5"]["priority"] == "p2"


def test_explain_human(rules):
    p = run(["explain", "--rules", rules], post(1, "a fire!", visibility="direct") + "\n")
    assert p.returncode == 0, p.stderr.decode()
    text = p.stdout.decode()
    assert "post twitter:1" in text
    assert "rule 'blocked' (line 8): no" in text
    assert "author 1 is not on the blocklist of brand acme" in text
    assert "rule 'fire' (line 9): MATCH" in text
    assert "+ regex: text matches one of /(?i)\\bfire\\b/" in text
    assert "rule 'dm'" not in text  # first match wins: later rules are not tried
    assert "boost vip (line 15, +1): no" in text
    assert "=> team safety, priority p1, policy std, first reply in 60s (rule 'fire')" in text


def test_explain_json(rules):
    lines = [post(1, "nothing special", category="billing", created_at="2026-11-25T12:00:00Z"),
             post(2, author="666"), "not json"]
    p = run(["explain", "--rules", rules, "--json"], "\n".join(lines) + "\n")
    assert p.returncode == 1  # the bad line is reported, the others explained
    assert "line 3 skipped" in p.stderr.decode()
    first, second = [json.loads(l) for l in p.stdout.decode().splitlines()]
    assert [t["rule"] for t in first["tried"]] == ["blocked", "fire", "dm", "night-billing",
                                                   "default"]
    nb = first["tried"][3]
    assert nb["matched"] is False
    hours = [m for m in nb["matchers"] if m["matcher"] == "hours"][0]
    assert hours["holds"] is False and "is not within" in hours["why"]
    cat = [m for m in nb["matchers"] if m["matcher"] == "category"][0]
    assert cat["holds"] is True
    assert first["routing"]["rule"] == "default"
    assert second["suppressed"] == "blocked" and "routing" not in second


CHECKS = {
    "unknown_key": ("rules:\n"
                    "  - {name: a, match: {category: billing, keyword: x}, team: billing,"
                    " priority: p2}\n",
                    "rules.yaml:6: unknown key 'keyword' in match of rule 'a'; did you mean "
                    "'keywords'?"),
    "bad_regex": ("rules:\n"
                  "  - {name: a, match: {regex: 'x{2,1}'}, team: billing, priority: p2}\n",
                  "rules.yaml:6: bad regular expression 'x{2,1}' in 'regex' in match of rule "
                  "'a': numbers out of order in {} quantifier at offset 5"),
    "unreachable": ("rules:\n"
                    "  - {name: a, match: {category: billing}, team: billing, priority: p2}\n"
                    "  - {name: b, match: {category: billing, lang: en}, team: billing,"
                    " priority: p1}\n",
                    "rules.yaml:7: rule 'b' can never match: rule 'a' (line 6) comes first"),
    "team_without_policy": ("rules:\n"
                            "  - {name: a, match: {category: billing}, team: care, "
                            "priority: p2}\n",
                            "rules.yaml:2: team 'billing' has no policy: no rule routes to it"),
    "unused_policy": ("rules:\n"
                      "  - {name: a, match: {category: billing}, team: billing, priority: p2,"
                      " policy: std}\n",
                      "rules.yaml:5: policy 'spare' is used by no rule"),
}


@pytest.mark.parametrize("kind", sorted(CHECKS) + ["no_default"])
def test_check_each_error_kind(tmp_path, kind):
    head = ("version: 1\n"
            "teams: [billing, care]\n"
            "policies:\n"
            "  std: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n")
    default = "  - {name: default, default: true, team: care, priority: p3, policy: std}\n"
    if kind == "no_default":
        body, want = ("rules:\n"
                      "  - {name: a, match: {category: billing}, team: billing, priority: p2,"
                      " policy: std}\n"), "rules.yaml:5: no default rule"
        text = head + body
    else:
        body, want = CHECKS[kind]
        if kind == "unused_policy":
            head += "  spare: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n"
            body = body.replace("rules.yaml:5", "")
        text = head + body + default
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    p = run(["check", str(path)])
    err = p.stderr.decode().replace(str(path), "rules.yaml")
    assert p.returncode == 1, (kind, p.stdout.decode(), err)
    assert want in err, err
    assert p.stdout.decode() == ""
