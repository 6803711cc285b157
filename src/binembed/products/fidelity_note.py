"""The fidelity note: how this run's products relate to the published ones, composed as the blocks
of one document (:func:`fidelity_note_blocks`, written by :func:`binembed.products.render.write_document`).

Each section is built by a function of its own from data frames, so that a test can give it a
case and read the sentence or table it makes: the settings beside the papers', every published
cell beside ours (:mod:`binembed.products.fidelity`), how much of each spiking coder's delta the
vectors and the parameters explain, what the coders keep at rates neurons can fire, the papers'
own arithmetic, the grid each published column
lies on, the word pairs behind each value, the claims ledger and the storage claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..methods import PAPER_SUFFIX
from .claims import ledger_grid, ledger_paragraph
from .fidelity import published_beside_ours
from .papers import ENTJES_EPOCHS, TABLE1_DATASETS, WANG_SEEDS, WANG_TUNING_PROTOCOL
from .published import PUBLISHED_CSV, arithmetic_checks, column_grids, load_settings
from .render import Cell, Grid
from .storage import PAPER_STORAGE
from .tables import stand_in_note

BESIDE_PUBLISHED = (
    "The published values are data ({csv} in the package: {cells} cells, each with its paper, table, "
    "row and column as printed). Every cell is set beside our run of the same method on the same set "
    "(a cell averaged over both papers' vectors beside the seed-by-seed mean over the embeddings "
    "standing in for them), with the numbered reasons the two can or cannot match; only a row whose "
    "reasons are empty is a replication."
)
FIRING_NOTE = (
    "rate, ones: the mean firing rate of the coder's neurons on that embedding and the mean "
    "percentage of ones of its codes (firing-rate table); – for a cell averaged over both "
    "embeddings."
)
SEED_MEANS_NOTE = (
    "Seed means (Poisson and LIF-noise in Wang et al.'s Table 1) are means of 10 values: on the "
    "grid of 1/n, their mean lies on that of 1/(10 n)."
)
PAIRS_USED = (
    "Our tables report the Spearman correlation (× 100) over every pair whose two words are "
    "in the vocabulary; the pairs used are:"
)
#: Two parts of a delta are "about equal" when the larger is under this factor of the smaller.
ABOUT_EQUAL = 1.1


@dataclass(frozen=True)
class RunSettings:
    """What the note compares with the papers' settings, as the workflow configured it."""

    embeddings: list  #: the run's embeddings, in config order
    dims: dict  #: embedding -> its dimension
    paper_vectors: dict  #: ``products.paper_vectors``: embedding -> {paper, same}
    tuning_protocol: str
    tuning_dataset: str
    stochastic_seeds: dict  #: stochastic variant -> its number of seeds
    autoencoder_epochs: dict  #: autoencoder variant -> its epochs


def _same(same: bool) -> Cell:
    return Cell("yes" if same else "no")


def settings_grid(run: RunSettings) -> Grid:
    """This run's settings beside the papers' (the vectors, the tuning protocol, seeds, epochs),
    each marked with whether it is the paper's."""
    rows = []
    for embedding in run.embeddings:
        entry = run.paper_vectors.get(embedding)
        rows.append(
            [
                Cell(f"vectors: {embedding}"),
                Cell(f"{embedding}, {run.dims[embedding]} dims"),
                Cell(entry["paper"] if entry else "(not in the papers)"),
                _same(bool(entry) and entry["same"]),
            ]
        )
    rows.append(
        [
            Cell("spiking-coder tuning"),
            Cell(f"{run.tuning_protocol} ({run.tuning_dataset})"),
            Cell(f"{WANG_TUNING_PROTOCOL} (the reported test sets)"),
            _same(run.tuning_protocol == WANG_TUNING_PROTOCOL),
        ]
    )
    rows += [
        [Cell(f"seeds: {variant}"), Cell(str(n)), Cell(str(WANG_SEEDS)), _same(n == WANG_SEEDS)]
        for variant, n in run.stochastic_seeds.items()
    ]
    rows += [
        [Cell(f"epochs: {variant}"), Cell(str(n)), Cell(str(ENTJES_EPOCHS)), _same(n == ENTJES_EPOCHS)]
        for variant, n in run.autoencoder_epochs.items()
    ]
    return Grid(
        "This run's settings against the papers' (Wang et al. 2019; Entjes 2021)",
        ["setting", "this run", "paper", "same?"],
        rows,
        notes=[stand_in_note(run.embeddings, run.paper_vectors)],
    )


