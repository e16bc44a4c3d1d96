"""The backup: everything in the database as one JSON file, and bringing such a file back (merge or replace).

The file is ``{"magplan_backup": 1, "schema_version", "exported_at", "plans", "profiles", "pantry",
"settings", "deleted_plans"}``; a plan's versions carry the plan as a JSON object (or, when a saved plan no
longer reads, its text as it is, so nothing is lost). An import checks the whole file before it writes
anything, and then writes it in one transaction.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from foods.files import MIB, read_limited_text
from planner.errors import PlanFormatError, StoreError
from planner.plan_format import atomic_write_text, plan_from_dict, plan_from_json, plan_to_dict, plan_to_json
from planner.pantry import PANTRY_COLUMNS
from planner.store import schema
from planner.store.database import MAX_NAME_CHARS, aside_path, check_name, json_text, now_utc
from planner.store.pantry import PantryStore, plain_value
from planner.store.plans import PlansStore
from planner.store.profiles import ProfilesStore, profile_from_dict, profile_to_dict

BACKUP_FORMAT = 1
MAX_BACKUP_BYTES = 64 * MIB  # every plan with 20 versions each: a few MB for a person's plans


@dataclass(frozen=True)
class ImportReport:
    """What an import did, one sentence per plan/profile/pantry/setting decision."""

    messages: tuple[str, ...]
    plans: tuple[str, ...] = ()
    safety_backup: Path | None = None



def _rows_with_json(conn: sqlite3.Connection, sql: str, key: str, *, keep_bad_as: str | None) -> list[dict[str, Any]]:
    """The rows of ``sql`` as dicts by column, its last column (JSON text) parsed under ``key``; a text that does
    not parse is kept as it is under ``keep_bad_as``, or the row is left out when that is None."""
    cursor = conn.execute(sql)
    columns = [d[0] for d in cursor.description][:-1]
    out = []
    for *head, text in cursor.fetchall():
        entry: dict[str, Any] = dict(zip(columns, head))
        try:
            entry[key] = json.loads(text)
        except (ValueError, RecursionError):
            if keep_bad_as is None:
                continue
            entry[keep_bad_as] = text
        out.append(entry)
    return out


def _named_entries(data: dict[str, Any], path: Path, key: str, what: str,
                   *, holds: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each entry of the backup's ``key`` list as (where it is, its checked name, the entry)."""
    for i, entry in enumerate(data.get(key, [])):
        where = f"{path}: {key}[{i}]"
        if not isinstance(entry, dict):
            raise StoreError(f"{where} must be an object with name and {holds}")
        name = entry.get("name")
        try:
            check_name(name, what=what)
        except StoreError as exc:
            raise StoreError(f"{where}: {exc}") from None
        yield where, name, entry


def _backup_version(v: Any, where: str) -> tuple[str, str]:
    """(saved_at, plan_json) of one version in a backup; the plan is checked and written as a saved plan is."""
    if not isinstance(v, dict):
        raise StoreError(f"{where} must be an object with a plan")
    saved_at = v.get("saved_at") if isinstance(v.get("saved_at"), str) else now_utc()
    if "plan" in v:
        try:
            return saved_at, plan_to_json(plan_from_dict(v["plan"]))
        except PlanFormatError as exc:
            raise PlanFormatError(f"{where}: {exc}; nothing was imported") from None
    if isinstance(v.get("plan_text"), str):
        return saved_at, v["plan_text"]  # a plan that could not be read when it was backed up: kept as is
    raise StoreError(f"{where} has no plan")


@dataclass(frozen=True)
class _CheckedBackup:
    """A backup's content, every part checked, as the rows it adds."""

    plans: list[tuple[str, list[tuple[str, str]]]]  # (name, [(saved_at, plan_json), ...])
    profiles: list[tuple[str, str]]  # (name, profile_json)
    pantry_records: list[tuple[str, float | None, str | None, str | None]]
    settings: dict[str, str]  # key -> value_json
    deleted_plans: list[Any]  # as in the file: an entry that is not whole is skipped on import


