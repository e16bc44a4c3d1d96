"""Build the PuLP menu model (days x meal slots x eligible foods); every constraint has a readable name.

Formulation (documented in one place, used by plan_week, replan, explain and ``--write-model``):

* ``n[d,s,f]`` integer number of serving steps (``Rules.servings_step``, default half servings) of food f in
  slot s of day d, ``0 <= n <= max_servings_per_meal / step``; ``y[d,s,f]`` binary "f is in the meal"
  (``y <= n <= ub*y``); ``u[d,f]`` binary "main food f is eaten on day d" (``y <= u``).
* Per day: magnesium >= target (NaN magnesium counts 0), energy in range, protein >= floor, fiber >= AI,
  sodium <= CDRR, optional iron / vitamin D / B12 minimums, budget, evening magnesium share, caffeine after
  lunch, each meal's share of the day's energy within ``MEAL_ENERGY_SHARE``, 1..max foods per meal, at most
  one food per meal from each category in ``ONE_PER_MEAL_CATEGORIES`` (more only if the person fixed them),
  at least ``Rules.produce_servings_min`` servings of vegetables, leafy greens and fruit
  (``produce_servings_min_day_<d>``) and, with ``Rules.vegetables_at_main_meals``, a vegetable or leafy green
  at lunch and at dinner (``vegetable_in_meal_day_<d>_<slot>``; not in a locked meal); these two apply to a
  full day of the four default meals only (``realistic_day``), like the meal energy shares.
  A NaN nutrient counts as 0 in every constraint (so a food with unmeasured sodium is not limited by the
  sodium cap); the plan's ``measured`` shares report how much of each total is measured. Foods with NaN
  energy are not eligible (a menu cannot be balanced around unknown energy), nor are foods without a meal
  slot (ingredients used only in dishes).
* A main food in at most ``MAX_MEALS_PER_FOOD_PER_DAY`` meals of a day (``meals_per_day_<d>_<food>``).
* Week: a main food on at most ``max_days_per_food`` days (``max_days_<food>``); no identical meal (same set of
  foods) in a slot on consecutive days (``not_same_meal_day_<d>_<slot>``, exact with continuous helpers).
* Objective (USD-like units, minimised): cost of the food (price per serving; unknown prices use the median
  known price per 100 g of the table's foods with a meal slot, else $1.00/100 g) + ``ITEM_PENALTY`` per item
  (simple meals)
  - ``FAVORITE_BONUS`` per serving of a favourite + a tiny fixed-order tie-break; for a re-plan,
  (plus ``SIDE_ITEM_PENALTY`` for foods outside the variety cap); in a re-plan ``CHANGE_WEIGHT`` per serving
  step changed versus the previous plan comes first (minimal change dominates).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd
import pulp

from foods.schema import SLOTS, split_tags
from planner.errors import PlanError
from planner.model import Profile, Rules, Targets

# Share of the day's energy each meal may have (lo, hi); applies when the rules use the four default slots.
MEAL_ENERGY_SHARE: dict[str, tuple[float, float]] = {
    "breakfast": (0.15, 0.40), "lunch": (0.20, 0.45), "dinner": (0.20, 0.45), "snack": (0.03, 0.30),
}
ITEM_PENALTY = 0.05
SIDE_ITEM_PENALTY = 0.20  # extra per item for foods outside the variety cap (oils, condiments, drinks)
FAVORITE_BONUS = 0.30  # USD-like bonus per serving of a favourite food
TIE_BREAK = 1e-4
CHANGE_WEIGHT = 100.0
DEFAULT_PRICE_USD_PER_100G = 1.0
MAX_MEALS_PER_FOOD_PER_DAY = 2  # a main food in at most two meals of a day (1 made every week hit the time limit)
CANDIDATES_ABOVE = 400  # tables with more eligible foods than this are reduced to the best candidates
CANDIDATES_PER_RANKING = 25

# At most one food of each of these categories in one meal (no rice + pasta + millet lunches).
ONE_PER_MEAL_CATEGORIES: frozenset[str] = frozenset({
    "whole_grains", "refined_grains", "breads", "breakfast_cereals", "legumes_soy", "fish_seafood",
    "eggs_poultry_meat", "dairy_alternatives", "dark_chocolate", "snacks_sweets", "fats_oils", "drinks",
    "nuts", "seeds", "leafy_greens",
})
# Realistic days (Rules.produce_servings_min, Rules.vegetables_at_main_meals).
PRODUCE_CATEGORIES: frozenset[str] = frozenset({"vegetables", "leafy_greens", "fruit"})
VEGETABLE_CATEGORIES: frozenset[str] = frozenset({"vegetables", "leafy_greens"})
MAIN_MEALS: tuple[str, ...] = ("lunch", "dinner")
CONSTRAINED = ("magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "caffeine_mg",
               "iron_mg", "vitamin_d_ug", "vitamin_b12_ug")


def meal_share_bounds(slot: str, slots: Sequence[str] = SLOTS) -> tuple[float, float]:
    """(lo, hi) share of the day's energy for ``slot``; (0, 1) when the slots are not the default four."""
    if tuple(slots) != SLOTS:
        return (0.0, 1.0)
    return MEAL_ENERGY_SHARE.get(slot, (0.0, 1.0))


