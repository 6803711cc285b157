"""The paired significance tests each table carries: which methods are compared, the tests on the
per-item results of all their seeds (:mod:`binembed.evaluation.significance`), Holm's correction within a
table, and the marks (bold, dagger, section sign) the significant tests set."""

from __future__ import annotations

from dataclasses import asdict, fields

import pandas as pd

from ..evaluation.significance import (
    PairedPermutationTest,
    SignTest,
    SpearmanBootstrap,
    SpearmanDifferenceTest,
    holm,
    paired_permutation_test,
    rank_sign_test,
    spearman_difference_test,
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


def aligned_runs(
    frame: pd.DataFrame, value: str, item_columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _test_row(comparison, seeds_a: int, seeds_b: int, test) -> dict:
    seeds = {"seeds_a": seeds_a, "seeds_b": seeds_b}
    return dict(zip(TEST_COLUMNS, comparison)) | seeds | asdict(test)


def _columns(result_type, prefix: str = "") -> list[str]:
    return [prefix + f.name for f in fields(result_type)]


def word_similarity_tests(
    pairs: pd.DataFrame, comparisons, bootstrap: dict, alpha: float, with_sign_test: bool = False
) -> pd.DataFrame:
    """The paired bootstrap z-test of the Spearman difference (x 100) of each comparison, on the
    pairs both methods cover, Holm-corrected together; a method with several seeds is tested on all
    of them. With ``with_sign_test``, also Entjes' binomial sign test on ranks (columns ``sign_*``;
    ``sign_significant`` at ``alpha`` uncorrected, as the thesis applies it). ``pairs``: rows of word_similarity_pairs.csv files;
    ``bootstrap``: n_resamples, seed, confidence."""
    settings = {"n_resamples": 1000, "seed": 0, "confidence": 95.0} | dict(bootstrap)
    similarity, items = aligned_runs(pairs, "similarity", ["word1", "word2", "score"])
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
        test = spearman_difference_test(
            spearman[pairs_used, a], spearman[pairs_used, b], int(both.sum()), settings["confidence"]
        )
        row = _test_row((embedding, dataset, a, b), sa.shape[1], sb.shape[1], test)
        if with_sign_test:
            row |= {f"sign_{k}": v for k, v in asdict(rank_sign_test(h[both], sa, sb)).items()}
        rows.append(row)
    columns = [*TEST_COLUMNS, "seeds_a", "seeds_b", *_columns(SpearmanDifferenceTest)]
    columns += _columns(SignTest, "sign_") if with_sign_test else []
    tests = with_holm(pd.DataFrame(rows, columns=columns), alpha)
    if with_sign_test:  # as the thesis applies it: each comparison at alpha, uncorrected
        tests["sign_significant"] = tests["sign_p_value"] < alpha
    return tests


def classification_tests(predictions: pd.DataFrame, comparisons, alpha: float) -> pd.DataFrame:
    """The exact paired permutation test of each comparison on the per-text correctness (over all
    seeds of a stochastic method; McNemar's exact test where both have one seed), Holm-corrected
    together. ``predictions``: rows of <task>_predictions.csv files."""
    correct, _ = aligned_runs(predictions, "correct", ["label"])
    rows = []
    for embedding, dataset, a, b in comparisons:
        ca = correct.loc[(embedding, dataset), a].to_numpy(dtype=float)
        cb = correct.loc[(embedding, dataset), b].to_numpy(dtype=float)
        rows.append(
            _test_row((embedding, dataset, a, b), ca.shape[1], cb.shape[1], paired_permutation_test(ca, cb))
        )
    columns = [*TEST_COLUMNS, "seeds_a", "seeds_b", *_columns(PairedPermutationTest)]
    return with_holm(pd.DataFrame(rows, columns=columns), alpha)


def significance_marks(tests: pd.DataFrame, dagger_against, difference: str = "spearman_difference") -> dict:
    """(embedding, method, dataset) -> (bold, mark) from the significant tests: against a method in
    ``dagger_against`` (a reference such as dense) a dagger on method_a; between two other methods
    bold on the better one, by the sign of the tested ``difference`` (A - B). With Entjes' sign
    test beside (``sign_significant``), a section sign on the method it favours where it is
    significant."""
    marks = {}

    def add(key, bold=False, mark=""):
        old_bold, old_mark = marks.get(key, (False, ""))
        marks[key] = (old_bold or bold, old_mark + mark if mark not in old_mark else old_mark)

    for test in tests[tests.significant].itertuples():
        if test.method_b in dagger_against:
            add((test.embedding, test.method_a, test.dataset), mark="†")
        elif getattr(test, difference) != 0:
            winner = test.method_a if getattr(test, difference) > 0 else test.method_b
            add((test.embedding, winner, test.dataset), bold=True)
    if "sign_significant" in tests:
        for test in tests[tests.sign_significant & ~tests.method_b.isin(list(dagger_against))].itertuples():
            if test.sign_a_closer != test.sign_b_closer:
                winner = test.method_a if test.sign_a_closer > test.sign_b_closer else test.method_b
                add((test.embedding, winner, test.dataset), mark="§")
    return marks
