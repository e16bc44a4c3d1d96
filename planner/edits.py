"""Edit a plan made of dishes (format version 2): swap, lock/unlock, exclude, regenerate, portions (the ranked
alternatives to swap to are ``planner.dish_alternatives``).

The dish-plan counterpart of ``planner.swaps``. Every operation returns a NEW plan (the input is never changed)
and, when it re-plans, the exact list of dishes that moved (``diff_dish_plans``). Only the touched day(s) are
re-planned; every other day is kept as it is, byte for byte. A touched day is changed as little as possible:

1. the change alone (the new dish, or the new portions) when the day still meets every daily limit as is;
2. else the same dishes with new portions (``planner.week.plan_days`` with every other dish fixed and every
   meal closed);
3. else the unlocked dishes of that day may change too.

Locked dishes (``Lock(day, slot, food_id=dish_id)``), locked meals and locked days never change; a locked
meal gets no dish added. Requests that make no sense raise ``ChangeError`` before any solving; a change that
leaves no feasible day raises ``PlanError`` naming the change. The day as the model sees it is
``planner.dish_day``; what a day must meet, ``planner.day_rules``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Collection, Sequence

import pandas as pd

from foods.dishes import DishTables
from planner import menu, week
from planner.changes import Change, ChangeResult, amount_changes
from planner.day_rules import _allowed_reason, _limit_problems, _rule_reason, _slot_totals, _week_reason
from planner.dish_alternatives import _alternative
from planner.dishplan import make_dish
from planner.dish_day import (Entry, _build_day, _check_dish_plan, _check_portions, _check_unlocked, _data, _dish,
                              _entries, _locked, _main_of, _model_role, _other_menus, _replace_dish, _slot, _with_day)
from planner.errors import ChangeError, PlanError, SolverError
from planner.food_day import _day  # one day-number check for both formats
from planner.menu_day import kept_day_model
from planner.model import DayPlan, Lock, WeekPlan


@dataclass(frozen=True)
class DishChange(Change):
    """One dish that moved between two dish plans; portions 0 mean absent (``food_id`` holds the dish_id)."""

    @property
    def dish_id(self) -> str:
        return self.food_id

    @property
    def portions_before(self) -> float:
        return self.servings_before

    @property
    def portions_after(self) -> float:
        return self.servings_after

    def describe(self) -> str:
        """'day 2 dinner: lentil_soup (Lentil soup) 1 -> 0 portions (removed)'."""
        return (f"day {self.day} {self.slot}: {self.food_id} ({self.name}) "
                f"{self.servings_before:g} -> {self.servings_after:g} portions ({self.kind})")


# --- diff -----------------------------------------------------------------------------------------
def _portions_by_key(plan: WeekPlan) -> dict[tuple[int, str, str], tuple[float, str]]:
    out: dict[tuple[int, str, str], tuple[float, str]] = {}
    for d in plan.days:
        for m in d.meals:
            for x in m.dishes:
                before = out.get((d.day, m.slot, x.dish_id), (0.0, x.name))[0]
                out[(d.day, m.slot, x.dish_id)] = (before + float(x.portions), x.name)
    return out


def diff_dish_plans(a: WeekPlan, b: WeekPlan) -> tuple[DishChange, ...]:
    """Dishes whose portions differ between plan ``a`` and plan ``b``, ordered by day, meal and dish_id."""
    return amount_changes(_portions_by_key(a), _portions_by_key(b), menu.MEAL_SLOTS, DishChange)


# --- re-planning one day --------------------------------------------------------------------------
def _solve_day(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int, *,
               fixed: Sequence[Entry], closed: Collection[str], banned: Collection[str],
               kept: Sequence[Entry] = ()) -> DayPlan:
    """Re-plan ``day`` with ``fixed`` dishes in (``kept`` among them only because the day had them), ``banned``
    dishes out and ``closed`` meals holding only their fixed dishes; the other days are kept and count for
    the week's rules. PlanError if none fits."""
    budget = plan.profile.budget_usd_per_day
    out = {(slot, data.index[d]) for d in banned if d in data.index for slot in menu.MEAL_SLOTS}  # in no meal
    solution = week.plan_days(data, plan.targets, plan.rules, [day], budget=budget, solver_rules=plan.rules,
                              day_model=kept_day_model(data, plan.targets, plan.rules, budget, plan.rules),
                              slot_banned=out, fixed_menus=_other_menus(plan, data, day), fixed={day: list(fixed)},
                              closed={day: set(closed)}, kept={day: {(s, i) for s, _r, i, _p in kept}})
    got = solution.menus[day]
    for slot, role, i, portions in fixed:
        if not any(e[:3] == (slot, role, i) and (portions is None or abs(e[3] - portions) < 1e-9) for e in got):
            raise SolverError(f"the optimizer returned day {day} without '{data.ids[i]}' in {slot}"
                              f"{'' if portions is None else f' at {portions:g} portions'}; this is a bug, "
                              "please report it")
    return _build_day(tables, foods, data, day, got)


