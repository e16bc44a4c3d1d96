"""Columns, dtypes, units and allowed tags of the food table, and ``validate()``.

The food table is a pandas DataFrame indexed by ``food_id`` (an ASCII slug) with one row per food.
Nutrient values are per 100 g of the edible food *as eaten* (the cooked row for cooked foods) and come
from the USDA SR Legacy extract by ``fdc_id``; NaN means "USDA has no value", never zero.
"""
from __future__ import annotations

import math
import re
from typing import Any, Iterable

import pandas as pd

from foods.errors import FoodTableError

# --- allowed tags -------------------------------------------------------------------------------
SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack")
DIETS: tuple[str, ...] = ("omnivore", "pescatarian", "vegetarian", "vegan")
# Diet tags a food can carry (omnivore eats everything, so it is not a tag).
DIET_TAGS: tuple[str, ...] = ("vegan", "vegetarian", "pescatarian")
ALLERGENS: tuple[str, ...] = (
    "tree_nuts", "peanuts", "gluten", "dairy", "soy", "fish", "shellfish", "egg", "sesame",
)
CATEGORIES: tuple[str, ...] = (
    "leafy_greens", "nuts", "seeds", "whole_grains", "refined_grains", "breads", "breakfast_cereals",
    "dark_chocolate", "legumes_soy", "fish_seafood", "dairy_alternatives", "fruit", "vegetables",
    "eggs_poultry_meat", "drinks", "condiments", "fats_oils", "snacks_sweets", "herbs_spices", "baking",
)
AISLES: tuple[str, ...] = (
    "produce", "bulk_and_nuts", "grains_and_bakery", "dairy_and_eggs", "meat_and_fish", "frozen",
    "pantry", "drinks",
)
# How an aisle is named on a shopping list (Markdown, HTML, CSV, the app's Shopping tab).
AISLE_LABELS: dict[str, str] = {
    "produce": "Produce", "bulk_and_nuts": "Bulk and nuts", "grains_and_bakery": "Grains and bakery",
    "dairy_and_eggs": "Dairy and eggs", "meat_and_fish": "Meat and fish", "frozen": "Frozen", "pantry": "Pantry",
    "drinks": "Drinks",
}
FORMS: tuple[str, ...] = ("raw", "cooked", "dry", "canned", "frozen", "prepared")
PRICE_SOURCES: tuple[str, ...] = ("ppnap", "ers", "bls", "user", "none")
# FoodData Central data types a food's row can come from (the food table's data_type column).
DATA_TYPES: tuple[str, ...] = ("Foundation", "SR Legacy", "Survey (FNDDS)", "Branded")

# --- nutrients (per 100 g edible) ---------------------------------------------------------------
# name -> (unit, SR28 nutrient number, FDC nutrient id)
NUTRIENTS: dict[str, tuple[str, int, int]] = {
    "energy_kcal": ("kcal", 208, 1008),
    "protein_g": ("g", 203, 1003),
    "fat_g": ("g", 204, 1004),
    "carbohydrate_g": ("g", 205, 1005),
    "fiber_g": ("g", 291, 1079),
    "sugars_g": ("g", 269, 2000),
    "magnesium_mg": ("mg", 304, 1090),
    "calcium_mg": ("mg", 301, 1087),
    "iron_mg": ("mg", 303, 1089),
    "potassium_mg": ("mg", 306, 1092),
    "sodium_mg": ("mg", 307, 1093),
    "zinc_mg": ("mg", 309, 1095),
    "vitamin_d_ug": ("ug", 328, 1114),
    "vitamin_b12_ug": ("ug", 418, 1178),
    "folate_dfe_ug": ("ug", 435, 1190),
    "folate_total_ug": ("ug", 417, 1177),
    "vitamin_c_mg": ("mg", 401, 1162),
    "caffeine_mg": ("mg", 262, 1057),
}
NUTRIENT_COLUMNS: tuple[str, ...] = tuple(NUTRIENTS)

# What 100 g of food can hold at most, per nutrient in its own unit: 100 g of any substance (100 g = 100,000 mg
# = 100,000,000 ug), and 1000 kcal (pure fat has about 900). A larger value is a unit or typing error.
_UNIT_PER_G: dict[str, float] = {"g": 1.0, "mg": 1e3, "ug": 1e6}
MAX_PER_100G: dict[str, float] = {
    n: (1000.0 if unit == "kcal" else 100.0 * _UNIT_PER_G[unit]) for n, (unit, _num, _id) in NUTRIENTS.items()}


