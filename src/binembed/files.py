"""Writing results so that a reader never takes a partial file for a finished one: tables, texts
and figures, each through a temporary name that is renamed into place."""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on failure remove
    it. ``suffix`` ends the temporary name, for writers that insist on an extension (np.savez). A
    full disk is reported as such, naming the file and the space left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as err:
        if err.errno != errno.ENOSPC:
            raise
        free = shutil.disk_usage(path.parent).free
        raise OSError(
            errno.ENOSPC,
            f"the disk is full: No space left on device while writing {path} "
            f"({free / 2**20:.1f} MiB free on its file system); free space and run again",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


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
