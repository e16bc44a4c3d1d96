"""Run the benchmark: ``python -m bench.run [--repeats N] [--quick] [--only PATTERN] [--no-levers]``.

Each scenario runs in a fresh subprocess (one for the optimizer, one for the textbook baseline), so
peak memory is that process's ``ru_maxrss`` (which includes HiGHS, a library inside the process) and
its children's (CBC runs as a child process). Timings are wall-clock ``perf_counter`` seconds.
A full run writes bench/results.md and bench/results.json; ``--only`` or ``--quick`` runs print the
table and write nothing unless ``--write`` is given.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
RESULTS_MD = ROOT / "bench" / "results.md"
RESULTS_JSON = ROOT / "bench" / "results.json"
README = ROOT / "bench" / "README.md"
WORKER_TIMEOUT_S = 900
QUICK_TIME_LIMIT_S = 5.0
# A baseline run that has not answered after this many times its time limit (plus model build) is killed:
# CBC overruns its limit on large models (minutes on the full USDA week) and make bench must stay short.
BASELINE_KILL_FACTOR = 3.0
BASELINE_KILL_MIN_S = 60.0
# The titles of the two tables against the targets; the top-level README copies the sections under them.
DISH_TARGETS_TITLE = "## The dish planner against the targets"
FOOD_TARGETS_TITLE = "## The optimizer against the targets"


# --- worker (runs inside a fresh subprocess) -------------------------------------------------------
def _mb(kb: int) -> float:
    return round(kb / 1024.0, 1)


def _rss_now_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return _mb(int(line.split()[1]))
    except OSError:
        pass
    return None


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, (int, float, str, bool)) or v is None:
            out[k] = None if isinstance(v, float) and (math.isnan(v) or math.isinf(v)) else v
    return out


def _solver_fields(plan: Any) -> dict[str, Any]:
    s = plan.solver
    return {"status": s.status, "solver": s.name, "objective": s.objective, "best_bound": s.best_bound,
            "gap": s.gap, "solver_seconds": s.seconds}


def _plan_key(plan: Any) -> str:
    """The plan's JSON without the solver block (for the determinism check: the same menus, servings, notes).

    The solver block holds timings and the proven bound; the bound search has a time budget
    (planner.columns.BOUND_SECONDS), so the bound, gap and status may differ between runs while the menus
    must not."""
    from planner.plan_format import plan_to_dict

    d = plan_to_dict(plan)
    d.pop("solver", None)
    return json.dumps(d, sort_keys=True)


def _worker_plan(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    from bench.checkers import food_plan_checker
    from planner.plan import plan_week
    from planner.targets import targets_for

    check_plan = food_plan_checker(foods)
    runs, keys = [], []
    for _ in range(repeats):
        stats: dict[str, Any] = {}
        t0 = time.perf_counter()
        try:
            targets = targets_for(sc.profile)
            plan = plan_week(foods, sc.profile, rules=rules, targets=targets, stats=stats)
        except Exception as exc:  # PlanError, SolverError, or a bug: record it, keep benchmarking
            runs.append({"total_s": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {exc}"[:500],
                         "stats": _jsonable(stats)})
            continue
        total = time.perf_counter() - t0
        violations = check_plan(plan)
        keys.append(_plan_key(plan))
        runs.append({"total_s": total, "stats": _jsonable(stats), **_solver_fields(plan),
                     "violations": violations[:20], "n_violations": len(violations)})
    return {"runs": runs, "deterministic": (len(set(keys)) <= 1) if len(keys) >= 2 else None}


@dataclass(frozen=True)
class _Change:
    """The change a scenario measures: how to make it, what it is, the days it may touch, what it names."""

    op: Callable[[], Any]
    what: str
    touched: frozenset[int]
    day: int | None = None
    slot: str | None = None
    old: str | None = None
    new: str | None = None
    food: str | None = None


def _worker_change(sc: Any, foods: Any, repeats: int, rules: Any, base_plan: Path | None) -> dict[str, Any]:
    import planner.plan as plan_mod
    from bench.checkers import food_plan_checker

    t0 = time.perf_counter()
    base = _change_base(sc, foods, rules, base_plan)
    base_s = time.perf_counter() - t0
    change = _pick_change(sc, base, foods)
    if change is None:
        return {"runs": [], "error": "no swap alternative for day 1", "base_plan_s": base_s}
    # Capture the optimizer's build/solve/extract split of the re-plan the change calls.
    captured: dict[str, Any] = {}
    original_replan = plan_mod.replan

    def replan_with_stats(*args: Any, **kwargs: Any) -> Any:
        kwargs["stats"] = captured
        return original_replan(*args, **kwargs)

    plan_mod.replan = replan_with_stats
    check_plan = food_plan_checker(foods)
    runs = []
    try:
        for _ in range(repeats):
            captured.clear()
            t0 = time.perf_counter()
            try:
                result = change.op()
            except Exception as exc:
                runs.append({"total_s": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {exc}"[:500]})
                continue
            total = time.perf_counter() - t0
            new_plan = result.plan
            violations = check_plan(new_plan) + _change_problems(sc, change, base, new_plan)
            runs.append({"total_s": total, "stats": _jsonable(captured), **_solver_fields(new_plan),
                         "violations": violations[:20], "n_violations": len(violations)})
    finally:
        plan_mod.replan = original_replan
    return {"runs": runs, "what": change.what, "base_plan_s": base_s, "base_status": base.solver.status}


def _change_base(sc: Any, foods: Any, rules: Any, base_plan: Path | None) -> Any:
    """The same 7-day plan for the swap, regenerate and exclusion scenarios (made once, then read)."""
    import planner.plan as plan_mod
    from planner.plan_format import read_plan, write_plan
    from planner.targets import targets_for

    if base_plan is not None and base_plan.exists():
        return read_plan(base_plan)
    base = plan_mod.plan_week(foods, sc.profile, rules=rules, targets=targets_for(sc.profile))
    if base_plan is not None:
        write_plan(base, base_plan)
    return base


def _pick_change(sc: Any, base: Any, foods: Any) -> _Change | None:
    """The scenario's swap, regenerate or exclusion on ``base``; None when there is no swap to make."""
    from bench.scenarios import REGENERATE_DAY, pick_exclusion, pick_swap
    from planner import swaps

    if sc.kind == "swap":
        pick = pick_swap(base, foods)
        if pick is None:
            return None
        day, slot, old, new = pick
        return _Change(lambda: swaps.swap(base, foods, day, slot, old, new), f"swap day {day} {slot}: {old} -> {new}",
                       frozenset({day}), day=day, slot=slot, old=old, new=new)
    if sc.kind == "regenerate":
        return _Change(lambda: swaps.regenerate(base, foods, day=REGENERATE_DAY), f"regenerate day {REGENERATE_DAY}",
                       frozenset({REGENERATE_DAY}))
    food = pick_exclusion(base)
    touched = frozenset(d.day for d in base.days if any(i.food_id == food for m in d.meals for i in m.items))
    return _Change(lambda: swaps.exclude(base, foods, food), f"exclude {food}", touched, food=food)


