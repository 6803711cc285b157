"""How a workflow binarize job encodes an embedding: in one job, or, for a large vocabulary, fitted
once and encoded in row chunks that are jobs of their own (a SLURM cluster runs them side by side).

Once a method is fitted, the code of a word is the fitted model's transform of its vector
(Overcomplete-B: the code learned with the dictionary for the words it was fitted on, a fresh
solve for the others). So :func:`fit_model` fits on every row and saves the model with the
metadata its codes carry, :func:`encode_rows` codes one chunk of rows
(:meth:`BaseBinarizer.transform_rows`), and :func:`gather_codes` joins the chunks. Chunks hold a
multiple of :data:`binembed.binarizers.base.ROW_BLOCK` rows, so every transform's BLAS blocks fall on
the same rows as in one job: the joined codes are byte for byte those of
:meth:`BaseBinarizer.encode`.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

from ..codes import BinaryCodes
from ..fileio.files import atomic_output
from ..methods import build_binarizer
from ..plugins import plugin_call
from .base import ROW_BLOCK


def configured_binarizer(method, params, job: dict, threads, tuning_file=None):
    """A binarize job's binarizer (:func:`build_binarizer`) and the metadata its codes record: the
    ``job``'s embedding, variant and seed (its wildcards), and the tuned parameters' provenance
    when ``tuning_file`` (a tune job's JSON) is given."""
    metadata = {"embedding": job["embedding"], "variant": job["variant"], "seed": int(job["seed"])}
    tuned = None
    if tuning_file is not None:
        choice = json.loads(Path(tuning_file).read_text())
        tuned = choice["params"]
        metadata["tuning"] = {key: choice[key] for key in ("protocol", "datasets", "score")}
    with plugin_call(method, "making its estimator"):
        binarizer = build_binarizer(method, params, tuned=tuned, seed=metadata["seed"], threads=threads)
    return binarizer, metadata


def encode_vocabulary(binarizer, words, X, metadata: dict) -> BinaryCodes:
    """The codes of every word (:meth:`BaseBinarizer.encode`), a plugin's failure named as its own
    (:func:`binembed.plugins.plugin_call`)."""
    with plugin_call(binarizer.method_name, "fitting and encoding"):
        return binarizer.encode(words, X, metadata)


def row_chunks(n_words: int, chunk_rows: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of ``chunk_rows`` rows (a multiple of ROW_BLOCK)."""
    if chunk_rows < 1 or chunk_rows % ROW_BLOCK:
        raise ValueError(f"chunk_rows must be a positive multiple of {ROW_BLOCK}, got {chunk_rows}")
    return [(start, min(start + chunk_rows, n_words)) for start in range(0, n_words, chunk_rows)]


def fit_model(binarizer, X, metadata: dict, path) -> Path:
    """Fit ``binarizer`` on all of ``X`` and save it with the metadata of its codes."""
    with plugin_call(binarizer.method_name, "fitting"):
        binarizer.fit(X)
        model = {"binarizer": binarizer, "metadata": binarizer.codes_metadata(X, metadata), "rows": len(X)}
    with atomic_output(path) as tmp, open(tmp, "wb") as out:
        pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(path)


def load_model(path) -> dict:
    """A model saved by :func:`fit_model` (a file this workflow wrote: it is unpickled)."""
    with open(path, "rb") as stream:
        return pickle.load(stream)


def encode_rows(model_path, X, start: int, stop: int, path) -> Path:
    """The packed codes of rows [start, stop) of ``X`` by the saved model, as ``.npy``."""
    if start % ROW_BLOCK:
        raise ValueError(f"a chunk must start at a multiple of {ROW_BLOCK} rows, not at {start}")
    binarizer = load_model(model_path)["binarizer"]
    with plugin_call(binarizer.method_name, f"encoding rows {start} to {stop}"):
        packed = binarizer.checked_codes(binarizer.transform_rows(X, start, stop), stop - start)
    with atomic_output(path, suffix=".npy") as tmp:
        np.save(tmp, packed)
    return Path(path)


def gather_codes(words, model_path, chunk_paths) -> BinaryCodes:
    """The codes of every word from the chunks, in order, with the model's metadata."""
    model = load_model(model_path)
    if len(words) != model["rows"]:
        raise ValueError(f"{model_path} was fitted on {model['rows']} words, the vocabulary has {len(words)}")
    binarizer = model["binarizer"]
    packed = np.empty((len(words), (binarizer.n_bits_ + 7) // 8), dtype=np.uint8)
    start = 0
    for chunk in chunk_paths:
        rows = np.load(chunk)
        packed[start : start + len(rows)] = rows
        start += len(rows)
    if start != len(words):
        raise ValueError(f"the chunks hold {start} rows, the vocabulary {len(words)}")
    return BinaryCodes(list(words), packed, binarizer.n_bits_, model["metadata"])
