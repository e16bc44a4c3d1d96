"""The one place that picks and configures the solver (HiGHS default, CBC fallback) and reads its status.

Determinism: one thread and a fixed random seed. PuLP 3 reports "Optimal" when HiGHS stops on its time
limit, so the real status, objective, dual bound and gap are read from HiGHS itself.
"""
from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Mapping

import pulp

from planner.errors import SolverError
from planner.model import Rules, SolverInfo

RANDOM_SEED = 20240601
THREADS = 1
# Deterministic work limits (branch-and-bound nodes): the same inputs give the same plan on any machine
# speed, as long as the time limit (a safety net) is not reached first.
DAY_MAX_NODES = 3000
WEEK_MAX_NODES = 400
# A day of dishes (about 2,400 binaries, 220 rows): HiGHS's RINS and RENS sub-MIPs nest 16 deep there and
# took most of a day's time; without them the same menus come about twice as fast (bench/, dish levers).
DISH_DAY_OPTIONS: dict[str, object] = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False}


@dataclass(frozen=True)
class Outcome:
    """What a solve produced: ``feasible`` says whether variable values may be read."""

    feasible: bool
    infeasible: bool
    info: SolverInfo


_BANNER_LOCK = threading.Lock()


def _silence_highs_banner() -> bool:
    """HiGHS prints a banner on stdout when the first solver object is made; swallow it (stdout is data).

    Locked: the week method solves in two threads, and two threads swapping file descriptor 1 at once
    can leave stdout pointing at /dev/null (the plan JSON was lost that way on CI).
    """
    with _BANNER_LOCK:
        return _swallow_banner_once()


