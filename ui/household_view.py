"""The household: who is at the table (a sidebar editor), and a household plan shown person by person.

The sidebar's profile is the first person; the editor adds up to seven more, each with the fields the
one-person sidebar has, and says which meals everyone shares. Leftover lunches and "prefer what is in my
pantry" (the Shopping tab's pantry) are set here too: they apply to one person as well. With nobody added
the app plans for one person, as before.

A household plan (``plan.people``) is shown for everyone (shared meals once, with each person's portions;
personal meals per person; each person's day totals and co-nutrients) or for one person
(``planner.people.person_plan``), read only: swap, lock and regenerate work on one person's plan for now.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import pandas as pd
import streamlit as st

from foods.schema import ALLERGENS, DIETS
from planner.errors import MagplanError
from planner.plan_text import meals_in_order, plan_slots, slot_label
from planner.household import MAX_PEOPLE, SHAREABLE_SLOTS, Member, check_members, member_from_fields
from planner.model import ACTIVITIES, Profile, Rules, WeekPlan
from planner.people import person_plan
from ui import charts
from ui.common import fmt, meets_target, safe_md

HOW = "in the Household section of the sidebar"  # where the app gives a person (for planner messages)
EVERYONE = "Everyone"
DEFAULT_SHARED = ("dinner",)
EDITS_OFF = ("Swap, lock and regenerate work on one person's plan for now; change the household in the sidebar "
             "and press **Generate plan** to plan it again.")


@dataclass(frozen=True)
class Household:
    """What the sidebar says about the table: the people (empty when the editor has a problem), the shared
    meals, the rules with the leftover lunches, whether to prefer the pantry, and the editor's problem."""

    members: tuple[Member, ...]
    shared: tuple[str, ...]
    rules: Rules
    use_pantry: bool = False
    problem: str | None = None

    @property
    def together(self) -> bool:
        return len(self.members) > 1


