"""Running the `smcbot` command as a user would: a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m smcbot` as a separate process, as a user would."""
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "smcbot", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, env=environment, timeout=300,
    )  # fmt: skip
