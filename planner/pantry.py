"""The pantry table (what a person already has) and the one check of its rows.

The shopping list reads a pantry from a CSV file or the app's table editor (``planner.shopping``); the
store saves it (``planner.store``). Both check it here, so a row is valid or not, with the same message,
wherever it comes from. Columns: ``food_or_product``, ``amount`` (a number of ``unit``), ``unit`` (g, kg,
oz, lb or a purchase unit such as 'can' or 'bag'); the header is read case-insensitively.
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from planner.errors import PantryError

PANTRY_COLUMNS: tuple[str, ...] = ("food_or_product", "amount", "unit")
_UNIT_TEXT = re.compile(r"[a-z][a-z .()/0-9-]{0,40}")


def is_blank(value: Any) -> bool:
    """True for a cell with nothing in it: None, NA, NaN or only spaces."""
    return (value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
            or (isinstance(value, str) and not value.strip()))


def _name(value: Any, at: str) -> str:
    if is_blank(value):
        raise PantryError(f"{at}, column 'food_or_product': empty; name a food or product, "
                          "e.g. 'Almonds' or 'brown_rice_cooked'")
    return " ".join(str(value).split())


def _amount(value: Any, at: str, complete: bool) -> float:
    if is_blank(value):
        if complete:
            raise PantryError(f"{at}, column 'amount': empty; write how much you have, e.g. 200")
        return math.nan
    try:
        amount = float(str(value).strip())
    except (TypeError, ValueError):
        amount = math.nan
    if not math.isfinite(amount):
        raise PantryError(f"{at}, column 'amount': '{value}' is not a number; write e.g. 200 or 1.5")
    if amount < 0:
        raise PantryError(f"{at}, column 'amount': {value} must be 0 or more, e.g. 200")
    return amount


def _unit(value: Any, at: str, complete: bool) -> str | None:
    if is_blank(value):
        if complete:
            raise PantryError(f"{at}, column 'unit': empty; use g, kg, oz, lb or the product's purchase unit "
                              "such as 'can', 'bag' or 'unit'")
        return None
    text = " ".join(str(value).strip().lower().split())
    if not _UNIT_TEXT.fullmatch(text):
        raise PantryError(f"{at}, column 'unit': '{value}' is not a unit; use g, kg, oz, lb or a purchase unit "
                          "such as 'can', 'bag' or 'unit'")
    return text


def check_pantry(df: Any, where: str, *, first_row: int = 1, complete: bool = True) -> pd.DataFrame:
    """Checked pantry rows, or PantryError naming ``where``, the row (counted from ``first_row``) and column.

    Returns food_or_product (string, spaces collapsed), amount (float64), unit (string, lower case), then any
    other columns as given. Fully blank rows are dropped (row numbers still count them). ``complete``: every
    row needs an amount and a unit (a shopping list subtracts them); a saved pantry may leave them unknown
    (``complete=False``: NaN and <NA>).
    """
    if not isinstance(df, pd.DataFrame):
        raise PantryError(f"{where}: not a table; the pantry must be a table (DataFrame) with columns "
                          f"{', '.join(PANTRY_COLUMNS)}")
    cols = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in PANTRY_COLUMNS if c not in cols]
    if missing:
        raise PantryError(f"{where}: missing column(s) {', '.join(missing)}; the header must be "
                          "food_or_product,amount,unit (e.g. 'Almonds,200,g')")
    extras = [c for c in df.columns if c not in {cols[c] for c in PANTRY_COLUMNS}]
    rows = df.reset_index(drop=True)
    kept, products, amounts, units = [], [], [], []
    for pos, rec in enumerate(rows.to_dict("records")):
        if all(is_blank(v) for v in rec.values()):
            continue
        at = f"{where}, row {first_row + pos}"
        products.append(_name(rec[cols["food_or_product"]], at))
        amounts.append(_amount(rec[cols["amount"]], at, complete))
        units.append(_unit(rec[cols["unit"]], at, complete))
        kept.append(pos)
    out = pd.DataFrame({"food_or_product": pd.Series(products, dtype="string"),
                        "amount": pd.Series(amounts, dtype="float64"),
                        "unit": pd.Series(units, dtype="string")})
    for c in extras:
        out[c] = rows[c].iloc[kept].reset_index(drop=True)
    return out


__all__ = ["PANTRY_COLUMNS", "check_pantry", "is_blank"]
