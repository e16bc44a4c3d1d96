"""The tests' independent checkers, loaded for the benchmark: the bench has no rule checker of its own.

``tests/plan_checker.py`` checks food-level plans and ``tests/dish_plan_checker.py`` dish plans; both recompute
every number from the tables alone. tests/ is not a package, so they are loaded by path, from the run's
snapshot when there is one (``bench.run.snapshot_sources`` copies them). A result that is only rows (the
compact model, the textbook baseline) becomes a WeekPlan first (``plan_from_rows``); the checker recomputes
its numbers from the food table, so nothing the plan reports is trusted.
"""
from __future__ import annotations

import importlib.util
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

import pandas as pd

from planner.model import Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.nutrition import make_day, make_item

ROOT = Path(__file__).resolve().parents[1]
PLAN_CHECKER = Path("tests") / "plan_checker.py"
DISH_CHECKER = Path("tests") / "dish_plan_checker.py"


@dataclass(frozen=True)
class Row:
    day: int
    slot: str
    food_id: str
    servings: float


def rows_from_plan(plan: WeekPlan) -> list[Row]:
    """The (day, slot, food_id, servings) rows of a plan."""
    return [Row(d.day, m.slot, i.food_id, float(i.servings)) for d in plan.days for m in d.meals for i in m.items]


def load_test_module(relative: Path, root: Path = ROOT) -> ModuleType:
    """tests/<name>.py under ``root`` as a module (its dataclasses look their module up in sys.modules)."""
    path = root / relative
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def plan_from_rows(rows: Iterable[Row], foods: pd.DataFrame, *, profile: Profile, targets: Targets, rules: Rules,
                   days: Iterable[int]) -> WeekPlan:
    """The rows as a WeekPlan (items and totals from the food table; a slot without rows has no meal)."""
    rows = list(rows)
    built = []
    for d in days:
        meals = []
        for s in rules.slots:
            items = tuple(make_item(foods, r.food_id, r.servings) for r in rows if r.day == d and r.slot == s)
            if items:
                meals.append(Meal(s, items))
        built.append(make_day(d, meals))
    return WeekPlan(profile=profile, targets=targets, rules=rules, days=tuple(built),
                    solver=SolverInfo("rows", "feasible"))


def food_plan_checker(foods: pd.DataFrame, root: Path = ROOT) -> Callable[[WeekPlan], list[str]]:
    """check(plan) -> problems of a food-level plan, by tests/plan_checker.py (every rule of the optimizer)."""
    mod = load_test_module(PLAN_CHECKER, root)
    return lambda plan: list(mod.check_plan(plan, foods))


def textbook_checker(foods: pd.DataFrame, root: Path = ROOT) -> Callable[..., list[str]]:
    """check(rows, profile, targets, rules, days) -> problems of a textbook-baseline result, by
    tests/plan_checker.py with only the rules that model has: daily magnesium, energy range and protein; diet,
    allergens, excluded foods, slots, servings steps and per-meal caps; main foods on at most k days (the model
    caps every food at k slots of the week, which implies it)."""
    mod = load_test_module(PLAN_CHECKER, root)

    def check(rows: Iterable[Row], profile: Profile, targets: Targets, rules: Rules, days: Iterable[int]) -> list[str]:
        own_targets = replace(targets, fiber_g_min=0.0, sodium_mg_max=math.inf)
        own_rules = replace(rules, require_iron=False, require_vitamin_d=False, require_vitamin_b12=False,
                            evening_share_min=None, caffeine_after_lunch_max_mg=None, produce_servings_min=0.0,
                            vegetables_at_main_meals=False)
        own_profile = replace(profile, budget_usd_per_day=None)
        plan = plan_from_rows(rows, foods, profile=own_profile, targets=own_targets, rules=own_rules, days=days)
        return list(mod.check_plan(plan, foods, check_shares=False, meal_rules=False))

    return check


def dish_plan_checker(foods: pd.DataFrame, tables: Any, root: Path = ROOT) -> tuple[str, Callable[[WeekPlan], list[str]]]:
    """(name, check) where check(plan) -> problems, by tests/dish_plan_checker.py (every rule recomputed from
    USDA rows). When it cannot be loaded, every plan gets one problem saying so: a plan is never passed
    unchecked."""
    from foods.load import usda_foods

    try:
        mod = load_test_module(DISH_CHECKER, root)
        ref = mod.reference(usda_foods(), foods, tables.dishes, tables.ingredients)
    except Exception as exc:  # absent or broken: say so in every run
        why = f"not checked: {DISH_CHECKER} did not load ({type(exc).__name__}: {exc})"[:300]
        return "not checked", lambda plan: [why]
    return "dish_plan_checker", lambda plan: list(mod.check_dish_plan(plan, ref))


__all__ = ["DISH_CHECKER", "PLAN_CHECKER", "Row", "dish_plan_checker", "food_plan_checker", "load_test_module",
           "plan_from_rows", "rows_from_plan", "textbook_checker"]
