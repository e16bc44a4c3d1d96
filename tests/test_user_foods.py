"""The user's own food table (foods.user): atomic, validated writes that never lose the person's foods."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from fdc_server import fixture_foods, sr_legacy_food
from foods import schema
from foods.errors import FoodTableError
from foods.fdc import food_to_row
from foods.paths import user_foods_path
from foods.user import add_user_foods, load_all_foods, remove_user_food, user_foods

PUMPKIN = "fdc_170556_seeds_pumpkin_and_squash_seed_kernels_dried"


@pytest.fixture
def pumpkin_row():
    return food_to_row(sr_legacy_food(170556))


def test_no_file_means_an_empty_schema_table():
    df = user_foods()
    assert df.empty and list(df.columns) == list(schema.COLUMNS) and df.index.name == "food_id"
    assert not user_foods_path().exists()


def test_added_food_is_in_load_all_foods_next_to_the_curated_table(pumpkin_row, curated):
    mine = add_user_foods([pumpkin_row])
    assert list(mine.index) == [PUMPKIN]
    everything = load_all_foods()
    assert len(everything) == len(curated) + 1
    row = everything.loc[PUMPKIN]
    assert (row["magnesium_mg"], row["serving_g"], row["serving_label"]) == (592.0, 28.35, "1 oz")
    assert row["fdc_id"] == 170556 and row["data_type"] == "SR Legacy"
    assert math.isnan(user_foods().loc[PUMPKIN, "price_usd_per_100g"])  # unknown price, not 0


def test_reimport_refreshes_usda_values_and_keeps_the_persons_corrections(pumpkin_row):
    add_user_foods([pumpkin_row])
    path = user_foods_path()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.loc[0, "slots"] = "snack"
    raw.loc[0, "name"] = "Pepitas"
    raw.loc[0, "magnesium_mg"] = "1"  # stale value that a re-import must refresh
    raw["my_note"] = "from the market"
    raw.to_csv(path, index=False)
    table = add_user_foods([pumpkin_row], refresh=True)
    assert list(table.index) == [PUMPKIN]
    assert (table.loc[PUMPKIN, "slots"], table.loc[PUMPKIN, "name"]) == ("snack", "Pepitas")
    assert table.loc[PUMPKIN, "magnesium_mg"] == 592.0
    assert pd.read_csv(path)["my_note"].tolist() == ["from the market"]  # extra columns survive


def test_several_foods_and_removal(pumpkin_row):
    rows = [pumpkin_row, *(food_to_row(f) for f in fixture_foods().values())]
    assert len(add_user_foods(rows)) == 3
    left = remove_user_food(PUMPKIN)
    assert PUMPKIN not in left.index and len(left) == 2
    for food_id in list(left.index):
        left = remove_user_food(food_id)
    assert left.empty and user_foods().empty  # a header-only file reads as no foods
    with pytest.raises(FoodTableError, match="no user food 'nope'"):
        remove_user_food("nope")


@pytest.mark.parametrize("change, message", [
    ({"category": "candy"}, "unknown value 'candy'"),
    ({"serving_g": -5.0}, "serving_g"),
    ({"food_id": "Not A Slug!"}, "not a slug"),
    ({"food_id": "almonds", "fdc_id": 1}, "food_id 'almonds' is in two tables"),  # clashes with a curated food
])
def test_invalid_rows_are_refused_and_the_file_is_unharmed(pumpkin_row, change, message):
    add_user_foods([pumpkin_row])
    before = user_foods_path().read_bytes()
    bad = {**pumpkin_row, "food_id": "other_food", "fdc_id": 2, **change}
    with pytest.raises(FoodTableError, match=message):
        add_user_foods([bad])
    assert user_foods_path().read_bytes() == before
    assert not [p for p in user_foods_path().parent.iterdir() if p.name.startswith(".user_foods-")]


def test_a_validated_table_can_be_added_and_same_fdc_id_foods_stay_separate(pumpkin_row, tmp_path):
    """What the app's upload does: add a table read by load_user_foods; two foods may share an fdc_id."""
    add_user_foods([pumpkin_row])
    upload = tmp_path / "mine.csv"
    upload.write_text("food_id,name,fdc_id,category,serving_g,slots,aisle,main_item\n"
                      "pepitas_handful,Pepitas (handful),170556,seeds,15,snack,bulk_and_nuts,true\n"
                      "almond_snack,Almonds (snack),170567,nuts,28,snack,bulk_and_nuts,true\n", encoding="utf-8")
    from foods.load import load_user_foods

    table = add_user_foods(load_user_foods(upload))
    assert sorted(table.index) == sorted([PUMPKIN, "pepitas_handful", "almond_snack"])
    assert table.loc["pepitas_handful", "magnesium_mg"] == 592.0 and table.loc[PUMPKIN, "serving_g"] == 28.35
    assert table.loc["almond_snack", "main_item"] == True  # noqa: E712 (a numpy bool)
    assert add_user_foods([{**pumpkin_row, "magnesium_mg": 1.0}]).loc[PUMPKIN, "magnesium_mg"] == 1.0  # replaced
