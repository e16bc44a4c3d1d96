"""The textbook weekly menu model, built the idiomatic PuLP way and solved by PuLP's bundled CBC.

Days x slots x foods; integer half servings ``x`` with an on/off binary ``y`` per food and slot; each food
in at most ``rules.max_days_per_food`` (3) of the week's slots; cost objective; daily magnesium, energy
and protein limits. Nothing else: no fiber, sodium, budget, meal size or evening rules. It is the
"usual approach" the optimizer is compared with, not a model of the same menu rules, so its objective
is not comparable with the optimizer's; its time, status and gap are.

Eligibility is the same as the optimizer's as far as the food table says: diet and allergens, excluded
foods, slots a food suits, a known energy value (``eligible_foods``). A food without a price gets the
table's median known price per 100 g, else ``UNKNOWN_PRICE_USD_PER_100G`` (the full USDA table has no
prices at all), as in the optimizer.
"""
from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pulp

from bench.checkers import Row
from foods.schema import food_allowed, split_tags
from planner.model import Profile, Rules, Targets
from planner.solve import THREADS as PLANNER_THREADS

UNKNOWN_PRICE_USD_PER_100G = 1.0


def eligible_foods(foods: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Foods the profile may eat and the model can count: diet, allergens, exclusions, known energy.

    Uses the optimizer's own eligibility rule (``planner.milp.eligible_mask``) when it is importable, so
    both models see the same foods; its candidate pre-filter for large tables is NOT applied here (that
    is one of the optimizer's levers, not part of the textbook model). Needs diet_tags, allergens,
    energy_kcal, serving_g.
    """
    try:
        from planner.milp import eligible_mask
    except ImportError:
        keep = [
            fid for fid, tags, allergens, kcal, grams in zip(foods.index, foods["diet_tags"], foods["allergens"],
                                                             foods["energy_kcal"], foods["serving_g"])
            if food_allowed(tags, allergens, diet=profile.diet, avoid=profile.avoid_allergens)
            and fid not in profile.exclude_foods and not pd.isna(kcal) and grams > 0
        ]
        return foods.loc[keep]
    return foods[eligible_mask(foods, profile)]


def unknown_price_usd_per_100g(foods: pd.DataFrame) -> float:
    """Price used for a food without one: the median known price of the table, else $1.00 per 100 g
    (the optimizer's documented proxy; the full USDA table has no prices, so there it is $1.00)."""
    known = foods["price_usd_per_100g"].dropna()
    return float(known.median()) if len(known) else UNKNOWN_PRICE_USD_PER_100G


@dataclass
class BaselineModel:
    prob: pulp.LpProblem
    x: dict[tuple[int, str, str], pulp.LpVariable]
    y: dict[tuple[int, str, str], pulp.LpVariable]
    step: float
    n_foods: int
    build_s: float


@dataclass
class BaselineResult:
    solver: str
    status: str  # PuLP's status string ("Optimal", "Not Solved", "Infeasible", ...)
    sol_status: str  # PuLP's sol_status: "optimal", "integer_feasible", "no_solution_found", ...
    objective: float | None
    best_bound: float | None
    gap: float | None
    build_s: float
    solve_s: float
    n_variables: int
    n_constraints: int
    n_foods: int
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def build_baseline(foods: pd.DataFrame, profile: Profile, targets: Targets, rules: Rules, *,
                   days: int) -> BaselineModel:
    """The textbook compact model, built idiomatically (LpVariable per cell, lpSum generators, named rows).

    Needs columns serving_g, slots, max_servings_per_meal, price_usd_per_100g, magnesium_mg, energy_kcal,
    protein_g, plus those of ``eligible_foods``.
    """
    t0 = time.perf_counter()
    elig = eligible_foods(foods, profile)
    step = rules.servings_step
    day_ids = range(1, days + 1)
    prob = pulp.LpProblem("textbook_weekly_menu", pulp.LpMinimize)
    per_step = {}
    proxy = unknown_price_usd_per_100g(foods)
    for fid, row in elig.iterrows():
        grams = float(row["serving_g"]) * step
        price = row["price_usd_per_100g"]
        price = proxy if pd.isna(price) else float(price)
        per_step[fid] = {
            "cost": price * grams / 100.0,
            "mg": (0.0 if pd.isna(row["magnesium_mg"]) else float(row["magnesium_mg"])) * grams / 100.0,
            "kcal": float(row["energy_kcal"]) * grams / 100.0,
            "protein": (0.0 if pd.isna(row["protein_g"]) else float(row["protein_g"])) * grams / 100.0,
            "ub": int(math.floor(float(row["max_servings_per_meal"]) / step + 1e-9)),
            "slots": set(split_tags(row["slots"])),
        }
    cells = [(d, s, fid) for d in day_ids for s in rules.slots for fid in elig.index if s in per_step[fid]["slots"]]
    x = {c: pulp.LpVariable(f"x_{c[0]}_{c[1]}_{c[2]}", 0, per_step[c[2]]["ub"], cat="Integer") for c in cells}
    y = {c: pulp.LpVariable(f"y_{c[0]}_{c[1]}_{c[2]}", cat="Binary") for c in cells}
    prob += pulp.lpSum(per_step[f]["cost"] * x[(d, s, f)] for (d, s, f) in cells), "cost_usd"
    for c in cells:
        prob += x[c] <= per_step[c[2]]["ub"] * y[c], f"on_off_{c[0]}_{c[1]}_{c[2]}"
    by_food: dict[str, list] = {}
    by_day: dict[int, list] = {}
    for c in cells:
        by_food.setdefault(c[2], []).append(c)
        by_day.setdefault(c[0], []).append(c)
    for fid, cs in by_food.items():
        prob += pulp.lpSum(y[c] for c in cs) <= rules.max_days_per_food, f"max_slots_{fid}"
    for d in day_ids:
        cs = by_day.get(d, [])
        prob += pulp.lpSum(per_step[c[2]]["mg"] * x[c] for c in cs) >= targets.magnesium_mg, f"magnesium_min_day_{d}"
        prob += pulp.lpSum(per_step[c[2]]["kcal"] * x[c] for c in cs) >= targets.energy_kcal_min, f"energy_min_day_{d}"
        prob += pulp.lpSum(per_step[c[2]]["kcal"] * x[c] for c in cs) <= targets.energy_kcal_max, f"energy_max_day_{d}"
        prob += pulp.lpSum(per_step[c[2]]["protein"] * x[c] for c in cs) >= targets.protein_g_min, f"protein_min_day_{d}"
    return BaselineModel(prob=prob, x=x, y=y, step=step, n_foods=len(elig), build_s=time.perf_counter() - t0)


_NUM = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"


def parse_cbc_log(text: str) -> dict[str, float | str | None]:
    """Objective, best bound and result line from a CBC log (None where the log does not say)."""
    out: dict[str, float | str | None] = {"result": None, "objective": None, "best_bound": None}
    m = re.search(r"^Result - (.*)$", text, re.M)
    if m:
        out["result"] = m.group(1).strip()
    m = re.search(r"^Objective value:\s+" + _NUM, text, re.M)
    if m:
        out["objective"] = float(m.group(1))
    m = re.search(r"^Lower bound:\s+" + _NUM, text, re.M)
    if m:
        out["best_bound"] = float(m.group(1))
    else:
        bounds = re.findall(r"best possible " + _NUM, text)
        if bounds:
            out["best_bound"] = float(bounds[-1])
        elif out["result"] and out["result"].startswith("Optimal") and out["objective"] is not None:
            m = re.search(r"Search completed - best objective " + _NUM, text)
            if m:
                out["best_bound"] = float(m.group(1))
    return out


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, objective - bound) / max(abs(objective), 1e-9)


def solve_baseline(model: BaselineModel, *, time_limit_s: float, gap_rel: float = 0.01,
                   solver: str = "cbc", threads: int | None = None) -> BaselineResult:
    """Solve with PuLP's bundled CBC (or HiGHS via PuLP, for the solver lever); read status, bound, gap."""
    prob = model.prob
    note = ""
    with tempfile.TemporaryDirectory(prefix="magplan_bench_") as tmp:
        log = Path(tmp) / "solver.log"
        if solver == "cbc":
            cmd = pulp.PULP_CBC_CMD(timeLimit=time_limit_s, gapRel=gap_rel, msg=False, logPath=str(log),
                                    threads=threads)
        elif solver == "highs":
            # HiGHS has one task scheduler per process, sized by the first run's thread count: a run asking another
            # count afterwards stops with status "Not Set". So the baseline uses the planner's count (a plan made
            # in the same process after it, as in the tests, failed with "no menu meets the targets").
            cmd = pulp.HiGHS(timeLimit=time_limit_s, gapRel=gap_rel, msg=False,
                             threads=PLANNER_THREADS if threads is None else threads)
        else:
            raise ValueError(f"solver must be 'cbc' or 'highs', not {solver!r}")
        t0 = time.perf_counter()
        prob.solve(cmd)
        solve_s = time.perf_counter() - t0
        status = pulp.LpStatus[prob.status]
        sol_status = {pulp.LpSolutionOptimal: "optimal", pulp.LpSolutionIntegerFeasible: "integer_feasible",
                      pulp.LpSolutionNoSolutionFound: "no_solution_found", pulp.LpSolutionInfeasible: "infeasible",
                      pulp.LpSolutionUnbounded: "unbounded"}.get(prob.sol_status, str(prob.sol_status))
        have_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        objective = pulp.value(prob.objective) if have_solution else None
        bound = None
        if solver == "cbc":
            info = parse_cbc_log(log.read_text(errors="replace") if log.exists() else "")
            bound = info["best_bound"]  # type: ignore[assignment]
            if bound is None:
                note = "CBC log gave no bound"
            if info["result"]:
                note = (note + "; " if note else "") + f"CBC: {info['result']}"
        else:
            h = prob.solverModel
            info_h = h.getInfo()
            bound = float(info_h.mip_dual_bound) if have_solution else None
            note = f"HiGHS: {h.modelStatusToString(h.getModelStatus())}"
    if bound is not None and (math.isinf(bound) or math.isnan(bound)):
        bound = None
    rows: list[Row] = []
    if have_solution:
        for (d, s, f), var in model.x.items():
            v = var.varValue
            if v is not None and round(v) > 0:
                rows.append(Row(d, s, f, round(v) * model.step))
    return BaselineResult(
        solver=solver, status=status, sol_status=sol_status, objective=objective, best_bound=bound,
        gap=_gap(objective, bound), build_s=model.build_s, solve_s=solve_s,
        n_variables=prob.numVariables(), n_constraints=prob.numConstraints(), n_foods=model.n_foods,
        rows=rows, note=note,
    )


def run_baseline(foods: pd.DataFrame, profile: Profile, targets: Targets, rules: Rules, *, days: int,
                 time_limit_s: float | None = None, solver: str = "cbc") -> BaselineResult:
    """Build and solve the textbook model for one scenario (same time limit and gap as ``rules``)."""
    model = build_baseline(foods, profile, targets, rules, days=days)
    return solve_baseline(model, time_limit_s=rules.time_limit_s if time_limit_s is None else time_limit_s,
                          gap_rel=rules.gap_rel, solver=solver)


__all__ = ["BaselineModel", "BaselineResult", "UNKNOWN_PRICE_USD_PER_100G", "build_baseline", "eligible_foods",
           "parse_cbc_log", "run_baseline", "solve_baseline", "unknown_price_usd_per_100g"]
