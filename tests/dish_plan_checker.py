"""An independent checker of a plan made of dishes (format version 2): every rule, recomputed from USDA rows.

``check_dish_plan(plan, ref) -> list[str]`` returns one sentence per problem (empty: the plan is fine).

It does not reuse the planner's arithmetic or the dish table's derived numbers: an ingredient's nutrients
are its grams x the per-100 g value of its USDA SR Legacy row (``foods.load.usda_foods()`` by fdc_id; a
missing value is unknown and counts as 0 toward a minimum), a dish's are the sums over its ingredients, a
day's the sums over its dishes. A dish's ingredients must be the library recipe (``foods.dishes``) times
its portions. Diet and allergens are checked on the curated rows of every ingredient. The rules (meal
structure, portions, variety, fish, co-nutrients) are written out here from the issue, not imported from
``planner.menu`` or ``planner.week``: only the plan dataclasses come from the planner.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

import pandas as pd

from foods.schema import food_allowed, split_tags
from planner.model import DayPlan, Meal, PlanDish, Profile, WeekPlan

NUTRIENTS: tuple[str, ...] = (
    "magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "caffeine_mg",
    "iron_mg", "calcium_mg", "potassium_mg", "vitamin_d_ug", "vitamin_b12_ug",
)
# (Targets field, words a note must use to name it)
CO_NUTRIENTS: tuple[tuple[str, str], ...] = (
    ("iron_mg", "iron"), ("calcium_mg", "calcium"), ("potassium_mg", "potassium"),
    ("vitamin_d_ug", "vitamin d"), ("vitamin_b12_ug", "b12"),
)
ADVICE_WORDS: tuple[str, ...] = ("supplement", "fortified", "blood test", "ferritin", "add ", "ask ")
# slot -> (library role of its one main dish or None, main dishes, max sides, min snacks, max snacks)
MEAL_SHAPES: dict[str, tuple[str | None, int, int, int, int]] = {
    "breakfast": ("breakfast", 1, 2, 0, 0),
    "lunch": ("main", 1, 2, 0, 0),
    "dinner": ("main", 1, 2, 0, 0),
    "snack": (None, 0, 0, 1, 2),
    "evening": (None, 0, 0, 0, 1),
}
REQUIRED_SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack")
EVENING_SHARE_SLOTS: tuple[str, ...] = ("dinner", "evening")
AFTER_LUNCH_SLOTS: tuple[str, ...] = ("dinner", "snack", "evening")
PORTIONS_MIN, PORTIONS_MAX, PORTION_STEP = 0.5, 2.0, 0.25
FISH_CATEGORY = "fish_seafood"
PREGNANCY_FISH_G_PER_WEEK = 340.0
MILK_CATEGORY, MILKY_G_PER_SERVING = "dairy_alternatives", 150.0  # milk, plant milk or yogurt: one such dish a meal
MILKY_PER_DAY = 2  # and two a day (a dietitian found four, 870 g of milk, in one day)
SHARED_DISHES_PER_DAY_PAIR = 3  # two days share at most 3 dishes (a dietitian found 5 of 6 in common)
NOT_KEEPING_ALLERGEN = "shellfish"  # a shellfish dish is never a leftover lunch  # FDA/EPA: at most 12 oz of (low-mercury) fish a week in pregnancy
FISH_MIN_G_PER_SERVING = 30.0  # a fish main is built around fish: at least this much per serving
FRUIT_CATEGORY, FRUIT_G_PER_DAY = "fruit", 80.0  # a portion of fruit every day (the WHO portion; times the usual portion)
LEGUME_CATEGORY, LEGUME_G_PER_SERVING = "legumes_soy", 5.0  # a legume dish: 5 g or more of legumes a serving
COCOA_CATEGORY, COCOA_G_PER_SERVING = "dark_chocolate", 5.0  # one cocoa or chocolate dish a day
GREENS_CATEGORY, GREENS_G_PER_SERVING = "leafy_greens", 5.0  # no leafy-greens dish as a breakfast side
NO_COCOA_SLOT = "evening"  # no cocoa or chocolate at all in the evening snack (theobromine and caffeine at bedtime)
# nor a smoothie there: 150 g of milk, plant milk, kefir or yogurt with 60 g of fruit a serving, a cold cupful
FRUIT_G_PER_SERVING_SMOOTHIE = 60.0
IRON_RICH_MAIN_MG = 3.0  # no milky side beside a main with this much iron a serving (calcium lowers its absorption)
IRON_PRIORITY_MG = 18.0  # and with an iron target this high, no such dish built on milk itself
# a breakfast side is a snack of the library, or a dish whose heaviest ingredient the food table serves at
# breakfast (its slots): not roasted sweet potato wedges beside overnight oats
MORNING_SLOT = "breakfast"
# each meal's share of the day's energy (low, high): a realistic day, and no dinner of half the day's energy
MEAL_KCAL_MAX = 850.0  # and no meal above 850 kcal (a dietitian found 934 kcal meals)
MEAL_ENERGY_SHARE = {"breakfast": (0.15, 0.35), "lunch": (0.20, 0.40), "dinner": (0.25, 0.40), "snack": (0.0, 0.25),
                     "evening": (0.0, 0.15)}
# no starchy side at lunch or dinner (20 g of carbohydrate a serving or more, less than half its grams fruit): every
# main brings its own starch
STARCHY_SIDE_CARB_G = 20.0
# a staple grain, legume, egg, meat or poultry, fruit (40 g a serving or more of one food), leafy green (20 g), nut or seed (15 g)
# is served at one meal a day; eggs, however cooked (raw, fried, hard-boiled), are one staple
STAPLE_G_PER_SERVING = {"whole_grains": 40.0, "refined_grains": 40.0, "legumes_soy": 40.0, "breads": 40.0,
                        "breakfast_cereals": 40.0, "nuts": 15.0, "seeds": 15.0, "leafy_greens": 20.0,
                        "eggs_poultry_meat": 40.0, "fruit": 40.0}
# and so is a starchy vegetable (60 g): not sweet potato at two meals of a day, nor potato at one and sweet potato
# at the other (one staple, "potatoes")
STAPLE_FOODS_G_PER_SERVING = {"potato_baked": 60.0, "potato_boiled": 60.0, "sweet_potato_baked": 60.0}
# vitamin D (UV-exposed) mushrooms too, from 40 g: not on toast at breakfast and as a side at dinner
STAPLE_OTHER_G_PER_SERVING = {"mushrooms_white_uv": 40.0}
POTATO_FOODS = set(STAPLE_FOODS_G_PER_SERVING)
# a fruit of 40 g a serving or more (a third of a banana) comes on at most 4 days a week (not banana every day)
FRUIT_G_PER_SERVING, FRUIT_DAYS_PER_WEEK = 40.0, 4
DRINK_CATEGORIES, DRINK_SHARE, DRINKS_PER_DAY = ("drinks", "dairy_alternatives"), 0.85, 2  # one a meal, two a day
MEAT_CATEGORY = "eggs_poultry_meat"  # meat or poultry: this category without a vegetarian tag (eggs have one)
GRAMS_TOL = 0.01  # grams are written with 4 decimals
VALUE_TOL = 0.002  # an ingredient's value is written with 4 decimals
TOTAL_TOL = 0.02  # a day total adds ~40 rounded values


@dataclass(frozen=True)
class Reference:
    """What the checker trusts: USDA rows by fdc_id, the curated rows (tags, category, price) by food_id,
    and the dish library (recipes per serving, names and roles)."""

    usda: pd.DataFrame  # indexed by fdc_id: the NUTRIENTS columns per 100 g
    curated: pd.DataFrame  # indexed by food_id: diet_tags, allergens, category, price_usd_per_100g
    dishes: pd.DataFrame  # indexed by dish_id: name, roles
    recipes: Mapping[str, tuple[tuple[str, int, float], ...]]  # dish_id -> ((food_id, fdc_id, grams), ...)
    # dishes with an ingredient cooked and kept overnight already ("day-old" rice): never a leftover lunch
    stored_already: frozenset[str] = frozenset()


def reference(usda: pd.DataFrame, curated: pd.DataFrame, dishes: pd.DataFrame, ingredients: pd.DataFrame
              ) -> Reference:
    """A Reference from ``foods.load.usda_foods()``, ``foods.load.load_foods()`` and ``foods.dishes.load_dishes``."""
    recipes: dict[str, tuple[tuple[str, int, float], ...]] = {}
    for dish_id, rows in ingredients.sort_values(["dish_id", "position"]).groupby("dish_id", sort=False):
        recipes[str(dish_id)] = tuple((str(r.food_id), int(r.fdc_id), float(r.grams))
                                      for r in rows.itertuples(index=False))
    day_old = ingredients["household"].astype(str).str.contains("day-old", regex=False) \
        | ingredients["food_id"].isin(["egg_fried", "egg_poached"])  # or eggs cooked to order
    return Reference(usda=usda, curated=curated, dishes=dishes, recipes=recipes,
                     stored_already=frozenset(ingredients.loc[day_old, "dish_id"].astype(str)))


def _tol(bound: float) -> float:
    return 1e-3 + 1e-6 * abs(bound)


# --- numbers from USDA rows -----------------------------------------------------------------------
def usda_value(ref: Reference, fdc_id: int | None, grams: float, nutrient: str) -> float | None:
    """grams x the USDA per-100 g value; None when USDA has no value (or the row is unknown)."""
    if fdc_id is None or fdc_id not in ref.usda.index:
        return None
    per100 = ref.usda.at[fdc_id, nutrient]
    if per100 is None or pd.isna(per100):
        return None
    return float(per100) * float(grams) / 100.0


def dish_amount(ref: Reference, dish: PlanDish, nutrient: str) -> float:
    """The measured amount of ``nutrient`` in a dish (unknown values count 0)."""
    return sum(usda_value(ref, i.fdc_id, i.grams, nutrient) or 0.0 for i in dish.ingredients)


def dish_cost(ref: Reference, dish: PlanDish) -> float:
    """The priced cost of a dish (grams x the curated price per 100 g; unpriced ingredients count 0)."""
    total = 0.0
    for i in dish.ingredients:
        price = ref.curated.at[i.food_id, "price_usd_per_100g"] if i.food_id in ref.curated.index else None
        if price is not None and not pd.isna(price):
            total += float(price) * i.grams / 100.0
    return total


def budget_cost(ref: Reference, dish: PlanDish) -> float:
    """What a dish counts against a budget: grams x the curated price per 100 g, an unpriced ingredient at the
    median price of the priced foods of its category."""
    prices = pd.to_numeric(ref.curated["price_usd_per_100g"], errors="coerce")
    medians = prices.groupby(ref.curated["category"].astype(str)).median()
    total = 0.0
    for i in dish.ingredients:
        if i.food_id not in ref.curated.index:
            continue
        price = prices.at[i.food_id]
        if pd.isna(price):
            price = medians.get(str(ref.curated.at[i.food_id, "category"]), 0.0)
        total += float(price) * i.grams / 100.0
    return total


def day_amount(ref: Reference, day: DayPlan, nutrient: str, slots: Iterable[str] | None = None) -> float:
    wanted = None if slots is None else set(slots)
    return sum(dish_amount(ref, x, nutrient) for m in day.meals if wanted is None or m.slot in wanted
               for x in m.dishes)


def is_fish_main(ref: Reference, dish_id: str) -> bool:
    """A library dish built around fish or seafood (by the curated category of its ingredients)."""
    grams = sum(g for food_id, _f, g in ref.recipes.get(dish_id, ())
                if food_id in ref.curated.index and str(ref.curated.at[food_id, "category"]) == FISH_CATEGORY)
    return grams >= FISH_MIN_G_PER_SERVING


def _grams_of(ref: Reference, dish_id: str, wanted) -> float:
    return sum(g for food_id, _f, g in ref.recipes.get(dish_id, ()) if food_id in ref.curated.index and wanted(food_id))


def has_fish(ref: Reference, dish_id: str) -> bool:
    """Any library dish (breakfast, snack ...) with at least a fish main's amount of fish or seafood."""
    return is_fish_main(ref, dish_id)


