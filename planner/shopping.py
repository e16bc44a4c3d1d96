"""Aggregate a plan into what to buy: one row per product, in whole purchase units, grouped by aisle.

The items of a plan are its foods: for a plan made of dishes (format 2), each dish's ingredients for its
portions (``Meal.items`` flattens ``Meal.dishes``), so a dish eaten once is bought once.

How a plan item becomes a purchase:

1. grams eaten x ``buy_g_per_g`` = grams of the product bought (cooked brown rice -> dry rice, cooked
   beans -> dried beans or cans, whichever the food's ``buy_as``/``purchase_unit`` says);
2. summed per product (``buy_as``, compared case-insensitively; several foods can share one product);
3. times ``people``; minus what the pantry already holds (before rounding);
4. rounded UP to whole purchase units (``purchase_unit``, ``purchase_unit_g``); never fractional units.

Cost of a row = cost of what is bought: units x purchase_unit_g / 100 x price per 100 g of the product,
where price per 100 g of product = ``price_usd_per_100g`` (per 100 g as eaten) / ``buy_g_per_g``
(grams-weighted over the foods that share the product). A product with no price gets NaN and "no price";
the list's total leaves it out and says how many rows lack a price. Prices are nominal dollars of each
source's year (PP-NAP 2017/18, ERS 2022, BLS 2024): an estimate, not a quote.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from foods.files import MIB, read_limited
from foods.schema import AISLES, number_or_nan
from planner.cook_once import FRIDGE_DAYS_MAX
from planner.errors import PantryError, ShoppingError
from planner.model import WeekPlan, check_number
from planner.pantry import PANTRY_COLUMNS, check_pantry
from planner.purchase_units import MASS_UNITS_G, PurchaseUnit, parse_purchase_unit, units_needed

STATUS_BUY = "buy"
STATUS_HAVE = "already have"
STATUS_FREE = "nothing to buy"  # e.g. tap water

# Columns of ShoppingList.rows, in order.
SHOPPING_COLUMNS: tuple[str, ...] = (
    "aisle",            # one of foods.schema.AISLES
    "product",          # what to buy (the foods' buy_as)
    "foods",            # the plan foods it is for, '; '-separated
    "status",           # "buy", "already have" (pantry) or "nothing to buy" (tap water)
    "needed_g",         # grams of product needed (x people, minus pantry), before rounding
    "needed_text",      # friendly: "340 g (12 oz)", "2.5 bananas (295 g)"
    "pantry_g",         # grams of product taken from the pantry
    "units",            # whole purchase units to buy (int)
    "purchase_unit",    # e.g. "1 lb bag"
    "purchase_unit_g",  # grams in one purchase unit
    "purchase_text",    # e.g. "2 bags (1 lb)", "3 bananas", "12 eggs"
    "bought_g",         # units x purchase_unit_g
    "leftover_g",       # bought_g - needed_g
    "leftover_text",    # friendly leftover
    "price_usd_per_100g",  # per 100 g of the product as bought (NaN: no price)
    "cost_usd",         # units x purchase_unit_g / 100 x price (NaN: no price)
    "price_source",     # '; '-separated sources of the foods' prices ('none' if no price)
    "price_year",       # latest year among the prices used (<NA> if no price)
)

SOURCE_LABELS: dict[str, str] = {
    "ppnap": "USDA ERS PP-NAP", "ers": "USDA ERS Fruit and Vegetable Prices", "bls": "BLS average prices",
    "user": "your own prices",
}


@dataclass(frozen=True, eq=False)
class ShoppingList:
    """What to buy. ``rows`` has SHOPPING_COLUMNS, ordered by aisle (schema.AISLES) then product."""

    rows: pd.DataFrame
    total_cost_usd: float
    price_note: str
    notes: tuple[str, ...] = ()
    rows_without_price: int = 0
    people: int = 1
    days: tuple[int, ...] = ()
    # A household plan: its people (the amounts are already for all of them; each dish is bought once).
    household: tuple[str, ...] = ()
    # 'Cook in batches / left over' lines (planner.batches.batch_notes; set by a front end that has the dishes).
    batches: tuple[str, ...] = ()

    def total_text(self) -> str:
        """'Estimated total: $12.34' plus how many rows have no price."""
        text = f"Estimated total: ${self.total_cost_usd:,.2f}"
        if self.rows_without_price:
            n = self.rows_without_price
            text += f" (plus {n} item{'s' if n != 1 else ''} with no price)"
        return text


# --- days ----------------------------------------------------------------------------------------
def parse_days(text: str, n_days: int) -> tuple[int, ...]:
    """'1-3,5' -> (1, 2, 3, 5) for a plan of ``n_days`` days (sorted, no repeats); clear errors."""
    if text is None or not str(text).strip():
        raise ShoppingError(f"--days is empty; give days like '1-3,5' (the plan has days 1-{n_days})")
    out: set[int] = set()
    for part in str(text).split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if not m:
            raise ShoppingError(f"days '{text}': '{part}' is not a day or a range; write e.g. '1-3,5'")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if last < first:
            raise ShoppingError(f"days '{text}': range '{part}' runs backwards; write it as '{last}-{first}'")
        for d in (first, last):
            if not 1 <= d <= n_days:
                raise ShoppingError(f"days '{text}': day {d} is outside the plan (days 1-{n_days}); e.g. '1-{n_days}'")
        out.update(range(first, last + 1))
    return tuple(sorted(out))


def _select_days(plan: WeekPlan, days: str | Iterable[int] | None) -> tuple[int, ...]:
    have = [d.day for d in plan.days]
    if days is None:
        return tuple(have)
    if isinstance(days, str):
        chosen = parse_days(days, max(have) if have else 0)
    else:
        chosen = tuple(sorted({int(d) for d in days}))
    missing = [d for d in chosen if d not in have]
    if missing:
        raise ShoppingError(f"day {missing[0]} is not in the plan (it has days {', '.join(map(str, have))}); "
                            "e.g. days='1-3'")
    if not chosen:
        raise ShoppingError("no days chosen; give at least one day, e.g. days='1-3'")
    return chosen


# --- pantry --------------------------------------------------------------------------------------
MAX_PANTRY_BYTES = 1 * MIB  # thousands of pantry rows


def read_pantry_csv(path: str | Path) -> pd.DataFrame:
    """Read a pantry CSV (columns food_or_product, amount, unit); PantryError names the row and column.

    Units: g, kg, oz, lb, or the product's purchase unit ('bag', 'can', 'bunch', 'egg', 'unit'). Row numbers
    are CSV line numbers (header = line 1).
    """
    path = Path(path)
    if not path.is_file():
        raise PantryError(f"{path}: file not found; give a CSV with the header food_or_product,amount,unit")
    try:
        data = read_limited(path, MAX_PANTRY_BYTES, what="a pantry table", error=PantryError)
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         skip_blank_lines=False)
    except OSError as exc:
        raise PantryError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except pd.errors.EmptyDataError:
        raise PantryError(f"{path}: the file is empty; it needs the header food_or_product,amount,unit") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise PantryError(f"{path}: cannot read it as a UTF-8 CSV ({str(exc).splitlines()[0]})") from None
    df = df.replace({"": np.nan})
    return check_pantry(df, str(path), first_row=2)[list(PANTRY_COLUMNS)]


def check_pantry_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Validate a pantry DataFrame (e.g. from st.data_editor); fully empty rows are dropped."""
    if df is None or len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(PANTRY_COLUMNS, ("string", "float64", "string"))})
    return check_pantry(df, "pantry table")[list(PANTRY_COLUMNS)]