# --- pure helpers -----------------------------------------------------------------------------------
def person_pairs(values: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A person editor's values as ``member_from_fields`` pairs (keys of ``PERSON_FIELDS``); what is not
    given is left out (the planner's defaults apply)."""
    pairs: list[tuple[str, Any]] = []
    for key in ("age", "sex", "status", "weight-kg", "height-cm", "activity", "diet", "target-mg"):
        value = values.get(key)
        if value is not None and value != "" and not (key == "status" and value == "none"):
            pairs.append((key, value))
    pairs += [(key, list(values[key])) for key in ("avoid", "exclude") if values.get(key)]
    return pairs


def household_members(me: Member, others: Sequence[tuple[str, Sequence[tuple[str, Any]]]]) -> tuple[Member, ...]:
    """The household: ``me`` (the sidebar's profile) and each other (name, pairs); ProfileError says what to fix
    (a field the person's age does not allow, an empty or repeated name, more than eight people)."""
    return check_members((me, *(member_from_fields(name, pairs) for name, pairs in others)), how=HOW)


def shared_slots(plan: WeekPlan) -> tuple[str, ...]:
    """The meals a household plan shares (one meal for everyone); () for a one-person plan."""
    if not plan.people:
        return ()
    return tuple(s for s in SHAREABLE_SLOTS if any(m.slot == s and m.person is None for d in plan.days for m in d.meals))


def person_views(plan: WeekPlan) -> dict[str, WeekPlan]:
    """Each person's plan (what they eat, their targets and notes), by name, in the plan's order."""
    return {p.name: person_plan(plan, p.name) for p in plan.people}


def people_table(views: Mapping[str, WeekPlan]) -> pd.DataFrame:
    """One row per person: their magnesium target, lowest day, days on target, energy against their range."""
    rows = []
    for name, view in views.items():
        t = view.targets
        mg = [d.totals.get("magnesium_mg", 0.0) for d in view.days]
        kcal = [d.totals.get("energy_kcal", 0.0) for d in view.days]
        rows.append({"Person": name, "Magnesium target": f"{t.magnesium_mg:.0f} mg",
                     "Lowest day": f"{min(mg):.0f} mg", "Days on target":
                         f"{sum(1 for v in mg if meets_target(v, t.magnesium_mg))} of {len(mg)}",
                     "Energy, daily average": f"{sum(kcal) / len(kcal):.0f} kcal",
                     "Energy range": f"{t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f} kcal"})
    return pd.DataFrame(rows)


def who_text(meal, names: Sequence[str]) -> str:
    """'for everyone' for a shared meal of a household, the person's name for a personal meal, else ''."""
    if meal.person is not None:
        return meal.person
    return "for everyone" if any(x.portions_by_person for x in meal.dishes) or len(names) > 1 else ""


def changed(plan: WeekPlan, home: Household | None) -> bool:
    """The sidebar's household is not the one the plan was made for (people, their profiles, shared meals)."""
    if home is None or not home.members:
        return False
    had = [(p.name, p.profile) for p in plan.people] or [(home.members[0].name, plan.profile)]
    now = [(m.name, m.profile) for m in home.members]
    if len(had) == 1 and len(now) == 1:
        return False  # one person: the sidebar's own check says it
    return had[1:] != now[1:] or had[0][0] != now[0][0] or (home.together and shared_slots(plan) != home.shared)


# --- the sidebar editor -----------------------------------------------------------------------------
def _key(field: str, pid: int) -> str:
    return f"hh_{field}_{pid}"


def _on_add() -> None:
    ss = st.session_state
    ids = list(ss.get("hh_ids") or [])
    if len(ids) + 1 >= MAX_PEOPLE:
        return
    pid = int(ss.get("hh_next", 1))
    ss.hh_next = pid + 1
    ss.hh_ids = [*ids, pid]
    ss.hh_names = {**(ss.get("hh_names") or {}), pid: f"Person {len(ids) + 2}"}


def _on_remove(pid: int) -> None:
    st.session_state.hh_ids = [i for i in st.session_state.get("hh_ids") or [] if i != pid]


def _person_editor(pid: int, foods_table: pd.DataFrame) -> dict[str, Any]:
    """One more person's fields (the one-person sidebar's), and a Remove button; returns their values."""
    from ui.sidebar import ACTIVITY_LABELS, ALLERGEN_LABELS, STATUS_LABELS, _food_name

    ss = st.session_state
    default_name = (ss.get("hh_names") or {}).get(pid, "Person")
    st.text_input("Name", value=default_name, key=_key("name", pid), max_chars=40)
    c1, c2 = st.columns(2)
    c1.number_input("Age (years)", min_value=1, max_value=120, step=1, value=40, key=_key("age", pid))
    c2.selectbox("Sex", ["female", "male"], index=0, key=_key("sex", pid))
    if ss.get(_key("sex", pid)) == "female":
        st.selectbox("Pregnant or breastfeeding?", list(STATUS_LABELS), format_func=STATUS_LABELS.get, index=0,
                     key=_key("status", pid))
    c1, c2 = st.columns(2)
    c1.number_input("Weight (kg)", min_value=10.0, max_value=300.0, step=1.0, value=None, key=_key("weight", pid),
                    placeholder="not given")
    c2.number_input("Height (cm)", min_value=50.0, max_value=250.0, step=1.0, value=None, key=_key("height", pid),
                    placeholder="not given")
    st.selectbox("Activity", [None, *ACTIVITIES], format_func=ACTIVITY_LABELS.get, index=0, key=_key("activity", pid))
    st.selectbox("Diet", list(DIETS), index=0, key=_key("diet", pid), format_func=str.capitalize)
    st.multiselect("Allergens to avoid", list(ALLERGENS), default=[], key=_key("avoid", pid),
                   format_func=lambda a: ALLERGEN_LABELS.get(a, a))
    ids = sorted(foods_table.index, key=lambda i: str(foods_table.at[i, "name"]).lower())
    st.multiselect("Ingredients to avoid", ids, default=[], key=_key("exclude", pid), format_func=_food_name(foods_table),
                   placeholder="none")
    st.number_input("Magnesium target (mg per day)", min_value=50.0, max_value=1500.0, step=10.0, value=None,
                    key=_key("target", pid), placeholder="their RDA", format="%.0f")
    st.button("Remove", key=_key("remove", pid), icon=":material/person_remove:", on_click=_on_remove, args=(pid,))
    return {"age": ss.get(_key("age", pid)), "sex": ss.get(_key("sex", pid)), "status": ss.get(_key("status", pid)),
            "weight-kg": ss.get(_key("weight", pid)), "height-cm": ss.get(_key("height", pid)),
            "activity": ss.get(_key("activity", pid)), "diet": ss.get(_key("diet", pid)),
            "avoid": ss.get(_key("avoid", pid)), "exclude": ss.get(_key("exclude", pid)),
            "target-mg": ss.get(_key("target", pid))}


def render_editor(foods_table: pd.DataFrame, profile: Profile, rules: Rules) -> Household:
    """The sidebar's Household section: more people, shared meals, leftover lunches, the pantry switch."""
    ss = st.session_state
    ids = list(ss.setdefault("hh_ids", []))
    sb = st.sidebar
    sb.subheader("Household")
    others: list[tuple[str, list[tuple[str, Any]]]] = []
    if not ids:
        sb.caption("Planning for you alone. Add the people you eat with: a shared meal is one dish for everyone "
                   "with portions per person, and each person meets their own targets every day.")
    else:
        sb.text_input("Your name", value="Me", key="hh_me_name", max_chars=40)
        for pid in ids:
            with sb.expander(str(ss.get(_key("name", pid)) or "A person without a name"), key=f"hh_box_{pid}"):
                values = _person_editor(pid, foods_table)
            others.append((str(ss.get(_key("name", pid)) or ""), person_pairs(values)))
    sb.button("Add a person", key="hh_add", icon=":material/person_add:", on_click=_on_add,
              disabled=len(ids) + 1 >= MAX_PEOPLE, help=f"Up to {MAX_PEOPLE} people, children included.")
    shared: tuple[str, ...] = DEFAULT_SHARED
    if ids:
        chosen = sb.multiselect("Shared meals (one dish for everyone)", list(SHAREABLE_SLOTS), default=list(DEFAULT_SHARED),
                                key="hh_shared", format_func=slot_label, placeholder="none")
        shared = tuple(s for s in SHAREABLE_SLOTS if s in chosen)
    leftovers = sb.slider("Leftover lunches a week", 0, 6, value=Rules().leftovers_per_week, key="p_leftovers",
                          help="Lunches that are the previous day's dinner, cooked in a larger batch.")
    use_pantry = sb.toggle("Prefer what is in my pantry", value=False, key="p_use_pantry",
                           help="Dishes that use what the pantry holds (the pantry of the Shopping list tab) are "
                                "preferred; the plan says which pantry foods it uses.")
    me = Member(name=str(ss.get("hh_me_name") or "").strip() if ids else "Me", profile=profile)
    members: tuple[Member, ...] = (me,)
    problem = None
    if ids:
        try:
            members = household_members(me, others)
        except MagplanError as exc:
            members, problem = (), str(exc)
            sb.error(safe_md(problem))
    home = Household(members=members, shared=shared, rules=replace(rules, leftovers_per_week=int(leftovers)),
                     use_pantry=bool(use_pantry), problem=problem)
    ss.household_now = home
    return home


def adopt(plan: WeekPlan) -> None:
    """Move the household editor to an opened plan's people (the sidebar adopts the first person)."""
    ss = st.session_state
    people = plan.people[1:]
    ss.hh_ids = list(range(1, len(people) + 1))
    ss.hh_next = len(people) + 1
    ss.hh_names = {pid: p.name for pid, p in zip(ss.hh_ids, people)}
    ss.p_leftovers = int(plan.rules.leftovers_per_week)
    if not plan.people:
        return
    ss.hh_me_name = plan.people[0].name
    ss.hh_shared = list(shared_slots(plan))
    for pid, p in zip(ss.hh_ids, people):
        prof = p.profile
        values = {"name": p.name, "age": int(prof.age), "sex": prof.sex, "weight": prof.weight_kg,
                  "height": prof.height_cm, "activity": prof.activity, "diet": prof.diet,
                  "avoid": list(prof.avoid_allergens), "exclude": list(prof.exclude_foods),
                  "target": dict(prof.overrides).get("magnesium_mg")}
        if prof.sex == "female":
            values["status"] = prof.status
        for field, value in values.items():
            ss[_key(field, pid)] = value


# --- a household plan -------------------------------------------------------------------------------
def household_grid_html(plan: WeekPlan, views: Mapping[str, WeekPlan]) -> str:
    """The household's week: a shared meal once (each dish with everyone's portions), a personal meal in one
    row per person, and each person's day totals against their own targets."""
    from ui.plan_view import grid_html, meal_cell_html, total_cell_html

    def label(text: str, who: str) -> str:
        return f"{text}<br><span class='mp-sub'>{safe_md(who)}</span>"

    rows = []
    for slot in plan_slots(plan):
        for who in (None, *views):
            picked = [[m for m in d.meals if m.slot == slot and m.person == who] for d in plan.days]
            if any(picked):
                rows.append((label(slot_label(slot), who or "everyone"),
                             [meal_cell_html(plan, d.day, slot, ms) for d, ms in zip(plan.days, picked)], ""))
    for name, view in views.items():
        rows.append((label("Day total", name), [total_cell_html(d.totals, view.targets) for d in view.days],
                     "mp-total"))
    return grid_html(plan, rows)


def _summary(plan: WeekPlan, views: Mapping[str, WeekPlan]) -> None:
    cost = [d.totals.get("cost_usd", 0.0) for d in plan.days]
    shared = shared_slots(plan)
    with st.container(horizontal=True, horizontal_alignment="distribute", key="summary"):
        st.metric("People", len(views), width=160)
        st.metric("Shared meals", ", ".join(slot_label(s) for s in shared) or "none", width=160)
        st.metric("Estimated cost per day, everyone", f"${sum(cost) / len(cost):.2f}" if any(cost) else "–", width=160)
    st.dataframe(people_table(views), hide_index=True, width="stretch", key="household_people")
    for note in plan.notes:
        if charts.advice_label(note.split(": ", 1)[-1]) is None:  # co-nutrient advice: in each person's table
            st.caption(note)


def _co_nutrients(views: Mapping[str, WeekPlan]) -> None:
    """Each person's co-nutrient table and the advice for what is below the reference (a tab per person)."""
    st.subheader("Co-nutrients, person by person", anchor=False)
    for n, (tab, (name, view)) in enumerate(zip(st.tabs(list(views)), views.items())):
        with tab:
            st.dataframe(charts.co_nutrient_table(view), hide_index=True, width="stretch", key=f"conutrients_{n}")
            advice = charts.co_nutrient_advice(view)
            if advice:
                st.markdown(f"**Below {safe_md(name)}'s reference, and what to do**\n\n"
                            + "\n".join(f"- {safe_md(a)}" for a in advice))


def _meal_box(plan: WeekPlan, tables, day: int, n: int, meal, names: Sequence[str], opened: bool) -> bool:
    """A meal of the day view (read only): who it is for, its dishes with portions, a Recipe button per dish.
    Returns whether a recipe is open on the page (one at a time)."""
    from ui import actions
    from ui.plan_view import _amount_text, leftover_text, render_recipe

    ss = st.session_state
    with st.container(border=True, key=f"hhmeal_{day}_{n}"):
        mg = sum(x.value("magnesium_mg") or 0.0 for x in meal.dishes)
        kcal = sum(x.value("energy_kcal") or 0.0 for x in meal.dishes)
        head = [f"**{slot_label(meal.slot)}**", safe_md(who_text(meal, names)), safe_md(leftover_text(meal))]
        st.markdown(" · ".join(h for h in head if h) + f" · {mg:.0f} mg Mg · {kcal:.0f} kcal")
        for x in meal.dishes:
            c = st.columns([3, 1], vertical_alignment="center")
            c[0].markdown(f"<div class='mp-keep-words'><b>{safe_md(x.name)}</b><br><span style='color:gray;"
                          f"font-size:0.9em'>{safe_md(_amount_text(plan, x))} · <b>{fmt(x.value('magnesium_mg'))} mg "
                          f"Mg</b> · {fmt(x.value('energy_kcal'))} kcal · {x.grams:.0f} g</span></div>",
                          unsafe_allow_html=True)
            here = (day, meal.slot, x.dish_id)
            c[1].button("Recipe", key=f"hhrecipe_{day}_{n}_{x.dish_id}", icon=":material/menu_book:",
                        on_click=actions.on_recipe, args=here,
                        type="primary" if ss.get("recipe_for") == here else "secondary")
            if not opened and ss.get("recipe_for") == here:
                render_recipe(plan, tables, day, meal.slot, x)
                opened = True
    return opened


def render_day(plan: WeekPlan, views: Mapping[str, WeekPlan], foods_table: pd.DataFrame) -> None:
    """One day at a time (a phone reads it): each person's day totals, then the meals in the order of a day."""
    from ui.plan_view import day_label, day_total_text, library_or_error

    tables = library_or_error(foods_table)
    ss = st.session_state
    days = [d.day for d in plan.days]
    if ss.get("edit_day") not in days:
        ss.edit_day = days[0]
    with st.container(key="day_view"):
        st.segmented_control("Day", days, format_func=day_label, key="edit_day", label_visibility="collapsed")
        day = ss.edit_day or days[0]
        for name, view in views.items():
            st.markdown(f"{safe_md(name)}, {day_label(day).lower()}: {day_total_text(view, day)}")
        opened = False
        for n, meal in enumerate(meals_in_order(plan, plan.day(day))):
            opened = _meal_box(plan, tables, day, n, meal, list(views), opened)


def render_plan(plan: WeekPlan, foods_table: pd.DataFrame) -> None:
    """A household plan: a person picker, then everyone's week or one person's (summary, grid, day, charts)."""
    from ui import plan_view

    views = person_views(plan)
    ss = st.session_state
    options = [EVERYONE, *views]
    if ss.get("hh_view") not in options:
        ss.hh_view = EVERYONE
    pick = st.segmented_control("Whose plan", options, key="hh_view", required=True)
    st.caption(f":material/edit_off: {EDITS_OFF}")
    if pick in views:
        view = views[pick]
        plan_view.render_summary(view)
        plan_view.render_supplement(view)
        st.markdown(plan_view.week_grid_html(view), unsafe_allow_html=True)  # hidden on a phone
        st.subheader(f"{safe_md(pick)}, day by day", anchor=False)
        render_day(view, {pick: view}, foods_table)
        st.subheader("At a glance", anchor=False)
        charts.render(view)
        return
    _summary(plan, views)
    st.markdown(household_grid_html(plan, views), unsafe_allow_html=True)  # hidden on a phone
    st.subheader("Day by day", anchor=False)
    render_day(plan, views, foods_table)
    _co_nutrients(views)
