"""CLI tests of magplan swap / lock / unlock / exclude / regenerate / set-servings (in-process, tmp files)."""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from planner import swaps
from planner.changes import diff_plans
from cli import main
from planner.model import Lock, Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.plan_format import read_plan, write_plan
from planner.nutrition import make_day, make_item

SLOTS = ("breakfast", "lunch", "dinner", "snack")

# A hand-built 3-day plan from the curated table (no solver needed for listing, locking and errors).
HAND_DAYS = {
    1: {"breakfast": {"oats_rolled_dry": 1.0}, "lunch": {"brown_rice_cooked": 1.0, "black_beans_cooked": 1.0},
        "dinner": {"salmon_cooked": 1.0, "spinach_raw": 2.0}, "snack": {"pumpkin_seeds": 1.0}},
    2: {"breakfast": {"oats_rolled_dry": 1.0, "banana": 1.0}, "lunch": {"black_beans_cooked": 2.0},
        "dinner": {"brown_rice_cooked": 1.0, "spinach_raw": 2.0}, "snack": {"almonds": 1.0}},
    3: {"breakfast": {"oats_rolled_dry": 1.0}, "lunch": {"salmon_cooked": 1.0, "spinach_raw": 1.0},
        "dinner": {"brown_rice_cooked": 1.0, "black_beans_cooked": 1.0}, "snack": {"dark_chocolate_70_85": 1.0}},
}


def hand_plan(foods: pd.DataFrame) -> WeekPlan:
    days = tuple(make_day(d, [Meal(s, tuple(make_item(foods, f, x) for f, x in meals.get(s, {}).items()))
                              for s in SLOTS]) for d, meals in HAND_DAYS.items())
    targets = Targets(magnesium_mg=300.0, energy_kcal_min=0.0, energy_kcal_max=4000.0, protein_g_min=0.0,
                      fiber_g_min=0.0, sodium_mg_max=2300.0, iron_mg=8.0, vitamin_d_ug=15.0, vitamin_b12_ug=2.4,
                      calcium_mg=1000.0, potassium_mg=2600.0, magnesium_ul_supplemental_mg=350.0)
    return WeekPlan(profile=Profile(), targets=targets, rules=Rules(days=3), days=days,
                    solver=SolverInfo(name="hand", status="optimal"))


def _written(plan: WeekPlan, path):
    write_plan(plan, path)
    return path


@pytest.fixture
def plan_file(tmp_path, curated):
    return _written(hand_plan(curated), tmp_path / "plan.json")


def test_swap_without_to_prints_the_ranked_alternatives(plan_file, curated, capsys):
    assert main(["swap", str(plan_file), "--day", "2", "--slot", "snack", "--food", "almonds"]) == 0
    out = capsys.readouterr().out
    expected = swaps.alternatives(read_plan(plan_file), curated, 2, "snack", "almonds")
    assert len(expected) >= 2
    assert out.startswith("Alternatives for Almonds (almonds, 1 serving) at day 2 snack")
    # every alternative is listed, in the library's order
    lines = [ln for ln in out.splitlines() if ln[:1].isdigit()]
    assert [ln.split()[1] for ln in lines] == list(expected["food_id"])
    assert "--to FOOD_ID" in out


def test_swap_alternatives_as_csv(plan_file, curated, capsys):
    assert main(["swap", str(plan_file), "--day", "2", "--slot", "snack", "--food", "almonds",
                 "--format", "csv", "--limit", "2"]) == 0
    from io import StringIO

    got = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(got.columns) == list(swaps.ALTERNATIVE_COLUMNS)
    expected = swaps.alternatives(read_plan(plan_file), curated, 2, "snack", "almonds", limit=2)
    assert list(got["food_id"]) == list(expected["food_id"])


def test_lock_is_recorded_in_the_json_and_unlock_removes_it(plan_file, tmp_path, capsys):
    locked = tmp_path / "locked.json"
    assert main(["lock", str(plan_file), "--day", "2", "--slot", "snack", "--food", "almonds",
                 "--out", str(locked)]) == 0
    assert "locked day 2 snack almonds" in capsys.readouterr().out
    assert json.loads(locked.read_text())["locks"] == [{"day": 2, "slot": "snack", "food_id": "almonds"}]
    # the other days and meals are unchanged; the input file too
    assert read_plan(locked).days == read_plan(plan_file).days
    assert read_plan(plan_file).locks == ()
    assert main(["lock", str(locked), "--day", "3", "--in-place"]) == 0
    assert read_plan(locked).locks == (Lock(2, "snack", "almonds"), Lock(3))
    assert main(["unlock", str(locked), "--day", "2", "--in-place"]) == 0
    assert read_plan(locked).locks == (Lock(3),)


