"""Per-draw detail in the run store (``--store-draws``), on SQLite and PostgreSQL: the draw
tables, what ``runs show`` and ``runs export`` say of them, nothing stored without the flag,
the migration to revision 0003, and a Ctrl-C while the draws are written."""

from __future__ import annotations

import json
import os
import signal
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from storebackends import BACKENDS, make_store_url
from typer.testing import CliRunner

from equipoise.cli import app

runner = CliRunner()
CASE = "nagorno-karabakh-2020"
DRAW_TABLES = ("smaa_draws", "smaa_draw_options", "smaa_draw_weights")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path):
    yield from make_store_url(request.param, tmp_path)


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def sql(store: str, query: str, **params: object) -> list[tuple]:
    from equipoise.store.location import normalise_url

    engine = sa.create_engine(normalise_url(store))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def counts(store: str) -> dict[str, int]:
    return {t: sql(store, f"SELECT count(*) FROM {t}")[0][0] for t in DRAW_TABLES}


def newest(store: str) -> str:
    code, out, err = cli("runs", "list", "--json", "--store", store)
    assert code == 0, err
    return json.loads(out)[0]["id"]


def test_decide_with_store_draws_writes_every_draw_queryable_with_sql(store: str) -> None:
    code, out, err = cli(
        "decide",
        CASE,
        "--model",
        "mean",
        "--draws",
        "60",
        "--json",
        "--store",
        store,
        "--store-draws",
    )
    assert code == 0, err
    printed = json.loads(out)
    options = list(printed["acceptability"])
    criteria = printed["criteria"]
    run = newest(store)
    assert counts(store) == {
        "smaa_draws": 60,
        "smaa_draw_options": 60 * len(options),
        "smaa_draw_weights": 60 * len(criteria),
    }
    # the first-rank acceptability the command printed, from the stored ranks (a draw where
    # t options tie for first gives each 1/t, as SMAA-2 does)
    rows = sql(store, "SELECT draw, option, rank FROM smaa_draw_options WHERE run_id = :r", r=run)
    firsts: dict[int, list[str]] = defaultdict(list)
    for draw, option, rank in rows:
        if rank == 1:
            firsts[draw].append(option)
    assert sorted(firsts) == list(range(60))  # every draw has a first option
    share = dict.fromkeys(options, 0.0)
    for tied in firsts.values():
        for option in tied:
            share[option] += 1 / len(tied) / 60
    assert share == pytest.approx(printed["acceptability"], abs=1e-12)
    # each draw's weights sum to 1; its doctrine is one of the scenario's; its model is mean
    sums = sql(
        store,
        "SELECT draw, sum(weight) FROM smaa_draw_weights WHERE run_id = :r GROUP BY draw",
        r=run,
    )
    assert len(sums) == 60 and all(abs(s - 1) < 1e-9 for _, s in sums)
    draws = sql(store, "SELECT model, doctrine, variant FROM smaa_draws WHERE run_id = :r", r=run)
    assert {m for m, _, _ in draws} == {"mean"} and {v for _, _, v in draws} == {""}
    assert {d for _, d, _ in draws} <= set(printed["by_doctrine"])
    # the README's query: how often each option comes first
    readme = dict(
        sql(
            store,
            "SELECT option, avg(CASE WHEN rank = 1 THEN 1.0 ELSE 0.0 END) "
            "FROM smaa_draw_options WHERE run_id = :r GROUP BY option",
            r=run,
        )
    )
    best = max(printed["acceptability"], key=printed["acceptability"].get)
    assert max(readme, key=readme.get) == best


