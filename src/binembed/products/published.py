"""What the two papers publish, kept as data so that the fidelity note can set every cell beside
ours and compute, rather than assert, what the numbers show.

``data/published.csv``: one row per published number, located by ``paper``, ``table``, ``row`` and
``column`` as printed, and mapped to binembed's names: the vectors it was computed on (as named
in ``products.paper_vectors`` of config.yaml), the method (a variant name, ``dense`` for the
original vectors), the dataset (a resource name, or ``table1-average``, ``classification-average``
and ``overall`` for Wang et al.'s averages) and the metric on binembed's scale (Spearman x 100,
accuracy in %; ``mean`` for an average of both). ``value`` and, where printed, ``std`` over
``n_seeds`` seeds; ``decimals`` printed on that scale; ``bold`` where the paper sets the cell in
bold (Entjes' significant results); ``note`` on how the cell is read.
``data/published_neighbours.csv``: Entjes' Table 4.2, a row per (model, rank).
``data/published_settings.csv``: the settings the papers' text states, with where it states them.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).parents[1] / "data"
PUBLISHED_CSV = DATA / "published.csv"
NEIGHBOURS_CSV = DATA / "published_neighbours.csv"
SETTINGS_CSV = DATA / "published_settings.csv"
CITATIONS = {
    "Wang et al. 2019": "Wang, Zhang, Xu, Shi and Xu (2019), Biological Neuron Coding Inspired Binary Word "
    "Embeddings, Cognitive Computation 11:676-684",
    "Entjes 2021": "Entjes (2021), Binarizing word embeddings using straight-through estimators, bachelor's "
    "thesis, University of Groningen",
}
COLUMNS = ["paper", "table", "row", "column", "vectors", "method", "dataset", "metric", "value", "std", "n_seeds",
           "decimals", "bold", "note"]  # fmt: skip
NEIGHBOUR_COLUMNS = ["paper", "table", "row", "column", "vectors", "method", "query", "rank", "word"]
SETTING_COLUMNS = ["paper", "where", "setting", "methods", "value", "unit", "note"]


def _read(path, columns) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    unknown = sorted(set(table["paper"]) - set(CITATIONS))
    if unknown:
        raise ValueError(f"{path}: papers {unknown} are not among {sorted(CITATIONS)}")
    return table[columns]


def load_published(path=PUBLISHED_CSV) -> pd.DataFrame:
    """The published numbers; raises ValueError naming the file when a column or a paper is unknown."""
    table = _read(path, COLUMNS)
    return table.assign(bold=table["bold"].astype(str).str.lower() == "true")


def load_neighbours(path=NEIGHBOURS_CSV) -> pd.DataFrame:
    """Entjes' Table 4.2: the nearest words of each query under each model, by rank."""
    return _read(path, NEIGHBOUR_COLUMNS)


def load_settings(path=SETTINGS_CSV) -> pd.DataFrame:
    """The settings the papers' text states."""
    return _read(path, SETTING_COLUMNS)


def arithmetic_checks(published: pd.DataFrame) -> pd.DataFrame:
    """Every number of a paper that its other numbers determine, recomputed: Wang et al.'s Table 1
    average (mean of the row's six values), Table 2's word similarity (Table 1's average, printed
    the same) and Table 2's average (mean of the row's two values). A mean of printed values may
    differ from the printed mean by the rounding of each (half a printed unit) and of the mean;
    ``consistent`` says whether the printed number lies within that."""
    wang = published[published.paper == "Wang et al. 2019"]
    table1 = wang[wang.table == "Table 1"]
    table2 = wang[wang.table == "Table 2"].set_index(["row", "column"])["value"]
    rows = []
    for name, cells in table1.groupby("row", sort=False):
        parts = cells[cells.dataset != "table1-average"]
        average = cells[cells.dataset == "table1-average"].iloc[0]
        half_unit = 0.5 * 10.0 ** -int(average.decimals)
        rows.append(("Table 1 Average = mean of the six sets", "Table 1", name, average.value,
                     parts.value.mean(), 2 * half_unit))  # fmt: skip
        if (name, "Word similarity") in table2.index:
            rows.append(("Table 2 Word similarity = Table 1 Average", "Table 2", name,
                         table2[name, "Word similarity"], average.value, 0.0))  # fmt: skip
    for name in dict.fromkeys(row for row, _ in table2.index):
        half_unit = 0.5 * 10.0**-2
        rows.append(("Table 2 Average = mean of word similarity and classification", "Table 2", name,
                     table2[name, "Average"],
                     (table2[name, "Word similarity"] + table2[name, "Text classification"]) / 2,
                     2 * half_unit))  # fmt: skip
    checks = pd.DataFrame(rows, columns=["check", "table", "row", "printed", "recomputed", "tolerance"])
    checks["difference"] = (checks.printed - checks.recomputed).round(6)
    return checks.assign(consistent=checks.difference.abs() <= checks.tolerance + 1e-9)


