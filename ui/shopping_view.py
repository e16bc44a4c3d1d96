"""The Shopping tab: what to buy, grouped by aisle, as a checklist to tick while shopping; pantry, downloads.

The ticks are kept with the plan (``planner.open_plans``): a page reload, on a phone in the shop, keeps them.
"""
from __future__ import annotations

from dataclasses import replace

import hashlib

import pandas as pd
import streamlit as st

from foods.errors import MagplanError
from foods.schema import AISLE_LABELS
from planner.export import shopping_to_csv, shopping_to_html, shopping_to_markdown
from planner.household_export import batch_notes
from planner.model import WeekPlan
from planner.open_plans import OpenPlans
from planner.shopping import ShoppingList, check_pantry_frame, pantry_food_ids, shopping_list
from planner.store import Store
from ui import state
from ui.common import dish_library, download_row, safe_md

def _empty_pantry() -> pd.DataFrame:
    return pd.DataFrame({"food_or_product": pd.Series(dtype="string"), "amount": pd.Series(dtype="float64"),
                         "unit": pd.Series(dtype="string")})


def render(plan: WeekPlan | None, foods: pd.DataFrame) -> None:
    if plan is None:
        st.info("Generate a plan first; its shopping list appears here.", icon=":material/shopping_cart:")
        return
    ss = st.session_state
    days = [d.day for d in plan.days]
    c = st.columns([3, 1])
    chosen = c[0].multiselect("Days to shop for", days, default=days, key="shop_days",
                              format_func=lambda d: f"Day {d}")
    if plan.people:  # a household plan's portions are already everyone's
        c[1].caption(f"Portions for the plan's {len(plan.people)} people.")
        people = 1
    else:
        people = c[1].number_input("People", min_value=1, max_value=20, step=1, value=1, key="shop_people")
    with st.expander("Pantry: what you already have", expanded=False):
        st.caption("Subtracted before rounding to packs. Units: g, kg, oz, lb, or a pack word such as "
                   "can, bag or unit.")
        if "pantry_df" not in ss:
            ss.pantry_df = _load_pantry()
        edited = st.data_editor(
            ss.pantry_df, key="pantry_editor", num_rows="dynamic", width="stretch", hide_index=True,
            column_config={
                "food_or_product": st.column_config.TextColumn("Food or product", required=True),
                "amount": st.column_config.NumberColumn("Amount", min_value=0.0, format="%.1f"),
                "unit": st.column_config.TextColumn("Unit", help="g, kg, oz, lb, can, bag, unit …"),
            })
        ss.pantry_edited = edited  # what "prefer what is in my pantry" reads (``current_pantry``)
        _save_pantry_button(edited)
    if not chosen:
        st.warning("Choose at least one day.")
        return
    try:
        pantry = check_pantry_frame(edited)
    except MagplanError as exc:
        st.error(f"The pantry table has a problem: {safe_md(exc)}")
        pantry = None
    try:
        sl = shopping_list(plan, foods, days=sorted(chosen), pantry=pantry, people=int(people))
        sl = replace(sl, batches=batch_notes(plan, dish_library(foods), sl.days))  # 'Cook in batches / left over'
    except MagplanError as exc:
        st.error(f"No shopping list: {safe_md(exc)}")
        return
    rows = sl.rows
    st.markdown(f"### {sl.total_text()}")
    who = f" for {int(people)} people" if people > 1 else ""
    st.caption(f"{len(rows)} products for day(s) {', '.join(map(str, sorted(chosen)))}{who}. {sl.price_note}")
    _downloads(sl)
    if sl.batches:
        with st.expander(f"Cook in batches / left over ({len(sl.batches)})"):
            st.markdown("\n".join(f"- {safe_md(note)}" for note in sl.batches))
    render_checklist(rows, state.plan_key())
    with st.expander("The list as tables (left-overs, what each product is for, its cost)"):
        _tables(rows)
    for note in sl.notes:
        st.caption(note)


def tick_widget_key(plan_key: str | None, product: str) -> str:
    """The tick box's widget key: one per plan and product (a new plan starts with no ticks)."""
    digest = hashlib.sha256(product.encode("utf-8")).hexdigest()[:12]
    return f"tick_{plan_key or 'unkept'}_{digest}"


def checklist_item(row: dict) -> tuple[str, str]:
    """(tick box label, the line under it) of a shopping row: what to take from the shelf, then the details."""
    have = row["status"] == "already have"
    label = f"**{safe_md(row['product'])}** · {'✓ already have' if have else safe_md(row['purchase_text'])}"
    cost = row["cost_usd"]
    details = [f"needed {row['needed_text']}"]
    if row["leftover_text"] not in ("none", "", None):
        details.append(f"left over {row['leftover_text']}")
    details.append(f"for {row['foods']}")
    if not have:
        details.append("no price" if cost is None or pd.isna(cost) else f"${cost:,.2f}")
    return label, safe_md(" · ".join(str(d) for d in details))


