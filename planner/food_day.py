"""A day of a food-level plan (format version 1) for its edits: the checks a request passes before any solving
(a day and slot that exist, a food that is in that meal and allowed, servings on the step, foods the table
knows) and the day's problems against its limits (magnesium, energy, structure of each meal, categories, budget)
as sentences. ``_day`` is the one day-number check of both plan formats.
"""
from __future__ import annotations

import math
from typing import Collection, Mapping

import pandas as pd

from foods.schema import food_allowed, split_tags
from planner.changes import _fmt
from planner.errors import ChangeError
from planner.milp import ONE_PER_MEAL_CATEGORIES, meal_share_bounds
from planner.model import DayPlan, Meal, PlanItem, WeekPlan
from planner.nutrition import make_day, make_item

_EPS = 1e-6


# --- validation helpers ---------------------------------------------------------------------------
def _day(plan: WeekPlan, day: object) -> DayPlan:
    if isinstance(day, bool) or not isinstance(day, int):
        raise ChangeError(f"day must be a whole number, e.g. 2, not {day!r}")
    for d in plan.days:
        if d.day == day:
            return d
    days = ", ".join(str(d.day) for d in plan.days)
    raise ChangeError(f"day {day} is not in the plan; use one of its days: {days}")


def _check_slot(plan: WeekPlan, slot: object) -> str:
    if slot not in plan.rules.slots:
        raise ChangeError(f"unknown meal slot {slot!r}; use one of: {', '.join(plan.rules.slots)}")
    return str(slot)


def _meal(day_plan: DayPlan, slot: str) -> Meal:
    for m in day_plan.meals:
        if m.slot == slot:
            return m
    return Meal(slot=slot, items=())


def _item(plan: WeekPlan, day: int, slot: str, food_id: str) -> PlanItem:
    d = _day(plan, day)
    _check_slot(plan, slot)
    meal = _meal(d, slot)
    for it in meal.items:
        if it.food_id == food_id:
            return it
    there = ", ".join(it.food_id for it in meal.items) or "nothing"
    raise ChangeError(f"'{food_id}' is not in day {day} {slot} (it has: {there})")


def _check_known_foods(plan: WeekPlan, foods: pd.DataFrame, days: Collection[int] | None = None) -> None:
    for d in plan.days:
        if days is not None and d.day not in days:
            continue
        for m in d.meals:
            for it in m.items:
                if it.food_id not in foods.index:
                    raise ChangeError(f"food '{it.food_id}' of day {d.day} {m.slot} is not in the food table; "
                                      "use the table the plan was made from (e.g. --foods CSV or --all-usda)")


def _food_row(foods: pd.DataFrame, food_id: object) -> pd.Series:
    if not isinstance(food_id, str) or food_id not in foods.index:
        raise ChangeError(f"unknown food '{food_id}'; use a food_id of the food table "
                          "(see 'magplan foods search')")
    return foods.loc[food_id]


def _banned(plan: WeekPlan) -> set[str]:
    return set(plan.excluded) | set(plan.profile.exclude_foods)


def _why_not_allowed(plan: WeekPlan, foods: pd.DataFrame, food_id: str, slot: str) -> str | None:
    """A reason why ``food_id`` cannot go into ``slot`` of this plan, or None if it can."""
    row = foods.loc[food_id]
    if slot not in split_tags(row["slots"]):
        return f"'{food_id}' is not eaten at {slot} (its slots: {', '.join(split_tags(row['slots']))})"
    if food_id in _banned(plan):
        return f"'{food_id}' is excluded from this plan"
    if pd.isna(row["energy_kcal"]):
        return f"'{food_id}' has no energy value, so a menu cannot be balanced around it"
    if not food_allowed(row["diet_tags"], row["allergens"], diet=plan.profile.diet,
                        avoid=plan.profile.avoid_allergens):
        return (f"'{food_id}' does not fit the {plan.profile.diet} diet or contains an avoided allergen "
                f"({', '.join(plan.profile.avoid_allergens) or 'none avoided'})")
    return None


def _days_using(plan: WeekPlan, food_id: str) -> list[int]:
    return [d.day for d in plan.days if any(it.food_id == food_id for m in d.meals for it in m.items)]