def test_lock_without_out_writes_json_to_stdout(plan_file, capsys):
    assert main(["lock", str(plan_file), "--day", "1"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["locks"] == [{"day": 1, "slot": None, "food_id": None}]
    assert "locked day 1" in captured.err


def test_swapping_a_locked_item_is_refused_in_one_line(plan_file, tmp_path, capsys):
    locked = tmp_path / "locked.json"
    main(["lock", str(plan_file), "--day", "2", "--slot", "snack", "--out", str(locked)])
    capsys.readouterr()
    before = locked.read_bytes()
    out = tmp_path / "new.json"
    code = main(["swap", str(locked), "--day", "2", "--slot", "snack", "--food", "almonds", "--to", "banana",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("magplan: error: ")
    assert "'almonds' in day 2 snack is locked; unlock it" in err
    assert not out.exists() and locked.read_bytes() == before
    # listing alternatives still works, and says the item is locked
    assert main(["swap", str(locked), "--day", "2", "--slot", "snack", "--food", "almonds"]) == 0
    assert "It is locked: unlock it first (magplan unlock PLAN.json --day 2 --slot 'snack')." in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["swap", "{plan}", "--day", "9", "--slot", "snack", "--food", "almonds"], "day 9 is not in the plan"),
    (["swap", "{plan}", "--day", "2", "--slot", "tea", "--food", "almonds"], "unknown meal slot 'tea'"),
    (["swap", "{plan}", "--day", "2", "--slot", "snack", "--food", "kale"], "'kale' is not in day 2 snack"),
    (["swap", "{plan}", "--day", "2", "--slot", "snack", "--food", "almonds", "--to", "kale"],
     "unknown food 'kale'"),
    (["swap", "{plan}", "--day", "2", "--slot", "snack", "--food", "almonds", "--out", "x.json"],
     "--out/--in-place need --to"),
    (["set-servings", "{plan}", "--day", "2", "--slot", "snack", "--food", "almonds", "--servings", "0.3"],
     "multiple of 0.5"),
    (["lock", "{plan}", "--day", "2", "--food", "almonds"], "also name its meal slot"),
    (["exclude", "{plan}", "--food", "kale"], "unknown food 'kale'"),
    (["swap", "{missing}", "--day", "2", "--slot", "snack", "--food", "almonds"], "file not found"),
])
def test_bad_requests_exit_2_with_one_line(plan_file, tmp_path, capsys, argv, message):
    argv = [a.format(plan=plan_file, missing=tmp_path / "missing.json") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_non_integer_day_is_an_argparse_error(plan_file, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["swap", str(plan_file), "--day", "two", "--slot", "snack", "--food", "almonds"])
    assert exc.value.code == 2
    assert "invalid int value: 'two'" in capsys.readouterr().err


# --- through the optimizer (the session's 7-day curated plan, solved once in test_swaps) --------------
@pytest.fixture(scope="session")
def week():
    from test_swaps import solved_week

    return solved_week()


@pytest.fixture
def week_file(tmp_path, week):
    return _written(week[1], tmp_path / "week.json")


def _days_json(path, skip: set[int]) -> list[str]:
    return [json.dumps(d, sort_keys=True) for d in json.loads(path.read_text())["days"] if d["day"] not in skip]


def _meal(plan: WeekPlan, day: int, slot: str) -> dict[str, float]:
    return {it.food_id: it.servings for m in plan.day(day).meals if m.slot == slot for it in m.items}


def test_swap_to_writes_the_new_plan_and_prints_the_exact_changes(week_file, tmp_path, capsys):
    out = tmp_path / "new.json"
    before = week_file.read_bytes()
    assert main(["swap", str(week_file), "--day", "2", "--slot", "snack", "--food", "almonds", "--to", "cashews",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    old, new = read_plan(week_file), read_plan(out)
    changes = diff_plans(old, new)
    assert printed == [f"{len(changes)} item(s) changed:", *("  " + c.describe() for c in changes), f"wrote {out}"]
    assert "cashews" in _meal(new, 2, "snack") and "almonds" not in _meal(new, 2, "snack")
    assert _days_json(out, {2}) == _days_json(week_file, {2})
    assert week_file.read_bytes() == before


def test_swap_to_without_out_prints_json_and_changes_on_stderr(week_file, capsys):
    assert main(["swap", str(week_file), "--day", "2", "--slot", "snack", "--food", "almonds",
                 "--to", "cashews"]) == 0
    captured = capsys.readouterr()
    new = json.loads(captured.out)
    assert any(it["food_id"] == "cashews" for d in new["days"] if d["day"] == 2 for m in d["meals"]
               if m["slot"] == "snack" for it in m["items"])
    assert "item(s) changed" in captured.err and "cashews" in captured.err


def test_a_lock_in_the_json_is_kept_by_a_later_regenerate(week_file, tmp_path, capsys):
    locked, out = tmp_path / "locked.json", tmp_path / "regen.json"
    assert main(["lock", str(week_file), "--day", "4", "--slot", "breakfast", "--out", str(locked)]) == 0
    assert main(["regenerate", str(locked), "--day", "4", "--out", str(out)]) == 0
    assert "item(s) changed" in capsys.readouterr().out
    old, new = read_plan(week_file), read_plan(out)
    assert new.locks == (Lock(4, "breakfast"),)
    assert _meal(new, 4, "breakfast") == _meal(old, 4, "breakfast")
    assert not set(_meal(new, 4, "lunch")) & set(_meal(old, 4, "lunch"))
    assert _days_json(out, {4}) == _days_json(week_file, {4})


def test_set_servings_and_exclude_in_place(week_file, capsys):
    plan = read_plan(week_file)
    food, servings = sorted(_meal(plan, 5, "dinner").items())[0]
    new_servings = servings + 0.5 if servings + 0.5 <= 2 else servings - 0.5
    assert main(["set-servings", str(week_file), "--day", "5", "--slot", "dinner", "--food", food,
                 "--servings", f"{new_servings:g}", "--in-place"]) == 0
    assert _meal(read_plan(week_file), 5, "dinner")[food] == new_servings
    snack = sorted(_meal(read_plan(week_file), 6, "snack"))[0]
    assert main(["exclude", str(week_file), "--food", snack, "--in-place"]) == 0
    after = read_plan(week_file)
    assert snack in after.excluded
    assert all(it.food_id != snack for d in after.days for m in d.meals for it in m.items)
    assert f"wrote {week_file}" in capsys.readouterr().out


def test_unsatisfiable_swap_exits_2_with_the_explanation_in_one_line(week, tmp_path, capsys):
    from dataclasses import replace

    table, base = week
    impossible = replace(swaps.lock(base, 2, "lunch"), targets=replace(base.targets, magnesium_mg=3000.0))
    path, out = tmp_path / "impossible.json", tmp_path / "new.json"
    write_plan(impossible, path)
    before = path.read_bytes()
    assert main(["swap", str(path), "--day", "2", "--slot", "snack", "--food", "almonds", "--to", "cashews",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("magplan: error: cannot swap 'almonds' for 'cashews' in day 2 snack: Day 2 cannot be")
    assert not out.exists() and path.read_bytes() == before


def test_foods_csv_adds_user_foods_to_the_alternatives(plan_file, tmp_path, capsys):
    from conftest import make_food_table

    mine = make_food_table({"my_seed_mix": {"category": "seeds", "slots": "snack", "magnesium_mg": 300.0,
                                            "energy_kcal": 550.0, "serving_g": 28.0, "protein_g": 20.0}})
    csv = tmp_path / "mine.csv"
    mine.reset_index().to_csv(csv, index=False)
    argv = ["swap", str(plan_file), "--day", "2", "--slot", "snack", "--food", "almonds", "--format", "csv",
            "--limit", "100"]
    assert main(argv) == 0
    assert "my_seed_mix" not in capsys.readouterr().out
    assert main([*argv, "--foods", str(csv)]) == 0
    assert "my_seed_mix" in capsys.readouterr().out
    assert main([*argv, "--foods", str(csv), "--all-usda"]) == 2
    assert "use either --all-usda or --foods" in capsys.readouterr().err


def test_unlock_without_a_lock_says_so_and_keeps_the_plan(plan_file, tmp_path, capsys):
    out = tmp_path / "same.json"
    assert main(["unlock", str(plan_file), "--day", "2", "--out", str(out)]) == 0
    assert "nothing to unlock: day 2 had no lock" in capsys.readouterr().out
    assert read_plan(out) == read_plan(plan_file)


# --- plans made of dishes (format version 2): the session's 7-day dish plan, solved once in test_edits ------
@pytest.fixture(scope="session")
def dish_week():
    from test_edits import solved_dish_week

    return solved_dish_week()


@pytest.fixture
def dish_file(tmp_path, dish_week):
    return _written(dish_week[1], tmp_path / "dishes.json")


def _dishes(plan: WeekPlan, day: int, slot: str) -> dict[str, float]:
    return {x.dish_id: x.portions for m in plan.day(day).meals if m.slot == slot for x in m.dishes}


def test_dish_swap_lists_ranked_alternatives_as_a_table_and_as_csv(dish_file, dish_week, curated, capsys):
    from io import StringIO

    from planner import dish_alternatives
    from cli.swaps import ALTERNATIVE_FIELDS

    tables, plan = dish_week
    dinner = next(iter(_dishes(plan, 3, "dinner")))
    expected = dish_alternatives.alternatives(plan, tables, curated, day=3, slot="dinner", dish_id=dinner, limit=5)
    assert main(["swap", str(dish_file), "--day", "3", "--slot", "dinner", "--dish", dinner, "--limit", "5"]) == 0
    out = capsys.readouterr().out
    dish = plan.day(3).meals[2].dishes[0]
    portions = f"{dish.portions:g} portion" + ("" if dish.portions == 1 else "s")
    assert out.startswith(f"Alternatives for {dish.name} ({dinner}, {portions}) at day 3 dinner")
    rows = [ln for ln in out.splitlines() if ln[:1].isdigit()]
    assert [ln.split()[1] for ln in rows] == [a.dish_id for a in expected]
    assert f"--dish '{dinner}' --to DISH_ID" in out
    assert main(["swap", str(dish_file), "--day", "3", "--slot", "dinner", "--dish", dinner, "--limit", "5",
                 "--format", "csv"]) == 0
    got = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(got.columns) == list(ALTERNATIVE_FIELDS)
    assert list(got["dish_id"]) == [a.dish_id for a in expected]
    assert list(got["delta_magnesium_mg"]) == pytest.approx([a.delta_magnesium_mg for a in expected])


def test_dish_swap_to_writes_the_new_plan_and_prints_the_exact_changes(dish_file, dish_week, curated, tmp_path,
                                                                       capsys):
    from planner import dish_alternatives, edits

    tables, plan = dish_week
    dinner = next(iter(_dishes(plan, 3, "dinner")))
    to = dish_alternatives.alternatives(plan, tables, curated, day=3, slot="dinner", dish_id=dinner)[0].dish_id
    out, before = tmp_path / "new.json", dish_file.read_bytes()
    assert main(["swap", str(dish_file), "--day", "3", "--slot", "dinner", "--dish", dinner, "--to", to,
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    new = read_plan(out)
    changes = edits.diff_dish_plans(plan, new)
    assert printed == [f"{len(changes)} dish(es) changed:", *("  " + c.describe() for c in changes), f"wrote {out}"]
    assert to in _dishes(new, 3, "dinner") and dinner not in _dishes(new, 3, "dinner")
    assert _days_json(out, {3}) == _days_json(dish_file, {3})
    assert dish_file.read_bytes() == before and new.version == 2


def _unmarked(day):
    """A day without its leftover marks (what a change on the day before may take away)."""
    return replace(day, meals=tuple(replace(m, leftover_from=None) for m in day.meals))


def test_dish_lock_then_regenerate_keeps_the_locked_dish(dish_file, dish_week, capsys):
    _tables, plan = dish_week
    lunch = next(iter(_dishes(plan, 5, "lunch")))
    assert main(["lock", str(dish_file), "--day", "5", "--slot", "lunch", "--dish", lunch, "--in-place"]) == 0
    assert f"locked day 5 lunch {lunch}" in capsys.readouterr().out
    assert read_plan(dish_file).locks == (Lock(5, "lunch", lunch),)
    assert main(["regenerate", str(dish_file), "--day", "5", "--in-place"]) == 0
    assert "dish(es) changed:" in capsys.readouterr().out
    new = read_plan(dish_file)
    assert _dishes(new, 5, "lunch")[lunch] == _dishes(plan, 5, "lunch")[lunch]
    assert not set(_dishes(new, 5, "dinner")) & set(_dishes(plan, 5, "dinner"))
    # other days are unchanged, except that tomorrow's lunch left over from the old dinner is no leftover now
    assert [_unmarked(d) for d in new.days if d.day != 5] == [_unmarked(d) for d in plan.days if d.day != 5]
    assert not any(m.slot == "lunch" and m.leftover_from is not None and m.leftover_from.day == 5
                   for m in new.day(6).meals)
    assert main(["unlock", str(dish_file), "--day", "5", "--in-place"]) == 0
    assert read_plan(dish_file).locks == ()


def test_dish_set_portions_and_exclude_in_place(dish_file, dish_week, capsys):
    _tables, plan = dish_week
    from test_edits import caffeine_free_snack

    day, snack = caffeine_free_snack(plan)
    assert main(["set-portions", str(dish_file), "--day", str(day), "--slot", "snack", "--dish", snack,
                 "--portions", "1.25", "--in-place"]) == 0
    assert _dishes(read_plan(dish_file), day, "snack")[snack] == 1.25
    assert main(["exclude", str(dish_file), "--dish", snack, "--in-place"]) == 0
    after = read_plan(dish_file)
    assert snack in after.excluded
    assert all(snack not in _dishes(after, d.day, s) for d in after.days for s in ("snack", "evening"))
    assert f"wrote {dish_file}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["swap", "{plan}", "--day", "3", "--slot", "dinner", "--food", "almonds"], "name the dish with --dish"),
    (["swap", "{plan}", "--day", "3", "--slot", "dinner"], "name the dish with --dish DISH_ID"),
    (["swap", "{plan}", "--day", "3", "--slot", "dinner", "--dish", "{dinner}", "--to", "no_such_dish"],
     "unknown dish 'no_such_dish'"),
    (["swap", "{plan}", "--day", "3", "--slot", "dinner", "--dish", "{dinner}", "--all-usda"],
     "--all-usda is for version-1 plans"),
    (["set-portions", "{plan}", "--day", "3", "--slot", "dinner", "--dish", "{dinner}", "--portions", "0.3"],
     "portions 0.3 is not allowed; use 0.5 to 2 in steps of 0.25"),
    (["set-servings", "{plan}", "--day", "3", "--slot", "dinner", "--food", "x", "--servings", "1"],
     "use 'magplan set-portions"),
    (["exclude", "{plan}", "--dish", "{dinner}", "--food", "salt"], "exclude one thing"),
    (["lock", "{plan}", "--day", "3", "--dish", "{dinner}"], "also name its meal slot"),
    (["set-portions", "{v1}", "--day", "2", "--slot", "snack", "--dish", "almonds", "--portions", "1"],
     "use 'magplan set-servings"),
    (["swap", "{v1}", "--day", "2", "--slot", "snack", "--dish", "almonds"], "name the food with --food FOOD_ID"),
])
def test_dish_plan_bad_requests_exit_2_with_one_line(dish_file, dish_week, plan_file, capsys, argv, message):
    dinner = next(iter(_dishes(dish_week[1], 3, "dinner")))
    argv = [a.format(plan=dish_file, dinner=dinner, v1=plan_file) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_unsatisfiable_dish_change_exits_2_with_one_line(dish_week, tmp_path, capsys):
    from dataclasses import replace

    _tables, plan = dish_week
    impossible = replace(plan, targets=replace(plan.targets, magnesium_mg=3000.0))
    dinner = next(iter(_dishes(plan, 4, "dinner")))
    path, out = tmp_path / "impossible.json", tmp_path / "new.json"
    write_plan(impossible, path)
    assert main(["set-portions", str(path), "--day", "4", "--slot", "dinner", "--dish", dinner, "--portions", "0.5",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"magplan: error: cannot set '{dinner}' in day 4 dinner to 0.5 portions: ")
    assert not out.exists()
