"""planner.store under faults: killed mid-save, locked, read-only, truncated, corrupted, newer schema.

Every fault gives a StoreError whose message says what happened and offers a way out, and the database
file is left byte-identical.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planner.errors import StoreError
from planner.model import Meal, Profile, replace
from planner.plan_format import write_plan
from planner.nutrition import make_day, make_item
from planner.store import SCHEMA_VERSION, Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_store import make_plan  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def big_plan(foods, days: int = 7, per_meal: int = 12):
    """A plan with many items (a few hundred kB of JSON) so a save takes a while."""
    ids = list(foods.index)
    out = []
    for d in range(1, days + 1):
        meals = tuple(Meal(slot, tuple(make_item(foods, ids[(d + k) % len(ids)], 0.5 + 0.25 * k)
                                       for k in range(per_meal)))
                      for slot in ("breakfast", "lunch", "dinner", "snack"))
        out.append(make_day(d, meals))
    return replace(make_plan(foods), days=tuple(out))


def _child(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env,
                            cwd=str(REPO))


def _wait_for(proc: subprocess.Popen, prefix: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:  # the child prints when it reached the point; no timing involved
        if line.startswith(prefix):
            return line
    raise AssertionError(f"child exited ({proc.wait()}) before printing {prefix!r}")


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture
def saved(tmp_path, tiny_foods):
    """A database with version 1 of 'week' (the plan to keep) and a big plan file for the child to save."""
    db = tmp_path / "plans.db"
    with Store(db) as s:
        s.save_plan("week", make_plan(tiny_foods))
    plan_file = tmp_path / "big.json"
    write_plan(big_plan(tiny_foods), plan_file)
    return db, plan_file


PAUSE_MID_SAVE = """
import sys, time
from planner.plan_format import read_plan
from planner.store import Store
db, plan_file = sys.argv[1:3]
plan = read_plan(plan_file)
original = Store._prune_history
def pause(self, conn, plan_id, latest):
    original(self, conn, plan_id, latest)
    print("inside the save transaction", latest, flush=True)
    time.sleep(120)
Store._prune_history = pause
Store(db).save_plan("week", plan)
"""

SAVE_IN_A_LOOP = """
import sys
from planner.plan_format import read_plan
from planner.store import Store
db, plan_file = sys.argv[1:3]
plan = read_plan(plan_file)
s = Store(db, history=100000)
while True:
    print("saved", s.save_plan("week", plan), flush=True)
"""


def test_killed_in_the_middle_of_a_save_keeps_the_previous_version(saved, tiny_foods):
    db, plan_file = saved
    proc = _child(PAUSE_MID_SAVE, str(db), str(plan_file))
    try:
        assert _wait_for(proc, "inside the save transaction").split()[-1] == "2"
        with Store(db) as other:  # meanwhile another session still sees version 1 only
            assert [v.version for v in other.plan_history("week")] == [1]
    finally:
        _kill(proc)
    with Store(db) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [v.version for v in s.plan_history("week")] == [1]
        assert s.load_plan("week") == make_plan(tiny_foods)
        assert s.save_plan("week", make_plan(tiny_foods, seeds=2.0)) == 2  # and the database is usable


def test_killed_while_saving_in_a_loop_never_loses_a_committed_version(saved, tiny_foods):
    db, plan_file = saved
    proc = _child(SAVE_IN_A_LOOP, str(db), str(plan_file))
    try:
        last = int(_wait_for(proc, "saved 4").split()[-1])
    finally:
        _kill(proc)
    expected = big_plan(tiny_foods)
    with Store(db) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        versions = [v.version for v in s.plan_history("week")]
        assert versions[0] >= last  # every version the child reported as saved is there
        assert versions == list(range(versions[0], 0, -1))  # no gap, no half-written version
        assert s.load_plan("week", version=1) == make_plan(tiny_foods)
        for v in versions[:-1]:
            assert s.load_plan("week", version=v) == expected


HOLD_A_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO settings (key, value_json) VALUES ('uncommitted', '1')")
print("holding the lock", flush=True)
time.sleep(120)
"""


def test_a_database_locked_by_another_process(saved, tiny_foods):
    db, _ = saved
    proc = _child(HOLD_A_WRITE_LOCK, str(db))
    try:
        _wait_for(proc, "holding the lock")
        with Store(db, timeout_s=0.2) as s:
            assert s.load_plan("week") == make_plan(tiny_foods)  # reading still works (WAL)
            assert s.get_setting("uncommitted") is None  # the other process's write is not visible
            with pytest.raises(StoreError, match=r"is busy: another magplan or app session is saving to it "
                                                 r"\(waited 0.2 s to save plan 'week'\); close the other one "
                                                 r"and try again, or work on a copy: cp "):
                s.save_plan("week", make_plan(tiny_foods, seeds=2.0))
    finally:
        _kill(proc)
    with Store(db) as s:
        assert [v.version for v in s.plan_history("week")] == [1]
        assert s.get_setting("uncommitted") is None  # the killed transaction was rolled back
        assert s.save_plan("week", make_plan(tiny_foods, seeds=2.0)) == 2


