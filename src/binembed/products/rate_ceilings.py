"""What the spiking coders keep at firing rates neurons can sustain, read off their tuning grids.

Every grid point of a tuned spiking coder has a held-out score and the mean firing rate of its
neurons (:func:`binembed.evaluation.tuning.tune`). The *front* of a grid is the best score it
reaches at each rate: the points that beat every point of a lower rate (:func:`quality_front`).
Under a ceiling, the best a coder can do is the best point at or below it (:func:`best_under`);
:func:`ceiling_table` sets that beside the coder's best at any rate, and
:func:`ceiling_paragraph` says it in words for the fidelity note.
"""

from __future__ import annotations

import math

import pandas as pd

from ..evaluation import tuning
from .render import Cell, Grid


def quality_front(grid: pd.DataFrame) -> pd.DataFrame:
    """The points of a tuning grid (``rate_hz``, ``score``) that score higher than every point of
    a lower rate, in order of rate: the best score reachable at each rate."""
    ordered = grid.dropna(subset=["score", "rate_hz"]).sort_values(
        ["rate_hz", "score"], ascending=[True, False], kind="stable"
    )
    keep, best = [], -math.inf
    for index, score in ordered["score"].items():
        if score > best:
            keep.append(index)
            best = score
    return ordered.loc[keep]


def best_under(grid: pd.DataFrame, ceiling_hz: float) -> pd.Series | None:
    """The best-scoring point whose mean rate is at most ``ceiling_hz``
    (:func:`binembed.evaluation.tuning.best_under`), or None where every point fires faster."""
    row = tuning.best_under(grid, ceiling_hz)
    return None if row is None else grid.loc[row]


def ceiling_table(grids: dict, ceilings: list[float]) -> pd.DataFrame:
    """One row per (embedding, variant) of ``grids`` (their tuning tables): the best held-out score
    and its rate, and under each ceiling the best score, its rate, the points lost against the
    best and the share of it kept (percent; NaN where the best is not positive)."""
    rows = []
    for (embedding, variant), grid in grids.items():
        best = grid.loc[grid["score"].idxmax()]
        row = {"embedding": embedding, "method": variant, "score": best.score, "rate_hz": best.rate_hz}
        for ceiling in ceilings:
            point = best_under(grid, ceiling)
            score = math.nan if point is None else point.score
            row |= {
                f"score_{ceiling:g}hz": score,
                f"rate_{ceiling:g}hz": math.nan if point is None else point.rate_hz,
                f"lost_{ceiling:g}hz": best.score - score,
                f"kept_percent_{ceiling:g}hz": 100.0 * score / best.score if best.score > 0 else math.nan,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def _score(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}"


def _rate(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.0f}"


def ceiling_grid(table: pd.DataFrame, ceilings: list[float], dataset: str) -> Grid:
    """:func:`ceiling_table` for people: per coder and embedding, the best score and rate, then
    under each ceiling the best score, its rate and the share of the best kept."""
    columns = ["coder (embedding)", "best score", "at Hz"]
    for ceiling in ceilings:
        columns += [f"≤ {ceiling:g} Hz: score", "at Hz", "kept %"]
    rows = []
    for row in table.to_dict("records"):
        cells = [
            Cell(f"{row['method']} ({row['embedding']})"),
            Cell(_score(row["score"])),
            Cell(_rate(row["rate_hz"])),
        ]
        for ceiling in ceilings:
            kept = row[f"kept_percent_{ceiling:g}hz"]
            cells += [
                Cell(_score(row[f"score_{ceiling:g}hz"])),
                Cell(_rate(row[f"rate_{ceiling:g}hz"])),
                Cell("–" if math.isnan(kept) else f"{kept:.0f}"),
            ]
        rows.append(cells)
    return Grid(
        f"What each spiking coder keeps at rates neurons can fire: best held-out score on {dataset}",
        columns,
        rows,
        notes=[CEILINGS_NOTE.format(dataset=dataset)],
    )


CEILINGS_NOTE = (
    "Best score: the highest mean Spearman × 100 on the held-out {dataset} over the coder's tuning grid "
    "(the tuned variant's choice) and the mean firing rate of its neurons there; ≤ c Hz: the best grid "
    "point whose neurons fire at most c spikes per second on average, and kept %: its score as a share "
    "of the best (– where no point of the grid fires that slowly). Rates are spikes per neuron per "
    "second over the T = 10 ms of a word, on words evenly spaced over the vocabulary (the firing-rate "
    "table uses more words). 1000 Hz: a spike and the absolute refractory period after it take about "
    "1 ms (Gerstner et al. 2014, Neuronal Dynamics, Sec. 1.1). 200 Hz: below the highest mean rate "
    "that fast-spiking interneurons, the fastest cortical neurons, sustain (215 Hz in mouse entorhinal "
    "to 450 Hz in monkey association cortex; Wang B. et al. 2016, Front. Cell. Neurosci. 10:239)."
)


def ceiling_paragraph(table: pd.DataFrame, ceilings: list[float], dataset: str) -> str:
    """How much of each coder's best held-out score survives under each ceiling, in words."""
    if table.empty:
        return "No spiking coder of this run is tuned, so no grid tells what it keeps at lower rates."
    parts = []
    for ceiling in ceilings:
        score, kept = f"score_{ceiling:g}hz", f"kept_percent_{ceiling:g}hz"
        coders = []
        for row in table.to_dict("records"):
            if math.isnan(row[score]):
                coders.append(
                    f"{row['method']} on {row['embedding']} {row['score']:.1f} → no point that slow"
                )
                continue
            share = "" if math.isnan(row[kept]) else f" ({row[kept]:.0f} %)"
            coders.append(
                f"{row['method']} on {row['embedding']} {row['score']:.1f} → {row[score]:.1f}{share}"
            )
        none = int(table[score].isna().sum())
        shares = table[kept].dropna()
        summary = (
            f"{shares.min():.0f} to {shares.max():.0f} % kept, median {shares.median():.0f} %"
            if len(shares)
            else "no share defined"
        )
        if none:
            summary += f", {none} of {len(table)} with no grid point that slow"
        parts.append(f"At a mean rate of at most {ceiling:g} Hz ({summary}): {'; '.join(coders)}.")
    return (
        f"How much of the word-similarity quality survives at a rate neurons can fire, read off each "
        f"spiking coder's tuning grid (best held-out Spearman × 100 on {dataset} at any rate → at most "
        "the ceiling). " + " ".join(parts)
    )