def test_show_export_and_rm_of_a_run_with_draws(store: str, tmp_path: Path) -> None:
    assert (
        cli("decide", CASE, "--model", "mean", "--draws", "30", "--store", store, "--store-draws")[
            0
        ]
        == 0
    )
    run = newest(store)
    code, out, _ = cli("runs", "show", run, "--json", "--store", store)
    assert code == 0 and json.loads(out)["draws_stored"] == 30
    code, out, _ = cli("runs", "show", run, "--store", store)
    assert code == 0 and "draws stored" in out and "30" in out
    code, out, _ = cli("runs", "export", run, "--store", store)
    assert code == 0
    [record] = json.loads(out)
    assert record["draws_stored"] == 30 and len(record["draws"]) == 30
    first = record["draws"][0]
    assert set(first) == {"variant", "draw", "model", "doctrine", "forecast", "options", "weights"}
    assert first["draw"] == 0 and first["variant"] == "" and first["model"] == "mean"
    assert set(first["options"]) == set(record["results"]["acceptability"])
    assert sum(first["weights"].values()) == pytest.approx(1.0)
    stored = {
        (r, o): u
        for r, o, u in sql(
            store, "SELECT draw, option, utility FROM smaa_draw_options WHERE run_id = :r", r=run
        )
    }
    assert {
        (d["draw"], o): v["utility"] for d in record["draws"] for o, v in d["options"].items()
    } == pytest.approx(stored)
    code, out, _ = cli("runs", "export", run, "--no-draws", "--store", store)
    [record] = json.loads(out)
    assert record["draws_stored"] == 30 and "draws" not in record
    assert cli("runs", "rm", run, "--store", store)[0] == 0
    assert counts(store) == dict.fromkeys(DRAW_TABLES, 0)


def test_without_the_flag_nothing_per_draw_is_stored(store: str, tmp_path: Path) -> None:
    assert cli("decide", CASE, "--model", "mean", "--draws", "30", "--store", store)[0] == 0
    assert (
        cli("decide", CASE, "--model", "mean", "--draws", "30", "--flip", "--store", store)[0] == 0
    )  # the flip rule keeps the draws in memory: still not stored
    assert (
        cli("analyze", "-m", "mean", "--draws", "40", "-o", str(tmp_path / "r"), "--store", store)[
            0
        ]
        == 0
    )
    assert counts(store) == dict.fromkeys(DRAW_TABLES, 0)
    code, out, _ = cli("runs", "show", newest(store), "--json", "--store", store)
    assert json.loads(out)["draws_stored"] == 0


