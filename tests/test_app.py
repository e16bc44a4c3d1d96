"""The Streamlit app driven through streamlit.testing.v1.AppTest: every flow a person uses.

Most tests start from a dish plan solved once per session (preset in st.session_state, as a person who has
just pressed Generate would have); the Generate and infeasible-profile flows run the real solve. The edit
flows of dish plans (swap, lock, exclude, regenerate, portions) call planner.edits.
"""
from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from html import unescape  # the module name html is taken by local variables below
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import foods
from planner.model import DISH_PLAN_VERSION, Lock, PlanDish, Profile, Rules, WeekPlan
from planner.plan_format import plan_to_json

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT = 90


@pytest.fixture(scope="session")
def food_table():
    return foods.load_foods()


@pytest.fixture(scope="session")
def dish_tables(food_table):
    from foods.dishes import load_all_dishes

    return load_all_dishes(food_table)


@pytest.fixture(scope="session")
def solved_plan(food_table, dish_tables) -> WeekPlan:
    """A 3-day dish plan for the app's default profile (what one click on Generate gives, shorter)."""
    from planner.dishplan import plan_dish_week

    return plan_dish_week(dish_tables, food_table, Profile(), rules=Rules(days=3))


@pytest.fixture(scope="session")
def v1_plan(food_table) -> WeekPlan:
    """A food-level plan (format version 1) as the previous release wrote it."""
    from planner.plan import plan_week

    return plan_week(food_table, Profile(), rules=Rules(days=2, time_limit_s=15))


@pytest.fixture
def edits():
    """planner.edits (the dish-plan editor) that the edit flows of dish plans call."""
    from planner import edits as module

    return module


