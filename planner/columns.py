"""Menus by column generation over day menus: small sub-MIPs make menus, a second core proves the bound.

The week problem is D copies of the one-day menu model (``planner.milp``) tied together by the weekly
variety cap ("a main food on at most K days") and "no identical meal on consecutive days". Relaxing the cap
with prices leaves one day problem (the pricing problem), solved again and again with new food prices.

How a week is made (what each step bought is measured in bench/README.md):

1. **Pricing by LP support** (``_Pricing.submip``). The LP relaxation of the one-day model at the current
   prices (a warm-started simplex, milliseconds), then the day MIP restricted to the foods that LP uses (a
   RENS-style sub-MIP of about ten foods, tens of milliseconds). On the four test profiles it finds the same
   best day as the full day MIP in a tenth of the time.
2. **Seed.** The first menu, then two menus priced away from the main foods of the one before: menus that
   share no main food always make a valid week, so the master has real prices from the first round.
3. **Master LP** (highspy, columns added in place): a mix of menus for D days, each main food on at most K
   of them. Its duals price the foods for the next round, smoothed with the last prices that produced a menu
   (Wentges smoothing; plain duals when the smoothed ones find nothing).
4. **Wider pricing** when those sub-MIPs find nothing better (at most ``STALL_ROUNDS`` times): the sub-MIP
   plus the ``STALL_WIDEN`` foods with the smallest LP reduced costs. (The full one-day MIP here instead
   found the same curated weeks in 1.5-2.5 s more, but on the candidate-filtered full-USDA table it finds
   menus the wider sub-MIP misses, so it is used there; its dual bound gives the Lagrangian bound
   D * bound - K * sum(prices), valid for the whole week.)
5. **Integer master:** one menu per day under the caps and "no identical meal on consecutive days"; then each
   day is re-planned once with the other days fixed (``_polish``), kept when cheaper.
6. **Bound search** (``_BoundSearch``), on the second core from the start: the compact weekly model (the one
   ``magplan plan --write-model`` writes) in HiGHS with its primal heuristics off, for ``BOUND_SECONDS``.
   HiGHS's root cuts give a bound far stronger than the LP relaxation (within 0.5-1.5 % of the best known
   weeks on the test profiles). Should it find nothing, the full day MIP at the last prices gives the
   Lagrangian bound instead.

Determinism: the menus depend only on counts (rounds, pricing rounds, nodes), never on the clock, so the same
inputs give the same plan unless the overall time limit cuts a step short. The *bound* found by the time-boxed
bound search can be higher on a faster or idle machine; it changes the reported gap, never the menus.
One day (``one_day``): step 1 gives a starting menu, then the full day MIP proves the gap.
PuLP builds the two real models (the day and the compact week); the masters are small numeric models built
directly in highspy.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Collection, Iterator, Mapping, Sequence

import numpy as np

from planner import milp
from planner.model import Profile, Rules, SolverInfo, Targets
from planner.solve import DAY_MAX_NODES, highs_model, new_highs

SMOOTHING = 0.5  # weight of the last productive prices in the prices handed to pricing (0: plain master duals)
MAX_ROUNDS = 120  # pricing rounds at most
STALL_ROUNDS = 3  # wider pricing rounds at most when the LP-support sub-MIPs find nothing
EXACT_PRICING_GAP = 0.01  # the full day MIP (STALL_WIDEN = 0, or a Lagrangian bound when no other)
EXACT_PRICING_NODES = 300  # node cap of a full pricing MIP in the week (its dual bound stays valid)
USE_SUBMIP = True  # False: every pricing round's "sub-MIP" keeps every food, i.e. the full day MIP (a bench lever)
SUBMIP_GAP = 0.01
STALL_WIDEN = 30  # those rounds: the sub-MIP plus this many foods by LP reduced cost (0: the full day MIP,
#                   which is also used on candidate-filtered tables: there the wider sub-MIP missed menus)
SUBMIP_WIDEN = (0, 10, 40)  # foods added to the LP support when its sub-MIP has no menu
SEED_MENUS = 3
AVOID_PRICE = 1000.0  # price on the previous seed menu's main foods (a soft ban: the day stays feasible)
EPS = 1e-7
POLISH_SWEEPS = 2  # passes over the days re-planning each with the others fixed
INTEGER_MASTER_GAP = 1e-4
INTEGER_MASTER_NODES = 5000
BOUND_SECONDS = 2.5  # time budget of the bound search on the second core (0: no bound search)

@dataclass(frozen=True)
class Column:
    """A day menu: slot -> {food: servings}, its objective cost (USD-like units) and the main foods it uses."""

    menu: dict[str, dict[str, float]]
    cost: float
    main_foods: frozenset[int]


_log = logging.getLogger(__name__).debug


class DayInfeasible(Exception):
    """Not even one day can meet the limits (no need to try a week)."""


@dataclass
class WeekResult:
    solution: dict[tuple[int, str], dict[str, float]]
    info: SolverInfo
    stats: dict


class _Pricing:
    """The one-day model, in highspy twice: as a MIP (sub-MIPs and exact pricing) and as its LP relaxation."""

    def __init__(self, data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile,
                 magnesium_min: float | None):
        r1 = replace(rules, days=1)
        self.data, self.rules = data, rules
        self.mm = milp.build_menu_model(data, targets, r1, days=(1,), budget_usd_per_day=profile.budget_usd_per_day,
                                        magnesium_min=magnesium_min, name="magplan_pricing")
        prob = self.mm.prob
        self.mip = highs_model(prob, r1)
        self.mip.setOptionValue("mip_improving_solution_save", True)
        self.mip.setOptionValue("mip_max_nodes", DAY_MAX_NODES)
        self.lp = new_highs(solve_relaxation=True)
        self.lp.passModel(self.mip.getModel())
        n = self.mip.getNumCol()
        self.base = np.zeros(n)
        for v in prob.variables():
            self.base[v.index] = float(prob.objective.get(v, 0.0))
        lp = self.mip.getModel().lp_
        self.col_lower = np.array(lp.col_lower_, dtype=float)
        self.col_upper = np.array(lp.col_upper_, dtype=float)
        self.u_foods = np.array([i for (_d, i) in self.mm.u], dtype=np.int64)
        self.u_cols = np.array([v.index for v in self.mm.u.values()], dtype=np.int32)
        self.pairs = [(s, i, v.index, self.mm.y[(1, s, i)].index) for (_d, s, i), v in self.mm.n.items()]
        self.n_variables = len(prob.variables())
        self.n_constraints = len(prob.constraints)
        self.solves = 0

    def column(self, x: Sequence[float]) -> Column:
        step = float(self.rules.servings_step)
        menu: dict[str, dict[str, float]] = {s: {} for s in self.rules.slots}
        cost = 0.0
        uses = set()
        for s, i, jn, jy in self.pairs:
            k = int(round(x[jn]))
            if k > 0:
                menu[s][self.data.ids[i]] = k * step
                cost += self.base[jn] * k + self.base[jy]
                if self.data.main[i]:
                    uses.add(i)
        return Column(menu, float(cost), frozenset(uses))

    def _price(self, prices: Mapping[int, float]) -> None:
        costs = self.base[self.u_cols] + np.array([prices.get(int(i), 0.0) for i in self.u_foods])
        for h in (self.mip, self.lp):
            h.changeColsCost(len(self.u_cols), self.u_cols, costs)

    def _run_mip(self, gap: float, seconds: float, start: Sequence[float] | None = None
                 ) -> tuple[float, float, list[list[float]]] | None:
        import highspy

        h = self.mip
        if start is not None:  # a known menu: HiGHS starts with it as its incumbent
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("time_limit", max(seconds, 0.05))
        h.run()
        self.solves += 1
        info = h.getInfo()
        if int(info.primal_solution_status) != 2:
            return None
        xs = [list(h.getSolution().col_value)]
        xs += [list(s.col_value) for s in h.getSavedMipSolutions() if len(s.col_value) == len(self.base)]
        return float(info.mip_dual_bound), float(info.objective_function_value), xs

    def _zero(self, h, cols: np.ndarray) -> None:
        if len(cols):
            h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))

    def _restore(self, h, cols: np.ndarray) -> None:
        if len(cols):
            h.changeColsBounds(len(cols), cols, self.col_lower[cols], self.col_upper[cols])

    def _cols_of(self, foods: Collection[int]) -> np.ndarray:
        return np.array([j for s, i, jn, jy in self.pairs if i in foods for j in (jn, jy)], dtype=np.int32)

    def submip(self, prices: Mapping[int, float], seconds: float, *, blocked: Collection[int] = (),
               menu: Mapping[str, Mapping[str, float]] | None = None, widths: Sequence[int] = ()
               ) -> list[list[float]] | None:
        """Menus from the day MIP restricted to the foods its LP relaxation uses at ``prices`` (>= 0 per food).

        ``blocked`` foods are left out entirely; ``menu`` (a day that must stay possible) adds its foods to the
        restricted set and is the MIP's starting solution. Raises DayInfeasible when even the LP relaxation has
        no solution (and nothing is blocked); None when the sub-MIP has none.
        """
        import highspy

        self._price(prices)
        banned = self._cols_of(set(blocked))
        self._zero(self.lp, banned)
        try:
            self.lp.setOptionValue("time_limit", max(seconds, 0.05))
            self.lp.run()
            status = self.lp.getModelStatus()
            solution = self.lp.getSolution()  # read before the bounds are restored (that resets the solution)
            x, rc = list(solution.col_value), list(solution.col_dual)
        finally:
            self._restore(self.lp, banned)
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            if blocked:
                return None
            raise DayInfeasible()
        everyone = {i for s, i, jn, jy in self.pairs}
        support = {i for s, i, jn, jy in self.pairs if x[jn] > 1e-6} if USE_SUBMIP else everyone
        keep = support - set(blocked)
        start = None
        if menu is not None:
            index = self.data.index()
            keep |= {index[f] for items in menu.values() for f in items}
            start = self.vector(menu)
        # foods outside the LP support, cheapest first by LP reduced cost (to widen a sub-MIP that has no menu)
        worth: dict[int, float] = {}
        for s, i, jn, jy in self.pairs:
            if i not in keep and i not in blocked:
                worth[i] = min(worth.get(i, math.inf), rc[jn] + rc[jy])
        spare = sorted(worth, key=lambda i: (worth[i], i))
        for widen in widths or SUBMIP_WIDEN:
            chosen = keep | set(spare[:widen])
            drop = self._cols_of(everyone - chosen)
            self._zero(self.mip, drop)
            try:
                out = self._run_mip(SUBMIP_GAP, seconds, start)
            finally:
                self._restore(self.mip, drop)
            if out is not None:
                return out[2]
            if not spare or len(spare) <= widen:
                break
        return None

    @contextmanager
    def unlike(self, meals: Collection[tuple[str, frozenset[str]]]) -> Iterator[None]:
        """While inside: each (slot, foods) meal is forbidden in that slot (at least one food in or out differs),
        as rows of both models. Meals this model cannot make anyway are skipped."""
        index = self.data.index()
        y_cols = {(s, i): jy for s, i, jn, jy in self.pairs}
        rows = []
        for slot, foods in meals:
            members = {index.get(f) for f in foods}
            if not foods or any(i is None or (slot, i) not in y_cols for i in members):
                continue
            cols = [(j, -1.0 if i in members else 1.0) for (s, i), j in y_cols.items() if s == slot]
            rows.append((np.array([j for j, _ in cols], dtype=np.int32), np.array([v for _, v in cols]),
                         1.0 - len(members)))
        for h in (self.mip, self.lp):
            for idx, val, lo in rows:
                h.addRow(lo, float("inf"), len(idx), idx, val)
        try:
            yield
        finally:
            if rows:
                for h in (self.mip, self.lp):
                    n = h.getNumRow()
                    h.deleteRows(len(rows), np.arange(n - len(rows), n, dtype=np.int32))

    def vector(self, menu: Mapping[str, Mapping[str, float]]) -> np.ndarray:
        """The pricing model's variable values for a day ``menu`` (slot -> {food: servings})."""
        step = float(self.rules.servings_step)
        x = np.zeros(len(self.base))
        for s, i, jn, jy in self.pairs:
            v = menu.get(s, {}).get(self.data.ids[i])
            if v:
                x[jn] = round(v / step)
                x[jy] = 1.0
        for (_d, i), var in self.mm.u.items():
            if any(self.data.ids[i] in menu.get(s, {}) for s in self.rules.slots):
                x[var.index] = 1.0
        return x

    def exact(self, prices: Mapping[int, float], gap: float, seconds: float, start: Sequence[float] | None = None,
              nodes: int = DAY_MAX_NODES) -> tuple[float, float, list[list[float]]] | None:
        """(dual bound, objective, menus) of the full day MIP at ``prices`` (at most ``nodes`` branch-and-bound
        nodes); None when it found no menu."""
        self._price(prices)
        self.mip.setOptionValue("mip_max_nodes", int(nodes))
        try:
            return self._run_mip(gap, seconds, start)
        finally:
            self.mip.setOptionValue("mip_max_nodes", DAY_MAX_NODES)

    def infeasible(self) -> bool:
        """True when the last full MIP proved that no day meets the limits."""
        import highspy

        return self.mip.getModelStatus() in (highspy.HighsModelStatus.kInfeasible,
                                             highspy.HighsModelStatus.kUnboundedOrInfeasible)


