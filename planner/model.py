"""Frozen dataclasses of the planner, and the JSON plan format that every step exchanges.

A plan is immutable: every operation (swap, lock, regenerate, ...) returns a new ``WeekPlan``.

Format version 2 (plans made of dishes): every meal lists ``dishes``; each dish has its portions, its
nutrients and cost for those portions, and its ``ingredients`` ({food_id, fdc_id, name, grams, ...}).
Version 1 (the food-level planner's format) lists ``items`` per meal. Both are read: a version-1 item
becomes a one-ingredient dish (``Meal.dishes``), and a version-2 meal's ingredients are its ``items``,
so code that adds up foods (day totals, the shopping list) reads either version the same way.
"""
from __future__ import annotations

import json
import math
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from foods.files import MIB, atomic_write, read_limited, size_text
from foods.schema import ALLERGENS, DIETS, PLAN_NUTRIENTS, SLOTS
from planner.errors import PlanFormatError

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
    # Cap on caffeine (mg) in the slots after lunch (None: no cap).
    caffeine_after_lunch_max_mg: float | None = None
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
    max_snack_side_per_week: int = 3  # a snack or side dish on at most this many days (a week is varied)
    fish_per_week_min: int = 2
    meat_per_week_min: int = 2  # meat or poultry mains, when the diet has them (an omnivore's week)
    fish_per_week_max: int | None = None  # days with fish at most (pregnancy: 3, about 12 oz a week)
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
    "max_snack_side_per_week": Range(1, MAX_DAYS, "a whole number of days", "3", integer=True),
    "fish_per_week_min": Range(0, MAX_DAYS, "a whole number of days", "2", integer=True),
    "meat_per_week_min": Range(0, MAX_DAYS, "a whole number of days", "2", integer=True),
    "fish_per_week_max": Range(0, MAX_DAYS, "a whole number of days", "3", integer=True),
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


# --- JSON -----------------------------------------------------------------------------------------
def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def dish_dict(dish: PlanDish) -> dict[str, Any]:
    """A dish as written in a version-2 plan: its portions, its values for those portions, its ingredients."""
    shared = {"portions_by_person": dict(dish.portions_by_person)} if dish.portions_by_person else {}
    return {"dish_id": dish.dish_id, "name": dish.name, "role": dish.role, "portions": dish.portions, **shared,
            "grams": dish.grams, **{n: dish.value(n) for n in DISH_VALUES},
            "ingredients": [asdict(i) for i in dish.ingredients]}


def _meal_dict(meal: Meal, version: int) -> dict[str, Any]:
    if version < DISH_PLAN_VERSION:
        return {"slot": meal.slot, "items": [asdict(i) for i in meal.items]}
    out: dict[str, Any] = {"slot": meal.slot}
    if meal.person is not None:
        out["person"] = meal.person
    if meal.leftover_from is not None:
        out["leftover_from"] = asdict(meal.leftover_from)
    return {**out, "dishes": [dish_dict(x) for x in meal.dishes]}


def _day_dict(day: DayPlan, version: int) -> dict[str, Any]:
    out = {"day": day.day, "meals": [_meal_dict(m, version) for m in day.meals],
           "totals": dict(day.totals), "measured": dict(day.measured)}
    if day.totals_by_person:
        out["totals_by_person"] = {name: dict(t) for name, t in day.totals_by_person.items()}
    return out


def _profile_dict(profile: Profile) -> dict[str, Any]:
    return {**asdict(profile), "overrides": dict(profile.overrides)}


def _person_dict(person: Person) -> dict[str, Any]:
    return {"name": person.name, "profile": _profile_dict(person.profile), "targets": asdict(person.targets)}


