"""Property-based tests (Hypothesis): whatever bytes a file holds, every reader either reads it, with
nothing but words in its vocabulary, or raises the project's InputError; whatever YAML tree a
configuration holds, the validator accepts it or raises ConfigError; and the command leaves no
output behind when it fails. Never another exception: that would be a traceback for the user."""

import copy
import io
import pickle
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import yaml
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binembed.cli import main
from binembed.codes import BinaryCodes
from binembed.configuration.validation import ConfigError, validate_config
from binembed.errors import InputError
from binembed.fileio.datasets import read_search_snippets, read_sst_trees, read_word_similarity
from binembed.fileio.embedding_readers import READERS
from binembed.fileio.embeddings import load_embedding
from binembed.fileio.vocabulary import word_problem

PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Files that look almost right reach deeper than random bytes: lines of tokens (words, numbers,
# odd bytes) joined by spaces, tabs and line breaks, sometimes after a word2vec header.
TOKENS = st.one_of(
    st.sampled_from(
        [b"the", b"of", b"caf\xc3\xa9", b"0.5", b"-1", b"1e3", b"nan", b"inf", b"(2", b"3)", b"(1 x)"]
    ),
    st.binary(min_size=0, max_size=4),
    st.integers(0, 3).map(lambda n: str(n).encode()),
)
LINE = st.lists(TOKENS, max_size=5).map(b" ".join)
SEPARATED = st.lists(st.tuples(LINE, st.sampled_from([b"\n", b"\r\n", b"\t", b" "])), max_size=8).map(
    lambda parts: b"".join(line + end for line, end in parts)
)
FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    SEPARATED,
    st.tuples(st.sampled_from([b"2 2\n", b"1 3\n", b"3 1\n", b"0 0\n"]), SEPARATED).map(b"".join),
    st.tuples(st.sampled_from([b"2 2\n", b"1 1\n"]), st.binary(max_size=60)).map(b"".join),
)


def _words_are_words(words, raw: bytes):
    """Every word is a word, spelled by bytes that are in the file (no reader invents one)."""
    for word in words:
        assert word_problem(word) is None, word
        assert word.encode("utf-8") in raw, word


@PROPERTY
@given(raw=FILE_BYTES, fmt=st.sampled_from(sorted(READERS)))
def test_every_embedding_reader_reads_or_raises_an_input_error(tmp_path, raw, fmt):
    path = tmp_path / ("v.bin" if fmt == "word2vec_binary" else "v.txt")
    path.write_bytes(raw)
    try:
        embedding = READERS[fmt](path)
    except InputError:
        return
    _words_are_words(embedding.words, raw)
    assert np.isfinite(embedding.vectors).all() and len(embedding.words) == len(set(embedding.words))


@PROPERTY
@given(prefix=st.binary(max_size=40), cut=st.integers(0, 400))
def test_a_broken_pickle_is_an_input_error(tmp_path, prefix, cut):
    valid = pickle.dumps({"vectors": np.ones((2, 2), np.float32), "index_to_key": ["a", "b"]})
    path = tmp_path / "v.kv"
    path.write_bytes(prefix + valid[:cut])
    with pytest.raises(InputError):
        READERS["gensim_keyedvectors"](path)


@PROPERTY
@given(vocab=FILE_BYTES, rows=st.integers(0, 4), broken=st.booleans())
def test_the_folder_form_reads_or_raises_an_input_error(tmp_path, vocab, rows, broken):
    (tmp_path / "vocab.txt").write_bytes(vocab)
    if broken:
        (tmp_path / "vectors.npy").write_bytes(vocab[:60])
    else:
        np.save(tmp_path / "vectors.npy", np.ones((rows, 2), np.float32))
    try:
        embedding = load_embedding(tmp_path)
    except InputError:
        return
    _words_are_words(embedding.words, vocab)


# Lines shaped like a benchmark set's, so that reads succeed often enough to check what they give.
WORD = st.one_of(
    st.sampled_from([b"the", b"caf\xc3\xa9", b"x", b"(", b"a b"]), st.binary(min_size=1, max_size=3)
)
PAIR_LINE = st.tuples(WORD, WORD, st.sampled_from([b"0.5", b"7", b"nan", b"1e3", b"-2", b"x"])).map(
    b"\t".join
)
TREE_LINE = st.tuples(st.integers(0, 5), WORD, WORD).map(lambda t: b"(%d (2 %s) (3 %s))" % t)
SHAPED = st.one_of(
    st.lists(PAIR_LINE, min_size=1, max_size=6).map(b"\n".join),
    st.lists(TREE_LINE, min_size=1, max_size=6).map(b"\n".join),
)


