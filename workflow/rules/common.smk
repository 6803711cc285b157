# Helpers for the rules: config validation, wildcard constraints and input functions.
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from binembed.config import parameter_conflicts, validate_config
from binembed.datasets import CLASSIFICATION_RESOURCES
from binembed.methods import (
    METHOD_MODULES,
    binarizer_class,
    expand_variants,
    resolve_params,
)

validate_config(
    config, Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"
)
for conflict in parameter_conflicts(config):
    print(f"WARNING: {conflict}", file=sys.stderr)
if not Path(config["mirror"]).is_dir():
    print(
        f"WARNING: config key 'mirror': {config['mirror']!r} is not a folder "
        f"(from {Path.cwd()}); every resource will be downloaded",
        file=sys.stderr,
    )

EMBEDDINGS = config["embeddings"]
# Variant name -> (method, parameter block); a method with a list of n_bits has one per budget.
VARIANTS = expand_variants(config["methods"], config["params"])
# "dense" is the uncompressed baseline, evaluated like every variant's codes.
REPRESENTATIONS = ["dense", *VARIANTS]
WORD_SIM = config["evaluation"]["word_similarity"]
TASKS = config["evaluation"]["classification"]
TUNING = config["tuning"]


def _alternatives(names):
    return "|".join(re.escape(n) for n in names)


wildcard_constraints:
    embedding=_alternatives(config["embedding_sources"]),
    method=_alternatives(["dense", *VARIANTS]),
    resource=_alternatives(config["resources"]),
    seed=r"\d+",


def seeds_for(variant):
    """Seeds a variant runs with: 0..n-1 for a stochastic method (n from config `seeds`), else 0."""
    if variant == "dense":
        return [0]
    method = VARIANTS[variant][0]
    if binarizer_class(method).stochastic:
        return list(range(config["seeds"].get(method, config["seeds"]["default"])))
    return [0]


def runs():
    """Every (embedding, representation, seed) the workflow evaluates."""
    return [
        (embedding, variant, seed)
        for embedding in EMBEDDINGS
        for variant in REPRESENTATIONS
        for seed in seeds_for(variant)
    ]


def is_tuned(embedding, variant):
    """Whether this variant's parameters on this embedding come from the tuning rule."""
    method = VARIANTS[variant][0]
    return (
        TUNING["enabled"]
        and embedding in TUNING["embeddings"]
        and method in TUNING["methods"]
    )


def run_params(embedding, variant):
    """The binarizer's keyword arguments before tuning: the method block, concrete bit budgets,
    and the embedding's own settings such as i_boost."""
    method, block = VARIANTS[variant]
    source = config["embedding_sources"][embedding]
    return resolve_params(method, block, source["dim"], source.get("params", {}))


def binarize_threads(wildcards):
    """Autoencoders train fastest on one thread each (small matrices: threads only contend);
    the numba coders use two."""
    return 1 if METHOD_MODULES[VARIANTS[wildcards.method][0]] == "autoencoder" else 2


def memory_for_input(factor, base_mb):
    """A job's memory in MB: base_mb plus factor times the size of its input files (measured peaks
    on the embedded default, scaled so the 300-d paper preset gets enough too)."""

    def mem_mb(wildcards, input):
        return int(base_mb + factor * input.size_mb)

    return mem_mb


def binarize_minutes(wildcards):
    """Run-time limit of a binarize job: the dictionary learning and the autoencoders train for
    minutes on 400k x 50 (Overcomplete-B is estimated at 1.7 h on 400k x 300)."""
    method = VARIANTS[wildcards.method][0]
    if method == "overcomplete":
        return 240
    return 60 if METHOD_MODULES[method] == "autoencoder" else 30


def embedding_source_file(wildcards):
    """The file an embedding is read from: its wheel, its download, or the configured path."""
    source = config["embedding_sources"][wildcards.embedding]
    if "package" in source:
        return f"resources/embeddings/{wildcards.embedding}.whl"
    if "url" in source:  # the file name of the URL's path, whatever its query string
        return f"resources/embeddings/{wildcards.embedding}/{Path(urlsplit(source['url']).path).name}"
    return source["path"]


def embedding_files(embedding):
    return {
        "vectors": f"results/embeddings/{embedding}/vectors.npy",
        "vocab": f"results/embeddings/{embedding}/vocab.txt",
    }


def binarize_inputs(wildcards):
    """The embedding, and the tuning choice where the variant is tuned."""
    files = embedding_files(wildcards.embedding)
    if is_tuned(wildcards.embedding, wildcards.method):
        files["tuning"] = (
            f"results/tuning/{wildcards.embedding}/{wildcards.method}.json"
        )
    return files


def tuning_sets():
    """Word-similarity resources the tuning scores on: the held-out set, or (the paper's own
    protocol, labelled as such) the reported test sets."""
    if TUNING["protocol"] == "held_out":
        return [TUNING["dataset"]]
    return TUNING["test_sets"]


def spiking_variants():
    return [
        v for v, (method, _) in VARIANTS.items() if METHOD_MODULES[method] == "spiking"
    ]


def spike_raster_inputs(wildcards):
    """The embedding and the tuning choice of every tuned spiking variant."""
    files = embedding_files(wildcards.embedding)
    for variant in spiking_variants():
        if is_tuned(wildcards.embedding, variant):
            files[f"tuning_{variant}"] = (
                f"results/tuning/{wildcards.embedding}/{variant}.json"
            )
    return files


def representation_files(wildcards):
    """Dense vectors (with their vocabulary) or a variant's codes."""
    if wildcards.method == "dense":
        return embedding_files(wildcards.embedding)
    return {
        "codes": f"results/codes/{wildcards.embedding}/{wildcards.method}/seed-{wildcards.seed}.npz"
    }


def mirror_file(wildcards):
    """The resource's file in the mirror, as an input when it exists: a mirror file that changes
    (fixed, or replaced) makes the copy under resources/ out of date, so it is fetched again."""
    spec = config["resources"][wildcards.resource]
    if "mirror_path" not in spec:
        return []
    path = Path(config["mirror"]) / spec["mirror_path"]
    return [str(path)] if path.is_file() else []


def classification_files():
    """Every resource file of the configured classification tasks."""
    names = {name for task in TASKS for name in CLASSIFICATION_RESOURCES[task].values()}
    return [f"resources/data/{name}" for name in sorted(names)]


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


def benchmark_files():
    """The benchmark record (runtime, peak memory) of every heavy job of the run."""
    files = expand("benchmarks/prepare_embedding/{embedding}.tsv", embedding=EMBEDDINGS)
    for embedding, method, seed in runs():
        if method != "dense":
            files.append(f"benchmarks/binarize/{embedding}/{method}/seed-{seed}.tsv")
        files.append(f"benchmarks/evaluate/{embedding}/{method}/seed-{seed}.tsv")
    files += [
        f"benchmarks/tune/{embedding}/{variant}.tsv"
        for embedding in EMBEDDINGS
        for variant in VARIANTS
        if is_tuned(embedding, variant)
    ]
    return files


def final_products():
    products = [
        "results/tables/scores.csv",
        "results/tables/benchmarks.csv",
    ]
    if spiking_variants():
        products += expand(
            "results/spike_rasters/{embedding}.npz", embedding=EMBEDDINGS
        )
    products += PRODUCT_FILES  # defined in products.smk
    return products