def app(plan: WeekPlan | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if plan is not None:
        at.session_state["plan"] = plan
    return at.run()


def shopping_tab(at: AppTest) -> AppTest:
    """``at`` with the Shopping list tab open (as a click on it: the tab is drawn only when open)."""
    from ui.actions import SHOP_TAB

    at.session_state["main_tab"] = SHOP_TAB
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    """The messages of a kind as a person reads them (user text in them is shown through character references)."""
    return [html.unescape(str(e.value)) for e in getattr(at, kind)]


def grid(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "mp-grid" in m.value)


def first_item(plan: WeekPlan, day: int = 1):
    meal = next(m for m in plan.day(day).meals if m.items)
    return meal.slot, meal.items[0]


def main_dish(plan: WeekPlan, day: int = 1, slot: str = "lunch"):
    """(slot, the main dish) of a meal of the plan."""
    meal = next(m for m in plan.day(day).meals if m.slot == slot)
    return slot, next(x for x in meal.dishes if x.role == "main")


def meal_ids(plan: WeekPlan, day: int, slot: str) -> list[str]:
    return [x.dish_id for m in plan.day(day).meals if m.slot == slot for x in m.dishes]


def days_json(plan: WeekPlan, *, marks: bool = True) -> list[str]:
    """Each day of the plan as JSON (other days must stay byte-identical after a change; ``marks=False``
    leaves out the leftover marks, which a new dinner takes from tomorrow's lunch)."""
    import json

    from planner.plan_format import plan_to_dict

    days = plan_to_dict(plan)["days"]
    if not marks:
        for d in days:
            for m in d["meals"]:
                m.pop("leftover_from", None)
    return [json.dumps(d, sort_keys=True) for d in days]


def food_rows(at: AppTest):
    return next(d.value for d in at.dataframe if "Mg per serving (mg)" in d.value.columns)


def recipe_shown(at: AppTest) -> tuple[list[str], list[int], list[str]]:
    """The open recipe as a person reads it: ingredient names, their grams, and the steps (HTML unescaped)."""
    body = next(m.value for m in at.markdown if "class='mp-recipe" in m.value)
    items = re.findall(r"<li><span class='mp-amt'>.*?</span> (.*?) <span class='mp-sub'>(\d+) g", body)
    steps = re.findall(r"<ol>(.*?)</ol>", body)
    return ([html.unescape(n) for n, _g in items], [int(g) for _n, g in items],
            [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", steps[0])] if steps else [])


def same_plan(a: WeekPlan, b: WeekPlan) -> bool:
    return plan_to_json(a) == plan_to_json(b)


def clicked(plan: WeekPlan, action: str) -> tuple[AppTest, str, PlanDish, str]:
    """The app showing ``plan`` after a click on the ``action`` button (recipe, lock, swap) of day 1's lunch main:
    the app, the slot, the dish and the button's key."""
    at = app(plan)
    slot, dish = main_dish(plan)
    key = f"{action}_1_{slot}_{dish.dish_id}"
    at.button(key=key).click().run()
    ok(at)
    return at, slot, dish, key


def with_day1_dishes(plan: WeekPlan, slot: str, dishes) -> WeekPlan:  # type: ignore[no-untyped-def]
    """``plan`` with day 1's ``slot`` meal made of the dishes ``dishes(meal)`` returns."""
    day = plan.day(1)
    meals = tuple(replace(m, dishes=dishes(m), items=()) if m.slot == slot else m for m in day.meals)
    return replace(plan, days=(replace(day, meals=meals), *plan.days[1:]))


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Contents of every st.download_button of the run, by media file id."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files


def download(at: AppTest, files: dict[str, bytes], key: str) -> str:
    url = at.download_button(key=key).proto.url
    return files[url.rsplit("/", 1)[-1].split(".")[0]].decode("utf-8")


# --- first page and Generate ------------------------------------------------------------------------
def test_first_page_has_defaults_and_the_rls_note():
    at = app()
    ok(at)
    assert at.title[0].value.endswith("Magnesium meal planner")
    assert at.button(key="generate").label == "Generate plan"
    assert at.number_input(key="p_age").value == 40
    assert at.slider(key="p_days").value == 7
    assert at.checkbox(key="p_fish").value is True  # fish twice a week, on by default
    assert at.checkbox(key="p_same_breakfast").value is False and at.checkbox(key="p_cheapest").value is False
    assert any("320 mg a day, the RDA for females 31–50" in c.value for c in at.sidebar.caption)
    note = " ".join(m.value for m in at.markdown)
    assert "not a proven treatment" in note and "350 mg" in note and "kidney disease" in note
    assert at.session_state.plan is None
    assert at.button(key="generate_main").label.startswith("Generate plan")  # also on a phone (no sidebar)


def test_favourites_and_dislikes_list_dishes_and_ingredients(dish_tables, food_table):
    at = app()
    options = at.multiselect(key="p_favorites").options
    lentil = next(i for i in dish_tables.dishes.index if "lentil" in i)
    assert f"{dish_tables.dishes.at[lentil, 'name']} (dish)" in options
    assert f"{food_table.at['almonds', 'name']} (food)" in options
    assert at.multiselect(key="p_dislikes").options == options


def test_generate_makes_a_dish_plan_that_meets_the_target(dish_tables):
    at = app()
    at.slider(key="p_days").set_value(2)
    at.button(key="generate").click().run()
    ok(at)
    plan = at.session_state.plan
    assert plan is not None and plan.version == DISH_PLAN_VERSION and len(plan.days) == 2
    assert all(d.totals["magnesium_mg"] >= plan.targets.magnesium_mg - 0.5 for d in plan.days)
    assert any(s.startswith("New 2-day plan") for s in texts(at, "success"))
    html = grid(at)
    assert "Day total" in html and "Day 2" in html
    slot, dish = main_dish(plan)
    assert dish.dish_id in dish_tables.dishes.index
    assert dish.name.replace("&", "&amp;") in html and "portion" in html
    assert at.session_state.plan_rev == 1
    assert not any("settings changed" in c.value for c in at.caption)
    at.selectbox(key="p_diet").set_value("vegan").run()
    assert any("settings changed since this plan was made" in c.value for c in at.caption)


def test_sidebar_choices_reach_the_dish_planner(solved_plan, monkeypatch, food_table, dish_tables):
    """Favourites, dislikes, avoided dishes and ingredients, fish, breakfast and cheapest go to plan_dish_week."""
    import planner.dishplan

    calls = []

    def spy(tables, foods_, profile, *, rules=None, exclude_dishes=(), favorites=(), dislikes=(), **kw):
        calls.append(dict(profile=profile, rules=rules, exclude_dishes=exclude_dishes, favorites=favorites,
                          dislikes=dislikes, dishes=len(tables.dishes)))
        return solved_plan

    monkeypatch.setattr(planner.dishplan, "plan_dish_week", spy)
    dish = next(iter(dish_tables.dishes.index))
    at = app()
    at.multiselect(key="p_favorites").set_value([dish, "almonds"])
    at.multiselect(key="p_dislikes").set_value(["spinach_raw"] if "spinach_raw" in food_table.index else ["almonds"])
    at.multiselect(key="p_exclude_dishes").set_value([dish])
    at.multiselect(key="p_exclude").set_value(["almonds"])
    at.checkbox(key="p_fish").uncheck()
    at.checkbox(key="p_same_breakfast").check()
    at.checkbox(key="p_cheapest").check()
    at.slider(key="p_days").set_value(5)
    at.button(key="generate").click().run()
    ok(at)
    (call,) = calls
    assert call["favorites"] == (dish, "almonds") and call["exclude_dishes"] == (dish,)
    assert len(call["dislikes"]) == 1 and call["profile"].exclude_foods == ("almonds",)
    assert call["rules"].fish_per_week_min == 0 and call["rules"].cheapest
    assert call["rules"].max_breakfast_per_week >= 5 and call["rules"].days == 5
    assert call["dishes"] == len(dish_tables.dishes)


# --- the week and its recipes ------------------------------------------------------------------------
def test_grid_shows_every_dish_with_portions_and_meal_magnesium(solved_plan):
    at = app(solved_plan)
    ok(at)
    html = grid(at)
    for d in solved_plan.days:
        for m in d.meals:
            for x in m.dishes:
                assert x.name.replace("&", "&amp;") in html
                assert f"{x.portions:g} portion" in unescape(html)  # safe_md writes '1.25' as '1&#46;25'
            if len(m.dishes) > 1:  # a main with sides, or two snacks: the meal's magnesium too
                assert f"Meal: {sum(x.value('magnesium_mg') or 0 for x in m.dishes):.0f} mg Mg" in html
    assert html.count("Meal:") == sum(1 for d in solved_plan.days for m in d.meals if len(m.dishes) > 1)


def test_a_meal_with_sides_shows_each_dish_and_the_meal_magnesium(solved_plan, food_table, dish_tables):
    from planner.dishplan import make_dish

    side_id = next(i for i, roles in dish_tables.dishes["roles"].items() if "side" in str(roles).split("|"))
    side = make_dish(dish_tables, food_table, side_id, "side", 1.0)
    slot, dish = main_dish(solved_plan)
    plan = with_day1_dishes(solved_plan, slot, lambda m: (*m.dishes, side))
    at = app(plan)
    ok(at)
    html = grid(at)
    total = (dish.value("magnesium_mg") or 0) + (side.value("magnesium_mg") or 0)
    assert f"+ </span><b>{side.name.replace('&', '&amp;')}</b>" in html and f"Meal: {total:.0f} mg Mg" in html
    assert at.button(key=f"recipe_1_{slot}_{side_id}") is not None


def test_a_dish_opens_its_recipe_scaled_to_the_portions(solved_plan, dish_tables):
    at, slot, dish, key = clicked(solved_plan, "recipe")
    assert any(m.value == f"#### {dish.name}" for m in at.markdown)
    names, grams, steps = recipe_shown(at)
    assert names == [i.name for i in dish.ingredients]
    assert grams == [round(i.grams) for i in dish.ingredients]
    assert steps == [s.strip() for s in str(dish_tables.dishes.at[dish.dish_id, "steps"]).splitlines() if s.strip()]
    at.button(key=key).click().run()  # a second click closes it
    assert not any(m.value == f"#### {dish.name}" for m in at.markdown)


def test_recipe_of_a_larger_portion_scales_the_ingredients(solved_plan, food_table, dish_tables):
    from planner.dishplan import make_dish

    slot, dish = main_dish(solved_plan)
    bigger = make_dish(dish_tables, food_table, dish.dish_id, "main", 1.5)
    plan = with_day1_dishes(solved_plan, slot, lambda m: tuple(bigger if x is dish else x for x in m.dishes))
    at = app(plan)
    at.button(key=f"recipe_1_{slot}_{dish.dish_id}").click().run()
    ok(at)
    assert any("Ingredients for 1.5 portions" in m.value for m in at.markdown)
    assert recipe_shown(at)[1] == [round(1.5 * i.grams / dish.portions) for i in dish.ingredients]


def test_a_recipe_that_comes_back_later_says_to_cook_it_once(solved_plan, dish_tables):
    """Day 1's lunch main served again on day 3: its recipe says to cook the day-3 serving too (planner.cook_once)."""
    slot, dish = main_dish(solved_plan)
    assert int(dish_tables.dishes.at[dish.dish_id, "servings"]) > 1
    day3 = solved_plan.day(3)
    meals = tuple(replace(m, dishes=(dish, *m.dishes[1:]), items=()) if m.slot == "dinner" else m for m in day3.meals)
    plan = replace(solved_plan, days=tuple(replace(d, meals=meals) if d.day == 3 else d for d in solved_plan.days))
    at = app(plan)
    at.button(key=f"recipe_1_{slot}_{dish.dish_id}").click().run()
    ok(at)
    assert [i.value for i in at.info if i.value.startswith("Comes again on day 3: cook 2 portions today")], [i.value for i in at.info]


# --- per-dish changes (planner.edits) -------------------------------------------------------------
def test_swap_to_an_alternative_dish_leaves_other_days_and_undo_restores(solved_plan, edits):
    at, slot, dish, _key = clicked(solved_plan, "swap")
    use = [b for b in at.button if (b.key or "").startswith("use_")]
    assert use, "the swap panel lists ranked alternatives"
    assert any("day Mg" in c.value and "kcal" in c.value for c in at.caption)  # what each does to the day
    new_id = use[0].key.removeprefix("use_")
    use[0].click().run()
    ok(at)
    plan = at.session_state.plan
    assert new_id in meal_ids(plan, 1, slot) and dish.dish_id not in meal_ids(plan, 1, slot)
    assert days_json(plan, marks=False)[1:] == days_json(solved_plan, marks=False)[1:]  # other days byte-identical
    assert plan.day(1).totals["magnesium_mg"] >= plan.targets.magnesium_mg - 0.5
    notice = texts(at, "success")[0]
    assert notice.startswith(f"Swapped {dish.name} for")
    at.button(key="undo").click().run()
    ok(at)
    assert at.session_state.plan == solved_plan
    assert "Undid the last change." in texts(at, "info")


def test_lock_and_unlock_a_dish(solved_plan, edits):
    at, slot, dish, key = clicked(solved_plan, "lock")
    assert Lock(day=1, slot=slot, food_id=dish.dish_id) in at.session_state.plan.locks
    assert at.button(key=key).label == "Unlock"
    assert at.button(key=f"swap_1_{slot}_{dish.dish_id}").disabled
    assert "mp-lock" in grid(at)
    at.button(key=key).click().run()
    ok(at)
    assert at.session_state.plan.locks == ()
    assert at.button(key=key).label == "Lock"


def test_lock_a_dish_then_regenerate_the_day_keeps_it(solved_plan, edits):
    at = app(solved_plan)
    slot, dish = main_dish(solved_plan)
    at.button(key=f"lock_1_{slot}_{dish.dish_id}").click().run()
    at.button(key="regenday_1").click().run()
    ok(at)
    plan = at.session_state.plan
    assert not texts(at, "error"), texts(at, "error")
    kept = next(x for m in plan.day(1).meals if m.slot == slot for x in m.dishes if x.dish_id == dish.dish_id)
    assert kept == dish  # the locked dish stayed, with its portions
    assert days_json(plan, marks=False)[1:] == days_json(solved_plan, marks=False)[1:]
    assert any(s.startswith("Regenerated day 1.") for s in texts(at, "success"))


def test_lock_a_day(solved_plan, edits):
    at = app(solved_plan)
    at.button(key="lockday_1").click().run()
    ok(at)
    assert Lock(day=1) in at.session_state.plan.locks
    assert at.button(key="regenday_1").disabled
    assert any(s.startswith("Locked the whole of day 1") for s in texts(at, "success"))


def test_regenerate_a_meal_keeps_the_rest_of_the_week(solved_plan, edits):
    at = app(solved_plan)
    slot = "dinner"
    before = meal_ids(solved_plan, 1, slot)
    at.button(key=f"regen_1_{slot}").click().run()
    ok(at)
    plan = at.session_state.plan
    assert not texts(at, "error"), texts(at, "error")
    assert meal_ids(plan, 1, slot) != before
    assert days_json(plan, marks=False)[1:] == days_json(solved_plan, marks=False)[1:]
    assert any(s.startswith(f"Regenerated day 1 {slot}") for s in texts(at, "success"))


def test_exclude_a_dish_removes_it_and_remembers_it(solved_plan, edits):
    at = app(solved_plan)
    slot, dish = main_dish(solved_plan)
    at.button(key=f"exclude_{dish.dish_id}_1_{slot}").click().run()
    ok(at)
    plan = at.session_state.plan
    assert not texts(at, "error"), texts(at, "error")
    assert dish.dish_id not in {x.dish_id for d in plan.days for m in d.meals for x in m.dishes}
    assert dish.dish_id in at.session_state.p_exclude_dishes  # the next Generate keeps the ban
    assert any("will not be suggested again" in s for s in texts(at, "success"))


def test_exclude_an_ingredient_removes_every_dish_with_it(solved_plan, edits):
    at = app(solved_plan)
    slot, dish = main_dish(solved_plan)
    food_id = dish.ingredients[0].food_id
    at.selectbox(key=f"exclude_ing_1_{slot}_{dish.dish_id}").set_value(food_id)
    at.button(key=f"exclude_ing_go_1_{slot}_{dish.dish_id}").click().run()
    ok(at)
    plan = at.session_state.plan
    assert not texts(at, "error"), texts(at, "error")
    assert food_id not in {i.food_id for d in plan.days for m in d.meals for i in m.items}
    assert food_id in at.session_state.p_exclude
    assert any(s.startswith("No dish with") for s in texts(at, "success"))


def test_portions_in_quarters_rebalance_the_day(solved_plan, edits):
    at = app(solved_plan)
    slot, dish = main_dish(solved_plan)
    key = f"portions_1_{slot}_{dish.dish_id}"
    assert at.selectbox(key=key).options == ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"]
    new = 1.5 if dish.portions != 1.5 else 1.25
    at.selectbox(key=key).set_value(new)
    at.button(key=f"setportions_1_{slot}_{dish.dish_id}").click().run()
    ok(at)
    plan = at.session_state.plan
    errors = texts(at, "error")
    if errors:  # a change the planner cannot satisfy is explained and the plan is kept
        assert plan == solved_plan
    else:
        got = [x.portions for m in plan.day(1).meals if m.slot == slot for x in m.dishes if x.dish_id == dish.dish_id]
        assert got == [new]
        assert days_json(plan, marks=False)[1:] == days_json(solved_plan, marks=False)[1:]
        assert any("portion" in s for s in texts(at, "success"))


# --- co-nutrients ------------------------------------------------------------------------------------
def test_co_nutrient_shortfalls_come_with_advice_said_once(solved_plan):
    from planner.dishplan import co_nutrient_notes

    poor = replace(solved_plan.targets, vitamin_b12_ug=500.0, calcium_mg=9000.0)
    plan = replace(solved_plan, targets=poor, notes=co_nutrient_notes(solved_plan.days, poor))
    at = app(plan)
    ok(at)
    table = next(d.value for d in at.dataframe if "Nutrient" in d.value.columns and "Status" in d.value.columns)
    status = dict(zip(table["Nutrient"], table["Status"]))
    assert status["Vitamin B12"] == "below" and status["Calcium"] == "below"
    advice = [m.value for m in at.markdown if "Below the reference, and what to do" in m.value]
    assert len(advice) == 1
    assert "you need a B12 supplement" in advice[0] and "calcium-fortified soy milk" in advice[0]
    page = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert page.count("Plants have no B12") == 1  # said once, no nagging


# --- infeasible ------------------------------------------------------------------------------------
def test_infeasible_profile_explains_keeps_the_plan_and_a_way_out_works(solved_plan):
    at = app(solved_plan)
    at.number_input(key="p_target_mg").set_value(1500.0)
    at.number_input(key="p_budget").set_value(1.5)
    at.slider(key="p_days").set_value(1)
    at.button(key="generate").click().run()
    ok(at)
    assert at.session_state.plan is solved_plan or at.session_state.plan == solved_plan
    box = " ".join(texts(at, "error"))
    assert "No plan is possible with these settings" in box
    assert "previous plan is still shown" in box
    assert "Day total" in grid(at)  # the previous plan is still on the page
    ways = [b for b in at.button if (b.key or "").startswith("suggestion_")]
    assert ways, "the explanation offers a way out"
    suggestion = at.session_state.problem.suggestions[0]
    ways[0].click().run()  # one click moves the setting and plans again
    ok(at)
    plan = at.session_state.plan
    assert at.session_state.problem is None, texts(at, "error")
    assert plan is not solved_plan and len(plan.days) == 1
    for name, value in suggestion.profile_changes.items():
        if name == "budget_usd_per_day":
            assert at.number_input(key="p_budget").value == pytest.approx(value)
            assert plan.profile.budget_usd_per_day == pytest.approx(value)


# --- shopping --------------------------------------------------------------------------------------
def test_shopping_list_days_people_and_downloads(solved_plan, downloads):
    at = app(solved_plan)
    ok(at)
    assert not any(m.value.startswith("### Estimated total") for m in at.markdown)  # drawn only when open
    shopping_tab(at)
    assert any(m.value.startswith("### Estimated total: $") for m in at.markdown)
    csv = download(at, downloads, "dl_shop_csv")
    header = csv.splitlines()[0]
    assert header.startswith("aisle,product")
    markdown = download(at, downloads, "dl_shop_md")
    assert markdown.count("- [ ]") >= 1
    assert "<html" in download(at, downloads, "dl_shop_html").lower()
    leftover = next(m for d in solved_plan.days for m in d.meals if m.leftover_from)  # cooked with its dinner
    dinner = next(x.name for m in solved_plan.day(leftover.leftover_from.day).meals if m.slot == "dinner"
                  for x in m.dishes if x.role == "main")
    assert "Cook in batches / left over" in markdown and dinner in markdown.split("Cook in batches")[1]
    products_all = len(csv.splitlines()) - 1
    costs = [c for df in at.dataframe if "Cost" in df.value.columns for c in df.value["Cost"]]
    assert costs and all(c == "no price" or c.startswith("$") for c in costs), costs  # never "None"
    at.multiselect(key="shop_days").set_value([1])
    at.number_input(key="shop_people").set_value(2)
    at.run()
    ok(at)
    assert any("for 2 people" in c.value and "day(s) 1" in c.value for c in at.caption)
    one_day = download(at, downloads, "dl_shop_csv")
    assert 1 <= len(one_day.splitlines()) - 1 <= products_all


def test_shopping_choices_and_unsaved_pantry_rows_outlive_a_visit_to_another_tab(solved_plan):
    """The Shopping tab is drawn only when open, and Streamlit forgets the values of widgets it does not draw:
    its days, people and unsaved pantry rows must still be there when the person comes back."""
    import pandas as pd

    from ui.actions import PLAN_TAB

    at = shopping_tab(app(solved_plan))
    at.multiselect(key="shop_days").set_value([1])
    at.number_input(key="shop_people").set_value(3)
    at.run()
    at.session_state["pantry_edited"] = pd.DataFrame({"food_or_product": ["Almonds"], "amount": [200.0],
                                                      "unit": ["g"]})  # what the editor returns after a typed row
    at.session_state["main_tab"] = PLAN_TAB
    at.run()
    ok(at)
    assert not any(m.value.startswith("### Estimated total") for m in at.markdown)
    shopping_tab(at)
    ok(at)
    assert at.multiselect(key="shop_days").value == [1]
    assert at.number_input(key="shop_people").value == 3
    assert any("for 3 people" in c.value and "day(s) 1" in c.value for c in at.caption)
    assert list(at.session_state["pantry_df"]["food_or_product"]) == ["Almonds"]


def test_pantry_with_a_bad_row_is_reported(solved_plan):
    import pandas as pd

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["plan"] = solved_plan
    at.session_state["pantry_df"] = pd.DataFrame({"food_or_product": ["Almonds"], "amount": [200.0],
                                                  "unit": ["bushels of 3!"]})
    shopping_tab(at)
    ok(at)
    assert any("pantry table has a problem" in e and "unit" in e for e in texts(at, "error"))
    assert any(m.value.startswith("### Estimated total") for m in at.markdown)  # the list is still shown


# Synthetic user food rows (a person's own table; values as they would type them).
HEMP = (b"food_id,name,category,serving_label,serving_g,slots,diet_tags,allergens,aisle,main_item,"
        b"max_servings_per_meal,magnesium_mg,energy_kcal,protein_g,fiber_g,sodium_mg\n"
        b"hemp_hearts_mine,Hemp hearts (mine),seeds,3 tbsp,30,breakfast|snack,vegan|vegetarian|pescatarian,,"
        b"bulk_and_nuts,true,2,700,553,31.6,4,5\n")


# --- foods -----------------------------------------------------------------------------------------
def test_foods_tab_search_and_filter():
    at = app()
    at.text_input(key="foods_search").set_value("pumpkin").run()
    ok(at)
    df = food_rows(at)
    assert len(df) >= 1 and df["Food"].str.lower().str.contains("pumpkin").all()
    at.text_input(key="foods_search").set_value("")
    at.multiselect(key="foods_categories").set_value(["seeds"]).run()
    df = food_rows(at)
    assert len(df) >= 1 and set(df["Category"]) == {"seeds"}
    assert df["Mg per serving (mg)"].is_monotonic_decreasing


def test_food_upload_with_a_bad_file_shows_row_and_column():
    at = app()
    bad = HEMP + b"chia_mine,Chia (mine),seeds,1 oz,28,snack,vegan,,bulk_and_nuts,true,2,lots,486,17,34,16\n"
    at.file_uploader(key="food_upload").set_value(("my_foods.csv", bad, "text/csv")).run()
    ok(at)
    err = " ".join(texts(at, "error"))
    assert "my_foods.csv was not added" in err
    assert "row 3" in err and "magnesium_mg" in err
    at.text_input(key="foods_search").set_value("chia (mine)").run()
    assert len(food_rows(at)) == 0  # nothing of the bad file was added


def test_food_upload_with_a_good_file_adds_the_food():
    at = app()
    at.file_uploader(key="food_upload").set_value(("hemp.csv", HEMP, "text/csv")).run()
    ok(at)
    assert any("Added 1 food(s) from hemp.csv" in s for s in texts(at, "success")), texts(at, "error")
    at.text_input(key="foods_search").set_value("hemp hearts (mine)").run()
    assert list(food_rows(at)["Food"]) == ["Hemp hearts (mine)"]
    assert "hemp_hearts_mine" in at.multiselect(key="p_favorites").options or any(
        "Hemp hearts (mine)" in o for o in at.multiselect(key="p_favorites").options)


# --- saved plans -----------------------------------------------------------------------------------
def test_save_load_rename_delete(solved_plan):
    at = app(solved_plan)
    at.text_input(key="save_name").set_value("My week")
    at.button(key="save_plan").click().run()
    ok(at)
    assert "Saved the plan as 'My week'." in texts(at, "success")
    at.session_state["plan"] = None
    at.run()
    at.button(key="load_My week").click().run()
    ok(at)
    assert same_plan(at.session_state.plan, solved_plan)
    assert "Loaded the saved plan 'My week'." in texts(at, "success")
    at.text_input(key="rename_My week").set_value("Week 1")
    at.button(key="dorename_My week").click().run()
    ok(at)
    assert any(b.key == "load_Week 1" for b in at.button)
    at.button(key="delete_Week 1").click().run()
    ok(at)
    assert not any((b.key or "").startswith("load_") for b in at.button)


def test_plan_json_download_and_open(solved_plan, downloads):
    at = app(solved_plan)
    text = download(at, downloads, "dl_plan_json")
    assert text == plan_to_json(solved_plan)
    assert '"version": 2' in text and '"dishes"' in text
    _slot, dish = main_dish(solved_plan)
    assert dish.name in download(at, downloads, "dl_plan_md")
    csv = download(at, downloads, "dl_plan_csv")
    assert dish.ingredients[0].food_id in csv and len(csv.splitlines()) > sum(len(d.meals) for d in solved_plan.days)
    page = download(at, downloads, "dl_plan_html")
    assert "<html" in page.lower() and dish.name.replace("&", "&amp;") in page
    fresh = app()
    fresh.file_uploader(key="plan_upload").set_value(("week.json", text.encode(), "application/json")).run()
    ok(fresh)
    assert same_plan(fresh.session_state.plan, solved_plan)
    assert fresh.slider(key="p_days").value == 3  # the sidebar adopted the plan's settings
    assert not any("settings changed" in c.value for c in fresh.caption)
    broken = app()
    broken.file_uploader(key="plan_upload").set_value(("week.json", b'{"version": 9}', "application/json")).run()
    ok(broken)
    assert any("week.json is not a valid plan" in e for e in texts(broken, "error"))
    assert broken.session_state.plan is None


def test_calendar_and_printable_week_downloads_follow_the_start_date(solved_plan, downloads):
    from datetime import date, datetime, timedelta

    from icalendar import Calendar

    from planner.ics import DEFAULT_MEAL_TIMES, next_monday

    at = app(solved_plan)
    ok(at)
    monday = next_monday(date.today())
    assert at.date_input(key="ics_start").value == monday and monday.weekday() == 0 and monday > date.today()
    events = list(Calendar.from_ical(download(at, downloads, "dl_plan_ics")).walk("VEVENT"))
    assert len(events) == sum(1 for d in solved_plan.days for m in d.meals if m.dishes)
    assert events[0].decoded("dtstart") == datetime.combine(monday, DEFAULT_MEAL_TIMES[solved_plan.days[0].meals[0].slot])
    assert "\nSteps:\n1. " in str(events[0]["description"])  # the library's steps reach the app's file too
    page = download(at, downloads, "dl_plan_print")
    assert "size:landscape" in page and '<div class="card">' in page
    at.date_input(key="ics_start").set_value(date(2027, 3, 1)).run()
    ok(at)
    moved = list(Calendar.from_ical(download(at, downloads, "dl_plan_ics")).walk("VEVENT"))
    assert moved[-1].decoded("dtstart").date() == date(2027, 3, 1) + timedelta(days=len(solved_plan.days) - 1)
    assert [str(e["uid"]) for e in moved] != [str(e["uid"]) for e in events]
    assert "Mon 1 Mar" in download(at, downloads, "dl_plan_print")


def test_supplement_panel_shows_the_safety_note(solved_plan):
    from planner.model import Supplement

    plan = replace(solved_plan, supplement=Supplement(shortfall_mg=60.0, form="magnesium glycinate",
                                                      dose_mg=100.0, note="Food first."))
    at = app(plan)
    ok(at)
    warn = " ".join(texts(at, "warning"))
    assert "350 mg" in warn and "not to food" in warn and "kidney disease" in warn
    assert any("magnesium glycinate" in m.value for m in at.markdown)


def test_find_a_food_in_fooddata_central_and_add_it(monkeypatch):
    """Against the tests' stand-in FDC server (real HTTP on 127.0.0.1)."""
    from fdc_server import RunningServer

    server = RunningServer()
    try:
        monkeypatch.setenv("FDC_BASE_URL", server.state.base_url)
        monkeypatch.setenv("FDC_API_KEY", "test-key-123")
        at = app()
        at.text_input(key="fdc_query").set_value("lentils sprouted raw")
        at.button(key="fdc_search").click().run()
        ok(at)
        add = [b for b in at.button if (b.key or "").startswith("fdc_add_")]
        assert add, "the search lists foods with an Add button"
        add[0].click().run()
        ok(at)
        done = " ".join(texts(at, "success"))
        assert "usable in plans and swaps now" in done, texts(at, "error")
        name = done.split("Added ", 1)[1].split(" (FDC", 1)[0]
        at.text_input(key="foods_search").set_value(name.lower()).run()
        rows = food_rows(at)
        assert name in list(rows["Food"]) and (rows["Source"] != "synthetic").all()
    finally:
        server.close()


def test_pantry_covers_a_product_and_is_remembered(solved_plan):
    import pandas as pd

    from planner.shopping import shopping_list
    from planner.store import Store

    product = str(shopping_list(solved_plan, foods.load_foods()).rows["product"].iloc[0])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["plan"] = solved_plan
    at.session_state["pantry_df"] = pd.DataFrame({"food_or_product": [product], "amount": [5.0],
                                                  "unit": ["kg"]})
    shopping_tab(at)
    ok(at)
    tables = [d.value for d in at.dataframe if "Buy" in d.value.columns]
    row = next(t for t in tables if product in list(t["Product"]))
    assert row.loc[row["Product"] == product, "Buy"].iloc[0] == "✓ already have"
    at.button(key="pantry_save").click().run()
    ok(at)
    assert "Pantry saved." in texts(at, "success")
    saved = Store().load_pantry()
    assert list(saved["food_or_product"]) == [product] and float(saved["amount"].iloc[0]) == 5.0


def test_lock_a_meal_then_regenerate_the_day_keeps_it(solved_plan, edits):
    at = app(solved_plan)
    slot = "lunch"
    kept = next(m for m in solved_plan.day(1).meals if m.slot == slot)
    at.button(key=f"lockmeal_1_{slot}").click().run()
    ok(at)
    assert Lock(day=1, slot=slot) in at.session_state.plan.locks
    assert at.button(key=f"regen_1_{slot}").disabled
    at.button(key="regenday_1").click().run()
    ok(at)
    plan = at.session_state.plan
    assert not texts(at, "error"), texts(at, "error")
    assert next(m for m in plan.day(1).meals if m.slot == slot) == kept  # the locked meal stayed
    assert days_json(plan, marks=False)[1:] == days_json(solved_plan, marks=False)[1:]
    at.button(key="undo").click().run()
    assert Lock(day=1, slot=slot) in at.session_state.plan.locks and at.session_state.plan.day(1) == solved_plan.day(1)


def test_an_unexpected_planner_failure_is_a_message_not_a_traceback(solved_plan, monkeypatch):
    import planner.dishplan

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(planner.dishplan, "plan_dish_week", broken)
    at = app(solved_plan)
    at.button(key="generate").click().run()
    ok(at)
    err = " ".join(texts(at, "error"))
    assert "The plan could not be made" in err and "disk on fire" in err and "Traceback" not in err
    assert at.session_state.plan is solved_plan


def test_dish_names_are_shown_as_text_not_html(solved_plan):
    """Names can come from user dish and food tables: never markup."""
    evil = "<img src=x onerror=alert(1)>"
    slot, dish = main_dish(solved_plan)
    day = solved_plan.day(1)
    bad = replace(dish, name=evil)
    meals = tuple(replace(m, dishes=tuple(bad if x is dish else x for x in m.dishes), items=())
                  if m.slot == slot else m for m in day.meals)
    plan = replace(solved_plan, days=(replace(day, meals=meals), *solved_plan.days[1:]))
    at = app(plan)
    ok(at)
    html = grid(at)
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    rows = [m.value for m in at.markdown if "<span" in m.value and "onerror" in m.value]  # the day editor's row
    assert rows and all(evil not in r for r in rows)
    at.button(key=f"recipe_1_{slot}_{dish.dish_id}").click().run()
    ok(at)
    assert not any(evil in m.value for m in at.markdown)


# --- version-1 plans --------------------------------------------------------------------------------
def test_a_saved_version_1_plan_opens_shows_and_edits(v1_plan):
    from planner.store import Store

    Store().save_plan("Old week", v1_plan)
    at = app()
    at.button(key="load_Old week").click().run()
    ok(at)
    plan = at.session_state.plan
    assert plan.version == 1 and same_plan(plan, v1_plan)
    html = grid(at)
    slot, item = first_item(v1_plan)
    assert item.name.replace("&", "&amp;") in html and "Day total" in html
    assert f"{item.servings:g} × " in html  # foods keep their servings, as before
    key = f"lock_1_{slot}_{item.food_id}"
    at.button(key=key).click().run()  # a v1 plan is still edited by planner.swaps
    ok(at)
    assert Lock(day=1, slot=slot, food_id=item.food_id) in at.session_state.plan.locks
    assert at.session_state.plan.version == 1


# --- hostile names and plans (the probe's classes) ---------------------------------------------------
MARKUP_NAMES = ["[x](http://evil.example/a)", "![p](http://evil.example/p.png)", ":red[Loud]", "$x^2$ and $y$",
                "**bold** _it_ ~~gone~~", "<b>x</b>\n\n[y](http://evil.example)", "www.evil.example", "# Heading"]


def _live_markup(source: str) -> bool:
    """Markdown syntax that would make a link, an image, a directive, a formula or HTML of user text."""
    return any(s in source for s in ("](", "![", ":red[", "$x", "**bold", "<b>", "~~", "www.evil", "# Heading"))


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_saved_plan_names_with_markup_are_shown_as_text(solved_plan, name):
    from planner.store import Store

    with Store() as s:
        s.save_plan(" ".join(name.split()), solved_plan)
    at = app(solved_plan)
    ok(at)
    shown = [m.value for m in at.markdown if "evil" in html.unescape(m.value) or "Loud" in html.unescape(m.value)
             or "bold" in html.unescape(m.value) or "$x" in html.unescape(m.value)
             or "Heading" in html.unescape(m.value)]
    assert shown and not any(_live_markup(v) for v in shown), shown
    assert any(" ".join(name.split()) in html.unescape(v) for v in shown)  # still readable as typed


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_upload_messages_show_file_and_food_names_as_text(name):
    at = app()
    filename = name.replace("\n", " ").replace("/", "_") + ".csv"
    at.file_uploader(key="food_upload").set_value((filename, b"not,a\nfood,table\n", "text/csv")).run()
    ok(at)
    errors = [str(e.value) for e in at.error]
    assert errors and not any(_live_markup(e) for e in errors), errors


def test_an_oversized_upload_is_refused_before_it_is_read(monkeypatch):
    import ui.foods_view

    monkeypatch.setattr(ui.foods_view, "MAX_USER_TABLE_BYTES", 100)
    at = app()
    at.file_uploader(key="food_upload").set_value(("big.csv", b"food_id,name\n" + b"x,y\n" * 100, "text/csv")).run()
    ok(at)
    assert any("big.csv was not added: it is 413 bytes; food tables up to 100 bytes are accepted" in e
               for e in texts(at, "error")), texts(at, "error")


def _plan_dict(plan: WeekPlan) -> dict:
    import json

    return json.loads(plan_to_json(plan))


def _dup_breakfast(d: dict) -> None:
    d["days"][0]["meals"].append(dict(d["days"][0]["meals"][0]))


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(days=[]),
    _dup_breakfast,
    lambda d: d["days"][0]["meals"][0]["dishes"][0]["ingredients"][0].update(servings=1e308),
    lambda d: d["days"][0]["meals"][0]["dishes"][0].update(portions=1e308),
    lambda d: d["targets"].update(magnesium_mg=1e300),
    lambda d: d["rules"].update(servings_step=0),
    lambda d: d["targets"].update(magnesium_mg=-1),
    lambda d: d["targets"].update(iron_mg=float("nan")),
    lambda d: d["profile"].pop("age"),
    lambda d: d["days"][0]["meals"][0]["dishes"][0]["ingredients"][0].update(food_id="mystery_root"),
], ids=["no days", "two breakfasts", "servings 1e308", "portions 1e308", "target 1e300", "step 0", "target -1",
        "iron NaN", "no age", "unknown food"])
def test_an_opened_plan_the_app_cannot_use_is_an_error_box_and_the_previous_plan_stays(solved_plan, mutate):
    import json

    d = _plan_dict(solved_plan)
    mutate(d)
    at = app(solved_plan)
    at.file_uploader(key="plan_upload").set_value(("bad.json", json.dumps(d).encode(), "application/json")).run()
    ok(at)
    assert same_plan(at.session_state.plan, solved_plan)
    assert any("bad.json is not a valid plan" in e and "Your plan was not changed" in e for e in texts(at, "error"))


def test_an_opened_plan_with_edited_numbers_shows_the_recomputed_ones_and_says_so(solved_plan):
    import json

    from planner.verify import NOTE_START

    d = _plan_dict(solved_plan)
    d["days"][0]["totals"]["magnesium_mg"] = 9999
    d["days"][0]["meals"][0]["dishes"][0]["ingredients"][0]["energy_kcal"] = 0
    at = app()
    at.file_uploader(key="plan_upload").set_value(("edited.json", json.dumps(d).encode(), "application/json")).run()
    ok(at)
    plan = at.session_state.plan
    assert plan.days == solved_plan.days  # the USDA rows' numbers, not the file's
    note = plan.notes[-1]
    assert note.startswith(NOTE_START) and "day 1 total magnesium_mg 9999" in note and "energy_kcal 0" in note
    assert any(note in html.unescape(c.value) for c in at.caption)  # said on the page, as text
    assert "9999" not in grid(at)


def test_a_saved_plan_with_a_food_the_table_lacks_is_an_error_and_the_open_plan_stays(solved_plan):
    from planner.plan_format import plan_from_dict
    from planner.store import Store

    d = _plan_dict(solved_plan)
    d["days"][0]["meals"][0]["dishes"][0]["ingredients"][0]["food_id"] = "mystery_root"
    Store().save_plan("Foreign week", plan_from_dict(d))
    at = app(solved_plan)
    at.button(key="load_Foreign week").click().run()
    ok(at)
    assert same_plan(at.session_state.plan, solved_plan)
    assert any("food 'mystery_root'" in e and "import it" in e and "The open plan was not changed" in e
               for e in texts(at, "error")), texts(at, "error")


def test_a_plan_the_views_cannot_draw_falls_back_to_the_previous_one(solved_plan):
    """Whatever makes a plan undrawable (here: no days, set without the reader), the page never breaks."""
    unusable = replace(solved_plan, days=())
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["plan"] = unusable
    at.session_state["undo_stack"] = [solved_plan]
    at.run()
    ok(at)
    assert same_plan(at.session_state.plan, solved_plan)
    assert any("This plan cannot be shown" in e and "the previous plan is shown again" in e
               for e in texts(at, "error")), texts(at, "error")


# --- serving the app: this machine by default, others only on purpose -------------------------------
def _make_dry(*args: str) -> str:
    import subprocess

    root = Path(APP).parent
    return subprocess.run(["make", "-n", "-C", str(root), *args], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.parametrize("args, address, details", [
    (("run",), "127.0.0.1", "full"),
    (("run-public",), "0.0.0.0", "none"),
    (("run", "HOST=0.0.0.0"), "0.0.0.0", "none"),
    (("run", "HOST=192.168.1.5"), "192.168.1.5", "none"),
    (("run", "HOST=localhost"), "localhost", "full"),
])
def test_make_run_binds_this_machine_and_serving_others_hides_error_details(args, address, details):
    cmd = next(line for line in _make_dry(*args).replace("\\\n", " ").splitlines() if "streamlit run" in line)
    assert f"--server.address {address}" in cmd and f"--client.showErrorDetails {details}" in cmd


def test_the_config_file_binds_this_machine_and_hides_error_details():
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"


# --- a phone in the kitchen: the day view, the checklist, a reload -----------------------------------
def test_opening_day_is_the_first_day_or_today_in_a_dated_plan():
    from datetime import date

    from ui.plan_view import day_label, opening_day

    assert opening_day([1, 2, 3]) == 1
    assert opening_day([1, 2, 3], None, date(2026, 12, 9)) == 1  # no dates: the first day
    monday = date(2026, 12, 7)
    assert opening_day([1, 2, 3, 4, 5, 6, 7], monday, date(2026, 12, 10)) == 4  # a Thursday
    assert opening_day([1, 2, 3, 4, 5, 6, 7], monday, date(2027, 1, 3)) == 7  # a Sunday, weeks later
    assert opening_day([1, 2], monday, date(2026, 12, 11)) == 1  # Friday is not in a Mon–Tue plan
    assert day_label(3) == "Day 3" and day_label(3, monday) == "Wed 9"


def test_day_total_says_the_day_magnesium_against_the_target(solved_plan):
    from ui.plan_view import day_total_text

    t = solved_plan.targets
    d = solved_plan.day(2)
    text = day_total_text(solved_plan, 2)
    assert text.startswith(f"**{d.totals['magnesium_mg']:.0f} mg magnesium** of {t.magnesium_mg:.0f} mg ✓")
    low = replace(solved_plan, days=tuple(replace(x, totals={**x.totals, "magnesium_mg": 12.0})
                                          for x in solved_plan.days))
    assert "**12 mg magnesium**" in day_total_text(low, 2) and "✗ below target" in day_total_text(low, 2)


def test_the_day_view_opens_on_day_1_and_the_picker_shows_another_day(solved_plan):
    at = app(solved_plan)
    ok(at)
    assert at.segmented_control(key="edit_day").value == 1

    def recipe_buttons(day: int) -> set[str]:
        return {b.key.split("_", 2)[-1] for b in at.button if b.key and b.key.startswith(f"recipe_{day}_")}

    def dishes(day: int) -> set[str]:
        return {f"{m.slot}_{x.dish_id}" for m in solved_plan.day(day).meals for x in m.dishes}

    assert recipe_buttons(1) == dishes(1) and not recipe_buttons(2)
    at.segmented_control(key="edit_day").set_value(2).run()
    ok(at)
    assert recipe_buttons(2) == dishes(2) and not recipe_buttons(1)
    d2 = solved_plan.day(2).totals["magnesium_mg"]
    assert any(m.value.startswith(f"Day 2: **{d2:.0f} mg magnesium**") for m in at.markdown)


def test_the_page_has_the_phone_rules_and_a_generate_button_in_the_page(solved_plan):
    from ui.layout import NARROW_PX

    at = app(solved_plan)
    ok(at)
    css = "".join(str(h.proto.body) for h in at.get("html"))
    assert f"@media (max-width: {NARROW_PX - 0.02}px)" in css and ".mp-week" in css  # the grid hides on a phone
    assert '[data-testid="stSidebar"] .st-key-generate {display: none;}' in css  # Generate is in the page there
    assert "min-height: 44px" in css
    assert "<div class='mp-week'>" in grid(at)
    assert at.button(key="generate_here").label == "Generate plan"  # on a phone the sidebar is closed


def test_the_plan_key_is_in_the_address_and_a_reload_opens_the_plan(solved_plan):
    from planner.open_plans import plan_key

    at = app(solved_plan)
    ok(at)
    key = plan_key(solved_plan)
    assert at.query_params["plan"] == [key] or at.query_params["plan"] == key
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["plan"] = key
    again.run()
    shopping_tab(again)
    ok(again)
    assert same_plan(again.session_state.plan, solved_plan)
    assert again.slider(key="p_days").value == len(solved_plan.days)  # the sidebar shows the plan's settings
    assert not again.error


@pytest.mark.parametrize("key, kind, says", [
    ("0123456789abcdef", "info", "no longer kept"),
    ("../../etc/passwd", "error", "is not a plan key"),
])
def test_a_reload_whose_plan_is_not_kept_says_so(key, kind, says):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["plan"] = key
    at.run()
    ok(at)
    assert any(says in t for t in texts(at, kind))
    assert at.session_state.plan is None
    assert "plan" not in at.query_params or not at.query_params["plan"]


def test_checklist_item_says_what_to_take_and_escapes_names():
    import math

    from ui.shopping_view import checklist_item, tick_widget_key

    row = {"product": "Almonds *raw*", "status": "buy", "purchase_text": "1 bag (1 lb)", "needed_text": "85 g (3.0 oz)",
           "leftover_text": "369 g (13.0 oz)", "foods": "Almonds", "cost_usd": 7.49}
    label, details = checklist_item(row)
    assert label == "**Almonds &#42;raw&#42;** · 1 bag (1 lb)"
    assert html.unescape(details) == "needed 85 g (3.0 oz) · left over 369 g (13.0 oz) · for Almonds · $7.49"
    have = checklist_item({**row, "status": "already have", "leftover_text": "none", "cost_usd": math.nan})
    assert have[0].endswith("· ✓ already have") and "left over" not in have[1] and "$" not in have[1]
    assert checklist_item({**row, "cost_usd": None})[1].endswith("· no price")
    assert tick_widget_key("0123456789abcdef", "Almonds") != tick_widget_key("0123456789abcdef", "Almond")
    assert tick_widget_key("0123456789abcdef", "Almonds") != tick_widget_key("fedcba9876543210", "Almonds")


def test_ticks_on_the_shopping_list_survive_a_reload(solved_plan):
    from planner.open_plans import OpenPlans, plan_key
    from ui.shopping_view import tick_widget_key

    at = shopping_tab(app(solved_plan))
    ok(at)
    key = plan_key(solved_plan)
    boxes = [c for c in at.checkbox if c.key and c.key.startswith(f"tick_{key}_")]
    assert len(boxes) >= 5 and not any(c.value for c in boxes)
    products = [html.unescape(c.label.split("**")[1]) for c in boxes[:2]]
    boxes[0].check().run()
    at.checkbox(key=boxes[1].key).check().run()
    ok(at)
    assert OpenPlans().ticks(key) == set(products)
    assert any(m.value.endswith(f"2 of {len(boxes)} ticked") for m in at.markdown)
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["plan"] = key
    again.run()
    shopping_tab(again)
    ok(again)
    ticked = {c.key for c in again.checkbox if c.key and c.key.startswith("tick_") and c.value}
    assert ticked == {tick_widget_key(key, p) for p in products}
    again.checkbox(key=tick_widget_key(key, products[0])).uncheck().run()
    assert OpenPlans().ticks(key) == {products[1]}


# --- a household -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def household_plan(food_table, dish_tables) -> WeekPlan:
    """A real 2-day household plan: Ann (the app's default profile) and Mia, 8, who avoids peanuts; shared
    dinners and (by the default rules) a leftover lunch."""
    from planner.household import Member, member_from_fields, plan_household

    return plan_household(dish_tables, food_table,
                          [Member("Ann", Profile()), member_from_fields("Mia", [("age", 8), ("avoid", ["peanuts"])])],
                          rules=Rules(days=2))


def test_household_people_from_the_editors_fields_and_what_is_wrong():
    from planner.errors import ProfileError
    from planner.household import Member
    from ui.household_view import household_members, person_pairs

    pairs = person_pairs({"age": 8, "sex": "female", "status": "none", "weight-kg": None, "diet": "vegetarian",
                          "avoid": ["peanuts"], "exclude": [], "target-mg": None})
    assert pairs == [("age", 8), ("sex", "female"), ("diet", "vegetarian"), ("avoid", ["peanuts"])]
    me = Member("Ann", Profile())
    (ann, mia) = household_members(me, [(" Mia ", pairs)])
    assert ann is me and mia.name == "Mia" and mia.profile.age == 8 and mia.profile.avoid_allergens == ("peanuts",)
    wrong = {"a child who is pregnant": ([("Mia", [("age", 8), ("sex", "female"), ("status", "pregnancy")])], "'Mia'"),
             "two people of one name": ([("Ann", [])], "two people are called 'Ann'"),
             "no name": ([("", [])], "no name; give each one a name, in the Household section of the sidebar"),
             "nine people": ([(f"P{n}", []) for n in range(8)], "1 to 8 people, not 9")}
    for what, (others, says) in wrong.items():
        with pytest.raises(ProfileError, match=re.escape(says)):
            household_members(me, others)
        assert what


def test_household_grid_shows_a_shared_meal_once_and_each_persons_totals(household_plan):
    from planner.people import person_plan
    from ui.household_view import household_grid_html, person_views

    views = person_views(household_plan)
    page = unescape(household_grid_html(household_plan, views))
    for d in household_plan.days:
        dinner = next(m for m in d.meals if m.slot == "dinner")
        assert dinner.person is None  # shared: one meal, each dish with both people's portions
        for x in dinner.dishes:
            shares = ", ".join(f"{n} {p:g}" for n, p in x.portions_by_person.items())
            assert shares.startswith("Ann ") and ", Mia " in shares and f"({shares})" in page
    assert page.count("Dinner<br><span class='mp-sub'>everyone") == 1
    assert "Breakfast<br><span class='mp-sub'>Ann" in page and "Breakfast<br><span class='mp-sub'>Mia" in page
    for name in ("Ann", "Mia"):
        view = person_plan(household_plan, name)
        assert f"Day total<br><span class='mp-sub'>{name}" in page
        for d in view.days:  # each person against their own target (Mia's is a child's)
            assert f"{d.totals['magnesium_mg']:.0f} / {view.targets.magnesium_mg:.0f} mg Mg" in page
    leftovers = [m.leftover_from for d in household_plan.days for m in d.meals if m.leftover_from]
    assert leftovers and f"Leftovers of day {leftovers[0].day}'s dinner" in page


def test_a_household_plan_shows_everyone_one_person_and_its_files(household_plan, downloads):
    at = app(household_plan)
    ok(at)
    assert at.segmented_control(key="hh_view").value == "Everyone"
    people = next(d.value for d in at.dataframe if "Days on target" in d.value.columns)
    assert list(people["Person"]) == ["Ann", "Mia"]
    assert any("work on one person's plan for now" in c.value for c in at.caption)
    assert not [b for b in at.button if (b.key or "").startswith(("swap_", "lock", "regen"))]  # edits: hidden
    assert len(conutrient_tables(at)) == 2  # one per person
    day1 = [m.value for m in at.markdown if m.value.startswith(("Ann, day 1:", "Mia, day 1:"))]
    assert len(day1) == 2
    dinner = next(m for m in household_plan.day(1).meals if m.slot == "dinner")
    main = dinner.dishes[0]
    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("hhrecipe_1_")
                       and b.key.endswith(main.dish_id))).click().run()
    ok(at)
    assert f"Ingredients for {main.portions:g} portion" in recipe_shown_head(at)  # the cook's amounts: everyone's
    assert download(at, downloads, "dl_plan_json") == plan_to_json(household_plan)
    assert "Mia" in download(at, downloads, "dl_plan_md")
    assert "BEGIN:VCALENDAR" in download(at, downloads, "dl_plan_ics")
    assert "<html" in download(at, downloads, "dl_plan_print").lower()
    shopping_tab(at)
    assert any(m.value.startswith("### Estimated total: $") for m in at.markdown)  # the shopping list
    at.segmented_control(key="hh_view").set_value("Mia").run()
    ok(at)
    from planner.people import person_plan
    from ui.plan_view import week_grid_html

    assert grid(at).strip() == week_grid_html(person_plan(household_plan, "Mia")).strip()
    assert len(conutrient_tables(at)) == 1  # Mia's charts and co-nutrients


