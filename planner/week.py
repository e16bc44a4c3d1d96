"""A week of dishes: each day planned under the week's rules, with co-nutrients priced, and a proven bound.

The compact week model (``planner.menu``, all days in one MILP) is too slow to solve directly (HiGHS did not
prove 1 % in 60 s on 246 dishes), and a single day with the co-nutrients as soft rows takes seconds. So:

1. **Prices.** A unit of iron, calcium, potassium, vitamin D or B12 is worth what the week's shortfall
   penalty charges for it (``SHORTFALL_WEIGHT / (target x days)``) as long as the week still needs it, and
   nothing once the days planned so far cover the week's target (``day_prices``). (The LP duals of the
   average day were tried first: the LP meets calcium for free, so calcium got no price and omnivore weeks
   fell short of it.)
2. **Bound.** The LP relaxation of the compact week model (all days, every weekly rule, co-nutrients on the
   week's average), solved on the second core while the days are planned, bounds the week from below
   (``week_lp_bound``; reported as the gap).
3. **Days in order.** Day d is the priced day MIP under the rules the earlier days set: a main dish used on
   the day before or already on ``max_main_per_week`` days is banned, a breakfast, snack or side at its cap
   too, the day must differ from every earlier day (and not repeat another day's pair of mains), and the
   designated fish days need a fish main (``spread_days``); on a leftover day (``leftover_days``) the lunch
   is the previous day's dinner main, and that dinner is a main the week has not had yet.
4. **The week's objective** is then computed as the compact model would (shortfalls on the week's average),
   so objective and bound compare like with like; the gap is reported, not assumed.

Deterministic: node limits, one thread and a fixed seed (``planner.solve``); time limits are a safety net.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Collection, Mapping, Sequence

import numpy as np

from planner import menu
from planner.errors import MagplanError, PlanError
from planner.menu import CO_NUTRIENTS, DayContext, DishData, MenuModel
from planner.model import Rules, Targets
from planner.solve import DAY_MAX_NODES, DISH_DAY_OPTIONS, run

# A day's menu: (slot, role, dish index, portions).
Menu = tuple[tuple[str, str, int, float], ...]


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


def _have(data: DishData, menus: Mapping[int, Menu], column: str) -> float:
    return sum(p * float(data.values[column][i]) for m in menus.values() for _s, _r, i, p in m)


def day_prices(targets: Targets, menus: Mapping[int, Menu], data: DishData, n_days: int) -> dict[str, float]:
    """Objective value of a unit of each co-nutrient for the next day: the shortfall penalty's slope while
    the days planned so far leave the week short of the target, else nothing."""
    prices = {}
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * n_days
        have = _have(data, menus, column)
        if need > 0 and have < need:
            prices[column] = menu.SHORTFALL_WEIGHT / need
    return prices


def _solve_day(data: DishData, targets: Targets, rules: Rules, budget: float | None, day: int,
               context: DayContext, solver_rules: Rules) -> tuple[MenuModel, float | None]:
    model = menu.build_menu_model(data, targets, rules, days=(day,), budget_usd_per_day=budget, context=context,
                                  name=f"magplan_day_{day}")
    outcome = run(model.prob, solver_rules, max_nodes=DAY_MAX_NODES, options=DISH_DAY_OPTIONS)
    if not outcome.feasible:
        raise PlanError(f"day {day}: no menu meets the targets under the week's rules "
                        f"({outcome.info.status})")
    return model, outcome.info.best_bound


def _menu_of(model: MenuModel) -> Menu:
    out = []
    for (d, slot, role, i), k in model.k.items():
        q = int(round(k.value() or 0))
        if q > 0:
            out.append((slot, role, i, q / 4))
    return tuple(sorted(out))


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
    if rules.fish_per_week_max is not None:  # e.g. pregnancy: fish on at most so many days
        fish_days_so_far = sum(1 for d, m in menus.items() if d != day and any(data.fish_any[i] for *_x, i, _p in m))
        if fish_days_so_far >= menu.days_allowed(rules.fish_per_week_max, rules.days):
            banned |= {(role, int(i)) for role in ("breakfast", "main", "side", "snack")
                       for i in np.flatnonzero(data.fish_any & data.roles[role])}
    others = tuple(frozenset((s, r, i) for s, r, i, _p in m) for d, m in sorted(planned.items()) if d != day)
    # A day with the same dishes as another is the same day, whichever main is lunch and which is dinner.
    others = tuple(o | {(s2, r, i) for s, r, i in o if r == "main" for s2 in ("lunch", "dinner")} for o in others)
    return DayContext(banned=frozenset(banned), other_days=others, need_fish=fish_needed, prices=dict(prices))


def day_context(data: DishData, rules: Rules, menus: Mapping[int, Menu], day: int) -> DayContext:
    """What the other days' ``menus`` ask of ``day`` (banned dishes, days to differ from): the week's rules."""
    return _context(data, rules, menus, day, {}, False)


def week_objective(data: DishData, targets: Targets, rules: Rules, menus: Mapping[int, Menu]) -> float:
    """The compact model's objective of a week: the per-dish terms plus the co-nutrient shortfall penalty."""
    cost_w = menu.CHEAPEST_COST_WEIGHT if rules.cheapest else menu.COST_WEIGHT
    total = 0.0
    amounts = {c: 0.0 for c, _t in CO_NUTRIENTS}
    for m in menus.values():
        for _slot, role, i, portions in m:
            total += portions * (cost_w * float(data.cost_usd[i]) + float(data.preference[i]))
            total += menu.TIE_BREAK * (i + 1) * portions * 4 + menu.PORTION_WEIGHT * abs(portions - data.portion_center)
            total += menu.EXTRA_DISH_WEIGHT if role in ("side", "snack") else 0.0
            for c in amounts:
                amounts[c] += portions * float(data.values[c][i])
    for m in menus.values():
        fruit_g = sum(p * float(data.fruit_g[i]) for _s, _r, i, p in m)
        total += menu.FRUIT_SHORT_WEIGHT * max(0.0, 1.0 - fruit_g / menu.FRUIT_G_MIN)
    n = len(menus)
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * n
        if need > 0:
            total += menu.SHORTFALL_WEIGHT * max(0.0, 1.0 - amounts[column] / need)
    return total


