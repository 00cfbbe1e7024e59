"""Safe file I/O at the edges: atomic writes, output paths probed before work starts,
and input files that are regular files of bounded size.

* :func:`atomic_write`: a temp file in the same directory, fsync, then ``os.replace``;
  never replaces anything but a regular file (not a device, FIFO, symlink or folder).
* :func:`check_output_file` / :func:`check_output_dir`: fail *before* a long run if
  its output could not be written.
* :func:`read_regular`: read a file only if it is a regular file below a size limit
  (a FIFO, ``/dev/zero`` or a huge file is refused at once, never read);
  :func:`read_text_file` and :func:`read_json_file` on top of it turn every way a file
  can fail to read (not there, not a regular file, too large, not UTF-8, not JSON,
  nested too deeply) into one line naming the file.
* :func:`check_owned_file` / :func:`check_owned_dir`: an output that already exists is
  replaced only if stavka wrote it (a file with the command's own JSON signature, a
  folder empty or holding the command's marker file), so a user's file is never lost.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stavka.errors import InputError

#: Largest marker or signature file read to recognise an output as stavka's (bytes).
MARKER_LIMIT = 64 * 1024 * 1024


def _refuse_special(p: Path) -> None:
    """Raise OSError if ``p`` exists and is not a regular file (symlinks are refused too:
    replacing one would lose it)."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else (
            "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file")
        raise OSError(errno.EEXIST, f"exists and is {what}", str(p))


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The parent directory is created if needed. On any failure the temp file is
    removed and the previous content of ``path`` is left as it was. Raises OSError
    (``EEXIST``) if ``path`` exists and is not a regular file.
    """
    p = Path(path)
    _refuse_special(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        try:
            mode = p.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p


def _probe_dir(d: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".stavka-probe.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Raise OSError now if :func:`atomic_write` to ``path`` would fail later (the path
    is empty, a directory or a special file, or its folder cannot be made or written).
    Creates the missing parent folders, nothing else."""
    p = Path(path)
    if not str(path) or str(path).endswith(os.sep):
        raise OSError(errno.EINVAL, "not a file name")
    _refuse_special(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    _probe_dir(p.parent)


def check_output_files(folder: str | os.PathLike[str], names: tuple[str, ...]) -> None:
    """:func:`check_output_file` of each of ``names`` in ``folder``; the OSError raised
    names the file ("report.html exists and is a directory")."""
    for name in names:
        try:
            check_output_file(Path(folder) / name)
        except OSError as exc:
            raise OSError(exc.errno, f"{name} {exc.strerror}") from None


def is_one_of(path: str | os.PathLike[str], folder: str | os.PathLike[str],
              names: tuple[str, ...]) -> bool:
    """Whether ``path`` is (resolves to) one of the files ``names`` in ``folder``: an output
    that another output of the same command would write over."""
    try:
        return Path(path).resolve() in {(Path(folder) / n).resolve() for n in names}
    except (OSError, ValueError, RuntimeError):
        return False


def check_output_dir(path: str | os.PathLike[str]) -> None:
    """Raise OSError now if files could not be written into folder ``path`` later.
    Creates the folder (and its parents) if missing."""
    if not str(path):
        raise OSError(errno.EINVAL, "not a folder name")
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OSError(errno.ENOTDIR, "exists and is not a directory")
    p.mkdir(parents=True, exist_ok=True)
    _probe_dir(p)


def check_regular(path: str | os.PathLike[str], limit: int) -> None:
    """Raise OSError unless ``path`` is a regular file of at most ``limit`` bytes (by
    ``stat``, without opening it: a FIFO or device is never opened). Symlinks to
    regular files are followed."""
    st = os.stat(Path(path))
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OSError(errno.EINVAL, what)
    if st.st_size > limit:
        raise OSError(errno.EFBIG, f"{st.st_size:,} bytes; the limit is {limit:,}")


def _open_regular(path: str | os.PathLike[str]) -> tuple[Any, int]:
    """(an open binary file, its size) if ``path`` is a regular file; OSError otherwise.
    Opened without blocking and checked by its open descriptor, so a FIFO put in its
    place between a check and the open is refused too."""
    fd = os.open(Path(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    fh = open(fd, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        fh.close()
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OSError(errno.EINVAL, what)
    return fh, st.st_size


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Raises OSError otherwise (a FIFO or device is never read, so it cannot block or
    stream forever). Symlinks to regular files are followed. The file is opened without
    blocking and checked by its open descriptor, so a FIFO put in its place between a
    check and the open is refused too.
    """
    fh, size = _open_regular(path)
    with fh:
        if size > limit:
            raise OSError(errno.EFBIG, f"{size:,} bytes; the limit is {limit:,}")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"more than {limit:,} bytes; the limit is {limit:,}")
    return data


def read_head(path: str | os.PathLike[str], n: int) -> bytes:
    """The first ``n`` bytes (or fewer) of ``path`` if it is a regular file, whatever its
    size: enough to recognise a file by its first lines without reading the rest.
    Raises OSError as :func:`read_regular` does for what is not a regular file."""
    fh, _ = _open_regular(path)
    with fh:
        return fh.read(n)


def read_text_file(path: str | os.PathLike[str], limit: int, what: str) -> str:
    """The text of ``path`` as UTF-8 (a leading byte-order mark dropped), read with
    :func:`read_regular` (a regular file of at most ``limit`` bytes). ``what`` names the
    file in messages ("battles file"). Raises :class:`~stavka.errors.InputError` (one
    line, naming the file): cannot be read (the system's reason), too large, or not UTF-8
    (the offset of the first bad byte)."""
    try:
        raw = read_regular(path, limit)
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from None


def read_json_file(path: str | os.PathLike[str], limit: int, what: str) -> Any:
    """The JSON value in ``path`` (:func:`read_text_file`). Raises
    :class:`~stavka.errors.InputError` (one line) as that does, and for text that is not
    JSON or is nested too deeply for the parser (``[[[...]]]`` 200,000 deep)."""
    text = read_text_file(path, limit, what)
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(f"{path}: {what} is nested too deeply to read") from None
    except ValueError as exc:
        raise InputError(f"{path}: {what} is not JSON ({str(exc)[:120]})") from None


def json_marker(test: Callable[[Any], bool]) -> Callable[[Path], bool]:
    """A test of a file for :func:`check_owned_file` / :func:`check_owned_dir`: its JSON
    (a regular file of at most :data:`MARKER_LIMIT` bytes) passes ``test``."""

    def ours(path: Path) -> bool:
        try:
            return bool(test(json.loads(read_regular(path, MARKER_LIMIT))))
        except (OSError, ValueError, RecursionError):
            return False

    return ours


def text_marker(prefix: str) -> Callable[[Path], bool]:
    """A test of a file: a regular file whose text begins with ``prefix`` (a header or a
    title line stavka writes)."""

    def ours(path: Path) -> bool:
        try:
            return read_regular(path, MARKER_LIMIT).startswith(prefix.encode("utf-8"))
        except OSError:
            return False

    return ours


def check_owned_file(path: str | os.PathLike[str], ours: Callable[[Path], bool],
                     what: str) -> None:
    """Raise OSError (``EEXIST``) if ``path`` exists and is not a file this command wrote
    (``ours(path)`` is false: see :func:`json_marker`, :func:`text_marker`). ``what``
    names such a file in the message ("a stavka replay file"). A missing path passes."""
    p = Path(path)
    if not os.path.lexists(p):
        return
    if not ours(p):
        raise OSError(errno.EEXIST, f"exists and is not {what}; choose another name or "
                                    f"remove it")


def is_bare(p: Path) -> bool:
    """Whether folder ``p`` holds nothing of a user's: only hidden entries (``.DS_Store``,
    a stavka temp file) and folders that are themselves bare (the empty ``plots/`` and
    ``sweep/`` an interrupted run leaves)."""
    for e in p.iterdir():
        if e.name.startswith("."):
            continue
        if e.is_symlink() or not e.is_dir() or not is_bare(e):
            return False
    return True


def check_owned_dir(path: str | os.PathLike[str],
                    markers: dict[str, Callable[[Path], bool]]) -> None:
    """Raise OSError (``EEXIST``) if folder ``path`` exists, holds something of a user's
    (anything but hidden entries and empty folders) and none of ``markers`` (a file name
    and a test of that file) as a regular file this command wrote (a link is not one: the
    writer would refuse to replace it). A missing or bare folder passes; so does one
    written before (its files are replaced)."""
    p = Path(path)
    if not p.is_dir() or is_bare(p):
        return
    for name, ours in markers.items():
        m = p / name
        if os.path.lexists(m) and not m.is_symlink() and m.is_file() and ours(m):
            return
    raise OSError(errno.EEXIST, f"not empty and holds no {' or '.join(markers)} written by "
                                f"stavka; choose another folder or empty it")
