"""Orchestration: profile + food table -> a solved WeekPlan (plan_week), and re-planning days (replan)."""
from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Collection, Mapping, Sequence

import pandas as pd

from planner import milp
from planner.columns import DayInfeasible
from planner.columns import one_day, week_by_columns
from planner.errors import PlanError, ProfileError, SolverError
from planner.explain import explain, explain_replan
from planner.explanation import Explanation
from planner.model import Meal, Profile, Rules, SolverInfo, Supplement, Targets, WeekPlan
from planner.nutrition import make_day, make_item
from planner.solve import DAY_MAX_NODES, WEEK_MAX_NODES, run
from planner.targets import check_profile, check_rules, targets_for


def check_food_ids(foods: pd.DataFrame, profile: Profile) -> None:
    """Every excluded and favourite food id must exist in the food table."""
    for field_name in ("exclude_foods", "favorite_foods"):
        for f in getattr(profile, field_name):
            if f not in foods.index:
                close = [x for x in foods.index if f.split("_")[0] in x][:3]
                hint = f"; did you mean {', '.join(close)}?" if close else "; list foods with 'magplan foods list'"
                raise ProfileError(f"profile field '{field_name}': unknown food id '{f}'{hint}")


def _days_from(mm: milp.MenuModel, foods: pd.DataFrame) -> dict[int, object]:
    sol = milp.solution(mm)
    out = {}
    for d in mm.days:
        meals = []
        for s in mm.rules.slots:
            items = tuple(make_item(foods, f, v) for f, v in sorted(sol[(d, s)].items()))
            meals.append(Meal(slot=s, items=items))
        out[d] = make_day(d, meals)
    return out


def _days_from_solution(sol: Mapping[tuple[int, str], Mapping[str, float]], days: Sequence[int], rules: Rules,
                        foods: pd.DataFrame) -> dict[int, object]:
    out = {}
    for d in days:
        meals = [Meal(slot=s, items=tuple(make_item(foods, f, v) for f, v in sorted(sol.get((d, s), {}).items())))
                 for s in rules.slots]
        out[d] = make_day(d, meals)
    return out


def _notes(data: milp.FoodData, foods: pd.DataFrame, used: Collection[str]) -> tuple[str, ...]:
    notes = list(data.notes)
    unpriced = sorted(f for f in used if pd.isna(foods.at[f, "price_usd_per_100g"]))
    if unpriced:
        notes.append("No price known for " + ", ".join(unpriced) + "; costed at the table's median price for "
                     "choosing, and left out of cost totals.")
    unmeasured = sorted(f for f in used if pd.isna(foods.at[f, "magnesium_mg"]) or pd.isna(foods.at[f, "sodium_mg"]))
    if unmeasured:
        notes.append("Unmeasured magnesium or sodium (counted as 0) for " + ", ".join(unmeasured) + ".")
    return tuple(notes)


def _sequential(data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile, days: Sequence[int],
                *, magnesium_min: float | None = None
                ) -> tuple[dict[tuple[int, str], dict[str, float]] | None, tuple]:
    """A quick first plan: days solved one after another, each respecting the caps used so far.

    Returns (solution or None when a day got stuck, (last model, last outcome)).
    """
    used: dict[str, int] = {}
    sol: dict[tuple[int, str], dict[str, float]] = {}
    per_day = max(rules.time_limit_s / (2 * len(days)), 0.5)
    last = (None, None)
    for d in days:
        neighbours = {(d - 1, s): frozenset(sol[(d - 1, s)]) for s in rules.slots if (d - 1, s) in sol}
        mm = milp.build_menu_model(data, targets, rules, days=(d,), budget_usd_per_day=profile.budget_usd_per_day,
                                   used_days=used, neighbours=neighbours, magnesium_min=magnesium_min,
                                   name=f"magplan_day_{d}")
        try:
            out = run(mm.prob, rules, time_limit_s=per_day, max_nodes=DAY_MAX_NODES)
        except SolverError:  # this day's share of the time ran out before a first menu: not infeasible
            return None, (mm, None)
        if not out.feasible:
            if d == days[0]:
                raise DayInfeasible()
            return None, (mm, out)
        day_sol = milp.solution(mm)
        sol.update(day_sol)
        for f in {f for (dd, _s), m in day_sol.items() for f in m}:
            i = data.ids.index(f)
            if data.main[i]:
                used[f] = used.get(f, 0) + 1
        last = (mm, out)
    return sol, last


