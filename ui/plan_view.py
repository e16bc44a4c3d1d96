"""The Plan tab: notices, the explanation box, the week grid, the day editor (swap, lock, ...) and charts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.model import Profile, Rules, WeekPlan, plan_to_json
from ui import actions, charts
from ui.common import capability, fmt, safe_md, slot_label

SERVING_STEPS = 0.5


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

GRID_CSS = """
<style>
.mp-grid {border-collapse: collapse; width: 100%; font-size: 0.86rem; table-layout: fixed;}
.mp-grid th, .mp-grid td {border: 1px solid rgba(128,128,128,0.25); padding: 6px 7px; vertical-align: top;}
.mp-grid th {background: rgba(46,139,87,0.10); text-align: left;}
.mp-grid td.mp-slot {font-weight: 600; width: 88px; background: rgba(128,128,128,0.06);}
.mp-item {margin-bottom: 5px; line-height: 1.25;}
.mp-sub {color: rgba(110,110,110,1); font-size: 0.78rem;}
.mp-ok {color: #2e8b57; font-weight: 600;} .mp-low {color: #c0392b; font-weight: 600;}
.mp-total td {background: rgba(46,139,87,0.05);}
.mp-lock {font-size: 0.68rem; font-weight: 600; color: #8a5a00; background: #fff1cc; border-radius: 4px;
          padding: 0 4px; margin-left: 3px; white-space: nowrap;}
</style>
"""


def week_grid_html(plan: WeekPlan) -> str:
    """The week as an HTML table: meals as rows, days as columns, totals against targets at the bottom."""
    slots = [s for s in plan.rules.slots if any(m.slot == s for d in plan.days for m in d.meals)]
    head = "".join(f"<th>Day {d.day}{LOCK_BADGE if any(lk.day == d.day and lk.slot is None for lk in plan.locks) else ''}</th>"
                   for d in plan.days)
    rows = []
    for slot in slots:
        cells = []
        for d in plan.days:
            items = [i for m in d.meals if m.slot == slot for i in m.items]
            lines = []
            for i in items:
                lock = LOCK_BADGE if plan.is_locked(d.day, slot, i.food_id) else ""
                lines.append(
                    f"<div class='mp-item'><b>{safe_md(i.name)}</b>{lock}<br>"
                    f"<span class='mp-sub'>{safe_md(f'{i.servings:g} × {i.serving_label}')}<br>"
                    f"{fmt(i.magnesium_mg)} mg Mg · {fmt(i.energy_kcal)} kcal</span></div>")
            cells.append("<td>" + ("".join(lines) or "<span class='mp-sub'>—</span>") + "</td>")
        rows.append(f"<tr><td class='mp-slot'>{slot_label(slot)}</td>{''.join(cells)}</tr>")
    t = plan.targets
    totals = []
    for d in plan.days:
        mg = d.totals.get("magnesium_mg", 0.0)
        kcal = d.totals.get("energy_kcal", 0.0)
        ok = mg >= t.magnesium_mg - 0.5
        cost = d.totals.get("cost_usd")
        totals.append(
            f"<td><span class='{'mp-ok' if ok else 'mp-low'}'>{mg:.0f} / {t.magnesium_mg:.0f} mg Mg "
            f"{'✓' if ok else '✗'}</span><br><span class='mp-sub'>{kcal:.0f} kcal "
            f"({t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f})<br>"
            f"{fmt(d.totals.get('protein_g'))} g protein · {fmt(d.totals.get('fiber_g'))} g fiber"
            + (f"<br>${cost:.2f}" if cost else "") + "</span></td>")
    rows.append(f"<tr class='mp-total'><td class='mp-slot'>Day total</td>{''.join(totals)}</tr>")
    return (GRID_CSS + f"<table class='mp-grid'><thead><tr><th style='width:88px'></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_summary(plan: WeekPlan) -> None:
    t = plan.targets
    mg = [d.totals.get("magnesium_mg", 0.0) for d in plan.days]
    kcal = [d.totals.get("energy_kcal", 0.0) for d in plan.days]
    cost = [d.totals.get("cost_usd", 0.0) for d in plan.days]
    met = sum(1 for v in mg if v >= t.magnesium_mg - 0.5)
    c = st.columns(4)
    c[0].metric("Magnesium, daily average", f"{sum(mg) / len(mg):.0f} mg",
                f"target {t.magnesium_mg:.0f} mg", delta_color="off", delta_arrow="off")
    c[1].metric("Days on target", f"{met} of {len(mg)}")
    c[2].metric("Energy, daily average", f"{sum(kcal) / len(kcal):.0f} kcal",
                f"range {t.energy_kcal_min:.0f}–{t.energy_kcal_max:.0f}", delta_color="off",
                delta_arrow="off")
    c[3].metric("Estimated cost per day", f"${sum(cost) / len(cost):.2f}" if any(cost) else "–")
    info = plan.solver
    extra = f", gap {100 * info.gap:.1f}%" if info.gap else ""
    secs = f" in {info.seconds:.1f} s" if info.seconds is not None else ""
    st.caption(f"Solver: {info.name}, {info.status}{extra}{secs}.")
    for note in plan.notes:
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


def _swap_panel(plan: WeekPlan, foods: pd.DataFrame, mod, day: int, slot: str, food_id: str) -> None:
    ss = st.session_state
    cache_key = (ss.plan_rev, day, slot, food_id)
    if ss.get("swap_alts_key") != cache_key:
        try:
            alts, why = mod.alternatives(plan, foods, day, slot, food_id), None
        except Exception as exc:  # a planner error becomes a message, never a traceback
            alts, why = None, str(exc)
        ss.swap_alts_key, ss.swap_alts, ss.swap_why = cache_key, alts, why
    alts, why = ss.swap_alts, ss.get("swap_why")
    name = foods.at[food_id, "name"] if food_id in foods.index else food_id
    with st.container(border=True, key="swap_panel"):
        top = st.columns([5, 1])
        top[0].markdown(f"**Swap {safe_md(name)}** — ranked alternatives; one click applies and "
                        "re-balances the rest of the day.")
        top[1].button("Close", key="swap_close", on_click=actions.on_swap_close)
        if why:
            st.error(f"No alternatives could be listed: {safe_md(why)}")
            return
        if alts is None or len(alts) == 0:
            st.caption("No alternative fits this meal with your diet, allergens and variety rules.")
            return
        for pos, (_i, row) in enumerate(alts.head(6).iterrows()):
            new_id = str(row["food_id"])
            new_name = row.get("name", new_id)
            effect = _effect_text(row)
            c = st.columns([4, 4, 1.3])
            role = row.get("role")
            c[0].markdown(f"**{safe_md(new_name)}**"
                          + (f"  \n:gray[{safe_md(role)}]" if isinstance(role, str) and role else ""))
            c[1].caption(effect)
            c[2].button("Use", key=f"use_{new_id}", type="primary" if pos == 0 else "secondary",
                        on_click=actions.on_change, args=("swap",),
                        kwargs=dict(day=day, slot=slot, food_id=food_id, new_food_id=new_id))


def _effect_text(row: pd.Series) -> str:
    """What an alternative does to the day, from planner.swaps.alternatives' columns."""
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


def render_day_editor(plan: WeekPlan, foods: pd.DataFrame) -> None:
    mod = actions.swaps_module()
    ss = st.session_state
    days = [d.day for d in plan.days]
    if ss.get("edit_day") not in days:
        ss.edit_day = days[0]
    head = st.columns([3, 1.2, 1.2, 1])
    head[0].segmented_control("Day to edit", days, format_func=lambda d: f"Day {d}", key="edit_day",
                              label_visibility="collapsed")
    day = ss.edit_day or days[0]
    if mod is None:
        st.caption("Swapping, locking and regenerating are not available in this version yet.")
    day_locked = any(l.day == day and l.slot is None for l in plan.locks)
    head[1].button("Unlock day" if day_locked else "Lock day", key=f"lockday_{day}", disabled=mod is None,
                   on_click=actions.on_change, args=("unlock" if day_locked else "lock",), kwargs=dict(day=day),
                   icon=":material/lock_open:" if day_locked else ":material/lock:", width="stretch")
    head[2].button("New day", key=f"regenday_{day}", disabled=mod is None or day_locked,
                   on_click=actions.on_change, args=("regenerate",), kwargs=dict(day=day), icon=":material/autorenew:",
                   width="stretch", help="A fresh alternative for the unlocked parts of this day.")
    head[3].button("Undo", key="undo", disabled=not ss.undo_stack, on_click=actions.on_undo, icon=":material/undo:",
                   width="stretch")
    dp = plan.day(day)
    for meal in dp.meals:
        slot = meal.slot
        meal_locked = plan.is_locked(day, slot) and any(
            l.day == day and l.slot in (None, slot) and l.food_id is None for l in plan.locks)
        with st.container(border=True):
            mg = sum(i.magnesium_mg or 0.0 for i in meal.items)
            kcal = sum(i.energy_kcal or 0.0 for i in meal.items)
            h = st.columns([4, 1.2, 1.2])
            h[0].markdown(f"**{slot_label(slot)}** · {mg:.0f} mg Mg · {kcal:.0f} kcal" + (" :material/lock:" if meal_locked else ""))
            h[1].button("Unlock meal" if meal_locked else "Lock meal", key=f"lockmeal_{day}_{slot}",
                        disabled=mod is None or day_locked, width="stretch",
                        on_click=actions.on_change, args=("unlock" if meal_locked else "lock",),
                        kwargs=dict(day=day, slot=slot))
            h[2].button("New meal", key=f"regen_{day}_{slot}", disabled=mod is None or meal_locked,
                        on_click=actions.on_change, args=("regenerate",), kwargs=dict(day=day, slot=slot),
                        width="stretch", help="A different meal here; the rest of the week stays.")
            for item in meal.items:
                _item_row(plan, foods, mod, day, slot, item)
                if ss.swap_for == (day, slot, item.food_id) and mod is not None:
                    _swap_panel(plan, foods, mod, day, slot, item.food_id)


def _item_row(plan: WeekPlan, foods: pd.DataFrame, mod, day: int, slot: str, item) -> None:
    fid = item.food_id
    locked = plan.is_locked(day, slot, fid)
    item_locked = any(l.day == day and l.slot == slot and l.food_id == fid for l in plan.locks)
    c = st.columns([3.6, 1.1, 1.1, 1, 1, 1])
    c[0].markdown(f"{safe_md(item.name)}{' :material/lock:' if locked else ''}  \n"
                  f"<span style='color:gray;font-size:0.85em'>{safe_md(f'{item.servings:g} × {item.serving_label}')}"
                  f" ({item.grams:.0f} g)</span>", unsafe_allow_html=True)
    c[1].markdown(f"**{fmt(item.magnesium_mg)}** mg Mg")
    c[2].markdown(f"{fmt(item.energy_kcal)} kcal")
    disabled = mod is None
    c[3].button("Swap", key=f"swap_{day}_{slot}_{fid}", disabled=disabled or locked, icon=":material/swap_horiz:",
                on_click=actions.on_swap_open, args=(day, slot, fid), width="stretch")
    c[4].button("Unlock" if item_locked else "Lock", key=f"lock_{day}_{slot}_{fid}",
                disabled=disabled or (locked and not item_locked), width="stretch",
                on_click=actions.on_change, args=("unlock" if item_locked else "lock",),
                kwargs=dict(day=day, slot=slot, food_id=fid))
    with c[5].popover("More", width="stretch", disabled=disabled):
        key = f"servings_{day}_{slot}_{fid}"
        st.number_input("Servings", min_value=SERVING_STEPS, max_value=10.0, step=SERVING_STEPS,
                        value=float(item.servings), key=key)
        st.button("Set servings", key=f"setserv_{day}_{slot}_{fid}", disabled=locked,
                  on_click=actions.on_servings, args=(day, slot, fid, key))
        st.divider()
        st.button("Never suggest this food", key=f"exclude_{fid}_{day}_{slot}", icon=":material/block:",
                  on_click=actions.on_change, args=("exclude",), kwargs=dict(food_id=fid))


def render_plan_files(plan: WeekPlan) -> None:
    export = capability("planner.export", "plan_to_markdown", "plan_to_html")
    c = st.columns(3)
    c[0].download_button("Plan (JSON, to open later)", plan_to_json(plan), file_name="magnesium_plan.json",
                         mime="application/json", key="dl_plan_json", icon=":material/download:", width="stretch")
    if export is not None:
        c[1].download_button("Plan (Markdown)", export.plan_to_markdown(plan), file_name="magnesium_plan.md",
                             mime="text/markdown", key="dl_plan_md", icon=":material/download:", width="stretch")
        c[2].download_button("Printable plan (HTML)", export.plan_to_html(plan), file_name="magnesium_plan.html",
                             mime="text/html", key="dl_plan_html", icon=":material/download:", width="stretch")


def _settings(profile: Profile, rules: Rules) -> tuple:
    """The settings a person changes in the sidebar (what makes a plan 'out of date')."""
    return (profile.age, profile.sex, profile.status, profile.weight_kg, profile.height_cm, profile.activity,
            profile.diet, tuple(sorted(profile.avoid_allergens)), tuple(sorted(profile.favorite_foods)),
            profile.budget_usd_per_day, tuple(sorted(dict(profile.overrides).items())), rules.days,
            rules.evening_share_min, rules.caffeine_after_lunch_max_mg, rules.allow_supplement,
            rules.require_iron, rules.require_vitamin_d, rules.require_vitamin_b12)


def render(foods: pd.DataFrame, profile: Profile | None = None, rules: Rules | None = None) -> None:
    plan = st.session_state.get("plan")
    at_top = plan is None or st.session_state.get("feedback_at", "top") != "editor"
    if at_top:
        render_notice()
        render_problem(foods)
    if plan is not None and profile is not None and rules is not None and st.session_state.get("problem") is None \
            and _settings(plan.profile, plan.rules) != _settings(profile, rules):
        st.caption(":material/edit_note: Your settings changed since this plan was made; press **Generate plan** "
                   "to plan again with them.")
    if plan is None:
        if st.session_state.get("problem") is None:
            st.info("Set your profile in the sidebar (the defaults work) and press **Generate plan**. "
                    "The planner picks real foods from USDA data so that every day meets your magnesium "
                    "target within your energy range, diet and budget.", icon=":material/arrow_back:")
            st.button("Generate plan with these settings", key="generate_main", type="primary",
                      icon=":material/auto_awesome:", on_click=actions.on_generate)
        return
    render_summary(plan)
    render_supplement(plan)
    st.markdown(week_grid_html(plan), unsafe_allow_html=True)
    st.subheader("Change the plan")
    st.caption("Swap, lock or regenerate; only the unlocked parts are re-planned, and each change says "
               "what moved. Undo goes back one step.")
    if not at_top:
        render_notice()
        render_problem(foods)
    render_day_editor(plan, foods)
    st.subheader("At a glance")
    charts.render(plan)
    render_plan_files(plan)
