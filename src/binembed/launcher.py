"""``binembed run [snakemake options]``: the workflow, with its configuration checked first.

Snakemake reports some mistakes in the configuration before the workflow's own check can run, and
reports them badly: a YAML syntax error without its file or line, a missing ``--configfile`` or a
dotted ``--config`` key as a traceback. The launcher reads the command line with Snakemake's own
parser and the configuration as Snakemake will (``config.yaml`` of the working folder,
``--directory``, then every ``--configfile`` in order, then ``--config key=value``, each merged
key by key over the last, with Snakemake's own parser of values), reports any mistake
as one line per problem, naming the file, line and column or the config key, and only then runs
Snakemake with the options unchanged.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml

from .configuration.validation import ConfigError, validate_config
from .errors import InputError

#: A key Snakemake's --config accepts: a top-level key, never a dotted path.
_TOP_LEVEL_KEY = re.compile(r"[a-zA-Z_][\w-]*\w$")


def snakemake_options(argv: list[str]) -> dict | None:
    """The values of the options the launcher needs (config files, config entries, the working
    folder and the Snakefile), read by Snakemake's own parser (its abbreviations, ``--opt=value``,
    profiles and all); None where that parser refuses ``argv`` or only prints (``--help``), which
    Snakemake then does itself."""
    import contextlib
    import io

    from snakemake.cli import parse_args

    try:  # the parser prints usage, help and "Using profile ..."; Snakemake prints them again
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            _, args = parse_args(argv)
    except (SystemExit, Exception):  # noqa: BLE001 (whatever refuses argv, Snakemake reports)
        return None
    return {
        "configfiles": [str(path) for path in args.configfile or []],
        "config": list(args.config or []),
        "directory": None if args.directory is None else str(args.directory),
        "snakefile": None if args.snakefile is None else str(args.snakefile),
    }


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping: YAML would keep the last
    and drop the first without a word (a second ``params:`` block replaces the first)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor`, whose keys may be replaced
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _DuplicateKey(
                    None,
                    None,
                    f"key {key!r} appears twice in one mapping (first on line {seen[key]})",
                    key_node.start_mark,
                )
            seen.setdefault(key, key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep)


def read_yaml_file(path: Path, option: str) -> dict:
    """A config file's top-level mapping; a missing file, a YAML syntax error (with its line and
    column), a key given twice in one mapping or a file that is not a mapping is a
    :class:`ConfigError`."""
    if not path.is_file():
        raise ConfigError(f"{option} {path}: no such file")
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02x})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context, start = getattr(err, "context", None), getattr(err, "context_mark", None)
        if context and start is not None and start is not mark:
            context += f" that starts at line {start.line + 1}, column {start.column + 1}"
        raise ConfigError(
            f"{where}: {'' if isinstance(err, _DuplicateKey) else 'YAML syntax error: '}{problem}"
            + (f" ({context})" if context else "")
        ) from None
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: a config file holds keys and values, not a {type(content).__name__}")
    return content


def config_entries(entries: list[str]) -> dict:
    """``--config key=value`` entries as Snakemake parses them; a dotted or malformed key is a
    :class:`ConfigError` saying how to set a nested key instead."""
    from snakemake.cli import parse_config

    for entry in entries:
        key, equals, _ = entry.partition("=")
        if not equals:
            raise ConfigError(f"--config {entry}: expected KEY=VALUE")
        if not _TOP_LEVEL_KEY.match(key):
            nested = " (a dotted key sets no nested key: put the key in a YAML file given with --configfile)"
            raise ConfigError(
                f"--config {entry}: {key!r} is not a top-level key{nested if '.' in key else ''}"
            )
    return parse_config(entries)


def workflow_config(argv: list[str], options: dict | None = None) -> dict:
    """The configuration Snakemake will run with, checked: config.yaml of the working folder, the
    --configfile files and the --config entries, merged in that order (``options``: argv's
    :func:`snakemake_options`, where the caller has read them already)."""
    from snakemake.utils import update_config

    options = options or snakemake_options(argv) or {"configfiles": [], "config": [], "directory": None}
    folder = Path(options["directory"] or ".")
    config = read_yaml_file(folder / "config.yaml", "the workflow's configuration")
    for name in options["configfiles"]:
        update_config(config, read_yaml_file(Path(name), "--configfile"))
    update_config(config, config_entries(options["config"]))
    return validate_config(config)


def run(argv: list[str]) -> int:
    """Check the configuration, then replace this process by Snakemake with ``argv``."""
    try:
        import snakemake  # noqa: F401
    except ImportError:
        print(
            "binembed run: error: Snakemake is not installed (pip install 'binembed[workflow]')",
            file=sys.stderr,
        )
        return 1
    options = snakemake_options(argv)
    if options is None:  # a usage mistake or --help: Snakemake's own words
        os.execv(sys.executable, [sys.executable, "-m", "snakemake", *argv])
    snakefile = Path(options["snakefile"] or "Snakefile")
    try:
        if not snakefile.is_file():
            raise InputError(
                f"{snakefile}: no such file (run binembed run in a checkout of binembed, or give -s)"
            )
        workflow_config(argv, options)
    except InputError as err:
        print(f"binembed run: error: {err}", file=sys.stderr)
        return 1
    os.execv(sys.executable, [sys.executable, "-m", "snakemake", *argv])
    return 0  # not reached
