import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import json

import numpy as np
import pandas as pd

from binembed.methods import PAPER_SUFFIX
from binembed.products.claims import ledger_grid, ledger_paragraph, load_claims, published_check
from binembed.products.fidelity import delta_decomposition, published_beside_ours
from binembed.products.papers import ENTJES_EPOCHS, TABLE1_DATASETS, WANG_SEEDS, WANG_TUNING_PROTOCOL
from binembed.products.published import (
    PUBLISHED_CSV,
    arithmetic_checks,
    column_grids,
    load_published,
    load_settings,
)
from binembed.products.render import Cell, Grid, write_document
from binembed.products.statistics import published_scores
from binembed.products.storage import PAPER_STORAGE
from binembed.products.tables import stand_in_note

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
claims = load_claims()
ledger = pd.read_csv(snakemake.input.ledger, keep_default_na=False, na_values=[""])
ledger_tests = pd.read_csv(snakemake.input.ledger_tests)
published = load_published()
published_checks = {claim.id: published_check(claim, published) for claim in claims.itertuples()}


def yes_no(same):
    return Cell("yes" if same else "no")


settings = []
for embedding in params.embeddings:
    entry = params.paper_vectors.get(embedding)
    paper = entry["paper"] if entry else "(not in the papers)"
    settings.append(
        [
            Cell(f"vectors: {embedding}"),
            Cell(f"{embedding}, {params.dims[embedding]} dims"),
            Cell(paper),
            yes_no(bool(entry) and entry["same"]),
        ]
    )
settings.append(
    [
        Cell("spiking-coder tuning"),
        Cell(f"{params.tuning_protocol} ({params.tuning_dataset})"),
        Cell(f"{WANG_TUNING_PROTOCOL} (the reported test sets)"),
        yes_no(params.tuning_protocol == WANG_TUNING_PROTOCOL),
    ]
)
settings += [
    [Cell(f"seeds: {variant}"), Cell(str(n)), Cell(str(WANG_SEEDS)), yes_no(n == WANG_SEEDS)]
    for variant, n in params.stochastic_seeds.items()
]
settings += [
    [Cell(f"epochs: {variant}"), Cell(str(n)), Cell(str(ENTJES_EPOCHS)), yes_no(n == ENTJES_EPOCHS)]
    for variant, n in params.autoencoder_epochs.items()
]
dense = scores[(scores.method == "dense") & scores.dataset.isin(list(TABLE1_DATASETS))]
coverage = [
    [
        Cell(row.embedding),
        Cell(TABLE1_DATASETS[row.dataset]),
        Cell(f"{row.n_used:,}"),
        Cell(f"{row.n_total:,}"),
        Cell(f"{100 * row.coverage:.1f}"),
    ]
    for row in dense.sort_values(["embedding", "dataset"]).itertuples()
]
quantization = pd.DataFrame(
    [
        (
            embedding,
            variant,
            int(seed),
            json.loads(str(np.load(path)["metadata"]))["fit"]["quantization_error"],
        )
        for (embedding, variant, seed), path in zip(
            params.autoencoder_runs, snakemake.input.autoencoder_codes
        )
    ],
    columns=["embedding", "method", "seed", "value"],
)
rows_beside, reasons = published_beside_ours(
    published,
    published_scores(scores, quantization),
    params.embeddings,
    params.paper_vectors,
    {
        "tuning_protocol": params.tuning_protocol,
        "tuned_methods": params.tuned_methods,
        "method_params": params.method_params,
        "seeds": params.seeds,
    },
)
rates = (
    pd.concat([pd.read_csv(path) for path in snakemake.input.rates], ignore_index=True)
    .groupby(["embedding", "method"])[["rate_hz", "ones_percent"]]
    .mean()
    if snakemake.input.rates
    else pd.DataFrame(columns=["rate_hz", "ones_percent"])
)
spiking = sorted(
    {variant for variant in params.method_params if variant + PAPER_SUFFIX in params.method_params}
)
deltas = delta_decomposition(
    published, published_scores(scores, quantization), params.embeddings, params.paper_vectors, spiking
)