@PROPERTY
@given(
    raw=st.one_of(FILE_BYTES, SHAPED),
    reader=st.sampled_from([read_word_similarity, read_search_snippets, read_sst_trees]),
)
def test_every_benchmark_reader_reads_or_raises_an_input_error(tmp_path, raw, reader):
    path = tmp_path / "set.txt"
    path.write_bytes(raw)
    try:
        content = reader(path)
    except InputError:
        return
    # what a read gives is the file's own: every word, token and label stands in it, and scores
    # and labels are numbers of their kind
    if reader is read_word_similarity:
        tokens = [*content.word1, *content.word2]
        assert np.isfinite(content.score.to_numpy(dtype=float)).all()
    elif reader is read_search_snippets:
        tokens = [*(t for text in content.texts for t in text), *content.labels]
        assert len(content.texts) == len(content.labels) and all(content.texts)
    else:
        sentences, labels = content
        tokens = [t for sentence in sentences for t in sentence]
        assert len(sentences) == len(labels) and set(labels) <= {0, 1, 2, 3, 4}
    assert all(token and token.encode("utf-8") in raw for token in tokens), tokens


@PROPERTY
@given(raw=FILE_BYTES, as_npz=st.booleans())
def test_every_codes_reader_reads_or_raises_an_input_error(tmp_path, raw, as_npz):
    path = tmp_path / ("c.npz" if as_npz else "c.txt")
    if as_npz:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            words=np.frombuffer(raw, np.uint8),
            packed=np.zeros((1, 1), np.uint8),
            n_bits=8,
            metadata="{}",
        )
        path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) - len(raw) % 7])
    else:
        path.write_bytes(raw)
    try:
        codes = BinaryCodes.load(path) if as_npz else BinaryCodes.from_tissier_text(path)
    except InputError:
        return
    _words_are_words(codes.words, raw)


@settings(PROPERTY, max_examples=60)
@given(raw=FILE_BYTES)
def test_the_command_fails_in_one_line_and_leaves_no_output(tmp_path, raw):
    path = tmp_path / "v.txt"
    path.write_bytes(raw)
    out = tmp_path / "codes.npz"
    out.unlink(missing_ok=True)
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as errors:
        status = main(["encode", "sign", str(path), str(out)])
    assert status in (0, 1)
    if status == 1:
        assert not out.exists() and errors.getvalue().startswith("binembed encode: error: ")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


# --- the configuration ------------------------------------------------------------------------

SHIPPED = yaml.safe_load((REPO / "config.yaml").read_text())
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(
        ["sign", "lif", "dense", "glove-6B-50d", "ws353-all", "10x", "1x", "0" * 64, "https://h/a/.."]
    ),
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8) | st.sampled_from(["params", "i_boost"]), children, max_size=3),
    ),
    max_leaves=8,
)


def _paths(tree, prefix=()):
    """Every path to a value inside a nested dict/list tree."""
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _paths(value, (*prefix, i))


PATHS = [path for path in _paths(SHIPPED) if path]


@st.composite
def edited_configs(draw):
    """The shipped configuration with one to three values replaced, removed or added."""
    config = copy.deepcopy(SHIPPED)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = config
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "remove", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(TREES)
            elif action == "remove" and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=6))] = draw(TREES)
        except (KeyError, IndexError, TypeError):  # an earlier edit changed the path
            continue
    return config


@settings(PROPERTY, max_examples=600)
@given(config=edited_configs())
def test_any_configuration_is_accepted_or_refused_with_config_errors(config):
    try:
        validate_config(config)
    except ConfigError as error:
        assert str(error).startswith("invalid configuration:\n  config key '"), str(error)


@settings(PROPERTY, max_examples=100)
@given(tree=TREES)
def test_any_yaml_tree_is_refused_with_config_errors(tree):
    with pytest.raises(ConfigError):
        validate_config(tree if isinstance(tree, dict) else {"tree": tree})
