"""A week of dishes: each day planned under the week's rules, with co-nutrients priced, then improved day by day,
with a proven bound.

The compact week model (``planner.menu``, all days in one MILP) is too slow to solve directly (HiGHS did not
prove 1 % in 60 s on 246 dishes), and a single day with the co-nutrients as soft rows took 1-3 s. So:

1. **Bound and prices.** The LP of the week's average day (``planner.menu_average``: each weekly rule as its daily
   share) bounds the week from below (``menu_average.week_lp``: days x its value, as tight as the LP of the
   whole week and about ten times faster), and its co-nutrient rows' shadow prices say what a unit of iron,
   calcium, potassium, vitamin D or B12 is worth to the week: usually nothing but vitamin D, which omnivore
   weeks meet at a cost.
2. **Days in order.** Day d is the day MIP under the rules the earlier days set: a main dish used on the day
   before or already on ``max_main_per_week`` days is banned, a breakfast, snack or side at its cap too, the
   day must differ from every earlier day (and not repeat another day's pair of mains), and the designated
   fish and meat days need such a main (``spread_days``); on a leftover day (``leftover_days``) the lunch is
   the previous day's dinner main, and that dinner is a main the week has not had yet. The co-nutrients the
   week still needs are priced (``_co_prices``); one the week is behind on gets a soft row for today's share
   (``_co_targets``), and so does every one still short on the last day. (Rows on every day, the method
   before, weaken the day's LP: a day took 1-3 s instead of 0.1-0.3 s, and the week cost more.)
   Each day is solved by reduced-cost fixing (``solve.solve_pruned``: about a tenth of its columns) on one
   day model built once and set for each day (``planner.menu_day``).
3. **Improve** (``improve``): each day planned again with the rest of the week fixed, now with the exact
   shortfall rows, and kept when the week's objective falls.
4. **The week's objective** is then computed as the compact model would (shortfalls on the week's average),
   so objective and bound compare like with like; the gap is reported, not assumed.

Deterministic: node limits, one thread and a fixed seed (``planner.solve``); time limits are a safety net.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Collection, Mapping, Sequence

import numpy as np

from planner import fruit_days, menu, near_misses
from planner.errors import PlanError
from planner.menu import CO_NUTRIENTS, DishData
from planner.menu_average import WeekLP, week_lp
from planner.menu_day import DayContext, DayModel, Menu, days_differ, menus_amount
from planner.model import Rules, Targets
from planner.solve import DAY_MAX_NODES, DISH_DAY_OPTIONS

# A co-nutrient whose week total after the days planned so far is below this share of its pro rata need gets a
# soft row in the next day (``_co_targets``); one on track is only priced (``_co_prices``).
BEHIND_SHARE = 0.97
# Of the shortfall slope, added to a co-nutrient's shadow price while the week needs it. 0.02 until the second
# portion of fruit: then the man of 60 on $7/day ended 19 % short of vitamin D (objective 11.25); 0.03-0.07 closed
# it, and 0.03 gave the lowest sum over the six bench weeks (69.70; 0.05: 69.77, 0.07: 69.86, 0.1: 70.13).
PRICE_FLOOR_SHARE = 0.03
# A day is one step of a heuristic week (the week's gap is what the plan reports), so it need not prove its own:
# after one reduced-cost step (``solve.solve_pruned``: the MIP over the columns the day's LP prices near its
# optimum) its best menu stands. (Proving every day took the $7/day week of a man of 60 13.5 s instead of 5.5 s,
# and that week came out no better: 7.17 against 6.77. A second step took 4.3 s instead of 1.4 s for 6.89
# against 6.74; over the five bench profiles the weeks summed 44.83 against 44.70.)
DAY_PRUNE_STEPS = 1
# The improvement pass plans at most so many days again (a week: all of them). 28 days improved in full took
# 6.3 s instead of 3.5 s for a gap of 2.1 % instead of 4.8 % (bench/README.md).
IMPROVE_DAYS_MAX = 7
# The rows of the co-nutrients a re-planned day is to close (``planner.near_misses``): their weight per 100 %
# of the weekly target, and how far above the target they aim (so a day does not stop a hair short).
CLOSING_WEIGHT = 100.0
CLOSING_MARGIN = 0.005
# The week's fish minimum (pregnancy: 8 oz), per gram short: in each fish day's soft row (``_fish_g_min``) and in
# the week's objective. At 0.1 the pregnant week had 225 g (a day's pruned MIP kept 112.5 g of 113.4); at 0.5 and
# 5, 262.5 g, for an objective 5.7 % above the week without the minimum.
FISH_SHORT_WEIGHT = 0.5


@dataclass(frozen=True)
class WeekSolution:
    menus: Mapping[int, Menu]
    objective: float
    bound: float | None
    status: str
    seconds: float
    leftovers: Mapping[int, int] = field(default_factory=dict)  # lunch day -> the previous dinner's main


def spread_days(days: Sequence[int], need: int) -> frozenset[int]:
    """``need`` days spread over ``days`` (fish twice in 7 days: days 2 and 5)."""
    n = len(days)
    need = min(need, n)
    return frozenset(days[min(n - 1, int(n * (k + 0.5) / need))] for k in range(need)) if need else frozenset()


def day_prices(targets: Targets, menus: Mapping[int, Menu], data: DishData, n_days: int) -> dict[str, float]:
    """Objective value of a unit of each co-nutrient for the next day: the shortfall penalty's slope while
    the days planned so far leave the week short of the target, else nothing."""
    prices = {}
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * n_days
        have = menus_amount(data, menus, column)
        if need > 0 and have < need:
            prices[column] = menu.shortfall_weight(column) / need
    return prices


def _solve_day(day_model: DayModel, day: int, context: DayContext) -> tuple[Menu, bool]:
    """The day's menu, and whether it has the fish or meat main it was to have: when no menu with it fits, the
    day is planned without (the next free day makes it up); PlanError when no menu fits at all."""
    for ctx in (context, replace(context, need_fish=False, need_meat=False)):
        got = day_model.solve(ctx, day, max_nodes=DAY_MAX_NODES, options=DISH_DAY_OPTIONS, max_steps=DAY_PRUNE_STEPS)
        if got is not None:
            return got, ctx is context
        if not (context.need_fish or context.need_meat):
            break
    raise PlanError(f"day {day}: no menu meets the targets under the week's rules")


def _context(data: DishData, rules: Rules, menus: Mapping[int, Menu], day: int, prices: Mapping[str, float],
             fish_needed: bool, fixed_elsewhere: Mapping[int, Menu] | None = None) -> DayContext:
    """The day's context from the other days' ``menus``; ``fixed_elsewhere``: dishes fixed on days not planned
    yet (a household's shared dinners, leftover lunches), which count for the caps and neighbours too."""
    planned = menus
    menus = {**(fixed_elsewhere or {}), **menus}
    # Snacks and sides share one count: a cup of kefir is the same dish as a side or as a snack.
    group = {"main": "main", "breakfast": "breakfast", "snack": "snack_side", "side": "snack_side"}
    days_used: dict[tuple[str, int], set[int]] = {}
    for d, m in menus.items():
        for _slot, role, i, _p in m:
            days_used.setdefault((group[role], i), set()).add(d)
    cap = {"main": rules.max_main_per_week, "breakfast": rules.max_breakfast_per_week,
           "snack_side": rules.max_snack_side_per_week}
    banned = {(role, i) for (g, i), used in days_used.items() if len(used) >= cap[g]
              for role, g2 in group.items() if g2 == g}
    # Not on consecutive days: a main, a snack, and a breakfast unless the person wants the same every day.
    spaced = {"main", "snack"} | ({"breakfast"} if rules.max_breakfast_per_week < rules.days else set())
    for neighbour in (day - 1, day + 1):
        banned |= {(role, i) for _s, role, i, _p in menus.get(neighbour, ()) if role in spaced}
    banned |= fruit_days.banned(data, rules, menus, day)
    if rules.fish_per_week_max is not None:  # e.g. pregnancy: fish on at most so many days, not on neighbouring ones
        fish_days = {d for d, m in menus.items() if d != day and any(data.fish_any[i] for *_x, i, _p in m)}
        if len(fish_days) >= menu.days_allowed(rules.fish_per_week_max, rules.days) or fish_days & {day - 1, day + 1}:
            banned |= {(role, int(i)) for role in ("breakfast", "main", "side", "snack")
                       for i in np.flatnonzero(data.fish_any & data.roles[role])}
    others = tuple(frozenset((s, r, i) for s, r, i, _p in m) for d, m in sorted(planned.items()) if d != day)
    # A day with the same dishes as another is the same day, whichever main is lunch and which is dinner.
    others = tuple(o | {(s2, r, i) for s, r, i in o if r == "main" for s2 in ("lunch", "dinner")} for o in others)
    return DayContext(banned=frozenset(banned), other_days=others, need_fish=fish_needed, prices=dict(prices))


def day_context(data: DishData, rules: Rules, menus: Mapping[int, Menu], day: int) -> DayContext:
    """What the other days' ``menus`` ask of ``day`` (banned dishes, days to differ from): the week's rules."""
    return _context(data, rules, menus, day, {}, False)


def day_objective(data: DishData, targets: Targets, rules: Rules, day_menu: Menu) -> float:
    """A day's own terms of the objective: its dishes' cost, preferences, portions and extras, its fruit, its
    breakfast protein and its fibre above the soft ceiling."""
    total = sum(menu.choice_cost(data, rules, role, i, round(portions * 4)) for _s, role, i, portions in day_menu)
    fruit_g = sum(p * float(data.fruit_g[i]) for _s, _r, i, p in day_menu)
    protein_g = sum(p * float(data.values["protein_g"][i]) for s, _r, i, p in day_menu if s == "breakfast")
    fiber_g = sum(p * float(data.values["fiber_g"][i]) for _s, _r, i, p in day_menu)
    return total + menu.day_shortfall_cost(fruit_g, protein_g, menu.fruit_g_min(data),
                                           fiber_g - menu.fiber_g_soft_max(targets))


def week_objective(data: DishData, targets: Targets, rules: Rules, menus: Mapping[int, Menu]) -> float:
    """The compact model's objective of a week: each day's terms plus the co-nutrient shortfall penalty (and the
    fish minimum's, which the compact model and the bound leave out: the bound stays a bound)."""
    total = sum(day_objective(data, targets, rules, m) for m in menus.values())
    amounts = {c: menus_amount(data, menus, c) for c, _t in CO_NUTRIENTS}
    n = len(menus)
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * n
        if need > 0:
            total += menu.shortfall_weight(column) * max(0.0, 1.0 - amounts[column] / need)
    if rules.fish_g_per_week_min is not None and data.fish.any():  # the fish days' soft rows (``_fish_g_min``)
        fish_g = sum(p * float(data.fish_g[i]) for m in menus.values() for _s, _r, i, p in m)
        total += FISH_SHORT_WEIGHT * max(0.0, rules.fish_g_per_week_min * n / 7 - fish_g)
    return total


def improve(data: DishData, targets: Targets, rules: Rules, menus: Mapping[int, Menu], leftover_days: Collection[int],
            *, budget: float | None, slot_banned: Collection[tuple[str, int]], solver_rules: Rules,
            day_model: DayModel | None = None, lp: WeekLP | None = None) -> dict[int, Menu]:
    """One pass over the days: each dinner with the leftover lunch after it planned again together, then each day
    alone, the dearest first (``_units``), with the rest of the week as it is (its co-nutrient rows now exact);
    a change is kept when the week's objective falls (a single day keeps its leftover links). In a plan longer
    than IMPROVE_DAYS_MAX days, only the dearest days (``day_objective``) are planned again.

    With two cores, the next unit is planned on the second (``DayModel.twin``) against the same week while this
    one is: most changes are not kept, and when one is, the next unit's plan is thrown away and made again. So
    the week is the one a single core makes, a third sooner (bench/README.md)."""
    week = dict(menus)
    objective = week_objective(data, targets, rules, week)
    order = sorted(week, key=lambda d: (-day_objective(data, targets, rules, week[d]), d))  # the dearest day first
    dearest = set(order[:IMPROVE_DAYS_MAX])
    units = [u for u in _units(order, leftover_days) if set(u) & dearest]
    main = day_model or DayModel(data, targets, rules, budget, solver_rules)
    twin = main.twin()

    def again(unit: list[int], state: Mapping[int, Menu], model: DayModel) -> dict[int, Menu] | None:
        others = {d: m for d, m in state.items() if d not in unit}
        keep = {} if len(unit) > 1 else {unit[0]: _leftover_keeps(state[unit[0]], unit[0], leftover_days)}
        try:  # a pair is priced as a week is planned (its first day does not hold all of the week's shortfall)
            return {**state, **plan_days(data, targets, rules, unit, budget=budget, solver_rules=solver_rules,
                                         fixed_menus=others, fixed=keep, slot_banned=slot_banned, day_model=model,
                                         leftover_days=leftover_days if len(unit) > 1 else (),
                                         lp=lp if len(unit) > 1 else None, improve_days=False).menus}
        except PlanError:
            return None

    with ThreadPoolExecutor(max_workers=1) if _cores() >= IMPROVE_THREADS else nullcontext() as ahead:
        k = 0
        while k < len(units):
            guess = ahead.submit(again, units[k + 1], week, twin) if ahead and k + 1 < len(units) else None
            trial = again(units[k], week, main)
            value = _kept(data, targets, rules, trial, objective)
            k += 1
            if value is None and guess is not None:  # the week is unchanged: the guess stands
                trial = guess.result()
                value = _kept(data, targets, rules, trial, objective)
                k += 1
            if value is not None:
                week, objective = trial, value
    return week


IMPROVE_THREADS = 2  # improve() plans the next unit ahead on a second core when the machine has one


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _kept(data: DishData, targets: Targets, rules: Rules, trial: Mapping[int, Menu] | None, objective: float
          ) -> float | None:
    """The objective of the week ``trial`` when ``improve`` keeps it (it falls and the days still differ), else
    None."""
    if trial is None:
        return None
    value = week_objective(data, targets, rules, trial)
    return value if value < objective - 1e-9 and days_differ(trial.values()) else None


def close_near_misses(data: DishData, targets: Targets, rules: Rules, menus: Mapping[int, Menu],
                      leftover_days: Collection[int], *, budget: float | None, slot_banned: Collection[tuple[str, int]],
                      solver_rules: Rules, day_model: DayModel | None = None) -> dict[int, Menu]:
    """``near_misses.close_near_misses`` with days planned again by ``plan_days`` (half of them on a second core
    when there is one) and weeks priced by ``week_objective``."""
    main = day_model or DayModel(data, targets, rules, budget, solver_rules)
    models = (main, main.twin() if _cores() >= IMPROVE_THREADS else None)

    def replan(week: Mapping[int, Menu], days: Sequence[int], closing: tuple[str, ...]) -> dict[int, Menu | None]:
        return _replans(data, targets, rules, week, days, leftover_days, models, budget=budget,
                        solver_rules=solver_rules, slot_banned=slot_banned, closing=closing)

    return near_misses.close_near_misses(data, targets, menus, replan,
                                         lambda week: week_objective(data, targets, rules, week))


def _replans(data: DishData, targets: Targets, rules: Rules, week: Mapping[int, Menu], days: Sequence[int],
             leftover_days: Collection[int], models: tuple[DayModel, DayModel | None], **shared
             ) -> dict[int, Menu | None]:
    """Each of ``days`` planned again alone with the rest of ``week`` fixed (None: no menu fits); with a second
    model, every other day on a second core. The same menus either way: each day's plan depends on the week
    only. ``shared``: plan_days's budget, solver_rules, slot_banned and closing."""
    def one(day: int, model: DayModel) -> Menu | None:
        others = {d: m for d, m in week.items() if d != day}
        try:
            return plan_days(data, targets, rules, [day], fixed_menus=others,
                             fixed={day: _leftover_keeps(week[day], day, leftover_days)}, day_model=model,
                             improve_days=False, **shared).menus[day]
        except PlanError:
            return None

    def run(chunk: Sequence[int], model: DayModel) -> dict[int, Menu | None]:
        return {day: one(day, model) for day in chunk}

    if models[1] is None or len(days) < 2:
        return run(days, models[0])
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(run, days[1::2], models[1])
        return {**run(days[0::2], models[0]), **second.result()}


def _leftover_keeps(day_menu: Menu, day: int, leftover_days: Collection[int]) -> list[tuple[str, str, int, None]]:
    """A day's mains tied to a leftover: its lunch (yesterday's dinner) and the dinner left over for tomorrow."""
    return [(s, r, i, None) for s, r, i, _p in day_menu
            if r == "main" and ((s == "lunch" and day in leftover_days) or (s == "dinner" and day + 1 in leftover_days))]


def _units(days: Sequence[int], leftover_days: Collection[int]) -> list[list[int]]:
    """What ``improve`` plans again, in order: each dinner with the leftover lunch after it, then each day alone in
    the order of ``days`` (the dearest first: over the five bench profiles no week came out dearer than in
    calendar order, and four of five cheaper, e.g. the pescatarian 5.110 against 5.254)."""
    pairs = [[d - 1, d] for d in sorted(days) if d in leftover_days and d - 1 in days]
    return pairs + [[d] for d in days]


def leftover_days(days: Sequence[int], per_week: int) -> frozenset[int]:
    """The days whose lunch is the previous day's dinner: ``per_week`` of them spread over the plan (never the
    first day: its dinner of the day before is not in the plan)."""
    return spread_days(list(days)[1:], min(per_week, max(len(days) - 1, 0))) if per_week > 0 else frozenset()


def _dinner_main(day_menu: Menu | None) -> int | None:
    return next((i for slot, role, i, _p in day_menu or () if slot == "dinner" and role == "main"), None)


def _kind_days(data: DishData, rules: Rules, all_days: Sequence[int], leftover_days: Collection[int]
               ) -> tuple[list[int], frozenset[int], frozenset[int]]:
    """(the days whose lunch is free, the fish days, the meat days): fish and meat spread over the free days
    (a leftover lunch is last night's dish)."""
    free = [d for d in all_days if d not in leftover_days] or list(all_days)
    fish_on = spread_days(free, menu.days_needed(rules.fish_per_week_min, len(all_days))) \
        if data.fish.any() else frozenset()
    meat_on = spread_days([d for d in free if d not in fish_on] or free,
                          menu.days_needed(rules.meat_per_week_min, len(all_days))) \
        if data.meat.any() else frozenset()
    return free, fish_on, meat_on


def _leftover_rules(data: DishData, rules: Rules, menus: Mapping[int, Menu], seen: Mapping[int, Menu], day: int,
                    today: list, bans: set[tuple[str, int]], leftover_days: Collection[int]
                    ) -> tuple[list, set[tuple[str, int]]]:
    """``today``'s fixed dishes and the slot bans with the leftover rules: on a leftover day the lunch is the
    previous dinner's main; the dinner before one is a main the week has not had, one that keeps overnight
    (``DishData.keeps``), and one whose fruit its second day would not take over the week's cap."""
    left = _dinner_main(menus.get(day - 1)) if day in leftover_days else None
    if left is not None and not any(f[0] == "lunch" for f in today):
        today = [*today, ("lunch", "main", left, None)]
    if day + 1 in leftover_days:
        bans = bans | {("dinner", i) for m in seen.values() for _s, r, i, _p in m if r == "main"}
        bans |= {("dinner", int(i)) for i in np.flatnonzero(~data.keeps)}
        if day + 1 not in seen:  # tomorrow's lunch is not planned yet: tonight's dinner will be it
            bans |= fruit_days.twice_banned(data, rules, seen, day)
    return today, bans


def _needs_kind(kind: np.ndarray, designated: Collection[int], seen: Mapping[int, Menu], day: int, later: int) -> bool:
    """Whether ``day`` needs a main of a kind (fish, meat): the days planned hold fewer than the designated days
    up to today (a missed one is made up on the next free day), or fewer than the week needs and the free days
    still to plan cannot make up the rest (a day planned again with the rest of the week fixed)."""
    have = _main_days(kind, seen)
    return have < sum(1 for d in designated if d <= day) or have + later < len(designated)


def _fish_g_left(data: DishData, rules: Rules, seen: Mapping[int, Menu], today: Sequence, n_days: int
                 ) -> float | None:
    """Grams of fish today may hold under the week's cap (``rules.fish_g_per_week_max``, pregnancy), at least
    the fish of today's fixed dishes (a leftover lunch) at their smallest planned portion; None: no cap. (A
    dinner eaten again at tomorrow's lunch counts twice: ``DayContext.fish_dinner_twice``.)"""
    if rules.fish_g_per_week_max is None:
        return None
    used = sum(p * float(data.fish_g[i]) for m in seen.values() for _s, _r, i, p in m)
    fixed = sum((min(menu.PLANNED_QUARTERS[r]) / 4 if p is None else p) * float(data.fish_g[i])
                for _s, r, i, p in today)
    return max(rules.fish_g_per_week_max * n_days / 7 - used, fixed)


def _fish_g_min(data: DishData, rules: Rules, seen: Mapping[int, Menu], day: int, fish_on: Collection[int],
                n_days: int) -> tuple[float, float] | None:
    """(grams of fish a fish day is to hold, objective per gram short): what the week's minimum
    (``rules.fish_g_per_week_min``, pregnancy) still needs, shared by the fish days left, today among them."""
    if rules.fish_g_per_week_min is None:
        return None
    used = sum(p * float(data.fish_g[i]) for m in seen.values() for _s, _r, i, p in m)
    left = max(1, sum(1 for d in fish_on if d >= day and d not in seen))
    return max(0.0, rules.fish_g_per_week_min * n_days / 7 - used) / left, FISH_SHORT_WEIGHT


def _main_days(kind: np.ndarray, menus: Mapping[int, Menu]) -> int:
    """How many mains of a kind (fish, meat) the menus hold."""
    return sum(1 for m in menus.values() for _s, r, i, _p in m if r == "main" and kind[i])


def _co_targets(data: DishData, targets: Targets, menus: Mapping[int, Menu], all_days: Sequence[int],
                closing: Collection[str] = ()) -> dict[str, tuple[float, float]]:
    """Soft rows for the co-nutrients the week is behind on (below BEHIND_SHARE of their pro rata need after
    the days planned so far), and for every one still short on the last day: (today's share of what the week
    still needs, its price: the shortfall penalty's slope)."""
    left = len([d for d in all_days if d not in menus])
    done = len(all_days) - left
    rows = {}
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * len(all_days)
        have = menus_amount(data, menus, column)
        if need > 0 and have < need and (left <= 1 or have < BEHIND_SHARE * need * done / len(all_days)):
            weight = CLOSING_WEIGHT if column in closing else menu.shortfall_weight(column)
            aim = need * (1 + CLOSING_MARGIN) if column in closing else need
            rows[column] = ((aim - have) / max(left, 1), weight / need)
    return rows


def _co_prices(data: DishData, targets: Targets, menus: Mapping[int, Menu], n_days: int,
               shadow: Mapping[str, float]) -> dict[str, float]:
    """A unit's worth of each co-nutrient the week still needs: its shadow price in the week LP plus
    PRICE_FLOOR_SHARE of the shortfall slope (so a day leans to the richer of two equal dishes)."""
    slopes = day_prices(targets, menus, data, n_days)
    return {c: shadow.get(c, 0.0) + PRICE_FLOOR_SHARE * slope for c, slope in slopes.items()}


def plan_days(data: DishData, targets: Targets, rules: Rules, days: Sequence[int], *,
              budget: float | None = None, solver_rules: Rules | None = None,
              fixed_menus: Mapping[int, Menu] | None = None,
              fixed: Mapping[int, Sequence[tuple[str, str, int, float | None]]] | None = None,
              closed: Mapping[int, Collection[str]] | None = None,
              slot_banned: Collection[tuple[str, int]] = (),
              bonus: Mapping[int, Mapping[tuple[str, int], float]] | None = None,
              leftover_days: Collection[int] = (), improve_days: bool = True,
              kept: Mapping[int, Collection[tuple[str, int]]] | None = None,
              day_model: DayModel | None = None, lp: WeekLP | None = None,
              closing: Collection[str] = ()) -> WeekSolution:
    """Menus for ``days`` (other days in ``fixed_menus`` are kept and count for the week's rules).

    ``fixed``: per day, (slot, model role, dish index, portions or None) that must be in that day's menu
    (locked dishes, a swapped-in dish, a household's shared dinner, a leftover lunch); None portions leave the
    portions to the model. ``closed``: per day, the meal slots that hold only their fixed dishes (a locked
    meal: no side or snack is added). ``slot_banned``: (slot, dish index) never planned in that slot.
    ``bonus``: per day, (slot, dish index) -> a reward for choosing it (what another person eats then).
    ``leftover_days``: days whose lunch is the previous day's dinner main (cooked in a larger batch); the
    dinner before such a day is a main not yet in the week, so with its leftover it is eaten twice.
    ``improve_days``: whether a week planned from scratch is then improved day by day (``improve``). ``kept``:
    per day, (slot, dish index) of ``fixed`` dishes the day only had (``DayContext.kept``). ``day_model``: reused.
    ``lp``: the week's bound and prices, when known (else computed for a plan of several days). ``closing``:
    co-nutrients whose shortfall rows cost CLOSING_WEIGHT (``close_near_misses``).
    """
    t0 = time.perf_counter()
    solver_rules = solver_rules or Rules()
    menus: dict[int, Menu] = dict(fixed_menus or {})
    all_days = sorted(set(days) | set(menus))
    free, fish_on, meat_on = _kind_days(data, rules, all_days, leftover_days)
    lp = lp if lp is not None else _plan_lp(data, targets, rules, budget, days, all_days, leftover_days, solver_rules)
    day_model = day_model or DayModel(data, targets, rules, budget, solver_rules)
    status = "optimal"
    for day in days:
        pending = {d: tuple((s, r, i, 1.0 if p is None else p) for s, r, i, p in items)
                   for d, items in (fixed or {}).items() if d not in menus and d != day}
        seen = {**pending, **menus}
        # a designated day missed (nothing fitted) is made up on the next free day
        later = sum(1 for d in free if d > day and d not in seen)  # free days still to plan after today
        need_fish = _needs_kind(data.fish, fish_on, seen, day, later) and day in free
        need_meat = _needs_kind(data.meat, meat_on, seen, day, later) and day in free
        today, bans = _leftover_rules(data, rules, menus, seen, day, list((fixed or {}).get(day, ())),
                                      set(slot_banned), leftover_days)
        prices = _co_prices(data, targets, menus, len(all_days), lp.prices)
        context = replace(_context(data, rules, menus, day, prices, need_fish, pending),
                          co_targets=_co_targets(data, targets, menus, all_days, closing), need_meat=need_meat,
                          fixed=tuple(today), closed=frozenset((closed or {}).get(day, ())),
                          slot_banned=frozenset(bans), bonus=dict((bonus or {}).get(day, {})),
                          kept=frozenset((kept or {}).get(day, ())),
                          fish_g_max=_fish_g_left(data, rules, seen, today, len(all_days)),
                          fish_g_min=_fish_g_min(data, rules, seen, day, fish_on, len(all_days)) if need_fish else None,
                          fish_dinner_twice=day + 1 in leftover_days and day + 1 not in seen)
        menus[day], as_designated = _solve_day(day_model, day, context)
        status = status if as_designated else "feasible"
    if improve_days and len(days) > 1 and not (fixed_menus or fixed or bonus):
        menus = _polish(data, targets, rules, menus, leftover_days, lp, budget=budget, slot_banned=slot_banned,
                        solver_rules=solver_rules, day_model=day_model)
    bound = lp.bound if not (fixed_menus or fixed) else None
    return WeekSolution(menus=menus, objective=week_objective(data, targets, rules, menus), bound=bound,
                        status=status, seconds=time.perf_counter() - t0, leftovers=_leftovers(menus, days, leftover_days))


def _polish(data: DishData, targets: Targets, rules: Rules, menus: Mapping[int, Menu], leftover_days: Collection[int],
            lp: WeekLP, **shared) -> dict[int, Menu]:
    """A week planned day by day, improved (``improve``), then with its near misses closed (``close_near_misses``);
    ``shared``: budget, slot_banned, solver_rules and day_model, as both take them."""
    better = improve(data, targets, rules, menus, leftover_days, lp=lp, **shared)
    return close_near_misses(data, targets, rules, better, leftover_days, **shared)


def _plan_lp(data: DishData, targets: Targets, rules: Rules, budget: float | None, days: Sequence[int],
             all_days: Sequence[int], leftover_days: Collection[int], solver_rules: Rules) -> WeekLP:
    """The bound and prices of a plan of several days (none for a single day planned again)."""
    if len(days) <= 1:
        return WeekLP(None, {})
    return week_lp(data, targets, rules, budget, len(all_days), solver_rules, len(set(leftover_days) & set(all_days)))


def _leftovers(menus: Mapping[int, Menu], days: Collection[int], leftover_days: Collection[int]) -> dict[int, int]:
    """Lunch day -> dish index, for the ``days`` whose lunch is the dinner main of the day before."""
    out = {}
    for day in sorted(set(days) & set(leftover_days)):
        left = _dinner_main(menus.get(day - 1))
        if left is not None and any(s == "lunch" and r == "main" and i == left for s, r, i, _p in menus[day]):
            out[day] = left
    return out
