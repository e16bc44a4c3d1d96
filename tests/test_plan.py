"""Realistic weekly plans on the curated table, checked independently; re-planning keeps the rest intact."""
from __future__ import annotations

from dataclasses import replace

import pytest

from planner.errors import PlanError, ProfileError
from planner.model import Lock, Profile, Rules
from planner.plan_format import plan_to_dict, plan_to_json
from planner.plan import plan_week, replan
from plan_checker import check_plan

PROFILES = {
    "woman_45_vegan": Profile(age=45, sex="female", diet="vegan"),
    "man_60_omnivore_budget": Profile(age=60, sex="male", budget_usd_per_day=4.0),
    "pregnant_25_nut_free": Profile(age=25, sex="female", status="pregnancy", avoid_allergens=("tree_nuts", "peanuts")),
    "man_25_vegetarian_gluten_free": Profile(age=25, sex="male", diet="vegetarian", avoid_allergens=("gluten",)),
}
RULES = Rules(time_limit_s=6.0)  # the tests check validity; the benchmark measures optimality and speed


@pytest.fixture(scope="session")
def weekly_plans(curated):
    stats = {}
    plans = {}
    for name, profile in PROFILES.items():
        stats[name] = {}
        plans[name] = plan_week(curated, profile, rules=RULES, stats=stats[name])
    return plans, stats


@pytest.mark.parametrize("name", list(PROFILES))
def test_realistic_week_passes_the_independent_checker(weekly_plans, curated, name):
    plans, stats = weekly_plans
    plan = plans[name]
    assert len(plan.days) == 7
    assert check_plan(plan, curated) == []
    for d in plan.days:
        assert d.totals["magnesium_mg"] >= plan.targets.magnesium_mg
    s = plan.solver
    assert s.status in ("optimal", "feasible") and s.name == "HiGHS"
    assert s.objective is not None and s.best_bound is not None and s.best_bound <= s.objective + 1e-6
    assert s.gap is not None and s.gap == pytest.approx((s.objective - s.best_bound) / s.objective, abs=1e-5)
    assert (s.status == "optimal") == (s.gap <= RULES.gap_rel + 1e-9)
    assert {"build_s", "solve_s", "extract_s", "n_variables", "n_constraints"} <= set(stats[name])


def test_budget_is_kept(weekly_plans):
    plan = weekly_plans[0]["man_60_omnivore_budget"]
    assert all(d.totals["cost_usd"] <= 4.0 + 1e-6 for d in plan.days)


def test_unknown_food_ids_are_named(curated):
    with pytest.raises(ProfileError, match="unknown food id 'no_such_food'"):
        plan_week(curated, Profile(favorite_foods=("no_such_food",)), rules=Rules(days=1))


@pytest.fixture(scope="session")
def vegan_week(weekly_plans):
    return weekly_plans[0]["woman_45_vegan"]


def _meal(plan, day, slot):
    return {i.food_id: i.servings for m in plan.day(day).meals if m.slot == slot for i in m.items}


def test_replan_without_changes_keeps_the_day(vegan_week, curated):
    new = replan(vegan_week, curated, days=[3])
    assert plan_to_dict(new)["days"] == plan_to_dict(vegan_week)["days"]


def test_replan_forbid_changes_only_that_day(vegan_week, curated):
    before = plan_to_json(vegan_week)
    food = next(iter(_meal(vegan_week, 2, "lunch")))
    stats: dict = {}
    new = replan(vegan_week, curated, days=[2], forbid={(2, "lunch"): [food]}, stats=stats)
    assert plan_to_json(vegan_week) == before  # the input plan is untouched
    assert food not in _meal(new, 2, "lunch")
    for d in (1, 3, 4, 5, 6, 7):
        assert new.day(d) is vegan_week.day(d)
    assert check_plan(new, curated) == []
    assert stats["n_variables"] > 0


