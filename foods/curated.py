"""Resolve a food table in curation form (the shipped curated table, or a person's table that names fdc_ids).

A curation row names an SR Legacy ``fdc_id``: nutrients and the USDA description come from that USDA row, the
serving from a USDA portion (``portion_seq`` times ``portion_fraction``) unless ``serving_g`` is given, and the
price from the named price row. Whole columns are resolved at once, not cell by cell (the shipped table in a few
milliseconds, a person's table of 20,000 foods in about 0.1 s). A table with problems raises the one a reader
going row by row meets first: the first row that has a problem, and in that row the first check in reading order
(fdc_id, portion, serving, buy_fdc_id, price).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from foods import schema
from foods.errors import FoodTableError

# Per price source: (column of USD per 100 g, the year or the column holding it). The ref of a row is, for
# ppnap, the FNDDS food code (USD per 100 g edible, 2017/2018, counted as 2018); for ers, 'item|form' (USD per
# 100 g edible, 2022); for bls, the series id (2024 mean per 100 g as purchased).
PRICE_COLUMNS: dict[str, tuple[str, int | str]] = {
    "ppnap": ("price_usd_per_100g", 2018),
    "ers": ("price_per_100g_edible_usd", "year"),
    "bls": ("price_per_100g_2024_usd", 2024),
}
# Columns copied from the curation row as written (defaults are filled in afterwards).
_WRITTEN = ("category", "form", "slots", "diet_tags", "allergens", "main_item", "max_servings_per_meal")


class _Problems:
    """Problems found a column at a time, raised as a row-by-row reader would meet them."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[tuple[np.ndarray, str, Callable[[int], str]]] = []

    def add(self, mask: Any, column: str, message: Callable[[int], str]) -> None:
        """Record a check, in the order a reader makes them within a row: ``message(pos)`` for a row it fails."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.found.append((mask, column, message))

    def raise_first(self) -> None:
        """FoodTableError for the first row with a problem, naming the first check it fails."""
        if not self.found:
            return
        pos = min(int(mask.argmax()) for mask, _column, _message in self.found)
        _mask, column, message = next(p for p in self.found if p[0][pos])
        raise FoodTableError(message(pos), path=self.path, row=pos + 2, column=column)


def _texts(series: pd.Series, default: Any) -> np.ndarray:
    """``str(cell).strip()`` of each cell, ``default`` where the cell is empty (an object array)."""
    out = np.full(len(series), default, dtype=object)
    given = series.notna().to_numpy()
    out[given] = [str(v).strip() for v in series.to_numpy()[given]]
    return out


def _blank(values: Any) -> np.ndarray:
    """True where a cell is empty or only spaces."""
    return np.array([pd.isna(v) or not str(v).strip() for v in values], dtype=bool)


def _number(value: Any) -> Any:
    """A cell as ``pd.to_numeric`` reads it alone (used only to word a message)."""
    return pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]


def _usda_positions(cur: pd.DataFrame, usda: pd.DataFrame, problems: _Problems) -> tuple[np.ndarray, np.ndarray]:
    """(fdc_id, position in ``usda``) per row; the fdc_id must be a number that is in the SR Legacy table."""
    raw, food = cur["fdc_id"], cur["food_id"]
    number = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
    unusable = np.isnan(number) | np.isinf(number)
    fdc = np.where(unusable | (np.abs(number) > 2.0**62), -1, number).astype("int64")
    at = np.where(unusable, -1, usda.index.get_indexer(fdc))
    problems.add(unusable, "fdc_id", lambda i: f"food '{food.iloc[i]}' has no usable fdc_id ('{raw.iloc[i]}'); give "
                 "the SR Legacy FoodData Central id, e.g. 170567 for almonds")
    problems.add(at < 0, "fdc_id", lambda i: f"fdc_id {int(_number(raw.iloc[i]))} is not in the USDA SR Legacy "
                 "table; look it up with 'magplan foods search' or import it with 'magplan foods import'")
    return fdc, at


def _servings(cur: pd.DataFrame, fdc: np.ndarray, portions: pd.DataFrame,
              problems: _Problems) -> tuple[pd.Series, pd.Series]:
    """(label, grams) of a serving: a USDA portion by seq_num (times portion_fraction), else serving_g as written."""
    seq_raw, fraction_raw, food = cur["portion_seq"], cur["portion_fraction"], cur["food_id"]
    has = seq_raw.notna().to_numpy()
    seq = pd.to_numeric(seq_raw, errors="coerce").to_numpy(dtype="float64")
    seq = np.where(has & (np.abs(seq) < 2.0**62), np.trunc(seq), -1).astype("int64")
    keys = portions.set_index(["fdc_id", "seq_num"]).index
    hit = np.where(has, keys.get_indexer(pd.MultiIndex.from_arrays([fdc, seq])), -1)
    fraction = pd.to_numeric(fraction_raw, errors="coerce").fillna(1.0).to_numpy(dtype="float64")
    problems.add(has & (hit < 0), "portion_seq", lambda i: f"USDA has no portion {int(seq_raw.iloc[i])} for fdc_id "
                 f"{fdc[i]}; pick a seq_num from usda_sr_legacy_portions.csv or give serving_g")
    problems.add(has & (fraction <= 0), "portion_fraction", lambda i: f"food '{food.iloc[i]}' has portion_fraction "
                 f"{fraction_raw.iloc[i]}; it must be a number above 0, e.g. 0.5 for half the USDA portion")
    found = has & (hit >= 0)
    portion_g = np.where(found, portions["gram_weight"].to_numpy(dtype="float64")[hit] * fraction, np.nan)
    grams = cur["serving_g"].where(cur["serving_g"].notna(), pd.Series(portion_g, index=cur.index))
    problems.add(grams.isna(), "serving_g", lambda i: f"food '{food.iloc[i]}' has no serving size; give serving_g "
                 "(grams, e.g. 28) or portion_seq (a seq_num of this fdc_id in usda_sr_legacy_portions.csv)")
    measure = portions["measure"].to_numpy(dtype=object)[hit]
    use_measure = found & _blank(cur["serving_label"])
    label = cur["serving_label"].astype(object).where(~use_measure, pd.Series(measure, index=cur.index).map(str))
    return label, grams


def _buy_g_per_g(cur: pd.DataFrame, at: np.ndarray, usda: pd.DataFrame, problems: _Problems) -> np.ndarray:
    """Grams of product bought per gram eaten: as written, else from energy when buy_fdc_id is given, else 1."""
    dry_raw = cur["buy_fdc_id"]
    factor = pd.to_numeric(cur["buy_g_per_g"], errors="coerce").to_numpy(dtype="float64")
    derive = np.isnan(factor) & dry_raw.notna().to_numpy()
    dry = pd.to_numeric(dry_raw, errors="coerce").to_numpy(dtype="float64")
    dry = np.where(derive & (np.abs(dry) < 2.0**62), np.trunc(np.nan_to_num(dry)), -1).astype("int64")
    dry_at = np.where(derive, usda.index.get_indexer(dry), -1)
    problems.add(derive & (dry_at < 0), "buy_fdc_id",
                 lambda i: f"buy_fdc_id {int(float(dry_raw.iloc[i]))} is not in the USDA SR Legacy table")
    energy = usda["energy_kcal"].to_numpy(dtype="float64")
    dry_kcal = np.where(dry_at >= 0, energy[dry_at], np.nan)
    problems.add(derive & (dry_kcal == 0), "buy_fdc_id", lambda i: f"buy_fdc_id {dry[i]} has 0 kcal in the USDA "
                 "table, so the grams bought cannot be derived from energy; give buy_g_per_g (e.g. 0.4)")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where(at >= 0, energy[at], np.nan) / dry_kcal
    factor = np.where(derive, derived, factor)
    return np.where(np.isnan(factor), 1.0, factor)


def _prices(cur: pd.DataFrame, buy_g_per_g: np.ndarray, prices: dict[str, pd.DataFrame],
            problems: _Problems) -> dict[str, Any]:
    """price_usd_per_100g (as eaten), price_source, price_ref and price_year of each curation row."""
    source, ref = _texts(cur["price_source"], "none"), _texts(cur["price_ref"], pd.NA)
    applies_raw = cur["price_applies_to"]
    applies = _texts(applies_raw, "eaten")
    price, year = np.full(len(cur), np.nan), np.full(len(cur), pd.NA, dtype=object)
    problems.add(~np.isin(source, schema.PRICE_SOURCES), "price_source", lambda i: f"unknown price_source "
                 f"'{source[i]}'; use one of {', '.join(schema.PRICE_SOURCES)}")
    missing = np.zeros(len(cur), dtype=bool)
    for name, (column, year_of) in PRICE_COLUMNS.items():
        rows = source == name
        table = prices[name]
        at = table.index.get_indexer([str(r) for r in ref[rows]])
        missing[rows] = at < 0
        price[rows] = np.where(at >= 0, table[column].to_numpy(dtype="float64")[at], np.nan)
        year[rows] = [int(y) for y in table[year_of].to_numpy()[at]] if isinstance(year_of, str) else year_of
    problems.add(missing, "price_ref", lambda i: f"price row '{ref[i]}' not found in the {source[i]} price file")
    listed = np.isin(source, tuple(PRICE_COLUMNS))
    problems.add(listed & ~np.isin(applies, ("eaten", "bought")), "price_applies_to", lambda i: f"price_applies_to "
                 f"is '{applies_raw.iloc[i]}'; use 'eaten' (price per 100 g as eaten) or 'bought' (per 100 g of the "
                 "buy_as product)")
    bought = listed & (applies == "bought")
    price[bought] = price[bought] * buy_g_per_g[bought]
    user = source == "user"
    typed = pd.to_numeric(pd.Series(ref[user], dtype=object), errors="coerce").to_numpy()
    if user.all():  # every price typed in: whole numbers stay whole numbers, as a message quotes them
        price = typed
    else:
        price[user] = typed
    return {"price_usd_per_100g": price, "price_source": source, "price_ref": ref, "price_year": year}


def resolve_curated(cur: pd.DataFrame, path: str, usda: pd.DataFrame, portions: pd.DataFrame,
                    prices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Join curation rows (every CURATION_COLUMNS column present) with USDA nutrients, portions and prices.

    ``usda`` is indexed by fdc_id (description, nutrients); ``portions`` has fdc_id, seq_num, measure and
    gram_weight; ``prices`` maps each source of ``PRICE_COLUMNS`` to its table indexed by ref. Returns a
    schema-shaped table indexed by food_id (``foods.load`` fills defaults and coerces dtypes).
    """
    problems = _Problems(path)
    cur = cur.reset_index(drop=True)
    fdc, at = _usda_positions(cur, usda, problems)
    label, grams = _servings(cur, fdc, portions, problems)
    buy_g_per_g = _buy_g_per_g(cur, at, usda, problems)
    price = _prices(cur, buy_g_per_g, prices, problems)
    problems.raise_first()
    rows = usda.iloc[at]
    out = pd.DataFrame({"food_id": cur["food_id"].astype("str"), "name": cur["name"], "fdc_id": fdc,
                        "data_type": "SR Legacy", "usda_description": rows["description"].to_numpy()})
    for column in _WRITTEN:
        out[column] = cur[column]
    missing_label = _blank(label)
    out["serving_label"] = label.where(~missing_label, [f"{float(g):g} g" if m else "" for g, m in
                                                        zip(grams, missing_label)])
    out["serving_g"] = grams
    unit_given = cur["purchase_unit_g"].notna() | cur["purchase_unit"].notna()
    out["purchase_unit"] = cur["purchase_unit"].where(unit_given, out["serving_label"])
    out["purchase_unit_g"] = cur["purchase_unit_g"].where(unit_given, grams)
    out["aisle"] = cur["aisle"].where(~_blank(cur["aisle"]), "pantry")
    out["buy_as"] = cur["buy_as"].where(~_blank(cur["buy_as"]), cur["name"])
    out["buy_g_per_g"] = buy_g_per_g
    for column, values in price.items():
        out[column] = values
    for n in schema.NUTRIENT_COLUMNS:
        out[n] = rows[n].to_numpy()
    return out.set_index("food_id")