def test_a_read_only_file_can_be_read_but_not_changed(saved, tiny_foods):
    db, _ = saved
    before = digest(db)
    os.chmod(db, 0o444)
    try:
        with Store(db) as s:
            assert s.read_only
            assert s.load_plan("week") == make_plan(tiny_foods)
            for write in (lambda: s.save_plan("week", make_plan(tiny_foods)), lambda: s.delete_plan("week"),
                          lambda: s.set_setting("units", "metric"), lambda: s.save_profile("me", Profile())):
                with pytest.raises(StoreError, match=r"is read-only; make it writable \(chmod u\+w .*\) or copy it "
                                                     r"to a writable place and use that copy: cp .*"
                                                     r"The file was not changed"):
                    write()
        assert digest(db) == before
    finally:
        os.chmod(db, 0o644)


def test_a_read_only_file_that_needs_an_upgrade_is_refused(tmp_path):
    db = tmp_path / "old.db"
    db.write_bytes(b"")
    os.chmod(db, 0o444)
    try:
        with pytest.raises(StoreError, match=rf"is read-only and needs an upgrade \(schema 0 -> {SCHEMA_VERSION}\); "
                                             r"make it writable"):
            Store(db)
        assert db.read_bytes() == b""
    finally:
        os.chmod(db, 0o644)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:] = bytes((i * 37 + 11) % 256 for i in range(len(data) - 4096))
    path.write_bytes(bytes(data))


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"this is a shopping list, not a database\n" * 100)


def _tiny(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00\x10")


@pytest.mark.parametrize("damage, detail", [
    (_truncate, "database disk image is malformed"),
    (_garbage_pages, "malformed"),
    (_not_sqlite, "it does not start with an SQLite header"),
    (_tiny, "it does not start with an SQLite header"),
])
def test_a_damaged_file_is_refused_untouched_with_a_way_out(saved, tiny_foods, damage, detail):
    db, _ = saved
    with Store(db) as s:  # make it bigger than a page or two so truncation cuts real data
        for i in range(40):
            s.save_plan(f"plan {i}", make_plan(tiny_foods))
    damage(db)
    before = digest(db)
    with pytest.raises(StoreError) as info:
        Store(db)
    message = str(info.value)
    assert f"the plans database {db} is damaged or not a magplan database" in message
    assert detail in message
    assert "it was not changed. Copy it aside and start fresh: mv" in message
    assert f"{db}.broken-" in message
    assert digest(db) == before


def test_a_database_from_a_newer_magplan_is_refused_untouched(saved):
    db, _ = saved
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(db)
    with pytest.raises(StoreError, match=rf"made by a newer magplan \(schema {SCHEMA_VERSION + 1}; this one knows "
                                         rf"{SCHEMA_VERSION}\); "
                                         r"upgrade magplan or use a different --db PATH. The file was not changed"):
        Store(db)
    assert digest(db) == before


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match=r"is a folder; give a file path"):
        Store(tmp_path)


def test_a_database_under_a_file_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match=r"cannot create the folder .*file for the plans database"):
        Store(tmp_path / "file" / "plans.db")


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    db = tmp_path / "photos.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO albums (title) VALUES ('summer')")
    conn.commit()
    conn.close()
    before = digest(db)
    with pytest.raises(StoreError, match=r"is an SQLite database of another program \(tables: albums\), not a "
                                         r"magplan plans database; it was not changed. Give a different --db PATH"):
        Store(db)
    assert digest(db) == before


def test_a_new_database_locked_while_it_is_being_set_up(tmp_path):
    db = tmp_path / "new.db"
    proc = _child(HOLD_A_WRITE_LOCK.replace(
        "conn.execute(\"INSERT INTO settings (key, value_json) VALUES ('uncommitted', '1')\")",
        "conn.execute('CREATE TABLE half_made (x)')"), str(db))
    try:
        _wait_for(proc, "holding the lock")
        with pytest.raises(StoreError, match=r"is busy: another magplan or app session is saving to it "
                                             r"\(waited 0.2 s to open\)"):
            Store(db, timeout_s=0.2)
    finally:
        _kill(proc)
    with Store(db) as s:  # the other process died mid-setup: its half-made table was rolled back
        assert s.schema_version() == SCHEMA_VERSION
        assert s.list_plans() == []
