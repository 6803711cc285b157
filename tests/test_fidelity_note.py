"""The fidelity note's sections, each built from a small case whose sentence or table is known
by hand (the workflow test checks that the note is written; these check what it says)."""

import re

import pandas as pd
import pytest

from binembed.products.fidelity_note import (
    RunSettings,
    arithmetic_paragraph,
    coverage_grid,
    delta_paragraph,
    grid_paragraphs,
    mean_firing,
    settings_grid,
    storage_paragraph,
)
from binembed.products.papers import ENTJES_EPOCHS, WANG_SEEDS, WANG_TUNING_PROTOCOL
from binembed.products.published import load_published


def _deltas(rows):
    return pd.DataFrame(rows, columns=["method", "embedding", "vectors_delta", "parameters_delta"])


def test_the_delta_paragraph_averages_each_coders_cells_of_one_embedding():
    deltas = _deltas(
        [
            ("lif", "glove", -2.0, 4.0),
            ("lif", "w2v", 3.0, -2.0),
            ("poisson", "glove", 1.0, -1.04),
            ("lif", "glove + w2v", 90.0, 0.0),  # a cell over both embeddings: counted, not averaged
        ]
    )
    text = delta_paragraph(deltas)
    assert text.startswith("For the 4 published cells of a spiking coder")
    assert "Over the 3 cells of one set on one embedding" in text
    # lif: |P - Q| mean (2 + 3) / 2 = 2.5, |Q - T| mean (4 + 2) / 2 = 3.0 > 1.1 x 2.5
    assert "lif: vectors 2.5, parameters 3.0 points (more by the parameters)" in text
    # poisson: 1.0 against 1.04, within a factor 1.1
    assert "poisson: vectors 1.0, parameters 1.0 points (about equally)" in text
    assert text.index("lif:") < text.index("poisson:")  # in the order of the cells


def test_a_run_without_paper_variants_says_so():
    assert delta_paragraph(_deltas([])).startswith("No spiking coder of this run runs both")


def test_the_settings_grid_marks_what_differs_from_the_papers():
    run = RunSettings(
        embeddings=["glove", "mine"],
        dims={"glove": 50, "mine": 300},
        paper_vectors={"glove": {"paper": "GloVe 6B 300d", "same": False}},
        tuning_protocol="held_out",
        tuning_dataset="men",
        stochastic_seeds={"poisson": WANG_SEEDS, "lsh-64": 5},
        autoencoder_epochs={"ae_nste-128": ENTJES_EPOCHS, "ae_ste-128": 3},
    )
    rows = {row[0].text(): [cell.text() for cell in row[1:]] for row in settings_grid(run).rows}
    assert rows["vectors: glove"] == ["glove, 50 dims", "GloVe 6B 300d", "no"]
    assert rows["vectors: mine"] == ["mine, 300 dims", "(not in the papers)", "no"]
    assert rows["spiking-coder tuning"][2] == ("yes" if WANG_TUNING_PROTOCOL == "held_out" else "no")
    assert rows["seeds: poisson"] == [str(WANG_SEEDS), str(WANG_SEEDS), "yes"]
    assert rows["seeds: lsh-64"] == ["5", str(WANG_SEEDS), "no"]
    assert rows["epochs: ae_nste-128"][2] == "yes" and rows["epochs: ae_ste-128"] == [
        "3",
        str(ENTJES_EPOCHS),
        "no",
    ]


def test_the_coverage_grid_shows_the_dense_pairs_of_the_table1_sets():
    scores = pd.DataFrame(
        [
            ("glove", "dense", "ws353-all", 340, 353, 340 / 353),
            ("glove", "lsh-64", "ws353-all", 1, 353, 1 / 353),  # not the dense row
            ("glove", "dense", "not-a-table1-set", 5, 10, 0.5),
        ],
        columns=["embedding", "method", "dataset", "n_used", "n_total", "coverage"],
    )
    rows = [[cell.text() for cell in row] for row in coverage_grid(scores).rows]
    assert len(rows) == 1 and rows[0][0] == "glove"
    assert rows[0][2:] == ["340", "353", "96.3"]


