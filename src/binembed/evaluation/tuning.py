"""Choosing embedding-specific parameters (I_boost, tol, v_th of the spiking coders) by grid search
on word-similarity sets.

Every grid point binarizes only the words the tuning sets need (the coders treat words
independently; ``fit`` still sees the whole vocabulary), scores the codes by the mean Spearman
over the sets, and the best point wins, ties going to the first in grid order. Stochastic coders
are tuned with seed 0, whose random streams give each word the bits the final seed-0 run gives it
(they are keyed by the word's vector, see :mod:`binembed.binarizers.spiking`).

For a spiking coder, each grid point also records the mean firing rate of its neurons (``rate_hz``,
spikes per neuron per second over the T = 10 ms of a word) on a sample of words evenly spaced over
the vocabulary, so that what a coder reaches at a rate neurons can sustain is read off the same
grid (:mod:`binembed.products.rate_ceilings`). A neuron's spikes do not depend on ``tol`` (only
its windows do), so points that differ only in ``tol`` are simulated once.

A grid can only find an optimum it brackets: a parameter scanned over three or more ordered
values whose chosen value is the smallest or the largest of them sits on the edge of its grid
(:func:`grid_edges`), and the true optimum may lie beyond. The tune rule logs a warning and records
such parameters. A parameter with one or two values (e.g. tol in {5, 10}) is a choice between
alternatives, not a scan, and is not checked.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..codes import BinaryCodes
from ..errors import InputError
from ..fileio.embeddings import Embedding
from ..methods import METHODS, build_binarizer
from ..plugins import plugin_call
from .scores import Representation, word_similarity


def tune(
    method: str,
    params: dict,
    grid: dict[str, list],
    embedding: Embedding,
    pairs: dict[str, pd.DataFrame],
    rate_rows=None,
):
    """Score every point of ``grid`` laid over the run's ``params`` (grid parameters ``method``
    does not take are ignored) and return the table of scores and the winning point. For a spiking
    coder and ``rate_rows`` (rows of the embedding, :func:`~binembed.binarizers.spiking.rate_sample`),
    the table also has each point's mean firing rate on those words, ``rate_hz``."""
    names = [name for name in grid if name in METHODS[method].parameters]
    needed = sorted({w.lower() for frame in pairs.values() for w in (*frame["word1"], *frame["word2"])})
    dense = Representation(embedding)
    rows = np.unique(dense.rows(needed))
    rows = rows[rows >= 0]
    words = [embedding.words[i] for i in rows]
    points = [dict(zip(names, values)) for values in itertools.product(*(grid[name] for name in names))]
    spiking = rate_rows is not None and METHODS[method].family == "spiking"
    rate_vectors = np.asarray(embedding.vectors[rate_rows]) if spiking else None
    rates: dict[tuple, float] = {}
    results, why_undefined = [], {}
    for point in points:
        with plugin_call(method, f"tuning at {point}"):
            binarizer = build_binarizer(method, params, tuned=point, seed=0).fit(embedding.vectors)
            packed = binarizer.checked_codes(binarizer.transform(embedding.vectors[rows]), len(rows))
        rate = {"rate_hz": _firing_rate(binarizer, rate_vectors, rates)} if spiking else {}
        codes = BinaryCodes(words, packed, binarizer.n_bits_)
        summaries = {name: word_similarity(Representation(codes), frame)[1] for name, frame in pairs.items()}
        scores = {name: summary["spearman"] for name, summary in summaries.items()}
        why_undefined.update({n: s["undefined"] for n, s in summaries.items() if "undefined" in s})
        finite = [value for value in scores.values() if np.isfinite(value)]
        results.append({**point, **rate, **scores, "score": float(np.mean(finite)) if finite else np.nan})
    table = pd.DataFrame(results)
    if table["score"].isna().all():
        reasons = "; ".join(f"{name}: {reason}" for name, reason in why_undefined.items())
        raise TuningError(
            f"tuning {method}: no point of its grid ({len(points)} points) gives a defined Spearman "
            f"on any tuning set ({reasons}); check the sets (config keys 'tuning.dataset' and "
            "'tuning.test_sets') and the grid ('tuning.grid')"
        )
    return table, points[int(np.nanargmax(table["score"].to_numpy()))]


def _firing_rate(binarizer, X, known: dict) -> float:
    """Mean firing rate (Hz) of a fitted spiking coder's neurons on the words ``X``, once per
    setting but tol (``known``: setting -> rate)."""
    from ..binarizers.spiking import DURATION_MS, spikes_and_codes

    setting = tuple(
        sorted((k, repr(v)) for k, v in binarizer.get_params().items() if k not in ("tol", "chunk_size"))
    )
    if setting not in known:
        counts, _ = spikes_and_codes(binarizer, X)
        known[setting] = float(counts.mean() * 1000.0 / DURATION_MS)
    return known[setting]


def best_under(table: pd.DataFrame, ceiling_hz: float) -> int | None:
    """The row of a tuning table (with ``rate_hz``) scoring best among those whose mean rate is at
    most ``ceiling_hz`` (the first in grid order among equals, as :func:`tune` chooses), or None
    where every point fires faster or has no score."""
    under = table[(table["rate_hz"] <= ceiling_hz) & table["score"].notna()]
    return None if under.empty else int(under["score"].idxmax())


def choice_under(table: pd.DataFrame, grid: dict[str, list], ceiling_hz: float) -> dict | None:
    """The grid point (its values as ``grid`` gives them: an integer stays one) of
    :func:`best_under`, with its ``score`` and ``rate_hz``, or None."""
    row = best_under(table, ceiling_hz)
    if row is None:
        return None
    point = {}
    for name in (name for name in grid if name in table.columns):
        value = table.at[row, name]
        point[name] = next(v for v in grid[name] if v == value)
    return {
        "params": point,
        "score": float(table.at[row, "score"]),
        "rate_hz": float(table.at[row, "rate_hz"]),
    }


class TuningError(InputError):
    """A grid and tuning sets on which no point can be scored."""


def grid_edges(grid: dict[str, list], point: dict) -> list[str]:
    """Parameters of ``point`` that are scanned over at least three numeric values in ``grid`` and
    whose value in ``point`` is the smallest or the largest of them."""
    edges = []
    for name, value in point.items():
        values = grid.get(name, [])
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numeric and len(set(values)) >= 3 and value in (min(values), max(values)):
            edges.append(name)
    return edges
