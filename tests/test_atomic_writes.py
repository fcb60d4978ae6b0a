"""Every command that writes goes through one atomic writer: a unique temporary file in the
target's folder, regular targets only, checked before the work starts, nothing half-written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.errors import InputError
from equipoise.io.atomic import check_target, write_files

runner = CliRunner()
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def refused(result, path: Path, fragment: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}: {fragment}"), result.stderr


@pytest.mark.parametrize(
    "command",
    [
        lambda out: ["convert", str(MINIMAL), str(out), "--to", "scenario"],
        lambda out: ["new", str(out), "--force"],
        lambda out: ["schema", "--out", str(out)],
    ],
)
def test_symlinked_target_is_refused_and_its_target_untouched(tmp_path: Path, command) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.symlink_to(victim)
    refused(runner.invoke(app, command(out)), out, "is a symbolic link")
    assert victim.read_text(encoding="utf-8") == "precious\n" and out.is_symlink()


def test_planted_tmp_symlink_is_not_followed(tmp_path: Path) -> None:
    """The old writer wrote a fixed sibling OUT.tmp, following a symlink planted there."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    (tmp_path / "out.yaml.tmp").symlink_to(victim)
    result = runner.invoke(app, ["convert", str(MINIMAL), str(out), "--to", "scenario"])
    assert result.exit_code == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert out.is_file() and not out.is_symlink() and "actors" in out.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml", "out.yaml.tmp", "victim.txt"]


@needs_fifo
@pytest.mark.parametrize(
    "command",
    [
        lambda out: ["convert", str(MINIMAL), str(out), "--to", "scenario"],
        lambda out: ["new", str(out), "--force"],
        lambda out: ["schema", "--out", str(out)],
    ],
)
def test_fifo_target_is_refused(tmp_path: Path, command) -> None:
    out = tmp_path / "pipe"
    os.mkfifo(out)
    refused(runner.invoke(app, command(out)), out, "is a device, FIFO or socket")
    assert not out.is_file()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_dev_null_is_never_replaced() -> None:
    result = runner.invoke(app, ["convert", str(MINIMAL), "/dev/null", "--to", "scenario"])
    refused(result, Path("/dev/null"), "is a device, FIFO or socket")
    assert Path("/dev/null").is_char_device()


def test_target_checked_before_the_work(tmp_path: Path, monkeypatch) -> None:
    """A bad target is refused before the input is even read."""
    import equipoise.io as io_pkg

    def boom(*args, **kwargs):
        raise AssertionError("the input was loaded before the target was checked")

    monkeypatch.setattr(io_pkg, "load", boom)
    out = tmp_path / "missing-folder" / "out.yaml"
    refused(runner.invoke(app, ["convert", str(MINIMAL), str(out)]), out, "folder")


def test_analyze_refuses_a_symlinked_report_before_running(tmp_path: Path) -> None:
    victim = tmp_path / "victim.html"
    victim.write_text("precious\n", encoding="utf-8")
    out_dir = tmp_path / "rep"
    out_dir.mkdir()
    (out_dir / "report.html").symlink_to(victim)
    result = runner.invoke(app, ["analyze", str(MINIMAL), "--out", str(out_dir), "--draws", "0"])
    refused(result, out_dir / "report.html", "is a symbolic link")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out_dir / "results.json").exists()


def test_failed_write_leaves_targets_and_no_temporary_files(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("old a", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst) == str(second):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left on device"):
        write_files({first: "new a", second: "new b"})
    # the first rename may have happened; no temporary file is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_written_files_are_whole_and_keep_umask_permissions(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "object"
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_check_target_accepts_new_and_regular_files(tmp_path: Path) -> None:
    assert check_target(tmp_path / "new.yaml") == tmp_path / "new.yaml"
    (tmp_path / "old.yaml").write_text("x", encoding="utf-8")
    assert check_target(tmp_path / "old.yaml") == tmp_path / "old.yaml"
    with pytest.raises(InputError, match="is a folder"):
        check_target(tmp_path)


def test_seed_must_not_be_negative() -> None:
    result = runner.invoke(
        app, ["decide", "nagorno-karabakh-2020", "--seed", "-1", "--draws", "10"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "--seed" in result.stderr


# -- a pair written together stays a pair (issue 12) ---------------------------------------


def test_a_failed_second_rename_restores_the_first(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("old a", encoding="utf-8")
    second.write_text("old b", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst) == str(second) and str(src).endswith(".tmp"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left on device"):
        write_files({first: "new a", second: "new b"})
    assert first.read_text(encoding="utf-8") == "old a"
    assert second.read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    # a first file that did not exist before is removed again
    first.unlink()
    with pytest.raises(OSError):
        write_files({first: "new a", second: "new b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]


def test_analyze_keeps_the_previous_report_and_results_when_a_write_fails(
    tmp_path: Path, monkeypatch
) -> None:
    """``analyze`` could replace report.html and then fail on results.json: now results.json
    is renamed first and a failure of either rename leaves the previous pair as it was."""
    out_dir = tmp_path / "rep"
    args = ["analyze", str(MINIMAL), "--out", str(out_dir), "--draws", "0"]
    assert runner.invoke(app, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert sorted(before) == ["report.html", "results.json"]
    real_replace = os.replace
    order: list[str] = []

    def failing_replace(src, dst):
        if str(src).endswith(".tmp"):
            order.append(Path(dst).name)
            if Path(dst).name == "report.html":
                raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = runner.invoke(app, [*args, "--seed", "7"])
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert order == ["results.json", "report.html"]
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


def test_analyze_checks_the_report_folder_before_the_analysis(tmp_path: Path, monkeypatch) -> None:
    """An --out that cannot be written is refused before any analysis runs."""
    import equipoise.analysis as analysis_module

    def boom(*args, **kwargs):
        raise AssertionError("the analysis ran before the output folder was checked")

    monkeypatch.setattr(analysis_module, "run_analysis", boom)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for out, fragment in ((blocker, "is not a folder"), (blocker / "sub", "")):
        result = runner.invoke(app, ["analyze", str(MINIMAL), "--out", str(out)])
        assert result.exit_code == 2 and str(out) in result.stderr and fragment in result.stderr
    (tmp_path / "rep").mkdir()
    (tmp_path / "rep" / "results.json").mkdir()
    result = runner.invoke(app, ["analyze", str(MINIMAL), "--out", str(tmp_path / "rep")])
    refused(result, tmp_path / "rep" / "results.json", "is a folder")
