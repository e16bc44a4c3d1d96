"""The plan page: the notice, the plan (one person's or a household's), its editor, charts and files.

It composes ``ui.plan_view`` (one person's week and its parts) and ``ui.household_view`` (a household's
week, drawn with those parts), so neither of the two imports the other's page.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.model import Profile, Rules
from ui import actions, charts, household_view, layout, plan_view


def render(foods: pd.DataFrame, profile: Profile | None = None, rules: Rules | None = None) -> None:
    plan = st.session_state.get("plan")
    at_top = plan is None or st.session_state.get("feedback_at", "top") != "editor"
    if at_top:
        plan_view.render_notice()
        plan_view.render_problem(foods)
    if plan is not None and profile is not None and rules is not None and st.session_state.get("problem") is None \
            and (plan_view.settings_key(plan.profile, plan.rules) != plan_view.settings_key(profile, rules)
                 or household_view.changed(plan, st.session_state.get("household_now"))):
        st.caption(":material/edit_note: Your settings changed since this plan was made; press **Generate plan** "
                   "to plan again with them.")
    if plan is None:
        if st.session_state.get("problem") is None:
            st.info("Set your profile in the sidebar (» at the top left on a phone; the defaults work) and press "
                    "**Generate plan**. "
                    "The planner picks dishes from its recipe library (every number from USDA data) so that "
                    "every day meets your magnesium target within your energy range, diet and budget.",
                    icon=":material/arrow_back:")
            st.button("Generate plan with these settings", key="generate_main", type="primary",
                      icon=":material/auto_awesome:", on_click=actions.on_generate)
        return
    with layout.phone_only("generate"):  # on a phone the sidebar (and its button) is closed
        st.button("Generate plan", key="generate_here", icon=":material/auto_awesome:", on_click=actions.on_generate,
                  help="Plans again with the settings of the sidebar (open it with » at the top left).")
    if plan.people:  # a household: everyone's week, or one person's (read only)
        household_view.render_plan(plan, foods)
        plan_view.render_plan_files(plan, foods)
        plan_view.render_calendar_files(plan, foods)
        return
    plan_view.render_summary(plan)
    plan_view.render_supplement(plan)
    st.markdown(plan_view.week_grid_html(plan), unsafe_allow_html=True)  # hidden on a phone: the day view shows it
    st.subheader("Day by day", anchor=False)
    st.caption("Recipe opens a dish for its portions. Swap, lock or regenerate: only the unlocked parts are "
               "re-planned, and each change says what moved. Undo goes back one step.")
    if not at_top:
        plan_view.render_notice()
        plan_view.render_problem(foods)
    plan_view.render_day_editor(plan, foods)
    st.subheader("At a glance")
    charts.render(plan)
    plan_view.render_plan_files(plan, foods)
    plan_view.render_calendar_files(plan, foods)
