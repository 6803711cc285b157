"""Two runs' results side by side: did a change that was allowed to move the numbers keep them?

For a change to how a method is solved (not what it solves), the guards are:

- every product cell (each embedding, variant, dataset and metric of ``scores.csv``: Tables 1
  and 4.1, Fig. 3, retrieval recall; and each cell of Table 2's averages) as the seed mean
  before and after, with the standard error of their difference from both sets of seeds,
  sqrt(s_before^2 / n_before + s_after^2 / n_after) (s: the sample standard deviation over
  seeds). At most 5 % of the cells may lie beyond 2 standard errors and none beyond 4; a cell
  of one seed on either side has no standard error and may move by at most 1 point;
- every significance mark (the ``significant`` columns of the ``*_tests.csv`` files, the claims
  ledger's ``outcome``) that flips, listed with the numbers beside it;
- each method's own objective no worse: Overcomplete-B's final F(A, D) and the autoencoders'
  last-epoch training loss, per seed, read from the jobs' logs (``logs/`` beside ``results/``).

    python bench/compare_results.py BEFORE_RESULTS AFTER_RESULTS

Each argument is a workflow's ``results/`` folder (or a copy of its ``tables/`` and
``products/``). Prints the summary, every cell that moved, and the flips; exits 1 when a guard
fails. Not a test: the two runs are whole workflow runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CELL = ["embedding", "method", "task", "dataset", "metric"]
#: beyond this many standard errors a cell counts against the 5 % allowance; beyond the second, none may lie
Z_ALLOWED, Z_NEVER = 2.0, 4.0
ALLOWED_SHARE = 0.05
ONE_SEED_POINTS = 1.0
#: the columns of a tests file that say whether a comparison came out significant
MARKS = ("significant", "sign_significant", "outcome")


def seed_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Per cell: seeds, mean and sample standard deviation (ddof 1; 0 for one seed)."""
    grouped = scores.groupby(CELL)["value"]
    return pd.DataFrame(
        {"n": grouped.count(), "mean": grouped.mean(), "std": grouped.std(ddof=1).fillna(0.0)}
    )


