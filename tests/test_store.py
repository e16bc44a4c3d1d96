"""planner.store: saved plans with history, profiles, pantry, settings, backup/import, missing foods."""
from __future__ import annotations

import json
import sqlite3
import threading

import numpy as np
import pandas as pd
import pytest

from planner.errors import PlanFormatError, StoreError
from planner.model import Lock, Meal, Profile, Rules, SolverInfo, Targets, WeekPlan, replace
from planner.plan_format import plan_to_json, read_plan, write_plan
from planner.nutrition import make_day, make_item
from planner.store import (SCHEMA_VERSION, Store, check_name, drop_missing_foods, missing_foods,
                           profile_from_dict)

TARGETS = Targets(magnesium_mg=320, energy_kcal_min=1800, energy_kcal_max=2200, protein_g_min=46, fiber_g_min=25,
                  sodium_mg_max=2300, iron_mg=18, vitamin_d_ug=15, vitamin_b12_ug=2.4, calcium_mg=1000,
                  potassium_mg=2600, magnesium_ul_supplemental_mg=350)


def make_plan(foods: pd.DataFrame, *, seeds: float = 1.5, days: int = 1, mg: float = 320,
              ids: tuple[str, str] = ("seeds", "greens")) -> WeekPlan:
    """A small plan: seeds at breakfast, greens at lunch (``ids``: their food_ids), on each day; lunch of day 1
    locked."""
    out = []
    for d in range(1, days + 1):
        out.append(make_day(d, (Meal("breakfast", (make_item(foods, ids[0], seeds),)),
                                Meal("lunch", (make_item(foods, ids[1], 2.0),)))))
    return WeekPlan(profile=Profile(age=45, overrides={"magnesium_mg": 320.0}), targets=replace(TARGETS, magnesium_mg=mg),
                    rules=Rules(), days=tuple(out), solver=SolverInfo("HiGHS", "optimal", 1.0, 1.0, 0.0, 0.1),
                    locks=(Lock(1, "lunch"), Lock(1, "lunch", ids[1])))


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "plans.db") as s:
        yield s


# --- plans ----------------------------------------------------------------------------------------
def test_save_and_load_round_trip_exactly(store, tiny_foods):
    plan = make_plan(tiny_foods)
    assert store.save_plan("week 1", plan) == 1
    again = store.load_plan("week 1")
    assert again == plan
    assert plan_to_json(again) == plan_to_json(plan)
    assert again.locks == plan.locks


def test_each_save_is_a_new_version_and_old_versions_load(store, tiny_foods):
    v1, v2 = make_plan(tiny_foods, seeds=1.0), make_plan(tiny_foods, seeds=2.0, days=3, mg=400)
    assert store.save_plan("week", v1) == 1
    assert store.save_plan("week", v2) == 2
    assert store.load_plan("week") == v2
    assert store.load_plan("week", version=1) == v1
    [info] = store.list_plans()
    assert (info.name, info.versions, info.latest_version, info.days, info.magnesium_target_mg) == \
        ("week", 2, 2, 3, 400.0)
    assert info.updated_at.startswith("20")
    assert [v.version for v in store.plan_history("week")] == [2, 1]
    assert [v.days for v in store.plan_history("week")] == [3, 1]


def test_history_keeps_the_last_n_versions(tmp_path, tiny_foods):
    with Store(tmp_path / "h.db", history=3) as s:
        for i in range(5):
            s.save_plan("week", make_plan(tiny_foods, seeds=1.0 + i))
        assert [v.version for v in s.plan_history("week")] == [5, 4, 3]
        assert s.load_plan("week", version=3) == make_plan(tiny_foods, seeds=3.0)
        with pytest.raises(StoreError, match=r"plan 'week' has no version 1; the history keeps versions 3, 4, 5"):
            s.load_plan("week", version=1)


def test_default_history_is_twenty(store, tiny_foods):
    plan = make_plan(tiny_foods)
    for _ in range(22):
        store.save_plan("week", plan)
    history = store.plan_history("week")
    assert len(history) == 20 and history[-1].version == 3 and history[0].version == 22


