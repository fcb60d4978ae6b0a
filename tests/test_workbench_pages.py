"""The workbench pages' own logic, without a browser: opening (validation, nothing
half-loaded), the what-if levers as ``--set`` paths, the views' data and the background jobs
(the server's one job system)."""

from __future__ import annotations

import base64
import datetime as dt
import time

import pytest

pytest.importorskip("dash")

from equipoise.errors import InputError  # noqa: E402
from equipoise.io import load  # noqa: E402
from equipoise.workbench.ui import state  # noqa: E402
from equipoise.workbench.ui.pages import open as open_page  # noqa: E402
from equipoise.workbench.ui.pages._levers import KINDS, kind_of, lever_at, levers  # noqa: E402

CASE = "nagorno-karabakh-2020"


@pytest.fixture(scope="module")
def case():
    return load(CASE)


@pytest.fixture(scope="module")
def case_data():
    from equipoise.scenarios import builtin_path

    return {"label": CASE, "yaml": builtin_path(CASE).read_text(encoding="utf-8")}


def _upload(text: str) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()


def test_broken_upload_lists_problems_with_lines():
    text = (
        "equipoise: 1\nid: broken\ntitle: Broken\nactors:\n  - id: A\n    name: Aa\n"
        "    capability: {value: -5, assumption: why}\n"
    )
    with pytest.raises(InputError) as exc:
        label, raw = open_page.read_choice(
            "open-upload", None, None, _upload(text), "broken.yaml", 10_000
        )
        open_page.opened(label, raw)
    lines = [str(p) for p in exc.value.problems]
    assert lines and all(line.startswith("broken.yaml:") for line in lines)
    # the negative capability sits on line 7 of the upload
    assert any(line.startswith("broken.yaml:7:") for line in lines), lines


def test_upload_over_the_cap_and_not_utf8_refused():
    with pytest.raises(InputError, match="limit is 10 bytes"):
        open_page.read_choice("open-upload", None, None, _upload("x" * 11), "big.yaml", 10)
    bad = "data:text/plain;base64," + base64.b64encode(b"id: a\n\xff\n").decode()
    with pytest.raises(InputError) as exc:
        open_page.read_choice("open-upload", None, None, bad, "latin.yaml", 1000)
    assert str(exc.value.problems[0]).startswith("latin.yaml:2:")


def test_local_file_and_builtin_open(tmp_path, case):
    label, text = open_page.read_choice("open-builtin-button", CASE, None, None, None, 10**7)
    data, scenario = open_page.opened(label, text)
    assert data["label"] == CASE and len(scenario.actors) == len(case.actors)
    with pytest.raises(InputError, match="no such file"):
        open_page.read_choice(
            "open-path-button", None, str(tmp_path / "missing.yaml"), None, None, 10**7
        )


KTAB = """Two, a KTAB SMP file, 3, 1
Actor, Description, Power, Land Position, Land Salience
A, first, 100, 10, 50
B, second, 50, 90, 80
C, third, 20, 50, 100
"""


def test_other_formats_become_scenario_yaml(tmp_path):
    from equipoise.io import detect_format

    path = tmp_path / "case.csv"
    path.write_text(KTAB, encoding="utf-8")
    label, text = open_page.read_choice("open-path-button", None, str(path), None, None, 10**7)
    assert detect_format(text) == "ktab"
    data, scenario = open_page.opened(label, text)
    assert detect_format(data["yaml"]) == "scenario"
    assert [a.id for a in state.open_scenario(data).actors] == [a.id for a in scenario.actors]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_lever_is_a_set_path_that_moves_its_value(case, case_data, kind):
    found = levers(case, kind)
    assert found, kind
    lever = found[-1]
    assert kind_of(lever.path) == kind
    if isinstance(lever.value, list):
        new = [round(lever.value[0] / 2, 4), round(min(lever.value[1] + 0.1, 1.0), 4)]
    else:
        new = lever.low if lever.value != lever.low else lever.high
    changed = state.open_scenario(case_data, {lever.path: new})
    moved = lever_at(changed, lever.path)
    assert moved.value == pytest.approx(new)
    assert lever_at(case, lever.path).value == lever.value  # the file's scenario unchanged


def test_bad_set_is_reported_not_applied(case_data):
    with pytest.raises(InputError) as exc:
        state.open_scenario(case_data, {"actors.RUS.capability": -5})
    assert str(exc.value.problems[0]).startswith("--set actors.RUS.capability=-5:")


def test_moving_a_stance_moves_the_forecast(case_data):
    from equipoise.workbench.ui.pages._shared import forecast_of
    from equipoise.workbench.ui.pages.whatif import forecast_rows

    base = forecast_of(case_data, {}, "mean")
    sets = {"stances.AZE.territory.position": 0}
    changed = forecast_of(case_data, sets, "mean")
    rows = {
        r["issue"]: r for r in forecast_rows(state.open_scenario(case_data, sets), base, changed)
    }
    row = rows["Territorial settlement"]
    # the weighted mean falls when Azerbaijan's position goes from 100 to 0
    assert row["change"] < -1 and row["file"] == pytest.approx(base.outcome["territory"], abs=0.01)
    assert rows["Mediation format"]["change"] == 0


def test_date_comparison_lists_changed_ties(case):
    from equipoise.workbench.ui.pages.network import compare_rows, dates_of

    dates = [d for d, _ in dates_of(case)]
    assert dates == sorted(dates) and case.as_of.isoformat() in dates
    # Russia and Turkey: cooperation and strain cancel on 9 Nov 2020; after the truce the
    # joint monitoring adds a positive tie
    rows = compare_rows(case, dt.date(2020, 11, 9), dt.date(2020, 12, 2), ())
    assert {"tie": "Russia – Turkey", "first": "none", "second": "+", "what": "appeared"} in rows
    assert compare_rows(case, dt.date(2020, 11, 9), dt.date(2020, 11, 9), ()) == []


