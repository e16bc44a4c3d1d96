"""Writers for plans and shopping lists: CSV, Markdown and standalone HTML.

Every CSV cell goes through ``safe_cell`` (OWASP CSV injection: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with a single quote), because food names can come from
user tables and FoodData Central. Every HTML value goes through ``html.escape``. Markdown escapes the
characters that would change the document's structure.
"""
from __future__ import annotations

import csv
import html
import io
import math
import re
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from foods.schema import AISLE_LABELS, PLAN_NUTRIENTS
from planner.model import DISH_PLAN_VERSION, DayPlan, Meal, PlanDish, PlanItem, WeekPlan
from planner.quantities import fmt_number, fmt_qty, scaled_serving

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables
    from planner.shopping import ShoppingList

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV Injection"), plus LF.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")

PLAN_CSV_COLUMNS: tuple[str, ...] = (
    "day", "slot", "food_id", "name", "servings", "serving_label", "grams", "magnesium_mg", "energy_kcal",
    "protein_g", "cost_usd",
)
# A plan made of dishes (version 2): one row per ingredient of each dish, amounts for the dish's portions;
# leftover_from: 'day 1 dinner' when the meal is left over from that meal (empty: cooked for this meal).
DISH_PLAN_CSV_COLUMNS: tuple[str, ...] = (
    "day", "slot", "dish_id", "dish", "role", "portions", "food_id", "fdc_id", "ingredient", "measure", "grams",
    *PLAN_NUTRIENTS, "cost_usd", "leftover_from",
)

CHECK = "✓"
CROSS = "✗"
SLOT_LABELS: dict[str, str] = {"breakfast": "Breakfast", "lunch": "Lunch", "dinner": "Dinner", "snack": "Snack",
                               "evening": "Evening snack"}


def slot_label(slot: str) -> str:
    """'Evening snack' for 'evening'; any other slot capitalised."""
    return SLOT_LABELS.get(slot, slot.replace("_", " ").capitalize())


def plan_slots(plan: WeekPlan) -> list[str]:
    """The plan's meal slots in the order of a day (the evening snack of dish plans last)."""
    from planner.model import PLAN_SLOTS

    used = {m.slot for d in plan.days for m in d.meals}
    order = [*PLAN_SLOTS, *plan.rules.slots]
    return [s for s in dict.fromkeys(order) if s in used]


# --- cells ----------------------------------------------------------------------------------------
def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def safe_cell(value: Any) -> str:
    """One CSV cell as text, neutralised against spreadsheet formula injection.

    None/NaN -> ''; numbers -> plain decimals; text starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF
    (also after leading spaces) -> prefixed with a single quote, e.g. ``=1+1`` -> ``'=1+1``.
    """
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt_number(value)
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, np.floating):
        return fmt_number(float(value))
    text = str(value)
    stripped = text.lstrip(" ")
    if text.startswith(FORMULA_TRIGGERS) or stripped.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (RFC 4180: CRLF line ends, minimal quoting) with every cell through safe_cell.

    CRLF as the terminator also makes the writer quote any cell holding a bare CR or LF.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def frame_to_csv(df: "Any") -> str:
    """A DataFrame (its columns, not its index) as a spreadsheet-safe CSV; for any table a command prints."""
    return rows_to_csv([str(c) for c in df.columns], df.itertuples(index=False, name=None))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_text(value: Any) -> str:
    """Text safe inside a Markdown line: structure characters escaped, newlines flattened."""
    if _is_missing(value):
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def h(value: Any) -> str:
    """HTML-escaped text (quotes included); None/NaN -> ''."""
    return "" if _is_missing(value) else html.escape(str(value), quote=True)


def _num_text(value: float | None, digits: int = 0) -> str:
    """A number for a reader: thousands separated, ``digits`` decimals; '?' when unknown."""
    if value is None or _is_missing(value):
        return "?"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _money(value: float | None) -> str:
    return "no price" if value is None or _is_missing(value) else f"${value:,.2f}"


# --- plan writers ---------------------------------------------------------------------------------
def item_line(item: PlanItem) -> str:
    """'1/2 cup cooked Brown rice (cooked) — 42 mg Mg, 108 kcal (98 g)' (plain text, not escaped)."""
    amount = scaled_serving(item.servings, item.serving_label)
    return (f"{amount} {item.name} — {_num_text(item.magnesium_mg)} mg Mg, {_num_text(item.energy_kcal)} kcal "
            f"({_num_text(item.grams)} g)")


