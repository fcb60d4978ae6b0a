"""The workbench's browser side: Dash pages and callbacks.

Each page is a module of ``ui/pages`` with ``TITLE: str``, ``layout(config) -> component`` and
``register(app, config) -> None`` (its callbacks); :data:`PAGES` lists them in tab order.

State shared by the pages lives in two browser stores (see :mod:`.state`):
``workbench-scenario`` — ``{"label": str, "yaml": str}``, the scenario being worked on (its
source text, as edited); ``workbench-sets`` — ``{PATH: VALUE}``, the what-if changes applied on
top (the ``--set`` paths of the run store).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..config import WorkbenchConfig
from .state import stores

#: Page modules of ``ui/pages``, in tab order.
PAGES: tuple[str, ...] = (
    "home",
    "open",
    "edit",
    "whatif",
    "network",
    "issues",
    "decision",
    "timeline",
    "sources",
    "compare",
    "export",
)


#: Dash's documented value for "leave the page title alone while a callback runs" (None;
#: its signature says str).
NO_TITLE_UPDATE: Any = None


def mount_ui(server: Any, config: WorkbenchConfig) -> Any:
    """Mount the Dash app on the Flask ``server`` at ``/`` and return it."""
    import dash
    from dash import dcc, html

    app = dash.Dash(
        "equipoise.workbench",
        server=server,
        title="equipoise workbench",
        serve_locally=True,
        update_title=NO_TITLE_UPDATE,
        assets_folder=str(Path(__file__).with_name("assets")),
        suppress_callback_exceptions=True,
    )
    modules = [importlib.import_module(f".pages.{name}", __name__) for name in PAGES]
    tabs = [
        dcc.Tab(label=m.TITLE, value=name, children=m.layout(config))
        for name, m in zip(PAGES, modules)
    ]
    app.layout = html.Main(
        [
            html.H1("equipoise workbench"),
            *stores(config),
            dcc.Tabs(id="workbench-tabs", value=PAGES[0], children=tabs),
        ]
    )
    for m in modules:
        m.register(app, config)
    return app
