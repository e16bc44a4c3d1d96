"""The pantry: what a person already has, one row per food or product, in the order they gave."""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from planner.errors import StoreError
from planner.store.database import Database, _json_value

PANTRY_COLUMNS: tuple[str, ...] = ("food_or_product", "amount", "unit")


class PantryStore(Database):
    """The saved pantry."""

    @staticmethod
    def _pantry_records(rows: pd.DataFrame) -> list[tuple[str, float | None, str | None, str | None]]:
        if not isinstance(rows, pd.DataFrame):
            raise StoreError(f"the pantry must be a table (DataFrame) with columns {', '.join(PANTRY_COLUMNS)}")
        missing = [c for c in PANTRY_COLUMNS if c not in rows.columns]
        if missing:
            raise StoreError(f"the pantry table lacks column(s) {', '.join(missing)}; it needs "
                             f"{', '.join(PANTRY_COLUMNS)}, e.g. 'almonds', 200, 'g'")
        extras = [c for c in rows.columns if c not in PANTRY_COLUMNS]
        out = []
        for pos, rec in enumerate(rows.to_dict("records"), start=1):
            food = rec["food_or_product"]
            if not isinstance(food, str) or not food.strip():
                raise StoreError(f"pantry row {pos}: food_or_product is {food!r}; give a food or product name, "
                                 "e.g. 'almonds'")
            amount = rec["amount"]
            if amount is None or amount is pd.NA or (isinstance(amount, float) and math.isnan(amount)):
                amount = None
            else:
                try:
                    amount = float(amount)
                except (TypeError, ValueError, OverflowError):
                    raise StoreError(f"pantry row {pos} ({food}): amount is {amount!r}; give a number of units, "
                                     "e.g. 200") from None
                if not math.isfinite(amount) or amount < 0:
                    raise StoreError(f"pantry row {pos} ({food}): amount is {amount}; it must be 0 or more, "
                                     "e.g. 200")
            unit = rec["unit"]
            if unit is None or unit is pd.NA or (isinstance(unit, float) and math.isnan(unit)):
                unit = None
            elif not isinstance(unit, str):
                raise StoreError(f"pantry row {pos} ({food}): unit is {unit!r}; give a unit as text, e.g. 'g'")
            extra = None
            if extras:
                values = {}
                for c in extras:
                    v = rec[c]
                    if v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                        v = None
                    elif hasattr(v, "item"):  # numpy scalars
                        v = v.item()
                    values[str(c)] = v
                extra = _json_value(values, f"pantry row {pos} ({food})")
            out.append((food, amount, unit, extra))
        return out

    def save_pantry(self, rows: pd.DataFrame) -> None:
        """Replace the pantry with ``rows`` (columns food_or_product, amount, unit; extra columns are kept)."""
        records = self._pantry_records(rows)
        with self._write("save the pantry") as conn:
            conn.execute("DELETE FROM pantry")
            conn.executemany("INSERT INTO pantry (position, food_or_product, amount, unit, extra_json) "
                             "VALUES (?, ?, ?, ?, ?)", [(i, *r) for i, r in enumerate(records)])

    def load_pantry(self) -> pd.DataFrame:
        """The pantry: food_or_product (string), amount (float, NaN unknown), unit (string), then extra columns."""
        with self._read("load the pantry") as conn:
            rows = conn.execute("SELECT food_or_product, amount, unit, extra_json FROM pantry "
                                "ORDER BY position").fetchall()
        records = []
        for food, amount, unit, extra in rows:
            rec: dict[str, Any] = {"food_or_product": food, "amount": amount, "unit": unit}
            if extra:
                try:
                    rec.update({k: v for k, v in json.loads(extra).items() if k not in PANTRY_COLUMNS})
                except (ValueError, AttributeError):
                    pass
            records.append(rec)
        df = pd.DataFrame.from_records(records, columns=None if records else list(PANTRY_COLUMNS))
        for c in PANTRY_COLUMNS:
            if c not in df.columns:
                df[c] = None
        df["food_or_product"] = df["food_or_product"].astype("string")
        df["amount"] = pd.to_numeric(df["amount"], errors="coerce").astype("float64")
        df["unit"] = df["unit"].astype("string")
        return df[[*PANTRY_COLUMNS, *[c for c in df.columns if c not in PANTRY_COLUMNS]]]