def _replan_day(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int, what: str,
                *, must: Sequence[Entry] = (), keep: Sequence[Entry] = (), open_slots: Collection[str] = (),
                banned: Collection[str] = ()) -> DayPlan:
    """Minimal change: ``must`` and the locked dishes in, first with ``keep`` (the day's other unlocked dishes)
    at free portions and only ``open_slots`` open, else with the unlocked dishes free to change."""
    locked, locked_meals = _locked(plan, data, plan.day(day))
    others = _other_menus(plan, data, day)
    for slot, role, i, _p in [*locked, *must]:
        why = _week_reason(plan, data, day, role, i, others)
        if why:
            raise ChangeError(f"cannot {what}: {why}")
    leftover = [] if "lunch" in open_slots or any(e[:2] == ("lunch", "main") for e in must) \
        else _leftover_entry(plan, data, day)
    keep = [e for e in keep if e[:3] not in {x[:3] for x in leftover}]
    keep = [e for e in keep if _week_reason(plan, data, day, e[1], e[2], others) is None]
    locked = [*locked, *leftover]  # yesterday's dinner stays today's lunch (the week's rules allow it on purpose)
    first = (list(keep), set(menu.MEAL_SLOTS) - set(open_slots))
    attempts = [first] if (keep or first[1]) else []
    attempts.append(([], set()))
    for n, (kept, closed) in enumerate(attempts):
        try:
            return _solve_day(plan, tables, foods, data, day, fixed=[*locked, *must, *kept],
                              closed=closed | locked_meals, banned=banned, kept=kept)
        except PlanError as exc:
            if n == len(attempts) - 1:
                raise PlanError(f"cannot {what}: {exc}", explanation=getattr(exc, "explanation", None)) from exc
    raise AssertionError("unreachable")


def _leftover_entry(plan: WeekPlan, data: menu.DishData, day: int) -> list[Entry]:
    """The day's leftover lunch main (portions free) while it is still the previous day's dinner."""
    day_plan = plan.day(day)
    lunch = next((m for m in day_plan.meals if m.slot == "lunch"), None)
    main = _main_of(day_plan, "lunch")
    if lunch is None or lunch.leftover_from is None or main not in data.index or day - 1 not in \
            {d.day for d in plan.days} or main != _main_of(plan.day(day - 1), "dinner"):
        return []
    return [("lunch", "main", data.index[main], None)]


def _unlocked_entries(plan: WeekPlan, data: menu.DishData, day_plan: DayPlan, *, skip: Collection[tuple[str, str]]
                      = (), slots: Collection[str] | None = None) -> list[Entry]:
    """The day's unlocked dishes (portions left free), except (slot, dish_id) in ``skip``."""
    return [(s, r, i, None) for s, r, i, _p in _entries(data, day_plan, strict=False)
            if (s, data.ids[i]) not in skip and not plan.is_locked(day_plan.day, s, data.ids[i])
            and (slots is None or s in slots)]


def _result(old: WeekPlan, new: WeekPlan) -> ChangeResult:
    return ChangeResult(plan=new, changes=diff_dish_plans(old, new))


