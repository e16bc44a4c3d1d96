"""Streamlit app: widgets -> Profile/actions -> planner calls -> render. No planning logic here.

Run it with ``make run`` (or ``streamlit run streamlit_app.py``). The views live in ``ui/``.
"""
from __future__ import annotations

import streamlit as st

from ui import about, actions, dishes_view, foods_view, household_view, layout, plan_page, saved_view, shopping_view, sidebar, state
from ui.common import food_table, safe_md


def main() -> None:
    st.set_page_config(page_title="Magnesium meal planner", page_icon=":material/eco:", layout="wide",
                       initial_sidebar_state="auto")
    layout.render_css()  # a phone gets the day view and the Generate button on the page (ui/layout.py)
    state.init()
    # The title first: the page says what it is while the food table and the dish library load.
    st.title("Magnesium meal planner")
    st.caption("Weekly menus of real dishes, every number from USDA food data, that reach your magnesium "
               "target every day, within your energy range, diet, allergies and budget.")
    try:
        foods = food_table()
    except Exception as exc:  # a broken user food table must not take the app down
        st.error(f"The food table could not be loaded: {safe_md(exc)}")
        st.stop()

    try:
        _page(foods)
    except Exception as exc:  # an opened plan the views cannot draw: error box, previous plan kept
        state.drop_unusable_plan(exc)


def _page(foods) -> None:
    saved_view.reopen_from_address()  # a reloaded page opens its plan again (before the sidebar is drawn)
    st.sidebar.button("Generate plan", key="generate", type="primary", icon=":material/auto_awesome:", width="stretch",
                      on_click=actions.on_generate)
    with st.sidebar, layout.phone_only("sidebar_hint"):  # the sidebar's button is hidden on a phone
        st.caption("Close this panel (« above) when your profile is set; **Generate plan** is on the page.")
    profile, rules, profile_problem = sidebar.render(foods)
    home = household_view.render_editor(foods, profile, rules)  # more people, leftovers, the pantry switch
    rules, profile_problem = home.rules, profile_problem or home.problem

    about.render()

    # Stateful tabs (key) so that Generate can bring the Plan tab forward; every tab is still drawn.
    tab_plan, tab_shop, tab_dishes, tab_foods, tab_saved = st.tabs(
        [actions.PLAN_TAB, actions.SHOP_TAB, ":material/restaurant: Dishes",
         ":material/nutrition: Foods", ":material/bookmark: Saved plans"], key="main_tab", on_change="rerun")
    with tab_plan:
        if profile_problem and (st.session_state.get("pending") or (None,))[0] == "generate":
            state.take_pending()
            st.session_state.notice = state.Notice("error", f"Check your profile first: {profile_problem}")
        actions.run(foods, profile, rules, sidebar.choices(), home)
        plan_page.render(foods, profile, rules)
    if tab_shop.open:  # drawn only when open: its lists and tick boxes cost the first plan about half a second
        with tab_shop:
            shopping_view.render(st.session_state.get("plan"), foods)
    else:
        shopping_view.keep_state()
    with tab_dishes:
        dishes_view.render(foods)
    with tab_foods:
        foods_view.render(foods)
    with tab_saved:
        saved_view.render()
    state.sync_address()


main()
