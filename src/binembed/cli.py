"""The ``binembed`` command: the workflow's binarizers and evaluation on one file, without Snakemake.

    binembed run [snakemake options]                  the workflow, its configuration checked first
    binembed methods                                  every method, its parameters and its paper
    binembed encode METHOD INPUT OUTPUT [--param k=v]  an embedding file in, codes out
    binembed evaluate INPUT [--word-sim SET] [--classify TASK]
    binembed neighbours INPUT WORD [-k 10]
    binembed export-nir CODES OUTPUT.nir               a LIF coder as a NIR graph and its readout

Each subcommand calls the functions the workflow's jobs call (readers, ``build_binarizer``,
``word_similarity``, ``classify``, ``nearest_words``). A mistake in the input (a parameter value the
config schema refuses, a file that is missing or not of its kind, a full disk) is one line on
stderr and exit status 1; a usage mistake exit status 2 (argparse). Only a bug keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import yaml

from .errors import InputError, is_disk_full
from .fileio.embedding_readers import READERS, open_embedding
from .threads import use_threads

#: The checkout's config.yaml (dataset names, the mirror), when binembed runs from a checkout.
CHECKOUT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
#: The formats of a single input file (the readers of binembed.fileio.embedding_readers).
FORMATS = tuple(READERS)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else [str(arg) for arg in argv]
    if argv[:1] == ["run"]:  # every option after `run` is Snakemake's
        from .launcher import run

        return run(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `binembed methods | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (InputError, OSError) as err:
        message = input_mistake(err)
        if message is None:
            raise
        print(f"binembed {args.command}: error: {message}", file=sys.stderr)
        return 1


def input_mistake(error: BaseException) -> str | None:
    """The one line that describes a user's mistake, or None for a bug: an InputError, a full disk,
    or an operating-system error about a file the user named (missing, a folder, not readable)."""
    if isinstance(error, InputError) or is_disk_full(error):
        return str(error)
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror}"
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="binembed",
        description="Binary codes from dense word embeddings, and what survives binarization.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        help="run the workflow (in a checkout) with Snakemake's options, after checking its configuration",
        add_help=False,
    )
    methods = commands.add_parser(
        "methods", help="list every method, its parameters and defaults, and its paper"
    )
    methods.set_defaults(run=_methods)

    encode = commands.add_parser("encode", help="binarize an embedding file")
    encode.add_argument("method", metavar="METHOD", help="a method name (see `binembed methods`)")
    encode.add_argument(
        "input", type=Path, metavar="INPUT", help="embedding file (or a folder of vectors.npy + vocab.txt)"
    )
    encode.add_argument(
        "output", type=Path, metavar="OUTPUT", help="codes: .npz (BinaryCodes) or .txt (Tissier's format)"
    )
    encode.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="a method parameter (repeatable)"
    )
    encode.add_argument(
        "--seed", type=_at_least(0), default=0, help="seed of a stochastic method (default 0)"
    )
    encode.add_argument(
        "--threads", type=_at_least(1), default=1, help="threads of the numerical libraries (default 1)"
    )
    _input_options(encode, codes=False)
    encode.add_argument(
        "--pad-header", action="store_true", help="for .txt output: N_BITS rounded up to 64 (Tissier's tools)"
    )
    encode.set_defaults(run=_encode)

    evaluate = commands.add_parser(
        "evaluate", help="word similarity and text classification of vectors or codes"
    )
    evaluate.add_argument(
        "input", type=Path, metavar="CODES_OR_VECTORS", help="codes (.npz, Tissier .txt) or an embedding file"
    )
    evaluate.add_argument(
        "--word-sim",
        action="append",
        default=[],
        metavar="SET",
        help="a resource name of config.yaml or a file (repeatable)",
    )
    evaluate.add_argument(
        "--classify",
        action="append",
        default=[],
        choices=["search_snippets", "sst2"],
        metavar="TASK",
        help="search_snippets or sst2 (repeatable)",
    )
    evaluate.add_argument(
        "--config",
        type=Path,
        default=None,
        help="a config.yaml whose resources, kNN settings and mirror to use (default: ./config.yaml or "
        "the checkout's, if any; the package's benchmarks otherwise)",
    )
    evaluate.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="the datasets mirror (default: $BINEMBED_MIRROR, else the config's `mirror`; without one, "
        "files are downloaded once into the cache, $BINEMBED_CACHE)",
    )
    evaluate.add_argument(
        "--threads", type=_at_least(1), default=1, help="threads of the kNN search (default 1)"
    )
    _input_options(evaluate)
    evaluate.set_defaults(run=_evaluate)

    neighbours = commands.add_parser("neighbours", help="the nearest words of a word")
    neighbours.add_argument("input", type=Path, metavar="CODES_OR_VECTORS")
    neighbours.add_argument("word", metavar="WORD")
    neighbours.add_argument("-k", type=_at_least(1), default=10, help="how many (default 10)")
    _input_options(neighbours)
    neighbours.set_defaults(run=_neighbours)

    export = commands.add_parser(
        "export-nir", help="write the LIF coder of a codes file as a NIR graph, with its readout beside it"
    )
    export.add_argument(
        "codes",
        type=Path,
        metavar="CODES",
        help="LIF codes (.npz from `binembed encode lif` or the workflow)",
    )
    export.add_argument(
        "output", type=Path, metavar="OUTPUT", help="the graph (.nir); the readout goes to .json"
    )
    export.set_defaults(run=_export_nir)
    return parser


def _at_least(lowest: int):
    """An argparse type: an integer >= lowest (a usage mistake otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"{value} is less than {lowest}")
        return value

    parse.__name__ = f"integer >= {lowest}"
    return parse


