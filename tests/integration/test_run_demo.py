"""`make run`'s demo: a breach shows in the terminal, and Ctrl-C leaves no
process behind."""
import os
import select
import signal
import subprocess
import time

from stages import BIN, REPO


def group_pids(pgid):
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def test_demo_shows_breach_and_ctrl_c_stops_everything():
    proc = subprocess.Popen(["bash", os.path.join(REPO, "tools", "run-demo.sh"), BIN],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=REPO)
    pgid = proc.pid
    seen = b""
    try:
        deadline = time.time() + 120
        while time.time() < deadline and b"BREACH" not in seen:
            r, _, _ = select.select([proc.stdout], [], [], 1.0)
            if r:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                seen += chunk
        assert b"BREACH" in seen, seen.decode(errors="replace")[-4000:]
        assert len(group_pids(pgid)) >= 7  # script, devbroker, redis, 3 stages, watch
        # Ctrl-C in a terminal signals the whole foreground group
        os.killpg(pgid, signal.SIGINT)
        proc.wait(timeout=30)
        rest = proc.stdout.read()
        deadline = time.time() + 10
        while time.time() < deadline and group_pids(pgid):
            time.sleep(0.2)
        assert group_pids(pgid) == [], (seen + rest).decode(errors="replace")[-3000:]
        assert b"stopped" in rest
    finally:
        if proc.poll() is None or group_pids(pgid):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
