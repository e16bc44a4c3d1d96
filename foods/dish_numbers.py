"""Every number about a dish, derived from its ingredient lines and the food table's USDA rows.

Per serving: nutrients and cost with the share of each total that is measured, diet tags (those every ingredient
has), allergens (any ingredient's), magnesium groups, fruit grams, whether it is a drink, its staples and the
protein it is built around. The numbers of all dishes are computed together, a few numpy calls per column
(``foods.dishes`` reads and checks the dish files, then asks for them here).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from foods.schema import ALLERGENS, DIET_TAGS, NUTRIENT_COLUMNS, split_tags

COCOA_CATEGORY = "dark_chocolate"  # cocoa powder and dark chocolate
# Magnesium-rich food groups a dish can contain, by the food-table categories that make them up.
MAGNESIUM_GROUPS: dict[str, tuple[str, ...]] = {
    "leafy_greens": ("leafy_greens",),
    "nuts_seeds": ("nuts", "seeds"),
    "whole_grains": ("whole_grains",),
    "cocoa": ("dark_chocolate",),
    "legumes": ("legumes_soy",),
}
# An ingredient puts its dish in a group from this many grams per serving (a sprinkle of sesame does not).
GROUP_MIN_G = 5.0
# The protein a main is built around, by food-table category; 'meat_poultry' is eggs_poultry_meat that
# is not vegetarian (eggs are).
PROTEIN_KINDS: tuple[str, ...] = ("fish_seafood", "meat_poultry")
MIN_PROTEIN_KIND_G = 30.0
# A dish's staples: the grains and legumes it is built on (40 g a serving or more), and its nuts, seeds and
# their butters (15 g or more). The planner serves a staple at one meal a day (no brown rice at lunch and again
# at dinner; no peanut butter smoothie, peanut noodles and peanut stew in one day, which a dietitian found), and
# its leafy greens (20 g or more, a cup of baby spinach: not rice and peas with callaloo beside a side of steamed
# callaloo, nor spinach in three dishes of a day, which a dietitian found at 40 g; free over six profiles) and its eggs,
# meat or poultry (40 g: not scrambled eggs at breakfast and shakshuka at dinner, four eggs in a day; a staple is
# one food of the table, but eggs are one staple however they are cooked: ``staple_key``). (Each fruit is its own
# staple, so another fruit may come at the next meal: a child's household day keeps its portion of fruit.)
STAPLE_MIN_G: dict[str, float] = {"whole_grains": 40.0, "refined_grains": 40.0, "legumes_soy": 40.0, "breads": 40.0,
                                  "breakfast_cereals": 40.0, "nuts": 15.0, "seeds": 15.0, "leafy_greens": 20.0,
                                  "eggs_poultry_meat": 40.0}
# Foods that are staples though their category is not: the starchy vegetables (a dietitian found sweet potato at
# two meals of a day three times), and a fruit of 40 g a serving or more (banana at breakfast and again in the
# afternoon's nice cream): another fruit may come at the next meal. Potatoes and sweet potatoes are one staple
# (a dietitian found a jacket potato at lunch and sweet potato wedges at dinner). Vitamin D mushrooms, once they
# came, were served at breakfast on toast and again as a side at dinner: at one meal a day too.
POTATO_FOODS: frozenset[str] = frozenset({"potato_baked", "potato_boiled", "sweet_potato_baked"})
STAPLE_FOOD_MIN_G: dict[str, float] = {**dict.fromkeys(sorted(POTATO_FOODS), 60.0), "mushrooms_white_uv": 40.0}
POTATOES = "potatoes"
# A fruit is a staple from 40 g a serving, a third of a banana: a dietitian counted the banana in the cookies and
# the pancakes too, on 5-6 days of a week and twice in a day. The planner's weekly cap on each fruit
# (planner.menu.FRUIT_DAYS_PER_WEEK_MAX) counts the same fruits (``fruits``).
STAPLE_FRUIT_MIN_G = FRUIT_WEEK_MIN_G = 40.0
FRUIT_CATEGORY = "fruit"
STAPLE_CATEGORIES: tuple[str, ...] = tuple(STAPLE_MIN_G)


def staple_min_g(food_id: str, category: str) -> float:
    """Grams a serving from which a food is one of a dish's staples (inf: never)."""
    if food_id in STAPLE_FOOD_MIN_G:
        return STAPLE_FOOD_MIN_G[food_id]
    return STAPLE_FRUIT_MIN_G if category == FRUIT_CATEGORY else STAPLE_MIN_G.get(category, float("inf"))
