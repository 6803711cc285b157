import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import pandas as pd

from binembed.products.papers import ENTJES_EPOCHS, TABLE1_DATASETS, WANG_SEEDS, WANG_TUNING_PROTOCOL
from binembed.products.render import Cell, Grid, write_document
from binembed.products.storage import PAPER_STORAGE
from binembed.products.tables import published_beside_ours, stand_in_note
from binembed.published import PUBLISHED_CSV, deterministic_values, load_published, smallest_grid

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
published = load_published()


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
rows_beside, reasons = published_beside_ours(
    published,
    scores,
    params.embeddings,
    params.paper_vectors,
    {
        "tuning_protocol": params.tuning_protocol,
        "tuned_methods": params.tuned_methods,
        "method_params": params.method_params,
        "seeds": params.stochastic_seeds,
    },
)
checked = []
for dataset, name in TABLE1_DATASETS.items():
    values = deterministic_values(published, "Table 1", dataset)
    if len(values) >= 4:
        n = smallest_grid(values, decimals=1)
        checked.append(
            f"{name}: the {len(values)} single-run values are multiples of 1/{n}"
            if n is not None
            else f"{name}: the {len(values)} single-run values lie on no grid of 1/n up to n = 1000"
        )
    else:
        checked.append(f"{name}: {len(values)} single-run value(s) transcribed, too few to test")
grid_paragraph = (
    "A Spearman correlation over all pairs of a set takes so many values that published values "
    "confined to multiples of 1/n with a small n would show that a column was computed on a subset "
    "or on coarse ranks. Computed from the transcribed values (a test needs at least four single-run "
    "values of a set): " + "; ".join(checked) + ". (Earlier versions of this note asserted that every "
    "WordSim, SimLex and word2vec RW value of Wang et al.'s Table 1 is a multiple of 1/62, 1/199 and "
    "1/262; the claim stands withdrawn until the values behind it are in the data.)"
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
    ("h2", "Published numbers beside ours"),
    (
        "p",
        (
            f"The published values are data ({PUBLISHED_CSV.name} in the package, with the source of "
            f"each; transcribed so far: {len(published)}). Every published cell is set beside our "
            "run of the same method on the same set, with the reasons the two can or cannot match; "
            "only a row whose reasons are empty is a replication."
        ),
    ),
    Grid(
        "Published (Wang et al. 2019; Entjes 2021) beside this run",
        ["paper, table", "vectors", "method", "set", "published", "ours (embedding)", "ours", "comparable?"],
        [[Cell(text) for text in row[:-1]] + [Cell(row[-1])] for row in rows_beside],
        notes=[
            "Reasons a cell cannot match: "
            + "; ".join(f"({i}) {reason}" for i, reason in enumerate(reasons, 1))
            if reasons
            else ""
        ],
    ),
    ("h2", "Are the published Table 1 values Spearman correlations over the full sets?"),
    ("p", grid_paragraph),
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