def test_list_plans_is_sorted_and_empty_at_first(store, tiny_foods):
    assert store.list_plans() == []
    store.save_plan("b", make_plan(tiny_foods))
    store.save_plan("a", make_plan(tiny_foods))
    assert [i.name for i in store.list_plans()] == ["a", "b"]


@pytest.mark.parametrize("name, message", [
    ("", "plan name is empty; give a name, e.g. 'week 1'"),
    ("   ", "plan name is empty"),
    ("x" * 81, "plan name is 81 characters; at most 80 are allowed"),
    ("a\nb", "contains a control character"),
    ("tab\there", "contains a control character"),
    ("nul\x00", "contains a control character"),
    (" week", "starts or ends with a space"),
    (7, "plan name must be text"),
])
def test_bad_plan_names_are_refused_with_a_message(store, tiny_foods, name, message):
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.save_plan(name, make_plan(tiny_foods))
    assert store.list_plans() == []


def test_longest_and_unicode_names_are_fine(store, tiny_foods):
    for name in ("x" * 80, "Semaine d'été 🌿", "week #2 (low sodium)"):
        store.save_plan(name, make_plan(tiny_foods))
        assert store.load_plan(name) == make_plan(tiny_foods)
    assert check_name("me", what="profile") == "me"


def test_unknown_plan_lists_the_saved_names(store, tiny_foods):
    with pytest.raises(StoreError, match=r"no saved plan named 'x'; saved plans: none yet"):
        store.load_plan("x")
    store.save_plan("week 1", make_plan(tiny_foods))
    store.save_plan("week 2", make_plan(tiny_foods))
    with pytest.raises(StoreError, match=r"no saved plan named 'x'; saved plans: 'week 1', 'week 2'"):
        store.load_plan("x")
    for call in (lambda: store.delete_plan("x"), lambda: store.plan_history("x"),
                 lambda: store.rename_plan("x", "y")):
        with pytest.raises(StoreError, match="saved plans: 'week 1', 'week 2'"):
            call()


def test_version_must_be_a_whole_number(store, tiny_foods):
    store.save_plan("w", make_plan(tiny_foods))
    with pytest.raises(StoreError, match="version must be a whole number, e.g. 1"):
        store.load_plan("w", version="2")  # type: ignore[arg-type]


def test_save_plan_needs_a_week_plan(store):
    with pytest.raises(StoreError, match="save_plan needs a WeekPlan, not dict"):
        store.save_plan("w", {"version": 1})  # type: ignore[arg-type]


def test_rename_keeps_history_and_refuses_a_taken_name(store, tiny_foods):
    store.save_plan("a", make_plan(tiny_foods, seeds=1.0))
    store.save_plan("a", make_plan(tiny_foods, seeds=2.0))
    store.save_plan("b", make_plan(tiny_foods))
    with pytest.raises(StoreError, match=r"a plan named 'b' already exists; pick another name, e.g. 'b 2'"):
        store.rename_plan("a", "b")
    store.rename_plan("a", "c")
    assert [i.name for i in store.list_plans()] == ["b", "c"]
    assert store.load_plan("c", version=1) == make_plan(tiny_foods, seeds=1.0)


def test_delete_removes_the_plan_and_its_history(store, tiny_foods):
    store.save_plan("a", make_plan(tiny_foods))
    store.save_plan("a", make_plan(tiny_foods))
    store.save_plan("b", make_plan(tiny_foods))
    assert store.delete_plan("a") == 2
    assert [i.name for i in store.list_plans()] == ["b"]
    assert store.conn.execute("SELECT COUNT(*) FROM plan_versions").fetchone()[0] == 1
    store.save_plan("a", make_plan(tiny_foods))  # the name is free again, history restarts
    assert store.plan_history("a")[0].version == 1