@lru_cache(maxsize=1)
def _swallow_banner_once() -> bool:
    try:
        import highspy
    except ImportError:  # pragma: no cover
        return False
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return True


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS with an optional starting solution ({variable name: value}) handed to HiGHS."""

    def __init__(self, *args, start: dict[str, float] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start = start

    def callSolver(self, lp):  # noqa: N802 (PuLP's name)
        if self.start:
            import highspy

            cols = [v.index for v in lp.variables() if v.name in self.start]
            vals = [float(self.start[v.name]) for v in lp.variables() if v.name in self.start]
            if cols:
                sol = highspy.HighsSolution()
                n = lp.solverModel.getNumCol()
                full = [0.0] * n
                for c, v in zip(cols, vals):
                    full[c] = v
                sol.col_value = full
                sol.value_valid = True
                lp.solverModel.setSolution(sol)
        lp.solverModel.run()


    def findSolutionValues(self, lp):  # noqa: N802 (PuLP's name)
        """PuLP 3.3 has no status entry for a node limit (kSolutionLimit): map it like a time limit."""
        try:
            return super().findSolutionValues(lp)
        except KeyError:
            feasible = int(lp.solverModel.getInfo().primal_solution_status) == 2
            if feasible:
                return pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible
            return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound


def make_solver(rules: Rules, *, time_limit_s: float | None = None, gap_rel: float | None = None,
                msg: bool = False, start: dict[str, float] | None = None, max_nodes: int | None = None,
                options: Mapping[str, object] | None = None) -> pulp.LpSolver:
    """A configured PuLP solver object for ``rules.solver`` ("highs" or "cbc"); ``options``: more HiGHS options."""
    limit = float(rules.time_limit_s if time_limit_s is None else time_limit_s)
    gap = float(rules.gap_rel if gap_rel is None else gap_rel)
    if rules.solver == "highs":
        _silence_highs_banner()
        extra = {**(options or {}), **({} if max_nodes is None else {"mip_max_nodes": int(max_nodes)})}
        return _HiGHS(start=start, msg=msg, **extra, timeLimit=limit, gapRel=gap, **_options())
    if rules.solver == "cbc":
        if not hasattr(pulp, "PULP_CBC_CMD"):
            raise SolverError("CBC is not available in this PuLP; use --solver highs")
        return pulp.PULP_CBC_CMD(msg=msg, timeLimit=limit, gapRel=gap, threads=THREADS,
                                 options=[f"randomSeed {RANDOM_SEED % 2**31}", "randomCbcSeed 1"])
    raise SolverError(f"unknown solver {rules.solver!r}; use 'highs' or 'cbc'")


def _options() -> dict[str, object]:
    return {"threads": THREADS, "random_seed": RANDOM_SEED, "mip_feasibility_tolerance": 1e-7,
            "primal_feasibility_tolerance": 1e-7}


def new_highs(**options: object):
    """An empty, quiet highspy.Highs with the deterministic options (threads, seed, tolerances) and ``options``."""
    _silence_highs_banner()
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in {**_options(), **options}.items():
        h.setOptionValue(key, value)
    return h


def highs_model(prob: pulp.LpProblem, rules: Rules, *, gap_rel: float | None = None,
                time_limit_s: float | None = None):
    """``prob`` (built with PuLP) as a configured highspy.Highs, not yet solved: for callers that solve one
    model many times with changed costs or bounds. Variable ``v`` is column ``v.index``."""
    solver = make_solver(replace(rules, solver="highs"), time_limit_s=time_limit_s, gap_rel=gap_rel)
    solver.createAndConfigureSolver(prob)
    solver.buildSolverModel(prob)
    return prob.solverModel


def run(prob: pulp.LpProblem, rules: Rules, *, time_limit_s: float | None = None,
        gap_rel: float | None = None, start: dict[str, float] | None = None,
        max_nodes: int | None = None, options: Mapping[str, object] | None = None) -> Outcome:
    """Solve ``prob``; return whether a solution exists and the SolverInfo (never reads values itself).

    ``start``: a known solution {variable name: value} given to HiGHS as its first incumbent.
    ``max_nodes``: a branch-and-bound node limit (deterministic, unlike the time limit, which is the safety net).
    """
    solver = make_solver(rules, time_limit_s=time_limit_s, gap_rel=gap_rel, start=start, max_nodes=max_nodes,
                         options=options)
    t0 = time.perf_counter()
    try:
        prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"the {rules.solver} solver failed: {exc}") from None
    seconds = time.perf_counter() - t0
    if rules.solver == "highs":
        return _highs_outcome(prob, seconds)
    return _cbc_outcome(prob, seconds)


def _finite(x: float | None) -> float | None:
    if x is None or not math.isfinite(x) or abs(x) >= 1e30:
        return None
    return float(x)


def _highs_outcome(prob: pulp.LpProblem, seconds: float) -> Outcome:
    import highspy

    h = prob.solverModel
    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    S = highspy.HighsModelStatus
    mip = any(v.cat == pulp.LpInteger for v in prob.variables())
    obj = _finite(info.objective_function_value) if has_solution else None
    bound = _finite(info.mip_dual_bound) if mip else obj
    gap = _finite(info.mip_gap) if (mip and has_solution) else (0.0 if has_solution else None)
    if status == S.kOptimal and has_solution:
        name = "optimal"
    elif status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return Outcome(False, True, SolverInfo("HiGHS", "infeasible", seconds=round(seconds, 4)))
    elif has_solution:
        name = "feasible"
    elif status == S.kTimeLimit:
        raise SolverError(f"no plan found within the time limit ({seconds:.1f} s); allow more time "
                          "(magplan plan --time-limit) or plan from fewer foods")
    else:
        raise SolverError(f"HiGHS stopped with status {h.modelStatusToString(status)} and no plan")
    if bound is not None and obj is not None and gap is None:
        gap = abs(obj - bound) / max(abs(obj), 1e-9)
    if mip and name == "optimal" and bound is not None and obj is not None:
        gap = abs(obj - bound) / max(abs(obj), 1e-9)
    return Outcome(True, False, SolverInfo("HiGHS", name, objective=obj, best_bound=bound,
                                           gap=None if gap is None else round(gap, 6), seconds=round(seconds, 4)))


def _cbc_outcome(prob: pulp.LpProblem, seconds: float) -> Outcome:
    st, sol = prob.status, prob.sol_status
    if st == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        return Outcome(False, True, SolverInfo("CBC", "infeasible", seconds=round(seconds, 4)))
    if sol == pulp.LpSolutionOptimal:
        obj = pulp.value(prob.objective)
        return Outcome(True, False, SolverInfo("CBC", "optimal", objective=obj, best_bound=obj, gap=0.0,
                                               seconds=round(seconds, 4)))
    if sol == pulp.LpSolutionIntegerFeasible:
        obj = pulp.value(prob.objective)
        return Outcome(True, False, SolverInfo("CBC", "feasible", objective=obj, seconds=round(seconds, 4)))
    raise SolverError(f"CBC found no plan (status {pulp.LpStatus.get(st, st)}); raise --time-limit")


__all__ = ["Outcome", "RANDOM_SEED", "THREADS", "highs_model", "make_solver", "new_highs", "run"]
