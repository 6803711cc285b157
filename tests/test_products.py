"""The products stage: paired significance tests against hand-computed cases, the table builders
against statistics computed independently from the rows they are made of, and the storage figures
against written codes files."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata, spearmanr

from binembed.codes import BinaryCodes
from binembed.products.figures import spread_labels
from binembed.products.paired_tests import (
    TEST_COLUMNS,
    baseline_comparisons,
    classification_tests,
    entjes_comparisons,
    significance_marks,
    word_similarity_tests,
)
from binembed.products.papers import CLASSIFICATION_TASKS, TABLE1_DATASETS, TABLE4_1_DATASETS
from binembed.products.render import Cell, Grid, latex, markdown
from binembed.products.statistics import table1_statistics, table2_statistics, table4_1_statistics
from binembed.products.storage import PAPER_STORAGE, codes_storage, storage_table, vectors_storage
from binembed.products.tables import neighbour_grids, published_beside_ours, statistics_grid
from binembed.published import load_published, smallest_grid
from binembed.significance import holm, mcnemar_exact, rank_sign_test, spearman_difference_ci
from binembed.spiking import IzhikevichRSFSBinarizer

# --- significance --------------------------------------------------------------------------------


def test_sign_test_all_pairs_for_a():
    # A ranks every pair as the humans do; B reverses the order: every rank distance of B is > 0.
    test = rank_sign_test([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
    assert (test.a_closer, test.b_closer, test.ties) == (6, 0, 0)
    assert test.p_value == pytest.approx(2 * 0.5**6)  # P(X = 6) + P(X = 0), X ~ Bin(6, 1/2)


def test_sign_test_drops_ties_and_counts_both_sides():
    # rank distances A: 1 1 0 0 0, B: 0 0 0 1 1 -> B closer twice, A twice, one tie.
    test = rank_sign_test([1, 2, 3, 4, 5], [2, 1, 3, 4, 5], [1, 2, 3, 5, 4])
    assert (test.n_pairs, test.a_closer, test.b_closer, test.ties) == (5, 2, 2, 1)
    assert test.p_value == pytest.approx(1.0)
    # distances A: 0 0 0 0 0 0, B: 0 3 1 1 3 0 -> A closer 4 times, 2 ties; p = 2 / 2**4.
    test = rank_sign_test([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [1, 5, 4, 3, 2, 6])
    assert (test.a_closer, test.b_closer, test.ties) == (4, 0, 2)
    assert test.p_value == pytest.approx(0.125)


def test_sign_test_average_ranks_for_tied_similarities():
    # A's tied similarities get rank 1.5 each: distances 0.5 0.5 0 0; B matches the humans exactly.
    test = rank_sign_test([1, 2, 3, 4], [0.1, 0.1, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4])
    assert (test.a_closer, test.b_closer, test.ties) == (0, 2, 2)
    assert test.p_value == pytest.approx(0.5)


def test_mcnemar_exact_on_discordant_texts():
    a = [1, 1, 1, 1, 1, 0, 1, 0]
    b = [0, 0, 0, 0, 1, 0, 1, 1]
    test = mcnemar_exact(a, b)
    assert (test.n_texts, test.only_a_correct, test.only_b_correct) == (8, 4, 1)
    assert test.p_value == pytest.approx(2 * (1 + 5) / 32)  # two-sided, k = 4 of 5 discordant
    assert mcnemar_exact([1, 0], [1, 0]).p_value == 1.0


def test_holm_hand_example():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> max so far 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])
    assert len(holm([])) == 0


def test_holm_matches_step_down_rejection():
    """Holm's procedure as a rule: walk the sorted p-values, reject the i-th (from 0) while
    p <= alpha / (m - i), stop at the first that fails."""
    rng = np.random.default_rng(3)
    alpha = 0.05
    for _ in range(200):
        p = rng.uniform(0, 0.08, size=rng.integers(1, 12))
        rejected = np.zeros(len(p), dtype=bool)
        for i, index in enumerate(np.argsort(p, kind="stable")):
            if p[index] > alpha / (len(p) - i):
                break
            rejected[index] = True
        assert np.array_equal(holm(p) <= alpha, rejected)


def test_bootstrap_ci_is_deterministic_per_seed():
    rng = np.random.default_rng(0)
    human = rng.normal(size=200)
    a = human + rng.normal(scale=0.5, size=200)
    b = human + rng.normal(scale=1.5, size=200)
    first = spearman_difference_ci(human, a, b, n_resamples=300, seed=7)
    assert spearman_difference_ci(human, a, b, n_resamples=300, seed=7) == first
    assert spearman_difference_ci(human, a, b, n_resamples=300, seed=8) != first
    expected = 100 * (spearmanr(human, a).statistic - spearmanr(human, b).statistic)
    difference, low, high = first
    assert difference == pytest.approx(expected)
    assert low < difference < high


# --- table builders --------------------------------------------------------------------------------

EMBEDDINGS = ["emb-a", "emb-b"]
SEEDS = {"dense": [0], "sign": [0], "poisson": [0, 1, 2], "ae_nste-64": [0], "ae_ste-64": [0]}


@pytest.fixture
def scores():
    """A scores.csv-like table with random values, three seeds for poisson, and a set (mc30) that
    no paper table shows."""
    rng = np.random.default_rng(1)
    rows = []
    for embedding in EMBEDDINGS:
        for method, seeds in SEEDS.items():
            for seed in seeds:
                for dataset in [*TABLE1_DATASETS, "men", "mc30"]:
                    rows.append(
                        (embedding, method, seed, "word_similarity", dataset, "spearman", rng.uniform(0, 80))
                    )
                for task in CLASSIFICATION_TASKS:
                    for metric in ("accuracy", "macro_f1"):
                        rows.append(
                            (embedding, method, seed, "classification", task, metric, rng.uniform(40, 90))
                        )
    return pd.DataFrame(rows, columns=["embedding", "method", "seed", "task", "dataset", "metric", "value"])


def values(scores, embedding, method, datasets, metric):
    """{seed: [value per dataset in order]} straight from the rows."""
    rows = scores[(scores.embedding == embedding) & (scores.method == method) & (scores.metric == metric)]
    return {
        seed: [rows[(rows.seed == seed) & (rows.dataset == d)].value.item() for d in datasets]
        for seed in SEEDS[method]
    }


def mean_std(numbers):
    std = float(np.std(numbers, ddof=1)) if len(numbers) > 1 else math.nan
    return float(np.mean(numbers)), std


def assert_cell(statistics, embedding, method, column, expected):
    row = statistics[
        (statistics.embedding == embedding) & (statistics.method == method) & (statistics.column == column)
    ]
    assert len(row) == 1
    mean, std = expected
    assert row["mean"].item() == pytest.approx(mean)
    assert row["std"].item() == pytest.approx(std, nan_ok=True)


def test_table1_cells_are_mean_and_std_over_seeds(scores):
    statistics = table1_statistics(scores)
    assert set(statistics.column) == {*TABLE1_DATASETS, "average"}
    for embedding in EMBEDDINGS:
        for method in SEEDS:
            per_seed = values(scores, embedding, method, list(TABLE1_DATASETS), "spearman")
            for i, dataset in enumerate(TABLE1_DATASETS):
                assert_cell(
                    statistics, embedding, method, dataset, mean_std([v[i] for v in per_seed.values()])
                )
            averages = [np.mean(v) for v in per_seed.values()]
            assert_cell(statistics, embedding, method, "average", mean_std(averages))


def test_table1_grid_shows_the_statistics(scores):
    statistics = table1_statistics(scores)
    columns = {**TABLE1_DATASETS, "average": "Avg."}
    grid = statistics_grid(statistics, "t", list(SEEDS), EMBEDDINGS, columns)
    for row in grid.rows:
        method = row[0].value
        cells = iter(row[1:])
        for embedding in EMBEDDINGS:
            for column in columns:
                cell = next(cells)
                expected = statistics.set_index(["embedding", "method", "column"]).loc[
                    (embedding, method, column)
                ]
                assert cell.value == expected["mean"]
                assert cell.std == pytest.approx(expected["std"], nan_ok=True)
    poisson = next(row for row in grid.rows if row[0].value == "poisson")
    assert " ± " in poisson[1].text() and " ± " not in grid.rows[0][1].text()


def test_table2_averages(scores):
    statistics = table2_statistics(scores)
    for embedding in EMBEDDINGS:
        for method, seeds in SEEDS.items():
            similarity = values(scores, embedding, method, list(TABLE1_DATASETS), "spearman")
            accuracy = values(scores, embedding, method, list(CLASSIFICATION_TASKS), "accuracy")
            ws = [np.mean(similarity[s]) for s in seeds]
            cl = [np.mean(accuracy[s]) for s in seeds]
            assert_cell(statistics, embedding, method, "word_similarity", mean_std(ws))
            assert_cell(statistics, embedding, method, "classification", mean_std(cl))
            assert_cell(
                statistics, embedding, method, "overall", mean_std([(w + c) / 2 for w, c in zip(ws, cl)])
            )


def test_table4_1_cells(scores):
    methods = ["dense", "ae_nste-64", "ae_ste-64"]
    statistics = table4_1_statistics(scores, methods)
    assert set(statistics.method) == set(methods)
    assert set(statistics.column) == set(TABLE4_1_DATASETS)
    for embedding in EMBEDDINGS:
        for method in methods:
            per_seed = values(scores, embedding, method, list(TABLE4_1_DATASETS), "spearman")
            for i, dataset in enumerate(TABLE4_1_DATASETS):
                assert_cell(
                    statistics, embedding, method, dataset, mean_std([v[i] for v in per_seed.values()])
                )


# --- tests on per-item files -------------------------------------------------------------------------


def pairs_frame(similarities: dict, human, embedding="emb-a", dataset="rw"):
    """Rows like word_similarity_pairs.csv: one block per method, NaN = out of vocabulary."""
    words = [f"w{i}" for i in range(len(human))]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "dataset": dataset,
                    "word1": words,
                    "word2": words[::-1],
                    "score": human,
                    "similarity": sim,
                    "embedding": embedding,
                    "method": method,
                    "seed": 0,
                }
            )
            for method, sim in similarities.items()
        ],
        ignore_index=True,
    )


def test_word_similarity_tests_use_pairs_both_methods_cover():
    rng = np.random.default_rng(2)
    human = rng.uniform(0, 10, size=60)
    a = human + rng.normal(size=60)
    b = human + rng.normal(scale=3, size=60)
    b_missing = b.copy()
    b_missing[:5] = np.nan
    bootstrap = {"n_resamples": 200, "seed": 0, "confidence": 95.0}
    tests = word_similarity_tests(
        pairs_frame({"dense": a, "sign": b_missing}, human),
        [("emb-a", "rw", "dense", "sign")],
        bootstrap,
        0.05,
    )
    direct = rank_sign_test(human[5:], a[5:], b[5:])
    row = tests.iloc[0]
    assert (row.n_pairs, row.a_closer, row.b_closer, row.p_value) == (
        55,
        direct.a_closer,
        direct.b_closer,
        direct.p_value,
    )
    assert (row.spearman_difference, row.ci_low, row.ci_high) == spearman_difference_ci(
        human[5:], a[5:], b[5:], **bootstrap
    )
    assert row.p_holm == row.p_value  # a family of one


def test_word_similarity_tests_share_resamples_and_give_each_comparisons_own_interval():
    rng = np.random.default_rng(3)
    human = rng.uniform(0, 10, size=50)
    dense = human + rng.normal(size=50)
    sign = human + rng.normal(scale=2, size=50)
    seeds = human[:, None] + rng.normal(scale=3, size=(50, 3))
    sparse = dense.copy()
    sparse[-4:] = np.nan  # fewer pairs: its comparisons resample the pairs both cover
    frame = pairs_frame({"dense": dense, "sign": sign, "sparse": sparse}, human)
    frame = pd.concat(
        [frame, *(pairs_frame({"poisson": seeds[:, s]}, human).assign(seed=s) for s in range(3))]
    )
    bootstrap = {"n_resamples": 150, "seed": 4, "confidence": 90.0}
    comparisons = [("emb-a", "rw", m, "sign") for m in ("dense", "sparse", "poisson")] + [
        ("emb-a", "rw", "poisson", "dense")
    ]
    tests = word_similarity_tests(frame, comparisons, bootstrap, 0.05).set_index(["method_a", "method_b"])
    expected = {
        ("dense", "sign"): (human, dense, sign),
        ("sparse", "sign"): (human[:-4], dense[:-4], sign[:-4]),
        ("poisson", "sign"): (human, seeds, sign),
        ("poisson", "dense"): (human, seeds, dense),
    }
    for key, (h, a, b) in expected.items():
        row = tests.loc[key]
        assert (row.spearman_difference, row.ci_low, row.ci_high) == spearman_difference_ci(
            h, a, b, **bootstrap
        )


def test_word_similarity_tests_reject_misaligned_runs():
    pairs = pairs_frame({"dense": [1.0, 2.0, 3.0], "sign": [1.0, 2.0, 3.0]}, [1.0, 2.0, 3.0])
    pairs.loc[4, "word1"] = "other"
    with pytest.raises(ValueError, match="disagree"):
        word_similarity_tests(pairs, [("emb-a", "rw", "dense", "sign")], {"n_resamples": 10}, 0.05)


def test_classification_tests_are_mcnemar_with_holm():
    correct = {
        "dense": [1, 1, 1, 1, 1, 0, 1, 0],
        "sign": [0, 0, 0, 0, 1, 0, 1, 1],
        "lif": [1, 1, 1, 1, 1, 0, 1, 1],
    }
    predictions = pd.concat(
        [
            pd.DataFrame(
                {
                    "label": list("abababab"),
                    "correct": np.array(c, dtype=bool),
                    "embedding": "emb-a",
                    "method": method,
                    "seed": 0,
                    "dataset": "sst2",
                }
            )
            for method, c in correct.items()
        ],
        ignore_index=True,
    )
    comparisons = baseline_comparisons(["emb-a"], ["sst2"], list(correct), "sign")
    assert comparisons == [("emb-a", "sst2", "dense", "sign"), ("emb-a", "sst2", "lif", "sign")]
    tests = classification_tests(predictions, comparisons, 0.05)
    for row in tests.itertuples():
        direct = mcnemar_exact(correct[row.method_a], correct["sign"])
        assert (row.only_a_correct, row.only_b_correct, row.p_value) == (
            direct.only_a_correct,
            direct.only_b_correct,
            direct.p_value,
        )
    assert tests.p_holm.tolist() == pytest.approx(holm(tests.p_value).tolist())


def test_entjes_comparisons_and_marks():
    autoencoders = {
        "ae_nste-64": ("ae_nste", 64),
        "ae_nste-128": ("ae_nste", 128),
        "ae_ste-64": ("ae_ste", 64),
    }
    comparisons = entjes_comparisons(["emb-a"], ["rw"], autoencoders)
    assert comparisons == [
        ("emb-a", "rw", "ae_nste-64", "ae_ste-64"),
        ("emb-a", "rw", "ae_nste-64", "dense"),
        ("emb-a", "rw", "ae_nste-128", "dense"),
        ("emb-a", "rw", "ae_ste-64", "dense"),
    ]
    tests = pd.DataFrame(comparisons, columns=["embedding", "dataset", "method_a", "method_b"]).assign(
        a_closer=[20, 10, 30, 10],
        b_closer=[143, 40, 20, 40],
        spearman_difference=[-2.0, -5.0, 1.0, -1.0],
        significant=[True, True, False, True],
    )
    assert significance_marks(tests, dagger_against={"dense"}) == {
        ("emb-a", "ae_ste-64", "rw"): (True, "†"),
        ("emb-a", "ae_nste-64", "rw"): (False, "†"),
    }


def test_bold_follows_the_sign_test_not_the_spearman_difference():
    # A real case: B closer to the human rank on 143 of 163 decided pairs (p = 4e-24) while A had
    # the higher Spearman. The bold must go to B, the direction of the statistic that is tested.
    tests = pd.DataFrame(
        [("emb-a", "rw", "lif", "izh_rs_fs", 20, 143, 1.3, True)],
        columns=[*TEST_COLUMNS, "a_closer", "b_closer", "spearman_difference", "significant"],
    )
    assert significance_marks(tests, dagger_against={"sign"}) == {("emb-a", "izh_rs_fs", "rw"): (True, "")}


def test_word_similarity_tests_use_every_seed_of_a_stochastic_method():
    # Three seeds of a noisy coder against a deterministic one: the test combines the seeds (rank
    # distances averaged over seeds) and its difference is that of the seed means the table shows.
    rng = np.random.default_rng(8)
    human = rng.uniform(0, 10, size=80)
    seeds = np.stack([human + rng.normal(scale=4, size=80) for _ in range(3)], axis=1)
    sign = human + rng.normal(scale=2, size=80)
    frames = [pairs_frame({"sign": sign}, human)]
    frames += [pairs_frame({"poisson": seeds[:, s]}, human).assign(seed=s) for s in range(3)]
    bootstrap = {"n_resamples": 100, "seed": 0, "confidence": 95.0}
    tests = word_similarity_tests(
        pd.concat(frames, ignore_index=True), [("emb-a", "rw", "poisson", "sign")], bootstrap, 0.05
    )
    row = tests.iloc[0]
    assert (row.seeds_a, row.seeds_b) == (3, 1)
    human_rank = rankdata(human)
    averaged = np.mean([np.abs(rankdata(seeds[:, s]) - human_rank) for s in range(3)], axis=0)
    assert row.a_closer == np.sum(averaged < np.abs(rankdata(sign) - human_rank))
    seed_mean = np.mean([spearmanr(human, seeds[:, s]).statistic for s in range(3)])
    assert row.spearman_difference == pytest.approx(100 * (seed_mean - spearmanr(human, sign).statistic))
    first_seed_only = rank_sign_test(human, seeds[:, 0], sign)
    assert (row.a_closer, row.b_closer) != (first_seed_only.a_closer, first_seed_only.b_closer)


def test_mcnemar_over_seeds_counts_texts_by_their_fraction_of_correct_seeds():
    a = np.array([[1, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]])
    b = np.array([1, 1, 1, 0])
    test = mcnemar_exact(a, b)
    assert (test.only_a_correct, test.only_b_correct) == (0, 2)  # 2/3 < 1, 1/3 < 1, 1 = 1, 0 = 0
    assert mcnemar_exact(a[:, 0], b) == mcnemar_exact(a[:, :1], b)  # one seed: McNemar itself


def test_neighbour_grid_lists_each_models_words():
    neighbours = pd.DataFrame(
        [("emb-a", m, "car", r, f"{m}-{r}", 0.1 * r) for m in ("dense", "ae_ste-64") for r in (1, 2, 3)],
        columns=["embedding", "method", "query", "rank", "word", "distance"],
    )
    (grid,) = neighbour_grids(neighbours, ["emb-a"], ["dense", "ae_ste-64"])
    assert [[c.value for c in row] for row in grid.rows] == [
        [str(r), f"dense-{r}", f"ae_ste-64-{r}"] for r in (1, 2, 3)
    ]


def test_renderers_escape_and_mark():
    grid = Grid(
        "ρ of ae_nste", ["method", "RW"], [[Cell("ae_nste-64"), Cell(51.25, 0.5, True, "†")]], [("emb_a", 1)]
    )
    assert "| ae_nste-64 | **51.2 ± 0.5**† |" in markdown([grid])
    tex = latex([grid])
    assert r"ae\_nste-64 & \textbf{51.2 $\pm$ 0.5}$^{\dagger}$ \\" in tex
    assert r"\multicolumn{1}{c}{emb\_a}" in tex


# --- storage -------------------------------------------------------------------------------------------


def test_storage_measured_on_codes_files(tmp_path):
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(37)]
    vectors = rng.normal(size=(37, 10)).astype(np.float32)
    np.save(tmp_path / "vectors.npy", vectors)
    rows = [{"embedding": "e", "method": "dense", **vectors_storage(tmp_path / "vectors.npy")}]
    for n_bits in (12, 128):
        path = BinaryCodes.from_bits(words, rng.integers(0, 2, size=(37, n_bits))).save(
            tmp_path / f"{n_bits}.npz"
        )
        rows.append({"embedding": "e", "method": f"m{n_bits}", **codes_storage(path, dims=10)})
    table = storage_table(rows).set_index("method")
    assert table.loc["dense", "vocabulary_bytes"] == vectors.nbytes
    assert table.loc["dense", "bits_per_word"] == 32 * 10
    for n_bits in (12, 128):
        codes = BinaryCodes.load(tmp_path / f"{n_bits}.npz")
        row = table.loc[f"m{n_bits}"]
        assert row.bits_per_word == codes.n_bits
        assert row.bytes_per_word == codes.packed.shape[1] == math.ceil(n_bits / 8)
        assert row.vocabulary_bytes == codes.packed.nbytes == len(words) * math.ceil(n_bits / 8)
        assert row.ratio_to_float32 == pytest.approx(codes.packed.nbytes / vectors.nbytes)
        assert row.saved_percent == pytest.approx(100 * (1 - codes.packed.nbytes / vectors.nbytes))


def test_paper_storage_claim_holds_on_written_izhikevich_codes(tmp_path):
    # Wang et al.'s abstract: the codes "reduce approximately 68.75 % of the space". Their
    # Izhikevich codes of 300-d vectors at tol = 10 are 3000 bits; measured on files written by the
    # coder, and the constant the fidelity note quotes agrees with the measurement.
    vectors = np.random.default_rng(6).normal(scale=0.4, size=(50, 300)).astype(np.float32)
    np.save(tmp_path / "vectors.npy", vectors)
    codes = IzhikevichRSFSBinarizer().encode([f"w{i}" for i in range(50)], vectors)
    measured = storage_table(
        [
            {"method": "izh", **codes_storage(codes.save(tmp_path / "izh.npz"), dims=300)},
            {"method": "dense", **vectors_storage(tmp_path / "vectors.npy")},
        ]
    ).set_index("method")
    assert measured.loc["izh", "bits_per_word"] == 3000
    assert measured.loc["izh", "saved_percent"] == pytest.approx(68.75)
    assert measured.loc["dense", "saved_percent"] == 0.0
    assert (PAPER_STORAGE.bits, PAPER_STORAGE.code_bytes) == (3000, measured.loc["izh", "bytes_per_word"])
    assert PAPER_STORAGE.saved_percent == pytest.approx(measured.loc["izh", "saved_percent"])


def test_published_cells_are_data_with_a_source():
    published = load_published()
    assert len(published) >= 1 and published.provenance.str.len().min() > 20
    assert set(published.metric) <= {"spearman", "accuracy"}
    poisson = published[(published.method == "poisson") & (published.dataset == "ws353-all")].iloc[0]
    assert (poisson.value, poisson["std"], poisson.n_seeds) == (30.2, 6.2, 10)


def test_smallest_grid_finds_the_denominator_of_coarse_values():
    # Spearman values k / 62 printed x 100 with one decimal: 19/62 -> 30.6, 30/62 -> 48.4 ...
    coarse = [round(100 * k / 62, 1) for k in (19, 30, 7, 41, 25)]
    assert smallest_grid(coarse, decimals=1) == 62
    assert smallest_grid([50.0, 25.0, 75.0, 0.0], decimals=1) == 4
    assert smallest_grid([30.17, 48.43, 11.29, 66.11], decimals=2, max_denominator=200) is None


def test_published_beside_ours_names_every_reason():
    published = load_published()
    scores = pd.DataFrame(
        [("glove-50d", "poisson", s, "ws353-all", "spearman", v) for s, v in enumerate([40.0, 44.0])],
        columns=["embedding", "method", "seed", "dataset", "metric", "value"],
    )
    paper_vectors = {"glove-50d": {"paper": "GloVe 6B 300d", "same": False}}
    run = {
        "tuning_protocol": "held_out",
        "tuned_methods": {"glove-50d": ["poisson"]},
        "method_params": {"poisson": {"normalization": "rank"}},
        "seeds": {"poisson": 2},
    }
    rows, reasons = published_beside_ours(published, scores, ["glove-50d"], paper_vectors, run)
    row = next(r for r in rows if r[2] == "poisson" and r[3] == "ws353-all")
    assert row[4:] == ["30.2 ± 6.2", "glove-50d", "42.0 ± 2.8", "no (1, 2, 3, 4)"]
    assert "stands in" in reasons[0] and "held-out" in reasons[1] and "rank" in reasons[2]
    assert reasons[3] == "2 seeds, the paper's 10"
    same = {"glove-50d": {"paper": "GloVe 6B 300d", "same": True}}
    paper_run = {
        "tuning_protocol": "test_sets",
        "tuned_methods": {},
        "method_params": {},
        "seeds": {"poisson": 10},
    }
    rows, reasons = published_beside_ours(published, scores, ["glove-50d"], same, paper_run)
    assert next(r for r in rows if r[2] == "poisson")[-1] == "yes" and reasons == []


def test_spread_labels_keeps_a_gap_centred_on_crowded_points_and_inside_the_bounds():
    assert spread_labels([50.0, 0.0, 100.0], 10, -1e9, 1e9).tolist() == [50.0, 0.0, 100.0]  # room enough
    assert spread_labels([5.0, 5.0, 5.0], 10, -1e9, 1e9).tolist() == [-5.0, 5.0, 15.0]  # centred on 5
    placed = spread_labels([0.0, 1.0, 2.0, 60.0], 10, 0.0, 100.0)  # crowded at the bottom edge
    assert placed.tolist() == [0.0, 10.0, 20.0, 60.0]
    rng = np.random.default_rng(0)
    targets = rng.uniform(0, 50, 12)
    placed = spread_labels(targets, 4, 0, 60)
    assert (np.diff(np.sort(placed)) >= 4 - 1e-9).all() and placed.min() >= 0 and placed.max() <= 60
    assert (np.argsort(placed, kind="stable") == np.argsort(targets, kind="stable")).all()  # order kept