def number_or_nan(value: Any) -> float:
    """``value`` as a finite float; NaN when it is missing (None, pd.NA, NaN), not a number or infinite.

    The one reader of a number cell that may be empty: a missing value is unknown (NaN), never zero.
    """
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def unreadable_numbers(cells: pd.Series) -> pd.Series:
    """True where a cell is neither empty nor a usable number: 'abc', and 'inf' or '1e400' (infinite)."""
    values = pd.to_numeric(cells, errors="coerce")
    bad = values.abs() == float("inf")
    if pd.api.types.is_numeric_dtype(cells.dtype):  # read as numbers already: no cell failed to read
        return bad
    return (values.isna() & cells.notna() & (cells.astype("string").str.strip() != "")) | bad


def impossible_amount(column: str, value: float) -> str | None:
    """Why ``value`` (per 100 g, in ``column``'s unit) cannot be true, or None if it can."""
    limit = MAX_PER_100G.get(column)
    if limit is None or not value > limit:
        return None
    unit = NUTRIENTS[column][0]
    if unit == "kcal":
        return f"{value:g} kcal per 100 g is impossible (pure fat has about 900 kcal per 100 g)"
    grams = value / _UNIT_PER_G[unit]
    return f"{value:g} {unit} per 100 g is {grams:g} g per 100 g, which is impossible (at most 100 g per 100 g)"

# Nutrients a plan item and a day's totals carry (a subset of NUTRIENT_COLUMNS).
PLAN_NUTRIENTS: tuple[str, ...] = (
    "magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "caffeine_mg",
    "iron_mg", "calcium_mg", "potassium_mg", "vitamin_d_ug", "vitamin_b12_ug",
)

# --- the loaded food table ----------------------------------------------------------------------
# column -> (dtype, meaning). The index is food_id (str).
COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("string", "friendly name shown to people"),
    "fdc_id": ("Int64", "FoodData Central id of the USDA row the nutrients come from"),
    "data_type": ("string", "FDC data type of that row: 'SR Legacy', 'Foundation', 'Survey (FNDDS)', 'Branded'"),
    "usda_description": ("string", "the USDA description of that row"),
    "category": ("string", f"one of {', '.join(CATEGORIES)}"),
    "form": ("string", f"one of {', '.join(FORMS)}: how the food is eaten"),
    "serving_label": ("string", "household serving, e.g. '1 oz (about 23 almonds)'"),
    "serving_g": ("float64", "grams of one serving (> 0)"),
    "slots": ("string", f"'|'-separated meal slots from {', '.join(SLOTS)}; empty: an ingredient used only "
                        "in dishes, never planned on its own"),
    "diet_tags": ("string", f"'|'-separated tags from {', '.join(DIET_TAGS)} (empty: omnivore only)"),
    "allergens": ("string", f"'|'-separated allergens from {', '.join(ALLERGENS)} (may be empty)"),
    "aisle": ("string", f"one of {', '.join(AISLES)}"),
    "main_item": ("bool", "true if the weekly variety cap applies (false for condiments, oils, drinks)"),
    "max_servings_per_meal": ("float64", "cap on servings of this food in one meal (> 0)"),
    "purchase_unit": ("string", "what a shop sells, e.g. '1 lb bag', '15 oz can', '1 bunch'"),
    "purchase_unit_g": ("float64", "grams of product in one purchase unit (> 0)"),
    "buy_as": ("string", "product bought for this food, e.g. 'Brown rice, dry' for cooked brown rice"),
    "buy_g_per_g": ("float64", "grams of the bought product per gram eaten (cooked rice -> dry: about 0.4; else 1)"),
    "price_usd_per_100g": ("float64", "price per 100 g of the food as eaten (NaN: no real price)"),
    "price_source": ("string", f"one of {', '.join(PRICE_SOURCES)}"),
    "price_ref": ("string", "the price row used: PP-NAP food code, ERS 'item|form', BLS series id"),
    "price_year": ("Int64", "year of the price (nominal dollars of that year)"),
    **{n: ("float64", f"{NUTRIENTS[n][0]} per 100 g edible (NaN: not measured)") for n in NUTRIENT_COLUMNS},
}
REQUIRED_COLUMNS: tuple[str, ...] = (
    "name", "category", "serving_label", "serving_g", "slots", "diet_tags", "allergens", "aisle",
    "main_item", "max_servings_per_meal", "purchase_unit", "purchase_unit_g", "buy_as", "buy_g_per_g",
    *NUTRIENT_COLUMNS,
)

