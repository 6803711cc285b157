"""The checks of the configuration that a JSON schema cannot express: keys that name another part of
the config (an embedding, a dataset, a method, a variant), what an entry declares about its file,
the tuning grid and paper settings against each method's params block, and bit budgets against the
embeddings' dimensions. Each check returns one line per problem, naming the config key."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..fileio.datasets import CLASSIFICATION_RESOURCES
from ..fileio.sources import origin
from ..methods import (
    METHODS,
    SPIKING_DEFAULT_TOL,
    expand_variants,
    grid_for,
    rate_limited_variant,
    resolve_n_bits,
)

#: The most bits a code may have (a word's code is then 12.5 kB).
MAX_BITS = 100_000
#: Steps of the spiking coders' 10 ms at dt = 0.1 ms (binembed.binarizers.spiking.N_STEPS, without importing it).
SPIKING_STEPS = 100


def _embeddings_exist(config) -> list[str]:
    """Every key naming an embedding names an ``embedding_sources`` entry."""
    sources, tuning = config["embedding_sources"], config["tuning"]
    named = [(f"embeddings.{i}", name) for i, name in enumerate(config["embeddings"])]
    named += [(f"products.paper_vectors.{name}", name) for name in config["products"]["paper_vectors"]]
    if tuning["enabled"]:
        named += [(f"tuning.embeddings.{i}", name) for i, name in enumerate(tuning["embeddings"])]
    return [
        f"config key '{key}': no embedding_sources entry named {name!r}"
        + (f" (known: {sorted(sources)})" if key.startswith("embeddings.") else "")
        for key, name in named
        if name not in sources
    ]


def _datasets_exist(config) -> list[str]:
    """Every set the evaluation or the tuning scores is a ``resources`` entry, each classification
    task's splits included."""
    resources, tuning = config["resources"], config["tuning"]
    problems = [
        f"config key 'evaluation.word_similarity.{i}': no resources entry named {name!r}"
        for i, name in enumerate(config["evaluation"]["word_similarity"])
        if name not in resources
    ]
    for task in config["evaluation"]["classification"]:
        problems += [
            f"config key 'resources': classification task {task!r} needs a resource named {name!r} ({part} split)"
            for part, name in CLASSIFICATION_RESOURCES[task].items()
            if name not in resources
        ]
    if tuning["enabled"]:
        held_out = tuning["protocol"] == "held_out"
        names = [tuning["dataset"]] if held_out else tuning["test_sets"]
        key = "tuning.dataset" if held_out else "tuning.test_sets"
        problems += [
            f"config key '{key}': no resources entry named {n!r}" for n in names if n not in resources
        ]
    return problems


def _held_out_set_is_not_reported(config) -> list[str]:
    tuning = config["tuning"]
    held_out = tuning["enabled"] and tuning["protocol"] == "held_out"
    if not held_out or tuning["dataset"] not in config["evaluation"]["word_similarity"]:
        return []
    reported = f"{tuning['dataset']!r} is also reported in evaluation.word_similarity"
    return [f"config key 'tuning.dataset': {reported}; a held-out tuning set must not be"]


def _baseline_is_a_variant(config) -> list[str]:
    variants = expand_variants(
        config["methods"], config["params"], config["paper_settings"], config["tuning"]
    )
    if config["products"]["baseline"] in ("dense", *variants):
        return []
    baseline = config["products"]["baseline"]
    return [
        f"config key 'products.baseline': {baseline!r} is neither 'dense' nor a configured variant ({sorted(variants)})"
    ]


def _seeds_are_for_stochastic_methods(config) -> list[str]:
    return [
        f"config key 'seeds.{method}': {method!r} does not depend on a seed; it runs once"
        for method in config["seeds"]
        if method != "default" and not METHODS[method].stochastic
    ]


