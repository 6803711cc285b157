"""The papers' conclusions as a ledger of claims, each tested on the papers' own numbers and on ours.

``data/claims.csv`` holds one row per claim the two texts make: where it is made, a short quotation
that finds the sentence, the comparison it implies made explicit (``reading``, and ``vague`` where
the words leave a choice, saying which reading was taken), and that comparison as data: ``kind``,
``metric``, methods ``a`` and ``b``, ``datasets``, ``unit`` (``average``: the mean over the sets or
tasks, as Wang et al.'s Table 2; ``each``: every set on its own), ``margin``, ``quantifier``
(``all`` comparisons, or ``most``) and ``pairing`` (``cross``: each of ``a`` against each of ``b``;
``paired``: the i-th against the i-th). Kinds:

- ``greater``: a > b; ``noninferior``: a > b - margin; ``equivalent``: |a - b| < margin;
- ``set_above`` / ``set_below``: for each representation in ``a``, set ``b`` scores above (below)
  each set in ``datasets``; ``increases``: each method in ``a`` scores higher at each larger code
  size of ``b``;
- ``seed_spread``: a's seed-to-seed standard deviation exceeds ``margin``; ``near``: a's value is
  within ``margin`` of ``b``; ``storage``: a's codes save ``b`` percent against float32 (or any
  saving, without ``b``); ``none``: not testable, ``note`` says why.

Every comparison is a z-test of its difference against a boundary (0, -margin, or +-margin): the
paired bootstrap of the Spearman difference with the seeds' variance
(:func:`binembed.evaluation.significance.spearman_difference_test`), averaged over sets with the
sets' errors added in quadrature; the paired sign-flip test of accuracy, averaged over tasks with
each task weighted equally, by its normal approximation (the flip distribution's variance is
sum w_i^2 d_i^2, exact; thousands of texts make it normal); independent sets or models by their
own errors in quadrature; the seed spread by a chi-square test of the pooled seed variance. Its
p-value tests the boundary two-sidedly; Holm's correction runs over every comparison of the ledger
at once. A claim holds in a setting (an embedding, with the tuned or the ``-paper`` variants) when
every comparison (``most``: more than half) is significant in the claimed direction, is
contradicted when one is significant the other way (``most``: half of them), and is otherwise not
decided, with the difference the test could have detected.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy.stats import chi2

from ..evaluation.significance import SpearmanBootstrap, holm, spearman_difference_test
from ..methods import METHODS, PAPER_SUFFIX
from .paired_tests import aligned_runs
from .published import DATA
from .storage import PAPER_STORAGE

CLAIMS_CSV = DATA / "claims.csv"
CLAIM_COLUMNS = ["id", "paper", "section", "quote", "reading", "vague", "kind", "metric", "a", "b", "datasets",
                 "unit", "margin", "quantifier", "pairing", "note"]  # fmt: skip
KINDS = ("greater", "noninferior", "equivalent", "set_above", "set_below", "increases", "seed_spread", "near",
         "storage", "none")  # fmt: skip
VERDICTS = ("holds", "contradicted", "not decided", "not testable")
#: Wang et al.'s averages in published.csv: word similarity (Table 1's average, Table 2's first
#: column) and text classification (Table 2's second column).
PUBLISHED_AVERAGES = {"spearman": "table1-average", "accuracy": "classification-average"}
#: Bits of a float32 dimension, the storage claims' reference.
FLOAT_BITS = 32


def load_claims(path=CLAIMS_CSV) -> pd.DataFrame:
    """The ledger; a ValueError names the file and the claim where a column, kind or field is wrong."""
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    missing = [column for column in CLAIM_COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    if table["id"].duplicated().any():
        raise ValueError(f"{path}: claim ids {sorted(set(table.id[table.id.duplicated()]))} appear twice")
    for claim in table.itertuples():
        if claim.kind not in KINDS:
            raise ValueError(f"{path}: claim {claim.id}: kind {claim.kind!r} is not one of {list(KINDS)}")
        if claim.kind == "none" and not claim.note:
            raise ValueError(f"{path}: claim {claim.id}: a claim that is not tested says why in 'note'")
        if claim.metric == "accuracy" and (claim.kind != "greater"):
            raise ValueError(
                f"{path}: claim {claim.id}: accuracy is tested by a sign-flip test: greater only"
            )
        if claim.pairing == "paired" and len(claim.a.split()) != len(claim.b.split()):
            raise ValueError(f"{path}: claim {claim.id}: 'paired' needs as many methods in a as in b")
    return table[CLAIM_COLUMNS]


# --- what each claim compares -------------------------------------------------------------------


def method_pairs(claim) -> list[tuple[str, str]]:
    """(A, B) of each comparison of a greater, noninferior or equivalent claim."""
    a, b = claim.a.split(), claim.b.split()
    return list(zip(a, b)) if claim.pairing == "paired" else [(x, y) for x in a for y in b]


def size_pairs(claim) -> list[tuple[str, str]]:
    """(larger, smaller) variants of an ``increases`` claim: each method at consecutive sizes."""
    sizes = claim.b.split()
    return [
        (f"{m}-{big}", f"{m}-{small}") for m in claim.a.split() for small, big in itertools.pairwise(sizes)
    ]


def claim_methods(claim) -> list[str]:
    """Every method (as the paper names it: a method or variant of ours) the claim involves."""
    if claim.kind == "increases":
        return sorted({v for pair in size_pairs(claim) for v in pair})
    if claim.kind in ("greater", "noninferior", "equivalent"):
        return sorted({v for pair in method_pairs(claim) for v in pair})
    return claim.a.split()


def _boundaries(claim) -> tuple[float, ...]:
    """The difference the comparison is tested against: 0; -margin; or (-margin, +margin)."""
    margin = float(claim.margin or 0)
    if claim.kind == "noninferior":
        return (-margin,)
    if claim.kind in ("equivalent", "near"):
        return (-margin, margin)
    return (0.0,)


def _holds(claim, difference: float) -> bool:
    """Whether a difference (A - B, or value - target) satisfies the claim's relation."""
    bounds = _boundaries(claim)
    if len(bounds) == 2:
        return bounds[0] < difference < bounds[1]
    return difference > bounds[0]