def _stat(stats: dict | None, **values: float) -> None:
    if stats is not None:
        stats.update(values)


def plan_week(foods: pd.DataFrame, profile: Profile, *, rules: Rules | None = None, targets: Targets | None = None,
              stats: dict | None = None) -> WeekPlan:
    """A plan for ``rules.days`` days meeting every target; PlanError with an explanation when impossible.

    ``stats``, if given, is filled with build_s, solve_s, extract_s, n_variables, n_constraints, method
    ("columns": menus chosen by column generation, where the sizes are those of the one-day pricing model;
    "day"; "compact": the whole-week model), iterations and menus (column generation).

    Method (``planner.columns``): column generation over day menus. Small sub-MIPs over the foods of the day
    LP's support propose menus; a master LP mixes them with each main food on at most ``max_days_per_food``
    days, and its duals price the foods for the next menu; wider sub-MIPs step in when they stall.
    A small integer master picks one menu per day (caps, no identical meal on consecutive days). The reported
    bound is the better of the Lagrangian bound and the compact weekly model's bound, searched on the second
    core, so the gap is proven. One day: a sub-MIP start, then the day MIP to ``gap_rel``. Fallbacks: days
    solved in sequence, then the compact weekly model. Every stop that shapes the menus is a count, so the
    menus are deterministic unless the time limit (``Rules.time_limit_s``) is reached first; the bound search
    is time-boxed, so the proven bound (and gap) can differ slightly from run to run.
    Needs the schema columns of the food table (foods.schema.COLUMNS).
    """
    t0 = time.perf_counter()
    rules = check_rules(rules or Rules())
    check_profile(profile)
    check_food_ids(foods, profile)
    targets = targets or targets_for(profile)
    data = milp.food_data(foods, profile, rules)
    days = tuple(range(1, rules.days + 1))
    t_data = time.perf_counter()
    sol, info, times = _solve_week(data, targets, rules, profile, days, deadline=t0 + rules.time_limit_s)
    supplement = None
    if sol is None:
        sol, info, times, supplement = _solve_with_supplement(foods, data, targets, rules, profile, days)
    t2 = time.perf_counter()
    if info is not None:  # the whole search (seed, menus, fallbacks), not only its last solve
        info = replace(info, seconds=round(t2 - t_data, 4))
    built = _days_from_solution(sol, days, rules, foods)
    used = {i.food_id for d in built.values() for m in d.meals for i in m.items}  # type: ignore[attr-defined]
    plan = WeekPlan(profile=profile, targets=targets, rules=rules, days=tuple(built[d] for d in days),
                    solver=info, supplement=supplement, notes=_notes(data, foods, used))
    t3 = time.perf_counter()
    _stat(stats, build_s=(t_data - t0) + times.get("build_s", 0.0), solve_s=(t2 - t_data) - times.get("build_s", 0.0),
          extract_s=t3 - t2, n_variables=times.get("n_variables", 0), n_constraints=times.get("n_constraints", 0),
          method=times.get("method", ""), iterations=times.get("iterations", 0), menus=times.get("menus", 0),
          **{k: times[k] for k in ("stall_pricing", "pricing_solves", "bound_search") if k in times})
    return plan


