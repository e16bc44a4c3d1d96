"""Writers for plans and shopping lists: CSV, Markdown and standalone HTML.

Every CSV cell goes through ``safe_cell`` (OWASP CSV injection: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with a single quote), because food names can come from
user tables and FoodData Central. Every HTML value goes through ``html.escape``. Markdown escapes the
characters that would change the document's structure.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping


from foods.schema import AISLE_LABELS
from planner.model import DISH_PLAN_VERSION, DayPlan, PlanDish, WeekPlan
from planner.household_export import (HOUSEHOLD_PLAN_CSV_COLUMNS, batches_by_meal, cook_lines, dish_people_html,
                                      everyone_met, household_checks_html, household_markdown, household_rows,
                                      iter_people_co_nutrients, leftover_csv, meal_heading, people_html)
from planner.plan_text import (CHECK, CROSS, DISH_PLAN_CSV_COLUMNS, PLAN_CSV_COLUMNS, _co_nutrient_lines, _grams, dish_rows,
                               co_nutrient_checks, day_total_rows, h, is_missing, md_text, meal_lines, money_text, num_text, portions_text, profile_summary, rows_to_csv,
                               meals_in_order, slot_label, solver_line, supplement_line)
from planner.batches import dish_steps
from planner.cook_once import MealKey, meal_cues
from planner.prep import prep_by_evening, prep_heading, yolk_cue
from planner.quantities import scaled_serving

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables
    from planner.shopping import ShoppingList

def plan_to_markdown(plan: WeekPlan, dishes: "DishTables | None" = None) -> str:
    """A readable week: a heading per day, the items per meal, what to prep that evening for the next day (the
    library's steps, ``dishes``, say which dishes set overnight), the day's totals vs targets, notes."""
    if plan.people:
        return household_markdown(plan)
    t = plan.targets
    batches = batches_by_meal(plan)
    prep, cues = prep_by_evening(plan, dishes), meal_cues(plan, dishes)
    lines = [f"# Magnesium meal plan ({len(plan.days)} day{'s' if len(plan.days) != 1 else ''})", ""]
    lines.append(f"For: {md_text(profile_summary(plan))}. Daily magnesium target: {num_text(t.magnesium_mg)} mg"
                 + (f" ({md_text(t.magnesium_source)})" if t.magnesium_source else "") + ".")
    lines.append("")
    lines += _prep_md(prep, 0)
    for day in plan.days:
        mg = day.totals.get("magnesium_mg")
        met = mg is not None and not is_missing(mg) and float(mg) >= t.magnesium_mg - 1e-6
        lines.append(f"## Day {day.day} {CHECK if met else ''}".rstrip())
        lines.append("")
        for meal in meals_in_order(plan, day):
            lines.append(f"### {md_text(meal_heading(meal))}")
            lines.append("")
            lines += cook_lines(batches, day.day, meal)
            lines += meal_lines(meal, dishes=plan.version >= DISH_PLAN_VERSION, cue=dish_cue(plan, cues, day.day, meal.slot))
            lines.append("")
        lines += _prep_md(prep, day.day)
        lines.append("**Totals**")
        lines.append("")
        for label, text, ok in day_total_rows(plan, day):
            mark = "" if ok is None else (f" {CHECK}" if ok else f" {CROSS}")
            lines.append(f"- {label}: {md_text(text)}{mark}")
        lines.append("")
    if plan.version >= DISH_PLAN_VERSION:
        lines += _co_nutrient_lines(plan)
    lines.append("---")
    lines.append("")
    lines.append(md_text(solver_line(plan)))
    sup = supplement_line(plan)
    if sup:
        lines.append("")
        lines.append(md_text(sup))
    if plan.notes:
        lines.append("")
        lines.append("**Notes**")
        lines.append("")
        for n in plan.notes:
            lines.append(f"- {md_text(n)}")
    return "\n".join(lines).rstrip() + "\n"


def dish_cue(plan: WeekPlan, cues: Mapping[MealKey, str], day: int, slot: str) -> Callable[[PlanDish], str | None]:
    """The cooking notes of a dish at ``day``'s ``slot``: cooked once for later days or served from an earlier
    cooking (``cook_once.meal_cues``), and the pregnancy egg cue (``prep.yolk_cue``)."""
    def cue(dish: PlanDish) -> str | None:
        return " ".join(c for c in (cues.get((day, slot, dish.dish_id)), yolk_cue(plan, dish)) if c) or None
    return cue


def _prep_md(prep: dict[int, list[str]], evening_day: int) -> list[str]:
    lines = prep.get(evening_day, [])
    return [f"**{prep_heading(evening_day)}:**", "", *(f"- {md_text(x)}" for x in lines), ""] if lines else []


def dish_plan_rows(plan: WeekPlan) -> list[list[Any]]:
    """One list per ingredient of each dish, in DISH_PLAN_CSV_COLUMNS order (amounts for the portions), then the
    leftover marker ('day 1 dinner': the meal is left over from that one; empty: cooked for it)."""
    return [[*row, leftover_csv(meal.leftover_from)] for day in plan.days for meal in day.meals
            for dish in meal.dishes for row in dish_rows(day.day, meal.slot, dish)]




def plan_rows(plan: WeekPlan) -> list[list[Any]]:
    """One list per item in PLAN_CSV_COLUMNS order."""
    rows: list[list[Any]] = []
    for day in plan.days:
        for meal in day.meals:
            for it in meal.items:
                rows.append([day.day, meal.slot, it.food_id, it.name, it.servings, it.serving_label, it.grams,
                             it.magnesium_mg, it.energy_kcal, it.protein_g, it.cost_usd])
    return rows


def plan_to_csv(plan: WeekPlan) -> str:
    """A spreadsheet-safe CSV of the plan (empty cell = unknown).

    A plan made of dishes: one row per ingredient (DISH_PLAN_CSV_COLUMNS: day, slot, dish_id, dish, role,
    portions, food_id, fdc_id, ingredient, measure, grams, the nutrients, cost_usd). A version-1 plan: one
    row per item (PLAN_CSV_COLUMNS: day, slot, food_id, name, servings, serving_label, grams, magnesium_mg,
    energy_kcal, protein_g, cost_usd). A dish plan's last column, leftover_from, marks a leftover meal with the
    meal it was cooked at ('day 1 dinner'). A household plan (``plan.people``): HOUSEHOLD_PLAN_CSV_COLUMNS, the
    same with ``person`` after slot (empty: a shared dish) and ``portions_by_person`` ('Ann 1; Tom 1.25').
    """
    if plan.people:
        return rows_to_csv(HOUSEHOLD_PLAN_CSV_COLUMNS, household_rows(plan))
    if plan.version >= DISH_PLAN_VERSION:
        return rows_to_csv(DISH_PLAN_CSV_COLUMNS, dish_plan_rows(plan))
    return rows_to_csv(PLAN_CSV_COLUMNS, plan_rows(plan))


_HTML_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:60rem;
color:#111;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #999}
h3{font-size:1rem;margin:.75rem 0 .25rem}
table{border-collapse:collapse;width:100%;margin:.25rem 0 .75rem}table.shop{table-layout:fixed}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#060}.bad{color:#a00}.muted{color:#555;font-size:.9rem}
.box{display:inline-block;width:.9em;height:.9em;border:1px solid #333;margin-right:.4em;vertical-align:-.1em}
section{break-inside:avoid;page-break-inside:avoid}
section.day{break-inside:auto;page-break-inside:auto}
h4{font-size:1rem;margin:.5rem 0 0}.dish{break-inside:avoid;page-break-inside:avoid;margin:0 0 .5rem}
.dish p{margin:.1rem 0}.dish ul,.dish ol{margin:.2rem 0 .4rem}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}
.noprint{display:none}h2{break-after:avoid;page-break-after:avoid}}
"""


def html_page(title: str, body: str, *, extra_css: str = "") -> str:
    """A standalone HTML5 page with inline, print-friendly CSS (plus ``extra_css``); ``body`` must already be
    escaped."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{h(title)}</title>\n<style>{_HTML_CSS}{extra_css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _html_item_table(day: DayPlan) -> list[str]:
    """A version-1 day: one table row per food."""
    parts = ["<table><thead><tr><th>Meal</th><th>Food</th><th>Amount</th><th class=\"num\">g</th>"
             "<th class=\"num\">Mg (mg)</th><th class=\"num\">kcal</th><th class=\"num\">Cost</th>"
             "</tr></thead><tbody>"]
    for meal in day.meals:
        for it in meal.items:
            parts.append(
                f"<tr><td>{h(slot_label(meal.slot))}</td><td>{h(it.name)}</td>"
                f"<td>{h(scaled_serving(it.servings, it.serving_label))}</td>"
                f"<td class=\"num\">{h(num_text(it.grams))}</td><td class=\"num\">{h(num_text(it.magnesium_mg))}</td>"
                f"<td class=\"num\">{h(num_text(it.energy_kcal))}</td><td class=\"num\">{h(money_text(it.cost_usd))}</td>"
                "</tr>")
    parts.append("</tbody></table>")
    return parts


def dish_html(dish: PlanDish, dishes: "DishTables | None", cue: str | None = None) -> list[str]:
    """One dish with its recipe: the ingredients for these portions, then the library's steps and the ``cue``
    (a cooking note, e.g. ``prep.yolk_cue``)."""
    role = " · side" if dish.role == "side" else ""
    steps, ready = dish_steps(dishes, dish.dish_id)
    facts = [portions_text(dish.portions) + role, f"{num_text(dish.value('magnesium_mg'))} mg Mg", f"{num_text(dish.value('energy_kcal'))} kcal",
             money_text(dish.value("cost_usd")), *([ready] if ready else [])]
    parts = ["<div class=\"dish\">", f"<h4>{h(dish.name)}</h4>", f"<p class=\"muted\">{h(' · '.join(facts))}</p>",
             "<ul class=\"ingredients\">"]
    for it in dish.ingredients:
        parts.append(f"<li>{h(scaled_serving(it.servings, it.serving_label))}: {h(it.name)} "
                     f"<span class=\"muted\">({h(_grams(it.grams))} g)</span></li>")
    parts.append("</ul>")
    if steps:
        parts.append("<ol class=\"steps\">" + "".join(f"<li>{h(x)}</li>" for x in steps) + "</ol>")
    if cue:
        parts.append(f"<p class=\"cue\"><em>{h(cue)}</em></p>")
    parts.append("</div>")
    return parts


def _html_dish_day(plan: WeekPlan, day: DayPlan, dishes: "DishTables | None", prep: list[str],
                   cues: Mapping[MealKey, str]) -> list[str]:
    """A day of a dish plan: each meal's dishes, each with its recipe and cooking notes (``dish_cue``), in the
    order of the day; then ``prep``, what to do that evening for the next day."""
    parts: list[str] = []
    for meal in meals_in_order(plan, day):
        cue = dish_cue(plan, cues, day.day, meal.slot)
        parts.append(f"<h3>{h(meal_heading(meal))}</h3>")
        if not meal.dishes:
            parts.append("<p class=\"muted\">(nothing)</p>")
        for dish in meal.dishes:
            parts += [x for x in (dish_people_html(dish),) if x] + dish_html(dish, dishes, cue(dish))
    return parts + _prep_html(day.day, prep)


def _prep_html(evening_day: int, lines: list[str]) -> list[str]:
    return [f"<h3>{h(prep_heading(evening_day))}</h3><ul>" + "".join(f"<li>{h(x)}</li>" for x in lines) + "</ul>"] \
        if lines else []


def _html_co_nutrients(plan: WeekPlan, who: str = "") -> list[str]:
    parts = [f"<section><h2>Co-nutrients{' of ' + h(who) if who else ''} (average a day over the plan)</h2><ul>"]
    for label, text, ok in co_nutrient_checks(plan):
        mark = f"<span class=\"ok\">{CHECK}</span>" if ok else f"<span class=\"bad\">{CROSS}</span>"
        parts.append(f"<li>{h(label)}: {h(text)} {mark}</li>")
    parts.append("</ul></section>")
    return parts


def plan_to_html(plan: WeekPlan, dishes: "DishTables | None" = None) -> str:
    """A printable standalone page of the week (one section per day; everything HTML-escaped).

    A plan made of dishes shows every dish with its recipe: the ingredients scaled to the portions and, when
    ``dishes`` (the dish library, ``tables.dishes`` with ``steps`` and ``minutes_total``) is given, the steps.
    """
    t = plan.targets
    by_dish = plan.version >= DISH_PLAN_VERSION
    parts = [f"<h1>Magnesium meal plan ({len(plan.days)} days)</h1>",
             f"<p class=\"muted\">For: {h(profile_summary(plan))}. "
             f"Daily magnesium target: {h(num_text(t.magnesium_mg))} mg"
             + (f" ({h(t.magnesium_source)})" if t.magnesium_source else "") + "</p>"]
    if plan.people:
        parts[1] = people_html(plan)
    prep = prep_by_evening(plan, dishes) if by_dish else {}
    cues = meal_cues(plan, dishes) if by_dish else {}
    parts += _prep_html(0, prep.get(0, []))
    for day in plan.days:
        mg = day.totals.get("magnesium_mg")
        met = mg is not None and not is_missing(mg) and float(mg) >= t.magnesium_mg - 1e-6
        met = everyone_met(plan, plan.days.index(day)) if plan.people else met
        parts.append("<section class=\"day\">" if by_dish else "<section>")
        parts.append(f"<h2>Day {h(day.day)}" + (f" <span class=\"ok\">{CHECK}</span>" if met else "") + "</h2>")
        parts += _html_dish_day(plan, day, dishes, prep.get(day.day, []), cues) if by_dish else _html_item_table(day)
        parts.append("<ul>")
        if plan.people:
            parts += household_checks_html(plan, plan.days.index(day))
        for label, text, ok in day_total_rows(plan, day, checks=not plan.people):
            mark = "" if ok is None else (f" <span class=\"ok\">{CHECK}</span>" if ok
                                          else f" <span class=\"bad\">{CROSS}</span>")
            parts.append(f"<li>{h(label)}: {h(text)}{mark}</li>")
        parts.append("</ul></section>")
    if by_dish and plan.people:
        for name, view in iter_people_co_nutrients(plan):
            parts += _html_co_nutrients(view, who=name)
    elif by_dish:
        parts += _html_co_nutrients(plan)
    parts.append(f"<p class=\"muted\">{h(solver_line(plan))}</p>")
    sup = supplement_line(plan)
    if sup:
        parts.append(f"<p>{h(sup)}</p>")
    if plan.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{h(n)}</li>" for n in plan.notes) + "</ul>")
    return html_page("Magnesium meal plan", "\n".join(parts))


# --- shopping-list writers ------------------------------------------------------------------------
# The shopping list's section on batch cooking (ShoppingList.batches): Markdown and HTML only; the CSV keeps
# one row per product.
BATCHES_TITLE = "Cook in batches / left over"
SHOPPING_CSV_COLUMNS: tuple[str, ...] = (
    "aisle", "product", "status", "needed_g", "needed", "purchase_quantity", "purchase_unit", "purchase",
    "leftover", "estimated_cost_usd", "price_source", "price_year", "for_foods",
)


def aisle_label(aisle: str) -> str:
    return AISLE_LABELS.get(str(aisle), str(aisle).replace("_", " ").capitalize())


def _days_text(sl: "ShoppingList") -> str:
    days = list(sl.days)
    if not days:
        return ""
    spans, start, prev = [], days[0], days[0]
    for d in days[1:] + [None]:  # type: ignore[list-item]
        if d is not None and d == prev + 1:
            prev = d
            continue
        spans.append(f"{start}" if start == prev else f"{start}–{prev}")
        if d is not None:
            start = prev = d
    return ("day " if len(days) == 1 else "days ") + ", ".join(spans)


def _subtitle(sl: "ShoppingList") -> str:
    who = f"{sl.people} {'person' if sl.people == 1 else 'people'}"
    if sl.household:
        who = f"the household ({', '.join(sl.household)}); each dish bought once for everyone's portions"
    return f"For {_days_text(sl)} of the plan, {who}."


def _row_cost(row: Any) -> str:
    if row["status"] != "buy":
        return ""
    return money_text(None if is_missing(row["cost_usd"]) else float(row["cost_usd"]))


def shopping_to_csv(sl: "ShoppingList") -> str:
    """One row per product (UTF-8, spreadsheet-safe): aisle, product, status, needed amount (g and friendly),
    purchase quantity and unit, leftover, estimated cost (empty: no price), price source and year."""
    rows = []
    for _, r in sl.rows.iterrows():
        rows.append([aisle_label(r["aisle"]), r["product"], r["status"], round(float(r["needed_g"]), 1),
                     r["needed_text"], int(r["units"]), r["purchase_unit"], r["purchase_text"], r["leftover_text"],
                     None if is_missing(r["cost_usd"]) else round(float(r["cost_usd"]), 2), r["price_source"],
                     r["price_year"], r["foods"]])
    return rows_to_csv(SHOPPING_CSV_COLUMNS, rows)


def _md_item(r: Any) -> str:
    if r["status"] != "buy":
        what = r["purchase_text"] if r["status"] != "already have" else "already have"
        return f"- [x] {md_text(r['product'])} — {md_text(what)}"
    text = f"- [ ] **{md_text(r['product'])}** — {md_text(r['purchase_text'])}"
    extra = [f"need {md_text(r['needed_text'])}"]
    if r["leftover_text"] and r["leftover_text"] != "none":
        extra.append(f"left over {md_text(r['leftover_text'])}")
    extra.append(md_text(_row_cost(r)))
    return text + " (" + "; ".join(extra) + ")"


def shopping_to_markdown(sl: "ShoppingList") -> str:
    """A checklist (``- [ ]``) grouped by aisle under headings, then the total, price note and notes."""
    lines = ["# Shopping list", "", md_text(_subtitle(sl)), ""]
    for aisle, group in sl.rows.groupby("aisle", sort=False):
        lines.append(f"## {md_text(aisle_label(str(aisle)))}")
        lines.append("")
        lines.extend(_md_item(r) for _, r in group.iterrows())
        lines.append("")
    if sl.rows.empty:
        lines.extend(["Nothing to buy.", ""])
    lines.append(f"**{md_text(sl.total_text())}**")
    lines.append("")
    lines.append(md_text(sl.price_note[:1].upper() + sl.price_note[1:]))
    if sl.notes:
        lines.append("")
        lines.extend(f"- {md_text(n)}" for n in sl.notes)
    if sl.batches:
        lines += ["", f"## {BATCHES_TITLE}", "", *(f"- {md_text(n)}" for n in sl.batches)]
    return "\n".join(lines).rstrip() + "\n"


def shopping_to_html(sl: "ShoppingList") -> str:
    """A printable standalone page: one table per aisle with tick boxes, the total and the notes (escaped)."""
    parts = ["<h1>Shopping list</h1>", f"<p class=\"muted\">{h(_subtitle(sl))}</p>"]
    for aisle, group in sl.rows.groupby("aisle", sort=False):
        parts.append("<section>")
        parts.append(f"<h2>{h(aisle_label(str(aisle)))}</h2>")
        parts.append("<table class=\"shop\"><colgroup><col style=\"width:2.2em\"><col style=\"width:32%\">"
                     "<col style=\"width:24%\"><col style=\"width:16%\"><col style=\"width:15%\"><col></colgroup>"
                     "<thead><tr><th></th><th>Product</th><th>Buy</th><th>Needed</th><th>Left over</th>"
                     "<th class=\"num\">Cost</th></tr></thead><tbody>")
        for _, r in group.iterrows():
            have = r["status"] != "buy"
            box = "&#10003;" if have else "<span class=\"box\"></span>"
            tr = "<tr class=\"muted\">" if have else "<tr>"
            for_foods = ("" if str(r["foods"]).casefold() == str(r["product"]).casefold()
                         else f"<br><span class=\"muted\">for {h(r['foods'])}</span>")
            parts.append(
                f"{tr}<td>{box}</td><td>{h(r['product'])}{for_foods}</td>"
                f"<td>{h(r['purchase_text'])}</td><td>{h(r['needed_text'])}</td>"
                f"<td>{h(r['leftover_text'] if not have else '')}</td>"
                f"<td class=\"num\">{h(_row_cost(r))}</td></tr>")
        parts.append("</tbody></table></section>")
    if sl.rows.empty:
        parts.append("<p>Nothing to buy.</p>")
    parts.append(f"<p><strong>{h(sl.total_text())}</strong></p>")
    parts.append(f"<p class=\"muted\">{h(sl.price_note[:1].upper() + sl.price_note[1:])}</p>")
    if sl.notes:
        parts.append("<ul class=\"muted\">" + "".join(f"<li>{h(n)}</li>" for n in sl.notes) + "</ul>")
    if sl.batches:
        parts.append(f"<section><h2>{h(BATCHES_TITLE)}</h2><ul>" + "".join(f"<li>{h(n)}</li>" for n in sl.batches)
                     + "</ul></section>")
    return html_page("Shopping list", "\n".join(parts))


__all__ = [
    "AISLE_LABELS", "SHOPPING_CSV_COLUMNS", "aisle_label", "dish_html", "dish_plan_rows", "dish_steps",
    "html_page", "plan_rows", "plan_to_csv", "plan_to_html", "plan_to_markdown", "shopping_to_csv", "shopping_to_html",
    "shopping_to_markdown",
]
