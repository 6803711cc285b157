from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "MANIFEST.md").exists():
        pytest.fail(f"benchmark mirror not found at {MIRROR}")
    return MIRROR
