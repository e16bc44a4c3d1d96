"""Saved plans, profiles, pantry and settings in one SQLite file (stdlib sqlite3), versioned and atomic.

The database is created on first use (``foods.paths.default_db_path()``: MAGPLAN_DB or the user data
folder). Its schema version is ``PRAGMA user_version``; forward migrations run when it is opened, and a
database written by a newer magplan is refused without being touched. Every write is one transaction in
WAL mode, so a crash in the middle of a save leaves the previous version intact. A plan keeps its last
``history`` versions (20 by default) so a person can go back.

Nothing is cached in memory: two ``Store`` objects on the same file (two app sessions) see each other's
committed data and nothing else.

One module per concern, each layer on the one before:

- ``schema``: the tables and the forward migrations;
- ``database``: opening the file safely, transactions, errors that say what to do, name checks;
- ``plans``, ``profiles`` (with settings), ``pantry``: the methods of each table;
- ``backup``: all of them to one JSON file and back.

``Store`` is the last layer; import everything from ``planner.store``.
"""
from __future__ import annotations

from planner.pantry import PANTRY_COLUMNS
from planner.store.backup import BACKUP_FORMAT, MAX_BACKUP_BYTES, BackupStore, ImportReport
from planner.store.database import HISTORY_VERSIONS, MAX_NAME_CHARS, check_name
from planner.store.plans import DELETED_KEPT, DeletedPlan, PlanInfo, PlanVersion, drop_missing_foods, missing_foods
from planner.store.profiles import profile_from_dict, profile_to_dict
from planner.store.schema import MIGRATIONS, SCHEMA_VERSION


class Store(BackupStore):
    """The saved-plans database. Use as a context manager, or call ``close()``."""


__all__ = [
    "BACKUP_FORMAT", "DELETED_KEPT", "DeletedPlan", "HISTORY_VERSIONS", "ImportReport", "MAX_BACKUP_BYTES",
    "MAX_NAME_CHARS", "MIGRATIONS", "PANTRY_COLUMNS", "PlanInfo", "PlanVersion", "SCHEMA_VERSION", "Store",
    "check_name", "drop_missing_foods", "missing_foods", "profile_from_dict", "profile_to_dict",
]
