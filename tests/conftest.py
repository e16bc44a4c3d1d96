"""Shared, cheap fixtures. Expensive ones (the curated table, a solved week) are session-scoped."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import foods
from foods import schema

# Defaults for synthetic rows: only what a test says matters; the rest is neutral.
_DEFAULTS: dict[str, Any] = {
    "fdc_id": pd.NA, "data_type": "synthetic", "usda_description": "", "category": "vegetables", "form": "raw",
    "serving_label": "1 serving", "serving_g": 100.0, "slots": "breakfast|lunch|dinner|snack",
    "diet_tags": "vegan|vegetarian|pescatarian", "allergens": "", "aisle": "pantry", "main_item": True,
    "max_servings_per_meal": 2.0, "purchase_unit": "1 pack", "purchase_unit_g": 500.0, "buy_as": "",
    "buy_g_per_g": 1.0, "price_usd_per_100g": 1.0, "price_source": "user", "price_ref": "", "price_year": 2024,
}


def make_food_table(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """A schema-shaped food table from {food_id: {column: value}}; nutrients not given are NaN.

    Synthetic values for hand-checkable tests only; product nutrient values come from USDA rows.
    """
    records = []
    for food_id, given in rows.items():
        rec = {**_DEFAULTS, "name": food_id.replace("_", " "), **{n: np.nan for n in schema.NUTRIENT_COLUMNS}}
        rec.update(given)
        rec["food_id"] = food_id
        if not rec["buy_as"]:
            rec["buy_as"] = rec["name"]
        records.append(rec)
    df = pd.DataFrame.from_records(records).set_index("food_id")
    for column, (dtype, _m) in schema.COLUMNS.items():
        if dtype == "float64":
            df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
        elif dtype == "Int64":
            df[column] = pd.to_numeric(df[column], errors="coerce").astype("Int64")
        elif dtype == "bool":
            df[column] = df[column].astype(bool)
        else:
            df[column] = df[column].astype("string")
    df.index = df.index.astype("object")
    return schema.validate(df[list(schema.COLUMNS)], path="synthetic")


def unbalanced_tags(page: str) -> list[str]:
    """Problems with how an HTML page's tags nest (a tag closed out of order, or never closed); [] if none."""
    from html.parser import HTMLParser

    void = {"meta", "br", "hr", "img", "input", "link", "col"}
    stack: list[str] = []
    problems: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                stack.append(tag)

        def handle_endtag(self, tag):
            if not stack or stack[-1] != tag:
                problems.append(f"</{tag}> closes {stack[-1] if stack else 'nothing'}")
            else:
                stack.pop()

    P().feed(page)
    return problems + [f"<{t}> never closed" for t in stack]


@pytest.fixture
def make_foods() -> Callable[[dict[str, dict[str, Any]]], pd.DataFrame]:
    return make_food_table


@pytest.fixture
def tiny_foods() -> pd.DataFrame:
    """Four synthetic foods, 100 g servings, whose optimum can be worked out on paper.

    seeds: 200 mg Mg, 500 kcal, $2; greens: 80 mg, 25 kcal, $1; rice: 40 mg, 130 kcal, $0.3;
    bread: 0 Mg (measured), 250 kcal, $0.5, gluten.
    """
    nutr = dict(protein_g=10.0, fiber_g=5.0, sodium_mg=10.0, caffeine_mg=0.0, fat_g=5.0, carbohydrate_g=20.0)
    return make_food_table({
        "seeds": {**nutr, "magnesium_mg": 200.0, "energy_kcal": 500.0, "price_usd_per_100g": 2.0,
                  "category": "seeds", "slots": "breakfast|snack"},
        "greens": {**nutr, "magnesium_mg": 80.0, "energy_kcal": 25.0, "price_usd_per_100g": 1.0,
                   "category": "leafy_greens", "slots": "lunch|dinner"},
        "rice": {**nutr, "magnesium_mg": 40.0, "energy_kcal": 130.0, "price_usd_per_100g": 0.3,
                 "category": "whole_grains", "slots": "lunch|dinner"},
        "bread": {**nutr, "magnesium_mg": 0.0, "energy_kcal": 250.0, "price_usd_per_100g": 0.5,
                  "category": "breads", "allergens": "gluten", "slots": "breakfast|lunch"},
    })


@pytest.fixture(scope="session")
def curated() -> pd.DataFrame:
    """The shipped curated food table (loaded once per test session)."""
    return foods.load_foods()


@pytest.fixture(scope="session")
def shipped_dishes(curated):
    """The shipped dish library on the curated foods (loaded once)."""
    from foods.dishes import load_dishes

    return load_dishes(curated)


@pytest.fixture(scope="session")
def two_day_plan(curated, shipped_dishes):
    """A real 2-day dish plan for the default profile (solved once per session, about 10 s)."""
    from planner.dishplan import plan_dish_week
    from planner.model import Profile, Rules

    return plan_dish_week(shipped_dishes, curated, Profile(), rules=Rules(days=2))


@pytest.fixture(scope="session")
def household_week(curated, shipped_dishes):
    """The household of the issue for 7 days (Ann 45 F, Tom 47 M vegetarian, Mia 8 F avoiding peanuts; shared
    dinners, 2 leftover lunches), solved once per session (about 30 s): tests/test_household.py checks it and
    tests/test_browser.py prints it."""
    from planner.household import Member, plan_household
    from planner.model import Profile, Rules

    members = [Member("Ann", Profile(age=45, sex="female")),
               Member("Tom", Profile(age=47, sex="male", diet="vegetarian")),
               Member("Mia", Profile(age=8, sex="female", avoid_allergens=("peanuts",)))]
    return plan_household(shipped_dishes, curated, members, rules=Rules(days=7))


@pytest.fixture(scope="session")
def household_plan(curated, shipped_dishes):
    """A real 2-day household plan (Ann 45 F, Tom 47 M vegetarian, Mia 8 F avoiding peanuts; shared dinners and
    a leftover lunch), solved once per session (about 20 s)."""
    from planner.household import Member, plan_household
    from planner.model import Profile, Rules

    members = [Member("Ann", Profile(age=45, sex="female")),
               Member("Tom", Profile(age=47, sex="male", diet="vegetarian")),
               Member("Mia", Profile(age=8, sex="female", avoid_allergens=("peanuts",)))]
    return plan_household(shipped_dishes, curated, members, rules=Rules(days=2))


@pytest.fixture(scope="session")
def usda_all() -> pd.DataFrame:
    """Every SR Legacy food with a magnesium value, as a food table (loaded once)."""
    return foods.load_usda_foods()


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user data folder or database."""
    home = tmp_path_factory.mktemp("magplan_home")
    monkeypatch.setenv("MAGPLAN_HOME", str(home))
    monkeypatch.delenv("MAGPLAN_DB", raising=False)
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    monkeypatch.delenv("FDC_BASE_URL", raising=False)
    return home