def test_analyze_stores_the_draws_of_the_decision_and_of_each_variant(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    code, _, err = cli(
        "analyze",
        "-m",
        "mean",
        "--draws",
        "40",
        "-o",
        str(tmp_path / "r"),
        "--store",
        store,
        "--store-draws",
    )
    assert code == 0, err
    results = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    per_variant = dict(sql(store, "SELECT variant, count(*) FROM smaa_draws GROUP BY variant"))
    assert per_variant == {"": 40, **dict.fromkeys(results["variants"], 10)}  # draws // 4


def test_store_draws_without_a_store_is_refused(tmp_path: Path) -> None:
    code, out, err = cli(
        "decide", CASE, "--model", "mean", "--draws", "10", "--no-store", "--store-draws"
    )
    assert code == 2 and "--store-draws" in err and "Traceback" not in err and out == ""


def test_a_ctrl_c_while_the_draws_are_written_leaves_no_half_recorded_run(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT arrives after the first batch of draw rows: the completing transaction is
    rolled back whole and the run recorded as interrupted, with no results and no draws."""
    import equipoise.store.draws as draws

    monkeypatch.setattr(draws, "BATCH_ROWS", 50)
    sent: list[int] = []

    def interrupt(table: str) -> None:
        if table == "smaa_draw_options" and not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)

    def after_insert(conn, cursor, statement: str, *_args) -> None:  # SQLite: executemany
        if statement.startswith("INSERT INTO smaa_draw_options"):
            interrupt("smaa_draw_options")

    copy = draws._copy

    def after_copy(conn, table, names, rows) -> None:  # PostgreSQL: COPY
        copy(conn, table, names, rows)
        interrupt(table.name)

    monkeypatch.setattr(draws, "_copy", after_copy)
    sa.event.listen(sa.engine.Engine, "after_cursor_execute", after_insert)
    try:
        code, _, err = cli(
            "decide", CASE, "--model", "mean", "--draws", "40", "--store", store, "--store-draws"
        )
    finally:
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", after_insert)
    assert sent and code == 130 and "interrupted" in err
    run = newest(store)
    shown = json.loads(cli("runs", "show", run, "--json", "--store", store)[1])
    assert shown["status"] == "interrupted" and shown["results"] is None
    assert shown["draws_stored"] == 0
    assert counts(store) == dict.fromkeys(DRAW_TABLES, 0)
    assert sql(store, "SELECT count(*) FROM decision_scores") == [(0,)]


def _insert_an_old_run(conn: sa.Connection) -> None:
    """A finished run, id 0123456789ab, as an older equipoise recorded it."""
    conn.execute(
        sa.text(
            "INSERT INTO run_inputs (hash, kind, content, created) VALUES "
            "('sha256:00', 'scenario', '{}', :t)"
        ),
        {"t": "2024-01-01 00:00:00"},
    )
    conn.execute(
        sa.text(
            "INSERT INTO runs (id, command, status, started, params, version, input_hash) "
            "VALUES ('0123456789ab', 'decide', 'done', :t, '{}', '0.0.1', 'sha256:00')"
        ),
        {"t": "2024-01-01 00:00:00"},
    )


@pytest.mark.parametrize("first", ["0001", "0002"])
def test_a_store_of_an_older_schema_is_upgraded_to_the_draw_tables(store: str, first: str) -> None:
    from equipoise.store.engine import migrate_to
    from equipoise.store.location import normalise_url
    from equipoise.store.schema import HEAD

    url = normalise_url(store)
    migrate_to(url, first)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert not set(DRAW_TABLES) & set(sa.inspect(conn).get_table_names())
        _insert_an_old_run(conn)
    engine.dispose()
    assert (
        cli("decide", CASE, "--model", "mean", "--draws", "20", "--store", store, "--store-draws")[
            0
        ]
        == 0
    )  # opening upgrades; the new run stores its draws
    assert HEAD == "0004"
    assert sql(store, "SELECT version_num FROM equipoise_schema") == [(HEAD,)]
    assert counts(store)["smaa_draws"] == 20
    old = json.loads(cli("runs", "show", "0123", "--json", "--store", store)[1])
    assert old["status"] == "done" and old["draws_stored"] == 0


def test_shared_forecasts_are_stored_per_draw(store: str) -> None:
    """`smaa_draws.forecast` says which shared forecast each draw used: draw n uses forecast
    n mod F (`--forecast-draws F`), and every draw its own without sharing."""
    args = ("decide", CASE, "--model", "mean", "--draws", "30", "--store", store, "--store-draws")
    assert cli(*args, "--forecast-draws", "7")[0] == 0
    run = newest(store)
    rows = sql(store, "SELECT draw, forecast FROM smaa_draws WHERE run_id = :r", r=run)
    assert sorted(rows) == [(d, d % 7) for d in range(30)]
    assert cli(*args)[0] == 0
    run = newest(store)
    rows = sql(store, "SELECT draw, forecast FROM smaa_draws WHERE run_id = :r", r=run)
    assert sorted(rows) == [(d, d) for d in range(30)]
    [record] = json.loads(cli("runs", "export", run, "--store", store)[1])
    assert [d["forecast"] for d in record["draws"]] == list(range(30))


def test_draws_stored_before_revision_0004_keep_a_null_forecast(store: str) -> None:
    from equipoise.store.engine import migrate_to
    from equipoise.store.location import normalise_url

    url = normalise_url(store)
    migrate_to(url, "0003")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert "forecast" not in {c["name"] for c in sa.inspect(conn).get_columns("smaa_draws")}
        _insert_an_old_run(conn)
        conn.execute(
            sa.text(
                "INSERT INTO smaa_draws (run_id, variant, draw, model, doctrine) "
                "VALUES ('0123456789ab', '', 0, 'mean', NULL)"
            )
        )
    engine.dispose()
    code, _, err = cli(
        "decide", CASE, "--model", "mean", "--draws", "5", "--store", store, "--store-draws"
    )
    assert code == 0, err  # opening upgrades to 0004
    assert sql(store, "SELECT version_num FROM equipoise_schema") == [("0004",)]
    old = sql(store, "SELECT forecast FROM smaa_draws WHERE run_id = '0123456789ab'")
    assert old == [(None,)]
