"""One BLAS thread for small graphs.

The network code computes eigenvalues and Cholesky factors of dense ``n × n`` matrices. Below
about a thousand nodes these take milliseconds, and OpenBLAS's worker threads cost more than
they bring: on a busy two-core machine a whole ``equipoise balance`` of a 1,086-tie graph used
1.6 s of CPU with the default threads and 0.9 s with one (``benchmarks/bench_network.py``).
Larger graphs keep the library's default. Uses ``threadpoolctl`` (made for the job); without
it, nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Graphs with at most this many nodes run with one BLAS thread.
SMALL_NODES = 1500


def single_blas_thread_when_small(func: F) -> F:
    """Decorator for a function whose first argument is a :class:`SignedGraph`."""

    @functools.wraps(func)
    def wrapper(graph: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(graph, "n", SMALL_NODES + 1) > SMALL_NODES:
            return func(graph, *args, **kwargs)
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - optional speed-up only
            return func(graph, *args, **kwargs)
        with threadpool_limits(limits=1, user_api="blas"):
            return func(graph, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
