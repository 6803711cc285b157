"""How the published cells relate to ours, for the fidelity note: each published cell
(:mod:`binembed.products.published`) beside this run's value with the numbered reasons the two can or cannot
match, and, for the spiking coders, how much of a published-vs-ours delta the vectors explain and
how much the parameters do."""

from __future__ import annotations

import itertools

import pandas as pd

from ..methods import PAPER_SUFFIX, parameter_defaults
from .papers import WANG_TUNING_PROTOCOL
from .render import Cell, Grid


def seed_values(per_seed: pd.DataFrame, embeddings, method: str, dataset, metric: str) -> pd.Series:
    """One value per seed of ``method`` on ``dataset`` and ``metric``: the mean over
    ``embeddings``, for the seeds that have every one of them. ``per_seed``:
    :func:`~binembed.products.statistics.published_scores`."""
    rows = per_seed[
        per_seed.embedding.isin(list(embeddings))
        & (per_seed.method == method)
        & (per_seed.dataset == (dataset if pd.notna(dataset) else ""))
        & (per_seed.metric == metric)
    ]
    by_seed = rows.groupby("seed")["value"].agg(["mean", "size"])
    return by_seed.loc[by_seed["size"] == len(embeddings), "mean"]


def stand_in_groups(vectors: str, embeddings, paper_vectors: dict) -> list[tuple[str, ...]]:
    """Each choice of one embedding per paper vectors in ``vectors`` ("A; B" for a cell over both)
    that is, or stands in for, them; empty when some vectors have none in this run."""
    groups = [
        [e for e in embeddings if paper_vectors.get(e, {}).get("paper") == name]
        for name in vectors.split("; ")
    ]
    return list(itertools.product(*groups)) if all(groups) else []


def published_beside_ours(published, per_seed, embeddings, paper_vectors, run: dict):
    """Rows (paper and table, row, column, method, published, ours: embedding and variant, ours,
    comparable?) setting each published cell (:mod:`binembed.products.published`) beside this run's mean ±
    std over seeds, and the numbered reasons a row cannot match. A cell computed on one of the
    papers' vectors is set beside every embedding that is or stands in for them; a cell averaged
    over both papers' vectors beside the seed-by-seed mean over the embeddings standing in for
    each; a spiking method's cell beside its tuned variant and, where it runs, its ``-paper``
    variant. ``per_seed``: :func:`~binembed.products.statistics.published_scores`; ``run``:
    tuning_protocol, tuned_methods (embedding -> variants), method_params (variant -> block, as
    config.yaml gives it), seeds (variant -> number of seeds)."""
    reasons: list[str] = []

    def numbered(text: str) -> int:
        if text not in reasons:
            reasons.append(text)
        return reasons.index(text) + 1

    rows = []
    for cell in published.itertuples():
        places = int(cell.decimals)
        shown = f"{cell.value:.{places}f}" + (f" ± {cell.std:.{places}f}" if pd.notna(cell.std) else "")
        first = [f"{cell.paper}, {cell.table}", cell.row, cell.column, cell.method, shown]
        choices = stand_in_groups(cell.vectors, embeddings, paper_vectors)
        if not choices:
            why = numbered("no embedding of this run is, or stands in for, the paper's vectors")
            rows.append([*first, "–", "–", f"no ({why})"])
            continue
        variants = [cell.method] + [v for v in [cell.method + PAPER_SUFFIX] if v in run["method_params"]]
        for chosen, variant in itertools.product(choices, variants):
            values = seed_values(per_seed, chosen, variant, cell.dataset, cell.metric)
            why = []
            if values.empty:
                why.append("the method or the set is not part of this run")
            why += [
                f"{embedding} stands in for {paper_vectors[embedding]['paper']}"
                for embedding in chosen
                if not paper_vectors[embedding]["same"]
            ]
            if any(variant in run["tuned_methods"].get(e, []) for e in chosen) and (
                run["tuning_protocol"] != WANG_TUNING_PROTOCOL
            ):
                why.append("parameters tuned on a held-out set, the paper's on its own test sets")
            if (
                cell.method == "poisson"
                and poisson_normalization(run["method_params"].get(variant, {})) != "minmax"
            ):
                why.append("Poisson levels by rank (empirical CDF), the paper's by min-max")
            n_seeds = run["seeds"].get(variant, 1)
            if pd.notna(cell.n_seeds) and n_seeds < int(cell.n_seeds):  # more seeds only steady the mean
                why.append(f"{n_seeds} seeds, the paper's {int(cell.n_seeds)}")
            text = "–" if values.empty else f"{values.mean():.{places}f}"
            if len(values) > 1:
                text += f" ± {values.std(ddof=1):.{places}f}"
            verdict = "yes" if not why else "no (" + ", ".join(str(numbered(w)) for w in why) + ")"
            where = " + ".join(chosen) + ("" if variant == cell.method else f" ({variant})")
            rows.append([*first, where, text, verdict])
    return rows, reasons