def conutrient_tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe if "Nutrient" in d.value.columns and "Status" in d.value.columns]


def recipe_shown_head(at: AppTest) -> str:
    return html.unescape(next(m.value for m in at.markdown if "class='mp-recipe" in m.value))


def test_the_household_editor_reaches_the_planner(household_plan, monkeypatch):
    """People, names, shared meals, leftover lunches and the pantry switch go to plan_household."""
    import pandas as pd

    import planner.household

    calls = []

    def spy(tables, foods_, members, *, rules=None, shared=(), pantry_foods=(), **kw):
        calls.append(dict(members=members, rules=rules, shared=shared, pantry_foods=pantry_foods, **kw))
        return household_plan

    monkeypatch.setattr(planner.household, "plan_household", spy)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["pantry_df"] = pd.DataFrame({"food_or_product": ["Almonds", "moon dust"], "amount": [200.0, 1.0],
                                                  "unit": ["g", "g"]})
    at.run()
    at.button(key="hh_add").click().run()
    ok(at)
    at.text_input(key="hh_me_name").set_value("Ann")
    at.text_input(key="hh_name_1").set_value("Mia")
    at.number_input(key="hh_age_1").set_value(8)
    at.multiselect(key="hh_avoid_1").set_value(["peanuts"])
    at.multiselect(key="hh_shared").set_value(["lunch", "dinner"])
    at.slider(key="p_leftovers").set_value(3)
    at.toggle(key="p_use_pantry").set_value(True)
    at.button(key="generate").click().run()
    ok(at)
    (call,) = calls
    assert [m.name for m in call["members"]] == ["Ann", "Mia"]
    assert call["members"][1].profile.age == 8 and call["members"][1].profile.avoid_allergens == ("peanuts",)
    assert call["shared"] == ("lunch", "dinner") and call["rules"].leftovers_per_week == 3
    assert "almonds" in call["pantry_foods"]
    assert at.session_state.plan is household_plan
    notice = at.session_state.notice
    assert notice.text.startswith("New 2-day plan for 2 people") and any("moon dust" in c for c in notice.changes)
    at.button(key="hh_remove_1").click().run()  # back to one: the one-person planner again
    ok(at)
    assert [m.name for m in at.session_state.household_now.members] == ["Me"]


