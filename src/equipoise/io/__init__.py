"""Reading and writing every supported input format.

:func:`load` turns a file (any supported format, detected by content) or the name of a
built-in scenario into a :class:`~equipoise.scenario.Scenario`; :func:`save` writes a
scenario in any format. One module per format:

========== ================================ =====================================
format     module                           what it is
========== ================================ =====================================
scenario   :mod:`equipoise.io.scenario_file` equipoise YAML (primary) / JSON
ktab       :mod:`equipoise.io.ktab`          KTAB SMP CSV
decide     :mod:`equipoise.io.decide`        decide exchange-model input
deu        :mod:`equipoise.io.deu`           DEU-style issue table (TSV/CSV)
edgelist   :mod:`equipoise.io.edgelist`      signed edge list ``u v sign [weight]``
========== ================================ =====================================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .detect import FORMATS, detect_format
from .document import read_text

if TYPE_CHECKING:  # the readers import it: an edge list's balance never needs it
    from ..scenario import Scenario

__all__ = ["load", "parse", "save", "resolve", "detect_format", "FORMATS", "format_for_path"]

_SUFFIX_FORMAT = {
    ".yaml": "scenario",
    ".yml": "scenario",
    ".json": "scenario",
    ".csv": "ktab",
    ".tsv": "deu",
}


def resolve(path_or_name: str | Path) -> Path:
    """The file behind ``path_or_name``: a path, or the name of a built-in scenario."""
    from ..scenarios import builtin_names, builtin_path

    p = Path(path_or_name)
    if p.exists():
        return p
    builtin = builtin_path(str(path_or_name))
    if builtin is not None:
        return builtin
    names = ", ".join(builtin_names()) or "(none)"
    raise InputError(
        f"no such file or built-in scenario; built-in scenarios: {names}", str(path_or_name)
    )


def load(path_or_name: str | Path, format: str | None = None) -> Scenario:
    """Load any supported input as a :class:`Scenario`.

    Parameters
    ----------
    path_or_name:
        A file path, or the name of a built-in scenario (``equipoise scenarios`` lists them).
    format:
        One of :data:`FORMATS`; detected from the content when ``None``.

    Raises
    ------
    InputError
        With every located problem (``FILE:LINE: message``).
    """
    path = resolve(path_or_name)
    shown = str(path_or_name) if Path(path_or_name).exists() else str(path)
    return parse(shown, read_text(path), format)


def parse(name: str, text: str, format: str | None = None) -> Scenario:
    """The :class:`Scenario` in ``text`` (already read from the file called ``name``, which
    the messages cite); ``format`` is detected from the content when ``None``."""
    shown = name
    fmt = format or detect_format(text)
    if fmt == "scenario":
        from .scenario_file import read_scenario

        return read_scenario(shown, text)
    if fmt == "ktab":
        from .ktab import read_ktab

        return read_ktab(shown, text)
    if fmt == "decide":
        from .decide import read_decide

        return read_decide(shown, text)
    if fmt == "deu":
        from .deu import read_deu

        return read_deu(shown, text)
    if fmt == "edgelist":
        from .edgelist import read_edgelist_scenario

        return read_edgelist_scenario(shown, text)
    raise InputError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}", shown)


def format_for_path(path: str | Path) -> str | None:
    """The output format implied by a file name's suffix, if any."""
    return _SUFFIX_FORMAT.get(Path(path).suffix.lower())


def save(scenario: Scenario, path: str | Path, format: str | None = None) -> None:
    """Write ``scenario`` to ``path`` in ``format`` (default: from the suffix).

    The file is written whole or not at all, and only to a regular file
    (:mod:`equipoise.io.atomic`); the target is checked before anything is converted.
    """
    from .atomic import check_target, write_text

    check_target(path)
    fmt = format or format_for_path(path)
    if fmt is None:
        raise InputError(
            "cannot tell the output format from the file name; use a suffix "
            ".yaml/.json/.csv/.tsv or give the format (" + ", ".join(FORMATS) + ")",
            str(path),
        )
    if fmt == "scenario":
        from .scenario_file import dump_scenario

        text = dump_scenario(scenario, "json" if str(path).lower().endswith(".json") else "yaml")
    elif fmt == "ktab":
        from .ktab import dump_ktab

        text = dump_ktab(scenario)
    elif fmt == "decide":
        from .decide import dump_decide

        text = dump_decide(scenario)
    elif fmt == "deu":
        from .deu import dump_deu

        text = dump_deu(scenario)
    elif fmt == "edgelist":
        from .edgelist import dump_edgelist_scenario

        text = dump_edgelist_scenario(scenario)
    else:
        raise InputError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}", str(path))
    write_text(path, text)
