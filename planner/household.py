"""A household at one table: shared meals for everyone, the other meals per person, every person on their
own targets every day.

The method, in the order a cook would decide it:

1. **The lead plans the shared meals.** One person's week (``dishplan.plan_with_leftovers``) is planned with
   the shared meals (dinner by default) restricted to dishes that every person's diet, allergens and
   exclusions allow; its leftover lunches are chosen there too.
2. **Everyone else plans around them.** For each other person, the lead's shared dishes (and the leftover
   lunches' mains) are fixed on each day, with the portions left to that person's own targets, and the rest
   of the week is planned under their own rules (``week.plan_days`` with ``fixed`` and ``closed``).
3. If a person cannot meet their targets around the lead's shared meals, the next person leads.

A shared dish is written once, with ``portions_by_person`` and the ingredients for all portions together,
so the shopping list buys it once; a personal meal names its ``person``; each day has ``totals_by_person``.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Collection, Iterable, Mapping, Sequence

import pandas as pd

from foods.dishes import DishTables, tomllib
from foods.files import MIB, read_limited
from planner import menu, week
from planner.dishplan import (MAGNESIUM_NOTE, PersonInput, check_days, check_roles, co_nutrient_notes, leftover_ref, make_dish,
                              make_plan_day, meal_dishes, pantry_notes, plan_dish_week, plan_with_leftovers, prepare, solver_info)
from planner.errors import PlanError, ProfileError
from planner.model import (DISH_PLAN_VERSION, DayPlan, Meal, Person, Profile, Rules, SolverInfo, WeekPlan,
                           check_number)
from planner.nutrition import make_day
from planner.people import person_plan, totals_by_person
from planner.targets import check_profile

MAX_PEOPLE = 8
SHAREABLE_SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner")
MAX_HOUSEHOLD_BYTES = MIB // 4  # eight people are a few hundred bytes
# A person's fields, spelled as the options of ``magplan plan``: key -> (Profile field, or "overrides.<target>",
# the kind of value, whether it is a list that may repeat: avoid=peanuts,avoid=soy).
PERSON_FIELDS: dict[str, tuple[str, type, bool]] = {
    "age": ("age", int, False), "sex": ("sex", str, False), "status": ("status", str, False),
    "weight-kg": ("weight_kg", float, False), "height-cm": ("height_cm", float, False),
    "activity": ("activity", str, False), "diet": ("diet", str, False),
    "avoid": ("avoid_allergens", str, True), "exclude": ("exclude_foods", str, True),
    "favorite": ("favorite_foods", str, True), "dislike": ("disliked_foods", str, True),
    "target-mg": ("overrides.magnesium_mg", float, False), "kcal-min": ("overrides.energy_kcal_min", float, False),
    "kcal-max": ("overrides.energy_kcal_max", float, False),
    "budget-usd-per-day": ("budget_usd_per_day", float, False),
}
_RANGE_OF = {"overrides.magnesium_mg": "magnesium_mg", "overrides.energy_kcal_min": "energy_kcal_min",
             "overrides.energy_kcal_max": "energy_kcal_max"}


@dataclass(frozen=True)
class Member:
    """One person of the household as a front end gives them: a name and a profile."""

    name: str
    profile: Profile


def check_members(members: Sequence[Member], *, how: str = 'e.g. --person "Ann:age=45,sex=female"'
                  ) -> tuple[Member, ...]:
    """The members if there are 1 to 8 with distinct, non-empty names; else ProfileError saying what to fix
    (``how``: where a front end gives a person, for the message)."""
    if not 1 <= len(members) <= MAX_PEOPLE:
        raise ProfileError(f"a household has 1 to {MAX_PEOPLE} people, not {len(members)}; give each person once, "
                           f"{how}")
    seen: set[str] = set()
    for m in members:
        if not m.name.strip():
            raise ProfileError(f"a person has no name; give each one a name, {how}")
        if m.name in seen:
            raise ProfileError(f"two people are called {m.name!r}; give each person a different name")
        seen.add(m.name)
    return tuple(members)


def _field_value(name: str, key: str, value: Any, kind: type) -> Any:
    where = f"person {name!r}: {key}"
    if kind is str:
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{where}={value!r} must be text, e.g. {key}=female")
        return value.strip()
    try:
        number = kind(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or (kind is int and isinstance(value, float) and value != int(value)):
        example = "45" if kind is int else "1.5"
        raise ProfileError(f"{where}={value!r} is not {'a whole number' if kind is int else 'a number'}, "
                           f"e.g. {key}={example}")
    target = PERSON_FIELDS[key][0]
    check_number(number, _RANGE_OF.get(target, target), where, ProfileError)
    return number


def member_from_fields(name: str, fields: Iterable[tuple[str, Any]]) -> Member:
    """A Member from (key, value) pairs spelled as ``magplan plan``'s options (``PERSON_FIELDS``); a list key
    may repeat or carry a list. ProfileError names the person and the field: an unknown key, a value of the
    wrong kind or out of range, a key given twice, or a field the person's age does not allow."""
    name = str(name).strip()
    values: dict[str, Any] = {}
    overrides: dict[str, float] = {}
    for raw_key, value in fields:
        key = str(raw_key).strip().lower().replace("_", "-")
        if key not in PERSON_FIELDS:
            raise ProfileError(f"person {name!r}: unknown field {raw_key!r}; use any of {', '.join(PERSON_FIELDS)}")
        target, kind, is_list = PERSON_FIELDS[key]
        if is_list:
            items = value if isinstance(value, (list, tuple)) else [value]
            values[target] = (*values.get(target, ()), *(_field_value(name, key, v, kind) for v in items))
        elif target in values or target.removeprefix("overrides.") in overrides:
            raise ProfileError(f"person {name!r}: {key} is given twice; give it once")
        elif target.startswith("overrides."):
            overrides[target.removeprefix("overrides.")] = _field_value(name, key, value, kind)
        else:
            values[target] = _field_value(name, key, value, kind)
    profile = Profile(**{k: tuple(dict.fromkeys(v)) if isinstance(v, tuple) else v for k, v in values.items()},
                      overrides=overrides)
    try:
        check_profile(profile)
    except ProfileError as exc:
        raise ProfileError(f"person {name!r}: {exc}") from None
    return Member(name=name, profile=profile)


