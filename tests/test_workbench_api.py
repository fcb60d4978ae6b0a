"""The workbench's JSON API through Flask's test client: the same JSON as the commands'
``--json``, errors located and with the documented status, runs recorded and compared,
background jobs with progress and cancellation, and the security checks."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time

import pytest

pytest.importorskip("dash")

from typer.testing import CliRunner  # noqa: E402

from equipoise.cli import app as cli_app  # noqa: E402
from equipoise.workbench.app import create_app  # noqa: E402
from equipoise.workbench.config import WorkbenchConfig  # noqa: E402

CASE = "nagorno-karabakh-2020"
HOST = {"Host": "127.0.0.1:8050"}
SET = {"stances.TUR.territory.position": 40}


@pytest.fixture()
def store(tmp_path):
    return str(tmp_path / "runs.sqlite")


@pytest.fixture()
def wb(store):
    app = create_app(WorkbenchConfig(store=store))
    yield app
    app.extensions["equipoise_jobs"].shutdown()


@pytest.fixture()
def client(wb):
    return wb.test_client()


def post(client, path, payload, **headers):
    return client.post(path, json=payload, headers={**HOST, **headers})


def cli_json(*args, store=True):
    result = CliRunner().invoke(cli_app, [*args, "--json", *(["--no-store"] if store else [])])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the same JSON as the command line ---------------------------------------------------


def test_forecast_with_set_is_the_commands_json(client):
    resp = post(client, "/api/forecast", {"scenario": CASE, "model": ["eum", "median"], "set": SET})
    assert resp.status_code == 200
    expected = cli_json(
        "forecast", CASE, "-m", "eum", "-m", "median", "--set", "stances.TUR.territory.position=40"
    )
    assert resp.get_json() == expected


def test_a_set_moves_the_stance_it_names(client):
    plain = post(client, "/api/forecast", {"scenario": CASE, "model": ["mean"]}).get_json()
    moved = post(
        client,
        "/api/forecast",
        {"scenario": CASE, "model": ["mean"], "set": {"stances.TUR.territory.position": 0}},
    )
    before = plain["models"]["mean"]["territory"]["positions"]["TUR"]
    after = moved.get_json()["models"]["mean"]["territory"]["positions"]["TUR"]
    assert before != 0 and after == 0  # mean: positions do not move from the declared ones
    again = post(client, "/api/forecast", {"scenario": CASE, "model": ["mean"]}).get_json()
    assert again == plain  # the what-if changed a copy, never the scenario the server keeps


def test_decide_explain_balance_are_the_commands_json(client):
    got = post(client, "/api/decide", {"scenario": CASE, "draws": 50, "seed": 3})
    assert got.status_code == 200
    assert got.get_json() == cli_json("decide", CASE, "--draws", "50", "--seed", "3")
    got = post(client, "/api/explain", {"scenario": CASE, "search": False, "option": "mediate"})
    assert got.status_code == 200, got.get_json()
    assert got.get_json() == cli_json("explain", CASE, "--no-search", "--option", "mediate")
    got = post(client, "/api/balance", {"scenario": CASE, "as_of": "2020-09-27", "robust_time": 0})
    expected = cli_json("balance", CASE, "--as-of", "2020-09-27", "--robust-time", "0")
    assert untimed(got.get_json()) == untimed(expected)


def test_decide_takes_the_shared_forecasts_of_the_command(client):
    """`forecast_draws` is `decide --forecast-draws`: the same JSON, F in it."""
    payload = {"scenario": CASE, "draws": 40, "forecast_draws": 8, "seed": 2}
    got = post(client, "/api/decide", payload)
    assert got.status_code == 200, got.get_json()
    expected = cli_json("decide", CASE, "--draws", "40", "--forecast-draws", "8", "--seed", "2")
    assert got.get_json() == expected and expected["forecast_draws"] == 8
    bad = post(client, "/api/decide", {**payload, "forecast_draws": 0})
    assert bad.status_code == 400
    assert any("request: forecast_draws:" in e for e in bad.get_json()["errors"]), bad.get_json()


def untimed(value):
    """``value`` without its timings (``seconds``): the only part that may differ."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def test_scenario_as_object_and_as_text(client):
    shown = cli_json("show", CASE, store=False)
    by_object = post(client, "/api/forecast", {"scenario": shown, "model": ["median"]})
    by_name = post(client, "/api/forecast", {"scenario": CASE, "model": ["median"]})
    from equipoise.scenarios import builtin_path

    text = builtin_path(CASE).read_text(encoding="utf-8")
    by_text = post(
        client, "/api/forecast", {"yaml": text, "label": "mine.yaml", "model": ["median"]}
    )
    assert by_object.get_json() == by_name.get_json() == by_text.get_json()


