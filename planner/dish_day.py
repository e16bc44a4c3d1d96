"""A day of a dish plan (format version 2) as the model sees it, for the edits and the alternatives.

The checks a request passes before any solving (a dish plan, a known slot, a dish that is there, an unlocked
dish, portions in quarters), a day's dishes as model entries ``(slot, model role, dish index, portions)`` and
back into a ``DayPlan``, and a plan with one day replaced (leftover links kept right). A plan's breakfast dish
has role "main", the model's role "breakfast"; ``menu.dish_data`` of the plan's profile and exclusions gives
each dish an index.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Collection, Sequence

import pandas as pd

from foods.dishes import DishTables
from planner import menu, week
from planner.dishplan import make_dishes
from planner.errors import ChangeError
from planner.food_day import _day  # one day-number check for both formats
from planner.dish_data import kept_dish_data
from planner.model import DISH_PLAN_VERSION, DayPlan, LeftoverRef, Meal, PlanDish, WeekPlan
from planner.nutrition import make_day
from planner.verify import notes_for_days

PORTION_STEP = 0.25
PORTION_LEVELS: tuple[float, ...] = tuple(q / 4 for q in range(menu.QUARTERS_MIN, menu.QUARTERS_MAX + 1))
_TOL = 1e-6
# A day menu entry as the model sees it: (slot, model role, dish index, portions or None).
Entry = tuple[str, str, int, "float | None"]


# --- validation -----------------------------------------------------------------------------------
def _check_dish_plan(plan: WeekPlan) -> None:
    if plan.version != DISH_PLAN_VERSION:
        raise ChangeError(f"this plan is format version {plan.version} (foods, not dishes); dish edits need a "
                          f"version-{DISH_PLAN_VERSION} plan made by 'magplan plan' (planner.swaps edits the old "
                          "format)")
    if plan.people:
        raise ChangeError("this is a household plan: swapping, locking and re-planning work on one person's plan "
                          "only for now; plan the household again with --exclude-dish, --favorite or --dislike")


def _slot(slot: object) -> str:
    if slot not in menu.MEAL_SLOTS:
        raise ChangeError(f"unknown meal slot {slot!r}; use one of: {', '.join(menu.MEAL_SLOTS)}")
    return str(slot)


def _meal(day_plan: DayPlan, slot: str) -> Meal:
    return next((m for m in day_plan.meals if m.slot == slot), Meal(slot=slot))


def _dish(plan: WeekPlan, day: object, slot: object, dish_id: object) -> PlanDish:
    d = _day(plan, day)
    meal = _meal(d, _slot(slot))
    for x in meal.dishes:
        if x.dish_id == dish_id:
            return x
    there = ", ".join(x.dish_id for x in meal.dishes) or "nothing"
    raise ChangeError(f"'{dish_id}' is not in day {d.day} {slot} (it has: {there})")


def _check_unlocked(plan: WeekPlan, day: int, slot: str, dish_id: str, verb: str) -> None:
    if plan.is_locked(day, slot, dish_id):
        raise ChangeError(f"'{dish_id}' in day {day} {slot} is locked; unlock it before you {verb} it "
                          f"(magplan unlock PLAN.json --day {day} --slot {slot} --dish {dish_id})")


def _check_portions(portions: object) -> float:
    if isinstance(portions, bool) or not isinstance(portions, (int, float)) or not math.isfinite(portions):
        raise ChangeError(f"portions must be a number, e.g. 1.25, not {portions!r}")
    lo, hi = PORTION_LEVELS[0], PORTION_LEVELS[-1]
    steps = portions / PORTION_STEP
    if not lo - _TOL <= portions <= hi + _TOL or abs(steps - round(steps)) > 1e-6:
        raise ChangeError(f"portions {portions:g} is not allowed; use {lo:g} to {hi:g} in steps of "
                          f"{PORTION_STEP:g}, e.g. 0.75 or 1.25")
    return round(steps) * PORTION_STEP


def _model_role(slot: str, plan_role: str) -> str:
    return "breakfast" if slot == "breakfast" and plan_role == "main" else plan_role


def _plan_role(model_role: str) -> str:
    return "main" if model_role in ("breakfast", "main") else model_role


# --- the plan as the model sees it ----------------------------------------------------------------
def _data(plan: WeekPlan, tables: DishTables, *, extra_dishes: Collection[str] = ()) -> menu.DishData:
    """The dishes this plan's profile, exclusions (plus ``extra_dishes``) and favourites allow: the object the
    plan was made with, while it is kept (``dish_data.kept_dish_data``)."""
    return kept_dish_data(tables, plan.profile, plan.targets, exclude_dishes=(*plan.excluded, *extra_dishes))


def _entries(data: menu.DishData, day_plan: DayPlan, *, strict: bool) -> list[Entry]:
    """(slot, model role, index, portions) of a day's dishes; a dish the data lacks is an error if ``strict``."""
    index = data.index
    out = []
    for m in day_plan.meals:
        for x in m.dishes:
            i = index.get(x.dish_id)
            if i is None:
                if strict:
                    raise ChangeError(f"dish '{x.dish_id}' of day {day_plan.day} {m.slot} is not in the dish "
                                      "library or no longer allowed by this plan's profile; use the library the "
                                      "plan was made from")
                continue
            out.append((m.slot, _model_role(m.slot, x.role), i, float(x.portions)))
    return out


