"""The plan in words, shared by every writer: slot labels, safe cells, numbers, a day's checks, a dish's and an
ingredient's line, the co-nutrient checks and who the plan is for. No writer lives here (``planner.export``,
``planner.household_export``, ``planner.ics`` and ``planner.print_week`` build files from these pieces).

Every CSV cell goes through ``safe_cell`` (OWASP CSV injection: a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with a single quote), because food names can come from
user tables and FoodData Central. Every HTML value goes through ``h`` (``html.escape``). Markdown escapes
the characters that would change the document's structure (``md_text``).
"""
from __future__ import annotations

import csv
import html
import io
import math
import re
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from foods.schema import PLAN_NUTRIENTS
from planner.model import DayPlan, Meal, PlanDish, PlanItem, WeekPlan
from planner.quantities import fmt_number, fmt_qty, scaled_serving

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
# "Afternoon snack", not "Snack": a dietitian read a plain "Snack" after dinner as a second evening snack.
SLOT_LABELS: dict[str, str] = {"breakfast": "Breakfast", "lunch": "Lunch", "dinner": "Dinner",
                               "snack": "Afternoon snack", "evening": "Evening snack"}


def slot_label(slot: str) -> str:
    """'Afternoon snack' and 'Evening snack' for 'snack' and 'evening'; any other slot capitalised."""
    return SLOT_LABELS.get(slot, slot.replace("_", " ").capitalize())


# A dish plan's meals in the order of the day: its afternoon snack before dinner (listed after dinner, it was read
# as a second evening snack), its evening snack last.
DISH_DAY_ORDER: tuple[str, ...] = ("breakfast", "lunch", "snack", "dinner", "evening")


def plan_slots(plan: WeekPlan) -> list[str]:
    """The plan's meal slots in the order of a day (a dish plan's afternoon snack before dinner, evening last)."""
    from planner.model import DISH_PLAN_VERSION, PLAN_SLOTS

    used = {m.slot for d in plan.days for m in d.meals}
    order = [*(DISH_DAY_ORDER if plan.version >= DISH_PLAN_VERSION else ()), *PLAN_SLOTS, *plan.rules.slots]
    return [s for s in dict.fromkeys(order) if s in used]


def meals_in_order(plan: WeekPlan, day: DayPlan) -> list:
    """``day``'s meals in the order of ``plan_slots`` (what every reader lists; the file keeps its own order)."""
    order = {s: n for n, s in enumerate(plan_slots(plan))}
    return sorted(day.meals, key=lambda m: order.get(m.slot, len(order)))


# --- cells ----------------------------------------------------------------------------------------
def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def safe_cell(value: Any) -> str:
    """One CSV cell as text, neutralised against spreadsheet formula injection.

    None/NaN -> ''; numbers -> plain decimals; text starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF
    (also after leading spaces) -> prefixed with a single quote, e.g. ``=1+1`` -> ``'=1+1``.
    """
    if is_missing(value):
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
    if is_missing(value):
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def h(value: Any) -> str:
    """HTML-escaped text (quotes included); None/NaN -> ''."""
    return "" if is_missing(value) else html.escape(str(value), quote=True)


def num_text(value: float | None, digits: int = 0) -> str:
    """A number for a reader: thousands separated, ``digits`` decimals; '?' when unknown."""
    if value is None or is_missing(value):
        return "?"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def money_text(value: float | None) -> str:
    return "no price" if value is None or is_missing(value) else f"${value:,.2f}"


# --- plan writers ---------------------------------------------------------------------------------
def item_line(item: PlanItem) -> str:
    """'1/2 cup cooked Brown rice (cooked) — 42 mg Mg, 108 kcal (98 g)' (plain text, not escaped)."""
    amount = scaled_serving(item.servings, item.serving_label)
    return (f"{amount} {item.name} — {num_text(item.magnesium_mg)} mg Mg, {num_text(item.energy_kcal)} kcal "
            f"({num_text(item.grams)} g)")


def _measured_total(day: DayPlan, name: str) -> float | None:
    """The day's total of a nutrient; None when none of it is measured (unknown, not zero)."""
    value = day.totals.get(name)
    share = day.measured.get(name)
    if value is None or is_missing(value) or (share is not None and float(share) == 0.0):
        return None
    return float(value)


def day_magnesium(plan: WeekPlan, day: DayPlan) -> tuple[float | None, bool | None]:
    """(the day's magnesium in mg, target met?); both None when the day's magnesium is not measured."""
    mg = _measured_total(day, "magnesium_mg")
    return mg, None if mg is None else mg >= plan.targets.magnesium_mg - 1e-6


def magnesium_check(plan: WeekPlan, day: DayPlan) -> tuple[str, bool | None]:
    """('410 mg of 320 mg target', met?) for a day's magnesium (met None: not measured)."""
    mg, met = day_magnesium(plan, day)
    return f"{num_text(mg)} mg of {num_text(plan.targets.magnesium_mg)} mg target", met