def is_meat_main(ref: Reference, dish_id: str) -> bool:
    """A library dish built around meat or poultry."""
    def meat(food_id: str) -> bool:
        row = ref.curated.loc[food_id]
        return str(row["category"]) == MEAT_CATEGORY and "vegetarian" not in split_tags(row["diet_tags"])
    return _grams_of(ref, dish_id, meat) >= FISH_MIN_G_PER_SERVING


def _roles(ref: Reference, dish_id: str) -> tuple[str, ...]:
    return split_tags(ref.dishes.at[dish_id, "roles"]) if dish_id in ref.dishes.index else ()


def _food_ok(ref: Reference, food_id: str, profile: Profile) -> bool:
    row = ref.curated.loc[food_id]
    return food_allowed(row["diet_tags"], row["allergens"], diet=profile.diet, avoid=profile.avoid_allergens) \
        and food_id not in set(profile.exclude_foods)


def fish_allowed(ref: Reference, profile: Profile, excluded_dishes: Iterable[str] = (), *, kind=None) -> bool:
    """True when some library main built around fish (or ``kind``) fits the diet, allergens and exclusions."""
    kind = kind or is_fish_main
    out = set(excluded_dishes)
    for dish_id, recipe in ref.recipes.items():
        if dish_id in out or "main" not in _roles(ref, dish_id) or not kind(ref, dish_id):
            continue
        if all(f in ref.curated.index and _food_ok(ref, f, profile) for f, _fdc, _g in recipe):
            return True
    return False


