from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import numpy as np

from binembed.fileio.files import write_table
from binembed.products.render import Cell, Grid, write_document
from binembed.products.storage import PAPER_STORAGE, codes_storage, storage_table, vectors_storage

params = snakemake.params
rows = []
for embedding, vectors in zip(params.embeddings, snakemake.input.vectors):
    rows.append({"embedding": embedding, "method": "dense", **vectors_storage(vectors)})
    dims = np.load(vectors, mmap_mode="r").shape[1]
    rows += [
        {"embedding": e, "method": method, **codes_storage(path, dims)}
        for path, (e, method) in zip(snakemake.input.codes, params.code_runs)
        if e == embedding
    ]
table = storage_table(rows)
grid = Grid(
    "Storage of the vocabulary: binary codes against float32 vectors",
    ["embedding", "method", "words", "bits/word", "bytes/word", "vocabulary (MB)", "× float32", "saved %"],
    [
        [
            Cell(row.embedding),
            Cell(row.method),
            Cell(f"{row.n_words:,}"),
            Cell(f"{row.bits_per_word:,}"),
            Cell(f"{row.bytes_per_word:,}"),
            Cell(f"{row.vocabulary_bytes / 1e6:.2f}"),
            Cell(f"{row.ratio_to_float32:.3f}"),
            Cell(f"{row.saved_percent:.2f}"),
        ]
        for row in table.itertuples()
    ],
    notes=[
        (
            "Measured on the written files (first seed): bytes/word = ceil(bits/8) of the packed codes, "
            "vocabulary = words × bytes/word; × float32 = vocabulary bytes / (words × dims × 4)."
        ),
        (
            f"Wang et al.'s claim reproduced: {PAPER_STORAGE.bits} bits per word = {PAPER_STORAGE.code_bytes} bytes against "
            f"{PAPER_STORAGE.dims} × 4 = {PAPER_STORAGE.float_bytes} bytes of float32, {PAPER_STORAGE.saved_percent:.2f} % saved."
        ),
    ],
)
write_table(table, snakemake.output.csv)
write_document([grid], "Storage", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
