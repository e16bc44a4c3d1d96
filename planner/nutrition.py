"""Turn (food, servings) into plan items and day totals from the food table; no solver here."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from foods.schema import PLAN_NUTRIENTS, number_or_nan
from planner.model import DayPlan, Meal, PlanItem


def make_item(foods: pd.DataFrame, food_id: str, servings: float) -> PlanItem:
    """A PlanItem for ``servings`` of ``food_id``. Needs: name, fdc_id, serving_label, serving_g,
    price_usd_per_100g and the PLAN_NUTRIENTS columns."""
    row = foods.loc[food_id]
    return _item(row, food_id, float(servings) * float(row["serving_g"]), float(servings), str(row["serving_label"]))


def make_ingredient(foods: pd.DataFrame, food_id: str, grams_per_serving: float, household: str,
                    portions: float) -> PlanItem:
    """A dish ingredient as a PlanItem: ``portions`` times the recipe's grams, labelled with its household
    measure (so '1/2 tsp' at 1 portion reads '1 tsp' at 2). Needs the columns ``make_item`` needs."""
    label = household or f"{grams_per_serving:g} g"
    return item_of_grams(foods, food_id, float(grams_per_serving) * float(portions), float(portions), label)


def make_ingredients(foods: pd.DataFrame, parts: Sequence[tuple[str, float, str]],
                     portions: Sequence[float]) -> tuple[PlanItem, ...]:
    """``make_ingredient`` for each (food id, grams per serving, household measure) of ``parts`` at its
    ``portions``, reading the food table once (a week has some 250 ingredients)."""
    if not parts:
        return ()
    rows = foods.loc[[food_id for food_id, _g, _h in parts], list(_ITEM_COLUMNS)].to_dict("records")
    return tuple(_item(row, food_id, float(grams) * float(p), float(p), household or f"{grams:g} g")
                 for row, (food_id, grams, household), p in zip(rows, parts, portions))


def item_of_grams(foods: pd.DataFrame, food_id: str, grams: float, servings: float, label: str) -> PlanItem:
    """A PlanItem for ``grams`` of ``food_id`` (its values from the food's row), keeping ``servings`` and
    ``label`` as given. Needs the columns ``make_item`` needs."""
    return _item(foods.loc[food_id], food_id, float(grams), float(servings), label)


_ITEM_COLUMNS = ("name", "fdc_id", "price_usd_per_100g", *PLAN_NUTRIENTS)


def _item(row: Mapping[str, Any], food_id: str, grams: float, servings: float, label: str) -> PlanItem:
    values = {}
    for n in PLAN_NUTRIENTS:
        per100 = number_or_nan(row[n])
        values[n] = None if math.isnan(per100) else round(per100 * grams / 100.0, 4)
    price = number_or_nan(row["price_usd_per_100g"])
    fdc = row["fdc_id"]
    return PlanItem(
        food_id=food_id, name=str(row["name"]), fdc_id=None if pd.isna(fdc) else int(fdc),
        servings=servings, serving_label=label, grams=round(grams, 4),
        cost_usd=None if math.isnan(price) else round(price * grams / 100.0, 4), **values,
    )


def scale_item(item: PlanItem, factor: float) -> PlanItem:
    """``item`` times ``factor`` (one person's share of a dish cooked for several): grams, servings, values."""
    values = {n: None if getattr(item, n) is None else round(getattr(item, n) * factor, 4)
              for n in (*PLAN_NUTRIENTS, "cost_usd")}
    return replace(item, servings=round(item.servings * factor, 6), grams=round(item.grams * factor, 4), **values)


def day_totals(items: Iterable[PlanItem]) -> tuple[dict[str, float], dict[str, float]]:
    """(totals, measured share by grams) over items, for PLAN_NUTRIENTS and cost_usd."""
    items = list(items)
    grams = sum(i.grams for i in items)
    totals: dict[str, float] = {}
    measured: dict[str, float] = {}
    for n in (*PLAN_NUTRIENTS, "cost_usd"):
        known = [i for i in items if getattr(i, n) is not None]
        totals[n] = round(sum(getattr(i, n) for i in known), 4)
        measured[n] = round(sum(i.grams for i in known) / grams, 4) if grams else 1.0
    return totals, measured


def make_day(day: int, meals: Iterable[Meal]) -> DayPlan:
    """A DayPlan with totals recomputed from its items."""
    meals = tuple(meals)
    totals, measured = day_totals(i for m in meals for i in m.items)
    return DayPlan(day=day, meals=meals, totals=totals, measured=measured)
