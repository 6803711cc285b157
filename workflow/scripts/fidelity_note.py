import sys

sys.stderr = open(snakemake.log[0], "w")

import pandas as pd

from binembed.products import (
    ENTJES_EPOCHS,
    PAPER_STORAGE,
    TABLE1_DATASETS,
    WANG_SEEDS,
    WANG_TUNING_PROTOCOL,
    Cell,
    Grid,
    stand_in_note,
    write_document,
)

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)


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
blocks = [
    ("h1", "Fidelity note: how these products relate to the published ones"),
    ("h2", "Settings"),
    Grid(
        "This run's settings against the papers' (Wang et al. 2019; Entjes 2021)",
        ["setting", "this run", "paper", "same?"],
        settings,
        notes=[stand_in_note(params.embeddings, params.paper_vectors)],
    ),
    ("h2", "Published numbers"),
    (
        "p",
        (
            "No published value is reproduced in this note: the side-by-side comparison with Wang et "
            "al.'s Tables 1-2 and Fig. 3 and Entjes' Tables 4.1-4.2 is to be filled from the papers, "
            "and only for rows where every setting above reads 'yes'. Where the vectors are stand-ins, "
            "our numbers describe the same methods on other vectors and are not a replication of the "
            "published values."
        ),
    ),
    ("h2", "The published Table 1 is not Spearman over the full sets"),
    (
        "p",
        (
            "Every WordSim value in Wang et al.'s Table 1 is a multiple of 1/62, every SimLex value a "
            "multiple of 1/199 and every word2vec RW value a multiple of 1/262. A Spearman correlation "
            "over the full 353, 999 or 2034 pairs is not confined to such a coarse grid, so those "
            "values cannot be Spearman correlations over the full sets. Our tables report the true "
            "Spearman correlation (× 100) over every pair whose two words are in the vocabulary; the "
            "pairs used are:"
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
