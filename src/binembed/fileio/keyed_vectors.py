"""gensim KeyedVectors files read without gensim and without running foreign code: a restricted
unpickler that rebuilds numpy arrays and nothing else."""

from __future__ import annotations

import pickle

import numpy as np

from .embeddings import (
    Embedding,
    EmbeddingFormatError,
    check_expected_dim,
    check_file,
    check_finite,
    check_vocabulary,
    refuse_member,
)


class _PickledRecord:
    """Stand-in for gensim classes: keeps the pickled attribute dictionary and nothing else."""

    def __setstate__(self, state):
        self.__dict__.update(state)


class _KeyedVectorsUnpickler(pickle.Unpickler):
    """Unpickles a gensim KeyedVectors file without gensim and without running foreign code: only
    numpy's array reconstruction is allowed; every gensim class becomes a :class:`_PickledRecord`."""

    _NUMPY = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
        }
    )

    def find_class(self, module, name):
        if module.startswith("gensim."):
            return _PickledRecord
        if (module, name) in self._NUMPY:
            from numpy._core import multiarray

            return getattr(np, name) if module == "numpy" else getattr(multiarray, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a vectors file")


def read_gensim_keyedvectors(
    path, *, member: str | None = None, expected_dim: int | None = None
) -> Embedding:
    """A gensim KeyedVectors file (gensim 3 ``vocab`` layout with ``index`` per word, or gensim 4
    ``index_to_key``), as the word2vec subset in the ``wefe`` wheel. Its vectors are stored inline,
    or, as gensim saves large arrays, in ``<path>.vectors.npy`` beside it (read without pickle)."""
    refuse_member(path, member, "gensim_keyedvectors")
    path = check_file(path)
    with open(path, "rb") as stream:
        try:
            record = _KeyedVectorsUnpickler(stream).load()
        except Exception as err:  # noqa: BLE001 - any failure of the restricted unpickler: a broken file
            raise EmbeddingFormatError(path, f"not a loadable KeyedVectors file ({err})") from None
    if not isinstance(record, _PickledRecord):
        raise EmbeddingFormatError(
            path, f"holds a pickled {type(record).__name__}, not a gensim KeyedVectors object"
        )
    state = record.__dict__
    if "vectors" in state.get("__numpys", []):
        separate = path.with_name(f"{path.name}.vectors.npy")
        if not separate.is_file():
            raise EmbeddingFormatError(
                path, f"its vectors are stored in a separate file, {separate.name}, which is not beside it"
            )
        state["vectors"] = np.load(separate, mmap_mode="r", allow_pickle=False)
    if state.get("vectors") is None:
        raise EmbeddingFormatError(path, "KeyedVectors without vectors")
    if np.ndim(state["vectors"]) == 2:
        check_expected_dim(path, np.shape(state["vectors"])[1], expected_dim)
    vectors = np.asarray(state["vectors"], dtype=np.float32)
    words = _keyed_vectors_words(path, state)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise EmbeddingFormatError(path, f"{len(words)} words for vectors of shape {vectors.shape}")
    rows = list(range(1, len(words) + 1))
    check_vocabulary(path, words, rows, unit="row")
    check_finite(path, vectors, rows, unit="row")
    return Embedding(words, vectors)


def _keyed_vectors_words(path, state) -> list:
    """The words of a KeyedVectors state in row order (gensim 4 ``index_to_key``, or gensim 3
    ``vocab`` entries ordered by their ``index``), as stored: a key that is not a string is left
    for the vocabulary check to refuse."""
    if "index_to_key" in state:
        return list(state["index_to_key"])
    if "vocab" not in state:
        raise EmbeddingFormatError(path, "KeyedVectors without a vocabulary")
    try:
        order = sorted(state["vocab"].items(), key=lambda item: int(item[1].__dict__["index"]))
    except (AttributeError, KeyError, TypeError, ValueError):
        raise EmbeddingFormatError(path, "KeyedVectors whose vocabulary has no row index per word") from None
    return [word for word, _ in order]
