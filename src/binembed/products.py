"""The workflow's final products: the tables of Wang et al. (2019, Tables 1 and 2) and Entjes (2021,
Tables 4.1 and 4.2), a storage table, the data behind the figures, the paired significance tests
each table carries, and small renderers of tables and notes to Markdown, LaTeX and HTML.

Every table is built from the tidy ``results/tables/scores.csv`` (one row per score and seed).
Stochastic methods have one score per seed: a cell is the mean over seeds and the sample standard
deviation (ddof = 1); an average column averages a seed's scores first, then takes mean and std of
those per-seed averages over the seeds. Paired tests use every seed of a stochastic method
(:mod:`binembed.significance`).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .codes import BinaryCodes
from .files import atomic_output
from .significance import holm, mcnemar_exact, rank_sign_test, spearman_difference_ci

#: Wang et al. (2019), Table 1: word-similarity sets, with the names the table gives them.
TABLE1_DATASETS = {"ws353-all": "WS-353", "simlex999": "SimLex-999", "rw": "RW"}
#: Entjes (2021), Table 4.1: word-similarity sets.
TABLE4_1_DATASETS = {"rw": "RW", "men": "MEN", "simlex999": "SimLex-999", "ws353-all": "WS-353"}
#: Wang et al. (2019), Fig. 3 and Table 2: text-classification tasks.
CLASSIFICATION_TASKS = {"search_snippets": "Search Snippets", "sst2": "SST-2"}
#: Wang et al. (2019), Fig. 2: coders whose spike rasters are shown, and those whose membrane
#: potential is traced (Poisson neurons have none).
FIG2_RASTERS = ("poisson", "lif", "izh_rs_fs")
FIG2_POTENTIALS = ("lif", "izh_rs_fs")

#: Settings of the papers that the fidelity note compares with (documented in README.md and
#: config.yaml): Wang et al. ran each stochastic coder 10 times and tuned on the reported test
#: sets; Entjes trained each autoencoder for 25 epochs.
WANG_SEEDS = 10
WANG_TUNING_PROTOCOL = "test_sets"
ENTJES_EPOCHS = 25
#: Legend label and colour of each family of representations (binembed.methods.METHOD_MODULES).
FAMILY_STYLE = {
    "dense": ("dense float32", "black"),
    "binarizers": ("sign", "tab:gray"),
    "spiking": ("spiking coders", "tab:blue"),
    "classic": ("LSH / ITQ / overcomplete", "tab:green"),
    "autoencoder": ("autoencoders", "tab:orange"),
}

#: OR-pooled test codes with at least this mean percentage of ones are marked as saturated.
SATURATED_PERCENT = 95.0
SATURATION_NOTE = (
    f"‡ saturated: on average ≥ {SATURATED_PERCENT:g} % of the bits of its OR-pooled test codes are "
    "ones. The OR of a text's word codes is then almost all ones whatever the words, so texts lie at "
    "nearly the same Hamming distance from each other and kNN cannot tell the classes apart."
)

RUN_KEYS = ["embedding", "method", "seed"]
TEST_COLUMNS = ["embedding", "dataset", "method_a", "method_b"]


# --- scores per seed, and their mean and std over seeds ---------------------------------------


def per_seed_scores(scores: pd.DataFrame, task: str, metric: str, datasets) -> pd.DataFrame:
    """Rows (embedding, method, seed, column, value) of one metric on the given datasets; the
    column is the dataset's name."""
    rows = scores[(scores.task == task) & (scores.metric == metric) & scores.dataset.isin(list(datasets))]
    return rows.rename(columns={"dataset": "column"})[[*RUN_KEYS, "column", "value"]]


def seed_average(per_seed: pd.DataFrame, columns, name: str) -> pd.DataFrame:
    """Per (embedding, method, seed) the mean of the scores in ``columns``, as column ``name``;
    NaN unless the seed has every one of them."""
    if per_seed.empty:
        return per_seed.assign(column=name)
    wide = per_seed.pivot(index=RUN_KEYS, columns="column", values="value").reindex(columns=list(columns))
    return wide.mean(axis=1, skipna=False).rename("value").reset_index().assign(column=name)


