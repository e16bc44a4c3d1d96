"""planner/shopping.py: products in whole purchase units by aisle, pantry, people, days."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from foods.schema import AISLES
from planner.errors import PantryError, ShoppingError
from planner.model import Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.nutrition import make_day, make_item
from planner.purchase_units import parse_purchase_unit, units_needed
from planner.shopping import (SHOPPING_COLUMNS, STATUS_HAVE, check_pantry_frame, parse_days, read_pantry_csv,
                              shopping_list, typed_shopping_frame)

TARGETS = Targets(magnesium_mg=320, energy_kcal_min=1800, energy_kcal_max=2200, protein_g_min=46,
                  fiber_g_min=25, sodium_mg_max=2300, iron_mg=18, vitamin_d_ug=15, vitamin_b12_ug=2.4,
                  calcium_mg=1000, potassium_mg=2600, magnesium_ul_supplemental_mg=350)


def week(days: list[list[tuple[str, list[tuple[str, float]]]]], foods: pd.DataFrame) -> WeekPlan:
    """A plan from [[(slot, [(food_id, servings), ...]), ...] per day]."""
    built = tuple(make_day(n, tuple(Meal(slot, tuple(make_item(foods, f, s) for f, s in items))
                                    for slot, items in meals))
                  for n, meals in enumerate(days, start=1))
    return WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=len(days)), days=built,
                    solver=SolverInfo("highs", "optimal"))


@pytest.fixture
def foods(make_foods) -> pd.DataFrame:
    """Hand-checkable products: two rice dishes share one dry product; beans bought canned; eggs by six."""
    return make_foods({
        "rice_cooked": {"name": "Brown rice (cooked)", "aisle": "grains_and_bakery", "buy_as": "Brown rice, dry",
                        "buy_g_per_g": 0.4, "purchase_unit": "2 lb bag", "purchase_unit_g": 907.2,
                        "price_usd_per_100g": 0.25, "price_source": "ppnap", "price_year": 2018},
        "rice_salad": {"name": "Rice salad", "aisle": "grains_and_bakery", "buy_as": "brown rice,  DRY",
                       "buy_g_per_g": 0.4, "purchase_unit": "2 lb bag", "purchase_unit_g": 907.2,
                       "price_usd_per_100g": 0.30, "price_source": "ppnap", "price_year": 2018},
        "beans": {"name": "Black beans (canned, drained)", "aisle": "pantry", "buy_as": "Black beans, canned",
                  "buy_g_per_g": 1.5, "purchase_unit": "15 oz can", "purchase_unit_g": 425.0,
                  "price_usd_per_100g": 0.42, "price_source": "ers", "price_year": 2022},
        "banana": {"name": "Banana", "aisle": "produce", "buy_as": "Bananas", "serving_g": 118.0,
                   "purchase_unit": "1 banana", "purchase_unit_g": 118.0, "price_usd_per_100g": 0.2,
                   "price_source": "ers", "price_year": 2022},
        "spinach": {"name": "Spinach", "aisle": "produce", "buy_as": "Spinach", "purchase_unit": "1 bunch",
                    "purchase_unit_g": 340.0, "price_usd_per_100g": np.nan, "price_source": "none",
                    "price_year": pd.NA},
        "egg": {"name": "Egg (boiled)", "aisle": "dairy_and_eggs", "buy_as": "Eggs", "serving_g": 50.0,
                "purchase_unit": "6 eggs", "purchase_unit_g": 300.0, "price_usd_per_100g": 0.5,
                "price_source": "bls", "price_year": 2024},
        "oats": {"name": "Oats", "aisle": "grains_and_bakery", "buy_as": "Rolled oats"},
    })


@pytest.fixture
def plan(foods) -> WeekPlan:
    return week([
        [("breakfast", [("egg", 2.0), ("banana", 1.0)]), ("lunch", [("rice_cooked", 2.0), ("beans", 1.0)]),
         ("dinner", [("spinach", 1.0)])],
        [("breakfast", [("banana", 1.0), ("egg", 1.0)]), ("lunch", [("rice_salad", 1.5)]),
         ("dinner", [("beans", 2.0), ("spinach", 2.0)])],
    ], foods)


def expected_frame(records: list[dict]) -> pd.DataFrame:
    """The records in the given order, with the shopping list's column types."""
    return typed_shopping_frame(pd.DataFrame.from_records(records, columns=list(SHOPPING_COLUMNS)))


