"""An independent checker of a WeekPlan: recomputes everything from the food table alone.

``check_plan(plan, foods, profile=None) -> list[str]`` returns human-readable violations (empty when the
plan is fine). It deliberately does not reuse the optimizer's arithmetic: nutrient amounts are recomputed
from ``foods`` (per 100 g x servings x serving_g / 100, NaN counted as 0), and each rule of the plan's
``Rules``/``Targets`` is checked directly. Used by the optimizer's and the swaps' tests.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from foods.schema import food_allowed, split_tags

TOL = 1e-4  # absolute tolerance on recomputed sums (the solver's feasibility tolerance is ~1e-7 relative)


def _per_item(foods: pd.DataFrame, food_id: str, servings: float, column: str) -> float:
    value = foods.at[food_id, column]
    if value is None or pd.isna(value):
        return 0.0
    return float(value) * float(servings) * float(foods.at[food_id, "serving_g"]) / 100.0


def meal_energy_share_bounds(slot: str, slots: Any) -> tuple[float, float]:
    """The planner's documented share of the day's energy allowed per meal slot."""
    from planner.milp import meal_share_bounds

    return meal_share_bounds(slot, slots)


def check_plan(plan: Any, foods: pd.DataFrame, profile: Any = None, *, check_shares: bool = True,
               meal_rules: bool = True) -> list[str]:
    """Violations of ``plan`` against its targets and rules, recomputed from ``foods``; [] when fine.

    ``check_shares=False`` skips each meal's energy share, one food per category and a main food's meals a day;
    ``meal_rules=False`` skips every slot having a meal of 1..max foods and no identical meal on consecutive
    days (the benchmark's textbook model has neither)."""
    profile = profile or plan.profile
    t = plan.targets
    r = plan.rules
    out: list[str] = []
    excluded = set(profile.exclude_foods) | set(plan.excluded)
    step = float(r.servings_step)
    shortfall = float(plan.supplement.shortfall_mg) if plan.supplement is not None else 0.0
    days_used: dict[str, set[int]] = {}
    meal_sets: dict[tuple[int, str], frozenset[str]] = {}
    day_numbers = [d.day for d in plan.days]
    if len(set(day_numbers)) != len(day_numbers):
        out.append(f"duplicate day numbers {day_numbers}")
    # Realistic days: the categories are written out here, not imported, so the checker stays independent.
    produce_cats, veg_cats = {"vegetables", "leafy_greens", "fruit"}, {"vegetables", "leafy_greens"}
    allowed = [f for f in foods.index if f not in excluded and food_allowed(
        foods.at[f, "diet_tags"], foods.at[f, "allergens"], diet=profile.diet, avoid=profile.avoid_allergens)]
    veg_slots = {s for f in allowed if str(foods.at[f, "category"]) in veg_cats
                 for s in str(foods.at[f, "slots"]).split("|")}
    has_produce = any(str(foods.at[f, "category"]) in produce_cats for f in allowed)
    if tuple(r.slots) != ("breakfast", "lunch", "dinner", "snack"):  # the rules are about a full day of meals
        has_produce, veg_slots = False, set()
    for d in plan.days:
        produce_servings = sum(i.servings for m in d.meals for i in m.items
                               if i.food_id in foods.index and str(foods.at[i.food_id, "category"]) in produce_cats)
        if has_produce and produce_servings + 1e-9 < getattr(r, "produce_servings_min", 0.0):
            out.append(f"day {d.day}: {produce_servings:g} servings of vegetables and fruit "
                       f"(min {r.produce_servings_min:g})")
        if getattr(r, "vegetables_at_main_meals", False):
            for m in d.meals:
                if m.slot in ("lunch", "dinner") and m.slot in veg_slots and not plan.is_locked(d.day, m.slot) \
                        and not any(i.food_id in foods.index and str(foods.at[i.food_id, "category"]) in veg_cats
                                    for i in m.items):
                    out.append(f"day {d.day} {m.slot}: no vegetable or leafy green")
        tot: dict[str, float] = {}
        by_slot_kcal: dict[str, float] = {}
        by_slot_mg: dict[str, float] = {}
        cost = 0.0
        slots_seen = [m.slot for m in d.meals]
        for slot in r.slots:
            if meal_rules and slot not in slots_seen:
                out.append(f"day {d.day}: meal '{slot}' is missing")
        for m in d.meals:
            where = f"day {d.day} {m.slot}"
            ids = [i.food_id for i in m.items]
            if len(ids) != len(set(ids)):
                out.append(f"{where}: a food appears twice")
            if meal_rules and not 1 <= len(ids) <= r.max_foods_per_meal:
                out.append(f"{where}: {len(ids)} foods (allowed 1..{r.max_foods_per_meal})")
            meal_sets[(d.day, m.slot)] = frozenset(ids)
            if check_shares:
                from planner.milp import ONE_PER_MEAL_CATEGORIES

                cats = [str(foods.at[f, "category"]) for f in ids if f in foods.index]
                for c in sorted(set(cats)):
                    if c in ONE_PER_MEAL_CATEGORIES and cats.count(c) > 1:
                        out.append(f"{where}: {cats.count(c)} foods of category {c} (max 1 per meal)")
            for item in m.items:
                f = item.food_id
                if f not in foods.index:
                    out.append(f"{where}: unknown food '{f}'")
                    continue
                row = foods.loc[f]
                if f in excluded:
                    out.append(f"{where}: excluded food '{f}'")
                if not food_allowed(row["diet_tags"], row["allergens"], diet=profile.diet,
                                    avoid=profile.avoid_allergens):
                    out.append(f"{where}: '{f}' not allowed by diet {profile.diet} / allergens "
                               f"{profile.avoid_allergens}")
                if m.slot not in split_tags(row["slots"]):
                    out.append(f"{where}: '{f}' is not suited to {m.slot}")
                units = item.servings / step
                if item.servings <= 0 or abs(units - round(units)) > 1e-6:
                    out.append(f"{where}: '{f}' servings {item.servings} not a positive multiple of {step}")
                if item.servings > float(row["max_servings_per_meal"]) + 1e-9:
                    out.append(f"{where}: '{f}' servings {item.servings} above max {row['max_servings_per_meal']}")
                grams = item.servings * float(row["serving_g"])
                if abs(grams - item.grams) > 0.01:
                    out.append(f"{where}: '{f}' grams {item.grams} but {grams:.2f} recomputed")
                mg = _per_item(foods, f, item.servings, "magnesium_mg")
                if item.magnesium_mg is not None and abs(mg - item.magnesium_mg) > 0.01:
                    out.append(f"{where}: '{f}' magnesium {item.magnesium_mg} but {mg:.2f} recomputed")
                for col in ("magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "caffeine_mg",
                            "iron_mg", "vitamin_d_ug", "vitamin_b12_ug"):
                    tot[col] = tot.get(col, 0.0) + _per_item(foods, f, item.servings, col)
                by_slot_kcal[m.slot] = by_slot_kcal.get(m.slot, 0.0) + _per_item(foods, f, item.servings,
                                                                                  "energy_kcal")
                by_slot_mg[m.slot] = by_slot_mg.get(m.slot, 0.0) + _per_item(foods, f, item.servings,
                                                                              "magnesium_mg")
                price = row["price_usd_per_100g"]
                if pd.notna(price):
                    cost += float(price) * grams / 100.0
                if bool(row["main_item"]):
                    days_used.setdefault(f, set()).add(d.day)
        w = f"day {d.day}"
        if check_shares:
            from planner.milp import MAX_MEALS_PER_FOOD_PER_DAY

            counts: dict[str, int] = {}
            for m in d.meals:
                for item in m.items:
                    if item.food_id in foods.index and bool(foods.at[item.food_id, "main_item"]):
                        counts[item.food_id] = counts.get(item.food_id, 0) + 1
            for f, c in sorted(counts.items()):
                if c > MAX_MEALS_PER_FOOD_PER_DAY:
                    out.append(f"{w}: '{f}' in {c} meals (max {MAX_MEALS_PER_FOOD_PER_DAY} a day)")
        g = lambda k: tot.get(k, 0.0)  # noqa: E731
        if g("magnesium_mg") < t.magnesium_mg - shortfall - TOL:
            out.append(f"{w}: magnesium {g('magnesium_mg'):.1f} mg below target {t.magnesium_mg - shortfall:.1f}")
        if g("energy_kcal") < t.energy_kcal_min - TOL or g("energy_kcal") > t.energy_kcal_max + TOL:
            out.append(f"{w}: energy {g('energy_kcal'):.0f} kcal outside {t.energy_kcal_min:.0f}.."
                       f"{t.energy_kcal_max:.0f}")
        if g("protein_g") < t.protein_g_min - TOL:
            out.append(f"{w}: protein {g('protein_g'):.1f} g below {t.protein_g_min}")
        if g("fiber_g") < t.fiber_g_min - TOL:
            out.append(f"{w}: fiber {g('fiber_g'):.1f} g below {t.fiber_g_min}")
        if g("sodium_mg") > t.sodium_mg_max + TOL:
            out.append(f"{w}: sodium {g('sodium_mg'):.0f} mg above {t.sodium_mg_max}")
        if r.require_iron and g("iron_mg") < t.iron_mg - TOL:
            out.append(f"{w}: iron {g('iron_mg'):.1f} mg below {t.iron_mg}")
        if r.require_vitamin_d and g("vitamin_d_ug") < t.vitamin_d_ug - TOL:
            out.append(f"{w}: vitamin D {g('vitamin_d_ug'):.1f} ug below {t.vitamin_d_ug}")
        if r.require_vitamin_b12 and g("vitamin_b12_ug") < t.vitamin_b12_ug - TOL:
            out.append(f"{w}: vitamin B12 {g('vitamin_b12_ug'):.2f} ug below {t.vitamin_b12_ug}")
        if profile.budget_usd_per_day is not None and cost > profile.budget_usd_per_day + TOL:
            out.append(f"{w}: priced cost ${cost:.2f} above budget ${profile.budget_usd_per_day:.2f}")
        if r.evening_share_min is not None:
            eve = sum(v for s, v in by_slot_mg.items() if s in r.evening_slots)
            if eve < r.evening_share_min * g("magnesium_mg") - TOL:
                out.append(f"{w}: evening magnesium {eve:.1f} mg below {r.evening_share_min:.0%} of the day")
        if r.caffeine_after_lunch_max_mg is not None and "lunch" in r.slots:
            after = r.slots[r.slots.index("lunch") + 1:]
            caf = sum(_per_item(foods, i.food_id, i.servings, "caffeine_mg")
                      for m in d.meals if m.slot in after for i in m.items if i.food_id in foods.index)
            if caf > r.caffeine_after_lunch_max_mg + TOL:
                out.append(f"{w}: caffeine after lunch {caf:.0f} mg above {r.caffeine_after_lunch_max_mg}")
        if check_shares and g("energy_kcal") > 0:
            for slot, kcal in by_slot_kcal.items():
                lo, hi = meal_energy_share_bounds(slot, tuple(r.slots))
                share = kcal / g("energy_kcal")
                if share < lo - 1e-6 or share > hi + 1e-6:
                    out.append(f"{w} {slot}: {share:.0%} of the day's energy (allowed {lo:.0%}..{hi:.0%})")
        for key, value in d.totals.items():
            if key in tot and value is not None and not math.isnan(value) and abs(value - tot[key]) > 0.05:
                out.append(f"{w}: totals[{key}] = {value} but {tot[key]:.2f} recomputed")
    for f, used in sorted(days_used.items()):
        if len(used) > r.max_days_per_food:
            out.append(f"'{f}' on {len(used)} days {sorted(used)} (max {r.max_days_per_food})")
    for (day, slot), ids in sorted(meal_sets.items()):
        nxt = meal_sets.get((day + 1, slot))
        if meal_rules and nxt is not None and ids and ids == nxt:
            out.append(f"day {day} and {day + 1} {slot}: identical meal {sorted(ids)}")
    return out
