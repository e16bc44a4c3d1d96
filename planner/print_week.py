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

from planner.cook_once import cooking_batches, meal_cues
from planner.export import dish_cue, dish_html, html_page
from planner.plan_text import CHECK, CROSS, day_magnesium, h, plan_slots, portions_text, profile_summary, slot_label
from planner.batches import Batch
from planner.household_export import by_person_text, cook_text, eaten_text
from planner.ics import day_date
from planner.model import DayPlan, Meal, PlanDish, WeekPlan
from planner.quantities import fmt_qty

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
table.week-grid.household{font-size:6.5pt;line-height:1.1}table.week-grid.household th.slot{width:5em}
table.week-grid .who{font-weight:600;color:#333}table.week-grid .left{color:#555;font-style:italic}
table.week-grid.household td div{margin-bottom:.1rem}
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


def _dish_div(dish: PlanDish) -> str:
    side = "+ " if dish.role == "side" else ""
    amount = by_person_text(dish.portions_by_person) if dish.portions_by_person else portions_text(dish.portions)
    return (f"<div>{side}<span class=\"dish-name\">{h(dish.name)}</span> "
            f"<span class=\"portions\">{h(amount)}</span></div>")


def _cell(day: DayPlan, slot: str) -> str:
    meals = [m for m in day.meals if m.slot == slot]
    if any(m.person is not None for m in meals):
        return _people_cell(meals)
    lines = [_dish_div(dish) for m in meals for dish in m.dishes]
    lines += ["<div class=\"left\">leftovers</div>" for m in meals if m.leftover_from is not None]
    return "<td>" + ("".join(lines) or "<span class=\"muted\">—</span>") + "</td>"


def _people_cell(meals: list[Meal]) -> str:
    """A meal planned per person: people who eat the same dishes share a line ('Ann, Mia: Salmon cakes')."""
    groups: dict[tuple, list[Meal]] = {}
    for m in meals:
        key = (tuple((d.dish_id, d.portions) for d in m.dishes), m.leftover_from)
        groups.setdefault(key, []).append(m)
    lines = []
    for same in groups.values():
        names = ", ".join(str(m.person) for m in same)
        dishes = " + ".join(f"<span class=\"dish-name\">{h(d.name)}</span>"
                            + ("" if abs(d.portions - 1) < 1e-9 else f" <span class=\"portions\">×{h(fmt_qty(d.portions))}</span>")
                            for d in same[0].dishes)
        left = " <span class=\"left\">(leftovers)</span>" if same[0].leftover_from is not None else ""
        lines.append(f"<div><span class=\"who\">{h(names)}:</span> {dishes}{left}</div>")
    return "<td>" + "".join(lines) + "</td>"


def _people_mg_cell(plan: WeekPlan, index: int) -> str:
    """Each person's magnesium that day against their own target (``planner.household.person_plan``)."""
    from planner.household import person_plan

    lines = []
    for p in plan.people:
        view = person_plan(plan, p.name)
        mg, met = day_magnesium(view, view.days[index])
        mark = "" if met is None else f" <span class=\"ok\">{CHECK}</span>" if met else f" <span class=\"bad\">{CROSS}</span>"
        lines.append(f"<div>{h(p.name)} {'?' if mg is None else f'{mg:,.0f}'} mg{mark}</div>")
    return "<td>" + "".join(lines) + "</td>"


def _mg_cell(plan: WeekPlan, day: DayPlan) -> str:
    if plan.people:
        return _people_mg_cell(plan, plan.days.index(day))
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
    who = (f"For: {h(profile_summary(plan))}. Daily magnesium target: {t.magnesium_mg:,.0f} mg. " if not plan.people
           else "For: " + h("; ".join(f"{p.name} (magnesium {p.targets.magnesium_mg:,.0f} mg)" for p in plan.people))
           + ". ")
    table = "week-grid household" if plan.people else "week-grid"
    return (f"<section class=\"week\"><h1>{h(title)}</h1>"
            f"<p class=\"muted\">{who}Recipes on the next pages.</p>"
            f"<table class=\"{table}\"><thead><tr><th class=\"slot\"></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def distinct_dishes(plan: WeekPlan, dishes: "DishTables | None" = None) -> list[tuple[PlanDish, list[tuple[int, str]]]]:
    """Each distinct (dish, portions cooked) of the plan in order of first appearance, with the (day, slot)s it is
    eaten at: a dinner and its leftover lunch are one batch (``planner.batches``), cooked once, and so is a dish
    that comes back within a few days (``planner.cook_once``, with ``dishes``)."""
    return [(dish, _where(batches)) for dish, batches in distinct_batches(plan, dishes)]


def distinct_batches(plan: WeekPlan, dishes: "DishTables | None" = None) -> list[tuple[PlanDish, list[Batch]]]:
    """Each distinct (dish, portions cooked): the dish for the whole batch, and the batches cooked so (a dish
    that comes back within a few days is one batch, ``cook_once.cooking_batches``, with ``dishes``)."""
    found: dict[tuple, tuple[PlanDish, list[Batch]]] = {}
    for batch in cooking_batches(plan, dishes):
        key = (batch.dish.dish_id, batch.portions, _who(batch))
        found.setdefault(key, (batch.cooked, []))[1].append(batch)
    return list(found.values())


def _who(batch: Batch) -> tuple:
    """Who eats a batch when, relative to its cooking (batches alike in this share a card)."""
    return tuple((e.person, e.portions, tuple((e.by_person or {}).items()), e.leftover, e.day - batch.day)
                 for e in batch.eaten)


def _where(batches: list[Batch]) -> list[tuple[int, str]]:
    return list(dict.fromkeys((e.day, e.slot) for b in batches for e in b.eaten))


def _eaten(where: list[tuple[int, str]], start: date | None) -> str:
    def one(day: int, slot: str) -> str:
        when = f" ({date_label(day_date(start, day))})" if start is not None else ""
        return f"day {day} {slot_label(slot).lower()}{when}"

    return "For " + ", ".join(one(d, s) for d, s in where)


def _card(dish: PlanDish, batches: list[Batch], dishes: "DishTables | None", start: date | None,
          cue: str | None = None) -> str:
    block = dish_html(dish, dishes, cue)  # ['<div class="dish">', '<h4>name</h4>', facts, ingredients ..., '</div>']
    notes = [_eaten(_where(batches), start)]
    if any(e.person or e.by_person for e in batches[0].eaten):  # a household: who eats which portions
        notes.append(eaten_text(e for b in batches for e in b.eaten))
    notes += [x for x in (cook_text(batches[0]),) if x]
    block[2:2] = [f"<p class=\"muted eaten\">{h(x)}</p>" for x in notes]
    return "\n".join(["<div class=\"card\">", *block, "</div>"])


def _card_cue(plan: WeekPlan, cues: dict, batch: Batch, dish: PlanDish) -> str | None:
    """A card's cooking notes: its cooking meal's (``export.dish_cue``), then how a later meal of the batch is
    served (from the fridge, reheated), once."""
    later = dict.fromkeys(cues[k] for e in batch.eaten
                          if (k := (e.day, e.slot, dish.dish_id)) in cues and (e.day, e.slot) != (batch.day, batch.slot))
    return " ".join(x for x in (dish_cue(plan, cues, batch.day, batch.slot)(dish), *later) if x) or None


def plan_to_print_html(plan: WeekPlan, dishes: "DishTables | None" = None, *, start: date | None = None) -> str:
    """The printable week: grid pages (7 days each, landscape), then one recipe card per distinct dish.

    ``dishes``: the dish library, for the steps; ``start``: the date of day 1, to print dates beside days.
    """
    parts = [_grid_page(plan, plan.days[i:i + DAYS_PER_PAGE], start)
             for i in range(0, len(plan.days), DAYS_PER_PAGE)]
    parts.append("<div class=\"cards\">")
    cues = meal_cues(plan, dishes)
    parts += [_card(dish, batches, dishes, start, _card_cue(plan, cues, batches[0], dish))
              for dish, batches in distinct_batches(plan, dishes)]
    parts.append("</div>")
    return html_page("Magnesium meal plan: the week to print", "\n".join(parts), extra_css=PRINT_CSS)


__all__ = ["DAYS_PER_PAGE", "PRINT_CSS", "date_label", "distinct_dishes", "plan_to_print_html"]