class _Master:
    """The master LP: menus (columns) x {D days, each main food on at most K days}, plus an artificial menu."""

    def __init__(self, days: int, cap: int, n_foods: int, artificial_cost: float, slots: Sequence[str]):
        self.h = new_highs()
        inf = float("inf")
        self.h.addRow(float(days), float(days), 0, np.array([], dtype=np.int32), np.array([]))
        for _ in range(n_foods):
            self.h.addRow(-inf, float(cap), 0, np.array([], dtype=np.int32), np.array([]))
        self.h.addCol(artificial_cost, 0.0, inf, 1, np.array([0], dtype=np.int32), np.array([1.0]))
        self.slots = tuple(slots)
        self.columns: list[Column] = []
        self._keys: set[tuple] = set()

    def add(self, col: Column) -> bool:
        key = tuple((s, tuple(sorted(col.menu[s].items()))) for s in self.slots)
        if key in self._keys:
            return False
        self._keys.add(key)
        self.columns.append(col)
        rows = np.array([0] + [1 + i for i in sorted(col.main_foods)], dtype=np.int32)
        self.h.addCol(float(col.cost), 0.0, float("inf"), len(rows), rows, np.ones(len(rows)))
        return True

    def solve(self) -> tuple[float, float, dict[int, float]]:
        """(objective, dual of the days row, {food: price >= 0}) where price = -dual of its cap row."""
        self.h.run()
        duals = self.h.getSolution().row_dual
        prices = {i: -d for i, d in enumerate(duals[1:]) if d < -1e-12}
        return float(self.h.getInfo().objective_function_value), float(duals[0]), prices