def firing(embedding, variant):
    """Mean rate (Hz) and percentage of ones of a variant's codes on one embedding."""
    if (embedding, variant) not in rates.index:
        return Cell("–")
    row = rates.loc[(embedding, variant)]
    return Cell(f"{row.rate_hz:,.0f} Hz, {row.ones_percent:.0f} %")


def comparison(vectors: float, parameters: float) -> str:
    if max(vectors, parameters) < 1.1 * min(vectors, parameters):
        return "about equally"
    return "more by the vectors" if vectors > parameters else "more by the parameters"


if len(deltas):
    share = deltas.assign(v=deltas.vectors_delta.abs(), p=deltas.parameters_delta.abs())
    single = share[~share.embedding.str.contains(" + ", regex=False)]
    by_method = single.groupby("method", sort=False)[["v", "p"]].mean()
    delta_paragraph = (
        f"For the {len(deltas)} published cells of a spiking coder that runs both tuned and at the paper's "
        "settings, P - T (published minus ours tuned) splits into P - Q, the same parameters on other "
        "vectors (what the vectors explain, with anything else in which our setup differs from the "
        "paper's), and Q - T, the same vectors at other parameters (what the parameters explain). Over "
        f"the {len(single)} cells of one set on one embedding, the mean absolute size of each part, by "
        "coder: "
        + "; ".join(
            f"{method}: vectors {row.v:.1f}, parameters {row.p:.1f} points ({comparison(row.v, row.p)})"
            for method, row in by_method.iterrows()
        )
        + ". Where the paper's settings leave a coder almost silent on our vectors (few ones in its "
        "codes, below), Q is near zero and the split says that the paper's I_boost, chosen for its "
        "300-d vectors, does not carry over to these, not that the vectors themselves are worse."
    )
else:
    delta_paragraph = "No spiking coder of this run runs both tuned and at the paper's settings."
checks = arithmetic_checks(published)
wrong = checks[~checks.consistent]
arithmetic_paragraph = (
    f"Recomputed from the transcribed cells: {len(checks)} numbers of Wang et al. that other numbers of "
    f"the paper determine; {int(checks.consistent.sum())} agree within rounding. "
    + (
        "Those that do not: "
        + "; ".join(
            f"{row.table}, {row.row}: printed {row.printed:.2f}, recomputed {row.recomputed:.3f} "
            f"({row.check})"
            for row in wrong.itertuples()
        )
        + ". The rounding of printed values cannot explain these."
        if len(wrong)
        else "None disagrees."
    )
)
grids = column_grids(published)
coarse = grids[(grids.cells == "single run") & (grids.chance < 1e-6)]
loose = grids[(grids.cells == "single run") & ~(grids.chance < 1e-6)]
grid_paragraphs = [
    (
        "A Spearman correlation over the hundreds or thousands of pairs of a set can take almost any "
        "value: over the 353 pairs of WS-353 its possible values are spaced about 12 / 353³ ≈ 3·10⁻⁷ "
        "apart, finer than the printed precision. Values of one column confined to the multiples of "
        "1/n for a small n would therefore be no accident. For each column of single-run values we "
        "find the smallest n (up to 1000) whose multiples, rounded as printed, give every distinct "
        "value, and bound the chance of so small an n if the printed values fell anywhere among those "
        "that can be printed (the sum over m ≤ n of the share of printable values on the grid of 1/m, "
        "raised to the number of distinct values)."
    ),
]
if len(coarse):
    grid_paragraphs.append(
        "Found: "
        + "; ".join(
            (
                f"{row.paper} {row.table}, {row.column}: "
                + (f"all {row.n_cells} values" if not row.left_out else f"the values but {row.left_out}'s")
                + f" ({row.n_distinct} distinct) are multiples of 1/{row.grid_n} (chance ≤ {row.chance:.1e})"
            )
            for row in coarse.itertuples()
        )
        + ". These columns were not computed as a Spearman correlation over every pair of the set: "
        "a statistic that moves in steps of 1/n is a count out of n (for example a fraction of n "
        "items, or a correlation over a sample of n pairs or words), so these published values are "
        "not comparable with a Spearman correlation over the full sets, ours included."
    )