def seed_statistics(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Mean, sample std (NaN for one seed) and number of seeds of each (embedding, method, column)."""
    grouped = per_seed.groupby(["embedding", "method", "column"], sort=False)["value"]
    return grouped.agg(mean="mean", std="std", n_seeds="size").reset_index()


def table1_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Wang et al. (2019), Table 1: Spearman x 100 on WS-353, SimLex-999 and RW, and their average."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS)
    average = seed_average(per_seed, TABLE1_DATASETS, "average")
    return seed_statistics(pd.concat([per_seed, average], ignore_index=True))


def table2_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Wang et al. (2019), Table 2: average word similarity (the Table 1 sets), average
    classification accuracy (Search Snippets, SST-2), and the overall average of the two."""
    similarity = seed_average(
        per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS),
        TABLE1_DATASETS,
        "word_similarity",
    )
    classification = seed_average(
        per_seed_scores(scores, "classification", "accuracy", CLASSIFICATION_TASKS),
        CLASSIFICATION_TASKS,
        "classification",
    )
    both = pd.concat([similarity, classification], ignore_index=True)
    overall = seed_average(both, ["word_similarity", "classification"], "overall")
    ones = seed_average(
        per_seed_scores(scores, "classification", "pooled_ones", CLASSIFICATION_TASKS),
        CLASSIFICATION_TASKS,
        "pooled_ones",
    )
    return seed_statistics(pd.concat([both, ones, overall], ignore_index=True))


def saturation_marks(statistics: pd.DataFrame, columns) -> dict:
    """(embedding, method, column) -> (False, "‡") for each of ``columns`` of every method whose
    mean ``pooled_ones`` (percent) reaches SATURATED_PERCENT."""
    ones = statistics[(statistics.column == "pooled_ones") & (statistics["mean"] >= SATURATED_PERCENT)]
    return {
        (row.embedding, row.method, column): (False, "‡") for row in ones.itertuples() for column in columns
    }


def table4_1_statistics(scores: pd.DataFrame, methods) -> pd.DataFrame:
    """Entjes (2021), Table 4.1: Spearman x 100 on RW, MEN, SimLex-999 and WS-353 of ``methods``."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE4_1_DATASETS)
    return seed_statistics(per_seed[per_seed.method.isin(list(methods))])


def classification_statistics(scores: pd.DataFrame, metric: str = "accuracy") -> pd.DataFrame:
    """Wang et al. (2019), Fig. 3: accuracy (or the pooled codes' percentage of ones,
    ``metric="pooled_ones"``) on Search Snippets and SST-2."""
    return seed_statistics(per_seed_scores(scores, "classification", metric, CLASSIFICATION_TASKS))


def quality_by_bits(scores: pd.DataFrame, storage: pd.DataFrame) -> pd.DataFrame:
    """Average Spearman over the Table 1 sets (mean, std over seeds) beside each representation's
    bits per word, for the quality-versus-bits chart."""
    per_seed = per_seed_scores(scores, "word_similarity", "spearman", TABLE1_DATASETS)
    average = seed_statistics(seed_average(per_seed, TABLE1_DATASETS, "average")).drop(columns="column")
    return average.merge(storage[["embedding", "method", "bits_per_word"]], on=["embedding", "method"])


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


# --- paired significance tests -----------------------------------------------------------------


def baseline_comparisons(embeddings, datasets, methods, baseline: str) -> list[tuple]:
    """(embedding, dataset, method, baseline) for every other method; none without the baseline."""
    if baseline not in methods:
        return []
    return [(e, d, m, baseline) for e in embeddings for d in datasets for m in methods if m != baseline]


def entjes_comparisons(embeddings, datasets, autoencoders: dict) -> list[tuple]:
    """The comparisons of Table 4.1: nSTE against STE at the same code size, and every
    autoencoder variant against the dense vectors. ``autoencoders``: variant -> (method, n_bits)."""
    pairs = [
        (nste, ste)
        for nste, (method, n_bits) in autoencoders.items()
        if method == "ae_nste"
        for ste, (other, other_bits) in autoencoders.items()
        if other == "ae_ste" and other_bits == n_bits
    ]
    pairs += [(variant, "dense") for variant in autoencoders]
    return [(e, d, a, b) for e in embeddings for d in datasets for a, b in pairs]


def _aligned(frame: pd.DataFrame, value: str, item_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-item files of several runs side by side: one ``value`` column per (method, seed),
    indexed by (embedding, dataset, item number in file order), and the ``item_columns`` of each
    item, checked to be the same in every run."""
    runs = ["embedding", "method", "seed", "dataset"]
    frame = frame.assign(item=frame.groupby(runs, sort=False).cumcount())
    index = ["embedding", "dataset", "item"]
    items = frame.groupby(index)[item_columns]
    if (items.nunique() > 1).any(axis=None):
        raise ValueError(f"runs disagree on the items they evaluate ({', '.join(item_columns)})")
    return frame.pivot(index=index, columns=["method", "seed"], values=value), items.first()


