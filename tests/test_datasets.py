from collections import Counter

import pytest

from binembed.fileio.datasets import (
    DatasetFormatError,
    classification_split,
    read_search_snippets,
    read_sst_trees,
    read_word_similarity,
    sst2,
)

# Pair counts of the files in the mirror (MANIFEST.md; MTurk-287 and SimVerb-3500 end without a
# newline, so `wc -l` shows one less).
WORD_SIM_PAIRS = {
    "EN-WS-353-ALL.txt": 353,
    "EN-WS-353-SIM.txt": 203,
    "EN-WS-353-REL.txt": 252,
    "EN-SIMLEX-999.txt": 999,
    "EN-RW-STANFORD.txt": 2034,
    "EN-MEN-TR-3k.txt": 3000,
    "EN-MC-30.txt": 30,
    "EN-RG-65.txt": 65,
    "EN-MTurk-287.txt": 287,
    "EN-MTurk-771.txt": 771,
    "EN-YP-130.txt": 130,
    "EN-VERB-143.txt": 144,
    "EN-SimVerb-3500.txt": 3500,
}


@pytest.mark.parametrize("name, count", WORD_SIM_PAIRS.items())
def test_word_similarity_counts(mirror, name, count):
    pairs = read_word_similarity(mirror / "word-sim" / name)
    assert len(pairs) == count
    assert not pairs["word2"].str.contains("\r").any()


def test_men_keeps_its_0_to_50_scale(mirror):
    pairs = read_word_similarity(mirror / "word-sim" / "EN-MEN-TR-3k.txt")
    assert pairs["score"].max() == 50.0 and pairs["score"].min() >= 0


def test_word_similarity_formats_and_errors(tmp_path):
    path = tmp_path / "ws.txt"
    path.write_bytes(b"tiger cat 7.35\r\nbook\tpaper\t7.46\r\n\r\n")
    pairs = read_word_similarity(path)
    assert pairs.values.tolist() == [["tiger", "cat", 7.35], ["book", "paper", 7.46]]
    path.write_text("a b 1\nc d high\n")
    with pytest.raises(DatasetFormatError, match=r"ws.txt, line 2: score 'high'"):
        read_word_similarity(path)
    path.write_text("a b 1\nc 2\n")
    with pytest.raises(DatasetFormatError, match="line 2"):
        read_word_similarity(path)


def test_search_snippets_class_counts(mirror):
    train = read_search_snippets(mirror / "search-snippets" / "train.txt")
    test = read_search_snippets(mirror / "search-snippets" / "test.txt")
    assert Counter(train.labels) == {
        "business": 1200,
        "computers": 1200,
        "culture-arts-entertainment": 1880,
        "education-science": 2360,
        "engineering": 220,
        "health": 880,
        "politics-society": 1200,
        "sports": 1120,
    }
    expected_test = {label: 300 for label in Counter(train.labels)}
    expected_test.update({"culture-arts-entertainment": 330, "engineering": 150})
    assert Counter(test.labels) == expected_test
    assert all(len(t) >= 1 for t in train.texts)


@pytest.mark.parametrize(
    "split, total, negative, positive",
    [("train", 6920, 3310, 3610), ("dev", 872, 428, 444), ("test", 1821, 912, 909)],
)
def test_sst2_counts(mirror, split, total, negative, positive):
    data = sst2(mirror / "sst" / "trees" / f"{split}.txt")
    assert len(data) == total
    assert Counter(data.labels) == {"negative": negative, "positive": positive}


def test_sst_tree_leaves_and_root(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("(3 (2 (2 The) (2 Rock)) (4 (2 is) (4 great)))\n")
    assert read_sst_trees(path) == ([["The", "Rock", "is", "great"]], [3])


def test_sst_malformed_tree_names_line(tmp_path):
    path = tmp_path / "trees.txt"
    path.write_text("(2 (2 a) (2 b))\n(2 (2 a) (2 b)\n")
    with pytest.raises(DatasetFormatError, match="line 2"):
        read_sst_trees(path)


def test_classification_splits(mirror):
    train, test = classification_split(
        "sst2", {s: mirror / "sst" / "trees" / f"{s}.txt" for s in ("train", "dev", "test")}
    )
    assert (len(train), len(test)) == (6920 + 872, 1821)


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (
            read_word_similarity,
            b"car\ttruck\t9\nca\xe9\tbus\t2\n",
            r"p.txt, line 2: not UTF-8 text \(byte 0xe9 at column 3\)",
        ),
        (
            read_word_similarity,
            b"car\ttruck\t9\nc\x00r\tbus\t2\n",
            r"p.txt, line 2: word 'c\\x00r' holds the control",
        ),
        (
            read_search_snippets,
            b"a b sports\nc \x01d business\n",
            r"p.txt, line 2: word '\\x01d' holds the control",
        ),
        (
            read_sst_trees,
            b"(3 (2 a) (3 b))\n(1 (2 c\x7f) (1 d))\n",
            r"p.txt, line 2: word 'c\\x7f' holds the control",
        ),
    ],
)
def test_benchmark_readers_never_invent_a_word(tmp_path, reader, text, message):
    path = tmp_path / "p.txt"
    path.write_bytes(text)
    with pytest.raises(DatasetFormatError, match=message):
        reader(path)