# --- on the papers' numbers ---------------------------------------------------------------------


def published_check(claim, published: pd.DataFrame) -> tuple[str, str]:
    """("supported" | "not supported" | "no published numbers" | "not testable", the evidence): the
    claim's comparisons on the numbers the paper itself publishes."""
    if claim.kind == "none":
        return "not testable", claim.note
    rows = published[published.paper == claim.paper]
    if claim.kind == "storage":
        return _published_storage(claim)

    def value(method, dataset, metric):
        if claim.unit == "average" and metric in PUBLISHED_AVERAGES:
            dataset = PUBLISHED_AVERAGES[metric]
        cell = rows[(rows.method == method) & (rows.metric == metric)]
        cell = cell[cell.dataset.fillna("") == (dataset or "")]
        return float(cell.value.iloc[0]) if len(cell) else math.nan

    datasets = claim.datasets.split() if claim.unit == "each" and claim.datasets else [None]
    checks = []  # (text, satisfied), None where the paper has no number

    def check(text, difference):
        checks.append((text, _holds(claim, difference) if math.isfinite(difference) else None))

    if claim.kind in ("greater", "noninferior", "equivalent", "increases"):
        pairs = size_pairs(claim) if claim.kind == "increases" else method_pairs(claim)
        for (a, b), dataset in itertools.product(pairs, datasets):
            va, vb = value(a, dataset, claim.metric), value(b, dataset, claim.metric)
            check(f"{a} {va:g} vs {b} {vb:g}" + (f" on {dataset}" if dataset else ""), va - vb)
    elif claim.kind in ("set_above", "set_below"):
        sign = 1 if claim.kind == "set_above" else -1
        for method, other in itertools.product(claim.a.split(), claim.datasets.split()):
            vx, vy = value(method, claim.b, claim.metric), value(method, other, claim.metric)
            check(f"{method}: {claim.b} {vx:g} vs {other} {vy:g}", sign * (vx - vy))
    elif claim.kind == "near":
        for method in claim.a.split():
            v = value(method, None, claim.metric)
            check(f"{method} {v:g}", v - float(claim.b))
    elif claim.kind == "seed_spread":
        cells = rows[
            (rows.method == claim.a) & rows.dataset.isin(claim.datasets.split()) & rows["std"].notna()
        ]
        if len(cells):
            pooled = float(np.sqrt(np.mean(cells["std"].astype(float) ** 2)))
            check(f"pooled seed sd {pooled:.2f} over {len(cells)} cells", pooled - float(claim.margin))
    known = [ok for _, ok in checks if ok is not None]
    if not known:
        return "no published numbers", ""
    evidence = "; ".join(text for text, ok in checks if ok is not None)
    return (
        "supported" if _quantified(claim, known.count(True), 0, len(known)) == "holds" else "not supported"
    ), evidence


