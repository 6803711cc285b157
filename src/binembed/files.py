"""Writing results so that a reader never takes a partial file for a finished one."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on failure remove
    it. ``suffix`` ends the temporary name, for writers that insist on an extension (np.savez)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(frame, path) -> Path:
    """Write a pandas DataFrame as CSV atomically."""
    with atomic_output(path) as tmp:
        frame.to_csv(tmp, index=False)
    return Path(path)
