"""Progress display for long steps (rich), shown on stderr only when it helps."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["progress_bar", "step_progress"]

_stderr = Console(stderr=True)


class CountColumn(ProgressColumn):
    """``done/total`` with thousands separators; only ``done`` while the total is unknown
    (a section just named by ``step``: rich's ``{task.total:,}`` fails on ``None``)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text(f"{int(task.completed):,}" if task.completed else "")
        return Text(f"{int(task.completed):,}/{int(task.total):,}")


@contextlib.contextmanager
def progress_bar(
    description: str, enabled: bool = True, delay: float = 1.0
) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``report(done, total)`` callback that draws a bar on stderr.

    The bar appears only when ``enabled``, stderr is a terminal, and the work has taken
    longer than ``delay`` seconds (short steps stay quiet).
    """
    if not enabled or not _stderr.is_terminal:
        yield lambda done, total: None
        return
    start = time.perf_counter()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeRemainingColumn(),
        console=_stderr,
        transient=True,
    )
    task = None

    def report(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            if time.perf_counter() - start < delay:
                return
            progress.start()
            task = progress.add_task(description, total=total)
        progress.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        if task is not None:
            progress.stop()


@contextlib.contextmanager
def step_progress(
    enabled: bool = True, delay: float = 1.0
) -> Iterator[tuple[Callable[[str], None], Callable[[int, int], None]]]:
    """Yield ``(step, report)``: ``step(name)`` names the section being run and
    ``report(done, total)`` advances a bar within it. Drawn on stderr, only on a terminal,
    and only once the whole run has taken longer than ``delay`` seconds."""
    if not enabled or not _stderr.is_terminal:
        yield (lambda name: None), (lambda done, total: None)
        return
    start = time.perf_counter()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeRemainingColumn(),
        console=_stderr,
        transient=True,
    )
    task: TaskID | None = None
    started = False
    section = ""

    def ensure_started() -> bool:
        nonlocal started
        if not started and time.perf_counter() - start >= delay:
            progress.start()
            started = True
        return started

    def step(name: str) -> None:
        nonlocal section, task
        section = name
        if ensure_started():
            if task is None:
                task = progress.add_task(name, total=None)
            progress.update(task, description=name, completed=0, total=None)

    def report(done: int, total: int) -> None:
        nonlocal task
        if ensure_started():
            if task is None:
                task = progress.add_task(section, total=total)
            progress.update(task, description=section, completed=done, total=total)

    try:
        yield step, report
    finally:
        if started:
            progress.stop()