class _BoundSearch(threading.Thread):
    """The compact weekly model's dual bound, searched by HiGHS on the other core while menus are made.

    Heuristics are off (the menus come from column generation); HiGHS's root cuts make this bound strong.
    ``stop()`` interrupts the search and returns the best bound proven so far (None if none).
    """

    def __init__(self, data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile, days: Sequence[int],
                 magnesium_min: float | None, seconds: float):
        super().__init__(name="magplan-bound", daemon=True)
        self._args = (data, targets, rules, profile, tuple(days), magnesium_min)
        self._seconds = seconds
        self._halt = threading.Event()
        self._h = None
        self.value: float | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            data, targets, rules, profile, days, mg = self._args
            mm = milp.build_menu_model(data, targets, rules, days=days, budget_usd_per_day=profile.budget_usd_per_day,
                                       magnesium_min=mg, name="magplan_week_bound")
            h = highs_model(mm.prob, rules, time_limit_s=self._seconds)
            for option in ("mip_heuristic_run_rins", "mip_heuristic_run_rens", "mip_heuristic_run_feasibility_jump",
                           "mip_heuristic_run_root_reduced_cost"):
                h.setOptionValue(option, False)
            h.setOptionValue("mip_heuristic_effort", 0.0)
            h.HandleUserInterrupt = True
            self._h = h
            if self._halt.is_set():
                return
            h.run()
            bound = float(h.getInfo().mip_dual_bound)
            if math.isfinite(bound) and abs(bound) < 1e30:
                self.value = bound
        except Exception as exc:  # a bound is a bonus: never let it break the plan
            self.error = f"{type(exc).__name__}: {exc}"

    def stop(self) -> float | None:
        self._halt.set()
        while self.is_alive():
            if self._h is not None:
                self._h.cancelSolve()
            self.join(0.05)
        return self.value


