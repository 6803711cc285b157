"""Writing results so that a reader never takes a partial file for a finished one: tables, texts
and figures, each through a temporary name that is renamed into place."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from ..errors import DiskFullError, disk_full_error, is_disk_full


@contextmanager
def atomic_output(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on failure remove
    it. ``suffix`` ends the temporary name, for writers that insist on an extension (np.savez). A
    full disk is reported as such, naming the file and the space left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{suffix}")
    try:
        with full_disk_reported(path):
            yield tmp
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def full_disk_reported(path):
    """Turn any sign of a full disk while writing ``path`` (ENOSPC, a quota, numpy's short write
    without an errno) into the documented :class:`~binembed.errors.DiskFullError`."""
    try:
        yield
    except OSError as err:
        if isinstance(err, DiskFullError) or not is_disk_full(err):
            raise
        raise disk_full_error(path) from None


def write_table(frame, path) -> Path:
    """Write a pandas DataFrame as CSV atomically."""
    with atomic_output(path) as tmp:
        frame.to_csv(tmp, index=False)
    return Path(path)


def write_text(text: str, path) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def save_figure(figure, png_path, pdf_path) -> None:
    """Write a matplotlib figure as PNG (150 dpi) and PDF, each atomically and without a creation
    date, so the same results give the same bytes."""
    for path, suffix, metadata in ((png_path, ".png", {}), (pdf_path, ".pdf", {"CreationDate": None})):
        with atomic_output(path, suffix=suffix) as tmp:
            figure.savefig(tmp, dpi=150, bbox_inches="tight", metadata=metadata)
