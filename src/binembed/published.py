"""Published numbers of the two papers, kept as data (``data/published.csv``) so that the fidelity
note can set them beside ours and compute, rather than assert, what they show.

One row per published cell: the paper and its table, the vectors it was computed on (as named in
``products.paper_vectors`` of config.yaml), the method and dataset under binembed's names, the
metric on binembed's scale (Spearman x 100, accuracy in %), the published value, its std over
``n_seeds`` seeds where the paper gives one (empty otherwise), the number of decimals printed, and
where the number comes from. A row is added only from a source that can be named.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

PUBLISHED_CSV = Path(__file__).with_name("data") / "published.csv"
COLUMNS = ["paper", "table", "vectors", "method", "dataset", "metric", "value", "std", "n_seeds", "decimals",
           "provenance"]  # fmt: skip


def load_published(path=PUBLISHED_CSV) -> pd.DataFrame:
    """The published cells; raises ValueError naming the file when a column is missing."""
    table = pd.read_csv(path)
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return table[COLUMNS]


def smallest_grid(values, decimals: int, max_denominator: int = 1000) -> int | None:
    """The smallest n <= ``max_denominator`` such that every value / 100, printed with
    ``decimals`` decimals of the x 100 scale, is the rounding of some multiple k / n; None if there
    is none. A correlation over N pairs with few distinct ranks can only take values on such a grid,
    so a small n hints that a published column was not computed over the full set."""
    half_step = Fraction(5, 10 ** (decimals + 1)) / 100  # half a printed unit, on the [0, 1] scale
    targets = [Fraction(str(value)) / 100 for value in values]
    for n in range(1, max_denominator + 1):
        if all(_nearest_multiple_within(target, n, half_step) for target in targets):
            return n
    return None


def _nearest_multiple_within(target: Fraction, n: int, half_step: Fraction) -> bool:
    k = round(target * n)
    return abs(Fraction(k, n) - target) <= half_step


def deterministic_values(published: pd.DataFrame, table: str, dataset: str) -> np.ndarray:
    """Published values of one table and dataset that come from one run (no std over seeds)."""
    rows = published[(published.table == table) & (published.dataset == dataset) & published["std"].isna()]
    return rows["value"].to_numpy(dtype=np.float64)