def day_checks(plan: WeekPlan, day: DayPlan) -> list[tuple[str, str, bool | None]]:
    """(label, 'value vs target', met?) for the day's headline totals."""
    t = plan.targets
    out: list[tuple[str, str, bool | None]] = [("Magnesium", *magnesium_check(plan, day))]

    def get(name: str) -> float | None:
        return _measured_total(day, name)

    kcal = get("energy_kcal")
    out.append(("Energy", f"{num_text(kcal)} kcal "
                          f"(range {num_text(t.energy_kcal_min)}–{num_text(t.energy_kcal_max)})",
                None if kcal is None else t.energy_kcal_min - 1e-6 <= kcal <= t.energy_kcal_max + 1e-6))
    prot = get("protein_g")
    out.append(("Protein", f"{num_text(prot)} g (min {num_text(t.protein_g_min)} g)",
                None if prot is None else prot >= t.protein_g_min - 1e-6))
    fiber = get("fiber_g")
    out.append(("Fiber", f"{num_text(fiber)} g (min {num_text(t.fiber_g_min)} g)",
                None if fiber is None else fiber >= t.fiber_g_min - 1e-6))
    sodium = get("sodium_mg")
    out.append(("Sodium", f"{num_text(sodium)} mg (max {num_text(t.sodium_mg_max)} mg)",
                None if sodium is None else sodium <= t.sodium_mg_max + 1e-6))
    return out


def day_cost(day: DayPlan) -> str:
    cost = day.totals.get("cost_usd")
    share = day.measured.get("cost_usd")
    text = money_text(None if cost is None else float(cost))
    if share is not None and float(share) < 1.0 - 1e-9 and cost is not None:
        text += f" (priced items only: {float(share) * 100:.0f}% of grams)"
    return text


def mg_measured_note(day: DayPlan) -> str | None:
    share = day.measured.get("magnesium_mg")
    if share is None or float(share) >= 1.0 - 1e-9:
        return None
    return f"magnesium measured for {float(share) * 100:.0f}% of the day's grams"


def day_total_rows(plan: WeekPlan, day: DayPlan, *, checks: bool = True,
                   cost_label: str = "Cost") -> list[tuple[str, str, bool | None]]:
    """The lines under a day's meals as (label, text, met?): the day's checks (not for a household, whose checks
    are per person: ``checks=False``), its cost and, when part of its magnesium is not measured, a note."""
    rows = list(day_checks(plan, day)) if checks else []
    rows.append((cost_label, day_cost(day), None))
    note = mg_measured_note(day)
    if note:
        rows.append(("Note", note, None))
    return rows


def present_texts(*items: tuple[Any, Callable[[Any], str]]) -> list[str]:
    """The text of each (value, how to write it) whose value is set (not None), in order: a line that names
    only the settings a plan (or a target) has."""
    return [text(value) for value, text in items if value is not None]


def solver_line(plan: WeekPlan) -> str:
    """'Solver: highs, optimal, 1.2 s, gap 0.5%' (plain text)."""
    s = plan.solver
    return ", ".join([f"Solver: {s.name}", s.status, *present_texts(
        (s.seconds, lambda v: f"{v:.1f} s"), (s.gap, lambda v: f"gap {v * 100:.2f}%"),
        (s.objective, lambda v: f"objective {v:.4g}"))])


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
    return (f"{dish.name}{portions}{side} — {num_text(dish.value('magnesium_mg'))} mg Mg, "
            f"{num_text(dish.value('energy_kcal'))} kcal")


def _grams(grams: float) -> str:
    return num_text(grams) if grams >= 10 else f"{grams:.1f}".rstrip("0").rstrip(".")


def ingredient_line(item: PlanItem) -> str:
    """'1 cup cooked: Lentils (cooked), 200 g' — the recipe's measure scaled to the portions (plain text)."""
    return f"{scaled_serving(item.servings, item.serving_label)}: {item.name}, {_grams(item.grams)} g"


def _single_amount(dish: PlanDish) -> str:
    """'2 oz, 56 g' for a one-ingredient dish (a banana, a glass of milk): how much, as the list shows none."""
    (item,) = dish.ingredients
    return f"{scaled_serving(item.servings, item.serving_label)}, {_grams(item.grams)} g"


def meal_lines(meal: Meal, *, dishes: bool, cue: Callable[[PlanDish], str | None] | None = None) -> list[str]:
    """A meal in Markdown: each dish with its ingredients indented, and its ``cue`` (a cooking note) when any."""
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
        note = cue(dish) if cue else None
        if note:
            out.append(f"  - *{md_text(note)}*")
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
    parts += present_texts(
        (p.budget_usd_per_day, lambda v: f"budget ${v:,.2f} a day"),
        (r.evening_share_min, lambda v: f"at least {v:.0%} of the magnesium at dinner and in the evening"),
        (r.caffeine_after_lunch_max_mg, lambda v: f"at most {v:g} mg caffeine after lunch"))
    return ", ".join(parts)


def dish_rows(day: int, slot: str, dish: PlanDish) -> list[list[Any]]:
    """One list per ingredient of ``dish`` (DISH_PLAN_CSV_COLUMNS order but the last, leftover_from)."""
    return [[day, slot, dish.dish_id, dish.name, dish.role, dish.portions, it.food_id, it.fdc_id, it.name,
             scaled_serving(it.servings, it.serving_label), it.grams, *(getattr(it, n) for n in PLAN_NUTRIENTS),
             it.cost_usd] for it in dish.ingredients]
