"""Mistakes in what a user gives the workflow (the configuration, an embedding or dataset file, a
download) and how a workflow job reports them.

Every such error is an :class:`InputError` whose message already names the config key or the file
and line; a job shows it as one line, without a Python traceback, which stays for genuine bugs. A
full disk is reported the same way.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import sys


class InputError(ValueError):
    """A user's mistake, described completely by its message."""


class FileFormatError(InputError):
    """A file that cannot be read as what it should be; the message names the file and, where it
    applies, the line of a text file or the row of a table: ``<path>, line <n>: <what is wrong>``."""

    def __init__(self, path, message, line=None, *, row=None):
        where = f"{path}, line {line}" if line is not None else f"{path}"
        where = f"{where}, row {row}" if row is not None else where
        super().__init__(f"{where}: {message}")


#: numpy's report of a short write (``ndarray.tofile``, ``np.save``), an OSError without errno.
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")


class DiskFullError(OSError):
    """A write that failed for want of space, with the documented message: the file, the space
    left on its file system and what to do."""


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` means the file system is full: ENOSPC or EDQUOT, or a short write that
    numpy reports without an errno ("2400000 requested and 770016 written")."""
    if not isinstance(error, OSError):
        return False
    return error.errno in (errno.ENOSPC, errno.EDQUOT) or (
        error.errno is None and bool(_SHORT_WRITE.search(str(error)))
    )


def disk_full_error(path) -> DiskFullError:
    """The documented full-disk error for a write of ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    free = shutil.disk_usage(folder).free
    return DiskFullError(
        errno.ENOSPC,
        f"the disk is full: No space left on device while writing {path} "
        f"({free / 2**20:.1f} MiB free on its file system); free space and run again",
    )


def _report(kind, error, trace):
    """sys.excepthook of a workflow job: one line for input errors and a full disk, the usual
    traceback for anything else."""
    if is_disk_full(error) and not isinstance(error, DiskFullError):
        error = disk_full_error(error.filename or "a file")
    if isinstance(error, InputError | DiskFullError):
        print(f"ERROR: {error}", file=sys.stderr)
        return
    sys.__excepthook__(kind, error, trace)


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def log_job_to(path) -> None:
    """The first call of every workflow script: the job's stderr (warnings, logging, tracebacks)
    goes to its log ``path`` (Snakemake's ``log``), and its input errors are one line there
    (:func:`report_input_errors_briefly`)."""
    sys.stderr = open(path, "w", buffering=1)  # noqa: SIM115 (the job's stderr until the process ends)
    report_input_errors_briefly()


def report_input_errors_briefly() -> None:
    """Make the job's uncaught input errors one line in its log (call once, at the top), and a
    SIGTERM (a stopped run, a cancelled cluster job) end the job as an exception does: Python's
    default would end it at once, before ``files.atomic_output`` removes the temporary file of an
    output it was writing."""
    sys.excepthook = _report
    signal.signal(signal.SIGTERM, _terminated)