def smallest_grid(values, decimals: int, max_denominator: int = 1000) -> int | None:
    """The smallest n <= ``max_denominator`` such that every value / 100, printed with
    ``decimals`` decimals of the x 100 scale, is the rounding of some multiple k / n; None if there
    is none."""
    half_step = Fraction(5, 10 ** (decimals + 1)) / 100  # half a printed unit, on the [0, 1] scale
    targets = [Fraction(str(value)) / 100 for value in values]
    for n in range(1, max_denominator + 1):
        if all(_nearest_multiple_within(target, n, half_step) for target in targets):
            return n
    return None


def _nearest_multiple_within(target: Fraction, n: int, half_step: Fraction) -> bool:
    k = round(target * n)
    return abs(Fraction(k, n) - target) <= half_step


def grid_fraction(n: int, decimals: int) -> Fraction:
    """The fraction of the printable values in [0, 100] (steps of 10^-decimals) that are the
    rounding of some multiple of 1/n (x 100): the chance that a value drawn uniformly among them
    lies on the grid of 1/n."""
    scale = 100 * 10**decimals  # printable values are j / scale, j = 0 .. scale
    k = np.arange(n + 1, dtype=np.int64)
    # the j with |j - k scale / n| <= 1/2, in integers: (2 k scale - n) / 2n <= j <= (2 k scale + n) / 2n
    low = np.maximum(-((n - 2 * k * scale) // (2 * n)), 0)
    high = np.minimum((2 * k * scale + n) // (2 * n), scale)
    hit = np.zeros(scale + 2, dtype=np.int64)
    np.add.at(hit, low, 1)
    np.add.at(hit, high + 1, -1)
    return Fraction(int(np.count_nonzero(np.cumsum(hit)[: scale + 1])), scale + 1)


def chance_of_a_grid(n: int, decimals: int, n_values: int) -> float:
    """An upper bound on the chance that ``n_values`` values drawn independently and uniformly
    among the printable values lie together on the grid of 1/m for some m <= n: the sum over m
    of grid_fraction(m) ^ n_values (the union bound)."""
    return min(1.0, float(sum(grid_fraction(m, decimals) ** n_values for m in range(1, n + 1))))


def column_grids(published: pd.DataFrame, max_denominator: int = 1000) -> pd.DataFrame:
    """For each column of a table of word-similarity values (single-run cells and seed means
    apart): its distinct values, the smallest n with every value on the grid of 1/n, and the chance
    of so small an n if the values fell anywhere (:func:`chance_of_a_grid`). Where no n fits every
    value, the same for all values but one (``left_out``: the row whose value is left out, the one
    giving the smallest n; the chance then bounds that of any one cell left out)."""
    cells = published[(published.metric == "spearman") & ~published.dataset.str.contains("average", na=False)]
    rows = []
    for (paper, table, column), group in cells.groupby(["paper", "table", "column"], sort=False):
        for kind, part in (
            ("single run", group[group.n_seeds.fillna(1) == 1]),
            ("seed mean", group[group.n_seeds > 1]),
        ):
            if part.empty:
                continue
            decimals = int(part.decimals.iloc[0])
            left_out, values = "", sorted(set(part.value))
            n = smallest_grid(values, decimals, max_denominator)
            if n is None and len(values) > 2:
                fits = []
                for cell in part.itertuples():
                    rest = sorted(set(part.value[part.row != cell.row]))
                    found = smallest_grid(rest, decimals, max_denominator)
                    if found is not None:
                        fits.append((found, cell.row, rest))
                if fits:
                    n, left_out, values = min(fits)
            chance = chance_of_a_grid(n, decimals, len(values)) if n is not None else np.nan
            if left_out:  # any one of the cells could have been left out: the union over them
                chance = min(1.0, chance * len(part))
            rows.append((paper, table, column, kind, len(part), len(values), n, chance, left_out))
    return pd.DataFrame(
        rows,
        columns=[
            "paper",
            "table",
            "column",
            "cells",
            "n_cells",
            "n_distinct",
            "grid_n",
            "chance",
            "left_out",
        ],
    ).astype({"grid_n": "Int64"})