def _corrupt_version(path, name: str, version: int, text: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE plan_versions SET plan_json = ? WHERE version = ? AND plan_id = "
                 "(SELECT id FROM plans WHERE name = ?)", (text, version, name))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("text, detail", [
    ("{not json", "not valid JSON"),
    ('{"version": 1, "profile": {}, "targets": {}, "days": []}', r"plan.profile.age is missing"),
    ('{"version": 1, "profile": {"age": 45, "sex": "male", "status": "none"}, "targets": {}, "days": []}',
     r"plan.targets.magnesium_mg is missing"),
    ('{"version": 9}', "plan.version is 9"),
])
def test_a_hand_edited_plan_names_plan_and_version_and_others_still_work(tmp_path, tiny_foods, text, detail):
    db = tmp_path / "plans.db"
    with Store(db) as s:
        s.save_plan("good", make_plan(tiny_foods))
        s.save_plan("edited", make_plan(tiny_foods, seeds=1.0))
        s.save_plan("edited", make_plan(tiny_foods, seeds=2.0))
    _corrupt_version(db, "edited", 2, text)
    with Store(db) as s:
        with pytest.raises(PlanFormatError, match=rf"saved plan 'edited' version 2 cannot be read \(.*{detail}"):
            s.load_plan("edited")
        assert s.load_plan("edited", version=1) == make_plan(tiny_foods, seeds=1.0)
        assert s.load_plan("good") == make_plan(tiny_foods)
        assert [i.name for i in s.list_plans()] == ["edited", "good"]
        # a backup keeps the unreadable text as it is, and restoring it keeps it too
        backup = s.export_all(tmp_path / "b.json")
    data = json.loads(backup.read_text(encoding="utf-8"))
    edited = next(p for p in data["plans"] if p["name"] == "edited")
    assert edited["versions"][1]["plan_text"] == text
    with Store(tmp_path / "other.db") as t:
        t.import_all(backup)
        assert t.conn.execute("SELECT plan_json FROM plan_versions v JOIN plans p ON p.id = v.plan_id "
                              "WHERE p.name = 'edited' AND v.version = 2").fetchone()[0] == text


# --- profiles -------------------------------------------------------------------------------------
def test_profiles_save_load_list_delete(store):
    me = Profile(age=52, sex="female", diet="vegan", avoid_allergens=("tree_nuts",), overrides={"magnesium_mg": 400})
    store.save_profile("me", me)
    store.save_profile("dad", Profile(age=70, sex="male"))
    assert store.load_profile("me") == me
    assert store.list_profiles() == ["dad", "me"]
    store.save_profile("me", replace(me, age=53))  # replacing a profile by name
    assert store.load_profile("me").age == 53
    store.delete_profile("dad")
    assert store.list_profiles() == ["me"]
    with pytest.raises(StoreError, match=r"no saved profile named 'dad'; saved profiles: 'me'"):
        store.load_profile("dad")
    with pytest.raises(StoreError, match=r"no saved profile named 'dad'; saved profiles: 'me'"):
        store.delete_profile("dad")
    with pytest.raises(StoreError, match="profile name is empty; give a name, e.g. 'me'"):
        store.save_profile("", me)


def test_an_invalid_profile_is_not_saved(store):
    from planner.errors import ProfileError

    with pytest.raises(ProfileError, match="age"):
        store.save_profile("me", Profile(age=-3))
    assert store.list_profiles() == []


def test_profile_from_dict_names_the_field():
    with pytest.raises(PlanFormatError, match=r"profile.age is text 'old'; it must be a whole number, e.g. 40"):
        profile_from_dict({"age": "old"})
    assert profile_from_dict({"age": 30, "overrides": None}) == Profile(age=30)


# --- pantry ---------------------------------------------------------------------------------------
def test_pantry_round_trip_keeps_extra_columns_and_unknown_amounts(store):
    assert list(store.load_pantry().columns) == ["food_or_product", "amount", "unit"]
    assert len(store.load_pantry()) == 0
    rows = pd.DataFrame({"food_or_product": ["almonds", "salt"], "amount": [200, np.nan], "unit": ["g", None],
                         "note": ["from the market", None]})
    store.save_pantry(rows)
    got = store.load_pantry()
    assert list(got.columns) == ["food_or_product", "amount", "unit", "note"]
    assert got["food_or_product"].tolist() == ["almonds", "salt"]
    assert got["amount"].iloc[0] == 200.0 and np.isnan(got["amount"].iloc[1])
    assert got["unit"].iloc[0] == "g" and pd.isna(got["unit"].iloc[1])
    assert got["note"].iloc[0] == "from the market"
    store.save_pantry(rows.iloc[:1])  # save replaces the pantry
    assert store.load_pantry()["food_or_product"].tolist() == ["almonds"]


