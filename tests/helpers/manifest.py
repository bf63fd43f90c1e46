"""Writing a sources manifest for a test build."""

from __future__ import annotations

import json
from pathlib import Path


def write_manifest(folder: Path, *sources: dict) -> Path:
    """`sources.toml` in `folder` listing `sources` (tables of strings and numbers)."""
    lines = []
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in source.items()]
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