def compare_cells(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One row per cell present in both (``n``, ``mean``, ``std`` columns each): the difference,
    its standard error and z, and whether it breaks a guard (``beyond_2``, ``beyond_4``,
    ``one_seed_beyond``)."""
    table = before.join(after, how="inner", suffixes=("_before", "_after"))
    table["difference"] = table["mean_after"] - table["mean_before"]
    table["standard_error"] = np.sqrt(
        table["std_before"] ** 2 / table["n_before"] + table["std_after"] ** 2 / table["n_after"]
    )
    one_seed = (table["n_before"] == 1) | (table["n_after"] == 1)
    moved = table["difference"].abs()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(moved == 0, 0.0, moved / table["standard_error"])
    table["z"] = np.where(one_seed, np.nan, z)
    table["beyond_2"] = ~one_seed & (table["z"] > Z_ALLOWED)
    table["beyond_4"] = ~one_seed & (table["z"] > Z_NEVER)
    table["one_seed_beyond"] = one_seed & (moved > ONE_SEED_POINTS)
    return table


def table2_statistics(path: Path) -> pd.DataFrame:
    """Table 2's cells (embedding, method, column) as n, mean, std."""
    table = pd.read_csv(path).rename(columns={"n_seeds": "n", "column": "dataset"})
    table["task"], table["metric"] = "table2_average", "mean"
    return table.set_index(CELL)[["n", "mean", "std"]].fillna({"std": 0.0})


def mark_flips(before_dir: Path, after_dir: Path) -> pd.DataFrame:
    """Every significance mark that differs between the two runs' tests files of the same name."""
    flips = []
    for before_path in sorted(before_dir.rglob("*_tests.csv")):
        after_path = after_dir / before_path.relative_to(before_dir)
        if not after_path.exists():
            continue
        old, new = pd.read_csv(before_path), pd.read_csv(after_path)
        marks = [column for column in MARKS if column in old.columns]
        keys = [
            column
            for column in old.columns
            if column not in marks and not pd.api.types.is_numeric_dtype(old[column])
        ]
        joined = old.merge(new, on=keys, suffixes=("_before", "_after"))
        for mark in marks:
            changed = joined[joined[f"{mark}_before"].astype(str) != joined[f"{mark}_after"].astype(str)]
            for _, row in changed.iterrows():
                flips.append(
                    {
                        "file": before_path.name,
                        "comparison": " / ".join(str(row[k]) for k in keys),
                        "mark": mark,
                        "before": row[f"{mark}_before"],
                        "after": row[f"{mark}_after"],
                        "p_holm": f"{row.get('p_holm_before', float('nan')):.4g} -> "
                        f"{row.get('p_holm_after', float('nan')):.4g}",
                    }
                )
    return pd.DataFrame(flips)


_OBJECTIVE = re.compile(r"objective (\d+\.\d+)|epoch (\d+)/\2: loss (\d+\.\d+)")
_SEED = re.compile(r"^seed (\d+): ")


def final_objectives(logs: Path) -> pd.DataFrame:
    """Per (embedding, variant, seed): the last objective a binarize log reports before the line
    of its seed (Overcomplete-B: F after the last update; the autoencoders: the last epoch's loss)."""
    rows = []
    for log in sorted((logs / "binarize").rglob("*.log")):
        embedding = log.relative_to(logs / "binarize").parts[0]
        variant = log.relative_to(logs / "binarize" / embedding).parts[0].removesuffix(".log")
        last = None
        for line in log.read_text().splitlines():
            if match := _OBJECTIVE.search(line):
                last = float(match[1] or match[3])
            elif (match := _SEED.match(line)) and last is not None:
                rows.append(
                    {"embedding": embedding, "variant": variant, "seed": int(match[1]), "objective": last}
                )
                last = None
    return pd.DataFrame(rows, columns=["embedding", "variant", "seed", "objective"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path, help="results/ of the run before the change")
    parser.add_argument("after", type=Path, help="results/ of the run after it")
    args = parser.parse_args()
    cells = compare_cells(
        seed_statistics(pd.read_csv(args.before / "tables" / "scores.csv")),
        seed_statistics(pd.read_csv(args.after / "tables" / "scores.csv")),
    )
    averages = compare_cells(
        table2_statistics(args.before / "products" / "tables" / "table2_averages.csv"),
        table2_statistics(args.after / "products" / "tables" / "table2_averages.csv"),
    )
    cells = pd.concat([cells, averages])
    with_error = cells["z"].notna()
    n_beyond_2, n_beyond_4 = int(cells["beyond_2"].sum()), int(cells["beyond_4"].sum())
    share = n_beyond_2 / max(int(with_error.sum()), 1)
    n_one_seed = int((~with_error).sum())
    n_one_seed_beyond = int(cells["one_seed_beyond"].sum())
    moved = cells[cells["difference"] != 0]
    pd.set_option("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 60)
    print(
        f"cells in both runs: {len(cells)} ({int(with_error.sum())} with seeds on both sides, {n_one_seed} of one seed)"
    )
    print(f"cells that moved: {len(moved)}")
    print(
        f"beyond {Z_ALLOWED:g} standard errors: {n_beyond_2} ({100 * share:.1f} %; allowed {100 * ALLOWED_SHARE:g} %)"
    )
    print(f"beyond {Z_NEVER:g} standard errors: {n_beyond_4} (allowed 0)")
    print(f"one-seed cells moved by more than {ONE_SEED_POINTS:g} point: {n_one_seed_beyond} (allowed 0)")
    if len(moved):
        columns = ["n_before", "mean_before", "n_after", "mean_after", "difference", "standard_error", "z"]
        print("\nevery cell that moved:")
        print(moved[columns].round(3).to_string())
    flips = mark_flips(args.before / "products", args.after / "products")
    print(f"\nsignificance marks that flipped: {len(flips)}")
    if len(flips):
        print(flips.to_string(index=False))
    objectives = final_objectives(args.before.parent / "logs").merge(
        final_objectives(args.after.parent / "logs"),
        on=["embedding", "variant", "seed"],
        suffixes=("_before", "_after"),
    )
    worse = objectives[objectives["objective_after"] > objectives["objective_before"]]
    print(f"\nobjectives (final, per seed): {len(objectives)}, worse after: {len(worse)} (allowed 0)")
    if len(objectives):
        print(objectives.to_string(index=False))
    held = share <= ALLOWED_SHARE and n_beyond_4 == 0 and n_one_seed_beyond == 0 and worse.empty
    print("\nguards:", "held" if held else "BROKEN")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