def stated_settings_grid() -> Grid:
    """Every setting the papers' text states (``published_settings.csv``)."""
    return Grid(
        "Every setting the papers' text states (published_settings.csv)",
        ["paper", "where", "setting", "methods", "value"],
        [
            [
                Cell(row.paper),
                Cell(row.where),
                Cell(row.setting),
                Cell(row.methods),
                Cell(f"{row.value} {row.unit}" if pd.notna(row.unit) else str(row.value)),
            ]
            for row in load_settings().itertuples()
        ],
    )


def coverage_grid(scores: pd.DataFrame) -> Grid:
    """The word pairs behind each Table 1 value: the dense rows of ``scores`` (scores.csv) on the
    Table 1 sets, pairs used of pairs in the set."""
    dense = scores[(scores.method == "dense") & scores.dataset.isin(list(TABLE1_DATASETS))]
    return Grid(
        "Word pairs behind each Table 1 value (every method of an embedding uses the same pairs)",
        ["embedding", "set", "pairs used", "pairs in the set", "coverage %"],
        [
            [
                Cell(row.embedding),
                Cell(TABLE1_DATASETS[row.dataset]),
                Cell(f"{row.n_used:,}"),
                Cell(f"{row.n_total:,}"),
                Cell(f"{100 * row.coverage:.1f}"),
            ]
            for row in dense.sort_values(["embedding", "dataset"]).itertuples()
        ],
    )


def beside_published_grid(
    published: pd.DataFrame, per_seed: pd.DataFrame, run: RunSettings, run_params: dict
):
    """Every published cell beside our run of it, with the numbered reasons the two can or cannot
    match (:func:`binembed.products.fidelity.published_beside_ours`)."""
    rows, reasons = published_beside_ours(published, per_seed, run.embeddings, run.paper_vectors, run_params)
    return Grid(
        "Published (Wang et al. 2019; Entjes 2021) beside this run",
        ["paper, table", "row", "column", "method", "published", "ours (embedding)", "ours", "comparable?"],
        [[Cell(str(text)) for text in row[:-1]] + [Cell(row[-1])] for row in rows],
        notes=[
            "Reasons a cell cannot match: "
            + "; ".join(f"({i}) {reason}" for i, reason in enumerate(reasons, 1))
            if reasons
            else ""
        ],
    )


def _which_explains_more(vectors: float, parameters: float) -> str:
    if max(vectors, parameters) < ABOUT_EQUAL * min(vectors, parameters):
        return "about equally"
    return "more by the vectors" if vectors > parameters else "more by the parameters"


def delta_paragraph(deltas: pd.DataFrame) -> str:
    """The mean absolute size of P - Q (the vectors) and Q - T (the parameters), coder by coder,
    over the cells of one set on one embedding (``deltas``:
    :func:`binembed.products.fidelity.delta_decomposition`)."""
    if not len(deltas):
        return "No spiking coder of this run runs both tuned and at the paper's settings."
    share = deltas.assign(v=deltas.vectors_delta.abs(), p=deltas.parameters_delta.abs())
    single = share[~share.embedding.str.contains(" + ", regex=False)]
    by_method = single.groupby("method", sort=False)[["v", "p"]].mean()
    return (
        f"For the {len(deltas)} published cells of a spiking coder that runs both tuned and at the paper's "
        "settings, P - T (published minus ours tuned) splits into P - Q, the same parameters on other "
        "vectors (what the vectors explain, with anything else in which our setup differs from the "
        "paper's), and Q - T, the same vectors at other parameters (what the parameters explain). Over "
        f"the {len(single)} cells of one set on one embedding, the mean absolute size of each part, by "
        "coder: "
        + "; ".join(
            f"{method}: vectors {row.v:.1f}, parameters {row.p:.1f} points ({_which_explains_more(row.v, row.p)})"
            for method, row in by_method.iterrows()
        )
        + ". Where the paper's settings leave a coder almost silent on our vectors (few ones in its "
        "codes, below), Q is near zero and the split says that the paper's I_boost, chosen for its "
        "300-d vectors, does not carry over to these, not that the vectors themselves are worse."
    )


