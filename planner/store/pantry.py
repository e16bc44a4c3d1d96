"""The pantry: what a person already has, one row per food or product, in the order they gave."""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from planner.errors import PantryError, StoreError
from planner.pantry import PANTRY_COLUMNS, check_pantry, is_blank
from planner.store.database import Database, json_text


def plain_value(value: Any) -> Any:
    """A cell as a plain JSON value: NaN and NA become None, numpy numbers Python numbers."""
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


class PantryStore(Database):
    """The saved pantry."""

    @staticmethod
    def _pantry_records(rows: Any, where: str = "pantry table") -> list[tuple[str, float | None, str | None,
                                                                             str | None]]:
        """The rows to store, checked by ``planner.pantry.check_pantry``; an amount or unit may be unknown."""
        try:
            table = check_pantry(rows, where, complete=False)
        except PantryError as exc:
            raise StoreError(str(exc)) from None
        extras = [c for c in table.columns if c not in PANTRY_COLUMNS]
        out = []
        for rec in table.to_dict("records"):
            food = str(rec["food_or_product"])
            amount = None if is_blank(rec["amount"]) else float(rec["amount"])
            unit = None if is_blank(rec["unit"]) else str(rec["unit"])
            extra = None
            if extras:
                values = {str(c): plain_value(rec[c]) for c in extras}
                extra = json_text(values, f"{where}, the row of {food!r}")
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

