"""The Plan tab: notices, the explanation box, the week grid, the day editor (recipe, swap, lock, ...), charts.

A plan of dishes (version 2) and an old food-level plan (version 1) show the same way: a version-1 item is a
one-ingredient dish (``Meal.dishes``); only the editor behind the buttons differs (see ``ui.actions``).
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from planner import dish_alternatives
from planner.batches import dish_steps
from planner.cook_once import meal_cues
from planner.errors import MagplanError
from planner.export import plan_to_csv, plan_to_html, plan_to_markdown
from planner.plan_text import meals_in_order, plan_slots, slot_label
from planner.ics import next_monday, plan_to_ics
from planner.model import Profile, Rules, WeekPlan
from planner.plan_format import plan_to_json
from planner.print_week import plan_to_print_html
from planner.quantities import scaled_serving
from ui import actions, charts, layout
from ui.common import PORTION_CHOICES, dish_library, download_row, fmt, is_dish_plan, meets_target, safe_md

SERVING_STEPS = 0.5
METRIC_PX = 160  # two summary numbers side by side on a 390 px phone


def render_notice() -> None:
    ss = st.session_state
    notice = ss.get("notice")
    if notice is not None and ss.get("toasted") is not notice:
        # The notice box sits at the top of the page; a toast also tells a person who scrolled down.
        ss.toasted = notice
        icon = {"success": ":material/check_circle:", "error": ":material/error:"}.get(notice.kind,
                                                                                      ":material/info:")
        text = safe_md(notice.text if len(notice.text) < 160 else notice.text[:157] + "…")
        lines = [line for line in notice.changes if not line.startswith("Nothing else")][:3]
        if lines and notice.kind == "success":
            more = len(notice.changes) - len(lines)
            text += "\n\n" + "\n".join(f"- {safe_md(line)}" for line in lines) + (f"\n- … {more} more" if more > 0 else "")
        st.toast(text, icon=icon)
    problem = ss.get("problem")
    if problem is not None and ss.get("toasted") is not problem:
        ss.toasted = problem
        st.toast(f"{safe_md(problem.title)}. See the explanation at the top of the plan.", icon=":material/error:")
    if notice is None:
        return
    body = safe_md(notice.text)
    if notice.changes:
        body += "\n\n" + "\n".join(f"- {safe_md(line)}" for line in notice.changes)
    getattr(st, notice.kind, st.info)(body)


def render_problem(foods: pd.DataFrame) -> None:
    problem = st.session_state.get("problem")
    if problem is None:
        return
    with st.container(border=True, key="problem_box"):
        text = f"**{safe_md(problem.title)}.** {safe_md(problem.message)}"
        if st.session_state.get("plan") is not None:
            text += ("\n\nYour plan was not changed." if st.session_state.get("feedback_at") == "editor"
                     else "\n\nYour previous plan is still shown below.")
        st.error(text, icon=":material/explore:")
        if problem.suggestions:
            st.markdown("**Ways out** (one click changes the setting and plans the week again):")
            cols = st.columns(min(3, len(problem.suggestions)))
            for i, s in enumerate(problem.suggestions):
                label = str(getattr(s, "text", s))
                cols[i % len(cols)].button(safe_md(label[:1].upper() + label[1:]), key=f"suggestion_{i}",
                                           on_click=actions.on_apply_suggestion, args=(i, foods),
                                           width="stretch")
        st.button("Dismiss", key="problem_dismiss", on_click=lambda: st.session_state.update(problem=None))


LOCK_BADGE = " <span class='mp-lock'>locked</span>"
SLOT_COLUMN_PX = 88
DAY_MIN_PX = 118  # "Whole-wheat" in the grid's font fits

GRID_CSS = """
<style>
.mp-week {overflow-x: auto;}
.mp-grid {border-collapse: collapse; width: 100%; font-size: 0.86rem; table-layout: fixed;}
.mp-grid td, .mp-grid th {word-break: normal; overflow-wrap: normal; hyphens: manual;}
.mp-grid th, .mp-grid td {border: 1px solid rgba(128,128,128,0.25); padding: 6px 7px; vertical-align: top;}
.mp-grid th {background: rgba(46,139,87,0.10); text-align: left;}
.mp-grid td.mp-slot {font-weight: 600; background: rgba(128,128,128,0.06);}
.mp-item {margin-bottom: 5px; line-height: 1.25;}
.mp-sub {color: rgba(110,110,110,1); font-size: 0.78rem;}
.mp-meal {font-size: 0.76rem; font-weight: 600; color: #2e6f9e; margin-top: 2px;}
.mp-ok {color: #2e8b57; font-weight: 600;} .mp-low {color: #c0392b; font-weight: 600;}
.mp-total td {background: rgba(46,139,87,0.05);}
.mp-lock {font-size: 0.68rem; font-weight: 600; color: #8a5a00; background: #fff1cc; border-radius: 4px;
          padding: 0 4px; margin-left: 3px; white-space: nowrap;}
</style>
"""


def _amount_text(plan: WeekPlan, dish) -> str:
    """'1.25 portions' for a dish ('3 portions (Ann 1, Tom 2)' for a shared one); '2 × 1 oz' for a version-1
    item (a one-ingredient dish)."""
    if is_dish_plan(plan):
        text = f"{dish.portions:g} portion{'s' if dish.portions != 1 else ''}"
        shares = ", ".join(f"{name} {p:g}" for name, p in dish.portions_by_person.items())
        return f"{text} ({shares})" if shares else text
    item = dish.ingredients[0]
    return f"{item.servings:g} × {item.serving_label}"


def leftover_text(meal) -> str:
    """"Leftovers of day 1's dinner" for a lunch that is an earlier dinner; "" for a meal cooked that day."""
    ref = getattr(meal, "leftover_from", None)
    return "" if ref is None else ref.text()[:1].upper() + ref.text()[1:]


def meal_cell_html(plan: WeekPlan, day: int, slot: str, meals) -> str:
    """A grid cell: the meals' dishes with portions and magnesium, and the meal's magnesium (names escaped)."""
    dishes = is_dish_plan(plan)
    meal_dishes = [x for m in meals for x in m.dishes]
    lines = [f"<div class='mp-meal'>{safe_md(t)}</div>" for t in dict.fromkeys(map(leftover_text, meals)) if t]
    for x in meal_dishes:
        lock = LOCK_BADGE if plan.is_locked(day, slot, x.dish_id) else ""
        side = "<span class='mp-sub'>+ </span>" if dishes and x.role == "side" else ""
        lines.append(
            f"<div class='mp-item'>{side}<b>{safe_md(x.name)}</b>{lock}<br>"
            f"<span class='mp-sub'>{safe_md(_amount_text(plan, x))} · "
            f"{fmt(x.value('magnesium_mg'))} mg Mg · {fmt(x.value('energy_kcal'))} kcal</span></div>")
    if dishes and len(meal_dishes) > 1:  # a meal of one dish: the dish's magnesium is the meal's
        mg = sum(x.value("magnesium_mg") or 0.0 for x in meal_dishes)
        lines.append(f"<div class='mp-meal'>Meal: {mg:.0f} mg Mg</div>")
    return "<td>" + ("".join(lines) or "<span class='mp-sub'>—</span>") + "</td>"


def total_cell_html(totals, t, who: str = "") -> str:
    """A day's magnesium against the target ``t`` (Targets), energy, protein, fiber and cost."""
    mg, kcal = totals.get("magnesium_mg", 0.0), totals.get("energy_kcal", 0.0)
    ok = meets_target(mg, t.magnesium_mg)
    cost = totals.get("cost_usd")
    return (f"<td>{who}<span class='{'mp-ok' if ok else 'mp-low'}'>{mg:.0f} / {t.magnesium_mg:.0f} mg Mg "
            f"{'✓' if ok else '✗'}</span><br><span class='mp-sub'>{kcal:.0f} kcal "
            f"({t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f})<br>"
            f"{fmt(totals.get('protein_g'))} g protein · {fmt(totals.get('fiber_g'))} g fiber"
            + (f"<br>${cost:.2f}" if cost else "") + "</span></td>")


def grid_html(plan: WeekPlan, rows: list[tuple[str, list[str], str]]) -> str:
    """The week table: days as columns, one row per (label, cells, row class)."""
    head = "".join(f"<th>Day {d.day}{LOCK_BADGE if any(lk.day == d.day and lk.slot is None for lk in plan.locks) else ''}</th>"
                   for d in plan.days)
    body = "".join(f"<tr class='{css}'><td class='mp-slot'>{label}</td>{''.join(cells)}</tr>" for label, cells, css in rows)
    # A day's column is never narrower than DAY_MIN_PX: a narrow window scrolls the grid, never a word.
    width = f"min-width: {SLOT_COLUMN_PX + DAY_MIN_PX * len(plan.days)}px"
    return (GRID_CSS + f"<div class='mp-week'><table class='mp-grid' style='{width}'><thead><tr>"
            f"<th style='width:{SLOT_COLUMN_PX}px'></th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def week_grid_html(plan: WeekPlan) -> str:
    """The week as an HTML table: meals as rows, days as columns, totals against targets at the bottom.

    Each cell lists the meal's dishes (a main and its sides, or snacks) with portions and magnesium, and the
    meal's magnesium; every name is escaped (names can come from user tables).
    """
    rows = [(slot_label(slot), [meal_cell_html(plan, d.day, slot, [m for m in d.meals if m.slot == slot])
                                for d in plan.days], "") for slot in plan_slots(plan)]
    rows.append(("Day total", [total_cell_html(d.totals, plan.targets) for d in plan.days], "mp-total"))
    return grid_html(plan, rows)


def render_summary(plan: WeekPlan) -> None:
    t = plan.targets
    mg = [d.totals.get("magnesium_mg", 0.0) for d in plan.days]
    kcal = [d.totals.get("energy_kcal", 0.0) for d in plan.days]
    cost = [d.totals.get("cost_usd", 0.0) for d in plan.days]
    met = sum(1 for v in mg if meets_target(v, t.magnesium_mg))
    # A row that wraps: four across on a desktop, two by two on a phone (columns would stack one by one).
    with st.container(horizontal=True, horizontal_alignment="distribute", key="summary"):
        st.metric("Magnesium, daily average", f"{sum(mg) / len(mg):.0f} mg",
                  f"target {t.magnesium_mg:.0f} mg", delta_color="off", delta_arrow="off", width=METRIC_PX)
        st.metric("Days on target", f"{met} of {len(mg)}", width=METRIC_PX)
        st.metric("Energy, daily average", f"{sum(kcal) / len(kcal):.0f} kcal",
                  f"range {t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f}", delta_color="off",
                  delta_arrow="off", width=METRIC_PX)
        st.metric("Estimated cost per day", f"${sum(cost) / len(cost):.2f}" if any(cost) else "–", width=METRIC_PX)
    info = plan.solver
    extra = f", gap {100 * info.gap:.1f}%" if info.gap else ""
    secs = f" in {info.seconds:.1f} s" if info.seconds is not None else ""
    st.caption(f"Solver: {info.name}, {info.status}{extra}{secs}.")
    for note in plan.notes:
        if charts.advice_label(note) is None:  # co-nutrient advice is said once, by the co-nutrient table
            st.caption(note)


def render_supplement(plan: WeekPlan) -> None:
    s = plan.supplement
    if s is None:
        return
    with st.container(border=True, key="supplement_panel"):
        st.markdown("#### :material/medication: Supplement to close the gap")
        st.markdown(f"Food falls short by about **{s.shortfall_mg:.0f} mg** a day · suggested: "
                    f"**{s.dose_mg:.0f} mg** elemental magnesium as **{s.form}**")
        note = s.note
        if "kidney" not in note.lower() or "350" not in note:  # the safety note is always there, once
            note += ("\n\nThe 350 mg upper limit for adults applies to magnesium from supplements and "
                     "medicines, not to food. With kidney disease, or if you take medicines, ask a doctor "
                     "before taking magnesium.")
        st.warning(note, icon=":material/warning:")


def _alternatives(plan: WeekPlan, tables, foods: pd.DataFrame, mod, day: int, slot: str,
                  dish_id: str) -> list[dict]:
    """Ranked alternatives as rows {id, name, sub, effect}: planner.dish_alternatives for dishes, planner.swaps
    (``mod``) for foods."""
    if is_dish_plan(plan):
        alts = dish_alternatives.alternatives(plan, tables, foods, day=day, slot=slot, dish_id=dish_id)
        return [{"id": a.dish_id, "name": a.name, "sub": f"{a.portions:g} portion{'s' if a.portions != 1 else ''}, "
                                                           f"{fmt(a.magnesium_mg)} mg Mg",
                 "effect": _alt_effect(a)} for a in list(alts)[:6]]
    alts = mod.alternatives(plan, foods, day, slot, dish_id)
    if alts is None:
        return []
    return [{"id": str(row["food_id"]), "name": row.get("name", row["food_id"]),
             "sub": row.get("role") if isinstance(row.get("role"), str) else "", "effect": _effect_text(row)}
            for _i, row in alts.head(6).iterrows()]


def _alt_effect(a) -> str:
    """What a dish alternative does to the day (planner.dish_alternatives.Alternative)."""
    parts = [f"day Mg {a.delta_magnesium_mg:+.0f} → {fmt(a.day_magnesium_mg)} mg",
             f"{a.delta_energy_kcal:+.0f} kcal → {fmt(a.day_energy_kcal)} kcal"]
    if a.delta_cost_usd is not None:
        parts.append(f"{'+' if a.delta_cost_usd >= 0 else '−'}${abs(a.delta_cost_usd):.2f} a day")
    if a.fits:
        parts.append("✓ the day stays on target")
    else:
        why = "; ".join(a.problems)
        parts.append("the rest of the day is re-balanced" + (f" ({why})" if why else ""))
    return " · ".join(parts)


def _swap_panel(plan: WeekPlan, tables, foods: pd.DataFrame, mod, day: int, slot: str, dish_id: str,
                name: str) -> None:
    ss = st.session_state
    cache_key = (ss.plan_rev, day, slot, dish_id)
    if ss.get("swap_alts_key") != cache_key:
        try:
            alts, why = _alternatives(plan, tables, foods, mod, day, slot, dish_id), None
        except Exception as exc:  # a planner error becomes a message, never a traceback
            alts, why = None, str(exc)
        ss.swap_alts_key, ss.swap_alts, ss.swap_why = cache_key, alts, why
    alts, why = ss.swap_alts, ss.get("swap_why")
    with st.container(border=True, key="swap_panel"):
        top = st.columns([5, 1])
        top[0].markdown(f"**Swap {safe_md(name)}** — ranked alternatives; one click applies and "
                        "re-balances the rest of the day.")
        top[1].button("Close", key="swap_close", on_click=actions.on_swap_close)
        if why:
            st.error(f"No alternatives could be listed: {safe_md(why)}")
            return
        if not alts:
            st.caption("No alternative fits this meal with your diet, allergens and variety rules.")
            return
        for pos, alt in enumerate(alts):
            c = st.columns([4, 4, 1.3])
            c[0].markdown(f"**{safe_md(str(alt['name']))}**"
                          + (f"  \n:gray[{safe_md(str(alt['sub']))}]" if alt["sub"] else ""))
            c[1].caption(alt["effect"])
            c[2].button("Use", key=f"use_{alt['id']}", type="primary" if pos == 0 else "secondary",
                        on_click=actions.on_change, args=("swap",),
                        kwargs=dict(day=day, slot=slot, dish_id=dish_id, to=alt["id"]))


def _effect_text(row: pd.Series) -> str:
    """What an alternative does to the day, from planner.swaps.alternatives' columns (version-1 plans)."""
    def num(col: str) -> float | None:
        v = row.get(col)
        return None if v is None or pd.isna(v) else float(v)

    parts = []
    if num("servings") is not None:
        parts.append(f"{num('servings'):g} serving(s), {fmt(num('magnesium_mg'))} mg Mg")
    if num("delta_magnesium_mg") is not None:
        parts.append(f"day Mg {num('delta_magnesium_mg'):+.0f} → {fmt(num('day_magnesium_mg'))} mg")
    if num("delta_energy_kcal") is not None:
        parts.append(f"{num('delta_energy_kcal'):+.0f} kcal")
    if num("delta_cost_usd") is not None:
        d = num("delta_cost_usd")
        parts.append(f"{'+' if d >= 0 else '−'}${abs(d):.2f}")
    if "fits" in row and pd.notna(row["fits"]):
        if bool(row["fits"]):
            parts.append("✓ day stays within every limit")
        else:
            why = str(row.get("problems") or "").strip()
            parts.append("the rest of the day is re-balanced" + (f" ({why})" if why else ""))
    return " · ".join(parts)


def recipe_frame(dish) -> pd.DataFrame:
    """A plan dish's ingredients for its portions: name, household amount scaled, grams, magnesium."""
    rows = []
    for i in dish.ingredients:
        rows.append({"Ingredient": i.name, "Amount": scaled_serving(i.servings, i.serving_label),
                     "Grams": round(i.grams),
                     "Mg (mg)": None if i.magnesium_mg is None else round(i.magnesium_mg, 1)})
    return pd.DataFrame(rows, columns=["Ingredient", "Amount", "Grams", "Mg (mg)"])


RECIPE_CSS = """
<style>
.mp-recipe {font-size: 1.05rem; line-height: 1.5;}
.mp-recipe ul {list-style: none; padding-left: 0; margin: 0 0 0.6rem 0 !important;}
.mp-recipe ul li {margin-left: 0;}
.mp-recipe ul li {padding: 5px 0; border-bottom: 1px solid rgba(128,128,128,0.18);}
.mp-recipe ol {padding-left: 1.6rem; margin: 0;}
.mp-recipe ol li {margin-bottom: 0.55rem; font-size: 1.12rem;}
.mp-recipe .mp-amt {font-weight: 600;}
.mp-recipe .mp-sub {color: rgba(110,110,110,1); font-size: 0.85rem; white-space: nowrap;}
</style>
"""


def recipe_html(frame: pd.DataFrame, steps: list[str], portions: float) -> str:
    """The recipe as a person reads it at arm's length: each amount and ingredient, then numbered steps.

    ``frame`` is ``recipe_frame(dish)``; every text is escaped (names can come from user tables).
    """
    items = "".join(
        f"<li><span class='mp-amt'>{safe_md(r['Amount'])}</span> {safe_md(r['Ingredient'])} "
        f"<span class='mp-sub'>{r['Grams']:.0f} g · {fmt(r['Mg (mg)'])} mg Mg</span></li>"
        for r in frame.to_dict("records"))
    head = f"Ingredients for {portions:g} portion{'s' if portions != 1 else ''}"
    ordered = "".join(f"<li>{safe_md(step)}</li>" for step in steps)
    return (RECIPE_CSS + f"<div class='mp-recipe mp-keep-words'><p><b>{head}</b></p><ul>{items}</ul>"
            + (f"<p><b>Steps</b></p><ol>{ordered}</ol>" if ordered else "") + "</div>")


def render_recipe(plan: WeekPlan, tables, day: int, slot: str, dish) -> None:
    """A dish of the plan as a recipe for its portions: ingredients scaled, steps from the dish library."""
    lib = tables.dishes if tables is not None else None
    with st.container(border=True, key="recipe_panel"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"#### {safe_md(dish.name)}", width="stretch")
            st.button("Close", key="recipe_close", icon=":material/close:", on_click=actions.on_recipe,
                      args=(day, slot, dish.dish_id))
        facts = [f"{dish.portions:g} portion{'s' if dish.portions != 1 else ''} ({dish.grams:.0f} g)",
                 f"{fmt(dish.value('magnesium_mg'))} mg magnesium", f"{fmt(dish.value('energy_kcal'))} kcal",
                 f"{fmt(dish.value('protein_g'))} g protein"]
        cost = dish.value("cost_usd")
        if cost:
            facts.append(f"about ${cost:.2f}")
        if lib is not None and dish.dish_id in lib.index:
            facts.append(f"{int(lib.at[dish.dish_id, 'minutes_total'])} min in all")
        st.caption(" · ".join(facts))
        steps = dish_steps(tables, dish.dish_id)[0]
        cue = meal_cues(plan, tables).get((day, slot, dish.dish_id))  # cooked once for a later day, or from it
        if cue:
            st.info(cue, icon=":material/kitchen:")
        st.markdown(recipe_html(recipe_frame(dish), steps, dish.portions), unsafe_allow_html=True)
        if not steps and is_dish_plan(plan):
            st.caption("No steps: serve as it is.")


def opening_day(days: list[int], start: date | None = None, today: date | None = None) -> int:
    """The day a day view opens on: the plan day on today's weekday when the plan has dates, else the first.

    ``start`` is the date of the plan's first day (day n is ``start + n - 1`` days).
    """
    if start is not None and today is not None:
        for n in days:
            if (start + timedelta(days=n - 1)).weekday() == today.weekday():
                return n
    return days[0]


def day_label(day: int, start: date | None = None) -> str:
    """'Day 3', or 'Wed 9' when the plan has dates (``start`` is the first day's date)."""
    if start is None:
        return f"Day {day}"
    when = start + timedelta(days=day - 1)
    return f"{when:%a} {when.day}"


def day_total_text(plan: WeekPlan, day: int) -> str:
    """The day's magnesium against the target, its energy against the range (the week grid's bottom row)."""
    t = plan.targets
    totals = plan.day(day).totals
    mg, kcal = totals.get("magnesium_mg", 0.0), totals.get("energy_kcal", 0.0)
    ok = meets_target(mg, t.magnesium_mg)
    return (f"**{mg:.0f} mg magnesium** of {t.magnesium_mg:.0f} mg {'✓' if ok else '✗ below target'} · "
            f"{kcal:.0f} kcal ({t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f})")


def _day_actions(plan: WeekPlan, mod, day: int) -> None:
    ss = st.session_state
    day_locked = any(l.day == day and l.slot is None for l in plan.locks)
    with st.container(horizontal=True, gap="xsmall", key="day_actions"):
        st.button("Unlock day" if day_locked else "Lock day", key=f"lockday_{day}", disabled=mod is None,
                  on_click=actions.on_change, args=("unlock" if day_locked else "lock",), kwargs=dict(day=day),
                  icon=":material/lock_open:" if day_locked else ":material/lock:")
        st.button("New day", key=f"regenday_{day}", disabled=mod is None or day_locked,
                  on_click=actions.on_change, args=("regenerate",), kwargs=dict(day=day), icon=":material/autorenew:",
                  help="A fresh alternative for the unlocked parts of this day.")
        st.button("Undo", key="undo", disabled=not ss.undo_stack, on_click=actions.on_undo, icon=":material/undo:")


def library_or_error(foods: pd.DataFrame):
    """The dish library (for recipes and edits); None, said in an error box, when it cannot be loaded."""
    try:
        return dish_library(foods)
    except MagplanError as exc:
        st.error(f"The dish library could not be loaded: {safe_md(exc)}")
        return None


def render_day_editor(plan: WeekPlan, foods: pd.DataFrame) -> None:
    """One day at a time (any screen width): a day picker, the day's totals, each meal stacked with its dishes."""
    mod = actions.editor_for(plan)
    tables = library_or_error(foods) if is_dish_plan(plan) else None
    if is_dish_plan(plan) and tables is None:
        mod = None
    ss = st.session_state
    days = [d.day for d in plan.days]
    start = getattr(plan, "start_date", None)  # plans have no dates yet; a dated plan opens on today
    if ss.get("edit_day") not in days:
        ss.edit_day = opening_day(days, start, date.today())
    with st.container(key="day_view"):
        st.segmented_control("Day", days, format_func=lambda d: day_label(d, start), key="edit_day",
                             label_visibility="collapsed")
        day = ss.edit_day or days[0]
        st.markdown(f"{day_label(day, start)}: {day_total_text(plan, day)}")
        _day_actions(plan, mod, day)
        day_locked = any(l.day == day and l.slot is None for l in plan.locks)
        for meal in meals_in_order(plan, plan.day(day)):
            _meal_card(plan, tables, foods, mod, day, meal, day_locked)


def _meal_card(plan: WeekPlan, tables, foods: pd.DataFrame, mod, day: int, meal, day_locked: bool) -> None:
    """A meal: its magnesium and energy, lock and regenerate, then each dish with its recipe and swap panels."""
    ss = st.session_state
    slot = meal.slot
    meal_locked = plan.is_locked(day, slot) and any(
        l.day == day and l.slot in (None, slot) and l.food_id is None for l in plan.locks)
    with st.container(border=True, key=f"meal_{day}_{slot}"):
        mg = sum(i.magnesium_mg or 0.0 for i in meal.items)
        kcal = sum(i.energy_kcal or 0.0 for i in meal.items)
        h = st.columns([3, 2], vertical_alignment="center")
        leftover = f" · {leftover_text(meal)}" if meal.leftover_from else ""
        h[0].markdown(f"**{slot_label(slot)}**{leftover} · {mg:.0f} mg Mg · {kcal:.0f} kcal"
                      + (" :material/lock:" if meal_locked else ""))
        with layout.button_row(f"meal_{day}_{slot}", parent=h[1]):
            st.button("Unlock meal" if meal_locked else "Lock meal", key=f"lockmeal_{day}_{slot}",
                      disabled=mod is None or day_locked,
                      on_click=actions.on_change, args=("unlock" if meal_locked else "lock",),
                      kwargs=dict(day=day, slot=slot))
            st.button("New meal", key=f"regen_{day}_{slot}", disabled=mod is None or meal_locked,
                      on_click=actions.on_change, args=("regenerate",), kwargs=dict(day=day, slot=slot),
                      help="A different meal here; the rest of the week stays.")
        for dish in meal.dishes:
            _dish_row(plan, mod, day, slot, dish)
            if ss.get("recipe_for") == (day, slot, dish.dish_id):
                render_recipe(plan, tables, day, slot, dish)
            if ss.swap_for == (day, slot, dish.dish_id) and mod is not None:
                _swap_panel(plan, tables, foods, mod, day, slot, dish.dish_id, dish.name)


def _dish_row(plan: WeekPlan, mod, day: int, slot: str, dish) -> None:
    """One dish of a meal (or one food of a version-1 plan): what it brings and what can be done with it.

    Two columns: what the dish is, and its buttons in a row that wraps; on a phone the columns stack.
    """
    did = dish.dish_id
    dishes = is_dish_plan(plan)
    locked = plan.is_locked(day, slot, did)
    own_lock = any(l.day == day and l.slot == slot and l.food_id == did for l in plan.locks)
    c = st.columns([3, 2], vertical_alignment="center")
    role = " · side" if dishes and dish.role == "side" else ""
    c[0].markdown(f"<div class='mp-keep-words'><b>{safe_md(dish.name)}</b>{' :material/lock:' if locked else ''}<br>"
                  f"<span style='color:gray;font-size:0.9em'>{safe_md(_amount_text(plan, dish))}{role} · "
                  f"<b>{fmt(dish.value('magnesium_mg'))} mg Mg</b> · {fmt(dish.value('energy_kcal'))} kcal"
                  f" · {dish.grams:.0f} g</span></div>", unsafe_allow_html=True)
    disabled = mod is None
    with layout.button_row(f"dish_{day}_{slot}_{did}", parent=c[1]):
        st.button("Recipe", key=f"recipe_{day}_{slot}_{did}", icon=":material/menu_book:",
                  on_click=actions.on_recipe, args=(day, slot, did),
                  type="primary" if st.session_state.get("recipe_for") == (day, slot, did) else "secondary")
        st.button("Swap", key=f"swap_{day}_{slot}_{did}", disabled=disabled or locked, icon=":material/swap_horiz:",
                  on_click=actions.on_swap_open, args=(day, slot, did))
        st.button("Unlock" if own_lock else "Lock", key=f"lock_{day}_{slot}_{did}",
                  disabled=disabled or (locked and not own_lock),
                  on_click=actions.on_change, args=("unlock" if own_lock else "lock",),
                  kwargs=dict(day=day, slot=slot, dish_id=did))
        with st.popover("More", disabled=disabled):
            _more_menu(plan, day, slot, dish, locked)


def _more_menu(plan: WeekPlan, day: int, slot: str, dish, locked: bool) -> None:
    """Portions, and never suggesting the dish (or one of its ingredients) again."""
    did = dish.dish_id
    dishes = is_dish_plan(plan)
    key = f"portions_{day}_{slot}_{did}"
    if dishes:
        current = float(dish.portions)
        choices = sorted({*PORTION_CHOICES, current})
        st.selectbox("Portions", choices, index=choices.index(current), key=key, format_func=lambda v: f"{v:g}")
    else:
        item = dish.ingredients[0]
        st.number_input("Servings", min_value=SERVING_STEPS, max_value=10.0, step=SERVING_STEPS,
                        value=float(item.servings), key=key)
    st.button("Set portions" if dishes else "Set servings", key=f"setportions_{day}_{slot}_{did}",
              disabled=locked, on_click=actions.on_servings, args=(day, slot, did, key))
    st.divider()
    st.button("Never suggest this dish" if dishes else "Never suggest this food", key=f"exclude_{did}_{day}_{slot}",
              icon=":material/block:", on_click=actions.on_change, args=("exclude",), kwargs=dict(dish_id=did))
    if dishes and dish.ingredients:
        ing_key = f"exclude_ing_{day}_{slot}_{did}"
        names = {i.food_id: i.name for i in dish.ingredients}
        st.selectbox("Or never an ingredient of it (every dish with it is left out)", list(names), key=ing_key,
                     format_func=lambda f: names.get(f, f))
        st.button("Never suggest this ingredient", key=f"exclude_ing_go_{day}_{slot}_{did}",
                  icon=":material/block:", on_click=actions.on_exclude_ingredient, args=(ing_key,))


def render_plan_files(plan: WeekPlan, foods: pd.DataFrame | None = None) -> None:
    library = _recipe_library(plan, foods)
    download_row([
        ("Plan (JSON, to open later)", plan_to_json(plan), "magnesium_plan.json", "application/json", "dl_plan_json"),
        ("Plan (Markdown)", plan_to_markdown(plan, library), "magnesium_plan.md", "text/markdown", "dl_plan_md"),
        ("Plan (CSV)", plan_to_csv(plan), "magnesium_plan.csv", "text/csv", "dl_plan_csv"),
        ("Printable plan with recipes (HTML)", plan_to_html(plan, dishes=library),
         "magnesium_plan.html", "text/html", "dl_plan_html"),
    ])


def _recipe_library(plan: WeekPlan, foods: pd.DataFrame | None):
    """The dish library, for the recipes' steps; None for a food-level plan or when it cannot be loaded."""
    if foods is None or not is_dish_plan(plan):
        return None
    try:
        return dish_library(foods)
    except MagplanError:
        return None


def render_calendar_files(plan: WeekPlan, foods: pd.DataFrame | None = None) -> None:
    """The plan as a calendar file (.ics) from a chosen start date, and the week to print on paper."""
    c = st.columns([1, 1.5, 1.5])
    start = c[0].date_input("Day 1 of the plan is on", value=next_monday(date.today()), key="ics_start",
                            format="YYYY-MM-DD", help="The calendar and the printout put day 1 on this date.")
    dishes = _recipe_library(plan, foods)
    try:
        calendar = plan_to_ics(plan, start, dishes=dishes)
        printout = plan_to_print_html(plan, dishes, start=start)
    except MagplanError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    c[1].download_button("Calendar, one event per meal (.ics)", calendar, file_name=f"magnesium_plan_{start}.ics",
                         mime="text/calendar", key="dl_plan_ics", icon=":material/calendar_month:", width="stretch")
    c[2].download_button("Week to print: grid and recipe cards (HTML)", printout,
                         file_name=f"magnesium_week_{start}.html", mime="text/html", key="dl_plan_print",
                         icon=":material/print:", width="stretch")


def settings_key(profile: Profile, rules: Rules) -> tuple:
    """The settings a person changes in the sidebar (what makes a plan 'out of date')."""
    return (profile.age, profile.sex, profile.status, profile.weight_kg, profile.height_cm, profile.activity,
            profile.diet, tuple(sorted(profile.avoid_allergens)), tuple(sorted(profile.favorite_foods)),
            profile.budget_usd_per_day, tuple(sorted(dict(profile.overrides).items())), rules.days,
            rules.evening_share_min, rules.caffeine_after_lunch_max_mg, rules.fish_per_week_min > 0,
            rules.max_breakfast_per_week >= rules.days, rules.cheapest, rules.leftovers_per_week)


