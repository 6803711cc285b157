"""A workflow job stopped by SIGTERM (a stopped run, a cancelled cluster job) leaves no partial
output: binembed.errors makes the signal end the job as an exception would, so that
binembed.fileio.files.atomic_output removes the temporary file it was writing."""

import signal
import subprocess
import sys
import time

JOB = """
import sys, time
from binembed.errors import report_input_errors_briefly
from binembed.fileio.files import atomic_output
report_input_errors_briefly()
with atomic_output(sys.argv[1]) as tmp:
    tmp.write_text("half of it")
    print("writing", flush=True)
    time.sleep(60)
"""


def test_sigterm_mid_write_leaves_neither_the_output_nor_its_temporary(tmp_path):
    output = tmp_path / "codes.npz"
    job = subprocess.Popen([sys.executable, "-c", JOB, str(output)], stdout=subprocess.PIPE, text=True)
    assert job.stdout.readline().strip() == "writing"
    assert (tmp_path / ".codes.npz.tmp").exists()
    job.send_signal(signal.SIGTERM)
    assert job.wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(0.1)
    assert list(tmp_path.iterdir()) == []
