"""Why no plan exists, in sentences with numbers, and what to change (each change a ready-made Suggestion).

Method: a one-day model that *maximises* magnesium under every other limit gives the most magnesium a day
can hold ("at most 287 mg"); the same model with one restriction lifted (budget, an allergen, the diet)
tells which change reaches the target; when even a day without the magnesium target is impossible, an
elastic model (a penalised slack on every target-type constraint) names the limits that clash and by how much.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Collection, Mapping, Sequence

import pandas as pd
import pulp

from planner import milp
from planner.explanation import Explanation, Suggestion
from planner.model import Profile, Rules, Targets, WeekPlan
from planner.solve import run
from planner.targets import check_rules, targets_for

ALLERGEN_WORDS = {
    "tree_nuts": ("nut-free", "tree nuts"), "peanuts": ("peanut-free", "peanuts"),
    "gluten": ("gluten-free", "gluten"), "dairy": ("dairy-free", "dairy"), "soy": ("soy-free", "soy"),
    "fish": ("fish-free", "fish"), "shellfish": ("shellfish-free", "shellfish"), "egg": ("egg-free", "eggs"),
    "sesame": ("sesame-free", "sesame"),
}
NEXT_DIET = {"vegan": "vegetarian", "vegetarian": "pescatarian", "pescatarian": "omnivore"}
ELASTIC_KINDS = ("magnesium", "energy", "protein", "fiber", "sodium", "budget", "iron", "vitamin_d", "vitamin_b12",
                 "evening", "meal_energy", "variety")
PROBE_TIME_S = 10.0


def context(profile: Profile, exclude_dishes: Collection[str] = (), *, nothing: str = "the foods in the table"
            ) -> str:
    """'vegan, nut-free, 2 excluded dishes and $2.50/day' style description of the restrictions."""
    parts = [] if profile.diet == "omnivore" else [profile.diet]
    parts += [ALLERGEN_WORDS.get(a, (f"{a}-free",))[0] for a in profile.avoid_allergens]
    for n, what in ((len(profile.exclude_foods), "excluded food"), (len(exclude_dishes), "excluded dish")):
        if n:
            parts.append(f"{n} {what}{'es' if what.endswith('sh') and n > 1 else 's' if n > 1 else ''}")
    if profile.budget_usd_per_day is not None:
        parts.append(f"${profile.budget_usd_per_day:.2f}/day")
    if not parts:
        return nothing
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _join_or(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return ", ".join(items[:-1]) + ", or " + items[-1]


def _one_day(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets, *, maximize: bool,
             budget: float | None, excluded: Collection[str] = (), elastic: Collection[str] = ()
             ) -> tuple[bool, milp.MenuModel]:
    r1 = replace(rules, days=1, time_limit_s=min(rules.time_limit_s, PROBE_TIME_S), gap_rel=0.001)
    data = milp.food_data(foods, profile, r1, excluded=excluded)
    if not data.ids:
        return False, None  # type: ignore[return-value]
    mm = milp.build_menu_model(data, targets, r1, days=(1,), budget_usd_per_day=budget, maximize_magnesium=maximize,
                               elastic=elastic, name="magplan_explain")
    out = run(mm.prob, r1)
    return out.feasible, mm


def max_magnesium(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets,
                  excluded: Collection[str] = ()) -> float | None:
    """The most magnesium one day can hold under every other limit (None: no day is possible at all)."""
    ok, mm = _one_day(foods, profile, rules, targets, maximize=True, budget=profile.budget_usd_per_day,
                      excluded=excluded)
    if not ok:
        return None
    return float(pulp.value(mm.magnesium_expr[1]) or 0.0)


def _min_budget(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets) -> float | None:
    ok, mm = _one_day(foods, profile, rules, targets, maximize=False, budget=None)
    if not ok:
        return None
    return float(pulp.value(mm.cost_expr[1]) or 0.0)


_LIMIT_TEXT = {
    "energy_min": ("energy", "kcal", "energy_kcal_min", -1), "energy_max": ("energy", "kcal", "energy_kcal_max", 1),
    "protein_min": ("protein", "g", "protein_g_min", -1), "fiber_min": ("fiber", "g", "fiber_g_min", -1),
    "sodium_max": ("sodium", "mg", "sodium_mg_max", 1), "magnesium_min": ("magnesium", "mg", "magnesium_mg", -1),
    "iron_min": ("iron", "mg", "iron_mg", -1), "vitamin_d_min": ("vitamin D", "ug", "vitamin_d_ug", -1),
    "vitamin_b12_min": ("vitamin B12", "ug", "vitamin_b12_ug", -1),
}


def _elastic_sentences(mm: milp.MenuModel, profile: Profile, targets: Targets
                       ) -> tuple[list[str], list[Suggestion]]:
    """Sentences and suggestions from the non-zero slacks of a solved elastic model."""
    texts: list[str] = []
    sugg: list[Suggestion] = []
    seen: set[str] = set()
    for cname, var in sorted(mm.slacks.items()):
        amount = float(var.varValue or 0.0)
        if amount <= 1e-6:
            continue
        key = cname.split("_day_")[0]
        where = cname.split("_day_")[1] if "_day_" in cname else ""
        if key == "budget":
            need = (profile.budget_usd_per_day or 0) + amount
            if "budget" not in seen:
                texts.append(f"the other limits need about ${need:.2f}/day (budget ${profile.budget_usd_per_day:.2f})")
                sugg.append(Suggestion(f"Raise the budget to ${math.ceil(need * 100) / 100:.2f}/day",
                                       {"budget_usd_per_day": math.ceil(need * 100) / 100}, {}))
            seen.add("budget")
        elif key in _LIMIT_TEXT:
            what, unit, field, sign = _LIMIT_TEXT[key]
            current = float(getattr(targets, field))
            new = current + sign * amount
            if key not in seen:
                bound = "at least" if sign < 0 else "at most"
                texts.append(f"{what} of {bound} {current:g} {unit} clashes with the other limits "
                             f"(day {where} would need {new:.0f} {unit})")
                value = math.floor(new) if sign < 0 else math.ceil(new)
                sugg.append(Suggestion(f"set {what} to {value} {unit}",
                                       {"overrides": {**dict(profile.overrides), field: float(value)}}, {}))
            seen.add(key)
        elif key.startswith("max_days") or key.startswith("not_same_meal"):
            if "variety" not in seen:
                texts.append("the variety rules (a food on at most a few days, no meal twice in a row) "
                             "leave too few foods")
                sugg.append(Suggestion(f"allow a food on up to {mm.rules.max_days_per_food + 2} days", {},
                                       {"max_days_per_food": mm.rules.max_days_per_food + 2}))
            seen.add("variety")
        elif key.startswith("evening"):
            if "evening" not in seen:
                texts.append("the evening magnesium share cannot be met")
                sugg.append(Suggestion("drop the evening magnesium share", {}, {"evening_share_min": None}))
            seen.add("evening")
        elif key.startswith("meal_energy"):
            if "meal_energy" not in seen:
                texts.append("the meals cannot be balanced across the day with these foods")
            seen.add("meal_energy")
    return texts, sugg


def explain(foods: pd.DataFrame, profile: Profile, *, rules: Rules | None = None, targets: Targets | None = None,
            excluded: Collection[str] = ()) -> Explanation:
    """Why ``plan_week`` finds no plan for this profile, with computed numbers and suggestions."""
    rules = rules or Rules()
    targets = targets or targets_for(profile)
    ctx = context(profile)
    data = milp.food_data(foods, profile, rules, excluded=excluded)
    if not data.ids:
        return _no_food_allowed(profile, ctx)
    m = max_magnesium(foods, profile, rules, targets, excluded)
    if m is None and profile.budget_usd_per_day is not None:
        exp = _budget_blocks_every_day(foods, profile, rules, targets, excluded, ctx)
        if exp is not None:
            return exp
    if m is None:
        return _no_day_possible(foods, profile, rules, targets, excluded, ctx)
    if m + 1e-6 < float(targets.magnesium_mg):
        return _magnesium_out_of_reach(foods, profile, rules, targets, excluded, ctx, m)
    return _week_rules_fail(foods, profile, rules, targets, excluded, ctx, m, len(data.ids))


def _no_food_allowed(profile: Profile, ctx: str) -> Explanation:
    """No food of the table is allowed: a wider diet, or an allergen allowed again."""
    sugg = []
    if profile.diet != "omnivore":
        sugg.append(Suggestion(f"choose a {NEXT_DIET[profile.diet]} diet", {"diet": NEXT_DIET[profile.diet]}, {}))
    for a in profile.avoid_allergens:
        rest = tuple(x for x in profile.avoid_allergens if x != a)
        sugg.append(Suggestion(f"allow {ALLERGEN_WORDS.get(a, ('', a))[1]}", {"avoid_allergens": rest}, {}))
    return Explanation(f"With {ctx}, no food in the table is allowed. Add foods or "
                       + _join_or([s.text for s in sugg] or ["change the profile"]) + ".", tuple(sugg), None)


def _budget_blocks_every_day(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets,
                             excluded: Collection[str], ctx: str) -> Explanation | None:
    """The budget alone makes every day impossible: the budget the cheapest day needs; None when it is not
    the budget."""
    need = _min_budget(foods, profile, rules, targets)
    if need is None:
        return None
    b = math.ceil(need * 100) / 100
    m_free = max_magnesium(foods, replace(profile, budget_usd_per_day=None), rules, targets, excluded)
    sugg = [Suggestion(f"raise the budget to ${b:.2f}/day", {"budget_usd_per_day": b}, {})]
    msg = (f"With {ctx}, no day can meet the energy, protein and other limits: the cheapest day that meets "
           f"every limit, {float(targets.magnesium_mg):g} mg of magnesium included, costs ${b:.2f}. Raise the "
           f"budget to ${b:.2f}/day.")
    return Explanation(msg, tuple(sugg), None if m_free is None else float(m_free))


def _no_day_possible(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets,
                     excluded: Collection[str], ctx: str) -> Explanation:
    """No single day meets every limit: the elastic day model says which limits clash and by how much."""
    ok, mm = _one_day(foods, profile, rules, targets, maximize=False, budget=profile.budget_usd_per_day,
                      excluded=excluded, elastic=ELASTIC_KINDS)
    texts, sugg = _elastic_sentences(mm, profile, targets) if ok else ([], [])
    body = "; ".join(texts) if texts else "the limits contradict each other"
    msg = f"With {ctx}, no day can meet every limit: {body}."
    if sugg:
        msg += " " + _join_or([s.text for s in sugg]).capitalize() + "."
    return Explanation(msg, tuple(sugg), None)


def _magnesium_out_of_reach(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets,
                            excluded: Collection[str], ctx: str, m: float) -> Explanation:
    """A day reaches at most ``m`` mg, below the target: what budget, allergen or diet change reaches it."""
    target = float(targets.magnesium_mg)
    sugg: list[Suggestion] = []
    if profile.budget_usd_per_day is not None:
        need = _min_budget(foods, profile, rules, targets)
        if need is not None and need > profile.budget_usd_per_day:
            b = math.ceil(need * 100) / 100
            sugg.append(Suggestion(f"raise the budget to ${b:.2f}/day", {"budget_usd_per_day": b}, {}))
    for a in profile.avoid_allergens:
        rest = tuple(x for x in profile.avoid_allergens if x != a)
        mm_a = max_magnesium(foods, replace(profile, avoid_allergens=rest), rules, targets, excluded)
        if mm_a is not None and mm_a + 1e-6 >= target:
            sugg.append(Suggestion(f"allow {ALLERGEN_WORDS.get(a, ('', a))[1]}", {"avoid_allergens": rest}, {}))
    if profile.diet in NEXT_DIET:
        nd = NEXT_DIET[profile.diet]
        mm_d = max_magnesium(foods, replace(profile, diet=nd), rules, targets, excluded)
        if mm_d is not None and mm_d + 1e-6 >= target:
            sugg.append(Suggestion(f"choose a {nd} diet", {"diet": nd}, {}))
    low = math.floor(m)
    sugg.append(Suggestion(f"lower the target to {low} mg",
                           {"overrides": {**dict(profile.overrides), "magnesium_mg": float(low)}}, {}))
    msg = (f"With {ctx}, at most {low} mg of magnesium a day is possible (target {target:g} mg). "
           + _join_or([s.text for s in sugg]).capitalize() + ".")
    return Explanation(msg, tuple(sugg), float(m), food_only_limit=True)


def _week_rules_fail(foods: pd.DataFrame, profile: Profile, rules: Rules, targets: Targets,
                     excluded: Collection[str], ctx: str, m: float, n_foods: int) -> Explanation:
    """A day alone works: the week's variety rules fail; the smallest weekly cap that works, or fewer days."""
    sugg = []
    for k in range(rules.max_days_per_food + 1, rules.days + 1):
        r2 = check_rules(replace(rules, max_days_per_food=k, time_limit_s=min(rules.time_limit_s, PROBE_TIME_S)))
        mm2 = milp.build_menu_model(milp.food_data(foods, profile, r2, excluded=excluded), targets, r2,
                                    days=tuple(range(1, r2.days + 1)), budget_usd_per_day=profile.budget_usd_per_day)
        if run(mm2.prob, r2).feasible:
            sugg.append(Suggestion(f"allow a food on up to {k} days a week", {}, {"max_days_per_food": k}))
            break
    if not sugg and rules.days > 1:
        sugg.append(Suggestion("plan fewer days at a time", {}, {"days": 1}))
    msg = (f"With {ctx}, one day can reach {float(targets.magnesium_mg):g} mg (up to {math.floor(m)} mg), but "
           f"{rules.days} days with each food on at most {rules.max_days_per_food} days and no meal repeated on "
           f"consecutive days are not possible with {n_foods} suitable foods. Add foods or "
           + _join_or([s.text for s in sugg]) + ".")
    return Explanation(msg, tuple(sugg), float(m))


