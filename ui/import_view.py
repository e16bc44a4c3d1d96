"""The Dishes tab's "Add your recipe" panel: a URL, a file or pasted text -> a review grid -> a dish of your own.

The work is done by foods.recipe_sources (reading) and foods.recipe_import (matching, weighing, saving);
this module only keeps the draft in ``st.session_state`` and draws it. Every error is an error box.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from foods.dishes import ROLES
from foods.errors import MagplanError
from foods.files import size_text
from ui.common import safe_md

GRID_COLUMNS = ("Line", "Recipe line", "Food id", "USDA description", "fdc_id", "Grams (recipe)", "Confidence",
                "Note")
AUTO_ROLE = "auto"  # the role from the recipe's category, else from the ingredients
ROLE_CHOICES = (AUTO_ROLE, *ROLES)


def _fail(exc: Exception) -> None:
    text = str(exc) if isinstance(exc, MagplanError) else f"{type(exc).__name__}: {exc}"
    st.session_state.imp_result = ("error", f"Could not import the recipe: {text}")


def _recipes_from_input() -> list:
    from foods.recipe_sources import MAX_SOURCE_BYTES, read_recipes, recipe_from_text, recipes_from_bytes

    ss = st.session_state
    how = ss.get("imp_how", "Web address")
    if how == "Web address":
        url = (ss.get("imp_url") or "").strip()
        if not url:
            raise ValueError("type the address of a recipe page, e.g. https://example.com/lentil-soup")
        return read_recipes(url)
    if how == "File":
        up = ss.get("imp_file")
        if up is None:
            raise ValueError("choose a file first")
        if up.size > MAX_SOURCE_BYTES:
            raise ValueError(f"{up.name} is {size_text(up.size)}; a recipe file up to {size_text(MAX_SOURCE_BYTES)} "
                             "is accepted")
        return recipes_from_bytes(up.getvalue(), up.name)
    return [recipe_from_text(ss.get("imp_text") or "", "pasted text")]


def _on_read(foods: pd.DataFrame) -> None:
    from foods.recipe_import import draft_recipe

    ss = st.session_state
    ss.pop("imp_result", None)
    try:
        recipes = _recipes_from_input()
        draft = draft_recipe(recipes[0], foods)
    except (MagplanError, ValueError) as exc:
        _fail(exc)
        return
    ss.imp_draft = draft
    ss.imp_grid_version = ss.get("imp_grid_version", 0) + 1
    ss.imp_servings = draft.servings
    ss.imp_role = draft.roles[0] if draft.roles else AUTO_ROLE
    ss.imp_id = draft.dish_id
    if len(recipes) > 1:
        ss.imp_result = ("info", f"The file holds {len(recipes)} recipes; this is the first. Import the others "
                                 "with 'magplan dishes import'.")


def draft_grid(draft) -> pd.DataFrame:
    """The review table as the grid shows it: one row per recipe line."""
    return pd.DataFrame([{
        "Line": ln.line, "Recipe line": ln.text, "Food id": ln.food_id or "", "USDA description": ln.description,
        "fdc_id": ln.fdc_id, "Grams (recipe)": ln.grams, "Confidence": round(ln.confidence, 2),
        "Note": "" if ln.matched else f"UNMATCHED: {ln.note}"} for ln in draft.lines], columns=list(GRID_COLUMNS))


def _apply_grid(draft, edited: pd.DataFrame, foods: pd.DataFrame):
    """The draft with the grid's changed food ids and grams (an emptied food id: the line is unmatched)."""
    from foods.recipe_import import rematch

    before = draft_grid(draft).set_index("Line")
    for row in edited.itertuples(index=False):
        old = before.loc[row.Line]
        food_id = str(row[2] or "").strip() or None
        grams = row[5] if pd.notna(row[5]) else None
        if food_id == (old["Food id"] or None) and grams == (old["Grams (recipe)"] if pd.notna(old["Grams (recipe)"])
                                                             else None):
            continue
        draft = rematch(draft, int(row.Line), food_id, foods, grams=grams if food_id else None)
    return draft


def _on_use_food(foods: pd.DataFrame) -> None:
    from foods.recipe_import import rematch

    ss = st.session_state
    picked, line = ss.get("imp_pick"), ss.get("imp_line")
    if not picked or not line:
        return
    try:
        ss.imp_draft = rematch(ss.imp_draft, int(line), picked.split(" ", 1)[0], foods)
    except MagplanError as exc:
        _fail(exc)
        return
    ss.imp_grid_version = ss.get("imp_grid_version", 0) + 1


