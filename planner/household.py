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

import time
from dataclasses import dataclass, replace
from typing import Collection, Mapping, Sequence

import pandas as pd

from foods.dishes import DishTables
from planner import menu, week
from planner.dishplan import (PersonInput, check_days, check_roles, co_nutrient_notes, leftover_ref, make_dish,
                              make_plan_day, meal_dishes, plan_dish_week, plan_with_leftovers, prepare, solver_info)
from planner.errors import PlanError, ProfileError
from planner.model import DISH_PLAN_VERSION, DayPlan, Meal, Person, PlanDish, Profile, Rules, SolverInfo, WeekPlan
from planner.nutrition import day_totals, make_day, scale_item

MAX_PEOPLE = 8
SHAREABLE_SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner")


@dataclass(frozen=True)
class Member:
    """One person of the household as a front end gives them: a name and a profile."""

    name: str
    profile: Profile


def check_members(members: Sequence[Member]) -> tuple[Member, ...]:
    """The members if there are 1 to 8 with distinct, non-empty names; else ProfileError saying what to fix."""
    if not 1 <= len(members) <= MAX_PEOPLE:
        raise ProfileError(f"a household has 1 to {MAX_PEOPLE} people, not {len(members)}; give each person once, "
                           'e.g. --person "Ann:age=45,sex=female"')
    seen: set[str] = set()
    for m in members:
        if not m.name.strip():
            raise ProfileError('a person has no name; give each one, e.g. --person "Ann:age=45,sex=female"')
        if m.name in seen:
            raise ProfileError(f"two people are called {m.name!r}; give each person a different name")
        seen.add(m.name)
    return tuple(members)


def check_shared(shared: Collection[str]) -> tuple[str, ...]:
    bad = [s for s in shared if s not in SHAREABLE_SLOTS]
    if bad:
        raise ProfileError(f"cannot share {', '.join(map(repr, bad))}; share any of {', '.join(SHAREABLE_SLOTS)} "
                           "(e.g. --shared dinner or --shared lunch,dinner)")
    return tuple(s for s in SHAREABLE_SLOTS if s in shared)


def plan_household(tables: DishTables, foods: pd.DataFrame, members: Sequence[Member], *,
                   rules: Rules | None = None, shared: Collection[str] = ("dinner",),
                   exclude_dishes: Sequence[str] = (), favorites: Sequence[str] = (),
                   dislikes: Sequence[str] = ()) -> WeekPlan:
    """A plan for everyone in ``members``: the ``shared`` meals one dish for all, the others per person.

    One person gets the plain one-person plan. Raises ProfileError for a bad household and PlanError when no
    week meets everyone's targets (naming the person and the day)."""
    t0 = time.perf_counter()
    rules = rules or Rules()
    members = check_members(members)
    shared = check_shared(shared)
    if len(members) == 1:
        return plan_dish_week(tables, foods, members[0].profile, rules=rules, exclude_dishes=exclude_dishes,
                              favorites=favorites, dislikes=dislikes)
    days = list(range(1, check_days(rules.days) + 1))
    people = {m.name: prepare(tables, m.profile, rules=rules, exclude_dishes=exclude_dishes, favorites=favorites,
                              dislikes=dislikes) for m in members}
    for name, person in people.items():
        check_roles(person, who=f"{name}'s diet {person.profile.diet!r}")
    everyone = set.intersection(*(set(p.data.ids) for p in people.values()))
    errors = []
    for lead in people:  # the first person leads; if someone cannot eat around their choice, the next one
        try:
            menus, lunches, solutions = _plan_with_lead(people, lead, days, shared, everyone, rules)
            break
        except PlanError as exc:
            errors.append(str(exc))
    else:
        raise PlanError(errors[0])
    return _household_plan(tables, foods, people, menus, lunches, shared, solutions, rules, t0, exclude_dishes)


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
                            "(e.g. --shared dinner) or plan these people apart")


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
                                             fixed=fixed, closed={d: set(shared) for d in days})
        except PlanError as exc:
            raise PlanError(f"{name} cannot meet their targets around {lead}'s shared meals: {exc}") from None
        menus[name] = solutions[name].menus
    return menus, lunches, solutions


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
    own = {name: make_plan_day(tables, foods, people[name].data, day, menus[name][day], leftover_days)
           for name in people}
    meals = []
    for slot in menu.MEAL_SLOTS:
        if slot in shared:
            meal = _shared_meal(tables, foods, people, menus, day, slot, leftover_days)
            meals += [meal] if meal else []
        else:
            meals += [replace(m, person=name) for name, d in own.items() for m in d.meals if m.slot == slot]
    plan_day = make_day(day, meals)
    return replace(plan_day, totals_by_person=totals_by_person(plan_day, list(people)))


