"""README command (1) timed from a fresh clone: where the wall time of the whole workflow goes.

Clones this repository's HEAD (or ``--rev``) beside it (so that config.yaml's mirror ``../shared/data`` is found),
runs ``make .venv/installed`` (timed as set-up) and then ``snakemake --cores N`` (timed as the run),
and reports, against the target of 15 minutes on 2 cores of the slowest machine class:

- the run's wall seconds, the CPU seconds of everything it ran, and Snakemake's own (the scheduler
  process, sampled once a second);
- the CPU model (the slowest machine class, a 2-core AMD EPYC without AVX-512, holds the target);
- per stage (a stage's rules, one per seed count, taken together): jobs, the sum and the largest of
  their wall seconds (from Snakemake's log, 1 s
  resolution), and the CPU seconds of those with a benchmark record (results/tables/benchmarks.csv;
  Snakemake samples a job's CPU each second for 30 s, then every 30 s, so a job longer than 30 s
  loses up to 30 s of it: CPU under wall there is not waiting);
- the critical path: the chain of jobs, each waiting on the one before, whose wall seconds sum to
  the most; no number of cores runs the workflow faster than it;
- how the cores were used: job wall seconds x threads over cores x wall.

Not a test: ``python bench/bench_workflow.py`` (about half an hour on 2 cores; ``--keep`` leaves
the clone for a look at its results). Run nothing else meanwhile: the machine's load is the number.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import psutil
from machine import cpu_model

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15 * 60
_STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
_JOB = re.compile(r"^(?:local)?rule (\S+):$")
_FIELD = re.compile(r"^    (input|output|jobid|threads): (.*)$")
_FINISHED = re.compile(r"^Finished jobid: (\d+) ")


def parse_log(path: Path) -> pd.DataFrame:
    """One row per job of a Snakemake log: jobid, rule, threads, start and finish (datetimes),
    inputs and outputs (lists of paths)."""
    jobs, finished = {}, {}
    stamp, job = None, None
    for line in path.read_text().splitlines():
        if match := _STAMP.match(line):
            stamp = datetime.strptime(match[1], "%a %b %d %H:%M:%S %Y")
        elif match := _JOB.match(line):
            job = {"rule": match[1], "start": stamp, "threads": 1, "input": [], "output": []}
        elif job is not None and (match := _FIELD.match(line)):
            key, value = match[1], match[2]
            if key == "jobid":
                jobs[int(value)] = job
            elif key == "threads":
                job["threads"] = int(value)
            else:
                job[key] = value.split(", ")
        elif match := _FINISHED.match(line):
            finished[int(match[1])] = stamp
            job = None
        elif not line.startswith("    "):
            job = None
    rows = [{"jobid": jobid, **job, "finish": finished.get(jobid)} for jobid, job in jobs.items()]
    table = pd.DataFrame(rows)
    table["seconds"] = (table["finish"] - table["start"]).dt.total_seconds()
    return table


def stage_of(rule: str) -> str:
    """The stage of a rule: binarize_seeds_5 and binarize_each_seed are "binarize", as the
    benchmark records (benchmarks/<stage>/...) name them."""
    return re.sub(r"_(seeds_\d+|each_seed)$", "", rule)


def critical_path(jobs: pd.DataFrame) -> tuple[float, list[int]]:
    """The longest chain of dependent jobs by wall seconds (a job depends on the jobs whose outputs
    are its inputs): its seconds and its jobids, first to last."""
    producer = {path: jobid for jobid, outputs in zip(jobs["jobid"], jobs["output"]) for path in outputs}
    by_id = jobs.set_index("jobid")
    longest: dict[int, tuple[float, int | None]] = {}

    def chain(jobid: int) -> float:  # the DAG is shallow (a few stages): recursion is fine
        if jobid not in longest:
            before = {producer[p] for p in by_id.at[jobid, "input"] if producer.get(p, jobid) != jobid}
            best = max(before, key=chain, default=None)
            longest[jobid] = (by_id.at[jobid, "seconds"] + (chain(best) if best is not None else 0.0), best)
        return longest[jobid][0]

    last = max(by_id.index, key=chain)
    path, jobid = [], last
    while jobid is not None:
        path.append(jobid)
        jobid = longest[jobid][1]
    return longest[last][0], path[::-1]


def run_timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run ``command``; return its wall seconds, the CPU seconds of it and everything it started,
    and the CPU seconds of its own process (sampled each second until it exits)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    own = 0.0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            times = watched.cpu_times()
            own = times.user + times.system
        except psutil.NoSuchProcess:
            break
        time.sleep(1.0)
    process.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed in {cwd} (exit {process.returncode}): see its .snakemake/log"
        )
    return wall, cpu, own


def report(
    clone: Path, cores: int, wall: float, cpu: float, scheduler_cpu: float, setup: float | None
) -> None:
    log = max((clone / ".snakemake" / "log").glob("*.snakemake.log"))
    jobs = parse_log(log)
    benchmarks = pd.read_csv(clone / "results" / "tables" / "benchmarks.csv")
    jobs["stage"] = jobs["rule"].map(stage_of)
    per_rule = jobs.groupby("stage").agg(
        jobs=("jobid", "size"), wall_s=("seconds", "sum"), max_wall_s=("seconds", "max")
    )
    per_rule = per_rule.join(benchmarks.groupby("rule").agg(cpu_s=("cpu_seconds", "sum")), how="left")
    per_rule = per_rule.sort_values("wall_s", ascending=False)
    path_seconds, path = critical_path(jobs)
    by_id = jobs.set_index("jobid")
    busy = float((jobs["seconds"] * jobs["threads"].clip(upper=cores)).sum())

    print(f"machine: {cpu_model()}; the run used {cores}")
    if setup is not None:
        print(f"set-up (make .venv/installed): {setup:.0f} s")
    print(f"run (snakemake --cores {cores}): {wall:.0f} s wall = {wall / TARGET_SECONDS:.2f}x the 15-min target; "
          f"{len(jobs)} jobs")  # fmt: skip
    print(f"CPU: {cpu:.0f} s in all, Snakemake's own process {scheduler_cpu:.0f} s "
          f"({scheduler_cpu / cpu:.1%} of it; target under 10 %)")  # fmt: skip
    print(
        f"cores busy with jobs: {busy:.0f} of {cores * wall:.0f} core-seconds ({busy / (cores * wall):.0%})"
    )
    print(f"critical path: {path_seconds:.0f} s ({path_seconds / wall:.0%} of the wall)")
    for jobid in path:
        job = by_id.loc[jobid]
        print(f"    {job['seconds']:6.0f} s  {job['rule']}  {job['output'][0]}")
    print()
    print("| stage (rules) | jobs | wall s (sum) | wall s (max) | CPU s (benchmarked) |")
    print("|---|---|---|---|---|")
    for rule, row in per_rule.iterrows():
        cpu_text = "" if pd.isna(row["cpu_s"]) else f"{row['cpu_s']:.0f}"
        print(f"| {rule} | {int(row['jobs'])} | {row['wall_s']:.0f} | {row['max_wall_s']:.0f} | {cpu_text} |")
    # the largest stages by variant: binarize and evaluate jobs grouped by method
    benchmarks["variant"] = benchmarks["job"].str.split("/").str[1]
    stages = benchmarks.groupby(["rule", "variant"]).agg(
        jobs=("job", "size"), wall_s=("seconds", "sum"), cpu_s=("cpu_seconds", "sum")
    )
    print()
    print("largest benchmarked stages (rule, variant): jobs, wall s, CPU s")
    for (rule, variant), row in stages.sort_values("wall_s", ascending=False).head(15).iterrows():
        print(f"    {rule:9s} {variant:22s} {int(row['jobs']):3d} {row['wall_s']:7.0f} {row['cpu_s']:7.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the clone (printed)")
    parser.add_argument("--rev", default="HEAD", help="the commit to time (default HEAD), e.g. to compare")
    parser.add_argument("--clone", type=Path, help="report on a clone this script ran before (no run)")
    args = parser.parse_args()
    if args.clone:
        report(args.clone, args.cores, float("nan"), float("nan"), float("nan"), None)
        return
    clone = Path(tempfile.mkdtemp(prefix="bench-workflow-", dir=REPO.parent))
    try:
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", args.rev], check=True)
        setup, _, _ = run_timed(["make", ".venv/installed"], clone)
        command = [str(clone / ".venv" / "bin" / "snakemake"), "--cores", str(args.cores)]
        wall, cpu, scheduler_cpu = run_timed(command, clone)
        report(clone, args.cores, wall, cpu, scheduler_cpu, setup)
    finally:
        if args.keep:
            print(f"\nthe clone: {clone}", file=sys.stderr)
        else:
            shutil.rmtree(clone, ignore_errors=True)


if __name__ == "__main__":
    main()
