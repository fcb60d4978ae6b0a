"""One way to write files: whole or not at all, to regular files only.

Every command that writes (``convert``, ``new``, ``schema --out``, ``analyze``) goes through
:func:`write_files`:

- the targets are checked first (:func:`check_target`), before any work is done: an existing
  target must be a regular file — a symlink, a device such as ``/dev/null``, a FIFO, a socket
  or a folder is refused — and its folder must exist;
- each text goes to a new temporary file made with :func:`tempfile.mkstemp` in the target's
  own folder (a unique name, created exclusively, so a planted symlink is never followed),
  is flushed to disk, and only when every file is written are they renamed into place
  (``os.replace``, atomic on one file system);
- on any failure (an :class:`OSError`, such as a full disk) the temporary files are removed
  and the error propagates; the command line reports it with exit status 2.

Several files written together (``analyze``'s ``results.json`` and ``report.html``) stay a
pair: they are renamed in the order given (``analyze`` gives ``results.json`` first), and
before the renames each existing target is kept under a hard link in its folder; if a later
rename fails, the targets already replaced are put back (a target that did not exist is
removed), so the previous pair is left intact. Where the file system has no hard links the
backup is skipped and a failed later rename can leave the earlier file replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import InputError

__all__ = ["check_target", "write_files", "write_text"]


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`Path` if it can be written by :func:`write_files`; otherwise an
    :class:`InputError` saying why (nothing is created)."""
    target = Path(path)
    name = str(path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", name) from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(mode)
            else "a folder"
            if stat.S_ISDIR(mode)
            else "a device, FIFO or socket"
        )
        raise InputError(f"is {kind}; expected a regular file to write (or a new name)", name)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"folder '{folder}' does not exist; create it first", name)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"folder '{folder}' is not writable", name)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _backup(path: Path) -> str | None:
    """A hard link to the existing ``path`` under a unique name in its folder (``None`` when
    there is no file, or the file system cannot link)."""
    if not path.exists():
        return None
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{os.urandom(6).hex()}.bak")
        try:
            os.link(path, name)
            return name
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def write_files(files: dict[Path, str]) -> None:
    """Write every text to its path, all or nothing (see the module docstring)."""
    for path in files:
        check_target(path)
    temps: list[tuple[str, Path]] = []
    backups: dict[Path, str | None] = {}
    existed: set[Path] = set()
    replaced: list[Path] = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o666 & ~_umask())
        if len(temps) > 1:
            existed = {path for _, path in temps if os.path.lexists(path)}
            backups = {path: _backup(path) for _, path in temps}
        for tmp, path in temps:
            os.replace(tmp, path)
            replaced.append(path)
    except BaseException:
        for path in reversed(replaced):  # put the previous files back
            old = backups.get(path)
            try:
                if old is not None:
                    os.replace(old, path)
                elif path not in existed:  # there was no file before
                    os.unlink(path)
            except OSError:
                pass
        raise
    finally:
        for name in [tmp for tmp, _ in temps] + [b for b in backups.values() if b]:
            if os.path.lexists(name):
                os.unlink(name)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write one file whole or not at all (:func:`write_files`)."""
    write_files({Path(path): text})
