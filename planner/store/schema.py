"""The tables of the plans database and the forward migrations that build them, one schema version at a time.

The schema version is ``PRAGMA user_version``. ``MIGRATIONS[i]`` takes a database from schema i to schema
i + 1; a new table or column is a new entry at the end, never an edit of an old one, so every database
ever written can still be brought up to date.
"""
from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

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


def schema_of(conn: sqlite3.Connection) -> int:
    """The schema version the database says it has (0: empty or not a magplan database)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the database up to SCHEMA_VERSION in one transaction: every step is applied, or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_of(conn)  # another session may have migrated since the caller looked
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