# --- the list ------------------------------------------------------------------------------------
def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _gather(plan: WeekPlan, foods: pd.DataFrame, chosen: tuple[int, ...]) -> dict[str, float]:
    """food_id -> grams eaten over the chosen days, in first-seen order."""
    eaten: dict[str, float] = {}
    for day in plan.days:
        if day.day not in chosen:
            continue
        for meal in day.meals:
            for item in meal.items:
                if item.food_id not in foods.index:
                    raise ShoppingError(f"plan day {day.day}, {meal.slot}: food '{item.food_id}' ({item.name}) is not "
                                        "in the food table; add it with --foods FOODS.csv or import it "
                                        "(e.g. 'magplan foods import')")
                eaten[item.food_id] = eaten.get(item.food_id, 0.0) + float(item.grams)
    return eaten


def pantry_food_ids(pantry: pd.DataFrame, foods: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the food ids a pantry holds some of, the pantry rows that name no known food or product). A row names
    a food id, a food's name or the product it is bought as (a bag of oats holds every food bought as that
    bag); rows with amount 0 hold nothing."""
    keys = {_key(str(r.food_or_product)): str(r.food_or_product) for r in pantry.itertuples(index=False)
            if float(r.amount) > 0}
    found: dict[str, None] = {}
    known: set[str] = set()
    for fid, name, product in zip(foods.index, foods["name"], foods["buy_as"]):
        hit = set(keys) & {_key(fid), _key(name), _key(product)}
        if hit:
            found[str(fid)] = None
            known |= hit
    return tuple(found), tuple(text for k, text in keys.items() if k not in known)


def _pantry_grams(pantry: pd.DataFrame, foods: pd.DataFrame, products: Mapping[str, dict[str, Any]],
                  notes: list[str]) -> dict[str, float]:
    """product key -> grams of product in the pantry (only products on the list)."""
    by_food = {_key(fid): fid for fid in foods.index}
    by_name = {_key(n): fid for fid, n in foods["name"].items()}
    by_product = {_key(p): fid for fid, p in foods["buy_as"].items()}
    have: dict[str, float] = {}
    for row in pantry.itertuples(index=False):
        name, amount, unit = str(row.food_or_product), float(row.amount), str(row.unit)
        k = _key(name)
        food_id = by_food.get(k) or by_name.get(k)
        named_food = food_id is not None
        if food_id is None:
            food_id = by_product.get(k)
        if food_id is None:
            notes.append(f"pantry: '{name}' is not a known food or product; it was not subtracted")
            continue
        food = foods.loc[food_id]
        pkey = _key(food["buy_as"])
        if pkey not in products:
            notes.append(f"pantry: '{name}' is not needed on the chosen days; nothing to subtract")
            continue
        prod = products[pkey]
        pu: PurchaseUnit = prod["pu"]
        factor = float(food["buy_g_per_g"]) if named_food and _key(food["buy_as"]) != k else 1.0
        if unit in MASS_UNITS_G:
            # grams of the named food; a cooked food named by its own name is converted to product grams
            grams = amount * MASS_UNITS_G[unit] * factor
        else:
            per = pu.grams_per(unit, prod["unit_g"])
            if per is None:
                words = ", ".join(dict.fromkeys(["g", "kg", "oz", "lb", "unit", *pu.unit_words()]))
                raise PantryError(f"pantry: '{name}' has unit '{unit}', which magplan cannot convert for "
                                  f"'{prod['product']}' (sold as '{pu.text}'); use one of: {words}")
            grams = amount * per
        have[pkey] = have.get(pkey, 0.0) + grams
    return have


def _price_note(sources: Iterable[tuple[str, int | None]]) -> str:
    parts: dict[str, set[int]] = {}
    for source, year in sources:
        if source in ("none", "", None):
            continue
        parts.setdefault(source, set())
        if year is not None:
            parts[source].add(int(year))
    if not parts:
        return "prices: none of these products has a price"
    order = ("ppnap", "ers", "bls", "user")
    texts = []
    for source in sorted(parts, key=lambda s: (order.index(s) if s in order else 99, s)):
        years = sorted(parts[source])
        label = SOURCE_LABELS.get(source, source)
        if source == "ppnap" and years == [2018]:
            texts.append(f"{label} 2017/18")
        else:
            texts.append(f"{label} {'/'.join(map(str, years))}".strip())
    joined = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
    return f"prices: {joined} nominal dollars (not inflation-adjusted; an estimate)"


def shopping_list(plan: WeekPlan, foods: pd.DataFrame, days: str | Iterable[int] | None = None,
                  pantry: pd.DataFrame | None = None, people: int = 1) -> ShoppingList:
    """One row per product to buy for ``days`` of ``plan`` (default all) for ``people``, minus ``pantry``.

    foods needs: name, aisle, purchase_unit, purchase_unit_g, buy_as, buy_g_per_g, price_usd_per_100g,
    price_source, price_year (indexed by food_id). pantry: columns food_or_product, amount, unit.
    """
    if isinstance(people, bool) or not isinstance(people, (int, np.integer)) or people < 1:
        raise ShoppingError(f"people is {people!r}; give a whole number of people, 1 or more, e.g. 2")
    people = int(check_number(int(people), "people", "people is", ShoppingError))
    household = tuple(p.name for p in plan.people)
    if household and people > 1:
        raise ShoppingError(f"the plan is for a household ({', '.join(household)}): its amounts are already for "
                            "everyone; leave people at 1 (drop --people)")
    chosen = _select_days(plan, days)
    notes: list[str] = []
    products = _products(_gather(plan, foods, chosen), foods, people)
    _choose_lead_foods(products, foods, notes)
    have = _pantry_grams(check_pantry_frame(pantry), foods, products, notes) if pantry is not None else {}
    records = []
    price_sources: list[tuple[str, int | None]] = []
    for pkey, prod in products.items():
        records.append(_product_record(prod, have.get(pkey, 0.0), foods, notes, price_sources))
    rows = _frame(records)
    missing = int((rows["status"].eq(STATUS_BUY) & rows["cost_usd"].isna()).sum())
    total = round(float(rows["cost_usd"].fillna(0.0).sum()), 2)
    note = _price_note(price_sources)
    if missing:
        notes.append(f"{missing} of {int(rows['status'].eq(STATUS_BUY).sum())} products have no price; "
                     "the total leaves them out")
    if people > 1:
        notes.append(f"amounts are for {people} people")
    notes += opened_can_notes(rows)
    return ShoppingList(rows=rows, total_cost_usd=total, price_note=note, notes=tuple(dict.fromkeys(notes)),
                        rows_without_price=missing, people=people, days=chosen, household=household)


# A can the plan opens and does not finish (a dietitian found half a can of salmon eaten five days after it was
# opened): what is left keeps 3-4 days in the fridge in a covered container (USDA), or goes in the freezer. The plan
# says 3 everywhere (``cook_once.FRIDGE_DAYS_MAX``: a dietitian found 3 days in one line and 3-4 in another).
OPENED_CAN_NOTE = ("Opened cans ({products}): put what the plan leaves in a covered container; it keeps "
                   f"{FRIDGE_DAYS_MAX} days in the fridge, longer frozen")
CAN_WORDS: tuple[str, ...] = ("can", "tin")


def opened_can_notes(rows: pd.DataFrame) -> list[str]:
    """OPENED_CAN_NOTE for the canned foods (a product named canned, bought by the can: not baking powder's tin)
    bought with some left over; none when there are none."""
    by_can = rows["purchase_unit"].astype(str).str.lower().str.split().map(lambda w: any(c in w for c in CAN_WORDS))
    canned = by_can & rows["product"].astype(str).str.lower().str.contains("canned", regex=False)
    left = rows.loc[canned & rows["status"].eq(STATUS_BUY) & (rows["leftover_g"] > 1e-6), "product"]
    return [OPENED_CAN_NOTE.format(products=", ".join(str(p).lower() for p in left))] if len(left) else []


def _buy_factor(food: pd.Series) -> float:
    """Grams of product bought per gram eaten (``buy_g_per_g``; 1 when missing or not positive)."""
    factor = number_or_nan(food["buy_g_per_g"])
    return 1.0 if not factor > 0 else factor


def _products(eaten: dict[str, float], foods: pd.DataFrame, people: int) -> dict[str, dict[str, Any]]:
    """Product key -> {product, foods, need_g, by_food_g, lead}: the grams eaten, as product grams to buy."""
    products: dict[str, dict[str, Any]] = {}
    for food_id, grams in eaten.items():
        food = foods.loc[food_id]
        buy_g = grams * _buy_factor(food) * people
        pkey = _key(food["buy_as"])
        prod = products.setdefault(pkey, {"product": " ".join(str(food["buy_as"]).split()), "foods": [],
                                          "need_g": 0.0, "by_food_g": {}, "lead": food_id})
        prod["foods"].append(str(food["name"]))
        prod["need_g"] += buy_g
        prod["by_food_g"][food_id] = prod["by_food_g"].get(food_id, 0.0) + buy_g
    return products


def _choose_lead_foods(products: dict[str, dict[str, Any]], foods: pd.DataFrame, notes: list[str]) -> None:
    """Each product's lead food (the most product grams, then the smallest food_id) decides aisle and unit."""
    for prod in products.values():
        lead = sorted(prod["by_food_g"].items(), key=lambda kv: (-round(kv[1], 6), kv[0]))[0][0]
        food = foods.loc[lead]
        prod["lead"] = lead
        prod["aisle"] = str(food["aisle"])
        prod["unit_g"] = float(food["purchase_unit_g"])
        prod["pu"] = parse_purchase_unit(str(food["purchase_unit"]))
        others = {str(foods.loc[f, "purchase_unit"]) for f in prod["by_food_g"]} - {str(food["purchase_unit"])}
        if others:
            notes.append(f"'{prod['product']}': foods name different purchase units; used '{food['purchase_unit']}'")


def _product_price(prod: dict[str, Any], foods: pd.DataFrame,
                   notes: list[str]) -> tuple[float, list[str], list[int | None]]:
    """(USD per 100 g of product, price sources, price years): grams-weighted over the foods with a price."""
    priced_g, priced_usd, srcs, years = 0.0, 0.0, [], []
    for fid, g in prod["by_food_g"].items():
        f = foods.loc[fid]
        p = number_or_nan(f["price_usd_per_100g"])
        if math.isnan(p):
            continue
        priced_g += g
        priced_usd += g * p / _buy_factor(f)
        src = str(f["price_source"]) if "price_source" in f.index and pd.notna(f["price_source"]) else "user"
        yr = f["price_year"] if "price_year" in f.index and pd.notna(f["price_year"]) else None
        srcs.append(src)
        years.append(None if yr is None else int(yr))
    price = priced_usd / priced_g if priced_g > 0 else float("nan")
    if priced_g and priced_g < sum(prod["by_food_g"].values()) - 1e-9:
        notes.append(f"'{prod['product']}': priced from the foods that have a price")
    return price, srcs, years


def _product_record(prod: dict[str, Any], have_g: float, foods: pd.DataFrame, notes: list[str],
                    price_sources: list[tuple[str, int | None]]) -> dict[str, Any]:
    """One shopping row: what to buy after the pantry, in whole purchase units, and what it costs."""
    pu: PurchaseUnit = prod["pu"]
    unit_g = prod["unit_g"]
    pantry_g = min(have_g, prod["need_g"])
    needed = max(prod["need_g"] - have_g, 0.0)
    needed = 0.0 if needed < 1e-9 else needed
    free = pu.kind == "free"
    units = 0 if free else units_needed(needed, unit_g)
    bought = units * unit_g
    price, srcs, years = _product_price(prod, foods, notes)
    cost = float("nan") if math.isnan(price) else round(bought / 100.0 * price, 4)
    if units > 0:
        price_sources.extend(zip(srcs, years))
    return {
        "aisle": prod["aisle"],
        "product": prod["product"],
        "foods": "; ".join(dict.fromkeys(prod["foods"])),
        "status": STATUS_FREE if free else STATUS_BUY if units > 0 else STATUS_HAVE,
        "needed_g": round(needed, 4),
        "needed_text": pu.amount_text(needed, unit_g) if units or free else STATUS_HAVE,
        "pantry_g": round(pantry_g, 4),
        "units": units,
        "purchase_unit": pu.text,
        "purchase_unit_g": unit_g,
        "purchase_text": pu.describe(units) if units or free else STATUS_HAVE,
        "bought_g": round(bought, 4),
        "leftover_g": round(bought - needed, 4),
        "leftover_text": pu.amount_text(bought - needed, unit_g) if units and bought - needed > 1e-6 else "none",
        "price_usd_per_100g": round(price, 6) if not math.isnan(price) else float("nan"),
        "cost_usd": 0.0 if units == 0 else cost,
        "price_source": "; ".join(dict.fromkeys(srcs)) if srcs else "none",
        "price_year": max((y for y in years if y is not None), default=None),
    }


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=list(SHOPPING_COLUMNS))
    order = {a: i for i, a in enumerate(AISLES)}
    if len(df):
        df["_a"] = df["aisle"].map(lambda a: order.get(a, len(AISLES)))
        df["_p"] = df["product"].map(_key)
        df = df.sort_values(["_a", "_p"], kind="mergesort").drop(columns=["_a", "_p"])
    return typed_shopping_frame(df.reset_index(drop=True))


def typed_shopping_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The shopping list's columns with their types: texts as strings, grams and money as floats, units as
    integers, the price year as a nullable integer (changes ``df`` in place and returns it)."""
    for c in ("aisle", "product", "foods", "status", "needed_text", "purchase_unit", "purchase_text",
              "leftover_text", "price_source"):
        df[c] = df[c].astype("string")
    for c in ("needed_g", "pantry_g", "purchase_unit_g", "bought_g", "leftover_g", "price_usd_per_100g", "cost_usd"):
        df[c] = df[c].astype("float64")
    df["units"] = df["units"].astype("int64")
    df["price_year"] = pd.array([None if v is None or pd.isna(v) else int(v) for v in df["price_year"]],
                                dtype="Int64")
    return df


__all__ = [
    "PANTRY_COLUMNS", "SHOPPING_COLUMNS", "STATUS_BUY", "STATUS_FREE", "STATUS_HAVE", "ShoppingList",
    "check_pantry_frame", "parse_days", "read_pantry_csv", "shopping_list", "typed_shopping_frame",
]