EGG_CATEGORY, EGG_PREFIX, EGGS = "eggs_poultry_meat", "egg_", "eggs"


def staple_key(food_id: str, category: str) -> str:
    """What a staple is counted as: the food, or 'eggs' for an egg however it is cooked (a dietitian counted
    scrambled eggs, egg curry and fried eggs, six eggs, in one day: three foods of the table), 'potatoes' for a
    potato or sweet potato."""
    if food_id in POTATO_FOODS:
        return POTATOES
    return EGGS if category == EGG_CATEGORY and food_id.startswith(EGG_PREFIX) else food_id
# A drink: a dish that is mostly something poured by the cup (milk, kefir, a plant milk, juice, tea, cocoa).
# The planner serves at most one drink a meal and two a day (a dietitian found days of five milky drinks).
LIQUID_CATEGORIES: tuple[str, ...] = ("drinks", "dairy_alternatives")
LIQUID_SERVING_PREFIX = "1 cup"  # a liquid food's serving is poured (yogurt is '1 container', cheese '1 oz')
DRINK_MIN_LIQUID_SHARE = 0.85

# A morning dish: its heaviest ingredient is a breakfast food of the food table (its ``slots`` name breakfast:
# fruit, milk, yogurt, bread, cereal...). The planner serves only these (and snacks) as a breakfast side: a
# dietitian found roasted sweet potato wedges and bulgur pilaf beside overnight oats.
MORNING_SLOT = "breakfast"

# Derived columns of the dish table beyond the written ones (see ``foods.dishes.dish_record`` for the JSON).
MEASURED_PREFIX = "measured_"
NUMBER_COLUMNS = (*NUTRIENT_COLUMNS, "price_usd_per_100g")


class FoodRows:
    """The food table read once for deriving: numbers as one float matrix, tags as sets (by food_id)."""

    def __init__(self, foods: pd.DataFrame) -> None:
        self.position = {str(f): n for n, f in enumerate(foods.index)}
        self.numbers = np.column_stack([pd.to_numeric(foods[c], errors="coerce").to_numpy(dtype="float64")
                                        for c in NUMBER_COLUMNS])
        self.diet_tags = [set(split_tags(v)) for v in foods["diet_tags"]]
        self.allergens = [set(split_tags(v)) for v in foods["allergens"]]
        self.category = foods["category"].astype(str).to_numpy()
        self.morning = np.array([MORNING_SLOT in split_tags(v) for v in foods["slots"]], dtype=bool)
        self.liquid = np.isin(self.category, LIQUID_CATEGORIES) & \
            foods["serving_label"].astype(str).str.startswith(LIQUID_SERVING_PREFIX).to_numpy(dtype=bool)
        self.price_estimate = budget_prices(foods)


def budget_prices(foods: pd.DataFrame) -> np.ndarray:
    """USD per 100 g of each food for budgets and the planner's cost: its retail price, or, for a food without one
    (46 of 340 curated foods: amaranth, tempeh, hemp seeds, coconut milk...), the median price of the priced foods
    of its category; 0 when no food of the category has a price. A dietitian found a $7-a-day week leaning on
    unpriced foods, which had counted as free."""
    price = pd.to_numeric(foods["price_usd_per_100g"], errors="coerce")
    median = price.groupby(foods["category"].astype(str)).transform("median")
    return price.fillna(median).fillna(0.0).to_numpy(dtype="float64")


