import copy

import numpy as np
import pytest
import yaml
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from binembed.configuration.validation import ConfigError, validate_config, with_package_benchmarks

SCHEMA = REPO / "src" / "binembed" / "configuration" / "config.schema.yaml"


@pytest.fixture
def config():
    """config.yaml as the workflow sees it: completed with the package's benchmark files."""
    return with_package_benchmarks(yaml.safe_load((REPO / "config.yaml").read_text()))


def test_shipped_config_is_valid(config):
    assert validate_config(copy.deepcopy(config)) == config


def test_the_package_benchmarks_complete_the_config_and_its_own_entries_win():
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    assert "resources" not in config and "knn" not in config["evaluation"]
    mine = {"url": "https://example.org/mine.txt", "sha256": None}
    config["resources"] = {"mine": mine, "rw": mine}
    config["evaluation"]["knn"] = {"n_folds": 2}
    validate_config(config)
    assert config["resources"]["mine"] == mine
    # merged key by key, as Snakemake merges config files: rw keeps the package's mirror path
    assert config["resources"]["rw"] == {
        "url": mine["url"],
        "sha256": None,
        "mirror_path": "word-sim/EN-RW-STANFORD.txt",
    }
    assert config["resources"]["ws353-all"]["mirror_path"] == "word-sim/EN-WS-353-ALL.txt"
    assert config["evaluation"]["knn"] == {
        "k_candidates": [1, 3, 5, 7, 9, 11, 15, 21, 31],
        "n_folds": 2,
        "seed": 0,
    }


def check(config, message):
    with pytest.raises(ConfigError) as err:
        validate_config(config)
    assert message in str(err.value)


def test_unknown_top_level_key(config):
    config["method"] = ["sign"]
    check(config, "config key '(top level)': unknown key(s) ['method']")


def test_unknown_method(config):
    config["methods"] = ["sign", "sgn"]
    check(config, "config key 'methods.1': 'sgn' is not one of")


def test_bad_type(config):
    config["evaluation"]["knn"]["n_folds"] = "five"
    check(config, "config key 'evaluation.knn.n_folds': 'five' is not of type 'integer'")


def test_unknown_parameter_of_a_method(config):
    config["params"]["sign"]["treshold"] = 0.1
    check(config, "config key 'params.sign': unknown key(s) ['treshold']")


def test_embedding_name_that_does_not_exist(config):
    config["embeddings"] = ["glove-6B-50d", "glove-42B"]
    check(config, "config key 'embeddings.1': no embedding_sources entry named 'glove-42B'")


def test_word_similarity_set_that_does_not_exist(config):
    config["evaluation"]["word_similarity"].append("ws-999")
    check(config, "no resources entry named 'ws-999'")


def test_malformed_checksum(config):
    config["resources"]["rw"]["sha256"] = "abc"
    check(config, "config key 'resources.rw.sha256'")


def test_embedding_source_needs_exactly_one_origin(config):
    config["embedding_sources"]["mine"] = {"format": "glove_text", "dim": 100}
    check(config, "config key 'embedding_sources.mine': give exactly one of package")
    config["embedding_sources"]["mine"]["path"] = "/data/vectors.txt"
    validate_config(config)


def test_negative_or_non_dividing_tol(config):
    config["params"]["lif"]["tol"] = -5
    check(config, "config key 'params.lif.tol': -5 is not one of")
    config["params"]["lif"]["tol"] = 7
    check(config, "config key 'params.lif.tol': 7 is not one of")


def test_more_bits_than_possible(config):
    config["params"]["itq"]["n_bits"] = [32, 64]
    check(
        config, "config key 'params.itq.n_bits': 64 is 64 bits on 'glove-6B-50d', more than its 50 dimensions"
    )
    config["params"]["itq"]["n_bits"] = [32]
    config["params"]["lsh"]["n_bits"] = ["3000x"]
    check(
        config, "config key 'params.lsh.n_bits': '3000x' is 150000 bits on 'glove-6B-50d', more than 100000"
    )


def test_held_out_tuning_set_must_not_be_reported(config):
    config["evaluation"]["word_similarity"].append("mturk771")
    check(config, "config key 'tuning.dataset': 'mturk771' is also reported")


def test_integer_valued_floats_are_refused_with_the_integer_to_write(config):
    config["params"]["lif"]["tol"] = 5.0
    config["seeds"]["poisson"] = 2.0
    with pytest.raises(ConfigError) as err:
        validate_config(config)
    assert "config key 'params.lif.tol': 5.0 must be written as an integer (5, not 5.0)" in str(err.value)
    assert "config key 'seeds.poisson': 2.0 must be written as an integer (2, not 2.0)" in str(err.value)


