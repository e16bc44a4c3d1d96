"""``magplan plans ...``: a thin layer over planner.store; each error is one line and exit 2."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cli import main
from planner.plan_format import read_plan, write_plan
from planner.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_store import make_plan  # noqa: E402


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.db"


@pytest.fixture
def plan_file(tmp_path, curated):
    """make_plan's plan of real foods: 'plans show' checks a plan's numbers against the food table."""
    path = tmp_path / "p.json"
    write_plan(make_plan(curated, ids=("pumpkin_seeds", "spinach_raw")), path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_save_list_show_history(capsys, db, plan_file):
    code, out, _ = run(capsys, "plans", "list", "--db", str(db))
    assert code == 0 and "No saved plans yet. Save one with: magplan plans save NAME PLAN.json" in out
    assert run(capsys, "plans", "save", "week 1", str(plan_file), "--db", str(db))[1] == \
        "Saved plan 'week 1' as version 1.\n"
    assert run(capsys, "plans", "save", "week 1", str(plan_file), "--db", str(db))[1] == \
        "Saved plan 'week 1' as version 2 (version 1 kept in the history).\n"
    code, out, _ = run(capsys, "plans", "list", "--db", str(db))
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:4] == ["name", "versions", "latest", "days"]
    assert row.split()[:7] == ["week", "1", "2", "2", "1", "320", "mg"]
    code, out, _ = run(capsys, "plans", "show", "week 1", "--format", "json", "--db", str(db))
    assert code == 0 and json.loads(out)["targets"]["magnesium_mg"] == 320
    code, out, _ = run(capsys, "plans", "history", "week 1", "--db", str(db))
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["2", "1"]


def test_show_markdown_uses_the_markdown_writer(capsys, db, plan_file):
    run(capsys, "plans", "save", "w", str(plan_file), "--db", str(db))
    code, out, _ = run(capsys, "plans", "show", "w", "--db", str(db))
    assert code == 0
    try:
        from planner.export import plan_to_markdown
    except ImportError:  # pragma: no cover - before the export module exists the JSON is shown
        assert json.loads(out)["version"] == 1
    else:
        assert out.rstrip("\n") == plan_to_markdown(read_plan(plan_file)).rstrip("\n")


def test_db_defaults_to_magplan_db(capsys, plan_file, tmp_path, monkeypatch):
    monkeypatch.setenv("MAGPLAN_DB", str(tmp_path / "env.db"))
    assert run(capsys, "plans", "save", "w", str(plan_file))[0] == 0
    with Store(tmp_path / "env.db") as s:
        assert [i.name for i in s.list_plans()] == ["w"]


def test_rename_delete_export_import(capsys, db, plan_file, tmp_path):
    run(capsys, "plans", "save", "a", str(plan_file), "--db", str(db))
    assert run(capsys, "plans", "rename", "a", "b", "--db", str(db))[1] == "Renamed plan 'a' to 'b'.\n"
    out_file = tmp_path / "out" / "b.json"
    code, out, _ = run(capsys, "plans", "export", "b", "--out", str(out_file), "--db", str(db))
    assert code == 0 and read_plan(out_file) == read_plan(plan_file)
    code, out, _ = run(capsys, "plans", "import", str(out_file), "--db", str(db))
    assert out == f"Imported {out_file} as version 2 of the existing plan 'b' (version 1 kept in the history).\n"
    code, out, _ = run(capsys, "plans", "import", str(out_file), "--name", "c", "--db", str(db))
    assert out == f"Imported {out_file} as plan 'c'.\n"
    assert run(capsys, "plans", "delete", "b", "--db", str(db))[1] == \
        f"Deleted plan 'b' (2 versions); bring it back with: magplan plans undelete 'b' --db '{db}'\n"
    with Store(db) as s:
        assert [i.name for i in s.list_plans()] == ["c"]


def test_backup_and_restore(capsys, db, plan_file, tmp_path):
    run(capsys, "plans", "save", "a", str(plan_file), "--db", str(db))
    backup = tmp_path / "all.json"
    code, out, _ = run(capsys, "plans", "backup", "--out", str(backup), "--db", str(db))
    assert code == 0 and backup.is_file() and "Wrote a backup" in out
    other = tmp_path / "other.db"
    code, out, _ = run(capsys, "plans", "restore", str(backup), "--db", str(other))
    assert code == 0 and "plan 'a': imported (1 version(s))" in out
    code, out, _ = run(capsys, "plans", "restore", str(backup), "--db", str(other))
    assert "plan 'a': already here, unchanged" in out
    code, out, _ = run(capsys, "plans", "restore", str(backup), "--replace", "--db", str(other))
    assert code == 0 and "the previous content was saved to" in out


def test_check_names_missing_foods_and_drops_them(capsys, db, tmp_path, curated, tiny_foods):
    from planner.model import Lock, Meal, replace
    from planner.nutrition import make_day, make_item

    real = curated.index[0]
    day = make_day(1, (Meal("breakfast", (make_item(curated, real, 1.0),)),
                       Meal("lunch", (make_item(tiny_foods, "greens", 2.0),))))  # "greens" is not curated
    plan = replace(make_plan(tiny_foods), days=(day,), locks=(Lock(1, "lunch", "greens"),))
    path = tmp_path / "p.json"
    write_plan(plan, path)
    run(capsys, "plans", "save", "w", str(path), "--db", str(db))
    code, out, _ = run(capsys, "plans", "check", "w", "--db", str(db))
    assert code == 1
    assert "Plan 'w' uses foods that are no longer in the food table: greens." in out
    assert "magplan plans check 'w' --drop" in out
    code, out, _ = run(capsys, "plans", "check", "w", "--drop", "--db", str(db))
    assert code == 0 and "saved version 2 of 'w'" in out
    with Store(db) as s:
        dropped = s.load_plan("w")
        assert [i.food_id for m in dropped.days[0].meals for i in m.items] == [real]
        assert dropped.locks == ()
        assert s.load_plan("w", version=1) == plan  # the old version stays in the history
    code, out, _ = run(capsys, "plans", "check", "w", "--db", str(db))
    assert code == 0 and "every food is in the food table" in out


@pytest.mark.parametrize("argv, message", [
    (["plans", "show", "nope"], "magplan: error: no saved plan named 'nope'; saved plans: 'w'"),
    (["plans", "show", "w", "--version", "7"], "plan 'w' has no version 7; the history keeps versions 1"),
    (["plans", "delete", "nope"], "no saved plan named 'nope'"),
    (["plans", "rename", "w", ""], "plan name is empty; give a name, e.g. 'week 1'"),
    (["plans", "save", "x" * 81, "{plan}"], "plan name is 81 characters; at most 80 are allowed"),
    (["plans", "save", "x", "{tmp}/missing.json"], "missing.json: file not found"),
    (["plans", "save", "x", "{tmp}/bad.json"], "bad.json: not valid JSON (line 1, column 2"),
    (["plans", "import", "{tmp}/bad.json"], "bad.json: not valid JSON"),
    (["plans", "restore", "{tmp}/bad.json"], "bad.json: not valid JSON"),
    (["plans", "restore", "{plan}"], "not a magplan backup (no \"magplan_backup\" field); a single plan is "
                                     "imported with 'magplan plans import'"),
    (["plans", "export", "nope", "--out", "{tmp}/o.json"], "no saved plan named 'nope'"),
])
def test_errors_are_one_line_and_exit_2(capsys, db, plan_file, tmp_path, argv, message):
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    run(capsys, "plans", "save", "w", str(plan_file), "--db", str(db))
    argv = [a.format(plan=plan_file, tmp=tmp_path) for a in argv]
    code, out, err = run(capsys, *argv, "--db", str(db))
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with Store(db) as s:
        assert [i.name for i in s.list_plans()] == ["w"]


@pytest.mark.parametrize("version, message", [("0", "version 0 does not exist; versions start at 1, e.g. 2"),
                                              ("two", "'two' is not a version number; give a whole number, e.g. 2")])
def test_bad_version_argument(capsys, db, version, message):
    with pytest.raises(SystemExit) as info:
        main(["plans", "show", "w", "--version", version, "--db", str(db)])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_damaged_database_is_one_line_and_untouched(capsys, tmp_path):
    db = tmp_path / "broken.db"
    db.write_bytes(b"garbage" * 100)
    code, _, err = run(capsys, "plans", "list", "--db", str(db))
    assert code == 2
    assert "is damaged or not a magplan database" in err and "Copy it aside and start fresh" in err
    assert db.read_bytes() == b"garbage" * 100


def test_missing_action_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plans"])
    assert info.value.code == 2
    assert "ACTION" in capsys.readouterr().err


def test_a_hand_edited_saved_plan_is_one_line_naming_plan_and_version(capsys, db, plan_file):
    import sqlite3

    run(capsys, "plans", "save", "w", str(plan_file), "--db", str(db))
    run(capsys, "plans", "save", "w", str(plan_file), "--db", str(db))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE plan_versions SET plan_json = '{\"version\": 1, \"days\": 3}' WHERE version = 2")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "plans", "show", "w", "--db", str(db))
    assert code == 2
    assert err.startswith("magplan: error: saved plan 'w' version 2 cannot be read (plan.profile is missing")
    assert err.count("\n") == 1
    code, out, _ = run(capsys, "plans", "show", "w", "--version", "1", "--format", "json", "--db", str(db))
    assert code == 0 and json.loads(out)["version"] == 1


def test_deleted_and_undelete(capsys, db, plan_file):
    assert run(capsys, "plans", "deleted", "--db", str(db))[1] == "No deleted plans to bring back.\n"
    run(capsys, "plans", "save", "a", str(plan_file), "--db", str(db))
    run(capsys, "plans", "delete", "a", "--db", str(db))
    code, out, _ = run(capsys, "plans", "deleted", "--db", str(db))
    assert code == 0 and out.splitlines()[1].split()[:2] == ["a", "1"]
    run(capsys, "plans", "save", "a", str(plan_file), "--db", str(db))
    code, _, err = run(capsys, "plans", "undelete", "a", "--db", str(db))
    assert code == 2 and "a plan named 'a' already exists" in err
    code, out, _ = run(capsys, "plans", "undelete", "a", "--as", "a old", "--db", str(db))
    assert code == 0 and out == "Brought back plan 'a' as 'a old'.\n"
    with Store(db) as s:
        assert [i.name for i in s.list_plans()] == ["a", "a old"]
        assert s.load_plan("a old") == read_plan(plan_file)
