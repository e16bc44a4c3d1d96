"""Saved plans, profiles, pantry and settings in one SQLite file (stdlib sqlite3), versioned and atomic.

The database is created on first use (``foods.paths.default_db_path()``: MAGPLAN_DB or the user data
folder). Its schema version is ``PRAGMA user_version``; forward migrations run when it is opened, and a
database written by a newer magplan is refused without being touched. Every write is one transaction in
WAL mode, so a crash in the middle of a save leaves the previous version intact. A plan keeps its last
``history`` versions (20 by default) so a person can go back.

Nothing is cached in memory: two ``Store`` objects on the same file (two app sessions) see each other's
committed data and nothing else.
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import stat
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from foods.files import MIB, read_limited
from planner.errors import PlanFormatError, StoreError
from planner.errors import shell_quote as q
from planner.model import (Meal, Profile, WeekPlan, _dc_from, atomic_write_text, check_numbers, plan_from_dict,
                           plan_from_json, plan_to_dict, plan_to_json)
from planner.targets import check_profile

SCHEMA_VERSION = 2
DELETED_KEPT = 20
HISTORY_VERSIONS = 20
BUSY_TIMEOUT_S = 5.0
MAX_NAME_CHARS = 80
BACKUP_FORMAT = 1
MAX_BACKUP_BYTES = 64 * MIB  # every plan with 20 versions each: a few MB for a person's plans
PANTRY_COLUMNS: tuple[str, ...] = ("food_or_product", "amount", "unit")
_SQLITE_HEADER = b"SQLite format 3\x00"

# Forward migrations: MIGRATIONS[i] takes a database from schema i to schema i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE plan_versions (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        days INTEGER,
        magnesium_target_mg REAL,
        plan_json TEXT NOT NULL,
        PRIMARY KEY (plan_id, version)
    );
    CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        profile_json TEXT NOT NULL
    );
    CREATE TABLE pantry (
        position INTEGER PRIMARY KEY,
        food_or_product TEXT NOT NULL,
        amount REAL,
        unit TEXT,
        extra_json TEXT
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
    );
    """,
    # 2: a deleted plan (with its history) is kept here so a mistaken delete can be undone.
    """
    CREATE TABLE deleted_plans (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        versions_json TEXT NOT NULL
    );
    """,
)


@dataclass(frozen=True)
class PlanInfo:
    """One saved plan as listed: its latest version and how many versions the history holds."""

    name: str
    versions: int
    latest_version: int
    updated_at: str
    days: int | None
    magnesium_target_mg: float | None


@dataclass(frozen=True)
class PlanVersion:
    """One version in a plan's history."""

    version: int
    saved_at: str
    days: int | None
    magnesium_target_mg: float | None


@dataclass(frozen=True)
class DeletedPlan:
    """A deleted plan that can still be brought back."""

    name: str
    deleted_at: str
    versions: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did, one sentence per plan/profile/pantry/setting decision."""

    messages: tuple[str, ...]
    plans: tuple[str, ...] = ()
    safety_backup: Path | None = None


# --- helpers --------------------------------------------------------------------------------------
def _now() -> str:
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


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The JSON-ready dict of a profile (the same shape as a plan's ``profile``)."""
    return {**asdict(profile), "overrides": dict(profile.overrides)}


def profile_from_dict(d: Any, *, where: str = "profile") -> Profile:
    """A Profile from its dict; raises PlanFormatError naming the bad field (types, and number ranges)."""
    if isinstance(d, Mapping) and d.get("overrides") is None:
        d = {**d, "overrides": {}}
    profile = _dc_from(Profile, d, where)
    check_numbers(profile, lambda name: f"{where}.{name}", PlanFormatError)
    return profile


def _plan_meta(plan: WeekPlan) -> tuple[int, float | None]:
    mg = plan.targets.magnesium_mg
    return len(plan.days), (float(mg) if isinstance(mg, (int, float)) and math.isfinite(mg) else None)


def _json_value(value: Any, where: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{where} must be a JSON value (numbers, text, true/false, null, lists, objects), "
                         f"e.g. 7 or \"metric\"; {exc}") from None


def _aside(path: Path, tag: str, suffix: str = "") -> Path:
    """A path next to ``path`` that does not exist yet, e.g. plans.db.broken-20260101-120000."""
    base = f"{path.name}.{tag}-{_stamp()}"
    candidate, n = path.with_name(base + suffix), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{base}-{n}{suffix}"), n + 1
    return candidate


