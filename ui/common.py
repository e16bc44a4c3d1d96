"""Shared helpers of the app's views: cached food and dish tables, plan flattening."""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import streamlit as st

from foods.dishes import DishTables, load_all_dishes
from foods.paths import user_dishes_path, user_foods_path
from foods.user import load_all_foods
from planner.model import DISH_PLAN_VERSION

PORTION_CHOICES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)  # a dish's portions, in quarters


@st.cache_data(show_spinner="Loading the food table…", max_entries=4)
def _food_table(user_path: str, stamp: int) -> pd.DataFrame:
    return load_all_foods(user_path=user_path)


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


# Characters that Streamlit's Markdown (CommonMark + GFM + directives + math) or HTML would read as markup.
_MARKUP = frozenset("\\`*_[]{}!:$~|#<>&\"'\n\r")
_LEADING = frozenset("-+=")


def safe_md(text: object) -> str:
    """User text (a plan or food name, a file name, an error that quotes them) shown as text, never markup.

    Every character Markdown or HTML could read as syntax becomes a character reference, which Markdown
    decodes after parsing: ``[x](http://..)`` stays text (no live link), ``![p](..)`` no remote image,
    ``:red[..]`` no styling, ``$..$`` no formula, ``<img ..>`` no HTML, a newline no break-out of an HTML
    block. Safe inside ``unsafe_allow_html`` blocks too (it HTML-escapes). Bare web addresses are not
    auto-linked either.
    """
    s = str(text)
    out = []
    for i, ch in enumerate(s):
        if ch in "<>&\"'":
            out.append(html.escape(ch))
        elif ch in _MARKUP or (i == 0 and ch in _LEADING):
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    escaped = "".join(out)
    escaped = re.sub(r"^(\d+)([.)])", lambda m: f"{m.group(1)}&#{ord(m.group(2))};", escaped)  # '1. ' lists
    return re.sub(r"(?i)\b(www)\.", r"\1&#46;", escaped)  # GFM links bare www. addresses


def meets_target(magnesium_mg, target_mg: float):
    """A day's magnesium meets its target (within the half milligram that rounding shows as the target).

    Takes a number or a pandas Series of numbers.
    """
    return magnesium_mg >= target_mg - 0.5


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


@st.cache_data(show_spinner="Loading the dish library…", max_entries=4)
def _library(_foods: pd.DataFrame, foods_key: str, user_stamp: int) -> DishTables:
    return load_all_dishes(_foods)


def dish_library(foods: pd.DataFrame) -> DishTables:
    """The shipped dishes plus the person's own, cached by the food table and the user dish file's mtime."""
    try:
        stamp = user_dishes_path().stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = f"{len(foods)}:{pd.util.hash_pandas_object(foods['fdc_id'], index=True).sum()}"
    return _library(foods, key, stamp)


def is_dish_plan(plan: Any) -> bool:
    """True for a plan made of dishes (format version 2); False for an old food-level plan."""
    return getattr(plan, "version", 1) >= DISH_PLAN_VERSION


def plan_dishes_frame(plan: Any) -> pd.DataFrame:
    """One row per dish of the plan: day, slot, dish_id, name, role, portions and what it brings.

    A version-1 plan's items are one-ingredient dishes (``Meal.dishes``), so this reads both versions.
    """
    rows: list[dict[str, Any]] = []
    for d in plan.days:
        for m in d.meals:
            for x in m.dishes:
                rows.append({"day": d.day, "slot": m.slot, "dish_id": x.dish_id, "name": x.name, "role": x.role,
                             "portions": x.portions, "grams": x.grams,
                             **{n: x.value(n) for n in ("magnesium_mg", "energy_kcal", "protein_g", "cost_usd")}})
    return pd.DataFrame(rows, columns=["day", "slot", "dish_id", "name", "role", "portions", "grams",
                                       "magnesium_mg", "energy_kcal", "protein_g", "cost_usd"])


def download_row(files: list[tuple[str, str, str, str, str]]) -> None:
    """One row of equal download buttons, each (label, data, file name, MIME type, key)."""
    for col, (label, data, file_name, mime, key) in zip(st.columns(len(files)), files):
        col.download_button(label, data, file_name=file_name, mime=mime, key=key, icon=":material/download:",
                            width="stretch")
