"""The Saved plans tab: save, load, rename and delete plans (SQLite store), and plan JSON files."""
from __future__ import annotations

import streamlit as st

from foods.errors import MagplanError
from foods.files import size_text
from planner.model import WeekPlan
from planner.plan_format import MAX_PLAN_BYTES, plan_from_json
from planner.open_plans import OpenPlans
from planner.store import Store
from ui import household_view, sidebar, state
from ui.common import food_table, is_dish_plan, safe_md


def _store() -> Store | None:
    """The plans database, or None (after an error box) when it cannot be opened."""
    try:
        return Store()
    except MagplanError as exc:
        st.error(f"Saved plans are unavailable: {safe_md(exc)}")
        return None


def _dishes_excluded(plan) -> tuple[str, ...]:
    """The dishes a dish plan left out (a version-1 plan's ``excluded`` are foods: none)."""
    return tuple(plan.excluded) if is_dish_plan(plan) else ()


def _verified(plan):
    """The plan with every derived number checked against the food table (``planner.verify``): what the app
    opens from a file or the plans database. Raises PlanFormatError (a food the table lacks)."""
    from foods.load import with_usda_rows
    from planner.verify import verify_plan

    ids = [i.food_id for d in plan.days for m in d.meals for i in m.items]
    return verify_plan(plan, with_usda_rows(food_table(), ids))


def _say_at_top(kind: str, text: str) -> None:
    st.session_state.feedback_at = "top"
    st.session_state.notice = state.Notice(kind, text)


def _open(plan: WeekPlan, *, undoable: bool = True) -> None:
    """``plan`` becomes the open plan; the sidebar and the household form take its settings."""
    state.set_plan(plan, undoable=undoable)
    sidebar.adopt_settings(food_table(), plan.profile, plan.rules, _dishes_excluded(plan))
    household_view.adopt(plan)


def _on_upload_plan() -> None:
    up = st.session_state.get("plan_upload")
    if up is None:
        return
    if up.size > MAX_PLAN_BYTES:
        _say_at_top("error", f"{up.name} is {size_text(up.size)}; plan files up to {size_text(MAX_PLAN_BYTES)} are "
                             "accepted. Your plan was not changed.")
        return
    try:
        plan = _verified(plan_from_json(up.getvalue().decode("utf-8-sig")))
    except UnicodeDecodeError:
        _say_at_top("error", f"{up.name} is not a UTF-8 text file; choose a plan JSON file.")
        return
    except MagplanError as exc:
        _say_at_top("error", f"{up.name} is not a valid plan: {exc}. Your plan was not changed.")
        return
    _open(plan)
    _say_at_top("success", f"Opened the plan from {up.name}; the sidebar shows its settings.")


def reopen_from_address() -> None:
    """A new session (a page reload) whose address names a kept plan (``?plan=``) opens that plan again.

    Runs before the sidebar is drawn (the sidebar adopts the plan's settings, as when a saved plan is
    opened). A key that is not kept (any more) or a plan that cannot be read is said in a notice box.
    """
    ss = st.session_state
    key = st.query_params.get("plan")
    if not key or ss.get("plan") is not None or ss.get("address_checked"):
        return
    ss.address_checked = True
    try:
        plan = OpenPlans().plan(key)
    except MagplanError as exc:
        ss.notice = state.Notice("error", f"The plan of this page's address cannot be opened: {exc}")
        return
    if plan is None:
        ss.notice = state.Notice("info", "The plan of this page's address is no longer kept (the app keeps the "
                                         "newest plans for a reload); generate a plan or open a saved one.")
        return
    _open(plan, undoable=False)


def render_files() -> None:
    st.markdown("**Plan files**")
    st.caption("Download the plan as JSON from the Plan tab; open a plan JSON file here.")
    st.file_uploader("Open a plan (JSON)", type=["json"], key="plan_upload", on_change=_on_upload_plan)


def render() -> None:
    store = _store()
    if store is not None:
        _render_store(store)
    st.divider()
    render_files()


