"""Altair pictures of a plan: magnesium per day vs target, by meal, top sources; the co-nutrient table."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from planner.dishplan import average_text, co_nutrient_met
from planner.plan_text import plan_slots, slot_label
from planner.model import WeekPlan
from ui.common import fmt, is_dish_plan, meets_target, plan_dishes_frame, plan_items_frame

SLOT_COLORS = {"Breakfast": "#f2b134", "Lunch": "#4daf7c", "Dinner": "#2e6f9e", "Afternoon snack": "#8e5ea2",
               "Evening snack": "#5b4a8b"}


def magnesium_per_day(plan: WeekPlan) -> alt.LayerChart:
    df = pd.DataFrame({"Day": [f"Day {d.day}" for d in plan.days],
                       "Magnesium (mg)": [round(d.totals.get("magnesium_mg", 0.0), 1) for d in plan.days]})
    target = plan.targets.magnesium_mg
    df["Meets target"] = meets_target(df["Magnesium (mg)"], target)
    bars = alt.Chart(df).mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=alt.X("Day:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Magnesium (mg):Q", title="Magnesium (mg)"),
        color=alt.Color("Meets target:N", scale=alt.Scale(domain=[True, False], range=["#2e8b57", "#d9822b"]),
                        legend=None),
        tooltip=["Day", "Magnesium (mg)"],
    )
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color="#c0392b", strokeDash=[6, 4],
                                                                  size=2).encode(y="target:Q")
    return (bars + rule).properties(
        height=260, title=alt.Title("Magnesium per day", subtitle=f"dashed line: your target, {target:.0f} mg"))


def magnesium_by_meal(plan: WeekPlan) -> alt.Chart:
    items = plan_items_frame(plan)
    by = items.groupby(["day", "slot"], as_index=False)["magnesium_mg"].sum()
    by["Day"] = "Day " + by["day"].astype(str)
    by["Meal"] = by["slot"].map(slot_label)
    by["Magnesium (mg)"] = by["magnesium_mg"].round(1)
    order = [slot_label(s) for s in plan_slots(plan)]
    return alt.Chart(by).mark_bar().encode(
        x=alt.X("Day:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Magnesium (mg):Q", stack="zero"),
        color=alt.Color("Meal:N", sort=order, scale=alt.Scale(domain=order,
                        range=[SLOT_COLORS.get(s, "#999999") for s in order])),
        order=alt.Order("slot_order:Q"),
        tooltip=["Day", "Meal", "Magnesium (mg)"],
    ).transform_calculate(
        slot_order=" + ".join(f"(datum.Meal == '{s}') * {i}" for i, s in enumerate(order)) or "0"
    ).properties(height=260, title="Magnesium by meal")


def top_sources(plan: WeekPlan, n: int = 10) -> alt.Chart:
    """The dishes (or, in a version-1 plan, the foods) that bring the most magnesium over the plan."""
    dishes = is_dish_plan(plan)
    frame = plan_dishes_frame(plan) if dishes else plan_items_frame(plan)
    label = "Dish" if dishes else "Food"
    top = (frame.groupby("name", as_index=False)["magnesium_mg"].sum()
           .sort_values("magnesium_mg", ascending=False).head(n))
    top["Magnesium over the plan (mg)"] = top["magnesium_mg"].round(0)
    top = top.rename(columns={"name": label})
    return alt.Chart(top).mark_bar(color="#2e8b57").encode(
        x=alt.X("Magnesium over the plan (mg):Q"),
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        tooltip=[label, "Magnesium over the plan (mg)"],
    ).properties(height=alt.Step(24), title=f"Top magnesium {'dishes' if dishes else 'sources'} of the plan")


CO_NUTRIENTS = [
    # (total key, label, unit, target attribute, kind)
    ("iron_mg", "Iron", "mg", "iron_mg", "RDA"),
    ("vitamin_d_ug", "Vitamin D", "µg", "vitamin_d_ug", "RDA"),
    ("vitamin_b12_ug", "Vitamin B12", "µg", "vitamin_b12_ug", "RDA"),
    ("calcium_mg", "Calcium", "mg", "calcium_mg", "RDA"),
    ("potassium_mg", "Potassium", "mg", "potassium_mg", "AI"),
    ("fiber_g", "Fiber", "g", "fiber_g_min", "at least"),
    ("sodium_mg", "Sodium", "mg", "sodium_mg_max", "at most"),
]


def co_nutrient_table(plan: WeekPlan) -> pd.DataFrame:
    """Daily average of each co-nutrient against its reference, with how much of it is measured."""
    rows = []
    n = max(1, len(plan.days))
    for key, label, unit, attr, kind in CO_NUTRIENTS:
        avg = sum(d.totals.get(key, 0.0) for d in plan.days) / n
        measured = min((d.measured.get(key, 1.0) for d in plan.days), default=1.0)
        ref = getattr(plan.targets, attr, None)
        if ref:  # judged and written as the plan's notes judge it (14.97 of 15 shows as 14.97, below)
            ok = avg <= ref if kind == "at most" else co_nutrient_met(avg, ref)
            share = f"{100 * avg / ref:.0f}%"
            shown = fmt(avg, 1) if kind == "at most" else average_text(avg, ref)
        else:
            ok, share, shown = None, "–", fmt(avg, 1)
        rows.append({
            "Nutrient": label, "Daily average": f"{shown} {unit}",
            "Reference": f"{kind} {fmt(ref, 1)} {unit}" if ref else "–", "Of reference": share,
            "Status": "✓" if ok else ("–" if ok is None else ("over" if kind == "at most" else "below")),
            "Measured": f"{100 * measured:.0f}%",
        })
    return pd.DataFrame(rows)


def advice_label(note: str) -> str | None:
    """The co-nutrient a plan note gives advice on ('Vitamin D averages ...' -> 'Vitamin D'), else None."""
    for _key, label, _unit, _attr, _kind in CO_NUTRIENTS:
        if note.startswith(f"{label} averages "):
            return label
    return None


def co_nutrient_advice(plan: WeekPlan) -> list[str]:
    """The plan's shortfall sentences, each with what to do (planner.dishplan.co_nutrient_notes)."""
    return [n for n in plan.notes if advice_label(n) is not None]


def render(plan: WeekPlan) -> None:
    c1, c2 = st.columns(2)
    c1.altair_chart(magnesium_per_day(plan), width="stretch")
    c2.altair_chart(magnesium_by_meal(plan), width="stretch")
    c3, c4 = st.columns([1, 1.15])
    c3.altair_chart(top_sources(plan), width="stretch")
    with c4:
        st.markdown("**Co-nutrients** (daily average)")
        st.dataframe(co_nutrient_table(plan), hide_index=True, width="stretch", key="conutrients")
        advice = co_nutrient_advice(plan)
        if advice:  # said once, here, plainly
            with st.container(key="conutrient_advice"):
                st.markdown("**Below the reference, and what to do**\n\n" + "\n".join(f"- {n}" for n in advice))
        st.caption("“Measured” is the share of the food (by weight) whose value USDA reports; the rest is "
                   "unknown, not zero. Iron, vitamin D and B12 matter in RLS: a doctor can check them "
                   "with a blood test.")