def realistic_day(rules: Rules) -> bool:
    """True when the produce rules apply: a full day of the four default meals (like the energy shares)."""
    return tuple(rules.slots) == SLOTS


@dataclass
class FoodData:
    """Eligible foods as arrays (fixed order: sorted food_id)."""

    ids: list[str]
    per_step: dict[str, np.ndarray]  # nutrient per serving step (NaN -> 0)
    price_step: np.ndarray  # USD per serving step (unknown -> proxy)
    price_known: np.ndarray
    slot_ok: dict[str, np.ndarray]
    ub: np.ndarray  # max steps per meal
    main: np.ndarray
    favorite: np.ndarray
    category: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filtered_from: int = 0  # eligible foods before the candidate filter (0: no filter, every eligible food)

    def index(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.ids)}


def has_slot(foods: pd.DataFrame) -> pd.Series:
    """True for foods with at least one meal slot; an empty ``slots`` marks an ingredient used only in dishes."""
    return foods["slots"].map(lambda v: bool(split_tags(v))).astype(bool)


def eligible_mask(foods: pd.DataFrame, profile: Profile, excluded: Collection[str] = ()) -> pd.Series:
    """True for foods the profile's diet and allergens allow, not excluded, with a known energy value and at
    least one meal slot (ingredients used only in dishes are never planned on their own)."""
    avoid = set(profile.avoid_allergens)
    diet = profile.diet
    ok = []
    for tags, allergens in zip(foods["diet_tags"], foods["allergens"]):
        good = diet == "omnivore" or diet in split_tags(tags)
        ok.append(good and not (set(split_tags(allergens)) & avoid))
    mask = pd.Series(ok, index=foods.index)
    banned = set(profile.exclude_foods) | set(excluded)
    mask &= ~foods.index.isin(list(banned))
    mask &= foods["energy_kcal"].notna() & (foods["serving_g"] > 0)
    mask &= has_slot(foods)
    return mask


def _candidates(foods: pd.DataFrame, rules: Rules, keep: set[str]) -> list[str]:
    """For large tables: the union of the best foods by several per-kcal / per-cost ratios, per slot."""
    per_serv = {c: foods[c].fillna(0.0) * foods["serving_g"] / 100.0 for c in CONSTRAINED}
    kcal = per_serv["energy_kcal"].clip(lower=1.0)
    price = foods["price_usd_per_100g"].fillna(DEFAULT_PRICE_USD_PER_100G) * foods["serving_g"] / 100.0
    price = price.clip(lower=0.01)
    rankings = {
        "mg_per_kcal": per_serv["magnesium_mg"] / kcal, "mg_per_usd": per_serv["magnesium_mg"] / price,
        "mg_per_serving": per_serv["magnesium_mg"], "protein_per_kcal": per_serv["protein_g"] / kcal,
        "fiber_per_kcal": per_serv["fiber_g"] / kcal, "kcal_per_usd": kcal / price,
        "mg_and_protein": per_serv["magnesium_mg"] / kcal * 0.5 + per_serv["protein_g"] / kcal * 10,
        "iron_per_kcal": per_serv["iron_mg"] / kcal, "b12_per_kcal": per_serv["vitamin_b12_ug"] / kcal,
        "vitd_per_kcal": per_serv["vitamin_d_ug"] / kcal,
    }
    low_sodium = per_serv["sodium_mg"] < 0.5 * kcal  # < 0.5 mg sodium per kcal
    chosen = set(keep)
    for slot in rules.slots:
        in_slot = foods["slots"].map(lambda v: slot in split_tags(v)) & low_sodium
        for score in rankings.values():
            s = score[in_slot]
            top = s[s > 0].sort_index().sort_values(ascending=False, kind="mergesort")
            chosen.update(top.index[:CANDIDATES_PER_RANKING])
    return sorted(chosen)


