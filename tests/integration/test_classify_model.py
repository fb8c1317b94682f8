"""The trained classifier: its figures on the evaluation set written for
this project (data/eval.jsonl), bit-for-bit reproduction of the shipped
model by `make model`'s command, the checks on model files, thresholds
changed without retraining, and weak labels on the TWCS sample (skipped
when ../shared/data is absent; its text is only read, never written).
"""
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import bin_path

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(REPO, "classify", "model.bin")
TRAIN = "data/train.jsonl"
EVAL = "data/eval.jsonl"
SAMPLE = os.path.join(REPO, "..", "shared", "data", "twcs-sample.csv")


def classify(args, input=None, env=None, timeout=120):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("OUTCRY_CLASSIFY_"):
            del e[k]
    e.update(env or {})
    return subprocess.run([bin_path("classify")] + list(args), input=input, cwd=REPO, env=e,
                          capture_output=True, text=True, timeout=timeout)


def summary(text):
    m = re.search(r"^summary: (.*)$", text, re.M)
    assert m, text
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_eval_set_figures():
    """Done-when: complaint macro-F1 >= 0.85, category accuracy >= 0.80."""
    p = classify(["eval", "--data", EVAL])
    assert p.returncode == 0, p.stderr
    sys.stdout.write("\n" + p.stdout)  # the report, in the test output (pytest -s or -rA)
    assert "confusion (rows: label, columns: predicted)" in p.stdout
    assert re.search(r"^  billing +[0-9.]+ +[0-9.]+ +[0-9.]+ +\d+$", p.stdout, re.M)
    s = summary(p.stdout)
    assert s["n"] >= 600
    assert s["complaint_macro_f1"] >= 0.85, s
    assert s["category_accuracy"] >= 0.80, s
    # The word lists alone are far below: the trained model is what reaches it.
    lex = summary(classify(["eval", "--data", EVAL, "--model", "lexicon"]).stdout)
    assert lex["complaint_macro_f1"] < s["complaint_macro_f1"]


def test_make_model_reproduces_the_shipped_model(tmp_path):
    """The command of `make model` (classify/classify.mk), run again, gives
    the committed file byte for byte."""
    with open(os.path.join(REPO, "classify", "classify.mk")) as f:
        mk = f.read()
    assert "train --data $(CL_TRAIN_DATA) --eval $(CL_EVAL_DATA) --out $(CL_MODEL_FILE)" in mk
    out = tmp_path / "model.bin"
    p = classify(["train", "--data", TRAIN, "--eval", EVAL, "--out", str(out)])
    assert p.returncode == 0, p.stderr
    assert sha256(out) == sha256(MODEL), "make model no longer reproduces classify/model.bin: " \
        "run 'make model' and commit the result"
    info = json.loads(classify(["model-info", "--model", str(out)]).stdout)
    meta = info["metadata"]
    assert meta["trained_on"]["sha256"] == sha256(os.path.join(REPO, TRAIN))
    assert meta["evaluation"]["sha256"] == sha256(os.path.join(REPO, EVAL))
    assert meta["evaluation"]["complaint_macro_f1"] >= 0.85
    assert info["name"].startswith("outcry-linear/1-") and info["name"] == meta["name"]


def test_train_is_deterministic_and_seeded(tmp_path):
    a, b, c = tmp_path / "a.bin", tmp_path / "b.bin", tmp_path / "c.bin"
    small = tmp_path / "small.jsonl"
    with open(os.path.join(REPO, TRAIN)) as f:
        small.write_text("".join(f.readlines()[:300]))
    for out, seed in ((a, "7"), (b, "7"), (c, "8")):
        p = classify(["train", "--data", str(small), "--out", str(out), "--seed", seed,
                      "--hash-bits", "12"])
        assert p.returncode == 0, p.stderr
    assert sha256(a) == sha256(b)
    assert sha256(a) != sha256(c)  # another seed, another order, other weights


def test_cross_validation_trains_fresh_models():
    p = classify(["eval", "--data", TRAIN, "--folds", "3"])
    assert p.returncode == 0, p.stderr
    assert len(re.findall(r"^fold \d/3: ", p.stdout, re.M)) == 3
    s = summary(p.stdout)
    assert s["complaint_macro_f1"] >= 0.80 and s["category_accuracy"] >= 0.70, s


def test_model_file_checks(tmp_path):
    post = json.dumps({"id": "x:1", "text": "my parcel never arrived"}) + "\n"
    bad = tmp_path / "bad.bin"
    data = bytearray(open(MODEL, "rb").read())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    p = classify(["--stdio", "--model", str(bad)], input=post)
    assert p.returncode == 2 and "checksum mismatch" in p.stderr, p.stderr
    p = classify(["--stdio"], input=post, env={"OUTCRY_CLASSIFY_MODEL": str(bad)})
    assert p.returncode == 2 and "checksum mismatch" in p.stderr, p.stderr
    trunc = tmp_path / "trunc.bin"
    trunc.write_bytes(bytes(data[:1000]))
    p = classify(["--stdio", "--model", str(trunc)], input=post)
    assert p.returncode == 2 and "truncated" in p.stderr, p.stderr
    magic = tmp_path / "magic.bin"
    magic.write_bytes(b"NOTMODEL" + bytes(data[8:]))
    p = classify(["--stdio", "--model", str(magic)], input=post)
    assert p.returncode == 2 and "bad magic" in p.stderr, p.stderr
    ver = tmp_path / "ver.bin"
    ver.write_bytes(bytes(data[:8]) + b"\x09\x00\x00\x00" + bytes(data[12:]))
    p = classify(["--stdio", "--model", str(ver)], input=post)
    assert p.returncode == 2 and "format version" in p.stderr, p.stderr
    p = classify(["--stdio", "--model", str(tmp_path / "missing.bin")], input=post)
    assert p.returncode == 2 and "cannot open" in p.stderr and "make model" in p.stderr
    # the binary found away from the repository: a clear error naming where it looked
    lone = tmp_path / "bin"
    lone.mkdir()
    shutil.copy(bin_path("classify"), lone / "outcry-classify")
    e = dict(os.environ, OUTCRY_CLASSIFY_MODEL="")
    p = subprocess.run([str(lone / "outcry-classify"), "--stdio"], input=post, env=e,
                       capture_output=True, text=True, timeout=30)
    if not os.path.exists("/usr/local/share/outcry/classify-model.bin"):
        assert p.returncode == 2 and "no classifier model found" in p.stderr, p.stderr