def _on_tick(plan_key: str | None, product: str, widget_key: str) -> None:
    ss = st.session_state
    ss.tick_problem = None
    if plan_key is None:
        return
    try:
        OpenPlans().set_tick(plan_key, product, bool(ss[widget_key]))
    except MagplanError as exc:
        ss.tick_problem = f"The tick is not kept for a page reload: {exc}"


def render_checklist(rows: pd.DataFrame, plan_key: str | None) -> None:
    """The list as tick boxes by aisle, to tick while shopping; the ticks are kept with the plan (and a reload)."""
    ss = st.session_state
    ticks = OpenPlans().ticks(plan_key) if plan_key else frozenset()
    products = [str(p) for p in rows["product"]]
    done = sum(1 for p in products if ss.get(tick_widget_key(plan_key, p), p in ticks))
    st.markdown(f"**Tick off what is in the basket** · {done} of {len(products)} ticked")
    if ss.get("tick_problem"):
        st.error(safe_md(ss.tick_problem))
    with st.container(key="checklist"):
        for aisle, group in rows.groupby("aisle", sort=False):
            st.markdown(f"**{AISLE_LABELS.get(str(aisle), str(aisle))}**")
            for row in group.to_dict("records"):
                product = str(row["product"])
                key = tick_widget_key(plan_key, product)
                label, details = checklist_item(row)
                with st.container(gap=None):  # the details right under their tick box
                    st.checkbox(label, value=product in ticks, key=key, on_change=_on_tick,
                                args=(plan_key, product, key))
                    st.markdown(f"<div class='mp-tick-sub'>{details}</div>", unsafe_allow_html=True)


def _tables(rows: pd.DataFrame) -> None:
    """The list as one table per aisle, every column (on a wide screen)."""
    for aisle, group in rows.groupby("aisle", sort=False):
        st.markdown(f"**{AISLE_LABELS.get(str(aisle), str(aisle))}**")
        view = pd.DataFrame({
            "Buy": [("✓ already have" if s == "already have" else t)
                    for s, t in zip(group["status"], group["purchase_text"])],
            "Product": group["product"].astype(str),
            "Needed": group["needed_text"].astype(str),
            "Left over": group["leftover_text"].astype(str),
            "For": group["foods"].astype(str),
            # an unpriced product says so (a number column would show "None")
            "Cost": ["no price" if pd.isna(c) else f"${c:,.2f}" for c in group["cost_usd"]],
        })
        st.dataframe(view, hide_index=True, width="stretch", key=f"shop_{aisle}")


def _downloads(sl: ShoppingList) -> None:
    download_row([
        ("Shopping list (CSV)", shopping_to_csv(sl), "shopping_list.csv", "text/csv", "dl_shop_csv"),
        ("Checklist (Markdown)", shopping_to_markdown(sl), "shopping_list.md", "text/markdown", "dl_shop_md"),
        ("Printable page (HTML)", shopping_to_html(sl), "shopping_list.html", "text/html", "dl_shop_html"),
    ])


KEPT_WIDGETS = ("shop_days", "shop_people")  # the tab's choices, kept while another tab is open


def keep_state() -> None:
    """Keep the Shopping tab's choices while it is closed (the tab is drawn only when open).

    Streamlit forgets a widget's value in a run that does not draw it: the days and people are kept by
    setting them again, and the pantry editor's unsaved rows become the table it starts from next time."""
    ss = st.session_state
    for key in KEPT_WIDGETS:
        if key in ss:
            ss[key] = ss[key]
    if ss.get("pantry_edited") is not None:
        ss.pantry_df = ss.pantry_edited


def current_pantry() -> pd.DataFrame:
    """The pantry as the Shopping tab shows it: its editor's table (with unsaved edits), else the remembered one."""
    ss = st.session_state
    if ss.get("pantry_edited") is not None:
        return ss.pantry_edited
    if "pantry_df" not in ss:
        ss.pantry_df = _load_pantry()
    return ss.pantry_df


def _load_pantry() -> pd.DataFrame:
    try:
        df = Store().load_pantry()
        if df is not None and len(df):
            return df.reset_index(drop=True)
    except Exception:  # a broken store must not hide the shopping list
        pass
    return _empty_pantry()


def _save_pantry_button(edited: pd.DataFrame) -> None:
    if st.button("Remember this pantry", key="pantry_save"):
        try:
            Store().save_pantry(check_pantry_frame(edited))
            st.success("Pantry saved.")
        except MagplanError as exc:
            st.error(f"Pantry not saved: {safe_md(exc)}")


def pantry_foods(foods_table: pd.DataFrame) -> tuple[tuple[str, ...], list[str]]:
    """(the food ids the Shopping tab's pantry holds, a line for each pantry row that names no known food);
    PantryError (a MagplanError) for a pantry table with a bad row."""
    found, unknown = pantry_food_ids(check_pantry_frame(current_pantry()), foods_table)
    return found, [f"Pantry: {text!r} is not a known food or product, so it was not looked for." for text in unknown]
