"""magplan plan (plans made of dishes) and magplan optimize, in-process and one real subprocess.

Real solves: one 3-day vegan week in a subprocess (session-scoped) and one in-process day. Every other test
replaces the planner with a recorder (the options reach it as they should) or stops before solving.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pulp
import pytest

from cli import main
from cli import plan as cli_plan
from planner.model import DISH_PLAN_VERSION, Meal, SolverInfo, WeekPlan
from planner.plan_format import plan_from_json

ROOT = Path(__file__).resolve().parent.parent
EXCLUDED_DISH = "tofu_scramble_kale_toast"
EXCLUDED_FOOD = "mushrooms_white"
REAL_WEEK = ["plan", "--days", "3", "--age", "45", "--sex", "female", "--diet", "vegan", "--time-limit", "20",
             "--exclude-dish", EXCLUDED_DISH, "--exclude", EXCLUDED_FOOD, "--dislike", "tofu_firm",
             "--favorite", "almonds_handful", "--format", "json"]


@pytest.fixture(scope="session")
def library():
    """(foods, dish tables) loaded once: the shipped curated foods and dish library."""
    from foods.dishes import load_dishes
    from foods.load import load_foods

    foods = load_foods()
    return foods, load_dishes(foods)


@pytest.fixture
def shipped(library, monkeypatch):
    """magplan plan reads the session's library instead of loading it again (nothing else changes)."""
    monkeypatch.setattr(cli_plan, "_load_library", lambda args: library)
    return library


@pytest.fixture
def recorder(shipped, monkeypatch):
    """Replace plan_dish_week by a recorder returning a one-day plan of real dishes."""
    from planner.dishplan import make_dish
    from planner.nutrition import make_day
    from planner.targets import targets_for

    foods, tables = shipped
    calls: list[dict] = []

    def fake(tables_, foods_, profile, **kwargs):
        calls.append({"profile": profile, **kwargs})
        day = make_day(1, (Meal("breakfast", dishes=(make_dish(tables, foods, "banana_snack", "main", 1.0),)),))
        return WeekPlan(profile=profile, targets=targets_for(profile), rules=kwargs["rules"], days=(day,),
                        solver=SolverInfo("highs", "optimal"), notes=("Vitamin D is low. Ask for a test.",),
                        version=DISH_PLAN_VERSION)

    monkeypatch.setattr("planner.dishplan.plan_dish_week", fake)
    return calls