def _servings_options(plan: WeekPlan, row: pd.Series) -> list[float]:
    step = float(plan.rules.servings_step)
    cap = float(row["max_servings_per_meal"])
    n = max(1, int(math.floor(cap / step + 1e-9)))  # as the optimizer: at least one step
    return [round(k * step, 6) for k in range(1, n + 1)]


def _on_step(servings: float, step: float) -> bool:
    k = servings / step
    return abs(k - round(k)) < 1e-6


# --- limits of one day ----------------------------------------------------------------------------
def day_problems(plan: WeekPlan, foods: pd.DataFrame, day_plan: DayPlan) -> list[str]:
    """Limits that ``day_plan`` breaks under ``plan``'s targets and rules, recomputed from the food table.

    Checks daily magnesium (less any supplement shortfall the plan reports), energy range, protein,
    fiber, sodium, budget, required iron/vitamin D/B12, evening magnesium share, caffeine after lunch,
    each meal's share of the day's energy, 1..max foods per meal, one food per meal of the optimizer's
    one-per-meal categories, the same meal as on a neighbouring day, servings per meal and step, slot
    suitability, diet, allergens and exclusions.
    An empty list means the day is within every limit. Columns: those of ``make_item``, plus slots,
    diet_tags, allergens, max_servings_per_meal.
    """
    problems: list[str] = []
    meals = []
    for m in day_plan.meals:
        items = []
        for it in m.items:
            item_problems = _item_problems(plan, foods, m.slot, it)
            problems.extend(item_problems)
            if it.food_id in foods.index:
                items.append(make_item(foods, it.food_id, it.servings))
        meals.append(Meal(slot=m.slot, items=tuple(items)))
    categories = {it.food_id: str(foods.at[it.food_id, "category"]) for m in day_plan.meals for it in m.items
                  if it.food_id in foods.index}
    return (_structure_problems(plan, day_plan, categories) + problems
            + _limit_problems(plan, make_day(day_plan.day, meals)))


def _item_problems(plan: WeekPlan, foods: pd.DataFrame, slot: str, it: PlanItem) -> list[str]:
    """What is wrong with one item itself (food table, slot, diet, exclusions, servings)."""
    r = plan.rules
    if it.food_id not in foods.index:
        return [f"{slot}: '{it.food_id}' is not in the food table"]
    problems = []
    why = _why_not_allowed(plan, foods, it.food_id, slot)
    if why:
        problems.append(f"{slot}: {why}")
    cap = float(foods.at[it.food_id, "max_servings_per_meal"])
    if it.servings > cap + _EPS:
        problems.append(f"{slot}: {_fmt(it.servings)} servings of '{it.food_id}' (max {_fmt(cap)})")
    if not _on_step(it.servings, r.servings_step):
        problems.append(f"{slot}: {_fmt(it.servings)} servings of '{it.food_id}' is not a multiple "
                        f"of {_fmt(r.servings_step)}")
    return problems


def _structure_problems(plan: WeekPlan, day_plan: DayPlan, categories: Mapping[str, str] | None = None) -> list[str]:
    """Meals without food or with too many foods (or two of a one-per-meal category, when ``categories``
    maps food_id -> category), and meals identical to a neighbouring day's."""
    from planner.milp import MAIN_MEALS, PRODUCE_CATEGORIES, VEGETABLE_CATEGORIES, realistic_day

    r = plan.rules
    problems: list[str] = []
    present = {m.slot for m in day_plan.meals if m.items}
    if categories is not None and realistic_day(r) and r.produce_servings_min > 0:
        produce = sum(it.servings for m in day_plan.meals for it in m.items
                      if categories.get(it.food_id, "") in PRODUCE_CATEGORIES)
        if produce < r.produce_servings_min - _EPS:
            problems.append(f"{produce:g} servings of vegetables and fruit (at least {r.produce_servings_min:g})")
    for slot in r.slots:
        if slot not in present:
            problems.append(f"{slot} has no food")
    for m in day_plan.meals:
        if len(m.items) > r.max_foods_per_meal:
            problems.append(f"{m.slot} has {len(m.items)} foods (max {r.max_foods_per_meal})")
        if categories is not None:
            cats = [categories.get(it.food_id, "") for it in m.items]
            for c in sorted(set(cats) & ONE_PER_MEAL_CATEGORIES):
                if cats.count(c) > 1:
                    problems.append(f"{m.slot} has {cats.count(c)} foods of category {c} (one per meal)")
        if categories is not None and realistic_day(r) and r.vegetables_at_main_meals and m.slot in MAIN_MEALS \
                and m.items and not plan.is_locked(day_plan.day, m.slot) \
                and not any(categories.get(it.food_id, "") in VEGETABLE_CATEGORIES for it in m.items):
            problems.append(f"{m.slot} has no vegetable or leafy green")
        for other in plan.days:
            if abs(other.day - day_plan.day) == 1 and m.items:
                ids = {it.food_id for it in m.items}
                if ids == {it.food_id for it in _meal(other, m.slot).items}:
                    problems.append(f"{m.slot} is the same meal as on day {other.day}")
    return problems