@pytest.mark.parametrize("rows, message", [
    (pd.DataFrame({"food": ["x"]}), r"pantry table: missing column\(s\) food_or_product, amount, unit"),
    (pd.DataFrame({"food_or_product": [""], "amount": [1], "unit": ["g"]}),
     r"pantry table, row 1, column 'food_or_product': empty; name a food or product, e.g. 'Almonds'"),
    (pd.DataFrame({"food_or_product": ["nuts"], "amount": [-1], "unit": ["g"]}),
     r"pantry table, row 1, column 'amount': -1 must be 0 or more, e.g. 200"),
    (pd.DataFrame({"food_or_product": ["nuts"], "amount": ["lots"], "unit": ["g"]}),
     r"pantry table, row 1, column 'amount': 'lots' is not a number; write e.g. 200 or 1.5"),
    (pd.DataFrame({"food_or_product": ["nuts"], "amount": [float("inf")], "unit": ["g"]}), "'inf' is not a number"),
    (pd.DataFrame({"food_or_product": ["nuts"], "amount": [1], "unit": [5]}), r"column 'unit': '5' is not a unit"),
    ([1, 2], r"the pantry must be a table \(DataFrame\)"),
])
def test_bad_pantry_rows_are_refused_and_the_old_pantry_kept(store, rows, message):
    keep = pd.DataFrame({"food_or_product": ["oats"], "amount": [500.0], "unit": ["g"]})
    store.save_pantry(keep)
    with pytest.raises(StoreError, match=message):
        store.save_pantry(rows)
    assert store.load_pantry()["food_or_product"].tolist() == ["oats"]


# --- settings -------------------------------------------------------------------------------------
def test_settings_hold_json_values(store):
    assert store.get_setting("units") is None
    assert store.get_setting("units", "metric") == "metric"
    for value in (7, 1.5, "imperial", True, None, [1, "a"], {"days": 5, "slots": ["lunch"]}):
        store.set_setting("x", value)
        assert store.get_setting("x", "default") == value
    assert store.settings() == {"x": {"days": 5, "slots": ["lunch"]}}


@pytest.mark.parametrize("value, message", [
    (float("nan"), "setting 'x' must be a JSON value"),
    ({1, 2}, "setting 'x' must be a JSON value .*e.g. 7"),
    (object(), "must be a JSON value"),
])
def test_settings_refuse_values_that_are_not_json(store, value, message):
    store.set_setting("x", 1)
    with pytest.raises(StoreError, match=message):
        store.set_setting("x", value)
    assert store.get_setting("x") == 1
    with pytest.raises(StoreError, match="setting name is empty; give a name, e.g. 'units'"):
        store.set_setting("", 1)


# --- opening --------------------------------------------------------------------------------------
def test_default_path_is_the_user_data_folder_or_magplan_db(tiny_foods, tmp_path, monkeypatch, _isolated_user_data):
    with Store() as s:
        s.save_plan("w", make_plan(tiny_foods))
        assert s.path == _isolated_user_data / "magplan.db"
    assert (_isolated_user_data / "magplan.db").is_file()
    monkeypatch.setenv("MAGPLAN_DB", str(tmp_path / "deep" / "er" / "mine.db"))
    with Store() as s:
        assert s.list_plans() == []
    assert (tmp_path / "deep" / "er" / "mine.db").is_file()


