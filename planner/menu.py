"""The dish menu model: which dish, in which meal, in what portion, for each day; every constraint named.

A day is breakfast (one breakfast dish), lunch and dinner (one main dish each), each with 0-2 sides, a
snack (1-2 snack dishes) and an optional evening snack. A dish's portion is 0.5 to 2 servings in quarter
steps: one 0/1 variable ``x`` per portion level (``x_<day>_<slot>_<role>_<dish>_q<quarters>``), at most one
level per dish a day. The choice ``y`` and the quarters ``k`` are sums of them. (An earlier integer ``k``
with ``2 y <= k <= 8 y`` and a deviation variable needed four rows per dish and place; the level variables
need none, so a day's LP has about 300 rows instead of 2,300 and HiGHS solves a day several times faster.)

Constraint families (the builder calls one ``_add_<family>`` each, so the model reads like a table of
contents; names are what an explanation quotes):

* structure: ``one_<role>_<slot>_<d>``, ``sides_<slot>_<d>``, ``snacks_<slot>_<d>``, a dish at most once a
  day (``once_a_day_<d>_<dish>``; so lunch is never dinner);
* nutrients, every day: ``magnesium_min_<d>`` (measured values only), ``energy_min/max_<d>``,
  ``protein_min_<d>``, ``fiber_min_<d>`` and, softly, ``fiber_soft_max_<d>`` (``fiber_over_<d>``),
  ``sodium_max_<d>``, ``budget_<d>``, ``evening_magnesium_share_<d>``,
  ``caffeine_after_lunch_<d>``, and each meal's share of the day's energy (``energy_share_<slot>_<d>``);
* food groups, every day: two portions of fruit (``fruit_min_<d>``, soft: ``fruit_short_<d>`` and
  ``fruit_second_short_<d>``), at most one legume dish in a breakfast, lunch or dinner
  (``one_legume_dish_<slot>_<d>``), one cocoa or chocolate dish (``one_cocoa_dish_<d>``) and each staple grain or
  legume at one meal (``staple_once_<food>_<d>``);
* co-nutrients (iron, calcium, potassium, vitamin D, B12) on the week's average: ``<nutrient>_week`` with a
  shortfall variable, penalised in the objective (soft: a vegan week stays possible);
* variety over the week: a main dish on at most ``max_main_per_week`` days (``max_days_<dish>``) and never
  on consecutive days (``not_consecutive_<d>_<dish>``) but as a leftover lunch (``leftover_<d>_<dish>``: the
  lunch of a leftover day is the dinner before), a breakfast at most ``max_breakfast_per_week`` times,
  fish on at least ``fish_per_week_min`` days a week when fish is allowed (``fish_week``; a shorter plan
  needs its share, rounded up: ``days_needed``).

"No two identical days" is kept by the week method (planner.week), which never gives one menu to two days.
The week method bounds the week with the LP of its average day (``planner.menu_average``: the weekly rules
as daily shares).

Objective (documented blend, minimised): co-nutrient shortfalls first (``SHORTFALL_WEIGHT`` per 100 % of a
weekly target missed, iron ``SHORTFALL_PRIORITY`` times that), a day without its portion of fruit (``FRUIT_SHORT_WEIGHT``;
its second portion ``FRUIT_SECOND_WEIGHT``, after the co-nutrients), then preferences
(``FAVORITE_DISH_BONUS`` per serving of a favourite dish, ``FAVORITE_BONUS`` of a dish with a favourite
ingredient, ``DISLIKE_PENALTY`` for a disliked one), portion closeness (``PORTION_WEIGHT`` per
serving away from 1), a small price on each side and snack (``EXTRA_DISH_WEIGHT``: meals stay simple) and
cost (``COST_WEIGHT`` per dollar; ``CHEAPEST_COST_WEIGHT`` with ``cheapest``). A tie-break by dish order
makes the optimum unique.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Collection, Sequence

import numpy as np
import pulp

from planner.dish_data import (CO_NUTRIENTS, DAILY_NUTRIENTS, DISLIKE_PENALTY, FAVORITE_BONUS,  # noqa: F401
                                FAVORITE_DISH_BONUS, PANTRY_BONUS, SERVING_REFERENCE_KCAL, UNKNOWN_COST_USD,
                                DishData, dish_data, for_targets, portion_center)
from planner.model import Rules, Targets

# Meal slots and the places (slot, role) a dish can fill in them: (slot, role, lo, hi) dishes.
PLACES: tuple[tuple[str, str, int, int], ...] = (
    ("breakfast", "breakfast", 1, 1), ("breakfast", "side", 0, 2),
    ("lunch", "main", 1, 1), ("lunch", "side", 0, 2),
    ("dinner", "main", 1, 1), ("dinner", "side", 0, 2),
    ("snack", "snack", 1, 2),
    ("evening", "snack", 0, 1),
)
MEAL_SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack", "evening")
# What the evening magnesium share counts; a plan asking for one has an evening snack daily (``evening_snack_<d>``).
EVENING_SLOTS: tuple[str, ...] = ("dinner", "evening")
QUARTERS_MIN, QUARTERS_MAX = 2, 8  # portions 0.5 .. 2 servings (what a person may set)
# The portions the planner itself serves, in quarters: a dietitian found 1.75 bowls of porridge and 900 kcal
# dinners too much, and a cook serves a side or a snack as a half, one or one and a half. A person can
# still set any quarter from 0.5 to 2 by hand (a fixed dish has every level). Fewer levels, fewer binaries:
# a day has about 1,500 instead of 2,400.
PLANNED_QUARTERS: dict[str, tuple[int, ...]] = {"breakfast": (3, 4, 5), "main": (3, 4, 5, 6),
                                                "side": (2, 4, 6), "snack": (2, 4, 6)}
# Share of the day's energy by slot (lo, hi): a realistic day, not a snack-only one. Dinner at most 40 % (45 %
# before: a dietitian found 1,050 kcal dinners, 45 % of the day, shortly before bed; 35 % cost 1.7 % over six
# profiles and made the man of 60 on $7 a day take 5 s, 40 % cost 0.3 %).
ENERGY_SHARE: dict[str, tuple[float, float]] = {"breakfast": (0.15, 0.35), "lunch": (0.20, 0.40),
                                                "dinner": (0.25, 0.40), "snack": (0.0, 0.25), "evening": (0.0, 0.15)}
MEAL_KCAL_MAX = 850.0  # and no meal above it (a dietitian found 934 kcal meals for a vegan man; 800 cost 1.8 %, this 0.9 %)
SHORTFALL_WEIGHT = 10.0
# Iron first among the co-nutrients (in RLS its evidence is stronger than magnesium's, AASM 2024; a dietitian would
# not sign a vegetarian week 13 % short of iron): its shortfall costs twice as much (x3 cost other profiles more).
SHORTFALL_PRIORITY: dict[str, float] = {"iron_mg": 2.0}
# Fruit every day (a dietitian's first remark on weeks without it): a portion (80 g, the WHO portion, times the
# person's usual portion: 60 g for a child served 3/4), softly: a day without it costs FRUIT_SHORT_WEIGHT; and a
# second portion (the sixth reading found 4 of 6 weeks with one fruit a day), whose absence costs
# FRUIT_SECOND_WEIGHT, a tie-breaker: co-nutrients first (a week of seven second portions missed costs what a
# vitamin D miss of 21 % does). At 1.0-3.0 the man of 60 on $7/day bought fruit rather than fish (vitamin D
# 11.6-11.9 of 15 ug); at 0.3 (with ``week.PRICE_FLOOR_SHARE`` 0.03) every week of the six has D, where fish is
# allowed, and iron met, and 116-400 g of fruit a day (125-150 g on the days with the least).
FRUIT_G_MIN = 80.0
FRUIT_SHORT_WEIGHT = 6.0
FRUIT_SECOND_WEIGHT = 0.3
# A fruit a dish has (``DishData.fruits``: 40 g a serving or more) on at most so many days a week: a dietitian
# found banana on 7 of 7 days (``fruit_days_<food>``); such a fruit is a staple too (one meal a day).
FRUIT_DAYS_PER_WEEK_MAX = 4
ONE_LEGUME_SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner")  # one legume dish: not chili and edamame
# A day holds at most one cocoa or chocolate dish (not a chocolate breakfast and a hot cocoa at night), and a
# staple (brown rice, kidney beans, oats...) at one meal only: a dietitian's "rice at lunch and dinner".
# One fish or seafood dish a day (a dietitian found sardine pasta and sardine pate on one day, and trout left
# over at lunch beside salmon cakes at dinner): fish is spread over the week, and in pregnancy its days cap
# its servings. No legume dish as a breakfast side (refried beans beside raisin bran), nor one of leafy greens
# (steamed callaloo beside overnight oats); a breakfast side is a snack or a morning food (``DishData.morning``:
# not roasted sweet potato wedges beside overnight oats).
# Lunch and dinner sides are food, not a drink (a dietitian: "swap the glass of milk beside the mac and cheese
# for a vegetable"); drinks come at breakfast and as snacks. Nor is a side starchy (``DishData.starchy``): every
# main brings its own starch.
DRINKLESS_MEALS: tuple[str, ...] = ("lunch", "dinner")
# No cocoa or chocolate at all in the evening snack (theobromine and caffeine at bedtime; a dietitian found cocoa-date
# balls with 3 g of cocoa there). No milky side beside an iron-rich main
# (``DishData.iron_rich``), nor where iron is a priority (``iron_priority``) an iron-rich dish built on milk (raisin
# bran in 250 g of milk): calcium lowers the iron absorbed (a dietitian found both; x1.04-1.12 where it applies).
NO_COCOA_SLOTS: tuple[str, ...] = ("evening",)
# Nor a smoothie (``DishData.smoothie``: a cup of cold milk with fruit) after dinner: a dietitian found four.
NO_SMOOTHIE_SLOTS: tuple[str, ...] = ("evening",)
# Drinks (milk, kefir, golden milk, cocoa, juice): one a meal, two a day; so many dishes built on milk or yogurt a
# day (a dietitian counted five drinks in a day, then four milk dishes, 870 g of milk; two cost 1.6 % over six weeks).
DRINKS_PER_DAY_MAX = MILKY_PER_DAY_MAX = 2
# Protein at breakfast (a dietitian: oats with rice milk, 10 g, leave the morning short): each gram below
# BREAKFAST_PROTEIN_G_MIN costs BREAKFAST_PROTEIN_WEIGHT (soft: ``breakfast_protein_short_<d>``).
BREAKFAST_PROTEIN_G_MIN = 15.0
BREAKFAST_PROTEIN_WEIGHT = 0.01
# Fibre above twice the person's AI costs FIBER_OVER_WEIGHT a gram (soft: ``fiber_over_<d>``): a dietitian found
# 78-87 g of fibre a day, 500-625 g of cooked legumes, in pregnant, vegetarian and vegan weeks (phytate lowers
# the non-heme iron absorbed, and RLS depends on iron).
FIBER_SOFT_MAX_SHARE = 2.0
FIBER_OVER_WEIGHT = 0.02
PORTION_WEIGHT = 0.4  # per portion away from the person's usual portion (``DishData.portion_center``)
SAME_DISH_BONUS, EXTRA_DISH_WEIGHT = 0.5, 0.15  # SAME_DISH: a meal another person eats that day is cooked once
COST_WEIGHT, CHEAPEST_COST_WEIGHT, TIE_BREAK = 0.1, 1.0, 1e-5


@dataclass
class MenuModel:
    """The PuLP problem and its variables by (day, slot, role, dish index): x (one per portion level), and
    the expressions y (chosen: 0/1) and k (portion in quarters) over them."""

    prob: pulp.LpProblem
    # (day, slot, role, dish index) -> {quarters: 0/1 variable}; y and k are expressions over them
    x: dict[tuple[int, str, str, int], dict[int, pulp.LpVariable]] = field(default_factory=dict)
    y: dict[tuple[int, str, str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    k: dict[tuple[int, str, str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    shortfall: dict[str, pulp.LpVariable] = field(default_factory=dict)
    fish_day: dict[int, pulp.LpVariable] = field(default_factory=dict)
    days: tuple[int, ...] = ()
    soft: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)  # soft rows' objective terms
    # at-most-n rows of the food groups: row name -> (the places it counts, n)
    limits: dict[str, tuple[list[tuple[int, str, str, int]], int]] = field(default_factory=dict)

    def keys(self, day: int, slot: str | None = None) -> list[tuple[int, str, str, int]]:
        return [key for key in self.y if key[0] == day and (slot is None or key[1] == slot)]


def quarters(model: MenuModel, key: tuple[int, str, str, int]) -> pulp.LpAffineExpression:
    return model.k[key]


def per_serving(model: MenuModel, per_serving_by_dish: np.ndarray | Sequence[float], day: int | None = None,
                slots: Sequence[str] | None = None) -> pulp.LpAffineExpression:
    """sum of portions x a per-serving value by dish (a nutrient, a cost) over ``day`` (all days: None)."""
    return pulp.LpAffineExpression([(x, 0.25 * q * float(per_serving_by_dish[key[3]]))
                                    for key, levels in model.x.items()
                                    if (day is None or key[0] == day) and (slots is None or key[1] in slots)
                                    for q, x in levels.items()])


def amount(model: MenuModel, data: DishData, nutrient: str, day: int, slots: Sequence[str] | None = None
            ) -> pulp.LpAffineExpression:
    return per_serving(model, data.values[nutrient], day, slots)


def build_menu_model(data: DishData, targets: Targets, rules: Rules, *, days: Sequence[int],
                     budget_usd_per_day: float | None = None, name: str = "magplan_menu",
                     leftover_days: Collection[int] = ()) -> MenuModel:
    """The menu model for ``days``: all days of a week (the compact model, co-nutrients on the week's average)
    or one day (an explanation's). The week method's day model is ``planner.menu_day``."""
    model = MenuModel(pulp.LpProblem(name, pulp.LpMinimize), days=tuple(days))
    add_day_rows(model, data, targets, rules, budget_usd_per_day)
    objective = dish_objective(model, data, rules) + add_food_groups(model, data) + model.soft
    objective += add_co_nutrients(model, data, targets)
    if len(model.days) > 1:
        _add_variety(model, data, rules, frozenset(leftover_days) & set(model.days[1:]))
    model.prob += objective
    return model


def add_day_rows(model: MenuModel, data: DishData, targets: Targets, rules: Rules, budget_usd_per_day: float | None,
                 *, all_levels: bool = False) -> None:
    """The choices (``all_levels``: every quarter from 0.5 to 2, for a model whose days fix dishes later) and
    each day's structure, nutrient and energy-share rows."""
    _add_choices(model, data, all_levels=all_levels)
    _add_structure(model, data)
    _add_daily_nutrients(model, data, targets, rules, budget_usd_per_day)
    _add_energy_shares(model, data, targets.energy_kcal_max)


def _add_choices(model: MenuModel, data: DishData, *, all_levels: bool = False) -> None:
    """One 0/1 variable per portion level of each dish in each place: the levels the planner serves
    (PLANNED_QUARTERS), or with ``all_levels`` every quarter a person may set."""
    for d in model.days:
        for slot, role, _lo, _hi in PLACES:
            allowed = range(QUARTERS_MIN, QUARTERS_MAX + 1) if all_levels else PLANNED_QUARTERS[role]
            for i in data.candidates(role):
                key = (d, slot, role, int(i))
                tag = f"{d}_{slot}_{role}_{data.ids[i]}"
                levels = model.x[key] = {q: pulp.LpVariable(f"x_{tag}_q{q}", cat=pulp.LpBinary) for q in allowed}
                model.y[key] = pulp.LpAffineExpression([(x, 1.0) for x in levels.values()])
                model.k[key] = pulp.LpAffineExpression([(x, float(q)) for q, x in levels.items()])


def _add_structure(model: MenuModel, data: DishData) -> None:
    for d in model.days:
        for slot, role, lo, hi in PLACES:
            ys = [model.y[key] for i in data.candidates(role) if (key := (d, slot, role, int(i))) in model.y]
            label = f"{role}s_{slot}_{d}" if hi > 1 or lo == 0 else f"one_{role}_{slot}_{d}"
            if lo == hi:
                model.prob += pulp.lpSum(ys) == lo, label
            else:
                model.prob += pulp.lpSum(ys) <= hi, label
                if lo > 0:
                    model.prob += pulp.lpSum(ys) >= lo, label + "_min"
        by_dish: dict[int, list[pulp.LpVariable]] = {}  # a dish once a day, at one portion level
        for (dd, _s, _r, i), levels in model.x.items():
            if dd == d:
                by_dish.setdefault(i, []).extend(levels.values())
        for i, xs in by_dish.items():
            if len(xs) > 1:
                model.prob += pulp.lpSum(xs) <= 1, f"once_a_day_{d}_{data.ids[i]}"


def _add_daily_nutrients(model: MenuModel, data: DishData, targets: Targets, rules: Rules,
                         budget_usd_per_day: float | None) -> None:
    p = model.prob
    for d in model.days:
        p += amount(model, data, "magnesium_mg", d) >= targets.magnesium_mg, f"magnesium_min_{d}"
        p += amount(model, data, "energy_kcal", d) >= targets.energy_kcal_min, f"energy_min_{d}"
        p += amount(model, data, "energy_kcal", d) <= targets.energy_kcal_max, f"energy_max_{d}"
        p += amount(model, data, "protein_g", d) >= targets.protein_g_min, f"protein_min_{d}"
        p += amount(model, data, "fiber_g", d) >= targets.fiber_g_min, f"fiber_min_{d}"
        over = pulp.LpVariable(f"fiber_over_{d}", lowBound=0)
        p += amount(model, data, "fiber_g", d) - over <= fiber_g_soft_max(targets), f"fiber_soft_max_{d}"
        model.soft += FIBER_OVER_WEIGHT * over
        p += amount(model, data, "sodium_mg", d) <= targets.sodium_mg_max, f"sodium_max_{d}"
        if budget_usd_per_day is not None:
            p += per_serving(model, data.cost_usd, d) <= budget_usd_per_day, f"budget_{d}"
        if rules.evening_share_min is not None:
            evening = amount(model, data, "magnesium_mg", d, EVENING_SLOTS)
            p += evening >= rules.evening_share_min * amount(model, data, "magnesium_mg", d), \
                f"evening_magnesium_share_{d}"
            p += pulp.lpSum(y for key, y in model.y.items() if key[0] == d and key[1] == "evening") >= 1, \
                f"evening_snack_{d}"
        if rules.caffeine_after_lunch_max_mg is not None:
            after = MEAL_SLOTS[MEAL_SLOTS.index("lunch") + 1:]
            p += amount(model, data, "caffeine_mg", d, after) <= rules.caffeine_after_lunch_max_mg, \
                f"caffeine_after_lunch_{d}"


def _add_energy_shares(model: MenuModel, data: DishData, day_kcal_max: float) -> None:
    for d in model.days:  # (and MEAL_KCAL_MAX where it can bind)
        # The day's energy as one variable: a share row holds only its meal's dishes (a tenth of the nonzeros).
        day = pulp.LpVariable(f"energy_kcal_{d}", lowBound=0)
        model.prob += day == amount(model, data, "energy_kcal", d), f"energy_day_{d}"
        for slot, (lo, hi) in ENERGY_SHARE.items():
            meal = amount(model, data, "energy_kcal", d, (slot,))
            if lo > 0:
                model.prob += meal >= lo * day, f"energy_share_min_{slot}_{d}"
            model.prob += meal <= hi * day, f"energy_share_max_{slot}_{d}"
            if hi * day_kcal_max > MEAL_KCAL_MAX:  # only where it can bind: a row slows a day's solve
                model.prob += meal <= MEAL_KCAL_MAX, f"meal_kcal_max_{slot}_{d}"


def add_food_groups(model: MenuModel, data: DishData) -> pulp.LpAffineExpression:
    """Two portions of fruit every day (soft: ``fruit_short_<d>`` and ``fruit_second_short_<d>``, each in portions
    of ``fruit_g_min``), protein at breakfast (soft), one
    legume dish a meal and none (nor a leafy-greens dish) as a breakfast side, one milky dish a meal, one cocoa dish and one fish dish a
    day, a staple at one meal a day, one drink a meal, two a day and none as a lunch or dinner side
    (``model.limits`` keeps each)."""
    terms = pulp.LpAffineExpression()
    for d in model.days:
        short = pulp.LpVariable(f"fruit_short_{d}", lowBound=0, upBound=1)
        second = pulp.LpVariable(f"fruit_second_short_{d}", lowBound=0, upBound=1)
        portion = fruit_g_min(data)
        model.prob += (per_serving(model, data.fruit_g, d) + portion * (short + second) >= 2 * portion,
                       f"fruit_min_{d}")
        terms += FRUIT_SHORT_WEIGHT * short + FRUIT_SECOND_WEIGHT * second
        for slot in ONE_LEGUME_SLOTS:
            _at_most_one(model, [key for key in model.keys(d, slot) if data.legumes[key[3]]],
                         f"one_legume_dish_{slot}_{d}")
        day_keys = model.keys(d)
        _at_most_one(model, [key for key in day_keys if data.cocoa[key[3]]], f"one_cocoa_dish_{d}")
        _at_most_one(model, [key for key in day_keys if data.fish_any[key[3]]], f"one_fish_dish_{d}")
        _at_most_one(model, [key for key in model.keys(d, "breakfast") if key[2] == "side" and data.legumes[key[3]]],
                     f"no_legume_side_breakfast_{d}", limit=0)
        _at_most_one(model, [key for key in model.keys(d, "breakfast") if key[2] == "side" and data.greens[key[3]]],
                     f"no_greens_side_breakfast_{d}", limit=0)
        _at_most_one(model, [key for key in model.keys(d, "breakfast") if key[2] == "side" and not data.morning[key[3]]],
                     f"morning_sides_breakfast_{d}", limit=0)
        _at_most_one(model, [key for key in day_keys if data.milky[key[3]]], f"milky_dishes_{d}", limit=MILKY_PER_DAY_MAX)
        _at_most_one(model, [k for k in day_keys if data.milk_with_iron[k[3]]], f"milky_iron_dish_{d}", limit=0)
        for slot in MEAL_SLOTS:  # one milky dish a meal: not raisin bran with milk and a glass of milk
            _at_most_one(model, [key for key in model.keys(d, slot) if data.milky[key[3]]], f"one_milky_dish_{slot}_{d}")
            _add_no_milk_with_iron(model, data, d, slot)
        for slot in NO_COCOA_SLOTS:
            _at_most_one(model, [key for key in model.keys(d, slot) if data.cocoa_any[key[3]]], f"no_cocoa_{slot}_{d}",
                         limit=0)
        for slot in NO_SMOOTHIE_SLOTS:
            _at_most_one(model, [key for key in model.keys(d, slot) if data.smoothie[key[3]]],
                         f"no_smoothie_{slot}_{d}", limit=0)
        for slot in DRINKLESS_MEALS:
            _at_most_one(model, [key for key in model.keys(d, slot) if key[2] == "side" and data.drink[key[3]]],
                         f"no_drink_side_{slot}_{d}", limit=0)
            _at_most_one(model, [key for key in model.keys(d, slot) if key[2] == "side" and data.starchy[key[3]]],
                         f"no_starchy_side_{slot}_{d}", limit=0)
        drinks = [key for key in day_keys if data.drink[key[3]]]
        _at_most_one(model, drinks, f"drinks_{d}", limit=DRINKS_PER_DAY_MAX)
        for slot in MEAL_SLOTS:
            _at_most_one(model, [key for key in drinks if key[1] == slot], f"one_drink_{slot}_{d}")
        terms += _add_breakfast_protein(model, data, d)
        by_staple: dict[str, list[tuple[int, str, str, int]]] = {}  # one pass over the day's places
        for key in day_keys:
            for food_id in data.staples[key[3]]:
                by_staple.setdefault(food_id, []).append(key)
        for food_id, keys in sorted(by_staple.items()):
            _at_most_one(model, keys, f"staple_once_{food_id}_{d}")
    return terms


def _add_no_milk_with_iron(model: MenuModel, data: DishData, d: int, slot: str) -> None:
    """``no_milk_with_iron_<slot>_<d>``: an iron-rich main or a milky side, not both (a meal has one milky dish)."""
    _at_most_one(model, [k for k in model.keys(d, slot) if (k[2] == "side" and data.milky[k[3]])
                         or (k[2] in ("breakfast", "main") and data.iron_rich[k[3]])],
                 f"no_milk_with_iron_{slot}_{d}")


def _add_breakfast_protein(model: MenuModel, data: DishData, d: int) -> pulp.LpAffineExpression:
    short = pulp.LpVariable(f"breakfast_protein_short_{d}", lowBound=0, upBound=BREAKFAST_PROTEIN_G_MIN)
    model.prob += amount(model, data, "protein_g", d, ("breakfast",)) + short >= BREAKFAST_PROTEIN_G_MIN, \
        f"breakfast_protein_{d}"
    return BREAKFAST_PROTEIN_WEIGHT * short


def _at_most_one(model: MenuModel, keys: Sequence[tuple[int, str, str, int]], name: str, limit: int = 1) -> None:
    """At most one (``limit``) of these dishes; a day that fixes more of them (a person's locks) raises the row's
    bound (``planner.menu_day``): their choice stands."""
    if len(keys) > limit:
        model.prob += pulp.lpSum(model.y[key] for key in keys) <= limit, name
        model.limits[name] = (list(keys), limit)


def shortfall_weight(column: str) -> float:
    """The objective of missing a co-nutrient's weekly target by 100 % (``SHORTFALL_PRIORITY`` over the base)."""
    return SHORTFALL_WEIGHT * SHORTFALL_PRIORITY.get(column, 1.0)


def add_co_nutrients(model: MenuModel, data: DishData, targets: Targets, scale: float = 1.0
                      ) -> pulp.LpAffineExpression:
    """Week average >= target, softly: shortfall_<n> (in units of the weekly target) costs ``scale`` times
    ``shortfall_weight``."""
    terms = pulp.LpAffineExpression()
    n_days = len(model.days)
    for column, target_field in CO_NUTRIENTS:
        target = float(getattr(targets, target_field))
        if target <= 0:
            continue
        s = model.shortfall[column] = pulp.LpVariable(f"shortfall_{column}", lowBound=0, upBound=1)
        total = pulp.lpSum(amount(model, data, column, d) for d in model.days)
        model.prob += total + s * target * n_days >= target * n_days, f"{column}_week"
        terms += scale * shortfall_weight(column) * s
    return terms


def dish_objective(model: MenuModel, data: DishData, rules: Rules) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression([(x, choice_cost(data, rules, key[2], key[3], q))
                                    for key, levels in model.x.items() for q, x in levels.items()])


def choice_cost(data: DishData, rules: Rules, role: str, i: int, quarters: int) -> float:
    """The objective of dish ``i`` in ``role`` at ``quarters`` of a serving: its cost, preference and tie-break
    per quarter, its distance from the person's usual portion, and the price of a side or snack."""
    cost_w = CHEAPEST_COST_WEIGHT if rules.cheapest else COST_WEIGHT
    per_quarter = 0.25 * (cost_w * float(data.cost_usd[i]) + float(data.preference[i])) + TIE_BREAK * (i + 1)
    extra = EXTRA_DISH_WEIGHT if role in ("side", "snack") else 0.0
    return quarters * per_quarter + extra + PORTION_WEIGHT * abs(quarters / 4 - data.portion_center)


def fruit_g_min(data: DishData) -> float:
    """A portion of fruit (a day asks for two): FRUIT_G_MIN times the person's usual portion (a child served 3/4:
    60 g)."""
    return FRUIT_G_MIN * data.portion_center


def day_shortfall_cost(fruit_g: float, breakfast_protein_g: float, fruit_min_g: float = FRUIT_G_MIN,
                       fiber_over_g: float = 0.0) -> float:
    """The soft terms of a day (``add_food_groups``' ``fruit_short``, ``fruit_second_short`` and
    ``breakfast_protein_short``, and ``fiber_over``); ``fruit_min_g``: a portion of fruit; ``fiber_over_g``: fibre
    above ``fiber_g_soft_max``."""
    missing = max(0.0, 2.0 - fruit_g / fruit_min_g)  # portions of the day's two
    return FRUIT_SECOND_WEIGHT * min(missing, 1.0) + FRUIT_SHORT_WEIGHT * max(0.0, missing - 1.0) \
        + BREAKFAST_PROTEIN_WEIGHT * max(0.0, BREAKFAST_PROTEIN_G_MIN - breakfast_protein_g) \
        + FIBER_OVER_WEIGHT * max(0.0, fiber_over_g)


def fiber_g_soft_max(targets: Targets) -> float:
    """Fibre a day above which each gram costs FIBER_OVER_WEIGHT."""
    return FIBER_SOFT_MAX_SHARE * targets.fiber_g_min


def days_needed(per_week: int, n_days: int) -> int:
    """Days a plan of ``n_days`` needs for a rule of ``per_week`` days a week (fish twice a week: one day of
    a 2-day plan, two of a week, four of a fortnight); a 2-day plan then has room for other mains."""
    return min(n_days, math.ceil(per_week * n_days / 7 - 1e-9)) if per_week > 0 else 0


def days_allowed(per_week_max: int, n_days: int) -> int:
    """Days a plan of ``n_days`` may use under a cap of ``per_week_max`` days a week (rounded down, at least
    one day: fish on at most 3 days a week in pregnancy is 12 days in 4 weeks, 1 day in 2)."""
    return max(1, math.floor(per_week_max * n_days / 7 + 1e-9))


def _add_variety(model: MenuModel, data: DishData, rules: Rules, leftover_days: Collection[int] = ()) -> None:
    days = model.days
    for i in data.candidates("main"):
        used = {d: pulp.lpSum(model.y[(d, s, "main", int(i))] for s in ("lunch", "dinner")) for d in days}
        model.prob += pulp.lpSum(used.values()) <= rules.max_main_per_week, f"max_days_{data.ids[i]}"
        for d in days[:-1]:
            if d + 1 in leftover_days:  # only as the leftover: yesterday's dinner is today's lunch
                lunch, dinner = model.y[(d, "lunch", "main", int(i))], model.y[(d, "dinner", "main", int(i))]
                model.prob += lunch + used[d + 1] <= 1, f"not_consecutive_{d}_{data.ids[i]}"
                model.prob += model.y[(d + 1, "lunch", "main", int(i))] == dinner, f"leftover_{d + 1}_{data.ids[i]}"
                if not data.keeps[i]:  # eaten the day it is cooked (shellfish)
                    model.prob += dinner == 0, f"leftover_keeps_{d}_{data.ids[i]}"
                # and a dish the week has not had otherwise (with a weekly cap of 2 the pair is both its days)
                model.prob += pulp.lpSum(used.values()) + (rules.max_main_per_week - 2) * dinner \
                    <= rules.max_main_per_week, f"leftover_new_{d}_{data.ids[i]}"
            else:
                model.prob += used[d] + used[d + 1] <= 1, f"not_consecutive_{d}_{data.ids[i]}"
    for i in data.candidates("breakfast"):
        model.prob += pulp.lpSum(model.y[(d, "breakfast", "breakfast", int(i))] for d in days) \
            <= rules.max_breakfast_per_week, f"max_breakfasts_{data.ids[i]}"
    spaced = [("breakfast", ("breakfast",))] if rules.max_breakfast_per_week < rules.days else []
    for role, slots in (*spaced, ("snack", ("snack", "evening"))):  # the week method's rule, as rows
        for i in data.candidates(role):
            used = {d: pulp.lpSum(model.y[(d, s, role, int(i))] for s in slots) for d in days}
            for d in days[:-1]:
                model.prob += used[d] + used[d + 1] <= 1, f"not_consecutive_{role}_{d}_{data.ids[i]}"
    extras: dict[int, list[pulp.LpAffineExpression]] = {}  # one count for both roles, snack and side
    for (_d, _s, r, i), y in model.y.items():
        if r in ("snack", "side"):
            extras.setdefault(i, []).append(y)
    for i in np.flatnonzero(data.roles["snack"] | data.roles["side"]):
        model.prob += pulp.lpSum(extras.get(int(i), [])) <= rules.max_snack_side_per_week, \
            f"max_days_snack_side_{data.ids[i]}"
    fish = [model.y[(d, s, "main", int(i))] for d in days for s in ("lunch", "dinner") for i in data.candidates("main")
            if data.fish[i]]
    if rules.fish_per_week_min and fish:
        need = days_needed(rules.fish_per_week_min, len(days))
        model.prob += pulp.lpSum(fish) >= need, "fish_week"
    _add_fruit_days(model, data, days)
    meat = [y for (d, s, r, i), y in model.y.items() if r == "main" and data.meat[i]]
    if rules.meat_per_week_min and meat:
        model.prob += pulp.lpSum(meat) >= days_needed(rules.meat_per_week_min, len(days)), "meat_week"
    if rules.fish_per_week_max is not None:
        for d in days:  # a day with fish: at least one fish dish that day
            has = model.fish_day[d] = pulp.LpVariable(f"fish_day_{d}", cat=pulp.LpBinary)
            for (dd, s, r, i), y in model.y.items():
                if dd == d and data.fish_any[i]:
                    model.prob += y <= has, f"fish_day_{d}_{s}_{data.ids[i]}"
        model.prob += pulp.lpSum(model.fish_day.values()) <= days_allowed(rules.fish_per_week_max, len(days)), \
            "fish_week_max"


def fruits_used(data: DishData, keys: Collection[tuple[int, str, str, int]]) -> dict[str, list[tuple[int, str, str, int]]]:
    """fruit food id -> the places among ``keys`` whose dish is built on it."""
    out: dict[str, list[tuple[int, str, str, int]]] = {}
    for key in keys:
        for food_id in data.fruits[key[3]]:
            out.setdefault(food_id, []).append(key)
    return out


def _add_fruit_days(model: MenuModel, data: DishData, days: Sequence[int]) -> None:
    """``fruit_days_<food>``: each fruit on at most its share of FRUIT_DAYS_PER_WEEK_MAX days (a staple: one
    dish a day at most, so its dishes count its days)."""
    for food_id, keys in sorted(fruits_used(data, model.y).items()):
        model.prob += pulp.lpSum(model.y[key] for key in keys) <= days_allowed(FRUIT_DAYS_PER_WEEK_MAX, len(days)), \
            f"fruit_days_{food_id}"


def solution(model: MenuModel, data: DishData) -> dict[tuple[int, str], list[tuple[str, str, float]]]:
    """{(day, slot): [(dish_id, role, portions)]} from a solved model (read only after checking the status)."""
    out: dict[tuple[int, str], list[tuple[str, str, float]]] = {(d, s): [] for d in model.days for s in MEAL_SLOTS}
    for key, k in model.k.items():
        q = int(round(k.value() or 0))
        if q > 0:
            d, slot, role, i = key
            out[(d, slot)].append((data.ids[i], role, q / 4))
    return out