@pytest.fixture(scope="session")
def real_week(tmp_path_factory):
    """A real 3-day vegan week from `python -m cli plan > plan.json` (stdout, stderr).

    Stdout goes to a real file, as a user's redirect does: the solver threads once swapped file
    descriptor 1 and the plan was lost.
    """
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "MAGPLAN_HOME": str(home)}
    env.pop("MAGPLAN_DB", None)
    with open(home / "plan.json", "w+") as out:
        proc = subprocess.run([sys.executable, "-m", "cli", *REAL_WEEK], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return (home / "plan.json").read_text(), proc.stderr


# --- a real week ------------------------------------------------------------------------------------
def test_real_week_is_a_clean_version_2_plan_on_stdout(real_week):
    stdout, _err = real_week
    data = json.loads(stdout)  # nothing but the plan on stdout
    assert data["version"] == DISH_PLAN_VERSION and len(data["days"]) == 3
    plan = plan_from_json(stdout)
    for day in plan.days:
        assert day.totals["magnesium_mg"] >= plan.targets.magnesium_mg - 1e-6
        assert {m.slot for m in day.meals} >= {"breakfast", "lunch", "dinner", "snack"}
    dishes = [d for day in plan.days for m in day.meals for d in m.dishes]
    assert EXCLUDED_DISH not in {d.dish_id for d in dishes}
    assert EXCLUDED_FOOD not in {i.food_id for d in dishes for i in d.ingredients}
    assert plan.profile.favorite_foods == ("almonds_handful",) and plan.profile.exclude_foods == (EXCLUDED_FOOD,)
    assert plan.profile.disliked_foods == ("tofu_firm",)  # kept, so later edits avoid it too
    assert EXCLUDED_DISH in plan.excluded


def test_real_week_notes_go_to_stderr(real_week):
    stdout, err = real_week
    notes = json.loads(stdout)["notes"]
    assert notes, "a vegan week is short of vitamin D at least"
    for note in notes:
        assert f"note: {note}" in err
    assert "Running HiGHS" not in stdout + err


def test_real_day_markdown_to_file(shipped, tmp_path, capsys):
    out = tmp_path / "day.md"
    assert main(["plan", "--days", "1", "--age", "60", "--sex", "male", "--no-fish-rule", "--out", str(out),
                 "--format", "markdown"]) == 0
    text = out.read_text()
    assert "## Day 1" in text and "## Co-nutrients" in text and " mg Mg, " in text
    err = capsys.readouterr().err
    assert "wrote" in err and "note:" not in err  # the Markdown carries the notes itself


# --- options reach the planner ----------------------------------------------------------------------
BASE = ["plan", "--days", "2"]


@pytest.mark.parametrize("args, expect", [
    ([], {"rules.cheapest": False, "rules.max_breakfast_per_week": 3, "rules.fish_per_week_min": 2,
          "exclude_dishes": (), "favorites": (), "dislikes": ()}),
    (["--cheapest"], {"rules.cheapest": True}),
    (["--same-breakfast", "--days", "5"], {"rules.max_breakfast_per_week": 5, "rules.days": 5}),
    (["--no-fish-rule"], {"rules.fish_per_week_min": 0}),
    (["--days", "28"], {"rules.days": 28}),
    (["--favorite", "salmon_kedgeree", "--favorite", "almonds", "--favorite", "salmon_kedgeree"],
     {"favorites": ("salmon_kedgeree", "almonds"), "profile.favorite_foods": ("salmon_kedgeree", "almonds")}),
    (["--dislike", "tofu_firm", "--dislike", "miso_salmon_soba"], {"dislikes": ("tofu_firm", "miso_salmon_soba")}),
    ([], {"rules.caffeine_after_lunch_max_mg": 15.0}),  # RLS: about a cup of cocoa after lunch at most
    (["--caffeine-after-lunch-mg", "none"], {"rules.caffeine_after_lunch_max_mg": None}),
    (["--exclude-dish", "salmon_kedgeree", "--exclude", "mushrooms_white"],
     {"exclude_dishes": ("salmon_kedgeree",), "profile.exclude_foods": ("mushrooms_white",)}),
    (["--budget-usd-per-day", "7", "--evening-share", "0.4", "--caffeine-after-lunch-mg", "50", "--time-limit", "5",
      "--diet", "pescatarian", "--avoid", "peanuts", "--target-mg", "400"],
     {"profile.budget_usd_per_day": 7.0, "rules.evening_share_min": 0.4, "rules.caffeine_after_lunch_max_mg": 50.0,
      "rules.time_limit_s": 5.0, "profile.diet": "pescatarian", "profile.avoid_allergens": ("peanuts",),
      "profile.overrides": {"magnesium_mg": 400.0}}),
])
def test_options_reach_the_planner(recorder, capsys, args, expect):
    assert main([*BASE, *args]) == 0
    (call,) = recorder
    for key, value in expect.items():
        obj, _, attr = key.rpartition(".")
        got = getattr(call[obj], attr) if obj else call[key]
        assert got == value, key


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda text: json.loads(text)["version"] == DISH_PLAN_VERSION),
    ("markdown", lambda text: "**A banana — " in text),
    ("csv", lambda text: text.startswith("day,slot,dish_id,dish,role,portions,food_id,fdc_id,ingredient")),
])
def test_formats_and_notes(recorder, capsys, fmt, check):
    assert main([*BASE, "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert check(out)
    assert ("note: Vitamin D is low. Ask for a test." in err) == (fmt != "markdown")


# --- errors: one line, exit 2 -----------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["--age", "0"], ["--age 0", "1 to 120"]),
    (["--kcal-min", "3000", "--kcal-max", "2000"], ["--kcal-min 3000", "--kcal-max"]),
    (["--exclude", "no_such_food"], ["--exclude no_such_food", "unknown food id 'no_such_food'", "magplan foods list"]),
    (["--favorite", "almond"], ["unknown dish or food id 'almond'", "did you mean almonds"]),
    (["--dislike", "salmon_kedgere"], ["--dislike", "did you mean salmon_kedgeree"]),
    (["--exclude-dish", "almonds"], ["unknown dish id 'almonds'", "did you mean almonds_handful"]),
    (["--exclude-dish", "zzz_nothing"], ["'magplan dishes list' shows the ids"]),
    (["--status", "pregnancy", "--sex", "male"], ["'status'", "female"]),
    (["--evening-share", "2"], ["--evening-share"]),
    (["--caffeine-after-lunch-mg", "-1"], ["--caffeine-after-lunch-mg", "from 0 to 2000"]),
    (["--caffeine-after-lunch-mg", "lots"], ["'lots' is not a number of mg", "'none' for no cap"]),
    (["--days", "29"], ["--days 29", "1 to 28"]),
    (["--days", "0"], ["--days 0", "1 to 28"]),
    (["--time-limit", "0"], ["--time-limit"]),
    (["--all-usda"], ["--all-usda", "plans are made of dishes", "magplan optimize"]),
    (["--allow-supplement"], ["--allow-supplement", "no longer an option"]),
    (["--max-days-per-food", "2"], ["--max-days-per-food", "twice a week", "--same-breakfast"]),
    (["--produce-servings", "3"], ["--produce-servings", "dishes"]),
    (["--no-vegetables-at-meals"], ["--no-vegetables-at-meals", "dishes"]),
])
def test_bad_arguments_one_line_exit_2(recorder, capsys, args, words):
    assert main(["plan", "--days", "1", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("magplan: error: ")
    for w in words:
        assert w in err
    assert recorder == []  # refused before planning


def test_missing_foods_file_is_one_line(capsys):
    assert main(["plan", "--days", "1", "--foods", "/nonexistent/foods.csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "file not found" in err


def test_infeasible_plan_is_one_line(shipped, capsys):
    assert main(["plan", "--days", "1", "--target-mg", "5000", "--kcal-min", "1000", "--kcal-max", "1200"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("magplan: error: ") and "Traceback" not in err


def test_parser_days_limit_matches_the_planner():
    from planner.dishplan import MAX_DAYS

    assert cli_plan.MAX_DAYS == MAX_DAYS


# --- the compact weekly model -----------------------------------------------------------------------
def test_write_model_writes_mps_that_reads_back(shipped, tmp_path, capsys):
    path = tmp_path / "week.mps"
    assert main(["plan", "--days", "2", "--exclude-dish", "salmon_kedgeree", "--budget-usd-per-day", "9",
                 "--write-model", str(path)]) == 0
    _variables, prob = pulp.LpProblem.fromMPS(str(path))
    names = set(prob.constraints)
    assert {"magnesium_min_1", "magnesium_min_2", "budget_2", "fish_week", "calcium_mg_week",
            "one_main_dinner_2"} <= names
    assert any(n.startswith("max_days_") for n in names) and any(n.startswith("not_consecutive_1_") for n in names)
    assert any(n.startswith("leftover_2_") for n in names)  # day 2's lunch is day 1's dinner, as planned
    assert not any("salmon_kedgeree" in v.name for v in prob.variables())
    assert prob.sense == pulp.LpMinimize
    err = capsys.readouterr().err
    assert "wrote" in err and "constraints" in err


# --- magplan optimize (unchanged) -------------------------------------------------------------------
def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_optimize_classic_diet(tmp_path, capsys):
    # beans: 70 mg, 130 kcal, $0.20; seeds: 150 mg, 160 kcal, $1.00; >= 300 mg, <= 700 kcal, whole units:
    # 5 beans = 350 mg, 650 kcal, $1.00 beats any mix with seeds (>= $1.00 + beans) -> {beans: 5}.
    foods = _write(tmp_path / "f.csv", "id,magnesium_mg,energy_kcal,cost\nbeans,70,130,0.2\nseeds,150,160,1.0\n")
    limits = _write(tmp_path / "l.csv", "nutrient,min,max\nmagnesium_mg,300,\nenergy_kcal,,700\n")
    assert main(["optimize", "--foods", foods, "--limits", limits, "--cost-column", "cost", "--format", "json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["amounts"] == {"beans": 5.0}
    assert res["totals"]["magnesium_mg"] == 350.0 and res["objective"] == pytest.approx(1.0)
    assert main(["optimize", "--foods", foods, "--limits", limits, "--continuous"]) == 0
    assert "status: optimal" in capsys.readouterr().out


def test_optimize_infeasible_and_bad_tables(tmp_path, capsys):
    foods = _write(tmp_path / "f.csv", "id,magnesium_mg,energy_kcal\nbeans,70,130\n")
    limits = _write(tmp_path / "l.csv", "nutrient,min,max\nmagnesium_mg,300,\nenergy_kcal,,200\n")
    assert main(["optimize", "--foods", foods, "--limits", limits]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "magnesium_mg reaches at most" in err
    bad = _write(tmp_path / "b.csv", "nutrient,min,max\nzinc_mg,1,\n")
    assert main(["optimize", "--foods", foods, "--limits", bad]) == 2
    assert "'zinc_mg' is not a column" in capsys.readouterr().err


def test_the_command_line_starts_without_what_a_plan_does_not_use():
    """Every run imports cli (all command groups register); FoodData Central (requests), the version-1 swaps,
    shopping lists and CSV cells load with the commands that use them."""
    unused = ("requests", "foods.fdc", "planner.swaps", "planner.shopping", "planner.plan_text")
    code = f"import sys, cli; print([m for m in {unused!r} if m in sys.modules])"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