def _measured_total(day: DayPlan, name: str) -> float | None:
    """The day's total of a nutrient; None when none of it is measured (unknown, not zero)."""
    value = day.totals.get(name)
    share = day.measured.get(name)
    if value is None or _is_missing(value) or (share is not None and float(share) == 0.0):
        return None
    return float(value)


def day_magnesium(plan: WeekPlan, day: DayPlan) -> tuple[float | None, bool | None]:
    """(the day's magnesium in mg, target met?); both None when the day's magnesium is not measured."""
    mg = _measured_total(day, "magnesium_mg")
    return mg, None if mg is None else mg >= plan.targets.magnesium_mg - 1e-6


def magnesium_check(plan: WeekPlan, day: DayPlan) -> tuple[str, bool | None]:
    """('410 mg of 320 mg target', met?) for a day's magnesium (met None: not measured)."""
    mg, met = day_magnesium(plan, day)
    return f"{_num_text(mg)} mg of {_num_text(plan.targets.magnesium_mg)} mg target", met


def _day_checks(plan: WeekPlan, day: DayPlan) -> list[tuple[str, str, bool | None]]:
    """(label, 'value vs target', met?) for the day's headline totals."""
    t = plan.targets
    out: list[tuple[str, str, bool | None]] = [("Magnesium", *magnesium_check(plan, day))]

    def get(name: str) -> float | None:
        return _measured_total(day, name)

    kcal = get("energy_kcal")
    out.append(("Energy", f"{_num_text(kcal)} kcal "
                          f"(range {_num_text(t.energy_kcal_min)}–{_num_text(t.energy_kcal_max)})",
                None if kcal is None else t.energy_kcal_min - 1e-6 <= kcal <= t.energy_kcal_max + 1e-6))
    prot = get("protein_g")
    out.append(("Protein", f"{_num_text(prot)} g (min {_num_text(t.protein_g_min)} g)",
                None if prot is None else prot >= t.protein_g_min - 1e-6))
    fiber = get("fiber_g")
    out.append(("Fiber", f"{_num_text(fiber)} g (min {_num_text(t.fiber_g_min)} g)",
                None if fiber is None else fiber >= t.fiber_g_min - 1e-6))
    sodium = get("sodium_mg")
    out.append(("Sodium", f"{_num_text(sodium)} mg (max {_num_text(t.sodium_mg_max)} mg)",
                None if sodium is None else sodium <= t.sodium_mg_max + 1e-6))
    return out


def _day_cost(day: DayPlan) -> str:
    cost = day.totals.get("cost_usd")
    share = day.measured.get("cost_usd")
    text = _money(None if cost is None else float(cost))
    if share is not None and float(share) < 1.0 - 1e-9 and cost is not None:
        text += f" (priced items only: {float(share) * 100:.0f}% of grams)"
    return text


def _mg_measured_note(day: DayPlan) -> str | None:
    share = day.measured.get("magnesium_mg")
    if share is None or float(share) >= 1.0 - 1e-9:
        return None
    return f"magnesium measured for {float(share) * 100:.0f}% of the day's grams"


def solver_line(plan: WeekPlan) -> str:
    """'Solver: highs, optimal, 1.2 s, gap 0.5%' (plain text)."""
    s = plan.solver
    parts = [f"Solver: {s.name}", s.status]
    if s.seconds is not None:
        parts.append(f"{s.seconds:.1f} s")
    if s.gap is not None:
        parts.append(f"gap {s.gap * 100:.2f}%")
    if s.objective is not None:
        parts.append(f"objective {s.objective:.4g}")
    return ", ".join(parts)


def supplement_line(plan: WeekPlan) -> str | None:
    sup = plan.supplement
    if sup is None:
        return None
    return (f"Supplement: foods fall {sup.shortfall_mg:.0f} mg short; suggested {sup.dose_mg:.0f} mg "
            f"{sup.form}. {sup.note}").strip()


def portions_text(portions: float) -> str:
    """'3/4 portion', '1 portion', '1 1/2 portions'."""
    return f"{fmt_qty(portions)} portion{'s' if portions > 1 + 1e-9 else ''}"


def dish_line(dish: PlanDish) -> str:
    """'Red lentil dal with kale (1.25 portions) — 190 mg Mg, 658 kcal' (plain text, not escaped)."""
    portions = "" if abs(dish.portions - 1) < 1e-9 else f" ({portions_text(dish.portions)})"
    side = " (side)" if dish.role == "side" else ""
    return (f"{dish.name}{portions}{side} — {_num_text(dish.value('magnesium_mg'))} mg Mg, "
            f"{_num_text(dish.value('energy_kcal'))} kcal")


