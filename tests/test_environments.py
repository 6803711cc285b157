"""envs/*.yaml (for --use-conda) must list the packages of requirements.txt at the same versions."""

import re

import pytest
import yaml
from conftest import REPO

# PyPI name -> conda-forge name, where they differ
CONDA_NAMES = {"torch": "pytorch"}
# needed to run the workflow or the tests, not inside a job
NOT_IN_JOBS = {"snakemake", "snakemake-executor-plugin-slurm", "pytest", "hypothesis"}


def requirements():
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line).groups()
            pins[CONDA_NAMES.get(name.lower(), name.lower())] = version
    return pins


def conda_pins(path):
    env = yaml.safe_load(path.read_text())
    pins, pip = {}, []
    for dependency in env["dependencies"]:
        if isinstance(dependency, dict):
            pip += dependency["pip"]
        else:
            name, _, version = dependency.partition("=")
            pins[name.lower()] = version
    return pins, pip


ENVIRONMENTS = sorted((REPO / "envs").glob("*.yaml"))


def core_dependencies():
    """binembed's own dependencies (pyproject.toml): every environment needs them pinned, or pip
    would install them unpinned when it installs binembed."""
    text = (REPO / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)\]", text, re.DOTALL | re.MULTILINE).group(1)
    return {
        re.match(r'\s*"([A-Za-z0-9_.-]+)', line).group(1).lower()
        for line in block.splitlines()
        if '"' in line
    }


@pytest.mark.parametrize("path", ENVIRONMENTS, ids=lambda p: p.name)
def test_environment_pins_match_requirements(path):
    pins, pip = conda_pins(path)
    required = requirements()
    for name, version in pins.items():
        if name in ("python", "pip"):
            continue
        assert name in required, f"{path.name}: {name} is not in requirements.txt"
        assert version == required[name], (
            f"{path.name}: {name}={version}, requirements.txt has {required[name]}"
        )
    missing = core_dependencies() - set(pins)
    assert not missing, f"{path.name} lacks binembed's dependencies {sorted(missing)}"
    assert pip[-1] == "../..", "each environment installs binembed from the checkout"
    for line in pip[:-1]:  # packages pip installs inside the environment (their conda builds unchecked)
        name, _, version = line.partition("==")
        assert required.get(name.lower()) == version, (
            f"{path.name}: pip's {line} is not as in requirements.txt"
        )


def test_environments_together_cover_requirements():
    covered = set()
    for path in ENVIRONMENTS:
        pins, pip = conda_pins(path)
        covered |= set(pins) | {line.partition("==")[0].lower() for line in pip if "==" in line}
    assert set(requirements()) - NOT_IN_JOBS <= covered


def test_rules_use_the_environments():
    used = set()
    for rules in (REPO / "workflow" / "rules").glob("*.smk"):
        used |= set(re.findall(r'"\.\./\.\./envs/([a-z]+\.yaml)"', rules.read_text()))
    assert used == {p.name for p in (REPO / "envs").glob("*.yaml")}
