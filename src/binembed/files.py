"""Writing results so that a reader never takes a partial file for a finished one."""

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