def _grams(grams: float) -> str:
    return _num_text(grams) if grams >= 10 else f"{grams:.1f}".rstrip("0").rstrip(".")


def ingredient_line(item: PlanItem) -> str:
    """'1 cup cooked: Lentils (cooked), 200 g' — the recipe's measure scaled to the portions (plain text)."""
    return f"{scaled_serving(item.servings, item.serving_label)}: {item.name}, {_grams(item.grams)} g"


def _single_amount(dish: PlanDish) -> str:
    """'2 oz, 56 g' for a one-ingredient dish (a banana, a glass of milk): how much, as the list shows none."""
    (item,) = dish.ingredients
    return f"{scaled_serving(item.servings, item.serving_label)}, {_grams(item.grams)} g"


def _meal_lines(meal: Meal, *, dishes: bool) -> list[str]:
    if not meal.items:
        return ["- (nothing)"]
    if not dishes:
        return [f"- {md_text(item_line(item))}" for item in meal.items]
    out = []
    for dish in meal.dishes:
        if len(dish.ingredients) == 1:
            out.append(f"- **{md_text(dish_line(dish))}** ({md_text(_single_amount(dish))})")
            continue
        out.append(f"- **{md_text(dish_line(dish))}**")
        out += [f"  - {md_text(ingredient_line(i))}" for i in dish.ingredients]
    return out


CO_NUTRIENT_ROWS = (("iron_mg", "Iron", "mg"), ("calcium_mg", "Calcium", "mg"), ("potassium_mg", "Potassium", "mg"),
                    ("vitamin_d_ug", "Vitamin D", "µg"), ("vitamin_b12_ug", "Vitamin B12", "µg"))


def co_nutrient_checks(plan: WeekPlan) -> list[tuple[str, str, bool]]:
    """(label, '12.3 mg of 18 mg', met?) per co-nutrient: the plan's daily average against its target
    (an RDA is a long-term average), judged as the plan's notes judge it."""
    from planner.dishplan import average_text, co_nutrient_average, co_nutrient_met

    out = []
    for field_name, label, unit in CO_NUTRIENT_ROWS:
        target = float(getattr(plan.targets, field_name))
        avg = co_nutrient_average(plan.days, field_name)
        out.append((label, f"{average_text(avg, target)} {unit} of {target:g} {unit}", co_nutrient_met(avg, target)))
    return out


def _co_nutrient_lines(plan: WeekPlan) -> list[str]:
    """The week's average of each co-nutrient against its target, as Markdown."""
    lines = ["## Co-nutrients (average a day over the plan)", ""]
    lines += [f"- {label}: {text} {CHECK if ok else CROSS}" for label, text, ok in co_nutrient_checks(plan)]
    lines.append("")
    return lines


STATUS_WORDS = {"pregnancy": "pregnant", "lactation": "breastfeeding"}


