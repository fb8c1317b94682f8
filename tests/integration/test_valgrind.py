"""Every stage's core, driven by --stdio, is clean under valgrind's memcheck:
no invalid reads or writes, no leaks."""
import os
import shutil
import subprocess

import pytest

from stages import BIN, REPO

pytestmark = [
    pytest.mark.skipif(os.environ.get("OUTCRY_SAN") == "1",
                       reason="sanitizer build: ASan and valgrind do not mix"),
    pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind not installed"),
]

DEMO = os.path.join(REPO, "demo", "posts.jsonl")
RULES = os.path.join(REPO, "tests", "integration", "rules-fast.yaml")


def memcheck(args, stdin):
    cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
           "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
           os.path.join(BIN, args[0])] + args[1:]
    r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-4000:]
    return r.stdout


def test_stdio_pipeline_is_memcheck_clean():
    with open(DEMO, "rb") as f:
        posts = f.read()
    # a bad line in the middle exercises the DLQ path too
    posts = posts.replace(b"\n", b"\n{broken\n", 1)
    converted = memcheck(["outcry-ingest", "convert", "--format", "jsonl", "-"], posts)
    classified = memcheck(["outcry-classify", "--stdio"], converted)
    routed = memcheck(["outcry-route", "--stdio", "--rules", RULES], classified)
    alerts = memcheck(["outcry-alert", "--stdio"], routed)
    assert classified.count(b"\n") == converted.count(b"\n") > 0
    assert b"sla.breach" in alerts
