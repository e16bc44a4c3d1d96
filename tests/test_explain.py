"""Infeasible profiles get sentences with computed numbers and applicable suggestions."""
from __future__ import annotations

from dataclasses import replace

import pytest

from planner.errors import PlanError
from planner.explain import Explanation, explain
from planner.model import Profile, Rules, Targets
from planner.plan import plan_week
from plan_checker import check_plan

NUTR = dict(protein_g=0.0, fiber_g=0.0, sodium_mg=0.0, caffeine_mg=0.0)
LUNCH = Rules(days=1, slots=("lunch",))


def targets(mg: float, kcal_min: float, kcal_max: float) -> Targets:
    return Targets(magnesium_mg=mg, energy_kcal_min=kcal_min, energy_kcal_max=kcal_max, protein_g_min=0.0,
                   fiber_g_min=0.0, sodium_mg_max=2300.0, iron_mg=8.0, vitamin_d_ug=15.0, vitamin_b12_ug=2.4,
                   calcium_mg=1000.0, potassium_mg=2600.0, magnesium_ul_supplemental_mg=350.0)


@pytest.fixture
def seeds_and_almonds(make_foods):
    # seeds: 200 mg, 500 kcal, $2 a serving; almonds (tree nuts): 300 mg, 500 kcal, $1 a serving.
    return make_foods({
        "seeds": {**NUTR, "magnesium_mg": 200.0, "energy_kcal": 500.0, "price_usd_per_100g": 2.0},
        "almonds": {**NUTR, "magnesium_mg": 300.0, "energy_kcal": 500.0, "price_usd_per_100g": 1.0,
                    "allergens": "tree_nuts", "category": "nuts"},
    })


def test_budget_and_allergen_explanation_with_numbers(seeds_and_almonds):
    # Nut-free, $3.00/day: at most 1.5 servings of seeds = 300 mg. 350 mg needs 2.0 servings = $4.00;
    # allowing almonds reaches it within budget; or the target can drop to 300 mg.
    profile = Profile(avoid_allergens=("tree_nuts",), budget_usd_per_day=3.0)
    t = targets(350, 500, 1000)
    with pytest.raises(PlanError) as exc:
        plan_week(seeds_and_almonds, profile, rules=LUNCH, targets=t)
    e = exc.value.explanation
    assert isinstance(e, Explanation)
    assert str(exc.value) == e.message == (
        "With nut-free and $3.00/day, at most 300 mg of magnesium a day is possible (target 350 mg). "
        "Raise the budget to $4.00/day, allow tree nuts, or lower the target to 300 mg.")
    assert e.max_magnesium_mg == pytest.approx(300.0)
    changes = [s.profile_changes for s in e.suggestions]
    assert changes[0] == {"budget_usd_per_day": 4.0}
    assert changes[1] == {"avoid_allergens": ()}
    assert changes[2] == {"overrides": {"magnesium_mg": 300.0}}
    # every suggestion, applied, gives a plan (the target override through Targets here)
    for s in e.suggestions[:2]:
        plan = plan_week(seeds_and_almonds, replace(profile, **s.profile_changes), rules=LUNCH, targets=t)
        assert plan.day(1).totals["magnesium_mg"] >= 350
    lowered = plan_week(seeds_and_almonds, profile, rules=LUNCH, targets=replace(t, magnesium_mg=300.0))
    assert check_plan(lowered, seeds_and_almonds) == []


def test_clashing_limits_name_the_limit(make_foods):
    greens = make_foods({"greens": {**NUTR, "magnesium_mg": 20.0, "energy_kcal": 25.0}})  # 2 servings max: 50 kcal
    e = explain(greens, Profile(), rules=LUNCH, targets=targets(10, 1000, 2000))
    assert e.max_magnesium_mg is None
    assert e.message.startswith("With the foods in the table, no day can meet every limit: energy of at least "
                                "1000 kcal clashes")
    assert "50 kcal" in e.message
    assert any(s.profile_changes.get("overrides", {}).get("energy_kcal_min") == 50.0 for s in e.suggestions)


def test_variety_rules_explained_with_the_day_count_that_works(make_foods):
    same = {**NUTR, "magnesium_mg": 100.0, "energy_kcal": 500.0}
    foods = make_foods({"a": same, "b": same})
    rules = Rules(days=3, slots=("lunch",), max_days_per_food=1)
    with pytest.raises(PlanError) as exc:
        plan_week(foods, Profile(), rules=rules, targets=targets(100, 500, 600))
    e = exc.value.explanation
    assert "allow a food on up to 2 days a week" in e.message
    assert e.suggestions[0].rules_changes == {"max_days_per_food": 2}
    plan = plan_week(foods, Profile(), rules=replace(rules, **e.suggestions[0].rules_changes),
                     targets=targets(100, 500, 600))
    assert check_plan(plan, foods) == []


def test_no_allowed_food(make_foods):
    foods = make_foods({"steak": {**NUTR, "magnesium_mg": 20.0, "energy_kcal": 250.0, "diet_tags": ""}})
    with pytest.raises(PlanError, match="no food in the table is allowed") as exc:
        plan_week(foods, Profile(diet="vegan"), rules=LUNCH, targets=targets(100, 500, 600))
    assert exc.value.explanation.suggestions[0].profile_changes == {"diet": "vegetarian"}


@pytest.mark.parametrize("target, shortfall, dose", [(500, 100, 100), (900, 500, 350)])
def test_supplement_covers_the_food_gap_never_above_ul(seeds_and_almonds, target, shortfall, dose):
    # Without almonds, food gives at most 2 servings of seeds = 400 mg (energy cap 1000 kcal).
    profile = Profile(avoid_allergens=("tree_nuts",))
    plan = plan_week(seeds_and_almonds, profile, rules=replace(LUNCH, allow_supplement=True),
                     targets=targets(target, 500, 1000))
    assert plan.day(1).totals["magnesium_mg"] == pytest.approx(400.0)
    s = plan.supplement
    assert s is not None and s.shortfall_mg == shortfall and s.dose_mg == dose
    assert s.dose_mg <= 350
    assert "kidney disease" in s.note and "medicines" in s.note
    assert check_plan(plan, seeds_and_almonds) == []


def test_budget_too_small_for_any_day(seeds_and_almonds):
    # $0.50/day buys half a serving of seeds (250 kcal < 500 kcal): no day at all. The cheapest day meeting
    # every limit (350 mg, >= 500 kcal, nut-free) is 2.0 servings of seeds = $4.00.
    profile = Profile(avoid_allergens=("tree_nuts",), budget_usd_per_day=0.5)
    e = explain(seeds_and_almonds, profile, rules=LUNCH, targets=targets(350, 500, 1000))
    assert e.message == ("With nut-free and $0.50/day, no day can meet the energy, protein and other limits: the "
                         "cheapest day that meets every limit, 350 mg of magnesium included, costs $4.00. Raise the "
                         "budget to $4.00/day.")
    assert e.suggestions[0].profile_changes == {"budget_usd_per_day": 4.0}
