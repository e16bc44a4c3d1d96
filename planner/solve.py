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
from dataclasses import dataclass
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
# Restarts (HiGHS presolving the model again once it fixes many columns) cost more than they save on a day pruned
# to a few dozen columns (solve_pruned): the same menus, about a fifth faster (bench/).
DISH_DAY_OPTIONS: dict[str, object] = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
                                       "mip_allow_restart": False}


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
    model many times with changed costs or bounds. Variable ``v`` is column ``v.index``, constraint ``c`` row
    ``c.index``, as PuLP's own HiGHS interface numbers them; the model goes to HiGHS in one call (PuLP adds
    columns and rows one by one: a tenth of a day's planning time)."""
    import highspy
    import numpy as np

    h = _configured(rules, gap_rel, time_limit_s)
    variables = prob.variables()
    for j, v in enumerate(variables):
        v.index = j
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(variables), len(prob.constraints)
    lp.col_cost_ = np.array([prob.objective.get(v, 0.0) for v in variables], dtype=float) \
        * (-1.0 if prob.sense == pulp.LpMaximize else 1.0)
    lp.col_lower_ = np.array([-highspy.kHighsInf if v.lowBound is None else v.lowBound for v in variables], dtype=float)
    lp.col_upper_ = np.array([highspy.kHighsInf if v.upBound is None else v.upBound for v in variables], dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if v.cat == pulp.LpInteger else highspy.HighsVarType.kContinuous
                       for v in variables]
    starts, index, value, lower, upper = [0], [], [], [], []
    for i, c in enumerate(prob.constraints.values()):
        c.index = i
        items = [(v.index, a) for v, a in c.items() if a != 0]
        index.extend(j for j, _a in items)
        value.extend(a for _j, a in items)
        starts.append(len(index))
        lb, ub = c.getLb(), c.getUb()
        lower.append(-highspy.kHighsInf if lb is None else lb)
        upper.append(highspy.kHighsInf if ub is None else ub)
    lp.row_lower_, lp.row_upper_ = np.array(lower, dtype=float), np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    h.passModel(lp)
    prob.solverModel = h
    return h


def highs_of_lp(lp, rules: Rules):
    """A second configured highspy.Highs holding a copy of the HighsLp ``lp`` (as ``highs_model`` configures)."""
    h = _configured(rules, None, None)
    h.passModel(lp)
    return h


def _configured(rules: Rules, gap_rel: float | None, time_limit_s: float | None):
    return new_highs(mip_rel_gap=float(rules.gap_rel if gap_rel is None else gap_rel),
                     time_limit=float(rules.time_limit_s if time_limit_s is None else time_limit_s))


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


def solve_pruned(h, rules: Rules, *, max_nodes: int | None = None, options: Mapping[str, object] | None = None,
                 max_steps: int = 100) -> tuple[list[float], float, float] | None:
    """Solve the highspy model ``h`` by reduced-cost fixing: its LP relaxation first, then the MIP over the 0/1
    columns whose reduced cost is within ``delta`` of the LP optimum (and every column the LP uses):
    (column values, objective, bound), or None when no plan is found.

    Exact, not a heuristic: a solution with a column left out costs at least the LP value plus that
    column's reduced cost, so the best plan overall costs at least min(the restricted MIP's bound, LP + delta),
    the bound this returns. When that bound is not within ``rules.gap_rel`` of the plan z, the MIP runs again
    with ``delta`` four times larger, at most z - LP (then nothing left out can do better), or over all
    columns when there is no plan yet; after ``max_steps`` with a plan, that plan stands with the gap proven.
    A day of dishes keeps about a tenth of its columns, and HiGHS then solves it several times faster (bench/).
    """
    import numpy as np

    for key, value in {**(options or {}), **({} if max_nodes is None else {"mip_max_nodes": int(max_nodes)})}.items():
        h.setOptionValue(key, value)
    lp = _relaxation(h)
    if lp is None:
        return None
    lp_value, reduced_cost, lp_x, ints = lp
    lower, upper = np.array(h.getLp().col_lower_), np.array(h.getLp().col_upper_)
    values, objective, bound = None, math.inf, -math.inf  # the best plan found, the best bound proven
    delta = max(PRUNE_FIRST_SHARE * abs(lp_value), PRUNE_MIN_DELTA)
    for step in range(1, 100):
        out = ints[(reduced_cost[ints] > delta) & (lp_x[ints] < 1e-9) & (upper[ints] > 0)]
        if len(out):
            h.changeColsBounds(len(out), out, lower[out], np.zeros(len(out)))
        h.run()
        info = h.getInfo()  # read before the bounds change: a changed model forgets its solution
        if int(info.primal_solution_status) == 2:
            bound = max(bound, min(_finite(info.mip_dual_bound) or -math.inf, lp_value + delta))
            if info.objective_function_value < objective:
                values, objective = list(h.getSolution().col_value), info.objective_function_value
        if len(out):
            h.changeColsBounds(len(out), out, lower[out], upper[out])
        if not len(out) or (values is not None and objective - bound <= rules.gap_rel * abs(objective) + 1e-9):
            break
        if values is not None and step >= max_steps:
            break  # the plan stands with the bound proven so far (its gap says so)
        # With a plan of value z, a column of reduced cost above z - LP is in no better plan: the steps grow
        # (PRUNE_GROWTH) up to that exact one. Without a plan, every column.
        delta = min(PRUNE_GROWTH * delta, objective - lp_value + 1e-7) if values is not None else math.inf
    return None if values is None else (values, objective, bound)


# Reduced-cost fixing (solve_pruned): at first a column stays when its reduced cost is at most this share of the LP
# value (at least PRUNE_MIN_DELTA). A day of dishes mostly proves its gap there, with a tenth of its columns.
PRUNE_FIRST_SHARE = 0.03
PRUNE_MIN_DELTA = 0.02
PRUNE_GROWTH = 4.0


def _relaxation(h):
    """Solve ``h`` as an LP (its integer columns made continuous, then restored): (LP value, reduced costs,
    values, integer column indices), or None when the LP is infeasible."""
    import highspy
    import numpy as np

    kinds = np.array(h.getLp().integrality_)
    ints = np.flatnonzero(kinds == highspy.HighsVarType.kInteger).astype(np.int32)
    h.changeColsIntegrality(len(ints), ints, np.full(len(ints), highspy.HighsVarType.kContinuous))
    h.run()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    solution = h.getSolution()
    value = h.getInfo().objective_function_value
    h.changeColsIntegrality(len(ints), ints, np.full(len(ints), highspy.HighsVarType.kInteger))
    if not optimal:
        return None
    return value, np.array(solution.col_dual), np.array(solution.col_value), ints


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


__all__ = ["Outcome", "RANDOM_SEED", "THREADS", "highs_model", "make_solver", "new_highs", "run", "solve_pruned"]