def explain_replan(plan: WeekPlan, foods: pd.DataFrame, *, days: Sequence[int], excluded: Collection[str],
                   fixed: Mapping[tuple[int, str], Mapping[str, float]],
                   require: Mapping[tuple[int, str], Collection[str]],
                   forbid: Mapping[tuple[int, str], Collection[str]]) -> Explanation:
    """Why a re-plan of ``days`` is impossible with the kept, locked, required and excluded foods."""
    rules, targets, profile = plan.rules, plan.targets, plan.profile
    data = milp.food_data(foods, profile, rules, excluded=excluded,
                          extra={f for m in fixed.values() for f in m} | {f for m in require.values() for f in m})
    kept_used: dict[str, int] = {}
    for d in plan.days:
        if d.day in days:
            continue
        for f in {i.food_id for m in d.meals for i in m.items}:
            if f in foods.index and bool(foods.at[f, "main_item"]):
                kept_used[f] = kept_used.get(f, 0) + 1
    mg_min = None if plan.supplement is None else targets.magnesium_mg - plan.supplement.shortfall_mg
    mm = milp.build_menu_model(data, targets, rules, days=tuple(days), budget_usd_per_day=profile.budget_usd_per_day,
                               fixed=fixed, require=require, forbid=forbid, used_days=kept_used,
                               magnesium_min=mg_min, elastic=ELASTIC_KINDS, name="magplan_explain_replan")
    out = run(mm.prob, replace(rules, time_limit_s=min(rules.time_limit_s, PROBE_TIME_S)))
    texts, sugg = _elastic_sentences(mm, profile, targets) if out.feasible else ([], [])
    what = []
    if fixed:
        what.append("the kept and locked items")
    if require:
        what.append("the requested foods")
    if excluded:
        what.append("the excluded foods")
    day_txt = ", ".join(str(d) for d in days)
    body = "; ".join(texts) if texts else "the limits cannot all be met"
    msg = (f"Day {day_txt} cannot be re-planned with {' and '.join(what) or 'these rules'}: {body}. "
           "Unlock a meal, choose a different food, or " + (_join_or([s.text for s in sugg]) if sugg
                                                             else "change the profile") + ".")
    return Explanation(msg, tuple(sugg), None)


__all__ = ["Explanation", "Suggestion", "context", "explain", "explain_replan", "max_magnesium"]
