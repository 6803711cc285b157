"""One check of the promises a binarizer keeps for the workflow, in the spirit of scikit-learn's
``check_estimator``: :func:`check_binarizer` runs them in order and raises
:class:`BinarizerCheckFailed` naming the first one broken.

The promises, by name:

- ``parameters``: ``__init__`` stores each parameter under its own name, unchanged;
  ``get_params`` returns exactly them, ``set_params`` sets them (and refuses others), a copy built
  from ``get_params()`` has the same; a stochastic class takes ``random_state`` and only it does;
  the registry entry of a registered method lists the same parameters and randomness.
- ``fit``: ``fit(X)`` returns the estimator, sets ``n_bits_`` (an int >= 1) and ``n_features_in_``,
  and changes neither ``X`` nor the parameters; ``transform`` before ``fit`` raises.
- ``packed bits``: ``transform`` returns uint8 of shape (words, ceil(n_bits_ / 8)), bits first to
  last from the most significant bit of each byte (:func:`binembed.codes.pack_bits`), so the
  padding bits after n_bits_ are 0; and not every word gets the same code.
- ``input checks``: NaN or infinite values, and a matrix of other dimensions than fitted, raise
  ``ValueError``.
- ``same seed, same codes``: two estimators with the same parameters (and seed) give the same codes.
- ``seed changes codes``: for a stochastic method, seeds 0 and 1 give different codes.
- ``pickling``: a fitted model pickled and loaded again (as chunked jobs load it) codes the same.
- ``row blocks``: what a vocabulary split into chunks relies on: ``transform`` of blocks that start
  at multiples of ROW_BLOCK rows equals those rows of one ``transform``, and ``transform_rows``
  over such chunks gives exactly ``fit_transform(X)``.
- ``metadata``: ``encode(words, X)`` gives codes recording the method's name, ``get_params()`` and
  n_bits_, as JSON, that survive a save and a load unchanged.
"""

from __future__ import annotations

import copy
import inspect
import json
import pickle
import tempfile
from pathlib import Path

import numpy as np

from .binarizers.base import ROW_BLOCK
from .codes import BinaryCodes

#: Rows of the default check matrix: two full ROW_BLOCKs and a part, so that blocks and chunks matter.
CHECK_ROWS = 2 * ROW_BLOCK + 123
#: Its dimensions: 13, so that a code of one or a few bits per dimension ends inside a byte.
CHECK_DIMS = 13


class BinarizerCheckFailed(AssertionError):
    """A binarizer broke one of the promises of :func:`check_binarizer` (named in the message)."""


