"""The plan dataclasses and the JSON plan format (version 1)."""
from __future__ import annotations

import json

import pytest

from planner.errors import PlanFormatError
from planner.model import (Lock, Meal, Profile, Rules, SolverInfo, Targets, WeekPlan, plan_from_json,
                           plan_to_json, read_plan, write_plan)
from planner.nutrition import make_day, make_item


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
    (lambda d: d.update(version=2), "version"),
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
