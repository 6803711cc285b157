# Helpers for the rules: config validation, wildcard constraints and input functions.
import re
from pathlib import Path

from binembed.binarizers import BINARIZERS
from binembed.config import validate_config
from binembed.datasets import CLASSIFICATION_RESOURCES

validate_config(
    config, Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"
)

EMBEDDINGS = config["embeddings"]
METHODS = config["methods"]
# "dense" is the uncompressed baseline, evaluated like every method's codes.
REPRESENTATIONS = ["dense"] + METHODS
WORD_SIM = config["evaluation"]["word_similarity"]
TASKS = config["evaluation"]["classification"]


def _alternatives(names):
    return "|".join(re.escape(n) for n in names)


wildcard_constraints:
    embedding=_alternatives(config["embedding_sources"]),
    method=_alternatives(["dense", *BINARIZERS]),
    resource=_alternatives(config["resources"]),
    task=_alternatives(CLASSIFICATION_RESOURCES),
    seed=r"\d+",


def seeds_for(method):
    """Seeds a method runs with: deterministic methods and the dense baseline run once, seed 0."""
    return [0]


def runs():
    """Every (embedding, representation, seed) the workflow evaluates."""
    return [
        (embedding, method, seed)
        for embedding in EMBEDDINGS
        for method in REPRESENTATIONS
        for seed in seeds_for(method)
    ]


def embedding_source_file(wildcards):
    """The file an embedding is read from: its wheel, its download, or the configured path."""
    source = config["embedding_sources"][wildcards.embedding]
    if "package" in source:
        return f"resources/embeddings/{wildcards.embedding}.whl"
    if "url" in source:
        return f"resources/embeddings/{wildcards.embedding}/{Path(source['url']).name}"
    return source["path"]


def representation_files(wildcards):
    """Dense vectors (with their vocabulary) or a method's codes."""
    if wildcards.method == "dense":
        return {
            "vectors": f"results/embeddings/{wildcards.embedding}/vectors.npy",
            "vocab": f"results/embeddings/{wildcards.embedding}/vocab.txt",
        }
    return {
        "codes": f"results/codes/{wildcards.embedding}/{wildcards.method}/seed-{wildcards.seed}.npz"
    }


def classification_inputs(wildcards):
    """The representation's files and the task's resource files, keyed by split."""
    splits = {
        split: f"resources/data/{name}"
        for split, name in CLASSIFICATION_RESOURCES[wildcards.task].items()
    }
    return {**representation_files(wildcards), **splits}


def run_dir(embedding, method, seed):
    return f"results/eval/{embedding}/{method}/seed-{seed}"


def evaluation_summaries():
    """Every per-run summary file that goes into the scores table."""
    files = []
    for embedding, method, seed in runs():
        files.append(f"{run_dir(embedding, method, seed)}/word_similarity.csv")
        files += [
            f"{run_dir(embedding, method, seed)}/classification/{task}.csv"
            for task in TASKS
        ]
    return files


def final_products():
    return ["results/tables/scores.csv"]
