"""The paired significance tests each table carries: which methods are compared, the tests on the
per-item results of all their seeds (:mod:`binembed.significance`), Holm's correction within a
table, and the marks (bold, dagger) the significant tests set."""

from __future__ import annotations

from dataclasses import asdict, fields

import pandas as pd

from ..significance import (
    McNemarTest,
    SignTest,
    SpearmanBootstrap,
    holm,
    mcnemar_exact,
    rank_sign_test,
    spearman_difference_interval,
)

TEST_COLUMNS = ["embedding", "dataset", "method_a", "method_b"]


def baseline_comparisons(embeddings, datasets, methods, baseline: str) -> list[tuple]:
    """(embedding, dataset, method, baseline) for every other method; none without the baseline."""
    if baseline not in methods:
        return []
    return [(e, d, m, baseline) for e in embeddings for d in datasets for m in methods if m != baseline]


def entjes_comparisons(embeddings, datasets, autoencoders: dict) -> list[tuple]:
    """The comparisons of Table 4.1: nSTE against STE at the same code size, and every
    autoencoder variant against the dense vectors. ``autoencoders``: variant -> (method, n_bits)."""
    pairs = [
        (nste, ste)
        for nste, (method, n_bits) in autoencoders.items()
        if method == "ae_nste"
        for ste, (other, other_bits) in autoencoders.items()
        if other == "ae_ste" and other_bits == n_bits
    ]
    pairs += [(variant, "dense") for variant in autoencoders]
    return [(e, d, a, b) for e in embeddings for d in datasets for a, b in pairs]


def _aligned(frame: pd.DataFrame, value: str, item_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-item files of several runs side by side: one ``value`` column per (method, seed),
    indexed by (embedding, dataset, item number in file order), and the ``item_columns`` of each
    item, checked to be the same in every run."""
    runs = ["embedding", "method", "seed", "dataset"]
    frame = frame.assign(item=frame.groupby(runs, sort=False).cumcount())
    index = ["embedding", "dataset", "item"]
    items = frame.groupby(index)[item_columns]
    if (items.nunique() > 1).any(axis=None):
        raise ValueError(f"runs disagree on the items they evaluate ({', '.join(item_columns)})")
    return frame.pivot(index=index, columns=["method", "seed"], values=value), items.first()


def with_holm(tests: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Add Holm-adjusted p-values over all rows (one table's family) and ``significant``."""
    adjusted = holm(tests["p_value"].to_numpy())
    return tests.assign(p_holm=adjusted, significant=adjusted < alpha)


def _test_rows(rows: list[dict], extra_columns: list[str], result_type, alpha: float) -> pd.DataFrame:
    """The tests of one table: a row per comparison, (embedding, dataset, method_a, method_b),
    the seeds of each method, then ``extra_columns`` and the fields of the test's result
    (a dataclass of :mod:`binembed.significance`), Holm-corrected together."""
    columns = [*TEST_COLUMNS, "seeds_a", "seeds_b", *[f.name for f in fields(result_type)], *extra_columns]
    return with_holm(pd.DataFrame(rows, columns=columns), alpha)


def _test_row(comparison, seeds_a: int, seeds_b: int, test, **extra) -> dict:
    seeds = {"seeds_a": seeds_a, "seeds_b": seeds_b}
    return dict(zip(TEST_COLUMNS, comparison)) | seeds | asdict(test) | extra


def word_similarity_tests(pairs: pd.DataFrame, comparisons, bootstrap: dict, alpha: float) -> pd.DataFrame:
    """Sign test and bootstrap CI of the Spearman difference (x 100) of each comparison, on the
    pairs both methods cover, Holm-corrected together; a method with several seeds is tested on all
    of them. ``pairs``: rows of word_similarity_pairs.csv files; ``bootstrap``: n_resamples, seed,
    confidence."""
    settings = {"n_resamples": 1000, "seed": 0, "confidence": 95.0} | dict(bootstrap)
    similarity, items = _aligned(pairs, "similarity", ["word1", "word2", "score"])
    human = items["score"]
    # a set's resamples, and a model's Spearman on them, are the same in each comparison on the
    # same pairs (in a run, every comparison of an embedding): computed once
    resampled, spearman = {}, {}
    rows = []
    for embedding, dataset, a, b in comparisons:
        cell = (embedding, dataset)
        sa, sb, h = similarity.loc[cell, a], similarity.loc[cell, b], human.loc[cell].to_numpy()
        both = (sa.notna().all(axis=1) & sb.notna().all(axis=1)).to_numpy()
        sa, sb = sa.to_numpy()[both], sb.to_numpy()[both]
        pairs_used = (cell, both.tobytes())
        if pairs_used not in resampled:
            resampled[pairs_used] = SpearmanBootstrap(h[both], settings["n_resamples"], settings["seed"])
        for method, values in ((a, sa), (b, sb)):
            if (pairs_used, method) not in spearman:
                spearman[pairs_used, method] = resampled[pairs_used].spearman(values)
        difference, low, high = spearman_difference_interval(
            spearman[pairs_used, a], spearman[pairs_used, b], settings["confidence"]
        )
        rows.append(
            _test_row(
                (embedding, dataset, a, b),
                sa.shape[1],
                sb.shape[1],
                rank_sign_test(h[both], sa, sb),
                spearman_difference=difference,
                ci_low=low,
                ci_high=high,
            )
        )
    return _test_rows(rows, ["spearman_difference", "ci_low", "ci_high"], SignTest, alpha)


def classification_tests(predictions: pd.DataFrame, comparisons, alpha: float) -> pd.DataFrame:
    """McNemar's exact test of each comparison on the per-text correctness (over all seeds of a
    stochastic method), Holm-corrected together. ``predictions``: rows of <task>_predictions.csv
    files."""
    correct, _ = _aligned(predictions, "correct", ["label"])
    rows = []
    for embedding, dataset, a, b in comparisons:
        ca = correct.loc[(embedding, dataset), a].to_numpy(dtype=float)
        cb = correct.loc[(embedding, dataset), b].to_numpy(dtype=float)
        rows.append(_test_row((embedding, dataset, a, b), ca.shape[1], cb.shape[1], mcnemar_exact(ca, cb)))
    return _test_rows(rows, [], McNemarTest, alpha)


def significance_marks(tests: pd.DataFrame, dagger_against) -> dict:
    """(embedding, method, dataset) -> (bold, mark) from the significant tests: against a method in
    ``dagger_against`` (a reference such as dense) a dagger on method_a; between two other methods
    bold on the one the sign test favours, the one closer to the human ranking on more pairs
    (``a_closer`` against ``b_closer``), whatever the sign of the Spearman difference."""
    marks = {}
    for test in tests[tests.significant].itertuples():
        if test.method_b in dagger_against:
            key = (test.embedding, test.method_a, test.dataset)
            marks[key] = (marks.get(key, (False, ""))[0], "†")
        elif test.a_closer != test.b_closer:
            winner = test.method_a if test.a_closer > test.b_closer else test.method_b
            key = (test.embedding, winner, test.dataset)
            marks[key] = (True, marks.get(key, (False, ""))[1])
    return marks