def plan_to_dict(plan: WeekPlan) -> dict[str, Any]:
    """The JSON-ready dict of a plan (format version 1, or 2 for a plan made of dishes)."""
    return _clean({
        "version": plan.version,
        "profile": _profile_dict(plan.profile),
        "targets": asdict(plan.targets),
        "rules": asdict(plan.rules),
        **({"people": [_person_dict(p) for p in plan.people]} if plan.people else {}),
        "days": [_day_dict(d, plan.version) for d in plan.days],
        "locks": [asdict(lock) for lock in plan.locks],
        "excluded": list(plan.excluded),
        "supplement": asdict(plan.supplement) if plan.supplement else None,
        "solver": asdict(plan.solver),
        "notes": list(plan.notes),
    })


def plan_to_json(plan: WeekPlan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


_TYPE_WORDS: dict[str, tuple[str, str]] = {
    # annotation -> (what it must be, an example)
    "int": ("a whole number", "1"),
    "float": ("a number", "1.5"),
    "str": ("text", '"text"'),
    "bool": ("true or false", "true"),
    "tuple[str, ...]": ("a list of texts", '["a", "b"]'),
    "Mapping[str, float]": ("an object of numbers", '{"magnesium_mg": 400}'),
}
MAX_DAY = 366
# The profile fields a plan's targets derive from: every magplan writes them, so a file without one was edited.
PROFILE_REQUIRED: dict[str, str] = {"age": "45", "sex": '"female"', "status": '"none"'}
# A plan file of 14 days is about 0.1 MB; 5 MB leaves room for notes and history, and keeps a hostile
# file from taking minutes and gigabytes to read.
MAX_PLAN_BYTES = 5 * MIB


def show_value(value: Any) -> str:
    """``value`` as a person reads it in a message: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "text", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__)


def _bad(where: str, value: Any, what: str, example: str) -> PlanFormatError:
    return PlanFormatError(f"{where} is {_kind(value)} {show_value(value)}; it must be {what}, e.g. {example}")


def _finite_number(value: Any, where: str, example: str) -> Any:
    """``value`` if it is a finite JSON number (int or float, not a boolean); else PlanFormatError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, value, "a number", example)
    try:
        as_float = float(value)
    except OverflowError:
        raise PlanFormatError(f"{where} is a number too large to use; it must be a finite number, "
                              f"e.g. {example}") from None
    if math.isnan(as_float) or math.isinf(as_float):
        raise PlanFormatError(f"{where} is {value}; it must be a finite number, e.g. {example}")
    return value


def _text(value: Any, where: str, example: str) -> str:
    if not isinstance(value, str):
        raise _bad(where, value, "text", example)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PlanFormatError(f"{where} contains a character that is not valid Unicode "
                              f"(a lone surrogate); write plain text, e.g. {example}") from None
    return value


def _check_value(value: Any, annotation: str, where: str, example: str) -> Any:
    """Check one field of a flat dataclass against its annotation; return the value to store."""
    optional = annotation.endswith(" | None")
    base = annotation[: -len(" | None")] if optional else annotation
    what = _TYPE_WORDS.get(base, ("a value", example))[0]
    if value is None:
        if optional:
            return None
        raise PlanFormatError(f"{where} is null; it must be {what}, e.g. {example}")
    if base == "int":
        if isinstance(value, float) and not isinstance(value, bool) and math.isfinite(value) \
                and value == int(value):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(where, value, what, example)
        return value
    if base == "float":
        return _finite_number(value, where, example)
    if base == "str":
        return _text(value, where, example)
    if base == "bool":
        if not isinstance(value, bool):
            raise _bad(where, value, what, example)
        return value
    if base == "tuple[str, ...]":
        if not isinstance(value, (list, tuple)):
            raise _bad(where, value, what, example)
        return tuple(_text(v, f"{where}[{i}]", '"text"') for i, v in enumerate(value))
    if base == "Mapping[str, float]":
        if not isinstance(value, Mapping):
            raise _bad(where, value, what, example)
        return {_text(k, f"{where} key", '"magnesium_mg"'): _finite_number(v, f"{where}.{k}", "400")
                for k, v in value.items()}
    # A field type this reader does not know (added later): keep the value, lists as tuples.
    return tuple(value) if isinstance(value, list) else value


