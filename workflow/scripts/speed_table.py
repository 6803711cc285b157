from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import os
import platform

import numpy as np
import pandas as pd

from binembed.codes import BinaryCodes
from binembed.evaluation.retrieval import query_rows
from binembed.evaluation.speed import code_queries, dense_queries
from binembed.fileio.files import write_table
from binembed.products.papers import TABLE1_DATASETS
from binembed.products.render import Cell, Grid, write_document
from binembed.products.statistics import retrieval_statistics, table1_statistics
from binembed.threads import use_threads

use_threads(1)  # the timings compare single-thread work
params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
averages = table1_statistics(scores)
quality = averages[averages.column == "average"].set_index(["embedding", "method"])["mean"]
rows = []
for embedding, vectors_path in zip(params.embeddings, snakemake.input.vectors):
    vectors = np.load(vectors_path)
    queries = query_rows(len(vectors), params.n_queries, params.seed)
    dense = np.median(dense_queries(vectors, queries, params.k)[0])
    rows.append((embedding, "dense", 32 * vectors.shape[1], vectors.nbytes, len(vectors), dense))
    for path, (e, method) in zip(snakemake.input.codes, params.code_runs):
        if e == embedding:
            codes = BinaryCodes.load(path)
            seconds = np.median(code_queries(codes.packed, queries, params.k)[0])
            rows.append((embedding, method, codes.n_bits, codes.packed.nbytes, len(codes.words), seconds))
table = pd.DataFrame(
    rows, columns=["embedding", "method", "bits_per_word", "vocabulary_bytes", "n_words", "query_seconds"]
)
table["bytes_per_word"] = table.vocabulary_bytes / table.n_words
dense_seconds = table[table.method == "dense"].set_index("embedding")["query_seconds"]
table["speedup"] = table.embedding.map(dense_seconds) / table.query_seconds
table["quality"] = [quality.get((e, m), np.nan) for e, m in zip(table.embedding, table.method)]
dense_quality = table[table.method == "dense"].set_index("embedding")["quality"]
table["quality_retained_percent"] = 100 * table.quality / table.embedding.map(dense_quality)
recall = retrieval_statistics(scores).set_index(["embedding", "method", "column"])["mean"]
for column in ("recall", "recall_reranked"):
    table[column] = [recall.get((e, m, column), np.nan) for e, m in zip(table.embedding, table.method)]
retrieval = params.retrieval
model = ""
try:  # Linux names the processor model here; platform.processor() is often empty
    with open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
except OSError:
    pass
machine = (
    f"{model or platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, measured with 1 thread"
)
grid = Grid(
    f"What the codes buy: storage and the time of a top-{params.k} neighbour query over the whole vocabulary",
    [
        "embedding",
        "method",
        "bits/word",
        "bytes/word",
        "vocabulary (MB)",
        "query (ms)",
        "× faster than dense",
        "quality",
        "quality retained %",
        f"recall@{retrieval['k']} %",
        f"re-ranked recall@{retrieval['k']} %",
    ],
    [
        [
            Cell(row.embedding),
            Cell(row.method),
            Cell(f"{row.bits_per_word:,}"),
            Cell(f"{row.bytes_per_word:,.0f}"),
            Cell(f"{row.vocabulary_bytes / 1e6:.2f}"),
            Cell(f"{1e3 * row.query_seconds:.2f}"),
            Cell(f"{row.speedup:.2f}"),
            Cell(float(row.quality)),
            Cell(float(row.quality_retained_percent)),
            Cell(float(row.recall)),
            Cell(float(row.recall_reranked)),
        ]
        for row in table.itertuples()
    ],
    notes=[
        (
            f"Measured on the machine that ran this workflow ({machine}); timings differ on others. "
            f"Query: the median over {len(queries)} query words (fixed seed {params.seed}) of one top-{params.k} "
            "search over every word: dense = cosine by one float32 matrix-vector product and a partial "
            "sort, codes = XOR + popcount of packed 64-bit groups (first seed of each method)."
        ),
        (
            f"Quality: mean Spearman ρ × 100 over {', '.join(TABLE1_DATASETS.values())} (seed mean); "
            "retained: as a percentage of the dense vectors' quality."
        ),
        (
            f"Recall@{retrieval['k']}: of the {retrieval['k']} nearest words by dense cosine (the true "
            f"neighbours) of {retrieval['queries']:,} query words drawn from the vocabulary (seed "
            f"{retrieval['seed']}), the percentage among the code's {retrieval['k']} nearest by Hamming "
            "distance, words tied at the cut counted by their chance of being taken; re-ranked: among "
            f"the code's {retrieval['candidates']} nearest, which re-ranking them by dense cosine puts "
            f"first (the usual binary-then-float search); seed mean. Dense is {100:.0f} by definition."
        ),
    ],
)
write_table(table, snakemake.output.csv)
write_document([grid], "Speed", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