def read_household(path: str | Path) -> tuple[tuple[Member, ...], dict[str, Any]]:
    """The people of a household file (TOML, or JSON for a .json file) and its other settings (``shared``,
    ``leftovers``). Each person is a table with ``name`` and the fields of ``PERSON_FIELDS``::

        shared = ["dinner"]
        [[person]]
        name = "Ann"
        age = 45
        sex = "female"
    """
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: household file not found; give a TOML or JSON file with [[person]] tables")
    text = read_limited(path, MAX_HOUSEHOLD_BYTES, what="a household file", error=ProfileError).decode("utf-8-sig")
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'} ({exc})") from None
    people = doc.get("person", doc.get("people")) if isinstance(doc, dict) else None
    if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
        raise ProfileError(f"{path}: no people; write one [[person]] table (JSON: a \"people\" list) per person, "
                           'each with a name, e.g. name = "Ann"')
    members = tuple(member_from_fields(str(p.get("name", "")), [(k, v) for k, v in p.items() if k != "name"])
                    for p in people)
    unknown = sorted(set(doc) - {"person", "people", "shared", "leftovers"})
    if unknown:
        raise ProfileError(f"{path}: unknown setting {unknown[0]!r}; a household file has person, shared and "
                           "leftovers")
    return check_members(members), {k: doc[k] for k in ("shared", "leftovers") if k in doc}


def check_shared(shared: Collection[str]) -> tuple[str, ...]:
    bad = [s for s in shared if s not in SHAREABLE_SLOTS]
    if bad:
        raise ProfileError(f"cannot share {', '.join(map(repr, bad))}; share any of {', '.join(SHAREABLE_SLOTS)} "
                           "(e.g. --shared dinner or --shared lunch,dinner)")
    return tuple(s for s in SHAREABLE_SLOTS if s in shared)


def plan_household(tables: DishTables, foods: pd.DataFrame, members: Sequence[Member], *,
                   rules: Rules | None = None, shared: Collection[str] = ("dinner",),
                   exclude_dishes: Sequence[str] = (), favorites: Sequence[str] = (),
                   dislikes: Sequence[str] = (), pantry_foods: Collection[str] = ()) -> WeekPlan:
    """A plan for everyone in ``members``: the ``shared`` meals one dish for all, the others per person
    (favourites, dislikes, exclusions and the pantry apply to everyone).

    One person gets the plain one-person plan. Raises ProfileError for a bad household and PlanError when no
    week meets everyone's targets (naming the person and the day)."""
    t0 = time.perf_counter()
    rules = rules or Rules()
    members = check_members(members)
    shared = check_shared(shared)
    if len(members) == 1:
        return plan_dish_week(tables, foods, members[0].profile, rules=rules, exclude_dishes=exclude_dishes,
                              favorites=favorites, dislikes=dislikes, pantry_foods=pantry_foods)
    days = list(range(1, check_days(rules.days) + 1))
    people = {m.name: prepare(tables, m.profile, rules=rules, exclude_dishes=exclude_dishes, favorites=favorites,
                              dislikes=dislikes, pantry_foods=pantry_foods) for m in members}
    for name, person in people.items():
        check_roles(person, who=f"{name}'s diet {person.profile.diet!r}")
    everyone = set.intersection(*(_shareable(p.data) for p in people.values()))
    errors = []
    for lead in people:  # the first person leads; if someone cannot eat around their choice, the next one
        try:
            menus, lunches, solutions = _plan_with_lead(people, lead, days, shared, everyone, rules)
            break
        except PlanError as exc:
            errors.append(str(exc))
    else:
        raise PlanError(errors[0])
    plan = _household_plan(tables, foods, people, menus, lunches, shared, solutions, rules, t0, exclude_dishes)
    return replace(plan, notes=(*pantry_notes(plan.days, pantry_foods), *plan.notes))


