"""A Lambda container's first runtime() takes what it loaded out of the cycle collector's
sight once, before its first AWS client is built, and never again in that container."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: a freeze is process-wide, and this test process has its own.
PROBE = """
import gc, sys
from chalicelib import wiring
assert gc.get_freeze_count() == 0
assert "boto3" not in sys.modules
rt = wiring.runtime()
frozen = gc.get_freeze_count()
assert frozen > 0, frozen
assert "boto3" in sys.modules
assert not rt._clients, "no AWS client is built before the freeze"
wiring.reset()
wiring.runtime()
assert gc.get_freeze_count() == frozen, "frozen once per container"
"""


def test_the_first_runtime_freezes_what_the_container_loaded_once() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT / "functions",
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'functions'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