def food_data(foods: pd.DataFrame, profile: Profile, rules: Rules, *, excluded: Collection[str] = (),
              extra: Collection[str] = ()) -> FoodData:
    """Arrays of the eligible foods. Needs the schema columns (serving_g, slots, prices, nutrients ...).

    ``extra`` foods (fixed or required by a re-plan) are kept even when a candidate filter applies.
    """
    mask = eligible_mask(foods, profile, excluded)
    elig = foods[mask]
    notes: list[str] = []
    if len(elig) > CANDIDATES_ABOVE:
        keep = {f for f in (*profile.favorite_foods, *extra) if f in elig.index}
        ids = _candidates(elig, rules, keep)
        notes.append(f"Planned from {len(ids)} candidate foods chosen by magnesium, protein, fiber and cost "
                     f"per calorie out of {len(elig)} eligible foods.")
    else:
        ids = sorted(elig.index)
    sub = foods.loc[ids] if ids else foods.iloc[:0]
    step = float(rules.servings_step)
    grams_step = sub["serving_g"].to_numpy(float) * step
    per_step = {c: np.nan_to_num(sub[c].to_numpy(float)) * grams_step / 100.0 for c in CONSTRAINED}
    known_prices = foods.loc[has_slot(foods), "price_usd_per_100g"].dropna()
    proxy = float(known_prices.median()) if len(known_prices) else DEFAULT_PRICE_USD_PER_100G
    prices = sub["price_usd_per_100g"].to_numpy(float)
    price_known = ~np.isnan(prices)
    price_step = np.where(price_known, prices, proxy) * grams_step / 100.0
    slot_ok = {s: np.array([s in split_tags(v) for v in sub["slots"]], dtype=bool) for s in rules.slots}
    ub = np.maximum(1, np.floor(sub["max_servings_per_meal"].to_numpy(float) / step + 1e-9)).astype(int)
    fav = np.isin(np.array(ids, dtype=object), list(profile.favorite_foods))
    return FoodData(ids=list(ids), per_step=per_step, price_step=price_step, price_known=price_known,
                    slot_ok=slot_ok, ub=ub, main=sub["main_item"].to_numpy(bool), favorite=fav,
                    category=[str(c) for c in sub["category"]], notes=notes,
                    filtered_from=len(elig) if len(elig) > CANDIDATES_ABOVE else 0)


@dataclass
class MenuModel:
    """The PuLP problem plus its variables, keyed by (day, slot, food index)."""

    prob: pulp.LpProblem
    data: FoodData
    rules: Rules
    targets: Targets
    days: tuple[int, ...]
    n: dict[tuple[int, str, int], pulp.LpVariable]
    y: dict[tuple[int, str, int], pulp.LpVariable]
    u: dict[tuple[int, int], pulp.LpVariable]
    slacks: dict[str, pulp.LpVariable] = field(default_factory=dict)
    magnesium_expr: dict[int, pulp.LpAffineExpression] = field(default_factory=dict)
    cost_expr: dict[int, pulp.LpAffineExpression] = field(default_factory=dict)


def _expr(pairs: list[tuple[pulp.LpVariable, float]], constant: float = 0.0) -> pulp.LpAffineExpression:
    e = pulp.LpAffineExpression(pairs)
    e.constant = constant
    return e


@dataclass(frozen=True)
class _Given:
    """What a build keeps from outside: kept servings, required and forbidden foods, locked meals, the days a
    food is used on other days, the meals of kept neighbouring days and the previous plan's meals."""

    fixed: Mapping[tuple[int, str], Mapping[str, float]]
    require: Mapping[tuple[int, str], Collection[str]]
    forbid: Mapping[tuple[int, str], Collection[str]]
    closed: frozenset[tuple[int, str]]
    used_days: Mapping[str, int]
    neighbours: Mapping[tuple[int, str], frozenset[str]]
    reference: Mapping[tuple[int, str], Mapping[str, float]]


@dataclass
class _Builder:
    """The model under construction: the problem, its variables, the objective terms and the elastic kinds."""

    mm: MenuModel
    given: _Given
    elastic: Collection[str]
    maximize: bool
    obj: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)
    data: FoodData = field(init=False)
    rules: Rules = field(init=False)
    targets: Targets = field(init=False)
    idx: dict[str, int] = field(init=False)
    step: float = field(init=False)
    slots: tuple[str, ...] = field(init=False)
    nfood: int = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.mm.data
        self.rules = self.mm.rules
        self.targets = self.mm.targets
        self.idx = self.data.index()
        self.step = float(self.rules.servings_step)
        self.slots = tuple(self.rules.slots)
        self.nfood = len(self.data.ids)

    def add(self, expr: pulp.LpAffineExpression, sense: int, rhs: float, cname: str) -> None:
        self.mm.prob.addConstraint(pulp.LpConstraint(expr, sense, cname, rhs))

    def slack(self, kind: str, cname: str, sense: int, scale: float) -> list[tuple[pulp.LpVariable, float]]:
        """Penalised slack term (relative units) for elastic constraints of kind ``kind``."""
        if kind not in self.elastic:
            return []
        s = pulp.LpVariable(f"slack_{cname}", lowBound=0)
        self.mm.slacks[cname] = s
        self.obj.append((s, 1000.0 / max(scale, 1e-9) * (-1 if self.maximize else 1)))
        return [(s, float(sense))]  # >= rows (sense 1) get +s, <= rows (sense -1) get -s