def _example(f: Any) -> str:
    base = str(f.type).replace(" | None", "")
    if f.default is not MISSING and f.default is not None and isinstance(f.default, (int, float, str, tuple)):
        try:
            return json.dumps(list(f.default) if isinstance(f.default, tuple) else f.default)
        except (TypeError, ValueError):
            pass
    return _TYPE_WORDS.get(base, ("", "..."))[1]


def _need(d: Any, key: str, where: str, kind: type | tuple[type, ...], example: str) -> Any:
    if not isinstance(d, Mapping):
        raise PlanFormatError(f"{where} is {_kind(d)} {show_value(d)}; it must be an object like {{...}}")
    if key not in d:
        raise PlanFormatError(f"{where}.{key} is missing; expected e.g. {example}")
    value = d[key]
    if kind is float:
        return _finite_number(value, f"{where}.{key}", example)
    if kind is int:
        return _check_value(value, "int", f"{where}.{key}", example)
    if kind is str:
        return _text(value, f"{where}.{key}", example)
    if not isinstance(value, kind):
        raise PlanFormatError(f"{where}.{key} is {_kind(value)} {show_value(value)}; expected e.g. {example}")
    return value


def _dc_from(cls: type, d: Any, where: str) -> Any:
    """Build a flat dataclass from a dict: known fields only, each checked against its type."""
    if not isinstance(d, Mapping):
        raise PlanFormatError(f"{where} is {_kind(d)} {show_value(d)}; it must be an object like {{...}}")
    kwargs = {}
    for f in fields(cls):
        if f.name in d:
            kwargs[f.name] = _check_value(d[f.name], str(f.type), f"{where}.{f.name}", _example(f))
        elif f.default is MISSING and f.default_factory is MISSING:  # type: ignore[misc]
            raise PlanFormatError(f"{where}.{f.name} is missing; expected e.g. {_example(f)}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:  # pragma: no cover - every field is checked above
        raise PlanFormatError(f"{where}: {exc}") from None


def _number_map(value: Any, where: str) -> dict[str, float | None]:
    """A day's totals/measured: an object of numbers (null is an unknown value)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(where, value, "an object of numbers", '{"magnesium_mg": 420.5}')
    out: dict[str, float | None] = {}
    for k, v in value.items():
        key = _text(k, f"{where} key", '"magnesium_mg"')
        out[key] = None if v is None else _finite_number(v, f"{where}.{key}", "420.5")
    return out


def _texts(value: Any, where: str, example: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad(where, value, "a list of texts", example)
    return tuple(_text(v, f"{where}[{i}]", '"text"') for i, v in enumerate(value))


def _day_number(value: int, where: str) -> int:
    if not 1 <= value <= MAX_DAY:
        raise PlanFormatError(f"{where} is {show_value(value)}; days are numbered from 1 (up to {MAX_DAY}), e.g. 1")
    return value


def _slot(value: str, where: str) -> str:
    if value not in PLAN_SLOTS:
        raise PlanFormatError(f"{where} is {show_value(value)}; it must be one of {', '.join(PLAN_SLOTS)}, "
                              "e.g. \"dinner\"")
    return value


def _items_from(items_d: list, where: str) -> tuple[PlanItem, ...]:
    items = []
    for k, item_d in enumerate(items_d):
        iwhere = f"{where}[{k}]"
        _need(item_d, "food_id", iwhere, str, '"almonds"')
        servings = _need(item_d, "servings", iwhere, float, "1.0")
        if not round(servings, 6) > 0:  # the JSON keeps 6 decimals: 1e-9 would be written as 0
            raise PlanFormatError(f"{iwhere}.servings is {servings}; it must be above 0, e.g. 1.0")
        check_number(servings, "servings", f"{iwhere}.servings", PlanFormatError)
        check_number(_need(item_d, "grams", iwhere, float, "150"), "grams", f"{iwhere}.grams", PlanFormatError)
        items.append(_dc_from(PlanItem, item_d, iwhere))
    return tuple(items)


def _dish_from(d: Any, where: str) -> PlanDish:
    """A version-2 dish: its values are recomputed from its ingredients, never taken from the file."""
    dish_id = _need(d, "dish_id", where, str, '"red_lentil_dal_kale_chapati"')
    role = _need(d, "role", where, str, '"main"')
    if role not in DISH_ROLES:
        raise PlanFormatError(f"{where}.role is {show_value(role)}; it must be one of {', '.join(DISH_ROLES)}, e.g. \"main\"")
    by_person = _portions_by_person(d.get("portions_by_person"), f"{where}.portions_by_person")
    portions = _need(d, "portions", where, float, "1.0")
    if not by_person:
        check_number(portions, "portions", f"{where}.portions", PlanFormatError)
    elif abs(portions - sum(by_person.values())) > 1e-6:
        raise PlanFormatError(f"{where}.portions is {portions:g}, but portions_by_person adds up to "
                              f"{sum(by_person.values()):g}; a shared dish's portions are everyone's together")
    ingredients = _items_from(_need(d, "ingredients", where, list, '[{"food_id": "olive_oil", ...}]'),
                              f"{where}.ingredients")
    if not ingredients:
        raise PlanFormatError(f"{where}.ingredients is empty; a dish has at least one ingredient")
    return PlanDish(dish_id=dish_id, name=_need(d, "name", where, str, '"Lentil soup"'), role=role,
                    portions=float(portions), ingredients=ingredients,
                    portions_by_person=by_person,
                    file_values={n: d[n] for n in ("grams", *DISH_VALUES) if n in d})


def _portions_by_person(value: Any, where: str) -> dict[str, float]:
    portions = _number_map(value, where)
    for name, p in portions.items():
        if p is None or not p > 0:
            raise PlanFormatError(f"{where}.{name} is {show_value(p)}; a person's portions are above 0, e.g. 1.0")
        check_number(p, "portions", f"{where}.{name}", PlanFormatError)
    return {name: float(p) for name, p in portions.items() if p is not None}


def _leftover_from(value: Any, where: str) -> LeftoverRef | None:
    if value is None:
        return None
    ref = _dc_from(LeftoverRef, value, where)
    _day_number(ref.day, f"{where}.day")
    _slot(ref.slot, f"{where}.slot")
    return ref


def _profile_from(d: Any, where: str) -> Profile:
    profile_d = dict(_need(d, "profile", where, dict, '{"age": 45, "sex": "female"}'))
    for name, example in PROFILE_REQUIRED.items():  # what the targets are for: never a silent default
        _need(profile_d, name, f"{where}.profile", object, example)
    if profile_d.get("overrides") is None:
        profile_d["overrides"] = {}
    profile = _dc_from(Profile, profile_d, f"{where}.profile")
    check_numbers(profile, lambda name: f"{where}.profile.{name}", PlanFormatError)
    return profile


def _targets_from(d: Any, where: str) -> Targets:
    targets = _dc_from(Targets, _need(d, "targets", where, dict, '{"magnesium_mg": 320, ...}'), f"{where}.targets")
    check_numbers(targets, lambda name: f"{where}.targets.{name}", PlanFormatError)
    return targets


def _people_from(value: Any) -> tuple[Person, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad("plan.people", value, "a list of people", '[{"name": "Ann", "profile": {...}, "targets": {...}}]')
    people = []
    for i, p in enumerate(value):
        where = f"plan.people[{i}]"
        name = _text(_need(p, "name", where, str, '"Ann"'), f"{where}.name", '"Ann"')
        if any(x.name == name for x in people):
            raise PlanFormatError(f"{where}.name is {name!r}, but {name!r} is already in plan.people; names are unique")
        people.append(Person(name=name, profile=_profile_from(p, where), targets=_targets_from(p, where)))
    return tuple(people)


def _lock_from(d: Any, where: str) -> Lock:
    lock = _dc_from(Lock, d, where)
    _day_number(lock.day, f"{where}.day")
    if lock.slot is not None:
        _slot(lock.slot, f"{where}.slot")
    return lock


def plan_from_dict(d: Any) -> WeekPlan:
    """Read a plan dict (format version 1); raises PlanFormatError naming the bad field."""
    if not isinstance(d, Mapping):
        raise PlanFormatError("a plan must be a JSON object with version, profile, targets and days")
    version = _need(d, "version", "plan", int, "1")
    if version not in READABLE_VERSIONS:
        raise PlanFormatError(f"plan.version is {show_value(version)}; this magplan reads versions "
                              f"{', '.join(map(str, READABLE_VERSIONS))} (a newer magplan wrote it; upgrade magplan)")
    profile, targets = _profile_from(d, "plan"), _targets_from(d, "plan")
    rules = _dc_from(Rules, d.get("rules") or {}, "plan.rules")
    check_numbers(rules, lambda name: f"plan.rules.{name}", PlanFormatError)
    people = _people_from(d.get("people"))
    days = []
    seen_days: set[int] = set()
    for i, day_d in enumerate(_need(d, "days", "plan", list, '[{"day": 1, "meals": [...]}]')):
        where = f"plan.days[{i}]"
        day_no = _day_number(_need(day_d, "day", where, int, "1"), f"{where}.day")
        if day_no in seen_days:
            raise PlanFormatError(f"{where}.day is {day_no}, but day {day_no} is already in the plan; "
                                  "each day appears once, e.g. 1, 2, 3")
        seen_days.add(day_no)
        meals = []
        for j, meal_d in enumerate(_need(day_d, "meals", where, list, '[{"slot": "breakfast", "items": []}]')):
            mwhere = f"{where}.meals[{j}]"
            slot = _slot(_need(meal_d, "slot", mwhere, str, '"breakfast"'), f"{mwhere}.slot")
            person = _meal_person(meal_d, mwhere, people)
            if any(m.slot == slot and m.person == person for m in meals):
                raise PlanFormatError(f"{mwhere}.slot is {slot!r}, but day {day_no} already has a {slot} meal"
                                      f"{'' if person is None else ' for ' + person}; each slot appears once a day "
                                      "(put all its items in one meal)")
            if version >= DISH_PLAN_VERSION:
                dishes = _need(meal_d, "dishes", mwhere, list, '[{"dish_id": "...", "ingredients": [...]}]')
                meals.append(Meal(slot=slot, dishes=tuple(_dish_from(x, f"{mwhere}.dishes[{k}]")
                                                          for k, x in enumerate(dishes)), person=person,
                                  leftover_from=_leftover_from(meal_d.get("leftover_from"), f"{mwhere}.leftover_from")))
                continue
            items = _items_from(_need(meal_d, "items", mwhere, list, "[]"), f"{mwhere}.items")
            meals.append(Meal(slot=slot, items=items))
        by_person = day_d.get("totals_by_person") or {}
        if not isinstance(by_person, Mapping):
            raise _bad(f"{where}.totals_by_person", by_person, "an object of people", '{"Ann": {"magnesium_mg": 400}}')
        days.append(DayPlan(day=day_no, meals=tuple(meals), totals=_number_map(day_d.get("totals"), f"{where}.totals"),
                            measured=_number_map(day_d.get("measured"), f"{where}.measured"),
                            totals_by_person={str(n): _number_map(t, f"{where}.totals_by_person.{n}")
                                              for n, t in by_person.items()}))
    if not days:
        raise PlanFormatError("plan.days is an empty list; a plan has at least one day, e.g. "
                              '[{"day": 1, "meals": [...]}]')
    locks_d = d.get("locks") or []
    if not isinstance(locks_d, list):
        raise _bad("plan.locks", locks_d, "a list of locks", '[{"day": 1, "slot": "dinner", "food_id": null}]')
    locks = tuple(_lock_from(x, f"plan.locks[{i}]") for i, x in enumerate(locks_d))
    supplement = d.get("supplement")
    solver = _dc_from(SolverInfo, d.get("solver") or {"name": "unknown", "status": "unknown"}, "plan.solver")
    return WeekPlan(
        profile=profile, targets=targets, rules=rules, days=tuple(days), solver=solver, locks=locks,
        excluded=_texts(d.get("excluded"), "plan.excluded", '["almonds"]'),
        supplement=_dc_from(Supplement, supplement, "plan.supplement") if supplement else None,
        notes=_texts(d.get("notes"), "plan.notes", '["a note"]'), version=version, people=people,
    )


def _meal_person(meal_d: Any, where: str, people: tuple[Person, ...]) -> str | None:
    person = meal_d.get("person") if isinstance(meal_d, Mapping) else None
    if person is None:
        return None
    names = [p.name for p in people]
    if person not in names:
        raise PlanFormatError(f"{where}.person is {show_value(person)}; it must be one of plan.people "
                              f"({', '.join(names) or 'none in this plan'})")
    return str(person)


def plan_from_json(text: str) -> WeekPlan:
    """Read a plan from JSON text (at most ``MAX_PLAN_BYTES``); raises PlanFormatError naming the bad field."""
    if len(text) > MAX_PLAN_BYTES:  # characters: at least as many bytes
        raise PlanFormatError(f"the plan is larger than {size_text(MAX_PLAN_BYTES)}; plans up to "
                              f"{size_text(MAX_PLAN_BYTES)} are accepted (a 14-day plan is about 0.1 MB)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise PlanFormatError("not a plan: the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise PlanFormatError(f"not valid JSON ({exc})") from None
    return plan_from_dict(data)


def read_plan(path: str | Path) -> WeekPlan:
    """Read a plan JSON file; raises PlanFormatError with the file name on any problem."""
    path = Path(path)
    try:
        text = read_limited(path, MAX_PLAN_BYTES, what="a plan file", error=PlanFormatError).decode("utf-8")
    except FileNotFoundError:
        raise PlanFormatError(f"{path}: file not found; give the path of a plan written by 'magplan plan'") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise PlanFormatError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    try:
        return plan_from_json(text)
    except PlanFormatError as exc:
        raise PlanFormatError(f"{path}: {exc}") from None


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a file so that a crash leaves either the old or the new content, never a mix.

    A symlink is written through and the file keeps its permissions (``foods.files.atomic_write``).
    """
    atomic_write(path, text)


def write_plan(plan: WeekPlan, path: str | Path) -> None:
    """Write a plan JSON file; a plan that would not read back (e.g. a non-finite number) is refused."""
    text = plan_to_json(plan)
    try:
        plan_from_json(text)
    except PlanFormatError as exc:
        raise PlanFormatError(f"the plan would not read back ({exc}); {path} was not written") from None
    atomic_write_text(path, text)


__all__ = [
    "ACTIVITIES", "ALLERGENS", "DIETS", "PLAN_NUTRIENTS", "PLAN_VERSION", "SEXES", "SLOTS", "STATUSES",
    "DISH_PLAN_VERSION", "PLAN_SLOTS", "DayPlan", "Lock", "Meal", "PlanDish", "PlanItem", "Profile", "Rules", "SolverInfo", "Supplement", "Targets", "WeekPlan",
    "atomic_write_text", "plan_from_dict", "plan_from_json", "plan_to_dict", "plan_to_json", "read_plan",
    "replace", "write_plan",
]