def _published_storage(claim) -> tuple[str, str]:
    """The paper's own arithmetic: the claim's codes on its 300-d vectors against float32."""
    from ..stated_settings import stated_parameters

    dims = PAPER_STORAGE.dims  # both papers' vectors (published_settings.csv: dims)
    method = claim.a.split()[0]
    bits = int(method.rsplit("-", 1)[1]) if "-" in method else dims * 100 // stated_parameters(method)["tol"]
    saving, ok = _saving(claim, bits, dims)
    return (
        "supported" if ok else "not supported"
    ), f"{bits} bits against {dims} x {FLOAT_BITS}: {saving:.2f} % saved"


def _saving(claim, bits: int, dims: int) -> tuple[float, bool]:
    """The percent of space ``bits``-bit codes save against ``dims`` float32 values, as the papers
    count it (bits, not whole bytes: the storage table rounds a code up to bytes), and whether it
    is the claim's (within its margin; any saving where the claim names no figure)."""
    saving = 100.0 * (1 - bits / (FLOAT_BITS * dims))
    return saving, (abs(saving - float(claim.b)) <= float(claim.margin) if claim.b else saving > 0)


def _quantified(claim, n_for: int, n_against: int, n: int) -> str:
    """A verdict from how many of n comparisons came out for and against the claim."""
    if claim.quantifier == "most":
        if n_for * 2 > n:
            return "holds"
        return "contradicted" if n_against * 2 >= n else "not decided"
    if n and n_for == n:
        return "holds"
    return "contradicted" if n_against else "not decided"


# --- on our runs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResults:
    """What the ledger reads of a run: every seed's word-similarity pairs and classification
    predictions (rows of the evaluate jobs' CSV files), scores.csv, and per (embedding, variant)
    the quantization error of each seed and (bits, dims) of its codes."""

    pairs: pd.DataFrame
    predictions: pd.DataFrame
    scores: pd.DataFrame
    quantization_errors: dict
    code_sizes: dict


@dataclass(frozen=True)
class Comparison:
    """One tested comparison: its difference (A - B in the metric's unit), standard error, and the
    one-sided p-values of the evidence for and against the claim at its boundary (or boundaries)."""

    label: str
    difference: float
    standard_error: float
    p_for: float
    p_against: float
    test: str


def _z_comparison(claim, label: str, difference: float, error: float, test: str) -> Comparison:
    """The z-test of ``difference`` (with standard ``error``) at the claim's boundaries: p_for is
    the one-sided p of the claimed side (above the one boundary, or inside both: the larger of the
    two one-sided p, as two one-sided tests give it), p_against that of the other side (below the
    boundary; outside either, Bonferroni over the two)."""
    if not (math.isfinite(difference) and math.isfinite(error)):
        return Comparison(label, difference, error, math.nan, math.nan, test)
    phi = NormalDist().cdf

    def above(bound):  # the one-sided p of "difference > bound"
        if error > 0:
            return 1 - phi((difference - bound) / error)
        return 0.0 if difference > bound else 1.0

    def below(bound):
        if error > 0:
            return phi((difference - bound) / error)
        return 0.0 if difference < bound else 1.0

    bounds = _boundaries(claim)
    if len(bounds) == 1:
        p_for, p_against = above(bounds[0]), below(bounds[0])
    else:
        low, high = bounds
        p_for = max(above(low), below(high))
        p_against = min(1.0, 2 * min(below(low), above(high)))
    return Comparison(label, difference, error, float(p_for), float(p_against), test)


