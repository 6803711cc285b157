"""bench/compare_results.py, the guard of a change allowed to move results: its standard error
against a hand computation, and each guard tripping where it should."""

import math
import statistics
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import compare_results


def scores(cells: dict) -> pd.DataFrame:
    """A scores table from {(method, dataset): [value per seed]}."""
    rows = [
        {"embedding": "e", "method": method, "task": "word_similarity", "dataset": dataset,
         "metric": "spearman", "seed": seed, "value": value}
        for (method, dataset), values in cells.items()
        for seed, value in enumerate(values)
    ]  # fmt: skip
    return compare_results.seed_statistics(pd.DataFrame(rows))


def test_standard_error_of_the_difference_of_two_seed_means():
    before, after = [30.0, 31.0, 33.0, 29.5, 30.5], [31.0, 32.5, 30.0, 33.0, 31.5, 32.0, 30.5]
    table = compare_results.compare_cells(scores({("m", "d"): before}), scores({("m", "d"): after}))
    row = table.iloc[0]
    se = math.sqrt(statistics.variance(before) / 5 + statistics.variance(after) / 7)
    difference = statistics.mean(after) - statistics.mean(before)
    assert row["difference"] == pytest.approx(difference)
    assert row["standard_error"] == pytest.approx(se)
    assert row["z"] == pytest.approx(abs(difference) / se)
    assert not row["beyond_2"]


def test_the_guards_trip_beyond_their_bounds():
    before = scores({("a", "d"): [10.0, 11.0, 12.0], ("b", "d"): [10.0, 11.0, 12.0], ("c", "d"): [50.0],
                     ("d", "d"): [50.0], ("e", "d"): [5.0, 5.0]})  # fmt: skip
    after = scores({("a", "d"): [13.0, 14.0, 15.0], ("b", "d"): [30.0, 31.0, 32.0], ("c", "d"): [50.9],
                    ("d", "d"): [51.2], ("e", "d"): [5.0, 5.0]})  # fmt: skip
    table = compare_results.compare_cells(before, after).droplevel(["embedding", "task", "dataset", "metric"])
    # a: 3 points, se sqrt(2/3): z 3.7; b: 20 points, z 24.5; c, d: one seed; e: unchanged, no spread
    assert table.loc["a", "beyond_2"] and not table.loc["a", "beyond_4"]
    assert table.loc["b", "beyond_4"]
    assert not table.loc["c", "one_seed_beyond"] and table.loc["d", "one_seed_beyond"]
    assert math.isnan(table.loc["c", "z"]) and table.loc["e", "z"] == 0


def test_flipped_marks_are_listed(tmp_path):
    columns = ["embedding", "dataset", "method_a", "method_b", "p_holm", "significant"]
    before = pd.DataFrame(
        [["e", "rw", "x", "sign", 0.01, True], ["e", "rw", "y", "sign", 0.5, False]], columns=columns
    )
    after = before.assign(p_holm=[0.2, 0.5], significant=[False, False])
    for name, table in (("before", before), ("after", after)):
        (tmp_path / name).mkdir()
        table.to_csv(tmp_path / name / "table1_tests.csv", index=False)
    flips = compare_results.mark_flips(tmp_path / "before", tmp_path / "after")
    assert len(flips) == 1 and flips.iloc[0]["comparison"] == "e / rw / x / sign"
    assert (flips.iloc[0]["before"], flips.iloc[0]["after"]) == (True, False)