@dataclass
class _Day:
    """The serving variables of one day and the day's totals of a nutrient column."""

    d: int
    per: dict[str, np.ndarray]
    vars: list[tuple[str, int, pulp.LpVariable]]

    def total(self, col: str, only: Collection[str] | None = None) -> list[tuple[pulp.LpVariable, float]]:
        return [(v, float(self.per[col][i])) for s, i, v in self.vars
                if self.per[col][i] != 0 and (only is None or s in only)]


def build_menu_model(data: FoodData, targets: Targets, rules: Rules, *, days: Sequence[int],
                     budget_usd_per_day: float | None = None,
                     fixed: Mapping[tuple[int, str], Mapping[str, float]] | None = None,
                     require: Mapping[tuple[int, str], Collection[str]] | None = None,
                     forbid: Mapping[tuple[int, str], Collection[str]] | None = None,
                     closed_meals: Collection[tuple[int, str]] = (),
                     used_days: Mapping[str, int] | None = None,
                     neighbours: Mapping[tuple[int, str], frozenset[str]] | None = None,
                     reference: Mapping[tuple[int, str], Mapping[str, float]] | None = None,
                     magnesium_min: float | None = None, maximize_magnesium: bool = False,
                     elastic: Collection[str] = (), food_penalty: Mapping[int, float] | None = None,
                     name: str = "magplan_menu") -> MenuModel:
    """The menu MILP for ``days`` over the foods in ``data``.

    fixed: (day, slot) -> {food: servings} kept exactly; require: foods that must appear; forbid: foods that
    must not; closed_meals: meals where only the fixed foods may appear (locked meals); used_days: days a food
    is already used outside ``days`` (weekly cap); neighbours: meal food sets of kept days next to ``days``;
    reference: the previous plan's meals (minimal change); elastic: constraint kinds given a penalised slack
    (``"magnesium"``, ``"energy"``, ``"protein"``, ``"fiber"``, ``"sodium"``, ``"budget"``, ...).
    """
    given = _Given(fixed=fixed or {}, require=require or {}, forbid=forbid or {}, closed=frozenset(closed_meals),
                   used_days=used_days or {}, neighbours=neighbours or {}, reference=reference or {})
    prob = pulp.LpProblem(name, pulp.LpMaximize if maximize_magnesium else pulp.LpMinimize)
    mm = MenuModel(prob=prob, data=data, rules=rules, targets=targets, days=tuple(days), n={}, y={}, u={})
    b = _Builder(mm=mm, given=given, elastic=elastic, maximize=maximize_magnesium)
    for d in days:
        for s in b.slots:
            kept = _add_meal_foods(b, d, s)
            _add_meal_shape(b, d, s, kept)
        day = _Day(d=d, per=data.per_step, vars=[(s, i, mm.n[(d, s, i)]) for s in b.slots for i in range(b.nfood)
                                                 if (d, s, i) in mm.n])
        _add_day_nutrients(b, day, magnesium_min)
        _add_day_produce(b, day)
        _add_day_budget(b, day, budget_usd_per_day)
        _add_evening_share(b, day)
        _add_caffeine_after_lunch(b, day)
        _add_meal_energy_shares(b, day)
        _add_main_food_days(b, d, food_penalty)
    _add_weekly_cap(b)
    _add_no_repeat_meals(b)
    prob.setObjective(_expr(b.obj))
    return mm


def _meal_request(b: _Builder, d: int, s: str) -> tuple[dict[str, float], set[str], set[str]]:
    """The kept servings, forbidden and required foods of one meal, each checked against the food table."""
    fx = dict(b.given.fixed.get((d, s), {}))
    for f in fx:
        if f not in b.idx:
            raise PlanError(f"day {d} {s}: food '{f}' cannot be kept: it is excluded or not allowed by "
                            "the diet, allergens or food table; unlock it or change the profile")
    banned = set(b.given.forbid.get((d, s), ()))
    bad = banned & set(fx)
    if bad:
        raise PlanError(f"day {d} {s}: '{sorted(bad)[0]}' is both kept and forbidden; unlock it first")
    req = set(b.given.require.get((d, s), ()))
    for f in req:
        if f not in b.idx:
            raise PlanError(f"day {d} {s}: required food '{f}' is excluded or not allowed by the diet, "
                            "allergens or food table; choose another food")
    return fx, banned, req


