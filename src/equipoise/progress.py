"""Progress display for long steps (rich), shown on stderr only when it helps."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

__all__ = ["progress_bar"]

_stderr = Console(stderr=True)


@contextlib.contextmanager
def progress_bar(description: str, enabled: bool = True,
                 delay: float = 1.0) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``report(done, total)`` callback that draws a bar on stderr.

    The bar appears only when ``enabled``, stderr is a terminal, and the work has taken
    longer than ``delay`` seconds (short steps stay quiet).
    """
    if not enabled or not _stderr.is_terminal:
        yield lambda done, total: None
        return
    start = time.perf_counter()
    progress = Progress(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed:,}/{task.total:,}"), TimeRemainingColumn(),
                        console=_stderr, transient=True)
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
