"""The Dishes tab's "Add your recipe" panel through AppTest: paste a recipe, review, change a match, save."""
from __future__ import annotations

import html
from pathlib import Path

from streamlit.testing.v1 import AppTest

from foods.dishes import dish_record, load_all_dishes
from foods.load import usda_portions
from foods.paths import user_dishes_path
from foods.user import load_all_foods

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
DATA = Path(__file__).resolve().parent / "data"
DISH_ID = "spinach_and_white_bean_skillet"


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def grid(at: AppTest):
    return next(d.value for d in at.dataframe if "Recipe line" in d.value.columns)


def dish_ids(at: AppTest) -> list[str]:
    return [str(i) for d in at.dataframe if "Magnesium (mg)" in d.value.columns for i in d.value.index]


def test_paste_review_rematch_and_save_then_it_is_in_the_dishes_view():
    at = AppTest.from_file(APP, default_timeout=120).run()
    ok(at)
    at.radio(key="imp_how").set_value("Paste text").run()
    at.text_area(key="imp_text").input((DATA / "white_bean_skillet.txt").read_text(encoding="utf-8"))
    at.button(key="imp_read").click().run()
    ok(at)
    table = grid(at)
    assert list(table["Line"]) == list(range(1, 8))
    row = table.set_index("Line")
    assert row.at[4, "Food id"] == "spinach_raw" and row.at[4, "Grams (recipe)"] == 200.0
    assert row.at[7, "Note"].startswith("UNMATCHED") and "handful" in row.at[7, "Note"]
    assert at.number_input(key="imp_servings").value == 2 and at.selectbox(key="imp_role").value == "auto"
    # change line 7 (a handful of parmesan) by searching foods: the amount still has no USDA measure
    at.text_input(key="imp_search").input("parmesan").run()
    pick = at.selectbox(key="imp_pick")
    assert pick.options[0].startswith("parmesan_grated")
    pick.set_value(pick.options[0])
    at.selectbox(key="imp_line").set_value(1)  # and line 1 (olive oil) to canola oil, weighed again
    at.text_input(key="imp_search").input("canola oil").run()
    at.selectbox(key="imp_pick").set_value(at.selectbox(key="imp_pick").options[0])
    at.button(key="imp_use").click().run()
    ok(at)
    row = grid(at).set_index("Line")
    canola_tbsp_g = usda_portions().query("fdc_id == 172336 and unit == 'tbsp'")["gram_weight"].iloc[0]
    assert row.at[1, "Food id"] == "canola_oil" and row.at[1, "Grams (recipe)"] == round(canola_tbsp_g, 2)
    at.button(key="imp_save").click().run()
    ok(at)
    assert any("Saved" in html.unescape(s.value) and DISH_ID in html.unescape(s.value) for s in at.success), \
        [e.value for e in at.error]
    assert DISH_ID in user_dishes_path().read_text(encoding="utf-8")
    assert DISH_ID in dish_ids(at)  # at once in the Dishes view
    rec = dish_record(load_all_dishes(load_all_foods()), DISH_ID)
    assert "canola_oil" in [i["food_id"] for i in rec["ingredients"]]
    assert [u["text"] for u in rec["unmatched"]] == ["a handful of grated parmesan"]


def test_a_page_without_a_recipe_is_an_error_box_and_nothing_is_written():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="imp_how").set_value("Paste text").run()
    at.text_area(key="imp_text").input("Just a title line\n")
    at.button(key="imp_read").click().run()
    ok(at)
    assert any("lists no ingredients" in html.unescape(e.value) for e in at.error)
    at.radio(key="imp_how").set_value("Web address").run()
    at.text_input(key="imp_url").input("ftp://example.invalid/recipe")
    at.button(key="imp_read").click().run()
    ok(at)
    assert any("not a web address" in html.unescape(e.value) for e in at.error)
    assert not user_dishes_path().exists()