def test_validate_reports_counts_and_located_problems(client):
    ok = post(client, "/api/validate", {"scenario": CASE})
    assert ok.status_code == 200
    cli = cli_json("validate", CASE, store=False)[0]
    assert ok.get_json() == {**cli, "input": CASE}
    bad = post(
        client, "/api/validate", {"yaml": "id: x\ntitle: 3\nactors: []\n", "label": "broken.yaml"}
    )
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert any(e.startswith("broken.yaml:2: title") for e in errors), errors
    assert any(e.startswith("broken.yaml:3: actors") for e in errors), errors


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload,needle",
    [
        ({"scenario": CASE, "draws": -1}, "request: draws:"),
        ({"scenario": CASE, "colour": "red"}, "request: colour:"),
        ({"scenario": CASE, "yaml": "id: x"}, "exactly one of 'scenario'"),
        ({}, "exactly one of 'scenario'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_malformed_requests_are_400(client, payload, needle):
    resp = post(client, "/api/decide", payload)
    assert resp.status_code == 400
    assert any(needle in e for e in resp.get_json()["errors"]), resp.get_json()


def test_not_json_is_400(client):
    resp = client.post(
        "/api/forecast",
        data="scenario=x",
        headers=HOST,
        content_type="application/x-www-form-urlencoded",
    )
    assert resp.status_code == 400
    assert "JSON" in resp.get_json()["errors"][0]


def test_bad_set_and_unknown_scenario_are_422(client):
    resp = post(
        client, "/api/forecast", {"scenario": CASE, "set": {"stances.TUR.nowhere.position": 1}}
    )
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0].startswith("--set stances.TUR.nowhere.position=1:")
    resp = post(
        client, "/api/forecast", {"scenario": CASE, "set": {"stances.TUR.territory.position": 500}}
    )
    assert resp.status_code == 422
    resp = post(client, "/api/forecast", {"scenario": "/etc/passwd"})
    assert resp.status_code == 422  # only built-in names (and the served file): no file reads
    assert "no built-in scenario" in resp.get_json()["errors"][0]
    resp = post(client, "/api/forecast", {"scenario": CASE, "model": ["oracle"]})
    assert resp.status_code == 422
    assert "unknown model 'oracle'" in resp.get_json()["errors"][0]


def test_upload_over_the_cap_is_413(store):
    small = create_app(WorkbenchConfig(store=store, max_upload_bytes=1000)).test_client()
    resp = small.post("/api/validate", json={"yaml": "x" * 2000}, headers=HOST)
    assert resp.status_code == 413
    assert "1,000 bytes" in resp.get_json()["errors"][0]


# --- the run store ----------------------------------------------------------------------------


def test_api_runs_are_recorded_and_listed(client):
    post(client, "/api/forecast", {"scenario": CASE, "model": ["mean"], "set": SET})
    post(client, "/api/forecast", {"scenario": CASE, "model": ["mean"], "record": False})
    runs = client.get("/api/runs", headers=HOST).get_json()
    assert len(runs) == 1
    assert runs[0]["command"] == "forecast" and runs[0]["status"] == "done"
    shown = client.get(f"/api/runs/{runs[0]['id'][:6]}", headers=HOST).get_json()
    assert shown["sets"] == ["stances.TUR.territory.position=40"]
    assert shown["results"]["models"]["mean"]["territory"]["positions"]["TUR"] == 40
    assert client.get("/api/runs/ffffffffffff", headers=HOST).status_code == 404
    assert client.get("/api/runs?status=odd", headers=HOST).status_code == 422


def test_a_bad_request_records_nothing(client):
    post(client, "/api/forecast", {"scenario": CASE, "set": {"stances.X.y.position": 1}})
    assert client.get("/api/runs", headers=HOST).get_json() == []


def test_diff_two_dates_lists_the_inputs_runs_diff_lists(client):
    resp = post(
        client,
        "/api/runs/diff",
        {
            "a": {"scenario": CASE, "as_of": "2020-09-27"},
            "b": {"scenario": CASE, "as_of": "2020-11-10"},
            "commands": ["balance"],
            "options": {"balance": {"robust_time": 0}},
        },
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert {"path": "as_of", "a": "2020-09-27", "b": "2020-11-10"} in body["inputs"]
    expected = cli_json(
        "runs",
        "diff",
        CASE,
        "--as-of",
        "2020-09-27",
        "--as-of",
        "2020-11-10",
        "--draws",
        "0",
        store=False,
    )
    assert body["inputs"] == expected["inputs"]


def test_diff_two_variants(client):
    resp = post(
        client,
        "/api/runs/diff",
        {
            "a": {"scenario": CASE},
            "b": {"scenario": CASE, "variant": "turkish-peacekeepers"},
            "commands": ["decide"],
            "options": {"decide": {"draws": 0}},
        },
    )
    body = resp.get_json()
    assert body["inputs"] == [{"path": "variant", "a": None, "b": "turkish-peacekeepers"}]
    plain = cli_json("decide", CASE, "--draws", "0")
    variant = cli_json("decide", CASE, "--draws", "0", "--variant", "turkish-peacekeepers")
    changed = {
        d: (plain["by_doctrine"][d]["best"], variant["by_doctrine"][d]["best"])
        for d in plain["by_doctrine"]
    }
    for doctrine, (a, b) in changed.items():
        row = {"path": f"decision.best.{doctrine}", "a": a, "b": b}
        assert (row in body["answers"]) == (a != b)


def test_diff_a_set_against_the_stored_run(client):
    post(client, "/api/forecast", {"scenario": CASE, "model": ["mean"]})
    run_id = client.get("/api/runs", headers=HOST).get_json()[0]["id"]
    resp = post(client, "/api/runs/diff", {"a": run_id, "b": {"scenario": CASE, "set": SET}})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert [r["path"] for r in body["inputs"]] == ["stances.TUR.territory.position"]
    assert body["answers"][0]["path"] == "forecasts.mean.territory"
    same = post(client, "/api/runs/diff", {"a": run_id, "b": {"scenario": CASE}}).get_json()
    assert same["inputs"] == [] and same["answers"] == []


def test_diff_with_an_unknown_run_is_404(client):
    resp = post(client, "/api/runs/diff", {"a": "abcdef", "b": {"scenario": CASE}})
    assert resp.status_code == 404
    assert "no such run" in resp.get_json()["errors"][0]


def test_python_callers_get_api_errors():
    from equipoise.workbench import api

    with pytest.raises(api.ApiError) as bad_set:
        api.run_forecast(
            {"scenario": CASE, "record": False, "set": {"stances.TUR.territory.position": 500}}
        )
    assert bad_set.value.status == 422
    assert bad_set.value.errors[0].startswith("--set stances.TUR.territory.position=500:")
    with pytest.raises(api.ApiError) as bad_option:
        api.run_decide({"scenario": CASE, "draws": "many"})
    assert bad_option.value.status == 400


def test_diff_refuses_a_malformed_side(client):
    resp = post(client, "/api/runs/diff", {"a": {"scenario": CASE, "when": 1}, "b": 7})
    assert resp.status_code == 400
    assert len(resp.get_json()["errors"]) == 2


# --- background jobs --------------------------------------------------------------------------


def _wait(client, job_id, until, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(f"/api/jobs/{job_id}", headers=HOST).get_json()
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached the state wanted: {job}")


def test_job_gives_the_same_result_as_the_request(client):
    payload = {"scenario": CASE, "draws": 300, "seed": 1, "record": False}
    resp = post(client, "/api/jobs", {"command": "decide", **payload})
    assert resp.status_code == 202
    job = _wait(client, resp.get_json()["id"], lambda j: j["status"] in ("done", "failed"))
    assert job["status"] == "done"
    assert job["progress"]["done"] == job["progress"]["total"] == 300
    assert job["result"] == post(client, "/api/decide", payload).get_json()


def test_job_cancelled_stops_and_is_recorded_interrupted(client):
    resp = post(client, "/api/jobs", {"command": "decide", "scenario": CASE, "draws": 100_000})
    job_id = resp.get_json()["id"]
    _wait(client, job_id, lambda j: j["progress"]["done"] > 0)
    client.delete(f"/api/jobs/{job_id}", headers=HOST)
    job = _wait(client, job_id, lambda j: j["status"] != "running", timeout=60)
    assert job["status"] == "cancelled"
    assert job["progress"]["done"] < 100_000 and "result" not in job
    runs = client.get("/api/runs", headers=HOST).get_json()
    assert runs[0]["command"] == "decide" and runs[0]["status"] == "interrupted"


def test_job_errors_and_unknown_jobs(client):
    assert post(client, "/api/jobs", {"command": "rm -rf", "scenario": CASE}).status_code == 400
    assert (
        post(
            client, "/api/jobs", {"command": "decide", "scenario": CASE, "draws": "many"}
        ).status_code
        == 400
    )
    job = post(
        client,
        "/api/jobs",
        {"command": "forecast", "scenario": CASE, "set": {"stances.X.y.position": 1}},
    ).get_json()
    job = _wait(client, job["id"], lambda j: j["status"] in ("done", "failed"))
    assert job["status"] == "failed" and job["errors"][0].startswith("--set stances.X.y")
    assert client.get("/api/jobs/nope", headers=HOST).status_code == 404
    assert client.delete("/api/jobs/nope", headers=HOST).status_code == 404


def test_jobs_beyond_the_waiting_room_are_refused():
    from equipoise.workbench.jobs import MAX_WAITING, JobManager

    jobs = JobManager(max_running=1)
    release = __import__("threading").Event()
    try:
        first = jobs.submit("x", lambda progress: release.wait(30), lambda e: (500, []))
        queued = [
            jobs.submit("x", lambda progress: None, lambda e: (500, [])) for _ in range(MAX_WAITING)
        ]
        with pytest.raises(OverflowError):
            jobs.submit("x", lambda progress: None, lambda e: (500, []))
        assert jobs.cancel(queued[0].id).status == "cancelled"
    finally:
        release.set()
        jobs.shutdown()
    assert first.status == "done"
    assert all(j.status in ("done", "cancelled") for j in queued)


# --- security -----------------------------------------------------------------------------------


def test_csp_allows_exactly_the_pages_inline_script(client):
    page = client.get("/", headers=HOST)
    policy = page.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    inline = re.findall(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
        page.data.decode(),
        re.S,
    )
    inline = [s for s in inline if "alert(" not in s]  # the IE-only comment block
    assert inline, "Dash's renderer script is inline"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    for resp in (
        page,
        client.get("/api/scenarios", headers=HOST),
        client.get("/nowhere", headers=HOST),
    ):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        assert "Content-Security-Policy" in resp.headers


def test_dash_does_not_call_home(wb):
    assert wb.extensions["equipoise_dash"]._dev_tools["disable_version_check"] is True


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Referer": "http://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:8050"},
    ],
)
def test_cross_origin_writes_refused(client, headers):
    resp = post(client, "/api/forecast", {"scenario": CASE}, **headers)
    assert resp.status_code == 403
    assert "cross-origin" in resp.get_json()["errors"][0]
    assert client.get("/api/runs", headers=HOST).get_json() == []  # nothing ran


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script: no browser headers
        {"Origin": "http://127.0.0.1:8050", "Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://127.0.0.1:8050/"},
    ],
)
def test_same_origin_writes_allowed(client, headers):
    resp = post(client, "/api/validate", {"scenario": CASE}, **headers)
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example:8050", "192.168.1.5:8050"]
)
def test_foreign_host_names_refused(client, host):
    resp = client.get("/api/scenarios", headers={"Host": host})
    assert resp.status_code == 403


def test_loopback_names_served(client):
    for host in ("localhost:8050", "[::1]:8050", "127.0.0.1"):
        assert client.get("/api/scenarios", headers={"Host": host}).status_code == 200


def test_non_loopback_host_needs_allow_remote(capsys):
    from equipoise.errors import InputError
    from equipoise.workbench.server import check_host

    with pytest.raises(InputError, match="--allow-remote"):
        check_host(WorkbenchConfig(host="0.0.0.0"))
    check_host(WorkbenchConfig(host="0.0.0.0", allow_remote=True))
    assert "warning" in capsys.readouterr().err
    assert check_host(WorkbenchConfig(host="::1")).host == "::1"


def test_shutdown_reports_work_that_cannot_be_stopped():
    import threading

    from equipoise.workbench.jobs import JobManager

    jobs = JobManager(max_running=1)
    release = threading.Event()
    started = threading.Event()

    def deaf(progress):  # never reports progress, so never sees the cancel
        started.set()
        release.wait(30)

    job = jobs.submit("balance", deaf, lambda e: (500, []))
    assert started.wait(10)
    try:
        assert jobs.shutdown(timeout=0.2) == [job]
    finally:
        release.set()