def test_a_new_database_gets_the_current_schema_and_wal(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_an_empty_file_is_migrated(tmp_path, tiny_foods):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    with Store(db) as s:
        assert s.schema_version() == SCHEMA_VERSION
        s.save_plan("w", make_plan(tiny_foods))
        assert s.load_plan("w") == make_plan(tiny_foods)


def test_closed_store_says_so(tmp_path):
    s = Store(tmp_path / "c.db")
    s.close()
    s.close()  # twice is fine
    with pytest.raises(StoreError, match="is closed; open it again with Store"):
        s.list_plans()


def test_history_must_be_positive(tmp_path):
    with pytest.raises(StoreError, match="history must be a whole number of versions of at least 1, e.g. 20"):
        Store(tmp_path / "x.db", history=0)


def test_two_sessions_see_committed_data_only(tmp_path, tiny_foods):
    db = tmp_path / "shared.db"
    with Store(db) as a, Store(db) as b:
        a.save_plan("w", make_plan(tiny_foods, seeds=1.0))
        assert b.load_plan("w") == make_plan(tiny_foods, seeds=1.0)  # committed: visible at once
        a.conn.execute("BEGIN IMMEDIATE")  # a is in the middle of something, not committed
        a.conn.execute("UPDATE plans SET name = 'renamed'")
        assert [i.name for i in b.list_plans()] == ["w"]
        a.conn.execute("ROLLBACK")
        b.save_plan("w", make_plan(tiny_foods, seeds=2.0))
        assert a.load_plan("w") == make_plan(tiny_foods, seeds=2.0)
        assert a.plan_history("w")[0].version == 2


def test_a_store_can_be_used_from_another_thread(store, tiny_foods):
    errors: list[BaseException] = []

    def work() -> None:
        try:
            store.save_plan("threaded", make_plan(tiny_foods))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert errors == []
    assert store.load_plan("threaded") == make_plan(tiny_foods)


# --- backup and import ----------------------------------------------------------------------------
def _fill(s: Store, foods: pd.DataFrame) -> None:
    s.save_plan("week 1", make_plan(foods, seeds=1.0))
    s.save_plan("week 1", make_plan(foods, seeds=2.0))
    s.save_plan("week 2", make_plan(foods, days=2))
    s.save_profile("me", Profile(age=52, diet="vegan"))
    s.save_pantry(pd.DataFrame({"food_or_product": ["almonds"], "amount": [200.0], "unit": ["g"]}))
    s.set_setting("units", "metric")


def test_backup_into_an_empty_database_brings_everything_back(tmp_path, tiny_foods):
    with Store(tmp_path / "a.db") as a:
        _fill(a, tiny_foods)
        path = a.export_all(tmp_path / "backup" / "all.json")
    with Store(tmp_path / "b.db") as b:
        report = b.import_all(path)
        assert "plan 'week 1': imported (2 version(s))" in report.messages
        assert report.plans == ("week 1", "week 2")
        assert [(i.name, i.versions) for i in b.list_plans()] == [("week 1", 2), ("week 2", 1)]
        assert b.load_plan("week 1", version=1) == make_plan(tiny_foods, seeds=1.0)
        assert b.load_plan("week 1") == make_plan(tiny_foods, seeds=2.0)
        assert b.load_profile("me") == Profile(age=52, diet="vegan")
        assert b.load_pantry()["food_or_product"].tolist() == ["almonds"]
        assert b.get_setting("units") == "metric"
        again = b.import_all(path)  # importing twice changes nothing
        assert "plan 'week 1': already here, unchanged" in again.messages
        assert [(i.name, i.versions) for i in b.list_plans()] == [("week 1", 2), ("week 2", 1)]
        assert len(b.load_pantry()) == 1


def test_merge_never_overwrites_an_existing_plan(tmp_path, tiny_foods):
    with Store(tmp_path / "a.db") as a:
        _fill(a, tiny_foods)
        path = a.export_all(tmp_path / "all.json")
    with Store(tmp_path / "b.db") as b:
        mine = make_plan(tiny_foods, seeds=0.5)
        b.save_plan("week 1", mine)
        b.save_profile("me", Profile(age=30))
        b.set_setting("units", "imperial")
        report = b.import_all(path)
        assert ("plan 'week 1': a different plan has that name here, so it was imported as "
                "'week 1 (imported)' (2 version(s))") in report.messages
        assert "profile 'me': a different profile has that name here, so it was imported as 'me (imported)'" \
            in report.messages
        assert "setting 'units': kept the value here (\"imperial\"); the backup has \"metric\"" in report.messages
        assert b.load_plan("week 1") == mine and len(b.plan_history("week 1")) == 1
        assert b.load_plan("week 1 (imported)") == make_plan(tiny_foods, seeds=2.0)
        assert b.load_profile("me") == Profile(age=30)
        assert b.get_setting("units") == "imperial"
        b.import_all(path)  # a second time: a new name again, nothing overwritten
        assert "week 1 (imported 2)" in [i.name for i in b.list_plans()]


def test_replace_saves_the_current_content_aside_first(tmp_path, tiny_foods):
    with Store(tmp_path / "a.db") as a:
        _fill(a, tiny_foods)
        path = a.export_all(tmp_path / "all.json")
    with Store(tmp_path / "b.db") as b:
        b.save_plan("only here", make_plan(tiny_foods))
        report = b.import_all(path, replace=True)
        assert [i.name for i in b.list_plans()] == ["week 1", "week 2"]
        assert report.safety_backup is not None and report.safety_backup.is_file()
        assert f"the previous content was saved to {report.safety_backup}" in report.messages
        # and the safety backup brings the old content back
        b.import_all(report.safety_backup)
        assert b.load_plan("only here") == make_plan(tiny_foods)


@pytest.mark.parametrize("content, message", [
    ("{oops", "not valid JSON \\(line 1"),
    ("[]", "not a magplan backup \\(no \"magplan_backup\" field\\)"),
    ('{"magplan_backup": 2}', "backup format 2; this magplan reads format 1"),
    ('{"magplan_backup": 1, "plans": {}}', "plans must be a list"),
    ('{"magplan_backup": 1, "plans": [{"name": "", "versions": []}]}', "plans\\[0\\]: plan name is empty"),
    ('{"magplan_backup": 1, "plans": [{"name": "a", "versions": []}]}', "versions must be a non-empty list"),
    ('{"magplan_backup": 1, "pantry": [{"food_or_product": "x", "amount": -2, "unit": "g"}]}',
     r"bad.json: pantry, row 1, column 'amount': -2 must be 0 or more, e.g. 200; nothing was imported"),
    ('{"magplan_backup": 1, "profiles": [{"name": "me", "profile": {"age": "x"}}]}',
     "profile.*age is text 'x'.*nothing was imported"),
])
def test_bad_backups_are_refused_and_nothing_is_imported(store, tiny_foods, tmp_path, content, message):
    store.save_plan("keep", make_plan(tiny_foods))
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises((StoreError, PlanFormatError), match=message):
        store.import_all(path)
    assert [i.name for i in store.list_plans()] == ["keep"]
    assert store.list_profiles() == []


def test_a_bad_plan_inside_a_backup_names_it_and_imports_nothing(store, tiny_foods, tmp_path):
    with Store(tmp_path / "a.db") as a:
        _fill(a, tiny_foods)
        path = a.export_all(tmp_path / "all.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["plans"][1]["versions"][0]["plan"]["days"][0]["day"] = -1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanFormatError, match=r"plans\[1\] \('week 2'\) versions\[0\]: plan.days\[0\].day is -1; "
                                              r"days are numbered from 1.*nothing was imported"):
        store.import_all(path)
    assert store.list_plans() == [] and store.list_profiles() == []


def test_backup_file_not_found(store, tmp_path):
    with pytest.raises(StoreError, match="file not found; give a backup written by 'magplan plans backup'"):
        store.import_all(tmp_path / "nope.json")


def test_export_and_import_one_plan(store, tiny_foods, tmp_path):
    store.save_plan("week 1", make_plan(tiny_foods, seeds=1.0))
    store.save_plan("week 1", make_plan(tiny_foods, seeds=2.0))
    out = store.export_plan("week 1", tmp_path / "w.json", version=1)
    assert read_plan(out) == make_plan(tiny_foods, seeds=1.0)
    assert store.import_plan(out) == ("w", 1)  # the file name is the default name
    assert store.import_plan(out, name="week 1") == ("week 1", 3)  # a taken name: a new version, history kept
    assert store.load_plan("week 1") == make_plan(tiny_foods, seeds=1.0)
    assert store.load_plan("week 1", version=2) == make_plan(tiny_foods, seeds=2.0)


def test_import_plan_refuses_a_bad_file_without_saving(store, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(PlanFormatError, match=r"bad.json: plan.profile is missing"):
        store.import_plan(path)
    assert store.list_plans() == []


# --- foods that no longer exist -------------------------------------------------------------------
def test_missing_foods_are_named_and_can_be_dropped(tiny_foods):
    plan = make_plan(tiny_foods, days=2)
    fewer = tiny_foods.drop(index=["greens"])
    assert missing_foods(plan, tiny_foods) == []
    assert drop_missing_foods(plan, tiny_foods) is plan
    assert missing_foods(plan, fewer) == ["greens"]
    dropped = drop_missing_foods(plan, fewer)
    assert missing_foods(dropped, fewer) == []
    for day in dropped.days:
        assert [i.food_id for m in day.meals for i in m.items] == ["seeds"]
        assert day.totals["magnesium_mg"] == pytest.approx(300.0)  # 1.5 x 100 g x 200 mg / 100 g, greens gone
        assert day.totals["cost_usd"] == pytest.approx(3.0)
    assert dropped.locks == (Lock(1, "lunch"),)  # the lock on greens went with it; the meal lock stays
    assert dropped.notes[-1] == "dropped foods that are no longer in the food table: greens"


def test_a_lock_on_a_missing_food_is_reported(tiny_foods):
    plan = replace(make_plan(tiny_foods), locks=(Lock(2, "dinner", "tofu"),))
    assert missing_foods(plan, tiny_foods) == ["tofu"]
    assert drop_missing_foods(plan, tiny_foods).locks == ()


def test_a_dropped_plan_can_be_saved_and_read_back(store, tiny_foods):
    dropped = drop_missing_foods(make_plan(tiny_foods), tiny_foods.drop(index=["seeds"]))
    store.save_plan("w", dropped)
    assert store.load_plan("w") == dropped


def test_write_plan_then_save_from_file(store, tiny_foods, tmp_path):
    write_plan(make_plan(tiny_foods), tmp_path / "p.json")
    store.save_plan("from file", read_plan(tmp_path / "p.json"))
    assert store.load_plan("from file") == make_plan(tiny_foods)


def _db_before_migration(tmp_path, tiny_foods, monkeypatch, migration: str):
    """A database with plan 'w' saved, and the code one schema version ahead with ``migration`` to get there."""
    import planner.store.schema as store_module

    db = tmp_path / "old.db"
    with Store(db) as s:
        s.save_plan("w", make_plan(tiny_foods))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, migration))
    return db