def profile_summary(plan: WeekPlan) -> str:
    """'28-year-old female, omnivore, pregnant, avoiding tree nuts and peanuts, ...': everything the plan
    was made for, so a reader can check it (plain text)."""
    p, r = plan.profile, plan.rules
    parts = [f"{p.age}-year-old {p.sex}", p.diet]
    if p.status in STATUS_WORDS:
        parts.append(STATUS_WORDS[p.status])
    if p.avoid_allergens:
        names = [a.replace("_", " ") for a in p.avoid_allergens]
        parts.append("avoiding " + (" and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]))
    if p.exclude_foods:
        parts.append("without " + ", ".join(p.exclude_foods))
    if p.budget_usd_per_day is not None:
        parts.append(f"budget ${p.budget_usd_per_day:,.2f} a day")
    if r.evening_share_min is not None:
        parts.append(f"at least {r.evening_share_min:.0%} of the magnesium at dinner and in the evening")
    if r.caffeine_after_lunch_max_mg is not None:
        parts.append(f"at most {r.caffeine_after_lunch_max_mg:g} mg caffeine after lunch")
    return ", ".join(parts)


def plan_to_markdown(plan: WeekPlan) -> str:
    """A readable week: a heading per day, the items per meal, the day's totals vs targets, notes."""
    if plan.people:
        from planner.household_export import household_markdown

        return household_markdown(plan)
    from planner.household_export import batches_by_meal, cook_lines, meal_heading

    t = plan.targets
    batches = batches_by_meal(plan)
    lines = [f"# Magnesium meal plan ({len(plan.days)} day{'s' if len(plan.days) != 1 else ''})", ""]
    lines.append(f"For: {md_text(profile_summary(plan))}. Daily magnesium target: {_num_text(t.magnesium_mg)} mg"
                 + (f" ({md_text(t.magnesium_source)})" if t.magnesium_source else "") + ".")
    lines.append("")
    for day in plan.days:
        mg = day.totals.get("magnesium_mg")
        met = mg is not None and not _is_missing(mg) and float(mg) >= t.magnesium_mg - 1e-6
        lines.append(f"## Day {day.day} {CHECK if met else ''}".rstrip())
        lines.append("")
        for meal in day.meals:
            lines.append(f"### {md_text(meal_heading(meal))}")
            lines.append("")
            lines += cook_lines(batches, day.day, meal)
            lines += _meal_lines(meal, dishes=plan.version >= DISH_PLAN_VERSION)
            lines.append("")
        lines.append("**Totals**")
        lines.append("")
        for label, text, ok in _day_checks(plan, day):
            mark = "" if ok is None else (f" {CHECK}" if ok else f" {CROSS}")
            lines.append(f"- {label}: {md_text(text)}{mark}")
        lines.append(f"- Cost: {md_text(_day_cost(day))}")
        note = _mg_measured_note(day)
        if note:
            lines.append(f"- Note: {md_text(note)}")
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


def dish_plan_rows(plan: WeekPlan) -> list[list[Any]]:
    """One list per ingredient of each dish, in DISH_PLAN_CSV_COLUMNS order (amounts for the portions), then the
    leftover marker ('day 1 dinner': the meal is left over from that one; empty: cooked for it)."""
    from planner.household_export import leftover_csv

    return [[*row, leftover_csv(meal.leftover_from)] for day in plan.days for meal in day.meals
            for dish in meal.dishes for row in dish_rows(day.day, meal.slot, dish)]


def dish_rows(day: int, slot: str, dish: PlanDish) -> list[list[Any]]:
    """One list per ingredient of ``dish`` (DISH_PLAN_CSV_COLUMNS order but the last, leftover_from)."""
    return [[day, slot, dish.dish_id, dish.name, dish.role, dish.portions, it.food_id, it.fdc_id, it.name,
             scaled_serving(it.servings, it.serving_label), it.grams, *(getattr(it, n) for n in PLAN_NUTRIENTS),
             it.cost_usd] for it in dish.ingredients]


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
        from planner.household_export import HOUSEHOLD_PLAN_CSV_COLUMNS, household_rows

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
                f"<tr><td>{h(meal.slot.capitalize())}</td><td>{h(it.name)}</td>"
                f"<td>{h(scaled_serving(it.servings, it.serving_label))}</td>"
                f"<td class=\"num\">{h(_num_text(it.grams))}</td><td class=\"num\">{h(_num_text(it.magnesium_mg))}</td>"
                f"<td class=\"num\">{h(_num_text(it.energy_kcal))}</td><td class=\"num\">{h(_money(it.cost_usd))}</td>"
                "</tr>")
    parts.append("</tbody></table>")
    return parts


def dish_steps(dishes: "DishTables | None", dish_id: str) -> tuple[list[str], str]:
    """(steps, 'Ready in 25 min') of a library dish; nothing for a dish the library does not hold."""
    if dishes is None or dish_id not in dishes.dishes.index:
        return [], ""
    row = dishes.dishes.loc[dish_id]
    steps = [] if _is_missing(row["steps"]) else [x.strip() for x in str(row["steps"]).split("\n") if x.strip()]
    minutes = row["minutes_total"] if "minutes_total" in row.index else None
    ready = "" if _is_missing(minutes) or not float(minutes) > 0 else f"Ready in {float(minutes):.0f} min"
    return steps, ready


def dish_html(dish: PlanDish, dishes: "DishTables | None") -> list[str]:
    """One dish with its recipe: the ingredients for these portions, then the library's steps."""
    role = " · side" if dish.role == "side" else ""
    steps, ready = dish_steps(dishes, dish.dish_id)
    facts = [portions_text(dish.portions) + role, f"{_num_text(dish.value('magnesium_mg'))} mg Mg", f"{_num_text(dish.value('energy_kcal'))} kcal",
             _money(dish.value("cost_usd")), *([ready] if ready else [])]
    parts = ["<div class=\"dish\">", f"<h4>{h(dish.name)}</h4>", f"<p class=\"muted\">{h(' · '.join(facts))}</p>",
             "<ul class=\"ingredients\">"]
    for it in dish.ingredients:
        parts.append(f"<li>{h(scaled_serving(it.servings, it.serving_label))}: {h(it.name)} "
                     f"<span class=\"muted\">({h(_grams(it.grams))} g)</span></li>")
    parts.append("</ul>")
    if steps:
        parts.append("<ol class=\"steps\">" + "".join(f"<li>{h(x)}</li>" for x in steps) + "</ol>")
    parts.append("</div>")
    return parts


def _html_dish_day(day: DayPlan, dishes: "DishTables | None") -> list[str]:
    """A day of a dish plan: each meal's dishes, each with its recipe."""
    from planner.household_export import dish_people_html, meal_heading

    parts: list[str] = []
    for meal in day.meals:
        parts.append(f"<h3>{h(meal_heading(meal))}</h3>")
        if not meal.dishes:
            parts.append("<p class=\"muted\">(nothing)</p>")
        for dish in meal.dishes:
            parts += [x for x in (dish_people_html(dish),) if x] + dish_html(dish, dishes)
    return parts


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
             f"Daily magnesium target: {h(_num_text(t.magnesium_mg))} mg"
             + (f" ({h(t.magnesium_source)})" if t.magnesium_source else "") + "</p>"]
    if plan.people:
        from planner.household_export import everyone_met, people_html

        parts[1] = people_html(plan)
    for day in plan.days:
        mg = day.totals.get("magnesium_mg")
        met = mg is not None and not _is_missing(mg) and float(mg) >= t.magnesium_mg - 1e-6
        met = everyone_met(plan, plan.days.index(day)) if plan.people else met
        parts.append("<section class=\"day\">" if by_dish else "<section>")
        parts.append(f"<h2>Day {h(day.day)}" + (f" <span class=\"ok\">{CHECK}</span>" if met else "") + "</h2>")
        parts += _html_dish_day(day, dishes) if by_dish else _html_item_table(day)
        parts.append("<ul>")
        if plan.people:
            from planner.household_export import household_checks_html

            parts += household_checks_html(plan, plan.days.index(day))
        for label, text, ok in ([] if plan.people else _day_checks(plan, day)):
            mark = "" if ok is None else (f" <span class=\"ok\">{CHECK}</span>" if ok
                                          else f" <span class=\"bad\">{CROSS}</span>")
            parts.append(f"<li>{h(label)}: {h(text)}{mark}</li>")
        parts.append(f"<li>Cost: {h(_day_cost(day))}</li>")
        note = _mg_measured_note(day)
        if note:
            parts.append(f"<li>Note: {h(note)}</li>")
        parts.append("</ul></section>")
    if by_dish and plan.people:
        from planner.household_export import iter_people_co_nutrients

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
    return _money(None if _is_missing(row["cost_usd"]) else float(row["cost_usd"]))