def test_golden_list_for_a_small_plan(foods, plan):
    sl = shopping_list(plan, foods)
    rice_price = (80 * 0.25 / 0.4 + 60 * 0.30 / 0.4) / 140  # grams-weighted, per 100 g dry
    expected = expected_frame([
        dict(aisle="produce", product="Bananas", foods="Banana", status="buy", needed_g=236.0,
             needed_text="2 bananas (236 g)", pantry_g=0.0, units=2, purchase_unit="1 banana", purchase_unit_g=118.0,
             purchase_text="2 bananas", bought_g=236.0, leftover_g=0.0, leftover_text="none",
             price_usd_per_100g=0.2, cost_usd=0.472, price_source="ers", price_year=2022),
        dict(aisle="produce", product="Spinach", foods="Spinach", status="buy", needed_g=300.0,
             needed_text="0.9 bunch (300 g)", pantry_g=0.0, units=1, purchase_unit="1 bunch", purchase_unit_g=340.0,
             purchase_text="1 bunch", bought_g=340.0, leftover_g=40.0, leftover_text="0.1 bunch (40 g)",
             price_usd_per_100g=np.nan, cost_usd=np.nan, price_source="none", price_year=None),
        dict(aisle="grains_and_bakery", product="Brown rice, dry", foods="Brown rice (cooked); Rice salad",
             status="buy", needed_g=140.0, needed_text="140 g (4.9 oz)", pantry_g=0.0, units=1,
             purchase_unit="2 lb bag", purchase_unit_g=907.2, purchase_text="1 bag (2 lb)", bought_g=907.2,
             leftover_g=767.2, leftover_text="767 g (1.7 lb)", price_usd_per_100g=round(rice_price, 6),
             cost_usd=6.156, price_source="ppnap", price_year=2018),
        dict(aisle="dairy_and_eggs", product="Eggs", foods="Egg (boiled)", status="buy", needed_g=150.0,
             needed_text="3 eggs (150 g)", pantry_g=0.0, units=1, purchase_unit="6 eggs", purchase_unit_g=300.0,
             purchase_text="6 eggs", bought_g=300.0, leftover_g=150.0, leftover_text="3 eggs (150 g)",
             price_usd_per_100g=0.5, cost_usd=1.5, price_source="bls", price_year=2024),
        dict(aisle="pantry", product="Black beans, canned", foods="Black beans (canned, drained)", status="buy",
             needed_g=450.0, needed_text="450 g (15.9 oz)", pantry_g=0.0, units=2, purchase_unit="15 oz can",
             purchase_unit_g=425.0, purchase_text="2 cans (15 oz)", bought_g=850.0, leftover_g=400.0,
             leftover_text="400 g (14.1 oz)", price_usd_per_100g=0.28, cost_usd=2.38, price_source="ers",
             price_year=2022),
    ])
    pd.testing.assert_frame_equal(sl.rows, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    assert sl.total_cost_usd == pytest.approx(10.51)  # 0.472 + 6.156 + 1.5 + 2.38, rounded to cents
    assert sl.rows_without_price == 1
    assert "1 of 5 products have no price" in " ".join(sl.notes)
    assert sl.total_text() == "Estimated total: $10.51 (plus 1 item with no price)"
    assert sl.price_note == ("prices: USDA ERS PP-NAP 2017/18, USDA ERS Fruit and Vegetable Prices 2022 and "
                             "BLS average prices 2024 nominal dollars (not inflation-adjusted; an estimate)")
    assert sl.days == (1, 2) and sl.people == 1


def _product_grams(plan: WeekPlan, foods: pd.DataFrame, days=None, people=1) -> dict[str, float]:
    """Independent recomputation: grams of product per product, from the plan's item grams."""
    out: dict[str, float] = {}
    for d in plan.days:
        if days is not None and d.day not in days:
            continue
        for m in d.meals:
            for it in m.items:
                key = " ".join(str(foods.loc[it.food_id, "buy_as"]).split()).casefold()
                out[key] = out.get(key, 0.0) + it.grams * float(foods.loc[it.food_id, "buy_g_per_g"]) * people
    return out


@pytest.mark.parametrize("days, chosen, people", [(None, {1, 2}, 1), ("1", {1}, 1), ("2", {2}, 3),
                                                   ([1, 2], {1, 2}, 2), ("1-2", {1, 2}, 5)])
def test_needed_grams_equal_plan_grams_and_rounding_never_buys_less(foods, plan, days, chosen, people):
    sl = shopping_list(plan, foods, days=days, people=people)
    assert sl.days == tuple(sorted(chosen))
    want = _product_grams(plan, foods, chosen, people)
    got = {p.casefold(): g for p, g in zip(sl.rows["product"], sl.rows["needed_g"])}
    assert got.keys() == want.keys()
    for k, g in want.items():
        assert got[k] == pytest.approx(g)
    r = sl.rows
    assert (r["bought_g"] >= r["needed_g"] - 1e-9).all()
    assert (r["bought_g"] - r["needed_g"] < r["purchase_unit_g"]).all()  # not a whole unit too many
    assert (r["units"] == np.ceil(r["needed_g"] / r["purchase_unit_g"] - 1e-9)).all()
    assert r["bought_g"].tolist() == pytest.approx((r["units"] * r["purchase_unit_g"]).tolist())


def test_people_scale_before_rounding(foods, plan):
    one = shopping_list(plan, foods).rows.set_index("product")
    three = shopping_list(plan, foods, people=3).rows.set_index("product")
    assert three["needed_g"].tolist() == pytest.approx((one["needed_g"] * 3).tolist())
    assert three.loc["Bananas", "units"] == 6
    assert three.loc["Black beans, canned", "units"] == 4  # 1350 g / 425 g = 3.18 -> 4 (not 2 x 3 = 6)
    assert three.loc["Eggs", "purchase_text"] == "12 eggs"  # 9 eggs -> two packs of 6


def test_pantry_is_subtracted_before_rounding(foods, plan):
    pantry = pd.DataFrame({
        "food_or_product": ["Brown rice (cooked)", "black beans, canned", "Eggs", "banana", "caviar", "Oats"],
        "amount": [100, 1, 4, 1, 2, 500],
        "unit": ["g", "can", "eggs", "banana", "jar", "g"],
    })
    sl = shopping_list(plan, foods, pantry=pantry)
    r = sl.rows.set_index("product")
    assert r.loc["Brown rice, dry", "needed_g"] == pytest.approx(140 - 40)  # 100 g cooked = 40 g dry
    assert r.loc["Brown rice, dry", "pantry_g"] == pytest.approx(40)
    assert r.loc["Black beans, canned", "needed_g"] == pytest.approx(25)  # 450 - 425: still 1 can
    assert r.loc["Black beans, canned", "units"] == 1
    assert r.loc["Bananas", "units"] == 1
    eggs = r.loc["Eggs"]
    assert (eggs["status"], eggs["units"], eggs["cost_usd"], eggs["purchase_text"]) == (STATUS_HAVE, 0, 0.0,
                                                                                       STATUS_HAVE)
    assert eggs["pantry_g"] == pytest.approx(150)  # only what the plan needs is taken from the pantry
    assert r.loc["Spinach", "status"] == "buy"
    notes = " ".join(sl.notes)
    assert "'caviar' is not a known food or product" in notes
    assert "'Oats' is not needed on the chosen days" in notes
    assert sl.total_cost_usd == pytest.approx(round(0.236 + 6.156 + 1.19, 2))


def test_pantry_unit_that_cannot_be_converted_is_an_error(foods, plan):
    pantry = pd.DataFrame({"food_or_product": ["Eggs"], "amount": [2], "unit": ["cup"]})
    with pytest.raises(PantryError, match=r"'Eggs' has unit 'cup'.*use one of: g, kg, oz, lb, unit, egg"):
        shopping_list(plan, foods, pantry=pantry)


@pytest.mark.parametrize("text, message", [
    ("food,amount,unit\nAlmonds,1,g\n", r"missing column\(s\) food_or_product"),
    ("food_or_product,amount,unit\nAlmonds,lots,g\n", r"row 2, column 'amount': 'lots' is not a number"),
    ("food_or_product,amount,unit\nAlmonds,1,g\nRice,-3,g\n", r"row 3, column 'amount': -3 must be 0 or more"),
    ("food_or_product,amount,unit\nAlmonds,1,g\n\n,,\nRice,x,g\n", r"row 5, column 'amount': 'x'"),
    ("food_or_product,amount,unit\nAlmonds,1,\n", r"row 2, column 'unit': empty"),
    ("food_or_product,amount,unit\nAlmonds,,g\n", r"row 2, column 'amount': empty; write how much"),
    ("food_or_product,amount,unit\n,1,g\n", r"row 2, column 'food_or_product': empty"),
    ("", r"the file is empty"),
])
def test_read_pantry_csv_names_row_and_column(tmp_path, text, message):
    path = tmp_path / "pantry.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PantryError, match=message):
        read_pantry_csv(path)


def test_read_pantry_csv_reads_a_valid_file(tmp_path):
    path = tmp_path / "pantry.csv"
    path.write_text("\ufefffood_or_product,amount,unit\n Almonds ,1.5,LB\nBlack beans,2,cans\n", encoding="utf-8")
    df = read_pantry_csv(path)
    assert df.to_dict("list") == {"food_or_product": ["Almonds", "Black beans"], "amount": [1.5, 2.0],
                                  "unit": ["lb", "cans"]}
    with pytest.raises(PantryError, match="file not found"):
        read_pantry_csv(tmp_path / "nope.csv")


def test_pantry_frame_from_the_app_drops_blank_rows():
    df = pd.DataFrame({"food_or_product": ["Almonds", None, ""], "amount": [100, None, np.nan],
                       "unit": ["g", None, None]})
    out = check_pantry_frame(df)
    assert out["food_or_product"].tolist() == ["Almonds"]
    assert check_pantry_frame(pd.DataFrame()).empty
    half = pd.DataFrame({"food_or_product": ["Almonds", "Oats"], "amount": [100.0, None], "unit": ["g", "g"]})
    with pytest.raises(PantryError, match=r"pantry table, row 2, column 'amount': empty"):  # 1-based rows
        check_pantry_frame(half)


@pytest.mark.parametrize("text, n, days", [("1-3,5", 7, (1, 2, 3, 5)), (" 2 , 1 ", 7, (1, 2)), ("3-3", 3, (3,)),
                                           ("1-7", 7, (1, 2, 3, 4, 5, 6, 7)), ("5,1-2,2", 7, (1, 2, 5))])
def test_parse_days(text, n, days):
    assert parse_days(text, n) == days


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("0", "day 0 is outside the plan"), ("8", "day 8 is outside the plan \\(days 1-7\\)"),
    ("3-1", "runs backwards; write it as '1-3'"), ("a", "'a' is not a day or a range"), ("1-", "'1-'"),
    ("1,,2", "'' is not a day"),
])
def test_parse_days_errors(text, message):
    with pytest.raises(ShoppingError, match=message):
        parse_days(text, 7)


