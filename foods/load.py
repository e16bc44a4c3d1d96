"""Load the food tables: the curated table, the full USDA SR Legacy table, user tables and the DRI table.

Nutrients are never typed by hand: the curated CSV names an SR Legacy ``fdc_id`` and the loader joins
the USDA row (with the known SR Legacy corrections applied). Servings come from a USDA portion
(``portion_seq``) where the curated row names one; prices come from the named price row.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from foods import schema
from foods.curated import resolve_curated
from foods.errors import FoodTableError
from foods.files import MIB, read_limited, size_text

DATA_DIR = Path(__file__).resolve().parent / "data"
CURATED_CSV = DATA_DIR / "curated_foods.csv"
USDA_FOODS_CSV = DATA_DIR / "usda_sr_legacy_foods.csv"
USDA_PORTIONS_CSV = DATA_DIR / "usda_sr_legacy_portions.csv"
USDA_DIFFERENCES_CSV = DATA_DIR / "sr28_vs_sr_legacy_known_differences.csv"
DRI_CSV = DATA_DIR / "dri_reference.csv"
PPNAP_CSV = DATA_DIR / "prices_ppnap_2017_2018.csv"
ERS_CSV = DATA_DIR / "prices_ers_fruit_veg.csv"
BLS_SUMMARY_CSV = DATA_DIR / "prices_bls_average_summary.csv"
FNDDS_CSV = DATA_DIR / "fndds_survey_foods.csv"

# What one user food table (a file, an upload, the person's own table) may cost: bytes and rows.
# 20,000 foods is more than any person types or imports; a table of them loads in a few seconds.
MAX_USER_TABLE_BYTES = 10 * MIB
MAX_USER_TABLE_ROWS = 20_000

# Curation columns of curated_foods.csv (and of a user table that gives fdc_id instead of nutrients).
CURATION_COLUMNS: tuple[str, ...] = (
    "food_id", "name", "fdc_id", "category", "form", "portion_seq", "portion_fraction", "serving_label",
    "serving_g",
    "slots", "diet_tags", "allergens", "aisle", "main_item", "max_servings_per_meal",
    "purchase_unit", "purchase_unit_g", "buy_as", "buy_fdc_id", "buy_g_per_g",
    "price_source", "price_ref", "price_applies_to",
)


# --- USDA -----------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _usda_foods_cached(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"ndb_number": "string"}).set_index("fdc_id", drop=False)
    diffs = pd.read_csv(USDA_DIFFERENCES_CSV)
    known = diffs["fdc_id"].isin(df.index) & diffs["nutrient"].isin(df.columns) & diffs["sr_legacy_value"].notna()
    diffs = diffs[known].drop_duplicates(["fdc_id", "nutrient"], keep="last")  # as cell by cell: a later line wins
    for nutrient, part in diffs.groupby("nutrient", sort=False):  # a whole column at a time
        rows = df.index.get_indexer(part["fdc_id"])
        df.iloc[rows, df.columns.get_loc(nutrient)] = part["sr_legacy_value"].to_numpy(float)
    df.iloc[df.index.get_indexer(diffs["fdc_id"].unique()), df.columns.get_loc("values_source")] = "SR Legacy"
    return df


def usda_foods(path: Path | None = None) -> pd.DataFrame:
    """The USDA SR Legacy extract indexed by fdc_id, with known SR Legacy values applied (a copy)."""
    return _usda_foods_cached(str(path or USDA_FOODS_CSV)).copy()


@lru_cache(maxsize=1)
def _portions_cached(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"ndb_number": "string", "unit": "string", "measure": "string"})


def usda_portions(path: Path | None = None) -> pd.DataFrame:
    """USDA household portions: fdc_id, seq_num, amount, unit, measure, gram_weight (a copy)."""
    return _portions_cached(str(path or USDA_PORTIONS_CSV)).copy()


# --- prices ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _price_tables() -> dict[str, pd.DataFrame]:
    ppnap = pd.read_csv(PPNAP_CSV, dtype={"fndds_food_code": "string"}).set_index("fndds_food_code")
    ers = pd.read_csv(ERS_CSV)
    ers.index = ers["item"].str.strip() + "|" + ers["form"].str.strip()
    bls = pd.read_csv(BLS_SUMMARY_CSV).set_index("series_id")
    return {"ppnap": ppnap, "ers": ers, "bls": bls}


# --- DRI ------------------------------------------------------------------------------------------
def load_dri(path: Path | None = None) -> pd.DataFrame:
    """The Dietary Reference Intakes table (one row per life-stage group), as shipped."""
    return pd.read_csv(path or DRI_CSV)


# --- FNDDS "as eaten" reference ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _fndds_cached(path: str) -> pd.DataFrame:
    return pd.read_csv(path).set_index("description")


def load_fndds(path: Path | None = None) -> pd.DataFrame:
    """USDA FNDDS foods as eaten (mixed dishes, soups ...), indexed by description: wweia_category and
    nutrients per 100 g. The reference a home-made dish is compared with (a copy)."""
    return _fndds_cached(str(path or FNDDS_CSV)).copy()


# --- curated and user tables ----------------------------------------------------------------------
def _read_csv(path: Path, *, capped: bool = True) -> pd.DataFrame:
    """A food table CSV as text columns; a person's table (``capped``) is held to the byte and row caps."""
    path = Path(path)
    if not path.is_file():
        raise FoodTableError("file not found; give the path of a CSV file", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise FoodTableError("the file is empty; it needs a header row and at least one food", path=str(path))
    if capped:
        raw = read_limited(path, MAX_USER_TABLE_BYTES, what="a food table",
                           error=lambda m: FoodTableError(m[len(str(path)) + 2:], path=str(path)))
    else:
        raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FoodTableError(f"the file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'",
                             path=str(path)) from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype={"food_id": "string"}, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FoodTableError(f"not a readable CSV ({str(exc).strip()}); use comma-separated values "
                             "with one header row", path=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    if capped:
        check_row_count(len(df), str(path))
    return df


def check_row_count(rows: int, path: str) -> None:
    """FoodTableError if a person's food table has more than ``MAX_USER_TABLE_ROWS`` foods."""
    if rows > MAX_USER_TABLE_ROWS:
        raise FoodTableError(f"the table has {rows:,} foods; a food table of your own may have up to "
                             f"{MAX_USER_TABLE_ROWS:,} foods (and {size_text(MAX_USER_TABLE_BYTES)}); split it or "
                             "keep the foods you plan with", path=path)


def _check_numeric(df: pd.DataFrame, column: str, path: str, example: str) -> None:
    """Raise FoodTableError at the first cell of ``column`` that is neither empty nor a number."""
    bad = schema.unreadable_numbers(df[column])
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise FoodTableError(f"'{df[column].iloc[pos]}' is not a number; write a plain number like {example} "
                             "(or leave the cell empty)", path=path, row=pos + 2, column=column)


def _to_bool(series: pd.Series, path: str, column: str) -> pd.Series:
    mapping = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    out = []
    for pos, value in enumerate(series):
        key = str(value).strip().lower() if pd.notna(value) else "true"
        if key not in mapping:
            raise FoodTableError(f"'{value}' is not true/false; write true or false", path=path,
                                 row=pos + 2, column=column)
        out.append(mapping[key])
    return pd.Series(out, index=series.index, dtype="bool")


def _check_curation(cur: pd.DataFrame, path: str) -> pd.DataFrame:
    """The curation table with every CURATION_COLUMNS column; FoodTableError for missing or non-numeric ones."""
    missing = [c for c in ("food_id", "name", "fdc_id") if c not in cur.columns]
    if missing:
        raise FoodTableError(f"missing column(s) {', '.join(missing)}; a food table needs at least "
                             "food_id, name and fdc_id (plus the curation columns)", path=path)
    if cur.empty:
        raise FoodTableError("the table has no foods; add at least one row under the header", path=path)
    cur = cur.copy()
    for column in CURATION_COLUMNS:
        if column not in cur.columns:
            cur[column] = pd.NA
    for column, example in (("portion_seq", "3"), ("portion_fraction", "0.5"), ("buy_fdc_id", "169703"),
                            ("buy_g_per_g", "0.4"), ("serving_g", "28")):
        _check_numeric(cur, column, path, example)
    return cur


def _finish(df: pd.DataFrame, path: str) -> pd.DataFrame:
    """Fill defaults, coerce dtypes and validate."""
    df = df.copy()
    defaults = {"diet_tags": "", "allergens": "", "main_item": True, "form": "raw", "data_type": "SR Legacy"}
    for column, value in defaults.items():
        if column not in df.columns:
            df[column] = value
        df[column] = df[column].where(df[column].notna(), value)
    for column in ("price_source",):
        if column not in df.columns:
            df[column] = "none"
    for column in ("price_ref", "usda_description"):
        if column not in df.columns:
            df[column] = pd.NA
    if "price_year" not in df.columns:
        df["price_year"] = pd.NA
    if "price_usd_per_100g" not in df.columns:
        df["price_usd_per_100g"] = np.nan
    for column, value in (("max_servings_per_meal", 2.0), ("buy_g_per_g", 1.0)):
        if column not in df.columns:
            df[column] = value
        df[column] = df[column].where(df[column].notna(), value)
    df = schema.validate(df, path=path)
    df["main_item"] = _to_bool(df["main_item"], path, "main_item")
    for column, (dtype, _meaning) in schema.COLUMNS.items():
        if column not in df.columns or dtype == "bool":
            continue
        if dtype == "float64":
            df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
        elif dtype == "Int64":
            df[column] = pd.to_numeric(df[column], errors="coerce").astype("Int64")
        else:
            df[column] = df[column].astype("string").fillna("")
    df.index = df.index.astype("object")
    df.index.name = "food_id"
    return df[list(schema.COLUMNS)]


def load_foods(path: Path | str | None = None) -> pd.DataFrame:
    """The curated food table (or a table in the same curation format at ``path``), validated.

    Returns a DataFrame indexed by food_id with the columns of ``foods.schema.COLUMNS``.
    """
    csv = Path(path) if path is not None else CURATED_CSV
    cur = _read_csv(csv, capped=path is not None)
    if "food_id" in cur.columns:
        cur["food_id"] = cur["food_id"].astype("string").str.strip()
    cur = _check_curation(cur, str(csv))
    df = resolve_curated(cur, str(csv), _usda_foods_cached(str(USDA_FOODS_CSV)),
                         _portions_cached(str(USDA_PORTIONS_CSV)), _price_tables())
    return _finish(df, str(csv))


def load_user_foods(path: Path | str) -> pd.DataFrame:
    """A user table of extra foods: either full schema rows (nutrients given) or fdc_id plus curation columns."""
    csv = Path(path)
    df = _read_csv(csv)
    if "food_id" not in df.columns:
        raise FoodTableError("missing column food_id; the header must start with food_id,name,... "
                             "(see foods/data/README.md)", path=str(csv))
    df["food_id"] = df["food_id"].astype("string").str.strip()
    has_nutrients = all(n in df.columns for n in ("magnesium_mg", "energy_kcal"))
    if has_nutrients:
        if "serving_g" not in df.columns:
            raise FoodTableError("missing column serving_g; give the grams of one serving, e.g. 28",
                                 path=str(csv))
        for n in schema.NUTRIENT_COLUMNS:
            if n not in df.columns:
                df[n] = np.nan
        for column in ("purchase_unit", "buy_as"):
            if column not in df.columns:
                df[column] = df.get("name", "")
        if "purchase_unit_g" not in df.columns:
            df["purchase_unit_g"] = df["serving_g"]
        if "aisle" not in df.columns:
            df["aisle"] = "pantry"
        if "fdc_id" not in df.columns:
            df["fdc_id"] = pd.NA
        if "price_usd_per_100g" in df.columns:
            df["price_source"] = np.where(df["price_usd_per_100g"].notna(), "user", "none")
        return _finish(df.set_index("food_id"), str(csv))
    return load_foods(csv)


def combine(*tables: pd.DataFrame) -> pd.DataFrame:
    """Concatenate food tables; a later table's food_id must not repeat an earlier one."""
    out = pd.concat(tables)
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise FoodTableError(f"food_id '{dup[0]}' is in two tables; rename the user food (e.g. '{dup[0]}_mine')")
    return out


# --- the full USDA table --------------------------------------------------------------------------
_GROUP_CATEGORY = {
    "Vegetables and Vegetable Products": "vegetables", "Fruits and Fruit Juices": "fruit",
    "Nut and Seed Products": "nuts", "Legumes and Legume Products": "legumes_soy",
    "Cereal Grains and Pasta": "whole_grains", "Baked Products": "breads", "Breakfast Cereals": "breakfast_cereals",
    "Finfish and Shellfish Products": "fish_seafood", "Dairy and Egg Products": "dairy_alternatives",
    "Beverages": "drinks", "Fats and Oils": "fats_oils", "Sweets": "snacks_sweets", "Snacks": "snacks_sweets",
    "Spices and Herbs": "condiments", "Soups, Sauces, and Gravies": "condiments",
}
_GROUP_AISLE = {
    "vegetables": "produce", "fruit": "produce", "nuts": "bulk_and_nuts", "legumes_soy": "pantry",
    "whole_grains": "grains_and_bakery", "breads": "grains_and_bakery", "breakfast_cereals": "grains_and_bakery",
    "fish_seafood": "meat_and_fish", "dairy_alternatives": "dairy_and_eggs", "drinks": "drinks",
    "eggs_poultry_meat": "meat_and_fish",
}
_PLANT_GROUPS = {
    "Vegetables and Vegetable Products", "Fruits and Fruit Juices", "Nut and Seed Products",
    "Legumes and Legume Products", "Cereal Grains and Pasta", "Spices and Herbs",
}


# Allergens guessed from words of a USDA description (load_usda_foods).
_ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    "tree_nuts": ("almond", "cashew", "walnut", "pecan", "hazelnut", "pistachio", "macadamia", "brazilnut"),
    "peanuts": ("peanut",), "gluten": ("wheat", "barley", "rye", "bread", "pasta", "spaghetti"),
    "dairy": ("milk", "cheese", "yogurt", "butter", "cream"), "soy": ("soy", "tofu", "tempeh", "edamame"),
    "egg": ("egg",), "sesame": ("sesame", "tahini"),
}
_SHELLFISH_WORDS = ("shrimp", "crab", "lobster", "clam", "mussel", "oyster", "scallop", "crustacean", "mollusk")


def _guessed_diet_tags(group: str) -> str:
    """Diet tags from the USDA food group: plants vegan, dairy and eggs vegetarian, fish pescatarian."""
    if group in _PLANT_GROUPS:
        return "vegan|vegetarian|pescatarian"
    if group == "Dairy and Egg Products":
        return "vegetarian|pescatarian"
    if group == "Finfish and Shellfish Products":
        return "pescatarian"
    return ""


def _guessed_allergens(group: str, description: str) -> str:
    """Allergens from words of the (lower-case) description; fish or shellfish from the food group."""
    found = [a for a, words in _ALLERGEN_WORDS.items() if any(w in description for w in words)]
    if group == "Finfish and Shellfish Products":
        found.append("shellfish" if any(w in description for w in _SHELLFISH_WORDS) else "fish")
    return "|".join(found)


def _is_fat(usda: pd.DataFrame, groups: np.ndarray, desc: pd.Series) -> np.ndarray:
    """Oils and fats ("Oil, bearded seal", "Fat, beef tallow"): side items of at most a tablespoon a meal, as in
    the curated table; otherwise a cost-driven plan fills its energy range with them. Judged from the data: the
    Fats and Oils group, or >= 85 % of energy from fat (bacon fat, suet, cream), except nuts and seeds."""
    fat_share = (usda["fat_g"].fillna(0.0) * 9.0 / usda["energy_kcal"].clip(lower=1.0)).to_numpy()
    return np.array([g == "Fats and Oils" or d.startswith(("oil,", "fat,", "shortening", "lard"))
                     or (share >= 0.85 and g != "Nut and Seed Products")
                     for g, d, share in zip(groups, desc, fat_share)])


def load_usda_foods(*, require_magnesium: bool = True) -> pd.DataFrame:
    """Every SR Legacy food as a schema-shaped table ('all USDA foods'), for advanced use.

    Servings are the first USDA portion (else 100 g). Tags are guessed from the food group and are
    approximate: plant groups are tagged vegan, dairy and eggs vegetarian, fish pescatarian;
    allergens are guessed from the description. Prices are unknown (NaN).
    """
    usda = usda_foods()
    usda = usda[usda["values_source"].notna()]
    if require_magnesium:
        usda = usda[usda["magnesium_mg"].notna() & usda["energy_kcal"].notna()]
    portions = usda_portions().sort_values(["fdc_id", "seq_num"]).drop_duplicates("fdc_id")
    portions = portions.set_index("fdc_id")
    df = pd.DataFrame(index=pd.Index([f"usda_{i}" for i in usda.index], name="food_id"))
    df["name"] = usda["description"].to_numpy()
    df["fdc_id"] = usda.index.to_numpy()
    df["data_type"] = "SR Legacy"
    df["usda_description"] = usda["description"].to_numpy()
    groups = usda["food_group"].to_numpy()
    cat = [_GROUP_CATEGORY.get(g, "eggs_poultry_meat") for g in groups]
    df["category"] = cat
    df["form"] = ["cooked" if "cooked" in d.lower() else "raw" for d in usda["description"]]
    has = usda.index.isin(portions.index)
    label = np.where(has, portions.reindex(usda.index)["measure"].fillna("100 g"), "100 g")
    grams = np.where(has, portions.reindex(usda.index)["gram_weight"].fillna(100.0), 100.0)
    grams = np.where(grams > 0, grams, 100.0)
    df["serving_label"] = label
    df["serving_g"] = grams.astype(float)
    df["slots"] = "|".join(schema.SLOTS)
    desc = usda["description"].str.lower()
    df["diet_tags"] = [_guessed_diet_tags(g) for g in groups]
    df["allergens"] = [_guessed_allergens(g, d) for g, d in zip(groups, desc)]
    df["aisle"] = [_GROUP_AISLE.get(c, "pantry") for c in cat]
    is_fat = _is_fat(usda, groups, desc)
    df.loc[is_fat, "category"] = "fats_oils"
    spoonful = has & (grams <= 15.0)  # USDA's own first portion is already a spoonful
    df.loc[is_fat, "serving_g"] = np.where(spoonful, grams, 13.6)[is_fat].astype(float)
    df.loc[is_fat, "serving_label"] = np.where(spoonful, label, "1 tbsp (13.6 g)")[is_fat]
    df["main_item"] = ~is_fat
    df["max_servings_per_meal"] = np.where(is_fat, 1.0, 2.0)
    df["purchase_unit"] = "100 g"
    df["purchase_unit_g"] = 100.0
    df["buy_as"] = df["name"]
    df["buy_g_per_g"] = 1.0
    df["price_usd_per_100g"] = np.nan
    df["price_source"] = "none"
    df["price_ref"] = pd.NA
    df["price_year"] = pd.NA
    for n in schema.NUTRIENT_COLUMNS:
        df[n] = usda[n].to_numpy()
    return _finish(df, "usda_sr_legacy_foods.csv")


def with_usda_rows(table: pd.DataFrame, food_ids: Iterable[str]) -> pd.DataFrame:
    """``table`` plus the full-USDA rows ('usda_<fdc_id>', as ``load_usda_foods`` names them) that ``food_ids``
    (e.g. a plan's foods) name and ``table`` lacks; ``table`` itself when there are none."""
    wanted = [f for f in dict.fromkeys(food_ids) if f not in table.index and str(f).startswith("usda_")]
    if not wanted:
        return table
    usda = load_usda_foods(require_magnesium=False)
    found = [f for f in wanted if f in usda.index]
    return pd.concat([table, usda.loc[found]]) if found else table