def _kept_food_vars(b: _Builder, d: int, s: str, f: str, servings: float) -> tuple[pulp.LpVariable, pulp.LpVariable]:
    """n and y of a kept food, fixed to its servings (a positive multiple of the serving step)."""
    units = servings / b.step
    k = int(round(units))
    if abs(units - k) > 1e-6 or k < 1:
        raise PlanError(f"day {d} {s}: {servings} servings of '{f}' is not a positive multiple of "
                        f"{b.step}; use e.g. {max(b.step, round(units) * b.step)}")
    v = pulp.LpVariable(f"n_{d}_{s}_{f}", lowBound=k, upBound=k, cat=pulp.LpInteger)
    yv = pulp.LpVariable(f"y_{d}_{s}_{f}", lowBound=1, upBound=1, cat=pulp.LpInteger)
    return v, yv


def _free_food_vars(b: _Builder, d: int, s: str, i: int, f: str,
                    required: bool) -> tuple[pulp.LpVariable, pulp.LpVariable]:
    """n and y of a food the model may choose, linked by y <= n <= ub * y (``servings_cap`` / ``servings_min``)."""
    ub = int(b.data.ub[i])
    v = pulp.LpVariable(f"n_{d}_{s}_{f}", lowBound=0, upBound=ub, cat=pulp.LpInteger)
    yv = pulp.LpVariable(f"y_{d}_{s}_{f}", lowBound=1 if required else 0, upBound=1,
                         cat=pulp.LpInteger)  # LpBinary would reset lowBound to 0
    b.add(_expr([(v, 1.0), (yv, -float(ub))]), pulp.LpConstraintLE, 0.0, f"servings_cap_{d}_{s}_{f}")
    b.add(_expr([(v, 1.0), (yv, -1.0)]), pulp.LpConstraintGE, 0.0, f"servings_min_{d}_{s}_{f}")
    return v, yv


def _add_meal_foods(b: _Builder, d: int, s: str) -> dict[str, float]:
    """The food variables of one meal and their objective terms; returns the meal's kept servings."""
    fx, banned, req = _meal_request(b, d, s)
    ref = b.given.reference.get((d, s), {})
    for i, f in enumerate(b.data.ids):
        if f in fx:
            v, yv = _kept_food_vars(b, d, s, f, fx[f])
        elif (d, s) in b.given.closed or f in banned or not (b.data.slot_ok[s][i] or f in req):
            continue
        else:
            v, yv = _free_food_vars(b, d, s, i, f, f in req)
        b.mm.n[(d, s, i)] = v
        b.mm.y[(d, s, i)] = yv
        if not b.maximize:
            fav = FAVORITE_BONUS * b.step if b.data.favorite[i] else 0.0
            b.obj.append((v, float(b.data.price_step[i]) - fav + TIE_BREAK * (i + 1) / (b.nfood + 1)))
            b.obj.append((yv, ITEM_PENALTY + (0.0 if b.data.main[i] else SIDE_ITEM_PENALTY)))
        if ref:
            _add_change(b, d, s, f, v, ref.get(f, 0.0) / b.step)
    return fx


def _add_change(b: _Builder, d: int, s: str, f: str, v: pulp.LpVariable, r_units: float) -> None:
    """Minimal change: ``CHANGE_WEIGHT`` per serving step away from the previous plan's ``r_units``."""
    if r_units > 0:
        dev = pulp.LpVariable(f"change_{d}_{s}_{f}", lowBound=0)
        b.add(_expr([(dev, 1.0), (v, 1.0)]), pulp.LpConstraintGE, r_units, f"change_down_{d}_{s}_{f}")
        b.add(_expr([(dev, 1.0), (v, -1.0)]), pulp.LpConstraintGE, -r_units, f"change_up_{d}_{s}_{f}")
        b.obj.append((dev, CHANGE_WEIGHT))
    else:
        b.obj.append((v, CHANGE_WEIGHT))


def _add_meal_shape(b: _Builder, d: int, s: str, kept: Mapping[str, float]) -> None:
    """1..max foods per meal, one food per category of ONE_PER_MEAL_CATEGORIES, a vegetable at main meals."""
    y, data = b.mm.y, b.data
    ys = [y[(d, s, i)] for i in range(b.nfood) if (d, s, i) in y]
    b.add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintGE, 1.0, f"meal_min_foods_day_{d}_{s}")
    b.add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintLE, float(b.rules.max_foods_per_meal),
          f"meal_max_foods_day_{d}_{s}")
    by_cat: dict[str, list[pulp.LpVariable]] = {}
    for i in range(b.nfood):
        if (d, s, i) in y and data.category[i] in ONE_PER_MEAL_CATEGORIES:
            by_cat.setdefault(data.category[i], []).append(y[(d, s, i)])
    for cat, cys in sorted(by_cat.items()):
        if len(cys) > 1:
            fixed_here = sum(1 for f in kept if data.category[b.idx[f]] == cat)
            b.add(_expr([(v, 1.0) for v in cys]), pulp.LpConstraintLE, float(max(1, fixed_here)),
                  f"one_{cat}_day_{d}_{s}")
    rules = b.rules
    if realistic_day(rules) and rules.vegetables_at_main_meals and s in MAIN_MEALS and (d, s) not in b.given.closed:
        vys = [y[(d, s, i)] for i in range(b.nfood)
               if (d, s, i) in y and data.category[i] in VEGETABLE_CATEGORIES]
        if vys:
            b.add(_expr([(v, 1.0) for v in vys] + b.slack("produce", f"vegetable_in_meal_day_{d}_{s}", 1, 1.0)),
                  pulp.LpConstraintGE, 1.0, f"vegetable_in_meal_day_{d}_{s}")


