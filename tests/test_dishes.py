"""foods.dishes: reading dish files, every derived field on a hand-checkable fixture, and bad files."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foods.dishes import dish_record, filter_dishes, load_dishes
from foods.errors import DishTableError

NUTR = dict(protein_g=1.0, fiber_g=1.0, sodium_mg=0.0, caffeine_mg=0.0, fat_g=1.0, carbohydrate_g=1.0)


@pytest.fixture
def kitchen(make_foods) -> pd.DataFrame:
    """Five synthetic foods with round numbers per 100 g (hand-checkable sums)."""
    return make_foods({
        "oats": {**NUTR, "magnesium_mg": 100.0, "energy_kcal": 400.0, "price_usd_per_100g": 0.5,
                 "category": "whole_grains", "fdc_id": 1},
        "milk": {**NUTR, "magnesium_mg": 10.0, "energy_kcal": 50.0, "price_usd_per_100g": 0.2, "vitamin_b12_ug": 0.5,
                 "category": "dairy_alternatives", "diet_tags": "vegetarian|pescatarian", "allergens": "dairy",
                 "fdc_id": 2},
        "seeds": {**NUTR, "magnesium_mg": 500.0, "energy_kcal": 600.0, "price_usd_per_100g": 2.0,
                  "category": "seeds", "allergens": "sesame", "fdc_id": 3},
        "salt": {**NUTR, "magnesium_mg": np.nan, "energy_kcal": 0.0, "price_usd_per_100g": np.nan, "sodium_mg": 38000.0,
                 "category": "condiments", "fdc_id": 4},
        "salmon": {**NUTR, "magnesium_mg": 30.0, "energy_kcal": 200.0, "price_usd_per_100g": 2.5, "vitamin_d_ug": 10.0,
                   "category": "fish_seafood", "diet_tags": "pescatarian", "allergens": "fish", "fdc_id": 5},
    })


PORRIDGE = '''
[[dish]]
id = "porridge"
name = "Seedy porridge"
roles = ["breakfast"]
servings = 2
cuisine = "Scottish"
minutes_active = 5
minutes_total = 10
ingredients = """
oats    50  1/2 cup
milk   200  3/4 cup
seeds   10  1 tbsp
salt     1  a pinch
"""
steps = """
Simmer the oats in the milk with the salt for 5 minutes.
Top with the seeds.
"""
notes = "Stir often."
'''

SALMON = '''
[[dish]]
id = "salmon_plate"
name = "Baked salmon"
roles = ["main"]
servings = 1
cuisine = "Nordic"
minutes_active = 10
minutes_total = 25
ingredients = """
salmon 120 1 fillet
oats    10
"""
steps = """
Bake the salmon at 200 C for 15 minutes.
Serve.
"""
'''


def write(tmp_path: Path, text: str, name: str = "d.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(kitchen: pd.DataFrame, *paths: Path):
    return load_dishes(kitchen, paths, references=())


def test_every_derived_field_by_hand(tmp_path, kitchen):
    tables = load(kitchen, write(tmp_path, PORRIDGE))
    d = tables.dishes.loc["porridge"]
    # grams 50 + 200 + 10 + 1 = 261
    assert d["grams"] == 261
    # magnesium: 50 g oats 50 mg + 200 g milk 20 mg + 10 g seeds 50 mg; salt unknown -> 120 mg, measured 260/261
    assert d["magnesium_mg"] == pytest.approx(120.0)
    assert d["measured_magnesium_mg"] == pytest.approx(round(260 / 261, 4))
    # energy: 200 + 100 + 60 + 0 = 360 kcal, all measured
    assert d["energy_kcal"] == pytest.approx(360.0)
    assert d["measured_energy_kcal"] == 1.0
    assert d["sodium_mg"] == pytest.approx(380.0)
    assert d["vitamin_b12_ug"] == pytest.approx(1.0)
    # vitamin D: no food has a value -> unknown, not zero
    assert math.isnan(d["vitamin_d_ug"]) and d["measured_vitamin_d_ug"] == 0.0
    # cost: 0.25 + 0.40 + 0.20 = 0.85 USD; salt unpriced -> measured share 260/261
    assert d["cost_usd"] == pytest.approx(0.85)
    assert d["measured_cost_usd"] == pytest.approx(round(260 / 261, 4))
    # milk is not vegan: the dish is vegetarian and pescatarian; allergens are the union
    assert d["diet_tags"] == "vegetarian|pescatarian"
    assert d["allergens"] == "dairy|sesame"
    assert d["groups"] == "nuts_seeds|whole_grains"
    assert d["protein_kinds"] == ""
    assert (d["servings"], d["minutes_active"], d["minutes_total"]) == (2, 5, 10)
    assert d["steps"].split("\n")[1] == "Top with the seeds."


def test_groups_need_a_real_amount_and_fish_makes_a_fish_main(tmp_path, kitchen):
    tables = load(kitchen, write(tmp_path, SALMON))
    d = tables.dishes.loc["salmon_plate"]
    assert d["groups"] == "whole_grains"  # 10 g oats counts (>= 5 g)
    assert d["protein_kinds"] == "fish_seafood"
    assert d["diet_tags"] == "pescatarian" and d["allergens"] == "fish"
    sprinkle = SALMON.replace("oats    10", "seeds    2")
    d2 = load(kitchen, write(tmp_path, sprinkle)).dishes.loc["salmon_plate"]
    assert d2["groups"] == ""  # 2 g of seeds is a garnish, not a group


def test_ingredients_table_is_tidy_and_record_reproduces_magnesium(tmp_path, kitchen):
    tables = load(kitchen, write(tmp_path, PORRIDGE + SALMON))
    ing = tables.ingredients
    assert list(ing.columns) == ["dish_id", "position", "food_id", "fdc_id", "name", "grams", "household"]
    assert list(ing.loc[ing["dish_id"] == "porridge", "food_id"]) == ["oats", "milk", "seeds", "salt"]
    rec = dish_record(tables, "porridge")
    again = sum(kitchen.at[i["food_id"], "magnesium_mg"] * i["grams"] / 100 for i in rec["ingredients"]
                if not math.isnan(kitchen.at[i["food_id"], "magnesium_mg"]))
    assert rec["magnesium_mg"] == pytest.approx(again)
    assert rec["ingredients"][0] == {"food_id": "oats", "fdc_id": 1, "name": "oats", "grams": 50.0,
                                     "household": "1/2 cup"}
    assert rec["vitamin_d_ug"] is None and rec["measured"]["vitamin_d_ug"] == 0.0


def test_filter_by_role_diet_allergen_and_food(tmp_path, kitchen):
    tables = load(kitchen, write(tmp_path, PORRIDGE + SALMON))
    d, i = tables.dishes, tables.ingredients
    assert list(filter_dishes(d, i, role="main").index) == ["salmon_plate"]
    assert list(filter_dishes(d, i, diet="vegetarian").index) == ["porridge"]
    assert list(filter_dishes(d, i, diet="pescatarian", avoid=["sesame"]).index) == ["salmon_plate"]
    assert list(filter_dishes(d, i, exclude_foods=["oats"]).index) == []
    assert list(filter_dishes(d, i, max_minutes=10).index) == ["porridge"]
    with pytest.raises(DishTableError, match="unknown allergen 'nuts'"):
        filter_dishes(d, i, avoid=["nuts"])


BAD = [
    # (change to PORRIDGE, expected line, expected words)
    (("oats    50  1/2 cup", "oatz    50  1/2 cup"), 11, ["unknown food_id 'oatz'", "did you mean oats"]),
    (("milk   200", "milk     0"), 12, ["'milk' has grams '0'", "above 0"]),
    (("milk   200", "milk   -20"), 12, ["above 0"]),
    (("milk   200", "milk   lots"), 12, ["'lots'"]),
    (("salt     1  a pinch", "salt"), 14, ["needs a food_id and grams"]),
    (('roles = ["breakfast"]', 'roles = ["brunch"]'), 5, ["unknown role 'brunch'", "breakfast, main, snack, side"]),
    (("servings = 2", "servings = 0"), 6, ["servings = 0", "whole number from 1 to 12"]),
    (("minutes_active = 5", "minutes_active = 50"), 8, ["more than minutes_total"]),
    (('id = "porridge"', 'id = "Porridge!"'), 3, ["not a slug"]),
    (('cuisine = "Scottish"', 'cuisin = "Scottish"'), 7, ["unknown key 'cuisin'"]),
    (("Top with the seeds.", ""), 16, ["1 step(s)", "2 to 8"]),
    (("seeds   10  1 tbsp", "seeds   10  1 tbsp\noats 5"), 14, ["'oats' is listed twice"]),
    (('name = "Seedy porridge"', 'name = "Seedy porridge'), 4, ["not valid TOML"]),
    (("oats    50  1/2 cup\nmilk   200  3/4 cup\nseeds   10  1 tbsp\nsalt     1  a pinch", "# to do"), 10,
     ["ingredients must be a text block of lines", "oats_rolled_dry 40"]),  # comments only: no dish to derive
]


@pytest.mark.parametrize("change, line, words", BAD, ids=[b[2][0][:30] for b in BAD])
def test_bad_dish_file_names_file_line_dish_and_valid_value(tmp_path, kitchen, change, line, words):
    path = write(tmp_path, PORRIDGE.replace(*change))
    with pytest.raises(DishTableError) as info:
        load(kitchen, path)
    msg = str(info.value)
    assert msg.startswith(f"{path}, line {line}"), msg
    for w in words:
        assert w in msg
    if "TOML" not in msg and "slug" not in msg:
        assert "dish 'porridge'" in msg


def test_duplicate_id_across_files_names_both(tmp_path, kitchen):
    first = write(tmp_path, PORRIDGE, "a.toml")
    second = write(tmp_path, SALMON + PORRIDGE, "b.toml")
    with pytest.raises(DishTableError, match=r"b\.toml, line 20, dish 'porridge': duplicate id; it is already "
                                             r"used at .*a\.toml line 3"):
        load(kitchen, first, second)


def test_missing_key_and_unknown_reference(tmp_path, kitchen):
    with pytest.raises(DishTableError, match="missing 'cuisine'"):
        load(kitchen, write(tmp_path, PORRIDGE.replace('cuisine = "Scottish"\n', "")))
    with_ref = PORRIDGE.replace('notes = "Stir often."', 'reference = "Oatmeal, NFZ"')
    with pytest.raises(DishTableError, match=r"line 20, dish 'porridge': reference 'Oatmeal, NFZ' is not .*"
                                             r"close: Oatmeal, NFS"):
        load_dishes(kitchen, [write(tmp_path, with_ref)], references=["Oatmeal, NFS", "Pizza"])


def test_user_dishes_load_through_the_same_function(tmp_path, kitchen):
    shipped = write(tmp_path, PORRIDGE, "shipped.toml")
    user = write(tmp_path, SALMON, "user_dishes.toml")
    tables = load_dishes(kitchen, [shipped], user_path=user, references=())
    assert list(tables.dishes.index) == ["porridge", "salmon_plate"]
    # a missing user file is simply no dishes of one's own
    assert list(load_dishes(kitchen, [shipped], user_path=tmp_path / "none.toml", references=()).dishes.index) == [
        "porridge"]


def test_one_ingredient_side_needs_no_steps(tmp_path, kitchen):
    text = '[[dish]]\nid = "milk_glass"\nname = "A glass of milk"\nroles = ["snack", "side"]\nservings = 1\n' \
           'cuisine = "any"\nminutes_active = 0\nminutes_total = 0\ningredients = "milk 244 1 cup"\n'
    d = load(kitchen, write(tmp_path, text)).dishes.loc["milk_glass"]
    assert d["roles"] == "snack|side" and d["steps"] == "" and d["energy_kcal"] == pytest.approx(122.0)