# --- the store ------------------------------------------------------------------------------------
class Store:
    """The saved-plans database. Use as a context manager, or call ``close()``."""

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
        aside = _aside(self.path, "broken")
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
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"the plans database {self.path} was made by a newer magplan (schema {version}; "
                                 f"this one knows {SCHEMA_VERSION}); upgrade magplan or use a different --db PATH. "
                                 "The file was not changed.")
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
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                if self.read_only:
                    raise StoreError(f"the plans database {self.path} is read-only and needs an upgrade "
                                     f"(schema {version} -> {SCHEMA_VERSION}); make it writable "
                                     f"({self._chmod_hint()}) or copy it to a writable place and use that "
                                     f"copy: cp {q(self.path)} {q(_aside(self.path, 'copy'))}; the file was not "
                                     "changed.")
                self._migrate(conn)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise self._map_error(exc, "open") from None
        self._conn = conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another session may have migrated
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- errors ------------------------------------------------------------------------------------
    def _map_error(self, exc: sqlite3.Error, action: str) -> StoreError:
        text = str(exc)
        low = text.lower()
        if "locked" in low or "busy" in low:
            return StoreError(f"the plans database {self.path} is busy: another magplan or app session is "
                              f"saving to it (waited {self.timeout_s:g} s to {action}); close the other one and "
                              f"try again, or work on a copy: cp {q(self.path)} {q(_aside(self.path, 'copy'))} "
                              "and use --db with that copy")
        if "readonly" in low or "read-only" in low or "read only" in low:
            return StoreError(f"cannot {action}: the plans database {self.path} is read-only; make it writable "
                              f"({self._chmod_hint()}) or copy it to a writable place and use that copy: "
                              f"cp {q(self.path)} {q(_aside(self.path, 'copy'))} and --db with that copy. "
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

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        with self._read("read the schema version") as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # -- plans -------------------------------------------------------------------------------------
    def _plan_names(self, conn: sqlite3.Connection) -> list[str]:
        return [r[0] for r in conn.execute("SELECT name FROM plans ORDER BY name")]

    def _unknown_plan(self, conn: sqlite3.Connection, name: str) -> StoreError:
        names = self._plan_names(conn)
        listed = ", ".join(repr(n) for n in names) if names else "none yet (save one with 'magplan plans save NAME PLAN.json')"
        return StoreError(f"no saved plan named {name!r}; saved plans: {listed}")

    def _plan_id(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM plans WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise self._unknown_plan(conn, name)
        return int(row[0])

    def _insert_version(self, conn: sqlite3.Connection, name: str, plan_json: str, days: int | None,
                        mg: float | None, saved_at: str | None = None) -> int:
        now = _now()
        row = conn.execute("SELECT id FROM plans WHERE name = ?", (name,)).fetchone()
        if row is None:
            plan_id = conn.execute("INSERT INTO plans (name, created_at, updated_at) VALUES (?, ?, ?)",
                                   (name, saved_at or now, saved_at or now)).lastrowid
        else:
            plan_id = int(row[0])
            conn.execute("UPDATE plans SET updated_at = ? WHERE id = ?", (now, plan_id))
        latest = conn.execute("SELECT MAX(version) FROM plan_versions WHERE plan_id = ?", (plan_id,)).fetchone()[0]
        version = int(latest or 0) + 1
        conn.execute("INSERT INTO plan_versions (plan_id, version, saved_at, days, magnesium_target_mg, plan_json) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (plan_id, version, saved_at or now, days, mg, plan_json))
        self._prune_history(conn, plan_id, version)
        return version

    def _prune_history(self, conn: sqlite3.Connection, plan_id: int, latest: int) -> None:
        conn.execute("DELETE FROM plan_versions WHERE plan_id = ? AND version <= ?",
                     (plan_id, latest - self.history))

    def save_plan(self, name: str, plan: WeekPlan) -> int:
        """Save ``plan`` as the next version of ``name`` (created if new); returns the version number."""
        check_name(name)
        if not isinstance(plan, WeekPlan):
            raise StoreError(f"save_plan needs a WeekPlan, not {type(plan).__name__}")
        try:
            text = plan_to_json(plan)
        except (TypeError, ValueError, RecursionError) as exc:  # e.g. a numpy value that JSON cannot hold
            raise PlanFormatError(f"plan {name!r} cannot be written as JSON ({exc}); nothing was saved") from None
        try:
            plan_from_json(text)  # never store what cannot be read back
        except PlanFormatError as exc:
            raise PlanFormatError(f"plan {name!r} would not read back ({exc}); nothing was saved") from None
        days, mg = _plan_meta(plan)
        with self._write(f"save plan {name!r}") as conn:
            return self._insert_version(conn, name, text, days, mg)

    def _plan_text(self, name: str, version: int | None) -> tuple[str, int]:
        check_name(name)
        with self._read(f"load plan {name!r}") as conn:
            plan_id = self._plan_id(conn, name)
            if version is None:
                row = conn.execute("SELECT plan_json, version FROM plan_versions WHERE plan_id = ? "
                                   "ORDER BY version DESC LIMIT 1", (plan_id,)).fetchone()
            else:
                row = conn.execute("SELECT plan_json, version FROM plan_versions WHERE plan_id = ? AND version = ?",
                                   (plan_id, version)).fetchone()
            if row is None:
                kept = [r[0] for r in conn.execute(
                    "SELECT version FROM plan_versions WHERE plan_id = ? ORDER BY version", (plan_id,))]
                raise StoreError(f"plan {name!r} has no version {version}; the history keeps versions "
                                 f"{', '.join(map(str, kept)) or 'none'} (e.g. --version {kept[-1] if kept else 1})")
            return str(row[0]), int(row[1])

    def load_plan(self, name: str, version: int | None = None) -> WeekPlan:
        """The latest (or the given) version of a saved plan."""
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise StoreError(f"version must be a whole number, e.g. 1; got {version!r}")
        text, found = self._plan_text(name, version)
        try:
            return plan_from_json(text)
        except PlanFormatError as exc:
            raise PlanFormatError(f"saved plan {name!r} version {found} cannot be read ({exc}); load an older "
                                  f"version with --version, or export it with 'magplan plans backup' and fix it by "
                                  "hand") from None

    def list_plans(self) -> list[PlanInfo]:
        """Every saved plan, by name, with its latest version's days and magnesium target."""
        with self._read("list plans") as conn:
            rows = conn.execute(
                "SELECT p.name, COUNT(v.version), MAX(v.version), p.updated_at, "
                "(SELECT days FROM plan_versions WHERE plan_id = p.id ORDER BY version DESC LIMIT 1), "
                "(SELECT magnesium_target_mg FROM plan_versions WHERE plan_id = p.id ORDER BY version DESC LIMIT 1) "
                "FROM plans p JOIN plan_versions v ON v.plan_id = p.id GROUP BY p.id ORDER BY p.name").fetchall()
        return [PlanInfo(name=r[0], versions=int(r[1]), latest_version=int(r[2]), updated_at=r[3],
                         days=None if r[4] is None else int(r[4]),
                         magnesium_target_mg=None if r[5] is None else float(r[5])) for r in rows]

    def plan_history(self, name: str) -> list[PlanVersion]:
        """The versions the history keeps of a plan, newest first."""
        check_name(name)
        with self._read(f"read the history of {name!r}") as conn:
            plan_id = self._plan_id(conn, name)
            rows = conn.execute("SELECT version, saved_at, days, magnesium_target_mg FROM plan_versions "
                                "WHERE plan_id = ? ORDER BY version DESC", (plan_id,)).fetchall()
        return [PlanVersion(int(r[0]), r[1], None if r[2] is None else int(r[2]),
                            None if r[3] is None else float(r[3])) for r in rows]

    def rename_plan(self, old: str, new: str) -> None:
        """Rename a plan with its whole history; the new name must not be taken."""
        check_name(old)
        check_name(new)
        with self._write(f"rename plan {old!r}") as conn:
            plan_id = self._plan_id(conn, old)
            if old == new:
                return
            if conn.execute("SELECT 1 FROM plans WHERE name = ?", (new,)).fetchone():
                raise StoreError(f"a plan named {new!r} already exists; pick another name, e.g. {new + ' 2'!r}, "
                                 "or delete it first")
            conn.execute("UPDATE plans SET name = ?, updated_at = ? WHERE id = ?", (new, _now(), plan_id))

    def delete_plan(self, name: str) -> int:
        """Delete a plan and its history; returns how many versions were deleted.

        The plan is kept among the last deleted plans (``deleted_plans``) so ``undelete_plan`` can bring it back."""
        check_name(name)
        with self._write(f"delete plan {name!r}") as conn:
            plan_id = self._plan_id(conn, name)
            rows = conn.execute("SELECT version, saved_at, plan_json FROM plan_versions WHERE plan_id = ? "
                                "ORDER BY version", (plan_id,)).fetchall()
            versions = [{"version": v, "saved_at": at, "plan_json": text} for v, at, text in rows]
            conn.execute("INSERT INTO deleted_plans (name, deleted_at, versions_json) VALUES (?, ?, ?)",
                         (name, _now(), json.dumps(versions, ensure_ascii=False)))
            conn.execute("DELETE FROM deleted_plans WHERE id NOT IN "
                         "(SELECT id FROM deleted_plans ORDER BY deleted_at DESC, id DESC LIMIT ?)", (DELETED_KEPT,))
            conn.execute("DELETE FROM plan_versions WHERE plan_id = ?", (plan_id,))
            conn.execute("DELETE FROM plans WHERE id = ?", (plan_id,))
        return len(rows)

    def deleted_plans(self) -> list[DeletedPlan]:
        """The last deleted plans (newest first) that ``undelete_plan`` can bring back."""
        with self._read("list deleted plans") as conn:
            rows = conn.execute("SELECT name, deleted_at, versions_json FROM deleted_plans "
                                "ORDER BY deleted_at DESC, id DESC").fetchall()
        out = []
        for name, deleted_at, text in rows:
            try:
                count = len(json.loads(text))
            except (ValueError, TypeError, RecursionError):
                count = 0
            out.append(DeletedPlan(name=name, deleted_at=deleted_at, versions=count))
        return out

    def undelete_plan(self, name: str, *, new_name: str | None = None) -> str:
        """Bring back the most recently deleted plan called ``name`` (under ``new_name`` if given); returns its name."""
        check_name(name)
        target = check_name(new_name) if new_name is not None else name
        with self._write(f"undelete plan {name!r}") as conn:
            row = conn.execute("SELECT id, versions_json FROM deleted_plans WHERE name = ? ORDER BY deleted_at DESC, id DESC LIMIT 1",
                               (name,)).fetchone()
            if row is None:
                names = [r[0] for r in conn.execute("SELECT DISTINCT name FROM deleted_plans ORDER BY name")]
                raise StoreError(f"no deleted plan named {name!r}; deleted plans that can be brought back: "
                                 f"{', '.join(repr(n) for n in names) or 'none'}")
            if conn.execute("SELECT 1 FROM plans WHERE name = ?", (target,)).fetchone():
                raise StoreError(f"a plan named {target!r} already exists; bring the deleted one back under another "
                                 f"name, e.g. magplan plans undelete {q(name)} --as {q(target + ' (restored)')}")
            try:
                versions = json.loads(row[1])
                entries = [(str(v["saved_at"]), str(v["plan_json"])) for v in versions]
            except (ValueError, TypeError, KeyError, RecursionError) as exc:
                raise StoreError(f"the deleted plan {name!r} cannot be brought back (its saved copy is damaged: "
                                 f"{exc})") from None
            if not entries:
                raise StoreError(f"the deleted plan {name!r} has no versions to bring back")
            for saved_at, text in entries:
                try:
                    meta = _plan_meta(plan_from_json(text))
                except PlanFormatError:
                    meta = (None, None)
                self._insert_version(conn, target, text, *meta, saved_at=saved_at)
            conn.execute("DELETE FROM deleted_plans WHERE id = ?", (row[0],))
        return target

    # -- profiles ----------------------------------------------------------------------------------
    def save_profile(self, name: str, profile: Profile) -> None:
        """Save (or replace) a named profile, checked by planner.targets.check_profile first."""
        check_name(name, what="profile")
        if not isinstance(profile, Profile):
            raise StoreError(f"save_profile needs a Profile, not {type(profile).__name__}")
        check_profile(profile)
        text = _json_value(profile_to_dict(profile), f"profile {name!r}")
        profile_from_dict(json.loads(text), where=f"profile {name!r}")
        with self._write(f"save profile {name!r}") as conn:
            conn.execute("INSERT INTO profiles (name, updated_at, profile_json) VALUES (?, ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, "
                         "profile_json = excluded.profile_json", (name, _now(), text))

    def load_profile(self, name: str) -> Profile:
        check_name(name, what="profile")
        with self._read(f"load profile {name!r}") as conn:
            row = conn.execute("SELECT profile_json FROM profiles WHERE name = ?", (name,)).fetchone()
            if row is None:
                names = [r[0] for r in conn.execute("SELECT name FROM profiles ORDER BY name")]
                raise StoreError(f"no saved profile named {name!r}; saved profiles: "
                                 f"{', '.join(repr(n) for n in names) or 'none yet'}")
        try:
            return profile_from_dict(json.loads(row[0]), where=f"saved profile {name!r}")
        except (ValueError, RecursionError) as exc:
            raise PlanFormatError(f"saved profile {name!r} cannot be read ({exc}); save it again") from None

    def list_profiles(self) -> list[str]:
        with self._read("list profiles") as conn:
            return [r[0] for r in conn.execute("SELECT name FROM profiles ORDER BY name")]

    def delete_profile(self, name: str) -> None:
        check_name(name, what="profile")
        with self._write(f"delete profile {name!r}") as conn:
            if conn.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount == 0:
                names = [r[0] for r in conn.execute("SELECT name FROM profiles ORDER BY name")]
                raise StoreError(f"no saved profile named {name!r}; saved profiles: "
                                 f"{', '.join(repr(n) for n in names) or 'none yet'}")

    # -- pantry ------------------------------------------------------------------------------------
    @staticmethod
    def _pantry_records(rows: pd.DataFrame) -> list[tuple[str, float | None, str | None, str | None]]:
        if not isinstance(rows, pd.DataFrame):
            raise StoreError(f"the pantry must be a table (DataFrame) with columns {', '.join(PANTRY_COLUMNS)}")
        missing = [c for c in PANTRY_COLUMNS if c not in rows.columns]
        if missing:
            raise StoreError(f"the pantry table lacks column(s) {', '.join(missing)}; it needs "
                             f"{', '.join(PANTRY_COLUMNS)}, e.g. 'almonds', 200, 'g'")
        extras = [c for c in rows.columns if c not in PANTRY_COLUMNS]
        out = []
        for pos, rec in enumerate(rows.to_dict("records"), start=1):
            food = rec["food_or_product"]
            if not isinstance(food, str) or not food.strip():
                raise StoreError(f"pantry row {pos}: food_or_product is {food!r}; give a food or product name, "
                                 "e.g. 'almonds'")
            amount = rec["amount"]
            if amount is None or amount is pd.NA or (isinstance(amount, float) and math.isnan(amount)):
                amount = None
            else:
                try:
                    amount = float(amount)
                except (TypeError, ValueError, OverflowError):
                    raise StoreError(f"pantry row {pos} ({food}): amount is {amount!r}; give a number of units, "
                                     "e.g. 200") from None
                if not math.isfinite(amount) or amount < 0:
                    raise StoreError(f"pantry row {pos} ({food}): amount is {amount}; it must be 0 or more, "
                                     "e.g. 200")
            unit = rec["unit"]
            if unit is None or unit is pd.NA or (isinstance(unit, float) and math.isnan(unit)):
                unit = None
            elif not isinstance(unit, str):
                raise StoreError(f"pantry row {pos} ({food}): unit is {unit!r}; give a unit as text, e.g. 'g'")
            extra = None
            if extras:
                values = {}
                for c in extras:
                    v = rec[c]
                    if v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                        v = None
                    elif hasattr(v, "item"):  # numpy scalars
                        v = v.item()
                    values[str(c)] = v
                extra = _json_value(values, f"pantry row {pos} ({food})")
            out.append((food, amount, unit, extra))
        return out

    def save_pantry(self, rows: pd.DataFrame) -> None:
        """Replace the pantry with ``rows`` (columns food_or_product, amount, unit; extra columns are kept)."""
        records = self._pantry_records(rows)
        with self._write("save the pantry") as conn:
            conn.execute("DELETE FROM pantry")
            conn.executemany("INSERT INTO pantry (position, food_or_product, amount, unit, extra_json) "
                             "VALUES (?, ?, ?, ?, ?)", [(i, *r) for i, r in enumerate(records)])

    def load_pantry(self) -> pd.DataFrame:
        """The pantry: food_or_product (string), amount (float, NaN unknown), unit (string), then extra columns."""
        with self._read("load the pantry") as conn:
            rows = conn.execute("SELECT food_or_product, amount, unit, extra_json FROM pantry "
                                "ORDER BY position").fetchall()
        records = []
        for food, amount, unit, extra in rows:
            rec: dict[str, Any] = {"food_or_product": food, "amount": amount, "unit": unit}
            if extra:
                try:
                    rec.update({k: v for k, v in json.loads(extra).items() if k not in PANTRY_COLUMNS})
                except (ValueError, AttributeError):
                    pass
            records.append(rec)
        df = pd.DataFrame.from_records(records, columns=None if records else list(PANTRY_COLUMNS))
        for c in PANTRY_COLUMNS:
            if c not in df.columns:
                df[c] = None
        df["food_or_product"] = df["food_or_product"].astype("string")
        df["amount"] = pd.to_numeric(df["amount"], errors="coerce").astype("float64")
        df["unit"] = df["unit"].astype("string")
        return df[[*PANTRY_COLUMNS, *[c for c in df.columns if c not in PANTRY_COLUMNS]]]

    # -- settings ----------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        check_name(key, what="setting")
        with self._read(f"read setting {key!r}") as conn:
            row = conn.execute("SELECT value_json FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (ValueError, RecursionError):
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Save a setting; ``value`` must be JSON (numbers, text, booleans, null, lists, objects)."""
        check_name(key, what="setting")
        text = _json_value(value, f"setting {key!r}")
        with self._write(f"save setting {key!r}") as conn:
            conn.execute("INSERT INTO settings (key, value_json) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json", (key, text))

    def settings(self) -> dict[str, Any]:
        with self._read("read settings") as conn:
            rows = conn.execute("SELECT key, value_json FROM settings ORDER BY key").fetchall()
        out = {}
        for key, text in rows:
            try:
                out[key] = json.loads(text)
            except (ValueError, RecursionError):
                out[key] = text
        return out

    # -- backup ------------------------------------------------------------------------------------
    def _backup_dict(self) -> dict[str, Any]:
        with self._read("read everything for the backup") as conn:
            conn.execute("BEGIN")  # one snapshot: another session's save lands wholly before or after it
            try:
                return self._backup_snapshot(conn)
            finally:
                conn.execute("COMMIT")

    def _backup_snapshot(self, conn: sqlite3.Connection) -> dict[str, Any]:
        plans = []
        for plan_id, name, created_at in conn.execute("SELECT id, name, created_at FROM plans ORDER BY name"):
            versions = []
            for version, saved_at, text in conn.execute(
                    "SELECT version, saved_at, plan_json FROM plan_versions WHERE plan_id = ? "
                    "ORDER BY version", (plan_id,)).fetchall():
                entry: dict[str, Any] = {"version": version, "saved_at": saved_at}
                try:
                    entry["plan"] = plan_to_dict(plan_from_json(text))
                except PlanFormatError:
                    entry["plan_text"] = text  # kept as it is, so nothing is lost
                versions.append(entry)
            plans.append({"name": name, "created_at": created_at, "versions": versions})
        profiles = []
        for name, updated_at, text in conn.execute(
                "SELECT name, updated_at, profile_json FROM profiles ORDER BY name").fetchall():
            try:
                profiles.append({"name": name, "updated_at": updated_at, "profile": json.loads(text)})
            except (ValueError, RecursionError):
                profiles.append({"name": name, "updated_at": updated_at, "profile_text": text})
        deleted = []
        for name, deleted_at, text in conn.execute(
                "SELECT name, deleted_at, versions_json FROM deleted_plans ORDER BY id").fetchall():
            try:
                deleted.append({"name": name, "deleted_at": deleted_at, "versions": json.loads(text)})
            except (ValueError, RecursionError):
                continue
        pantry = self.load_pantry()
        pantry_rows = [{k: (None if (v is pd.NA or (isinstance(v, float) and math.isnan(v))) else v)
                        for k, v in rec.items()} for rec in pantry.astype(object).to_dict("records")]
        return {"magplan_backup": BACKUP_FORMAT, "schema_version": SCHEMA_VERSION, "exported_at": _now(),
                "plans": plans, "profiles": profiles, "pantry": pantry_rows, "settings": self.settings(),
                "deleted_plans": deleted}

    def export_all(self, path: Path | str) -> Path:
        """Write everything (plans with their history, profiles, pantry, settings) to one JSON file."""
        path = Path(path)
        text = json.dumps(self._backup_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            raise StoreError(f"cannot write the backup {path} ({exc.strerror}); choose a writable place, "
                             "e.g. --out ~/magplan-backup.json") from None
        return path

    def _free_name(self, conn: sqlite3.Connection, name: str, table: str) -> str:
        column = "name"
        taken = {r[0] for r in conn.execute(f"SELECT {column} FROM {table}")}
        n = 1
        while True:
            suffix = " (imported)" if n == 1 else f" (imported {n})"
            candidate = name[: MAX_NAME_CHARS - len(suffix)].rstrip() + suffix
            if candidate not in taken:
                return candidate
            n += 1

    @staticmethod
    def _read_backup(path: Path) -> dict[str, Any]:
        try:
            text = read_limited(path, MAX_BACKUP_BYTES, what="a backup", error=StoreError).decode("utf-8")
        except FileNotFoundError:
            raise StoreError(f"{path}: file not found; give a backup written by 'magplan plans backup'") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                             "give a backup written by 'magplan plans backup'") from None
        except (ValueError, RecursionError) as exc:
            raise StoreError(f"{path}: not a magplan backup ({exc})") from None
        if not isinstance(data, dict) or "magplan_backup" not in data:
            raise StoreError(f"{path}: not a magplan backup (no \"magplan_backup\" field); a single plan is "
                             "imported with 'magplan plans import'")
        fmt = data["magplan_backup"]
        if fmt != BACKUP_FORMAT or isinstance(fmt, bool):
            raise StoreError(f"{path}: backup format {fmt!r}; this magplan reads format {BACKUP_FORMAT} "
                             "(a newer magplan wrote it; upgrade magplan)")
        for key, kind, example in (("plans", list, "[]"), ("profiles", list, "[]"), ("pantry", list, "[]"),
                                   ("settings", dict, "{}")):
            if not isinstance(data.get(key, kind()), kind):
                raise StoreError(f"{path}: {key} must be a {'list' if kind is list else 'object'}, e.g. {example}")
        return data

    @staticmethod
    def _backup_plans(data: dict[str, Any], path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
        """[(name, [(saved_at, plan_json), ...])] from a backup, every plan checked first."""
        out = []
        for i, entry in enumerate(data.get("plans", [])):
            where = f"{path}: plans[{i}]"
            if not isinstance(entry, dict):
                raise StoreError(f"{where} must be an object with name and versions")
            name = entry.get("name")
            try:
                check_name(name)
            except StoreError as exc:
                raise StoreError(f"{where}: {exc}") from None
            versions = entry.get("versions")
            if not isinstance(versions, list) or not versions:
                raise StoreError(f"{where} ({name!r}): versions must be a non-empty list, "
                                 'e.g. [{"version": 1, "plan": {...}}]')
            texts = []
            for j, v in enumerate(versions):
                vwhere = f"{where} ({name!r}) versions[{j}]"
                if not isinstance(v, dict):
                    raise StoreError(f"{vwhere} must be an object with a plan")
                saved_at = v.get("saved_at") if isinstance(v.get("saved_at"), str) else _now()
                if "plan" in v:
                    try:
                        text = plan_to_json(plan_from_dict(v["plan"]))
                    except PlanFormatError as exc:
                        raise PlanFormatError(f"{vwhere}: {exc}; nothing was imported") from None
                elif isinstance(v.get("plan_text"), str):
                    text = v["plan_text"]  # a plan that could not be read when it was backed up: kept as is
                else:
                    raise StoreError(f"{vwhere} has no plan")
                texts.append((saved_at, text))
            out.append((name, texts))
        return out

    @staticmethod
    def _backup_profiles(data: dict[str, Any], path: Path) -> list[tuple[str, str]]:
        out = []
        for i, entry in enumerate(data.get("profiles", [])):
            where = f"{path}: profiles[{i}]"
            if not isinstance(entry, dict):
                raise StoreError(f"{where} must be an object with name and profile")
            name = entry.get("name")
            try:
                check_name(name, what="profile")
            except StoreError as exc:
                raise StoreError(f"{where}: {exc}") from None
            if "profile" in entry:
                try:
                    profile = profile_from_dict(entry["profile"], where=f"{where} ({name!r})")
                except PlanFormatError as exc:
                    raise PlanFormatError(f"{exc}; nothing was imported") from None
                out.append((name, _json_value(profile_to_dict(profile), where)))
            elif isinstance(entry.get("profile_text"), str):
                out.append((name, entry["profile_text"]))
            else:
                raise StoreError(f"{where} has no profile")
        return out

    def import_all(self, path: Path | str, *, replace: bool = False) -> ImportReport:
        """Bring back a backup. Merge (default): nothing here is overwritten; a plan or profile whose name is
        taken by different content is imported under a new name. ``replace=True``: the database becomes the
        backup, after a safety backup of the current content next to the database."""
        path = Path(path)
        data = self._read_backup(path)
        plans = self._backup_plans(data, path)
        profiles = self._backup_profiles(data, path)
        pantry_df = pd.DataFrame.from_records(data.get("pantry", []))
        if len(pantry_df) == 0:
            pantry_df = pd.DataFrame(columns=list(PANTRY_COLUMNS))
        try:
            pantry_records = self._pantry_records(pantry_df)
        except StoreError as exc:
            raise StoreError(f"{path}: {exc}; nothing was imported") from None
        settings = {}
        for key, value in data.get("settings", {}).items():
            try:
                check_name(key, what="setting")
            except StoreError as exc:
                raise StoreError(f"{path}: {exc}; nothing was imported") from None
            settings[key] = _json_value(value, f"{path}: setting {key!r}")
        messages: list[str] = []
        saved_names: list[str] = []
        safety = None
        if replace:
            if self.read_only:
                raise self._map_error(sqlite3.OperationalError("attempt to write a readonly database"), "restore")
            safety = _aside(self.path, "before-restore", ".json")
            self.export_all(safety)
            messages.append(f"the previous content was saved to {safety}")
        with self._write(f"import {path.name}") as conn:
            if replace:
                for table in ("plan_versions", "plans", "profiles", "pantry", "settings"):
                    conn.execute(f"DELETE FROM {table}")
            for name, versions in plans:
                target = name
                row = conn.execute("SELECT id FROM plans WHERE name = ?", (name,)).fetchone()
                if row is not None:
                    existing = {r[0] for r in conn.execute(
                        "SELECT plan_json FROM plan_versions WHERE plan_id = ?", (row[0],))}
                    if all(text in existing for _, text in versions):
                        messages.append(f"plan {name!r}: already here, unchanged")
                        continue
                    target = self._free_name(conn, name, "plans")
                    messages.append(f"plan {name!r}: a different plan has that name here, so it was imported "
                                    f"as {target!r} ({len(versions)} version(s))")
                else:
                    messages.append(f"plan {name!r}: imported ({len(versions)} version(s))")
                for saved_at, text in versions[-self.history:]:
                    try:
                        meta = _plan_meta(plan_from_json(text))
                    except PlanFormatError:
                        meta = (None, None)
                    self._insert_version(conn, target, text, *meta, saved_at=saved_at)
                saved_names.append(target)
            for name, text in profiles:
                row = conn.execute("SELECT profile_json FROM profiles WHERE name = ?", (name,)).fetchone()
                target = name
                if row is not None:
                    if row[0] == text:
                        messages.append(f"profile {name!r}: already here, unchanged")
                        continue
                    target = self._free_name(conn, name, "profiles")
                    messages.append(f"profile {name!r}: a different profile has that name here, so it was "
                                    f"imported as {target!r}")
                else:
                    messages.append(f"profile {name!r}: imported")
                conn.execute("INSERT INTO profiles (name, updated_at, profile_json) VALUES (?, ?, ?)",
                             (target, _now(), text))
            if pantry_records:
                have = {r[0] for r in conn.execute("SELECT food_or_product FROM pantry")}
                start = conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM pantry").fetchone()[0]
                new = [r for r in pantry_records if r[0] not in have]
                conn.executemany("INSERT INTO pantry (position, food_or_product, amount, unit, extra_json) "
                                 "VALUES (?, ?, ?, ?, ?)", [(start + i, *r) for i, r in enumerate(new)])
                kept = len(pantry_records) - len(new)
                messages.append(f"pantry: {len(new)} row(s) added"
                                + (f", {kept} already here kept as they are" if kept else ""))
            for key, text in settings.items():
                row = conn.execute("SELECT value_json FROM settings WHERE key = ?", (key,)).fetchone()
                if row is None:
                    conn.execute("INSERT INTO settings (key, value_json) VALUES (?, ?)", (key, text))
                    messages.append(f"setting {key!r}: imported")
                elif row[0] != text:
                    messages.append(f"setting {key!r}: kept the value here ({row[0]}); the backup has {text}")
            deleted = data.get("deleted_plans")
            if isinstance(deleted, list):
                have = {tuple(r) for r in conn.execute("SELECT name, deleted_at FROM deleted_plans")}
                for entry in deleted:
                    if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                            and isinstance(entry.get("deleted_at"), str) and isinstance(entry.get("versions"), list)):
                        continue  # the deleted plans are a convenience: a damaged entry is skipped
                    if (entry["name"], entry["deleted_at"]) not in have:
                        conn.execute("INSERT INTO deleted_plans (name, deleted_at, versions_json) VALUES (?, ?, ?)",
                                     (entry["name"], entry["deleted_at"],
                                      json.dumps(entry["versions"], ensure_ascii=False)))
                conn.execute("DELETE FROM deleted_plans WHERE id NOT IN "
                             "(SELECT id FROM deleted_plans ORDER BY deleted_at DESC, id DESC LIMIT ?)", (DELETED_KEPT,))
        if not messages:
            messages.append(f"{path}: the backup is empty; nothing to import")
        return ImportReport(messages=tuple(messages), plans=tuple(saved_names), safety_backup=safety)

    def export_plan(self, name: str, path: Path | str, *, version: int | None = None) -> Path:
        """Write one saved plan as a plan JSON file (the format of 'magplan plan --out')."""
        plan = self.load_plan(name, version)
        path = Path(path)
        try:
            atomic_write_text(path, plan_to_json(plan))
        except OSError as exc:
            raise StoreError(f"cannot write {path} ({exc.strerror}); choose a writable place, "
                             "e.g. --out ~/plan.json") from None
        return path

    def import_plan(self, path: Path | str, name: str | None = None) -> tuple[str, int]:
        """Save a plan JSON file under ``name`` (default: the file name without .json); returns (name, version).

        If the name is taken the plan becomes its next version: the previous one stays in the history."""
        from planner.model import read_plan

        path = Path(path)
        plan = read_plan(path)
        if name is None:
            name = path.stem.strip()[:MAX_NAME_CHARS].strip() or "imported plan"
            name = "".join(c for c in name if ord(c) >= 32 and not 127 <= ord(c) < 160) or "imported plan"
        return name, self.save_plan(name, plan)


# --- foods that no longer exist -------------------------------------------------------------------
def missing_foods(plan: WeekPlan, foods: pd.DataFrame) -> list[str]:
    """food_ids the plan (items and locks) uses that the food table ``foods`` (indexed by food_id) lacks."""
    known = set(foods.index)
    out: list[str] = []
    for day in plan.days:
        for meal in day.meals:
            for item in meal.items:
                if item.food_id not in known and item.food_id not in out:
                    out.append(item.food_id)
    for lock in plan.locks:
        if lock.food_id is not None and lock.food_id not in known and lock.food_id not in out:
            out.append(lock.food_id)
    return out


def drop_missing_foods(plan: WeekPlan, foods: pd.DataFrame) -> WeekPlan:
    """The plan without the foods ``foods`` lacks (their items and locks), day totals recomputed, and a note."""
    from planner.nutrition import make_day

    gone = missing_foods(plan, foods)
    if not gone:
        return plan
    drop = set(gone)
    days = tuple(
        make_day(day.day, (Meal(m.slot, tuple(i for i in m.items if i.food_id not in drop)) for m in day.meals))
        if any(i.food_id in drop for m in day.meals for i in m.items) else day
        for day in plan.days)
    locks = tuple(lock for lock in plan.locks if lock.food_id not in drop)
    note = f"dropped foods that are no longer in the food table: {', '.join(gone)}"
    return replace(plan, days=days, locks=locks, notes=(*plan.notes, note))


__all__ = [
    "DeletedPlan", "HISTORY_VERSIONS", "ImportReport", "PANTRY_COLUMNS", "PlanInfo", "PlanVersion", "SCHEMA_VERSION", "Store",
    "check_name", "drop_missing_foods", "missing_foods", "profile_from_dict", "profile_to_dict",
]