def with_holm(tests: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Add Holm-adjusted p-values over all rows (one table's family) and ``significant``."""
    adjusted = holm(tests["p_value"].to_numpy())
    return tests.assign(p_holm=adjusted, significant=adjusted < alpha)


def word_similarity_tests(pairs: pd.DataFrame, comparisons, bootstrap: dict, alpha: float) -> pd.DataFrame:
    """Sign test and bootstrap CI of the Spearman difference (x 100) of each comparison, on the
    pairs both methods cover, Holm-corrected together; a method with several seeds is tested on all
    of them. ``pairs``: rows of word_similarity_pairs.csv files; ``bootstrap``: n_resamples, seed,
    confidence."""
    similarity, items = _aligned(pairs, "similarity", ["word1", "word2", "score"])
    human = items["score"]
    rows = []
    for embedding, dataset, a, b in comparisons:
        cell = (embedding, dataset)
        sa, sb, h = similarity.loc[cell, a], similarity.loc[cell, b], human.loc[cell].to_numpy()
        both = (sa.notna().all(axis=1) & sb.notna().all(axis=1)).to_numpy()
        sa, sb = sa.to_numpy()[both], sb.to_numpy()[both]
        test = rank_sign_test(h[both], sa, sb)
        difference, low, high = spearman_difference_ci(h[both], sa, sb, **bootstrap)
        rows.append(
            dict(zip(TEST_COLUMNS, (embedding, dataset, a, b)))
            | {
                "seeds_a": sa.shape[1],
                "seeds_b": sb.shape[1],
                "n_pairs": test.n_pairs,
                "a_closer": test.a_closer,
                "b_closer": test.b_closer,
                "ties": test.ties,
                "p_value": test.p_value,
                "spearman_difference": difference,
                "ci_low": low,
                "ci_high": high,
            }
        )
    columns = [
        *TEST_COLUMNS,
        "seeds_a",
        "seeds_b",
        "n_pairs",
        "a_closer",
        "b_closer",
        "ties",
        "p_value",
        "spearman_difference",
        "ci_low",
        "ci_high",
    ]
    return with_holm(pd.DataFrame(rows, columns=columns), alpha)


def classification_tests(predictions: pd.DataFrame, comparisons, alpha: float) -> pd.DataFrame:
    """McNemar's exact test of each comparison on the per-text correctness (over all seeds of a
    stochastic method), Holm-corrected together. ``predictions``: rows of <task>_predictions.csv
    files."""
    correct, _ = _aligned(predictions, "correct", ["label"])
    rows = []
    for embedding, dataset, a, b in comparisons:
        ca = correct.loc[(embedding, dataset), a].to_numpy(dtype=float)
        cb = correct.loc[(embedding, dataset), b].to_numpy(dtype=float)
        test = mcnemar_exact(ca, cb)
        rows.append(
            dict(zip(TEST_COLUMNS, (embedding, dataset, a, b)))
            | {
                "seeds_a": ca.shape[1],
                "seeds_b": cb.shape[1],
                "n_texts": test.n_texts,
                "only_a_correct": test.only_a_correct,
                "only_b_correct": test.only_b_correct,
                "p_value": test.p_value,
            }
        )
    columns = [*TEST_COLUMNS, "seeds_a", "seeds_b", "n_texts", "only_a_correct", "only_b_correct", "p_value"]
    return with_holm(pd.DataFrame(rows, columns=columns), alpha)


def significance_marks(tests: pd.DataFrame, dagger_against) -> dict:
    """(embedding, method, dataset) -> (bold, mark) from the significant tests: against a method in
    ``dagger_against`` (a reference such as dense) a dagger on method_a; between two other methods
    bold on the one the sign test favours, the one closer to the human ranking on more pairs
    (``a_closer`` against ``b_closer``), whatever the sign of the Spearman difference."""
    marks = {}
    for test in tests[tests.significant].itertuples():
        if test.method_b in dagger_against:
            key = (test.embedding, test.method_a, test.dataset)
            marks[key] = (marks.get(key, (False, ""))[0], "†")
        elif test.a_closer != test.b_closer:
            winner = test.method_a if test.a_closer > test.b_closer else test.method_b
            key = (test.embedding, winner, test.dataset)
            marks[key] = (True, marks.get(key, (False, ""))[1])
    return marks


# --- storage -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Storage:
    """Memory of one word: an n-bit code takes ceil(n / 8) bytes, a dims-dimensional float32
    vector dims x 4 bytes."""

    bits: int
    dims: int

    @property
    def code_bytes(self) -> int:
        return math.ceil(self.bits / 8)

    @property
    def float_bytes(self) -> int:
        return 4 * self.dims

    @property
    def saved_percent(self) -> float:
        return 100.0 * (1.0 - self.code_bytes / self.float_bytes)


#: Wang et al. (2019)'s storage claim: 3000-bit codes of 300-d vectors, 375 against 1200 bytes.
PAPER_STORAGE = Storage(bits=3000, dims=300)


def codes_storage(codes_path, dims: int) -> dict:
    """Bits and bytes measured on a written codes file, against float32 vectors of ``dims``."""
    codes = BinaryCodes.load(codes_path)
    n_words, bytes_per_word = codes.packed.shape
    per_word = Storage(codes.n_bits, dims)
    if bytes_per_word != per_word.code_bytes:
        raise ValueError(f"{codes_path}: {bytes_per_word} bytes per word for {codes.n_bits} bits")
    return {
        "n_words": n_words,
        "bits_per_word": codes.n_bits,
        "bytes_per_word": bytes_per_word,
        "vocabulary_bytes": codes.packed.nbytes,
        "float32_bytes": n_words * per_word.float_bytes,
    }


def vectors_storage(vectors_path) -> dict:
    """The same figures for the dense float32 vectors file (32 bits per dimension)."""
    vectors = np.load(vectors_path, mmap_mode="r")
    n_words, dims = vectors.shape
    return {
        "n_words": n_words,
        "bits_per_word": 8 * vectors.itemsize * dims,
        "bytes_per_word": vectors.itemsize * dims,
        "vocabulary_bytes": vectors.nbytes,
        "float32_bytes": n_words * 4 * dims,
    }


def storage_table(rows: list[dict]) -> pd.DataFrame:
    """Storage rows (embedding, method and the measured figures) with the ratio to float32 and the
    percentage saved."""
    table = pd.DataFrame(rows)
    ratio = table.vocabulary_bytes / table.float32_bytes
    return table.assign(ratio_to_float32=ratio, saved_percent=100.0 * (1.0 - ratio))


# --- rendering -----------------------------------------------------------------------------------


@dataclass
class Cell:
    """One table cell: a number (with a std over seeds, NaN when not shown) or a text, bold and a
    mark (a symbol set after it, e.g. a dagger)."""

    value: float | str
    std: float = math.nan
    bold: bool = False
    mark: str = ""

    def text(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if not math.isfinite(self.value):
            return "–"
        return f"{self.value:.1f}" + (f" ± {self.std:.1f}" if math.isfinite(self.std) else "")


@dataclass
class Grid:
    """A table for people: a caption, the column names (the first names the row labels), optional
    spanning groups over the other columns ((name, span) pairs), rows of cells, and notes."""

    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    groups: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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


_NUMBER = re.compile(r"[-\d.,]+|–")


def _alignments(grid: Grid) -> list[str]:
    """ "left" or "right" per column: right where every cell is a number."""
    return ["left"] + [
        "right"
        if all(not isinstance(row[i].value, str) or _NUMBER.fullmatch(row[i].value) for row in grid.rows)
        else "left"
        for i in range(1, len(grid.columns))
    ]


def _header(grid: Grid) -> list[str]:
    """Column names with their group, for formats without spanning headers."""
    names = [grid.columns[0]]
    position = 1
    for group, span in grid.groups or [("", len(grid.columns) - 1)]:
        names += [f"{group}: {c}" if group else c for c in grid.columns[position : position + span]]
        position += span
    return names


def markdown(blocks) -> str:
    """Markdown of a document: a list of grids and (kind, text) blocks, kind "h1", "h2" or "p"."""
    parts = []
    for block in blocks:
        if isinstance(block, Grid):
            lines = [
                f"**{block.caption}**",
                "",
                "| " + " | ".join(_header(block)) + " |",
                "|" + "|".join("---:" if a == "right" else "---" for a in _alignments(block)) + "|",
            ]
            for row in block.rows:
                lines.append(
                    "| "
                    + " | ".join((f"**{c.text()}**" if c.bold else c.text()) + c.mark for c in row)
                    + " |"
                )
            lines += [""] + [f"{note}  " for note in block.notes]
            parts.append("\n".join(lines).rstrip())
        else:
            kind, text = block
            parts.append({"h1": "# ", "h2": "## ", "p": ""}[kind] + text)
    return "\n\n".join(parts) + "\n"


_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "±": r"$\pm$",
    "×": r"$\times$",
    "ρ": r"$\rho$",
    "α": r"$\alpha$",
    "†": r"$^{\dagger}$",
    "‡": r"$^{\ddagger}$",
    "≥": r"$\geq$",
    "–": "--",
    "≤": r"$\leq$",
    "<": r"$<$",
    ">": r"$>$",
}


def tex(text: str) -> str:
    """LaTeX for plain text: special characters escaped, the symbols used here as math."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def latex(grids) -> str:
    """LaTeX (booktabs) table environments, one per grid."""
    parts = []
    for grid in grids:
        lines = [
            r"\begin{table}[ht]",
            r"\centering",
            rf"\caption{{{tex(grid.caption)}}}",
            r"\begin{tabular}{" + "".join(a[0] for a in _alignments(grid)) + "}",
            r"\toprule",
        ]
        if grid.groups:
            spans, rules, start = [], [], 2
            for name, span in grid.groups:
                spans.append(rf"\multicolumn{{{span}}}{{c}}{{{tex(name)}}}")
                rules.append(rf"\cmidrule(lr){{{start}-{start + span - 1}}}")
                start += span
            lines += [" & " + " & ".join(spans) + r" \\", " ".join(rules)]
        lines += [" & ".join(tex(c) for c in grid.columns) + r" \\", r"\midrule"]
        for row in grid.rows:
            cells = [(rf"\textbf{{{tex(c.text())}}}" if c.bold else tex(c.text())) + tex(c.mark) for c in row]
            lines.append(" & ".join(cells) + r" \\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        lines += [r"\par\smallskip\footnotesize " + tex(note) for note in grid.notes]
        lines.append(r"\end{table}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


_HTML_STYLE = (
    "body{font-family:sans-serif;margin:1.5em;max-width:72em}table{border-collapse:collapse;margin:1em 0}"
    "caption{font-weight:bold;text-align:left;padding-bottom:.5em}th,td{padding:.2em .6em;"
    "border-bottom:1px solid #ccc;text-align:left}.right{text-align:right}"
    ".note{font-size:90%;color:#333}"
)


def html_page(blocks, title: str) -> str:
    """A self-contained HTML page of a document (the blocks of :func:`markdown`)."""
    body = []
    for block in blocks:
        if isinstance(block, Grid):
            rows = [f"<caption>{html.escape(block.caption)}</caption>"]
            if block.groups:
                rows.append(
                    "<tr><th></th>"
                    + "".join(f'<th colspan="{span}">{html.escape(name)}</th>' for name, span in block.groups)
                    + "</tr>"
                )
            rows.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in block.columns) + "</tr>")
            alignments = _alignments(block)
            for row in block.rows:
                cells = [
                    (f"<b>{html.escape(c.text())}</b>" if c.bold else html.escape(c.text())) + c.mark
                    for c in row
                ]
                rows.append(
                    "<tr>" + "".join(f'<td class="{a}">{c}</td>' for a, c in zip(alignments, cells)) + "</tr>"
                )
            body.append("<table>\n" + "\n".join(rows) + "\n</table>")
            body += [f'<p class="note">{html.escape(note)}</p>' for note in block.notes]
        else:
            kind, text = block
            body.append(f"<{kind}>{html.escape(text)}</{kind}>")
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_HTML_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_text(text: str, path) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_document(blocks, title: str, md_path, html_path, tex_path=None) -> None:
    """Write a document to Markdown and HTML files and, given ``tex_path``, its grids to LaTeX."""
    write_text(markdown(blocks), md_path)
    write_text(html_page(blocks, title), html_path)
    if tex_path is not None:
        write_text(latex([b for b in blocks if isinstance(b, Grid)]), tex_path)


def save_figure(figure, png_path, pdf_path) -> None:
    """Write a matplotlib figure as PNG (150 dpi) and PDF, each atomically and without a creation
    date, so the same results give the same bytes."""
    for path, suffix, metadata in ((png_path, ".png", {}), (pdf_path, ".pdf", {"CreationDate": None})):
        with atomic_output(path, suffix=suffix) as tmp:
            figure.savefig(tmp, dpi=150, bbox_inches="tight", metadata=metadata)
