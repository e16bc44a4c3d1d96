"""The week method's day model (``planner.week``): one day of ``planner.menu``'s model, built once per plan
with the portion levels the planner serves (a second, with every level, only for a lock at another portion),
handed to HiGHS once, and set for each day by its ``DayContext``.

A day differs from the next only in what the rest of the week asks of it: dishes not allowed today (upper
bound 0), the co-nutrient prices and a household's bonuses (costs), a lock's rows, "not the same day as day n",
a fish or meat main, a soft row per co-nutrient the week is behind on (``short_<nutrient>``, a new column),
and a food-group limit a person's own locks exceed (a row bound). Building the whole model in PuLP for each
day and handing it to HiGHS was a third of a week's planning time; with one model changed per day the woman of
45's week takes 1.25 s instead of 1.64 s (bench/README.md).

Rows added for a day are named as before (``locked_<slot>_<dish>``, ``locked_portions_<slot>_<dish>``,
``not_same_day_as_<n>``, ``shared_with_<n>``, ``not_same_mains_as_<n>``, ``fish_<d>``, ``meat_<d>``, ``fish_g_<d>`` (what the week's
cap of fish leaves today), ``fish_g_min_<d>`` (the week's minimum, softly), ``<nutrient>_day_<d>``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

import numpy as np
import pulp

from planner import menu, solve
from planner.kept import Kept
from planner.menu import PLANNED_QUARTERS, DishData, MenuModel
from planner.model import Rules, Targets

Key = tuple[int, str, str, int]  # (day, slot, role, dish index) of the model
Menu = tuple[tuple[str, str, int, float], ...]  # a day's menu: (slot, role, dish index, portions)
# Two days share at most so many dishes (a main at lunch or dinner alike): a dietitian found a man's day 2 and
# day 4 sharing 5 of their 6 dishes (``shared_with_<n>``, ``days_differ``).
SHARED_DISHES_MAX = 3


@dataclass(frozen=True)
class DayContext:
    """What the rest of the week asks of one day when it is planned on its own (the week method's view).

    ``banned``: (role, dish index) pairs not allowed today (weekly caps reached, a main of a neighbouring day);
    ``fixed``: (slot, role, dish index, portions or None) that must be in today's menu (locks);
    ``other_days``: the other days' menus as sets of (slot, role, dish index): today must differ from each;
    ``need_fish``: today needs a fish main; ``prices``: nutrient -> reward per unit (the week's co-nutrient
    prices);
    ``closed``: meal slots that hold exactly their ``fixed`` dishes, nothing added (a locked meal).
    """

    banned: frozenset[tuple[str, int]] = frozenset()
    fixed: tuple[tuple[str, str, int, float | None], ...] = ()
    other_days: tuple[frozenset[tuple[str, str, int]], ...] = ()
    need_fish: bool = False
    need_meat: bool = False
    prices: Mapping[str, float] = field(default_factory=dict)
    # nutrient -> (today's share of what the week still needs, objective per unit short): soft rows
    co_targets: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()
    # (slot, dish index) -> objective reward for choosing it (a dish another person eats at that meal today)
    bonus: Mapping[tuple[str, int], float] = field(default_factory=dict)
    # (slot, dish index) not allowed in that meal today (a household's shared meal: dishes not everyone eats)
    slot_banned: frozenset[tuple[str, int]] = frozenset()
    # (slot, dish index) of ``fixed`` dishes kept only because the day had them (an edit's minimal change), not
    # chosen: unlike a lock, they do not stretch the food-group limits (two dishes on brown rice, say)
    kept: frozenset[tuple[str, int]] = frozenset()
    fish_g_max: float | None = None  # grams of fish and seafood today at most (what the week's cap leaves)
    # the dinner main is eaten again at tomorrow's lunch (a leftover): its fish counts twice against fish_g_max
    fish_dinner_twice: bool = False
    # (grams of fish today at least, objective per gram short): the week's minimum (pregnancy) on a fish day, softly
    fish_g_min: tuple[float, float] | None = None


@dataclass
class Overlay:
    """A day's changes to the base model: columns not allowed today, cost per unit added to columns, rows to
    add (over the base's columns and the ``new`` ones), and food-group rows whose limit a lock raises."""

    closed: set[pulp.LpVariable] = field(default_factory=set)
    cost: dict[pulp.LpVariable, float] = field(default_factory=dict)
    rows: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    new: list[pulp.LpVariable] = field(default_factory=list)
    row_upper: dict[str, float] = field(default_factory=dict)


def build_day_base(data: DishData, targets: Targets, rules: Rules, budget_usd_per_day: float | None, *,
                   all_levels: bool = False) -> MenuModel:
    """Day 0 of the menu model, no co-nutrient rows: the portion levels the planner serves, or every level
    (``all_levels``: for a day that fixes a dish at a portion the planner does not serve, 1.75 say)."""
    model = MenuModel(pulp.LpProblem("magplan_day", pulp.LpMinimize), days=(0,))
    menu.add_day_rows(model, data, targets, rules, budget_usd_per_day, all_levels=all_levels)
    model.prob += menu.dish_objective(model, data, rules) + menu.add_food_groups(model, data) + model.soft
    return model


@dataclass(frozen=True)
class _Columns:
    """A base model's 0/1 columns in one order, as arrays (``overlay``'s per-day work): the column, its dish and
    portion level, and its key's levels the planner does not serve (whole eggs: ``DishData.planned_levels``)."""

    xs: tuple[pulp.LpVariable, ...]
    dish: np.ndarray
    quarters: np.ndarray
    slot: np.ndarray
    unserved: dict[tuple[int, str, str, int], tuple[pulp.LpVariable, ...]]


def columns_of(model: MenuModel, data: DishData) -> _Columns:
    """The base ``model``'s columns as ``overlay`` reads them (built once per base: ``DayModel``)."""
    pairs = [(key, q, x) for key, levels in model.x.items() for q, x in levels.items()]
    unserved = {key: tuple(x for q, x in levels.items() if q not in data.planned_levels(key[3], PLANNED_QUARTERS[key[2]]))
                for key, levels in model.x.items()}
    return _Columns(tuple(x for _k, _q, x in pairs), np.array([k[3] for k, _q, _x in pairs]),
                    np.array([q for _k, q, _x in pairs], dtype=float), np.array([k[1] for k, _q, _x in pairs]),
                    unserved)


def overlay(model: MenuModel, data: DishData, context: DayContext, day: int, columns: _Columns | None = None
            ) -> Overlay:
    """What ``context`` changes in the base ``model`` for ``day`` (``columns``: ``columns_of(model, data)``)."""
    out = Overlay()
    columns = columns or columns_of(model, data)
    pinned = {(s, r, i): p for s, r, i, p in context.fixed}
    for key, levels in model.x.items():
        _d, s, r, i = key
        fixed = (s, r, i) in pinned  # a lock, a leftover lunch, a household's shared dish
        if not fixed and ((r, i) in context.banned or (s, i) in context.slot_banned or s in context.closed):
            out.closed.update(levels.values())
        elif not fixed or (pinned[(s, r, i)] is None and s not in context.closed):  # a leftover lunch: whole eggs too
            out.closed.update(columns.unserved[key])
    _add_costs(out, data, context, columns)
    _add_locks(out, model, data, context)
    _add_other_days(out, model, context)
    for need, kind, name in ((context.need_fish, data.fish, "fish"), (context.need_meat, data.meat, "meat")):
        if need:
            out.rows[f"{name}_{day}"] = pulp.lpSum(y for (_d, _s, r, i), y in model.y.items()
                                                   if r == "main" and kind[i]) >= 1
    if context.fish_g_max is not None:
        again = menu.per_serving(model, data.fish_g, 0, ("dinner",)) if context.fish_dinner_twice else 0
        out.rows[f"fish_g_{day}"] = menu.per_serving(model, data.fish_g, 0) + again <= context.fish_g_max
    if context.fish_g_min is not None and context.fish_g_min[0] > 0:
        grams, per_g = context.fish_g_min
        short = pulp.LpVariable(f"fish_g_short_{day}", lowBound=0, upBound=grams)
        out.new.append(short)
        out.cost[short] = per_g
        out.rows[f"fish_g_min_{day}"] = menu.per_serving(model, data.fish_g, 0) + short >= grams
    for column, (target, per_unit) in context.co_targets.items():  # today's share, softly
        if target > 0:
            short = pulp.LpVariable(f"short_{column}_{day}", lowBound=0, upBound=target)
            out.new.append(short)
            out.cost[short] = per_unit
            out.rows[f"{column}_day_{day}"] = menu.amount(model, data, column, 0) + short >= target
    fixed = {(s, i) for s, _r, i, _p in context.fixed} - context.kept
    for name, (keys, limit) in model.limits.items():  # the person's own choice stands
        most = sum(1 for key in keys if (key[1], key[3]) in fixed)
        if most > limit:
            out.row_upper[name] = float(most)
    return out


def _add_costs(out: Overlay, data: DishData, context: DayContext, columns: _Columns) -> None:
    """The co-nutrient prices (a reward per unit: no rows) and a household's bonuses, per column."""
    worth = sum((float(p) * data.values[n] for n, p in context.prices.items()), np.zeros(len(data.ids)))
    bonus = np.zeros(len(columns.xs))
    for (slot, i), reward in context.bonus.items():
        bonus[(columns.slot == slot) & (columns.dish == i)] = reward
    change = -0.25 * columns.quarters * worth[columns.dish] - bonus
    out.cost.update((columns.xs[j], float(change[j])) for j in np.flatnonzero(change))


def _add_locks(out: Overlay, model: MenuModel, data: DishData, context: DayContext) -> None:
    for slot, role, i, portions in context.fixed:
        key = (0, slot, role, i)
        if key not in model.y:
            continue  # a fixed dish the diet no longer allows is dropped by the caller's checks
        out.rows[f"locked_{slot}_{data.ids[i]}"] = model.y[key] == 1
        if portions is not None:
            out.rows[f"locked_portions_{slot}_{data.ids[i]}"] = model.k[key] == round(portions * 4)


def _add_other_days(out: Overlay, model: MenuModel, context: DayContext) -> None:
    """Today is not another day (its dishes, whichever main is lunch and which dinner), nor has its two mains.
    No row when a dish of that day is not allowed today: today cannot be that day."""
    open_keys = {key for key, levels in model.x.items() if any(x not in out.closed for x in levels.values())}

    def allowed(s: str, r: str, i: int) -> bool:
        return any((0, s2, r, i) in open_keys for s2 in (("lunch", "dinner") if r == "main" else (s,)))

    for n, other in enumerate(context.other_days):
        if all(allowed(s, r, i) for s, r, i in other):
            same = [y for (_d, s, r, i), y in model.y.items() if (s, r, i) in other]
            extra = [y for key, y in model.y.items() if key in open_keys and key[1:] not in other]
            size = len({(r, i) if r == "main" else (s, r, i) for s, r, i in other})
            out.rows[f"not_same_day_as_{n + 1}"] = pulp.lpSum(same) - pulp.lpSum(extra) <= size - 1
        other_mains = {i2 for _s2, r2, i2 in other if r2 == "main"}
        shared = [y for (_d, s, r, i), y in model.y.items() if (r == "main" and i in other_mains) or (s, r, i) in other]
        if len(shared) > SHARED_DISHES_MAX:
            out.rows[f"shared_with_{n + 1}"] = pulp.lpSum(shared) <= SHARED_DISHES_MAX
        mains = {i for s, r, i in other if r == "main" and allowed(s, r, i)}
        if len(mains) > 1:
            out.rows[f"not_same_mains_as_{n + 1}"] = pulp.lpSum(
                y for (_d, _s, r, i), y in model.y.items() if r == "main" and i in mains) <= 1


@dataclass
class _Base:
    """A base day model as HiGHS holds it: its HighsLp to restore, row numbers by name, (key, level, column)."""

    model: MenuModel
    highs: object
    lp: object
    rows: dict[str, int]
    levels: list[tuple[Key, int, int]]
    columns: _Columns


class DayModel:
    """The base day model held by HiGHS; ``solve(context, day)`` sets the day and returns its menu."""

    def __init__(self, data: DishData, targets: Targets, rules: Rules, budget_usd_per_day: float | None,
                 solver_rules: Rules, *, source: DayModel | None = None) -> None:
        self.data, self.solver_rules = data, solver_rules
        self.inputs = (data, targets, rules, budget_usd_per_day)
        self.bases: dict[bool, _Base] = {}
        self.source = source
        self.lock = source.lock if source is not None else threading.Lock()

    def twin(self) -> DayModel:
        """A day model for a second thread: the same base models (built once, read only), its own HiGHS."""
        return DayModel(*self.inputs, self.solver_rules, source=self)

    def _base(self, all_levels: bool) -> _Base:
        with self.lock:
            if all_levels not in self.bases:
                self.bases[all_levels] = self._build(all_levels)
            return self.bases[all_levels]

    def _build(self, all_levels: bool) -> _Base:
        if self.source is not None:  # called under the shared lock: the source's base, without locking again
            if all_levels not in self.source.bases:
                self.source.bases[all_levels] = self.source._build(all_levels)
            base = self.source.bases[all_levels]
            return replace(base, highs=solve.highs_of_lp(base.lp, self.solver_rules))
        model = build_day_base(*self.inputs, all_levels=all_levels)
        h = solve.highs_model(model.prob, self.solver_rules)
        return _Base(model, h, h.getLp(), {name: c.index for name, c in model.prob.constraints.items()},
                     [(key, q, x.index) for key, lv in model.x.items() for q, x in lv.items()],
                     columns_of(model, self.data))

    def solve(self, context: DayContext, day: int, *, max_nodes: int, options: Mapping[str, object],
              max_steps: int) -> tuple[tuple[str, str, int, float], ...] | None:
        """The day's menu ((slot, role, dish index, portions), sorted), or None when no menu fits."""
        base = self._base(any(p is not None and round(p * 4) not in PLANNED_QUARTERS[r]
                              for _s, r, _i, p in context.fixed))
        base.highs.passModel(base.lp)
        self._apply(base, overlay(base.model, self.data, context, day, base.columns))
        found = solve.solve_pruned(base.highs, self.solver_rules, max_nodes=max_nodes, options=options,
                                   max_steps=max_steps)
        if found is None:
            return None
        values = found[0]
        return tuple(sorted((s, r, i, q / 4) for (_d, s, r, i), q, j in base.levels if values[j] > 0.5))

    @staticmethod
    def _apply(base: _Base, change: Overlay) -> None:
        import highspy

        h, n = base.highs, base.lp.num_col_
        closed = np.array(sorted(x.index for x in change.closed), dtype=np.int32)
        if len(closed):
            h.changeColsBounds(len(closed), closed, np.zeros(len(closed)), np.zeros(len(closed)))
        for k, v in enumerate(change.new):
            v.index = n + k
            h.addCol(0.0, float(v.lowBound or 0.0), float(v.upBound), 0, np.array([], dtype=np.int32),
                     np.array([], dtype=float))
        if change.cost:
            cols = np.array([v.index for v in change.cost], dtype=np.int32)
            before = np.array([base.lp.col_cost_[c] if c < n else 0.0 for c in cols])
            h.changeColsCost(len(cols), cols, before + np.array(list(change.cost.values()), dtype=float))
        for name, upper in change.row_upper.items():
            h.changeRowBounds(base.rows[name], -highspy.kHighsInf, upper)
        for c in change.rows.values():
            items = [(v.index, a) for v, a in c.items() if a]
            lb, ub = c.getLb(), c.getUb()
            h.addRow(-highspy.kHighsInf if lb is None else lb, highspy.kHighsInf if ub is None else ub, len(items),
                     np.array([j for j, _a in items], dtype=np.int32), np.array([a for _j, a in items], dtype=float))


KEPT_MODELS_MAX = 4
_kept_models: Kept[DayModel] = Kept(KEPT_MODELS_MAX)


def kept_day_model(data: DishData, targets: Targets, rules: Rules, budget_usd_per_day: float | None,
                   solver_rules: Rules) -> DayModel:
    """A day model whose bases are built once for the last KEPT_MODELS_MAX (data, targets, rules): an edit of a
    plan (``planner.edits``) sets the same base again instead of building it (about 0.15 s). Each call gets its
    own HiGHS (``DayModel.twin``), so two sessions of the app never share one."""
    key = (id(data), repr(targets), repr(rules), budget_usd_per_day, repr(solver_rules))  # a dict in them: repr
    source = _kept_models.get(key, data, lambda: DayModel(data, targets, rules, budget_usd_per_day, solver_rules))
    return source.twin()


def day_key(day_menu: Iterable[tuple[str, str, int, float | None]]) -> tuple[frozenset, frozenset]:
    """What makes two days the same: the same dishes, lunch and dinner mains either way round (mains, the rest)."""
    day_menu = list(day_menu)
    mains = frozenset(i for _s, r, i, _p in day_menu if r == "main")
    return mains, frozenset((s, r, i) for s, r, i, _p in day_menu if r != "main")


def shared_dishes(a: Iterable[tuple[str, str, int, float | None]], b: Iterable[tuple[str, str, int, float | None]]) -> int:
    """How many dishes two days have in common (a main at lunch or dinner alike)."""
    (mains_a, rest_a), (mains_b, rest_b) = day_key(a), day_key(b)
    return len(mains_a & mains_b) + len(rest_a & rest_b)


def menus_amount(data: DishData, menus: Mapping[int, Menu], column: str) -> float:
    """How much of ``column`` (a nutrient column of ``data.values``) the days' ``menus`` hold, portions counted."""
    return sum(p * float(data.values[column][i]) for m in menus.values() for _s, _r, i, p in m)


def days_differ(menus: Iterable[Iterable[tuple[str, str, int, float | None]]]) -> bool:
    """No two days with the same dishes (``day_key``), nor the same pair of mains, nor more than
    SHARED_DISHES_MAX dishes in common (the week's improvement pass keeps a trial week only then)."""
    days = [list(m) for m in menus]
    if any(shared_dishes(a, b) > SHARED_DISHES_MAX for n, a in enumerate(days) for b in days[n + 1:]):
        return False
    seen, pairs = set(), set()
    for m in days:
        day = day_key(m)
        if day in seen or (len(day[0]) > 1 and day[0] in pairs):
            return False
        seen.add(day)
        pairs.add(day[0])
    return True
