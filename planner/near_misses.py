"""Closing a near miss: a co-nutrient the week misses by a few per cent is met by planning a day or two again.

The last step of ``week.plan_days`` (``week.close_near_misses``). It decides which days to try and which try to
keep; the week method plans the tries (``Replan``: each day planned again with the rest of the week fixed and the
rows of the co-nutrients to close at ``week.CLOSING_WEIGHT``) and prices a week (``Objective``).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from planner import menu
from planner.menu import CO_NUTRIENTS, DishData
from planner.menu_day import Menu, days_differ, menus_amount
from planner.model import Targets

# (week, days to try, co-nutrients to close) -> each day's new menu, None where no menu fits
Replan = Callable[[Mapping[int, Menu], Sequence[int], tuple[str, ...]], Mapping[int, "Menu | None"]]
Objective = Callable[[Mapping[int, Menu]], float]

# A co-nutrient the week misses by at most this share of its target (vitamin D at 14.99 of 15 µg: a dietitian reads
# a red cross) is closed by planning a day again with its shortfall row at ``week.CLOSING_WEIGHT`` per 100 %,
# aiming ``week.CLOSING_MARGIN`` above the target, when the week's objective rises by at most what a miss of this
# share costs and every co-nutrient the week met stays met. At 1 % the pregnant woman's vitamin D stayed at 14.7 µg
# and the man of 60's at 14.5; at 4 %, with a second day planned again when no one day closes the miss
# (CLOSING_ROUNDS), 15.1 and 15.0, for +0.7 % over the six bench weeks' objectives. The NEAR_MISS_DAYS poorest
# days in it are tried: all 7 gave the same weeks but took 3 s instead of 0.5 s for the man of 60 (one day's MIP
# with its closing row was slow). A closing row as a hard row took 20 s; the rows of the co-nutrients met only
# just at the closing weight too made the man of 60's week 6 s.
NEAR_MISS_SHARE = 0.04
NEAR_MISS_DAYS = 4
CLOSING_ROUNDS = 2


def close_near_misses(data: DishData, targets: Targets, menus: Mapping[int, Menu], replan: Replan,
                      objective: Objective) -> dict[int, Menu]:
    """A co-nutrient the week misses by at most NEAR_MISS_SHARE of its target is closed by planning one day again
    (or, when no one day closes it, the day that brings it closest and then one more), when the week's objective
    rises by at most what a miss of NEAR_MISS_SHARE costs, and without opening another miss."""
    week = dict(menus)
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * len(week)
        if not 0 < need - menus_amount(data, week, column) <= NEAR_MISS_SHARE * need:
            continue
        limit = objective(week) + menu.shortfall_weight(column) * NEAR_MISS_SHARE
        trial, closed = week, False
        for _round in range(CLOSING_ROUNDS):
            trial, closed = _close_step(data, targets, trial, column, limit, replan, objective)
            if closed or trial is None:
                break
        week = trial if trial is not None and closed else week
    return week


def _close_step(data: DishData, targets: Targets, week: Mapping[int, Menu], column: str, limit: float,
                replan: Replan, objective: Objective) -> tuple[dict[int, Menu] | None, bool]:
    """The NEAR_MISS_DAYS poorest days in ``column`` planned again: the cheapest week that closes it (True), else
    the one that comes closest (False); within ``limit`` and keeping every co-nutrient met that was (None: none)."""
    need = float(getattr(targets, dict(CO_NUTRIENTS)[column])) * len(week)
    days = sorted(sorted(week, key=lambda d: (menus_amount(data, {d: week[d]}, column), d))[:NEAR_MISS_DAYS])
    tries = replan(week, days, (column,))
    closing, nearer = None, None  # (objective, week) and (-amount, objective, week)
    for day in days:
        trial = {**week, day: tries[day]} if tries[day] is not None else None
        if trial is None or not (days_differ(trial.values()) and _still_met(data, targets, week, trial)):
            continue
        value, have = objective(trial), menus_amount(data, trial, column)
        if value >= limit:
            continue
        if have >= need and (closing is None or value < closing[0]):
            closing = (value, trial)
        if have > menus_amount(data, week, column) and (nearer is None or (-have, value) < nearer[:2]):
            nearer = (-have, value, trial)
    if closing is not None:
        return closing[1], True
    return (nearer[2] if nearer else None), False


def _still_met(data: DishData, targets: Targets, week: Mapping[int, Menu], trial: Mapping[int, Menu]) -> bool:
    """Whether every co-nutrient ``week`` meets, ``trial`` meets too (closing one miss must not open another)."""
    for column, field_name in CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * len(week)
        if menus_amount(data, week, column) >= need > menus_amount(data, trial, column):
            return False
    return True