def test_one_of_errors_say_what_is_allowed(config):
    config["params"]["lsh"]["n_bits"] = ["ten"]
    check(config, "config key 'params.lsh.n_bits': ['ten'] is not allowed here; expected ")
    check(config, "a string matching ^[1-9][0-9]*x$")


def test_sha256_written_in_upper_case_or_unquoted(config):
    config["resources"]["rw"]["sha256"] = config["resources"]["rw"]["sha256"].upper()
    check(config, "(write the hex digits in lower case)")
    config["resources"]["rw"]["sha256"] = int("1" * 64)
    check(config, "(YAML read an unquoted sha256 made of digits as a number: put it in quotes)")


def test_tuning_names_only_configured_methods_and_their_parameters(config):
    config["tuning"]["methods"] = ["lif", "lfi"]
    check(config, "config key 'tuning.methods.1': 'lfi' is not one of")
    config["tuning"]["methods"] = ["lif", "itq"]
    config["methods"] = [m for m in config["methods"] if m != "itq"]
    check(config, "config key 'tuning.methods.1': 'itq' is not in 'methods', so it never runs")


def test_tuning_grid_keys_must_be_parameters(config):
    config["tuning"]["grid"]["lif"] = {"i_bost": [100.0]}
    check(config, "config key 'tuning.grid.lif.i_bost': not a parameter of 'lif'")
    del config["tuning"]["grid"]["lif"]
    config["tuning"]["grid"]["default"]["sigmaa"] = [1.0]
    check(config, "config key 'tuning.grid.default.sigmaa': not a parameter of any tuned method")
    del config["tuning"]["grid"]["default"]["sigmaa"]
    config["tuning"]["grid"]["lfi"] = {"tol": [5]}
    check(config, "config key 'tuning.grid.lfi': not a method (or 'default')")


def test_tuning_grid_values_must_be_valid_for_the_method(config):
    config["tuning"]["grid"]["default"]["tol"] = [3, 5]
    check(
        config,
        "config key 'tuning.grid.default.tol': 3 is not a valid tol of poisson, lif, lif_noise, izh_rs_fs",
    )
    config["tuning"]["grid"]["default"]["tol"] = [5, 10]
    config["tuning"]["grid"]["poisson"]["max_rate"] = [4000.0, 20000.0]
    check(config, "config key 'tuning.grid.poisson.max_rate': 20000.0 is not a valid max_rate of poisson")


def test_spiking_codes_beyond_the_bit_cap(config):
    # 1100 dims: tol 1 in a tuning grid gives 110,000 bits; the configured tol 5 gives 22,000
    config["embedding_sources"]["glove-6B-50d"]["dim"] = 1100
    config["params"]["lsh"]["n_bits"] = [64]
    config["tuning"]["grid"]["default"]["tol"] = [1, 5]
    with pytest.raises(ConfigError) as err:
        validate_config(config)
    expected = (
        "  config key 'tuning.grid.default.tol': tol 1 gives 1100 x 100 = 110000 bits on 'glove-6B-50d' "
        "(poisson, lif, lif_noise, izh_rs_fs, izh_rs_lts, izh_ib_fs, izh_ib_lts, izh_ch_fs, izh_ch_lts), "
        "more than 100000"
    )
    assert str(err.value).splitlines()[1:] == [expected]  # one line naming the grid that holds tol 1
    config["tuning"]["grid"]["default"]["tol"] = [5, 10]
    validate_config(config)


def test_member_only_for_formats_read_from_an_archive(config):
    config["embedding_sources"]["w2v-googlenews-300d"]["member"] = "vectors.bin"
    check(
        config,
        "config key 'embedding_sources.w2v-googlenews-300d.member': only glove_text is read out of a zip",
    )


def test_empty_evaluation_lists_are_refused(config):
    config["evaluation"]["word_similarity"] = []
    check(config, "config key 'evaluation.word_similarity': [] should be non-empty")
    config["evaluation"]["word_similarity"] = ["rw"]
    config["evaluation"]["classification"] = []
    check(config, "config key 'evaluation.classification': [] should be non-empty")


def test_lif_has_no_noise_parameter(config):
    config["params"]["lif"]["sigma"] = 5.0
    check(config, "config key 'params.lif': unknown key(s) ['sigma']")


