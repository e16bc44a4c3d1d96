"""The profile sidebar: widgets -> Profile and Rules (with defaults so one click gives a plan)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from foods.schema import ALLERGENS, DIETS
from planner.errors import MagplanError
from planner.model import ACTIVITIES, CAFFEINE_AFTER_LUNCH_MG_DEFAULT, Profile, Rules
from planner.targets import check_profile, targets_for
from ui.common import dish_library, safe_md

# Solve time limit of the app (seconds): long enough for a good week, short enough to wait for.
TIME_LIMIT_S = 15.0

# Profile / Rules field -> widget key (so an explanation's suggestion can move the widget too).
PROFILE_WIDGETS = {
    "age": "p_age", "sex": "p_sex", "status": "p_status", "weight_kg": "p_weight", "height_cm": "p_height",
    "activity": "p_activity", "diet": "p_diet", "avoid_allergens": "p_avoid", "exclude_foods": "p_exclude",
    "favorite_foods": "p_favorites", "disliked_foods": "p_dislikes", "budget_usd_per_day": "p_budget",
}
RULES_WIDGETS = {"days": "p_days", "caffeine_after_lunch_max_mg": "p_caffeine", "cheapest": "p_cheapest"}
DEFAULTS: dict[str, Any] = {
    "p_age": 40, "p_sex": "female", "p_status": "none", "p_weight": None, "p_height": None, "p_activity": None,
    "p_diet": "omnivore", "p_avoid": [], "p_exclude": [], "p_favorites": [], "p_budget": None,
    "p_target_mg": None, "p_evening": 0, "p_caffeine": CAFFEINE_AFTER_LUNCH_MG_DEFAULT, "p_days": 7,
    "p_exclude_dishes": [], "p_dislikes": [], "p_same_breakfast": False, "p_fish": True, "p_cheapest": False,
}
FISH_PER_WEEK = Rules().fish_per_week_min  # "fish twice a week"
BREAKFAST_PER_WEEK = Rules().max_breakfast_per_week


@dataclass(frozen=True)
class DishChoices:
    """What the dish planner takes besides Profile and Rules: dishes to leave out, liked and disliked ids."""

    exclude_dishes: tuple[str, ...] = ()
    favorites: tuple[str, ...] = ()  # dish ids or food ids
    dislikes: tuple[str, ...] = ()  # dish ids or food ids


def choices() -> DishChoices:
    """The sidebar's dish choices (after ``render``)."""
    ss = st.session_state
    return DishChoices(exclude_dishes=tuple(ss.get("p_exclude_dishes") or ()),
                       favorites=tuple(ss.get("p_favorites") or ()), dislikes=tuple(ss.get("p_dislikes") or ()))
ACTIVITY_LABELS = {None: "not given", "sedentary": "sedentary", "low_active": "low active", "active": "active",
                   "very_active": "very active"}
STATUS_LABELS = {"none": "neither", "pregnancy": "pregnant", "lactation": "breastfeeding"}
ALLERGEN_LABELS = {"tree_nuts": "tree nuts"}


def life_stage_text(group: str) -> str:
    """'females_31_50' -> 'females 31–50'; 'pregnancy_19_30' -> 'pregnancy 19–30'."""
    parts = group.split("_")
    if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit():
        return f"{' '.join(parts[:-2])} {parts[-2]}–{parts[-1]}"
    if len(parts) >= 3 and parts[-1] == "plus" and parts[-2].isdigit():
        return f"{' '.join(parts[:-2])} {parts[-2]}+"
    return group.replace("_", " ")


def init_defaults() -> None:
    """Apply widget moves queued by an action (only possible before the widgets are drawn).

    Widgets get their defaults through ``value=`` (never only through st.session_state): the browser
    then starts from the same default as the server, even when a click arrives during the first run.
    """
    for key, value in (st.session_state.pop("widget_updates", None) or {}).items():
        st.session_state[key] = value


