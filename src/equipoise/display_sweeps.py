"""Terminal tables of the sensitivity analysis and the flip rule (formatting only)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

__all__ = ["sensitivity_tables", "flip_text"]


def _ranked(indices: Any) -> list[int]:
    return sorted(range(len(indices.groups)), key=lambda i: -indices.total[i])


def sensitivity_tables(sens: Any, option_names: dict[str, str]) -> RenderableType:
    """The robust option's margin by kind and by actor (S1, ST with their intervals), and
    each option's score by kind (ST)."""
    robust = option_names.get(sens.robust, sens.robust)
    out: list[RenderableType] = []
    conf = f"± = {sens.conf_level:.0%} interval"
    for grouping, title in (("kind", "kind of judgement"), ("actor", "actor")):
        idx = sens.margin(grouping)
        table = Table(
            title=f"Sobol indices of the margin of '{robust}', by {title} "
            f"(N = {sens.n}, {sens.evaluations:,} evaluations; {conf})",
            title_justify="left",
        )
        table.add_column("inputs")
        table.add_column("first-order S1", justify="right")
        table.add_column("total ST", justify="right")
        for i in _ranked(idx):
            table.add_row(
                idx.groups[i],
                f"{idx.first[i]:.2f} ± {idx.first_conf[i]:.2f}",
                f"{idx.total[i]:.2f} ± {idx.total_conf[i]:.2f}",
            )
        out.append(table)
    kinds = sens.by_kind[0].groups
    table = Table(
        title="Total Sobol index ST of each option's score, by kind of judgement",
        title_justify="left",
    )
    table.add_column("option")
    for k in kinds:
        table.add_column(k, justify="right")
    for o, idx in zip(sens.outputs[:-1], sens.by_kind[:-1]):
        table.add_row(option_names.get(o, o), *(f"{v:.2f}" for v in idx.total))
    out.append(table)
    return Group(*out)


def flip_text(rule: Any, option_names: dict[str, str]) -> RenderableType:
    """The flip rule as a sentence."""
    return Text(
        "When the robust choice flips: " + rule.sentence(option_names.get(rule.robust, rule.robust))
    )