def _reduced_cost(col: Column, mu: float, prices: Mapping[int, float]) -> float:
    return col.cost - mu + sum(prices.get(i, 0.0) for i in col.main_foods)


def _polish(pricing: _Pricing, solution: dict[tuple[int, str], dict[str, float]], upper: float,
            days: Sequence[int], cap: int, slots: Sequence[str], left: Callable[[], float]
            ) -> tuple[float, dict[tuple[int, str], dict[str, float]], int]:
    """Each day in turn re-planned with the other days fixed (a small sub-MIP, the day itself as its start, its
    neighbours' meals forbidden): kept when cheaper. This also repairs weeks where the master, which does not
    see the no-repeat rule, offered too few different menus (a loose or no weekly cap)."""
    index = pricing.data.index()
    main = pricing.data.main
    improved = 0
    for _sweep in range(POLISH_SWEEPS):
        changed = False
        for d in days:
            if left() <= 0.05:
                return upper, solution, improved
            others: dict[int, int] = {}
            for dd in days:
                if dd != d:
                    for i in {index[f] for s in slots for f in solution[(dd, s)]}:
                        if main[i]:
                            others[i] = others.get(i, 0) + 1
            blocked = {i for i, n in others.items() if n >= cap}
            menu = {s: solution[(d, s)] for s in slots}
            current = pricing.column(pricing.vector(menu)).cost
            best = None
            near = {(s, frozenset(solution[(n, s)])) for n in (d - 1, d + 1) if n in days for s in slots}
            with pricing.unlike(near):
                found = pricing.submip({}, left(), blocked=blocked, menu=menu) or ()
            for x in found:
                col = pricing.column(x)
                if col.cost < current - 1e-9 and (best is None or col.cost < best.cost):
                    if all(frozenset(col.menu[s]) != frozenset(solution.get((n, s), {})) or (n, s) not in solution
                           for n in (d - 1, d + 1) for s in slots):
                        best = col
            if best is not None:
                upper -= current - best.cost
                solution.update({(d, s): dict(best.menu[s]) for s in slots})
                improved += 1
                changed = True
        if not changed:
            break
    return upper, solution, improved


