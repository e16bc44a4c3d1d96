"""The plans database file itself: opening it safely, one lock, read and write transactions, clear errors.

Every table module builds on ``Database``: it opens (or creates) the file, refuses what is not a magplan
database or comes from a newer magplan, runs the forward migrations of ``planner.store.schema``, and turns
every SQLite error into a ``StoreError`` that says what to do. Every write is one transaction in WAL mode.
"""
from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, TypeVar

from planner.errors import StoreError
from planner.errors import shell_quote as q
from planner.store import schema

HISTORY_VERSIONS = 20
BUSY_TIMEOUT_S = 5.0
MAX_NAME_CHARS = 80
_SQLITE_HEADER = b"SQLite format 3\x00"

_D = TypeVar("_D", bound="Database")


def now_utc() -> str:
    """The time now in UTC, as the ISO text every saved row carries."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def check_name(name: Any, *, what: str = "plan") -> str:
    """A valid name (non-empty, at most 80 characters, no control characters), else StoreError."""
    example = {"plan": "'week 1'", "profile": "'me'", "setting": "'units'"}.get(what, "'week 1'")
    if not isinstance(name, str):
        raise StoreError(f"{what} name must be text, e.g. {example}; got {type(name).__name__}")
    if not name.strip():
        raise StoreError(f"{what} name is empty; give a name, e.g. {example}")
    if len(name) > MAX_NAME_CHARS:
        raise StoreError(f"{what} name is {len(name)} characters; at most {MAX_NAME_CHARS} are allowed, "
                         f"e.g. {example}")
    bad = [c for c in name if ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029"]
    if bad:
        raise StoreError(f"{what} name {name!r} contains a control character ({bad[0]!r}); use letters, digits, "
                         f"spaces and punctuation, e.g. {example}")
    if name != name.strip():
        raise StoreError(f"{what} name {name!r} starts or ends with a space; remove it, e.g. {example}")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"{what} name {name!r} is not valid Unicode text; e.g. {example}") from None
    return name


def json_text(value: Any, where: str) -> str:
    """``value`` as the JSON text a row stores (keys sorted); StoreError naming ``where`` if it is not JSON."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{where} must be a JSON value (numbers, text, true/false, null, lists, objects), "
                         f"e.g. 7 or \"metric\"; {exc}") from None


def aside_path(path: Path, tag: str, suffix: str = "") -> Path:
    """A path next to ``path`` that does not exist yet, e.g. plans.db.broken-20260101-120000."""
    base = f"{path.name}.{tag}-{_stamp()}"
    candidate, n = path.with_name(base + suffix), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{base}-{n}{suffix}"), n + 1
    return candidate