def _solve_with_supplement(foods: pd.DataFrame, data: milp.FoodData, targets: Targets, rules: Rules,
                           profile: Profile, days: Sequence[int]) -> tuple[dict, SolverInfo | None, dict, Supplement]:
    """No plan reaches the target: PlanError with the explanation, or (with ``allow_supplement`` and a food-only
    limit) the plan with the most magnesium food can give and a supplement for the rest."""
    exp = explain(foods, profile, rules=rules, targets=targets)
    if not (rules.allow_supplement and exp.max_magnesium_mg is not None and exp.food_only_limit):
        raise PlanError(exp.message, explanation=exp)
    from planner.supplement import supplement_for

    level = math.floor(exp.max_magnesium_mg)
    for factor in (1.0, 0.97, 0.93, 0.85, 0.7):
        mg_min = float(math.floor(level * factor))
        sol, info, times = _solve_week(data, targets, rules, profile, days, magnesium_min=mg_min,
                                       deadline=time.perf_counter() + rules.time_limit_s)
        if sol is not None:
            return sol, info, times, supplement_for(float(targets.magnesium_mg) - mg_min, targets)
    raise PlanError(exp.message + " Even planning to less magnesium with a supplement leaves no plan.",
                    explanation=exp)


def _solve_week(data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile, days: Sequence[int], *,
                deadline: float, magnesium_min: float | None = None
                ) -> tuple[dict[tuple[int, str], dict[str, float]] | None, SolverInfo | None, dict]:
    """The week's menus: planner.columns first (column generation; for one day its sub-MIP start + the day MIP),
    then days in sequence + the compact model as fallback.

    Returns (solution or None when infeasible, solver info, timing/size stats).
    """
    times: dict = {}
    if not data.ids:
        return None, None, times
    try:
        if rules.solver == "highs":  # planner.columns drives HiGHS directly
            if len(days) > 1:
                res = week_by_columns(data, targets, rules, profile, days, deadline=deadline,
                                      magnesium_min=magnesium_min)
            else:
                res = one_day(data, targets, rules, profile, days[0], deadline=deadline, magnesium_min=magnesium_min)
            if res is not None:
                times.update(method="columns" if len(days) > 1 else "day", **res.stats)
                return res.solution, res.info, times
        start, (mm, out) = _sequential(data, targets, rules, profile, days, magnesium_min=magnesium_min)
    except DayInfeasible:
        return None, None, times
    if len(days) == 1 and start is not None:
        times.update(method="day", n_variables=len(mm.prob.variables()), n_constraints=len(mm.prob.constraints))
        return start, out.info, times
    tb = time.perf_counter()
    mm = milp.build_menu_model(data, targets, rules, days=days, budget_usd_per_day=profile.budget_usd_per_day,
                               magnesium_min=magnesium_min)
    times.update(build_s=time.perf_counter() - tb, method="compact", n_variables=len(mm.prob.variables()),
                 n_constraints=len(mm.prob.constraints))
    out = run(mm.prob, rules, time_limit_s=max(deadline - time.perf_counter(), 1.0),
              start=milp.start_values(mm, start) if start else None, max_nodes=WEEK_MAX_NODES)
    if not out.feasible:
        return None, out.info, times
    return milp.solution(mm), out.info, times


def build_model(foods: pd.DataFrame, profile: Profile, *, rules: Rules | None = None,
                targets: Targets | None = None) -> milp.MenuModel:
    """The compact weekly model (``.prob`` is the PuLP problem; ``.prob.writeMPS(path)`` writes it)."""
    rules = check_rules(rules or Rules())
    check_profile(profile)
    check_food_ids(foods, profile)
    targets = targets or targets_for(profile)
    data = milp.food_data(foods, profile, rules)
    return milp.build_menu_model(data, targets, rules, days=tuple(range(1, rules.days + 1)),
                                 budget_usd_per_day=profile.budget_usd_per_day)


