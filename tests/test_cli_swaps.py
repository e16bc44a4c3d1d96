"""CLI tests of magplan swap / lock / unlock / exclude / regenerate / set-servings (in-process, tmp files)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from planner import swaps
from planner.cli import main
from planner.model import (Lock, Meal, Profile, Rules, SolverInfo, Targets, WeekPlan, plan_to_json, read_plan,
                           write_plan)
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


@pytest.fixture
def plan_file(tmp_path, curated):
    path = tmp_path / "plan.json"
    write_plan(hand_plan(curated), path)
    return path


def test_swap_without_to_prints_the_ranked_alternatives(plan_file, curated, capsys):
    assert main(["swap", str(plan_file), "--day", "2", "--slot", "snack", "--food", "almonds"]) == 0
    out = capsys.readouterr().out
    expected = swaps.alternatives(read_plan(plan_file), curated, 2, "snack", "almonds")
    assert len(expected) >= 2
    assert out.startswith("Alternatives for Almonds (almonds, 1 servings) at day 2 snack")
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