class BackupStore(PlansStore, ProfilesStore, PantryStore):
    """Every table at once: the whole database to one JSON file and back."""

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
        profiles = _rows_with_json(conn, "SELECT name, updated_at, profile_json FROM profiles ORDER BY name",
                                   "profile", keep_bad_as="profile_text")
        deleted = _rows_with_json(conn, "SELECT name, deleted_at, versions_json FROM deleted_plans ORDER BY id",
                                  "versions", keep_bad_as=None)
        pantry = self.load_pantry()
        pantry_rows = [{k: plain_value(v) for k, v in rec.items()} for rec in pantry.astype(object).to_dict("records")]
        return {"magplan_backup": BACKUP_FORMAT, "schema_version": schema.SCHEMA_VERSION, "exported_at": now_utc(),
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
        text = read_limited_text(path, MAX_BACKUP_BYTES, what="a backup", error=StoreError,
                                 missing="give a backup written by 'magplan plans backup'")
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
        for where, name, entry in _named_entries(data, path, "plans", "plan", holds="versions"):
            versions = entry.get("versions")
            if not isinstance(versions, list) or not versions:
                raise StoreError(f"{where} ({name!r}): versions must be a non-empty list, "
                                 'e.g. [{"version": 1, "plan": {...}}]')
            out.append((name, [_backup_version(v, f"{where} ({name!r}) versions[{j}]")
                               for j, v in enumerate(versions)]))
        return out

    @staticmethod
    def _backup_profiles(data: dict[str, Any], path: Path) -> list[tuple[str, str]]:
        """[(name, profile_json)] from a backup, every profile checked first."""
        out = []
        for where, name, entry in _named_entries(data, path, "profiles", "profile", holds="profile"):
            if "profile" in entry:
                try:
                    profile = profile_from_dict(entry["profile"], where=f"{where} ({name!r})")
                except PlanFormatError as exc:
                    raise PlanFormatError(f"{exc}; nothing was imported") from None
                out.append((name, json_text(profile_to_dict(profile), where)))
            elif isinstance(entry.get("profile_text"), str):
                out.append((name, entry["profile_text"]))
            else:
                raise StoreError(f"{where} has no profile")
        return out

    def _checked_backup(self, path: Path) -> _CheckedBackup:
        """Read and check the whole backup before anything is written; StoreError names what is wrong."""
        data = self._read_backup(path)
        plans = self._backup_plans(data, path)
        profiles = self._backup_profiles(data, path)
        pantry_df = pd.DataFrame.from_records(data.get("pantry", []))
        if len(pantry_df) == 0:
            pantry_df = pd.DataFrame(columns=list(PANTRY_COLUMNS))
        try:
            pantry_records = self._pantry_records(pantry_df, "pantry")
        except StoreError as exc:
            raise StoreError(f"{path}: {exc}; nothing was imported") from None
        settings = {}
        for key, value in data.get("settings", {}).items():
            try:
                check_name(key, what="setting")
            except StoreError as exc:
                raise StoreError(f"{path}: {exc}; nothing was imported") from None
            settings[key] = json_text(value, f"{path}: setting {key!r}")
        deleted = data.get("deleted_plans")
        return _CheckedBackup(plans, profiles, pantry_records, settings,
                              deleted if isinstance(deleted, list) else [])

    def _safety_backup(self) -> Path:
        """Save the current content next to the database before a restore replaces it."""
        if self.read_only:
            raise self._map_error(sqlite3.OperationalError("attempt to write a readonly database"), "restore")
        safety = aside_path(self.path, "before-restore", ".json")
        self.export_all(safety)
        return safety

    def _import_name(self, conn: sqlite3.Connection, kind: str, name: str, same: bool | None,
                     messages: list[str], detail: str = "") -> str | None:
        """The name to import a plan or profile under, said in ``messages``; None when the same content is
        already here. ``same`` is None when the name is free here, else whether its content is the same."""
        if same is None:
            messages.append(f"{kind} {name!r}: imported{detail}")
            return name
        if same:
            messages.append(f"{kind} {name!r}: already here, unchanged")
            return None
        target = self._free_name(conn, name, f"{kind}s")
        messages.append(f"{kind} {name!r}: a different {kind} has that name here, so it was imported as "
                        f"{target!r}{detail}")
        return target

    def _merge_plans(self, conn: sqlite3.Connection, plans: list[tuple[str, list[tuple[str, str]]]],
                     messages: list[str]) -> list[str]:
        """Add the backup's plans; a name taken by a different plan gets a new name. Returns the names used."""
        saved_names = []
        for name, versions in plans:
            row = conn.execute("SELECT id FROM plans WHERE name = ?", (name,)).fetchone()
            same = None
            if row is not None:
                existing = {r[0] for r in conn.execute("SELECT plan_json FROM plan_versions WHERE plan_id = ?",
                                                       (row[0],))}
                same = all(text in existing for _, text in versions)
            target = self._import_name(conn, "plan", name, same, messages, f" ({len(versions)} version(s))")
            if target is None:
                continue
            for saved_at, text in versions[-self.history:]:
                self._insert_saved_text(conn, target, text, saved_at)
            saved_names.append(target)
        return saved_names

    def _merge_profiles(self, conn: sqlite3.Connection, profiles: list[tuple[str, str]],
                        messages: list[str]) -> None:
        """Add the backup's profiles; a name taken by a different profile gets a new name."""
        for name, text in profiles:
            row = conn.execute("SELECT profile_json FROM profiles WHERE name = ?", (name,)).fetchone()
            target = self._import_name(conn, "profile", name, None if row is None else row[0] == text, messages)
            if target is None:
                continue
            conn.execute("INSERT INTO profiles (name, updated_at, profile_json) VALUES (?, ?, ?)",
                         (target, now_utc(), text))

    @staticmethod
    def _merge_pantry(conn: sqlite3.Connection, records: list[tuple[str, float | None, str | None, str | None]],
                      messages: list[str]) -> None:
        """Append the backup's pantry rows whose food or product is not in the pantry yet."""
        if not records:
            return
        have = {r[0] for r in conn.execute("SELECT food_or_product FROM pantry")}
        start = conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM pantry").fetchone()[0]
        new = [r for r in records if r[0] not in have]
        conn.executemany("INSERT INTO pantry (position, food_or_product, amount, unit, extra_json) "
                         "VALUES (?, ?, ?, ?, ?)", [(start + i, *r) for i, r in enumerate(new)])
        kept = len(records) - len(new)
        messages.append(f"pantry: {len(new)} row(s) added"
                        + (f", {kept} already here kept as they are" if kept else ""))

    @staticmethod
    def _merge_settings(conn: sqlite3.Connection, settings: dict[str, str], messages: list[str]) -> None:
        """Add the backup's settings that are not set here; a value set here is kept."""
        for key, text in settings.items():
            row = conn.execute("SELECT value_json FROM settings WHERE key = ?", (key,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO settings (key, value_json) VALUES (?, ?)", (key, text))
                messages.append(f"setting {key!r}: imported")
            elif row[0] != text:
                messages.append(f"setting {key!r}: kept the value here ({row[0]}); the backup has {text}")

    def _merge_deleted(self, conn: sqlite3.Connection, deleted: list[Any]) -> None:
        """Add the backup's deleted plans that are not here yet, then keep only the last ones."""
        if not deleted:
            return
        have = {tuple(r) for r in conn.execute("SELECT name, deleted_at FROM deleted_plans")}
        for entry in deleted:
            if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                    and isinstance(entry.get("deleted_at"), str) and isinstance(entry.get("versions"), list)):
                continue  # the deleted plans are a convenience: a damaged entry is skipped
            if (entry["name"], entry["deleted_at"]) not in have:
                conn.execute("INSERT INTO deleted_plans (name, deleted_at, versions_json) VALUES (?, ?, ?)",
                             (entry["name"], entry["deleted_at"], json.dumps(entry["versions"], ensure_ascii=False)))
        self._trim_deleted(conn)

    def import_all(self, path: Path | str, *, replace: bool = False) -> ImportReport:
        """Bring back a backup. Merge (default): nothing here is overwritten; a plan or profile whose name is
        taken by different content is imported under a new name. ``replace=True``: the database becomes the
        backup, after a safety backup of the current content next to the database."""
        path = Path(path)
        backup = self._checked_backup(path)
        messages: list[str] = []
        safety = None
        if replace:
            safety = self._safety_backup()
            messages.append(f"the previous content was saved to {safety}")
        with self._write(f"import {path.name}") as conn:
            if replace:
                for table in ("plan_versions", "plans", "profiles", "pantry", "settings"):
                    conn.execute(f"DELETE FROM {table}")
            saved_names = self._merge_plans(conn, backup.plans, messages)
            self._merge_profiles(conn, backup.profiles, messages)
            self._merge_pantry(conn, backup.pantry_records, messages)
            self._merge_settings(conn, backup.settings, messages)
            self._merge_deleted(conn, backup.deleted_plans)
        if not messages:
            messages.append(f"{path}: the backup is empty; nothing to import")
        return ImportReport(messages=tuple(messages), plans=tuple(saved_names), safety_backup=safety)
