"""What a spiking coder keeps under a firing-rate ceiling, read off a tuning grid: hand-made grids
whose front, best point under each ceiling and paragraph are known."""

import math

import pandas as pd
import pytest

from binembed.products.rate_ceilings import (
    best_under,
    ceiling_grid,
    ceiling_paragraph,
    ceiling_table,
    quality_front,
)

GRID = pd.DataFrame(
    {
        "i_boost": [25.0, 50.0, 100.0, 200.0, 400.0, 800.0],
        "rate_hz": [0.0, 150.0, 300.0, 600.0, 1200.0, 2400.0],
        "score": [math.nan, 20.0, 18.0, 35.0, 40.0, 38.0],
    }
)


def test_the_front_keeps_the_points_no_slower_point_beats():
    front = quality_front(GRID)
    assert front.i_boost.tolist() == [50.0, 200.0, 400.0]  # 100 and 800 are beaten at lower rates


def test_the_front_of_equal_rates_keeps_the_better():
    grid = pd.DataFrame({"rate_hz": [100.0, 100.0, 50.0], "score": [10.0, 12.0, 11.0]})
    assert quality_front(grid).score.tolist() == [11.0, 12.0]


def test_best_under_a_ceiling_is_the_best_point_at_or_below_it():
    assert best_under(GRID, 1000.0).i_boost == 200.0
    assert best_under(GRID, 600.0).i_boost == 200.0  # at the ceiling counts
    assert best_under(GRID, 200.0).i_boost == 50.0
    assert best_under(GRID, 100.0) is None  # the only point that slow has no score


def test_the_table_sets_each_ceiling_beside_the_best():
    table = ceiling_table({("glove", "lif"): GRID}, [1000.0, 200.0])
    row = table.iloc[0]
    assert (row.score, row.rate_hz) == (40.0, 1200.0)
    assert (row["score_1000hz"], row["rate_1000hz"], row["lost_1000hz"]) == (35.0, 600.0, 5.0)
    assert row["kept_percent_1000hz"] == pytest.approx(87.5)
    assert row["kept_percent_200hz"] == pytest.approx(50.0)
    cells = [cell.text() for cell in ceiling_grid(table, [1000.0, 200.0], "mturk771").rows[0]]
    assert cells == ["lif (glove)", "40.0", "1,200", "35.0", "600", "88", "20.0", "150", "50"]


def test_the_paragraph_says_what_each_coder_keeps_and_which_has_no_point_that_slow():
    slow_less = pd.DataFrame({"rate_hz": [500.0, 900.0], "score": [10.0, 30.0]})
    table = ceiling_table({("glove", "lif"): GRID, ("glove", "poisson"): slow_less}, [1000.0, 200.0])
    text = ceiling_paragraph(table, [1000.0, 200.0], "mturk771")
    assert "best held-out Spearman × 100 on mturk771" in text
    assert (
        "At a mean rate of at most 1000 Hz (88 to 100 % kept, median 94 %): lif on glove 40.0 → 35.0 (88 %); "
        in text
    )
    assert "poisson on glove 30.0 → 30.0 (100 %)" in text
    assert (
        "At a mean rate of at most 200 Hz (50 to 50 % kept, median 50 %, 1 of 2 with no grid point that slow)"
        in text
    )
    assert "poisson on glove 30.0 → no point that slow" in text


def test_a_run_without_tuned_coders_says_so():
    assert ceiling_paragraph(pd.DataFrame(), [1000.0], "mturk771").startswith("No spiking coder of this run")


def test_the_note_names_the_rate_limited_variants_only_when_there_are_some():
    from binembed.products.tables import rate_limited_note

    assert rate_limited_note([]) == ""
    note = rate_limited_note([1000.0, 200])
    assert note.startswith("Variants ending in -200hz, -1000hz run at the best point")
