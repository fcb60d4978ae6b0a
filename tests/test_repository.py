"""The repository stands alone: no path of a particular machine, and every citation of the
model specification resolves to ``docs/`` inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: What the project ships or runs: the package, tests, benchmarks, docs and top-level files.
TREES = ["src", "tests", "benchmarks", "docs", ".ci"]
TOP_FILES = ["README.md", "pyproject.toml", "CHANGELOG.md", "CONTRIBUTING.md", "LICENSE"]
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".yaml",
    ".yml",
    ".toml",
    ".json",
    ".txt",
    ".tsv",
    ".csv",
    ".html",
    ".j2",
    ".cfg",
    "",
}


def project_files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES if (ROOT / name).is_file()]
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            inner = path.relative_to(ROOT / tree).parts
            if (
                path.is_file()
                and path.suffix in TEXT_SUFFIXES
                and not any(
                    part.endswith(".egg-info") or part == "__pycache__" or part.startswith(".")
                    for part in inner
                )
            ):
                files.append(path)
    return files


def test_no_absolute_path_of_the_development_machine() -> None:
    marker = "/" + "work" + "/"  # spelled in pieces so that this file does not match itself
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in project_files()
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if marker in line
    ]
    assert not hits, "absolute paths of the development machine: " + ", ".join(hits)


@pytest.mark.parametrize(
    "name",
    [
        "LICENSE",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "docs/models.md",
        "docs/models-verification.md",
        "docs/balance.md",
        "tests/fixtures/README.md",
    ],
)
def test_documents_exist(name: str) -> None:
    assert (ROOT / name).is_file(), f"{name} is missing"


def _spec_sections() -> set[str]:
    text = (DOCS / "models.md").read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, flags=re.M))


def _spec_ambiguities() -> set[str]:
    text = (DOCS / "models.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| (A\d+) \|", text, flags=re.M))


def test_spec_has_every_ambiguity_a1_to_a16() -> None:
    assert _spec_ambiguities() == {f"A{k}" for k in range(1, 17)}


def test_every_cited_section_and_ambiguity_resolves() -> None:
    sections, ambiguities = _spec_sections(), _spec_ambiguities()
    missing = []
    for path in project_files():
        if path.suffix != ".py" and path.name != "emission_standards.json":
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"models\.md``? (§[\d.]+(?:[-/ ]*§?[\d.]+)*|A\d+)", text):
            for ref in re.findall(r"\d+(?:\.\d+)?|A\d+", m.group(1)):
                if ref not in ambiguities and ref not in sections:
                    missing.append(f"{path.relative_to(ROOT)}: {m.group(0)} ({ref})")
        if "/models/" in path.as_posix():  # the EUM's (A5)-style references
            for ref in set(re.findall(r"\(A(\d+)[,)]", text)):
                if f"A{ref}" not in ambiguities:
                    missing.append(f"{path.relative_to(ROOT)}: A{ref}")
    assert not missing, "citations that docs/models.md does not resolve: " + "; ".join(missing)


def test_code_cites_the_specification_in_the_repository() -> None:
    bare = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in project_files()
        if p.suffix == ".py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![/\w\"-])models(-verification)?\.md", line)
    ]
    assert not bare, "cite docs/models.md (the file in the repository): " + ", ".join(bare)