def _input_options(parser, codes: bool = True) -> None:
    choices = (*FORMATS, "tissier_codes") if codes else FORMATS
    parser.add_argument(
        "--format", choices=choices, default=None, help="input file format (default: guessed)"
    )
    parser.add_argument("--member", default=None, help="file inside a zip archive (glove_text)")


# --- reading ----------------------------------------------------------------------------------


def read_representation(path: Path, fmt: str | None, member: str | None):
    """Codes (a BinaryCodes .npz, or Tissier's text format with ``--format tissier_codes``) or
    dense vectors, as an evaluation Representation."""
    from .codes import BinaryCodes
    from .evaluation.scores import Representation

    if path.suffix == ".npz":
        return Representation(BinaryCodes.load(path))
    if fmt == "tissier_codes":
        return Representation(BinaryCodes.from_tissier_text(path))
    return Representation(open_embedding(path, fmt, member))


# --- subcommands ------------------------------------------------------------------------------


def _export_nir(args) -> int:
    from .binarizers.spiking.nir_export import export_nir, lif_coder_of
    from .codes import BinaryCodes

    if args.output.suffix != ".nir":
        raise InputError(
            f"{args.output}: name the graph file .nir (its readout is written beside it as .json)"
        )
    graph, readout = export_nir(lif_coder_of(BinaryCodes.load(args.codes), args.codes), args.output)
    print(f"wrote {graph} and its readout {readout}")
    return 0


def _methods(args) -> int:
    from .methods import BUILT_IN_METHODS, METHODS, MissingDependency, parameter_defaults
    from .plugins import plugin_origin

    for method, spec in METHODS.items():
        stochastic = " (stochastic: one run per seed)" if spec.stochastic else ""
        print(f"{method}  [{spec.family}]  {spec.source}{stochastic}")
        if method not in BUILT_IN_METHODS:
            print(f"    from {plugin_origin(method)}")
        try:
            defaults = parameter_defaults(method)
        except MissingDependency as missing:
            print(f"    {', '.join(spec.parameters)}  ({missing})")
            continue
        for name, default in defaults.items():
            print(f"    {name} = {default!r}")
    return 0


def _parse_params(method: str, pairs: list[str]) -> dict:
    """``KEY=VALUE`` pairs as a params block of ``method``, each value read as YAML and checked by
    the config schema's block of the method, as the workflow checks config.yaml."""
    from .configuration.validation import method_parameter_problems

    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param {pair!r}: expected KEY=VALUE")
        try:
            params[key] = yaml.safe_load(value)
        except yaml.YAMLError:
            params[key] = value
    problems = method_parameter_problems(method, params)
    if problems:
        raise InputError(f"--param {'; '.join(problems)}")
    return params


