"""The papers' tables as :class:`~binembed.products.render.Grid` s, and the notes under them:
cells of mean ± std with their marks, the neighbours of Table 4.2, and the sentences that say how a
table was tested and what it stands in for."""

from __future__ import annotations

import math

import pandas as pd

from .render import Cell, Grid
from .statistics import SATURATED_PERCENT

SATURATION_NOTE = (
    f"‡ saturated: on average ≥ {SATURATED_PERCENT:g} % of the bits of its OR-pooled test codes are "
    "ones. The OR of a text's word codes is then almost all ones whatever the words, so texts lie at "
    "nearly the same Hamming distance from each other and kNN cannot tell the classes apart."
)


def statistics_grid(
    statistics: pd.DataFrame, caption, methods, embeddings, columns, marks=None, notes=()
) -> Grid:
    """A methods x (embedding, column) grid of mean ± std cells from a seed-statistics frame, one
    column group per embedding; ``columns`` maps keys to shown names, ``marks`` maps
    (embedding, method, column) to (bold, mark)."""
    marks = marks or {}
    cells = statistics.set_index(["embedding", "method", "column"])
    rows = []
    for method in methods:
        row = [Cell(method)]
        for embedding in embeddings:
            for column in columns:
                key = (embedding, method, column)
                bold, mark = marks.get(key, (False, ""))
                if key in cells.index:
                    stats = cells.loc[key]
                    row.append(Cell(float(stats["mean"]), float(stats["std"]), bold, mark))
                else:
                    row.append(Cell(math.nan))
        rows.append(row)
    return Grid(
        caption,
        ["method", *[columns[c] for _ in embeddings for c in columns]],
        rows,
        [(embedding, len(columns)) for embedding in embeddings],
        [note for note in notes if note],
    )


def neighbour_grids(neighbours: pd.DataFrame, embeddings, methods, notes=()) -> list[Grid]:
    """Entjes (2021), Table 4.2: per query word, its nearest words by rank under every method
    (columns grouped by embedding). ``neighbours``: rows of neighbours.csv with embedding, method."""
    grids = []
    for query, rows in neighbours.groupby("query", sort=False):
        words = rows.set_index(["embedding", "method", "rank"])["word"]
        ranks = sorted(rows["rank"].unique())
        grids.append(
            Grid(
                f"Table 4.2 (after Entjes 2021): the {len(ranks)} nearest neighbours of {query!r}",
                ["rank", *[m for _ in embeddings for m in methods]],
                [
                    [Cell(str(rank))]
                    + [Cell(str(words.get((e, m, rank), "–"))) for e in embeddings for m in methods]
                    for rank in ranks
                ],
                [(embedding, len(methods)) for embedding in embeddings],
                [note for note in notes if note],
            )
        )
    return grids


def z_test_note(marks: str, tests: pd.DataFrame, alpha: float, tests_file: str) -> str:
    """The note under a table marked from the bootstrap z-test of the Spearman difference: what
    ``marks`` mean, then how they were tested; ``tests`` are the table's tests, of which those with
    an undefined Spearman (no p-value) are named as left out."""
    n_tests = int(tests["p_value"].notna().sum())
    undefined = tests[tests["p_value"].isna()]
    left_out = ""
    if not undefined.empty:
        named = ", ".join(
            f"{t.method_a} vs {t.method_b} ({t.embedding}, {t.dataset})" for t in undefined.itertuples()
        )
        left_out = f" Left out, a Spearman being undefined on that set (all similarities equal): {named}."
    return (
        f"{marks} Paired bootstrap z-test of the Spearman difference (of the seed means, for a method "
        "with several seeds): the word pairs both cover are resampled, both methods scored on each "
        "resample; the standard error combines the spread over these resamples with that of each "
        "method's seeds (s² / seeds); z = difference / standard error, two-sided. Holm-corrected over the "
        f"{n_tests} comparisons of this table, α = {alpha}; differences, standard errors, p-values and "
        f"intervals (difference ± z standard errors, which leave out zero exactly when p < α) in {tests_file}."
        + left_out
    )