FOOD_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


def split_tags(value: object) -> tuple[str, ...]:
    """'a|b' -> ('a', 'b'); NaN, None and '' -> ()."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ()
    return tuple(t.strip() for t in str(value).split("|") if t.strip())


def food_allowed(diet_tags: object, allergens: object, *, diet: str, avoid: Iterable[str]) -> bool:
    """True if a food with these tags fits ``diet`` and contains none of ``avoid``."""
    if diet != "omnivore" and diet not in split_tags(diet_tags):
        return False
    return not set(split_tags(allergens)) & set(avoid)


def _check_tags(df: pd.DataFrame, column: str, allowed: tuple[str, ...], path: str, *, single: bool) -> None:
    for pos, (food_id, value) in enumerate(df[column].items()):
        tags = split_tags(value)
        if single and len(tags) != 1:
            raise FoodTableError(f"food '{food_id}' needs exactly one value, one of: {', '.join(allowed)}",
                                 path=path, row=pos + 2, column=column)
        for tag in tags:
            if tag not in allowed:
                raise FoodTableError(f"food '{food_id}' has unknown value '{tag}'; use one of: "
                                     f"{', '.join(allowed)}", path=path, row=pos + 2, column=column)


def validate(df: pd.DataFrame, *, path: str = "food table") -> pd.DataFrame:
    """Check a loaded food table (indexed by food_id); return it or raise FoodTableError.

    Row numbers in messages are CSV line numbers (header = line 1) when the frame keeps file order.
    """
    if df.empty:
        raise FoodTableError("the table has no foods; add at least one row under the header", path=path)
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise FoodTableError(f"missing column(s) {', '.join(missing)}; the header must include "
                             f"{', '.join(REQUIRED_COLUMNS)}", path=path)
    ids = pd.Series(df.index, dtype="object")
    for pos, food_id in enumerate(ids):
        if not isinstance(food_id, str) or not FOOD_ID_RE.match(food_id):
            raise FoodTableError(f"food_id {food_id!r} is not a slug; use lower-case ASCII letters, digits "
                                 "and '_', e.g. 'pumpkin_seeds_roasted'", path=path, row=pos + 2, column="food_id")
    dup = ids[ids.duplicated()]
    if not dup.empty:
        pos = int(dup.index[0])
        raise FoodTableError(f"duplicate food_id '{dup.iloc[0]}'; every food_id must be unique",
                             path=path, row=pos + 2, column="food_id")
    for column in ("serving_g", "purchase_unit_g", "buy_g_per_g", "max_servings_per_meal",
                   "price_usd_per_100g", *NUTRIENT_COLUMNS):
        if column not in df.columns:
            continue
        values = pd.to_numeric(df[column], errors="coerce")
        bad = unreadable_numbers(df[column])
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise FoodTableError(f"'{df[column].iloc[pos]}' is not a number; write a plain number like 12.5 "
                                 "(leave the cell empty if unknown)", path=path, row=pos + 2, column=column)
        must_be_positive = column in ("serving_g", "purchase_unit_g", "buy_g_per_g", "max_servings_per_meal")
        bad = (values <= 0) if must_be_positive else (values < 0)
        if must_be_positive:
            bad = bad | values.isna()
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            what = "a number above 0" if must_be_positive else "0 or more (empty if unknown)"
            raise FoodTableError(f"food '{df.index[pos]}' has {column} = {df[column].iloc[pos]}; it must be {what}",
                                 path=path, row=pos + 2, column=column)
        if column in MAX_PER_100G:
            bad = values > MAX_PER_100G[column]
            if bad.any():
                pos = int(bad.to_numpy().nonzero()[0][0])
                raise FoodTableError(f"food '{df.index[pos]}' has {column} = {df[column].iloc[pos]}: "
                                     f"{impossible_amount(column, float(values.iloc[pos]))}; check the unit "
                                     "(values are per 100 g)", path=path, row=pos + 2, column=column)
    # An empty slots cell is allowed: an ingredient used only in dishes, never planned on its own.
    _check_tags(df, "slots", SLOTS, path, single=False)
    _check_tags(df, "diet_tags", DIET_TAGS, path, single=False)
    _check_tags(df, "allergens", ALLERGENS, path, single=False)
    _check_tags(df, "category", CATEGORIES, path, single=True)
    _check_tags(df, "aisle", AISLES, path, single=True)
    if "form" in df.columns:
        _check_tags(df, "form", FORMS, path, single=True)
    return df
