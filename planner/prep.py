"""Prep the evening before: what tomorrow's dishes need tonight (overnight oats to soak, rice to cook and chill).

A dietitian found a fried rice of "1 cup cooked, day-old" rice on a day after none was cooked, and overnight
oats with no word the evening before. A dish needs the evening before when one of its ingredients is measured
as already stored (``dish_data.STORED_ALREADY``: "day-old") or is cooked from dried beans (soaked overnight, or
canned instead), or one of its steps soaks or sets it overnight. The lines are per batch
(``planner.batches``): a dinner cooked with tomorrow's leftover lunch is prepared for both, and the leftover
lunch itself needs nothing. No solver here; text only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from planner.batches import Batch, sets_overnight
from planner.cook_once import cooking_batches
from planner.dish_data import STORED_ALREADY
from planner.model import PlanDish, WeekPlan
from planner.plan_text import slot_label
from planner.quantities import fmt_qty, scaled_serving

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

# In pregnancy, eggs served as eggs (40 g a portion or more: not a binder's share, not hard-boiled) carry the FDA's
# cue at the dish itself: a dietitian found a shakshuka whose note was only in the plan's notes.
YOLK_EGGS: frozenset[str] = frozenset({"egg_fried", "egg_poached", "egg_scrambled", "egg_whole_raw"})
YOLK_EGG_G_MIN = 40.0
YOLK_CUE = "In pregnancy: cook the eggs until the yolks and whites are firm."
FROM_DRY = "(cooked from dry)"  # a food of the table cooked from dried beans: soaked the evening before
COOL_AND_CHILL = "cool it within an hour and keep it in the fridge"
# Dried beans are soaked overnight and cooked for an hour or two: not before breakfast, nor for less than about
# 3/4 cup cooked (a dietitian counted 60 soak lines in six weeks, 24 of them for 100 g or less): canned first.
# (Dropping those lines left dried beans on the shopping list that nobody was told to soak.)
BEANS_SOAK_MIN_G = 150.0


def _beans_line(meal: str, beans: str, grams: float, slot: str) -> str:
    """Soak dried beans tonight, or, for a breakfast or a small amount (BEANS_SOAK_MIN_G), canned ones first."""
    if slot == "breakfast" or grams < BEANS_SOAK_MIN_G:
        return f"{meal}: use canned {beans} ({grams:.0f} g), rinsed, or dried ones you have cooked ahead."
    return f"{meal}: soak dried {beans} (enough for {grams:.0f} g cooked) in plenty of cold water, or use canned ones, rinsed."


def _batch_lines(batch: Batch, dishes: "DishTables | None") -> list[str]:
    """What one batch needs the evening before, for all its portions (the library's steps need ``dishes``)."""
    dish = batch.cooked
    meal = f"For tomorrow's {slot_label(batch.slot).lower()}, {dish.name}"
    out = [f"{meal}: cook the {i.name.split(' (')[0].lower()} "
           f"({scaled_serving(i.servings, i.serving_label).replace(', ' + STORED_ALREADY, '')}, {i.grams:.0f} g), "
           f"{COOL_AND_CHILL}." for i in dish.ingredients if STORED_ALREADY in i.serving_label]
    out += [_beans_line(meal, i.name.split(' (')[0].split(',')[0].lower(), i.grams, batch.slot)
            for i in dish.ingredients if FROM_DRY in i.name]
    if sets_overnight(dishes, dish.dish_id):
        days = len({e.day for e in batch.eaten})
        many = f" ({fmt_qty(dish.portions)} servings: the plan serves it on {days} days)" if days > 1 else ""
        out.append(f"{meal}: start it tonight{many}; it soaks or sets overnight in the fridge (the printable plan has "
                   "its steps).")
    return out


def prep_by_evening(plan: WeekPlan, dishes: "DishTables | None" = None) -> dict[int, list[str]]:
    """day -> what to do that evening for the batches cooked the next day (day 0: the evening before the plan)."""
    out: dict[int, list[str]] = {}
    for batch in cooking_batches(plan, dishes):  # a later serving from the fridge is prepared with its first
        if lines := _batch_lines(batch, dishes):
            out.setdefault(batch.day - 1, []).extend(lines)
    return out


def prep_heading(evening_day: int) -> str:
    return "The evening before day 1" if evening_day == 0 else f"Tonight, for day {evening_day + 1}"


def yolk_cue(plan: WeekPlan, dish: PlanDish) -> str | None:
    """YOLK_CUE for a dish with eggs served as eggs in a pregnant person's plan, else None."""
    if plan.profile is None or plan.profile.status != "pregnancy" or dish.portions <= 0:
        return None
    eggs = any(i.food_id in YOLK_EGGS and i.grams / dish.portions >= YOLK_EGG_G_MIN for i in dish.ingredients)
    return YOLK_CUE if eggs else None