def _change_problems(sc: Any, change: _Change, base: Any, new_plan: Any) -> list[str]:
    """What the change did wrong: days outside it modified, the swap not applied, the excluded food still in
    the plan, the regenerated day keeping a food of the old one."""
    from bench.checkers import rows_from_plan
    from bench.scenarios import REGENERATE_DAY

    problems = []
    before = [r for r in rows_from_plan(base) if r.day not in change.touched]
    after = [r for r in rows_from_plan(new_plan) if r.day not in change.touched]
    if before != after:
        problems.append("days outside the change were modified")
    if sc.kind == "swap":
        here = {i.food_id for d in new_plan.days if d.day == change.day for m in d.meals if m.slot == change.slot
                for i in m.items}
        if change.new not in here or change.old in here:
            problems.append(f"swap not applied: day {change.day} {change.slot} has {sorted(here)}")
    if sc.kind == "exclude":
        if any(r.food_id == change.food for r in rows_from_plan(new_plan)):
            problems.append(f"excluded food {change.food} still in the plan")
    if sc.kind == "regenerate":
        old_rows = {(r.slot, r.food_id) for r in rows_from_plan(base) if r.day == REGENERATE_DAY}
        new_rows = {(r.slot, r.food_id) for r in rows_from_plan(new_plan) if r.day == REGENERATE_DAY}
        if old_rows & new_rows:
            problems.append(f"regenerated day kept {sorted(old_rows & new_rows)}")
    return problems


