"""What a benchmark ran on: the processor's model and whether it has AVX-512 (targets hold on the
slowest machine class seen, a 2-core AMD EPYC without it), for every bench script to print first."""

from __future__ import annotations

import os
import re
from pathlib import Path


def cpu_model() -> str:
    """The processor's model name (/proc/cpuinfo), whether it has AVX-512, and the cores this
    process may use."""
    info = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", info, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.*)$", info, re.MULTILINE)
    avx512 = bool(flags) and "avx512f" in flags[1].split()
    return (
        f"{model[1].strip() if model else 'unknown CPU'} ({'with' if avx512 else 'without'} AVX-512), "
        f"{len(os.sched_getaffinity(0))} cores"
    )