def _add_day_nutrients(b: _Builder, day: _Day, magnesium_min: float | None) -> None:
    """Magnesium (or the magnesium objective), energy range, protein, fiber, sodium, optional iron/D/B12."""
    d, t, total = day.d, b.targets, day.total
    mg = total("magnesium_mg")
    b.mm.magnesium_expr[d] = _expr(mg)
    if b.maximize:
        b.obj.extend(mg)
    else:
        target = t.magnesium_mg if magnesium_min is None else magnesium_min
        b.add(_expr(mg + b.slack("magnesium", f"magnesium_min_day_{d}", 1, target)), pulp.LpConstraintGE,
              float(target), f"magnesium_min_day_{d}")
    kcal = total("energy_kcal")
    b.add(_expr(kcal + b.slack("energy", f"energy_min_day_{d}", 1, t.energy_kcal_min)), pulp.LpConstraintGE,
          float(t.energy_kcal_min), f"energy_min_day_{d}")
    b.add(_expr(kcal + b.slack("energy", f"energy_max_day_{d}", -1, t.energy_kcal_max)),
          pulp.LpConstraintLE, float(t.energy_kcal_max), f"energy_max_day_{d}")
    b.add(_expr(total("protein_g") + b.slack("protein", f"protein_min_day_{d}", 1, t.protein_g_min)),
          pulp.LpConstraintGE, float(t.protein_g_min), f"protein_min_day_{d}")
    b.add(_expr(total("fiber_g") + b.slack("fiber", f"fiber_min_day_{d}", 1, t.fiber_g_min)),
          pulp.LpConstraintGE, float(t.fiber_g_min), f"fiber_min_day_{d}")
    b.add(_expr(total("sodium_mg") + b.slack("sodium", f"sodium_max_day_{d}", -1, t.sodium_mg_max)),
          pulp.LpConstraintLE, float(t.sodium_mg_max), f"sodium_max_day_{d}")
    for flag, col, tname, cname in (("require_iron", "iron_mg", "iron_mg", "iron"),
                                    ("require_vitamin_d", "vitamin_d_ug", "vitamin_d_ug", "vitamin_d"),
                                    ("require_vitamin_b12", "vitamin_b12_ug", "vitamin_b12_ug", "vitamin_b12")):
        if getattr(b.rules, flag):
            rhs = float(getattr(t, tname))
            b.add(_expr(total(col) + b.slack(cname, f"{cname}_min_day_{d}", 1, rhs)), pulp.LpConstraintGE, rhs,
                  f"{cname}_min_day_{d}")


def _add_day_produce(b: _Builder, day: _Day) -> None:
    """At least ``Rules.produce_servings_min`` servings of vegetables, leafy greens and fruit on a full day."""
    rules = b.rules
    if realistic_day(rules) and rules.produce_servings_min and rules.produce_servings_min > 0:
        produce = [(v, b.step) for s, i, v in day.vars if b.data.category[i] in PRODUCE_CATEGORIES]
        if produce:
            b.add(_expr(produce + b.slack("produce", f"produce_servings_min_day_{day.d}", 1, 1.0)),
                  pulp.LpConstraintGE, float(rules.produce_servings_min), f"produce_servings_min_day_{day.d}")


def _add_day_budget(b: _Builder, day: _Day, budget_usd_per_day: float | None) -> None:
    """The day's cost expression, and the budget when there is one."""
    cost = [(v, float(b.data.price_step[i])) for s, i, v in day.vars]
    b.mm.cost_expr[day.d] = _expr(cost)
    if budget_usd_per_day is not None:
        b.add(_expr(cost + b.slack("budget", f"budget_day_{day.d}", -1, budget_usd_per_day)), pulp.LpConstraintLE,
              float(budget_usd_per_day), f"budget_day_{day.d}")


def _share_terms(part: list[tuple[pulp.LpVariable, float]], whole: list[tuple[pulp.LpVariable, float]],
                 share: float, *, whole_first: bool = False) -> list[tuple[pulp.LpVariable, float]]:
    """part - share * whole, one coefficient per variable (>= 0 says the part is at least that share)."""
    coefs: dict[pulp.LpVariable, float] = {}
    scaled = [(v, -share * c) for v, c in whole]
    for v, c in (scaled + part if whole_first else part + scaled):
        coefs[v] = coefs.get(v, 0.0) + c
    return list(coefs.items())