def test_bad_requests_name_what_is_wrong(foods, plan):
    with pytest.raises(ShoppingError, match="day 3 is outside the plan"):
        shopping_list(plan, foods, days="3")
    with pytest.raises(ShoppingError, match="day 4 is not in the plan"):
        shopping_list(plan, foods, days=[4])
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ShoppingError, match="people"):
            shopping_list(plan, foods, people=bad)  # type: ignore[arg-type]
    with pytest.raises(ShoppingError, match=r"food 'rice_cooked' \(Brown rice \(cooked\)\) is not in the food table"):
        shopping_list(plan, foods.drop(index="rice_cooked"))


@pytest.mark.parametrize("text, kind, one, three", [
    ("1 lb bag", "package", "1 bag (1 lb)", "3 bags (1 lb)"),
    ("1 lb bag dried", "package", "1 bag (1 lb) dried", "3 bags (1 lb) dried"),
    ("12 oz frozen bag", "package", "1 bag (12 oz) frozen", "3 bags (12 oz) frozen"),
    ("1 lb (about 3 bananas)", "package", "1 × 1 lb (about 3 bananas)", "3 × 1 lb (about 3 bananas)"),
    ("2 lb turkey breast", "package", "1 × 2 lb turkey breast", "3 × 2 lb turkey breast"),
    ("16.9 fl oz bottle", "package", "1 bottle (16.9 fl oz)", "3 bottles (16.9 fl oz)"),
    ("carton of 12 eggs", "of", "1 carton of 12 eggs", "3 cartons of 12 eggs"),
    ("box of 40 tea bags", "of", "1 box of 40 tea bags", "3 boxes of 40 tea bags"),
    ("1 avocado (about 200 g edible)", "count", "1 avocado (about 200 g edible)",
     "3 avocados (about 200 g edible)"),
    ("4 ears", "count", "4 ears", "12 ears"),
    ("10-count pack", "of", "1 pack of 10", "3 packs of 10"),
    ("6-bagel bag", "of", "1 bag of 6 bagels", "3 bags of 6 bagels"),
    ("4-pack (180 g)", "other", "1 × 4-pack (180 g)", "3 × 4-pack (180 g)"),
    ("tap", "free", "nothing to buy (tap)", "nothing to buy (tap)"),
    ("15 oz can", "package", "1 can (15 oz)", "3 cans (15 oz)"),
    ("1/2 gal carton", "package", "1 carton (1/2 gal)", "3 cartons (1/2 gal)"),
    ("1 bar (100 g)", "count", "1 bar (100 g)", "3 bars (100 g)"),
    ("1 bunch", "count", "1 bunch", "3 bunches"),
    ("6 eggs", "count", "6 eggs", "18 eggs"),
    ("1 loaf", "count", "1 loaf", "3 loaves"),
    ("100 g", "package", "1 × 100 g", "3 × 100 g"),
    ("jar of honey", "other", "1 × jar of honey", "3 × jar of honey"),
])
def test_purchase_units_read_as_whole_units(text, kind, one, three):
    pu = parse_purchase_unit(text)
    assert (pu.kind, pu.describe(1), pu.describe(3)) == (kind, one, three)


