"""Where the tests find their reference data.

The public data sets the reference tests need (the decide sample and its reference outcomes, the
DEU III development table, the KTAB inputs, Highland tribes, the EC emission-standards case) are
copied into ``tests/fixtures/`` (see its README for sources and licences), so a clean clone runs
every reference test. ``DATA`` is that folder, with the layout of the development data folder
(``decide/``, ``deu3/``, ``ktab/``).

Only the seed article and the case-facts notes are not in the repository. They live in the
workplace's shared folder: ``$EQUIPOISE_SHARED``, else ``shared/`` beside the repository. The
tests that check quotes against them skip, saying so, when neither exists.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The reference data copied into the repository.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The reference data sets, laid out as ``decide/``, ``deu3/``, ``ktab/`` (+ the flat fixtures).
DATA = FIXTURES

_CANDIDATES = [Path(os.environ["EQUIPOISE_SHARED"])] if os.environ.get("EQUIPOISE_SHARED") else []
_CANDIDATES += [Path(__file__).resolve().parents[2] / "shared"]

#: The workplace's shared folder (``seed/``, ``docs/``), or the first candidate if none exists.
SHARED = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])


def data_file(*parts: str) -> Path:
    """``DATA/<parts>``; a missing fixture is an error of the repository, not a reason to skip."""
    path = DATA.joinpath(*parts)
    assert path.is_file(), f"test fixture {path} is missing from the repository"
    return path
