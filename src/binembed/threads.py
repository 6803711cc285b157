"""Threads of the numerical libraries, set in one place.

A job that is given n cores must run every library it uses with n threads: numba's parallel
kernels, torch, OpenBLAS (numpy's and scipy's copies; the autoencoder's compiled loop calls
scipy's) and the OpenMP runtime under numba and torch. A library left at its default starts a
pool per core, and on a shared machine two jobs' pools then fight for the same cores.

Idle OpenMP threads also spin-wait for the next parallel region by default, burning a core that
another job needs (on 2 shared cores, 3-65x slower runs were measured). Importing binembed sets
``OMP_WAIT_POLICY=PASSIVE`` (unless the environment already sets it), which makes them sleep; it
takes effect in an OpenMP runtime loaded after the import, so import binembed before numba or
torch start their pools (the workflow's scripts and the ``binembed`` command do).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def use_threads(n: int) -> None:
    """Run numba, torch, OpenBLAS and OpenMP with ``n`` threads from now on (numba with at most
    its configured maximum, ``NUMBA_NUM_THREADS``)."""
    import numba
    from threadpoolctl import threadpool_limits

    n = max(1, int(n))
    threadpool_limits(n)
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
