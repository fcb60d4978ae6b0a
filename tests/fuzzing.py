"""Shared helper of the importers' corruption tests."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as hst

from equipoise.errors import InputError


def corrupt_and_read(
    data: hst.DataObject, text: str, alphabet: str, reader: Callable[[str, str], object]
) -> None:
    """Damage ``text`` in 1-4 places (junk from ``alphabet`` inserted, up to 3 characters
    cut) and read it: the reader returns a result or raises :class:`InputError` with located,
    non-empty messages — never another exception."""
    for _ in range(data.draw(hst.integers(1, 4))):
        k = data.draw(hst.integers(0, len(text)))
        junk = data.draw(hst.text(alphabet=alphabet, max_size=4))
        cut = data.draw(hst.integers(0, 3))
        text = text[:k] + junk + text[k + cut :]
    try:
        reader("fuzz", text)
    except InputError as exc:
        assert exc.problems and all(p.message and p.path == "fuzz" for p in exc.problems)