def test_forward_migrations_run_at_open_and_keep_the_data(tmp_path, tiny_foods, monkeypatch):
    db = _db_before_migration(tmp_path, tiny_foods, monkeypatch, "ALTER TABLE plans ADD COLUMN note TEXT DEFAULT ''")
    with Store(db) as s:
        assert s.schema_version() == SCHEMA_VERSION + 1
        assert "note" in [r[1] for r in s.conn.execute("PRAGMA table_info(plans)")]
        assert s.load_plan("w") == make_plan(tiny_foods)


def test_a_failing_migration_changes_nothing(tmp_path, tiny_foods, monkeypatch):
    db = _db_before_migration(tmp_path, tiny_foods, monkeypatch,
                              "ALTER TABLE plans ADD COLUMN a TEXT; SELECT no_such_function()")
    with pytest.raises(StoreError, match="no such function"):
        Store(db)
    monkeypatch.undo()
    with Store(db) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert "a" not in [r[1] for r in s.conn.execute("PRAGMA table_info(plans)")]
        assert s.load_plan("w") == make_plan(tiny_foods)


@pytest.mark.parametrize("change, message", [
    (lambda p: replace(p, notes=(np.int64(3),)), r"plan 'w' cannot be written as JSON \(Object of type int64"),
    (lambda p: replace(p, days=(replace(p.days[0], day=0),)), r"plan 'w' would not read back \(plan.days\[0\].day "
                                                             r"is 0; days are numbered from 1"),
])
def test_a_plan_that_would_not_read_back_is_not_saved(store, tiny_foods, change, message):
    store.save_plan("w", make_plan(tiny_foods))
    with pytest.raises(PlanFormatError, match=message):
        store.save_plan("w", change(make_plan(tiny_foods)))
    assert [v.version for v in store.plan_history("w")] == [1]


