"""Shared helpers of the app's views: optional capabilities, cached food table, plan flattening."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pandas as pd
import streamlit as st

import foods
from foods.paths import user_foods_path

SLOT_LABELS = {"breakfast": "Breakfast", "lunch": "Lunch", "dinner": "Dinner", "snack": "Snack"}


def capability(module: str, *names: str) -> ModuleType | None:
    """The module if it exists and has every name in ``names``; None while it has not landed yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    if all(hasattr(mod, n) for n in names):
        return mod
    return None


@st.cache_data(show_spinner="Loading the food table…", max_entries=4)
def _food_table(user_path: str, stamp: int) -> pd.DataFrame:
    user = capability("foods.user", "load_all_foods")
    if user is not None:
        return user.load_all_foods(user_path=user_path)
    return foods.load_foods()


def food_table() -> pd.DataFrame:
    """Curated foods plus the person's own foods (user table), as one table indexed by food_id.

    Cached by the user table's path and modification time, so an added food shows up at once.
    """
    path = user_foods_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _food_table(str(path), stamp)


def clear_food_cache() -> None:
    _food_table.clear()


def slot_label(slot: str) -> str:
    return SLOT_LABELS.get(slot, slot.replace("_", " ").capitalize())


def fmt(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    text = f"{value:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def plan_items_frame(plan: Any) -> pd.DataFrame:
    """One row per plan item: day, slot, and the item's own fields (for charts and tables)."""
    rows: list[dict[str, Any]] = []
    for d in plan.days:
        for m in d.meals:
            for i in m.items:
                rows.append({"day": d.day, "slot": m.slot, **vars(i)})
    return pd.DataFrame(rows)