def apply_changes_to_widgets(foods_table: pd.DataFrame, profile_changes: dict[str, Any] | None,
                             rules_changes: dict[str, Any] | None) -> None:
    """Move the sidebar widgets to a suggestion's values; what has no widget is kept as an extra."""
    ss = st.session_state
    for name, value in (profile_changes or {}).items():
        if name == "overrides":
            overrides = dict(value or {})
            if "magnesium_mg" in overrides:
                ss.p_target_mg = float(overrides.pop("magnesium_mg"))
            ss.extra_profile = {**ss.extra_profile, "overrides": overrides} if overrides else {
                k: v for k, v in ss.extra_profile.items() if k != "overrides"}
        elif name in PROFILE_WIDGETS:
            if isinstance(value, tuple):
                value = list(value)
            ss[PROFILE_WIDGETS[name]] = value
        else:
            ss.extra_profile = {**ss.extra_profile, name: value}
    for name, value in (rules_changes or {}).items():
        if name == "evening_share_min":
            ss.p_evening = int(round(100 * (value or 0)))
        elif name == "fish_per_week_min":
            ss.p_fish = bool(value)
        elif name == "max_breakfast_per_week":
            ss.p_same_breakfast = value is not None and value > BREAKFAST_PER_WEEK
        elif name in RULES_WIDGETS:
            ss[RULES_WIDGETS[name]] = value
        else:
            ss.extra_rules = {**ss.extra_rules, name: value}


def adopt_settings(foods_table: pd.DataFrame, profile: Profile, rules: Rules,
                   excluded_dishes: tuple[str, ...] = ()) -> None:
    """Move the sidebar to an opened plan's profile and rules (so Generate plans with the same settings)."""
    st.session_state.extra_profile = {}
    st.session_state.extra_rules = {}
    profile_changes = {name: getattr(profile, name) for name in PROFILE_WIDGETS}
    overrides = dict(profile.overrides)
    st.session_state.p_target_mg = None if "magnesium_mg" not in overrides else float(overrides["magnesium_mg"])
    profile_changes["overrides"] = overrides
    rules_changes = {name: getattr(rules, name) for name in
                     (*RULES_WIDGETS, "evening_share_min", "fish_per_week_min", "max_breakfast_per_week")}
    apply_changes_to_widgets(foods_table, profile_changes, rules_changes)
    st.session_state.p_exclude_dishes = list(excluded_dishes)