def _other_menus(plan: WeekPlan, data: menu.DishData, day: int) -> dict[int, week.Menu]:
    return {d.day: tuple(sorted(_entries(data, d, strict=False))) for d in plan.days if d.day != day}


def _locked(plan: WeekPlan, data: menu.DishData, day_plan: DayPlan) -> tuple[list[Entry], set[str]]:
    """The day's locked dishes (with their portions) and its locked meals (closed: nothing added)."""
    index = data.index
    entries: list[Entry] = []
    for m in day_plan.meals:
        for x in m.dishes:
            if not plan.is_locked(day_plan.day, m.slot, x.dish_id):
                continue
            if x.dish_id not in index:
                raise ChangeError(f"locked dish '{x.dish_id}' of day {day_plan.day} {m.slot} is not in the dish "
                                  "library or no longer allowed by this plan's profile; unlock it, or use the "
                                  "library the plan was made from")
            entries.append((m.slot, _model_role(m.slot, x.role), index[x.dish_id], float(x.portions)))
    closed = {s for s in menu.MEAL_SLOTS for lk in plan.locks
              if lk.day == day_plan.day and lk.food_id is None and lk.slot in (None, s)}
    return entries, closed


def _build_day(tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int,
               entries: Sequence[Entry]) -> DayPlan:
    """A DayPlan from model entries, meals and dishes in the order ``planner.dishplan`` writes them (the tables
    read once for all the day's dishes)."""
    by_slot = {slot: sorted((e for e in entries if e[0] == slot), key=lambda e: (e[1] == "side", data.ids[e[2]]))
               for slot in menu.MEAL_SLOTS}
    made = iter(make_dishes(tables, foods, [(data.ids[i], _plan_role(r), float(p))
                                            for chosen in by_slot.values() for _s, r, i, p in chosen]))
    return make_day(day, [Meal(slot=slot, dishes=tuple(next(made) for _ in chosen))
                          for slot, chosen in by_slot.items() if chosen])


def _replace_dish(day_plan: DayPlan, slot: str, dish_id: str, new: PlanDish) -> DayPlan:
    """The day with one dish replaced in place (same meal, same position), totals recomputed."""
    meals = [replace(m, items=(), dishes=tuple(new if (m.slot == slot and x.dish_id == dish_id) else x
                                               for x in m.dishes)) if m.slot == slot else m for m in day_plan.meals]
    return make_day(day_plan.day, meals)


def _main_of(day_plan: DayPlan | None, slot: str) -> str | None:
    if day_plan is None:
        return None
    return next((x.dish_id for m in day_plan.meals if m.slot == slot for x in m.dishes if x.role == "main"), None)


def _relinked(old: WeekPlan, days: tuple[DayPlan, ...]) -> tuple[DayPlan, ...]:
    """The days with each leftover lunch of ``old`` still marked only while it is the previous day's dinner
    (a swapped dinner leaves tomorrow's lunch an ordinary lunch); unchanged days stay the same objects."""
    by_day = {d.day: d for d in days}
    was = {d.day for d in old.days for m in d.meals if m.slot == "lunch" and m.leftover_from is not None}
    out = []
    for d in days:
        is_leftover = d.day in was and _main_of(d, "lunch") == _main_of(by_day.get(d.day - 1), "dinner") is not None
        ref = LeftoverRef(day=d.day - 1) if is_leftover else None
        if any(m.slot == "lunch" and m.leftover_from != ref for m in d.meals):
            d = replace(d, meals=tuple(replace(m, leftover_from=ref) if m.slot == "lunch" else m for m in d.meals))
        out.append(d)
    return tuple(out)


def _with_day(plan: WeekPlan, new_day: DayPlan, **changes: object) -> WeekPlan:
    """``plan`` with one day replaced and its co-nutrient notes brought up to date (other notes kept)."""
    days = _relinked(plan, tuple(new_day if d.day == new_day.day else d for d in plan.days))
    return replace(plan, days=days, notes=notes_for_days(plan, days), **changes)