def _integer_master(columns: Sequence[Column], days: Sequence[int], cap: int, slots: Sequence[str],
                    seconds: float) -> tuple[float, dict[int, int]] | None:
    """One menu per day: (cost, {day: column}) or None when the menus cannot make a week."""
    import highspy

    h = new_highs(mip_rel_gap=INTEGER_MASTER_GAP, mip_max_nodes=INTEGER_MASTER_NODES, time_limit=max(seconds, 0.1))
    inf = float("inf")
    col_of: dict[tuple[int, int], int] = {}
    for d in days:
        for j, c in enumerate(columns):
            col_of[(d, j)] = len(col_of)
            h.addCol(float(c.cost), 0.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
    n = len(col_of)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))

    def row(idx: list[int], lo: float, hi: float) -> None:
        h.addRow(lo, hi, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))

    for d in days:
        row([col_of[(d, j)] for j in range(len(columns))], 1.0, 1.0)
    for i in sorted({i for c in columns for i in c.main_foods}):
        idx = [col_of[(d, j)] for d in days for j, c in enumerate(columns) if i in c.main_foods]
        if len(idx) > cap:
            row(idx, -inf, float(cap))
    for s in slots:
        groups: dict[frozenset[str], list[int]] = {}
        for j, c in enumerate(columns):
            groups.setdefault(frozenset(c.menu[s]), []).append(j)
        for _meal, js in sorted(groups.items(), key=lambda kv: sorted(kv[0])):
            for d in days:
                if d + 1 in days:
                    row([col_of[(d, j)] for j in js] + [col_of[(d + 1, j)] for j in js], -inf, 1.0)
    h.run()
    info = h.getInfo()
    if int(info.primal_solution_status) != 2:
        return None
    x = h.getSolution().col_value
    return float(info.objective_function_value), {d: j for (d, j), k in col_of.items() if x[k] > 0.5}


def week_by_columns(data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile, days: Sequence[int], *,
                    deadline: float, magnesium_min: float | None = None,
                    clock: Callable[[], float] = time.perf_counter) -> WeekResult | None:
    """The week (see the module docstring). None when no week is found among the menus (the caller falls back);
    DayInfeasible when no single day is possible."""
    t_start = clock()

    def left() -> float:
        return deadline - clock()

    pricing = _Pricing(data, targets, rules, profile, magnesium_min)
    bound = _BoundSearch(data, targets, rules, profile, days, magnesium_min, max(min(left(), BOUND_SECONDS), 0.1))
    if BOUND_SECONDS > 0:
        bound.start()
    try:
        return _columns(pricing, bound, data, rules, days, left, clock, t_start)
    finally:
        bound.stop()