@pytest.mark.parametrize("name, sex_status, says", [
    ("Me", None, "two people are called 'Me'"),
    ("", None, "a person has no name"),
    ("Mia", "pregnancy", "'Mia'"),
])
def test_a_bad_household_is_an_error_box_and_the_plan_stays(solved_plan, name, sex_status, says):
    at = app(solved_plan)
    at.button(key="hh_add").click().run()
    at.text_input(key="hh_name_1").set_value(name)
    if sex_status:
        at.number_input(key="hh_age_1").set_value(8)
        at.run()
        at.selectbox(key="hh_status_1").set_value(sex_status)
    at.run()
    ok(at)
    assert any(says in e for e in texts(at, "error")), texts(at, "error")
    at.button(key="generate").click().run()
    ok(at)
    assert at.session_state.plan is solved_plan
    assert any(e.startswith("Check your profile first") and says in e for e in texts(at, "error"))


def test_a_shared_meal_no_dish_suits_is_explained_and_the_plan_stays(solved_plan, dish_tables):
    """A vegan and a person who leaves out what every vegan breakfast has cannot share breakfast."""
    from collections import Counter

    from planner.dishplan import prepare

    vegan = set(prepare(dish_tables, Profile(diet="vegan"), rules=Rules(days=1)).data.ids)
    ing, excluded = dish_tables.ingredients, []
    while True:  # the fewest ingredients that leave no breakfast both can eat (from the library as it is)
        data = prepare(dish_tables, Profile(exclude_foods=tuple(excluded)), rules=Rules(days=1)).data
        both = [d for i, d in enumerate(data.ids) if d in vegan and data.roles["breakfast"][i]]
        if not both:
            break
        excluded.append(Counter(ing[ing.dish_id.isin(both)].food_id).most_common(1)[0][0])
    at = app(solved_plan)
    at.selectbox(key="p_diet").set_value("vegan")
    at.button(key="hh_add").click().run()
    at.multiselect(key="hh_exclude_1").set_value(excluded)
    at.multiselect(key="hh_shared").set_value(["breakfast", "dinner"])
    at.slider(key="p_days").set_value(1)
    at.button(key="generate").click().run()
    ok(at)
    assert at.session_state.plan is solved_plan
    assert any("no breakfast dish suits everyone for a shared breakfast" in e for e in texts(at, "error"))
    assert "previous plan is still shown" in " ".join(texts(at, "error"))