# --- one dish -------------------------------------------------------------------------------------
def _check_values(ref: Reference, dish: PlanDish, where: str) -> list[str]:
    out = []
    for item in dish.ingredients:
        for n in NUTRIENTS:
            expected = usda_value(ref, item.fdc_id, item.grams, n)
            written = getattr(item, n)
            if (expected is None) != (written is None):
                out.append(f"{where}: '{item.food_id}' {n} is {written} but USDA row {item.fdc_id} gives "
                           f"{'no value' if expected is None else f'{expected:.4f}'}")
            elif expected is not None and abs(expected - float(written)) > VALUE_TOL + 1e-6 * abs(expected):
                out.append(f"{where}: '{item.food_id}' {n} is {written} but {expected:.4f} from USDA row {item.fdc_id}")
        price = ref.curated.at[item.food_id, "price_usd_per_100g"] if item.food_id in ref.curated.index else None
        cost = None if price is None or pd.isna(price) else float(price) * item.grams / 100.0
        if (cost is None) != (item.cost_usd is None) or (
                cost is not None and abs(cost - float(item.cost_usd)) > VALUE_TOL):
            out.append(f"{where}: '{item.food_id}' costs {item.cost_usd} but the price gives {cost}")
    return out


def _check_recipe(ref: Reference, dish: PlanDish, where: str) -> list[str]:
    recipe = ref.recipes.get(dish.dish_id)
    if recipe is None:
        return [f"{where}: '{dish.dish_id}' is not a dish of the library"]
    out = []
    if dish.name != str(ref.dishes.at[dish.dish_id, "name"]):
        out.append(f"{where}: '{dish.dish_id}' is named {dish.name!r}, the library says "
                   f"{ref.dishes.at[dish.dish_id, 'name']!r}")
    got = [i.food_id for i in dish.ingredients]
    want = [f for f, _fdc, _g in recipe]
    if got != want:
        return [*out, f"{where}: '{dish.dish_id}' ingredients {got} differ from the recipe {want}"]
    for item, (food_id, fdc_id, grams) in zip(dish.ingredients, recipe):
        if item.fdc_id != fdc_id:
            out.append(f"{where}: '{dish.dish_id}' {food_id} has fdc_id {item.fdc_id}, the recipe {fdc_id}")
        if abs(item.grams - grams * dish.portions) > GRAMS_TOL:
            out.append(f"{where}: '{dish.dish_id}' {food_id} is {item.grams} g, the recipe says "
                       f"{grams:g} g x {dish.portions:g} portions = {grams * dish.portions:.2f} g")
    return out


def _check_diet(ref: Reference, dish: PlanDish, profile: Profile, excluded_dishes: set[str], where: str) -> list[str]:
    out = []
    if dish.dish_id in excluded_dishes:
        out.append(f"{where}: '{dish.dish_id}' was excluded")
    for item in dish.ingredients:
        if item.food_id not in ref.curated.index:
            out.append(f"{where}: '{dish.dish_id}' uses '{item.food_id}', not a curated food")
            continue
        row = ref.curated.loc[item.food_id]
        if not food_allowed(row["diet_tags"], row["allergens"], diet=profile.diet, avoid=profile.avoid_allergens):
            out.append(f"{where}: '{dish.dish_id}' has '{item.food_id}' (diet tags '{row['diet_tags']}', "
                       f"allergens '{row['allergens']}'), not allowed for {profile.diet} avoiding "
                       f"{list(profile.avoid_allergens)}")
        if item.food_id in set(profile.exclude_foods):
            out.append(f"{where}: '{dish.dish_id}' has excluded food '{item.food_id}'")
    return out


def _check_portions(dish: PlanDish, where: str) -> list[str]:
    quarters = dish.portions / PORTION_STEP
    if not PORTIONS_MIN - 1e-9 <= dish.portions <= PORTIONS_MAX + 1e-9 or abs(quarters - round(quarters)) > 1e-9:
        return [f"{where}: '{dish.dish_id}' {dish.portions:g} portions (allowed {PORTIONS_MIN:g}..{PORTIONS_MAX:g} "
                f"in steps of {PORTION_STEP:g})"]
    return []


# --- one meal and one day -------------------------------------------------------------------------
def _category_grams(ref: Reference, dish: PlanDish, category: str) -> float:
    return sum(i.grams for i in dish.ingredients
               if i.food_id in ref.curated.index and str(ref.curated.at[i.food_id, "category"]) == category)


def _is_starchy(ref: Reference, dish: PlanDish) -> bool:
    carbs_g = dish_amount(ref, dish, "carbohydrate_g") / dish.portions
    return carbs_g >= STARCHY_SIDE_CARB_G and _category_grams(ref, dish, FRUIT_CATEGORY) < 0.5 * dish.grams


def _is_morning(ref: Reference, dish: PlanDish) -> bool:
    """A snack of the library, or a dish whose heaviest ingredient the food table serves at breakfast."""
    if "snack" in _roles(ref, dish.dish_id):
        return True
    heaviest = max(dish.ingredients, key=lambda i: i.grams, default=None)
    return heaviest is not None and heaviest.food_id in ref.curated.index \
        and MORNING_SLOT in str(ref.curated.at[heaviest.food_id, "slots"]).split("|")


def _staple_keys(ref: Reference, x: PlanDish) -> set[str]:
    """The staples a dish is built on (eggs however cooked are one, potatoes and sweet potatoes one)."""
    keys = set()
    for i in x.ingredients:
        row = ref.curated.loc[i.food_id] if i.food_id in ref.curated.index else None
        by_food = {**STAPLE_FOODS_G_PER_SERVING, **STAPLE_OTHER_G_PER_SERVING}
        least = by_food.get(i.food_id, STAPLE_G_PER_SERVING.get(str(row["category"]), 1e9)) if row is not None else 1e9
        if x.portions > 0 and i.grams / x.portions >= least:
            keys.add("eggs" if row["category"] == MEAT_CATEGORY and i.food_id.startswith("egg_") else
                     "potatoes" if i.food_id in POTATO_FOODS else i.food_id)
    return keys


