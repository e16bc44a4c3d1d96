"""Files a person hands in or gets back: size-capped reads and atomic writes (the one place for both).

Reads: every file a person gives (a plan, a backup, a pantry or food table, an upload) is read through
``read_limited``, which refuses a file above its cap before reading it, and says the cap in the message.

Writes: ``atomic_write`` writes a temporary file next to the target, flushes it to disk and renames it over
the target, so a crash leaves the old or the new content, never a mix. A symlink is written through (its
target is replaced, the link stays), and a replaced file keeps its permissions (a new one gets the usual
0666 minus the umask), so an in-place edit never turns a shared file into a private copy.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

MIB = 1024 * 1024


def size_text(n_bytes: int | float) -> str:
    """'3.1 MB', '200 kB', '12 bytes' (1 MB = 1024 * 1024 bytes)."""
    if n_bytes >= MIB:
        return f"{n_bytes / MIB:.1f} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.0f} kB"
    return f"{int(n_bytes)} bytes"


def read_limited(path: Path | str, max_bytes: int, *, what: str,
                 error: Callable[[str], Exception]) -> bytes:
    """The bytes of ``path`` if it holds at most ``max_bytes``; else ``error(message)`` stating the cap.

    ``what`` names the kind of file for the message ('a plan file'). Works for pipes and special files too:
    at most ``max_bytes + 1`` bytes are ever read. OSError (missing file, a folder, no permission) is left
    to the caller, which knows what to advise.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > max_bytes:
        raise error(f"{path}: the file is {size_text(size)}; {what} up to {size_text(max_bytes)} is accepted")
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise error(f"{path}: the file is larger than {size_text(max_bytes)}; {what} up to "
                    f"{size_text(max_bytes)} is accepted")
    return data


def read_limited_text(path: Path | str, max_bytes: int, *, what: str, error: Callable[[str], Exception],
                      missing: str) -> str:
    """The UTF-8 text of ``path`` (capped as in ``read_limited``); a missing or unreadable file is ``error``
    with a one-line message, ``missing`` saying what to give instead (e.g. "give a plan written by ...")."""
    try:
        return read_limited(path, max_bytes, what=what, error=error).decode("utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found; {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read it as UTF-8 text ({exc})") from None


def _umask() -> int:
    """The process umask without changing it (Linux /proc), else the usual 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def write_target(path: Path | str) -> Path:
    """Where a write to ``path`` lands: the file a symlink points to (followed to the end), else ``path``."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def os_error_text(exc: OSError) -> str:
    """One line for a file that cannot be read or written: the path, the reason, what to do."""
    hints = {errno.ENOSPC: "free some disk space and try again", errno.EDQUOT: "free some disk space and try again",
             errno.EACCES: "choose a place you can write to", errno.EPERM: "choose a place you can write to",
             errno.EROFS: "choose a place you can write to", errno.ENOENT: "check the path"}
    where = f"{exc.filename}: " if exc.filename else ""
    hint = hints.get(exc.errno or 0)
    return f"{where}{exc.strerror or exc}" + (f"; {hint}" if hint else "")


def atomic_write(path: Path | str, data: bytes | str, *,
                 before_replace: Callable[[Path], None] | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (through a symlink, keeping the file's permissions).

    ``before_replace(tmp_path)`` may check the written temporary file; if it raises, nothing is replaced.
    Returns the path written. OSError keeps its class, with ``filename`` set to ``path`` (not the temporary
    file), so a caller's message names the file the person gave.
    """
    shown = Path(path)
    target = write_target(shown)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp: str | None = None
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise NotADirectoryError(errno.ENOTDIR, "a part of the path is a file, not a folder", str(shown)) from None
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder; give a file name inside it", str(shown))
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if before_replace is not None:
            before_replace(Path(tmp))
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(shown)) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return target