def week_lp_bound(data: DishData, targets: Targets, rules: Rules, budget: float | None, n_days: int,
                  solver_rules: Rules) -> float | None:
    """A valid lower bound of the week: the LP relaxation of the compact week model (every weekly rule but
    "no two identical days", co-nutrients on the week's average). None if the LP did not finish."""
    model = menu.build_menu_model(data, targets, rules, days=tuple(range(1, n_days + 1)),
                                  budget_usd_per_day=budget, name="magplan_week_lp")
    for v in model.prob.variables():
        v.cat = "Continuous"
    # The rules' time limit is the safety net: a 28-day LP needs more than 10 s on a busy machine, and an
    # LP stopped early proves nothing (no bound, no gap), while the days take longer than the LP anyway.
    outcome = run(model.prob, solver_rules)
    return outcome.info.objective if outcome.feasible and outcome.info.status == "optimal" else None


class _BoundSearch(threading.Thread):
    """The week's bound on the second core while the days are planned on the first (``week_lp_bound``).

    (A Lagrangian bound, the priced day MIP times the days, was used first: it cannot see the variety rules,
    so it priced seven copies of the best day and left a 27 % gap on the woman-45 week; the week LP left 8 %.)
    """

    def __init__(self, data: DishData, targets: Targets, rules: Rules, budget: float | None, n_days: int,
                 solver_rules: Rules) -> None:
        super().__init__(daemon=True)
        self.args = (data, targets, rules, budget, n_days, solver_rules)
        self.bound: float | None = None

    def run(self) -> None:
        try:
            self.bound = week_lp_bound(*self.args)
        except MagplanError:  # no bound is an honest answer (the plan reports no gap), never a crash
            self.bound = None


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


def _leftover_rules(menus: Mapping[int, Menu], seen: Mapping[int, Menu], day: int, today: list,
                    bans: set[tuple[str, int]], leftover_days: Collection[int], leftovers: dict[int, int]
                    ) -> tuple[list, set[tuple[str, int]]]:
    """``today``'s fixed dishes and the slot bans with the leftover rules: on a leftover day the lunch is the
    previous dinner's main (noted in ``leftovers``); the dinner before one is a main the week has not had."""
    left = _dinner_main(menus.get(day - 1)) if day in leftover_days else None
    if left is not None and not any(f[0] == "lunch" for f in today):
        today = [*today, ("lunch", "main", left, None)]
        leftovers[day] = left
    if day + 1 in leftover_days:
        bans = bans | {("dinner", i) for m in seen.values() for _s, r, i, _p in m if r == "main"}
    return today, bans