class _Evidence:
    """A run's per-item results aligned once, and each set's bootstrap and each model's Spearman on
    it computed once: every comparison on the same pairs shares them (the sets are resampled alike
    for every model, as the tables' tests do)."""

    def __init__(self, results: RunResults, bootstrap: dict):
        self.results, self.bootstrap = results, bootstrap
        self._aligned: dict = {}
        self._bootstraps: dict = {}
        self._spearman: dict = {}

    def aligned(self, kind: str):
        if kind not in self._aligned:
            if kind == "pairs":
                self._aligned[kind] = aligned_runs(
                    self.results.pairs, "similarity", ["word1", "word2", "score"]
                )
            else:
                self._aligned[kind] = aligned_runs(self.results.predictions, "correct", ["label"])
        return self._aligned[kind]

    def coverage(self, embedding: str, dataset: str, *methods) -> np.ndarray:
        """The pairs every seed of every one of ``methods`` scores."""
        similarity, _ = self.aligned("pairs")
        covered = None
        for method in methods:
            mine = similarity.loc[(embedding, dataset), method].notna().all(axis=1).to_numpy()
            covered = mine if covered is None else covered & mine
        return covered

    def spearman(self, embedding: str, dataset: str, method: str, covered: np.ndarray):
        """(per-seed Spearman on the ``covered`` pairs, the seed mean on each resample)."""
        similarity, items = self.aligned("pairs")
        key = (embedding, dataset, covered.tobytes())
        if key not in self._bootstraps:
            human = items.loc[(embedding, dataset)]["score"].to_numpy()[covered]
            self._bootstraps[key] = SpearmanBootstrap(
                human, self.bootstrap["n_resamples"], self.bootstrap["seed"]
            )
        if (key, method) not in self._spearman:
            values = similarity.loc[(embedding, dataset), method].to_numpy()[covered]
            self._spearman[key, method] = self._bootstraps[key].spearman(values)
        return self._spearman[key, method]


def _spearman_errors(claim, evidence: _Evidence, embedding: str, pairs_ab, datasets) -> list:
    """Paired bootstrap of Spearman(A) - Spearman(B) per set (x 100), averaged over the sets for
    ``unit: average``."""
    out = []
    for a, b in pairs_ab:
        per_set = []
        for dataset in datasets:
            both = evidence.coverage(embedding, dataset, a, b)
            test = spearman_difference_test(
                evidence.spearman(embedding, dataset, a, both),
                evidence.spearman(embedding, dataset, b, both),
                int(both.sum()),
            )
            per_set.append((dataset, test.spearman_difference, test.standard_error))
        if claim.unit == "average":
            difference = float(np.mean([d for _, d, _ in per_set]))
            error = math.sqrt(sum(e * e for _, _, e in per_set)) / len(per_set)
            out.append(
                _z_comparison(claim, f"{a} vs {b}", difference, error, "paired bootstrap, sets averaged")
            )
        else:
            out += [
                _z_comparison(claim, f"{a} vs {b} on {d}", diff, err, "paired bootstrap")
                for d, diff, err in per_set
            ]
    return out


def _accuracy_flips(claim, evidence: _Evidence, embedding: str, pairs_ab, tasks) -> list:
    """Paired sign-flip test of accuracy(A) - accuracy(B) in points, the tasks weighted equally:
    S = sum_i w_i d_i with d_i a text's difference of correct-seed fractions and w_i = 1 / (T n_t);
    under random signs S has mean 0 and variance sum w_i^2 d_i^2, and the normal approximation
    takes |S| less half the smallest step of the flip distribution (a continuity correction:
    flipping term i moves S by 2 |w_i d_i|)."""
    correct, _ = evidence.aligned("predictions")
    out = []
    for a, b in pairs_ab:
        terms = []
        for task in tasks:
            da = correct.loc[(embedding, task), a].to_numpy(dtype=float).mean(axis=1)
            db = correct.loc[(embedding, task), b].to_numpy(dtype=float).mean(axis=1)
            terms.append((da - db) * 100.0 / (len(tasks) * len(da)))
        d = np.concatenate(terms)
        statistic, spread = float(d.sum()), math.sqrt(float((d * d).sum()))
        step = float(np.abs(d[d != 0]).min()) if np.any(d != 0) else 0.0
        corrected = math.copysign(max(abs(statistic) - step, 0.0), statistic)
        tested = _z_comparison(claim, f"{a} vs {b}", corrected, spread, "sign-flip, tasks averaged")
        out.append(replace(tested, difference=statistic))
    return out


