"""The dishes one person may eat, as arrays the menu model reads (``planner.menu``): roles, nutrients per serving,
cost, kinds (fish, meat, legumes, cocoa, drinks) and the person's preferences (favourites, dislikes, pantry).

Every number comes from the dish library (``foods.dishes``), itself derived from the USDA rows of the
ingredients; this module only selects what the profile allows and arranges it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from foods.dishes import DishTables, filter_dishes
from foods.schema import split_tags
from planner.kept import Kept
from planner.model import Profile, Targets

CO_NUTRIENTS: tuple[tuple[str, str], ...] = (  # (dish column, Targets field)
    ("iron_mg", "iron_mg"), ("calcium_mg", "calcium_mg"), ("potassium_mg", "potassium_mg"),
    ("vitamin_d_ug", "vitamin_d_ug"), ("vitamin_b12_ug", "vitamin_b12_ug"),
)
DAILY_NUTRIENTS: tuple[str, ...] = ("magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg",
                                    "caffeine_mg", *(c for c, _t in CO_NUTRIENTS))
FAVORITE_BONUS = 0.6  # a dish with a favourite ingredient
# A dish named as a favourite (a recipe the person imported or loves): enough to outweigh a dish's cost and
# the usual ties, so it is in the week (within the variety rules) unless the targets cannot allow it.
FAVORITE_DISH_BONUS = 2.0
DISLIKE_PENALTY = 3.0
PANTRY_BONUS = 0.3  # a dish using something already in the pantry (less than a favourite ingredient)
# A dish's serving is an adult's (about a 2,000 kcal day): a person whose energy range centres lower (a child
# of 8: 1,500 kcal) is served less by default (0.75), never more than one serving (a tall man still has 1).
SERVING_REFERENCE_KCAL = 2000.0
# A dish with shellfish (mussels, shrimp, clams, scallops) is eaten the day it is cooked, never as tomorrow's
# leftover lunch (a dietitian: reheated it is rubbery, and it is the riskiest food to keep).
NOT_KEEPING_ALLERGENS: frozenset[str] = frozenset({"shellfish"})
# A dish built on milk, a plant milk or yogurt: a meal holds one (not raisin bran with milk and a glass of milk).
MILKY_G_MIN = 150.0
# A cold fruit-and-milk dish, a smoothie (``MILKY_G_MIN`` of milk, plant milk, kefir or yogurt and SMOOTHIE_FRUIT_G_MIN
# of fruit a serving): not at bedtime (planner.menu.NO_SMOOTHIE_SLOTS).
SMOOTHIE_FRUIT_G_MIN = 60.0
IRON_RICH_MAIN_MG = 3.0
IRON_PRIORITY_MG = 18.0
EGG_PREFIX, NOT_EGGS, EGG_G = "egg_", ("egg_noodles_cooked", "egg_white"), 48.0  # a large egg: 50 g raw, 46 g fried
# A starchy side: 20 g of carbohydrate a serving or more, not mostly fruit (rice, quinoa, pilafs, potatoes, corn,
# tortillas, bean and lentil salads, refried beans). Every main brings its own starch (35 g or more), so the planner
# serves none beside a main: a dietitian found refried beans beside salmon with new potatoes and beside macaroni
# and cheese, then (at 28 g) tortillas beside a shepherd's pie.
STARCHY_SIDE_CARB_G = 20.0
UNKNOWN_COST_USD = 1.5  # per serving, for a dish with no priced ingredient (reported as unknown)


# A dish built on a cooked food kept overnight already (fried rice from day-old rice) is not cooked to be eaten
# again tomorrow: food-safety advice reheats rice once (a dietitian found egg fried rice as a leftover lunch).
STORED_ALREADY = "day-old"
# Nor is a dish with eggs cooked to order (fried, poached): a dietitian found kasha with fried eggs kept for
# tomorrow's lunch.
COOKED_TO_ORDER: frozenset[str] = frozenset({"egg_fried", "egg_poached"})


def keeps_overnight(allergens: object) -> bool:
    """Whether a dish with these allergens (a dish table's tags) keeps as tomorrow's leftover lunch."""
    return not (set(split_tags(allergens)) & NOT_KEEPING_ALLERGENS)


@dataclass(frozen=True)
class DishData:
    """Arrays of the dishes one profile may eat (NaN nutrients count as 0; ``measured`` says how much is known)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    roles: Mapping[str, np.ndarray]  # role -> bool per dish
    values: Mapping[str, np.ndarray]  # nutrient -> per serving
    # per serving, unpriced ingredients at their category's median price (foods.dish_numbers.budget_prices): what
    # budgets and the cost term count (a dish with nothing priced or estimated: UNKNOWN_COST_USD)
    cost_usd: np.ndarray
    fish: np.ndarray  # bool: a fish or seafood main
    meat: np.ndarray  # bool: a meat or poultry main
    fish_any: np.ndarray  # bool: a dish of any role with fish or seafood (the pregnancy cap counts them)
    fruit_g: np.ndarray  # grams of fruit per serving
    fish_g: np.ndarray  # grams of fish and seafood per serving
    keeps: np.ndarray  # bool: good as tomorrow's leftover lunch (``keeps_overnight``, not STORED_ALREADY nor COOKED_TO_ORDER)
    milky: np.ndarray  # bool: built on milk, a plant milk or yogurt (``MILKY_G_MIN`` a serving or more)
    drink: np.ndarray  # bool: a dish that is mostly poured by the cup (foods.dishes: 'drink')
    morning: np.ndarray  # bool: a snack, or a dish whose heaviest ingredient is a breakfast food (foods.dish_numbers)
    starchy: np.ndarray  # bool: STARCHY_SIDE_CARB_G of carbohydrate a serving or more, less than half of it fruit
    legumes: np.ndarray  # bool: a dish built on beans, lentils, peas or soy (magnesium group "legumes")
    greens: np.ndarray  # bool: a dish with leafy greens (magnesium group "leafy_greens")
    cocoa: np.ndarray  # bool: a dish with cocoa or dark chocolate (magnesium group "cocoa")
    cocoa_any: np.ndarray  # bool: a dish with any cocoa or dark chocolate at all (none in the evening)
    smoothie: np.ndarray  # bool: fruit and milk, a cold dish of a cup or more (``SMOOTHIE_FRUIT_G_MIN``)
    staples: tuple[frozenset[str], ...]  # per dish: the grains, legumes, nuts and seeds it is built on (food ids)
    fruits: tuple[frozenset[str], ...]  # per dish: its fruits of 40 g a serving or more (planner.menu's weekly cap)
    preference: np.ndarray  # objective term per serving (negative: favourite)
    servings: np.ndarray  # how many servings the recipe makes (a batch worth keeping for leftovers)
    whole_eggs: np.ndarray  # int: eggs a serving when whole (``planned_levels`` keeps them whole), else 0
    portion_center: float = 1.0  # the person's usual portion (``portion_center``); the penalty counts from it
    iron_priority: bool = False  # iron target IRON_PRIORITY_MG or more: no iron-rich dish built on milk (``for_targets``)

    def planned_levels(self, i: int, levels: Sequence[int]) -> list[int]:
        """The portion levels (quarters) of ``levels`` the planner serves dish ``i`` at: whole eggs only (a
        dietitian found "2 1/2 large eggs" poached in a shakshuka at 1 1/4 portions)."""
        eggs = int(self.whole_eggs[i])
        return [q for q in levels if eggs * q % 4 == 0] or list(levels)

    @cached_property
    def iron_rich(self) -> np.ndarray:
        """bool: IRON_RICH_MAIN_MG of iron a serving or more (no milky side beside such a main: calcium lowers
        the iron absorbed from a meal)."""
        return self.values["iron_mg"] >= IRON_RICH_MAIN_MG

    @cached_property
    def milk_with_iron(self) -> np.ndarray:
        """bool: an iron-rich dish built on milk that a person whose iron is a priority is not served."""
        return self.milky & self.iron_rich & self.iron_priority

    @cached_property
    def index(self) -> dict[str, int]:
        """dish id -> position (built once: swaps and budgets look dishes up per dish of a day)."""
        return {d: i for i, d in enumerate(self.ids)}

    def candidates(self, role: str) -> np.ndarray:
        return np.flatnonzero(self.roles[role])


def _kind(d: pd.DataFrame, kind: str) -> np.ndarray:
    return d["protein_kinds"].map(lambda v: kind in split_tags(v)).to_numpy(dtype=bool)


def _role(d: pd.DataFrame, role: str) -> np.ndarray:
    return d["roles"].map(lambda v: role in split_tags(v)).to_numpy(dtype=bool)


def portion_center(targets: Targets) -> float:
    """The person's usual portion: their energy range's middle over ``SERVING_REFERENCE_KCAL``, in quarters,
    from 0.5 to 1."""
    middle = (targets.energy_kcal_min + targets.energy_kcal_max) / 2
    return min(1.0, max(0.5, round(4 * middle / SERVING_REFERENCE_KCAL) / 4))


def for_targets(data: DishData, targets: Targets) -> DishData:
    """``data`` for a person with these targets: their usual portion, and whether iron is a priority (a woman of
    19-50, pregnancy, a vegetarian woman's 1.8 x: 18 mg a day or more)."""
    return replace(data, portion_center=portion_center(targets), iron_priority=targets.iron_mg >= IRON_PRIORITY_MG)


def dish_data(tables: DishTables, profile: Profile, *, exclude_dishes: Collection[str] = (),
              favorites: Collection[str] = (), dislikes: Collection[str] = (),
              pantry_foods: Collection[str] = ()) -> DishData:
    """The dishes the profile's diet, allergens and exclusions allow (dish ids or food ids excluded);
    favourites, dislikes and foods already in the pantry move a dish's preference."""
    d = filter_dishes(tables.dishes, tables.ingredients, diet=profile.diet, avoid=profile.avoid_allergens,
                      exclude_foods=profile.exclude_foods)
    d = d[~d.index.isin(list(exclude_dishes))]
    ing = tables.ingredients
    contains = ing.groupby("dish_id")["food_id"].agg(frozenset)
    pref = np.zeros(len(d))
    for n, dish_id in enumerate(d.index):
        foods = contains.get(dish_id, frozenset())
        if dish_id in favorites:
            pref[n] -= FAVORITE_DISH_BONUS
        elif foods & set(favorites):
            pref[n] -= FAVORITE_BONUS
        if dish_id in dislikes or foods & set(dislikes):
            pref[n] += DISLIKE_PENALTY
        if foods & set(pantry_foods):
            pref[n] -= PANTRY_BONUS
    cost = d["budget_usd"].to_numpy(dtype=float)
    stored = ing.loc[ing["household"].astype(str).str.contains(STORED_ALREADY, regex=False)
                     | ing["food_id"].isin(COOKED_TO_ORDER), "dish_id"].unique()
    return DishData(
        ids=tuple(str(i) for i in d.index), names=tuple(str(n) for n in d["name"]),
        roles={r: d["roles"].map(lambda v, r=r: r in split_tags(v)).to_numpy(dtype=bool)
               for r in ("breakfast", "main", "snack", "side")},
        values={n: np.nan_to_num(d[n].to_numpy(dtype=float)) for n in DAILY_NUTRIENTS},
        cost_usd=np.where(np.isnan(cost) | (cost <= 0), UNKNOWN_COST_USD, cost),
        fish=_kind(d, "fish_seafood") & _role(d, "main"), meat=_kind(d, "meat_poultry") & _role(d, "main"),
        fish_any=_kind(d, "fish_seafood"),
        fruit_g=d["fruit_g"].to_numpy(dtype=float), fish_g=d["fish_g"].to_numpy(dtype=float),
        keeps=d["allergens"].map(keeps_overnight).to_numpy(dtype=bool) & ~d.index.isin(stored),
        milky=d["dairy_g"].to_numpy(dtype=float) >= MILKY_G_MIN,
        drink=d["drink"].to_numpy(dtype=bool),
        morning=d["morning"].to_numpy(dtype=bool) | _role(d, "snack"),
        starchy=(np.nan_to_num(d["carbohydrate_g"].to_numpy(dtype=float)) >= STARCHY_SIDE_CARB_G)
        & (d["fruit_g"].to_numpy(dtype=float) < 0.5 * d["grams"].to_numpy(dtype=float)),
        legumes=d["groups"].map(lambda v: "legumes" in split_tags(v)).to_numpy(dtype=bool),
        cocoa=d["groups"].map(lambda v: "cocoa" in split_tags(v)).to_numpy(dtype=bool),
        cocoa_any=d["cocoa_g"].to_numpy(dtype=float) > 0,
        smoothie=(d["dairy_g"].to_numpy(dtype=float) >= MILKY_G_MIN)
        & (d["fruit_g"].to_numpy(dtype=float) >= SMOOTHIE_FRUIT_G_MIN),
        greens=d["groups"].map(lambda v: "leafy_greens" in split_tags(v)).to_numpy(dtype=bool),
        staples=tuple(frozenset(split_tags(v)) for v in d["staples"]),
        fruits=tuple(frozenset(split_tags(v)) for v in d["fruits"]),
        preference=pref, servings=d["servings"].to_numpy(dtype=float),
        whole_eggs=_whole_eggs(d.index, ing),
    )


def _whole_eggs(dish_ids: pd.Index, ing: pd.DataFrame) -> np.ndarray:
    """Eggs a serving when they are whole eggs (1, 2...: 46-50 g each), else 0 (a binder's 1/4 egg, a pan's)."""
    egg = ing["food_id"].astype(str).str.startswith(EGG_PREFIX) & ~ing["food_id"].isin(NOT_EGGS)
    per_dish = ing.loc[egg].groupby("dish_id")["grams"].sum().reindex(dish_ids, fill_value=0.0) / EGG_G
    count = per_dish.round().to_numpy()
    return np.where((count >= 1) & (np.abs(per_dish.to_numpy() - count) <= 0.2), count, 0).astype(int)


# Planning a week and then editing it (swap, regenerate, set portions) read the same dish data: it is kept for
# the last few (tables, profile, exclusions, pantry, targets), so an edit finds the object the week was planned
# with, and with it the day model that was built then (``menu_day.kept_day_model``). A regenerated day took
# 0.32 s, 0.06 s of it the dish data and about 0.15 s building the day model (bench/README.md).
KEPT_MAX = 4
_kept: Kept[DishData] = Kept(KEPT_MAX)


def kept_dish_data(tables: DishTables, profile: Profile, targets: Targets, *, exclude_dishes: Collection[str] = (),
                   pantry_foods: Collection[str] = ()) -> DishData:
    """``for_targets(dish_data(...))`` with the profile's own favourites and dislikes, the same object for the
    same inputs while it is among the last KEPT_MAX."""
    key = (id(tables), repr(profile), repr(targets), tuple(exclude_dishes), tuple(sorted(pantry_foods)))
    return _kept.get(key, tables, lambda: for_targets(
        dish_data(tables, profile, exclude_dishes=exclude_dishes, favorites=profile.favorite_foods,
                  dislikes=profile.disliked_foods, pantry_foods=pantry_foods), targets))

