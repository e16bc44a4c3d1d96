"""planner.pantry: one check of pantry rows, the same for the shopping list and the saved pantry."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.errors import PantryError, StoreError
from planner.pantry import check_pantry
from planner.shopping import check_pantry_frame
from planner.store import Store


def _rows(food: object, amount: object, unit: object) -> pd.DataFrame:
    return pd.DataFrame({"food_or_product": ["Oats", food], "amount": [500, amount], "unit": ["g", unit]})


@pytest.mark.parametrize("rows, message", [
    (_rows("  ", 1, "g"), "pantry table, row 2, column 'food_or_product': empty; name a food or product"),
    (_rows("Nuts", "lots", "g"), "pantry table, row 2, column 'amount': 'lots' is not a number; write e.g. 200"),
    (_rows("Nuts", -1, "g"), "pantry table, row 2, column 'amount': -1 must be 0 or more, e.g. 200"),
    (_rows("Nuts", float("inf"), "g"), "pantry table, row 2, column 'amount': 'inf' is not a number"),
    (_rows("Nuts", 1, "#?"), "pantry table, row 2, column 'unit': '#?' is not a unit; use g, kg, oz, lb"),
    (pd.DataFrame({"food": ["Nuts"]}), "pantry table: missing column(s) food_or_product, amount, unit"),
])
def test_the_store_and_the_shopping_list_refuse_a_row_with_the_same_message(tmp_path, rows, message):
    with pytest.raises(PantryError) as shopping:
        check_pantry_frame(rows)
    with Store(tmp_path / "p.db") as store, pytest.raises(StoreError) as saved:
        store.save_pantry(rows)
    assert str(shopping.value) == str(saved.value)
    assert str(shopping.value).startswith(message)


def test_only_a_shopping_list_needs_every_amount_and_unit(tmp_path):
    rows = _rows("Salt", np.nan, None)
    with pytest.raises(PantryError, match=r"pantry table, row 2, column 'amount': empty; write how much"):
        check_pantry_frame(rows)
    with Store(tmp_path / "p.db") as store:
        store.save_pantry(rows)
        saved = store.load_pantry()
    assert saved["food_or_product"].tolist() == ["Oats", "Salt"]
    assert np.isnan(saved["amount"].iloc[1]) and pd.isna(saved["unit"].iloc[1])


def test_names_and_units_are_tidied_and_blank_rows_dropped_but_counted():
    rows = pd.DataFrame({" Food_or_Product": [" Black   beans ", None, "Rice"], "AMOUNT": ["2", None, "x"],
                         "Unit": [" Cans", None, "g"], "note": ["for chili", None, None]})
    with pytest.raises(PantryError, match=r"where, row 4, column 'amount': 'x'"):  # row 3 is blank
        check_pantry(rows, "where", first_row=2)
    out = check_pantry(rows.iloc[:2], "where")
    assert out.to_dict("list") == {"food_or_product": ["Black beans"], "amount": [2.0], "unit": ["cans"],
                                   "note": ["for chili"]}
