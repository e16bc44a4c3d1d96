"""Prep the evening before: what tomorrow's dishes need tonight (overnight oats to soak, rice to cook and chill).

A dietitian found a fried rice of "1 cup cooked, day-old" rice on a day after none was cooked, and overnight
oats with no word the evening before. A dish needs the evening before when one of its ingredients is measured
as already stored (``dish_data.STORED_ALREADY``: "day-old") or is cooked from dried beans (soaked overnight, or
canned instead), or one of its steps soaks or sets it overnight.
A leftover lunch needs nothing: it was cooked with the dinner before. No solver here; text only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from planner.dish_data import STORED_ALREADY
from planner.model import DayPlan, PlanDish, WeekPlan
from planner.plan_text import slot_label
from planner.quantities import scaled_serving

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

OVERNIGHT_WORDS: tuple[str, ...] = ("overnight",)  # in the steps ("cover and refrigerate overnight"), not a tip
FROM_DRY = "(cooked from dry)"  # a food of the table cooked from dried beans: soaked the evening before
COOL_AND_CHILL = "cool it within an hour and keep it in the fridge"


def dish_steps_text(dishes: "DishTables | None", dish_id: str) -> str:
    """A library dish's steps as lower-case text ('' for a dish the library does not hold). Its notes are tips
    ("cook the buckwheat the night before to make this a 5-minute breakfast"), not steps."""
    if dishes is None or dish_id not in dishes.dishes.index:
        return ""
    steps = dishes.dishes.at[dish_id, "steps"]
    return steps.lower() if isinstance(steps, str) else ""


def _dish_lines(dish: PlanDish, slot: str, dishes: "DishTables | None") -> list[str]:
    meal = f"tomorrow's {slot_label(slot).lower()}, {dish.name}"
    out = [f"Cook the {i.name.split(' (')[0].lower()} for {meal} "
           f"({scaled_serving(i.servings, i.serving_label).replace(', ' + STORED_ALREADY, '')}, {i.grams:.0f} g): "
           f"{COOL_AND_CHILL}." for i in dish.ingredients if STORED_ALREADY in i.serving_label]
    out += [f"Soak the dried {i.name.split(' (')[0].split(',')[0].lower()} for {meal} ({i.grams:.0f} g cooked) "
            "in plenty of cold water, or use canned ones, rinsed." for i in dish.ingredients if FROM_DRY in i.name]
    if any(word in dish_steps_text(dishes, dish.dish_id) for word in OVERNIGHT_WORDS):
        out.append(f"Start {meal}: it soaks or sets overnight in the fridge (the printable plan has its steps).")
    return out


def ahead_lines(day: DayPlan, dishes: "DishTables | None" = None) -> list[str]:
    """What the dishes of ``day`` need the evening before, one line each (steps need the library: ``dishes``)."""
    return [line for meal in day.meals if meal.leftover_from is None
            for dish in meal.dishes for line in _dish_lines(dish, meal.slot, dishes)]


def prep_by_evening(plan: WeekPlan, dishes: "DishTables | None" = None) -> dict[int, list[str]]:
    """day -> what to do that evening for the next day (day 0: the evening before the plan starts)."""
    return {d.day - 1: lines for d in plan.days if (lines := ahead_lines(d, dishes))}


def prep_heading(evening_day: int) -> str:
    return "The evening before day 1" if evening_day == 0 else f"Tonight, for day {evening_day + 1}"
