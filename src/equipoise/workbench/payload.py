"""Reading an API request: the scenario it names or carries, its ``set`` items, its options.

A request is a JSON object::

    {"scenario": "nagorno-karabakh-2020",          # a built-in name (or the file the
                                                   #   server was started with), or
     "scenario": {... a scenario document ...},    # a scenario object (show --json), or
     "yaml": "id: ...\\n...", "label": "mine.yaml",  # a file's text (any input format)
     "set": {"stances.TUR.territory.position": 50},  # the --set paths (whatif.py)
     ...options of the command}

Problems of the request itself raise :class:`ApiError` with status 400; a scenario (or a
``set``) that does not validate raises :class:`~equipoise.errors.InputError`, which the API
turns into status 422 with its ``FILE:LINE: message`` lines.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..limits import MAX_DRAWS, MAX_ROUNDS
from .config import WorkbenchConfig

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = [
    "ApiError",
    "ForecastOptions",
    "DecideOptions",
    "ExplainOptions",
    "BalanceOptions",
    "ValidateOptions",
    "OPTIONS",
    "read_options",
    "scenario_of",
    "set_items",
    "items_of",
]


class ApiError(Exception):
    """A request the API refuses: ``status`` and ``errors`` (``["WHERE: message", ...]``)."""

    def __init__(self, status: int, errors: list[str]):
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = errors


class _Request(BaseModel):
    """What every request may carry besides the command's options."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] | None = None
    yaml: str | None = None
    label: str | None = Field(default=None, max_length=200)
    set: dict[str, Any] = Field(default_factory=dict)
    record: bool = Field(default=True, description="Record the run in the run store.")


class ValidateOptions(_Request):
    pass


Rounds = Field(default=None, ge=1, le=MAX_ROUNDS)


class _Network(_Request):
    """The relations network's options (``--sign``, ``--weight``, ``--layer``,
    ``--organisations``) as objects ``{KIND: VALUE}``."""

    sign: dict[str, int] | None = None
    weight: dict[str, float] | None = None
    layer: dict[str, str] | None = None
    organisations: bool | None = None

    def network_overrides(self) -> dict[str, Any]:
        from ..balance import parse_kind_overrides

        def items(d: dict[str, Any] | None) -> list[str] | None:
            return None if d is None else [f"{k}={v}" for k, v in d.items()]

        return parse_kind_overrides(
            items(self.sign), items(self.weight), items(self.layer), self.organisations
        )


class ForecastOptions(_Request):
    model: list[str] | None = None
    rounds: int | None = Field(default=None, ge=0, le=MAX_ROUNDS)
    params: dict[str, bool | int | float | str] = Field(default_factory=dict)


class DecideOptions(_Network):
    model: str = "eum"
    variant: str | None = None
    draws: int = Field(default=1000, ge=0, le=MAX_DRAWS)
    forecast_draws: int | None = Field(default=None, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)
    rounds: int | None = Rounds
    combinations: int = Field(default=0, ge=0, le=4)
    models: list[str] | None = None
    sensitivity: bool = False
    sensitivity_n: int = Field(default=1024, ge=2, le=2**16)
    sensitivity_seed: int = Field(default=1, ge=1)
    flip: bool = False


class ExplainOptions(_Request):
    model: str = "eum"
    variant: str | None = None
    option: str | None = None
    doctrine: str | None = None
    rounds: int | None = Rounds
    search: bool = True


class BalanceOptions(_Network):
    as_of: str | None = None
    compare: tuple[str, str] | None = None
    time_limit: float = Field(default=60.0, gt=0, le=600)
    unweighted: bool = False
    robust_time: float = Field(default=2.0, ge=0, le=600)


#: The options of each command of the API.
OPTIONS: dict[str, type[_Request]] = {
    "forecast": ForecastOptions,
    "decide": DecideOptions,
    "explain": ExplainOptions,
    "balance": BalanceOptions,
}


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc) or "request"


def read_options(kind: type[_Request], payload: Any) -> Any:
    """``payload`` checked against ``kind`` (every problem at once, status 400)."""
    if not isinstance(payload, dict):
        raise ApiError(
            400, ['request: expected a JSON object, e.g. {"scenario": "nagorno-karabakh-2020"}']
        )
    try:
        return kind.model_validate(payload)
    except ValidationError as exc:
        raise ApiError(
            400,
            [
                f"request: {_where(tuple(e['loc']))}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ],
        ) from None


@functools.lru_cache(maxsize=32)
def _parsed(label: str, text: str) -> Scenario:
    """The scenario in ``text`` (cached: a what-if rereads the same text many times; a
    :class:`Scenario` is not changed by the analyses, ``set`` works on a copy)."""
    from ..io import parse

    return parse(label, text)


def scenario_of(request: _Request, config: WorkbenchConfig) -> tuple[Scenario, str]:
    """``(scenario, its name)`` from ``scenario`` (a name or an object) or ``yaml``."""
    given = [k for k in ("scenario", "yaml") if getattr(request, k) is not None]
    if len(given) != 1:
        raise ApiError(
            400,
            [
                "request: give exactly one of 'scenario' (a built-in name or "
                "a scenario object) and 'yaml' (a file's text)"
            ],
        )
    if request.yaml is not None:
        label = request.label or "upload.yaml"
        return _parsed(label, request.yaml), label
    if isinstance(request.scenario, dict):
        label = request.label or "scenario"
        # one field a line: the messages' line numbers point into this text
        return _parsed(label, json.dumps(request.scenario, indent=1, ensure_ascii=False)), label
    name = str(request.scenario)
    from ..io.document import read_text
    from ..scenarios import builtin_names, builtin_path

    path = builtin_path(name) if name in builtin_names() else None
    if path is None and config.input is not None and name == config.input:
        from ..io import resolve

        path = resolve(name)
    if path is None:
        known = builtin_names() + ([config.input] if config.input else [])
        raise InputError(
            f"no built-in scenario of this name (files are sent as 'yaml'); "
            f"known: {', '.join(known)}",
            name,
        )
    return _parsed(name, read_text(path)), name


def _set_value(value: Any) -> str:
    """A JSON value as the YAML text ``--set`` reads (JSON is YAML's flow style)."""
    return json.dumps(value, ensure_ascii=False)


def set_items(request: _Request) -> list[str]:
    """The request's ``set`` as ``--set`` items ``PATH=VALUE``."""
    return items_of(request.set)


def items_of(sets: dict[str, Any]) -> list[str]:
    """``{PATH: VALUE}`` as ``--set`` items ``PATH=VALUE``."""
    return [f"{path}={_set_value(value)}" for path, value in sets.items()]
