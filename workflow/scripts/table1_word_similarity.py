from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.paired_tests import baseline_comparisons, significance_marks, word_similarity_tests
from binembed.products.papers import TABLE1_DATASETS
from binembed.products.render import write_document
from binembed.products.statistics import table1_statistics
from binembed.products.tables import (
    rate_limited_note,
    seeds_note,
    stand_in_note,
    statistics_grid,
    z_test_note,
)

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
pairs = pd.concat([pd.read_csv(path) for path in snakemake.input.pairs], ignore_index=True)
datasets = [dataset for dataset in TABLE1_DATASETS if dataset in set(pairs.dataset)]
comparisons = baseline_comparisons(params.embeddings, datasets, params.methods, params.baseline)
tests = word_similarity_tests(pairs, comparisons, params.bootstrap, params.alpha)
statistics = table1_statistics(scores)
grid = statistics_grid(
    statistics,
    "Table 1 (after Wang et al. 2019): word similarity, Spearman ρ × 100",
    params.methods,
    params.embeddings,
    {**TABLE1_DATASETS, "average": "Avg."},
    significance_marks(tests, dagger_against={params.baseline}),
    notes=[
        (
            "Spearman correlation of the human scores with cosine (dense) or Hamming similarity (codes), "
            "over the pairs with both words in the vocabulary. Avg.: mean of the three sets."
        ),
        seeds_note(statistics),
        z_test_note(
            f"† differs from {params.baseline} on that set.",
            tests,
            params.alpha,
            "table1_word_similarity_tests.csv",
        ),
        stand_in_note(params.embeddings, params.paper_vectors),
        rate_limited_note(params.rate_limits_hz),
    ],
)
write_table(statistics, snakemake.output.csv)
write_table(tests, snakemake.output.tests)
write_document([grid], "Table 1", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