def retrieval_depth_problems(settings: dict, n_words: int, vocabulary: str) -> list[str]:
    """What in the retrieval settings (``queries``, ``k``, ``candidates``) a vocabulary of
    ``n_words`` words cannot give, one line per config key: a query has at most n_words - 1
    neighbours, so a larger k would leave its truth short while recall still divides by k, and a
    larger candidate depth would hold every word."""
    problems = []
    others = n_words - 1
    for name, most, what in (
        ("queries", n_words, "distinct query words"),
        ("k", others, "true neighbours of a query (the other words)"),
        ("candidates", others, "candidates of a query (the other words)"),
    ):
        if settings[name] > most:
            problems.append(
                f"config key 'evaluation.retrieval.{name}': {settings[name]} is more than the {most} "
                f"{what} that {vocabulary} of {n_words} words has"
            )
    return problems


def _retrieval_depths(config) -> list[str]:
    """Re-ranking reorders at least k candidates; and where an embedding's vocabulary size is
    declared (``words``), it must hold the queries and depths (the retrieval truth job checks
    every other embedding once its vectors are read)."""
    retrieval = config["evaluation"]["retrieval"]
    problems = []
    if retrieval["candidates"] < retrieval["k"]:
        key = "config key 'evaluation.retrieval.candidates'"
        problems.append(
            f"{key}: {retrieval['candidates']} is fewer than k ({retrieval['k']}); re-ranking reorders at least k"
        )
    for embedding in config["embeddings"]:
        words = config["embedding_sources"].get(embedding, {}).get("words")
        if words is not None:
            problems += retrieval_depth_problems(
                retrieval, words, f"embedding {embedding!r} (its declared words)"
            )
    return problems


def _fit_words(config) -> list[str]:
    """Overcomplete-B's ``fit_words`` within the declared vocabulary of every embedding it runs on
    (the estimator refuses it otherwise, once the vectors are read)."""
    fit_words = config["params"].get("overcomplete", {}).get("fit_words")
    if fit_words is None or "overcomplete" not in config["methods"]:
        return []
    return [
        f"config key 'params.overcomplete.fit_words': {fit_words} is more than the {words} words of {embedding!r}"
        for embedding in config["embeddings"]
        for words in [config["embedding_sources"].get(embedding, {}).get("words")]
        if words is not None and fit_words > words
    ]


def cross_reference_problems(config: dict, validator) -> list[str]:
    """Every check of a schema-valid ``config`` that a JSON schema cannot express, one line per
    problem naming the config key (``validator`` checks values against a method's params block)."""
    return (
        _embeddings_exist(config)
        + _datasets_exist(config)
        + _held_out_set_is_not_reported(config)
        + _bit_budgets(config)
        + _baseline_is_a_variant(config)
        + _seeds_are_for_stochastic_methods(config)
        + _retrieval_depths(config)
        + _fit_words(config)
        + _declared_files(config)
        + _tuning_grid(config, validator)
        + _paper_settings(config, validator)
        + _rate_limits(config)
    )


def _rate_limits(config) -> list[str]:
    """Rate limits run only on tuned spiking methods, and two ceilings must not name one variant."""
    tuning = config["tuning"]
    ceilings = tuning.get("rate_limits_hz", [])
    if not ceilings:
        return []
    spiking = [m for m in tuning["methods"] if m in config["methods"] and METHODS[m].family == "spiking"]
    if not tuning["enabled"] or not spiking:
        why = "the tuning is off" if not tuning["enabled"] else "no spiking method of 'methods' is tuned"
        return [f"config key 'tuning.rate_limits_hz': {why}, so no rate-limited variant would run"]
    names = [rate_limited_variant(spiking[0], c) for c in ceilings]
    if len(set(names)) < len(names):
        return [
            f"config key 'tuning.rate_limits_hz': {ceilings} name the same variants ({names}); give distinct ceilings"
        ]
    return []


