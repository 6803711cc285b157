"""What the figures share: the style of each family of methods, labels spread beside their points,
and the lines of the tuning figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Legend label and colour of each family of methods (binembed.methods.METHODS), and of dense.
FAMILY_STYLE = {
    "dense": ("dense float32", "black"),
    "sign": ("sign", "tab:gray"),
    "spiking": ("spiking coders", "tab:blue"),
    "classic": ("LSH / ITQ / overcomplete", "tab:green"),
    "autoencoder": ("autoencoders", "tab:orange"),
    "other": ("other methods", "tab:purple"),
}


def spread_labels(targets, gap: float, low: float, high: float) -> np.ndarray:
    """Positions for labels wanted at ``targets`` (one axis, e.g. points on the page): at least
    ``gap`` apart, each block of crowded labels centred on the mean of its targets, all within
    [low, high] when they fit there; returned in the order of ``targets``."""
    targets = np.asarray(targets, dtype=np.float64)
    order = np.argsort(targets, kind="stable")
    blocks = []  # [first position, count, sum of targets], in ascending order
    for target in targets[order]:
        blocks.append([target, 1, target])
        while len(blocks) > 1 and blocks[-2][0] + blocks[-2][1] * gap > blocks[-1][0]:
            _, count, total = blocks.pop()
            blocks[-1][1] += count
            blocks[-1][2] += total
            blocks[-1][0] = blocks[-1][2] / blocks[-1][1] - (blocks[-1][1] - 1) * gap / 2
    positions = np.concatenate([first + gap * np.arange(count) for first, count, _ in blocks])
    if len(positions) and (len(positions) - 1) * gap <= high - low:  # push off the edges, keeping the gap
        for i in range(len(positions)):
            positions[i] = max(positions[i], low if i == 0 else positions[i - 1] + gap)
        for i in range(len(positions) - 1, -1, -1):
            positions[i] = min(positions[i], high if i == len(positions) - 1 else positions[i + 1] - gap)
    placed = np.empty_like(positions)
    placed[order] = positions
    return placed


def label_points(ax, x, y, names, column_pt: float = 45.0, gap_pt: float = 8.5) -> None:
    """Name each point (x, y) of ``ax`` at its right: the points within ``column_pt`` of each
    other left to right form a column of labels, spread ``gap_pt`` apart (centred on their points,
    :func:`spread_labels`) and tied to them by a thin line. Call after the layout is final."""
    x, y, names = np.asarray(x, dtype=float), np.asarray(y, dtype=float), list(names)
    if not len(x):
        return
    to_points = 72.0 / ax.figure.dpi
    page = ax.transData.transform(np.column_stack([x, y])) * to_points
    bottom, top = (ax.transAxes.transform([(0, 0), (0, 1)])[:, 1] * to_points) + (4, -4)
    groups = np.empty(len(x), dtype=int)
    group, start = -1, -np.inf
    for i in np.argsort(page[:, 0], kind="stable"):
        if page[i, 0] - start > column_pt:
            group, start = group + 1, page[i, 0]
        groups[i] = group
    for g in np.unique(groups):
        members = np.flatnonzero(groups == g)
        wanted = spread_labels(page[members, 1], gap_pt, bottom, top)
        right = page[members, 0].max()
        for i, target in zip(members, wanted):
            ax.annotate(
                names[i],
                (x[i], y[i]),
                xytext=(right - page[i, 0] + 10, target - page[i, 1]),
                textcoords="offset points",
                fontsize=7,
                va="center",
                arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 2},
            )


def tuning_curves(grid: pd.DataFrame, chosen: dict) -> tuple[str, list[str], dict, tuple[float, float]]:
    """The lines of a tuning figure from a tuning grid table (one row per grid point, its
    parameters and ``score``): the scanned scale parameter (``max_rate`` or ``i_boost``), the other
    parameters that take several values, one (x, score) line per setting of those (keyed by the
    tuple of their values) and the chosen point."""
    names = [c for c in ("tol", "i_boost", "v_th", "max_rate", "sigma") if c in grid.columns]
    scan = "max_rate" if "max_rate" in names else "i_boost"
    others = [n for n in names if n != scan and grid[n].nunique() > 1]
    curves = {}
    for setting, rows in grid.groupby(others, sort=True) if others else [((), grid)]:
        rows = rows.sort_values(scan)
        key = setting if isinstance(setting, tuple) else (setting,)
        curves[key] = (rows[scan].to_numpy(dtype=float), rows["score"].to_numpy(dtype=float))
    match = np.logical_and.reduce([grid[n] == chosen[n] for n in names if n in chosen])
    return scan, others, curves, (float(chosen[scan]), float(grid.loc[match, "score"].iloc[0]))
