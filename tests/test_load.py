"""The loader: the shipped table, user tables in both forms, the USDA table, and every validation error."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import foods
from foods import load, schema
from foods.errors import FoodTableError

DATA = Path(load.__file__).resolve().parent / "data"

# A user table in the curation form: USDA ids, portions and tags; nutrients are joined by the loader.
CURATION_HEADER = ",".join(load.CURATION_COLUMNS)
ALMONDS = ("almonds,Almonds,170567,nuts,raw,5,1,1 oz,,snack|breakfast,vegan|vegetarian|pescatarian,tree_nuts,"
           "bulk_and_nuts,true,2,1 lb bag,453.6,Almonds,,,ppnap,42101000,eaten")
CHIA = ("chia,Chia seeds,170554,seeds,dry,1,1,1 oz,,snack,vegan|vegetarian|pescatarian,,bulk_and_nuts,true,2,"
        "12 oz bag,340.2,Chia seeds,,,ppnap,43108010,eaten")
RICE = ("rice,Brown rice (cooked),169704,whole_grains,cooked,1,0.5,1/2 cup cooked,,lunch|dinner,vegan,,"
        "grains_and_bakery,true,3,2 lb bag,907.2,\"Brown rice, dry\",169703,,ppnap,56205011,eaten")
BEANS_BOUGHT = ("beans,Black beans,173735,legumes_soy,cooked,1,0.5,1/2 cup,,lunch,vegan,,pantry,true,2,"
                "1 lb bag,453.6,\"Black beans, dried\",173734,,bls,APU0000714233,bought")

# A user table in the full form: nutrients given per 100 g (synthetic values, not product data).
FULL_HEADER = ("food_id,name,category,serving_label,serving_g,slots,diet_tags,allergens,magnesium_mg,"
               "energy_kcal,protein_g")
FULL_ROW = "my_bar,My seed bar,snacks_sweets,1 bar,40,snack,vegan|vegetarian|pescatarian,sesame,120,450,12"


def write(tmp_path: Path, text: str | bytes, name: str = "foods.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def curation(*rows: str) -> str:
    return "\n".join([CURATION_HEADER, *rows]) + "\n"


def replace_field(row: str, index: int, value: str) -> str:
    """A simple CSV row (no quoted commas before ``index``) with field ``index`` replaced."""
    fields = row.split(",")
    fields[index] = value
    return ",".join(fields)


COL = {name: i for i, name in enumerate(load.CURATION_COLUMNS)}


# --- the shipped table ----------------------------------------------------------------------------
def test_curated_table_shape_and_dtypes(curated: pd.DataFrame) -> None:
    assert len(curated) >= 200
    assert list(curated.columns) == list(schema.COLUMNS)
    assert curated.index.is_unique
    assert curated.index.name == "food_id"
    for column, (dtype, _meaning) in schema.COLUMNS.items():
        expected = {"float64": "float64", "Int64": "Int64", "bool": "bool", "string": "string"}[dtype]
        assert str(curated[column].dtype).startswith(expected), column


def test_load_foods_twice_gives_equal_tables(curated: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(foods.load_foods(), curated)


# --- user tables, both forms ----------------------------------------------------------------------
def test_user_table_in_curation_form_joins_usda_nutrients(tmp_path: Path) -> None:
    df = foods.load_user_foods(write(tmp_path, curation(ALMONDS, CHIA)))
    usda = load.usda_foods()
    assert list(df.index) == ["almonds", "chia"]
    assert df.loc["almonds", "magnesium_mg"] == usda.loc[170567, "magnesium_mg"]
    assert df.loc["almonds", "serving_g"] == pytest.approx(28.35)  # USDA portion 5: 1 oz (23 whole kernels)
    assert df.loc["almonds", "price_source"] == "ppnap"
    assert df.loc["almonds", "price_year"] == 2018


def test_user_table_in_full_form_keeps_given_nutrients(tmp_path: Path) -> None:
    df = foods.load_user_foods(write(tmp_path, f"{FULL_HEADER}\n{FULL_ROW}\n"))
    row = df.loc["my_bar"]
    assert (row["magnesium_mg"], row["energy_kcal"], row["serving_g"]) == (120.0, 450.0, 40.0)
    assert row["aisle"] == "pantry" and row["buy_g_per_g"] == 1.0 and row["max_servings_per_meal"] == 2.0
    assert np.isnan(row["vitamin_d_ug"])  # a nutrient the file does not give is unknown, not 0
    assert row["price_source"] == "none" and np.isnan(row["price_usd_per_100g"])


def test_missing_usda_nutrient_stays_nan(tmp_path: Path) -> None:
    usda = load.usda_foods()
    assert np.isnan(usda.loc[170554, "caffeine_mg"])  # chia seeds: USDA has no caffeine value
    df = foods.load_user_foods(write(tmp_path, curation(CHIA)))
    assert np.isnan(df.loc["chia", "caffeine_mg"])


def test_cooked_to_dry_factor_comes_from_usda_energy(tmp_path: Path) -> None:
    raw = pd.read_csv(DATA / "usda_sr_legacy_foods.csv").set_index("fdc_id")
    df = foods.load_foods(write(tmp_path, curation(RICE)))
    expected = raw.loc[169704, "energy_kcal"] / raw.loc[169703, "energy_kcal"]
    assert df.loc["rice", "buy_g_per_g"] == pytest.approx(expected)
    assert df.loc["rice", "serving_g"] == pytest.approx(202 * 0.5)


def test_price_applying_to_the_bought_product_is_converted_to_as_eaten(tmp_path: Path) -> None:
    df = foods.load_foods(write(tmp_path, curation(BEANS_BOUGHT)))
    bls = pd.read_csv(DATA / "prices_bls_average_summary.csv").set_index("series_id")
    per_100g_dry = bls.loc["APU0000714233", "price_per_100g_2024_usd"]
    assert df.loc["beans", "price_usd_per_100g"] == pytest.approx(per_100g_dry * df.loc["beans", "buy_g_per_g"])
    assert df.loc["beans", "buy_g_per_g"] < 0.5  # cooked beans: well under half a gram of dry beans per gram
    assert df.loc["beans", "price_year"] == 2024


def test_combine_rejects_a_repeated_food_id(tmp_path: Path, curated: pd.DataFrame) -> None:
    mine = foods.load_user_foods(write(tmp_path, curation(ALMONDS)))
    with pytest.raises(FoodTableError, match="'almonds' is in two tables"):
        foods.combine(curated, mine)


# --- every validation error -----------------------------------------------------------------------
def _dup() -> str:
    return curation(ALMONDS, CHIA, ALMONDS)


ERRORS = [
    # id, file content, column, row, words the message must contain
    ("negative_grams", curation(replace_field(replace_field(ALMONDS, COL["portion_seq"], ""),
                                              COL["serving_g"], "-5")),
     "serving_g", 2, ["-5", "above 0"]),
    ("infinite_grams", curation(replace_field(replace_field(ALMONDS, COL["portion_seq"], ""),
                                              COL["serving_g"], "inf")),
     "serving_g", 2, ["'inf' is not a number"]),
    ("zero_fraction", curation(replace_field(ALMONDS, COL["portion_fraction"], "0")),
     "portion_fraction", 2, ["above 0"]),
    ("unknown_slot", curation(CHIA, replace_field(ALMONDS, COL["slots"], "snack|brunch")),
     "slots", 3, ["'brunch'", "breakfast, lunch, dinner, snack"]),
    ("duplicate_id", _dup(), "food_id", 4, ["duplicate food_id 'almonds'"]),
    ("missing_fdc_id", curation(replace_field(ALMONDS, COL["fdc_id"], "")), "fdc_id", 2,
     ["no usable fdc_id", "170567"]),
    ("text_fdc_id", curation(replace_field(ALMONDS, COL["fdc_id"], "almond")), "fdc_id", 2, ["'almond'"]),
    ("unknown_fdc_id", curation(replace_field(ALMONDS, COL["fdc_id"], "999999999")), "fdc_id", 2,
     ["999999999", "not in the USDA SR Legacy table"]),
    ("unknown_buy_fdc_id", curation(replace_field(ALMONDS, COL["buy_fdc_id"], "999999999")), "buy_fdc_id", 2,
     ["999999999"]),
    ("buy_fdc_id_of_0_kcal", curation(CHIA, replace_field(ALMONDS, COL["buy_fdc_id"], "170679")), "buy_fdc_id", 3,
     ["170679", "0 kcal", "buy_g_per_g"]),
    # Columns are checked whole, but the problem a row-by-row reader meets first is the one named: the first row
    # with a problem, and in that row the first check (fdc_id before portion before price).
    ("first_row_wins", curation(CHIA, replace_field(ALMONDS, COL["price_source"], "amazon"),
                                replace_field(CHIA, COL["fdc_id"], "999999999")), "price_source", 3, ["'amazon'"]),
    ("first_check_in_the_row_wins", curation(replace_field(replace_field(ALMONDS, COL["price_source"], "amazon"),
                                                           COL["portion_seq"], "99")), "portion_seq", 2,
     ["no portion 99"]),
    ("bad_slug", curation(replace_field(ALMONDS, COL["food_id"], "Almonds!")), "food_id", 2,
     ["'Almonds!'", "not a slug", "pumpkin_seeds_roasted"]),
    ("unknown_allergen", curation(replace_field(ALMONDS, COL["allergens"], "nuts")), "allergens", 2,
     ["'nuts'", "tree_nuts"]),
    ("unknown_diet", curation(replace_field(ALMONDS, COL["diet_tags"], "keto")), "diet_tags", 2,
     ["'keto'", "vegan"]),
    ("unknown_category", curation(replace_field(ALMONDS, COL["category"], "candy")), "category", 2,
     ["'candy'", "leafy_greens"]),
    ("two_categories", curation(replace_field(ALMONDS, COL["category"], "nuts|seeds")), "category", 2,
     ["exactly one value"]),
    ("unknown_aisle", curation(replace_field(ALMONDS, COL["aisle"], "deli")), "aisle", 2,
     ["'deli'", "bulk_and_nuts"]),
    ("unknown_form", curation(replace_field(ALMONDS, COL["form"], "baked")), "form", 2, ["'baked'", "cooked"]),
    ("missing_portion", curation(replace_field(ALMONDS, COL["portion_seq"], "99")), "portion_seq", 2,
     ["no portion 99", "170567"]),
    ("text_portion", curation(replace_field(ALMONDS, COL["portion_seq"], "one")), "portion_seq", 2,
     ["'one' is not a number"]),
    ("no_serving", curation(replace_field(ALMONDS, COL["portion_seq"], "")), "serving_g", 2,
     ["no serving size"]),
    ("bad_main_item", curation(replace_field(ALMONDS, COL["main_item"], "maybe")), "main_item", 2,
     ["'maybe'", "true or false"]),
    ("zero_max_servings", curation(replace_field(ALMONDS, COL["max_servings_per_meal"], "0")),
     "max_servings_per_meal", 2, ["above 0"]),
    ("zero_purchase_unit", curation(replace_field(ALMONDS, COL["purchase_unit_g"], "0")),
     "purchase_unit_g", 2, ["above 0"]),
    ("unknown_price_source", curation(replace_field(ALMONDS, COL["price_source"], "amazon")), "price_source", 2,
     ["'amazon'", "ppnap"]),
    ("unknown_price_ref", curation(replace_field(ALMONDS, COL["price_ref"], "12345678")), "price_ref", 2,
     ["'12345678'", "ppnap"]),
    ("bad_price_applies_to", curation(replace_field(ALMONDS, COL["price_applies_to"], "bougth")),
     "price_applies_to", 2, ["'bougth'", "eaten", "bought"]),
    ("non_numeric_nutrient", f"{FULL_HEADER}\n{FULL_ROW.replace(',120,', ',lots,')}\n", "magnesium_mg", 2,
     ["'lots' is not a number"]),
    ("negative_nutrient", f"{FULL_HEADER}\n{FULL_ROW.replace(',120,', ',-1,')}\n", "magnesium_mg", 2,
     ["0 or more"]),
    ("full_form_missing_serving", f"{FULL_HEADER.replace(',serving_g', '')}\n"
     f"{FULL_ROW.replace(',40,', ',')}\n", None, None, ["missing column serving_g"]),
    ("full_form_missing_column", f"{FULL_HEADER.replace(',slots', '')}\n{FULL_ROW.replace(',snack,', ',')}\n",
     None, None, ["missing column(s) slots"]),
    ("curation_form_missing_column", "food_id,name\nalmonds,Almonds\n", None, None,
     ["missing column(s) fdc_id"]),
    ("no_food_id_column", "name,fdc_id\nAlmonds,170567\n", None, None, ["missing column food_id"]),
    ("empty_file", b"", None, None, ["the file is empty"]),
    ("header_only", curation(), None, None, ["no foods"]),
    ("not_utf8", (CURATION_HEADER + "\n" + ALMONDS.replace("Almonds,170567", "Am\xe9ndoas,170567")
                  + "\n").encode("latin-1"), None, None, ["not UTF-8", "CSV UTF-8"]),
]


@pytest.mark.parametrize(("content", "column", "row", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_user_table_names_file_row_column(tmp_path: Path, content: str | bytes, column: str | None,
                                              row: int | None, words: list[str]) -> None:
    path = write(tmp_path, content)
    with pytest.raises(FoodTableError) as info:
        foods.load_user_foods(path)
    err = info.value
    message = str(err)
    assert str(path) in message
    assert (err.column, err.row) == (column, row)
    if column is not None:
        assert f"row {row}, column '{column}'" in message
    for word in words:
        assert word in message


def test_empty_slot_loads_as_an_ingredient_used_only_in_dishes(tmp_path: Path) -> None:
    df = foods.load_user_foods(write(tmp_path, curation(ALMONDS, replace_field(CHIA, COL["slots"], ""))))
    assert df.loc["chia", "slots"] == "" and df.loc["almonds", "slots"] == "snack|breakfast"
    with pytest.raises(FoodTableError, match="'dishes'") as info:  # an unknown slot name is still an error
        foods.load_user_foods(write(tmp_path, curation(ALMONDS, replace_field(CHIA, COL["slots"], "dishes"))))
    assert (info.value.column, info.value.row) == ("slots", 3)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FoodTableError, match="file not found") as info:
        foods.load_foods(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)


# --- the USDA tables ------------------------------------------------------------------------------
def test_usda_foods_apply_the_known_sr_legacy_differences() -> None:
    diffs = pd.read_csv(DATA / "sr28_vs_sr_legacy_known_differences.csv")
    kale = diffs[(diffs["fdc_id"] == 168421) & (diffs["nutrient"] == "magnesium_mg")].iloc[0]
    assert kale["sr28_value"] != kale["sr_legacy_value"]
    assert load.usda_foods().loc[168421, "magnesium_mg"] == kale["sr_legacy_value"]


def test_usda_foods_returns_a_copy() -> None:
    first = load.usda_foods()
    first.loc[168421, "magnesium_mg"] = -1.0
    assert load.usda_foods().loc[168421, "magnesium_mg"] >= 0


def test_load_usda_foods_has_every_food_with_magnesium(usda_all: pd.DataFrame) -> None:
    raw = pd.read_csv(DATA / "usda_sr_legacy_foods.csv")
    expected = raw[raw["values_source"].notna() & raw["magnesium_mg"].notna() & raw["energy_kcal"].notna()]
    assert 7300 <= len(usda_all) <= 7500
    assert len(usda_all) == len(expected)
    assert usda_all["magnesium_mg"].notna().all()
    assert list(usda_all.columns) == list(schema.COLUMNS)
    assert usda_all.index.str.startswith("usda_").all()
    assert (usda_all["serving_g"] > 0).all()


@pytest.mark.parametrize(("fdc_id", "category", "allergen"), [
    (170567, "nuts", "tree_nuts"),            # almonds
    (175168, "fish_seafood", "fish"),         # salmon
    (175180, "fish_seafood", "shellfish"),    # shrimp
    (172688, "breads", "gluten"),             # whole-wheat bread
])
def test_load_usda_foods_guesses_category_and_allergens(usda_all: pd.DataFrame, fdc_id: int, category: str,
                                                        allergen: str) -> None:
    row = usda_all.loc[f"usda_{fdc_id}"]
    assert row["category"] == category
    assert allergen in schema.split_tags(row["allergens"])


def test_usda_fats_are_side_items_of_a_tablespoon(usda_all: pd.DataFrame) -> None:
    """Oils and foods with >= 85 % of energy from fat do not fill a plan's energy range (nuts excepted)."""
    fats = usda_all[usda_all["category"] == "fats_oils"]
    share = fats["fat_g"].fillna(0) * 9 / fats["energy_kcal"].clip(lower=1)
    assert len(fats) > 100
    assert not fats["main_item"].any()
    assert (fats["max_servings_per_meal"] == 1.0).all()
    seal = usda_all[usda_all["name"].str.startswith("Oil, bearded seal")]
    assert list(seal["serving_g"]) == [13.6] and list(seal["category"]) == ["fats_oils"]
    almonds = usda_all.loc["usda_170567"]
    assert almonds["category"] == "nuts" and bool(almonds["main_item"])
    assert (share[fats["name"].str.startswith("Pork")] >= 0.85).all()
