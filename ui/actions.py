"""What each button does: one planner call per action, run with visible progress and kept undoable."""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner.model import Profile, Rules, WeekPlan
from ui import state
from ui.common import capability, slot_label

SWAPS_NAMES = ("alternatives", "swap", "lock", "unlock", "exclude", "regenerate", "set_servings")


def swaps_module():
    return capability("planner.swaps", *SWAPS_NAMES)


def plan_module():
    return capability("planner.plan", "plan_week")


def _where(day: int, slot: str | None = None) -> str:
    return f"day {day}" + (f" {slot_label(slot).lower()}" if slot else "")


def _food(foods: pd.DataFrame, food_id: str) -> str:
    return str(foods.at[food_id, "name"]) if food_id in foods.index else food_id


def _generate(foods: pd.DataFrame, profile: Profile, rules: Rules) -> None:
    mod = plan_module()
    if mod is None:
        st.session_state.notice = state.Notice("error", "The optimizer is not available yet.")
        return
    progress = st.empty()  # the progress box goes away once the result (or the explanation) is shown
    with progress.status("Planning your week…", expanded=False) as status:
        status.write(f"Choosing from {len(foods)} foods for {rules.days} day(s); "
                     f"the solver stops after {rules.time_limit_s:.0f} s at most.")
        plan = state.run_guarded("No plan is possible with these settings",
                                 lambda: mod.plan_week(foods, profile, rules=rules),
                                 failed="The plan could not be made")
    progress.empty()
    if plan is None:
        return
    state.set_plan(plan)
    mg = [d.totals.get("magnesium_mg", 0.0) for d in plan.days]
    low = min(mg) if mg else 0.0
    st.session_state.notice = state.Notice(
        "success", f"New {len(plan.days)}-day plan: at least {low:.0f} mg of magnesium every day "
                   f"(target {plan.targets.magnesium_mg:.0f} mg).")


def run(foods: pd.DataFrame, profile: Profile, rules: Rules) -> None:
    """Run the pending action (if any) with progress; on failure the previous plan stays."""
    pending = state.take_pending()
    if pending is None:
        return
    name, kw = pending
    ss = st.session_state
    if name == "generate":
        _generate(foods, profile, rules)
        return
    plan: WeekPlan | None = ss.plan
    mod = swaps_module()
    if plan is None or mod is None:
        return
    title, fn, describe = _change(mod, plan, foods, name, kw)
    if fn is None:
        return
    with st.spinner(f"{title}…"):
        result = state.run_guarded("This change is not possible", fn, failed="This change could not be made")
    if result is None:
        return
    new_plan = getattr(result, "plan", result)
    lines = state.change_lines(getattr(result, "changes", ()))
    state.set_plan(new_plan)
    if not lines and name in ("swap", "regenerate", "exclude", "servings"):
        lines = ["Nothing else had to move."]
    ss.notice = state.Notice("success", describe, lines)
    if name == "exclude" and kw["food_id"] not in ss.get("p_exclude", []):
        # A later "Generate" keeps the ban: move the sidebar widget (only possible before it is drawn).
        ss.widget_updates = {"p_exclude": [*ss.get("p_exclude", []), kw["food_id"]]}
        st.rerun()


def _change(mod: Any, plan: WeekPlan, foods: pd.DataFrame, name: str, kw: dict[str, Any]):
    day, slot, food_id = kw.get("day"), kw.get("slot"), kw.get("food_id")
    if name == "swap":
        new = kw["new_food_id"]
        return ("Swapping", lambda: mod.swap(plan, foods, day, slot, food_id, new),
                f"Swapped {_food(foods, food_id)} for {_food(foods, new)} ({_where(day, slot)}).")
    if name in ("lock", "unlock"):
        what = (f"{_food(foods, food_id)} ({_where(day, slot)})" if food_id
                else (_where(day, slot) if slot else f"the whole of day {day}"))
        if name == "lock":
            return ("Locking", lambda: mod.lock(plan, day, slot=slot, food_id=food_id),
                    f"Locked {what}: re-planning will not change it.")
        return ("Unlocking", lambda: mod.unlock(plan, day, slot=slot, food_id=food_id), f"Unlocked {what}.")
    if name == "exclude":
        return ("Removing the food from the plan", lambda: mod.exclude(plan, foods, food_id),
                f"{_food(foods, food_id)} will not be suggested again; the days that used it were re-planned.")
    if name == "regenerate":
        return ("Finding a fresh alternative", lambda: mod.regenerate(plan, foods, day=day, slot=slot),
                f"Regenerated {_where(day, slot)}.")
    if name == "servings":
        servings = float(kw["servings"])
        return ("Changing servings",
                lambda: mod.set_servings(plan, foods, day, slot, food_id, servings),
                f"{_food(foods, food_id)} set to {servings:g} serving(s) ({_where(day, slot)}); "
                "the rest of the day was re-balanced.")
    return "", None, ""


# --- callbacks (they only record the request) ------------------------------------------------------
PLAN_TAB = ":material/calendar_month: Plan"


def on_generate() -> None:
    state.request("generate")
    st.session_state.main_tab = PLAN_TAB  # the result shows on the Plan tab


def on_change(name: str, **kw: Any) -> None:
    state.request(name, **kw)


def on_servings(day: int, slot: str, food_id: str, key: str) -> None:
    state.request("servings", day=day, slot=slot, food_id=food_id, servings=st.session_state[key])


def on_apply_suggestion(index: int, foods: pd.DataFrame) -> None:
    from ui import sidebar

    problem = st.session_state.get("problem")
    if problem is None or index >= len(problem.suggestions):
        return
    s = problem.suggestions[index]
    sidebar.apply_changes_to_widgets(foods, dict(getattr(s, "profile_changes", {}) or {}),
                                     dict(getattr(s, "rules_changes", {}) or {}))
    on_generate()


def on_undo() -> None:
    state.undo()


def on_swap_open(day: int, slot: str, food_id: str) -> None:
    st.session_state.swap_for = (day, slot, food_id)


def on_swap_close() -> None:
    st.session_state.swap_for = None
