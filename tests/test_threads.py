import os
import subprocess
import sys

import numba
import torch
from threadpoolctl import threadpool_info

from binembed.threads import use_threads


def test_use_threads_sets_every_library():
    before = numba.get_num_threads(), torch.get_num_threads()
    try:
        use_threads(1)
        assert numba.get_num_threads() == 1 and torch.get_num_threads() == 1
        pools = threadpool_info()
        assert {pool["internal_api"] for pool in pools} >= {"openblas"}
        assert all(pool["num_threads"] == 1 for pool in pools)
    finally:
        use_threads(max(before))


def test_importing_binembed_makes_idle_openmp_threads_sleep():
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    probe = "import os, binembed; print(os.environ['OMP_WAIT_POLICY'])"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "PASSIVE"
    # a policy the user set is kept
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "ACTIVE"