def _entries(store: Store):
    rows = store.list_plans()
    out = []
    for r in rows:
        if isinstance(r, str):
            out.append((r, r, ""))
        elif isinstance(r, dict):
            out.append((r.get("name"), r.get("name"), str(r.get("saved_at") or r.get("updated_at") or "")))
        else:
            name = getattr(r, "name", str(r))
            bits = []
            if getattr(r, "days", None):
                bits.append(f"{r.days} day{'s' if r.days != 1 else ''}")
            if getattr(r, "magnesium_target_mg", None):
                bits.append(f"target {r.magnesium_target_mg:.0f} mg")
            when = getattr(r, "updated_at", None) or getattr(r, "saved_at", None)
            if when:
                bits.append(f"saved {str(when).replace('T', ' ')[:16]}")
            if getattr(r, "versions", 0) and r.versions > 1:
                bits.append(f"{r.versions} versions kept")
            out.append((name, name, " · ".join(bits)))
    return out


def _guard(fn, ok: str) -> None:
    ss = st.session_state
    try:
        fn()
        ss.saved_result = ("success", ok)
    except MagplanError as exc:
        ss.saved_result = ("error", str(exc))


def _on_save(store: Store) -> None:
    ss = st.session_state
    name = (ss.get("save_name") or "").strip()
    if not name:
        ss.saved_result = ("error", "Give the plan a name, e.g. 'March week 1'.")
        return
    _guard(lambda: store.save_plan(name, ss.plan), f"Saved the plan as '{name}'.")


def _on_load(store: Store, name: str) -> None:
    ss = st.session_state
    try:
        plan = _verified(store.load_plan(name))
    except MagplanError as exc:
        ss.saved_result = ("error", f"{exc}. The open plan was not changed.")
        return
    _open(plan)
    _say_at_top("success", f"Loaded the saved plan '{name}'.")
    ss.saved_result = ("success", f"Loaded '{name}'; see the Plan tab.")


def _on_rename(store: Store, name: str) -> None:
    new = (st.session_state.get(f"rename_{name}") or "").strip()
    if not new or new == name:
        return
    _guard(lambda: store.rename_plan(name, new), f"Renamed '{name}' to '{new}'.")


def _on_delete(store: Store, name: str) -> None:
    _guard(lambda: store.delete_plan(name), f"Deleted '{name}'.")


def _render_store(store: Store) -> None:
    ss = st.session_state
    st.markdown("**Save this plan**")
    c = st.columns([3, 1])
    c[0].text_input("Name", key="save_name", placeholder="e.g. March week 1", label_visibility="collapsed")
    c[1].button("Save plan", key="save_plan", disabled=ss.get("plan") is None, on_click=_on_save, args=(store,),
                type="primary", width="stretch")
    result = ss.get("saved_result")
    if result:
        getattr(st, result[0])(safe_md(result[1]))
    try:
        entries = _entries(store)
    except MagplanError as exc:
        st.error(f"Saved plans cannot be listed: {safe_md(exc)}")
        return
    st.markdown("**Saved plans**")
    if not entries:
        st.caption("No saved plans yet.")
    for key, name, when in entries:
        with st.container(border=True):
            cc = st.columns([3, 1, 2.4, 1])
            cc[0].markdown(f"**{safe_md(name)}**"
                           + (f"  \n<span style='color:gray;font-size:0.85em'>{safe_md(when)}</span>"
                              if when else ""), unsafe_allow_html=True)
            cc[1].button("Open", key=f"load_{key}", on_click=_on_load, args=(store, key), width="stretch")
            with cc[2].popover("Rename", width="stretch"):
                st.text_input("New name", key=f"rename_{key}", value=name)
                st.button("Rename", key=f"dorename_{key}", on_click=_on_rename, args=(store, key))
            cc[3].button("Delete", key=f"delete_{key}", on_click=_on_delete, args=(store, key), width="stretch")
