"""The household and leftover parts of the plan writers (Markdown, CSV, HTML), and the words they share with
the calendar and the printable week.

A household plan (``plan.people``) is written once for everyone: the people with their targets at the top;
each day a shared meal once, with each person's portions ("Ann 1, Tom 1, Mia 3/4 portions"), and personal
meals under the person's name; each person's day checks against their own targets and their co-nutrients
(from ``planner.household.person_plan``, the person's own view). A leftover meal says where it was cooked
("Lunch — leftovers of day 1's dinner"). One-person plans keep the plain writers of ``planner.export``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from planner.batches import Batch, plan_batches, recipe_servings
from planner.cook_once import KEEP_TEXT, cook_once_note, cooking_batches, returns
from planner.plan_text import (CHECK, CROSS, DISH_PLAN_CSV_COLUMNS, co_nutrient_checks, day_checks, day_total_rows,
                               dish_rows, h, md_text, meal_lines, num_text, portions_text, profile_summary,
                               slot_label, solver_line, supplement_line)
from planner.quantities import fmt_qty
from planner.model import LeftoverRef, Meal, PlanDish, WeekPlan

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables
    from planner.batches import Eaten

# A household plan's CSV: who eats each row (empty: a shared dish) and each person's portions of a shared dish.
HOUSEHOLD_PLAN_CSV_COLUMNS: tuple[str, ...] = (
    "day", "slot", "person", *DISH_PLAN_CSV_COLUMNS[2:6], "portions_by_person", *DISH_PLAN_CSV_COLUMNS[6:],
)
EVERYONE = "everyone"


# --- words ------------------------------------------------------------------------------------------
def by_person_text(portions: dict[str, float] | Any) -> str:
    """'Ann 1, Tom 1, Mia 3/4 portions' (each person's portions of a shared dish)."""
    parts = [f"{name} {fmt_qty(p)}" for name, p in dict(portions).items()]
    total = sum(dict(portions).values())
    return ", ".join(parts) + (" portions" if total > 1 + 1e-9 else " portion")


def leftover_csv(ref: LeftoverRef | None) -> str:
    """The CSV's leftover marker: 'day 1 dinner' (empty: cooked for this meal)."""
    return "" if ref is None else f"day {ref.day} {ref.slot}"


def meal_heading(meal: Meal, *, who: bool = True) -> str:
    """'Breakfast', 'Breakfast — Ann', 'Dinner — everyone', 'Lunch — leftovers of day 1's dinner'."""
    parts = [slot_label(meal.slot)]
    if who and meal.person is not None:
        parts.append(meal.person)
    elif who and any(d.portions_by_person for d in meal.dishes):
        parts.append(EVERYONE)
    if meal.leftover_from is not None:
        parts.append(meal.leftover_from.text())
    return " — ".join(parts)


def source_meal(plan: WeekPlan, meal: Meal) -> Meal | None:
    """The meal a leftover meal was cooked at (the same person's, or the shared one); None if not found."""
    ref = meal.leftover_from
    if ref is None:
        return None
    day = next((d for d in plan.days if d.day == ref.day), None)
    meals = [m for m in (day.meals if day else ()) if m.slot == ref.slot]
    return next((m for m in meals if m.person == meal.person), None) or next(
        (m for m in meals if m.person is None), None)


def whose_leftover(plan: WeekPlan, meal: Meal) -> str:
    """'Leftovers of day 1's shared dinner (Ann, Tom, Mia)' or 'Leftovers of Ann's dinner on day 1'."""
    ref = meal.leftover_from
    if ref is None:
        return ""
    source = source_meal(plan, meal)
    slot = slot_label(ref.slot).lower()
    if source is not None and source.person is None and any(d.portions_by_person for d in source.dishes):
        names = list(dict.fromkeys(n for d in source.dishes for n in d.portions_by_person))
        return f"Leftovers of day {ref.day}'s shared {slot} ({', '.join(names)}), cooked in a larger batch."
    if meal.person is not None:
        return f"Leftovers of {meal.person}'s {slot} on day {ref.day}, cooked in a larger batch."
    return f"Leftovers of day {ref.day}'s {slot}, cooked in a larger batch."


def _eaten_when(e: "Eaten", cook_day: int) -> str:
    if e.day == cook_day:
        return "tonight" if e.slot == "dinner" else f"at {slot_label(e.slot).lower()}"
    when = "tomorrow" if e.day == cook_day + 1 else f"day {e.day}"
    return f"for {when}'s {slot_label(e.slot).lower()}"


def cook_text(batch: Batch) -> str:
    """'Cook 4 1/2 portions: 3 tonight, 1 1/2 for tomorrow's lunch' ('' for a batch eaten at one meal)."""
    groups: dict[str, float] = {}
    for e in batch.eaten:
        key = _eaten_when(e, batch.day)
        groups[key] = groups.get(key, 0.0) + e.portions
    if len(groups) < 2:
        return ""
    parts = ", ".join(f"{fmt_qty(p)} {key}" for key, p in groups.items())
    return f"Cook {portions_text(batch.portions)}: {parts}"


def cook_lines(batches: Mapping[tuple[int, str], Sequence[Batch]], day: int, meal: Meal) -> list[str]:
    """'Cook 2 portions: 1 tonight, 1 for tomorrow's lunch' under a meal whose dish feeds a later meal too
    (``batches``: ``batches_by_meal(plan)``)."""
    if meal.leftover_from is not None:
        return []
    lines = [f"*{text}*" for b in batches.get((day, meal.slot), ()) if b.has_leftovers and (text := cook_text(b))]
    return [*lines, ""] if lines else []


def batches_by_meal(plan: WeekPlan) -> dict[tuple[int, str], list[Batch]]:
    """The plan's batches by the (day, slot) they are cooked at."""
    out: dict[tuple[int, str], list[Batch]] = {}
    for b in plan_batches(plan):
        out.setdefault((b.day, b.slot), []).append(b)
    return out


def eaten_text(eaten: Iterable["Eaten"]) -> str:
    """'day 1 dinner: Ann 1, Tom 1, Mia 3/4 portion; day 2 lunch (leftovers): Ann 1, Tom 1' — who eats a
    batch's portions at which meal."""
    meals: dict[tuple[int, str, bool], list[str]] = {}
    for e in eaten:
        who = meals.setdefault((e.day, e.slot, e.leftover), [])
        if e.by_person:
            who.append(by_person_text(e.by_person))
        elif e.person:
            who.append(f"{e.person} {fmt_qty(e.portions)}")
    return "; ".join(f"day {d} {slot_label(s).lower()}{' (leftovers)' if left else ''}"
                     + (f": {', '.join(who)}" if who else "") for (d, s, left), who in meals.items())


def meal_times(batch: Batch) -> str:
    """'day 1 dinner, day 2 lunch': the meals a batch is eaten at."""
    meals = dict.fromkeys((e.day, e.slot) for e in batch.eaten)
    return ", ".join(f"day {d} {slot_label(s).lower()}" for d, s in meals)


def batch_note(batch: Batch, servings: int) -> str:
    """One line of the shopping list's 'Cook in batches / left over' section for a recipe of ``servings``."""
    eaten = batch.portions
    name, where = batch.dish.name, meal_times(batch)
    plural = "s" if eaten > 1 + 1e-9 else ""
    if servings > eaten + 1e-6:
        keep = servings - eaten
        return (f"{name}: the recipe makes {servings} servings, the plan eats {fmt_qty(eaten)} ({where}): cook "
                f"{fmt_qty(eaten)} serving{plural}, or cook {servings} and keep {fmt_qty(keep)} "
                f"serving{'s' if keep > 1 + 1e-9 else ''} ({KEEP_TEXT})")
    if servings > eaten - 1e-6:
        return f"{name}: the recipe makes {servings} servings, the plan eats all {servings} ({where})"
    return (f"{name}: the plan eats {fmt_qty(eaten)} servings ({where}); the recipe makes {servings}: cook "
            f"{fmt_qty(eaten)} servings ({eaten / servings:.3g} × the recipe)")


def batch_notes(plan: WeekPlan, tables: "DishTables | None", days: Iterable[int] | None = None) -> tuple[str, ...]:
    """For every batch cooked on ``days`` from a library recipe that makes more than one serving: the recipe's
    servings against the portions the plan eats from it, so no serving is silently left over; a dish that comes
    back within a few days is one batch, with a line saying so (``planner.cook_once``)."""
    again = {(ret.first.day, ret.first.slot, ret.first.dish.dish_id): ret for ret in returns(plan, tables, days)}
    out = []
    for batch in cooking_batches(plan, tables, days):
        servings = recipe_servings(tables, batch.dish.dish_id)
        if servings is not None and servings > 1:
            out.append(batch_note(batch, servings))
        ret = again.get((batch.day, batch.slot, batch.dish.dish_id))
        if ret is not None:
            out.append(cook_once_note(ret))
    return tuple(out)


# --- Markdown -----------------------------------------------------------------------------------------
def _person_views(plan: WeekPlan) -> dict[str, WeekPlan]:
    from planner.household import person_plan

    return {p.name: person_plan(plan, p.name) for p in plan.people}


def people_texts(plan: WeekPlan) -> list[tuple[str, str]]:
    """(name, 'what their plan is for and their targets') for each person of a household plan (plain text)."""
    out = []
    for p in plan.people:
        t = p.targets
        summary = profile_summary(replace(plan, profile=p.profile, people=()))
        out.append((p.name, f"{summary}. Magnesium {num_text(t.magnesium_mg)} mg"
                    f"{' (' + t.magnesium_source + ')' if t.magnesium_source else ''}, energy "
                    f"{num_text(t.energy_kcal_min)}–{num_text(t.energy_kcal_max)} kcal, protein at least "
                    f"{num_text(t.protein_g_min)} g a day."))
    return out


def _people_lines(plan: WeekPlan) -> list[str]:
    return ["## Who", "", *(f"- **{md_text(n)}**: {md_text(text)}" for n, text in people_texts(plan)), ""]


def _md_meal(meal: Meal, cook: list[str]) -> list[str]:
    lines = [f"### {md_text(meal_heading(meal))}", "", *cook]
    shared = [d for d in meal.dishes if d.portions_by_person]
    if shared:
        lines += [f"For {md_text(by_person_text(d.portions_by_person))} ({md_text(d.name)})" for d in shared]
        lines.append("")
    return lines + meal_lines(meal, dishes=True) + [""]


def _md_checks(views: dict[str, WeekPlan], index: int) -> list[str]:
    lines = ["**Totals**", ""]
    for name, view in views.items():
        day = view.days[index]
        checks = []
        for label, text, ok in day_checks(view, day)[:2]:  # magnesium and energy, against their own targets
            checks.append(f"{label} {text}" + ("" if ok is None else f" {CHECK if ok else CROSS}"))
        lines.append(f"- {md_text(name)}: {md_text('; '.join(checks))}")
    return lines


def _everyone_met(views: dict[str, WeekPlan], index: int) -> bool:
    return all(day_checks(v, v.days[index])[0][2] for v in views.values())


def everyone_met(plan: WeekPlan, index: int) -> bool:
    """Did every person of a household plan meet their own magnesium target on day ``index`` (0-based)?"""
    return _everyone_met(_person_views(plan), index)


def household_markdown(plan: WeekPlan) -> str:
    """A household plan in Markdown (``planner.export.plan_to_markdown`` calls it for a plan with people)."""
    views = _person_views(plan)
    batches = batches_by_meal(plan)
    names = ", ".join(views)
    n = len(plan.days)
    lines = [f"# Magnesium meal plan ({n} day{'s' if n != 1 else ''}) for {md_text(names)}", ""]
    lines += _people_lines(plan)
    for i, day in enumerate(plan.days):
        lines += [f"## Day {day.day} {CHECK if _everyone_met(views, i) else ''}".rstrip(), ""]
        for meal in day.meals:
            lines += _md_meal(meal, cook_lines(batches, day.day, meal))
        lines += _md_checks(views, i)
        lines += [f"- {label}: {md_text(text)}"
                  for label, text, _ok in day_total_rows(plan, day, checks=False, cost_label="Cost (everyone)")]
        lines.append("")
    for name, view in views.items():
        lines += [f"## Co-nutrients of {md_text(name)} (average a day over the plan)", ""]
        lines += [f"- {label}: {text} {CHECK if ok else CROSS}" for label, text, ok in co_nutrient_checks(view)]
        lines.append("")
    lines += ["---", "", md_text(solver_line(plan))]
    sup = supplement_line(plan)
    lines += ["", md_text(sup)] if sup else []
    if plan.notes:
        lines += ["", "**Notes**", "", *(f"- {md_text(x)}" for x in plan.notes)]
    return "\n".join(lines).rstrip() + "\n"


# --- CSV --------------------------------------------------------------------------------------------------
def household_rows(plan: WeekPlan) -> list[list[Any]]:
    """One list per ingredient of each dish, in HOUSEHOLD_PLAN_CSV_COLUMNS order."""
    rows: list[list[Any]] = []
    for day in plan.days:
        for meal in day.meals:
            for dish in meal.dishes:
                by_person = "; ".join(f"{n} {p:g}" for n, p in dish.portions_by_person.items())
                rows += [[*row[:2], meal.person or "", *row[2:6], by_person, *row[6:], leftover_csv(meal.leftover_from)]
                         for row in dish_rows(day.day, meal.slot, dish)]
    return rows


# --- HTML ------------------------------------------------------------------------------------------------
def dish_people_html(dish: PlanDish) -> str:
    """'<p class="muted">For Ann 1, Tom 1, Mia 3/4 portions</p>' for a shared dish ('' otherwise)."""
    return f"<p class=\"muted\">For {h(by_person_text(dish.portions_by_person))}</p>" if dish.portions_by_person else ""


def people_html(plan: WeekPlan) -> str:
    """The household's people with their targets, as an HTML list."""
    return "<ul>" + "".join(f"<li><strong>{h(n)}</strong>: {h(text)}</li>" for n, text in people_texts(plan)) + "</ul>"


def household_checks_html(plan: WeekPlan, index: int) -> list[str]:
    """Each person's magnesium and energy for day ``index`` of a household plan, as HTML list items."""
    out = []
    for name, view in _person_views(plan).items():
        day = view.days[index]
        checks = [f"{label} {text}" + ("" if ok is None else f" {CHECK if ok else CROSS}")
                  for label, text, ok in day_checks(view, day)[:2]]
        out.append(f"<li>{h(name)}: {h('; '.join(checks))}</li>")
    return out


def iter_people_co_nutrients(plan: WeekPlan) -> Iterable[tuple[str, WeekPlan]]:
    return _person_views(plan).items()


__all__ = ["EVERYONE", "HOUSEHOLD_PLAN_CSV_COLUMNS", "by_person_text", "cook_text", "dish_people_html", "eaten_text",
           "everyone_met", "household_checks_html", "household_markdown", "people_html", "people_texts", "household_rows", "leftover_csv", "meal_times",
           "meal_heading", "source_meal", "whose_leftover"]