def _limit_problems(plan: WeekPlan, day: DayPlan) -> list[str]:
    """Daily nutrient, budget, evening, caffeine and meal-energy limits of a day whose items and totals
    are computed from the food table (``make_day``)."""
    t, r = plan.targets, plan.rules
    problems: list[str] = []
    tot = day.totals
    mg_min = t.magnesium_mg - (plan.supplement.shortfall_mg if plan.supplement else 0.0)
    if tot["magnesium_mg"] < mg_min - _EPS:
        problems.append(f"magnesium {tot['magnesium_mg']:.0f} mg is below the target {mg_min:.0f} mg")
    if tot["energy_kcal"] < t.energy_kcal_min - _EPS:
        problems.append(f"energy {tot['energy_kcal']:.0f} kcal is below {t.energy_kcal_min:.0f} kcal")
    if tot["energy_kcal"] > t.energy_kcal_max + _EPS:
        problems.append(f"energy {tot['energy_kcal']:.0f} kcal is above {t.energy_kcal_max:.0f} kcal")
    if tot["protein_g"] < t.protein_g_min - _EPS:
        problems.append(f"protein {tot['protein_g']:.1f} g is below {t.protein_g_min:.1f} g")
    if tot["fiber_g"] < t.fiber_g_min - _EPS:
        problems.append(f"fiber {tot['fiber_g']:.1f} g is below {t.fiber_g_min:.1f} g")
    if tot["sodium_mg"] > t.sodium_mg_max + _EPS:
        problems.append(f"sodium {tot['sodium_mg']:.0f} mg is above {t.sodium_mg_max:.0f} mg")
    budget = plan.profile.budget_usd_per_day
    if budget is not None and tot["cost_usd"] > budget + _EPS:
        problems.append(f"cost ${tot['cost_usd']:.2f} is above the budget ${budget:.2f}")
    for flag, nutrient, target, unit in ((r.require_iron, "iron_mg", t.iron_mg, "mg"),
                                         (r.require_vitamin_d, "vitamin_d_ug", t.vitamin_d_ug, "ug"),
                                         (r.require_vitamin_b12, "vitamin_b12_ug", t.vitamin_b12_ug, "ug")):
        if flag and tot[nutrient] < target - _EPS:
            problems.append(f"{nutrient} {tot[nutrient]:.1f} {unit} is below {target:.1f} {unit}")
    if r.evening_share_min is not None:
        evening = sum(it.magnesium_mg or 0.0 for m in day.meals if m.slot in r.evening_slots for it in m.items)
        if evening < r.evening_share_min * tot["magnesium_mg"] - _EPS:
            problems.append(f"evening magnesium {evening:.0f} mg is below {r.evening_share_min:.0%} of the day")
    if r.caffeine_after_lunch_max_mg is not None and "lunch" in r.slots:
        after = r.slots[r.slots.index("lunch") + 1:]
        caffeine = sum(it.caffeine_mg or 0.0 for m in day.meals if m.slot in after for it in m.items)
        if caffeine > r.caffeine_after_lunch_max_mg + _EPS:
            problems.append(f"caffeine after lunch {caffeine:.0f} mg is above {r.caffeine_after_lunch_max_mg:.0f} mg")
    if tot["energy_kcal"] > 0:
        for m in day.meals:
            if not m.items:
                continue
            lo, hi = meal_share_bounds(m.slot, r.slots)
            share = sum(it.energy_kcal or 0.0 for it in m.items) / tot["energy_kcal"]
            if share < lo - _EPS or share > hi + _EPS:
                problems.append(f"{m.slot} has {share:.0%} of the day's energy (allowed {lo:.0%} to {hi:.0%})")
    return problems
