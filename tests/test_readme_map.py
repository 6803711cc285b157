"""README's map of the package ("The package, by what you look for") names every module of
src/binembed, and nothing that is not there."""

import re

from conftest import REPO

PACKAGE = REPO / "src" / "binembed"


def _map_rows() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## The package, by what you look for", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "`" in line]


def _named(row: str) -> tuple[str, set[str]]:
    """A row's folder (``binarizers/``; "" for the package itself) and the file names in it that
    the row names (``spiking/`` lists its modules without .py)."""
    places = row.split("|")[2]
    folder = next(iter(re.findall(r"`(\w+)/`", places)), "")
    names = set(re.findall(r"`([\w.]+\.(?:py|yaml|csv))`", places))
    spiking = re.search(r"`spiking/` \(([^)]*)\)", places)
    if spiking:
        names |= {f"spiking/{name}.py" for name in re.findall(r"`(\w+)`", spiking[1])}
    return folder, names


def test_every_module_of_the_package_is_on_the_map_and_every_name_on_it_exists():
    on_map = set()
    for row in _map_rows():
        folder, names = _named(row)
        for name in names:
            path = f"{folder}/{name}" if folder else name
            assert (PACKAGE / path).exists(), f"README's map names {path}, which src/binembed does not have"
            on_map.add(path)
    modules = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py") and "__pycache__" not in path.parts
    }
    assert modules - on_map == set(), "modules missing from README's map of the package"