def _choice_names(foods_table: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Dish ids then food ids, by name, and the label of each ("Lentil soup (dish)", "Almonds (food)")."""
    labels: dict[str, str] = {}
    try:
        dishes = dish_library(foods_table).dishes
    except MagplanError:
        dishes = None
    if dishes is not None:
        for i in sorted(dishes.index, key=lambda i: str(dishes.at[i, "name"]).lower()):
            labels[str(i)] = f"{dishes.at[i, 'name']} (dish)"
    for i in sorted(foods_table.index, key=lambda i: str(foods_table.at[i, "name"]).lower()):
        labels.setdefault(str(i), f"{foods_table.at[i, 'name']} (food)")
    return list(labels), labels


def _food_name(foods_table: pd.DataFrame):
    def name(food_id: str) -> str:
        return str(foods_table.at[food_id, "name"]) if food_id in foods_table.index else food_id
    return name


def render(foods_table: pd.DataFrame) -> tuple[Profile, Rules, str | None]:
    """Draw the sidebar; return the Profile, the Rules and a problem with the profile (or None)."""
    init_defaults()
    sb = st.sidebar
    status = _person_widgets(sb)
    _food_widgets(sb, foods_table)
    profile, overrides = _profile_from_state(status)
    profile, problem = _magnesium_widgets(sb, profile, overrides)
    rules = _plan_widgets(sb)
    if problem:
        sb.error(safe_md(problem))
    return profile, rules, problem


def _person_widgets(sb: Any) -> str:
    """Age, sex, pregnancy, body and activity; returns the life-stage status."""
    ss = st.session_state
    sb.header("Your profile")
    c1, c2 = sb.columns(2)
    c1.number_input("Age (years)", min_value=1, max_value=120, step=1, value=DEFAULTS["p_age"], key="p_age")
    c2.selectbox("Sex", ["female", "male"], index=0, key="p_sex")
    status = "none"
    if ss.p_sex == "female" and 14 <= int(ss.p_age) <= 50:
        status = sb.radio("Pregnant or breastfeeding?", list(STATUS_LABELS), format_func=STATUS_LABELS.get,
                          index=0, key="p_status", horizontal=True)
    with sb.expander("Body and activity (optional)"):
        st.caption("Used for your energy range; without them a typical range for your age and sex is used.")
        st.number_input("Weight (kg)", min_value=20.0, max_value=300.0, step=1.0, value=None, key="p_weight",
                        placeholder="not given")
        st.number_input("Height (cm)", min_value=100.0, max_value=250.0, step=1.0, value=None, key="p_height",
                        placeholder="not given")
        st.selectbox("Activity", [None, *ACTIVITIES], format_func=ACTIVITY_LABELS.get, index=0,
                     key="p_activity")
    return status


def _food_widgets(sb: Any, foods_table: pd.DataFrame) -> None:
    """Diet, allergens, foods and dishes to avoid, favourites, dislikes, budget."""
    ss = st.session_state
    sb.subheader("Food")
    sb.selectbox("Diet", list(DIETS), index=0, key="p_diet", format_func=str.capitalize)
    sb.multiselect("Allergens to avoid", list(ALLERGENS), default=[], key="p_avoid",
                   format_func=lambda a: ALLERGEN_LABELS.get(a, a))
    ids = sorted(foods_table.index, key=lambda i: str(foods_table.at[i, "name"]).lower())
    both, labels = _choice_names(foods_table)
    dish_ids = [i for i in both if i not in foods_table.index]
    known = {"p_exclude": set(ids), "p_exclude_dishes": set(dish_ids), "p_favorites": set(both),
             "p_dislikes": set(both)}
    for key, allowed in known.items():  # an id that disappeared from the tables is dropped quietly
        if key in ss and any(i not in allowed for i in ss[key]):
            ss[key] = [i for i in ss[key] if i in allowed]
    name = _food_name(foods_table)
    sb.multiselect("Ingredients to avoid", ids, default=[], key="p_exclude", format_func=name, placeholder="none",
                   help="Every dish that contains one of them is left out (e.g. no mushrooms).")
    sb.multiselect("Dishes to avoid", dish_ids, default=[], key="p_exclude_dishes", format_func=labels.get,
                   placeholder="none")
    sb.multiselect("Favourite dishes or ingredients", both, default=[], key="p_favorites", format_func=labels.get,
                   placeholder="none", help="Preferred when they fit; never forced.")
    sb.multiselect("Disliked dishes or ingredients", both, default=[], key="p_dislikes", format_func=labels.get,
                   placeholder="none", help="Avoided when something else fits; use the lists above to rule "
                                            "them out completely.")
    sb.number_input("Budget per day (USD)", min_value=0.5, max_value=100.0, step=0.5, value=None, key="p_budget",
                    placeholder="no limit", format="%.2f")


def _profile_from_state(status: str) -> tuple[Profile, dict]:
    """The Profile of the widgets (plus ``extra_profile``), and the nutrient overrides given so far."""
    ss = st.session_state
    profile = Profile(
        age=int(ss.p_age), sex=ss.p_sex, status=status,
        weight_kg=ss.p_weight, height_cm=ss.p_height, activity=ss.p_activity, diet=ss.p_diet,
        avoid_allergens=tuple(ss.p_avoid), exclude_foods=tuple(ss.p_exclude),
        favorite_foods=tuple(ss.p_favorites), disliked_foods=tuple(ss.get("p_dislikes") or ()),
        budget_usd_per_day=ss.p_budget,
    )
    extra = dict(ss.extra_profile)
    overrides = dict(extra.pop("overrides", {}) or {})
    if extra:
        profile = Profile(**{**vars(profile), **extra})
    return profile, overrides


def _magnesium_widgets(sb: Any, profile: Profile, overrides: dict) -> tuple[Profile, str | None]:
    """Magnesium target (the RDA shown), evening share and caffeine; the profile with its overrides and a
    problem with the profile (or None)."""
    ss = st.session_state
    sb.subheader("Magnesium")
    rda_text, problem = None, None
    try:
        check_profile(profile)
        base = targets_for(profile)
        group = f" for {life_stage_text(base.life_stage_group)}" if base.life_stage_group else ""
        rda_text = (f"Default: {base.magnesium_mg:.0f} mg a day, the RDA{group} (National Academies "
                    "Dietary Reference Intakes).")
    except MagplanError as exc:
        problem = str(exc)
    sb.number_input("Magnesium target (mg per day)", min_value=50.0, max_value=1500.0, step=10.0,
                    value=None, key="p_target_mg", placeholder="your RDA", format="%.0f")
    if rda_text:
        sb.caption(rda_text + " Food magnesium has no upper limit; the 350 mg limit is for supplements.")
    if ss.p_target_mg is not None:
        overrides["magnesium_mg"] = float(ss.p_target_mg)
    if overrides:
        profile = Profile(**{**vars(profile), "overrides": overrides})
    sb.slider("Evening share of magnesium (at least, %)", 0, 70, value=0, step=5, key="p_evening",
              help="Part of the day's magnesium at dinner and the evening snack; some people with RLS "
                   "prefer it later in the day. 0 means no minimum.")
    sb.number_input("Caffeine after lunch (at most, mg)", min_value=0.0, max_value=500.0, step=10.0,
                    value=DEFAULTS["p_caffeine"], key="p_caffeine", placeholder="no limit", format="%.0f",
                    help="Dark chocolate, cocoa, coffee and tea carry caffeine, and RLS guidance advises against it "
                         f"in the evening. {CAFFEINE_AFTER_LUNCH_MG_DEFAULT:g} mg is about a cup of cocoa (a cup "
                         "of coffee has about 95 mg); clear the box for no limit.")
    return profile, problem


def _plan_widgets(sb: Any) -> Rules:
    """Days, fish, breakfast and cost choices; the Rules of the sidebar (plus ``extra_rules``)."""
    ss = st.session_state
    sb.subheader("Plan")
    sb.slider("Number of days", 1, 7, value=DEFAULTS["p_days"], key="p_days")
    sb.checkbox("Fish twice a week", value=True, key="p_fish",
                help="For an omnivore or pescatarian: a fish or seafood main on at least two days.")
    sb.checkbox("The same breakfast every day", value=False, key="p_same_breakfast",
                help="Allows one breakfast on every day; otherwise a breakfast comes at most "
                     f"{BREAKFAST_PER_WEEK} times a week.")
    sb.checkbox("Cheapest week", value=False, key="p_cheapest",
                help="Cost first, after the targets; by default taste and variety come before cost.")
    sb.caption("Iron, calcium, potassium, vitamin D and B12 are planned too: at or above your RDA on the "
               "week's average where the dishes allow it; a shortfall is reported with what to do.")
    days = int(ss.p_days)
    rules = Rules(
        days=days, evening_share_min=(ss.p_evening / 100.0) or None,
        caffeine_after_lunch_max_mg=ss.p_caffeine, time_limit_s=TIME_LIMIT_S,
        fish_per_week_min=FISH_PER_WEEK if ss.p_fish else 0,
        max_breakfast_per_week=max(days, BREAKFAST_PER_WEEK) if ss.p_same_breakfast else BREAKFAST_PER_WEEK,
        cheapest=bool(ss.p_cheapest),
    )
    if ss.extra_rules:
        rules = Rules(**{**vars(rules), **ss.extra_rules})
    return rules