def entjes_sign_test_note(n_tests: int, alpha: float) -> str:
    """The note on the § marks of Table 4.1: the thesis' own test."""
    return (
        "§ significant by the thesis' own test, Entjes' two-sided binomial sign test (eq. 3.3-3.4), on "
        "the method it favours: a pair counts for the method whose rank is closer to the human rank "
        "(ranks, since the human scores and the similarities are on different scales; ties dropped; "
        f"for several seeds the rank distances averaged over them), on the {n_tests} nSTE-STE "
        f"comparisons, each at α = {alpha} uncorrected as in the thesis, where bold marks what this "
        "test finds. It counts pairs, not the size of the difference, so it can disagree with the z-test."
    )


def stand_in_note(embeddings, paper_vectors: dict) -> str:
    """A sentence naming the embeddings that stand in for the paper's vectors (empty if none)."""
    stand_ins = [
        f"{e} stands in for {paper_vectors[e]['paper']}"
        for e in embeddings
        if e in paper_vectors and not paper_vectors[e]["same"]
    ]
    if not stand_ins:
        return ""
    return "; ".join(stand_ins) + ": not the papers' vectors, so the numbers are not the published setting."


def rate_limited_note(ceilings_hz) -> str:
    """A sentence on the rate-limited variants of a run whose ``tuning.rate_limits_hz`` are
    ``ceilings_hz`` (empty if none: :func:`binembed.methods.rate_limited_variant` names them)."""
    if not ceilings_hz:
        return ""
    named = ", ".join(f"-{c:g}hz" for c in sorted(ceilings_hz))
    return (
        f"Variants ending in {named} run at the best point of their coder's tuning grid whose neurons fire "
        "at most that many spikes per second on average (the tuned variant's choice may fire faster; "
        "quality_vs_rate shows every point's rate)."
    )


def seeds_note(statistics: pd.DataFrame) -> str:
    """Which methods are shown as mean ± std, over how many seeds."""
    counts = statistics[statistics.n_seeds > 1].groupby("method", sort=False)["n_seeds"].max()
    if counts.empty:
        return "Every method ran with one seed."
    listed = ", ".join(f"{method} ({n} seeds)" for method, n in counts.items())
    return f"Mean ± sample standard deviation over seeds for {listed}; other methods ran once."


NIR_NOTE = (
    "Each LIF variant's settings are written as a NIR graph (Input → Affine R·I_boost → LIF → "
    "Output, results/nir/) with its readout beside it (input held 100 steps of 0.1 ms, spikes "
    "ORed over windows of tol steps), loaded back, and imported by each simulator's own NIR "
    "import (snntorch.import_nir, norse.torch.from_nir), which steps it in float32; our kernel "
    "steps in float64. A neuron's bits can differ only through its first spike, so each neuron "
    "that differs is checked: a tie is one whose potential came within float32 rounding of the "
    "threshold before its first spike (largest |v − v_th|: the farthest such neuron in float64)."
)


def nir_agreement_grid(agreement: pd.DataFrame) -> Grid:
    """Our LIF codes beside those of the same coder exported to NIR and run by each simulator
    (rows of :func:`binembed.binarizers.spiking.nir_simulators.agreement`)."""
    rows = [
        [
            Cell(f"{row.embedding}, {row.variant}"),
            Cell(row.simulator),
            Cell(f"{row.bits:,}"),
            Cell(f"{row.differing_bits:,}"),
            Cell(f"{row.agreement_percent:.5f}"),
            Cell(f"{row.differing_words:,} of {row.words:,}"),
            Cell(f"{row.threshold_ties:,} of {row.differing_neurons:,}"),
            Cell("–" if not row.differing_neurons else f"{row.largest_margin:.1e}"),
        ]
        for row in agreement.itertuples()
    ]
    return Grid(
        "The LIF coder exported to NIR and run by snnTorch and Norse, against our codes",
        [
            "embedding, variant",
            "simulator",
            "bits",
            "bits that differ",
            "equal %",
            "words that differ",
            "ties / neurons that differ",
            "largest |v − v_th|",
        ],
        rows,
        notes=[NIR_NOTE],
    )
