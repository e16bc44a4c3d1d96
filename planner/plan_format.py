"""The JSON plan format that every step exchanges: a ``WeekPlan`` to JSON and back, checked field by field,
and plan files read (size-capped) and written (atomically).

Format version 2 (plans made of dishes): every meal lists ``dishes``; each dish has its portions, its
nutrients and cost for those portions, and its ``ingredients`` ({food_id, fdc_id, name, grams, ...}).
Version 1 (the food-level planner's format) lists ``items`` per meal. Both are read: a version-1 item
becomes a one-ingredient dish (``Meal.dishes``), and a version-2 meal's ingredients are its ``items``,
so code that adds up foods (day totals, the shopping list) reads either version the same way.
"""
from __future__ import annotations

import json
import math
from dataclasses import MISSING, asdict, fields
from pathlib import Path
from typing import Any, Mapping

from foods.files import MIB, atomic_write, read_limited_text, size_text
from planner.errors import PlanFormatError
from planner.model import (DISH_PLAN_VERSION, DISH_ROLES, DISH_VALUES, PLAN_SLOTS, READABLE_VERSIONS, DayPlan,
                           LeftoverRef, Lock, Meal, Person, PlanDish, PlanItem, Profile, Rules, SolverInfo, Supplement,
                           Targets, WeekPlan, check_number, check_numbers, show_value)



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
    text = read_limited_text(path, MAX_PLAN_BYTES, what="a plan file", error=PlanFormatError,
                             missing="give the path of a plan written by 'magplan plan'")
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


__all__ = ["MAX_PLAN_BYTES", "atomic_write_text", "dish_dict", "plan_from_dict", "plan_from_json", "plan_to_dict",
           "plan_to_json", "read_plan", "write_plan"]