def household_notes(people: Sequence[Person], days_by_person: Mapping[str, Sequence[DayPlan]]) -> tuple[str, ...]:
    """Each person's co-nutrient notes under their name; a note that is the same for everyone, once."""
    per_person = {p.name: co_nutrient_notes(days_by_person[p.name], p.targets, p.profile) for p in people}
    common = set.intersection(*(set(n) for n in per_person.values()))
    out = [f"{name}: {note}" for name, notes in per_person.items() for note in notes if note not in common]
    return (*out, *[n for n in next(iter(per_person.values())) if n in common])


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
    return replace(plan, notes=household_notes(persons, views))


def _solver_info(solutions: Mapping[str, week.WeekSolution], rules: Rules, t0: float) -> SolverInfo:
    """The household's objective is everyone's; no bound is proven for it (each person's week is one search)."""
    objective = sum(s.objective for s in solutions.values())
    status = "optimal" if all(s.status == "optimal" for s in solutions.values()) else "feasible"
    total = week.WeekSolution(menus={}, objective=objective, bound=None, status=status, seconds=0.0)
    return solver_info(total, rules, t0)


# --- reading a household plan ------------------------------------------------------------------------------
def person_names(plan: WeekPlan) -> tuple[str, ...]:
    return tuple(p.name for p in plan.people)


def _share(dish: PlanDish, name: str) -> PlanDish | None:
    """One person's share of a dish: all of a personal dish, their portions of a shared one (None: not theirs)."""
    if not dish.portions_by_person:
        return dish
    portions = dish.portions_by_person.get(name)
    if portions is None:
        return None
    factor = portions / dish.portions
    return replace(dish, portions=portions, portions_by_person={},
                   ingredients=tuple(scale_item(i, factor) for i in dish.ingredients))


def person_day(day: DayPlan, name: str) -> DayPlan:
    """What ``name`` eats that day: their own meals and their share of the shared ones, totals recomputed."""
    meals = []
    for m in day.meals:
        if m.person not in (None, name):
            continue
        dishes = tuple(x for d in m.dishes if (x := _share(d, name)) is not None)
        if dishes:
            meals.append(Meal(slot=m.slot, dishes=dishes, leftover_from=m.leftover_from))
    return make_day(day.day, meals)


def person_plan(plan: WeekPlan, name: str) -> WeekPlan:
    """A one-person plan of what ``name`` eats in a household plan (for a person's view, checks and notes)."""
    person = next((p for p in plan.people if p.name == name), None)
    if person is None:
        raise KeyError(f"{name!r} is not in the plan (people: {', '.join(person_names(plan)) or 'none'})")
    days = tuple(person_day(d, name) for d in plan.days)
    prefix = f"{name}: "
    notes = tuple(n[len(prefix):] if n.startswith(prefix) else n for n in plan.notes
                  if n.startswith(prefix) or not any(n.startswith(f"{p.name}: ") for p in plan.people))
    return replace(plan, profile=person.profile, targets=person.targets, days=days, people=(), notes=notes)


def totals_by_person(day: DayPlan, names: Sequence[str]) -> dict[str, dict[str, float]]:
    """Each person's day totals (what ``DayPlan.totals_by_person`` holds), from the day's ingredients."""
    return {name: day_totals(i for m in person_day(day, name).meals for i in m.items)[0] for name in names}


__all__ = ["MAX_PEOPLE", "Member", "check_members", "person_day", "person_plan", "plan_household",
           "totals_by_person"]