def test_a_bad_pantry_with_the_pantry_switch_is_an_error_and_nothing_is_planned(solved_plan, monkeypatch):
    import pandas as pd

    import planner.dishplan

    monkeypatch.setattr(planner.dishplan, "plan_dish_week", lambda *a, **k: pytest.fail("planned anyway"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["plan"] = solved_plan
    at.session_state["pantry_df"] = pd.DataFrame({"food_or_product": ["Almonds"], "amount": [200.0],
                                                  "unit": ["bushels of 3!"]})
    at.run()
    at.toggle(key="p_use_pantry").set_value(True)
    at.button(key="generate").click().run()
    ok(at)
    assert at.session_state.plan is solved_plan
    assert any(e.startswith("The pantry table has a problem") and "Shopping list tab" in e for e in texts(at, "error"))


def test_one_persons_leftover_lunches_are_labelled(solved_plan):
    lunch = next((m, d.day) for d in solved_plan.days for m in d.meals if m.leftover_from)
    meal, day = lunch
    at = app(solved_plan)
    label = f"Leftovers of day {meal.leftover_from.day}'s dinner"
    assert label in unescape(grid(at))
    at.segmented_control(key="edit_day").set_value(day).run()
    assert any(label in unescape(m.value) and m.value.startswith("**Lunch**") for m in at.markdown)


def test_opening_a_household_plan_fills_the_household_editor(household_plan):
    at = app()
    at.file_uploader(key="plan_upload").set_value(("home.json", plan_to_json(household_plan).encode(),
                                                   "application/json")).run()
    ok(at)
    assert same_plan(at.session_state.plan, household_plan)
    assert at.text_input(key="hh_me_name").value == "Ann" and at.text_input(key="hh_name_1").value == "Mia"
    assert at.number_input(key="hh_age_1").value == 8 and at.multiselect(key="hh_avoid_1").value == ["peanuts"]
    assert at.multiselect(key="hh_shared").value == ["dinner"]
    assert not any("settings changed" in c.value for c in at.caption)