def test_thresholds_change_without_retraining():
    lines = ["my charger caught fire and burned my hand",
             "I've been on hold for 2 hours, cancelling my contract",
             "the app is a bit slow today",
             "thanks, all sorted now"]
    def run(args=(), env=None):
        p = classify(list(args) + ["text", "-"], input="\n".join(lines) + "\n", env=env)
        assert p.returncode == 0, p.stderr
        return [json.loads(l) for l in p.stdout.splitlines()]
    base = run()
    assert base[0]["complaint"] and base[0]["severity"] == "critical"  # critical term rule
    assert base[0]["model"].startswith("outcry-linear/")
    assert not base[3]["complaint"]
    never = run(env={"OUTCRY_CLASSIFY_THRESHOLD": "1"})
    assert not any(r["complaint"] for r in never if r["score"] < 1)
    everything = run(["--threshold", "0"])
    assert all(r["complaint"] for r in everything)
    crit = run(["--critical", "0"])
    assert all(r["severity"] == "critical" for r in crit if r["complaint"])
    high = run(["--high", "0"], env={"OUTCRY_CLASSIFY_CRITICAL": "1"})
    assert all(r["severity"] in ("high", "critical") for r in high if r["complaint"])
    other = run(["--category-min", "1"])
    assert all(r["category"] == "other" for r in other)
    p = classify(["--stdio", "--critical", "2"], input="")
    assert p.returncode == 2 and "--critical" in p.stderr


def test_train_data_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "complaint": 1}\n{"text": "x", "complaint": 1, '
                   '"category": "weather"}\n')
    p = classify(["train", "--data", str(bad), "--out", str(tmp_path / "m.bin")])
    assert p.returncode == 1 and "line 2" in p.stderr and "category" in p.stderr, p.stderr
    bad.write_text('{"text": "fine", "complaint": 3}\n')
    p = classify(["train", "--data", str(bad), "--out", str(tmp_path / "m.bin")])
    assert p.returncode == 1 and "line 1" in p.stderr and "complaint" in p.stderr, p.stderr
    p = classify(["train", "--data", str(bad)])
    assert p.returncode == 2 and "--out" in p.stderr


def weak_labels():
    """A brand reply that apologises or asks for a private message marks the
    post it answers as a complaint; an answered post whose replies do
    neither is weakly a non-complaint."""
    apol = re.compile(r"\b(sorry|apolog|unfortunate)", re.I)
    dm = re.compile(r"\b(dm|d\.m\.|direct message|private message|message us|send us a "
                    r"(note|message)|reach out to us)\b", re.I)
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["tweet_id"]: r for r in rows}
    weak = {}
    for r in rows:
        t = by_id.get(r["in_response_to_tweet_id"] or "")
        if r["inbound"] == "False" and t is not None and t["inbound"] == "True":
            pos = bool(apol.search(r["text"]) or dm.search(r["text"]))
            weak[t["tweet_id"]] = weak.get(t["tweet_id"], False) or pos
    inbound = [r for r in rows if r["inbound"] == "True"]
    return inbound, weak


def test_twcs_weak_label_agreement():
    if not os.path.exists(SAMPLE):
        pytest.skip("../shared/data/twcs-sample.csv is absent")
    inbound, weak = weak_labels()
    texts = "\n".join(r["text"].replace("\n", " ").replace("\r", " ") for r in inbound) + "\n"
    figures = {}
    for model in ("default", "lexicon"):
        args = [] if model == "default" else ["--model", "lexicon"]
        p = classify(args + ["text", "-"], input=texts)
        assert p.returncode == 0, p.stderr
        res = [json.loads(l) for l in p.stdout.splitlines()]
        assert len(res) == len(inbound)
        m = {(a, b): 0 for a in (0, 1) for b in (0, 1)}
        for r, c in zip(inbound, res):
            if r["tweet_id"] in weak:
                m[(int(weak[r["tweet_id"]]), int(c["complaint"]))] += 1
        n = sum(m.values())
        figures[model] = {
            "labelled": n,
            "agreement": (m[(1, 1)] + m[(0, 0)]) / n,
            "recall_on_weak_complaints": m[(1, 1)] / (m[(1, 1)] + m[(1, 0)]),
            "flagged_of_weak_non_complaints": m[(0, 1)] / (m[(0, 1)] + m[(0, 0)]),
            "complaint_rate": sum(c["complaint"] for c in res) / len(res),
        }
    sys.stdout.write("\nTWCS weak labels vs model: %s\n" % json.dumps(figures, indent=1))
    d = figures["default"]
    assert d["labelled"] > 1000
    # The weak "complaint" label is reliable (the brand apologised): the
    # trained model must find most of those posts, and more than the word
    # lists do. The weak "non-complaint" label is noisy (see docs/classify.md).
    assert d["recall_on_weak_complaints"] >= 0.80, figures
    assert d["recall_on_weak_complaints"] > figures["lexicon"]["recall_on_weak_complaints"]
    assert d["agreement"] >= 0.50, figures
