# Helpers for the rules: config validation, wildcard constraints, the runs and products the
# configuration asks for, and input functions. Building the job graph imports neither torch nor
# numba: what it needs of a method is data in binembed.methods.METHODS.
import re
import sys
from pathlib import Path

from binembed.configuration.validation import parameter_conflicts, validate_config
from binembed.fileio.datasets import CLASSIFICATION_RESOURCES
from binembed.binarizers.chunked import row_chunks
from binembed.methods import METHODS, PAPER_SUFFIX, expand_variants, rate_limited_variant, run_parameters
from binembed.products.papers import FIG2_RASTERS
from binembed.fileio.sources import source_file
from binembed.stated_settings import stated_parameters, vectors_family

validate_config(config)
for conflict in parameter_conflicts(config):
    print(f"WARNING: {conflict}", file=sys.stderr)
if not Path(config["mirror"]).is_dir():
    print(
        f"WARNING: config key 'mirror': {config['mirror']!r} is not a folder "
        f"(from {Path.cwd()}); every resource will be downloaded",
        file=sys.stderr,
    )

EMBEDDINGS = config["embeddings"]
# Variant name -> (method, parameter block); a method with a list of n_bits has one per budget,
# a method in paper_settings also runs untuned at the paper's settings as <method>-paper, and a
# tuned spiking method at its best point under each of tuning.rate_limits_hz as <method>-<c>hz.
VARIANTS = expand_variants(config["methods"], config["params"], config["paper_settings"], config["tuning"])
PAPER_VARIANTS = [v for v in VARIANTS if v.endswith(PAPER_SUFFIX)]
# Rate-limited variant -> (the tuned variant whose grid it reads, its ceiling in Hz).
RATE_LIMITED = {
    rate_limited_variant(method, ceiling): (method, ceiling)
    for method, _ in VARIANTS.values()
    for ceiling in config["tuning"].get("rate_limits_hz", [])
    if rate_limited_variant(method, ceiling) in VARIANTS
}
# The ceilings (Hz) that name a rate-limited variant of this run, for the tables' notes.
RATE_LIMITS_HZ = sorted({ceiling for _, ceiling in RATE_LIMITED.values()})
# "dense" is the uncompressed baseline, evaluated like every variant's codes.
REPRESENTATIONS = ["dense", *VARIANTS]
WORD_SIM = config["evaluation"]["word_similarity"]
TASKS = config["evaluation"]["classification"]
TUNING = config["tuning"]


def _alternatives(names):
    """A wildcard constraint matching exactly ``names`` (none: a pattern that matches nothing)."""
    return "|".join(re.escape(n) for n in names) if names else "(?!)"


wildcard_constraints:
    embedding=_alternatives(config["embedding_sources"]),
    variant=_alternatives(["dense", *VARIANTS]),
    resource=_alternatives(config["resources"]),
    seed=r"\d+",
    chunk=r"\d+",


def seeds_for(variant):
    """Seeds a variant runs with: 0..n-1 for a stochastic method (n from config `seeds`), else 0."""
    if variant == "dense":
        return [0]
    method = VARIANTS[variant][0]
    if METHODS[method].stochastic:
        return list(range(config["seeds"].get(method, config["seeds"]["default"])))
    return [0]


def job_seeds(wildcards):
    """The seeds one binarize or evaluate job runs: the job's own where the rule has a seed
    wildcard, else every seed of its variant."""
    if "seed" in wildcards.keys():
        return [int(wildcards.seed)]
    return seeds_for(wildcards.variant)


def by_seed_count(variants):
    """{n: the variants among ``variants`` with n seeds}, one entry per seed count: the rules that
    run every seed of a variant in one job are made one per seed count, since their outputs are
    one file per seed."""
    groups = {}
    for variant in variants:
        groups.setdefault(len(seeds_for(variant)), []).append(variant)
    return dict(sorted(groups.items()))


def one_job_per_seed(variant):
    """Whether each seed of this variant is binarized by a job of its own (Method.own_job_per_seed)."""
    return METHODS[VARIANTS[variant][0]].own_job_per_seed


def runs():
    """Every (embedding, representation, seed) the workflow evaluates."""
    return [
        (embedding, variant, seed)
        for embedding in EMBEDDINGS
        for variant in REPRESENTATIONS
        for seed in seeds_for(variant)
    ]


