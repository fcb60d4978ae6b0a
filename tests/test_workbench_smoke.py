"""The workbench app is built, serves its page and its API, and refuses foreign Host names."""

import pytest

pytest.importorskip("dash")

from equipoise.workbench.app import create_app  # noqa: E402


@pytest.fixture()
def client():
    return create_app().test_client()


def test_page_and_scenario_list(client):
    page = client.get("/", headers={"Host": "127.0.0.1:8050"})
    assert page.status_code == 200
    assert b"_dash-config" in page.data
    names = client.get("/api/scenarios", headers={"Host": "localhost:8050"}).get_json()
    assert "nagorno-karabakh-2020" in [n["name"] for n in names]


def test_foreign_host_refused(client):
    resp = client.get("/api/scenarios", headers={"Host": "evil.example:8050"})
    assert resp.status_code == 403
    assert "errors" in resp.get_json()


def test_page_layout_served(client):
    layout = client.get("/_dash-layout", headers={"Host": "127.0.0.1"}).get_json()
    assert "workbench-tabs" in str(layout)
