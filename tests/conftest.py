"""Shared fixtures: one loaded coder for the whole session (loading costs ~1 s)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def coder():
    from dyadline.pipeline import Coder

    return Coder(factuality="all")


@pytest.fixture(scope="session")
def asserted_coder():
    from dyadline.pipeline import Coder

    return Coder()