def is_tuned(embedding, variant):
    """Whether this variant's parameters on this embedding come from the tuning (a rate-limited
    variant's from its method's grid)."""
    method = VARIANTS[variant][0]
    return (
        TUNING["enabled"]
        and embedding in TUNING["embeddings"]
        and method in TUNING["methods"]
        and variant not in PAPER_VARIANTS
    )


def run_params(embedding, variant):
    """The binarizer's keyword arguments before tuning: the method block, concrete bit budgets,
    the embedding's own settings such as i_boost, and for a -paper variant what the paper states
    for the vectors the embedding stands for (binembed.methods.run_parameters)."""
    method, block = VARIANTS[variant]
    source = config["embedding_sources"][embedding]
    stated = None
    if variant in PAPER_VARIANTS:
        vectors = vectors_family(config["products"]["paper_vectors"], embedding)
        stated = stated_parameters(method, vectors) if vectors else None
    return run_parameters(method, block, source["dim"], source.get("params", {}), stated)


def method_of(wildcards):
    """The method (binembed.methods.METHODS) of the variant a job runs."""
    return METHODS[VARIANTS[wildcards.variant][0]]


def longest_first(wildcards):
    """A binarize-stage job's priority: its method's measured seconds per MB of vectors
    (Method.seconds_per_mb), so that among the jobs ready to run the longest start first
    (Overcomplete-B, then the autoencoders) and a run does not end on one of them alone."""
    return method_of(wildcards).seconds_per_mb


def binarize_share_mb(wildcards, input):
    """MB of float32 vectors a binarize-stage job fits or codes: the embedding's, an encode job's
    chunk of them, or (Overcomplete-B's fit_words) the words a fit holds codes for."""
    size = Path(input.vectors).stat().st_size / 2**20
    words = config["embedding_sources"][wildcards.embedding].get("words")
    if "chunk" in wildcards.keys():
        start, stop = row_chunks_of(wildcards.embedding)[int(wildcards.chunk)]
        return size * (stop - start) / words
    fit_words = run_params(wildcards.embedding, wildcards.variant).get("fit_words")
    if fit_words and words:
        return size * min(1.0, fit_words / words)
    return size


def binarize_memory(wildcards, input):
    """mem_mb of a binarize-stage job from the method's measured peak per MB of vectors
    (binembed.method_spec.Method.memory_per_mb, from bench/bench_scale.py), plus 1000."""
    return method_of(wildcards).job_memory_mb(binarize_share_mb(wildcards, input))


def binarize_runtime(wildcards, input):
    """SLURM minutes of a binarize-stage job: twice the measured time for its share of the
    vectors (Method.seconds_per_mb, on the job's threads) times the seeds it fits, at least the method's
    own runtime; a job joining encoded chunks (inputs model_<seed>) only reads and writes."""
    spec = method_of(wildcards)
    if any(name.startswith("model_") for name in input.keys()):
        return spec.runtime
    seeds = 1 if "chunk" in wildcards.keys() else len(job_seeds(wildcards))
    return spec.job_minutes(binarize_share_mb(wildcards, input), seeds)


def memory_for_input(factor, base_mb):
    """A job's memory in MB: base_mb plus factor times the size of its input files (measured peaks
    on the embedded default, scaled so the 300-d paper preset gets enough too)."""

    def mem_mb(wildcards, input):
        return int(base_mb + factor * input.size_mb)

    return mem_mb


def embedding_source_file(wildcards):
    """The file an embedding is read from: its wheel, its download, or the configured path."""
    return source_file(
        wildcards.embedding, config["embedding_sources"][wildcards.embedding]
    )


def embedding_files(embedding):
    return {
        "vectors": f"results/embeddings/{embedding}/vectors.npy",
        "vocab": f"results/embeddings/{embedding}/vocab.txt",
    }


def fit_inputs(wildcards):
    """The embedding, and the tuning choice where the variant is tuned."""
    files = embedding_files(wildcards.embedding)
    if is_tuned(wildcards.embedding, wildcards.variant):
        files["tuning"] = (
            f"results/tuning/{wildcards.embedding}/{wildcards.variant}.json"
        )
    return files


