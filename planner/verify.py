"""A plan file checked against the food table: every number it derives is recomputed from the USDA rows.

A plan file is JSON that anyone can edit. Its amounts (servings, portions, grams) are the plan; every number
derived from them (an item's nutrients, cost and fdc_id, a day's totals and measured shares, and the
co-nutrient notes that read those totals) is recomputed here from each food's row, by food_id. An honest
file comes back as it was read (the same object, so it is written back byte for byte); a file whose numbers
disagree beyond rounding comes back with the recomputed numbers and a note saying what the file said. A food
the table lacks is refused with its id and how to add it. Every front end calls ``verify_plan`` on a plan it
opens from a file or the plans database, before it shows, changes or exports it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from foods.schema import PLAN_NUTRIENTS
from planner.errors import PlanFormatError
from planner.model import (DISH_PLAN_VERSION, DayPlan, Meal, PlanItem, WeekPlan, value_differences,
                           with_recomputed_note)
from planner.nutrition import item_of_grams, make_day, make_item

ITEM_VALUES: tuple[str, ...] = ("grams", *PLAN_NUTRIENTS, "cost_usd")  # what a food's row decides
NOTE_START = "Values recomputed from the USDA rows (the file's numbers did not match them): "


def _values(item: PlanItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_VALUES}


def _missing_food(item: PlanItem, place: str) -> PlanFormatError:
    how = f"import it with 'magplan foods import {item.fdc_id}' (in the app: Foods, FoodData Central)" \
        if item.fdc_id is not None else "add it to your foods (magplan foods import FDC_ID, or --foods CSV)"
    return PlanFormatError(f"plan {place}: food '{item.food_id}' ({item.name}) is not in the food table; {how}, or "
                           "use the food table the plan was made with")


def _item(foods: pd.DataFrame, item: PlanItem, version: int, place: str, said: list[str]) -> PlanItem:
    """``item`` if its row confirms its values; else the item recomputed from the row (and ``said`` grows)."""
    if item.food_id not in foods.index:
        raise _missing_food(item, place)
    where = f"{place}, {item.food_id}"
    if version >= DISH_PLAN_VERSION:  # a dish ingredient: its grams are the recipe's, scaled to the portions
        true = item_of_grams(foods, item.food_id, item.grams, item.servings, item.serving_label)
    else:  # a version-1 item: its grams are its servings of the food's serving
        true = make_item(foods, item.food_id, item.servings)
    row = f"USDA row {true.fdc_id} gives" if true.fdc_id is not None else "the food table gives"
    found = value_differences(where, _values(item), _values(true), row)
    if item.fdc_id != true.fdc_id:
        found.append(f"{where} fdc_id {item.fdc_id} (the food table has {true.fdc_id})")
    said.extend(found)
    return true if found else item


def _meal(foods: pd.DataFrame, meal: Meal, version: int, where: str, said: list[str]) -> Meal:
    if version < DISH_PLAN_VERSION:
        items = tuple(_item(foods, i, version, where, said) for i in meal.items)
        return meal if items == meal.items else Meal(slot=meal.slot, items=items)
    dishes = tuple(replace(d, ingredients=tuple(_item(foods, i, version, f"{where}, {d.dish_id}", said)
                                                for i in d.ingredients))
                   for d in meal.dishes)
    return meal if dishes == meal.dishes else Meal(slot=meal.slot, dishes=dishes)


def _day(foods: pd.DataFrame, day: DayPlan, version: int, said: list[str]) -> DayPlan:
    before = len(said)
    meals = tuple(_meal(foods, m, version, f"day {day.day} {m.slot}", said) for m in day.meals)
    true = make_day(day.day, meals)
    found = [*value_differences(f"day {day.day} total", day.totals, true.totals, "its foods give"),
             *value_differences(f"day {day.day} measured share", day.measured, true.measured, "its foods give")]
    said.extend(found)
    return day if len(said) == before else true


def notes_for_days(plan: WeekPlan, days: tuple[DayPlan, ...]) -> tuple[str, ...]:
    """``plan``'s notes for new ``days``: a dish plan's co-nutrient notes brought up to date, other notes kept."""
    if plan.version < DISH_PLAN_VERSION:
        return plan.notes
    from planner.dishplan import co_nutrient_notes  # here: dishplan loads the solver, which reading a plan needs not

    new = co_nutrient_notes(days, plan.targets, plan.profile)
    old = set(co_nutrient_notes(plan.days, plan.targets, plan.profile)) | set(new)
    return tuple(n for n in plan.notes if n not in old) + new


def verify_plan(plan: WeekPlan, foods: pd.DataFrame) -> WeekPlan:
    """``plan`` with every derived number confirmed by, or recomputed from, the rows of ``foods``.

    Needs the columns ``planner.nutrition.make_item`` needs. Raises PlanFormatError for a food ``foods`` lacks.
    """
    said: list[str] = []
    days = tuple(_day(foods, d, plan.version, said) for d in plan.days)
    if not said:
        return plan
    return replace(plan, days=days, notes=with_recomputed_note(notes_for_days(plan, days), NOTE_START, said))


__all__ = ["ITEM_VALUES", "notes_for_days", "verify_plan"]
