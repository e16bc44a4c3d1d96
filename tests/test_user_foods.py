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


# --- a large upload: vectorised add, and a cap on what one table may cost ---------------------------
def _rows(n: int, start: int = 0, **over) -> list[dict]:
    """``n`` valid user rows (full nutrients, from the USDA pumpkin-seed row) with ids bulk_<i>."""
    base = food_to_row(sr_legacy_food(170556))
    out = []
    for i in range(start, start + n):
        row = {**base, "food_id": f"bulk_{i:05d}", "name": f"Food {i}", "fdc_id": "", **over}
        out.append(row)
    return out


def test_a_large_add_keeps_order_replaces_same_ids_and_appends_new_ones():
    add_user_foods(_rows(2000))
    table = add_user_foods(_rows(1000, start=1500, serving_g=10.0))  # 500 replaced, 500 new
    assert list(table.index) == [f"bulk_{i:05d}" for i in range(2500)]
    assert (table.loc["bulk_01499", "serving_g"], table.loc["bulk_01500", "serving_g"]) == (28.35, 10.0)
    assert table.loc["bulk_02499", "serving_g"] == 10.0
    raw = pd.read_csv(user_foods_path(), dtype=str, keep_default_na=False)
    assert raw["food_id"].is_unique and len(raw) == 2500


def test_a_row_repeated_in_one_upload_counts_once_and_the_last_wins():
    table = add_user_foods([*_rows(1), *_rows(1, serving_g=12.0)])
    assert list(table.index) == ["bulk_00000"] and table.loc["bulk_00000", "serving_g"] == 12.0


@pytest.mark.parametrize("existing, adding", [(0, 6), (4, 2), (5, 1)])
def test_a_table_above_the_row_cap_is_refused_and_nothing_is_written(monkeypatch, existing, adding):
    import foods.load

    monkeypatch.setattr(foods.load, "MAX_USER_TABLE_ROWS", 5)
    if existing:
        add_user_foods(_rows(existing))
    before = user_foods_path().read_bytes() if existing else None
    with pytest.raises(FoodTableError, match=rf"the table has {existing + adding} foods; a food table of your own "
                                             r"may have up to 5 foods \(and 10.0 MB\)"):
        add_user_foods(_rows(adding, start=100))
    assert (user_foods_path().read_bytes() if existing else None) == before


@pytest.mark.parametrize("cap, rows, message", [
    ("MAX_USER_TABLE_ROWS", 3, r"the table has 4 foods; a food table of your own may have up to 3 foods"),
    ("MAX_USER_TABLE_BYTES", 1024, r"the file is \d+ kB; a food table up to 1 kB is accepted"),
])
def test_an_uploaded_file_above_a_cap_is_refused_before_it_is_checked_row_by_row(monkeypatch, tmp_path, cap,
                                                                               rows, message):
    import foods.load
    from foods.load import load_user_foods

    monkeypatch.setattr(foods.load, cap, rows)
    path = tmp_path / "upload.csv"
    pd.DataFrame(_rows(4)).to_csv(path, index=False)
    with pytest.raises(FoodTableError, match=message):
        load_user_foods(path)


def test_an_impossible_amount_in_a_user_table_names_the_food_and_nutrient(tmp_path):
    from foods.load import load_user_foods

    path = tmp_path / "upload.csv"
    pd.DataFrame(_rows(2, magnesium_mg=270000.0)).to_csv(path, index=False)
    with pytest.raises(FoodTableError, match=r"row 2, column 'magnesium_mg': food 'bulk_00000' has magnesium_mg = "
                                             r"270000.0: 270000 mg per 100 g is 270 g per 100 g, which is impossible"):
        load_user_foods(path)
