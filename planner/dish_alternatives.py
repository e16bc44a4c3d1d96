"""Ranked alternative dishes for one dish of a dish plan (format version 2), each with what it does to the day
as is: its portions (nearest one serving that keeps the day within its limits), the day's magnesium, energy and
cost after the swap, and whether the day still fits. ``planner.edits.swap`` puts one in place.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from foods.dishes import DishTables
from planner import menu, week
from planner.day_rules import SlotTotals, _limit_problems, _rule_reason, _slot_totals, _week_problems, budget_usd
from planner.dish_day import PORTION_LEVELS, _check_dish_plan, _data, _dish, _entries, _model_role, _other_menus
from planner.errors import ChangeError
from planner.model import PlanDish, WeekPlan

ENERGY_BIN_KCAL = 25.0  # alternatives closer in energy than this rank as equally close


@dataclass(frozen=True)
class Alternative:
    """One dish that could take the place of another in that meal, and what it does to the day as is."""

    dish_id: str
    name: str
    portions: float
    magnesium_mg: float  # of the new dish at those portions
    energy_kcal: float
    cost_usd: float | None
    day_magnesium_mg: float  # the day after the swap, nothing else changed
    day_energy_kcal: float
    day_cost_usd: float | None
    delta_magnesium_mg: float
    delta_energy_kcal: float
    delta_cost_usd: float | None
    fits: bool  # the day would still meet its targets as is
    problems: tuple[str, ...]


# --- alternatives ---------------------------------------------------------------------------------
def _per_serving(tables: DishTables, data: menu.DishData, dish_id: str) -> dict[str, float]:
    """A dish's nutrients, known cost (unknown counts as 0, as in the day totals) and budget cost per serving."""
    i = data.index[dish_id]
    cost = float(tables.dishes.at[dish_id, "cost_usd"])
    values = {n: float(data.values[n][i]) for n in menu.DAILY_NUTRIENTS}
    return {**values, "cost_usd": 0.0 if math.isnan(cost) else cost, "budget_usd": float(data.cost_usd[i])}


def _swapped(slots: SlotTotals, slot: str, old: Mapping[str, float], new: Mapping[str, float], portions: float
             ) -> dict[str, dict[str, float]]:
    out = {s: dict(t) for s, t in slots.items()}
    t = out.setdefault(slot, {})
    for n in set(t) | set(new):
        t[n] = t.get(n, 0.0) - old.get(n, 0.0) + portions * new.get(n, 0.0)
    return out


def _best_portions(plan: WeekPlan, slots: SlotTotals, slot: str, old: Mapping[str, float],
                   new: Mapping[str, float]) -> float:
    """The portions of a new dish nearest one serving that keep the day within its limits (if any do)."""
    def key(p: float) -> tuple[int, float, float, float]:
        problems = _limit_problems(plan, _swapped(slots, slot, old, new, p))
        return (len(problems), abs(p - 1.0), abs(p * new.get("energy_kcal", 0.0) - old.get("energy_kcal", 0.0)), p)

    return min(PORTION_LEVELS, key=key)


def _alternative(plan: WeekPlan, tables: DishTables, data: menu.DishData, day: int, slot: str, current: PlanDish,
                 new_id: str, others: Mapping[int, week.Menu]) -> Alternative:
    """``new_id`` in place of ``current`` (portions by ``_best_portions``), nothing else changed; the numbers
    are the dish table's per-serving values times the portions."""
    day_plan = plan.day(day)
    slots = _slot_totals(day_plan, data)
    old = {**{n: current.value(n) or 0.0 for n in (*menu.DAILY_NUTRIENTS, "cost_usd")},
           "budget_usd": budget_usd(data, current)}
    new = _per_serving(tables, data, new_id)
    portions = _best_portions(plan, slots, slot, old, new)
    entries = [e for e in _entries(data, day_plan, strict=False)
               if not (e[0] == slot and data.ids[e[2]] == current.dish_id)]
    entries.append((slot, _model_role(slot, current.role), data.index[new_id], portions))
    problems = (_limit_problems(plan, _swapped(slots, slot, old, new, portions))
                + _week_problems(plan, data, day, entries, others))
    now = day_plan.totals
    cost_known = not math.isnan(float(tables.dishes.at[new_id, "cost_usd"]))

    def dish(n: str) -> float:
        return round(portions * new[n], 4)

    def after(n: str) -> float:
        return round(float(now.get(n) or 0.0) - old[n] + portions * new[n], 4)

    return Alternative(
        dish_id=new_id, name=str(tables.dishes.at[new_id, "name"]), portions=portions,
        magnesium_mg=dish("magnesium_mg"), energy_kcal=dish("energy_kcal"),
        cost_usd=dish("cost_usd") if cost_known else None,
        day_magnesium_mg=after("magnesium_mg"), day_energy_kcal=after("energy_kcal"), day_cost_usd=after("cost_usd"),
        delta_magnesium_mg=round(after("magnesium_mg") - float(now.get("magnesium_mg") or 0.0), 4),
        delta_energy_kcal=round(after("energy_kcal") - float(now.get("energy_kcal") or 0.0), 4),
        delta_cost_usd=round(after("cost_usd") - float(now.get("cost_usd") or 0.0), 4),
        fits=not problems, problems=tuple(problems))


def alternatives(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str,
                 limit: int | None = 10) -> list[Alternative]:
    """Ranked dishes that could replace ``dish_id`` in that meal, each with what it does to the day as is.

    Candidates: dishes of the same role (a breakfast for the breakfast main, a main for lunch or dinner, a side,
    a snack) that the plan's diet, allergens and exclusions allow and the week's rules admit (not already in
    the day; a main not on a neighbouring day; within the weekly caps). Portions: nearest one serving that
    keeps the day within its limits. Order: the day fits first, then the person's favourites, then neutral
    dishes, then disliked ones (the plan's profile keeps both), then closeness in energy to the current dish
    (in ``ENERGY_BIN_KCAL`` steps), then the most magnesium, then dish_id. ``foods`` is not needed for the
    numbers (they come from the dish table) but keeps the signature of the other operations.
    """
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ChangeError(f"limit must be a whole number of at least 1, not {limit!r}")
    role = _model_role(slot, current.role)
    data = _data(plan, tables)
    others = _other_menus(plan, data, day)
    energy_now = current.value("energy_kcal") or 0.0
    out = []
    liking: dict[str, int] = {}  # -1 favourite, 0 neutral, 1 disliked
    for i in data.candidates(role):
        new_id = data.ids[int(i)]
        if new_id == dish_id or _rule_reason(plan, data, day, role, int(i), dish_id, others):
            continue
        liking[new_id] = int(np.sign(data.preference[int(i)]))
        out.append(_alternative(plan, tables, data, day, slot, current, new_id, others))
    out.sort(key=lambda a: (not a.fits, liking[a.dish_id], round(abs(a.energy_kcal - energy_now) / ENERGY_BIN_KCAL),
                            -a.magnesium_mg, a.dish_id))
    return out if limit is None else out[:limit]