def _check_day_monotony(ref: Reference, day: DayPlan) -> list[str]:
    out = []
    dishes = [(m.slot, x) for m in day.meals for x in m.dishes if x.portions > 0]
    cocoa = [x.dish_id for _s, x in dishes if _category_grams(ref, x, COCOA_CATEGORY) / x.portions >= COCOA_G_PER_SERVING]
    if len(cocoa) > 1:
        out.append(f"day {day.day}: {len(cocoa)} cocoa or chocolate dishes ({', '.join(cocoa)})")
    fish = [x.dish_id for _s, x in dishes if is_fish_main(ref, x.dish_id)]
    if len(fish) > 1:
        out.append(f"day {day.day}: {len(fish)} fish or seafood dishes ({', '.join(fish)}; at most one a day)")
    meals_by_staple: dict[str, list[str]] = {}
    for slot, x in dishes:
        for key in _staple_keys(ref, x):
            meals_by_staple.setdefault(key, []).append(f"{slot} {x.dish_id}")
    out += [f"day {day.day}: '{f}' is a staple of {len(w)} dishes ({', '.join(w)})"
            for f, w in sorted(meals_by_staple.items()) if len(w) > 1]
    milky = [x.dish_id for _s, x in dishes if _category_grams(ref, x, MILK_CATEGORY) / x.portions >= MILKY_G_PER_SERVING]
    if len(milky) > MILKY_PER_DAY:
        out.append(f"day {day.day}: {len(milky)} dishes built on milk or yogurt ({', '.join(milky)}; at most "
                   f"{MILKY_PER_DAY} a day)")
    drinks = [(slot, x.dish_id) for slot, x in dishes if _is_drink(ref, x)]
    if len(drinks) > DRINKS_PER_DAY:
        out.append(f"day {day.day}: {len(drinks)} drinks {drinks} (at most {DRINKS_PER_DAY} a day)")
    for slot in sorted({s for s, _d in drinks}):
        if sum(1 for s, _d in drinks if s == slot) > 1:
            out.append(f"day {day.day} {slot}: more than one drink {[d for s, d in drinks if s == slot]}")
    return out


def _is_drink(ref: Reference, dish: PlanDish) -> bool:
    """Mostly poured by the cup: milk, kefir, a plant milk, juice, tea or cocoa (by the curated rows)."""
    poured = 0.0
    for i in dish.ingredients:
        if i.food_id in ref.curated.index:
            row = ref.curated.loc[i.food_id]
            if str(row["category"]) in DRINK_CATEGORIES and str(row["serving_label"]).startswith("1 cup"):
                poured += i.grams
    return poured >= DRINK_SHARE * sum(i.grams for i in dish.ingredients)


def _check_meal(ref: Reference, meal: Meal, where: str) -> list[str]:
    if meal.slot not in MEAL_SHAPES:
        return [f"{where}: unknown slot '{meal.slot}'"]
    main_role, n_main, max_sides, min_snacks, max_snacks = MEAL_SHAPES[meal.slot]
    out = []
    mains = [x for x in meal.dishes if x.role == "main"]
    sides = [x for x in meal.dishes if x.role == "side"]
    snacks = [x for x in meal.dishes if x.role == "snack"]
    others = [x.role for x in meal.dishes if x.role not in ("main", "side", "snack")]
    if others:
        out.append(f"{where}: unknown dish roles {others}")
    if len(mains) != n_main:
        out.append(f"{where}: {len(mains)} main dishes (must be {n_main})")
    if len(sides) > max_sides:
        out.append(f"{where}: {len(sides)} sides (allowed 0..{max_sides})")
    if not min_snacks <= len(snacks) <= max_snacks:
        out.append(f"{where}: {len(snacks)} snack dishes (allowed {min_snacks}..{max_snacks})")
    legume_dishes = [x.dish_id for x in meal.dishes if x.portions > 0 and
                     _category_grams(ref, x, LEGUME_CATEGORY) / x.portions >= LEGUME_G_PER_SERVING]
    if meal.slot in ("breakfast", "lunch", "dinner") and len(legume_dishes) > 1:
        out.append(f"{where}: {len(legume_dishes)} legume dishes in one meal ({', '.join(legume_dishes)})")
    milky = [x.dish_id for x in meal.dishes if x.portions > 0
             and _category_grams(ref, x, MILK_CATEGORY) / x.portions >= MILKY_G_PER_SERVING]
    if len(milky) > 1:
        out.append(f"{where}: {len(milky)} dishes built on milk or yogurt ({', '.join(milky)}; one a meal)")
    if meal.slot == "breakfast" and any(x.dish_id in legume_dishes for x in sides):
        out.append(f"{where}: a legume dish as a breakfast side ({', '.join(legume_dishes)})")
    greens = [x.dish_id for x in sides if x.portions > 0
              and _category_grams(ref, x, GREENS_CATEGORY) / x.portions >= GREENS_G_PER_SERVING]
    if meal.slot == "breakfast" and greens:
        out.append(f"{where}: a leafy-greens dish as a breakfast side ({', '.join(greens)})")
    starchy = [x.dish_id for x in sides if x.portions > 0 and _is_starchy(ref, x)]
    if meal.slot in ("lunch", "dinner") and starchy:
        out.append(f"{where}: a starchy side beside the main ({', '.join(starchy)})")
    not_morning = [x.dish_id for x in sides if not _is_morning(ref, x)]
    if meal.slot == "breakfast" and not_morning:
        out.append(f"{where}: a breakfast side that is not a morning food ({', '.join(not_morning)})")
    if meal.slot in ("lunch", "dinner") and any(_is_drink(ref, x) for x in sides):
        out.append(f"{where}: a drink as a side ({', '.join(x.dish_id for x in sides if _is_drink(ref, x))})")
    for x in mains:
        if main_role not in _roles(ref, x.dish_id):
            out.append(f"{where}: main '{x.dish_id}' is not a {main_role} dish of the library")
    for x, role in [(x, "side") for x in sides] + [(x, "snack") for x in snacks]:
        if x.dish_id in ref.dishes.index and role not in _roles(ref, x.dish_id):
            out.append(f"{where}: '{x.dish_id}' is not a {role} dish of the library")
    return out


