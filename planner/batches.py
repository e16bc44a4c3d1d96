"""What is cooked together: a plan's dishes as cooking batches.

A batch is one pot: a dish cooked once, at one meal, for every portion eaten from it —

- a shared dish of a household plan (its ingredients are already for everyone's portions);
- the same dish at the same meal for several people of a household (cooked once for all of them);
- a dinner and the leftover lunches that name it (``Meal.leftover_from``): cooked once, in a larger batch.

The batch's portions are the sum of the portions eaten from it, and its ingredients the sum of theirs, so a
recipe card or a shopping list built from batches counts every gram of the plan exactly once. The writers
(``planner.print_week`` recipe cards, ``planner.ics``, the shopping list's "cook in batches" notes) read
batches from here; nothing here changes a plan.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Mapping

from planner.model import PlanDish, WeekPlan
from planner.nutrition import scale_item
from planner.plan_text import is_missing

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables


@dataclass(frozen=True)
class Eaten:
    """Portions of a batch eaten at one meal: by ``person`` (None: a one-person plan, or a shared dish's
    everyone, whose portions are in ``by_person``)."""

    day: int
    slot: str
    portions: float
    person: str | None = None
    by_person: Mapping[str, float] | None = None
    leftover: bool = False


@dataclass(frozen=True)
class Batch:
    """One dish cooked once (at ``day``/``slot``) for every portion in ``eaten``."""

    dish: PlanDish  # as first served; ``cooked`` scales it to the whole batch
    day: int
    slot: str
    eaten: tuple[Eaten, ...]

    @property
    def portions(self) -> float:
        return round(sum(e.portions for e in self.eaten), 6)

    @property
    def cooked(self) -> PlanDish:
        """The dish for all the batch's portions (ingredients scaled from the first serving)."""
        factor = self.portions / self.dish.portions
        return replace(self.dish, portions=self.portions, portions_by_person={},
                       ingredients=tuple(scale_item(i, factor) for i in self.dish.ingredients))

    @property
    def has_leftovers(self) -> bool:
        return any(e.leftover for e in self.eaten)


def _eaten(day: int, slot: str, dish: PlanDish, person: str | None, leftover: bool) -> Eaten:
    return Eaten(day=day, slot=slot, portions=dish.portions, person=person,
                 by_person=dict(dish.portions_by_person) or None, leftover=leftover)


def plan_batches(plan: WeekPlan, days: Iterable[int] | None = None) -> list[Batch]:
    """The plan's batches in order of cooking (of ``days`` only, when given): each dish of each meal joins
    the batch of the same dish at the same meal (another person's), or, for a leftover lunch, the batch of
    the meal it is left from; otherwise it starts a batch."""
    chosen = None if days is None else set(days)
    found: dict[tuple[int, str, str], tuple[PlanDish, list[Eaten]]] = {}
    for day in plan.days:
        if chosen is not None and day.day not in chosen:
            continue
        for meal in day.meals:
            ref = meal.leftover_from
            for dish in meal.dishes:
                source = (ref.day, ref.slot, dish.dish_id) if ref is not None and dish.role == "main" else None
                if source is not None and source in found:
                    found[source][1].append(_eaten(day.day, meal.slot, dish, meal.person, True))
                    continue
                key = (day.day, meal.slot, dish.dish_id)
                entry = found.setdefault(key, (dish, []))
                entry[1].append(_eaten(day.day, meal.slot, dish, meal.person, False))
    return [Batch(dish=dish, day=key[0], slot=key[1], eaten=tuple(eaten)) for key, (dish, eaten) in found.items()]


def recipe_servings(tables: "DishTables | None", dish_id: str) -> int | None:
    """How many servings the library's recipe makes (None: not a library dish)."""
    if tables is None or dish_id not in tables.dishes.index or "servings" not in tables.dishes.columns:
        return None
    return int(tables.dishes.loc[dish_id, "servings"])




def dish_steps(dishes: "DishTables | None", dish_id: str) -> tuple[list[str], str]:
    """(steps, 'Ready in 25 min') of a library dish; nothing for a dish the library does not hold."""
    if dishes is None or dish_id not in dishes.dishes.index:
        return [], ""
    row = dishes.dishes.loc[dish_id]
    steps = [] if is_missing(row["steps"]) else [x.strip() for x in str(row["steps"]).split("\n") if x.strip()]
    minutes = row["minutes_total"] if "minutes_total" in row.index else None
    ready = "" if is_missing(minutes) or not float(minutes) > 0 else f"Ready in {float(minutes):.0f} min"
    return steps, ready


OVERNIGHT_WORDS: tuple[str, ...] = ("overnight",)  # in the steps ("cover and refrigerate overnight"), not a tip


def sets_overnight(dishes: "DishTables | None", dish_id: str) -> bool:
    """Whether a library dish soaks or sets overnight in the fridge (overnight oats, chia pudding): started the
    evening before, and eaten cold."""
    steps = " ".join(dish_steps(dishes, dish_id)[0]).lower()  # notes are tips, not steps
    return any(word in steps for word in OVERNIGHT_WORDS)


__all__ = ["Batch", "Eaten", "OVERNIGHT_WORDS", "dish_steps", "plan_batches", "recipe_servings", "sets_overnight"]
