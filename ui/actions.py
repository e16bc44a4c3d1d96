"""What each button does: one planner call per action, run with visible progress and kept undoable.

Dish plans (format version 2) are made by planner.dishplan and edited by planner.edits; an old food-level
plan (version 1, e.g. a saved one) is still edited by planner.swaps.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import pandas as pd
import streamlit as st

from planner import dishplan, edits, household, swaps
from planner.errors import MagplanError
from planner.people import person_plan
from planner.plan_text import slot_label
from planner.model import Profile, Rules, WeekPlan
from ui import state
from ui.common import dish_library, is_dish_plan
from ui.shopping_view import pantry_foods


def editor_for(plan: WeekPlan | None) -> ModuleType | None:
    """The module that edits this plan: planner.edits for a dish plan (version 2), planner.swaps for a
    food-level one (version 1); None without a plan."""
    if plan is None:
        return None
    return edits if is_dish_plan(plan) else swaps


def _where(day: int, slot: str | None = None) -> str:
    return f"day {day}" + (f" {slot_label(slot).lower()}" if slot else "")


def _food(foods: pd.DataFrame, food_id: str) -> str:
    return str(foods.at[food_id, "name"]) if food_id in foods.index else food_id


def _dish(plan: WeekPlan, tables: Any, foods: pd.DataFrame, dish_id: str) -> str:
    """A dish's name: from the library, else from the plan (a v1 'dish' is a food), else the id."""
    if tables is not None and dish_id in tables.dishes.index:
        return str(tables.dishes.at[dish_id, "name"])
    for d in plan.days:
        for m in d.meals:
            for x in m.dishes:
                if x.dish_id == dish_id:
                    return x.name
    return _food(foods, dish_id)


def _tables(foods: pd.DataFrame) -> Any:
    try:
        return dish_library(foods)
    except MagplanError as exc:
        st.session_state.notice = state.Notice("error", f"The dish library could not be loaded: {exc}")
        return None


def _generate(foods: pd.DataFrame, profile: Profile, rules: Rules, choices: Any, home: Any = None) -> None:
    tables = _tables(foods)
    if tables is None:
        return
    make, pantry_lines = _planner_call(tables, foods, profile, rules, choices, home)
    if make is None:
        return
    progress = st.empty()  # the progress box goes away once the result (or the explanation) is shown
    with progress.status("Planning your week…", expanded=False) as status:
        who = f" for {len(home.members)} people" if home is not None and home.together else ""
        status.write(f"Choosing from {len(tables.dishes)} dishes for {rules.days} day(s){who}.")
        plan = state.run_guarded("No plan is possible with these settings", make, failed="The plan could not be made")
    progress.empty()
    if plan is None:
        return
    state.set_plan(plan)
    if plan.people:
        st.session_state.notice = state.Notice("success", generated_text(plan), pantry_lines)
        return
    mg = [d.totals.get("magnesium_mg", 0.0) for d in plan.days]
    low = min(mg) if mg else 0.0
    st.session_state.notice = state.Notice(
        "success", f"New {len(plan.days)}-day plan: at least {low:.0f} mg of magnesium every day "
                   f"(target {plan.targets.magnesium_mg:.0f} mg).", pantry_lines)


def _planner_call(tables: Any, foods: pd.DataFrame, profile: Profile, rules: Rules, choices: Any,
                  home: Any) -> tuple[Any, list[str]]:
    """(the planner call of Generate: one person's week or the household's; the pantry's notice lines), or
    (None, []) with an error notice when the pantry table has a bad row."""
    picks = dict(exclude_dishes=tuple(getattr(choices, "exclude_dishes", ())),
                 favorites=tuple(getattr(choices, "favorites", ())), dislikes=tuple(getattr(choices, "dislikes", ())))
    lines: list[str] = []
    if home is not None and home.use_pantry:
        try:
            picks["pantry_foods"], lines = pantry_foods(foods)
        except MagplanError as exc:
            st.session_state.notice = state.Notice("error", f"The pantry table has a problem: {exc}. Fix it on the "
                                                            "Shopping list tab; your plan was not changed.")
            return None, []
    if home is not None and home.together:
        return (lambda: household.plan_household(tables, foods, home.members, rules=rules, shared=home.shared, **picks)), lines
    # through the module, so a test's stand-in for plan_dish_week is the one called
    return (lambda: dishplan.plan_dish_week(tables, foods, profile, rules=rules, **picks)), lines


def run(foods: pd.DataFrame, profile: Profile, rules: Rules, choices: Any = None, home: Any = None) -> None:
    """Run the pending action (if any) with progress; on failure the previous plan stays.

    ``home``: the sidebar's household (``ui.household_view.Household``); None plans for one person."""
    pending = state.take_pending()
    if pending is None:
        return
    name, kw = pending
    ss = st.session_state
    if name == "generate":
        _generate(foods, profile, rules, choices, home)
        return
    plan: WeekPlan | None = ss.plan
    mod = editor_for(plan)
    if plan is None or mod is None or plan.people:  # a household plan is not edited (yet): nothing is offered
        return
    if is_dish_plan(plan):
        tables = _tables(foods)
        if tables is None:
            return
        title, fn, describe = _dish_change(mod, plan, tables, foods, name, kw)
    else:
        title, fn, describe = _food_change(mod, plan, foods, name, kw)
    if fn is None:
        return
    with st.spinner(f"{title}…"):
        result = state.run_guarded("This change is not possible", fn, failed="This change could not be made")
    if result is None:
        return
    new_plan = getattr(result, "plan", result)
    lines = state.change_lines(getattr(result, "changes", ()), dishes=is_dish_plan(plan))
    state.set_plan(new_plan)
    if not lines and name in ("swap", "regenerate", "exclude", "servings"):
        lines = ["Nothing else had to move."]
    ss.notice = state.Notice("success", describe, lines)
    _remember_exclusion(name, kw)