def _check_meal_pairings(ref: Reference, meal: Meal, where: str, iron_target_mg: float = 0.0) -> list[str]:
    """No cocoa dish as the evening snack; no milky side beside an iron-rich main; with an iron target of
    IRON_PRIORITY_MG or more, no iron-rich dish built on milk."""
    out = []
    live = [x for x in meal.dishes if x.portions > 0]
    cocoa = [x.dish_id for x in live if _category_grams(ref, x, COCOA_CATEGORY) > 0]  # any at all, in the evening
    if meal.slot == NO_COCOA_SLOT and cocoa:
        out.append(f"{where}: a cocoa or chocolate dish as the evening snack ({', '.join(cocoa)})")
    smoothies = [x.dish_id for x in live if _category_grams(ref, x, MILK_CATEGORY) / x.portions >= MILKY_G_PER_SERVING
                 and _category_grams(ref, x, FRUIT_CATEGORY) / x.portions >= FRUIT_G_PER_SERVING_SMOOTHIE]
    if meal.slot == NO_COCOA_SLOT and smoothies:
        out.append(f"{where}: a smoothie as the evening snack ({', '.join(smoothies)})")
    iron_mains = [x.dish_id for x in live if x.role == "main"
                  and dish_amount(ref, x, "iron_mg") / x.portions >= IRON_RICH_MAIN_MG]
    milky_sides = [x.dish_id for x in live if x.role == "side"
                   and _category_grams(ref, x, MILK_CATEGORY) / x.portions >= MILKY_G_PER_SERVING]
    if iron_mains and milky_sides:
        out.append(f"{where}: a milky side ({', '.join(milky_sides)}) beside the iron-rich main {iron_mains[0]}")
    both = [x.dish_id for x in live if dish_amount(ref, x, "iron_mg") / x.portions >= IRON_RICH_MAIN_MG
            and _category_grams(ref, x, MILK_CATEGORY) / x.portions >= MILKY_G_PER_SERVING]
    if iron_target_mg >= IRON_PRIORITY_MG and both:
        out.append(f"{where}: an iron-rich dish built on milk ({', '.join(both)}) for an iron target of "
                   f"{iron_target_mg:g} mg")
    return out


def _usual_portion(plan: WeekPlan) -> float:
    """The person's usual portion: the middle of their energy range over 2,000 kcal, in quarters, 0.5 to 1."""
    middle = (plan.targets.energy_kcal_min + plan.targets.energy_kcal_max) / 2
    return min(1.0, max(0.5, round(4 * middle / 2000.0) / 4))


def _check_day_totals(ref: Reference, day: DayPlan, w: str) -> list[str]:
    out = []
    for n in NUTRIENTS:
        written = day.totals.get(n)
        if written is None:
            out.append(f"{w}: totals has no {n}")
            continue
        value = day_amount(ref, day, n)
        if abs(value - float(written)) > TOTAL_TOL + 1e-6 * abs(value):
            out.append(f"{w}: totals[{n}] = {written} but {value:.3f} recomputed from USDA rows")
    return out


def _check_day_targets(ref: Reference, plan: WeekPlan, day: DayPlan, profile: Profile) -> list[str]:
    t, r, w = plan.targets, plan.rules, f"day {day.day}"
    g = {n: day_amount(ref, day, n) for n in NUTRIENTS}
    out = []
    if g["magnesium_mg"] < t.magnesium_mg - _tol(t.magnesium_mg):
        out.append(f"{w}: magnesium {g['magnesium_mg']:.1f} mg (measured) below target {t.magnesium_mg:g}")
    for slot, (low, high) in MEAL_ENERGY_SHARE.items():
        share = day_amount(ref, day, "energy_kcal", (slot,)) / max(g["energy_kcal"], 1e-9)
        if not low - 1e-4 <= share <= high + 1e-4:
            out.append(f"{w}: {slot} is {share:.1%} of the day's energy (allowed {low:.0%}-{high:.0%})")
        if day_amount(ref, day, "energy_kcal", (slot,)) > MEAL_KCAL_MAX + _tol(MEAL_KCAL_MAX):
            out.append(f"{w}: {slot} has {day_amount(ref, day, 'energy_kcal', (slot,)):.0f} kcal (at most {MEAL_KCAL_MAX:g})")
    if not t.energy_kcal_min - _tol(t.energy_kcal_min) <= g["energy_kcal"] <= t.energy_kcal_max + _tol(t.energy_kcal_max):
        out.append(f"{w}: energy {g['energy_kcal']:.0f} kcal outside {t.energy_kcal_min:g}..{t.energy_kcal_max:g}")
    if g["protein_g"] < t.protein_g_min - _tol(t.protein_g_min):
        out.append(f"{w}: protein {g['protein_g']:.1f} g below {t.protein_g_min:g}")
    if g["fiber_g"] < t.fiber_g_min - _tol(t.fiber_g_min):
        out.append(f"{w}: fiber {g['fiber_g']:.1f} g below {t.fiber_g_min:g}")
    if g["sodium_mg"] > t.sodium_mg_max + _tol(t.sodium_mg_max):
        out.append(f"{w}: sodium {g['sodium_mg']:.0f} mg above {t.sodium_mg_max:g}")
    budget = profile.budget_usd_per_day
    cost = sum(budget_cost(ref, x) for m in day.meals for x in m.dishes)
    if budget is not None and cost > budget + _tol(budget):
        out.append(f"{w}: cost ${cost:.2f} (unpriced foods at their category's median) above the budget "
                   f"${budget:.2f}")
    if r.evening_share_min is not None and not any(m.slot == "evening" and m.dishes for m in day.meals):
        out.append(f"{w}: no evening snack, though the plan asks for an evening magnesium share")
    if r.evening_share_min is not None:
        evening = day_amount(ref, day, "magnesium_mg", EVENING_SHARE_SLOTS)
        if evening < r.evening_share_min * g["magnesium_mg"] - _tol(g["magnesium_mg"]):
            out.append(f"{w}: evening magnesium {evening:.1f} mg is {evening / max(g['magnesium_mg'], 1e-9):.1%} "
                       f"of the day's {g['magnesium_mg']:.1f} mg (min {r.evening_share_min:.0%})")
    if r.caffeine_after_lunch_max_mg is not None:
        caffeine = day_amount(ref, day, "caffeine_mg", AFTER_LUNCH_SLOTS)
        if caffeine > r.caffeine_after_lunch_max_mg + _tol(r.caffeine_after_lunch_max_mg):
            out.append(f"{w}: caffeine after lunch {caffeine:.0f} mg above {r.caffeine_after_lunch_max_mg:g}")
    return out