def _worker_compact(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    """The optimizer's compact weekly model (``planner.plan.build_model``, what ``--write-model`` writes)
    solved directly by ``planner.solve.run``: what the optimizer's own method buys over it."""
    from bench.checkers import Row, food_plan_checker, plan_from_rows
    from planner import milp
    from planner.plan import build_model
    from planner.solve import run
    from planner.targets import targets_for

    check_plan = food_plan_checker(foods)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        targets = targets_for(sc.profile)
        mm = build_model(foods, sc.profile, rules=rules, targets=targets)
        t1 = time.perf_counter()
        out = run(mm.prob, rules)
        t2 = time.perf_counter()
        rows = [Row(d, s, f, v) for (d, s), items in milp.solution(mm).items() for f, v in items.items()] \
            if out.feasible else []
        t3 = time.perf_counter()
        violations = check_plan(plan_from_rows(rows, foods, profile=sc.profile, targets=targets, rules=rules,
                                               days=range(1, sc.days + 1))) if rows else []
        info = out.info
        runs.append({"total_s": t3 - t0, "stats": {"build_s": t1 - t0, "solve_s": t2 - t1, "extract_s": t3 - t2,
                                                   "n_variables": len(mm.prob.variables()),
                                                   "n_constraints": len(mm.prob.constraints), "method": "compact"},
                     "status": info.status, "solver": info.name, "objective": info.objective,
                     "best_bound": info.best_bound, "gap": info.gap, "violations": violations[:20],
                     "n_violations": len(violations)})
    return {"runs": runs}


def _worker_baseline(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    from bench.baseline import run_baseline
    from bench.checkers import textbook_checker
    from planner.targets import targets_for

    targets = targets_for(sc.profile)
    check_rows = textbook_checker(foods)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = run_baseline(foods, sc.profile, targets, rules, days=sc.days, solver=sc.baseline_solver)
        total = time.perf_counter() - t0
        violations = check_rows(res.rows, sc.profile, targets, rules, range(1, sc.days + 1)) if res.rows else []
        runs.append({"total_s": total, "stats": {"build_s": res.build_s, "solve_s": res.solve_s,
                                                 "n_variables": res.n_variables, "n_constraints": res.n_constraints,
                                                 "n_foods": res.n_foods},
                     "status": f"{res.status}/{res.sol_status}", "solver": res.solver, "objective": res.objective,
                     "best_bound": res.best_bound, "gap": res.gap, "note": res.note,
                     "violations": violations[:20], "n_violations": len(violations)})
    return {"runs": runs}


# --- dish planner workers -------------------------------------------------------------------------
CO_NUTRIENT_FIELDS = ("iron_mg", "calcium_mg", "potassium_mg", "vitamin_d_ug", "vitamin_b12_ug")


def dish_checker(foods: Any, tables: Any, root: Path = ROOT) -> tuple[str, Any]:
    """(name, check) where check(plan) -> problems: tests/dish_plan_checker.py (bench.checkers)."""
    from bench.checkers import dish_plan_checker

    return dish_plan_checker(foods, tables, root)


def _co_nutrients_short(plan: Any, targets: Any) -> list[str]:
    """Co-nutrients whose average over the plan's days is below the (real) target."""
    n = max(len(plan.days), 1)
    out = []
    for f in CO_NUTRIENT_FIELDS:
        target = float(getattr(targets, f))
        avg = sum(float(d.totals.get(f) or 0.0) for d in plan.days) / n
        if target > 0 and avg < 0.995 * target:
            out.append(f)
    return out


def _dish_tables(foods: Any) -> Any:
    from foods.dishes import load_dishes

    return load_dishes(foods)


def _missing_arguments(kwargs: dict[str, Any]) -> list[str]:
    import inspect

    from planner.dishplan import plan_dish_week

    params = inspect.signature(plan_dish_week).parameters
    return [k for k in kwargs if k not in params]


def _worker_dish_plan(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    """plan_dish_week for a profile, timed in-process; the week method's own seconds as *solve*."""
    from dataclasses import replace as dc_replace

    import planner.week as week_mod
    from bench.scenarios import side_only_dishes
    from planner.dishplan import plan_dish_week
    from planner.targets import targets_for

    missing = _missing_arguments(sc.dish_kwargs)
    if missing:
        return {"runs": [], "error": "not measured: planner.dishplan.plan_dish_week has no "
                + ", ".join(f"`{m}=`" for m in missing) + " argument (the lever is a module constant)"}
    t0 = time.perf_counter()
    tables = _dish_tables(foods)
    check_name, check = dish_checker(foods, tables)
    extra_load_s = time.perf_counter() - t0
    exclude = side_only_dishes(tables) if sc.no_sides else ()
    captured: dict[str, float] = {}
    original = week_mod.plan_days

    def plan_days_timed(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        out = original(*args, **kwargs)
        captured["solve_s"] = time.perf_counter() - t
        return out

    week_mod.plan_days = plan_days_timed
    runs, keys = [], []
    try:
        for _ in range(repeats):
            captured.clear()
            t0 = time.perf_counter()
            try:
                real = targets_for(sc.profile)
                targets = dc_replace(real, **{f: 0.0 for f in CO_NUTRIENT_FIELDS}) if sc.no_co_nutrients else real
                plan = plan_dish_week(tables, foods, sc.profile, rules=rules, targets=targets,
                                      exclude_dishes=exclude, **sc.dish_kwargs)
            except Exception as exc:
                runs.append({"total_s": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {exc}"[:500]})
                continue
            total = time.perf_counter() - t0
            violations = check(plan)
            keys.append(_plan_key(plan))
            stats = {"solve_s": captured.get("solve_s"), "method": "dish week",
                     "n_dishes": len(tables.dishes) - len(exclude)}
            runs.append({"total_s": total, "stats": stats, **_solver_fields(plan),
                         "violations": violations[:20], "n_violations": len(violations),
                         "co_nutrients_short": _co_nutrients_short(plan, real)})
    finally:
        week_mod.plan_days = original
    return {"runs": runs, "deterministic": (len(set(keys)) <= 1) if len(keys) >= 2 else None,
            "checker": check_name, "dish_load_s": extra_load_s}


def _worker_dish_compact(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    """The compact weekly MILP over dishes (planner.menu.build_menu_model for all days, what ``magplan plan
    --write-model`` writes) solved directly by HiGHS with ``sc.compact_time_limit_s``: why it is not used."""
    from planner import menu
    from planner.dishplan import make_dish
    from planner.model import DISH_PLAN_VERSION, Meal, SolverInfo, WeekPlan
    from planner.nutrition import make_day
    from planner.solve import run
    from planner.targets import targets_for

    tables = _dish_tables(foods)
    check_name, check = dish_checker(foods, tables)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        targets = targets_for(sc.profile)
        data = menu.dish_data(tables, sc.profile)
        mm = menu.build_menu_model(data, targets, rules, days=tuple(range(1, sc.days + 1)),
                                   budget_usd_per_day=sc.profile.budget_usd_per_day, name="magplan_bench_compact")
        t1 = time.perf_counter()
        out = run(mm.prob, rules, time_limit_s=sc.compact_time_limit_s)
        t2 = time.perf_counter()
        info = out.info
        violations: list[str] = []
        if out.feasible:
            days = []
            for d in range(1, sc.days + 1):
                meals = []
                sol = menu.solution(mm, data)
                for slot in menu.MEAL_SLOTS:
                    chosen = sol.get((d, slot), [])
                    if chosen:
                        meals.append(Meal(slot=slot, dishes=tuple(
                            make_dish(tables, foods, i, "main" if r in ("breakfast", "main") else r, p)
                            for i, r, p in sorted(chosen, key=lambda c: (c[1] == "side", c[0])))))
                days.append(make_day(d, meals))
            plan = WeekPlan(profile=sc.profile, targets=targets, rules=rules, days=tuple(days),
                            solver=SolverInfo(name="highs", status=info.status), version=DISH_PLAN_VERSION)
            violations = check(plan)
        runs.append({"total_s": time.perf_counter() - t0,
                     "stats": {"build_s": t1 - t0, "solve_s": t2 - t1, "extract_s": time.perf_counter() - t2,
                               "n_variables": len(mm.prob.variables()), "n_constraints": len(mm.prob.constraints),
                               "method": "compact"},
                     "status": info.status, "solver": info.name, "objective": info.objective,
                     "best_bound": info.best_bound, "gap": info.gap, "violations": violations[:20],
                     "n_violations": len(violations)})
    return {"runs": runs, "checker": check_name}


def _worker_dish_edit(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    """planner.edits.swap / regenerate on one 7-day dish plan; other days must stay byte-identical."""
    import importlib.util

    if importlib.util.find_spec("planner.edits") is None:
        return {"runs": [], "error": "not measured: planner.edits missing"}
    from bench.scenarios import REGENERATE_DAY, pick_dish_swap
    from planner import edits
    from planner.dishplan import plan_dish_week
    from planner.plan_format import plan_to_dict

    tables = _dish_tables(foods)
    check_name, check = dish_checker(foods, tables)
    t0 = time.perf_counter()
    base = plan_dish_week(tables, foods, sc.profile, rules=rules)
    base_s = time.perf_counter() - t0
    if sc.kind == "dish_swap":
        pick = pick_dish_swap(base, tables, foods)
        if pick is None:
            return {"runs": [], "error": "no alternative for day 1's mains", "base_plan_s": base_s}
        day, slot, old, new = pick
        op = lambda: edits.swap(base, tables, foods, day=day, slot=slot, dish_id=old, to=new)  # noqa: E731
        what = f"swap day {day} {slot}: {old} -> {new}"
    else:
        day = REGENERATE_DAY
        op = lambda: edits.regenerate(base, tables, foods, day=day)  # noqa: E731
        what = f"regenerate day {day}"
    before = {d["day"]: json.dumps(d, sort_keys=True) for d in plan_to_dict(base)["days"] if d["day"] != day}
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        try:
            result = op()
        except Exception as exc:
            runs.append({"total_s": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        total = time.perf_counter() - t0
        new_plan = result.plan
        violations = check(new_plan)
        after = {d["day"]: json.dumps(d, sort_keys=True) for d in plan_to_dict(new_plan)["days"] if d["day"] != day}
        if before != after:
            violations.append("days outside the change were modified")
        if sc.kind == "dish_swap":
            here = {d.dish_id for dd in new_plan.days if dd.day == day for m in dd.meals if m.slot == slot
                    for d in m.dishes}
            if new not in here:
                violations.append(f"swap not applied: day {day} {slot} has {sorted(here)}")
        runs.append({"total_s": total, "stats": {}, **_solver_fields(new_plan), "violations": violations[:20],
                     "n_violations": len(violations)})
    return {"runs": runs, "what": what, "base_plan_s": base_s, "checker": check_name}


def _worker_cli(sc: Any, foods: Any, repeats: int, rules: Any) -> dict[str, Any]:
    """``magplan plan ... --days N --format json --out F`` as a fresh process each run, timed from outside
    (process start, imports, table loading, planning, writing); then, once, ``--write-model``."""
    from bench.scenarios import CLI_ARGS
    from planner.plan_format import plan_from_json

    exe = Path(sys.executable).with_name("magplan")
    cmd0 = [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]
    runs, keys = [], []
    tables = None
    check_name = "-"
    with tempfile.TemporaryDirectory(prefix="magplan_bench_cli_") as tmp:
        # PYTHONPATH: the run's snapshot of the sources (the installed entry point would import the worktree).
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MAGPLAN_HOME": tmp}
        env.pop("MAGPLAN_DB", None)
        for n in range(repeats):
            out = Path(tmp) / f"plan_{n}.json"
            cmd = cmd0 + list(CLI_ARGS) + ["--days", str(sc.days), "--format", "json", "--out", str(out)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=WORKER_TIMEOUT_S)
            total = time.perf_counter() - t0
            if proc.returncode != 0 or not out.exists():
                runs.append({"total_s": total, "error": f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"})
                continue
            plan = plan_from_json(out.read_text())
            if plan.version == 2:
                if tables is None:
                    tables = _dish_tables(foods)
                    check_name, check = dish_checker(foods, tables)
                violations = check(plan)
            else:
                from bench.checkers import food_plan_checker

                check_name = "plan_checker (food-level plan)"
                violations = food_plan_checker(foods)(plan)
            keys.append(_plan_key(plan))
            runs.append({"total_s": total, "stats": {"solve_s": plan.solver.seconds, "method": f"plan v{plan.version}"},
                         **_solver_fields(plan), "plan_version": plan.version, "violations": violations[:20],
                         "n_violations": len(violations)})
        write_model = None
        if sc.days == 7:
            mps = Path(tmp) / "week.mps"
            t0 = time.perf_counter()
            proc = subprocess.run(cmd0 + list(CLI_ARGS) + ["--days", "7", "--write-model", str(mps)],
                                  capture_output=True, text=True, env=env, timeout=WORKER_TIMEOUT_S)
            write_model = {"seconds": time.perf_counter() - t0, "exit": proc.returncode,
                           "bytes": mps.stat().st_size if mps.exists() else None,
                           "message": (proc.stderr.strip().splitlines() or [""])[-1][:200]}
    return {"runs": runs, "deterministic": (len(set(keys)) <= 1) if len(keys) >= 2 else None,
            "checker": check_name, "write_model": write_model,
            "command": " ".join(["magplan", *CLI_ARGS, "--days", str(sc.days), "--format", "json", "--out", "F"])}


def worker(name: str, mode: str, repeats: int, out: Path, quick: bool, base_plan: Path | None = None) -> None:
    from bench.scenarios import by_name, load_table

    sc = by_name(name)
    for target, value in sc.patches.items():  # measurement-only module constants for lever scenarios
        import importlib

        module, attr = target.rsplit(".", 1)
        setattr(importlib.import_module(module), attr, value)
    rules = sc.rules()
    if quick:
        rules = replace(rules, time_limit_s=min(rules.time_limit_s, QUICK_TIME_LIMIT_S))
        sc = replace(sc, compact_time_limit_s=min(sc.compact_time_limit_s, QUICK_TIME_LIMIT_S))
    t0 = time.perf_counter()
    foods = load_table(sc.table)
    load_s = time.perf_counter() - t0
    rss_loaded = _rss_now_mb()
    try:
        from bench.baseline import eligible_foods

        n_eligible: int | None = len(eligible_foods(foods, sc.profile))
    except Exception:  # the optimizer's eligibility rule is not importable
        n_eligible = None
    result: dict[str, Any] = {"load_s": load_s, "n_table_foods": len(foods), "n_eligible_foods": n_eligible,
                              "rss_after_load_mb": rss_loaded,
                              "time_limit_s": rules.time_limit_s, "gap_rel": rules.gap_rel}
    try:
        if mode == "baseline":
            result.update(_worker_baseline(sc, foods, repeats, rules))
        elif sc.kind == "plan":
            result.update(_worker_plan(sc, foods, repeats, rules))
        elif sc.kind == "dish_plan":
            result.update(_worker_dish_plan(sc, foods, repeats, rules))
        elif sc.kind == "dish_compact":
            result.update(_worker_dish_compact(sc, foods, repeats, rules))
        elif sc.kind in ("dish_swap", "dish_regenerate"):
            result.update(_worker_dish_edit(sc, foods, repeats, rules))
        elif sc.kind == "cli":
            result.update(_worker_cli(sc, foods, repeats, rules))
        elif sc.kind == "compact":
            result.update(_worker_compact(sc, foods, repeats, rules))
        else:
            result.update(_worker_change(sc, foods, repeats, rules, base_plan))
    except Exception as exc:  # e.g. the optimizer is not importable yet
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
    result["peak_rss_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    result["peak_children_rss_mb"] = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out.write_text(json.dumps(result))


def snapshot_sources(dest: Path) -> str:
    """Copy planner/, foods/ and bench/ to ``dest`` (so every scenario of a run measures the same code even
    while the working tree changes) and return a fingerprint of the copied Python sources."""
    digest = hashlib.sha256()
    for pkg in ("planner", "foods", "bench"):
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for f in sorted((dest / pkg).rglob("*.py")):
            digest.update(str(f.relative_to(dest)).encode() + b"\0" + f.read_bytes())
    from bench.checkers import DISH_CHECKER, PLAN_CHECKER

    for checker in (PLAN_CHECKER, DISH_CHECKER):  # the tests' independent checkers, on the same snapshot
        if (ROOT / checker).exists():
            (dest / checker).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / checker, dest / checker)
            digest.update(str(checker).encode() + b"\0" + (dest / checker).read_bytes())
    return digest.hexdigest()[:12]


def spawn(name: str, mode: str, repeats: int, quick: bool, base_plan: Path | None = None,
          timeout_s: float = WORKER_TIMEOUT_S, src: Path = ROOT) -> dict[str, Any]:
    """Run one scenario in a fresh Python process (its own process group); return the worker's result dict.

    After ``timeout_s`` the worker and its children (a CBC that overran its own time limit) are killed
    and the result says so.
    """
    with tempfile.TemporaryDirectory(prefix="magplan_bench_") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench.run", "--worker", name, "--mode", mode, "--repeats", str(repeats),
               "--out", str(out)] + (["--quick"] if quick else []) + (["--base-plan", str(base_plan)] if base_plan else [])
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            _stdout, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker's own process group: it and its CBC child
            proc.communicate()
            return {"error": f"killed after {timeout_s:.0f} s without an answer ({repeats} run(s) asked)",
                    "runs": [], "process_wall_s": time.perf_counter() - t0, "killed": True}
        wall = time.perf_counter() - t0
        if not out.exists():
            return {"error": f"worker failed (exit {proc.returncode}): {stderr.strip()[-800:]}", "runs": []}
        result = json.loads(out.read_text())
        result["process_wall_s"] = wall
        result["loadavg_1min_before"] = load_before
        result["loadavg_1min_after"] = os.getloadavg()[0]
        return result


# --- summary ---------------------------------------------------------------------------------------
def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "error" not in r]
    out: dict[str, Any] = {"n_runs": len(runs), "n_ok": len(ok),
                           "errors": sorted({r["error"] for r in runs if "error" in r})}
    totals = [r["total_s"] for r in ok]
    out["total_s"] = {"median": _median(totals), "min": min(totals) if totals else None,
                      "max": max(totals) if totals else None}
    for part in ("build_s", "solve_s", "extract_s"):
        vals = [r["stats"][part] for r in ok if isinstance(r.get("stats", {}).get(part), (int, float))]
        out[part] = {"median": _median(vals), "min": min(vals) if vals else None, "max": max(vals) if vals else None}
    if ok:
        first = ok[0]
        for k in ("status", "solver", "objective", "best_bound", "note"):
            out[k] = first.get(k)
        gaps = [r.get("gap") for r in ok]
        out["gap_worst"] = None if any(g is None for g in gaps) else max(gaps)
        out["gap"] = first.get("gap")
        out["statuses"] = sorted({str(r.get("status")) for r in ok})
        out["n_violations_max"] = max(r.get("n_violations", 0) for r in ok)
        out["violations_example"] = next((r["violations"] for r in ok if r.get("violations")), [])
        for k in ("n_variables", "n_constraints", "n_foods", "method", "iterations", "menus", "n_dishes"):
            out[k] = first.get("stats", {}).get(k)
        out["co_nutrients_short"] = first.get("co_nutrients_short")
        out["plan_versions"] = sorted({r["plan_version"] for r in ok if "plan_version" in r})
    return out


def _verdict(sc: Any, ours: dict[str, Any] | None, peak_mb: float | None) -> tuple[str, bool | None]:
    """'met' / 'missed: ...' against the scenario's target."""
    t = sc.target
    if t.time_s is None and t.gap is None and t.peak_mb is None:
        return "-", None
    if not ours or not ours.get("n_ok"):
        return "missed: no plan", False
    med, solve = ours["total_s"]["median"], (ours.get("solve_s") or {}).get("median")
    # limit, value, within?, met text, missed text, what to say when the value is unknown
    limits = (
        (t.time_s, med, lambda v, lim: v <= lim, lambda v, lim: f"time met ({v:.2f} s)",
         lambda v, lim: f"time missed by {v - lim:.2f} s ({v / lim:.1f}x)", "time unknown"),
        (t.solve_s, solve, lambda v, lim: v <= lim, lambda v, lim: f"solve met ({v:.2f} s)",
         lambda v, lim: f"solve missed by {v - lim:.2f} s ({v / lim:.1f}x)", "solve time unknown"),
        (t.gap, ours.get("gap_worst"), lambda v, lim: v <= lim + 1e-9, lambda v, lim: f"gap met ({v:.2%})",
         lambda v, lim: f"gap missed by {v - lim:.2%} points ({v:.2%})", "gap unknown (no bound)"),
        (t.peak_mb, peak_mb, lambda v, lim: v < lim, lambda v, lim: f"peak met ({v:.0f} MB)",
         lambda v, lim: f"peak missed by {v - lim:.0f} MB", "peak unknown"),
    )
    parts, met = [], True
    for limit, value, within, met_text, missed_text, unknown in limits:
        if limit is None:
            continue
        ok = value is not None and within(value, limit)
        met = met and ok
        parts.append(unknown if value is None else (met_text if ok else missed_text)(value, limit))
    if ours.get("n_violations_max"):
        met = False
        parts.append(f"CHECK FAILED ({ours['n_violations_max']} violations)")
    return ("met: " if met else "MISSED: ") + "; ".join(parts), met


def _fmt(x: Any, spec: str = ".2f") -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "-"
    return format(x, spec)


def _baseline_total(r: dict[str, Any], b: dict[str, Any]) -> str:
    raw = r.get("baseline_raw") or {}
    if raw.get("killed"):
        return f"> {raw['process_wall_s']:.0f} (killed, no answer)"
    return _spread(b.get("total_s", {}))


def _status(o: dict[str, Any], err: str = "") -> str:
    if "status" not in o:
        return err or "-"
    extra = [str(o["method"])] if o.get("method") else []
    if o.get("iterations") is not None:
        extra.append(f"{o['iterations']} it")
    if len(o.get("statuses") or []) > 1:
        extra.append("runs: " + "/".join(o["statuses"]))
    return o["status"] + (f" ({', '.join(extra)})" if extra else "")


def _size(o: dict[str, Any]) -> str:
    v, c = o.get("n_variables"), o.get("n_constraints")
    return "-" if v is None or c is None else f"{v:,} / {c:,}"


def _same(r: dict[str, Any]) -> str:
    det = (r.get("ours_raw") or {}).get("deterministic")
    return "-" if det is None else ("yes" if det else "NO")


def _fmt_gap(g: Any) -> str:
    return "-" if g is None else f"{g:.2%}"


def _spread(d: dict[str, Any]) -> str:
    if d.get("median") is None:
        return "-"
    return f"{d['median']:.3f} ({d['min']:.3f}-{d['max']:.3f})"


def machine_info() -> dict[str, Any]:
    import importlib.metadata as md

    def version(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "planner", "foods", "bench"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", ""
    mem_gb = None
    try:
        with open("/proc/meminfo") as fh:
            mem_gb = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_count": os.cpu_count(), "memory_gb": mem_gb, "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(), "pulp": version("pulp"), "highspy": version("highspy"),
        "pandas": version("pandas"), "git_commit": commit,
        "git_dirty": bool(dirty), "git_dirty_files": dirty.splitlines()[:30],
        "loadavg_at_start": list(os.getloadavg()),
    }


def render_markdown(report: dict[str, Any]) -> str:
    lines = [*_intro(report), *dish_tables(report), *_optimizer_table(report)]
    browser = browser_line()
    if browser:
        lines += ["", browser]
    lines += [*_baseline_table(report), *_lever_table(report), *_failures(report)]
    return "\n".join(lines) + "\n"


def _med(part: dict[str, Any], key: str, spec: str = ".3f") -> str:
    """The median of ``key`` over a scenario part's runs, formatted ('-' when not measured)."""
    return _fmt((part.get(key) or {}).get("median"), spec)


def _row(*cells: Any) -> str:
    """A Markdown table row."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _runs_cell(part: dict[str, Any]) -> str:
    """'ok runs/runs'."""
    return f"{part.get('n_ok', 0)}/{part.get('n_runs', 0)}"


def _result_cells(part: dict[str, Any]) -> str:
    """The objective, bound and gap cells."""
    return f"{_fmt(part.get('objective'), '.3f')} | {_fmt(part.get('best_bound'), '.3f')} | {_fmt_gap(part.get('gap_worst'))}"


def _reference_cells(ref: dict[str, Any]) -> str:
    """A lever's reference row: its median total time and worst gap cells."""
    return f"{_med(ref, 'total_s')} | {_fmt_gap(ref.get('gap_worst'))}"


def _check_cell(o: dict[str, Any]) -> str:
    """'-' (no run), 'ok' or 'N bad' (the most violations in one run)."""
    return "-" if not o.get("n_ok") else ("ok" if not o.get("n_violations_max") else f"{o['n_violations_max']} bad")


def _intro(report: dict[str, Any]) -> list[str]:
    """Title, machine, load, command and how to read the times."""
    m = report["machine"]
    return [
        "# Benchmark results",
        "",
        f"Run {m['date_utc']} on {m['cpu_count']} cores, {m['memory_gb']} GB ({m['platform']}); Python {m['python']}, "
        f"PuLP {m['pulp']}, highspy {m['highspy']}, pandas {m['pandas']}; git {m['git_commit']}"
        + (" with uncommitted changes" if m["git_dirty"] else "")
        + (f"; every scenario ran on one snapshot of planner/, foods/ and bench/ taken at the start "
           f"(sources fingerprint {m['code_fingerprint']})" if m.get("code_fingerprint") else "") + ".",
        f"Load average (1 min) at start {m['loadavg_at_start'][0]:.2f}, at end {report.get('loadavg_at_end', [0])[0]:.2f}"
        + (": other processes were running on the same cores, so times are noisy." if
           max(m['loadavg_at_start'][0], report.get('loadavg_at_end', [0])[0]) > 0.5 else "."),
        f"Command: `{report['command']}`. {report['note']}",
        "",
        "Times are wall seconds, median (min-max) over the runs shown; *total* is `targets_for` + `plan_week` "
        "(or the swap/regenerate/exclude call), table loading excluded (see `load_s` in results.json). "
        "Peak is the scenario process's maximum resident memory (Python, pandas, the model and HiGHS; "
        "CBC's child process separately). Gap = (objective - best bound) / objective as the solver proved it; status shows the optimizer's "
        "method (and iterations) when its stats report one. "
        "*check* is tests/plan_checker.py recomputing every day from the food table alone. "
        "*same plan each run*: the plan JSON without its solver block (timings, bound, gap) is identical across "
        "the runs: the menus are deterministic, the time-boxed bound search is not.",
        "",
    ]


def _optimizer_table(report: dict[str, Any]) -> list[str]:
    """The food-level planner's main scenarios against their targets."""
    lines = [
        FOOD_TARGETS_TITLE,
        "",
        "The food-level planner (`planner.plan.plan_week`), which the dish planner replaces for users, "
        "measured in the same run.",
        "",
        "| scenario | foods (table / eligible) | vars / rows | runs | total s | build s | solve s | extract s | status | objective | bound | gap "
        "| peak MB | check | same plan each run | target | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scenarios"]:
        if r["group"] != "main":
            continue
        o = r.get("ours") or {}
        chk = _check_cell(o)
        err = ("; ".join(o.get("errors", [])) or r.get("ours_error") or "")[:120]
        lines.append(_row(r["name"], r.get("foods", "-"), _size(o), _runs_cell(o), _spread(o.get("total_s", {})),
                          _med(o, "build_s"), _med(o, "solve_s"), _med(o, "extract_s"), _status(o, err),
                          _result_cells(o), _fmt(r.get("ours_peak_mb"), ".0f"), chk, _same(r), r["target"],
                          r["verdict"]))
    return lines


def _baseline_table(report: dict[str, Any]) -> list[str]:
    """The textbook baseline on the main scenarios, with the time and gap ratios."""
    lines = [
        "",
        "## Against the textbook baseline (PuLP, idiomatic build, bundled CBC, same time limit and gap)",
        "",
        "The baseline is the textbook compact model (integer half servings, on/off binary per food and slot, "
        "each food in at most 3 of the week's slots, cost objective, daily magnesium, energy and protein), on the "
        "same eligible foods. It has fewer rules than ours, so objectives are not comparable; times and gaps are. "
        "Ratio < 1: ours is faster / closer to proven optimal.",
        "",
        "| scenario | vars / rows | baseline runs | build s | solve s | total s | status | objective | bound | gap | peak MB (py / CBC) "
        "| check | time ours/baseline | gap ours/baseline |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scenarios"]:
        b = r.get("baseline")
        if r["group"] != "main" or not b:
            continue
        chk = _check_cell(b)
        status = b.get("status", "; ".join(b.get("errors", [])) or r.get("baseline_error") or "-")
        peaks = f"{_fmt(r.get('baseline_peak_mb'), '.0f')} / {_fmt(r.get('baseline_children_peak_mb'), '.0f')}"
        lines.append(_row(r["name"], _size(b), _runs_cell(b), _med(b, "build_s", ".2f"), _med(b, "solve_s", ".2f"),
                          _baseline_total(r, b), status, _result_cells(b), peaks, chk, r.get("time_ratio", "-"),
                          r.get("gap_ratio", "-")))
    return lines


def _lever_table(report: dict[str, Any]) -> list[str]:
    """One row per lever experiment with the row of the main scenario it varies."""
    levers = [r for r in report["scenarios"] if r["group"] == "lever"]
    if not levers:
        return []
    lines = ["", "## Levers (one run each, profile woman 31-50 vegan)", "",
             "Reference: the main scenario the lever varies (the optimizer's row for `lever_ours_*`, the "
             "baseline's row for `lever_textbook_*`), from this same run.", "",
             "| variant | what | total s | build s | solve s | status | objective | bound | gap | peak MB | check "
             "| reference total s | reference gap |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    by_name = {r["name"]: r for r in report["scenarios"]}
    for r in levers:
        o = r.get("ours") or r.get("baseline") or {}
        ref_row = by_name.get(r.get("reference") or "", {})
        ref = (ref_row.get("ours") if r.get("ours") else ref_row.get("baseline")) or {}
        peak = r.get("ours_peak_mb") if r.get("ours") else r.get("baseline_peak_mb")
        chk = _check_cell(o)
        lines.append(_row(r["name"], r["note"], _spread(o.get("total_s", {})), _med(o, "build_s"), _med(o, "solve_s"),
                          o.get("status", "; ".join(o.get("errors", [])) or "-"), _result_cells(o), _fmt(peak, ".0f"),
                          chk, _reference_cells(ref)))
    return lines


def _failures(report: dict[str, Any]) -> list[str]:
    """Every check failure (up to three a scenario) and error of the run."""
    problems = [(r["name"], v) for r in report["scenarios"] for part in ("ours", "baseline")
                for v in ((r.get(part) or {}).get("violations_example") or [])[:3]]
    errors = [(r["name"], e) for r in report["scenarios"] for part in ("ours", "baseline")
              for e in ((r.get(part) or {}).get("errors") or []) + ([r[f"{part}_error"]] if r.get(f"{part}_error") else [])]
    if not (problems or errors):
        return []
    return (["", "## Check failures and errors", ""] + [f"- {n}: {v}" for n, v in problems]
            + [f"- {n}: {e}" for n, e in errors])


def _dish_check(r: dict[str, Any], o: dict[str, Any]) -> str:
    if not o.get("n_ok"):
        return "-"
    name = (r.get("ours_raw") or {}).get("checker") or "-"
    return (f"ok ({name})" if not o.get("n_violations_max") else f"{o['n_violations_max']} bad ({name})")


def _dish_status(o: dict[str, Any], r: dict[str, Any]) -> str:
    if "status" not in o:
        return ("; ".join(o.get("errors", [])) or r.get("ours_error") or "-")[:160]
    versions = o.get("plan_versions") or []
    return o["status"] + (f" (plan v{'/'.join(map(str, versions))})" if versions else "")


def _dish_extra(r: dict[str, Any], o: dict[str, Any]) -> str:
    """Co-nutrients short on average, and --write-model's outcome for the 7-day CLI row."""
    parts = []
    obj, bound = o.get("objective"), o.get("best_bound")
    if obj is not None and bound is not None and bound > obj + 1e-6 * max(1.0, abs(obj)):
        parts.append("INVALID BOUND: above the objective (the reported gap is clipped to 0)")
    short = o.get("co_nutrients_short")
    if short is not None:
        parts.append("co-nutrients short: " + (", ".join(s.replace("_mg", "").replace("_ug", "") for s in short)
                                               or "none"))
    wm = (r.get("ours_raw") or {}).get("write_model")
    if wm:
        parts.append(f"--write-model: exit {wm['exit']}, {_fmt((wm.get('bytes') or 0) / 1024, '.0f')} KB MPS in "
                     f"{wm['seconds']:.2f} s")
    return "; ".join(parts) or "-"


def dish_tables(report: dict[str, Any]) -> list[str]:
    """The dish planner's tables: its scenarios against the targets, then its levers."""
    dish = [r for r in report["scenarios"] if r["group"] == "dish"]
    levers = [r for r in report["scenarios"] if r["group"] == "dish_lever"]
    if not dish and not levers:
        return []
    header = ("| scenario | what | runs | total s | solve s | status | objective | bound | gap | peak MB | check "
              "| same plan each run | notes |")
    lines = [DISH_TARGETS_TITLE, "",
             "`cli_*`: `magplan plan` as a fresh process per run, timed from outside (process start, imports, tables, "
             "planning, writing the JSON); *solve* is the plan's own `solver.seconds`; the plan version shows which "
             "planner the command ran. `dish_*`: `planner.dishplan.plan_dish_week` in-process (tables loaded once, "
             "excluded); *solve* is `planner.week.plan_days`. Gap = (objective - best bound) / objective from the plan's "
             "solver block (days x the LP of the week's average day, planner.menu_average.week_lp). *check*: tests/dish_plan_checker.py (every rule "
             "from USDA rows; 'not checked' when it does not load). *co-nutrients short*: iron, calcium, potassium, "
             "vitamin D, B12 whose week average is below the person's target.", "",
             header[:-len(" notes |")] + " target | verdict | notes |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in dish:
        o = r.get("ours") or {}
        peak = max(r.get("ours_peak_mb") or 0, r.get("ours_children_peak_mb") or 0) or None
        lines.append(_row(r["name"], r["note"], _runs_cell(o), _spread(o.get("total_s", {})), _med(o, "solve_s"),
                          _dish_status(o, r), _result_cells(o), _fmt(peak, ".0f"), _dish_check(r, o), _same(r),
                          r["target"], r["verdict"], _dish_extra(r, o)))
    if levers:
        by_name = {r["name"]: r for r in report["scenarios"]}
        lines += ["", "## Dish planner levers (one run each, woman 45 omnivore, 7 days)", "",
                  "Reference: `dish_7d_woman45` from this same run. Each lever is an argument (Rules, plan_dish_week's "
                  "arguments or the dishes it may use), never a patched module constant; a lever the planner has no "
                  "argument for is reported as not measured.", "",
                  "| variant | what | total s | solve s | status | objective | bound | gap | peak MB | check | notes "
                  "| reference total s | reference gap |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in levers:
            o = r.get("ours") or {}
            ref = (by_name.get(r.get("reference") or "", {}).get("ours")) or {}
            lines.append(_row(r["name"], r["note"], _spread(o.get("total_s", {})), _med(o, "solve_s"),
                              _dish_status(o, r), _result_cells(o), _fmt(r.get("ours_peak_mb"), ".0f"),
                              _dish_check(r, o), _dish_extra(r, o), _reference_cells(ref)))
    return lines + [""]


def browser_line(path: Path | None = None) -> str:
    """The browser target's sentence from bench/browser.json (written by ``python -m bench.browser``), or ""."""
    from bench.browser import RESULTS

    path = path or RESULTS
    if not path.exists():
        return ""
    try:
        b = json.loads(path.read_text(encoding="utf-8"))
        runs = ", ".join(f"{x:.2f}" for x in b["runs"])
        verdict = "met" if b["met"] else f"MISSED by {b['first_s'] - b['target_s']:.2f} s"
        return (f"In the browser ({b['when']}, `python -m bench.browser`, load {b['load_1min']}): the first plan "
                f"appeared {b['first_s']:.2f} s after clicking Generate on a freshly started app (runs: {runs} s; "
                f"later runs are new sessions of the same app); target < {b['target_s']:g} s: {verdict}.")
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _replace_between(path: Path, start: str, end: str, body: str) -> None:
    """Replace what stands between the markers ``start`` and ``end`` in ``path`` (nothing if either is absent)."""
    if not path.exists():
        return
    text = path.read_text()
    if start not in text or end not in text:
        return
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    path.write_text(head + start + "\n" + body.strip() + "\n" + end + tail)


def update_readme(md: str, path: Path = README) -> None:
    """Put the latest results table into bench/README.md between its results markers."""
    body = md.replace("# Benchmark results\n", "", 1).replace("\n## ", "\n### ")
    _replace_between(path, "<!-- results:start -->", "<!-- results:end -->", body)


def update_top_readme(md: str, path: Path = ROOT / "README.md") -> None:
    """Put the run line and the table of the optimizer against its targets into the top-level README."""
    lines = md.splitlines()
    run_line = next((line for line in lines if line.startswith("Run ")), "")
    body: list[str] = [run_line]
    for title in (DISH_TARGETS_TITLE, FOOD_TARGETS_TITLE):
        if title not in lines:
            continue
        body += ["", "#### " + title[3:]]
        for line in lines[lines.index(title) + 1:]:
            if line.startswith("## "):
                break
            body.append(line)
    if len(body) == 1:
        return
    _replace_between(path, "<!-- bench:start -->", "<!-- bench:end -->", "\n".join(body))


def _ratio(a: float | None, b: float | None, spec: str = ".2f") -> str:
    if a is None or b is None:
        return "-"
    if b == 0:
        return "-" if a == 0 else "inf"
    return format(a / b, spec)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=None, help="runs per scenario (default: per scenario, see README)")
    ap.add_argument("--quick", action="store_true", help=f"1 run each, time limits capped at {QUICK_TIME_LIMIT_S:g} s, "
                    "no levers; writes nothing unless --write")
    ap.add_argument("--only", default=None, help="run scenarios whose name matches this glob or substring")
    ap.add_argument("--no-levers", action="store_true", help="skip the lever experiments")
    ap.add_argument("--no-baseline", action="store_true", help="skip the textbook baseline")
    ap.add_argument("--food-all", action="store_true", help="also the food-level planner's full-USDA scenarios and "
                    "its levers (about 10 more minutes)")
    ap.add_argument("--write", action="store_true", help="write bench/results.md and .json even for a partial run")
    ap.add_argument("--merge", action="store_true", help="add this run's scenarios to the existing results.json "
                    "(replacing rows of the same name) and rewrite results.md from it")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="ours", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--base-plan", help=argparse.SUPPRESS)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker:
        worker(args.worker, args.mode, args.repeats or 1, Path(args.out), args.quick,
               Path(args.base_plan) if args.base_plan else None)
        return 0
    scenarios = _chosen_scenarios(args)
    if not scenarios:
        print(f"no scenario matches {args.only!r}", file=sys.stderr)
        return 2
    machine = machine_info()
    started = time.perf_counter()
    session = Path(tempfile.mkdtemp(prefix="magplan_bench_session_"))
    base_plan = session / "base_plan_curated_7d_woman_vegan.json"
    src = session / "src"
    machine["code_fingerprint"] = snapshot_sources(src)
    results = []
    for sc in scenarios:
        row = _run_scenario(sc, args, base_plan, src)
        results.append(row)
        print(_progress_line(sc, row), flush=True)
    shutil.rmtree(session, ignore_errors=True)
    full = not (args.quick or args.only or args.repeats or args.no_baseline or args.no_levers)
    cmd = "python -m bench.run" + ("" if not argv else " " + " ".join(argv or []))
    if argv is None and len(sys.argv) > 1:
        cmd = "python -m bench.run " + " ".join(sys.argv[1:])
    report = {"machine": machine, "command": cmd, "elapsed_s": time.perf_counter() - started,
              "loadavg_at_end": list(os.getloadavg()), "note": _run_note(args, full), "scenarios": results}
    md = render_markdown(report)
    print()
    print(md)
    print(f"elapsed {report['elapsed_s']:.0f} s")
    if args.merge and RESULTS_JSON.exists():
        report = _merged(json.loads(RESULTS_JSON.read_text()), results, machine, cmd, report["elapsed_s"])
        md = render_markdown(report)
    if full or args.write or args.merge:
        RESULTS_JSON.write_text(json.dumps(report, indent=1, default=str) + "\n")
        RESULTS_MD.write_text(md)
        update_readme(md)
        update_top_readme(md)
        print(f"wrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_JSON.relative_to(ROOT)}")
    return 0


def _chosen_scenarios(args: argparse.Namespace) -> list[Any]:
    """The scenarios the options ask for (levers unless --no-levers or --quick; --only filters by name)."""
    from bench.scenarios import (all_scenarios, dish_lever_scenarios, dish_scenarios, lever_scenarios, main_scenarios,
                                 select)

    no_levers = args.no_levers or args.quick
    if args.only:
        scenarios = [s for s in all_scenarios() if not (no_levers and s.group in ("lever", "dish_lever"))]
    else:
        scenarios = (dish_scenarios() + ([] if no_levers else dish_lever_scenarios())
                     + main_scenarios(full=args.food_all)
                     + ([] if (no_levers or not args.food_all) else lever_scenarios()))
    return select(scenarios, args.only)


def _run_scenario(sc: Any, args: argparse.Namespace, base_plan: Path, src: Path) -> dict[str, Any]:
    """One scenario's row of the report: ours and the baseline, each in its own process, the verdict, ratios."""
    reps = 1 if args.quick else (args.repeats or sc.repeats)
    breps = 0 if (args.no_baseline or not sc.baseline_repeats) else (
        1 if args.quick else min(sc.baseline_repeats, args.repeats or sc.baseline_repeats))
    row: dict[str, Any] = {"name": sc.name, "kind": sc.kind, "group": sc.group, "profile": sc.profile_key,
                           "reference": sc.reference, "patches": sc.patches,
                           "table": sc.table, "days": sc.days, "note": sc.note, "target": sc.target.label(),
                           "target_values": asdict(sc.target), "rules_overrides": sc.rules_overrides}
    if sc.kind != "baseline_only":
        raw = spawn(sc.name, "ours", reps, args.quick,
                    base_plan if sc.kind in ("swap", "regenerate", "exclude") else None, src=src)
        row.update(ours_raw=raw, ours=summarize(raw.get("runs", [])), ours_error=raw.get("error"),
                   ours_peak_mb=raw.get("peak_rss_mb"), ours_children_peak_mb=raw.get("peak_children_rss_mb"),
                   foods=f"{raw.get('n_table_foods', '-')} / {raw.get('n_eligible_foods', '-')}")
    if breps:
        limit = min(sc.rules().time_limit_s, QUICK_TIME_LIMIT_S) if args.quick else sc.rules().time_limit_s
        raw_b = spawn(sc.name, "baseline", breps, args.quick,
                      timeout_s=breps * max(BASELINE_KILL_MIN_S, BASELINE_KILL_FACTOR * limit), src=src)
        row.update(baseline_raw=raw_b, baseline=summarize(raw_b.get("runs", [])), baseline_error=raw_b.get("error"),
                   baseline_peak_mb=raw_b.get("peak_rss_mb"), baseline_children_peak_mb=raw_b.get("peak_children_rss_mb"))
    o, b = row.get("ours") or {}, row.get("baseline") or {}
    peak = None if row.get("ours_peak_mb") is None else max(row["ours_peak_mb"], row.get("ours_children_peak_mb") or 0)
    row["verdict"], row["met"] = _verdict(sc, o, peak) if sc.kind != "baseline_only" else ("-", None)
    if str(row.get("ours_error") or "").startswith("not measured"):
        row["verdict"], row["met"] = row["ours_error"], None
    if b:
        row["time_ratio"], row["gap_ratio"] = _ratios(row, o, b)
    return row


def _ratios(row: dict[str, Any], o: dict[str, Any], b: dict[str, Any]) -> tuple[str, str]:
    """(time ratio, gap ratio) ours/baseline; a killed baseline gives an upper bound on the time ratio."""
    if (row.get("baseline_raw") or {}).get("killed"):
        wall_b = row["baseline_raw"]["process_wall_s"]
        ours_med = o.get("total_s", {}).get("median")
        return ("-" if ours_med is None else f"< {ours_med / wall_b:.2f} (baseline killed)"), "baseline: no answer"
    time_ratio = _ratio(o.get("total_s", {}).get("median"), b.get("total_s", {}).get("median"))
    if not b.get("n_ok") or b.get("objective") is None:
        return time_ratio, "baseline: no solution"
    return time_ratio, _ratio(o.get("gap_worst"), b.get("gap_worst"))


def _progress_line(sc: Any, row: dict[str, Any]) -> str:
    """One line per finished scenario on standard output."""
    o, b = row.get("ours") or {}, row.get("baseline") or {}
    med = o.get("total_s", {}).get("median") if o else None
    return (f"{sc.name:40s}" + (f" ours {_fmt(med, '.3f'):>8s} s  {str(o.get('status', row.get('ours_error') or '-'))[:30]:30s}"
            f" gap {_fmt_gap(o.get('gap_worst')):>7s}  check {o.get('n_violations_max', '-')}" if o else "")
            + (f" | baseline {_fmt(b.get('total_s', {}).get('median'), '.2f')} s {b.get('status', '-')}"
               f" gap {_fmt_gap(b.get('gap_worst'))}" if b else "")
            + f" | {row['verdict']}")


def _run_note(args: argparse.Namespace, full: bool) -> str:
    """What the run covered, and its repeats (a full run) or its options (a partial run)."""
    what = ("dish planner (5 profiles, magplan plan 7 and 28 days end to end, swap, regenerate, levers) and the "
            "food-level planner's curated scenarios" + (", full-USDA scenarios and levers" if args.food_all else
                                                        " (full USDA and its levers: --food-all)") + ". ")
    if full:
        return (what + "Default repeats: dish planner 3 runs per profile, 5 for `magplan plan` 7 days, 1 for 28 days, "
                "3 for swap and regenerate; food-level planner 5 runs for curated 1-day, 3 for curated 7-day and the changes, 2 for full-USDA "
                "1-day, 1 for full-USDA 7-day (its median is that one run); baseline 3 runs for curated 1-day, "
                "1 run otherwise (each baseline run can take the whole time limit, and one still running after "
                f"{BASELINE_KILL_FACTOR:g}x its limit (at least {BASELINE_KILL_MIN_S:g} s) is killed); levers 1 run.")
    return ("Partial run (" + ", ".join(a for a in ("--quick" if args.quick else "", f"--only {args.only}" if args.only else "",
                                                  f"--repeats {args.repeats}" if args.repeats else "") if a) + ").")


def _merged(old_report: dict[str, Any], results: list[dict[str, Any]], machine: dict[str, Any], cmd: str,
            elapsed_s: float) -> dict[str, Any]:
    """The existing report with this run's rows in place of those of the same name (order kept); rows of
    scenarios the bench no longer has are dropped."""
    from bench.scenarios import all_scenarios

    mine = {r["name"] for r in results}
    known = {s.name for s in all_scenarios()}
    order = [r["name"] for r in old_report["scenarios"]]
    merged = [r for r in old_report["scenarios"] if r["name"] not in mine and r["name"] in known]
    merged += results
    merged.sort(key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
    old_report["scenarios"] = merged
    old_report.setdefault("merged_runs", []).append(
        {"machine": machine, "command": cmd, "scenarios": sorted(mine), "elapsed_s": elapsed_s})
    old_report["note"] += (f" Rows {', '.join(sorted(mine))} come from a later run ({machine['date_utc']}, "
                           f"sources fingerprint {machine.get('code_fingerprint')}, `{cmd}`).")
    return old_report


if __name__ == "__main__":
    sys.exit(main())
