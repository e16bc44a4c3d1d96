"""The average day of a week (``build_average_day_model``), for its LP relaxation: the week method's bound and
co-nutrient prices (``week_lp``).

It is a day of ``planner.menu``'s model with each weekly rule as its daily share: ``average_days_<role>_<dish>``,
``average_fish``, ``average_meat``, ``average_fish_days``, ``average_fruit_days_<food>``, and the leftover
lunches (``average_leftovers``). The average of any week satisfies every row, so ``n_days`` times the LP value
bounds the week from below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pulp

from planner.menu import (CO_NUTRIENTS, FRUIT_DAYS_PER_WEEK_MAX, MenuModel, add_co_nutrients, add_day_rows, add_food_groups,
                          days_allowed, days_needed, dish_objective, fruits_used)
from planner.dish_data import DishData
from planner.model import Rules, Targets
from planner.solve import highs_model


def build_average_day_model(data: DishData, targets: Targets, rules: Rules, *, n_days: int,
                            budget_usd_per_day: float | None = None, n_leftover_days: int = 0) -> MenuModel:
    """The average day of an ``n_days`` week, for its LP relaxation: a day's rows and each weekly rule as its
    daily share (a main on at most ``max_main_per_week / n_days`` of a day, a shortfall costing
    ``SHORTFALL_WEIGHT / n_days``...). The average of any week is a solution, so ``n_days`` times the LP value
    bounds the week, and the co-nutrient rows' shadow prices are the week's. The whole week's LP gave the same
    bounds on the bench profiles (pescatarian 4.465 against 4.457) in 0.5-1.3 s instead of 0.05-0.13 s.
    ``n_leftover_days``: lunches that are the previous dinner (``_add_average_leftovers``)."""
    model = MenuModel(pulp.LpProblem("magplan_average_day", pulp.LpMinimize), days=(1,))
    add_day_rows(model, data, targets, rules, budget_usd_per_day)
    objective = dish_objective(model, data, rules) + add_food_groups(model, data) + model.soft
    objective += add_co_nutrients(model, data, targets, scale=1.0 / n_days)
    _add_average_variety(model, data, rules, n_days)
    _add_average_leftovers(model, data, n_leftover_days / n_days)
    model.prob += objective
    return model


def _add_average_leftovers(model: MenuModel, data: DishData, share: float) -> None:
    """The leftover lunches as the average day sees them: a ``share`` of the days' lunches is a dish of the dinner
    before, one that keeps overnight (``leftover_share_<dish>``, of the days); each such dish is on the average
    day's lunch and dinner at least that often. (The week's pairs average to exactly this; without these rows
    the bound was that of a week without leftovers: the pescatarian of 67 paid 8 % for hers.)"""
    if share <= 0:
        return
    shares = []
    for i in data.candidates("main"):
        lunch, dinner = (model.y.get((1, slot, "main", int(i))) for slot in ("lunch", "dinner"))
        if lunch is None or dinner is None or not data.keeps[i]:
            continue
        a = pulp.LpVariable(f"leftover_share_{data.ids[i]}", lowBound=0)
        model.prob += a <= lunch, f"average_leftover_lunch_{data.ids[i]}"
        model.prob += a <= dinner, f"average_leftover_dinner_{data.ids[i]}"
        shares.append(a)
    model.prob += pulp.lpSum(shares) >= share, "average_leftovers"


def _add_average_variety(model: MenuModel, data: DishData, rules: Rules, n_days: int) -> None:
    """The weekly caps and minimums of ``_add_variety`` as a day's average share."""
    by_dish: dict[tuple[str, int], list[pulp.LpAffineExpression]] = {}
    for (_d, _s, role, i), y in model.y.items():
        by_dish.setdefault(("snack_side" if role in ("snack", "side") else role, i), []).append(y)
    caps = {"main": rules.max_main_per_week, "breakfast": rules.max_breakfast_per_week,
            "snack_side": rules.max_snack_side_per_week}
    for (group, i), ys in sorted(by_dish.items()):
        model.prob += pulp.lpSum(ys) <= caps[group] / n_days, f"average_days_{group}_{data.ids[i]}"
    for flags, per_week, kind in ((data.fish, rules.fish_per_week_min, "fish"),
                                  (data.meat, rules.meat_per_week_min, "meat")):
        mains = [y for (_d, _s, r, i), y in model.y.items() if r == "main" and flags[i]]
        if per_week and mains:
            model.prob += pulp.lpSum(mains) >= days_needed(per_week, n_days) / n_days, f"average_{kind}"
    for food_id, keys in sorted(fruits_used(data, model.y).items()):
        model.prob += pulp.lpSum(model.y[key] for key in keys) \
            <= days_allowed(FRUIT_DAYS_PER_WEEK_MAX, n_days) / n_days, f"average_fruit_days_{food_id}"
    if rules.fish_per_week_max is not None:
        has = model.fish_day[1] = pulp.LpVariable("fish_day_1", lowBound=0, upBound=1)
        for (_d, s, _r, i), y in model.y.items():
            if data.fish_any[i]:
                model.prob += y <= has, f"fish_day_{s}_{data.ids[i]}"
        model.prob += has <= days_allowed(rules.fish_per_week_max, n_days) / n_days, "average_fish_days"


@dataclass(frozen=True)
class WeekLP:
    """The LP relaxation of the week's average day (``build_average_day_model``): ``n_days`` times its value
    bounds the week from below, and the shadow prices of its co-nutrient rows say what a unit of each is worth
    to the week (objective per unit)."""

    bound: float | None
    prices: Mapping[str, float]


def week_lp(data: DishData, targets: Targets, rules: Rules, budget: float | None, n_days: int,
            solver_rules: Rules, n_leftover_days: int = 0) -> WeekLP:
    """The week's bound and co-nutrient prices (``n_leftover_days`` lunches the previous dinner); no bound when the
    LP did not finish (the time limit is the safety net)."""
    import highspy

    model = build_average_day_model(data, targets, rules, n_days=n_days, budget_usd_per_day=budget,
                                    n_leftover_days=n_leftover_days)
    for v in model.prob.variables():
        v.cat = pulp.LpContinuous
    h = highs_model(model.prob, solver_rules)  # one passModel: PuLP's own interface took 0.1 s to hand it over
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # no bound is an honest answer, never a crash
        return WeekLP(None, {})
    rows, duals = model.prob.constraints, h.getSolution().row_dual
    prices = {c: max(0.0, float(duals[rows[f"{c}_week"].index])) for c, _f in CO_NUTRIENTS if f"{c}_week" in rows}
    value = h.getInfo().objective_function_value + float(model.prob.objective.constant)
    return WeekLP(n_days * value, prices)