def test_mean_firing_averages_each_coder_over_its_tables():
    a = pd.DataFrame({"embedding": ["g", "g"], "method": ["lif", "poisson"], "rate_hz": [100.0, 40.0],
                      "ones_percent": [10.0, 4.0]})  # fmt: skip
    b = pd.DataFrame({"embedding": ["g"], "method": ["lif"], "rate_hz": [300.0], "ones_percent": [30.0]})
    rates = mean_firing([a, b])
    assert rates.loc[("g", "lif")].tolist() == [200.0, 20.0]
    assert rates.loc[("g", "poisson")].tolist() == [40.0, 4.0]
    assert mean_firing([]).empty


def _agreeing(text: str) -> tuple[int, int]:
    """(numbers checked, numbers agreeing) as the paragraph states them."""
    found = re.search(r"(\d+) numbers of Wang et al\. .*?; (\d+) agree within rounding", text)
    return int(found[1]), int(found[2])


def test_the_arithmetic_paragraph_names_an_average_the_cells_contradict():
    published = load_published()
    table1 = published[(published.paper == "Wang et al. 2019") & (published.table == "Table 1")]
    rows = table1.row.unique()
    original = arithmetic_paragraph(published)
    checked, agreeing = _agreeing(original)
    assert checked >= len(rows) and agreeing <= checked  # a Table 1 average per row, at least
    # plant a printed average one point off the mean of its six sets, in a row the paper gets right
    row = next(row for row in rows if f"{row}: printed" not in original)
    planted = published.copy()
    at = planted.index[
        (planted.paper == "Wang et al. 2019")
        & (planted.table == "Table 1")
        & (planted.row == row)
        & (planted.dataset == "table1-average")
    ]
    planted.loc[at, "value"] += 1.0
    text = arithmetic_paragraph(planted)
    assert _agreeing(text) == (checked, agreeing - 1 - (f"Table 2, {row}: printed" in text))
    printed = planted.loc[at, "value"].iloc[0]
    assert f"Table 1, {row}: printed {printed:.2f}, recomputed" in text
    assert "The rounding of printed values cannot explain these." in text


def _grid_rows(rows):
    columns = ["paper", "table", "column", "cells", "n_cells", "n_distinct", "grid_n", "chance", "left_out"]
    return pd.DataFrame(rows, columns=columns).astype({"grid_n": "Int64"})  # as column_grids gives it


def test_the_grid_paragraphs_separate_coarse_from_loose_single_run_columns():
    grids = _grid_rows(
        [
            ("P", "Table 1", "WS", "single run", 12, 9, 20, 1e-9, ""),
            ("P", "Table 1", "RW", "single run", 12, 11, 17, 2e-7, "lif"),
            ("P", "Table 1", "SL", "single run", 12, 12, None, None, ""),
            ("P", "Table 1", "MEN", "seed mean", 2, 2, None, None, ""),  # a seed mean is not judged
        ]
    )
    method, found, loose = grid_paragraphs(grids)
    assert "smallest n (up to 1000)" in method
    assert "P Table 1, WS: all 12 values (9 distinct) are multiples of 1/20 (chance ≤ 1.0e-09)" in found
    assert "P Table 1, RW: the values but lif's (11 distinct) are multiples of 1/17" in found
    assert "MEN" not in found and "MEN" not in loose
    assert loose == "No such grid in: P Table 1, SL (no n up to 1000, 12 distinct values)."


@pytest.mark.parametrize("chance", [1e-6, 0.5])
def test_a_column_at_or_above_the_chance_bound_is_no_grid(chance):
    grids = _grid_rows([("P", "Table 2", "WS", "single run", 8, 8, 40, chance, "")])
    paragraphs = grid_paragraphs(grids)
    assert len(paragraphs) == 2 and paragraphs[1].startswith("No such grid in: P Table 2, WS (smallest n 40")


def test_the_storage_paragraph_is_wangs_arithmetic():
    # 3000-bit codes of 300-d vectors: 375 bytes against 1200, 68.75 % saved (Wang et al. 2019)
    text = storage_paragraph()
    assert text.startswith("Wang et al.'s 68.75 % saving for 3000-bit codes of 300-d vectors")
    assert "3000 / 8 = 375 bytes per word against 300 × 4 = 1200 bytes" in text
    assert "1 − 375/1200 = 68.75 %" in text
