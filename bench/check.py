"""Independent constraint checker: recompute a plan from the food table alone and list what it breaks.

It shares no code with the optimizer (planner/milp.py, planner/plan.py): it reads only the food table,
the Profile, Targets and Rules, and a flat list of (day, slot, food_id, servings) rows. A plan's own
totals are not trusted; they are recomputed here and compared with what the plan reports.

Unknown nutrient values (NaN) count as 0 in a day's total, as in the plan's "measured" totals: a food
without a magnesium value never helps meet the magnesium target.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import pandas as pd

from foods.schema import food_allowed, split_tags
from planner.model import Profile, Rules, Targets, WeekPlan

# Absolute slack allowed on nutrient sums (solver feasibility tolerances are about 1e-6 relative).
TOL_ABS = 1e-3
TOL_REL = 1e-6


@dataclass(frozen=True)
class Row:
    day: int
    slot: str
    food_id: str
    servings: float


def rows_from_plan(plan: WeekPlan) -> list[Row]:
    """The (day, slot, food_id, servings) rows of a plan."""
    return [Row(d.day, m.slot, i.food_id, float(i.servings)) for d in plan.days for m in d.meals for i in m.items]


def _num(x: object) -> float:
    if x is None or x is pd.NA:
        return 0.0
    x = float(x)  # type: ignore[arg-type]
    return 0.0 if math.isnan(x) else x


def _tol(rhs: float) -> float:
    return TOL_ABS + TOL_REL * abs(rhs)


def day_totals(rows: Iterable[Row], foods: pd.DataFrame) -> dict[int, dict[str, float]]:
    """{day: {nutrient or cost_usd: total}} recomputed from per-100 g values and serving grams."""
    out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        f = foods.loc[r.food_id]
        grams = r.servings * float(f["serving_g"])
        for n in ("magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "caffeine_mg",
                  "iron_mg", "vitamin_d_ug", "vitamin_b12_ug"):
            out[r.day][n] += _num(f[n]) * grams / 100.0
        out[r.day]["cost_usd"] += _num(f["price_usd_per_100g"]) * grams / 100.0
    return out


def check_rows(rows: Sequence[Row], foods: pd.DataFrame, *, profile: Profile, targets: Targets, rules: Rules,
               days: Iterable[int], model: str = "magplan") -> list[str]:
    """Every violated constraint as one readable line (empty list: all hold).

    model="magplan": the food-level optimizer's rules as far as they are defined precisely: daily magnesium,
    energy range, protein, fiber, sodium, budget and required co-nutrients; diet, allergens, excluded foods;
    slots; servings steps and per-meal caps; 1..max foods per meal; main items on at most k days; the
    evening magnesium share and caffeine after lunch when set; no identical meal (same set of foods in a
    slot) on consecutive days; each meal's share of the day's energy within the bounds the optimizer
    documents (``planner.milp.meal_share_bounds``; skipped if that is not importable); at most one food
    per meal of each ``planner.milp.ONE_PER_MEAL_CATEGORIES`` category and a main item in at most
    ``planner.milp.MAX_MEALS_PER_FOOD_PER_DAY`` meals a day, when the optimizer defines them.
    model="baseline": the textbook model (bench/baseline.py): daily magnesium, energy range and protein; diet,
    allergens, excluded foods, slots, servings steps and per-meal caps; each food in at most
    ``rules.max_days_per_food`` of the week's slots.
    """
    if model not in ("magplan", "baseline"):
        raise ValueError(f"model must be 'magplan' or 'baseline', not {model!r}")
    days = list(days)
    bad: list[str] = []
    step = rules.servings_step
    for r in rows:
        where = f"day {r.day} {r.slot} {r.food_id}"
        if r.food_id not in foods.index:
            bad.append(f"{where}: food not in the table")
            continue
        f = foods.loc[r.food_id]
        if r.day not in days:
            bad.append(f"{where}: day outside the plan's days {days}")
        if r.slot not in rules.slots:
            bad.append(f"{where}: slot not in the rules' slots")
        if r.slot not in split_tags(f["slots"]):
            bad.append(f"{where}: food not allowed in this slot (slots {f['slots']})")
        if not food_allowed(f["diet_tags"], f["allergens"], diet=profile.diet, avoid=profile.avoid_allergens):
            bad.append(f"{where}: not allowed for diet {profile.diet} / avoiding {list(profile.avoid_allergens)}")
        if r.food_id in profile.exclude_foods:
            bad.append(f"{where}: food is excluded by the profile")
        if not r.servings > 0:
            bad.append(f"{where}: servings {r.servings} not above 0")
        k = r.servings / step
        if abs(k - round(k)) > 1e-6:
            bad.append(f"{where}: servings {r.servings} not a multiple of {step}")
        if r.servings > float(f["max_servings_per_meal"]) + 1e-9:
            bad.append(f"{where}: servings {r.servings} above the per-meal cap {f['max_servings_per_meal']}")

    if bad and any("not in the table" in b for b in bad):
        return bad
    totals = day_totals(rows, foods)
    for d in days:
        t = totals.get(d, {})

        def need(name: str, value: float, lo: float | None = None, hi: float | None = None) -> None:
            if lo is not None and value < lo - _tol(lo):
                bad.append(f"day {d}: {name} {value:.3f} below {lo:.3f} (short by {lo - value:.3f})")
            if hi is not None and value > hi + _tol(hi):
                bad.append(f"day {d}: {name} {value:.3f} above {hi:.3f} (over by {value - hi:.3f})")

        need("magnesium_mg", t.get("magnesium_mg", 0.0), lo=targets.magnesium_mg)
        need("energy_kcal", t.get("energy_kcal", 0.0), lo=targets.energy_kcal_min, hi=targets.energy_kcal_max)
        need("protein_g", t.get("protein_g", 0.0), lo=targets.protein_g_min)
        if model == "magplan":
            need("fiber_g", t.get("fiber_g", 0.0), lo=targets.fiber_g_min)
            need("sodium_mg", t.get("sodium_mg", 0.0), hi=targets.sodium_mg_max)
            if profile.budget_usd_per_day is not None:
                need("cost_usd (known prices)", t.get("cost_usd", 0.0), hi=profile.budget_usd_per_day)
            if rules.require_iron:
                need("iron_mg", t.get("iron_mg", 0.0), lo=targets.iron_mg)
            if rules.require_vitamin_d:
                need("vitamin_d_ug", t.get("vitamin_d_ug", 0.0), lo=targets.vitamin_d_ug)
            if rules.require_vitamin_b12:
                need("vitamin_b12_ug", t.get("vitamin_b12_ug", 0.0), lo=targets.vitamin_b12_ug)

    by_meal: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for r in rows:
        by_meal[(r.day, r.slot)].append(r)
    if model == "baseline":
        slots_used: dict[str, int] = defaultdict(int)
        for (d, s), items in by_meal.items():
            for fid in {r.food_id for r in items}:
                slots_used[fid] += 1
        for fid, n in sorted(slots_used.items()):
            if n > rules.max_days_per_food:
                bad.append(f"{fid}: in {n} slots of the week, cap {rules.max_days_per_food}")
        return bad

    for d in days:
        for s in rules.slots:
            items = by_meal.get((d, s), [])
            n = len({r.food_id for r in items})
            if n < 1:
                bad.append(f"day {d} {s}: empty meal (1 to {rules.max_foods_per_meal} foods expected)")
            if n > rules.max_foods_per_meal:
                bad.append(f"day {d} {s}: {n} foods, cap {rules.max_foods_per_meal}")
            if len(items) != n:
                bad.append(f"day {d} {s}: a food listed twice in one meal")
    days_used: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        if bool(foods.loc[r.food_id, "main_item"]):
            days_used[r.food_id].add(r.day)
    for fid, ds in sorted(days_used.items()):
        if len(ds) > rules.max_days_per_food:
            bad.append(f"{fid}: a main item on {len(ds)} days, cap {rules.max_days_per_food}")
    if rules.evening_share_min is not None:
        for d in days:
            total = totals.get(d, {}).get("magnesium_mg", 0.0)
            evening = sum(_num(foods.loc[r.food_id, "magnesium_mg"]) * r.servings
                          * float(foods.loc[r.food_id, "serving_g"]) / 100.0
                          for r in rows if r.day == d and r.slot in rules.evening_slots)
            if evening < rules.evening_share_min * total - _tol(total):
                bad.append(f"day {d}: evening magnesium {evening:.1f} mg below {rules.evening_share_min:.0%} "
                           f"of {total:.1f} mg")
    if rules.caffeine_after_lunch_max_mg is not None:
        order = list(rules.slots)
        after = order[order.index("lunch") + 1:] if "lunch" in order else []
        for d in days:
            caf = sum(_num(foods.loc[r.food_id, "caffeine_mg"]) * r.servings
                      * float(foods.loc[r.food_id, "serving_g"]) / 100.0
                      for r in rows if r.day == d and r.slot in after)
            if caf > rules.caffeine_after_lunch_max_mg + TOL_ABS:
                bad.append(f"day {d}: caffeine after lunch {caf:.1f} mg above {rules.caffeine_after_lunch_max_mg}")
    for d in days:
        if d + 1 not in days:
            continue
        for s in rules.slots:
            a = sorted({r.food_id for r in by_meal.get((d, s), [])})
            b = sorted({r.food_id for r in by_meal.get((d + 1, s), [])})
            if a and a == b:
                bad.append(f"days {d} and {d + 1} {s}: identical meal (same foods {a})")
    one_per_meal, meals_per_day = _optimizer_meal_rules()
    for (d, s), items in sorted(by_meal.items()):
        cats: dict[str, list[str]] = defaultdict(list)
        for r in items:
            cat = str(foods.loc[r.food_id, "category"])
            if cat in one_per_meal:
                cats[cat].append(r.food_id)
        for cat, ids in sorted(cats.items()):
            if len(ids) > 1:
                bad.append(f"day {d} {s}: {len(ids)} foods of category {cat} ({', '.join(sorted(ids))}), at most 1")
    if meals_per_day is not None:
        meals_of: dict[tuple[int, str], set[str]] = defaultdict(set)
        for r in rows:
            if bool(foods.loc[r.food_id, "main_item"]):
                meals_of[(r.day, r.food_id)].add(r.slot)
        for (d, fid), slots_used in sorted(meals_of.items()):
            if len(slots_used) > meals_per_day:
                bad.append(f"day {d}: main item {fid} in {len(slots_used)} meals, at most {meals_per_day}")
    if tuple(rules.slots) == ("breakfast", "lunch", "dinner", "snack"):  # realistic-day rules (full days)
        produce, veg = {"vegetables", "leafy_greens", "fruit"}, {"vegetables", "leafy_greens"}
        for d in days:
            servings = sum(r.servings for s in rules.slots for r in by_meal.get((d, s), [])
                           if str(foods.loc[r.food_id, "category"]) in produce)
            if servings + 1e-9 < getattr(rules, "produce_servings_min", 0.0):
                bad.append(f"day {d}: {servings:g} servings of vegetables and fruit, at least "
                           f"{rules.produce_servings_min:g}")
            if getattr(rules, "vegetables_at_main_meals", False):
                for s in ("lunch", "dinner"):
                    if not any(str(foods.loc[r.food_id, "category"]) in veg for r in by_meal.get((d, s), [])):
                        bad.append(f"day {d} {s}: no vegetable or leafy green")
    bounds = _meal_share_bounds(rules)
    for d in days:
        day_kcal = totals.get(d, {}).get("energy_kcal", 0.0)
        for s, (lo, hi) in bounds.items():
            kcal = sum(_num(foods.loc[r.food_id, "energy_kcal"]) * r.servings * float(foods.loc[r.food_id, "serving_g"])
                       / 100.0 for r in by_meal.get((d, s), []))
            if kcal < lo * day_kcal - _tol(day_kcal) or kcal > hi * day_kcal + _tol(day_kcal):
                share = kcal / day_kcal if day_kcal else 0.0
                bad.append(f"day {d} {s}: {share:.1%} of the day's energy, outside {lo:.0%}-{hi:.0%}")
    return bad


def _optimizer_meal_rules() -> tuple[frozenset[str], int | None]:
    """(categories allowed once per meal, meals per day a main food may appear in), as the optimizer
    documents them in planner.milp (empty / None when not importable or not defined)."""
    try:
        from planner import milp
    except ImportError:
        return frozenset(), None
    return (frozenset(getattr(milp, "ONE_PER_MEAL_CATEGORIES", ())),
            getattr(milp, "MAX_MEALS_PER_FOOD_PER_DAY", None))


def _meal_share_bounds(rules: Rules) -> dict[str, tuple[float, float]]:
    """Each slot's allowed share of the day's energy, as the optimizer documents it (none if unknown)."""
    try:
        from planner.milp import meal_share_bounds
    except ImportError:
        return {}
    out = {}
    for s in rules.slots:
        lo, hi = meal_share_bounds(s, rules.slots)
        if lo > 0 or hi < 1:
            out[s] = (lo, hi)
    return out


def check_plan(plan: WeekPlan, foods: pd.DataFrame) -> list[str]:
    """Violations of a WeekPlan against its own profile, targets and rules, plus totals it misreports."""
    rows = rows_from_plan(plan)
    days = [d.day for d in plan.days]
    # Foods excluded after planning ("never suggest again") are as banned as the profile's own exclusions.
    profile = replace(plan.profile, exclude_foods=tuple(plan.profile.exclude_foods) + tuple(plan.excluded))
    bad = check_rows(rows, foods, profile=profile, targets=plan.targets, rules=plan.rules, days=days)
    if any("not in the table" in b for b in bad):
        return bad
    totals = day_totals(rows, foods)
    for d in plan.days:
        for n in ("magnesium_mg", "energy_kcal", "protein_g"):
            reported = d.totals.get(n)
            mine = totals.get(d.day, {}).get(n, 0.0)
            if reported is not None and abs(float(reported) - mine) > 0.01 + 1e-4 * abs(mine):
                bad.append(f"day {d.day}: reported {n} {reported} but the table gives {mine:.4f}")
    return bad


def check_dish_magnesium(plan: WeekPlan, usda: pd.DataFrame) -> list[str]:
    """The minimal check of a dish plan (used when tests/dish_plan_checker.py is absent): every day's magnesium,
    recomputed from the ingredients' USDA rows alone (``usda`` indexed by fdc_id, per 100 g; a missing row or
    value counts 0), is at least the plan's target."""
    bad = []
    target = float(plan.targets.magnesium_mg)
    for d in plan.days:
        total = 0.0
        for m in d.meals:
            for dish in m.dishes:
                for i in dish.ingredients:
                    if i.fdc_id is not None and i.fdc_id in usda.index:
                        total += _num(usda.at[i.fdc_id, "magnesium_mg"]) * float(i.grams) / 100.0
        if total < target - _tol(target):
            bad.append(f"day {d.day}: magnesium {total:.1f} mg from the USDA rows, below the target {target:g} mg")
    return bad


__all__ = ["Row", "TOL_ABS", "TOL_REL", "check_dish_magnesium", "check_plan", "check_rows", "day_totals",
           "rows_from_plan"]