@dataclass
class _Search:
    """Where the menu search stands: the master's objective, the Lagrangian bound, the last prices, the counts."""

    master_obj: float = math.inf
    lower: float = -math.inf
    prices: dict[int, float] = field(default_factory=dict)
    rounds: int = 0
    stall_rounds: int = 0


def _columns(pricing: _Pricing, bound: _BoundSearch, data: milp.FoodData, rules: Rules, days: Sequence[int],
             left: Callable[[], float], clock: Callable[[], float], t_start: float) -> WeekResult | None:
    D, K = len(days), int(rules.max_days_per_food)
    slots = tuple(rules.slots)
    master = _seed(pricing, data, D, K, slots, left)
    if master is None:
        return None
    search = _price_menus(pricing, master, data, rules, D, K, left)
    _log("menus: %.2f s, %d rounds, %d wider pricings, master %.4f, Lagrangian bound %.4f", clock() - t_start,
         search.rounds, search.stall_rounds, search.master_obj, search.lower)
    best = _integer_master(master.columns, days, K, slots, max(left(), 1.0))
    if best is None:
        return None
    upper, chosen = best
    solution = {(d, s): dict(master.columns[chosen[d]].menu[s]) for d in days for s in slots}
    _log("integer master: %.2f s, week %.4f", clock() - t_start, upper)
    upper, solution, polished = _polish(pricing, solution, upper, days, K, slots, left)
    _log("polished: %.2f s, week %.4f (%d days changed)", clock() - t_start, upper, polished)
    stats = {"iterations": search.rounds, "stall_pricing": search.stall_rounds, "menus": len(master.columns),
             "pricing_solves": pricing.solves, "n_variables": pricing.n_variables,
             "n_constraints": pricing.n_constraints}
    found = bound.stop()
    stats["bound_search"] = found
    lower = _final_bound(pricing, search, found, D, K, left)
    _log("done: %.2f s, week %.4f, bound %.4f", clock() - t_start, upper, lower)
    if not math.isfinite(lower):
        info = SolverInfo("HiGHS", "feasible", objective=upper, seconds=round(clock() - t_start, 4))
        return WeekResult(solution, info, stats)
    gap = max(0.0, (upper - lower) / max(abs(upper), 1e-9))
    info = SolverInfo("HiGHS", "optimal" if gap <= rules.gap_rel + 1e-9 else "feasible", objective=upper,
                      best_bound=lower, gap=round(gap, 6), seconds=round(clock() - t_start, 4))
    return WeekResult(solution, info, stats)


def _seed(pricing: _Pricing, data: milp.FoodData, D: int, K: int, slots: Sequence[str],
          left: Callable[[], float]) -> _Master | None:
    """The master with its seed menus: the first menu, then menus priced away from the one before's main foods.
    None when the sub-MIP and the full day MIP find no menu in time; DayInfeasible when no day is possible."""
    first = pricing.submip({}, left())
    if first is None:  # the restricted MIP found nothing: the full day MIP decides
        out = pricing.exact({}, SUBMIP_GAP, left())
        if out is None:
            if pricing.infeasible():
                raise DayInfeasible()
            return None
        first = out[2]
    first_col = pricing.column(first[0])
    master = _Master(D, K, len(data.ids), 3.0 * abs(first_col.cost) + 1.0, slots)
    for x in first:
        master.add(pricing.column(x))
    avoid: dict[int, float] = {}
    last = first_col
    for _ in range(SEED_MENUS - 1):
        avoid.update({i: AVOID_PRICE for i in last.main_foods})
        xs = pricing.submip(avoid, left())
        if not xs:
            break
        for x in xs:
            master.add(pricing.column(x))
        last = pricing.column(xs[0])
    return master


def _add_priced(pricing: _Pricing, master: _Master, xs: Sequence[Sequence[float]], mu: float,
                prices: Mapping[int, float]) -> int:
    """Add the menus of ``xs`` with a negative reduced cost to the master; how many were new."""
    added = 0
    for x in xs:
        col = pricing.column(x)
        if _reduced_cost(col, mu, prices) < -EPS:
            added += master.add(col)
    return added