@pytest.mark.parametrize("needed, unit, units", [(0.0, 100.0, 0), (1e-6, 100.0, 1), (100.0, 100.0, 1),
                                                 (100.0000001, 100.0, 2), (453.6 * 3, 453.6, 3),
                                                 (0.1 + 0.2, 0.3, 1)])
def test_units_needed_rounds_up_without_float_noise(needed, unit, units):
    assert units_needed(needed, unit) == units


def test_seven_day_plan_from_the_curated_table_is_a_usable_list(curated):
    ids = list(curated.index)
    days = []
    for d in range(7):
        picks = [ids[(d * 3 + k) % len(ids)] for k in range(5)]
        days.append([("breakfast", [(picks[0], 1.0), (picks[1], 0.5)]), ("lunch", [(picks[2], 1.5)]),
                     ("dinner", [(picks[3], 2.0)]), ("snack", [(picks[4], 1.0)])])
    plan = week(days, curated)
    sl = shopping_list(plan, curated)
    r = sl.rows
    assert len(r) == r["product"].str.casefold().nunique()  # one row per product
    order = [AISLES.index(a) for a in r["aisle"]]
    assert order == sorted(order)
    assert (r["units"] >= 1).all() and (r["bought_g"] >= r["needed_g"] - 1e-9).all()
    assert r["purchase_text"].str.match(r"^\d+ ").all()  # whole units, never '4.2 bottles'
    priced = r["cost_usd"].notna()
    assert sl.total_cost_usd == pytest.approx(round(r.loc[priced, "cost_usd"].sum(), 2))
    assert sl.total_cost_usd > 0 and "prices:" in sl.price_note
    assert sl.rows_without_price == int((~priced).sum())
    assert not math.isnan(sl.total_cost_usd)