def row_chunks_of(embedding):
    """(start, stop) of each encode job: one chunk of every word unless the embedding's
    vocabulary size `words` is given and exceeds `chunk_rows`."""
    words = config["embedding_sources"][embedding].get("words")
    if not words:
        return [(0, words)]
    return row_chunks(words, config["chunk_rows"])


def binarize_inputs(wildcards):
    """fit_inputs; when the vocabulary is split into chunks, also each seed's fitted model and
    chunks' codes (``model_<seed>``, ``chunks_<seed>``), which the binarize job joins."""
    files = fit_inputs(wildcards)
    chunks = row_chunks_of(wildcards.embedding)
    if len(chunks) > 1:
        for seed in job_seeds(wildcards):
            run = f"{wildcards.embedding}/{wildcards.variant}/seed-{seed}"
            files[f"model_{seed}"] = f"results/models/{run}.pkl"
            files[f"chunks_{seed}"] = [f"results/chunks/{run}/chunk-{i}.npy" for i in range(len(chunks))]
    return files


def tuning_sets():
    """Word-similarity resources the tuning scores on: the held-out set, or (the paper's own
    protocol, labelled as such) the reported test sets."""
    if TUNING["protocol"] == "held_out":
        return [TUNING["dataset"]]
    return TUNING["test_sets"]


def variants_of_family(family):
    return [v for v, (method, _) in VARIANTS.items() if METHODS[method].family == family]


def spiking_variants():
    return variants_of_family("spiking")


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
    """Dense vectors (with their vocabulary) or the codes of every seed of a variant."""
    if wildcards.variant == "dense":
        return embedding_files(wildcards.embedding)
    return {
        "codes": [
            f"results/codes/{wildcards.embedding}/{wildcards.variant}/seed-{seed}.npz"
            for seed in seeds_for(wildcards.variant)
        ]
    }


def evaluation_outputs(n_seeds):
    """The files an evaluate job writes for each of seeds 0..n_seeds-1 (lists, seed by seed)."""
    run = "results/eval/{{embedding}}/{{variant}}/seed-{seed}"
    seeds = range(n_seeds)
    return {
        "word_similarity": expand(f"{run}/word_similarity.csv", seed=seeds),
        "pairs": expand(f"{run}/word_similarity_pairs.csv", seed=seeds),
        "neighbours": expand(f"{run}/neighbours.csv", seed=seeds),
        "retrieval": expand(f"{run}/retrieval.csv", seed=seeds),
        "classification": [
            f"{run}/classification/{task}.csv".format(seed=seed) for seed in seeds for task in TASKS
        ],
        "predictions": [
            f"{run}/classification/{task}_predictions.csv".format(seed=seed)
            for seed in seeds
            for task in TASKS
        ],
    }


def evaluate_memory(wildcards, input):
    """mem_mb of an evaluate job, which holds one seed's representation at a time: 1000 plus 2.5
    times the size of one seed's input files (measured peaks on the embedded default, scaled so
    the 300-d paper preset gets enough too)."""
    return int(1000 + 2.5 * input.size_mb / len(seeds_for(wildcards.variant)))


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


def run_dir(embedding, variant, seed):
    return f"results/eval/{embedding}/{variant}/seed-{seed}"


def evaluation_summaries():
    """Every per-run summary file that goes into the scores table."""
    files = []
    for embedding, variant, seed in runs():
        files.append(f"{run_dir(embedding, variant, seed)}/word_similarity.csv")
        files.append(f"{run_dir(embedding, variant, seed)}/retrieval.csv")
        files += [
            f"{run_dir(embedding, variant, seed)}/classification/{task}.csv"
            for task in TASKS
        ]
    return files


def benchmark_files():
    """The benchmark record (runtime, peak memory) of every heavy job of the run."""
    files = expand("benchmarks/prepare_embedding/{embedding}.tsv", embedding=EMBEDDINGS)
    files += expand("benchmarks/retrieval_truth/{embedding}.tsv", embedding=EMBEDDINGS)
    for embedding in EMBEDDINGS:
        for variant in REPRESENTATIONS:
            if variant != "dense" and one_job_per_seed(variant):
                files += [
                    f"benchmarks/binarize/{embedding}/{variant}/seed-{seed}.tsv"
                    for seed in seeds_for(variant)
                ]
            elif variant != "dense":
                files.append(f"benchmarks/binarize/{embedding}/{variant}.tsv")
            files.append(f"benchmarks/evaluate/{embedding}/{variant}.tsv")
    files += [
        f"benchmarks/tune/{embedding}/{variant}.tsv"
        for embedding in EMBEDDINGS
        for variant in VARIANTS
        if is_tuned(embedding, variant) and variant not in RATE_LIMITED
    ]
    if LIF_VARIANTS:
        files += expand("benchmarks/nir_agreement/{embedding}.tsv", embedding=EMBEDDINGS)
    return files


