"""Built-in scenarios shipped with equipoise (YAML files in this package)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["builtin_names", "builtin_path", "DEFAULT_SCENARIO"]

#: The scenario ``equipoise analyze`` runs when given no input.
DEFAULT_SCENARIO = "nagorno-karabakh-2020"


def builtin_names() -> list[str]:
    """Names of the built-in scenarios (file stems with '_' written as '-')."""
    folder = resources.files(__name__)
    return sorted(
        p.name[: -len(".yaml")].replace("_", "-")
        for p in folder.iterdir()
        if p.name.endswith(".yaml")
    )


def builtin_path(name: str) -> Path | None:
    """Path of the built-in scenario ``name``, or ``None`` if there is none."""
    candidate = resources.files(__name__) / (name.replace("-", "_") + ".yaml")
    return Path(str(candidate)) if candidate.is_file() else None