def _set_order(claim, evidence: _Evidence, embedding: str, rename: dict) -> list:
    """Spearman on set ``b`` against each other set, per representation: independent samples, the
    error of each from its own bootstrap and seeds, added in quadrature."""
    sign = 1.0 if claim.kind == "set_above" else -1.0

    def spearman_and_error(method, dataset):
        seeds, resampled = evidence.spearman(
            embedding, dataset, method, evidence.coverage(embedding, dataset, method)
        )
        variance = float(np.nanvar(resampled, ddof=1)) + (
            float(np.var(seeds, ddof=1)) / len(seeds) if len(seeds) > 1 else 0.0
        )
        return 100.0 * float(seeds.mean()), 100.0 * math.sqrt(variance)

    out = []
    for method in (rename[m] for m in claim.a.split()):
        rho, error = spearman_and_error(method, claim.b)
        for other in claim.datasets.split():
            rho_other, error_other = spearman_and_error(method, other)
            out.append(
                _z_comparison(
                    claim, f"{method}: {claim.b} vs {other}", sign * (rho - rho_other),
                    math.hypot(error, error_other), "independent bootstraps",
                )
            )  # fmt: skip
    return out


def _seed_mean_and_error(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    error = float(np.std(values, ddof=1) / math.sqrt(len(values))) if len(values) > 1 else 0.0
    return float(values.mean()), error


def _model_values(claim, results: RunResults, embedding: str, pairs_ab) -> list:
    """A per-seed value of each model (the quantization error): seed means and their errors."""
    out = []
    for a, b in pairs_ab:
        ma, ea = _seed_mean_and_error(results.quantization_errors[embedding, a])
        mb, eb = _seed_mean_and_error(results.quantization_errors[embedding, b])
        out.append(_z_comparison(claim, f"{a} vs {b}", ma - mb, math.hypot(ea, eb), "seed means"))
    return out


def _near(claim, results: RunResults, embedding: str, variants) -> list:
    out = []
    for variant in variants:
        mean, error = _seed_mean_and_error(results.quantization_errors[embedding, variant])
        out.append(_z_comparison(claim, f"{variant} {mean:.3f}", mean - float(claim.b), error, "seed mean"))
    return out


def _seed_spread(claim, results: RunResults, embedding: str, variant: str) -> list:
    """Chi-square test that the pooled seed variance of the Spearman over the claim's sets exceeds
    margin^2: sum (n - 1) s^2 / margin^2 is chi-square with sum (n - 1) degrees of freedom at
    sd = margin."""
    scores = results.scores
    chosen = scores[
        (scores.embedding == embedding) & (scores.method == variant) & (scores.metric == "spearman")
    ]
    chosen = chosen[chosen.dataset.isin(claim.datasets.split())]
    groups = [g.value.to_numpy(dtype=float) for _, g in chosen.groupby("dataset") if len(g) > 1]
    if not groups:
        return [Comparison(f"{variant}: one seed", math.nan, math.nan, math.nan, math.nan, "chi-square")]
    df = sum(len(g) - 1 for g in groups)
    sum_squares = sum(float(np.var(g, ddof=1)) * (len(g) - 1) for g in groups)
    statistic = sum_squares / float(claim.margin) ** 2
    pooled = math.sqrt(sum_squares / df)
    p_for = float(chi2.sf(statistic, df))
    return [
        Comparison(
            f"{variant}: pooled seed sd {pooled:.2f}", pooled, math.nan, p_for, 1 - p_for, "chi-square"
        )
    ]


def _storage(claim, results: RunResults, embedding: str, variants) -> list:
    out = []
    for variant in variants:
        bits, dims = results.code_sizes[embedding, variant]
        saving, ok = _saving(claim, bits, dims)
        out.append(Comparison(f"{variant}: {bits} bits, {saving:.2f} % saved", saving, 0.0,
                              0.0 if ok else 1.0, 1.0 if ok else 0.0, "arithmetic"))  # fmt: skip
    return out


def as_variant(method: str, setting: str) -> str:
    """The variant of ``method`` a setting runs: ``<method>-paper`` for a spiking method in the
    ``paper`` setting, else the method (or variant) itself."""
    return method + PAPER_SUFFIX if setting == "paper" and _is_spiking(method) else method


def _is_spiking(method: str) -> bool:
    return method in METHODS and METHODS[method].family == "spiking"


def claim_settings(claim, variants: set, evaluated: set) -> list[tuple[str, str | None]]:
    """(setting, why it cannot be tested or None) of each setting a claim is tested in: ``tuned``
    always, ``paper`` where a spiking method takes part and the run has ``-paper`` variants.
    ``variants``: those the run has; ``evaluated``: the sets and tasks it scores."""
    methods = claim_methods(claim)
    with_paper = any(v.endswith(PAPER_SUFFIX) for v in variants) and any(map(_is_spiking, methods))
    sets = set(claim.datasets.split()) | ({claim.b} if claim.kind.startswith("set_") else set())
    unscored = sorted(sets - evaluated) if claim.metric in ("spearman", "accuracy") else []
    out = []
    for setting in ["tuned", "paper"] if with_paper else ["tuned"]:
        missing = sorted({as_variant(m, setting) for m in methods} - variants)
        why = [f"the run has no {', '.join(missing)}"] if missing else []
        why += [f"the run does not evaluate {', '.join(unscored)}"] if unscored else []
        out.append((setting, "; ".join(why) or None))
    return out


def our_comparisons(claim, setting: str, embedding: str, evidence: _Evidence) -> list:
    """The comparisons of a testable claim on one embedding and setting."""
    results = evidence.results
    rename = {m: as_variant(m, setting) for m in claim_methods(claim)}
    datasets = claim.datasets.split()
    if claim.kind in ("greater", "noninferior", "equivalent", "increases"):
        pairs = size_pairs(claim) if claim.kind == "increases" else method_pairs(claim)
        pairs = [(rename[a], rename[b]) for a, b in pairs]
        if claim.metric == "spearman":
            return _spearman_errors(claim, evidence, embedding, pairs, datasets)
        if claim.metric == "accuracy":
            return _accuracy_flips(claim, evidence, embedding, pairs, datasets)
        return _model_values(claim, results, embedding, pairs)
    if claim.kind in ("set_above", "set_below"):
        return _set_order(claim, evidence, embedding, rename)
    if claim.kind == "near":
        return _near(claim, results, embedding, [rename[m] for m in claim.a.split()])
    if claim.kind == "seed_spread":
        return _seed_spread(claim, results, embedding, rename[claim.a])
    if claim.kind == "storage":
        return _storage(claim, results, embedding, [rename[m] for m in claim.a.split()])
    raise ValueError(f"claim {claim.id}: kind {claim.kind!r} has no test")


LEDGER_COLUMNS = ["id", "embedding", "setting", "verdict", "comparisons", "for_claim", "against_claim",
                  "detectable", "summary"]  # fmt: skip
TEST_COLUMNS = ["id", "embedding", "setting", "comparison", "difference", "standard_error", "p_for", "p_against",
                "p_value", "p_holm", "outcome", "test"]  # fmt: skip


def ledger_of_claims(claims: pd.DataFrame, results: RunResults, embeddings, variants: set, bootstrap: dict,
                alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(the ledger: a verdict per claim, embedding and setting; every comparison with its tests).
    Holm's correction runs over every comparison of the ledger; ``variants``: those of the run."""
    tests, untestable = [], []
    evidence = _Evidence(results, bootstrap)
    evaluated = {
        dataset
        for frame in (results.pairs, results.predictions, results.scores)
        for dataset in frame.get("dataset", [])
    }
    for claim in claims.itertuples():
        if claim.kind == "none":
            continue
        for embedding in embeddings:
            for setting, missing in claim_settings(claim, variants, evaluated):
                if missing:
                    untestable.append((claim.id, embedding, setting, missing))
                    continue
                for c in our_comparisons(claim, setting, embedding, evidence):
                    p_value = min(1.0, 2 * min(c.p_for, c.p_against)) if c.test != "arithmetic" else math.nan
                    tests.append([claim.id, embedding, setting, c.label, c.difference, c.standard_error,
                                  c.p_for, c.p_against, p_value, c.test])  # fmt: skip
    frame = pd.DataFrame(tests, columns=[c for c in TEST_COLUMNS if c not in ("p_holm", "outcome")])
    frame.insert(9, "p_holm", holm(frame.p_value.to_numpy()) if len(frame) else [])
    arithmetic = frame.test == "arithmetic"
    significant = (frame.p_holm < alpha) | arithmetic
    frame.insert(10, "outcome", np.where(significant & (frame.p_for <= frame.p_against), "for",
                                         np.where(significant, "against", "undecided")))  # fmt: skip
    z = NormalDist().inv_cdf(1 - alpha / 2)
    by_id = {claim.id: claim for claim in claims.itertuples()}
    ledger = []
    for (claim_id, embedding, setting), group in frame.groupby(["id", "embedding", "setting"], sort=False):
        claim = by_id[claim_id]
        n_for, n_against = int((group.outcome == "for").sum()), int((group.outcome == "against").sum())
        defined = group[group.p_value.notna() | (group.test == "arithmetic")]
        verdict = _quantified(claim, n_for, n_against, len(defined)) if len(defined) else "not testable"
        errors = group.standard_error[group.outcome == "undecided"]
        detectable = (
            float(z * errors.max()) if verdict == "not decided" and errors.notna().any() else math.nan
        )
        ledger.append([claim_id, embedding, setting, verdict, len(group), n_for, n_against, detectable,
                       _summary(group)])  # fmt: skip
    ledger += [[i, e, s, "not testable", 0, 0, 0, math.nan, why] for i, e, s, why in untestable]
    order = {claim_id: n for n, claim_id in enumerate(claims.id)}
    table = pd.DataFrame(ledger, columns=LEDGER_COLUMNS)
    table = table.sort_values(
        ["id", "embedding", "setting"], key=lambda c: c.map(order) if c.name == "id" else c
    )
    return table.reset_index(drop=True), frame


def _summary(group: pd.DataFrame) -> str:
    """The comparisons in a few words: the one comparison with its error, or the range of the
    differences."""

    def number(value, sign="+"):  # a quantization error's differences are hundredths
        return f"{value:{sign}.4f}" if 0 < abs(value) < 0.1 else f"{value:{sign}.2f}"

    if len(group) == 1:
        row = group.iloc[0]
        shown = math.isfinite(row.standard_error) and row.standard_error > 0
        return f"{row.comparison}: {number(row.difference)}" + (
            f" ± {row.standard_error:.2g}" if shown else ""
        )
    return f"{len(group)} comparisons, differences {number(group.difference.min())} to {number(group.difference.max())}"


def read_run_results(pairs_files, prediction_files, scores_file, codes_files, dims: dict) -> RunResults:
    """A run's :class:`RunResults` from its files: evaluate jobs' word_similarity_pairs.csv and
    <task>_predictions.csv, scores.csv, and codes (``results/codes/<embedding>/<variant>/seed-<n>.npz``,
    whose metadata gives the quantization error and whose header the bits); ``dims``: each
    embedding's dimension."""
    import json
    import zipfile
    from pathlib import Path

    def frame(files):
        tables = [pd.read_csv(path) for path in files]
        return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()

    errors, sizes = {}, {}
    for path in map(Path, codes_files):
        key = (path.parents[1].name, path.parent.name)
        with zipfile.ZipFile(path) as archive:  # the metadata and n_bits only, not the codes
            metadata = json.loads(str(np.load(archive.open("metadata.npy"))))
            n_bits = int(np.load(archive.open("n_bits.npy")))
        fit = metadata.get("fit", {})
        if "quantization_error" in fit:
            errors.setdefault(key, []).append(float(fit["quantization_error"]))
        sizes[key] = (n_bits, int(dims[key[0]]))
    return RunResults(frame(pairs_files), frame(prediction_files), pd.read_csv(scores_file), errors, sizes)


def verdict_text(row) -> str:
    """A ledger row as a table cell: the verdict, how many comparisons decided it, and for an
    undecided one the difference its tests could have detected."""
    if row.verdict == "not decided":
        parts = [f"{row.for_claim}/{row.comparisons} hold"] if row.for_claim else []
        parts += [f"could detect {row.detectable:.3g}"] if math.isfinite(row.detectable) else []
        return "not decided" + (f" ({'; '.join(parts)})" if parts else "")
    if row.verdict in ("holds", "contradicted") and row.comparisons > 1:
        decided = row.for_claim if row.verdict == "holds" else row.against_claim
        return f"{row.verdict} ({decided}/{row.comparisons})"
    return row.verdict


def ledger_grid(claims: pd.DataFrame, published: dict, ledger: pd.DataFrame, embeddings, alpha: float,
                n_tests: int):  # fmt: skip
    """The table "The papers' conclusions, tested": each claim with its quotation and reading,
    the verdict on the paper's own numbers with its evidence (``published``: claim id -> the
    (verdict, evidence) of :func:`published_check`), and ours per embedding and setting."""
    from .render import Cell, Grid

    settings = [s for s in ("tuned", "paper") if (ledger.setting == s).any()] or ["tuned"]
    cells = {(r.id, r.embedding, r.setting): verdict_text(r) for r in ledger.itertuples()}
    rows = []
    for claim in claims.itertuples():
        verdict, evidence = published[claim.id]
        ours = [
            Cell(cells.get((claim.id, e, s), "not testable" if claim.kind == "none" else "–"))
            for e in embeddings
            for s in settings
        ]
        reading = claim.reading + (f" [vague: {claim.vague.removeprefix('yes: ')}]" if claim.vague else "")
        rows.append([Cell(f"{claim.id} ({claim.paper}, {claim.section})"), Cell(f"“{claim.quote}”"), Cell(reading),
                     Cell(f"{verdict}: {evidence}" if evidence else verdict), *ours])  # fmt: skip
    names = {"tuned": "tuned", "paper": "-paper"}
    return Grid(
        "The papers' conclusions, tested",
        [
            "Claim",
            "Quotation",
            "Our reading",
            "Published numbers",
            *[names[s] for s in settings] * len(embeddings),
        ],
        rows,
        groups=[("The papers", 3), *((e, len(settings)) for e in embeddings)],
        notes=[_LEDGER_NOTE, _tests_note(n_tests, alpha), _counts_note(ledger)],
    )


_LEDGER_NOTE = (
    "Published numbers: whether the paper's own table supports the reading (no test: the papers give no "
    "per-item results). Ours: holds = every comparison significant in the claimed direction (for 'most', "
    "more than half); contradicted = one significant the other way; not decided = neither, with the "
    "difference the test could have detected (z × standard error, in points or the metric's unit); not "
    "testable = the run lacks a method or set, or the claim states no comparison; – = no spiking coder takes "
    "part, so there is no -paper variant."
)


def _tests_note(n_tests: int, alpha: float) -> str:
    return (
        "Tests: paired bootstrap of the Spearman difference with the seeds' variance (averaged over sets "
        "where the reading says so), paired sign-flip test of accuracy (tasks weighted equally), "
        "independent bootstraps between sets, chi-square for the seed spread; Holm's correction over all "
        f"{n_tests} comparisons of the ledger at α = {alpha:g}. -paper: the spiking coders at the settings "
        "Wang et al. state; tuned: as tuned here."
    )


def _counts_note(ledger: pd.DataFrame) -> str:
    counts = ledger.verdict.value_counts()
    return (
        "Verdicts (claim × embedding × setting): "
        + ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
        + ". Every comparison is in claims_ledger_tests.csv, the readings in src/binembed/data/claims.csv."
    )


def ledger_paragraph(ledger: pd.DataFrame) -> str:
    """What the ledger concludes, from its rows: the verdict counts, and each claim that our runs
    contradict or confirm in every setting tested."""
    counts = ledger.verdict.value_counts()
    total = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    tested = ledger[ledger.verdict != "not testable"]
    by_claim = tested.groupby("id", sort=False).verdict
    contradicted = [i for i, verdicts in by_claim if (verdicts == "contradicted").any()]
    always = [i for i, verdicts in by_claim if (verdicts == "holds").all()]
    text = f"Over {len(ledger)} claim, embedding and setting cells: {total}."
    if always:
        text += f" Holding wherever tested: {', '.join(always)}."
    if contradicted:
        where = {
            i: ", ".join(
                f"{r.embedding} ({r.setting})"
                for r in tested[(tested.id == i) & (tested.verdict == "contradicted")].itertuples()
            )
            for i in contradicted
        }
        text += " Contradicted: " + "; ".join(f"{i} on {w}" for i, w in where.items()) + "."
    return text