def _poll(client, job_id: str, until, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        job = client.get(f"/api/jobs/{job_id}", headers={"Host": "127.0.0.1"}).get_json()
        if until(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.02)


def test_the_pages_long_work_is_a_job_of_the_api(case):
    """One job system: the What-if page's draws run as jobs of the server's manager, seen
    (progress, result) and cancelled through /api/jobs like the API's own."""
    from equipoise.workbench.app import create_app
    from equipoise.workbench.config import WorkbenchConfig
    from equipoise.workbench.ui.pages._shared import job_progress, submit_job
    from equipoise.workbench.ui.pages.whatif import _sweep_task

    app = create_app(WorkbenchConfig(input=CASE, store="none"))
    jobs = app.extensions["equipoise_jobs"]
    client = app.test_client()
    try:
        job, refused = submit_job(jobs, "decide", _sweep_task(case, "smaa", 100_000, "eum"))
        assert refused is None
        running = _poll(client, job.id, lambda j: j["progress"]["done"] >= 250)
        # the progress counts the draws' forecasts: 100,000 built-in draws are over decide's
        # forecast budget, so they share 10**9 // 136,800 (one draw's work) = 7,309 forecasts
        assert running["status"] == "running" and running["progress"]["total"] == 7_309
        assert running["progress"]["phase"] == "draws"
        assert job_progress(job, "draws")[3].startswith("Running: ")
        client.delete(f"/api/jobs/{job.id}", headers={"Host": "127.0.0.1"})
        cancelled = _poll(client, job.id, lambda j: j["status"] != "running")
        assert cancelled["status"] == "cancelled" and "result" not in cancelled
        assert cancelled["progress"]["done"] < 100_000
        assert job_progress(job)[0] and job_progress(job)[3] == "Cancelled."

        job, _ = submit_job(jobs, "decide", _sweep_task(case, "smaa", 500, "eum"))
        done = _poll(client, job.id, lambda j: j["status"] != "running" and j["status"] != "queued")
        assert done["status"] == "done" and done["progress"]["done"] == 500
        shares = [row["acceptability"] for row in done["result"]["rows"]]
        assert sum(shares) == pytest.approx(1.0, abs=0.01)
        assert done["result"]["status"].startswith("Done: 500 draws; robust option ")
    finally:
        jobs.shutdown()


def test_a_failed_page_job_keeps_its_message(case):
    from equipoise.errors import ModelInputError
    from equipoise.workbench.jobs import JobManager
    from equipoise.workbench.ui.pages._shared import job_progress, submit_job

    def work(progress):
        progress("draws", 1, 10)
        raise ModelInputError("the draws need options")

    jobs = JobManager()
    try:
        job, _ = submit_job(jobs, "decide", work)
        deadline = time.monotonic() + 10
        while job.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert job.status == "failed" and job.errors == ["error: the draws need options"]
        assert job_progress(job) == (True, "1", "10", "Failed: error: the draws need options")
        jobs.shutdown()
        assert submit_job(jobs, "decide", work) == (
            None,
            "Not started: the workbench is shutting down.",
        )
    finally:
        jobs.shutdown()


def test_explanation_in_its_own_process_is_stopped_when_too_slow(case_data):
    from equipoise.workbench.ui.pages import _shared
    from equipoise.workbench.ui.pages._shared import explained_text, not_explained

    _shared._explained.clear()  # answers kept by earlier tests (the e2e server's) would hide this
    answer = explained_text(case_data, {}, "eum", seconds=0.05)
    assert answer == {"timeout": 0.05}
    assert "more than 0.05 s" in not_explained(answer)
    answer = explained_text(case_data, {}, "eum", seconds=120)
    # one sentence per doctrine of the case (7), and one for "any weights"
    assert len(answer["ok"]["stability"]) == 8
    assert answer["ok"]["believe"]["options"]


def test_whatif_stability_is_item_2_of_the_full_explanation(case_data, case):
    from equipoise.decision.explain import explain
    from equipoise.decision.explain.words import stability_sentence
    from equipoise.workbench.ui.pages._shared import stability_of

    full = explain(case, model="eum", time_limit=5)
    short = explain(case, model="eum", views=False)
    assert short.explained == [] and short.views == {}
    assert [(d.pick, d.stability) for d in short.doctrines.values()] == [
        (d.pick, d.stability) for d in full.doctrines.values()
    ]
    answer = stability_of(case_data, {}, "eum")
    # one sentence per doctrine of the case (7), and one for "any weights"
    assert answer["ok"]["stability"] == [stability_sentence(full, d) for d in full.doctrines]
    assert len(answer["ok"]["stability"]) == 8
    moved = stability_of(case_data, {"stances.TUR.territory.position": 40}, "eum")
    assert len(moved["ok"]["stability"]) == 8


def test_an_upload_over_the_limit_is_named_with_the_limit():
    from equipoise.workbench.config import WorkbenchConfig

    limit = open_page.upload_limit(WorkbenchConfig())
    assert limit == 5 * 1024 * 1024 * 3 // 4 - 64 * 1024  # base64 in a 5 MiB request
    status, problem = open_page.too_large("huge.yaml", limit + 1, limit)
    assert "unchanged" in status
    assert problem.startswith(
        f"huge.yaml: the file has {limit + 1:,} bytes, more than the "
        f"upload limit of {limit:,} bytes (3.9 MB"
    )
    assert "as a file on this machine" in problem
