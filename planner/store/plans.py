"""Saved plans: each name keeps its last versions (the history), and a deleted plan can be brought back.

A plan is stored as its plan JSON (``planner.plan_format.plan_to_json``), exactly as saved; the days and the
magnesium target of each version are kept next to it so a list of plans does not read every plan.
"""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from planner.errors import PlanFormatError, StoreError
from planner.errors import shell_quote as q
from planner.model import Meal, WeekPlan
from planner.plan_format import atomic_write_text, plan_from_json, plan_to_json
from planner.store.database import MAX_NAME_CHARS, Database, check_name, now_utc

DELETED_KEPT = 20


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


def _plan_meta(plan: WeekPlan) -> tuple[int, float | None]:
    mg = plan.targets.magnesium_mg
    return len(plan.days), (float(mg) if isinstance(mg, (int, float)) and math.isfinite(mg) else None)



class PlansStore(Database):
    """The plans, their histories and the last deleted plans."""

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
        now = now_utc()
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

    def _insert_saved_text(self, conn: sqlite3.Connection, name: str, text: str, saved_at: str) -> int:
        """Add a plan JSON saved earlier (a deleted plan, a backup) as it is, with its own saved_at; a text
        that no longer reads as a plan keeps unknown days and target."""
        try:
            days, mg = _plan_meta(plan_from_json(text))
        except PlanFormatError:
            days, mg = None, None
        return self._insert_version(conn, name, text, days, mg, saved_at=saved_at)

    @staticmethod
    def _trim_deleted(conn: sqlite3.Connection) -> None:
        """Keep only the last DELETED_KEPT deleted plans."""
        conn.execute("DELETE FROM deleted_plans WHERE id NOT IN "
                     "(SELECT id FROM deleted_plans ORDER BY deleted_at DESC, id DESC LIMIT ?)", (DELETED_KEPT,))

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
            conn.execute("UPDATE plans SET name = ?, updated_at = ? WHERE id = ?", (new, now_utc(), plan_id))

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
                         (name, now_utc(), json.dumps(versions, ensure_ascii=False)))
            self._trim_deleted(conn)
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
                self._insert_saved_text(conn, target, text, saved_at)
            conn.execute("DELETE FROM deleted_plans WHERE id = ?", (row[0],))
        return target

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
        from planner.plan_format import read_plan

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