def _check_day(ref: Reference, plan: WeekPlan, day: DayPlan, profile: Profile) -> list[str]:
    out = []
    slots = [m.slot for m in day.meals]
    for slot in REQUIRED_SLOTS:
        if slot not in slots:
            out.append(f"day {day.day}: meal '{slot}' is missing")
    for slot in sorted({s for s in slots if slots.count(s) > 1}):
        out.append(f"day {day.day}: meal '{slot}' appears {slots.count(slot)} times")
    excluded = set(plan.excluded)
    for m in day.meals:
        where = f"day {day.day} {m.slot}"
        out += _check_meal(ref, m, where) + _check_meal_pairings(ref, m, where, plan.targets.iron_mg)
        for x in m.dishes:
            out += _check_recipe(ref, x, where)
            out += _check_values(ref, x, where)
            out += _check_diet(ref, x, profile, excluded, where)
            out += _check_portions(x, where)
    out += _check_day_totals(ref, day, f"day {day.day}")
    out += _check_day_targets(ref, plan, day, profile)
    out += _check_day_monotony(ref, day)
    fruit_g = sum(_category_grams(ref, x, FRUIT_CATEGORY) for m in day.meals for x in m.dishes)
    least = FRUIT_G_PER_DAY * _usual_portion(plan)
    if fruit_g < least - 0.5:
        out.append(f"day {day.day}: {fruit_g:.0f} g of fruit (a portion is {least:.0f} g a day)")
    return out


# --- the week -------------------------------------------------------------------------------------
def _mains(day: DayPlan) -> list[tuple[str, str]]:
    """(slot, dish_id) of the main dishes of lunch and dinner."""
    return [(m.slot, x.dish_id) for m in day.meals if m.slot in ("lunch", "dinner") for x in m.dishes
            if x.role == "main"]


def _check_variety(plan: WeekPlan) -> list[str]:
    r = plan.rules
    out = []
    main_days: dict[str, list[int]] = {}
    breakfasts: dict[str, list[int]] = {}
    for day in plan.days:
        mains = [dish_id for _s, dish_id in _mains(day)]
        for dish_id in sorted(set(mains)):
            main_days.setdefault(dish_id, []).append(day.day)
            if mains.count(dish_id) > 1:
                out.append(f"day {day.day}: main '{dish_id}' twice in one day")
        meals = {m.slot: frozenset(x.dish_id for x in m.dishes) for m in day.meals}
        if meals.get("lunch") is not None and meals.get("lunch") == meals.get("dinner"):
            out.append(f"day {day.day}: lunch equals dinner {sorted(meals['lunch'])}")
        for m in day.meals:
            if m.slot == "breakfast":
                for x in m.dishes:
                    if x.role == "main":
                        breakfasts.setdefault(x.dish_id, []).append(day.day)
    leftovers = _leftover_lunches(plan)
    for dish_id, days in sorted(main_days.items()):
        if len(days) > r.max_main_per_week:
            out.append(f"main '{dish_id}' on {len(days)} days {days} (max {r.max_main_per_week})")
        for a, b in zip(days, days[1:]):
            if b == a + 1 and leftovers.get(b) != dish_id:  # a leftover lunch is yesterday's dinner on purpose
                out.append(f"main '{dish_id}' on consecutive days {a} and {b}")
    for dish_id, days in sorted(breakfasts.items()):
        if len(days) > r.max_breakfast_per_week:
            out.append(f"breakfast '{dish_id}' {len(days)} times, days {days} (max {r.max_breakfast_per_week})")
        if r.max_breakfast_per_week < r.days:  # unless the same breakfast every day was asked for
            out += [f"breakfast '{dish_id}' on consecutive days {a} and {b}" for a, b in zip(days, days[1:])
                    if b == a + 1]
    snack_days: dict[str, list[int]] = {}
    for day in plan.days:
        for dish_id in sorted({x.dish_id for m in day.meals for x in m.dishes if x.role == "snack"}):
            snack_days.setdefault(dish_id, []).append(day.day)
    for dish_id, days in sorted(snack_days.items()):
        out += [f"snack '{dish_id}' on consecutive days {a} and {b}" for a, b in zip(days, days[1:]) if b == a + 1]
    cap = getattr(r, "max_snack_side_per_week", None)  # a later rule: a snack or side dish on at most cap days
    if cap is not None:
        extras: dict[str, set[int]] = {}
        for day in plan.days:
            for m in day.meals:
                for x in m.dishes:
                    if x.role in ("side", "snack"):
                        extras.setdefault(x.dish_id, set()).add(day.day)
        for dish_id, used in sorted(extras.items()):
            if len(used) > cap:
                out.append(f"side or snack '{dish_id}' on {len(used)} days {sorted(used)} (max {cap})")
    out += _check_identical_days(plan.days)
    return out


def _leftover_lunches(plan: WeekPlan) -> dict[int, str]:
    """Lunch day -> the main dish of a lunch marked as the previous day's dinner."""
    return {d.day: x.dish_id for d in plan.days for m in d.meals if m.slot == "lunch" and m.leftover_from
            for x in m.dishes if x.role == "main"}


def _check_leftovers(plan: WeekPlan) -> list[str]:
    """A leftover lunch is the main of the dinner it names, the day before; at most the rules' number."""
    out = []
    lunches = _leftover_lunches(plan)
    days = {d.day: d for d in plan.days}
    for d in plan.days:
        for m in d.meals:
            ref = m.leftover_from
            if ref is None:
                continue
            if m.slot != "lunch" or ref.slot != "dinner" or ref.day != d.day - 1 or ref.day not in days:
                out.append(f"day {d.day} {m.slot}: leftover_from {ref} is not the previous day's dinner")
                continue
            dinner = [x.dish_id for mm in days[ref.day].meals if mm.slot == "dinner" for x in mm.dishes
                      if x.role == "main"]
            if lunches.get(d.day) not in dinner:
                out.append(f"day {d.day} lunch: leftover {lunches.get(d.day)} is not day {ref.day}'s dinner {dinner}")
    most = getattr(plan.rules, "leftovers_per_week", 0)
    if len(lunches) > most:
        out.append(f"{len(lunches)} leftover lunches, more than {most}")
    return out


