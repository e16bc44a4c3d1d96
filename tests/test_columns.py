"""planner.columns: the pricing sub-MIPs, the bounds it reports and the determinism of its menus."""
from __future__ import annotations

from dataclasses import replace

import pytest

from planner import columns, milp
from planner.model import Profile, Rules
from planner.plan_format import plan_to_dict
from planner.plan import build_model, plan_week
from planner.solve import run
from planner.targets import targets_for
from plan_checker import check_plan
from test_milp import NUTR
from test_milp import targets as _targets

RULES = Rules(days=4, slots=("lunch", "dinner"), max_days_per_food=2, time_limit_s=30.0)


@pytest.fixture
def small(make_foods):
    """Twelve foods where the weekly cap binds: cheap ones would be eaten every day without it."""
    foods = make_foods({f"f{k:02d}": {**NUTR, "magnesium_mg": 30.0 + 9 * k, "energy_kcal": 140.0 + 17 * (k % 5),
                                      "price_usd_per_100g": 0.15 + 0.07 * ((k * 5) % 12),
                                      "max_servings_per_meal": 3} for k in range(12)})
    return foods, _targets(320, 700, 1300)


def _compact_optimum(foods, targets) -> float:
    mm = build_model(foods, Profile(), rules=RULES, targets=targets)
    out = run(mm.prob, replace(RULES, gap_rel=0.0))
    assert out.info.status == "optimal"
    return float(out.info.objective)


def _menus(plan) -> str:
    d = plan_to_dict(plan)
    d.pop("solver")
    return str(d)


def test_reported_bound_and_objective_bracket_the_true_optimum(small):
    foods, targets = small
    best = _compact_optimum(foods, targets)
    plan = plan_week(foods, Profile(), rules=RULES, targets=targets)
    assert check_plan(plan, foods) == []
    assert plan.solver.best_bound is not None
    assert plan.solver.best_bound <= best + 1e-6  # a valid lower bound
    assert plan.solver.objective >= best - 1e-6  # a real week cannot beat the optimum
    assert plan.solver.gap == pytest.approx((plan.solver.objective - plan.solver.best_bound) / plan.solver.objective,
                                            abs=1e-5)


def test_lagrangian_bound_alone_is_still_valid(small, monkeypatch):
    foods, targets = small
    best = _compact_optimum(foods, targets)
    monkeypatch.setattr(columns, "BOUND_SECONDS", 0)  # no bound search: only the full pricing MIPs' bound
    plan = plan_week(foods, Profile(), rules=RULES, targets=targets)
    assert plan.solver.best_bound is None or plan.solver.best_bound <= best + 1e-6
    assert plan.solver.objective >= best - 1e-6


def test_bound_search_is_valid_and_stops(small):
    foods, targets = small
    best = _compact_optimum(foods, targets)
    data = milp.food_data(foods, Profile(), RULES)
    search = columns._BoundSearch(data, targets, RULES, Profile(), (1, 2, 3, 4), None, 30.0)
    search.start()
    value = search.stop()
    assert not search.is_alive()
    assert search.error is None
    assert value is None or value <= best + 1e-6


def test_week_without_the_second_core_passes_the_checker(small, monkeypatch):
    foods, targets = small
    monkeypatch.setattr(columns, "USE_SUBMIP", False)  # every pricing round a full day MIP
    plan = plan_week(foods, Profile(), rules=RULES, targets=targets)
    assert check_plan(plan, foods) == []


@pytest.mark.parametrize("key", ["woman_vegan", "man_vegetarian_gf"])
def test_lp_support_submip_finds_the_full_day_optimum_on_the_shipped_table(curated, key):
    profile = {"woman_vegan": Profile(age=45, sex="female", diet="vegan"),
               "man_vegetarian_gf": Profile(age=25, sex="male", diet="vegetarian", avoid_allergens=("gluten",))}[key]
    rules = Rules(days=1)
    targets = targets_for(profile)
    data = milp.food_data(curated, profile, rules)
    pricing = columns._Pricing(data, targets, rules, profile, None)
    menus = pricing.submip({}, 30.0)
    assert menus
    sub = min(pricing.column(x).cost for x in menus)
    bound, full, _xs = pricing.exact({}, 1e-4, 30.0)
    assert sub >= bound - 1e-9  # the restricted menu is a real menu of the full problem
    assert sub <= full * (1 + columns.SUBMIP_GAP)  # and (measured) as good as the full MIP's


def test_one_day_plan_proves_the_gap_asked(curated):
    profile = Profile(age=45, sex="female", diet="vegan")
    plan = plan_week(curated, profile, rules=Rules(days=1))
    assert check_plan(plan, curated) == []
    assert plan.solver.status == "optimal"
    assert plan.solver.gap <= Rules().gap_rel + 1e-9


def test_weekly_menus_are_the_same_each_run(curated):
    # The default 20 s limit: the menus depend on counts only, so two runs agree unless that limit is hit.
    profile = Profile(age=45, sex="female", diet="vegan")
    first = plan_week(curated, profile, rules=Rules(days=7))
    again = plan_week(curated, profile, rules=Rules(days=7))
    assert _menus(again) == _menus(first)
    assert check_plan(first, curated) == []
    assert first.solver.best_bound <= first.solver.objective
