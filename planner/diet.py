"""The classic diet problem on any table: amounts of foods meeting nutrient limits at least cost.

Backs ``magplan optimize`` and the app's advanced panel. FOODS: an id column plus numeric columns (NaN
counts as 0 and is reported); LIMITS: ``nutrient,min,max`` rows naming FOODS columns (min or max may be
empty). Objective: the cost column (per unit of amount) or, without one, the total amount. Amounts are
whole units unless ``continuous``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
import pulp

from foods.errors import FoodTableError
from planner.errors import PlanError
from planner.model import Rules, SolverInfo
from planner.solve import run


@dataclass(frozen=True)
class DietResult:
    status: str
    objective: float
    amounts: Mapping[str, float]
    totals: Mapping[str, float]
    limits: Mapping[str, tuple[float | None, float | None]]
    solver: SolverInfo
    unmeasured: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _num_or_none(v: object, where: str) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and pd.isna(v)):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FoodTableError(f"{where}: '{v}' is not a number; write e.g. 320 or leave it empty") from None
    if np.isnan(x) or np.isinf(x):
        return None
    return x


@dataclass(frozen=True)
class _Table:
    """The checked problem: food ids, limits by nutrient, nutrient values (NaN -> 0), unmeasured foods, costs."""

    ids: pd.Series
    limits: dict[str, tuple[float | None, float | None]]
    values: dict[str, np.ndarray]
    unmeasured: dict[str, tuple[str, ...]]
    cost: np.ndarray


def optimize_table(foods: pd.DataFrame, limits: pd.DataFrame, *, id_column: str = "id",
                   cost_column: str | None = None, continuous: bool = False,
                   time_limit_s: float = 30) -> DietResult:
    """Solve the diet problem; PlanError naming the clashing limits when none is possible."""
    table = _read_table(foods, limits, id_column, cost_column)
    r = Rules(time_limit_s=float(time_limit_s), gap_rel=1e-6)
    prob, x, _ = _build(table, continuous, elastic=False)
    out = run(prob, r)
    if not out.feasible:
        raise PlanError(f"no combination of the foods meets the limits: {_clash(table, continuous, r)}. "
                        "Relax those limits or add foods.")
    amounts = {}
    for fid, v in zip(table.ids, x):
        val = float(v.varValue or 0.0)
        if abs(val) > 1e-9:
            amounts[fid] = round(val, 6) if continuous else float(round(val))
    a = np.array([amounts.get(f, 0.0) for f in table.ids])
    totals = {name: round(float(table.values[name] @ a), 6) for name in table.limits}
    objective = float(table.cost @ a)
    return DietResult(status=out.info.status, objective=round(objective, 6), amounts=amounts, totals=totals,
                      limits=table.limits, solver=out.info,
                      unmeasured={k: tuple(f for f in v if f in amounts) for k, v in table.unmeasured.items()
                                  if any(f in amounts for f in v)})


def _read_table(foods: pd.DataFrame, limits: pd.DataFrame, id_column: str, cost_column: str | None) -> _Table:
    """The foods and limits tables, checked; FoodTableError naming the table, row and column of a bad value."""
    if id_column not in foods.columns:
        raise FoodTableError(f"no id column '{id_column}'; columns are {', '.join(map(str, foods.columns))} "
                             "(choose one with --id-column)", path="foods")
    ids = foods[id_column].astype(str).str.strip()
    if ids.duplicated().any():
        raise FoodTableError(f"id '{ids[ids.duplicated()].iloc[0]}' appears twice; ids must be unique",
                             path="foods", column=id_column)
    for c in ("nutrient", "min", "max"):
        if c not in limits.columns:
            raise FoodTableError(f"missing column '{c}'; the header must be nutrient,min,max", path="limits")
    if cost_column is not None and cost_column not in foods.columns:
        raise FoodTableError(f"no cost column '{cost_column}'; columns are {', '.join(map(str, foods.columns))}",
                             path="foods")
    rules = _read_limits(foods, limits, id_column)
    values: dict[str, np.ndarray] = {}
    unmeasured: dict[str, tuple[str, ...]] = {}
    for name in rules:
        col = pd.to_numeric(foods[name], errors="coerce")
        bad = col.isna() & foods[name].notna() & (foods[name].astype(str).str.strip() != "")
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise FoodTableError(f"'{foods[name].iloc[pos]}' is not a number", path="foods", row=pos + 2, column=name)
        unmeasured[name] = tuple(ids[col.isna()].tolist())
        values[name] = col.fillna(0.0).to_numpy(float)
    return _Table(ids=ids, limits=rules, values=values, unmeasured=unmeasured,
                  cost=_read_cost(foods, ids, cost_column))


def _read_limits(foods: pd.DataFrame, limits: pd.DataFrame,
                 id_column: str) -> dict[str, tuple[float | None, float | None]]:
    """nutrient -> (min or None, max or None), each naming a numeric column of the foods table."""
    rules: dict[str, tuple[float | None, float | None]] = {}
    for pos, row in enumerate(limits.itertuples(index=False)):
        name = str(row.nutrient).strip()
        where = f"limits row {pos + 2}"
        if name not in foods.columns or name == id_column:
            raise FoodTableError(f"{where}: nutrient '{name}' is not a column of the foods table; use one of "
                                 f"{', '.join(c for c in map(str, foods.columns) if c != id_column)}")
        lo, hi = _num_or_none(row.min, where), _num_or_none(row.max, where)
        if lo is None and hi is None:
            raise FoodTableError(f"{where}: give a min, a max or both for '{name}'")
        if lo is not None and hi is not None and lo > hi:
            raise FoodTableError(f"{where}: min {lo:g} is above max {hi:g} for '{name}'")
        rules[name] = (lo, hi)
    if not rules:
        raise FoodTableError("the limits table has no rows; add e.g. 'magnesium_mg,320,'", path="limits")
    return rules


def _read_cost(foods: pd.DataFrame, ids: pd.Series, cost_column: str | None) -> np.ndarray:
    """Cost per unit of amount of each food (1 each without a cost column, so the total amount is minimised)."""
    if cost_column is None:
        return np.ones(len(ids))
    cost = pd.to_numeric(foods[cost_column], errors="coerce")
    if cost.isna().any():
        pos = int(np.flatnonzero(cost.isna().to_numpy())[0])
        raise FoodTableError(f"food '{ids.iloc[pos]}' has no cost; every row needs a number", path="foods",
                             row=pos + 2, column=cost_column)
    return cost.to_numpy(float)


def _build(table: _Table, continuous: bool, *,
           elastic: bool) -> tuple[pulp.LpProblem, list[pulp.LpVariable], dict[str, pulp.LpVariable]]:
    """The diet model (``min_<k>`` / ``max_<k>`` rows); elastic: each limit gets a slack and the objective is
    the relative slack."""
    prob = pulp.LpProblem("diet", pulp.LpMinimize)
    cat = pulp.LpContinuous if continuous else pulp.LpInteger
    x = [pulp.LpVariable(f"amount_{i}", lowBound=0, cat=cat) for i in range(len(table.ids))]
    slacks: dict[str, pulp.LpVariable] = {}
    obj = [] if elastic else [(v, float(c)) for v, c in zip(x, table.cost)]
    for k, (name, (lo, hi)) in enumerate(table.limits.items()):
        terms = [(v, float(a)) for v, a in zip(x, table.values[name]) if a != 0]
        for bound, sense, tag in ((lo, pulp.LpConstraintGE, "min"), (hi, pulp.LpConstraintLE, "max")):
            if bound is None:
                continue
            extra = []
            if elastic:
                s = pulp.LpVariable(f"slack_{tag}_{k}", lowBound=0)
                slacks[f"{name}:{tag}"] = s
                extra = [(s, 1.0 if sense == pulp.LpConstraintGE else -1.0)]
                obj.append((s, 1.0 / max(abs(bound), 1.0)))
            prob.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms + extra), sense,
                                                 f"{tag}_{k}", float(bound)))
    prob.setObjective(pulp.LpAffineExpression(obj))
    return prob, x, slacks


def _clash(table: _Table, continuous: bool, r: Rules) -> str:
    """Which limits clash and by how much, from the elastic model."""
    eprob, _ex, slacks = _build(table, continuous, elastic=True)
    eout = run(eprob, r)
    parts = []
    if eout.feasible:
        for key, s in slacks.items():
            amount = float(s.varValue or 0.0)
            if amount > 1e-6:
                name, tag = key.split(":")
                lo, hi = table.limits[name]
                if tag == "min":
                    parts.append(f"{name} reaches at most {lo - amount:.4g} (min {lo:g})")
                else:
                    parts.append(f"{name} cannot go below {hi + amount:.4g} (max {hi:g})")
    return "; ".join(parts) if parts else "the limits contradict each other"


__all__ = ["DietResult", "optimize_table"]