# --- operations -----------------------------------------------------------------------------------
def swap(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str, to: str
         ) -> ChangeResult:
    """Put dish ``to`` in place of ``dish_id`` in one meal; re-balance the rest of that day only if needed."""
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    if to == dish_id:
        raise ChangeError(f"'{dish_id}' would be swapped for itself; name a different dish")
    _check_unlocked(plan, day, slot, dish_id, "swap")
    role = _model_role(slot, current.role)
    data = _data(plan, tables)
    why = _allowed_reason(plan, tables, data, to, role)
    others = _other_menus(plan, data, day)
    i = data.index[to] if why is None else -1
    why = why or _rule_reason(plan, data, day, role, i, dish_id, others)
    if why:
        raise ChangeError(f"cannot swap in {why}")
    day_plan = plan.day(day)
    _entries(data, day_plan, strict=True)
    alt = _alternative(plan, tables, data, day, slot, current, to, others)
    if alt.fits:
        new_day = _replace_dish(day_plan, slot, dish_id, make_dish(tables, foods, to, current.role, alt.portions))
    else:
        keep = _unlocked_entries(plan, data, day_plan, skip={(slot, dish_id)})
        new_day = _replan_day(plan, tables, foods, data, day, f"swap '{dish_id}' for '{to}' in day {day} {slot}",
                              must=[(slot, role, i, None)], keep=keep, banned=[dish_id])
    return _result(plan, _with_day(plan, new_day))


def set_portions(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str,
                 portions: float) -> ChangeResult:
    """Set one dish's portions (0.5 to 2 in quarters); re-balance the rest of that day only if needed."""
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    portions = _check_portions(portions)
    _check_unlocked(plan, day, slot, dish_id, "change")
    if abs(portions - current.portions) < 1e-9:
        return ChangeResult(plan=plan, changes=())
    data = _data(plan, tables)
    day_plan = plan.day(day)
    _entries(data, day_plan, strict=True)  # every dish of the day maps to the model
    role, i = _model_role(slot, current.role), data.index[dish_id]
    new_day = _replace_dish(day_plan, slot, dish_id, make_dish(tables, foods, dish_id, current.role, portions))
    if _limit_problems(plan, _slot_totals(new_day, data)):
        keep = _unlocked_entries(plan, data, day_plan, skip={(slot, dish_id)})
        new_day = _replan_day(plan, tables, foods, data, day,
                              f"set '{dish_id}' in day {day} {slot} to {portions:g} portions",
                              must=[(slot, role, i, portions)], keep=keep)
    return _result(plan, _with_day(plan, new_day))


def regenerate(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str | None = None
               ) -> ChangeResult:
    """Different dishes for one meal (or the whole day): its unlocked dishes are replaced, the rest kept."""
    _check_dish_plan(plan)
    day_plan = _day(plan, day)
    slots = set(menu.MEAL_SLOTS) if slot is None else {_slot(slot)}
    data = _data(plan, tables)
    _entries(data, day_plan, strict=True)
    replaced = [data.ids[i] for _s, _r, i, _p in _unlocked_entries(plan, data, day_plan, slots=slots)]
    where = f"day {day}" + ("" if slot is None else f" {slot}")
    if not replaced:
        raise ChangeError(f"{where} has no unlocked dish to replace; unlock something first "
                          f"(magplan unlock PLAN.json --day {day})")
    keep = _unlocked_entries(plan, data, day_plan, slots=set(menu.MEAL_SLOTS) - slots)
    new_day = _replan_day(plan, tables, foods, data, day, f"regenerate {where}", keep=keep, open_slots=slots,
                          banned=replaced)
    return _result(plan, _with_day(plan, new_day))