class Database:
    """The open database file with its lock; the table modules add their methods on top of it."""

    def __init__(self, path: Path | str | None = None, *, history: int = HISTORY_VERSIONS,
                 timeout_s: float = BUSY_TIMEOUT_S) -> None:
        if path is None:
            from foods.paths import default_db_path

            path = default_db_path()
        self.path = Path(path).expanduser()
        if not isinstance(history, int) or history < 1:
            raise StoreError(f"history must be a whole number of versions of at least 1, e.g. {HISTORY_VERSIONS}")
        self.history = history
        self.timeout_s = float(timeout_s)
        self.read_only = False
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # -- opening -----------------------------------------------------------------------------------
    def _fresh_advice(self) -> str:
        aside = aside_path(self.path, "broken")
        return (f"it was not changed. Copy it aside and start fresh: mv {q(self.path)} {q(aside)} "
                f"(or use a different --db PATH)")

    def _chmod_hint(self) -> str:
        """The command that makes the database writable: the file and its -wal/-shm companions that exist."""
        files = [str(self.path)] + [str(p) for p in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")) if p.exists()]
        return "chmod u+w " + " ".join(q(f) for f in files)

    def _corrupt(self, detail: str) -> StoreError:
        return StoreError(f"the plans database {self.path} is damaged or not a magplan database ({detail}); "
                          + self._fresh_advice())

    def _check_file(self) -> None:
        """Look at the file before SQLite does: a folder, a non-SQLite file or a truncated header."""
        if self.path.exists():
            if self.path.is_dir():
                raise StoreError(f"the plans database path {self.path} is a folder; give a file path, "
                                 "e.g. --db ~/magplan/plans.db")
            try:
                with open(self.path, "rb") as fh:
                    head = fh.read(100)
            except OSError as exc:
                raise StoreError(f"cannot read the plans database {self.path} ({exc.strerror}); check its "
                                 "permissions or use a different --db PATH") from None
            if head and (len(head) < 100 or not head.startswith(_SQLITE_HEADER)):
                raise self._corrupt("it does not start with an SQLite header")
            mode = self.path.stat().st_mode
            no_write_bits = not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
            self.read_only = no_write_bits or not os.access(self.path, os.W_OK)
            if not self.read_only:
                self._companions_writable(stat.S_IMODE(mode))
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder {self.path.parent} for the plans database "
                                 f"({exc.strerror}); use a different --db PATH") from None

    def _companions(self) -> list[Path]:
        return [Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]

    def _companions_writable(self, mode: int) -> None:
        """Give a writable database's -wal/-shm files its permissions when they lack write bits.

        SQLite creates them with the database's mode; a session on a read-only (0444) database left them
        0444, and then 'chmod u+w' on the database alone was not enough to write again.
        """
        for companion in self._companions():
            try:
                cmode = stat.S_IMODE(companion.stat().st_mode)
            except OSError:
                continue
            if not cmode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(companion, os.W_OK):
                try:
                    os.chmod(companion, mode)
                except OSError:  # not ours: the write fails later and the message names all three files
                    pass

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            wal = self._companions()[0]
            # A read-only database with nothing in its -wal: read it as immutable, so SQLite creates no
            # -wal/-shm files (they would be left read-only next to it). With a -wal, read it as it is.
            quiet = not wal.exists() or wal.stat().st_size == 0
            uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if quiet else "")
            conn = sqlite3.connect(uri, uri=True, timeout=self.timeout_s, isolation_level=None,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(str(self.path), timeout=self.timeout_s, isolation_level=None,
                                   check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
        return conn

    def _open(self) -> None:
        self._check_file()
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise self._map_error(exc, "open") from None
        try:
            version = schema.schema_of(conn)
            self._check_schema(conn, version)
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            if version < schema.SCHEMA_VERSION:
                if self.read_only:
                    raise StoreError(f"the plans database {self.path} is read-only and needs an upgrade "
                                     f"(schema {version} -> {schema.SCHEMA_VERSION}); make it writable "
                                     f"({self._chmod_hint()}) or copy it to a writable place and use that "
                                     f"copy: cp {q(self.path)} {q(aside_path(self.path, 'copy'))}; the file was not "
                                     "changed.")
                schema.migrate(conn)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise self._map_error(exc, "open") from None
        self._conn = conn

    def _check_schema(self, conn: sqlite3.Connection, version: int) -> None:
        """Refuse a database from a newer magplan, another program's database and a damaged one."""
        if version > schema.SCHEMA_VERSION:
            raise StoreError(f"the plans database {self.path} was made by a newer magplan (schema {version}; "
                             f"this one knows {schema.SCHEMA_VERSION}); upgrade magplan or use a different --db "
                             "PATH. The file was not changed.")
        if version == 0:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 5")]
            if tables:
                raise StoreError(f"{self.path} is an SQLite database of another program (tables: "
                                 f"{', '.join(tables)}), not a magplan plans database; it was not changed. "
                                 "Give a different --db PATH, e.g. --db ~/magplan/plans.db")
        if version > 0:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                raise self._corrupt(f"integrity check: {rows[0][0]}")

    # -- errors ------------------------------------------------------------------------------------
    def _map_error(self, exc: sqlite3.Error, action: str) -> StoreError:
        text = str(exc)
        low = text.lower()
        if "locked" in low or "busy" in low:
            return StoreError(f"the plans database {self.path} is busy: another magplan or app session is "
                              f"saving to it (waited {self.timeout_s:g} s to {action}); close the other one and "
                              f"try again, or work on a copy: cp {q(self.path)} {q(aside_path(self.path, 'copy'))} "
                              "and use --db with that copy")
        if "readonly" in low or "read-only" in low or "read only" in low:
            return StoreError(f"cannot {action}: the plans database {self.path} is read-only; make it writable "
                              f"({self._chmod_hint()}) or copy it to a writable place and use that copy: "
                              f"cp {q(self.path)} {q(aside_path(self.path, 'copy'))} and --db with that copy. "
                              "The file was not changed.")
        if "malformed" in low or "not a database" in low or "corrupt" in low or "disk image" in low:
            return self._corrupt(text)
        if "unable to open" in low:
            return StoreError(f"cannot open the plans database {self.path} ({text}); check that its folder "
                              "exists and is writable, or use a different --db PATH")
        if "disk i/o" in low or "full" in low:
            return StoreError(f"cannot {action} in the plans database {self.path} ({text}); check the disk "
                              "(space, permissions) and try again; the last saved version is kept")
        return StoreError(f"cannot {action} in the plans database {self.path}: {text}")

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the plans database {self.path} is closed; open it again with Store(path)")
        return self._conn

    @contextmanager
    def _read(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.conn
            except sqlite3.Error as exc:
                raise self._map_error(exc, action) from None

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in the block is saved, or nothing."""
        with self._lock:
            if self.read_only:
                raise self._map_error(sqlite3.OperationalError("attempt to write a readonly database"), action)
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._map_error(exc, action) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise self._map_error(exc, action) from None
                raise

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self: _D) -> _D:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        with self._read("read the schema version") as conn:
            return schema.schema_of(conn)