def test_parameters_replaced_by_the_embedding_block_are_reported(config):
    from binembed.configuration.validation import parameter_conflicts

    assert parameter_conflicts(config) == []
    config["embeddings"] = ["glove-6B-300d"]
    config["params"]["lif"]["i_boost"] = 150.0
    expected = (
        "config key 'params.lif.i_boost' (150.0) is replaced on 'glove-6B-300d' by "
        "'embedding_sources.glove-6B-300d.params.i_boost' (100.0)"
    )
    assert parameter_conflicts(config) == [expected]


def test_paper_settings_name_spiking_methods_and_their_parameters(config):
    config["paper_settings"]["params"] = {"sign": {"threshold": 0.0}}
    check(config, "config key 'paper_settings.params.sign': 'sign' is not a spiking method")
    config["paper_settings"]["params"] = {"lif": {"v_thr": 15.0}}
    check(config, "config key 'paper_settings.params.lif.v_thr': not a parameter of 'lif'")
    config["paper_settings"]["params"] = {"lif": {"negative": "sideways"}}
    check(config, "config key 'paper_settings.params.lif.negative': 'sideways' is not a valid negative")
    # what the paper states (published_settings.csv) is not a setting of the configuration
    config["paper_settings"]["params"] = {"lif": {"v_th": 16.0}}
    check(config, "config key 'paper_settings.params.lif.v_th': the paper states v_th")
    config["paper_settings"]["params"] = {"izh_rs_fs": {"i_boost": 50.0}}
    check(config, "config key 'paper_settings.params.izh_rs_fs.i_boost': the paper states i_boost")


def test_a_typo_in_an_embeddings_own_params_is_refused(config):
    config["embedding_sources"]["w2v-googlenews-300d"]["params"]["i_bost"] = 200.0
    check(config, "config key 'embedding_sources.w2v-googlenews-300d.params': unknown key(s) ['i_bost']")


def test_keys_naming_an_embedding_must_name_one(config):
    config["products"]["paper_vectors"]["glove-840B"] = {"paper": "GloVe 840B", "same": True}
    check(config, "config key 'products.paper_vectors.glove-840B': no embedding_sources entry named")


def test_seeds_of_a_method_that_has_none_are_refused(config):
    config["seeds"]["lif"] = 10
    check(config, "config key 'seeds.lif': 'lif' does not depend on a seed; it runs once")


def test_a_tuned_method_with_nothing_to_tune_is_refused(config):
    config["tuning"]["methods"].append("lsh")
    config["methods"] = ["lsh", *config["tuning"]["methods"][:-1]]
    check(config, "config key 'tuning.methods.9': no parameter of 'lsh' is in tuning.grid")


@pytest.mark.parametrize(
    ("origin", "declared", "message"),
    [
        (
            {"path": "v.txt"},
            {"members": {"vectors": "v.txt"}},
            ".members': only a wheel (package) has members",
        ),
        (
            {"package": "p==1", "sha256": "0" * 64, "members": {"vectors": "v.txt"}},
            {"member": "v.txt"},
            ".member': a wheel's files are named in 'members', not 'member'",
        ),
        (
            {"package": "p==1", "sha256": "0" * 64, "members": {"vectors": "v.txt", "vocab": "w.parquet"}},
            {},
            ".members.vocab': only npy_parquet reads a separate vocabulary (glove_text does not)",
        ),
        (
            {"url": "https://example.org/a/..", "sha256": None},
            {},
            ".url': 'https://example.org/a/..' does not end",
        ),
        (
            {"url": "https://example.org/", "sha256": None},
            {},
            ".url': 'https://example.org/' does not end in a file",
        ),
        ({"url": "https:///v.txt", "sha256": None}, {}, ".url': 'https:///v.txt' names no host"),
        (
            {"url": "https://h/my vectors.txt", "sha256": None},
            {},
            ".url': 'https://h/my vectors.txt' holds a space",
        ),
    ],
)
def test_what_an_embedding_declares_must_mean_something_for_its_origin(config, origin, declared, message):
    config["embedding_sources"]["mine"] = {"format": "glove_text", "dim": 50, **origin, **declared}
    check(config, f"config key 'embedding_sources.mine{message}")


def test_an_archive_checksum_needs_the_member_it_protects(config):
    config["resources"]["rw"]["archive_sha256"] = "0" * 64
    config["resources"]["rw"].pop("member", None)
    check(config, "config key 'resources.rw.archive_sha256': the file at 'url' is not an archive here")