def _declared_files(config) -> list[str]:
    """What an entry declares about a file must be something the workflow checks or uses for that
    entry's origin: ``members`` (a wheel's files) only with ``package``, ``member`` (a zip's file)
    only with ``url`` or ``path`` and a glove_text file, a ``vocab`` member only for npy_parquet,
    an ``archive_sha256`` only with the ``member`` it protects; and a URL must name a file."""
    problems = []
    for name, source in config["embedding_sources"].items():
        key, fmt = f"config key 'embedding_sources.{name}", source["format"]
        kind = origin(source)
        members = source.get("members", {})
        if "members" in source and kind != "package":
            problems.append(
                f"{key}.members': only a wheel (package) has members; for a zip archive at a {kind} "
                "give 'member'"
            )
        elif fmt == "npy_parquet" and "vocab" not in members:
            problems.append(f"{key}.members': npy_parquet needs a 'vocab' member")
        elif "vocab" in members and fmt != "npy_parquet":
            problems.append(
                f"{key}.members.vocab': only npy_parquet reads a separate vocabulary ({fmt} does not)"
            )
        if "member" in source and kind == "package":
            problems.append(f"{key}.member': a wheel's files are named in 'members', not 'member'")
        elif "member" in source and fmt != "glove_text":
            problems.append(
                f"{key}.member': only glove_text is read out of a zip archive; format {fmt!r} reads "
                "the file itself (remove 'member')"
            )
        if kind == "url":
            problems += _url_problems(f"{key}.url'", source["url"], names_a_file=True)
    for name, resource in config["resources"].items():
        key = f"config key 'resources.{name}"
        if "archive_sha256" in resource and "member" not in resource:
            problems.append(
                f"{key}.archive_sha256': the file at 'url' is not an archive here (no 'member' is "
                "extracted from it); its checksum is 'sha256'"
            )
        problems += _url_problems(f"{key}.url'", resource["url"], names_a_file=False)
    return problems


def _url_problems(key: str, url: str, names_a_file: bool) -> list[str]:
    """A download address needs a host, and where the download is stored under the last part of
    its path (an embedding's), a file name there (not '', '.' or '..')."""
    parts = urlsplit(url)
    if any(c.isspace() or not c.isprintable() for c in url):
        return [f"{key}: {url!r} holds a space or a control character (write it percent-encoded, %20)"]
    if not parts.hostname:
        return [f"{key}: {url!r} names no host"]
    last = PurePosixPath(parts.path).name if not parts.path.endswith("/") else ""
    if names_a_file and last in ("", ".", ".."):
        return [f"{key}: {url!r} does not end in a file name (the download is stored under it)"]
    return []


def _tuning_grid(config, validator) -> list[str]:
    """Tuned methods must be configured methods; every grid key must be a parameter of a tuned
    method it applies to, and every grid value a value that method's params block accepts."""
    tuning = config["tuning"]
    if not tuning["enabled"]:
        return []
    problems = []
    tuned = tuning["methods"]
    for i, method in enumerate(tuned):
        if method not in config["methods"]:
            problems.append(
                f"config key 'tuning.methods.{i}': {method!r} is not in 'methods', so it never runs"
            )
    schema = validator.schema["properties"]["params"]["properties"]
    for i, method in enumerate(tuned):
        if not any(name in METHODS[method].parameters for name in grid_for(method, tuning["grid"])):
            problems.append(
                f"config key 'tuning.methods.{i}': no parameter of {method!r} is in tuning.grid, "
                "so tuning would change nothing"
            )
    for group, grid in tuning["grid"].items():
        if group != "default" and group not in schema:
            problems.append(f"config key 'tuning.grid.{group}': not a method (or 'default')")
            continue
        applies = [m for m in tuned if group in ("default", m)]
        for name, values in grid.items():
            takers = [m for m in applies if name in METHODS[m].parameters]
            if applies and not takers:
                problems.append(
                    f"config key 'tuning.grid.{group}.{name}': not a parameter of "
                    f"{'any tuned method' if group == 'default' else repr(group)}"
                )
            for value in values:
                refused: dict[str, list[str]] = {}  # the schema's reason -> the methods refusing
                for method in takers:
                    for error in validator.evolve(schema=schema[method]).iter_errors({name: value}):
                        refused.setdefault(error.message, []).append(method)
                problems += [
                    f"config key 'tuning.grid.{group}.{name}': {value!r} is not a valid {name} of "
                    f"{', '.join(methods)} ({reason})"
                    for reason, methods in refused.items()
                ]
    return problems


