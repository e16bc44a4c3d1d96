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
    fixed = fixed or {}
    require = require or {}
    forbid = forbid or {}
    used_days = used_days or {}
    neighbours = neighbours or {}
    reference = reference or {}
    closed = set(closed_meals)
    idx = data.index()
    step = float(rules.servings_step)
    slots = tuple(rules.slots)
    prob = pulp.LpProblem(name, pulp.LpMaximize if maximize_magnesium else pulp.LpMinimize)
    n: dict[tuple[int, str, int], pulp.LpVariable] = {}
    y: dict[tuple[int, str, int], pulp.LpVariable] = {}
    u: dict[tuple[int, int], pulp.LpVariable] = {}
    obj: list[tuple[pulp.LpVariable, float]] = {}  # type: ignore[assignment]
    obj = []
    nfood = len(data.ids)
    mm = MenuModel(prob=prob, data=data, rules=rules, targets=targets, days=tuple(days), n=n, y=y, u=u)

    def add(expr: pulp.LpAffineExpression, sense: int, rhs: float, cname: str) -> None:
        prob.addConstraint(pulp.LpConstraint(expr, sense, cname, rhs))

    def slack(kind: str, cname: str, sense: int, scale: float) -> list[tuple[pulp.LpVariable, float]]:
        """Penalised slack term (relative units) for elastic constraints of kind ``kind``."""
        if kind not in elastic:
            return []
        s = pulp.LpVariable(f"slack_{cname}", lowBound=0)
        mm.slacks[cname] = s
        obj.append((s, 1000.0 / max(scale, 1e-9) * (-1 if maximize_magnesium else 1)))
        return [(s, float(sense))]  # >= rows (sense 1) get +s, <= rows (sense -1) get -s

    for d in days:
        for s in slots:
            fx = {f: v for f, v in fixed.get((d, s), {}).items()}
            for f in fx:
                if f not in idx:
                    raise PlanError(f"day {d} {s}: food '{f}' cannot be kept: it is excluded or not allowed by "
                                    "the diet, allergens or food table; unlock it or change the profile")
            bad = set(forbid.get((d, s), ())) & set(fx)
            if bad:
                raise PlanError(f"day {d} {s}: '{sorted(bad)[0]}' is both kept and forbidden; unlock it first")
            banned = set(forbid.get((d, s), ()))
            req = set(require.get((d, s), ()))
            for f in req:
                if f not in idx:
                    raise PlanError(f"day {d} {s}: required food '{f}' is excluded or not allowed by the diet, "
                                    "allergens or food table; choose another food")
            ref = reference.get((d, s), {})
            for i, f in enumerate(data.ids):
                if f in fx:
                    units = fx[f] / step
                    k = int(round(units))
                    if abs(units - k) > 1e-6 or k < 1:
                        raise PlanError(f"day {d} {s}: {fx[f]} servings of '{f}' is not a positive multiple of "
                                        f"{step}; use e.g. {max(step, round(units) * step)}")
                    v = pulp.LpVariable(f"n_{d}_{s}_{f}", lowBound=k, upBound=k, cat=pulp.LpInteger)
                    yv = pulp.LpVariable(f"y_{d}_{s}_{f}", lowBound=1, upBound=1, cat=pulp.LpInteger)
                elif (d, s) in closed or f in banned or not (data.slot_ok[s][i] or f in req):
                    continue
                else:
                    ub = int(data.ub[i])
                    v = pulp.LpVariable(f"n_{d}_{s}_{f}", lowBound=0, upBound=ub, cat=pulp.LpInteger)
                    yv = pulp.LpVariable(f"y_{d}_{s}_{f}", lowBound=1 if f in req else 0, upBound=1,
                                         cat=pulp.LpInteger)  # LpBinary would reset lowBound to 0
                    add(_expr([(v, 1.0), (yv, -float(ub))]), pulp.LpConstraintLE, 0.0, f"servings_cap_{d}_{s}_{f}")
                    add(_expr([(v, 1.0), (yv, -1.0)]), pulp.LpConstraintGE, 0.0, f"servings_min_{d}_{s}_{f}")
                n[(d, s, i)] = v
                y[(d, s, i)] = yv
                if not maximize_magnesium:
                    fav = FAVORITE_BONUS * step if data.favorite[i] else 0.0
                    obj.append((v, float(data.price_step[i]) - fav + TIE_BREAK * (i + 1) / (nfood + 1)))
                    obj.append((yv, ITEM_PENALTY + (0.0 if data.main[i] else SIDE_ITEM_PENALTY)))
                if ref:
                    r_units = ref.get(f, 0.0) / step
                    if r_units > 0:
                        dev = pulp.LpVariable(f"change_{d}_{s}_{f}", lowBound=0)
                        add(_expr([(dev, 1.0), (v, 1.0)]), pulp.LpConstraintGE, r_units, f"change_down_{d}_{s}_{f}")
                        add(_expr([(dev, 1.0), (v, -1.0)]), pulp.LpConstraintGE, -r_units, f"change_up_{d}_{s}_{f}")
                        obj.append((dev, CHANGE_WEIGHT))
                    else:
                        obj.append((v, CHANGE_WEIGHT))
            # meal size and energy share
            ys = [y[(d, s, i)] for i in range(nfood) if (d, s, i) in y]
            add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintGE, 1.0, f"meal_min_foods_day_{d}_{s}")
            add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintLE, float(rules.max_foods_per_meal),
                f"meal_max_foods_day_{d}_{s}")
            by_cat: dict[str, list[pulp.LpVariable]] = {}
            for i in range(nfood):
                if (d, s, i) in y and data.category[i] in ONE_PER_MEAL_CATEGORIES:
                    by_cat.setdefault(data.category[i], []).append(y[(d, s, i)])
            for cat, cys in sorted(by_cat.items()):
                if len(cys) > 1:
                    fixed_here = sum(1 for f in fx if data.category[idx[f]] == cat)
                    add(_expr([(v, 1.0) for v in cys]), pulp.LpConstraintLE, float(max(1, fixed_here)),
                        f"one_{cat}_day_{d}_{s}")
            if realistic_day(rules) and rules.vegetables_at_main_meals and s in MAIN_MEALS and (d, s) not in closed:
                vys = [y[(d, s, i)] for i in range(nfood)
                       if (d, s, i) in y and data.category[i] in VEGETABLE_CATEGORIES]
                if vys:
                    add(_expr([(v, 1.0) for v in vys] + slack("produce", f"vegetable_in_meal_day_{d}_{s}", 1, 1.0)),
                        pulp.LpConstraintGE, 1.0, f"vegetable_in_meal_day_{d}_{s}")
        # daily nutrient constraints
        day_vars = [(s, i, n[(d, s, i)]) for s in slots for i in range(nfood) if (d, s, i) in n]
        per = data.per_step

        def total(col: str, only: Collection[str] | None = None) -> list[tuple[pulp.LpVariable, float]]:
            return [(v, float(per[col][i])) for s, i, v in day_vars
                    if per[col][i] != 0 and (only is None or s in only)]

        mg = total("magnesium_mg")
        mm.magnesium_expr[d] = _expr(mg)
        if maximize_magnesium:
            obj.extend(mg)
        else:
            target = targets.magnesium_mg if magnesium_min is None else magnesium_min
            add(_expr(mg + slack("magnesium", f"magnesium_min_day_{d}", 1, target)), pulp.LpConstraintGE,
                float(target), f"magnesium_min_day_{d}")
        kcal = total("energy_kcal")
        add(_expr(kcal + slack("energy", f"energy_min_day_{d}", 1, targets.energy_kcal_min)), pulp.LpConstraintGE,
            float(targets.energy_kcal_min), f"energy_min_day_{d}")
        add(_expr(kcal + slack("energy", f"energy_max_day_{d}", -1, targets.energy_kcal_max)),
            pulp.LpConstraintLE, float(targets.energy_kcal_max), f"energy_max_day_{d}")
        add(_expr(total("protein_g") + slack("protein", f"protein_min_day_{d}", 1, targets.protein_g_min)),
            pulp.LpConstraintGE, float(targets.protein_g_min), f"protein_min_day_{d}")
        add(_expr(total("fiber_g") + slack("fiber", f"fiber_min_day_{d}", 1, targets.fiber_g_min)),
            pulp.LpConstraintGE, float(targets.fiber_g_min), f"fiber_min_day_{d}")
        add(_expr(total("sodium_mg") + slack("sodium", f"sodium_max_day_{d}", -1, targets.sodium_mg_max)),
            pulp.LpConstraintLE, float(targets.sodium_mg_max), f"sodium_max_day_{d}")
        for flag, col, tname, cname in (("require_iron", "iron_mg", "iron_mg", "iron"),
                                        ("require_vitamin_d", "vitamin_d_ug", "vitamin_d_ug", "vitamin_d"),
                                        ("require_vitamin_b12", "vitamin_b12_ug", "vitamin_b12_ug", "vitamin_b12")):
            if getattr(rules, flag):
                rhs = float(getattr(targets, tname))
                add(_expr(total(col) + slack(cname, f"{cname}_min_day_{d}", 1, rhs)), pulp.LpConstraintGE, rhs,
                    f"{cname}_min_day_{d}")
        if realistic_day(rules) and rules.produce_servings_min and rules.produce_servings_min > 0:
            produce = [(v, step) for s, i, v in day_vars if data.category[i] in PRODUCE_CATEGORIES]
            if produce:
                add(_expr(produce + slack("produce", f"produce_servings_min_day_{d}", 1, 1.0)), pulp.LpConstraintGE,
                    float(rules.produce_servings_min), f"produce_servings_min_day_{d}")
        cost = [(v, float(data.price_step[i])) for s, i, v in day_vars]
        mm.cost_expr[d] = _expr(cost)
        if budget_usd_per_day is not None:
            add(_expr(cost + slack("budget", f"budget_day_{d}", -1, budget_usd_per_day)), pulp.LpConstraintLE,
                float(budget_usd_per_day), f"budget_day_{d}")
        if rules.evening_share_min is not None:
            eve = total("magnesium_mg", rules.evening_slots)
            share = float(rules.evening_share_min)
            coefs: dict[pulp.LpVariable, float] = {}
            for v, c in eve:
                coefs[v] = coefs.get(v, 0.0) + c
            for v, c in mg:
                coefs[v] = coefs.get(v, 0.0) - share * c
            add(_expr(list(coefs.items()) + slack("evening", f"evening_magnesium_share_day_{d}", 1, 100.0)),
                pulp.LpConstraintGE, 0.0, f"evening_magnesium_share_day_{d}")
        if rules.caffeine_after_lunch_max_mg is not None and "lunch" in slots:
            after = slots[slots.index("lunch") + 1:]
            add(_expr(total("caffeine_mg", after)), pulp.LpConstraintLE, float(rules.caffeine_after_lunch_max_mg),
                f"caffeine_after_lunch_day_{d}")
        for s in slots:
            lo, hi = meal_share_bounds(s, slots)
            if lo <= 0 and hi >= 1:
                continue
            meal: dict[pulp.LpVariable, float] = {}
            for v, c in kcal:
                meal[v] = meal.get(v, 0.0) - lo * c
            for (ss, i, v) in day_vars:
                if ss == s:
                    meal[v] = meal.get(v, 0.0) + float(per["energy_kcal"][i])
            add(_expr(list(meal.items()) + slack("meal_energy", f"meal_energy_min_day_{d}_{s}", 1, 100.0)),
                pulp.LpConstraintGE, 0.0, f"meal_energy_min_day_{d}_{s}")
            meal = {}
            for v, c in kcal:
                meal[v] = meal.get(v, 0.0) - hi * c
            for (ss, i, v) in day_vars:
                if ss == s:
                    meal[v] = meal.get(v, 0.0) + float(per["energy_kcal"][i])
            add(_expr(list(meal.items()) + slack("meal_energy", f"meal_energy_max_day_{d}_{s}", -1, 100.0)),
                pulp.LpConstraintLE, 0.0, f"meal_energy_max_day_{d}_{s}")
        # main foods: day usage
        for i in range(nfood):
            if not data.main[i]:
                continue
            ys = [y[(d, s, i)] for s in slots if (d, s, i) in y]
            if not ys:
                continue
            uv = pulp.LpVariable(f"u_{d}_{data.ids[i]}", lowBound=0, upBound=1, cat=pulp.LpBinary)
            u[(d, i)] = uv
            if len(ys) > MAX_MEALS_PER_FOOD_PER_DAY:
                fixed_meals = sum(1 for s in slots if data.ids[i] in fixed.get((d, s), {}))
                add(_expr([(v, 1.0) for v in ys]), pulp.LpConstraintLE,
                    float(max(MAX_MEALS_PER_FOOD_PER_DAY, fixed_meals)), f"meals_per_day_{d}_{data.ids[i]}")
            for s in slots:
                if (d, s, i) in y:
                    add(_expr([(y[(d, s, i)], 1.0), (uv, -1.0)]), pulp.LpConstraintLE, 0.0,
                        f"uses_day_{d}_{s}_{data.ids[i]}")
            if food_penalty and i in food_penalty:
                obj.append((uv, float(food_penalty[i])))
    # weekly cap
    cap = int(rules.max_days_per_food)
    for i in range(nfood):
        us = [u[(d, i)] for d in days if (d, i) in u]
        if not us:
            continue
        left = cap - int(used_days.get(data.ids[i], 0))
        if len(us) <= left:
            continue
        add(_expr([(v, 1.0) for v in us] + slack("variety", f"max_days_{data.ids[i]}", -1, 1.0)),
            pulp.LpConstraintLE, float(max(left, 0)), f"max_days_{data.ids[i]}")
    # no identical meal on consecutive days
    dayset = set(days)
    for d in sorted(dayset | {k[0] for k in neighbours}):
        for s in slots:
            a_in, b_in = d in dayset, (d + 1) in dayset
            if not (a_in or b_in):
                continue
            if not a_in and (d, s) not in neighbours:
                continue
            if not b_in and (d + 1, s) not in neighbours:
                continue
            pairs: list[tuple[pulp.LpVariable, float]] = []
            const = 0.0
            for i, f in enumerate(data.ids):
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
                terms = []
                k0 = 0.0
                for yv, c in ((ya, ca), (yb, cb)):
                    if yv is not None:
                        terms.append(yv)
                    elif c:
                        k0 += c
                if len(terms) == 1 and (ya is None) == (yb is None):
                    pass
                if len(terms) == 1 and k0 == 0.0:
                    pairs.append((terms[0], 1.0))  # the other side lacks f: f present = a difference
                    continue
                if len(terms) == 1 and k0 == 1.0:
                    pairs.append((terms[0], -1.0))
                    const += 1.0
                    continue
                w = pulp.LpVariable(f"diff_{d}_{s}_{f}", lowBound=0, upBound=1)
                add(_expr([(w, 1.0), (terms[0], -1.0), (terms[1], -1.0)]), pulp.LpConstraintLE, 0.0,
                    f"diff_a_{d}_{s}_{f}")
                add(_expr([(w, 1.0), (terms[0], 1.0), (terms[1], 1.0)]), pulp.LpConstraintLE, 2.0,
                    f"diff_b_{d}_{s}_{f}")
                pairs.append((w, 1.0))
            if pairs:
                add(_expr(pairs + slack("variety", f"not_same_meal_day_{d}_{s}", 1, 1.0)), pulp.LpConstraintGE,
                    1.0 - const, f"not_same_meal_day_{d}_{s}")
    prob.setObjective(_expr(obj))
    return mm


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