# --- undo a delete --------------------------------------------------------------------------------
def test_a_deleted_plan_can_be_brought_back_with_its_history(store, tiny_foods):
    store.save_plan("week", make_plan(tiny_foods, seeds=1.0))
    store.save_plan("week", make_plan(tiny_foods, seeds=2.0))
    store.delete_plan("week")
    [gone] = store.deleted_plans()
    assert (gone.name, gone.versions) == ("week", 2)
    assert store.undelete_plan("week") == "week"
    assert store.load_plan("week") == make_plan(tiny_foods, seeds=2.0)
    assert store.load_plan("week", version=1) == make_plan(tiny_foods, seeds=1.0)
    assert store.deleted_plans() == []


def test_undelete_never_overwrites_a_plan_of_the_same_name(store, tiny_foods):
    store.save_plan("week", make_plan(tiny_foods, seeds=1.0))
    store.delete_plan("week")
    store.save_plan("week", make_plan(tiny_foods, seeds=3.0))
    with pytest.raises(StoreError, match=r"a plan named 'week' already exists; bring the deleted one back under "
                                         r"another name, e.g. magplan plans undelete 'week' --as 'week \(restored\)'"):
        store.undelete_plan("week")
    assert store.undelete_plan("week", new_name="old week") == "old week"
    assert store.load_plan("old week") == make_plan(tiny_foods, seeds=1.0)
    assert store.load_plan("week") == make_plan(tiny_foods, seeds=3.0)


