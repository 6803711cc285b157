"""The parameters a paper states for a method: what its ``<method>-paper`` variant runs with.

They are data, ``data/published_settings.csv`` (paper, section, setting, methods, value), and
nothing a user edits in config.yaml changes them: a ``-paper`` variant is the method's estimator
defaults, with config.yaml's ``paper_settings.params`` (our reading of what the paper leaves
unstated, such as the Poisson coder's normalization) and then these stated values laid over
them. A setting that belongs to the vectors (``i_boost GloVe``, ``i_boost word2vec``) applies
to an embedding through the paper's vectors it stands for (``products.paper_vectors``: a
``paper`` named ``GloVe ...`` or ``word2vec ...``).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

SETTINGS_CSV = Path(__file__).with_name("data") / "published_settings.csv"


@functools.cache
def _rows() -> tuple[dict, ...]:
    with open(SETTINGS_CSV, encoding="utf-8", newline="") as stream:
        return tuple(csv.DictReader(stream))


def _typed(method: str, name: str, text: str):
    """The value as the method's setting takes it: a float where its schema says number (so that
    codes record 10.0, as config.yaml writes it), else an integer where the text is one (tol, a
    bit budget); space-separated values are a list (Entjes' three code sizes)."""
    from .configuration.validation import schema_definition
    from .methods import METHODS

    schema = schema_definition(METHODS[method].settings.get(name, {}))
    number = schema.get("type") == "number"
    values = [float(v) if number or not v.lstrip("-").isdigit() else int(v) for v in text.split()]
    return values[0] if len(values) == 1 else values


def stated_parameters(method: str, vectors: str | None = None) -> dict:
    """Parameter -> value of every setting the papers state for ``method`` that is one of its
    estimator's parameters; with ``vectors`` (``"GloVe"`` or ``"word2vec"``) the settings stated
    for those vectors only, without it the others."""
    from .methods import METHODS

    spec = METHODS[method]
    stated = {}
    for row in _rows():
        name, _, qualifier = row["setting"].partition(" ")
        applies = method in row["methods"].split() or row["methods"] in (spec.family, "all")
        if applies and name in spec.parameters and (qualifier or None) == vectors:
            stated[name] = _typed(method, name, row["value"])
    return stated


def vectors_family(paper_vectors: dict, embedding: str) -> str | None:
    """``"GloVe"`` or ``"word2vec"``: the vectors ``embedding`` stands for in
    ``products.paper_vectors`` (the first word of their ``paper`` name), None if it stands for none."""
    entry = paper_vectors.get(embedding)
    return entry["paper"].split()[0] if entry else None
