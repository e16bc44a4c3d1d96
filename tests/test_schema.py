"""Schema: column list, tag helpers and validate() on hand-made tables."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

from foods import schema
from foods.errors import FoodTableError


def test_columns_cover_required_and_nutrients() -> None:
    assert set(schema.REQUIRED_COLUMNS) <= set(schema.COLUMNS)
    assert set(schema.NUTRIENT_COLUMNS) <= set(schema.COLUMNS)
    assert set(schema.PLAN_NUTRIENTS) <= set(schema.NUTRIENT_COLUMNS)
    assert "magnesium_mg" in schema.NUTRIENT_COLUMNS
    assert schema.NUTRIENTS["magnesium_mg"] == ("mg", 304, 1090)  # SR28 Nutr_No 304, FDC nutrient 1090


@pytest.mark.parametrize(("value", "expected"), [
    ("vegan|vegetarian", ("vegan", "vegetarian")),
    (" snack | breakfast ", ("snack", "breakfast")),
    ("a||b|", ("a", "b")),
    ("", ()),
    (None, ()),
    (np.nan, ()),
    (pd.NA, ()),
])
def test_split_tags(value: object, expected: tuple[str, ...]) -> None:
    assert schema.split_tags(value) == expected


@pytest.mark.parametrize(("diet_tags", "allergens", "diet", "avoid", "allowed"), [
    ("vegan|vegetarian|pescatarian", "", "vegan", [], True),
    ("vegetarian|pescatarian", "dairy", "vegan", [], False),
    ("vegetarian|pescatarian", "dairy", "vegetarian", [], True),
    ("", "", "omnivore", [], True),
    ("", "", "pescatarian", [], False),
    ("vegan|vegetarian|pescatarian", "tree_nuts", "omnivore", ["tree_nuts"], False),
    ("vegan|vegetarian|pescatarian", "peanuts", "vegan", ["tree_nuts"], True),
    ("pescatarian", "fish", "pescatarian", ["shellfish"], True),
    (np.nan, np.nan, "omnivore", ["gluten"], True),
])
def test_food_allowed(diet_tags: object, allergens: object, diet: str, avoid: list[str], allowed: bool) -> None:
    assert schema.food_allowed(diet_tags, allergens, diet=diet, avoid=avoid) is allowed


GOOD = {"magnesium_mg": 50.0, "energy_kcal": 100.0}


@pytest.mark.parametrize(("rows", "column", "row", "words"), [
    ({"a": {**GOOD, "serving_g": -1.0}}, "serving_g", 2, ["above 0"]),
    ({"a": {**GOOD, "serving_g": np.nan}}, "serving_g", 2, ["above 0"]),
    ({"a": GOOD, "b": {**GOOD, "magnesium_mg": -3.0}}, "magnesium_mg", 3, ["'b'", "0 or more"]),
    ({"a": {**GOOD, "buy_g_per_g": 0.0}}, "buy_g_per_g", 2, ["above 0"]),
    ({"a": {**GOOD, "price_usd_per_100g": -0.5}}, "price_usd_per_100g", 2, ["0 or more"]),
    ({"a": {**GOOD, "slots": "supper"}}, "slots", 2, ["'supper'", "breakfast"]),
    ({"a": {**GOOD, "diet_tags": "paleo"}}, "diet_tags", 2, ["'paleo'"]),
    ({"a": {**GOOD, "allergens": "wheat"}}, "allergens", 2, ["'wheat'", "gluten"]),
    ({"a": {**GOOD, "category": "nuts|seeds"}}, "category", 2, ["exactly one value"]),
    ({"a": {**GOOD, "aisle": "bakery"}}, "aisle", 2, ["'bakery'", "grains_and_bakery"]),
    ({"a": {**GOOD, "form": "roasted"}}, "form", 2, ["'roasted'", "cooked"]),
    ({"Bad Id": GOOD}, "food_id", 2, ["not a slug"]),
])
def test_validate_rejects(make_foods: Callable[[dict[str, dict[str, Any]]], pd.DataFrame],
                          rows: dict[str, dict[str, Any]], column: str, row: int, words: list[str]) -> None:
    with pytest.raises(FoodTableError) as info:
        make_foods(rows)
    assert (info.value.column, info.value.row, info.value.path) == (column, row, "synthetic")
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("slots", ["", np.nan])
def test_validate_accepts_an_empty_slot_as_an_ingredient_of_dishes(
        make_foods: Callable[[dict[str, dict[str, Any]]], pd.DataFrame], slots: object) -> None:
    """No meal slot: an ingredient used only in dishes, never planned on its own; a wrong name still fails."""
    table = make_foods({"a": GOOD, "salt": {**GOOD, "slots": slots}})
    assert schema.split_tags(table.loc["salt", "slots"]) == ()
    with pytest.raises(FoodTableError, match="'dishes'") as info:
        make_foods({"a": GOOD, "salt": {**GOOD, "slots": "dishes"}})
    assert (info.value.column, info.value.row) == ("slots", 3)


def test_validate_rejects_duplicates_and_non_numbers(tiny_foods: pd.DataFrame) -> None:
    doubled = pd.concat([tiny_foods, tiny_foods.iloc[[0]]])
    with pytest.raises(FoodTableError, match="duplicate food_id 'seeds'") as info:
        schema.validate(doubled, path="t.csv")
    assert info.value.row == 6
    text = tiny_foods.astype({"iron_mg": "object"})
    text.loc["rice", "iron_mg"] = "some"
    with pytest.raises(FoodTableError, match="'some' is not a number") as info:
        schema.validate(text, path="t.csv")
    assert (info.value.row, info.value.column) == (4, "iron_mg")


def test_validate_rejects_empty_and_missing_columns(tiny_foods: pd.DataFrame) -> None:
    with pytest.raises(FoodTableError, match="no foods"):
        schema.validate(tiny_foods.iloc[0:0], path="t.csv")
    with pytest.raises(FoodTableError, match=r"missing column\(s\) aisle, buy_as"):
        schema.validate(tiny_foods.drop(columns=["aisle", "buy_as"]), path="t.csv")


def test_validate_accepts_nan_nutrients_and_returns_the_table(tiny_foods: pd.DataFrame) -> None:
    assert np.isnan(tiny_foods.loc["seeds", "vitamin_d_ug"])
    assert schema.validate(tiny_foods) is tiny_foods