# --- products: the papers' tables and figures, and the report page ---------------------------

PRODUCTS = config["products"]
TABLES = "results/products/tables"
FIGURES = "results/products/figures"
# Family of each variant (binembed.methods.METHODS), for the colours of the figures.
FAMILIES = {"dense": "dense", **{v: METHODS[m].family for v, (m, _) in VARIANTS.items()}}
# Variants shown in Entjes' tables: the autoencoders.
AUTOENCODERS = variants_of_family("autoencoder")
# (embedding, variant, its first seed): one run per variant, for storage and speed.
FIRST_SEED_RUNS = [(e, m, seeds_for(m)[0]) for e in EMBEDDINGS for m in REPRESENTATIONS]
# Every run, every seed: the paired tests compare stochastic methods on all their seeds.
EVERY_RUN = runs()
ENTJES_RUNS = [run for run in EVERY_RUN if run[1] == "dense" or run[1] in AUTOENCODERS]
# Table 4.2 lists one model's neighbours: the first seed of each.
ENTJES_FIRST_SEED_RUNS = [
    run for run in FIRST_SEED_RUNS if run[1] == "dense" or run[1] in AUTOENCODERS
]
# (embedding, variant) of every tuned run, for the tuning figure.
# (embedding, variant) of every tuning job (a rate-limited variant reads its method's).
TUNED_RUNS = [(e, v) for e in EMBEDDINGS for v in VARIANTS if is_tuned(e, v) and v not in RATE_LIMITED]
# Those of spiking coders: their grids record firing rates, read against rate ceilings.
SPIKING_TUNED_RUNS = [(e, v) for e, v in TUNED_RUNS if FAMILIES[v] == "spiking"]
RATE_CEILINGS_HZ = [PRODUCTS["firing_rate_ceiling_hz"], PRODUCTS.get("sustained_rate_ceiling_hz", 200)]
HAS_RASTERS = bool(set(FIG2_RASTERS) & set(VARIANTS))
HAS_SPIKING = bool(spiking_variants())
# The LIF variants exported to NIR and run through snnTorch and Norse: tuned and -paper (a
# rate-limited one is the same neuron at another grid point; the other coders have no NIR graph:
# binembed.binarizers.spiking.nir_export.NOT_EXPORTABLE).
LIF_VARIANTS = [v for v, (method, _) in VARIANTS.items() if method == "lif" and v not in RATE_LIMITED]
HAS_NEIGHBOURS = bool(AUTOENCODERS and config["evaluation"]["neighbours"]["words"])