def _add_evening_share(b: _Builder, day: _Day) -> None:
    """At least ``Rules.evening_share_min`` of the day's magnesium at the evening slots."""
    if b.rules.evening_share_min is None:
        return
    d = day.d
    terms = _share_terms(day.total("magnesium_mg", b.rules.evening_slots), day.total("magnesium_mg"),
                         float(b.rules.evening_share_min))
    b.add(_expr(terms + b.slack("evening", f"evening_magnesium_share_day_{d}", 1, 100.0)),
          pulp.LpConstraintGE, 0.0, f"evening_magnesium_share_day_{d}")


def _add_caffeine_after_lunch(b: _Builder, day: _Day) -> None:
    """Caffeine in the slots after lunch at most ``Rules.caffeine_after_lunch_max_mg``."""
    slots = b.slots
    if b.rules.caffeine_after_lunch_max_mg is not None and "lunch" in slots:
        after = slots[slots.index("lunch") + 1:]
        b.add(_expr(day.total("caffeine_mg", after)), pulp.LpConstraintLE,
              float(b.rules.caffeine_after_lunch_max_mg), f"caffeine_after_lunch_day_{day.d}")


def _add_meal_energy_shares(b: _Builder, day: _Day) -> None:
    """Each meal's share of the day's energy within ``MEAL_ENERGY_SHARE``."""
    d = day.d
    kcal = day.total("energy_kcal")
    for s in b.slots:
        lo, hi = meal_share_bounds(s, b.slots)
        if lo <= 0 and hi >= 1:
            continue
        meal = [(v, float(day.per["energy_kcal"][i])) for ss, i, v in day.vars if ss == s]
        b.add(_expr(_share_terms(meal, kcal, lo, whole_first=True)
                    + b.slack("meal_energy", f"meal_energy_min_day_{d}_{s}", 1, 100.0)),
              pulp.LpConstraintGE, 0.0, f"meal_energy_min_day_{d}_{s}")
        b.add(_expr(_share_terms(meal, kcal, hi, whole_first=True)
                    + b.slack("meal_energy", f"meal_energy_max_day_{d}_{s}", -1, 100.0)),
              pulp.LpConstraintLE, 0.0, f"meal_energy_max_day_{d}_{s}")


def _add_main_food_days(b: _Builder, d: int, food_penalty: Mapping[int, float] | None) -> None:
    """u[d, f] "main food f is eaten on day d" (y <= u), and a main food in at most two meals of a day."""
    y, data, slots = b.mm.y, b.data, b.slots
    for i in range(b.nfood):
        if not data.main[i]:
            continue
        ys = [y[(d, s, i)] for s in slots if (d, s, i) in y]
        if not ys:
            continue
        uv = pulp.LpVariable(f"u_{d}_{data.ids[i]}", lowBound=0, upBound=1, cat=pulp.LpBinary)
        b.mm.u[(d, i)] = uv
        if len(ys) > MAX_MEALS_PER_FOOD_PER_DAY:
            fixed_meals = sum(1 for s in slots if data.ids[i] in b.given.fixed.get((d, s), {}))
            b.add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintLE,
                  float(max(MAX_MEALS_PER_FOOD_PER_DAY, fixed_meals)), f"meals_per_day_{d}_{data.ids[i]}")
        for s in slots:
            if (d, s, i) in y:
                b.add(_expr([(y[(d, s, i)], 1.0), (uv, -1.0)]), pulp.LpConstraintLE, 0.0,
                      f"uses_day_{d}_{s}_{data.ids[i]}")
        if food_penalty and i in food_penalty:
            b.obj.append((uv, float(food_penalty[i])))


def _add_weekly_cap(b: _Builder) -> None:
    """A main food on at most ``max_days_per_food`` days, counting its days outside the model."""
    cap = int(b.rules.max_days_per_food)
    u, ids = b.mm.u, b.data.ids
    for i in range(b.nfood):
        us = [u[(d, i)] for d in b.mm.days if (d, i) in u]
        if not us:
            continue
        left = cap - int(b.given.used_days.get(ids[i], 0))
        if len(us) <= left:
            continue
        b.add(_expr([(v, 1.0) for v in us] + b.slack("variety", f"max_days_{ids[i]}", -1, 1.0)),
              pulp.LpConstraintLE, float(max(left, 0)), f"max_days_{ids[i]}")


