"""A read-only list whose items are built on first access and then kept.

The models keep their per-round records (eum's offers, the exchange model's realised
exchanges) as arrays and build the dicts only when a caller reads them: on 200 actors x 10
issues building them all cost as long as the rounds themselves, and most forecasts never
read them. :class:`LazyList` is the list behaviour they share; a subclass gives
``__len__`` and ``_build(i)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

__all__ = ["LazyList"]

T = TypeVar("T")


class LazyList(Sequence[T]):
    """Items built by ``_build(i)`` on first access and kept; indexing as a list's
    (negative indices, slices, ``IndexError`` past the end); compares equal to a list or
    tuple of the same items; unhashable, like a list; pickles with its state."""

    def __init__(self) -> None:
        self._built: dict[int, T] = {}

    def __len__(self) -> int:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _build(self, i: int) -> T:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        k = range(len(self))[i]  # negative indices; IndexError past the end
        got = self._built.get(k)
        if got is None:
            got = self._built[k] = self._build(k)
        return got

    def __iter__(self) -> Iterator[T]:
        return (self[k] for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyList, list, tuple)):
            return len(self) == len(other) and all(x == y for x, y in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return repr(list(self))
