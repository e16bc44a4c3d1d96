"""The weekly cap on each fruit (``menu.FRUIT_DAYS_PER_WEEK_MAX``) as the week method (``planner.week``) and the
swap rules (``planner.day_rules``) apply it one day at a time; the models have it as rows (``fruit_days_<food>``).
"""
from __future__ import annotations

from typing import Collection, Mapping

import numpy as np

from planner import menu
from planner.dish_data import DishData
from planner.menu_day import Menu
from planner.model import Rules


def _days(data: DishData, menus: Mapping[int, Menu], skip: Collection[int]) -> dict[str, set[int]]:
    """fruit food id -> the days of ``menus`` (but ``skip``) with a dish that has it (``DishData.fruits``)."""
    fruit_days: dict[str, set[int]] = {}
    for d, m in menus.items():
        for _s, _r, i, _p in m if d not in skip else ():
            for food_id in data.fruits[i]:
                fruit_days.setdefault(food_id, set()).add(d)
    return fruit_days


def full(data: DishData, rules: Rules, menus: Mapping[int, Menu], day: int) -> dict[str, list[int]]:
    """The fruits the days other than ``day`` already have on ``menu.FRUIT_DAYS_PER_WEEK_MAX`` days (their share of
    the plan's days): fruit food id -> those days."""
    most = menu.days_allowed(menu.FRUIT_DAYS_PER_WEEK_MAX, rules.days)
    return {food_id: sorted(used) for food_id, used in _days(data, menus, (day,)).items() if len(used) >= most}


def twice_banned(data: DishData, rules: Rules, seen: Mapping[int, Menu], day: int) -> set[tuple[str, int]]:
    """(dinner, main) pairs whose fruit, eaten tonight and again at tomorrow's leftover lunch, would go over its
    weekly days: a fruit the other days have on all but one of them."""
    most = menu.days_allowed(menu.FRUIT_DAYS_PER_WEEK_MAX, rules.days)
    near = {f for f, used in _days(data, seen, (day, day + 1)).items() if len(used) >= most - 1}
    return {("dinner", int(i)) for i in data.candidates("main") if data.fruits[i] & near} if near else set()


def banned(data: DishData, rules: Rules, menus: Mapping[int, Menu], day: int) -> set[tuple[str, int]]:
    """(role, dish) pairs built on a fruit that is full for the week (``full``)."""
    done = set(full(data, rules, menus, day))
    if not done:
        return set()
    return {(role, int(i)) for role, flags in data.roles.items() for i in np.flatnonzero(flags) if data.fruits[i] & done}