def _paper_settings(config, validator) -> list[str]:
    """Each key of a method's paper variant must be a parameter of that spiking method that the
    paper leaves unstated (what it states is data, published_settings.csv), with a value its
    params block accepts."""
    from ..stated_settings import stated_parameters

    problems = []
    schema = validator.schema["properties"]["params"]["properties"]
    for method, block in config["paper_settings"]["params"].items():
        if METHODS[method].family != "spiking":
            problems.append(
                f"config key 'paper_settings.params.{method}': {method!r} is not a spiking method"
            )
            continue
        stated = {
            name for vectors in (None, "GloVe", "word2vec") for name in stated_parameters(method, vectors)
        }
        for name, value in block.items():
            if name not in METHODS[method].parameters:
                problems.append(
                    f"config key 'paper_settings.params.{method}.{name}': not a parameter of {method!r}"
                )
                continue
            if name in stated:
                problems.append(
                    f"config key 'paper_settings.params.{method}.{name}': the paper states {name} "
                    f"(published_settings.csv); a -paper variant runs at what it states, not at {value!r}"
                )
                continue
            problems += [
                f"config key 'paper_settings.params.{method}.{name}': {value!r} is not a valid {name} ({error.message})"
                for error in validator.evolve(schema=schema[method]).iter_errors({name: value})
            ]
    return problems


def _bit_budgets(config):
    """Every bit budget must be possible on every embedding it runs on: ITQ makes one bit per
    principal component (at most the dimension), and no code exceeds MAX_BITS, the spiking codes'
    dims x 100 / tol bits included (for every tol the method may be tuned to)."""
    problems = _spiking_bits(config)
    for method in config["methods"]:
        budgets = config["params"].get(method, {}).get("n_bits")
        if budgets is None:
            continue
        for n_bits in budgets if isinstance(budgets, list) else [budgets]:
            for embedding in config["embeddings"]:
                dim = config["embedding_sources"].get(embedding, {}).get("dim")
                if dim is None:
                    continue
                bits = resolve_n_bits(n_bits, dim)
                if bits > MAX_BITS or (method == "itq" and bits > dim):
                    limit = f"its {dim} dimensions" if method == "itq" else f"{MAX_BITS}"
                    problems.append(
                        f"config key 'params.{method}.n_bits': {n_bits!r} is {bits} bits on "
                        f"{embedding!r}, more than {limit}"
                    )
    return problems


def _spiking_bits(config) -> list[str]:
    """Spiking codes have dims x 100 / tol bits: every tol a spiking method runs with (configured,
    or in its tuning grid) must keep them within MAX_BITS; one line per key, tol and embedding."""
    tuning = config["tuning"]
    uses: dict[tuple[str, int], list[str]] = {}  # (config key, tol) -> methods
    for method in (m for m in config["methods"] if m in SPIKING_DEFAULT_TOL):
        tol = config["params"].get(method, {}).get("tol", SPIKING_DEFAULT_TOL[method])
        uses.setdefault((f"params.{method}.tol", tol), []).append(method)
        if tuning["enabled"] and method in tuning["methods"]:
            group = method if "tol" in tuning["grid"].get(method, {}) else "default"
            for tol in tuning["grid"].get(group, {}).get("tol", []):
                uses.setdefault((f"tuning.grid.{group}.tol", tol), []).append(method)
    problems = []
    for (key, tol), methods in uses.items():
        if not isinstance(tol, int) or tol <= 0:
            continue
        for embedding in config["embeddings"]:
            dim = config["embedding_sources"].get(embedding, {}).get("dim")
            if dim is not None and dim * (SPIKING_STEPS // tol) > MAX_BITS:
                problems.append(
                    f"config key '{key}': tol {tol} gives {dim} x {SPIKING_STEPS // tol} = "
                    f"{dim * (SPIKING_STEPS // tol)} bits on {embedding!r} ({', '.join(methods)}), "
                    f"more than {MAX_BITS}"
                )
    return problems