def poisson_normalization(block: dict) -> str:
    """The normalization a Poisson run uses: its block's, else the coder's own default."""
    if "normalization" in block:
        return block["normalization"]
    return parameter_defaults("poisson")["normalization"]


def delta_decomposition(published, per_seed, embeddings, paper_vectors, methods) -> pd.DataFrame:
    """For every published cell of a method in ``methods`` that runs both tuned and as
    ``<method>-paper``: published P, ours at the paper's settings Q (on the embeddings standing in
    for the cell's vectors) and ours tuned T, each a mean over seeds, and the split of P - T into
    P - Q (the same parameters on other vectors: what the vectors, and anything else that differs
    from the paper's setup, explain) and Q - T (the same vectors at other parameters: what the
    parameters explain)."""
    rows = []
    for cell in published[published.method.isin(list(methods))].itertuples():
        for chosen in stand_in_groups(cell.vectors, embeddings, paper_vectors):
            paper = seed_values(per_seed, chosen, cell.method + PAPER_SUFFIX, cell.dataset, cell.metric)
            tuned = seed_values(per_seed, chosen, cell.method, cell.dataset, cell.metric)
            if paper.empty or tuned.empty:
                continue
            q, t = float(paper.mean()), float(tuned.mean())
            rows.append((cell.table, cell.row, cell.column, cell.method, " + ".join(chosen), cell.value, q, t,
                         cell.value - q, q - t))  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            "table",
            "row",
            "column",
            "method",
            "embedding",
            "published",
            "ours_paper",
            "ours_tuned",
            "vectors_delta",
            "parameters_delta",
        ],
    )


def neighbours_beside_published(
    published_neighbours, neighbours, embeddings, paper_vectors
) -> tuple[Grid, list]:
    """Entjes' Table 4.2 (``published_neighbours``) beside our nearest words of the same query under
    the same model on every embedding standing in for her vectors (``neighbours``: embedding,
    method, query, rank, word), and the number of words each of our lists shares with hers."""
    columns, shared = [], []
    for cell in published_neighbours.drop_duplicates(["method", "query"]).itertuples():
        theirs = published_neighbours[
            (published_neighbours.method == cell.method) & (published_neighbours["query"] == cell.query)
        ]
        columns.append((f"{cell.column} (Entjes)", dict(zip(theirs["rank"], theirs.word))))
        for (embedding,) in stand_in_groups(cell.vectors, embeddings, paper_vectors):
            ours = neighbours[
                (neighbours.embedding == embedding)
                & (neighbours.method == cell.method)
                & (neighbours["query"] == cell.query)
            ]
            columns.append((f"{cell.method} ({embedding})", dict(zip(ours["rank"], ours.word))))
            shared.append((cell.method, embedding, len(set(ours.word) & set(theirs.word)), len(theirs)))
    ranks = sorted({rank for _, words in columns for rank in words})
    grid = Grid(
        f"Table 4.2 of Entjes (2021) beside ours: the nearest words of {published_neighbours['query'].iloc[0]!r}",
        ["rank", *[name for name, _ in columns]],
        [[Cell(str(rank))] + [Cell(str(words.get(rank, "–"))) for _, words in columns] for rank in ranks],
        notes=[
            "Words shared with Entjes' list: "
            + "; ".join(f"{method} on {embedding}: {n} of {total}" for method, embedding, n, total in shared)
            if shared
            else "No embedding of this run stands in for Entjes' GloVe vectors."
        ],
    )
    return grid, shared
