"""Named profiles (who the plan is for) and settings (small JSON values), each one row by name or key."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from typing import Any, Mapping

from planner.errors import PlanFormatError, StoreError
from planner.targets import check_profile
from planner.model import Profile, check_numbers
from planner.plan_format import _dc_from
from planner.store.database import Database, check_name, json_text, now_utc


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


class ProfilesStore(Database):
    """The saved profiles and the settings."""

    @staticmethod
    def _unknown_profile(conn: sqlite3.Connection, name: str) -> StoreError:
        names = [r[0] for r in conn.execute("SELECT name FROM profiles ORDER BY name")]
        return StoreError(f"no saved profile named {name!r}; saved profiles: "
                          f"{', '.join(repr(n) for n in names) or 'none yet'}")

    def save_profile(self, name: str, profile: Profile) -> None:
        """Save (or replace) a named profile, checked by planner.targets.check_profile first."""
        check_name(name, what="profile")
        if not isinstance(profile, Profile):
            raise StoreError(f"save_profile needs a Profile, not {type(profile).__name__}")
        check_profile(profile)
        text = json_text(profile_to_dict(profile), f"profile {name!r}")
        profile_from_dict(json.loads(text), where=f"profile {name!r}")
        with self._write(f"save profile {name!r}") as conn:
            conn.execute("INSERT INTO profiles (name, updated_at, profile_json) VALUES (?, ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, "
                         "profile_json = excluded.profile_json", (name, now_utc(), text))

    def load_profile(self, name: str) -> Profile:
        check_name(name, what="profile")
        with self._read(f"load profile {name!r}") as conn:
            row = conn.execute("SELECT profile_json FROM profiles WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise self._unknown_profile(conn, name)
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
                raise self._unknown_profile(conn, name)

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
        text = json_text(value, f"setting {key!r}")
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

