"""``magplan shopping-list``, run in-process through cli.main."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cli import main
from planner.model import Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.plan_format import plan_to_dict, write_plan
from planner.nutrition import make_day, make_item

TARGETS = Targets(magnesium_mg=320, energy_kcal_min=1800, energy_kcal_max=2200, protein_g_min=46,
                  fiber_g_min=25, sodium_mg_max=2300, iron_mg=18, vitamin_d_ug=15, vitamin_b12_ug=2.4,
                  calcium_mg=1000, potassium_mg=2600, magnesium_ul_supplemental_mg=350)

USER_FOODS_CSV = (
    "food_id,name,serving_g,magnesium_mg,energy_kcal,category,serving_label,slots,diet_tags,allergens,aisle,"
    "main_item,max_servings_per_meal,purchase_unit,purchase_unit_g,buy_as,buy_g_per_g,price_usd_per_100g\n"
    "my_granola,My granola,50,120,450,breakfast_cereals,1/2 cup,breakfast,vegan,,grains_and_bakery,true,2,"
    "12 oz bag,340,=House granola,1,0.9\n"
)


def _plan(foods: pd.DataFrame, ids: list[str], n_days: int = 7) -> WeekPlan:
    days = []
    for d in range(n_days):
        picks = [ids[(d * 2 + k) % len(ids)] for k in range(3)]
        days.append(make_day(d + 1, (Meal("breakfast", (make_item(foods, picks[0], 1.0),)),
                                     Meal("lunch", (make_item(foods, picks[1], 1.5),)),
                                     Meal("dinner", (make_item(foods, picks[2], 2.0),)))))
    return WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=n_days), days=tuple(days),
                    solver=SolverInfo("highs", "optimal"))


@pytest.fixture
def plan_path(curated, tmp_path):
    plan = _plan(curated, list(curated.index)[:9])
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    return path


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    return lines[0]


def test_csv_to_file(plan_path, tmp_path, curated, capsys):
    out = tmp_path / "list.csv"
    assert main(["shopping-list", str(plan_path), "--format", "csv", "--out", str(out)]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    products = {" ".join(str(p).split()).casefold() for p in curated.loc[list(curated.index)[:9], "buy_as"]}
    assert {p.casefold() for p in frame["product"]} == products
    assert (frame["purchase_quantity"] >= 1).all()
    assert "wrote" in capsys.readouterr().err


def test_markdown_to_stdout_with_days_and_people(plan_path, capsys):
    assert main(["shopping-list", str(plan_path), "--days", "1-2,5", "--people", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Shopping list\n")
    assert "For days 1–2, 5 of the plan, 2 people." in out
    assert "- [ ] **" in out and "Estimated total: $" in out


def test_format_follows_the_out_extension(plan_path, tmp_path):
    out = tmp_path / "list.html"
    assert main(["shopping-list", str(plan_path), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h1>Shopping list</h1>" in page


def test_pantry_file_is_subtracted(plan_path, tmp_path, curated, capsys):
    first = str(curated.loc[list(curated.index)[0], "buy_as"])
    pantry = tmp_path / "pantry.csv"
    pantry.write_text(f'food_or_product,amount,unit\n"{first}",50,kg\nunicorn meat,1,lb\n', encoding="utf-8")
    assert main(["shopping-list", str(plan_path), "--pantry", str(pantry), "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    row = frame[frame["product"].str.casefold() == " ".join(first.split()).casefold()].iloc[0]
    assert (row["status"], row["purchase_quantity"], row["estimated_cost_usd"]) == ("already have", 0, 0.0)


def test_user_foods_table_with_foods_option(tmp_path, make_foods, capsys):
    user_csv = tmp_path / "mine.csv"
    user_csv.write_text(USER_FOODS_CSV, encoding="utf-8")
    foods = make_foods({"my_granola": {"name": "My granola", "serving_g": 50.0, "magnesium_mg": 120.0,
                                       "energy_kcal": 450.0}})
    plan_file = tmp_path / "plan.json"
    write_plan(_plan(foods, ["my_granola"], n_days=2), plan_file)
    assert main(["shopping-list", str(plan_file), "--foods", str(user_csv), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
    # 2 days x (1 + 1.5 + 2) servings x 50 g = 450 g -> two 12 oz (340 g) bags; '=' name neutralised
    assert frame[["product", "needed_g", "purchase"]].values.tolist() == [["'=House granola", 450.0,
                                                                          "2 bags (12 oz)"]]
    assert frame["estimated_cost_usd"].tolist() == [6.12]  # 680 g x $0.90 / 100 g


@pytest.mark.parametrize("extra, message", [
    (["--days", "9"], "day 9 is outside the plan (days 1-7)"),
    (["--days", "3-1"], "runs backwards"),
    (["--people", "0"], "--people 0 is not a whole number of people from 1 to 1000"),
    (["--people", str(10**30)], "--people 1000000000000000000000000000000 is not a whole number of people"),
    (["--people", "two"], "--people 'two' is not a whole number"),
])
def test_bad_options_are_one_line_errors(plan_path, capsys, extra, message):
    assert main(["shopping-list", str(plan_path), *extra]) == 2
    line = _error_line(capsys)
    assert line.startswith("magplan: error:") and message in line


def test_missing_plan_and_bad_pantry_are_one_line_errors(plan_path, tmp_path, capsys):
    assert main(["shopping-list", str(tmp_path / "none.json")]) == 2
    assert "file not found" in _error_line(capsys)
    pantry = tmp_path / "pantry.csv"
    pantry.write_text("food_or_product,amount,unit\nAlmonds,some,g\n", encoding="utf-8")
    assert main(["shopping-list", str(plan_path), "--pantry", str(pantry)]) == 2
    assert "row 2, column 'amount': 'some' is not a number" in _error_line(capsys)


def test_plan_food_missing_from_the_table_is_named(curated, tmp_path, capsys):
    data = plan_to_dict(_plan(curated, list(curated.index)[:3], n_days=1))
    data["days"][0]["meals"][0]["items"][0]["food_id"] = "mystery_stew"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["shopping-list", str(path)]) == 2
    line = _error_line(capsys)
    assert "food 'mystery_stew'" in line and "--foods" in line


@pytest.fixture(scope="session")
def dish_plan_and_grams(curated, tmp_path_factory):
    """A saved version-2 plan of three library dishes (two days) and its product grams, added up by hand
    from the dishes' ingredient grams x portions x buy_g_per_g."""
    from foods.dishes import load_dishes
    from planner.dishplan import make_dish

    tables = load_dishes(curated)
    picks = [("breakfast", "millet_porridge_apricots_almonds", 1.5), ("dinner", "salmon_kedgeree", 1.0),
             ("snack", "almonds_handful", 2.0)]
    days = tuple(make_day(d, tuple(Meal(slot, dishes=(make_dish(tables, curated, dish_id,
                                                                "snack" if slot == "snack" else "main", p),))
                                   for slot, dish_id, p in picks)) for d in (1, 2))
    plan = WeekPlan(profile=Profile(), targets=TARGETS, rules=Rules(days=2), days=days,
                    solver=SolverInfo("highs", "optimal"), version=2)
    path = tmp_path_factory.mktemp("dish_plan") / "plan.json"
    write_plan(plan, path)
    grams: dict[str, float] = {}
    ing = tables.ingredients
    for _slot, dish_id, portions in picks:
        for row in ing[ing["dish_id"] == dish_id].itertuples():
            food = curated.loc[row.food_id]
            key = " ".join(str(food["buy_as"]).split()).casefold()
            grams[key] = grams.get(key, 0.0) + 2 * row.grams * portions * float(food["buy_g_per_g"])
    return path, grams


def test_dish_plan_list_adds_up_ingredients_for_people(dish_plan_and_grams, tmp_path, capsys):
    path, grams = dish_plan_and_grams
    out = tmp_path / "list.csv"
    assert main(["shopping-list", str(path), "--people", "3", "--out", str(out)]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    got = {p.casefold(): g for p, g in zip(frame["product"], frame["needed_g"])}
    assert got.keys() == grams.keys()
    for key, g in grams.items():
        assert got[key] == pytest.approx(3 * g, abs=0.06), key  # the CSV rounds to 0.1 g
    assert (frame["purchase_quantity"] >= 1).all()


def test_dish_plan_list_subtracts_the_pantry(dish_plan_and_grams, tmp_path, capsys):
    path, grams = dish_plan_and_grams
    pantry = tmp_path / "pantry.csv"
    pantry.write_text("food_or_product,amount,unit\nAlmonds,1,kg\n")
    assert main(["shopping-list", str(path), "--pantry", str(pantry), "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    almonds = frame[frame["product"].str.casefold() == "almonds"].iloc[0]
    assert almonds["status"] == "already have" and almonds["needed_g"] == 0
