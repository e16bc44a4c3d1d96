"""The app's Dishes tab through AppTest: filter the library, open a recipe, survive a broken user dish file."""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from foods.dishes import dish_record, load_dishes

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def dishes_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Magnesium (mg)" in d.value.columns and "Dish" in d.value.columns)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def library(curated):
    return load_dishes(curated)


def test_filter_vegan_soy_free_breakfasts_and_open_one(library):
    at = AppTest.from_file(APP, default_timeout=90).run()
    ok(at)
    full = dishes_table(at)
    assert len(full) == len(library.dishes)
    at.selectbox(key="dishes_role").set_value("breakfast")
    at.selectbox(key="dishes_diet").set_value("vegan")
    at.multiselect(key="dishes_avoid").set_value(["soy"])
    at.run()
    ok(at)
    table = dishes_table(at)
    assert len(table) >= 8
    for dish_id in table.index:
        rec = dish_record(library, dish_id)
        assert "breakfast" in rec["roles"] and "vegan" in rec["diet_tags"] and "soy" not in rec["allergens"]
    # most magnesium first
    assert list(table["Magnesium (mg)"]) == sorted(table["Magnesium (mg)"], reverse=True)
    second = table.index[1]
    picker = next(s for s in at.selectbox if s.label == "Recipe")
    picker.set_value(second).run()
    ok(at)
    rec = dish_record(library, second)
    assert any(html.unescape(h.value) == rec["name"] for h in at.subheader)
    ingredients = next(d.value for d in at.dataframe if "USDA fdcId" in d.value.columns)
    assert list(ingredients["USDA fdcId"]) == [i["fdc_id"] for i in rec["ingredients"]]
    nutrients = next(d.value for d in at.dataframe if "Nutrient" in d.value.columns)
    mg = nutrients.loc[nutrients["Nutrient"] == "Magnesium", "Amount"].iloc[0]
    assert mg.startswith(f"{rec['magnesium_mg']:,.0f} mg")
    assert any("1." in t.value for t in at.text)  # numbered steps


def test_magnesium_minimum_and_search_filter(library):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.slider(key="dishes_min_mg").set_value(150).run()
    ok(at)
    table = dishes_table(at)
    assert len(table) < len(library.dishes) and (table["Magnesium (mg)"] >= 149.5).all()
    at.slider(key="dishes_min_mg").set_value(0)
    at.text_input(key="dishes_search").input("lentil").run()
    names = dishes_table(at)["Dish"].str.lower()
    assert len(names) >= 2 and names.str.contains("lentil").all()


def test_a_broken_user_dish_file_is_an_error_box_not_a_crash(_isolated_user_data):
    (Path(_isolated_user_data) / "user_dishes.toml").write_text('[[dish]]\nid = "x"\nname = "X"\n', encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=90).run()
    ok(at)
    errors = [html.unescape(e.value) for e in at.error]
    assert any("dish library could not be loaded" in e and "user_dishes.toml" in e and "missing 'roles'" in e
               for e in errors), errors