def check_matrix(n_words: int = CHECK_ROWS, dims: int = CHECK_DIMS, seed: int = 0) -> np.ndarray:
    """Embedding-like float32 test vectors: a rank-5 signal plus noise, values mostly in [-2, 2]."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_words, 5)) @ rng.normal(scale=0.4, size=(5, dims))
    return (X + rng.normal(scale=0.1, size=(n_words, dims))).astype(np.float32)


def check_binarizer(binarizer, X=None) -> None:
    """Check every promise (module docstring) of ``binarizer``, a class (built with its defaults) or
    an unfitted instance whose parameters are used, on ``X`` (default :func:`check_matrix`). Raises
    :class:`BinarizerCheckFailed` naming the class and the first promise broken."""
    instance = binarizer() if isinstance(binarizer, type) else binarizer
    X = check_matrix() if X is None else np.asarray(X, dtype=np.float32)
    name = f"{type(instance).__name__} ({getattr(instance, 'method_name', 'no method_name')})"
    for promise, check in _CHECKS:
        try:
            problem = check(instance, X)
        except BinarizerCheckFailed:
            raise
        except Exception as error:  # noqa: BLE001 (a check that raises is a broken promise, said as such)
            problem = f"raised {type(error).__name__}: {error}"
        if problem:
            raise BinarizerCheckFailed(f"{name} breaks the promise '{promise}': {problem}")


def _fresh(instance, **changes):
    """An unfitted estimator of the same class and parameters, with ``changes``."""
    return type(instance)(**{**instance.get_params(), **changes})


def _seeded(instance, seed):
    return _fresh(instance, random_state=seed) if getattr(instance, "stochastic", False) else _fresh(instance)


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b if not isinstance(a, np.ndarray) else np.array_equal(a, b))


def _parameters(instance, X):
    cls = type(instance)
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    if not isinstance(getattr(cls, "method_name", None), str) or not isinstance(
        getattr(cls, "stochastic", None), bool
    ):
        return "the class must set method_name (a str) and stochastic (a bool)"
    params = instance.get_params()
    if list(params) != names:
        return f"get_params() gives {list(params)}, __init__ takes {names}"
    for key in names:
        if not hasattr(instance, key) or not _same(getattr(instance, key), params[key]):
            return f"parameter {key!r} is not stored unchanged under its own name"
    copied = cls(**params).get_params()
    if any(not _same(copied[key], params[key]) for key in names):
        return "a copy built from get_params() has other parameters"
    if cls.stochastic != ("random_state" in names):
        return "a stochastic method takes random_state, and only a stochastic one"
    other = _fresh(instance)
    if other.set_params(**params) is not other:
        return "set_params does not return the estimator"
    try:
        other.set_params(no_such_parameter=1)
    except ValueError:
        pass
    else:
        return "set_params accepts a parameter the class does not have"
    from .methods import METHODS

    if cls.method_name in METHODS:
        spec = METHODS[cls.method_name]
        if spec.parameters != tuple(names) or spec.stochastic != cls.stochastic:
            return (
                f"the registry says parameters {list(spec.parameters)}, stochastic {spec.stochastic}; the "
                f"class has {names}, stochastic {cls.stochastic}"
            )
    return None


def _fit(instance, X):
    estimator, before, params = _fresh(instance), X.copy(), copy.deepcopy(instance.get_params())
    if _gives_codes(estimator.transform, X):
        return "transform before fit gives codes instead of raising"
    if estimator.fit(X) is not estimator:
        return "fit does not return the estimator"
    n_bits = getattr(estimator, "n_bits_", None)
    if not isinstance(n_bits, int | np.integer) or n_bits < 1:
        return f"n_bits_ after fit is {n_bits!r}, not an int >= 1"
    if getattr(estimator, "n_features_in_", None) != X.shape[1]:
        return f"n_features_in_ is {getattr(estimator, 'n_features_in_', None)!r}, not {X.shape[1]}"
    if not np.array_equal(X, before):
        return "fit changed its input"
    estimator.transform(X)
    if not np.array_equal(X, before):
        return "transform changed its input"
    if any(not _same(value, params[key]) for key, value in estimator.get_params().items()):
        return "fit changed a parameter (what fit learns belongs in an attribute ending in _)"
    return None


def _gives_codes(transform, X) -> bool:
    """Whether ``transform(X)`` returns instead of raising (any error says "not fitted")."""
    try:
        transform(X)
    except Exception:  # noqa: BLE001
        return False
    return True


def _packed_bits(instance, X):
    estimator = _fresh(instance).fit(X)
    codes = estimator.transform(X)
    expected = (len(X), (int(estimator.n_bits_) + 7) // 8)
    if not isinstance(codes, np.ndarray) or codes.dtype != np.uint8:
        return f"transform returns {type(codes).__name__} of {getattr(codes, 'dtype', '?')}, not uint8"
    if codes.shape != expected:
        return f"transform returns shape {codes.shape}; n_bits_ = {estimator.n_bits_} packed is {expected}"
    spare = -int(estimator.n_bits_) % 8
    if spare and (codes[:, -1] & ((1 << spare) - 1)).any():
        return (
            f"the {spare} padding bits after bit {estimator.n_bits_} are not 0: bits must fill each byte "
            "from its most significant bit (binembed.codes.pack_bits, numpy.packbits' big bit order)"
        )
    if (codes == codes[0]).all():
        return "every word gets the same code"
    return None


def _input_checks(instance, X):
    estimator = _fresh(instance).fit(X)
    for what, bad in (("a NaN", _with_nan(X)), ("other dimensions", X[:, :-1])):
        try:
            estimator.transform(bad)
        except ValueError:
            continue
        except Exception as error:  # noqa: BLE001
            return f"transform of {what} raised {type(error).__name__}, not ValueError"
        return f"transform of {what} gives codes instead of raising ValueError"
    try:
        _fresh(instance).fit(_with_nan(X))
    except ValueError:
        return None
    return "fit of a matrix with a NaN does not raise ValueError"


def _with_nan(X):
    bad = X.copy()
    bad[len(X) // 2, 0] = np.nan
    return bad


def _same_seed(instance, X):
    first = _seeded(instance, 0).fit_transform(X)
    if not np.array_equal(first, _seeded(instance, 0).fit_transform(X)):
        return "two fits with the same parameters and seed give different codes"
    return None


def _seed_changes(instance, X):
    if not instance.stochastic:
        return None
    if np.array_equal(_seeded(instance, 0).fit_transform(X), _seeded(instance, 1).fit_transform(X)):
        return "seeds 0 and 1 give the same codes: random_state is not used"
    return None


def _pickling(instance, X):
    estimator = _seeded(instance, 0).fit(X)
    loaded = pickle.loads(pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL))
    if not np.array_equal(loaded.transform(X), estimator.transform(X)):
        return "a fitted model pickled and loaded again codes differently"
    return None


def _row_blocks(instance, X):
    estimator = _seeded(instance, 0)
    whole = estimator.fit_transform(X)
    starts = range(0, len(X), ROW_BLOCK)
    chunked = np.concatenate(
        [estimator.transform_rows(X, start, min(start + ROW_BLOCK, len(X))) for start in starts]
    )
    if not np.array_equal(chunked, whole):
        return f"transform_rows over chunks of {ROW_BLOCK} rows differs from fit_transform(X)"
    transformed = estimator.transform(X)
    blocks = np.concatenate([estimator.transform(X[start : start + ROW_BLOCK]) for start in starts])
    if not np.array_equal(blocks, transformed):
        return f"transform of blocks of {ROW_BLOCK} rows differs from one transform of every row"
    return None


def _metadata(instance, X):
    estimator = _seeded(instance, 0)
    words = [f"word{i}" for i in range(len(X))]
    codes = estimator.encode(words, X, {"embedding": "check"})
    if codes.metadata.get("method") != type(instance).method_name:
        return f"the codes record method {codes.metadata.get('method')!r}, not {type(instance).method_name!r}"
    if codes.metadata.get("params") != estimator.get_params() or codes.metadata.get("embedding") != "check":
        return "the codes' metadata does not record get_params() and the metadata given to encode"
    # transform_rows over every row is fit_transform(X) (the row-blocks promise): no second fit
    if codes.n_bits != estimator.n_bits_ or not np.array_equal(
        codes.packed, estimator.transform_rows(X, 0, len(X))
    ):
        return "encode's codes are not fit_transform's"
    try:
        json.dumps(codes.metadata)
    except TypeError as error:
        return f"the codes' metadata is not JSON: {error}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codes.npz"
        codes.save(path)
        loaded = BinaryCodes.load(path)
    if loaded.metadata != json.loads(json.dumps(codes.metadata)) or not np.array_equal(
        loaded.packed, codes.packed
    ):
        return "codes saved and loaded again differ"
    return None


_CHECKS = (
    ("parameters", _parameters),
    ("fit", _fit),
    ("packed bits", _packed_bits),
    ("input checks", _input_checks),
    ("same seed, same codes", _same_seed),
    ("seed changes codes", _seed_changes),
    ("pickling", _pickling),
    ("row blocks", _row_blocks),
    ("metadata", _metadata),
)