def _check_leftover_keeps(ref: Reference, plan: WeekPlan) -> list[str]:
    """A leftover lunch keeps overnight: no shellfish (by the curated rows of its ingredients)."""
    out = []
    for day, dish_id in sorted(_leftover_lunches(plan).items()):
        foods = [f for f, _fdc, _g in ref.recipes.get(dish_id, ()) if f in ref.curated.index]
        if any(NOT_KEEPING_ALLERGEN in str(ref.curated.at[f, "allergens"]).split("|") for f in foods):
            out.append(f"day {day} lunch: leftover '{dish_id}' has shellfish (eaten the day it is cooked)")
        if dish_id in ref.stored_already:
            out.append(f"day {day} lunch: leftover '{dish_id}' is made from day-old food (reheated once only) or has "
                       "eggs cooked to order")
    return out


def _check_identical_days(days: Sequence[DayPlan]) -> list[str]:
    out = []
    menus = [(d.day, frozenset(x.dish_id for m in d.meals for x in m.dishes)) for d in days]
    for n, (a, menu_a) in enumerate(menus):
        for b, menu_b in menus[n + 1:]:
            if menu_a == menu_b:
                out.append(f"days {a} and {b} are the same dishes {sorted(menu_a)}")
    kept = [(d.day, {x.dish_id if x.role == "main" else (m.slot, x.dish_id) for m in d.meals for x in m.dishes})
            for d in days]  # a main at lunch or dinner alike; another dish in its meal
    for n, (a, menu_a) in enumerate(kept):
        for b, menu_b in kept[n + 1:]:
            if len(menu_a & menu_b) > SHARED_DISHES_PER_DAY_PAIR:
                out.append(f"days {a} and {b} share {len(menu_a & menu_b)} dishes (at most "
                           f"{SHARED_DISHES_PER_DAY_PAIR})")
    return out


