from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.paired_tests import entjes_comparisons, significance_marks, word_similarity_tests
from binembed.products.papers import TABLE4_1_DATASETS
from binembed.products.render import write_document
from binembed.products.statistics import table4_1_statistics
from binembed.products.tables import (
    entjes_sign_test_note,
    seeds_note,
    stand_in_note,
    statistics_grid,
    z_test_note,
)

params = snakemake.params
methods = ["dense", *params.autoencoders]
scores = pd.read_csv(snakemake.input.scores)
pairs = pd.concat([pd.read_csv(path) for path in snakemake.input.pairs], ignore_index=True)
datasets = [dataset for dataset in TABLE4_1_DATASETS if dataset in set(pairs.dataset)]
comparisons = entjes_comparisons(params.embeddings, datasets, params.autoencoders)
tests = word_similarity_tests(pairs, comparisons, params.bootstrap, params.alpha, with_sign_test=True)
statistics = table4_1_statistics(scores, methods)
grid = statistics_grid(
    statistics,
    "Table 4.1 (after Entjes 2021): autoencoder codes and dense vectors, Spearman ρ × 100",
    methods,
    params.embeddings,
    TABLE4_1_DATASETS,
    significance_marks(tests, dagger_against={"dense"}),
    notes=[
        z_test_note(
            "Comparisons: ae_nste against ae_ste at the same code size (bold: the higher, where the "
            "difference is significant) and every autoencoder against the dense vectors (†: "
            "significantly different), on each set and embedding.",
            tests,
            params.alpha,
            "table4_1_autoencoders_tests.csv",
        ),
        entjes_sign_test_note(int((tests.method_b != "dense").sum()), params.alpha),
        seeds_note(statistics),
        stand_in_note(params.embeddings, params.paper_vectors),
    ],
)
write_table(statistics, snakemake.output.csv)
write_table(tests, snakemake.output.tests)
write_document([grid], "Table 4.1", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
