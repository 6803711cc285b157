"""The papers' tables as :class:`~binembed.products.render.Grid` s, and the notes under them:
cells of mean ± std with their marks, the neighbours of Table 4.2, the published cells beside ours,
and the sentences that say how a table was tested and what it stands in for."""

from __future__ import annotations

import math

import pandas as pd

from .papers import WANG_TUNING_PROTOCOL
from .render import Cell, Grid
from .statistics import SATURATED_PERCENT

SATURATION_NOTE = (
    f"‡ saturated: on average ≥ {SATURATED_PERCENT:g} % of the bits of its OR-pooled test codes are "
    "ones. The OR of a text's word codes is then almost all ones whatever the words, so texts lie at "
    "nearly the same Hamming distance from each other and kNN cannot tell the classes apart."
)


def statistics_grid(
    statistics: pd.DataFrame, caption, methods, embeddings, columns, marks=None, notes=()
) -> Grid:
    """A methods x (embedding, column) grid of mean ± std cells from a seed-statistics frame, one
    column group per embedding; ``columns`` maps keys to shown names, ``marks`` maps
    (embedding, method, column) to (bold, mark)."""
    marks = marks or {}
    cells = statistics.set_index(["embedding", "method", "column"])
    rows = []
    for method in methods:
        row = [Cell(method)]
        for embedding in embeddings:
            for column in columns:
                key = (embedding, method, column)
                bold, mark = marks.get(key, (False, ""))
                if key in cells.index:
                    stats = cells.loc[key]
                    row.append(Cell(float(stats["mean"]), float(stats["std"]), bold, mark))
                else:
                    row.append(Cell(math.nan))
        rows.append(row)
    return Grid(
        caption,
        ["method", *[columns[c] for _ in embeddings for c in columns]],
        rows,
        [(embedding, len(columns)) for embedding in embeddings],
        [note for note in notes if note],
    )


def neighbour_grids(neighbours: pd.DataFrame, embeddings, methods, notes=()) -> list[Grid]:
    """Entjes (2021), Table 4.2: per query word, its nearest words by rank under every method
    (columns grouped by embedding). ``neighbours``: rows of neighbours.csv with embedding, method."""
    grids = []
    for query, rows in neighbours.groupby("query", sort=False):
        words = rows.set_index(["embedding", "method", "rank"])["word"]
        ranks = sorted(rows["rank"].unique())
        grids.append(
            Grid(
                f"Table 4.2 (after Entjes 2021): the {len(ranks)} nearest neighbours of {query!r}",
                ["rank", *[m for _ in embeddings for m in methods]],
                [
                    [Cell(str(rank))]
                    + [Cell(str(words.get((e, m, rank), "–"))) for e in embeddings for m in methods]
                    for rank in ranks
                ],
                [(embedding, len(methods)) for embedding in embeddings],
                [note for note in notes if note],
            )
        )
    return grids


def published_beside_ours(published, scores, embeddings, paper_vectors, run: dict):
    """Rows (paper and table, vectors, method, set, published, our embedding, ours, comparable?)
    setting each published cell (:mod:`binembed.published`) beside this run's mean ± std on every
    embedding that is or stands in for the cell's vectors, and the numbered reasons a row cannot
    match. ``run``: tuning_protocol, tuned_methods (embedding -> variants), method_params
    (variant -> block), seeds (variant -> number of seeds)."""
    reasons: list[str] = []

    def numbered(text: str) -> int:
        if text not in reasons:
            reasons.append(text)
        return reasons.index(text) + 1

    rows = []
    for cell in published.itertuples():
        places = int(cell.decimals)
        shown = f"{cell.value:.{places}f}" + (f" ± {cell.std:.{places}f}" if pd.notna(cell.std) else "")
        first = [f"{cell.paper}, {cell.table}", cell.vectors, cell.method, cell.dataset, shown]
        matches = [e for e in embeddings if paper_vectors.get(e, {}).get("paper") == cell.vectors]
        if not matches:
            why = numbered("no embedding of this run is, or stands in for, the paper's vectors")
            rows.append([*first, "–", "–", f"no ({why})"])
        for embedding in matches:
            ours = scores[
                (scores.embedding == embedding)
                & (scores.method == cell.method)
                & (scores.dataset == cell.dataset)
                & (scores.metric == cell.metric)
            ]["value"]
            why = []
            if ours.empty:
                why.append("the method or the set is not part of this run")
            if not paper_vectors[embedding]["same"]:
                why.append(f"{embedding} stands in for {cell.vectors}")
            if (
                cell.method in run["tuned_methods"].get(embedding, [])
                and run["tuning_protocol"] != WANG_TUNING_PROTOCOL
            ):
                why.append("parameters tuned on a held-out set, the paper's on its own test sets")
            if run["method_params"].get(cell.method, {}).get("normalization", "minmax") != "minmax":
                why.append("Poisson levels by rank (empirical CDF), the paper's by min-max")
            if pd.notna(cell.n_seeds) and run["seeds"].get(cell.method, 1) != int(cell.n_seeds):
                why.append(f"{run['seeds'].get(cell.method, 1)} seeds, the paper's {int(cell.n_seeds)}")
            text = "–" if ours.empty else Cell(float(ours.mean()), float(ours.std(ddof=1))).text()
            verdict = "yes" if not why else "no (" + ", ".join(str(numbered(w)) for w in why) + ")"
            rows.append([*first, embedding, text, verdict])
    return rows, reasons


def sign_test_note(marks: str, n_tests: int, alpha: float, tests_file: str) -> str:
    """The note under a table marked from word-similarity sign tests: what ``marks`` mean, then
    how they were tested."""
    return (
        f"{marks} Two-sided binomial sign test on rank agreement (a pair counts for the method whose "
        "rank is closer to the human rank); a method with several seeds is tested on all of them, "
        "its rank distances averaged over the seeds. Holm-corrected over the "
        f"{n_tests} comparisons of this table, α = {alpha}; p-values and bootstrap intervals of the "
        f"Spearman difference (of the seed means) in {tests_file}."
    )


def stand_in_note(embeddings, paper_vectors: dict) -> str:
    """A sentence naming the embeddings that stand in for the paper's vectors (empty if none)."""
    stand_ins = [
        f"{e} stands in for {paper_vectors[e]['paper']}"
        for e in embeddings
        if e in paper_vectors and not paper_vectors[e]["same"]
    ]
    if not stand_ins:
        return ""
    return "; ".join(stand_ins) + ": not the papers' vectors, so the numbers are not the published setting."


def seeds_note(statistics: pd.DataFrame) -> str:
    """Which methods are shown as mean ± std, over how many seeds."""
    counts = statistics[statistics.n_seeds > 1].groupby("method", sort=False)["n_seeds"].max()
    if counts.empty:
        return "Every method ran with one seed."
    listed = ", ".join(f"{method} ({n} seeds)" for method, n in counts.items())
    return f"Mean ± sample standard deviation over seeds for {listed}; other methods ran once."