if len(loose):
    grid_paragraphs.append(
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
blocks = [
    ("h1", "Fidelity note: how these products relate to the published ones"),
    ("h2", "Settings"),
    Grid(
        "This run's settings against the papers' (Wang et al. 2019; Entjes 2021)",
        ["setting", "this run", "paper", "same?"],
        settings,
        notes=[stand_in_note(params.embeddings, params.paper_vectors)],
    ),
    Grid(
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
    ),
    ("h2", "Published numbers beside ours"),
    (
        "p",
        (
            f"The published values are data ({PUBLISHED_CSV.name} in the package: {len(published)} cells, each "
            "with its paper, table, row and column as printed). Every cell is set beside our run of the same "
            "method on the same set (a cell averaged over both papers' vectors beside the seed-by-seed mean "
            "over the embeddings standing in for them), with the numbered reasons the two can or cannot "
            "match; only a row whose reasons are empty is a replication."
        ),
    ),
    Grid(
        "Published (Wang et al. 2019; Entjes 2021) beside this run",
        ["paper, table", "row", "column", "method", "published", "ours (embedding)", "ours", "comparable?"],
        [[Cell(str(text)) for text in row[:-1]] + [Cell(row[-1])] for row in rows_beside],
        notes=[
            "Reasons a cell cannot match: "
            + "; ".join(f"({i}) {reason}" for i, reason in enumerate(reasons, 1))
            if reasons
            else ""
        ],
    ),
    ("h2", "How much of each delta do the vectors explain, and how much the parameters?"),
    ("p", delta_paragraph),
    Grid(
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
                firing(row.embedding, row.method + PAPER_SUFFIX),
                firing(row.embedding, row.method),
            ]
            for row in deltas.itertuples()
        ],
        notes=[
            (
                "rate, ones: the mean firing rate of the coder's neurons on that embedding and the mean "
                "percentage of ones of its codes (firing-rate table); – for a cell averaged over both "
                "embeddings."
            )
        ],
    ),
    ("h2", "Are the papers' averages their own numbers' averages?"),
    ("p", arithmetic_paragraph),
    ("h2", "Are the published Table 1 values Spearman correlations over the full sets?"),
    *[("p", text) for text in grid_paragraphs],
    Grid(
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
        notes=[
            (
                "Seed means (Poisson and LIF-noise in Wang et al.'s Table 1) are means of 10 values: on the "
                "grid of 1/n, their mean lies on that of 1/(10 n)."
            )
        ],
    ),
    (
        "p",
        (
            "Our tables report the Spearman correlation (× 100) over every pair whose two words are "
            "in the vocabulary; the pairs used are:"
        ),
    ),
    Grid(
        "Word pairs behind each Table 1 value (every method of an embedding uses the same pairs)",
        ["embedding", "set", "pairs used", "pairs in the set", "coverage %"],
        coverage,
    ),
    ("h2", "The papers' conclusions, tested"),
    ("p", ledger_paragraph(ledger)),
    ledger_grid(claims, published_checks, ledger, params.embeddings, params.alpha, len(ledger_tests)),
    ("h2", "Storage claim"),
    (
        "p",
        (
            f"Wang et al.'s {PAPER_STORAGE.saved_percent:.2f} % saving for {PAPER_STORAGE.bits}-bit codes of "
            f"{PAPER_STORAGE.dims}-d vectors is arithmetic: {PAPER_STORAGE.bits} / 8 = "
            f"{PAPER_STORAGE.code_bytes} bytes per word against {PAPER_STORAGE.dims} × 4 = "
            f"{PAPER_STORAGE.float_bytes} bytes of float32, 1 − {PAPER_STORAGE.code_bytes}/"
            f"{PAPER_STORAGE.float_bytes} = {PAPER_STORAGE.saved_percent:.2f} %. The storage table "
            "measures the same figures on the codes this run wrote."
        ),
    ),
]
write_document(blocks, "Fidelity note", snakemake.output.md, snakemake.output.html)
