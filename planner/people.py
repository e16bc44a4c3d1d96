"""A household plan read person by person: what each one eats (their own meals and their share of the shared
dishes), with totals recomputed from the ingredients. Pure functions, no solver: readers, writers and the
plan check use them.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from planner.model import DayPlan, Meal, PlanDish, WeekPlan
from planner.nutrition import day_totals, make_day, scale_item


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


__all__ = ["person_day", "person_names", "person_plan", "totals_by_person"]
