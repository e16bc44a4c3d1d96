"""The Foods tab: the food table (search, category filter, sort), user food upload, FDC find-a-food."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from foods import fdc
from foods.errors import MagplanError
from foods.files import size_text
from foods.load import MAX_USER_TABLE_BYTES, load_user_foods
from foods.schema import CATEGORIES
from foods.user import add_user_foods
from ui.common import clear_food_cache, safe_md

SORTS = {
    "Magnesium per serving": "Mg per serving (mg)",
    "Magnesium per 100 kcal": "Mg per 100 kcal (mg)",
    "Magnesium per dollar": "Mg per $ (mg)",
    "Name": "Food",
}


def food_view_table(foods: pd.DataFrame) -> pd.DataFrame:
    """The columns people compare foods by (derived straight from the food table's per-100 g values)."""
    mg100 = foods["magnesium_mg"].astype("float64")
    kcal100 = foods["energy_kcal"].astype("float64")
    price100 = foods["price_usd_per_100g"].astype("float64")
    out = pd.DataFrame({
        "Food": foods["name"].astype(str),
        "Category": foods["category"].astype(str).str.replace("_", " "),
        "Serving": foods["serving_label"].astype(str),
        "Mg per serving (mg)": (mg100 * foods["serving_g"] / 100).round(1),
        "Mg per 100 kcal (mg)": (mg100 / kcal100.where(kcal100 > 0) * 100).round(1),
        "Mg per $ (mg)": (mg100 / price100.where(price100 > 0)).round(0),
        "kcal per serving": (kcal100 * foods["serving_g"] / 100).round(0),
        "Mg per 100 g (mg)": mg100.round(1),
        "Source": foods["data_type"].astype(str),
    }, index=foods.index)
    out.index.name = "food_id"
    return out


def render_table(foods: pd.DataFrame) -> None:
    c = st.columns([2, 2, 1.4])
    query = c[0].text_input("Search foods", key="foods_search", placeholder="e.g. seeds, spinach, beans")
    present = [cat for cat in CATEGORIES if cat in set(foods["category"].astype(str))]
    cats = c[1].multiselect("Categories", present, key="foods_categories",
                            format_func=lambda s: s.replace("_", " "), placeholder="all categories")
    sort = c[2].selectbox("Sort by", list(SORTS), key="foods_sort")
    table = food_view_table(foods)
    if query:
        q = query.strip().lower()
        hay = (foods["name"].astype(str) + " " + foods["usda_description"].astype(str) + " "
               + foods["category"].astype(str)).str.lower()
        table = table[hay.str.contains(q, regex=False).to_numpy()]
    if cats:
        table = table[foods.loc[table.index, "category"].astype(str).isin(cats).to_numpy()]
    col = SORTS[sort]
    table = table.sort_values(col, ascending=(col == "Food"), na_position="last")
    st.dataframe(
        table, key="foods_table", width="stretch", height=min(38 + 35 * len(table), 560),
        column_config={
            "Mg per serving (mg)": st.column_config.ProgressColumn(
                "Mg per serving", format="%.0f mg", min_value=0,
                max_value=float(max(1.0, table["Mg per serving (mg)"].max() if len(table) else 1.0))),
            "Mg per 100 kcal (mg)": st.column_config.NumberColumn("Mg per 100 kcal", format="%.0f mg"),
            "Mg per $ (mg)": st.column_config.NumberColumn("Mg per dollar", format="%.0f mg",
                                                           help="Empty: no real price for this food."),
            "Mg per 100 g (mg)": st.column_config.NumberColumn("Mg per 100 g", format="%.0f mg"),
        })
    st.caption(f"{len(table)} of {len(foods)} foods. Nutrients from USDA FoodData Central (SR Legacy) by fdc_id; "
               "an empty cell means no measured value, not zero.")


def _upload(uploaded) -> None:
    """Validate an uploaded user food table; on success add it to the person's foods."""
    ss = st.session_state
    if uploaded.size > MAX_USER_TABLE_BYTES:  # refused before anything is read or parsed
        ss.upload_result = ("error", f"{uploaded.name} was not added: it is {size_text(uploaded.size)}; food tables "
                                     f"up to {size_text(MAX_USER_TABLE_BYTES)} are accepted.")
        return
    data = uploaded.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(uploaded.name).name
        path.write_bytes(data)
        try:
            table = load_user_foods(path)
        except MagplanError as exc:
            ss.upload_result = ("error", f"{uploaded.name} was not added. {str(exc).replace(str(path), uploaded.name)}")
            return
        except Exception as exc:  # never a traceback: any reader failure is a message
            ss.upload_result = ("error", f"{uploaded.name} could not be read as a food table ({exc}).")
            return
        try:
            add_user_foods(table)
        except MagplanError as exc:
            ss.upload_result = ("error", f"{uploaded.name} was not added. {exc}")
            return
    clear_food_cache()
    ss.upload_result = ("success", f"Added {len(table)} food(s) from {uploaded.name}: "
                                   f"{', '.join(map(str, table['name'].head(5)))}"
                                   f"{' …' if len(table) > 5 else ''}. They are usable in plans and swaps now.")


def render_upload() -> None:
    ss = st.session_state
    st.markdown("**Add your own foods (CSV)**")
    st.caption("One food per row: food_id, name, fdc_id plus serving and tags, or full nutrients per 100 g. "
               "Each problem is reported with its row and column.")
    uploaded = st.file_uploader("User food table (CSV)", type=["csv"], key="food_upload",
                                label_visibility="collapsed")
    if uploaded is not None and ss.get("upload_seen") != (uploaded.name, uploaded.size, uploaded.file_id):
        ss.upload_seen = (uploaded.name, uploaded.size, uploaded.file_id)
        _upload(uploaded)
    result = ss.get("upload_result")
    if result:
        getattr(st, result[0])(safe_md(result[1]))


def _on_fdc_add(fdc_id: int, description: str) -> None:
    ss = st.session_state
    try:
        added = fdc.import_foods([fdc_id])
    except MagplanError as exc:
        ss.fdc_result = ("error", f"Could not add {description}: {exc}")
        return
    except Exception as exc:
        ss.fdc_result = ("error", f"Could not add {description} ({type(exc).__name__}: {exc}).")
        return
    clear_food_cache()
    ss.fdc_result = ("success", f"Added {description} (FDC {fdc_id}); it is usable in plans and swaps now.")
    del added


def render_fdc() -> None:
    ss = st.session_state
    st.markdown("**Find a food in USDA FoodData Central**")
    c = st.columns([4, 1])
    query = c[0].text_input("Food to find", key="fdc_query", placeholder="e.g. hemp seeds",
                            label_visibility="collapsed")
    if c[1].button("Search", key="fdc_search", width="stretch") and query.strip():
        try:
            ss.fdc_hits = fdc.FDCClient().search(query.strip())
            ss.fdc_result = None
        except MagplanError as exc:
            ss.fdc_hits, ss.fdc_result = None, ("error", f"Search failed: {exc}")
        except Exception as exc:
            ss.fdc_hits, ss.fdc_result = None, ("error", f"Search failed ({type(exc).__name__}: {exc}).")
    hits = ss.get("fdc_hits")
    if hits is not None:
        rows = hits.to_dict("records") if isinstance(hits, pd.DataFrame) else [
            h if isinstance(h, dict) else vars(h) for h in hits]
        if not rows:
            st.caption("No match; try fewer or other words.")
        for r in rows[:10]:
            fid = int(r.get("fdc_id") or r.get("fdcId"))
            desc = str(r.get("description") or r.get("name") or fid)
            mg = r.get("magnesium_mg_per_100g", r.get("magnesium_mg"))
            cc = st.columns([5, 2, 1])
            kind = safe_md(r.get("data_type") or r.get("dataType") or "")
            brand = r.get("brand")
            cc[0].markdown(f"{safe_md(desc)}  \n<span style='color:gray;font-size:0.85em'>FDC {fid} · {kind}"
                           + (f" · {safe_md(brand)}" if brand else "") + "</span>", unsafe_allow_html=True)
            cc[1].caption(f"{mg:.0f} mg Mg / 100 g" if isinstance(mg, (int, float)) and mg == mg else "")
            cc[2].button("Add", key=f"fdc_add_{fid}", on_click=_on_fdc_add, args=(fid, desc))
    result = ss.get("fdc_result")
    if result:
        getattr(st, result[0])(safe_md(result[1]))


def render(foods: pd.DataFrame) -> None:
    render_table(foods)
    st.divider()
    c = st.columns(2)
    with c[0]:
        render_upload()
    with c[1]:
        render_fdc()
