"""Where the tests find CLAIMS.md and the seed documents: the repository root if they are copied
there, else the shared folder of the project (``DLPROOFS_SHARED``, default /work/shared)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = [_ROOT, Path(os.environ.get("DLPROOFS_SHARED", "/work/shared"))]


def shared_path(name: str) -> Path:
    """The path of ``name`` (CLAIMS.md or seeds) in the first place that has it; skips the test if none does."""
    for folder in _CANDIDATES:
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"{name} is neither in the repository nor in {_CANDIDATES[-1]}")


_ROW = re.compile(r"^\| `([a-z0-9_.]+)` \| ([^|]*) \|.*\| ([SMFN ]+) \|\s*$", re.M)


def claims_table() -> dict[str, tuple[str, str]]:
    """CLAIMS.md's rows: id -> (source cell, check letters)."""
    text = shared_path("CLAIMS.md").read_text(encoding="utf-8")
    return {m.group(1): (m.group(2).strip(), m.group(3).replace(" ", "")) for m in _ROW.finditer(text)}


def seed_lines(file_name: str) -> list[str]:
    """The lines of one seed document (line 1 first)."""
    return (shared_path("seeds") / file_name).read_text(encoding="utf-8").splitlines()