def _shareable(data: menu.DishData) -> set[str]:
    """The dishes a person can share: those they eat, but where iron is a priority no iron-rich dish built on milk."""
    return {d for i, d in enumerate(data.ids) if not data.milk_with_iron[i]}


def _shared_bans(person: PersonInput, shared: Sequence[str], everyone: set[str]) -> frozenset[tuple[str, int]]:
    return frozenset((slot, i) for slot in shared for i, dish_id in enumerate(person.data.ids) if dish_id not in everyone)


def _check_shared_choice(people: Mapping[str, PersonInput], shared: Sequence[str], everyone: set[str]) -> None:
    lead = next(iter(people.values()))
    for slot in shared:
        role = "breakfast" if slot == "breakfast" else "main"
        if not any(lead.data.roles[role][i] for i, d in enumerate(lead.data.ids) if d in everyone):
            who = ", ".join(f"{n} ({p.profile.diet}{', avoids ' + ', '.join(p.profile.avoid_allergens) if p.profile.avoid_allergens else ''})"
                            for n, p in people.items())
            raise PlanError(f"no {role} dish suits everyone for a shared {slot}: {who}; share fewer meals "
                            "(only dinner, or none) or plan these people apart")


def _plan_with_lead(people: Mapping[str, PersonInput], lead: str, days: Sequence[int], shared: Sequence[str],
                    everyone: set[str], rules: Rules
                    ) -> tuple[dict[str, Mapping[int, week.Menu]], dict[int, str], dict[str, week.WeekSolution]]:
    """Everyone's menus with ``lead`` choosing the shared meals: (name -> menus, leftover lunch day -> dish id,
    name -> that person's solution)."""
    _check_shared_choice(people, shared, everyone)
    first = people[lead]
    solution, lunch_index = plan_with_leftovers(first, days, solver_rules=rules,
                                                slot_banned=_shared_bans(first, shared, everyone))
    lunches = {d: first.data.ids[i] for d, i in lunch_index.items()}
    together = {d: [(s, r, first.data.ids[i]) for s, r, i, _p in solution.menus[d]
                    if s in shared or (s == "lunch" and d in lunches and r == "main")] for d in days}
    menus = {lead: solution.menus}
    solutions = {lead: solution}
    for name, person in people.items():
        if name == lead:
            continue
        index = person.data.index
        fixed = {d: [(s, r, index[dish_id], None) for s, r, dish_id in items] for d, items in together.items()}
        try:
            solutions[name] = week.plan_days(person.data, person.targets, person.rules, days,
                                             budget=person.profile.budget_usd_per_day, solver_rules=rules,
                                             fixed=fixed, closed={d: set(shared) for d in days},
                                             bonus=_cook_once(people, menus, index, days))
        except PlanError as exc:
            raise PlanError(f"{name} cannot meet their targets around {lead}'s shared meals: {exc}") from None
        menus[name] = solutions[name].menus
    return menus, lunches, solutions


def _cook_once(people: Mapping[str, PersonInput], menus: Mapping[str, Mapping[int, week.Menu]],
               index: Mapping[str, int], days: Sequence[int]) -> dict[int, dict[tuple[str, int], float]]:
    """Per day, a reward for the dishes the people planned so far eat at each meal: one pot for two."""
    out: dict[int, dict[tuple[str, int], float]] = {d: {} for d in days}
    for name, person_menus in menus.items():
        for d in days:
            for slot, _r, i, _p in person_menus[d]:
                dish_id = people[name].data.ids[i]
                if dish_id in index:
                    out[d][(slot, index[dish_id])] = menu.SAME_DISH_BONUS
    return out


def _shared_meal(tables: DishTables, foods: pd.DataFrame, people: Mapping[str, PersonInput],
                 menus: Mapping[str, Mapping[int, week.Menu]], day: int, slot: str, leftover_days: Collection[int]
                 ) -> Meal | None:
    """The shared meal of ``slot``: each dish once, for everyone's portions together."""
    lead = next(iter(menus))
    dishes = []
    for dish_id, role, _p in meal_dishes(menus[lead][day], slot, people[lead].data):
        by_person = {}
        for name, person_menus in menus.items():
            for s, _r, i, p in person_menus[day]:
                if s == slot and people[name].data.ids[i] == dish_id:
                    by_person[name] = p
        total = sum(by_person.values())
        dishes.append(replace(make_dish(tables, foods, dish_id, role, total), portions_by_person=by_person))
    if not dishes:
        return None
    return Meal(slot=slot, dishes=tuple(dishes), leftover_from=leftover_ref(day, slot, leftover_days))