def _per_plan(per_week: int, n_days: int) -> int:
    """A rule of so many days a week, for a plan of ``n_days`` (rounded up: twice a week is once in 2 days)."""
    return min(n_days, -(-per_week * n_days // 7))


def _check_fish(ref: Reference, plan: WeekPlan, profile: Profile) -> list[str]:
    need = _per_plan(plan.rules.fish_per_week_min, len(plan.days))
    if need <= 0 or not fish_allowed(ref, profile, plan.excluded):
        return []
    fish_days = [d.day for d in plan.days if any(is_fish_main(ref, dish_id) for _s, dish_id in _mains(d))]
    if len(fish_days) < need:
        return [f"fish main on {len(fish_days)} days {fish_days} (min {need}; fish is allowed)"]
    return []


def _check_meat(ref: Reference, plan: WeekPlan, profile: Profile) -> list[str]:
    need = _per_plan(getattr(plan.rules, "meat_per_week_min", 0), len(plan.days))
    if need <= 0 or not fish_allowed(ref, profile, plan.excluded, kind=is_meat_main):
        return []
    days = [d.day for d in plan.days if any(is_meat_main(ref, dish_id) for _s, dish_id in _mains(d))]
    return [] if len(days) >= need else [f"meat or poultry main on {len(days)} days {days} (min {need})"]


def _check_fish_max(ref: Reference, plan: WeekPlan, profile: Profile) -> list[str]:
    """In pregnancy and lactation fish is on at most 3 days a week (8-12 oz), whatever the rules say; a plan
    of other length may use that share of its days, rounded down, and at least one."""
    most = getattr(plan.rules, "fish_per_week_max", None)
    if profile.status in ("pregnancy", "lactation"):
        most = 3 if most is None else min(most, 3)
    if most is None:
        return []
    most = max(1, most * len(plan.days) // 7)
    days = [d.day for d in plan.days if any(has_fish(ref, x.dish_id) for m in d.meals for x in m.dishes)]
    out = [] if len(days) <= most else [f"fish on {len(days)} days {days} (max {most})"]
    if profile.status in ("pregnancy", "lactation"):  # and 12 oz (340 g) a week at most
        grams = sum(_category_grams(ref, x, FISH_CATEGORY) for d in plan.days for m in d.meals for x in m.dishes)
        cap = PREGNANCY_FISH_G_PER_WEEK * len(plan.days) / 7
        if grams > cap + 0.5:
            out.append(f"{grams:.0f} g of fish and seafood in {len(plan.days)} days (max {cap:.0f} g: 12 oz a week)")
    return out


def week_averages(ref: Reference, plan: WeekPlan) -> dict[str, float]:
    """The week's average per day of each co-nutrient, recomputed from USDA rows."""
    n = max(len(plan.days), 1)
    return {field: sum(day_amount(ref, d, field) for d in plan.days) / n for field, _w in CO_NUTRIENTS}


def _check_co_nutrients(ref: Reference, plan: WeekPlan) -> list[str]:
    out = []
    averages = week_averages(ref, plan)
    for field, word in CO_NUTRIENTS:
        target = float(getattr(plan.targets, field))
        if averages[field] >= target - _tol(target):
            continue
        named = [note for note in plan.notes if word in note.lower()]
        advised = [note for note in named if any(a in note.lower() for a in ADVICE_WORDS)]
        if not advised:
            out.append(f"{field} averages {averages[field]:.2f} a day, below the target {target:g}, and no note "
                       f"names it with what to do")
    return out


def _check_whole_eggs(ref: Reference, plan: WeekPlan) -> list[str]:
    """A dish of whole eggs (1, 2... a serving: 46-50 g each) is served in whole eggs, never '2 1/2 large eggs'."""
    out = []
    for day in plan.days:
        for m in day.meals:
            for x in m.dishes:
                per_serving = sum(g for f, _fdc, g in ref.recipes.get(x.dish_id, ())
                                  if f.startswith("egg_") and f not in ("egg_noodles_cooked", "egg_white")) / 48.0
                whole = round(per_serving)
                if whole >= 1 and abs(per_serving - whole) <= 0.2 and abs(whole * x.portions - round(whole * x.portions)) > 1e-6:
                    out.append(f"day {day.day} {m.slot}: {whole * x.portions:g} eggs in '{x.dish_id}' (whole eggs only)")
    return out


def check_dish_plan(plan: WeekPlan, ref: Reference, *, profile: Profile | None = None,
                    whole_eggs: bool = True) -> list[str]:
    """Every broken rule of a version-2 plan, recomputed from USDA rows and the dish library; [] when fine.
    ``whole_eggs``: a person's share of a household's shared dish may be 3/4 of it (the cook makes it whole)."""
    profile = profile or plan.profile
    out: list[str] = []
    if plan.version != 2:
        out.append(f"plan version {plan.version}, expected 2 (a plan made of dishes)")
    numbers = [d.day for d in plan.days]
    if numbers != list(range(1, plan.rules.days + 1)):
        out.append(f"days {numbers}, expected 1..{plan.rules.days}")
    for day in plan.days:
        out += _check_day(ref, plan, day, profile)
    out += _check_variety(plan)
    out += _check_leftovers(plan)
    out += _check_leftover_keeps(ref, plan)
    out += _check_fish(ref, plan, profile)
    out += _check_meat(ref, plan, profile)
    out += _check_fish_max(ref, plan, profile)
    out += _check_co_nutrients(ref, plan)
    out += _check_whole_eggs(ref, plan) if whole_eggs else []
    out += _check_fruit_days(ref, plan)
    return out


def _check_fruit_days(ref: Reference, plan: WeekPlan) -> list[str]:
    """Each fruit of 40 g a serving or more in a dish on at most 4 days a week (rounded down, at least 1)."""
    days_by_fruit: dict[str, set[int]] = {}
    for day in plan.days:
        for m in day.meals:
            for x in m.dishes:
                for i in x.ingredients:
                    fruit = i.food_id in ref.curated.index and ref.curated.at[i.food_id, "category"] == FRUIT_CATEGORY
                    if fruit and x.portions > 0 and i.grams / x.portions >= FRUIT_G_PER_SERVING:
                        days_by_fruit.setdefault(i.food_id, set()).add(day.day)
    most = max(1, FRUIT_DAYS_PER_WEEK * len(plan.days) // 7)
    return [f"'{food_id}' on {len(days)} days {sorted(days)} (max {most}: a fruit on at most 4 days a week)"
            for food_id, days in sorted(days_by_fruit.items()) if len(days) > most]


# --- a household -------------------------------------------------------------------------------------
def _person_dish(ref: Reference, dish: PlanDish, name: str) -> PlanDish | None:
    """A person's share of a dish as the checker computes it: their portions of the recipe, values from USDA."""
    if not dish.portions_by_person:
        return dish
    portions = dish.portions_by_person.get(name)
    if portions is None:
        return None
    items = []
    for (food_id, fdc_id, grams), item in zip(ref.recipes[dish.dish_id], dish.ingredients):
        g = grams * portions
        values = {n: (None if (v := usda_value(ref, fdc_id, g, n)) is None else round(v, 4)) for n in NUTRIENTS}
        price = ref.curated.at[food_id, "price_usd_per_100g"] if food_id in ref.curated.index else None
        cost = None if price is None or pd.isna(price) else round(float(price) * g / 100.0, 4)
        items.append(replace(item, grams=round(g, 4), servings=portions, cost_usd=cost, **values))
    return PlanDish(dish_id=dish.dish_id, name=dish.name, role=dish.role, portions=portions, ingredients=tuple(items))


def person_view(ref: Reference, plan: WeekPlan, name: str) -> WeekPlan:
    """What ``name`` eats, as a one-person plan (totals recomputed from USDA rows), with their targets."""
    person = next(p for p in plan.people if p.name == name)
    days = []
    for d in plan.days:
        meals = []
        for m in d.meals:
            if m.person not in (None, name):
                continue
            dishes = tuple(x for dish in m.dishes if (x := _person_dish(ref, dish, name)) is not None)
            meals.append(Meal(slot=m.slot, dishes=dishes, leftover_from=m.leftover_from))
        day = DayPlan(day=d.day, meals=tuple(meals))
        days.append(replace(day, totals={n: day_amount(ref, day, n) for n in NUTRIENTS}))
    names = [p.name for p in plan.people]
    notes = tuple(n.split(": ", 1)[1] if n.split(": ", 1)[0] in names else n for n in plan.notes
                  if n.split(": ", 1)[0] in (name,) or n.split(": ", 1)[0] not in names)
    return replace(plan, profile=person.profile, targets=person.targets, days=tuple(days), people=(), notes=notes)


def _check_household_day(ref: Reference, plan: WeekPlan, day: DayPlan) -> list[str]:
    out = []
    names = [p.name for p in plan.people]
    for m in day.meals:
        where = f"day {day.day} {m.slot}"
        if m.person is not None and m.person not in names:
            out.append(f"{where}: person {m.person!r} is not in the household {names}")
        for x in m.dishes:
            if m.person is None and sorted(x.portions_by_person) != sorted(names):
                out.append(f"{where}: shared dish {x.dish_id} has portions for {sorted(x.portions_by_person)}, "
                           f"not everyone {sorted(names)}")
            if x.portions_by_person and abs(sum(x.portions_by_person.values()) - x.portions) > 1e-6:
                out.append(f"{where}: {x.dish_id} portions {x.portions} but the people's add up to "
                           f"{sum(x.portions_by_person.values())}")
            out += _check_recipe(ref, x, where) + _check_values(ref, x, where)
    for name in names:
        written = day.totals_by_person.get(name, {})
        view = person_view(ref, replace(plan, days=(day,)), name).days[0]
        for n in ("magnesium_mg", "energy_kcal", "calcium_mg"):
            if abs(float(written.get(n, -1)) - view.totals[n]) > TOTAL_TOL + 1e-6 * abs(view.totals[n]):
                out.append(f"day {day.day}: totals_by_person[{name}][{n}] = {written.get(n)} but "
                           f"{view.totals[n]:.3f} recomputed from USDA rows")
    return out


def check_household_plan(plan: WeekPlan, ref: Reference) -> list[str]:
    """Every broken rule of a household plan: the shared dishes as written, then each person's own plan
    (their meals and their share of the shared ones) against every rule of ``check_dish_plan``."""
    if not plan.people:
        return ["not a household plan: plan.people is empty"]
    out = []
    for day in plan.days:
        out += _check_household_day(ref, plan, day)
    for person in plan.people:
        view = person_view(ref, plan, person.name)
        out += [f"{person.name}: {problem}" for problem in check_dish_plan(view, ref, profile=person.profile, whole_eggs=False)
                if "totals[" not in problem]  # a view's totals are the checker's own
    return out


__all__ = ["Reference", "check_dish_plan", "check_household_plan", "person_view", "day_amount", "dish_amount", "fish_allowed", "is_fish_main",
           "reference", "usda_value", "week_averages"]
