"""A printable week: the week grid on one landscape page, then one recipe card per dish.

The grid page holds up to 7 days (a longer plan gets one grid page per week): dish names and portions per
meal, and each day's magnesium against the target. After it, one card per distinct dish and portions of the
plan, with the ingredients scaled to those portions and the recipe's steps (``planner.export.dish_html``,
the same recipe block as the printable plan). CSS asks for landscape pages (``@page { size: landscape }``)
and keeps a card on one page. Every value is HTML-escaped.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from planner.export import (CHECK, CROSS, day_magnesium, dish_html, h, html_page, plan_slots, portions_text,
                            profile_summary, slot_label)
from planner.ics import day_date
from planner.model import DayPlan, PlanDish, WeekPlan

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

DAYS_PER_PAGE = 7
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

PRINT_CSS = """
@page{size:landscape;margin:10mm}
body{max-width:80rem}
section.week{break-after:page;page-break-after:always}
section.week h1{font-size:14pt;margin:0 0 .15rem}section.week p{margin:.1rem 0 .3rem}
table.week-grid{table-layout:fixed;width:100%;font-size:8.5pt;line-height:1.2;margin:0}
table.week-grid th,table.week-grid td{padding:.15rem .3rem}
table.week-grid th.slot{width:6.5em}table.week-grid .dish-name{font-weight:600}
table.week-grid .portions{color:#555;white-space:nowrap}table.week-grid tr.mg td{font-weight:600}
div.cards{column-count:2;column-gap:1.2rem}
div.card{break-inside:avoid;page-break-inside:avoid;border:1px solid #bbb;border-radius:4px;
padding:.3rem .6rem;margin:0 0 .6rem;font-size:9.5pt}
div.card h4{font-size:11pt}div.card p.eaten{margin:.1rem 0 .3rem}
@media print{body{font-size:9.5pt}}
"""


def date_label(when: date, *, year: bool = False) -> str:
    """'Mon 7 Dec' ('Mon 7 Dec 2026' with ``year``), in English whatever the locale."""
    text = f"{_WEEKDAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
    return f"{text} {when.year}" if year else text


def _day_head(day: DayPlan, start: date | None) -> str:
    if start is None:
        return f"Day {h(day.day)}"
    return f"Day {h(day.day)}<br><span class=\"muted\">{h(date_label(day_date(start, day.day)))}</span>"


def _cell(day: DayPlan, slot: str) -> str:
    lines = []
    for dish in (x for m in day.meals if m.slot == slot for x in m.dishes):
        side = "+ " if dish.role == "side" else ""
        lines.append(f"<div>{side}<span class=\"dish-name\">{h(dish.name)}</span> "
                     f"<span class=\"portions\">{h(portions_text(dish.portions))}</span></div>")
    return "<td>" + ("".join(lines) or "<span class=\"muted\">—</span>") + "</td>"


def _mg_cell(plan: WeekPlan, day: DayPlan) -> str:
    mg, met = day_magnesium(plan, day)
    if mg is None:
        return "<td>? mg</td>"
    mark = f" <span class=\"ok\">{CHECK}</span>" if met else f" <span class=\"bad\">{CROSS}</span>"
    return f"<td>{mg:,.0f} mg{mark}</td>"


def _span(first: int, last: int, start: date | None) -> str:
    """'days 1–7' or, with a start date, 'Mon 7 Dec – Sun 13 Dec 2026'."""
    if start is None:
        return f"days {first}–{last}" if first != last else f"day {first}"
    a, b = day_date(start, first), day_date(start, last)
    return date_label(b, year=True) if a == b else f"{date_label(a, year=a.year != b.year)} – {date_label(b, year=True)}"


def _grid_page(plan: WeekPlan, days: tuple[DayPlan, ...], start: date | None) -> str:
    """One landscape page: meals as rows, days as columns, the day's magnesium at the bottom."""
    t = plan.targets
    title = f"Magnesium meal plan, {_span(days[0].day, days[-1].day, start)}"
    head = "".join(f"<th>{_day_head(d, start)}</th>" for d in days)
    rows = [f"<tr><th class=\"slot\">{h(slot_label(slot))}</th>{''.join(_cell(d, slot) for d in days)}</tr>"
            for slot in plan_slots(plan)]
    rows.append(f"<tr class=\"mg\"><th class=\"slot\">Magnesium</th>{''.join(_mg_cell(plan, d) for d in days)}</tr>")
    return (f"<section class=\"week\"><h1>{h(title)}</h1>"
            f"<p class=\"muted\">For: {h(profile_summary(plan))}. Daily magnesium target: {t.magnesium_mg:,.0f} mg. "
            "Recipes on the next pages.</p>"
            f"<table class=\"week-grid\"><thead><tr><th class=\"slot\"></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def distinct_dishes(plan: WeekPlan) -> list[tuple[PlanDish, list[tuple[int, str]]]]:
    """Each distinct (dish, portions) of the plan in order of first appearance, with its (day, slot)s."""
    found: dict[tuple[str, float], tuple[PlanDish, list[tuple[int, str]]]] = {}
    for day in plan.days:
        for meal in day.meals:
            for dish in meal.dishes:
                entry = found.setdefault((dish.dish_id, round(dish.portions, 6)), (dish, []))
                entry[1].append((day.day, meal.slot))
    return list(found.values())


def _eaten(where: list[tuple[int, str]], start: date | None) -> str:
    def one(day: int, slot: str) -> str:
        when = f" ({date_label(day_date(start, day))})" if start is not None else ""
        return f"day {day} {slot_label(slot).lower()}{when}"

    return "For " + ", ".join(one(d, s) for d, s in where)


def _card(dish: PlanDish, where: list[tuple[int, str]], dishes: "DishTables | None", start: date | None) -> str:
    block = dish_html(dish, dishes)  # ['<div class="dish">', '<h4>name</h4>', facts, ingredients ..., '</div>']
    block.insert(2, f"<p class=\"muted eaten\">{h(_eaten(where, start))}</p>")
    return "\n".join(["<div class=\"card\">", *block, "</div>"])


def plan_to_print_html(plan: WeekPlan, dishes: "DishTables | None" = None, *, start: date | None = None) -> str:
    """The printable week: grid pages (7 days each, landscape), then one recipe card per distinct dish.

    ``dishes``: the dish library, for the steps; ``start``: the date of day 1, to print dates beside days.
    """
    parts = [_grid_page(plan, plan.days[i:i + DAYS_PER_PAGE], start)
             for i in range(0, len(plan.days), DAYS_PER_PAGE)]
    parts.append("<div class=\"cards\">")
    parts += [_card(dish, where, dishes, start) for dish, where in distinct_dishes(plan)]
    parts.append("</div>")
    return html_page("Magnesium meal plan: the week to print", "\n".join(parts), extra_css=PRINT_CSS)


__all__ = ["DAYS_PER_PAGE", "PRINT_CSS", "date_label", "distinct_dishes", "plan_to_print_html"]
