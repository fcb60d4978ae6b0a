"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from equipoise.io import load

README = Path(__file__).resolve().parents[1] / "README.md"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_starts_with_the_two_commands() -> None:
    first = README.read_text(encoding="utf-8").splitlines()[:4]
    assert first[0] == "```sh"
    assert "equipoise analyze" in first[1]
    assert "pytest" in first[2]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert first[2] in ci, ".ci/run must run exactly the README's test command"


def whole(block: str) -> bool:
    """A block that is a whole scenario of its own (it has a top-level ``id``)."""
    return re.search(r"^id: ", block, re.M) is not None


@pytest.mark.parametrize(
    "block", [k for k, b in enumerate(yaml_blocks()) if k == 0 or not whole(b)]
)
def test_readme_scenario_example_is_valid(tmp_path: Path, block: int) -> None:
    """The first YAML block is a whole scenario; later blocks extend it."""
    path = tmp_path / "example.yaml"
    blocks = yaml_blocks()
    text = blocks[0] if block == 0 else blocks[0] + blocks[block]
    path.write_text(text, encoding="utf-8")
    scenario = load(path)
    assert scenario.balancer is not None
    assert all(s.position.has_provenance() for s in scenario.stances)
    if block > 0:  # the decision example runs
        from equipoise.decision import decide

        result = decide(scenario, model="mean", draws=50)
        assert set(result.options) == {"hold", "back-west"}
        assert set(result.by_doctrine) == {"cautious"}


#: Modules of the optional extras (`explain`, `dask`) -> the extra that installs them.
OPTIONAL_EXTRAS = {
    "SALib": "explain",
    "ema_workbench": "explain",
    "pandas": "explain",
    "dask": "dask",
    "distributed": "dask",
}


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("block", range(len(python_blocks())))
def test_readme_python_example_runs(tmp_path: Path, monkeypatch, block: int) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    try:
        exec(compile(python_blocks()[block], f"README.md python block {block}", "exec"), namespace)
    except ModuleNotFoundError as exc:  # an optional extra the README's test command installs
        if exc.name in OPTIONAL_EXTRAS:
            pytest.skip(
                f"README python block {block} needs {exc.name} (pip install "
                f"'equipoise[{OPTIONAL_EXTRAS[exc.name]}]')"
            )
        raise
    if "outcomes" in namespace:
        assert namespace["outcomes"].shape == (1000, 4)


def test_readme_examples_are_the_packaged_template() -> None:
    """`equipoise new` writes the README's example: the two must not drift apart."""
    from importlib import resources

    template = (resources.files("equipoise") / "templates" / "scenario.yaml").read_text("utf-8")
    assert "".join(yaml_blocks()[:2]) in template


def test_readme_worked_decision_example(tmp_path: Path) -> None:
    """*Modelling a decision*: the worked example validates and does what the README says."""
    from equipoise.decision import decide

    blocks = [b for b in yaml_blocks()[1:] if whole(b)]
    assert len(blocks) == 1
    path = tmp_path / "valley.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    scenario = load(path)
    result = decide(scenario, model="eum", draws=100, combinations=2)
    assert result.options[:4] == ["watch", "mediate", "deploy", "mediate-and-deploy"]
    assert result.kinds["watch"] == "status quo"
    assert result.kinds["mediate-and-deploy"] == "package"
    assert "mediate+deploy" not in result.options  # the declared package, not again
    assert {o: result.outcomes[o]["troops"] for o in ("watch", "mediate", "deploy")} == {
        "watch": 0.0,
        "mediate": 0.0,
        "deploy": 60.0,
    }
    assert result.outcomes["deploy"]["valley"] <= 55.0
    assert set(result.expectations) == {"WEST"}
    assert "west-asks" not in result.by_doctrine
    varied = decide(scenario, model="eum", draws=0, variant="east-advances")
    assert varied.by_doctrine["arbiter"]["weights"] == {
        "outcome": 0.6,
        "relations": 0.2,
        "cost": 0.2,
    }
