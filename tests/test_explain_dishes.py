"""Infeasible dish plans: the explanation names dishes and numbers, and each suggestion, applied, gives a plan.

Each number is recomputed here independently: from the dish table by hand, or from a second one-day solve
written in this file (its own objective on the menu model), never by calling the code under test.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pulp
import pytest

from foods.dishes import load_dishes
from foods.schema import split_tags
from planner import menu
from planner.dishplan import plan_dish_week
from planner.errors import PlanError
from planner.explain import Explanation
from planner.explain_dishes import apply_suggestion
from planner.model import Profile, Rules
from planner.solve import run
from planner.targets import targets_for

WOMAN = Profile(age=45, sex="female")
ONE_DAY = Rules(days=1)


@pytest.fixture(scope="session")
def tables(curated):
    return load_dishes(curated)


def breakfasts(tables) -> tuple[str, ...]:
    return tuple(d for d, roles in tables.dishes["roles"].items() if "breakfast" in split_tags(roles))


def second_solve(tables, profile, rules, *, sense, quantity, targets=None, budget=None) -> float | None:
    """An independent one-day solve: optimise ``quantity(model, data)`` (sense +1 min, -1 max) under ``targets``."""
    targets = targets or targets_for(profile)
    data = menu.for_targets(menu.dish_data(tables, profile), targets)  # the planner's view (iron priority too)
    model = menu.build_menu_model(data, targets, rules, days=(1,), budget_usd_per_day=budget)
    expr = quantity(model, data)
    model.prob.setObjective(sense * expr)
    if not run(model.prob, rules, gap_rel=1e-4).feasible:
        return None
    return float(pulp.value(expr))


def cost(model, data):
    return pulp.lpSum(0.25 * float(data.cost_usd[key[3]]) * k for key, k in model.k.items())


def nutrient(name):
    return lambda model, data: pulp.lpSum(0.25 * float(data.values[name][key[3]]) * k for key, k in model.k.items())


def number_after(text: str, words: str) -> float:
    m = re.search(re.escape(words) + r" \$?([0-9.]+)", text)
    assert m, f"{words!r} not in {text!r}"
    return float(m.group(1).rstrip("."))


def vegan_budget(tables):
    profile = Profile(age=45, sex="female", diet="vegan", avoid_allergens=("soy",), budget_usd_per_day=2.0)
    need = second_solve(tables, replace(profile, budget_usd_per_day=None), ONE_DAY, sense=1, quantity=cost)
    return profile, ONE_DAY, (), "costs", need, 0.01


def high_target(tables):
    profile = Profile(age=45, sex="female", overrides={"magnesium_mg": 2000.0})
    free = replace(targets_for(profile), magnesium_mg=0.0)
    most = second_solve(tables, profile, ONE_DAY, sense=-1, quantity=nutrient("magnesium_mg"), targets=free)
    return profile, ONE_DAY, (), "at most", most, 0.002 * most  # probes stop at a 0.1 % gap


def low_energy(tables):
    # 800 kcal is possible with dishes (the lightest day that meets the rest has about 693 kcal): ask for 600.
    profile = Profile(age=45, sex="female", overrides={"energy_kcal_min": 400.0, "energy_kcal_max": 600.0})
    free = replace(targets_for(profile), energy_kcal_max=1e9)
    least = second_solve(tables, profile, ONE_DAY, sense=1, quantity=nutrient("energy_kcal"), targets=free)
    return profile, ONE_DAY, (), "needs at least", least, 1.0


def evening_share(tables):
    return WOMAN, replace(ONE_DAY, evening_share_min=0.95), (), "at most", None, None


def no_breakfast(tables):
    return WOMAN, ONE_DAY, breakfasts(tables), "With", float(len(breakfasts(tables))), 0.0


CASES = {"vegan soy-free $2/day": vegan_budget, "target 2000 mg": high_target, "energy max 600 kcal": low_energy,
         "evening share 95 %": evening_share, "every breakfast excluded": no_breakfast}


@pytest.fixture(scope="session")
def explained(tables, curated):
    """{case: (profile, rules, excluded, explanation, words, expected number, tolerance)}, each explained once."""
    out = {}
    for name, case in CASES.items():
        profile, rules, excluded, words, number, tol = case(tables)
        with pytest.raises(PlanError) as exc:
            plan_dish_week(tables, curated, profile, rules=rules, exclude_dishes=excluded)
        out[name] = (profile, rules, excluded, exc.value, words, number, tol)
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_sentence_has_the_number_recomputed_independently(explained, case):
    profile, rules, excluded, error, words, number, tol = explained[case]
    e = error.explanation
    assert isinstance(e, Explanation) and str(error) == e.message
    assert e.suggestions, e.message
    if number is not None:
        assert number_after(e.message, words) == pytest.approx(number, abs=tol), e.message


def test_evening_share_one_point_above_the_stated_share_is_impossible(tables, explained):
    profile, rules, _x, error, *_ = explained["evening share 95 %"]
    stated = number_after(error.explanation.message, "at most") / 100
    assert stated < 0.95
    below = second_solve(tables, profile, replace(rules, evening_share_min=stated - 0.005), sense=1,
                             quantity=cost)
    above = second_solve(tables, profile, replace(rules, evening_share_min=stated + 0.01), sense=1, quantity=cost)
    assert below is not None and above is None


def test_named_dishes_come_from_the_dish_table(tables, explained):
    # target 2000 mg: the most magnesium-rich breakfast of the library, with its mg a serving
    e = explained["target 2000 mg"][3].explanation
    d = tables.dishes[tables.dishes.index.isin(breakfasts(tables))]
    top = d["magnesium_mg"].astype(float).idxmax()
    assert f"breakfast {d.at[top, 'name']} ({float(d.at[top, 'magnesium_mg']):.0f} mg a serving)" in e.message
    # every breakfast excluded: the dish allowed again is that same richest breakfast
    e = explained["every breakfast excluded"][3].explanation
    assert e.suggestions[0].include_dishes == (top,)
    assert "no breakfast dish is left" in e.message


@pytest.mark.parametrize("case", list(CASES))
def test_first_suggestion_applied_gives_a_plan(tables, curated, explained, case):
    profile, rules, excluded, error, *_ = explained[case]
    s = error.explanation.suggestions[0]
    p2, r2, x2 = apply_suggestion(s, profile, rules, excluded)
    plan = plan_dish_week(tables, curated, p2, rules=r2, exclude_dishes=x2)
    t = plan.targets
    for day in plan.days:
        assert day.totals["magnesium_mg"] >= t.magnesium_mg - 1e-6
        assert t.energy_kcal_min - 1e-6 <= day.totals["energy_kcal"] <= t.energy_kcal_max + 1e-6


def test_budget_suggestion_names_the_cheapest_day_and_comes_first(explained):
    e = explained["vegan soy-free $2/day"][3].explanation
    assert e.message.startswith("With vegan, soy-free and $2.00/day, no day meets every limit")
    assert e.suggestions[0].profile_changes == {"budget_usd_per_day": number_after(e.message, "costs")}


def test_apply_suggestion_takes_dishes_off_the_exclusions():
    from planner.explain import Suggestion

    s = Suggestion("allow x again", {"diet": "vegetarian"}, {"days": 2}, include_dishes=("x",))
    p, r, x = apply_suggestion(s, Profile(diet="vegan"), Rules(), ("x", "y"))
    assert (p.diet, r.days, x) == ("vegetarian", 2, ("y",))