def _encode(args) -> int:
    from .binarizers.chunked import encode_vocabulary
    from .methods import METHODS, build_binarizer, run_parameters
    from .plugins import plugin_call

    if args.method not in METHODS:
        raise InputError(f"unknown method {args.method!r} (see `binembed methods`)")
    if args.output.suffix not in (".npz", ".txt"):
        raise InputError(
            f"{args.output}: the output must end in .npz (BinaryCodes) or .txt (Tissier's format)"
        )
    if args.output.is_dir():
        raise InputError(f"{args.output}: is a folder; name the codes file to write")
    params = _parse_params(args.method, args.param)
    if isinstance(params.get("n_bits"), list):
        raise InputError(f"--param n_bits: one bit budget, not a list ({params['n_bits']})")
    use_threads(args.threads)
    embedding = open_embedding(args.input, args.format, args.member)
    params = run_parameters(args.method, params, embedding.dim, {})
    with plugin_call(args.method, "making its estimator"):
        binarizer = build_binarizer(args.method, params, seed=args.seed, threads=args.threads)
    print(f"{args.method}: encoding {len(embedding.words):,} words x {embedding.dim} dims", file=sys.stderr)
    started = time.perf_counter()
    try:
        codes = encode_vocabulary(
            binarizer, embedding.words, embedding.vectors, {"source": str(args.input), "seed": args.seed}
        )
    except InputError:
        raise
    except ValueError as err:  # a parameter a built-in binarizer rejects (tol=7, max_rate=2e4, ...)
        raise InputError(f"{args.method}: {err}") from None
    seconds = time.perf_counter() - started
    print(
        f"{args.method}: {len(codes.words):,} words x {codes.n_bits} bits in {seconds:.1f} s "
        f"({len(codes.words) / max(seconds, 1e-9):,.0f} words/s)",
        file=sys.stderr,
    )
    if args.output.suffix == ".npz":
        codes.save(args.output)
    else:
        try:
            codes.to_tissier_text(args.output, pad_header=args.pad_header)
        except ValueError as err:
            raise InputError(str(err)) from None
    print(args.output)
    return 0


def _evaluation_config(args) -> dict:
    """What the evaluation reads of a config.yaml (``--config``, else one in the working folder or
    the checkout), completed with the package's benchmarks; the package's alone without one."""
    from .configuration.validation import with_package_benchmarks
    from .launcher import read_yaml_file

    path = args.config or next((p for p in (Path("config.yaml"), CHECKOUT_CONFIG) if p.is_file()), None)
    config = read_yaml_file(path, "--config") if path is not None else {"evaluation": {}}
    config.setdefault("evaluation", {})
    resources, mirror = config.get("resources", {}), config.get("mirror")
    if (
        not isinstance(resources, dict)
        or not isinstance(config["evaluation"], dict)
        or not isinstance(mirror, str | None)
    ):
        raise InputError(f"{path}: 'resources' and 'evaluation' must be mappings and 'mirror' a folder")
    with_package_benchmarks(config)
    config["mirror"] = path.parent / mirror if mirror is not None else None
    return config


def _evaluate(args) -> int:
    from .evaluation.scores import KnnSettings, classify, word_similarity
    from .fileio.benchmark_files import benchmark_file, mirror_folder
    from .fileio.datasets import CLASSIFICATION_RESOURCES, classification_split, read_word_similarity
    from .products.statistics import SATURATED_PERCENT

    use_threads(args.threads)
    if not args.word_sim and not args.classify:
        args.word_sim = ["ws353-all", "simlex999", "rw", "men"]
    config = _evaluation_config(args)
    mirror = mirror_folder(args.mirror, config["mirror"])

    def dataset_file(name):
        return benchmark_file(name, config["resources"], mirror, config.get("download"))

    representation = read_representation(args.input, args.format, args.member)
    rows = []
    for name in args.word_sim:
        _, summary = word_similarity(representation, read_word_similarity(dataset_file(name)))
        note = f"  ({summary['undefined']})" if "undefined" in summary else ""
        rows.append(
            (
                name,
                "spearman x 100",
                summary["spearman"],
                f"{summary['n_used']}/{summary['n_total']} pairs{note}",
            )
        )
    for task in args.classify:
        files = {split: dataset_file(name) for split, name in CLASSIFICATION_RESOURCES[task].items()}
        train, test = classification_split(task, files)
        settings = KnnSettings.from_config(config["evaluation"]["knn"])
        _, summary = classify(representation, train, test, settings)
        rows.append((task, "accuracy %", 100 * summary["accuracy"], f"k = {summary['k']}"))
        if "pooled_ones_fraction" in summary:
            ones = 100 * summary["pooled_ones_fraction"]
            saturated = "saturated: cannot classify" if ones >= SATURATED_PERCENT else ""
            rows.append((task, "pooled ones %", ones, saturated))
    width = max(len(row[0]) for row in rows)
    print(f"{'set':<{width}}  {'metric':<15} {'value':>7}  detail")
    for name, metric, value, detail in rows:
        print(f"{name:<{width}}  {metric:<15} {value:7.1f}  {detail}")
    return 0


def _neighbours(args) -> int:
    from .evaluation.scores import nearest_words

    representation = read_representation(args.input, args.format, args.member)
    if representation.rows([args.word])[0] < 0:
        raise InputError(f"{args.word!r} is not in the vocabulary of {args.input}")
    table = nearest_words(representation, args.word, args.k)
    for row in table.itertuples():
        print(f"{row.rank:>3}  {row.word}  {row.distance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