def test_replan_keeps_locks_and_requires(vegan_week, curated):
    breakfast = _meal(vegan_week, 4, "breakfast")
    dinner_food = sorted(_meal(vegan_week, 4, "dinner"))[0]
    locked = replace(vegan_week, locks=(Lock(day=4, slot="breakfast"), Lock(day=4, slot="dinner", food_id=dinner_food)))
    snack = _meal(vegan_week, 4, "snack")
    other = next(f for f in ("pumpkin_seeds", "almonds", "chia_seeds", "sunflower_seeds", "peanuts_dry_roasted")
                 if f in curated.index and f not in snack)
    new = replan(locked, curated, days=[4], require={(4, "snack"): [other]})
    assert _meal(new, 4, "breakfast") == breakfast
    assert _meal(new, 4, "dinner")[dinner_food] == _meal(vegan_week, 4, "dinner")[dinner_food]
    assert other in _meal(new, 4, "snack")
    assert new.locks == locked.locks
    assert check_plan(new, curated) == []


def test_replan_exclusion_bans_everywhere(vegan_week, curated):
    food = sorted(_meal(vegan_week, 1, "dinner"))[0]
    days = [d.day for d in vegan_week.days if any(i.food_id == food for m in d.meals for i in m.items)]
    new = replan(vegan_week, curated, days=days, excluded=[food])
    assert food in new.excluded
    assert all(i.food_id != food for d in new.days for m in d.meals for i in m.items)
    assert check_plan(new, curated) == []


def test_impossible_replan_explains_and_leaves_plan(vegan_week, curated):
    before = plan_to_json(vegan_week)
    food = sorted(_meal(vegan_week, 5, "snack"))[0]
    with pytest.raises(PlanError) as exc:
        replan(vegan_week, curated, days=[5], fix={(5, "snack"): {food: 40.0}})
    assert exc.value.explanation is not None
    assert "Day 5 cannot be re-planned" in str(exc.value)
    assert "energy" in str(exc.value)
    assert plan_to_json(vegan_week) == before


def test_replan_rejects_a_locked_change(vegan_week, curated):
    food = sorted(_meal(vegan_week, 6, "lunch"))[0]
    locked = replace(vegan_week, locks=(Lock(day=6, slot="lunch"),))
    with pytest.raises(PlanError, match="locked"):
        replan(locked, curated, days=[6], fix={(6, "lunch"): {food: 0.5 + _meal(vegan_week, 6, "lunch")[food]}})


def test_locked_item_that_is_now_excluded_explains(vegan_week, curated):
    food = sorted(_meal(vegan_week, 7, "lunch"))[0]
    locked = replace(vegan_week, locks=(Lock(day=7, slot="lunch", food_id=food),))
    with pytest.raises(PlanError) as exc:
        replan(locked, curated, days=[7], excluded=[food])
    assert exc.value.explanation is not None
    assert f"'{food}' cannot be kept" in exc.value.explanation.message and "unlock" in exc.value.explanation.message


def test_produce_rules_put_vegetables_at_lunch_and_dinner(curated):
    """A day of the default four meals has >= 3 servings of produce and a vegetable at lunch and dinner."""
    plan = plan_week(curated, Profile(age=45, sex="female", diet="vegan"), rules=Rules(days=1, time_limit_s=10))
    cats = curated["category"]
    day = plan.days[0]
    produce = sum(i.servings for m in day.meals for i in m.items if cats[i.food_id] in {"vegetables", "leafy_greens", "fruit"})
    assert produce >= 3.0
    for meal in day.meals:
        if meal.slot in ("lunch", "dinner"):
            assert any(cats[i.food_id] in {"vegetables", "leafy_greens"} for i in meal.items), meal


@pytest.mark.parametrize("value", [-1.0, 21.0, "three"])
def test_bad_produce_minimum_is_a_profile_error(curated, value):
    with pytest.raises(ProfileError, match="produce_servings_min"):
        plan_week(curated, Profile(), rules=Rules(days=1, produce_servings_min=value))