def _meal_map(plan: WeekPlan, day: int) -> dict[str, dict[str, float]]:
    d = plan.day(day)
    return {m.slot: {i.food_id: float(i.servings) for i in m.items} for m in d.meals}


def replan(plan: WeekPlan, foods: pd.DataFrame, *, days: Sequence[int],
           fix: Mapping[tuple[int, str], Mapping[str, float]] | None = None,
           require: Mapping[tuple[int, str], Collection[str]] | None = None,
           forbid: Mapping[tuple[int, str], Collection[str]] | None = None,
           excluded: Collection[str] = (), stats: dict | None = None) -> WeekPlan:
    """Re-solve ``days`` of ``plan`` with the fewest changes; other days are copied unchanged.

    Locks in ``plan.locks`` are kept exactly; ``fix`` sets exact servings, ``require`` foods that must
    appear, ``forbid`` foods that must not, ``excluded`` foods banned everywhere (added to plan.excluded).
    Infeasible -> PlanError with an explanation; ``plan`` itself is never changed.
    """
    t0 = time.perf_counter()
    todo = _replan_days(plan, foods, days, fix=fix, require=require, forbid=forbid, excluded=excluded)
    excluded_all = tuple(sorted(set(plan.excluded) | set(excluded)))
    fixed, closed, reference = _locked_meals(plan, todo)
    _add_fixed(fixed, closed, fix or {}, require or {}, foods)
    used, neighbours = _kept_days(plan, foods, todo)
    extra = {f for m in fixed.values() for f in m} | {f for m in (require or {}).values() for f in m}
    data = milp.food_data(foods, plan.profile, plan.rules, excluded=excluded_all, extra=extra)
    mg_min = None
    if plan.supplement is not None:
        mg_min = plan.targets.magnesium_mg - plan.supplement.shortfall_mg
    try:
        mm = milp.build_menu_model(data, plan.targets, plan.rules, days=todo,
                                   budget_usd_per_day=plan.profile.budget_usd_per_day, fixed=fixed, require=require,
                                   forbid=forbid, closed_meals=closed, used_days=used, neighbours=neighbours,
                                   reference=reference, magnesium_min=mg_min, name="magplan_replan")
    except PlanError as exc:  # a kept or required food the profile/exclusions no longer allow
        if exc.explanation is None:
            raise PlanError(str(exc), explanation=Explanation(str(exc), (), None)) from None
        raise
    t1 = time.perf_counter()
    out = run(mm.prob, plan.rules)
    t2 = time.perf_counter()
    if not out.feasible:
        exp = explain_replan(plan, foods, days=todo, excluded=excluded_all, fixed=fixed, require=require or {},
                             forbid=forbid or {})
        raise PlanError(exp.message, explanation=exp)
    built = _days_from(mm, foods)
    new_days = tuple(built[d.day] if d.day in built else d for d in plan.days)  # type: ignore[misc]
    used_foods = {i.food_id for d in new_days for m in d.meals for i in m.items}
    new = replace(plan, days=new_days, excluded=excluded_all, solver=out.info,
                  notes=_notes(data, foods, [f for f in used_foods if f in foods.index]))
    _stat(stats, build_s=t1 - t0, solve_s=t2 - t1, extract_s=time.perf_counter() - t2,
          n_variables=len(mm.prob.variables()), n_constraints=len(mm.prob.constraints))
    return new


def _replan_days(plan: WeekPlan, foods: pd.DataFrame, days: Sequence[int], *,
                 fix: Mapping | None, require: Mapping | None, forbid: Mapping | None,
                 excluded: Collection[str]) -> list[int]:
    """The days to re-plan, sorted; PlanError when a day, slot or food of the request is not in the plan."""
    all_days = [d.day for d in plan.days]
    todo = sorted(set(int(d) for d in days))
    if not todo:
        raise PlanError("no day to re-plan; give at least one day, e.g. days=[2]")
    for d in todo:
        if d not in all_days:
            raise PlanError(f"day {d} is not in the plan (days {', '.join(map(str, all_days))})")
    for mapping, what in ((fix, "fix"), (require, "require"), (forbid, "forbid")):
        for (d, s) in (mapping or {}):
            if d not in todo:
                raise PlanError(f"{what} names day {d}, which is not being re-planned (days {todo})")
            if s not in plan.rules.slots:
                raise PlanError(f"{what} names slot '{s}'; use one of {', '.join(plan.rules.slots)}")
    for f in excluded:
        if f not in foods.index:
            raise PlanError(f"cannot exclude unknown food id '{f}'")
    return todo