def test_undelete_of_an_unknown_name_lists_what_can_come_back(store, tiny_foods):
    with pytest.raises(StoreError, match=r"no deleted plan named 'x'; deleted plans that can be brought back: none"):
        store.undelete_plan("x")
    store.save_plan("a", make_plan(tiny_foods))
    store.delete_plan("a")
    with pytest.raises(StoreError, match=r"no deleted plan named 'x'; deleted plans that can be brought back: 'a'"):
        store.undelete_plan("x")


def test_only_the_last_deleted_plans_are_kept(store, tiny_foods, monkeypatch):
    import planner.store.plans as store_module

    monkeypatch.setattr(store_module, "DELETED_KEPT", 2)
    for name in ("a", "b", "c"):
        store.save_plan(name, make_plan(tiny_foods))
        store.delete_plan(name)
    assert [d.name for d in store.deleted_plans()] == ["c", "b"]


def test_a_schema_1_database_is_upgraded_and_keeps_its_plans(tmp_path, tiny_foods):
    import planner.store as store_module

    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(store_module.MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO plans (id, name, created_at, updated_at) VALUES (1, 'old', 't', 't')")
    conn.execute("INSERT INTO plan_versions VALUES (1, 1, 't', 1, 320, ?)", (plan_to_json(make_plan(tiny_foods)),))
    conn.close()
    with Store(db) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.load_plan("old") == make_plan(tiny_foods)
        s.delete_plan("old")
        assert s.undelete_plan("old") == "old"


def test_deleted_plans_travel_with_the_backup(tmp_path, tiny_foods):
    with Store(tmp_path / "a.db") as a:
        a.save_plan("gone", make_plan(tiny_foods))
        a.delete_plan("gone")
        path = a.export_all(tmp_path / "all.json")
    with Store(tmp_path / "b.db") as b:
        b.import_all(path)
        b.import_all(path)  # twice: still one entry
        assert [(d.name, d.versions) for d in b.deleted_plans()] == [("gone", 1)]
        assert b.undelete_plan("gone") == "gone"
        assert b.load_plan("gone") == make_plan(tiny_foods)
