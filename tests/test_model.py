"""The plan dataclasses and the JSON plan format (version 1, and version 1 plans read by a magplan that writes 2)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from planner.errors import PlanFormatError
from planner.model import PLAN_NUTRIENTS, Lock, Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.plan_format import plan_from_json, plan_to_json, read_plan, write_plan
from planner.nutrition import make_day, make_item
from planner.store import Store


def _plan(tiny_foods):
    items = (make_item(tiny_foods, "seeds", 1.5), make_item(tiny_foods, "greens", 2.0))
    day = make_day(1, (Meal("breakfast", items[:1]), Meal("lunch", items[1:])))
    targets = Targets(magnesium_mg=320, energy_kcal_min=1800, energy_kcal_max=2200, protein_g_min=46,
                      fiber_g_min=25, sodium_mg_max=2300, iron_mg=18, vitamin_d_ug=15, vitamin_b12_ug=2.4,
                      calcium_mg=1000, potassium_mg=2600, magnesium_ul_supplemental_mg=350)
    return WeekPlan(profile=Profile(age=45, overrides={"magnesium_mg": 320.0}), targets=targets, rules=Rules(),
                    days=(day,), solver=SolverInfo("HiGHS", "optimal", 1.0, 1.0, 0.0, 0.1),
                    locks=(Lock(1, "lunch"),))


def test_item_and_totals_are_computed_from_the_table(tiny_foods):
    plan = _plan(tiny_foods)
    day = plan.days[0]
    assert day.meals[0].items[0].magnesium_mg == pytest.approx(300.0)  # 1.5 x 100 g x 200 mg/100 g
    assert day.totals["magnesium_mg"] == pytest.approx(300.0 + 160.0)
    assert day.totals["cost_usd"] == pytest.approx(3.0 + 2.0)
    assert day.measured["magnesium_mg"] == 1.0
    assert day.measured["vitamin_d_ug"] == 0.0  # nobody measured it: unknown, not zero


def test_json_round_trip_is_exact(tiny_foods, tmp_path):
    plan = _plan(tiny_foods)
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    again = read_plan(path)
    assert again == plan
    assert plan_to_json(again) == path.read_text(encoding="utf-8")
    assert again.is_locked(1, "lunch", "greens") and not again.is_locked(1, "breakfast")


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(version=3), "version"),
    (lambda d: d.pop("targets"), "plan.targets is missing"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(servings=-1), "servings"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(servings="two"), "servings"),
    (lambda d: d["days"][0].pop("meals"), "plan.days[0].meals is missing"),
])
def test_bad_plan_json_names_the_field(tiny_foods, mutate, message):
    data = json.loads(plan_to_json(_plan(tiny_foods)))
    mutate(data)
    with pytest.raises(PlanFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        plan_from_json(json.dumps(data))


def test_not_json_is_a_plan_format_error():
    with pytest.raises(PlanFormatError, match="not valid JSON"):
        plan_from_json("{oops")


# --- version-1 plans (what the food-level planner writes) still open, unchanged ----------------------
@pytest.fixture(scope="module")
def v1_plan() -> WeekPlan:
    """A plan written by the food-level planner of the current release (format version 1)."""
    import foods
    from planner.plan import plan_week

    return plan_week(foods.load_foods(), Profile(age=45, sex="female"), rules=Rules(days=2, evening_share_min=0.3))


def test_a_version_1_plan_reads_back_with_every_item_a_one_ingredient_dish(v1_plan):
    text = plan_to_json(v1_plan)
    assert json.loads(text)["version"] == 1
    again = plan_from_json(text)
    assert again.version == 1
    assert again.days == v1_plan.days  # the solver block is written to 6 decimals, the days exactly
    assert (again.profile, again.targets, again.rules, again.notes) == (v1_plan.profile, v1_plan.targets,
                                                                        v1_plan.rules, v1_plan.notes)
    assert plan_to_json(again) == text  # written back byte for byte: nothing lost, nothing changed
    for day, before in zip(again.days, v1_plan.days):
        assert day.totals == before.totals and day.measured == before.measured
        remade = make_day(day.day, (Meal(m.slot, dishes=m.dishes) for m in day.meals))
        for n in (*PLAN_NUTRIENTS, "cost_usd"):
            assert remade.totals[n] == pytest.approx(before.totals[n], abs=1e-9), n
        for meal in day.meals:
            assert len(meal.dishes) == len(meal.items) > 0
            for dish, item in zip(meal.dishes, meal.items):
                assert dish.ingredients == (item,)
                assert (dish.dish_id, dish.portions, dish.grams) == (item.food_id, item.servings, item.grams)
                assert dish.value("magnesium_mg") == item.magnesium_mg
            roles = [d.role for d in meal.dishes]
            first = "snack" if meal.slot in ("snack", "evening") else "main"
            assert roles[0] == first and set(roles[1:]) <= {"snack" if first == "snack" else "side"}


def test_a_saved_version_1_plan_opens_unchanged(v1_plan, tmp_path):
    db = tmp_path / "magplan.db"
    text = plan_to_json(v1_plan)
    saved = plan_from_json(text)
    with Store(db) as store:
        assert store.save_plan("week", v1_plan) == 1
        assert store.save_plan("week", v1_plan) == 2
    with Store(db) as store:  # opened again, as a later magplan would
        for version in (1, 2, None):
            loaded = store.load_plan("week", version)
            assert loaded == saved and loaded.version == 1 and loaded.days == v1_plan.days
            assert plan_to_json(loaded) == text
    with sqlite3.connect(db) as conn:  # the stored text itself is untouched by opening it
        stored = [row[0] for row in conn.execute("SELECT plan_json FROM plan_versions ORDER BY version")]
    assert stored == [text, text]