def _day(tables: DishTables, foods: pd.DataFrame, people: Mapping[str, PersonInput],
         menus: Mapping[str, Mapping[int, week.Menu]], day: int, shared: Sequence[str],
         leftover_days: Collection[int]) -> DayPlan:
    own = {name: make_plan_day(tables, foods, people[name].data, day,
                               tuple(m for m in menus[name][day] if m[0] not in shared), leftover_days)
           for name in people}  # each person's own meals; a shared meal is built once below
    meals = []
    for slot in menu.MEAL_SLOTS:
        if slot in shared:
            meal = _shared_meal(tables, foods, people, menus, day, slot, leftover_days)
            meals += [meal] if meal else []
        else:
            meals += [replace(m, person=name) for name, d in own.items() for m in d.meals if m.slot == slot]
    plan_day = make_day(day, meals)
    return replace(plan_day, totals_by_person=totals_by_person(plan_day, list(people)))


def household_notes(people: Sequence[Person], days_by_person: Mapping[str, Sequence[DayPlan]],
                    rules: Rules | None = None) -> tuple[str, ...]:
    """Each person's co-nutrient notes under their name; a note that is the same for everyone, once; and one
    magnesium note naming each person's supplemental upper limit (a child's is lower). ``rules``: the household's
    (its caffeine cap is everyone's)."""
    limits = {p.name: p.targets.magnesium_ul_supplemental_mg for p in people}
    own = {p.name: MAGNESIUM_NOTE.format(ul_mg=limits[p.name]) for p in people}
    per_person = {p.name: [n for n in co_nutrient_notes(days_by_person[p.name], p.targets, p.profile, rules)
                           if n != own[p.name]] for p in people}
    common = set.intersection(*(set(n) for n in per_person.values()))
    out = [f"{name}: {note}" for name, notes in per_person.items() for note in notes if note not in common]
    return (*out, *[n for n in next(iter(per_person.values())) if n in common], _magnesium_note(limits))


def _magnesium_note(limits: Mapping[str, float]) -> str:
    if len(set(limits.values())) == 1:
        return MAGNESIUM_NOTE.format(ul_mg=next(iter(limits.values())))
    by_limit: dict[float, list[str]] = {}
    for name, mg in limits.items():
        by_limit.setdefault(mg, []).append(name)
    parts = ", ".join(f"{mg:g} mg for {' and '.join(names)}" for mg, names in by_limit.items())
    return MAGNESIUM_NOTE.replace("the {ul_mg:g} mg upper limit is", f"the upper limits ({parts}) are")


def _household_plan(tables: DishTables, foods: pd.DataFrame, people: Mapping[str, PersonInput],
                    menus: Mapping[str, Mapping[int, week.Menu]], lunches: Mapping[int, str], shared: Sequence[str],
                    solutions: Mapping[str, week.WeekSolution], rules: Rules, t0: float,
                    exclude_dishes: Sequence[str]) -> WeekPlan:
    lead = next(iter(menus))  # the lead's shared dishes come first in each shared meal
    ordered_menus = {lead: menus[lead], **{name: menus[name] for name in people if name != lead}}
    days = tuple(_day(tables, foods, people, ordered_menus, d, shared, lunches) for d in sorted(menus[lead]))
    persons = tuple(Person(name=n, profile=p.profile, targets=p.targets) for n, p in people.items())
    plan = WeekPlan(profile=persons[0].profile, targets=persons[0].targets, rules=rules, days=days,
                    solver=_solver_info(solutions, rules, t0), excluded=tuple(exclude_dishes),
                    version=DISH_PLAN_VERSION, people=persons)
    views = {p.name: person_plan(plan, p.name).days for p in persons}
    return replace(plan, notes=household_notes(persons, views, rules))


def _solver_info(solutions: Mapping[str, week.WeekSolution], rules: Rules, t0: float) -> SolverInfo:
    """The household's objective is everyone's; no bound is proven for it (each person's week is one search)."""
    objective = sum(s.objective for s in solutions.values())
    status = "optimal" if all(s.status == "optimal" for s in solutions.values()) else "feasible"
    total = week.WeekSolution(menus={}, objective=objective, bound=None, status=status, seconds=0.0)
    return solver_info(total, rules, t0)


__all__ = ["MAX_PEOPLE", "Member", "check_members", "member_from_fields", "plan_household", "read_household"]