def mean_firing(rate_tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean ``rate_hz`` and ``ones_percent`` per (embedding, method) over the firing-rate tables
    of the run (one per embedding)."""
    if not rate_tables:
        return pd.DataFrame(columns=["rate_hz", "ones_percent"])
    rates = pd.concat(rate_tables, ignore_index=True)
    return rates.groupby(["embedding", "method"])[["rate_hz", "ones_percent"]].mean()


def _firing(rates: pd.DataFrame, embedding: str, variant: str) -> Cell:
    if (embedding, variant) not in rates.index:
        return Cell("–")
    row = rates.loc[(embedding, variant)]
    return Cell(f"{row.rate_hz:,.0f} Hz, {row.ones_percent:.0f} %")


def delta_grid(deltas: pd.DataFrame, rates: pd.DataFrame) -> Grid:
    """Each published spiking cell P beside ours at the paper's settings (Q) and tuned (T), with
    the firing rate and share of ones of both (``rates``: :func:`mean_firing`)."""
    return Grid(
        "Published (P) beside ours at the paper's settings (Q, the -paper variant) and tuned (T)",
        [
            "table",
            "row",
            "column",
            "ours (embedding)",
            "P",
            "Q",
            "T",
            "P − Q (vectors)",
            "Q − T (parameters)",
            "rate, ones at Q",
            "rate, ones at T",
        ],
        [
            [
                Cell(row.table),
                Cell(row.row),
                Cell(row.column),
                Cell(row.embedding),
                Cell(row.published),
                Cell(row.ours_paper),
                Cell(row.ours_tuned),
                Cell(row.vectors_delta),
                Cell(row.parameters_delta),
                _firing(rates, row.embedding, row.method + PAPER_SUFFIX),
                _firing(rates, row.embedding, row.method),
            ]
            for row in deltas.itertuples()
        ],
        notes=[FIRING_NOTE],
    )


def arithmetic_paragraph(published: pd.DataFrame) -> str:
    """Which of Wang et al.'s numbers that other numbers of the paper determine agree with them
    (:func:`binembed.products.published.arithmetic_checks`), naming each that does not."""
    checks = arithmetic_checks(published)
    wrong = checks[~checks.consistent]
    if len(wrong):
        verdict = (
            "Those that do not: "
            + "; ".join(
                f"{row.table}, {row.row}: printed {row.printed:.2f}, recomputed {row.recomputed:.3f} ({row.check})"
                for row in wrong.itertuples()
            )
            + ". The rounding of printed values cannot explain these."
        )
    else:
        verdict = "None disagrees."
    return (
        f"Recomputed from the transcribed cells: {len(checks)} numbers of Wang et al. that other numbers of "
        f"the paper determine; {int(checks.consistent.sum())} agree within rounding. " + verdict
    )


#: Below this chance, a column's values on a grid of 1/n are no accident.
GRID_CHANCE = 1e-6

GRID_METHOD = (
    "A Spearman correlation over the hundreds or thousands of pairs of a set can take almost any "
    "value: over the 353 pairs of WS-353 its possible values are spaced about 12 / 353³ ≈ 3·10⁻⁷ "
    "apart, finer than the printed precision. Values of one column confined to the multiples of "
    "1/n for a small n would therefore be no accident. For each column of single-run values we "
    "find the smallest n (up to 1000) whose multiples, rounded as printed, give every distinct "
    "value, and bound the chance of so small an n if the printed values fell anywhere among those "
    "that can be printed (the sum over m ≤ n of the share of printable values on the grid of 1/m, "
    "raised to the number of distinct values)."
)


def grid_paragraphs(grids: pd.DataFrame) -> list[str]:
    """The method, then the single-run columns found on a coarse grid (chance below
    :data:`GRID_CHANCE`) and those that are not (``grids``:
    :func:`binembed.products.published.column_grids`)."""
    single = grids[grids.cells == "single run"]
    coarse = single[single.chance < GRID_CHANCE]
    loose = single[~(single.chance < GRID_CHANCE)]
    paragraphs = [GRID_METHOD]
    if len(coarse):
        paragraphs.append(
            "Found: "
            + "; ".join(
                f"{row.paper} {row.table}, {row.column}: "
                + (f"all {row.n_cells} values" if not row.left_out else f"the values but {row.left_out}'s")
                + f" ({row.n_distinct} distinct) are multiples of 1/{row.grid_n} (chance ≤ {row.chance:.1e})"
                for row in coarse.itertuples()
            )
            + ". These columns were not computed as a Spearman correlation over every pair of the set: "
            "a statistic that moves in steps of 1/n is a count out of n (for example a fraction of n "
            "items, or a correlation over a sample of n pairs or words), so these published values are "
            "not comparable with a Spearman correlation over the full sets, ours included."
        )
    if len(loose):
        paragraphs.append(
            "No such grid in: "
            + "; ".join(
                f"{row.paper} {row.table}, {row.column} ("
                + (
                    "no n up to 1000"
                    if pd.isna(row.grid_n)
                    else f"smallest n {row.grid_n}, chance ≤ {row.chance:.2f}"
                )
                + f", {row.n_distinct} distinct values)"
                for row in loose.itertuples()
            )
            + "."
        )
    return paragraphs


def grids_grid(grids: pd.DataFrame) -> Grid:
    """The grid each published word-similarity column lies on, one row per column."""
    return Grid(
        "The grid each published word-similarity column lies on",
        ["paper, table", "column", "cells", "values", "distinct", "smallest n", "chance ≤", "left out"],
        [
            [
                Cell(f"{row.paper}, {row.table}"),
                Cell(row.column),
                Cell(row.cells),
                Cell(str(row.n_cells)),
                Cell(str(row.n_distinct)),
                Cell("–" if pd.isna(row.grid_n) else str(row.grid_n)),
                Cell("–" if pd.isna(row.chance) else f"{row.chance:.1e}"),
                Cell(row.left_out or "–"),
            ]
            for row in grids.itertuples()
        ],
        notes=[SEED_MEANS_NOTE],
    )


def storage_paragraph() -> str:
    """Wang et al.'s storage saving, as the arithmetic it is (:data:`PAPER_STORAGE`)."""
    s = PAPER_STORAGE
    return (
        f"Wang et al.'s {s.saved_percent:.2f} % saving for {s.bits}-bit codes of {s.dims}-d vectors is "
        f"arithmetic: {s.bits} / 8 = {s.code_bytes} bytes per word against {s.dims} × 4 = {s.float_bytes} "
        f"bytes of float32, 1 − {s.code_bytes}/{s.float_bytes} = {s.saved_percent:.2f} %. The storage table "
        "measures the same figures on the codes this run wrote."
    )


@dataclass(frozen=True)
class LedgerInputs:
    """The claims ledger's products, for the note's section on the papers' conclusions."""

    claims: pd.DataFrame  #: :func:`binembed.products.claims.load_claims`
    published_checks: dict  #: claim id -> :func:`binembed.products.claims.published_check`
    ledger: pd.DataFrame  #: the ledger CSV
    n_tests: int  #: the comparisons behind it
    alpha: float


def fidelity_note_blocks(
    run: RunSettings,
    run_params: dict,
    scores: pd.DataFrame,
    per_seed: pd.DataFrame,
    published: pd.DataFrame,
    deltas: pd.DataFrame,
    rates: pd.DataFrame,
    rate_paragraph: str,
    ledger: LedgerInputs,
) -> list:
    """Every block of the note, in order (headings, paragraphs and grids for
    :func:`binembed.products.render.write_document`). ``run_params``: what
    :func:`~binembed.products.fidelity.published_beside_ours` reads of the run; ``per_seed``:
    :func:`~binembed.products.statistics.published_scores`; ``deltas``:
    :func:`~binembed.products.fidelity.delta_decomposition`; ``rates``: :func:`mean_firing`;
    ``rate_paragraph``: :func:`~binembed.products.rate_ceilings.ceiling_paragraph`."""
    grids = column_grids(published)
    return [
        ("h1", "Fidelity note: how these products relate to the published ones"),
        ("h2", "Settings"),
        settings_grid(run),
        stated_settings_grid(),
        ("h2", "Published numbers beside ours"),
        ("p", BESIDE_PUBLISHED.format(csv=PUBLISHED_CSV.name, cells=len(published))),
        beside_published_grid(published, per_seed, run, run_params),
        ("h2", "How much of each delta do the vectors explain, and how much the parameters?"),
        ("p", delta_paragraph(deltas)),
        delta_grid(deltas, rates),
        ("h2", "How much quality survives at a rate neurons can fire?"),
        ("p", rate_paragraph),
        ("h2", "Are the papers' averages their own numbers' averages?"),
        ("p", arithmetic_paragraph(published)),
        ("h2", "Are the published Table 1 values Spearman correlations over the full sets?"),
        *[("p", text) for text in grid_paragraphs(grids)],
        grids_grid(grids),
        ("p", PAIRS_USED),
        coverage_grid(scores),
        ("h2", "The papers' conclusions, tested"),
        ("p", ledger_paragraph(ledger.ledger)),
        ledger_grid(
            ledger.claims,
            ledger.published_checks,
            ledger.ledger,
            run.embeddings,
            ledger.alpha,
            ledger.n_tests,
        ),
        ("h2", "Storage claim"),
        ("p", storage_paragraph()),
    ]