def _add_no_repeat_meals(b: _Builder) -> None:
    """No identical meal (same set of foods) in a slot on consecutive days, kept neighbouring days included."""
    dayset = set(b.mm.days)
    neighbours = b.given.neighbours
    for d in sorted(dayset | {k[0] for k in neighbours}):
        for s in b.slots:
            a_in, b_in = d in dayset, (d + 1) in dayset
            if not (a_in or b_in):
                continue
            if not a_in and (d, s) not in neighbours:
                continue
            if not b_in and (d + 1, s) not in neighbours:
                continue
            pairs, const = _meal_difference(b, d, s, a_in, b_in)
            if pairs:
                b.add(_expr(pairs + b.slack("variety", f"not_same_meal_day_{d}_{s}", 1, 1.0)), pulp.LpConstraintGE,
                      1.0 - const, f"not_same_meal_day_{d}_{s}")


def _meal_difference(b: _Builder, d: int, s: str, a_in: bool,
                     b_in: bool) -> tuple[list[tuple[pulp.LpVariable, float]], float]:
    """Terms and constant counting the foods in exactly one of the meals (d, s) and (d + 1, s)."""
    y, neighbours = b.mm.y, b.given.neighbours
    pairs: list[tuple[pulp.LpVariable, float]] = []
    const = 0.0
    for i, f in enumerate(b.data.ids):
        ya = y.get((d, s, i)) if a_in else None
        yb = y.get((d + 1, s, i)) if b_in else None
        ca = (1.0 if f in neighbours.get((d, s), ()) else 0.0) if not a_in else None
        cb = (1.0 if f in neighbours.get((d + 1, s), ()) else 0.0) if not b_in else None
        if ya is None and yb is None and not ca and not cb:
            continue
        if ya is None and yb is None:
            const += 1.0 if (ca or 0) + (cb or 0) == 1 else 0.0
            continue
        # difference |ya - yb| as w (continuous is exact at binary y)
        terms = [yv for yv in (ya, yb) if yv is not None]
        k0 = sum(c for yv, c in ((ya, ca), (yb, cb)) if yv is None and c)
        if len(terms) == 1 and k0 == 0.0:
            pairs.append((terms[0], 1.0))  # the other side lacks f: f present = a difference
            continue
        if len(terms) == 1 and k0 == 1.0:
            pairs.append((terms[0], -1.0))
            const += 1.0
            continue
        w = pulp.LpVariable(f"diff_{d}_{s}_{f}", lowBound=0, upBound=1)
        b.add(_expr([(w, 1.0), (terms[0], -1.0), (terms[1], -1.0)]), pulp.LpConstraintLE, 0.0, f"diff_a_{d}_{s}_{f}")
        b.add(_expr([(w, 1.0), (terms[0], 1.0), (terms[1], 1.0)]), pulp.LpConstraintLE, 2.0, f"diff_b_{d}_{s}_{f}")
        pairs.append((w, 1.0))
    return pairs, const


def solution(mm: MenuModel) -> dict[tuple[int, str], dict[str, float]]:
    """(day, slot) -> {food_id: servings} from a solved model (call only after checking the status)."""
    step = float(mm.rules.servings_step)
    out: dict[tuple[int, str], dict[str, float]] = {(d, s): {} for d in mm.days for s in mm.rules.slots}
    for (d, s, i), v in mm.n.items():
        val = v.varValue
        if val is None:
            continue
        k = int(round(val))
        if k > 0:
            out[(d, s)][mm.data.ids[i]] = k * step
    return out


def start_values(mm: MenuModel, sol: Mapping[tuple[int, str], Mapping[str, float]]) -> dict[str, float]:
    """Values of every integer/binary and helper variable of ``mm`` for a known solution ``sol``."""
    step = float(mm.rules.servings_step)
    values: dict[str, float] = {}
    present: dict[tuple[int, str, int], int] = {}
    for (d, s, i), v in mm.n.items():
        k = int(round(sol.get((d, s), {}).get(mm.data.ids[i], 0.0) / step))
        values[v.name] = float(k)
        values[mm.y[(d, s, i)].name] = 1.0 if k > 0 else 0.0
        present[(d, s, i)] = 1 if k > 0 else 0
    for (d, i), v in mm.u.items():
        values[v.name] = 1.0 if any(present.get((d, s, i), 0) for s in mm.rules.slots) else 0.0
    for v in mm.prob.variables():
        if v.name.startswith("diff_") and v.name not in values:
            _, d, rest = v.name.split("_", 2)
            for s in mm.rules.slots:
                if rest.startswith(s + "_"):
                    f = rest[len(s) + 1:]
                    a = 1 if f in sol.get((int(d), s), {}) else 0
                    b = 1 if f in sol.get((int(d) + 1, s), {}) else 0
                    values[v.name] = float(a != b)
                    break
    return values


__all__ = ["CHANGE_WEIGHT", "FAVORITE_BONUS", "ITEM_PENALTY", "MEAL_ENERGY_SHARE", "FoodData", "MenuModel",
           "build_menu_model", "eligible_mask", "food_data", "has_slot", "meal_share_bounds", "solution",
           "start_values"]
