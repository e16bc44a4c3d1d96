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
from typing import Any, Mapping

import pandas as pd

from foods.schema import PLAN_NUTRIENTS
from planner.errors import PlanFormatError
from planner.model import DISH_PLAN_VERSION, DISH_VALUES, DayPlan, Meal, PlanDish, PlanItem, WeekPlan, show_value
from planner.nutrition import item_of_grams, make_day, make_item
from planner.people import totals_by_person

ITEM_VALUES: tuple[str, ...] = ("grams", *PLAN_NUTRIENTS, "cost_usd")  # what a food's row decides
NOTE_START = "Values recomputed from the USDA rows (the file's numbers did not match them): "
ROUNDING = 1e-3  # values are stored to 4 decimals: anything further apart was edited, not rounded
SHOWN_DIFFERENCES = 3  # a note quotes this many of the file's numbers, then counts the rest


def _confirms(true: Any, said: Any) -> bool:
    if said is None or true is None:
        return said is None and true is None
    if isinstance(said, bool) or not isinstance(said, (int, float)):
        return False
    try:
        return abs(float(said) - float(true)) <= ROUNDING + 1e-6 * abs(float(true))
    except OverflowError:
        return False


def _number_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return show_value(value)
    try:
        return f"{float(value):g}"
    except OverflowError:  # an integer too large for a float
        return show_value(value)


def _differences(where: str, said: Mapping[str, Any], true: Mapping[str, Any], source: str) -> list[str]:
    """One text per value of ``said`` that ``true`` does not confirm beyond rounding (names ``true`` lacks are
    not compared), e.g. ``day 1 total magnesium_mg 9999 (its foods give 412.3)``."""
    return [f"{where} {name} {_number_text(value)} ({source} {_number_text(true[name])})"
            for name, value in said.items() if name in true and not _confirms(true[name], value)]


def _note(said: list[str]) -> str:
    more = len(said) - SHOWN_DIFFERENCES
    return NOTE_START + "the file said " + "; ".join(said[:SHOWN_DIFFERENCES]) + \
        (f"; and {more} more value{'s' if more != 1 else ''}" if more > 0 else "") + "."


def _values(item: PlanItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_VALUES}


def _missing_food(item: PlanItem, place: str) -> PlanFormatError:
    how = f"import it (magplan foods import {item.fdc_id}, or in the app's Foods tab)" \
        if item.fdc_id is not None else "add it to your foods (magplan foods import FDC_ID)"
    return PlanFormatError(f"plan {place}: food '{item.food_id}' ({item.name}) is not in the food table; {how}, or "
                           "give the food table the plan was made with (--foods CSV)")


def _item(foods: pd.DataFrame, item: PlanItem, version: int, place: str, said: list[str]) -> PlanItem:
    """The item recomputed from its food's row; ``said`` grows by what the file said that the row does not give."""
    if item.food_id not in foods.index:
        raise _missing_food(item, place)
    where = f"{place}, {item.food_id}"
    if version >= DISH_PLAN_VERSION:  # a dish ingredient: its grams are the recipe's, scaled to the portions
        true = item_of_grams(foods, item.food_id, item.grams, item.servings, item.serving_label)
    else:  # a version-1 item: its grams are its servings of the food's serving
        true = make_item(foods, item.food_id, item.servings)
    row = f"USDA row {true.fdc_id} gives" if true.fdc_id is not None else "the food table gives"
    found = _differences(where, _values(item), _values(true), row)
    if item.fdc_id != true.fdc_id:
        found.append(f"{where} fdc_id {item.fdc_id} (the food table has {true.fdc_id})")
    said.extend(found)
    return true


def _dish(foods: pd.DataFrame, dish: PlanDish, where: str, said: list[str]) -> PlanDish:
    """The dish with its ingredients verified, and what the file stated for the dish checked against their sums."""
    ingredients = tuple(_item(foods, i, DISH_PLAN_VERSION, where, said) for i in dish.ingredients)
    true = replace(dish, ingredients=ingredients, file_values={})
    said += _differences(where, dish.file_values,
                              {"grams": true.grams, **{n: true.value(n) for n in DISH_VALUES}}, "its ingredients give")
    return true


def _meal(foods: pd.DataFrame, meal: Meal, version: int, where: str, said: list[str]) -> Meal:
    before = len(said)
    if version < DISH_PLAN_VERSION:
        new = Meal(slot=meal.slot, items=tuple(_item(foods, i, version, where, said) for i in meal.items))
    else:
        new = Meal(slot=meal.slot, dishes=tuple(_dish(foods, d, f"{where}, {d.dish_id}", said) for d in meal.dishes),
                   person=meal.person, leftover_from=meal.leftover_from)
    return meal if len(said) == before else new


def _day(foods: pd.DataFrame, day: DayPlan, version: int, said: list[str]) -> DayPlan:
    before = len(said)
    meals = tuple(_meal(foods, m, version, f"day {day.day} {m.slot}" + (f" ({m.person})" if m.person else ""), said)
                  for m in day.meals)
    true = make_day(day.day, meals)
    if day.totals_by_person:
        true = replace(true, totals_by_person=totals_by_person(true, list(day.totals_by_person)))
    found = [*_differences(f"day {day.day} total", day.totals, true.totals, "its foods give"),
             *_differences(f"day {day.day} measured share", day.measured, true.measured, "its foods give")]
    for name, totals in day.totals_by_person.items():
        found += _differences(f"day {day.day} {name}'s total", totals, true.totals_by_person[name], "their foods give")
    said.extend(found)
    return day if len(said) == before else true


def notes_for_days(plan: WeekPlan, days: tuple[DayPlan, ...]) -> tuple[str, ...]:
    """``plan``'s notes for new ``days``: a dish plan's co-nutrient notes brought up to date, other notes kept."""
    if plan.version < DISH_PLAN_VERSION or plan.people:  # a household's notes are per person: kept as they are
        return plan.notes
    from planner.dishplan import RETIRED_NOTE_STARTS, co_nutrient_notes  # here: dishplan loads the solver, which reading a plan needs not

    new = co_nutrient_notes(days, plan.targets, plan.profile, plan.rules)
    old = set(co_nutrient_notes(plan.days, plan.targets, plan.profile, plan.rules)) | set(new)
    return tuple(n for n in plan.notes if n not in old and not n.startswith(RETIRED_NOTE_STARTS)) + new


def verify_plan(plan: WeekPlan, foods: pd.DataFrame) -> WeekPlan:
    """``plan`` with every derived number confirmed by, or recomputed from, the rows of ``foods``.

    Needs the columns ``planner.nutrition.make_item`` needs. Raises PlanFormatError for a food ``foods`` lacks.
    """
    said: list[str] = []
    days = tuple(_day(foods, d, plan.version, said) for d in plan.days)
    if not said:
        return plan
    notes = tuple(n for n in notes_for_days(plan, days) if not n.startswith(NOTE_START))  # an earlier one replaced
    return replace(plan, days=days, notes=(*notes, _note(said)))


__all__ = ["ITEM_VALUES", "notes_for_days", "verify_plan"]
