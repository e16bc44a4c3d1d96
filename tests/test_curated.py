"""The shipped curated table, checked against the USDA and price files read independently of the loader."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foods import schema

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "foods" / "data"

# Categories the mission names as magnesium sources (plus legumes and soy).
MAGNESIUM_CATEGORIES = {"leafy_greens", "nuts", "seeds", "whole_grains", "dark_chocolate", "legumes_soy"}

MINIMUM_PER_CATEGORY = {
    "leafy_greens": 12, "nuts": 10, "seeds": 8, "whole_grains": 15, "dark_chocolate": 3, "legumes_soy": 15,
    "fish_seafood": 10, "dairy_alternatives": 10, "fruit": 20, "vegetables": 25, "eggs_poultry_meat": 10,
    "breakfast_cereals": 5, "breads": 4, "drinks": 5, "condiments": 8, "fats_oils": 3,
}


@pytest.fixture(scope="module")
def raw_curated() -> pd.DataFrame:
    return pd.read_csv(DATA / "curated_foods.csv", dtype={"price_ref": "string"}).set_index("food_id")


@pytest.fixture(scope="module")
def usda_raw() -> pd.DataFrame:
    """The USDA extract with the known SR Legacy values applied, read here without the loader."""
    usda = pd.read_csv(DATA / "usda_sr_legacy_foods.csv").set_index("fdc_id")
    diffs = pd.read_csv(DATA / "sr28_vs_sr_legacy_known_differences.csv")
    for row in diffs.itertuples(index=False):
        if row.fdc_id in usda.index and pd.notna(row.sr_legacy_value):
            usda.loc[row.fdc_id, row.nutrient] = float(row.sr_legacy_value)
    return usda


@pytest.fixture(scope="module")
def per_serving(curated: pd.DataFrame) -> pd.DataFrame:
    out = curated[["category", "serving_g", "magnesium_mg", "energy_kcal"]].copy()
    out["mg_per_serving"] = out["magnesium_mg"] * out["serving_g"] / 100
    out["mg_per_100kcal"] = out["magnesium_mg"] / out["energy_kcal"] * 100
    return out


# --- nutrients and servings come from the cited USDA rows ----------------------------------------
def test_every_nutrient_equals_the_cited_usda_row(curated: pd.DataFrame, usda_raw: pd.DataFrame) -> None:
    expected = usda_raw.loc[curated["fdc_id"].astype(int), list(schema.NUTRIENT_COLUMNS)]
    expected.index = curated.index
    pd.testing.assert_frame_equal(curated[list(schema.NUTRIENT_COLUMNS)], expected.astype("float64"))


def test_magnesium_uses_the_sr_legacy_value_where_it_differs(curated: pd.DataFrame) -> None:
    diffs = pd.read_csv(DATA / "sr28_vs_sr_legacy_known_differences.csv")
    mg = diffs[diffs["nutrient"] == "magnesium_mg"].set_index("fdc_id")["sr_legacy_value"]
    cited = curated[curated["fdc_id"].astype(int).isin(mg.index)]
    assert len(cited) >= 1  # kale (raw) cites such a row
    for food_id, row in cited.iterrows():
        assert row["magnesium_mg"] == mg[int(row["fdc_id"])], food_id


def test_no_food_cites_a_usda_row_without_values(curated: pd.DataFrame, usda_raw: pd.DataFrame) -> None:
    sources = usda_raw.loc[curated["fdc_id"].astype(int), "values_source"]
    assert sources.notna().all(), list(curated.index[sources.isna().to_numpy()])


def test_every_food_has_energy_and_magnesium(curated: pd.DataFrame) -> None:
    assert curated["energy_kcal"].notna().all()
    assert curated["magnesium_mg"].notna().all()


def test_serving_grams_equal_the_cited_usda_portion(curated: pd.DataFrame, raw_curated: pd.DataFrame) -> None:
    portions = pd.read_csv(DATA / "usda_sr_legacy_portions.csv").set_index(["fdc_id", "seq_num"])
    with_portion = raw_curated[raw_curated["portion_seq"].notna()]
    assert len(with_portion) >= 0.9 * len(raw_curated)  # USDA portions are used wherever USDA has one
    for food_id, row in with_portion.iterrows():
        grams = portions.loc[(int(row["fdc_id"]), int(row["portion_seq"])), "gram_weight"]
        fraction = 1.0 if pd.isna(row["portion_fraction"]) else row["portion_fraction"]
        assert curated.loc[food_id, "serving_g"] == pytest.approx(grams * fraction), food_id
    explicit = raw_curated[raw_curated["portion_seq"].isna()]
    assert explicit["serving_g"].notna().all()
    assert (curated.loc[explicit.index, "serving_g"] == explicit["serving_g"]).all()


def test_cooked_to_bought_factor_comes_from_usda_energy(curated: pd.DataFrame, raw_curated: pd.DataFrame,
                                                       usda_raw: pd.DataFrame) -> None:
    derived = raw_curated[raw_curated["buy_fdc_id"].notna() & raw_curated["buy_g_per_g"].isna()]
    assert len(derived) >= 30
    kcal = usda_raw["energy_kcal"]
    expected = kcal[derived["fdc_id"].astype(int)].to_numpy() / kcal[derived["buy_fdc_id"].astype(int)].to_numpy()
    np.testing.assert_allclose(curated.loc[derived.index, "buy_g_per_g"], expected)
    grains = curated.loc[derived.index].query("category == 'whole_grains' and form == 'cooked'")
    assert len(grains) >= 8
    assert grains["buy_g_per_g"].between(0.2, 0.45).all()  # cooked grain is mostly water


# --- coverage -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("category", "minimum"), sorted(MINIMUM_PER_CATEGORY.items()))
def test_category_has_enough_foods(curated: pd.DataFrame, category: str, minimum: int) -> None:
    assert (curated["category"] == category).sum() >= minimum


def test_table_has_about_250_plannable_foods_plus_dish_ingredients(curated: pd.DataFrame) -> None:
    plannable = curated[curated["slots"] != ""]  # an empty slots cell: an ingredient used only in dishes
    assert 200 <= len(plannable) <= 300
    assert 300 <= len(curated) <= 400


@pytest.mark.parametrize(("slot", "minimum"), [("breakfast", 40), ("lunch", 60), ("dinner", 60), ("snack", 40)])
def test_every_meal_slot_has_choice_for_vegans_and_gluten_free(curated: pd.DataFrame, slot: str,
                                                              minimum: int) -> None:
    in_slot = curated[curated["slots"].str.split("|").apply(lambda s: slot in s)]
    vegan = in_slot[in_slot["diet_tags"].str.contains("vegan")]
    gluten_free = in_slot[~in_slot["allergens"].str.contains("gluten")]
    nut_free_vegan = vegan[~vegan["allergens"].str.contains("nuts")]
    assert len(in_slot) >= minimum
    assert len(vegan) >= minimum // 2 and len(gluten_free) >= minimum // 2 and len(nut_free_vegan) >= minimum // 3


@pytest.mark.parametrize("food_id", ["tofu_firm", "tempeh", "lentils_cooked", "soy_milk_fortified",
                                     "chickpeas_cooked", "black_beans_cooked", "edamame"])
def test_vegans_have_protein_sources(curated: pd.DataFrame, food_id: str) -> None:
    food = curated.loc[food_id]
    assert "vegan" in schema.split_tags(food["diet_tags"])
    assert food["protein_g"] * food["serving_g"] / 100 >= 5


@pytest.mark.parametrize("food_id", ["quinoa_cooked", "brown_rice_cooked", "buckwheat_cooked", "millet_cooked",
                                     "oats_rolled_dry", "amaranth_cooked", "wild_rice_cooked", "corn_tortillas"])
def test_gluten_free_grains_carry_no_gluten_tag(curated: pd.DataFrame, food_id: str) -> None:
    assert curated.loc[food_id, "category"] == "whole_grains"
    assert "gluten" not in schema.split_tags(curated.loc[food_id, "allergens"])


def test_seeds_are_nut_free(curated: pd.DataFrame) -> None:
    seeds = curated[curated["category"] == "seeds"]
    assert len(seeds) >= 8
    assert not seeds["allergens"].str.contains("nuts").any()


# --- magnesium: the named categories hold the richest foods --------------------------------------
def test_top_foods_by_magnesium_per_serving_are_from_the_magnesium_categories(per_serving: pd.DataFrame) -> None:
    """Of the 10 foods with most Mg per serving at least 7, and of the top 20 at least 12, are leafy
    greens, nuts, seeds, whole grains, dark chocolate or legumes/soy."""
    ranked = per_serving.sort_values("mg_per_serving", ascending=False, kind="stable")
    assert ranked["category"].head(10).isin(MAGNESIUM_CATEGORIES).sum() >= 7
    assert ranked["category"].head(20).isin(MAGNESIUM_CATEGORIES).sum() >= 12


def test_seeds_and_nuts_beat_every_other_category_per_serving(per_serving: pd.DataFrame) -> None:
    """The median Mg per serving of seeds and of nuts is above the median of every category outside
    the magnesium categories."""
    median = per_serving.groupby("category")["mg_per_serving"].median()
    others = median.drop(labels=[c for c in MAGNESIUM_CATEGORIES if c in median.index])
    assert median["seeds"] > others.max()
    assert median["nuts"] > others.max()


def test_leafy_greens_are_richest_per_calorie(per_serving: pd.DataFrame) -> None:
    median = per_serving.groupby("category")["mg_per_100kcal"].median()
    assert median.idxmax() == "leafy_greens"


@pytest.mark.parametrize("category", sorted(MAGNESIUM_CATEGORIES))
def test_each_magnesium_category_has_a_food_with_50_mg_per_serving(per_serving: pd.DataFrame,
                                                                   category: str) -> None:
    assert per_serving.loc[per_serving["category"] == category, "mg_per_serving"].max() >= 50


# --- servings a person can eat, sensible tags -----------------------------------------------------
def test_servings_are_eatable(curated: pd.DataFrame) -> None:
    kcal = curated["energy_kcal"] * curated["serving_g"] / 100
    assert (kcal <= 400).all(), list(kcal[kcal > 400].index)
    oils = curated[curated["category"] == "fats_oils"]
    assert (oils["serving_g"] <= 15).all()  # a tablespoon at most, never a cup of oil
    assert (curated["serving_g"] <= 300).all()  # a cup of a drink is the largest serving


def test_condiments_oils_and_drinks_are_exempt_from_the_variety_cap(curated: pd.DataFrame) -> None:
    exempt = curated[curated["category"].isin(["condiments", "fats_oils", "drinks"])]
    assert len(exempt) >= 20
    assert not exempt["main_item"].any()


def test_diet_tags_agree_with_allergens(curated: pd.DataFrame) -> None:
    for food_id, row in curated.iterrows():
        diets = set(schema.split_tags(row["diet_tags"]))
        allergens = set(schema.split_tags(row["allergens"]))
        if "vegan" in diets:
            assert diets == {"vegan", "vegetarian", "pescatarian"}, food_id
            assert not allergens & {"dairy", "egg", "fish", "shellfish"}, food_id
        if "vegetarian" in diets:
            assert "pescatarian" in diets and not allergens & {"fish", "shellfish"}, food_id
        if row["category"] == "fish_seafood":
            assert diets == {"pescatarian"} and allergens & {"fish", "shellfish"}, food_id
        if row["category"] == "eggs_poultry_meat" and "egg" not in allergens:
            assert diets == set(), food_id


@pytest.mark.parametrize(("food_id", "allergen"), [
    ("peanut_butter", "peanuts"), ("almonds", "tree_nuts"), ("tahini", "sesame"), ("hummus", "sesame"),
    ("tofu_firm", "soy"), ("soy_sauce", "gluten"), ("whole_wheat_bread", "gluten"), ("milk_whole", "dairy"),
    ("egg_hard_boiled", "egg"), ("shrimp_cooked", "shellfish"), ("salmon_cooked", "fish"),
])
def test_common_allergens_are_tagged(curated: pd.DataFrame, food_id: str, allergen: str) -> None:
    assert allergen in schema.split_tags(curated.loc[food_id, "allergens"])


def test_food_ids_and_names_are_unique(curated: pd.DataFrame) -> None:
    assert curated.index.is_unique
    assert curated["name"].is_unique


# --- prices ---------------------------------------------------------------------------------------
def test_every_price_ref_resolves_and_matches_the_price_file(curated: pd.DataFrame) -> None:
    ppnap = pd.read_csv(DATA / "prices_ppnap_2017_2018.csv", dtype={"fndds_food_code": "string"})
    ppnap = ppnap.set_index("fndds_food_code")["price_usd_per_100g"]
    ers = pd.read_csv(DATA / "prices_ers_fruit_veg.csv")
    ers = pd.Series(ers["price_per_100g_edible_usd"].to_numpy(), index=ers["item"] + "|" + ers["form"])
    bls = pd.read_csv(DATA / "prices_bls_average_summary.csv").set_index("series_id")["price_per_100g_2024_usd"]
    files = {"ppnap": ppnap, "ers": ers, "bls": bls}
    priced = curated[curated["price_source"] != "none"]
    plannable = curated[curated["slots"] != ""]
    assert (plannable["price_source"] != "none").sum() >= 0.9 * len(plannable)
    assert len(priced) >= 0.85 * len(curated)  # dish ingredients: most dried spices have no price row
    for food_id, row in priced.iterrows():
        table = files[row["price_source"]]
        assert row["price_ref"] in table.index, food_id
        assert row["price_usd_per_100g"] == pytest.approx(table[row["price_ref"]]), food_id


def test_prices_come_mostly_from_one_source_and_year(curated: pd.DataFrame) -> None:
    counts = curated["price_source"].value_counts()
    assert counts["ppnap"] >= 0.85 * len(curated)
    assert set(curated.loc[curated["price_source"] == "ppnap", "price_year"]) == {2018}


def test_foods_without_a_price_have_nan_not_zero(curated: pd.DataFrame) -> None:
    unpriced = curated[curated["price_source"] == "none"]
    assert unpriced["price_usd_per_100g"].isna().all()
    assert (curated.loc[curated["price_source"] != "none", "price_usd_per_100g"] > 0).all()


def test_unpriced_foods_are_listed_in_the_data_readme(curated: pd.DataFrame) -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for food_id in curated.index[curated["price_source"] == "none"]:
        assert f"`{food_id}`" in readme, food_id


# --- the build script reproduces the committed CSV -----------------------------------------------
def test_build_script_reproduces_the_committed_csv() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_curated.py"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout
