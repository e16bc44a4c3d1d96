"""The Dishes tab: browse and filter the dish library; a dish's ingredients, steps and nutrients on one click."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from foods.dishes import ROLES, DishTables, dish_record, filter_dishes
from foods.errors import MagplanError
from foods.schema import ALLERGENS, DIETS
from ui.common import dish_library, safe_md

ROLE_LABELS = {"breakfast": "Breakfast", "main": "Main (lunch or dinner)", "snack": "Snack or dessert",
               "side": "Side"}
NUTRIENT_ROWS = (  # record key, label, unit, digits
    ("magnesium_mg", "Magnesium", "mg", 0), ("energy_kcal", "Energy", "kcal", 0), ("protein_g", "Protein", "g", 1),
    ("fiber_g", "Fiber", "g", 1), ("sodium_mg", "Sodium", "mg", 0), ("iron_mg", "Iron", "mg", 1),
    ("calcium_mg", "Calcium", "mg", 0), ("potassium_mg", "Potassium", "mg", 0),
    ("vitamin_d_ug", "Vitamin D", "µg", 1), ("vitamin_b12_ug", "Vitamin B12", "µg", 1), ("cost_usd", "Cost", "USD", 2),
)


def dish_view_table(dishes: pd.DataFrame) -> pd.DataFrame:
    """The columns people compare dishes by, per serving."""
    out = pd.DataFrame({
        "Dish": dishes["name"].astype(str),
        "Roles": dishes["roles"].astype(str).str.replace("|", ", "),
        "Cuisine": dishes["cuisine"].astype(str),
        "Minutes": dishes["minutes_total"].astype(int),
        "Magnesium (mg)": dishes["magnesium_mg"].round(0),
        "kcal": dishes["energy_kcal"].round(0),
        "Protein (g)": dishes["protein_g"].round(1),
        "Cost ($)": dishes["cost_usd"].round(2),
    }, index=dishes.index)
    out.index.name = "dish_id"
    return out


def _filters(dishes: pd.DataFrame) -> dict:
    c = st.columns([1.3, 1.1, 1.6, 1.6])
    role = c[0].selectbox("Role", [None, *ROLES], key="dishes_role",
                          format_func=lambda r: "All roles" if r is None else ROLE_LABELS[r])
    diet = c[1].selectbox("Diet", DIETS, key="dishes_diet")
    avoid = c[2].multiselect("Avoid", ALLERGENS, key="dishes_avoid", format_func=lambda a: a.replace("_", " "),
                             placeholder="no allergens avoided")
    cuisines = c[3].multiselect("Cuisine", sorted(dishes["cuisine"].astype(str).unique()), key="dishes_cuisine",
                                placeholder="all cuisines")
    c = st.columns([2, 2, 2])
    query = c[0].text_input("Search dishes", key="dishes_search", placeholder="e.g. lentil, salmon, oats")
    most = int(max(10, dishes["minutes_total"].max()))
    minutes = c[1].slider("Ready within (minutes)", 5, most, most, step=5, key="dishes_minutes")
    min_mg = c[2].slider("At least this much magnesium per serving (mg)", 0, 250, 0, step=10, key="dishes_min_mg")
    return dict(role=role, diet=diet, avoid=avoid, cuisines=cuisines, query=query, minutes=minutes, min_mg=min_mg)


def filtered(tables: DishTables, f: dict) -> pd.DataFrame:
    """The dishes that pass the view's filters, most magnesium first."""
    d = filter_dishes(tables.dishes, tables.ingredients, role=f["role"], diet=f["diet"], avoid=f["avoid"],
                      max_minutes=f["minutes"])
    if f["cuisines"]:
        d = d[d["cuisine"].astype(str).isin(f["cuisines"]).to_numpy()]
    if f["query"]:
        q = f["query"].strip().lower()
        d = d[(d["name"].astype(str).str.lower().str.contains(q, regex=False)
               | d.index.to_series().str.contains(q, regex=False)).to_numpy()]
    d = d[(d["magnesium_mg"] >= f["min_mg"]).to_numpy()]
    return d.sort_values(["magnesium_mg", "name"], ascending=[False, True])


def _value(rec: dict, key: str, unit: str, digits: int) -> str:
    value, share = rec[key], rec["measured"][key]
    if value is None:
        return "unknown"
    text = f"{value:,.{digits}f} {unit}"
    return text if share is None or share >= 0.995 else f"{text} ({share:.0%} of grams measured)"


def render_dish(tables: DishTables, dish_id: str) -> None:
    """One dish: what it is, its ingredients per serving, its steps and its nutrients per serving."""
    rec = dish_record(tables, dish_id)
    st.subheader(safe_md(rec["name"]), anchor=False)
    st.caption(f"{', '.join(ROLE_LABELS[r] for r in rec['roles'])} · {safe_md(rec['cuisine'])} · "
               f"{rec['minutes_active']} min active, {rec['minutes_total']} min in all · "
               f"the recipe makes {rec['servings']} serving(s) · diet: {', '.join(rec['diet_tags']) or 'omnivore'} · "
               f"allergens: {', '.join(a.replace('_', ' ') for a in rec['allergens']) or 'none of the nine listed'}")
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Ingredients (one serving)**")
        st.dataframe(pd.DataFrame([{"Ingredient": i["name"], "Amount": i["household"], "Grams": i["grams"],
                                    "USDA fdcId": i["fdc_id"]} for i in rec["ingredients"]]),
                     hide_index=True, width="stretch", key="dish_ingredients")
        if rec["steps"]:
            st.markdown("**Steps**")
            st.text("\n".join(f"{n}. {s}" for n, s in enumerate(rec["steps"], start=1)))
        if rec["notes"]:
            st.caption(f"Notes: {safe_md(rec['notes'])}")
    with right:
        st.markdown("**Per serving**")
        st.dataframe(pd.DataFrame([{"Nutrient": label, "Amount": _value(rec, key, unit, digits)}
                                   for key, label, unit, digits in NUTRIENT_ROWS]),
                     hide_index=True, width="stretch", key="dish_nutrients")
        if rec["reference"]:
            st.caption(f"USDA reference (as eaten): {safe_md(rec['reference'])}")


def render(foods: pd.DataFrame) -> None:
    from ui import import_view

    import_view.render(foods)
    try:
        tables = dish_library(foods)
    except MagplanError as exc:
        st.error(f"The dish library could not be loaded: {safe_md(exc)}")
        return
    f = _filters(tables.dishes)
    chosen = filtered(tables, f)
    table = dish_view_table(chosen)
    event = st.dataframe(
        table, key="dishes_table", width="stretch", height=min(38 + 35 * len(table), 420), on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Magnesium (mg)": st.column_config.ProgressColumn(
                "Mg per serving", format="%.0f mg", min_value=0,
                max_value=float(max(1.0, table["Magnesium (mg)"].max() if len(table) else 1.0))),
            "Cost ($)": st.column_config.NumberColumn("Cost", format="$%.2f", help="Empty: no real price."),
        })
    st.caption(f"{len(table)} of {len(tables.dishes)} dishes, per serving. Every number is derived from the "
               "ingredients' USDA rows (SR Legacy, by fdc_id). Click a row, or pick a dish below, to see its recipe.")
    if chosen.empty:
        st.info("No dish fits these filters; remove an allergen, a cuisine or the magnesium minimum.")
        return
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    picked = chosen.index[rows[0]] if rows else None
    ids = list(chosen.index)
    # No key: a row clicked in the table makes a new default, so the picker follows the click.
    dish_id = st.selectbox("Recipe", ids, index=ids.index(picked) if picked in ids else 0,
                           format_func=lambda i: str(chosen.at[i, "name"]))
    render_dish(tables, dish_id)
