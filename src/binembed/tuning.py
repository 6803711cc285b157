"""Choosing embedding-specific parameters (I_boost, tol, v_th of the spiking coders) by grid search
on word-similarity sets.

Every grid point binarizes only the words the tuning sets need (the coders treat words
independently; ``fit`` still sees the whole vocabulary), scores the codes by the mean Spearman
over the sets, and the best point wins, ties going to the first in grid order. Stochastic coders
are tuned with seed 0.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .codes import BinaryCodes
from .embeddings import Embedding
from .evaluation import Representation, word_similarity


def grid_for(method: str, grid: dict) -> dict[str, list]:
    """The method's grid: ``grid["default"]`` with the method's own entries laid over it."""
    return {**grid.get("default", {}), **grid.get(method, {})}


def tune(cls, params: dict, grid: dict[str, list], embedding: Embedding, pairs: dict[str, pd.DataFrame]):
    """Score every point of ``grid`` (parameters ``cls`` does not take are ignored) and return the
    table of scores and the winning point."""
    names = [name for name in grid if name in cls().get_params()]
    needed = sorted({w.lower() for frame in pairs.values() for w in (*frame["word1"], *frame["word2"])})
    dense = Representation(embedding)
    rows = np.unique(dense.rows(needed))
    rows = rows[rows >= 0]
    words = [embedding.words[i] for i in rows]
    points = [dict(zip(names, values)) for values in itertools.product(*(grid[name] for name in names))]
    results = []
    for point in points:
        kwargs = {**params, **point}
        if cls.stochastic:
            kwargs["random_state"] = 0
        binarizer = cls(**kwargs).fit(embedding.vectors)
        codes = BinaryCodes(words, binarizer.transform(embedding.vectors[rows]), binarizer.n_bits_)
        scores = {
            name: word_similarity(Representation(codes), frame)[1]["spearman"]
            for name, frame in pairs.items()
        }
        finite = [value for value in scores.values() if np.isfinite(value)]
        results.append({**point, **scores, "score": float(np.mean(finite)) if finite else np.nan})
    table = pd.DataFrame(results)
    return table, points[int(np.nanargmax(table["score"].to_numpy()))]
