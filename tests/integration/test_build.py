"""What a packager and an operator see of the build: install, --help,
--version, and the exit code for a bad flag."""
import os
import subprocess

import pytest

from stages import BIN, REPO

BINARIES = ["outcry-ingest", "outcry-classify", "outcry-route", "outcry-alert",
            "outcry-devbroker"]


@pytest.mark.parametrize("name", BINARIES)
def test_help_version_and_bad_flag(name):
    path = os.path.join(BIN, name)
    h = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=20)
    assert h.returncode == 0 and "usage" in (h.stdout + h.stderr).lower()
    v = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    assert v.returncode == 0 and name in v.stdout
    bad = subprocess.run([path, "--no-such-flag"], capture_output=True, text=True, timeout=20)
    assert bad.returncode == 2, (bad.stdout, bad.stderr)
    assert "no-such-flag" in bad.stderr


def test_make_install_honours_prefix_and_destdir(tmp_path):
    build = os.path.relpath(BIN, REPO)
    san = ["SAN=1"] if os.environ.get("OUTCRY_SAN") == "1" else []
    r = subprocess.run(["make", "-s", "install", "PREFIX=/opt/outcry", "DESTDIR=%s" % tmp_path,
                        "BUILD=%s" % build] + san, cwd=REPO, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    root = tmp_path / "opt" / "outcry"
    for name in BINARIES:
        assert os.access(root / "bin" / name, os.X_OK), name
    assert (root / "share" / "outcry" / "rules.yaml").is_file()
    out = subprocess.run([str(root / "bin" / "outcry-route"), "check",
                          str(root / "share" / "outcry" / "rules.yaml")],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    # the installed classifier finds its installed model
    assert (root / "share" / "outcry" / "classify-model.bin").is_file()
    cl = subprocess.run([str(root / "bin" / "outcry-classify"), "text",
                         "I was charged twice and nobody answers"], capture_output=True,
                        text=True, timeout=20)
    assert cl.returncode == 0 and '"complaint":true' in cl.stdout.replace(" ", ""), cl.stderr