def _group_sums(values: np.ndarray, keep: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the sum of ``values`` where ``keep``; ``group`` never decreases along ``values``.

    Each group is added up exactly as its own ``values[keep].sum()`` would be (numpy sums pairwise): the groups
    of one length are stacked as the rows of a matrix and summed along the rows, a few numpy calls in all.
    """
    values, group = values[keep], group[keep]
    lengths = np.bincount(group, minlength=n_groups)
    starts = np.cumsum(lengths) - lengths
    out = np.zeros(n_groups)
    for n in np.unique(lengths[lengths > 0]):
        which = np.flatnonzero(lengths == n)
        out[which] = values[starts[which, None] + np.arange(n)].sum(axis=1)
    return out


class _Ingredients:
    """The ingredient lines of all dishes as flat arrays (dish by dish, in order), and sums per dish."""

    def __init__(self, dishes: Sequence[Any], rows: FoodRows) -> None:
        self.count = np.array([len(d.ingredients) for d in dishes], dtype="int64")
        self.start = np.cumsum(self.count) - self.count
        self.dish = np.repeat(np.arange(len(dishes)), self.count)
        self.at = np.array([rows.position[i.food_id] for d in dishes for i in d.ingredients], dtype="int64")
        self.grams = np.array([i.grams for d in dishes for i in d.ingredients], dtype="float64")
        self.category = rows.category[self.at]

    def sums(self, keep: np.ndarray) -> np.ndarray:
        """Per dish, the grams of the ingredients where ``keep``."""
        return _group_sums(self.grams, keep, self.dish, len(self.count))

    def nutrient_sums(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(amount, grams measured, lines measured) per column of ``numbers`` (per 100 g) and dish: the known
        values only, as ``(per100[known] * grams[known]).sum()`` adds them."""
        per100 = numbers[self.at].T  # one row per column: the groups (column, dish) follow each other in order
        known = ~np.isnan(per100)
        n_groups = per100.shape[0] * len(self.count)
        group = np.arange(per100.shape[0])[:, None] * len(self.count) + self.dish
        shape = (per100.shape[0], len(self.count))
        amount = _group_sums((per100 * self.grams).ravel(), known.ravel(), group.ravel(), n_groups)
        measured = _group_sums(np.broadcast_to(self.grams, per100.shape).ravel(), known.ravel(), group.ravel(),
                               n_groups)
        lines = np.bincount(group[known], minlength=n_groups)
        return amount.reshape(shape), measured.reshape(shape), lines.reshape(shape)


def derive_all(dishes: Sequence[Any], rows: FoodRows) -> list[dict[str, Any]]:
    """Every derived field of each dish (per serving), from its ingredients' rows of the food table.

    ``dishes`` are written dishes (``foods.dishes``): ``ingredients`` with food_id and grams per serving,
    ``unmatched`` lines with grams (None: unknown). The sums of all dishes are taken together (``_group_sums``:
    each as the dish's own ``np.sum`` gives it); tags, groups and staples are read dish by dish.
    """
    ing = _Ingredients(dishes, rows)
    amount, measured, lines = ing.nutrient_sums(rows.numbers)
    total = ing.sums(np.ones(len(ing.grams), dtype=bool))
    fruit = ing.sums(ing.category == FRUIT_CATEGORY)  # the planner's fruit-a-day rule reads it
    liquid = ing.sums(rows.liquid[ing.at])
    vegetarian = np.array(["vegetarian" in rows.diet_tags[n] for n in ing.at], dtype=bool)
    fish = ing.sums(ing.category == "fish_seafood")
    dairy = ing.sums(ing.category == "dairy_alternatives")  # milk, plant milks, yogurt, kefir
    cocoa = ing.sums(ing.category == COCOA_CATEGORY)  # any at all keeps a dish out of the evening (planner.menu)
    meat = ing.sums((ing.category == "eggs_poultry_meat") & ~vegetarian)
    out = []
    for d, dish in enumerate(dishes):
        span = slice(ing.start[d], ing.start[d] + ing.count[d])
        grams = ing.grams[span]
        total_g = float(total[d]) + unmatched_grams(grams, dish.unmatched)
        row: dict[str, Any] = {"grams": round(float(total[d]) + sum(u.grams or 0.0 for u in dish.unmatched), 2)}
        for c, column in enumerate(NUMBER_COLUMNS):
            name = "cost_usd" if column == "price_usd_per_100g" else column
            row[name] = round(float(amount[c, d] / 100.0), 4) if lines[c, d] else float("nan")
            row[MEASURED_PREFIX + name] = round(float(measured[c, d] / total_g), 4) if total_g > 0 else 0.0
        row.update(_tags(ing.at[span], ing.category[span], grams, rows))
        row["fruit_g"] = round(float(fruit[d]), 2)
        row["fish_g"] = round(float(fish[d]), 2)  # the pregnancy cap of fish a week reads it
        row["dairy_g"] = round(float(dairy[d]), 2)  # one milky dish a meal
        row["cocoa_g"] = round(float(cocoa[d]), 2)
        row["drink"] = bool(total_g > 0 and liquid[d] >= DRINK_MIN_LIQUID_SHARE * total_g)
        row["budget_usd"] = round(float(rows.price_estimate[ing.at[span]] @ grams) / 100.0, 4)
        row["morning"] = bool(len(grams)) and bool(rows.morning[ing.at[span][int(np.argmax(grams))]])
        row["staples"] = "|".join(sorted({staple_key(i.food_id, c) for i, c, g in
                                          zip(dish.ingredients, ing.category[span], grams)
                                          if g >= staple_min_g(i.food_id, c)}))
        # the fruits a dish has (FRUIT_WEEK_MIN_G a serving or more): each on at most so many days a week
        row["fruits"] = "|".join(sorted({i.food_id for i, c, g in zip(dish.ingredients, ing.category[span], grams)
                                         if c == FRUIT_CATEGORY and g >= FRUIT_WEEK_MIN_G}))
        row["protein_kinds"] = "|".join(k for k, g in zip(PROTEIN_KINDS, (fish[d], meat[d])) if g >= MIN_PROTEIN_KIND_G)
        out.append(row)
    return out


def _tags(at: np.ndarray, cats: np.ndarray, grams: np.ndarray, rows: FoodRows) -> dict[str, str]:
    """diet_tags (those every ingredient has), allergens (any ingredient's) and magnesium groups of a dish."""
    tag_sets = [rows.diet_tags[n] for n in at]
    found = set().union(*(rows.allergens[n] for n in at))
    return {
        "diet_tags": "|".join(t for t in DIET_TAGS if all(t in s for s in tag_sets)),
        "allergens": "|".join(a for a in ALLERGENS if a in found),
        "groups": "|".join(g for g, members in MAGNESIUM_GROUPS.items()
                           if any(c in members and g_ >= GROUP_MIN_G for c, g_ in zip(cats, grams))),
    }


def unmatched_grams(grams: np.ndarray, unmatched: Sequence[Any]) -> float:
    """The grams per serving unmatched lines stand for, in the measured shares.

    A line of known amount counts its grams. A line of unknown amount ("salt to taste") counts as much as the
    dish's average line of known amount: its size is not known, but it is not nothing, so the measured shares
    go down by about one line's worth instead of staying at 100 %.
    """
    known = [u.grams for u in unmatched if u.grams is not None]
    n_unknown = sum(1 for u in unmatched if u.grams is None)
    sizes = [*grams.tolist(), *known]
    average = float(np.mean(sizes)) if sizes else 1.0
    return float(sum(known)) + n_unknown * average