def test_tap_water_is_listed_but_not_bought(make_foods):
    foods = make_foods({
        "water": {"name": "Water (tap)", "aisle": "drinks", "purchase_unit": "tap", "purchase_unit_g": 1000.0,
                  "price_usd_per_100g": np.nan, "price_source": "none", "price_year": pd.NA},
        "nuts": {"name": "Nuts", "aisle": "bulk_and_nuts", "purchase_unit": "1 lb bag", "purchase_unit_g": 453.6,
                 "price_usd_per_100g": 2.0},
    })
    plan = week([[("lunch", [("water", 3.0), ("nuts", 1.0)])]], foods)
    sl = shopping_list(plan, foods)
    water = sl.rows.set_index("product").loc["Water (tap)"]
    assert (water["status"], water["units"], water["cost_usd"]) == ("nothing to buy", 0, 0.0)
    assert water["purchase_text"] == "nothing to buy (tap)"
    assert sl.rows_without_price == 0 and sl.total_cost_usd == pytest.approx(9.07)  # 453.6 g x $2/100 g


# --- plans made of dishes (format version 2) ---------------------------------------------------------
def dish_week(foods: pd.DataFrame) -> WeekPlan:
    """Day 1: rice bowl (rice_cooked 150 g + egg 50 g a serving) x 1.5 and bean salad (beans 120 g, spinach
    40 g, rice_salad 100 g) x 1; day 2: rice bowl x 1 and a one-ingredient snack of bananas (118 g) x 2."""
    from planner.model import PlanDish
    from planner.nutrition import make_ingredient

    def dish(dish_id: str, role: str, portions: float, parts: list[tuple[str, float]]) -> PlanDish:
        return PlanDish(dish_id=dish_id, name=dish_id.replace("_", " "), role=role, portions=portions,
                        ingredients=tuple(make_ingredient(foods, f, g, "", portions) for f, g in parts))

    bowl = [("rice_cooked", 150.0), ("egg", 50.0)]
    d1 = make_day(1, (Meal("breakfast", dishes=(dish("rice_bowl", "main", 1.5, bowl),)),
                      Meal("lunch", dishes=(dish("bean_salad", "main", 1.0, [("beans", 120.0), ("spinach", 40.0),
                                                                             ("rice_salad", 100.0)]),))))
    d2 = make_day(2, (Meal("breakfast", dishes=(dish("rice_bowl", "main", 1.0, bowl),)),
                      Meal("snack", dishes=(dish("banana_snack", "snack", 2.0, [("banana", 118.0)]),))))
    return WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=2), days=(d1, d2),
                    solver=SolverInfo("highs", "optimal"), version=2)


