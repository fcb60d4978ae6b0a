"""Open: a built-in scenario, a file on this machine, or an upload.

The text is checked as ``equipoise validate`` checks a file (:func:`equipoise.io.parse`);
every problem is listed as ``FILE:LINE: message``. Nothing is half-loaded: the scenario
store changes only when the new scenario is valid, and the what-if changes are cleared then
(they named paths of the old scenario).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE

TITLE = "Open"


def upload_limit(config: WorkbenchConfig) -> int:
    """Largest file the page uploads: the upload travels base64-encoded (4 bytes for 3)
    inside a request the server caps at ``config.max_upload_bytes``; 64 KiB are left for the
    rest of the request."""
    return max(config.max_upload_bytes * 3 // 4 - 64 * 1024, 1024)


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    from ....scenarios import DEFAULT_SCENARIO, builtin_names

    limit = f"{upload_limit(config) / 1e6:.2g} MB"
    return html.Section(
        [
            html.H2("Open a scenario"),
            html.Div(
                [
                    html.Label("Built-in scenario", htmlFor="open-builtin"),
                    dcc.Dropdown(
                        id="open-builtin",
                        options=builtin_names(),
                        value=DEFAULT_SCENARIO,
                        clearable=False,
                        style={"minWidth": "18rem"},
                    ),
                    html.Button("Open", id="open-builtin-button", n_clicks=0),
                ],
                className="wb-row",
            ),
            html.Div(
                [
                    html.Label("File on this machine", htmlFor="open-path"),
                    dcc.Input(
                        id="open-path",
                        type="text",
                        placeholder="path/to/scenario.yaml",
                        debounce=False,
                        style={"minWidth": "24rem"},
                    ),
                    html.Button("Open file", id="open-path-button", n_clicks=0),
                ],
                className="wb-row",
            ),
            # the limit is checked in the browser too (assets/upload-limit.js): the upload
            # component drops a larger file silently, and the script reports it to the store
            html.Div(
                dcc.Upload(
                    id="open-upload",
                    max_size=upload_limit(config),
                    multiple=False,
                    className="wb-upload",
                    children=html.Div(
                        [
                            "Drop a file here or ",
                            html.A("choose one"),
                            " (scenario YAML/JSON, KTAB CSV, decide, DEU "
                            f"table or edge list; at most {limit})",
                        ]
                    ),
                ),
                **_data_attributes(
                    {"max-bytes": str(upload_limit(config)), "report-to": "open-upload-too-large"}
                ),
            ),
            dcc.Store(id="open-upload-too-large"),
            dcc.Loading(
                html.Div(
                    [
                        html.P(id="open-status", role="status"),
                        html.Ul(id="open-problems", className="wb-problems"),
                    ]
                )
            ),
        ]
    )


def _data_attributes(values: dict[str, str]) -> dict[str, Any]:
    """``data-NAME`` attributes of an html component (read by the page's scripts)."""
    return {f"data-{name}": value for name, value in values.items()}


def read_choice(
    trigger: str | None,
    builtin: str | None,
    path: str | None,
    contents: str | None,
    filename: str | None,
    max_bytes: int,
) -> tuple[str, str]:
    """``(label, text)`` of what the user chose; :class:`InputError` when it cannot be read."""
    from ....errors import InputError
    from ....io.document import decode_text, read_text
    from ....scenarios import builtin_path

    if trigger == "open-builtin-button":
        found = builtin_path(builtin or "")
        if found is None:
            raise InputError("no such built-in scenario", str(builtin))
        return str(builtin), found.read_text(encoding="utf-8")
    if trigger == "open-path-button":
        if not path or not path.strip():
            raise InputError("no file named; type the path of a scenario file", "<path>")
        shown = path.strip()
        return shown, read_text(Path(shown).expanduser(), max_bytes)
    if trigger == "open-upload":
        name = filename or "<upload>"
        if not contents or "," not in contents:
            raise InputError("the upload is empty; expected a scenario file", name)
        try:
            raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
        except (binascii.Error, ValueError):
            raise InputError("the upload could not be read (not base64 data)", name) from None
        if len(raw) > max_bytes:
            raise InputError(
                f"file has more than {max_bytes:,} bytes; the limit is "
                f"{max_bytes:,} bytes for an upload",
                name,
            )
        return name, decode_text(name, raw)
    raise InputError("nothing chosen", "<open>")


def opened(label: str, text: str) -> tuple[dict[str, str], Any]:
    """The store's ``{"label", "yaml"}`` and the validated scenario; a file in another format
    (KTAB CSV, …) is converted to scenario YAML so that every page can edit it."""
    from ....io import detect_format, parse
    from ....io.scenario_file import dump_scenario

    scenario = parse(label, text)
    if detect_format(text) != "scenario":
        text = dump_scenario(scenario, "yaml")
    return {"label": label, "yaml": text}, scenario


def too_large(name: str, size: int, limit: int) -> tuple[str, str]:
    """``(status line, problem)`` for an upload over the limit (it was not sent)."""
    from ....io.document import MAX_BYTES

    return (
        "Not opened: 1 problem; the open scenario is unchanged.",
        f"{name}: the file has {size:,} bytes, more than the upload limit of {limit:,} "
        f"bytes ({limit / 1e6:.2g} MB: the upload travels base64-encoded in a request of at "
        f"most the server's cap); open it as a file on this machine instead (its path, up "
        f"to {MAX_BYTES / 1e6:g} MB), or start the workbench with it: equipoise serve FILE",
    )


def summary(label: str, s: Any) -> str:
    return (
        f"Opened {label}: {len(s.actors)} actors, {len(s.issues)} issues, "
        f"{len(s.stances)} stances, {len(s.relations)} relations, {len(s.events)} events, "
        f"{len(s.options)} options, {len(s.doctrines)} doctrines."
    )


def register(app: Any, config: WorkbenchConfig) -> None:
    import dash
    from dash import Input, Output, State, html
    from dash.exceptions import PreventUpdate

    from ....errors import InputError
    from ....io.document import MAX_BYTES

    @app.callback(
        Output(SCENARIO_STORE, "data", allow_duplicate=True),
        Output(SETS_STORE, "data", allow_duplicate=True),
        Output("open-status", "children"),
        Output("open-problems", "children"),
        Input("open-builtin-button", "n_clicks"),
        Input("open-path-button", "n_clicks"),
        Input("open-upload", "contents"),
        State("open-builtin", "value"),
        State("open-path", "value"),
        State("open-upload", "filename"),
        prevent_initial_call=True,
    )
    def _open(
        _b: int,
        _p: int,
        contents: str | None,
        builtin: str | None,
        path: str | None,
        filename: str | None,
    ) -> tuple[Any, Any, str, list[Any]]:
        trigger = dash.ctx.triggered_id
        try:
            label, text = read_choice(
                trigger,
                builtin,
                path,
                contents,
                filename,
                upload_limit(config) if trigger == "open-upload" else MAX_BYTES,
            )
            data, scenario = opened(label, text)
        except InputError as exc:
            n = len(exc.problems)
            status = (
                f"Not opened: {n} problem{'s' if n != 1 else ''}; the open scenario is unchanged."
            )
            return (dash.no_update, dash.no_update, status, [html.Li(str(p)) for p in exc.problems])
        return data, {}, summary(label, scenario), []

    @app.callback(
        Output("open-status", "children", allow_duplicate=True),
        Output("open-problems", "children", allow_duplicate=True),
        Input("open-upload-too-large", "data"),
        prevent_initial_call=True,
    )
    def _too_large(refused: dict[str, Any] | None) -> tuple[str, list[Any]]:
        if not refused:
            raise PreventUpdate
        status, problem = too_large(
            str(refused.get("name") or "<upload>"),
            int(refused.get("size") or 0),
            upload_limit(config),
        )
        return status, [html.Li(problem)]