def _locked_meals(plan: WeekPlan, todo: Sequence[int]) -> tuple[dict[tuple[int, str], dict[str, float]],
                                                                 set[tuple[int, str]],
                                                                 dict[tuple[int, str], dict[str, float]]]:
    """(servings the locks keep, meals locked whole, the current meals as the minimal-change reference)."""
    fixed: dict[tuple[int, str], dict[str, float]] = {}
    closed: set[tuple[int, str]] = set()
    reference: dict[tuple[int, str], dict[str, float]] = {}
    for d in todo:
        meals = _meal_map(plan, d)
        for s in plan.rules.slots:
            current = meals.get(s, {})
            reference[(d, s)] = dict(current)
            for lock in plan.locks:
                if lock.day != d or (lock.slot is not None and lock.slot != s):
                    continue
                if lock.slot is None or lock.food_id is None:
                    closed.add((d, s))
                    fixed.setdefault((d, s), {}).update(current)
                elif lock.food_id in current:
                    fixed.setdefault((d, s), {})[lock.food_id] = current[lock.food_id]
    return fixed, closed, reference


def _add_fixed(fixed: dict[tuple[int, str], dict[str, float]], closed: set[tuple[int, str]],
               fix: Mapping[tuple[int, str], Mapping[str, float]],
               require: Mapping[tuple[int, str], Collection[str]], foods: pd.DataFrame) -> None:
    """Add the requested servings to ``fixed``; PlanError when they clash with a lock."""
    for key, items in fix.items():
        for f, v in items.items():
            if f not in foods.index:
                raise PlanError(f"day {key[0]} {key[1]}: unknown food id '{f}'")
            old = fixed.get(key, {}).get(f)
            if old is not None and abs(old - float(v)) > 1e-9:
                raise PlanError(f"day {key[0]} {key[1]}: '{f}' is locked at {old} servings; unlock it to change it")
            if key in closed and f not in fixed.get(key, {}):
                raise PlanError(f"day {key[0]} {key[1]} is locked; unlock it to add '{f}'")
            fixed.setdefault(key, {})[f] = float(v)
    for key, items in require.items():
        if key in closed and set(items) - set(fixed.get(key, {})):
            raise PlanError(f"day {key[0]} {key[1]} is locked; unlock it to add {sorted(items)[0]!r}")


def _kept_days(plan: WeekPlan, foods: pd.DataFrame,
               todo: Sequence[int]) -> tuple[dict[str, int], dict[tuple[int, str], frozenset[str]]]:
    """(days each main food is eaten on the kept days, the meals of kept days next to a re-planned day)."""
    kept = [d.day for d in plan.days if d.day not in todo]
    used: dict[str, int] = {}
    for d in kept:
        seen = {i.food_id for m in plan.day(d).meals for i in m.items}
        for f in seen:
            if f in foods.index and bool(foods.at[f, "main_item"]):
                used[f] = used.get(f, 0) + 1
    neighbours: dict[tuple[int, str], frozenset[str]] = {}
    for d in kept:
        if d - 1 in todo or d + 1 in todo:
            for s, items in _meal_map(plan, d).items():
                neighbours[(d, s)] = frozenset(items)
    return used, neighbours


__all__ = ["build_model", "check_food_ids", "check_rules", "plan_week", "replan"]