def shopping_to_csv(sl: "ShoppingList") -> str:
    """One row per product (UTF-8, spreadsheet-safe): aisle, product, status, needed amount (g and friendly),
    purchase quantity and unit, leftover, estimated cost (empty: no price), price source and year."""
    rows = []
    for _, r in sl.rows.iterrows():
        rows.append([aisle_label(r["aisle"]), r["product"], r["status"], round(float(r["needed_g"]), 1),
                     r["needed_text"], int(r["units"]), r["purchase_unit"], r["purchase_text"], r["leftover_text"],
                     None if _is_missing(r["cost_usd"]) else round(float(r["cost_usd"]), 2), r["price_source"],
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
    "SLOT_LABELS", "day_magnesium", "dish_html", "dish_steps", "magnesium_check", "plan_slots", "slot_label",
    "AISLE_LABELS", "DISH_PLAN_CSV_COLUMNS", "FORMULA_TRIGGERS", "PLAN_CSV_COLUMNS", "SHOPPING_CSV_COLUMNS", "aisle_label", "co_nutrient_checks", "frame_to_csv", "h",
    "dish_line", "dish_plan_rows", "html_page", "ingredient_line", "item_line", "md_text", "plan_rows", "portions_text", "plan_to_csv", "plan_to_html", "plan_to_markdown", "rows_to_csv",
    "safe_cell", "shopping_to_csv", "shopping_to_html", "shopping_to_markdown",
]
