"""Frozen dataclasses of the planner (profile, targets, rules, the plan and its days, meals and dishes), and the
one table of number ranges every reader checks against. The plan's JSON format is ``planner.plan_format``.

A plan is immutable: every operation (swap, lock, regenerate, ...) returns a new ``WeekPlan``. A version-1
plan's items are one-ingredient dishes (``Meal.dishes``), and a version-2 meal's ingredients are its
``items``, so code that adds up foods (day totals, the shopping list) reads either version the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping

from foods.schema import ALLERGENS, DIETS, PLAN_NUTRIENTS, SLOTS

PLAN_VERSION = 1  # what the food-level planner writes
DISH_PLAN_VERSION = 2  # plans made of dishes
READABLE_VERSIONS: tuple[int, ...] = (1, 2)
# Meal slots of a plan: the food-level planner's four, and the optional evening snack of dish plans.
PLAN_SLOTS: tuple[str, ...] = (*SLOTS, "evening")
DISH_ROLES: tuple[str, ...] = ("main", "side", "snack")  # a dish's role in its meal
DISH_VALUES: tuple[str, ...] = (*PLAN_NUTRIENTS, "cost_usd")
MAX_DAYS = 28  # a plan covers 1 to 28 days
SEXES: tuple[str, ...] = ("female", "male")
STATUSES: tuple[str, ...] = ("none", "pregnancy", "lactation")
ACTIVITIES: tuple[str, ...] = ("sedentary", "low_active", "active", "very_active")


@dataclass(frozen=True)
class Profile:
    """Who the plan is for, and what they want. Validated by ``planner.targets.check_profile``."""

    age: int = 40
    sex: str = "female"
    status: str = "none"
    weight_kg: float | None = None
    height_cm: float | None = None
    activity: str | None = None
    diet: str = "omnivore"
    avoid_allergens: tuple[str, ...] = ()
    exclude_foods: tuple[str, ...] = ()
    favorite_foods: tuple[str, ...] = ()  # dish ids or food ids the planner prefers
    disliked_foods: tuple[str, ...] = ()  # dish ids or food ids it avoids (kept in the plan, so edits do too)
    budget_usd_per_day: float | None = None
    # Overrides of any field of Targets by name, e.g. {"magnesium_mg": 400, "energy_kcal_min": 1600}.
    overrides: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Targets:
    """Daily targets derived from the DRI table (and overrides). Units are in the names."""

    magnesium_mg: float
    energy_kcal_min: float
    energy_kcal_max: float
    protein_g_min: float
    fiber_g_min: float
    sodium_mg_max: float
    iron_mg: float
    vitamin_d_ug: float
    vitamin_b12_ug: float
    calcium_mg: float
    potassium_mg: float
    magnesium_ul_supplemental_mg: float
    life_stage_group: str = ""
    magnesium_source: str = ""


CAFFEINE_AFTER_LUNCH_MG_DEFAULT = 15.0


@dataclass(frozen=True)
class Rules:
    """How the menu is built: slots, steps, variety and the optional RLS-related limits."""

    days: int = 7
    slots: tuple[str, ...] = SLOTS
    servings_step: float = 0.5
    max_foods_per_meal: int = 4
    max_days_per_food: int = 3
    # Minimum share of the day's magnesium from the evening slots (None: no minimum).
    evening_share_min: float | None = None
    evening_slots: tuple[str, ...] = ("dinner", "snack")
    # Cap on caffeine (mg) in the slots after lunch (None: no cap). RLS guidance advises against caffeine in the
    # evening: by default a day holds at most a cup of cocoa's worth (about 14 mg; a cup of coffee has about 95 mg)
    # after lunch. A dietitian found hot cocoa or chocolate in the afternoon or evening on every day of four weeks.
    caffeine_after_lunch_max_mg: float | None = CAFFEINE_AFTER_LUNCH_MG_DEFAULT
    # Realistic days: servings of vegetables, leafy greens and fruit a day (0: no minimum), and a vegetable
    # or leafy green at lunch and at dinner.
    produce_servings_min: float = 3.0
    vegetables_at_main_meals: bool = True
    require_iron: bool = False
    require_vitamin_d: bool = False
    require_vitamin_b12: bool = False
    allow_supplement: bool = False
    # Plans made of dishes: a main dish on at most this many days (never on consecutive days), a breakfast
    # at most this many times, fish on at least this many days when fish is allowed, the cheapest week.
    max_main_per_week: int = 2
    max_breakfast_per_week: int = 3
    max_snack_side_per_week: int = 2  # a snack or side dish on at most this many days (3 before: nice cream 3x a week)
    fish_per_week_min: int = 2
    meat_per_week_min: int = 2  # meat or poultry mains, when the diet has them (an omnivore's week)
    fish_per_week_max: int | None = None  # days with fish at most (pregnancy: 3, about 12 oz a week)
    fish_g_per_week_max: float | None = None  # grams of fish and seafood a week at most (pregnancy: 340 g, 12 oz)
    fish_g_per_week_min: float | None = None  # and at least, softly (pregnancy: 227 g, 8 oz)
    cheapest: bool = False
    # Up to this many lunches a week are the previous day's dinner, cooked in a larger batch.
    leftovers_per_week: int = 2
    time_limit_s: float = 20.0
    gap_rel: float = 0.01
    solver: str = "highs"  # "highs" or "cbc"


@dataclass(frozen=True)
class PlanItem:
    """One food in one meal: servings, grams and what they bring (per this item, not per 100 g)."""

    food_id: str
    name: str
    fdc_id: int | None
    servings: float
    serving_label: str
    grams: float
    magnesium_mg: float | None
    energy_kcal: float | None
    protein_g: float | None
    fiber_g: float | None = None
    sodium_mg: float | None = None
    caffeine_mg: float | None = None
    iron_mg: float | None = None
    calcium_mg: float | None = None
    potassium_mg: float | None = None
    vitamin_d_ug: float | None = None
    vitamin_b12_ug: float | None = None
    cost_usd: float | None = None


def _sum_known(items: tuple[PlanItem, ...], name: str) -> float | None:
    known = [getattr(i, name) for i in items if getattr(i, name) is not None]
    return round(sum(known), 4) if known else None


@dataclass(frozen=True)
class PlanDish:
    """One dish in one meal: how many portions, and its ingredients for those portions (as PlanItems).

    ``role`` is "main" for the one main dish of a breakfast, lunch or dinner, "side" or "snack".
    Its nutrients and cost are the sums over its ingredients (``value``); never stored apart from them.
    """

    dish_id: str
    name: str
    role: str
    portions: float
    ingredients: tuple[PlanItem, ...] = ()
    # A household's shared dish: person name -> portions (they add up to ``portions``; the ingredients are
    # for all of them together). Empty for a one-person plan.
    portions_by_person: Mapping[str, float] = field(default_factory=dict)
    # What a plan file stated for this dish (grams and DISH_VALUES): only for planner.verify to compare with the
    # ingredients' sums; never used as the dish's values and never written.
    file_values: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def grams(self) -> float:
        return round(sum(i.grams for i in self.ingredients), 4)

    def value(self, name: str) -> float | None:
        """Sum of a nutrient (or cost_usd) over the ingredients with a known value; None if none is known."""
        return _sum_known(self.ingredients, name)


def dish_of_item(item: PlanItem, role: str) -> PlanDish:
    """A version-1 item as a one-ingredient dish (its dish_id is the food_id, its portions the servings)."""
    return PlanDish(dish_id=item.food_id, name=item.name, role=role, portions=item.servings, ingredients=(item,))


@dataclass(frozen=True)
class LeftoverRef:
    """Where a leftover meal was cooked: the dinner of ``day`` (cooked in a larger batch)."""

    day: int
    slot: str = "dinner"

    def text(self) -> str:
        """How readers label the meal: "leftovers of day 1's dinner"."""
        return f"leftovers of day {self.day}'s {self.slot}"


@dataclass(frozen=True)
class Meal:
    """One meal of a day. Give ``items`` (a food-level meal) or ``dishes``; the other is filled in:
    items become one-ingredient dishes, and dishes' ingredients become the items.

    In a household plan a personal meal names its ``person``; a shared meal has none (its dishes carry
    ``portions_by_person``). ``leftover_from``: the meal is what was left of an earlier dinner."""

    slot: str
    items: tuple[PlanItem, ...] = ()
    dishes: tuple[PlanDish, ...] = ()
    person: str | None = None
    leftover_from: LeftoverRef | None = None

    def __post_init__(self) -> None:
        if self.dishes and not self.items:
            object.__setattr__(self, "items", tuple(i for d in self.dishes for i in d.ingredients))
        elif self.items and not self.dishes:
            first = "snack" if self.slot in ("snack", "evening") else "main"
            rest = "snack" if first == "snack" else "side"
            object.__setattr__(self, "dishes", tuple(dish_of_item(item, first if n == 0 else rest)
                                                     for n, item in enumerate(self.items)))


@dataclass(frozen=True)
class DayPlan:
    """One day. ``totals`` sums measured values; ``measured`` is the share of the day's grams whose
    value of that nutrient is known (1.0 = fully measured)."""

    day: int
    meals: tuple[Meal, ...]
    totals: Mapping[str, float] = field(default_factory=dict)
    measured: Mapping[str, float] = field(default_factory=dict)
    # A household: person name -> what that person eats that day (the same fields as ``totals``).
    totals_by_person: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Person:
    """One person of a household plan: a name, a profile and the targets derived from it."""

    name: str
    profile: Profile
    targets: Targets


@dataclass(frozen=True)
class Lock:
    """A locked part: a whole day (slot None), a meal (food_id None) or one item."""

    day: int
    slot: str | None = None
    food_id: str | None = None

    def covers(self, day: int, slot: str, food_id: str | None = None) -> bool:
        if self.day != day:
            return False
        if self.slot is None:
            return True
        if self.slot != slot:
            return False
        return self.food_id is None or food_id is None or self.food_id == food_id


@dataclass(frozen=True)
class SolverInfo:
    name: str
    status: str  # "optimal", "feasible" (time limit hit with a plan), ...
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class Supplement:
    """A food shortfall and a supplement suggestion (only when the person allows supplements)."""

    shortfall_mg: float
    form: str
    dose_mg: float
    note: str


@dataclass(frozen=True)
class WeekPlan:
    profile: Profile
    targets: Targets
    rules: Rules
    days: tuple[DayPlan, ...]
    solver: SolverInfo
    locks: tuple[Lock, ...] = ()
    excluded: tuple[str, ...] = ()
    supplement: Supplement | None = None
    notes: tuple[str, ...] = ()
    version: int = PLAN_VERSION
    # A household plan: everyone it is for (``profile`` and ``targets`` are then the first person's).
    people: tuple[Person, ...] = ()

    def day(self, day: int) -> DayPlan:
        for d in self.days:
            if d.day == day:
                return d
        raise KeyError(f"day {day} is not in the plan (days {', '.join(str(d.day) for d in self.days)})")

    def is_locked(self, day: int, slot: str, food_id: str | None = None) -> bool:
        return any(lock.covers(day, slot, food_id) for lock in self.locks)


# --- the one table of number ranges ----------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """The sensible values of one number a person can give: a finite number from ``low`` to ``high``.

    ``low_open``: ``low`` itself is not allowed (e.g. a budget must be above 0). Values outside are typos
    or nonsense (a magnesium target of 1e20 mg), and a solver given them answers wrongly or crashes.
    """

    low: float
    high: float
    what: str
    example: str
    integer: bool = False
    low_open: bool = False

    def text(self) -> str:
        lo = f"above {self.low:g} and at most" if self.low_open else f"from {self.low:g} to"
        return f"{self.what} {lo} {self.high:g}"

    def holds(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        try:
            v = float(value)
        except OverflowError:  # an int too large for a float
            return False
        if not math.isfinite(v) or (self.integer and v != int(v)):
            return False
        return (v > self.low if self.low_open else v >= self.low) and v <= self.high


# Every number that enters from a person (options, the app's widgets, profile fields, plan and backup JSON,
# changes) is checked against this table, by field name. One rule, one place.
NUMBER_RANGES: dict[str, Range] = {
    # Profile
    "age": Range(1, 120, "a whole number of years", "45", integer=True),
    "weight_kg": Range(10, 400, "a weight in kg", "70"),
    "height_cm": Range(50, 250, "a height in cm", "170"),
    "budget_usd_per_day": Range(0, 1000, "a budget in USD per day", "4.50", low_open=True),
    # Targets (and the profile's overrides of them): a day's amounts
    "magnesium_mg": Range(0, 3000, "a magnesium amount in mg per day", "400"),
    "energy_kcal_min": Range(0, 10000, "an energy in kcal per day", "1800"),
    "energy_kcal_max": Range(0, 10000, "an energy in kcal per day", "2200"),
    "protein_g_min": Range(0, 500, "a protein amount in g per day", "50"),
    "fiber_g_min": Range(0, 150, "a fiber amount in g per day", "25"),
    "sodium_mg_max": Range(0, 20000, "a sodium amount in mg per day", "2300"),
    "iron_mg": Range(0, 100, "an iron amount in mg per day", "18"),
    "vitamin_d_ug": Range(0, 250, "a vitamin D amount in ug per day", "15"),
    "vitamin_b12_ug": Range(0, 1000, "a vitamin B12 amount in ug per day", "2.4"),
    "calcium_mg": Range(0, 5000, "a calcium amount in mg per day", "1000"),
    "potassium_mg": Range(0, 10000, "a potassium amount in mg per day", "2600"),
    "magnesium_ul_supplemental_mg": Range(0, 3000, "a magnesium amount in mg per day", "350"),
    # Rules
    "days": Range(1, MAX_DAYS, "a whole number of days", "7", integer=True),
    "servings_step": Range(0, 10, "a step in servings", "0.5", low_open=True),
    "max_foods_per_meal": Range(1, 20, "a whole number of foods", "4", integer=True),
    "max_days_per_food": Range(1, 366, "a whole number of days", "3", integer=True),
    "evening_share_min": Range(0, 1, "a share", "0.5"),
    "caffeine_after_lunch_max_mg": Range(0, 2000, "a caffeine amount in mg", "50"),
    "produce_servings_min": Range(0, 20, "a number of servings", "3"),
    "time_limit_s": Range(0, 3600, "a time in seconds", "20", low_open=True),
    "gap_rel": Range(0, 0.5, "a relative gap", "0.01"),
    # One plan item, one shopping list
    "servings": Range(0, 100, "a number of servings", "1.5"),
    "grams": Range(0, 200_000, "an amount in grams", "150"),  # 100 servings of the largest USDA portion
    "portions": Range(0.5, 2, "a number of portions in quarters", "1.25"),
    "max_main_per_week": Range(1, MAX_DAYS, "a whole number of days", "2", integer=True),
    "max_breakfast_per_week": Range(1, MAX_DAYS, "a whole number of days", "3", integer=True),
    "max_snack_side_per_week": Range(1, MAX_DAYS, "a whole number of days", "2", integer=True),
    "fish_per_week_min": Range(0, MAX_DAYS, "a whole number of days", "2", integer=True),
    "meat_per_week_min": Range(0, MAX_DAYS, "a whole number of days", "2", integer=True),
    "fish_per_week_max": Range(0, MAX_DAYS, "a whole number of days", "3", integer=True),
    "fish_g_per_week_max": Range(0, 5000, "grams of fish a week", "340"),
    "fish_g_per_week_min": Range(0, 5000, "grams of fish a week", "227"),
    "leftovers_per_week": Range(0, 6, "a whole number of leftover lunches a week", "2", integer=True),
    "people": Range(1, 1000, "a whole number of people", "2", integer=True),
}


def check_number(value: Any, name: str, where: str, error: type[Exception] = ValueError) -> Any:
    """``value`` if it is within ``NUMBER_RANGES[name]``; else ``error`` saying the valid range.

    ``where`` names the value for the person (``--target-mg``, ``profile field 'age':``, ``plan.rules.days``).
    """
    rng = NUMBER_RANGES[name]
    if rng.holds(value):
        return value
    raise error(f"{where} {show_value(value)} is not {rng.text()}, e.g. {rng.example}")


def check_numbers(obj: Any, where: Callable[[str], str], error: type[Exception]) -> None:
    """Check every field of a Profile, Targets or Rules (and a profile's overrides) that has a range.

    ``where(field_name)`` names the field for the person, e.g. ``lambda n: f"plan.rules.{n}"``.
    """
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in NUMBER_RANGES and value is not None:
            check_number(value, f.name, where(f.name), error)
    if isinstance(obj, Profile) and isinstance(obj.overrides, Mapping):
        for key, value in obj.overrides.items():
            if key in NUMBER_RANGES:
                check_number(value, key, where(f"overrides.{key}"), error)


def show_value(value: Any) -> str:
    """``value`` as a person reads it in a message: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = [
    "ACTIVITIES", "ALLERGENS", "DIETS", "PLAN_NUTRIENTS", "PLAN_VERSION", "SEXES", "SLOTS", "STATUSES",
    "DISH_PLAN_VERSION", "PLAN_SLOTS", "DayPlan", "Lock", "Meal", "PlanDish", "PlanItem", "Profile", "Rules", "SolverInfo", "Supplement", "Targets", "WeekPlan",
    "check_number", "check_numbers", "replace", "show_value",
]
