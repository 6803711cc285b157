import copy

import pytest
import yaml
from conftest import REPO

from binembed.config import ConfigError, validate_config

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture
def config():
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_shipped_config_is_valid(config):
    assert validate_config(copy.deepcopy(config), SCHEMA) == config


def check(config, message):
    with pytest.raises(ConfigError) as err:
        validate_config(config, SCHEMA)
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
    validate_config(config, SCHEMA)


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