# The sections of results/report.html, in reading order: (id, heading, file, included).
_SECTIONS = [
    ("table1", "Table 1 (Wang et al.): word similarity", f"{TABLES}/table1_word_similarity.html", True),
    ("table2", "Table 2 (Wang et al.): averages", f"{TABLES}/table2_averages.html", True),
    ("fig3", "Fig. 3 (Wang et al.): text classification", f"{FIGURES}/fig3_classification.png", True),
    *[
        (
            f"fig2-{e}",
            f"Fig. 2 (Wang et al.): spike rasters, {e}",
            f"{FIGURES}/fig2_spike_rasters_{e}.png",
            HAS_RASTERS,
        )
        for e in EMBEDDINGS
    ],
    (
        "table4-1",
        "Table 4.1 (Entjes): autoencoders",
        f"{TABLES}/table4_1_autoencoders.html",
        bool(AUTOENCODERS),
    ),
    (
        "table4-2",
        "Table 4.2 (Entjes): nearest neighbours",
        f"{TABLES}/table4_2_neighbours.html",
        HAS_NEIGHBOURS,
    ),
    ("storage", "Storage", f"{TABLES}/storage.html", True),
    ("speed", "What the codes buy: query speed", f"{TABLES}/speed.html", True),
    ("quality-vs-bits", "Quality against code size", f"{FIGURES}/quality_vs_bits.png", True),
    ("recall", "Retrieval: recall against size and query time", f"{FIGURES}/recall_vs_cost.png", True),
    ("tuning", "Tuning of the spiking coders", f"{FIGURES}/tuning.png", bool(TUNED_RUNS)),
    ("firing-rates", "Firing rates of the spiking coders", f"{TABLES}/firing_rates.html", HAS_SPIKING),
    (
        "quality-vs-rate",
        "What the spiking coders keep at rates neurons can fire",
        f"{FIGURES}/quality_vs_rate.png",
        bool(SPIKING_TUNED_RUNS),
    ),
    (
        "quality-vs-rate-table",
        "What the spiking coders keep at rates neurons can fire: table",
        f"{TABLES}/quality_vs_rate.html",
        bool(SPIKING_TUNED_RUNS),
    ),
    ("nir", "The LIF coder through NIR: snnTorch and Norse", f"{TABLES}/nir_agreement.html", bool(LIF_VARIANTS)),
    ("claims", "The papers' conclusions, tested", f"{TABLES}/claims_ledger.html", True),
    ("fidelity", "Fidelity note", "results/products/fidelity_note.html", True),
]
REPORT_SECTIONS = [(i, heading, path) for i, heading, path, included in _SECTIONS if included]


def table_outputs(name, product, caption, tests=False):
    """The files of product table ``name``: CSV and HTML (marked for `snakemake --report` with
    the caption ``workflow/report/<caption>.rst``), Markdown and LaTeX, and with ``tests`` the
    CSV of its significance tests."""
    files = {
        key: report(
            f"{TABLES}/{name}.{key}",
            caption=f"../report/{caption}.rst",
            category="Tables",
            labels={"product": product, "format": key.upper()},
        )
        for key in ("csv", "html")
    }
    files |= {"md": f"{TABLES}/{name}.md", "tex": f"{TABLES}/{name}.tex"}
    if tests:
        files["tests"] = significance_output(f"{TABLES}/{name}_tests.csv", product)
    return files


def figure_outputs(name, product, caption):
    """The PNG (marked for `snakemake --report`) and PDF of product figure ``name``."""
    png = report(
        f"{FIGURES}/{name}.png",
        caption=f"../report/{caption}.rst",
        category="Figures",
        labels={"product": product},
    )
    return {"png": png, "pdf": f"{FIGURES}/{name}.pdf"}


def significance_output(path, product):
    return report(
        path,
        caption="../report/significance.rst",
        category="Significance tests",
        labels={"product": product},
    )


def final_products():
    """The main file of every product rule and the run's own tables."""
    products = [
        "results/tables/scores.csv",
        "results/tables/benchmarks.csv",
        f"{TABLES}/table1_word_similarity.csv",
        f"{TABLES}/table2_averages.csv",
        f"{TABLES}/storage.csv",
        f"{TABLES}/speed.csv",
        f"{FIGURES}/quality_vs_bits.png",
        f"{FIGURES}/recall_vs_cost.png",
        f"{FIGURES}/fig3_classification.png",
        f"{TABLES}/claims_ledger.csv",
        "results/products/fidelity_note.html",
    ]
    if TUNED_RUNS:
        products.append(f"{FIGURES}/tuning.png")
    if AUTOENCODERS:
        products.append(f"{TABLES}/table4_1_autoencoders.csv")
    if HAS_NEIGHBOURS:
        products.append(f"{TABLES}/table4_2_neighbours.csv")
    if HAS_RASTERS:
        products += expand(
            f"{FIGURES}/fig2_spike_rasters_{{embedding}}.png", embedding=EMBEDDINGS
        )
    products.append("results/report.html")
    if HAS_SPIKING:
        products += expand(
            "results/spike_rasters/{embedding}.npz", embedding=EMBEDDINGS
        )
        products.append(f"{TABLES}/firing_rates.csv")
    if LIF_VARIANTS:
        products.append(f"{TABLES}/nir_agreement.csv")
    if SPIKING_TUNED_RUNS:
        products.append(f"{TABLES}/quality_vs_rate.csv")
    return products