def test_a_number_must_be_finite(config):
    config["params"]["lif"]["i_boost"] = float("nan")  # YAML's .nan passes every bound
    config["tuning"]["grid"]["default"]["v_th"] = [10.0, float("inf")]
    check(config, "config key 'params.lif.i_boost': nan is not a finite number")
    check(config, "config key 'tuning.grid.default.v_th.1': inf is not a finite number")


def test_retrieval_settings_are_checked(config):
    config["evaluation"]["retrieval"]["candidates"] = 5
    with pytest.raises(ConfigError, match=r"'evaluation.retrieval.candidates': 5 is fewer than k \(10\)"):
        validate_config(copy.deepcopy(config))
    config["evaluation"]["retrieval"] = {"queries": 0, "k": 10, "candidates": 100, "seed": 0, "depth": 3}
    with pytest.raises(ConfigError) as error:
        validate_config(copy.deepcopy(config))
    assert "config key 'evaluation.retrieval': unknown key(s) ['depth']" in str(error.value)
    assert "config key 'evaluation.retrieval.queries': 0 is less than the minimum of 1" in str(error.value)


def test_bounds_that_depend_on_the_vocabulary_are_checked_where_its_size_is_declared(config):
    config["embeddings"] = ["glove-6B-300d"]
    config["embedding_sources"]["glove-6B-300d"]["words"] = 500  # a vocabulary cut to 500 words
    config["evaluation"]["retrieval"]["k"] = 500
    config["evaluation"]["retrieval"]["candidates"] = 500
    check(
        config,
        "config key 'evaluation.retrieval.k': 500 is more than the 499 true neighbours of a query "
        "(the other words) that embedding 'glove-6B-300d' (its declared words) of 500 words has",
    )
    config["evaluation"]["retrieval"].update(queries=100, k=10, candidates=100)
    config["params"]["overcomplete"]["fit_words"] = 501
    check(
        config,
        "config key 'params.overcomplete.fit_words': 501 is more than the 500 words of 'glove-6B-300d'",
    )
    config["params"]["overcomplete"]["fit_words"] = 500
    validate_config(config)


@settings(max_examples=200, deadline=None)
@given(
    n_words=st.integers(2, 40),
    queries=st.integers(1, 45),
    k=st.integers(1, 45),
    extra=st.integers(0, 10),
    seed=st.integers(0, 3),
)
def test_retrieval_settings_a_vocabulary_allows_give_every_query_its_full_truth(
    n_words, queries, k, extra, seed
):
    """Where no problem is reported, the truth has exactly `queries` rows of k distinct neighbours
    each, none of them the query: recall's denominators are what the report says. Where one is,
    it names the key whose value the vocabulary cannot give."""
    from binembed.configuration.cross_references import retrieval_depth_problems
    from binembed.evaluation.retrieval import cosine_rankings, query_rows

    settings_ = {"queries": queries, "k": k, "candidates": k + extra, "seed": seed}
    problems = retrieval_depth_problems(settings_, n_words, "embedding 'e'")
    limits = {"queries": n_words, "k": n_words - 1, "candidates": n_words - 1}
    assert [p.split("'")[1] for p in problems] == [
        f"evaluation.retrieval.{name}" for name, most in limits.items() if settings_[name] > most
    ]
    if problems:
        return
    vectors = np.random.default_rng(seed).normal(size=(n_words, 3))
    rows = query_rows(n_words, queries, seed)
    truth = cosine_rankings(vectors, rows, k)
    assert truth.shape == (queries, k) and len(set(rows)) == queries
    for query, neighbours in zip(rows, truth, strict=True):
        assert query not in neighbours and len(set(neighbours)) == k


@pytest.mark.parametrize(
    ("tuning", "message"),
    [
        ({"enabled": False, "rate_limits_hz": [1000]}, "the tuning is off"),
        (
            {"methods": ["lsh"], "grid": {"default": {"n_bits": [8]}}, "rate_limits_hz": [1000]},
            "no spiking method",
        ),
        ({"rate_limits_hz": [1000.00001, 1000.00002]}, "name the same variants"),
        ({"rate_limits_hz": [0]}, r"tuning\.rate_limits_hz\.0"),
    ],
)
def test_rate_limits_that_would_run_nothing_or_collide_are_refused(tuning, message):
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["tuning"] = {**config["tuning"], **tuning}
    if "methods" in tuning:
        config["methods"] = (
            [*config["methods"], "lsh"] if "lsh" not in config["methods"] else config["methods"]
        )
    with pytest.raises(ConfigError, match=message):
        validate_config(config)