# Product grams by hand: dry rice (150 x 1.5 + 150 + 100) x 0.4 = 190; eggs 50 x 1.5 + 50 = 125;
# canned beans 120 x 1.5 = 180; spinach 40; bananas 118 x 2 = 236.
DISH_WEEK_GRAMS = {"Brown rice, dry": 190.0, "Eggs": 125.0, "Black beans, canned": 180.0, "Spinach": 40.0,
                   "Bananas": 236.0}


def test_dish_plan_needs_the_sum_of_ingredient_grams_once(foods):
    from planner.plan_format import plan_from_json, plan_to_json

    plan = dish_week(foods)
    for p in (plan, plan_from_json(plan_to_json(plan))):  # in memory and as saved: each dish bought once
        r = shopping_list(p, foods).rows.set_index("product")
        assert r["needed_g"].to_dict() == pytest.approx(DISH_WEEK_GRAMS)
        assert r["units"].to_dict() == {"Brown rice, dry": 1, "Eggs": 1, "Black beans, canned": 1, "Spinach": 1,
                                        "Bananas": 2}
        assert r.loc["Brown rice, dry", "aisle"] == "grains_and_bakery" and r.loc["Bananas", "aisle"] == "produce"
        assert r.loc["Eggs", "purchase_text"] == "6 eggs" and r.loc["Bananas", "purchase_text"] == "2 bananas"


@pytest.mark.parametrize("days, people, want", [
    ("1", 1, {"Brown rice, dry": 130.0, "Eggs": 75.0, "Black beans, canned": 180.0, "Spinach": 40.0}),
    ("2", 3, {"Brown rice, dry": 180.0, "Eggs": 150.0, "Bananas": 708.0}),
    (None, 2, {k: 2 * v for k, v in DISH_WEEK_GRAMS.items()}),
])
def test_dish_plan_days_and_people(foods, days, people, want):
    sl = shopping_list(dish_week(foods), foods, days=days, people=people)
    assert sl.rows.set_index("product")["needed_g"].to_dict() == pytest.approx(want)