def _price_menus(pricing: _Pricing, master: _Master, data: milp.FoodData, rules: Rules, D: int, K: int,
                 left: Callable[[], float]) -> _Search:
    """Master LP and pricing rounds (smoothed duals, then plain ones, then wider pricing) until no menu helps."""
    search = _Search()
    center: dict[int, float] = {}
    alpha = SMOOTHING
    while search.rounds < MAX_ROUNDS and left() > 0.05:
        search.master_obj, mu, prices = master.solve()
        search.prices = prices
        search.rounds += 1
        if alpha > 0:
            keys = set(center) | set(prices)
            trial = {i: alpha * center.get(i, 0.0) + (1 - alpha) * prices.get(i, 0.0) for i in keys}
        else:
            trial = prices
        added = _add_priced(pricing, master, pricing.submip(trial, left()) or (), mu, prices)
        if added:
            center = trial
            continue
        if alpha > 0:  # nothing at the smoothed prices: try the master's own
            alpha = 0.0
            continue
        if search.stall_rounds >= STALL_ROUNDS:
            break
        search.stall_rounds += 1
        out = _wider_pricing(pricing, data, prices, left)
        if out is None:
            break
        search.lower = max(search.lower, D * out[0] - K * sum(prices.values()))
        added += _add_priced(pricing, master, out[2], mu, prices)
        if not added or search.master_obj - search.lower <= 0.5 * rules.gap_rel * abs(search.master_obj):
            break
        alpha = SMOOTHING
    return search


def _wider_pricing(pricing: _Pricing, data: milp.FoodData, prices: Mapping[int, float],
                   left: Callable[[], float]) -> tuple[float, float, Sequence[Sequence[float]]] | None:
    """(bound, objective, menus) of the stalled round's pricing: the wider sub-MIP, or the full day MIP on
    candidate-filtered tables; None when it finds nothing."""
    if STALL_WIDEN and not data.filtered_from:
        xs = pricing.submip(prices, left(), widths=(STALL_WIDEN,))
        return None if xs is None else (-math.inf, 0.0, xs)
    return pricing.exact(prices, EXACT_PRICING_GAP, left(), nodes=EXACT_PRICING_NODES)


def _final_bound(pricing: _Pricing, search: _Search, found: float | None, D: int, K: int,
                 left: Callable[[], float]) -> float:
    """The better of the Lagrangian bound and the bound search's; without either, the Lagrangian bound of the
    full day MIP at the last prices."""
    lower = search.lower
    if found is not None:
        lower = max(lower, found)
    elif not math.isfinite(lower) and left() > 0.05:  # no bound yet: the Lagrangian one at the last prices
        out = pricing.exact(search.prices, EXACT_PRICING_GAP, left(), nodes=EXACT_PRICING_NODES)
        if out is not None:
            lower = D * out[0] - K * sum(search.prices.values())
    return lower


def one_day(data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile, day: int, *, deadline: float,
            magnesium_min: float | None = None, clock: Callable[[], float] = time.perf_counter) -> WeekResult | None:
    """One day: a starting menu from the LP-support sub-MIP, then the full day MIP to ``rules.gap_rel``.

    Uses at most half the time limit (the rest is the fallback's). None when no menu was found in time (the
    caller falls back); DayInfeasible when no day is possible."""
    t_start = clock()
    deadline = min(deadline, t_start + max(rules.time_limit_s / 2, 0.5))

    def left() -> float:
        return deadline - clock()

    pricing = _Pricing(data, targets, rules, profile, magnesium_min)
    start = pricing.submip({}, left())
    out = pricing.exact({}, rules.gap_rel, left(), start=start[0] if start else None)
    if out is None:
        if pricing.infeasible():
            raise DayInfeasible()
        return None
    lower, upper, xs = out
    menu = pricing.column(xs[0]).menu
    gap = max(0.0, (upper - lower) / max(abs(upper), 1e-9))
    info = SolverInfo("HiGHS", "optimal" if gap <= rules.gap_rel + 1e-9 else "feasible", objective=upper,
                      best_bound=lower, gap=round(gap, 6), seconds=round(clock() - t_start, 4))
    stats = {"n_variables": pricing.n_variables, "n_constraints": pricing.n_constraints,
             "pricing_solves": pricing.solves}
    return WeekResult({(day, s): dict(menu[s]) for s in rules.slots}, info, stats)


__all__ = ["DayInfeasible", "WeekResult", "one_day", "week_by_columns"]