def _save(draft, edited: pd.DataFrame, foods: pd.DataFrame) -> None:
    from dataclasses import replace

    from foods.recipe_import import save_draft

    ss = st.session_state
    try:
        draft = _apply_grid(draft, edited, foods)
        role = ss.get("imp_role")
        draft = replace(draft, servings=int(ss.get("imp_servings") or draft.servings),
                        roles=(role,) if role in ROLES else (), dish_id=(ss.get("imp_id") or draft.dish_id).strip())
        mine = save_draft(draft, foods, replace_existing=bool(ss.get("imp_replace")))
    except MagplanError as exc:
        _fail(exc)
        return
    row = mine.dishes.loc[draft.dish_id]
    unmatched = int(row["unmatched_lines"])
    ss.imp_result = ("success", f"Saved '{draft.name}' as {draft.dish_id}: {row['magnesium_mg']:.0f} mg magnesium "
                                f"per serving. It is in the dish list now; choose it under 'Favourite dishes' in the "
                                f"sidebar to plan with it." + (f" {unmatched} line(s) stay unmatched and count as "
                                                               "unknown." if unmatched else ""))
    for key in ("imp_draft", "imp_text", "imp_url"):
        ss.pop(key, None)
    st.rerun()  # the food table may have new USDA ingredients: every view reloads it


def _render_draft(draft, foods: pd.DataFrame) -> None:
    ss = st.session_state
    st.markdown(f"**{safe_md(draft.name)}** · from {safe_md(draft.source or 'your text')}")
    c = st.columns([1, 1.2, 2])
    if not draft.servings_given:
        st.warning("The recipe does not say how many servings it makes: how many?")
    c[0].number_input("Servings it makes", min_value=1, max_value=100, step=1, key="imp_servings")
    c[1].selectbox("Role", ROLE_CHOICES, key="imp_role",
                   format_func=lambda r: "from the ingredients" if r == AUTO_ROLE else r)
    c[2].text_input("Dish id", key="imp_id")
    st.caption("Change a food by typing its id (search below), clear it to leave the line unmatched, or correct the "
               "grams for the whole recipe. Unmatched lines are kept and count as unknown, never as zero.")
    edited = st.data_editor(
        draft_grid(draft), key=f"imp_grid_{ss.get('imp_grid_version', 0)}", hide_index=True, width="stretch",
        disabled=[c for c in GRID_COLUMNS if c not in ("Food id", "Grams (recipe)")],
        column_config={"Grams (recipe)": st.column_config.NumberColumn(min_value=0.0, format="%.1f"),
                       "fdc_id": st.column_config.NumberColumn(format="%d")})
    _render_search(draft, foods)
    st.checkbox("Replace my dish of the same id", key="imp_replace")
    if st.button("Save dish", key="imp_save", type="primary"):
        _save(draft, edited, foods)


def _render_search(draft, foods: pd.DataFrame) -> None:
    from foods.recipe_import import build_index, search_foods

    query = st.text_input("Search foods", key="imp_search", placeholder="e.g. red lentils, tahini, parsley")
    if not query.strip():
        return
    hits = search_foods(build_index(foods), query)
    if not hits:
        st.caption("No food found; try fewer or other words.")
        return
    c = st.columns([3, 1, 1])
    c[0].selectbox("Food", [f"{h.food_id} — {h.description} (fdc {h.fdc_id})" for h in hits], key="imp_pick")
    c[1].selectbox("For line", [ln.line for ln in draft.lines], key="imp_line")
    c[2].button("Use this food", key="imp_use", on_click=_on_use_food, args=(foods,))


def render(foods: pd.DataFrame) -> None:
    ss = st.session_state
    with st.expander("Add your recipe", expanded=bool(ss.get("imp_draft") or ss.get("imp_result")),
                     icon=":material/add_notes:"):
        st.caption("A recipe page (its address), a saved page, a JSON-LD file, a Mealie or Tandoor export, or a list: "
                   "a title line, one ingredient per line, then the steps after a blank line.")
        how = st.radio("From", ("Web address", "File", "Paste text"), key="imp_how", horizontal=True)
        if how == "Web address":
            st.text_input("Recipe page address", key="imp_url", placeholder="https://…")
        elif how == "File":
            st.file_uploader("Recipe file (up to 5 MB)", type=["html", "htm", "json", "jsonld", "zip", "txt"],
                             key="imp_file")
        else:
            st.text_area("Recipe text", key="imp_text", height=180,
                         placeholder="Lentil soup\nServes 4\n1 cup dried lentils\n2 tbsp olive oil\n…")
        st.button("Read recipe", key="imp_read", on_click=_on_read, args=(foods,))
        result = ss.get("imp_result")
        if result:
            getattr(st, result[0])(safe_md(result[1]))
        if ss.get("imp_draft") is not None:
            _render_draft(ss.imp_draft, foods)