def _remember_exclusion(name: str, kw: dict[str, Any]) -> None:
    """A later "Generate" keeps an exclusion: move the sidebar widget (only possible before it is drawn)."""
    if name != "exclude":
        return
    ss = st.session_state
    key, value = ("p_exclude", kw.get("food_id")) if kw.get("food_id") else ("p_exclude_dishes", kw.get("dish_id"))
    if value and value not in ss.get(key, []):
        ss.widget_updates = {key: [*ss.get(key, []), value]}
        st.rerun()


def _dish_change(mod: Any, plan: WeekPlan, tables: Any, foods: pd.DataFrame, name: str, kw: dict[str, Any]):
    """(progress title, the planner.edits call, what the notice says) for a change of a dish plan."""
    day, slot, dish_id = kw.get("day"), kw.get("slot"), kw.get("dish_id")
    label = _dish(plan, tables, foods, dish_id) if dish_id else ""
    if name == "swap":
        new = kw["to"]
        return ("Swapping", lambda: mod.swap(plan, tables, foods, day=day, slot=slot, dish_id=dish_id, to=new),
                f"Swapped {label} for {_dish(plan, tables, foods, new)} ({_where(day, slot)}).")
    if name in ("lock", "unlock"):
        what = (f"{label} ({_where(day, slot)})" if dish_id
                else (_where(day, slot) if slot else f"the whole of day {day}"))
        if name == "lock":
            return ("Locking", lambda: mod.lock(plan, day=day, slot=slot, dish_id=dish_id),
                    f"Locked {what}: re-planning will not change it.")
        return ("Unlocking", lambda: mod.unlock(plan, day=day, slot=slot, dish_id=dish_id), f"Unlocked {what}.")
    if name == "exclude":
        food_id = kw.get("food_id")
        if food_id:
            return ("Removing the ingredient from the plan",
                    lambda: mod.exclude(plan, tables, foods, food_id=food_id),
                    f"No dish with {_food(foods, food_id)} will be suggested again; the days that had one were "
                    "re-planned.")
        return ("Removing the dish from the plan", lambda: mod.exclude(plan, tables, foods, dish_id=dish_id),
                f"{label} will not be suggested again; the days that had it were re-planned.")
    if name == "regenerate":
        return ("Finding a fresh alternative", lambda: mod.regenerate(plan, tables, foods, day=day, slot=slot),
                f"Regenerated {_where(day, slot)}.")
    if name == "servings":
        portions = float(kw["servings"])
        return ("Changing portions",
                lambda: mod.set_portions(plan, tables, foods, day=day, slot=slot, dish_id=dish_id, portions=portions),
                f"{label} set to {portions:g} portion(s) ({_where(day, slot)}); the rest of the day was re-balanced.")
    return "", None, ""


def _food_change(mod: Any, plan: WeekPlan, foods: pd.DataFrame, name: str, kw: dict[str, Any]):
    """The same for a version-1 plan (planner.swaps; a v1 'dish' is one food, its dish_id the food_id)."""
    day, slot = kw.get("day"), kw.get("slot")
    food_id = kw.get("food_id") or kw.get("dish_id")
    if name == "swap":
        new = kw["to"]
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
        kw["food_id"] = food_id  # remembered among the ingredients to avoid
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
SHOP_TAB = ":material/shopping_cart: Shopping list"


def on_generate() -> None:
    state.request("generate")
    st.session_state.main_tab = PLAN_TAB  # the result shows on the Plan tab


def on_change(name: str, **kw: Any) -> None:
    state.request(name, **kw)


def on_servings(day: int, slot: str, dish_id: str, key: str) -> None:
    state.request("servings", day=day, slot=slot, dish_id=dish_id, servings=st.session_state[key])


def on_apply_suggestion(index: int, foods: pd.DataFrame) -> None:
    from ui import sidebar

    problem = st.session_state.get("problem")
    if problem is None or index >= len(problem.suggestions):
        return
    s = problem.suggestions[index]
    sidebar.apply_changes_to_widgets(foods, dict(getattr(s, "profile_changes", {}) or {}),
                                     dict(getattr(s, "rules_changes", {}) or {}))
    again = set(getattr(s, "include_dishes", ()) or ())  # dishes the way out takes off the exclusions
    if again:
        st.session_state.p_exclude_dishes = [d for d in st.session_state.get("p_exclude_dishes", []) if d not in again]
    on_generate()


def on_undo() -> None:
    state.undo()


def on_swap_open(day: int, slot: str, dish_id: str) -> None:
    st.session_state.swap_for = (day, slot, dish_id)


def on_recipe(day: int, slot: str, dish_id: str) -> None:
    """Open a dish's recipe below the day editor (a second click closes it)."""
    ss = st.session_state
    ss.recipe_for = None if ss.get("recipe_for") == (day, slot, dish_id) else (day, slot, dish_id)


def on_exclude_ingredient(key: str) -> None:
    food_id = st.session_state.get(key)
    if food_id:
        state.request("exclude", food_id=food_id)


def on_swap_close() -> None:
    st.session_state.swap_for = None


def generated_text(plan: WeekPlan) -> str:
    """The notice after Generate for a household plan: each person's lowest day against their target."""
    lows = ", ".join(f"{name} {min(d.totals.get('magnesium_mg', 0.0) for d in v.days):.0f} of "
                     f"{v.targets.magnesium_mg:.0f} mg" for name, v in ((p.name, person_plan(plan, p.name)) for p in plan.people))
    return f"New {len(plan.days)}-day plan for {len(plan.people)} people; lowest day of magnesium: {lows}."
