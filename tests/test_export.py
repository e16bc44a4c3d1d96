"""The writers in planner/export.py: plan and shopping-list CSV / Markdown / HTML, and CSV safety."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from conftest import unbalanced_tags
from planner.export import plan_to_csv, plan_to_html, plan_to_markdown, shopping_to_csv, shopping_to_html, shopping_to_markdown
from planner.plan_text import frame_to_csv, safe_cell
from planner.model import Meal, Profile, Rules, SolverInfo, Supplement, Targets, WeekPlan
from planner.quantities import fmt_qty, scaled_serving
from planner.nutrition import make_day, make_item
from planner.shopping import shopping_list

TARGETS = Targets(magnesium_mg=320, energy_kcal_min=1800, energy_kcal_max=2200, protein_g_min=46,
                  fiber_g_min=25, sodium_mg_max=2300, iron_mg=18, vitamin_d_ug=15, vitamin_b12_ug=2.4,
                  calcium_mg=1000, potassium_mg=2600, magnesium_ul_supplemental_mg=350)

EVIL = "=HYPERLINK(\"http://x\",\"y\")"


@pytest.fixture
def foods(make_foods) -> pd.DataFrame:
    return make_foods({
        "rice": {"name": "Brown rice (cooked)", "serving_label": "1/2 cup cooked", "serving_g": 98.0,
                 "magnesium_mg": 43.0, "energy_kcal": 110.0, "protein_g": 2.5, "price_usd_per_100g": 0.25},
        "seeds": {"name": "Pumpkin <seeds> & co", "serving_label": "1 oz", "serving_g": 28.35,
                  "magnesium_mg": 592.0, "energy_kcal": 559.0, "protein_g": 30.0, "price_usd_per_100g": 1.0},
        "evil": {"name": EVIL, "serving_label": "1 piece", "serving_g": 50.0, "magnesium_mg": 10.0,
                 "energy_kcal": 100.0, "protein_g": 1.0, "price_usd_per_100g": float("nan")},
    })


@pytest.fixture
def plan(foods) -> WeekPlan:
    d1 = make_day(1, (Meal("breakfast", (make_item(foods, "seeds", 2.0),)),
                      Meal("dinner", (make_item(foods, "rice", 1.0),))))
    d2 = make_day(2, (Meal("lunch", (make_item(foods, "evil", 1.0), make_item(foods, "rice", 1.5))),))
    return WeekPlan(profile=Profile(age=45), targets=TARGETS, rules=Rules(days=2), days=(d1, d2),
                    solver=SolverInfo("highs", "optimal", 1.0, 1.0, 0.0, 0.42),
                    supplement=Supplement(shortfall_mg=20.0, form="magnesium glycinate", dose_mg=100.0,
                                          note="Ask your doctor first."),
                    notes=("Prices are 2017/18 and 2022 dollars.",))


# --- safe_cell --------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("=1+1", "'=1+1"),
    ("+41 79 000", "'+41 79 000"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("\ncmd", "'\ncmd"),
    ("  =1+1", "'  =1+1"),
    (EVIL, "'" + EVIL),
    ("Almonds", "Almonds"),
    ("Dark chocolate 70-85%", "Dark chocolate 70-85%"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
    (pd.NA, ""),
    (12.5, "12.5"),
    (3, "3"),
    (0.1 + 0.2, "0.3"),
])
def test_safe_cell_neutralises_formula_starts(raw, expected):
    assert safe_cell(raw) == expected


def test_frame_to_csv_is_safe_and_round_trips_plain_values():
    df = pd.DataFrame({"food": ["Almonds", "=2+3", "@x"], "mg": [77.0, float("nan"), 3.5], "n": [1, 2, 3]})
    text = frame_to_csv(df)
    assert text.splitlines() == ["food,mg,n", "Almonds,77,1", "'=2+3,,2", "'@x,3.5,3"]


# --- amounts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [(0.5, "1/2"), (1.5, "1 1/2"), (2.0, "2"), (0.75, "3/4"), (0.3, "0.3"),
                                         (1 / 3, "1/3")])
def test_fmt_qty(value, text):
    assert fmt_qty(value) == text


@pytest.mark.parametrize("servings, label, text", [
    (1.0, "1/2 cup cooked", "1/2 cup cooked"),
    (1.5, "1/2 cup cooked", "3/4 cup cooked"),
    (2.0, "1 cup raw", "2 cups raw"),
    (1.5, "1 slice", "1 1/2 slices"),
    (2.0, "1 oz (about 23 almonds)", "2 oz"),
    (1.0, "1 oz (about 23 almonds)", "1 oz (about 23 almonds)"),
    (0.5, "medium banana", "1/2 × medium banana"),
    (1.25, "3/4 cup", "about 1 cup"),  # 15/16 cup: a cook measures the nearest fraction (the grams are beside)
    (1.25, "1/4 tsp", "about 1/3 tsp"),  # 5/16 tsp
    (1.25, "3/4 cup plus 1 tbsp", "about 1 cup"),  # 16.25 tbsp: the tablespoon scales too, said as one measure
    (0.25, "3/4 cup plus 1 tbsp", "3 tbsp + 3/4 tsp"),  # no spoon holds a quarter tablespoon
    (1.5, "1/4 egg (1 egg binds the 4 servings)", "about 1/3 egg"),  # not '3/8 egg' (a dietitian: unusable)
    (1.5, "1/4 egg (one egg binds the whole batch)", "about 1/3 egg (one egg binds the whole batch)"),
    (1.25, "3 small (6-inch) tortillas", "about 4 small tortillas"),  # counted things in halves, not 3 3/4
    (1.5, "3 mushrooms, sliced", "about 4 mushrooms, sliced"),  # from 3 on in wholes: not '4 1/2 mushrooms'
    (1.5, "2 corn tortillas", "3 corn tortillas"),
    (1.25, "2 slices", "2 1/2 slices"),  # below 3 in halves
    (1.5, "4-5 small new potatoes, boiled", "6-8 small new potatoes, boiled"),  # a range: whole at both ends
    (0.5, "5-6 large shrimp", "about 3 large shrimp"),  # 2 1/2-3: one number
    (1.25, "1 1/2 cups baby spinach", "about 2 cups baby spinach"),  # not 1 7/8 cups
    (1.5, "1/8 tsp", "about 1/4 tsp"),  # not 0.19 tsp
    (1.25, "scant 1/4 tsp", "scant 1/3 tsp"),  # the recipe's word stays, without 'about'
    (1.25, "1 scant tbsp", "scant 1 tbsp + 3/4 tsp"),  # not '1 1/4 scant tbsp' (nor 1 1/4 tbsp: no such spoon)
    (0.75, "1 tbsp olive oil", "2 1/4 tsp olive oil"),
    (4 / 3, "1 tbsp maple syrup", "1 tbsp + 1 tsp maple syrup"),
    (1.5, "1 tbsp olive oil", "1 1/2 tbsp olive oil"),  # half tablespoons stay: the spoon exists
    (1.25, "3 tbsp rolled oats", "about 1/4 cup rolled oats"),  # not '3 tbsp + 2 1/4 tsp' (3 3/4 tbsp)
    (1.1, "3 tbsp rolled oats", "about 3 tbsp + 1 tsp rolled oats"),  # 1/4 cup is 21 % off: spoons
    (1.5, "1 heaped tbsp", "1 1/2 heaped tbsp"),
    (1.5, "1/4 cup", "about 1/3 cup"),
    (1.25, "2 tsp, plus zest", "2 1/2 tsp, plus zest"),  # 'plus' without a second measure: only the amount scales
    (1.25, "1 tbsp plus 1 tsp", "1 1/4 × (1 tbsp plus 1 tsp)"),
    (1.25, "0.05 oz", "0.06 oz"),  # nothing kitchen-like within 20 %: the number
])
def test_scaled_serving(servings, label, text):
    assert scaled_serving(servings, label) == text


# --- plan writers -----------------------------------------------------------------------------------
def test_plan_markdown_lists_days_items_totals_and_notes(plan):
    md = plan_to_markdown(plan)
    lines = md.splitlines()
    assert "## Day 1 ✓" in lines  # 2 oz seeds = 335.7 mg + rice 42 mg >= 320
    assert "## Day 2" in lines  # 10 + 63 mg < 320: no check mark
    assert "- 1/2 cup cooked Brown rice (cooked) — 42 mg Mg, 108 kcal (98 g)" in lines
    assert "- 3/4 cup cooked Brown rice (cooked) — 63 mg Mg, 162 kcal (147 g)" in lines
    assert any(line.startswith("- Magnesium: 378 mg of 320 mg target ✓") for line in lines)
    assert any(line.startswith("- Magnesium: 68 mg of 320 mg target ✗") for line in lines)
    assert "Solver: highs, optimal, 0.4 s, gap 0.00%, objective 1" in md
    assert "magnesium glycinate" in md and "Ask your doctor first." in md
    assert "- Prices are 2017/18 and 2022 dollars." in lines
    assert "Pumpkin \\<seeds\\> & co" in md  # markdown/HTML structure characters escaped


def test_plan_csv_one_row_per_item_and_safe(plan):
    text = plan_to_csv(plan)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["day", "slot", "food_id", "name", "servings", "serving_label", "grams", "magnesium_mg",
                       "energy_kcal", "protein_g", "cost_usd"]
    assert len(rows) == 1 + 4
    assert rows[2] == ["1", "dinner", "rice", "Brown rice (cooked)", "1", "1/2 cup cooked", "98", "42.14", "107.8",
                       "2.45", "0.245"]
    evil = rows[3]
    assert evil[3] == "'" + EVIL and evil[10] == ""  # neutralised name; no price -> empty cell
    frame = pd.read_csv(io.StringIO(text))
    assert frame["grams"].sum() == pytest.approx(2 * 28.35 + 98 + 50 + 147)


def test_plan_html_is_standalone_and_escaped(plan):
    page = plan_to_html(plan)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page and "@media print" in page
    assert "Pumpkin &lt;seeds&gt; &amp; co" in page
    assert "<seeds>" not in page
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in page
    assert page.count("<section>") == 2


# --- shopping-list writers --------------------------------------------------------------------------

INJECTIONS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"x\")"]


def _shop_foods(make_foods, product: str = "Pumpkin seeds") -> pd.DataFrame:
    return make_foods({
        "seeds": {"name": "Pumpkin seeds", "aisle": "bulk_and_nuts", "buy_as": product, "serving_g": 28.35,
                  "purchase_unit": "1 lb bag", "purchase_unit_g": 453.6, "price_usd_per_100g": 1.0,
                  "price_source": "ppnap", "price_year": 2018},
        "banana": {"name": "Banana", "aisle": "produce", "buy_as": "Bananas", "serving_g": 118.0,
                   "purchase_unit": "1 banana", "purchase_unit_g": 118.0, "price_usd_per_100g": 0.2,
                   "price_source": "ers", "price_year": 2022},
        "kale": {"name": "Kale", "aisle": "produce", "buy_as": "Kale", "purchase_unit": "1 bunch",
                 "purchase_unit_g": 200.0, "price_usd_per_100g": float("nan"), "price_source": "none",
                 "price_year": pd.NA},
    })


def _shop_plan(foods: pd.DataFrame) -> WeekPlan:
    day = make_day(1, (Meal("breakfast", (make_item(foods, "banana", 2.0), make_item(foods, "seeds", 1.0))),
                       Meal("dinner", (make_item(foods, "kale", 1.0),))))
    return WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=1), days=(day,),
                    solver=SolverInfo("highs", "optimal"))


def test_shopping_csv_one_row_per_product(make_foods):
    foods = _shop_foods(make_foods)
    text = shopping_to_csv(shopping_list(_shop_plan(foods), foods))
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert list(frame.columns) == ["aisle", "product", "status", "needed_g", "needed", "purchase_quantity",
                                   "purchase_unit", "purchase", "leftover", "estimated_cost_usd", "price_source",
                                   "price_year", "for_foods"]
    assert frame["product"].tolist() == ["Bananas", "Kale", "Pumpkin seeds"]  # produce first, then bulk
    assert frame["aisle"].tolist() == ["Produce", "Produce", "Bulk and nuts"]
    assert frame["purchase"].tolist() == ["2 bananas", "1 bunch", "1 bag (1 lb)"]
    assert frame["purchase_quantity"].tolist() == [2, 1, 1]
    assert frame["estimated_cost_usd"].astype(str).tolist() == ["0.47", "", "4.54"]  # no price -> empty


@pytest.mark.parametrize("evil", INJECTIONS)
def test_shopping_csv_neutralises_formula_cells(make_foods, evil):
    foods = _shop_foods(make_foods, product=evil)
    text = shopping_to_csv(shopping_list(_shop_plan(foods), foods))
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    assert "'" + " ".join(evil.split()) in cells  # product names are whitespace-normalised, then neutralised
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("evil", INJECTIONS)
def test_plan_csv_neutralises_formula_cells(make_foods, evil):
    foods = make_foods({"x": {"name": evil, "serving_label": evil, "magnesium_mg": 1.0, "energy_kcal": 1.0}})
    day = make_day(1, (Meal("lunch", (make_item(foods, "x", 1.0),)),))
    plan = WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=1), days=(day,),
                    solver=SolverInfo("highs", "optimal"))
    row = list(csv.reader(io.StringIO(plan_to_csv(plan))))[1]
    assert row[3] == "'" + evil and row[5] == "'" + evil


def test_shopping_markdown_is_a_checklist_by_aisle(make_foods):
    foods = _shop_foods(make_foods)
    pantry = pd.DataFrame({"food_or_product": ["Kale"], "amount": [1], "unit": ["bunch"]})
    md = shopping_to_markdown(shopping_list(_shop_plan(foods), foods, pantry=pantry))
    lines = md.splitlines()
    assert lines[0] == "# Shopping list"
    assert lines.index("## Produce") < lines.index("## Bulk and nuts")
    items = [ln for ln in lines if ln.startswith("- [")]
    assert items == [
        "- [ ] **Bananas** — 2 bananas (need 2 bananas (236 g); $0.47)",
        "- [x] Kale — already have",
        "- [ ] **Pumpkin seeds** — 1 bag (1 lb) (need 28 g (1.0 oz); left over 425 g (15.0 oz); $4.54)",
    ]
    assert "**Estimated total: $5.01**" in lines
    md_all = shopping_to_markdown(shopping_list(_shop_plan(foods), foods))
    assert "- [ ] **Kale** — 1 bunch (need 1/2 bunch (100 g); left over 1/2 bunch (100 g); no price)" in md_all
    assert "**Estimated total: $5.01 (plus 1 item with no price)**" in md_all
    assert any(ln.startswith("Prices: USDA ERS PP-NAP 2017/18 and USDA ERS Fruit and Vegetable Prices 2022")
               for ln in lines)


def test_shopping_markdown_escapes_structure(make_foods):
    foods = _shop_foods(make_foods, product="**bold** [link](http://x) <b>")
    md = shopping_to_markdown(shopping_list(_shop_plan(foods), foods))
    assert "\\*\\*bold\\*\\* \\[link\\](http://x) \\<b\\>" in md


def test_shopping_html_is_printable_and_escaped(make_foods):
    foods = _shop_foods(make_foods, product="<script>alert('x')</script> & \"co\"")
    page = shopping_to_html(shopping_list(_shop_plan(foods), foods))
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;co&quot;" in page
    assert page.count('<span class="box"></span>') == 3
    assert page.index("<h2>Produce</h2>") < page.index("<h2>Bulk and nuts</h2>")
    assert "Estimated total: $5.01 (plus 1 item with no price)" in page


def test_html_pages_are_well_nested(plan, make_foods):
    foods = _shop_foods(make_foods)
    assert unbalanced_tags(plan_to_html(plan)) == []
    assert unbalanced_tags(shopping_to_html(shopping_list(_shop_plan(foods), foods))) == []


# --- plans made of dishes (format version 2) ---------------------------------------------------------
DISH_EVILS = ["<b>Bold</b> stew", "=cmd|' /C calc'!A0"]


def _dish_tables(dishes: dict[str, tuple[str, str, int]]):
    """A DishTables holding only what the plan writers read: name, steps and minutes_total per dish."""
    from foods.dishes import DishTables

    frame = pd.DataFrame([{"dish_id": k, "name": n, "steps": s, "minutes_total": m} for k, (n, s, m) in dishes.items()])
    return DishTables(frame.set_index("dish_id"), pd.DataFrame(columns=["dish_id", "position", "food_id"]))


def _dish(foods, dish_id: str, name: str, role: str, portions: float, parts: list[tuple[str, float, str]]):
    from planner.model import PlanDish
    from planner.nutrition import make_ingredient

    return PlanDish(dish_id=dish_id, name=name, role=role, portions=portions,
                    ingredients=tuple(make_ingredient(foods, f, g, hh, portions) for f, g, hh in parts))


def _dish_plan(foods, dinner_name: str = DISH_EVILS[0]) -> WeekPlan:
    """Day 1: porridge (rice 98 g + seeds 14 g a serving) x 1.5; dinner (evil 50 g + rice 98 g) x 1;
    a one-ingredient snack of seeds (28.35 g) x 2. Day 2: the porridge x 1."""
    porridge = [("rice", 98.0, "1/2 cup cooked"), ("seeds", 14.0, "1 tbsp")]
    d1 = make_day(1, (
        Meal("breakfast", dishes=(_dish(foods, "porridge", "Rice porridge", "main", 1.5, porridge),)),
        Meal("dinner", dishes=(_dish(foods, "evil_stew", dinner_name, "main", 1.0,
                                     [("evil", 50.0, "a few pieces"), ("rice", 98.0, "1/2 cup cooked")]),)),
        Meal("snack", dishes=(_dish(foods, "seeds_handful", "A handful of seeds", "snack", 2.0,
                                    [("seeds", 28.35, "1 oz (about 85 seeds)")]),)),
    ))
    d2 = make_day(2, (Meal("breakfast", dishes=(_dish(foods, "porridge", "Rice porridge", "main", 1.0, porridge),)),))
    return WeekPlan(profile=Profile(age=45), targets=TARGETS, rules=Rules(days=2), days=(d1, d2),
                    solver=SolverInfo("highs", "optimal", 1.0, 1.0, 0.0, 0.42), version=2,
                    notes=("Vitamin D averages 0.0 µg a day, below your 15 µg. Ask about a blood test.",))


def test_dish_plan_markdown_shows_dishes_portions_ingredients_and_co_nutrients(foods):
    md = plan_to_markdown(_dish_plan(foods))
    lines = md.splitlines()
    # 147 g rice x 0.43 + 21 g seeds x 5.92 = 63.2 + 124.3 mg; 161.7 + 117.4 kcal
    assert "- **Rice porridge (1 1/2 portions) — 188 mg Mg, 279 kcal**" in lines
    assert "  - 3/4 cup cooked: Brown rice (cooked), 147 g" in lines  # the measure scaled to the portions
    assert "  - 1 1/2 tbsp: Pumpkin \\<seeds\\> & co, 21 g" in lines
    assert "- **A handful of seeds (2 portions) — 336 mg Mg, 317 kcal** (2 oz, 57 g)" in lines  # one ingredient
    assert "- **\\<b\\>Bold\\</b\\> stew — 47 mg Mg, 158 kcal**" in lines  # escaped; 5 + 42.1 mg
    assert "## Co-nutrients (average a day over the plan)" in lines
    assert any(line.startswith("- Vitamin D: 0.0 µg of 15 µg ✗") for line in lines)
    assert "- Vitamin D averages 0.0 µg a day, below your 15 µg. Ask about a blood test." in lines


def test_dish_plan_csv_one_row_per_ingredient(foods):
    from planner.plan_text import DISH_PLAN_CSV_COLUMNS

    plan = _dish_plan(foods)
    text = plan_to_csv(plan)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == DISH_PLAN_CSV_COLUMNS
    assert len(rows) == 2 + 2 + 1 + 2  # ingredients of day 1's three dishes and day 2's porridge
    first = rows[0]
    assert (first["day"], first["slot"], first["dish_id"], first["dish"], first["role"], first["portions"],
            first["food_id"], first["ingredient"], first["measure"], first["grams"]) == \
        ("1", "breakfast", "porridge", "Rice porridge", "main", "1.5", "rice", "Brown rice (cooked)",
         "3/4 cup cooked", "147")
    assert float(first["magnesium_mg"]) == pytest.approx(1.47 * 43.0)
    assert float(first["cost_usd"]) == pytest.approx(1.47 * 0.25)
    frame = pd.read_csv(io.StringIO(text))
    assert frame["grams"].sum() == pytest.approx(sum(i.grams for d in plan.days for m in d.meals for i in m.items))
    assert frame.loc[frame["food_id"] == "evil", "cost_usd"].isna().all()  # no price: an empty cell


@pytest.mark.parametrize("evil", DISH_EVILS)
def test_dish_plan_csv_and_html_neutralise_dish_names(foods, evil):
    plan = _dish_plan(foods, dinner_name=evil)
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(plan))))
    dinner = [r for r in rows if r["dish_id"] == "evil_stew"]
    assert {r["dish"] for r in dinner} == {safe_cell(evil)}
    assert all(not r["dish"].startswith(("=", "+", "-", "@")) for r in rows)
    page = plan_to_html(plan)
    assert evil not in page and f"<h4>{__import__('html').escape(evil)}</h4>" in page


def test_dish_plan_html_adds_each_recipe_scaled_with_steps(foods):
    plan = _dish_plan(foods)
    tables = _dish_tables({
        "porridge": ("Rice porridge", "Warm the rice.\nStir in the <seeds> & serve.", 15),
        "evil_stew": (DISH_EVILS[0], "", 0),
    })
    page = plan_to_html(plan, tables)
    assert unbalanced_tags(page) == []
    assert page.count('<div class="dish">') == 4
    assert "<h4>Rice porridge</h4>" in page and "1 1/2 portions · 188 mg Mg · 279 kcal" in page
    assert "<li>3/4 cup cooked: Brown rice (cooked) <span class=\"muted\">(147 g)</span></li>" in page
    assert "Ready in 15 min" in page
    assert page.count('<ol class="steps"><li>Warm the rice.</li><li>Stir in the &lt;seeds&gt; &amp; serve.</li></ol>') == 2
    assert "<seeds>" not in page and "<b>Bold" not in page
    assert "Co-nutrients (average a day over the plan)" in page
    without = plan_to_html(plan)  # no library: the ingredients still, no steps
    assert '<ol class="steps">' not in without and "3/4 cup cooked: Brown rice (cooked)" in without


def test_dish_plan_writers_read_the_same_plan_back_from_json(foods):
    from planner.plan_format import plan_from_json, plan_to_json

    plan = _dish_plan(foods)
    again = plan_from_json(plan_to_json(plan))
    assert plan_to_csv(again) == plan_to_csv(plan)
    assert plan_to_markdown(again) == plan_to_markdown(plan)


@pytest.mark.parametrize("servings, label, text", [
    (2.0, "about 5 oz raw boneless thigh", "about 10 oz raw boneless thigh"),
    (1.5, "scant 1/2 cup", "scant 3/4 cup"),
    (0.5, "a pinch", "a pinch"),
    (2.0, "for the pan", "for the pan"),
])
def test_scaled_serving_of_recipe_measures(servings, label, text):
    assert scaled_serving(servings, label) == text


@pytest.mark.parametrize("servings, label, shown", [
    (3, "1 tsp", "1 tbsp"),  # a cook measures a tablespoon, not three teaspoons
    (1.5, "2 tsp ground", "1 tbsp ground"),
    (1.25, "2 1/2 tsp", "about 1 tbsp"),
    (2, "2 tsp", "4 tsp"),  # not '1 1/3 tbsp'
    (1.5, "1 teaspoon honey", "1 1/2 teaspoons honey"),
])
def test_scaled_teaspoons_become_tablespoons_only_in_whole_or_half_tablespoons(servings, label, shown):
    from planner.quantities import scaled_serving

    assert scaled_serving(servings, label) == shown


def test_a_dish_plan_lists_its_afternoon_snack_before_dinner(two_day_plan):
    from planner.export import plan_to_markdown
    from planner.plan_text import meals_in_order, plan_slots

    assert [s for s in plan_slots(two_day_plan) if s in ("snack", "dinner")] == ["snack", "dinner"]
    text = plan_to_markdown(two_day_plan)
    assert text.index("### Afternoon snack") < text.index("### Dinner")  # read as the day goes
    day = two_day_plan.days[0]
    assert sorted(m.slot for m in meals_in_order(two_day_plan, day)) == sorted(m.slot for m in day.meals)
