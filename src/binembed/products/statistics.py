"""Scores per seed, and their mean and std over seeds, for each table and figure.

Every table is built from the tidy ``results/tables/scores.csv`` (one row per score and seed).
Stochastic methods have one score per seed: a cell is the mean over seeds and the sample standard
deviation (ddof = 1); an average column averages a seed's scores first, then takes mean and std of
those per-seed averages over the seeds.
"""

from __future__ import annotations

import pandas as pd

from .papers import CLASSIFICATION_TASKS, TABLE1_DATASETS, TABLE4_1_DATASETS

#: OR-pooled test codes with at least this mean percentage of ones are marked as saturated.
SATURATED_PERCENT = 95.0
RUN_KEYS = ["embedding", "method", "seed"]


def per_seed_scores(scores: pd.DataFrame, task: str, metric: str, datasets) -> pd.DataFrame:
    """Rows (embedding, method, seed, column, value) of one metric on the given datasets; the
    column is the dataset's name."""
    rows = scores[(scores.task == task) & (scores.metric == metric) & scores.dataset.isin(list(datasets))]
    return rows.rename(columns={"dataset": "column"})[[*RUN_KEYS, "column", "value"]]


def seed_average(per_seed: pd.DataFrame, columns, name: str) -> pd.DataFrame:
    """Per (embedding, method, seed) the mean of the scores in ``columns``, as column ``name``;
    NaN unless the seed has every one of them."""
    if per_seed.empty:
        return per_seed.assign(column=name)
    wide = per_seed.pivot(index=RUN_KEYS, columns="column", values="value").reindex(columns=list(columns))
    return wide.mean(axis=1, skipna=False).rename("value").reset_index().assign(column=name)


def seed_statistics(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Mean, sample std (NaN for one seed) and number of seeds of each (embedding, method, column)."""
    grouped = per_seed.groupby(["embedding", "method", "column"], sort=False)["value"]
    return grouped.agg(mean="mean", std="std", n_seeds="size").reset_index()


def table1_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Wang et al. (2019), Table 1: Spearman x 100 on WS-353, SimLex-999 and RW, and their average."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS)
    average = seed_average(per_seed, TABLE1_DATASETS, "average")
    return seed_statistics(pd.concat([per_seed, average], ignore_index=True))


def retrieval_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Retrieval recall@k in percent, plain (``recall``) and after re-ranking (``recall_reranked``),
    mean and std over seeds of each (embedding, method)."""
    rows = scores[scores.task == "retrieval"].rename(columns={"metric": "column"})
    return seed_statistics(rows[[*RUN_KEYS, "column", "value"]])


def table2_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Wang et al. (2019), Table 2: average word similarity (the Table 1 sets), average
    classification accuracy (Search Snippets, SST-2), and the overall average of the two."""
    similarity = seed_average(
        per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS),
        TABLE1_DATASETS,
        "word_similarity",
    )
    classification = seed_average(
        per_seed_scores(scores, "classification", "accuracy", CLASSIFICATION_TASKS),
        CLASSIFICATION_TASKS,
        "classification",
    )
    both = pd.concat([similarity, classification], ignore_index=True)
    overall = seed_average(both, ["word_similarity", "classification"], "overall")
    ones = seed_average(
        per_seed_scores(scores, "classification", "pooled_ones", CLASSIFICATION_TASKS),
        CLASSIFICATION_TASKS,
        "pooled_ones",
    )
    return seed_statistics(pd.concat([both, ones, overall], ignore_index=True))


def saturation_marks(statistics: pd.DataFrame, columns) -> dict:
    """(embedding, method, column) -> (False, "‡") for each of ``columns`` of every method whose
    mean ``pooled_ones`` (percent) reaches SATURATED_PERCENT."""
    ones = statistics[(statistics.column == "pooled_ones") & (statistics["mean"] >= SATURATED_PERCENT)]
    return {
        (row.embedding, row.method, column): (False, "‡") for row in ones.itertuples() for column in columns
    }


def table4_1_statistics(scores: pd.DataFrame, methods) -> pd.DataFrame:
    """Entjes (2021), Table 4.1: Spearman x 100 on RW, MEN, SimLex-999 and WS-353 of ``methods``."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE4_1_DATASETS)
    return seed_statistics(per_seed[per_seed.method.isin(list(methods))])


def classification_statistics(scores: pd.DataFrame, metric: str = "accuracy") -> pd.DataFrame:
    """Wang et al. (2019), Fig. 3: accuracy (or the pooled codes' percentage of ones,
    ``metric="pooled_ones"``) on Search Snippets and SST-2."""
    return seed_statistics(per_seed_scores(scores, "classification", metric, CLASSIFICATION_TASKS))


def quality_by_bits(scores: pd.DataFrame, storage: pd.DataFrame) -> pd.DataFrame:
    """Average Spearman over the Table 1 sets (mean, std over seeds) beside each representation's
    bits per word, for the quality-versus-bits chart."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS)
    average = seed_statistics(seed_average(per_seed, TABLE1_DATASETS, "average")).drop(columns="column")
    return average.merge(storage[["embedding", "method", "bits_per_word"]], on=["embedding", "method"])


def published_scores(scores: pd.DataFrame, quantization_errors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our per-seed values of everything the papers publish, under the dataset and metric names of
    ``published.csv``: (embedding, method, seed, dataset, metric, value) rows of every
    word-similarity Spearman, Wang et al.'s Table 1 average (``table1-average``), the average
    accuracy over the classification tasks (``classification-average``) and the mean of these two
    (``overall``, metric ``mean``), and the autoencoders' quantization errors (dataset empty) from
    ``quantization_errors`` (embedding, method, seed, value) where given."""
    similarity = per_seed_scores(scores, "word_similarity", "spearman", set(scores.dataset))
    table1 = seed_average(per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS),
                          TABLE1_DATASETS, "table1-average")  # fmt: skip
    classification = seed_average(
        per_seed_scores(scores, "classification", "accuracy", CLASSIFICATION_TASKS),
        CLASSIFICATION_TASKS,
        "classification-average",
    )
    overall = seed_average(pd.concat([table1, classification]), ["table1-average", "classification-average"],
                           "overall")  # fmt: skip
    parts = [
        similarity.assign(metric="spearman"),
        table1.assign(metric="spearman"),
        classification.assign(metric="accuracy"),
        overall.assign(metric="mean"),
    ]
    if quantization_errors is not None:
        parts.append(quantization_errors.assign(column="", metric="quantization_error"))
    frame = pd.concat(parts, ignore_index=True).rename(columns={"column": "dataset"})
    return frame[[*RUN_KEYS, "dataset", "metric", "value"]].dropna(subset=["value"])


def firing_rate_statistics(rates: pd.DataFrame) -> pd.DataFrame:
    """Mean and std over seeds of each spiking variant's firing rates and ones (rows of the spike
    raster jobs' ``*_firing_rates.csv``: embedding, method, seed, rate_hz, median_rate_hz,
    above_ceiling_percent, ones_percent), as a seed-statistics frame."""
    columns = ["rate_hz", "median_rate_hz", "above_ceiling_percent", "ones_percent"]
    long = rates.melt(id_vars=RUN_KEYS, value_vars=columns, var_name="column", value_name="value")
    return seed_statistics(long)
