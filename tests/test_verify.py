"""planner.verify and the reader's checks: a hand-edited or foreign plan file never shows numbers its foods do not
give. Derived numbers are recomputed from the USDA rows with a note quoting the file; what cannot be used is a
PlanFormatError naming the field (library), one line and exit 2 (CLI), an error box with the plan kept (app,
tests/test_app.py).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cli import main
from planner.dishplan import co_nutrient_notes, make_dish
from planner.errors import PlanFormatError
from planner.model import Meal, Profile, Rules, SolverInfo, WeekPlan, replace
from planner.plan_format import plan_from_dict, plan_from_json, plan_to_dict, plan_to_json, read_plan, write_plan
from planner.nutrition import make_day
from planner.store import Store
from planner.verify import NOTE_START, verify_plan

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_cli_swaps import hand_plan  # noqa: E402

PICKS = (("breakfast", "millet_porridge_apricots_almonds", 1.5), ("dinner", "salmon_kedgeree", 1.0),
         ("snack", "almonds_handful", 2.0))


@pytest.fixture(scope="session")
def dish_plan(curated) -> WeekPlan:
    """A two-day plan of three library dishes (format version 2), with its co-nutrient notes, as magplan writes."""
    from foods.dishes import load_dishes

    tables = load_dishes(curated)
    days = tuple(make_day(d, tuple(Meal(slot, dishes=(make_dish(tables, curated, dish_id,
                                                                "snack" if slot == "snack" else "main", p),))
                                   for slot, dish_id, p in PICKS)) for d in (1, 2))
    plan = WeekPlan(profile=Profile(age=45, sex="female"), targets=hand_plan(curated).targets, rules=Rules(days=2),
                    days=days, solver=SolverInfo("highs", "optimal"), version=2)
    return replace(plan, notes=co_nutrient_notes(days, plan.targets, plan.profile, plan.rules))


@pytest.fixture(scope="session")
def food_plan(curated) -> WeekPlan:
    return hand_plan(curated)  # format version 1: items of foods


def edited(plan: WeekPlan, mutate) -> dict:
    d = json.loads(plan_to_json(plan))
    mutate(d)
    return d


def _ingredient(d: dict, day: int = 1, meal: int = 1, k: int = 0) -> dict:
    return d["days"][day]["meals"][meal]["dishes"][0]["ingredients"][k]


# --- honest plans: read, verified and written back byte for byte ---------------------------------------------
@pytest.mark.parametrize("which", ["dish_plan", "food_plan"])
def test_an_honest_plan_is_verified_unchanged_and_rewritten_byte_for_byte(request, curated, which):
    plan = request.getfixturevalue(which)
    text = plan_to_json(plan)
    read = plan_from_json(text)
    assert verify_plan(read, curated) is read
    assert plan_to_json(verify_plan(read, curated)) == text
    assert not any(n.startswith(NOTE_START) for n in read.notes)


# --- derived numbers edited by hand: recomputed from the USDA rows, with a note quoting the file --------------
DISH_EDITS = [
    (lambda d: d["days"][0]["totals"].update(magnesium_mg=9999), "day 1 total magnesium_mg 9999 (its foods give"),
    (lambda d: d["days"][1]["totals"].update(energy_kcal=1.0), "day 2 total energy_kcal 1 (its foods give"),
    (lambda d: d["days"][0]["measured"].update(vitamin_d_ug=0.25), "day 1 measured share vitamin_d_ug 0.25"),
    (lambda d: _ingredient(d).update(magnesium_mg=500), "day 2 dinner, salmon_kedgeree, {food} magnesium_mg 500 "
                                                         "(USDA row {fdc} gives"),
    (lambda d: _ingredient(d).update(cost_usd=0), "salmon_kedgeree, {food} cost_usd 0 (USDA row {fdc} gives"),
    (lambda d: _ingredient(d).update(iron_mg=None), "{food} iron_mg null (USDA row {fdc} gives"),
    (lambda d: _ingredient(d).update(fdc_id=1), "{food} fdc_id 1 (the food table has {fdc})"),
]


@pytest.mark.parametrize("mutate, said", DISH_EDITS)
def test_edited_dish_plan_numbers_are_recomputed_with_a_note(dish_plan, curated, mutate, said):
    first = dish_plan.days[1].meals[1].dishes[0].ingredients[0]
    plan = verify_plan(plan_from_dict(edited(dish_plan, mutate)), curated)
    assert plan.days == dish_plan.days  # every number is the one the USDA rows give
    note = next(n for n in plan.notes if n.startswith(NOTE_START))
    assert said.format(food=first.food_id, fdc=first.fdc_id) in note
    assert [n for n in plan.notes if n != note] == list(dish_plan.notes)
    again = plan_from_json(plan_to_json(plan))  # written and opened again: honest now, the note kept once
    assert verify_plan(again, curated) is again and again.notes == plan.notes


FOOD_EDITS = [
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(magnesium_mg=900.0), "magnesium_mg 900"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(grams=5000.0), "grams 5000"),  # servings decide grams
    (lambda d: d["days"][2]["totals"].update(magnesium_mg=300.0, calcium_mg=5000), "day 3 total magnesium_mg 300"),
]


@pytest.mark.parametrize("mutate, said", FOOD_EDITS)
def test_edited_version_1_plan_numbers_are_recomputed_with_a_note(food_plan, curated, mutate, said):
    plan = verify_plan(plan_from_dict(edited(food_plan, mutate)), curated)
    assert plan.days == food_plan.days and plan.version == 1
    assert [n for n in plan.notes if not n.startswith(NOTE_START)] == list(food_plan.notes)
    assert said in plan.notes[-1] and plan.notes[-1].startswith(NOTE_START)


def test_many_differences_are_quoted_three_then_counted(dish_plan, curated):
    def mutate(d):
        for day in d["days"]:
            day["totals"].update(magnesium_mg=9999, energy_kcal=1, protein_g=0)
    note = verify_plan(plan_from_dict(edited(dish_plan, mutate)), curated).notes[-1]
    assert note.count(" (its foods give ") == 3 and note.endswith("; and 3 more values.")


def test_co_nutrient_notes_follow_the_recomputed_totals(dish_plan, curated):
    """A file that hides a shortfall (totals raised, its note deleted) gets the note back from the real totals."""
    def mutate(d):
        d["notes"] = []
        for day in d["days"]:
            day["totals"].update(calcium_mg=5000, potassium_mg=9000, vitamin_d_ug=100, vitamin_b12_ug=50)
    shortfalls = co_nutrient_notes(dish_plan.days, dish_plan.targets, dish_plan.profile, dish_plan.rules)
    assert any(n.startswith("Calcium averages") for n in shortfalls)
    hiding = plan_from_dict(edited(dish_plan, mutate))
    assert not any(n.startswith("Calcium averages") for n in co_nutrient_notes(hiding.days, hiding.targets))
    plan = verify_plan(hiding, curated)
    assert plan.notes[:-1] == shortfalls


def test_edited_dish_values_are_recomputed_from_its_ingredients_with_a_note(dish_plan, curated):
    def mutate(d):
        d["days"][0]["meals"][0]["dishes"][0].update(magnesium_mg=2000, grams=1, cost_usd="free")
    read = plan_from_dict(edited(dish_plan, mutate))
    assert read.days == dish_plan.days  # a dish's values are its ingredients' sums, whatever the file says
    plan = verify_plan(read, curated)
    dish = dish_plan.days[0].meals[0].dishes[0]
    assert plan.days == dish_plan.days
    note = plan.notes[-1]
    assert note.startswith(NOTE_START) and note.endswith(".")
    for said, true in (("magnesium_mg 2000", dish.value("magnesium_mg")), ("grams 1", dish.grams),
                       ("cost_usd 'free'", dish.value("cost_usd"))):
        assert f"day 1 breakfast, {dish.dish_id} {said} (its ingredients give {true:g})" in note
    assert verify_plan(plan, curated) is plan  # checked once: the file's dish values are not carried on


# --- what cannot be trusted or used: refused, naming the field and the fix ---------------------------------
def set_at(*path, value):
    """A plan-dict edit: the value at ``path`` (keys and list indexes) set to ``value``."""
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


REFUSED = [
    (set_at("targets", "magnesium_mg", value=-1), "plan.targets.magnesium_mg -1 is not a magnesium amount in mg per "
                                                "day from 0 to 3000"),
    (set_at("targets", "magnesium_mg", value=1e300), "plan.targets.magnesium_mg 1e+300 is not a magnesium amount"),
    (set_at("targets", "iron_mg", value=float("nan")), "plan.targets.iron_mg is nan; it must be a finite number"),
    (set_at("targets", "calcium_mg", value=float("inf")), "plan.targets.calcium_mg is inf; it must be a finite"),
    (set_at("profile", "age", value=500), "plan.profile.age 500 is not a whole number of years from 1 to 120"),
    (lambda d: d["profile"].pop("age"), "plan.profile.age is missing; expected e.g. 45"),
    (lambda d: d["profile"].pop("sex"), "plan.profile.sex is missing"),
    (lambda d: _ingredient(d).update(grams=1e308), "ingredients[0].grams 1e+308 is not an amount in grams from 0 to"),
    (lambda d: _ingredient(d).update(grams=-5), "ingredients[0].grams -5 is not an amount in grams"),
]


@pytest.mark.parametrize("mutate, message", REFUSED)
def test_numbers_that_cannot_be_trusted_are_refused_naming_the_field(dish_plan, mutate, message):
    text = json.dumps(edited(dish_plan, mutate))  # NaN and Infinity as Python's json writes them
    with pytest.raises(PlanFormatError) as exc:
        plan_from_json(text)
    assert message in str(exc.value)


def test_a_food_the_table_lacks_is_named_with_how_to_add_it(dish_plan, curated):
    first = dish_plan.days[1].meals[1].dishes[0].ingredients[0]
    plan = plan_from_dict(edited(dish_plan, lambda d: _ingredient(d).update(food_id="mystery_root")))
    with pytest.raises(PlanFormatError) as exc:
        verify_plan(plan, curated)
    assert str(exc.value) == (f"plan day 2 dinner, salmon_kedgeree: food 'mystery_root' ({first.name}) is not in the "
                              f"food table; import it (magplan foods import {first.fdc_id}, or in the app's Foods "
                              "tab), or give the food table the plan was made with (--foods CSV)")


# --- the command line: every command that opens a plan checks it -----------------------------------------
def one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    assert err.count("\n") == 1 and err.startswith("magplan: error: ") and "Traceback" not in err, err
    return err


CLI_REFUSED = [
    (set_at("targets", "magnesium_mg", value=-1), "plan.targets.magnesium_mg -1 is not"),
    (set_at("targets", "magnesium_mg", value=float("nan")), "plan.targets.magnesium_mg is nan"),
    (lambda d: d["profile"].pop("age"), "plan.profile.age is missing"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(food_id="mystery_root"), "food 'mystery_root'"),
]


@pytest.mark.parametrize("mutate, message", CLI_REFUSED)
@pytest.mark.parametrize("command", [["lock", "--day", "1"], ["regenerate", "--day", "1"], ["shopping-list"],
                                     ["swap", "--day", "1", "--slot", "breakfast", "--food", "oats_rolled_dry"]])
def test_commands_refuse_such_plans_in_one_line(capsys, tmp_path, food_plan, mutate, message, command):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(edited(food_plan, mutate)))
    assert message in one_line_error(capsys, [command[0], str(path), *command[1:]])


def test_a_command_writes_the_recomputed_numbers_and_the_note(capsys, tmp_path, dish_plan):
    path, out = tmp_path / "edited.json", tmp_path / "locked.json"
    path.write_text(json.dumps(edited(dish_plan, lambda d: _ingredient(d).update(magnesium_mg=500))))
    assert main(["lock", str(path), "--day", "1", "--out", str(out)]) == 0
    plan = read_plan(out)
    assert plan.days == dish_plan.days and plan.notes[-1].startswith(NOTE_START)
    assert "magnesium_mg 500" in plan.notes[-1]


def test_plans_show_recomputes_a_hand_edited_saved_plan(capsys, tmp_path, dish_plan):
    db = tmp_path / "p.db"
    with Store(db) as store:  # a foreign plan imported into the database as it was given
        store.save_plan("w", plan_from_dict(edited(dish_plan, set_at("days", 0, "totals", "magnesium_mg", value=9999))))
    assert main(["plans", "show", "w", "--format", "json", "--db", str(db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["days"] == plan_to_dict(dish_plan)["days"]
    assert "day 1 total magnesium_mg 9999" in shown["notes"][-1]


def test_writing_a_verified_plan_keeps_it_verified(tmp_path, dish_plan, curated):
    plan = verify_plan(plan_from_dict(edited(dish_plan, set_at("days", 1, "totals", "fiber_g", value=0))), curated)
    write_plan(plan, tmp_path / "p.json")
    again = read_plan(tmp_path / "p.json")
    assert again == plan and verify_plan(again, curated) is again