def _main_days(kind: np.ndarray, menus: Mapping[int, Menu]) -> int:
    """How many mains of a kind (fish, meat) the menus hold."""
    return sum(1 for m in menus.values() for _s, r, i, _p in m if r == "main" and kind[i])


def _co_targets(data: DishData, targets: Targets, menus: Mapping[int, Menu], all_days: Sequence[int]
                ) -> dict[str, tuple[float, float]]:
    """Per co-nutrient still short for the week: (today's share of what the week still needs, its price)."""
    prices = day_prices(targets, menus, data, len(all_days))
    left = len([d for d in all_days if d not in menus])
    return {c: (max(0.0, (float(getattr(targets, f)) * len(all_days) - _have(data, menus, c)) / left), p)
            for (c, f) in CO_NUTRIENTS if (p := prices.get(c))}


def plan_days(data: DishData, targets: Targets, rules: Rules, days: Sequence[int], *,
              budget: float | None = None, solver_rules: Rules | None = None,
              fixed_menus: Mapping[int, Menu] | None = None,
              fixed: Mapping[int, Sequence[tuple[str, str, int, float | None]]] | None = None,
              closed: Mapping[int, Collection[str]] | None = None,
              slot_banned: Collection[tuple[str, int]] = (),
              bonus: Mapping[int, Mapping[tuple[str, int], float]] | None = None,
              leftover_days: Collection[int] = ()) -> WeekSolution:
    """Menus for ``days`` (other days in ``fixed_menus`` are kept and count for the week's rules).

    ``fixed``: per day, (slot, model role, dish index, portions or None) that must be in that day's menu
    (locked dishes, a swapped-in dish, a household's shared dinner, a leftover lunch); None portions leave the
    portions to the model. ``closed``: per day, the meal slots that hold only their fixed dishes (a locked
    meal: no side or snack is added). ``slot_banned``: (slot, dish index) never planned in that slot.
    ``bonus``: per day, (slot, dish index) -> a reward for choosing it (what another person eats then).
    ``leftover_days``: days whose lunch is the previous day's dinner main (cooked in a larger batch); the
    dinner before such a day is a main not yet in the week, so with its leftover it is eaten twice.
    """
    t0 = time.perf_counter()
    solver_rules = solver_rules or Rules()
    menus: dict[int, Menu] = dict(fixed_menus or {})
    all_days = sorted(set(days) | set(menus))
    free, fish_on, meat_on = _kind_days(data, rules, all_days, leftover_days)
    search = None if (fixed_menus or fixed) else _BoundSearch(data, targets, rules, budget, len(all_days), solver_rules)
    if search is not None:
        search.start()
    status = "optimal"
    leftovers: dict[int, int] = {}
    for day in days:
        pending = {d: tuple((s, r, i, 1.0 if p is None else p) for s, r, i, p in items)
                   for d, items in (fixed or {}).items() if d not in menus and d != day}
        seen = {**pending, **menus}
        # a designated day missed (nothing fitted) is made up on the next free day
        need_fish = day in free and _main_days(data.fish, seen) < sum(1 for d in fish_on if d <= day)
        need_meat = day in free and _main_days(data.meat, seen) < sum(1 for d in meat_on if d <= day)
        today, bans = _leftover_rules(menus, seen, day, list((fixed or {}).get(day, ())), set(slot_banned),
                                      leftover_days, leftovers)
        context = replace(_context(data, rules, menus, day, {}, need_fish, pending),
                          co_targets=_co_targets(data, targets, menus, all_days), need_meat=need_meat,
                          fixed=tuple(today), closed=frozenset((closed or {}).get(day, ())),
                          slot_banned=frozenset(bans), bonus=dict((bonus or {}).get(day, {})))
        try:
            model, _day_bound = _solve_day(data, targets, rules, budget, day, context, solver_rules)
        except PlanError:
            if not (need_fish or need_meat):
                raise
            model, _day_bound = _solve_day(data, targets, rules, budget, day,
                                           replace(context, need_fish=False, need_meat=False), solver_rules)
            status = "feasible"
        menus[day] = _menu_of(model)
    objective = week_objective(data, targets, rules, menus)
    if search is not None:
        search.join()
    bound = search.bound if search is not None else None
    return WeekSolution(menus=menus, objective=objective, bound=bound, status=status,
                        seconds=time.perf_counter() - t0, leftovers=leftovers)