def test_dish_plan_pantry_and_costs(foods):
    pantry = pd.DataFrame({"food_or_product": ["Brown rice (cooked)", "Eggs", "Bananas"],
                           "amount": [100, 2, 2], "unit": ["g", "eggs", "banana"]})
    sl = shopping_list(dish_week(foods), foods, pantry=pantry)
    r = sl.rows.set_index("product")
    assert r.loc["Brown rice, dry", "needed_g"] == pytest.approx(190 - 40)  # 100 g cooked = 40 g dry
    assert r.loc["Eggs", "needed_g"] == pytest.approx(125 - 100)
    assert r.loc["Bananas", "status"] == STATUS_HAVE and r.loc["Bananas", "cost_usd"] == 0.0
    # rice: 1 bag of 907.2 g at the grams-weighted dry price; eggs 300 g x $0.5; beans 425 g x $0.42 / 1.5
    rice_usd_per_100g = (0.4 * 375 * 0.25 + 0.4 * 100 * 0.30) / (0.4 * 475) / 0.4
    assert r.loc["Brown rice, dry", "cost_usd"] == pytest.approx(9.072 * rice_usd_per_100g, abs=1e-3)
    assert r.loc["Eggs", "cost_usd"] == pytest.approx(1.5)
    assert r.loc["Black beans, canned", "cost_usd"] == pytest.approx(4.25 * 0.42 / 1.5)
    assert sl.rows_without_price == 1  # spinach has no price


@pytest.mark.parametrize("roasted, raw, product", [("pumpkin_seeds_roasted", "pumpkin_seeds", "Pumpkin seed kernels (pepitas)"),
                                                  ("sunflower_seeds", "sunflower_seeds_raw", "Sunflower seed kernels (raw)")])
def test_roasted_and_raw_seeds_are_one_bag(curated, roasted, raw, product):
    """A dietitian found two bags of pumpkin seeds in one week: roasted seeds are bought raw and toasted, so both
    foods are one product (``buy_as``) whose grams are theirs together (roasted ones as the raw grams that
    give them, from the two USDA rows' energy)."""
    plan = week([[("snack", [(roasted, 1.0)]), ("breakfast", [(raw, 1.0)])]], curated)
    rows = shopping_list(plan, curated).rows
    seeds = rows[rows["product"].str.contains("seed kernels")]
    assert list(seeds["product"]) == [product] and int(seeds["units"].iloc[0]) == 1
    factor = float(curated.at[roasted, "buy_g_per_g"])
    assert 0.9 < factor < 1.1 and factor != 1.0  # derived, not defaulted
    eaten = {f: it.grams for d in plan.days for m in d.meals for it in m.items for f in (it.food_id,)}
    assert float(seeds["needed_g"].iloc[0]) == pytest.approx(eaten[roasted] * factor + eaten[raw], rel=1e-6)


def test_an_opened_can_the_plan_does_not_finish_gets_a_storage_note(curated):
    """Half a can of salmon eaten five days after it was opened (a dietitian): a can the plan leaves part of is
    named in a note that says how long the rest keeps; baking powder's can and a finished can are not."""
    from planner.shopping import OPENED_CAN_NOTE, opened_can_notes

    can_g = float(curated.at["tomatoes_canned", "purchase_unit_g"])
    serving_g = float(curated.at["tomatoes_canned", "serving_g"])
    part = week([[("dinner", [("tomatoes_canned", 0.5 * can_g / serving_g), ("baking_powder", 0.1)])]], curated)
    notes = shopping_list(part, curated).notes
    assert OPENED_CAN_NOTE.format(products="tomatoes (canned)") in notes
    whole = week([[("dinner", [("tomatoes_canned", can_g / serving_g)])]], curated)
    rows = shopping_list(whole, curated).rows
    assert float(rows.loc[rows["product"] == "Tomatoes (canned)", "leftover_g"].iloc[0]) < 1e-6
    assert opened_can_notes(rows) == []