def exclude(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, dish_id: str | None = None,
            food_id: str | None = None) -> ChangeResult:
    """Never plan a dish (``dish_id``) or any dish containing a food (``food_id``) again; re-plan the days
    that had one. A dish is recorded in ``plan.excluded``, a food in the profile's ``exclude_foods``."""
    _check_dish_plan(plan)
    if (dish_id is None) == (food_id is None):
        raise ChangeError("exclude exactly one thing: a dish (--dish DISH_ID) or a food (--food FOOD_ID)")
    in_plan = {x.dish_id for d in plan.days for m in d.meals for x in m.dishes}
    if dish_id is not None:
        if dish_id not in tables.dishes.index and dish_id not in in_plan:
            raise ChangeError(f"unknown dish '{dish_id}'; use a dish_id of the dish library (see 'magplan dishes "
                              "list')")
        hit = {dish_id}
        new_plan = plan if dish_id in plan.excluded else replace(plan, excluded=(*plan.excluded, dish_id))
    else:
        ing = tables.ingredients
        hit = set(ing.loc[ing["food_id"] == food_id, "dish_id"].astype(str))
        hit |= {x.dish_id for d in plan.days for m in d.meals for x in m.dishes
                if any(it.food_id == food_id for it in x.ingredients)}
        if food_id not in foods.index and not hit:
            raise ChangeError(f"unknown food '{food_id}'; use a food_id of the food table (see 'magplan foods "
                              "search')")
        p = plan.profile
        new_plan = plan if food_id in p.exclude_foods else replace(
            plan, profile=replace(p, exclude_foods=(*p.exclude_foods, str(food_id))))
    what = f"exclude '{dish_id if dish_id is not None else food_id}'"
    where = [(d.day, m.slot, x.dish_id) for d in plan.days for m in d.meals for x in m.dishes if x.dish_id in hit]
    for d, s, x in where:
        if plan.is_locked(d, s, x):
            raise ChangeError(f"'{x}' is locked in day {d} {s}; unlock it before you {what}")
    data = _data(new_plan, tables, extra_dishes=hit)
    for day in sorted({d for d, _s, _x in where}):
        day_plan = new_plan.day(day)
        removed = {s for d, s, _x in where if d == day}
        keep = _unlocked_entries(new_plan, data, day_plan)
        new_day = _replan_day(new_plan, tables, foods, data, day, what, keep=keep, open_slots=removed)
        new_plan = _with_day(new_plan, new_day)
    return _result(plan, new_plan)


# --- locks ----------------------------------------------------------------------------------------
def _check_lock_target(plan: WeekPlan, day: int, slot: str | None, dish_id: str | None) -> None:
    _check_dish_plan(plan)
    _day(plan, day)
    if slot is None:
        if dish_id is not None:
            raise ChangeError("to lock or unlock one dish, also name its meal slot (e.g. --slot dinner)")
        return
    if dish_id is None:
        _slot(slot)
    else:
        _dish(plan, day, slot, dish_id)


def lock(plan: WeekPlan, *, day: int, slot: str | None = None, dish_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` with a day, a meal or one dish locked: re-planning never changes it."""
    _check_lock_target(plan, day, slot, dish_id)
    new = Lock(day=day, slot=slot, food_id=dish_id)
    return plan if new in plan.locks else replace(plan, locks=(*plan.locks, new))


def unlock(plan: WeekPlan, *, day: int, slot: str | None = None, dish_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` without the locks inside the named day, meal or dish.

    If a wider lock still covers it (a dish of a locked day), ChangeError says which lock to remove instead.
    """
    _check_lock_target(plan, day, slot, dish_id)

    def inside(lk: Lock) -> bool:
        return lk.day == day and (slot is None or (lk.slot == slot and (dish_id is None or lk.food_id == dish_id)))

    kept = tuple(lk for lk in plan.locks if not inside(lk))
    for lk in kept:
        if slot is not None and lk.covers(day, slot, dish_id):
            wider = f"day {lk.day}" if lk.slot is None else f"day {lk.day} {lk.slot}"
            raise ChangeError(f"{wider} is locked as a whole; unlock {wider} instead")
    return plan if len(kept) == len(plan.locks) else replace(plan, locks=kept)


__all__ = ["DishChange", "diff_dish_plans", "exclude", "lock", "regenerate", "set_portions", "swap", "unlock"]
