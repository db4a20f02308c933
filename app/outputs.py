"""The one way Riskcurve writes a file: whole or absent, never through a link, never onto a device.

Every output (export-csv, analyze --out, report's CSV/JSON/PNG files, settings, the window's
exports) goes through `write_bytes`/`write_text`:

1. The target is checked first (`check_target`): its folder must exist; a symbolic link
   (dangling or not), a folder, a device node, a FIFO or a socket is never replaced; an existing
   regular file only when the caller says the user agreed (`replace=True`, e.g. `--force`).
2. The bytes go to a temporary file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, a random
   name, in the same folder so the rename stays on one file system), then fsync.
3. The temporary file takes the target's name atomically: `os.link` when nothing may be
   replaced (it fails if a file appeared meanwhile), `os.replace` otherwise. On any failure the
   temporary file is removed: nothing is left behind, and the old file (if any) is untouched.

A crash or a kill at any moment leaves either the old file or the new one at the target (at
worst a stray `.NAME.*.tmp` beside it after a kill), never half a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from app.errors import OutputError, WriteError

CLI_REPLACE_HINT = "use --force to replace it"
_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def output_path(text: str | os.PathLike[str], option: str = "--out") -> Path:
    """A path typed by the user; an empty one is an OutputError (not the current folder)."""
    if not str(text).strip():
        raise OutputError(f"{option} is empty: give a file or folder name")
    return Path(text)


def check_target(
    path: Path, *, replace: bool, hint: str = CLI_REPLACE_HINT
) -> os.stat_result | None:
    """Raise OutputError when `path` must not be written; return its lstat (None: absent)."""
    path = Path(path)
    if not path.name or str(path).endswith(os.sep):
        raise OutputError(f"{path} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {path}: the folder {folder} {what}")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    _refuse_special(path, info)
    if not replace:
        raise OutputError(f"{path} exists; {hint}")
    return info


def special_kind(mode: int) -> str | None:
    """What a file of `mode` is when it is not a regular file ("a folder", "a named pipe
    (FIFO)", ...), None for a regular file. Readers use it too: reading a FIFO would wait for
    ever, reading a device may never end."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def kind_at(path: Path) -> str | None:
    """What is at `path` when it is not a regular file (as `special_kind` says it); None for
    a regular file, or when nothing is there to look at."""
    try:
        return special_kind(os.stat(path).st_mode)
    except OSError:
        return None


class NotARegularFile(OSError):
    """A path to read is a FIFO, a device, a folder...: its kind is the message."""


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path` when it is a regular file; NotARegularFile otherwise (reading a FIFO
    would block the start for ever). Opened without blocking and checked on the open
    descriptor, so nothing can be swapped in between."""
    descriptor = os.open(path, _READ_FLAGS)
    try:
        kind = special_kind(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise NotARegularFile(kind)
        chunks = []
        while chunk := os.read(descriptor, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _refuse_special(path: Path, info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise OutputError(
            f"{path} is a symbolic link; Riskcurve does not write through links "
            "(remove the link or choose another name)"
        )
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder; give a file name")
    for test, kind in _KINDS:
        if test(mode):
            raise OutputError(
                f"{path} is {kind}, not a regular file; Riskcurve only replaces regular files"
            )


def write_bytes(
    path: Path | str, data: bytes, *, replace: bool, hint: str = CLI_REPLACE_HINT
) -> Path:
    """Write `data` to `path` as described in the module docstring; return the path."""
    path = Path(path)
    existing = check_target(path, replace=replace, hint=hint)
    tmp = _write_temporary(path, data, existing)
    try:
        _put_in_place(tmp, path, replace=replace, hint=hint)
    except BaseException:
        _remove(tmp)
        raise
    _sync_folder(path.parent)
    return path


def write_text(path: Path | str, text: str, *, replace: bool, hint: str = CLI_REPLACE_HINT) -> Path:
    """`write_bytes` of UTF-8 text, line ends exactly as given."""
    return write_bytes(path, text.encode("utf-8"), replace=replace, hint=hint)


def check_targets(
    folder: Path, names: list[str], *, replace: bool, hint: str = CLI_REPLACE_HINT
) -> None:
    """Check every file a multi-file output will write, before any of it is written.

    The folder may not exist yet (it is created then); if it exists it must be a folder.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder")
    if folder.is_dir():
        for name in names:
            check_target(folder / name, replace=replace, hint=hint)


def write_files(
    folder: Path | str,
    contents: Mapping[str, bytes | str],
    *,
    replace: bool,
    hint: str = CLI_REPLACE_HINT,
) -> list[Path]:
    """Write several files into `folder` (created if missing); all targets are checked first."""
    folder = Path(folder)
    check_targets(folder, list(contents), replace=replace, hint=hint)
    make_folder(folder)
    written = []
    for name, content in contents.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        written.append(write_bytes(folder / name, data, replace=replace, hint=hint))
    return written


def make_folder(folder: Path) -> None:
    """Create an output folder (and its parents); WriteError/OutputError in plain words."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder} is a file, not a folder") from None
    except NotADirectoryError:
        raise OutputError(f"cannot create {folder}: a part of it is a file") from None
    except OSError as exc:
        raise _write_error(folder, exc) from None


def _write_temporary(path: Path, data: bytes, existing: os.stat_result | None) -> Path:
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, _CREATE_FLAGS, 0o666)
        except FileExistsError:
            continue  # someone else's file (or a planted one): never touch it, take another name
        except OSError as exc:
            raise _write_error(path, exc) from None
        break
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise WriteError(f"cannot write {path}: no free temporary name")
    try:
        _write_all(fd, data, existing)
    except BaseException as exc:
        os.close(fd)
        _remove(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise
    os.close(fd)
    return tmp


def _write_all(fd: int, data: bytes, existing: os.stat_result | None) -> None:
    if existing is not None:  # a replaced file keeps its permissions
        with contextlib.suppress(OSError):
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _put_in_place(tmp: Path, path: Path, *, replace: bool, hint: str) -> None:
    if not replace:
        try:
            os.link(tmp, path)  # atomic "create only if absent"
        except FileExistsError:
            raise OutputError(f"{path} exists; {hint}") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise _write_error(path, exc) from None
            # A file system without hard links: check once more, then rename.
            check_target(path, replace=False, hint=hint)
            _replace(tmp, path)
        else:
            _remove(tmp)
        return
    # Checked again right before the rename, so a link or device put there meanwhile is
    # refused, not replaced.
    check_target(path, replace=True, hint=hint)
    _replace(tmp, path)


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise _write_error(path, exc) from None


def _write_error(path: Path, exc: OSError) -> WriteError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError(
            f"cannot write {path}: the folder {path.parent} is read-only or not yours to write in"
        )
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return WriteError(f"cannot write {path}: the disk is full (or over its quota)")
    if (
        exc.errno == errno.ENOENT and path.parent.is_dir()
    ):  # e.g. /proc: a folder, but not for files
        return WriteError(f"cannot write {path}: the folder {path.parent} does not take new files")
    if exc.errno == errno.EISDIR:
        return WriteError(f"cannot write {path}: it is a folder")
    return WriteError(f"cannot write {path}: {exc.strerror or exc}")


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
