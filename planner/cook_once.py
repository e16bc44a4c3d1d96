"""A dish the plan serves again within a few days, cooked once.

A dietitian counted 19 mains cooked twice from scratch in six weeks, and salmon cakes made fresh on day 1 and
day 4 from a can and an egg that make four servings. A recipe that makes several servings and comes back
within FRIDGE_DAYS_MAX days is cooked once, on its first day, for the later servings too, and kept in the
fridge. One story is told everywhere from here (the plan's meals in Markdown, the printable plan and the app,
the evening before, the shopping list's "cook in batches" notes):

- the meal it is cooked at says what to cook and keep ("Comes again on day 4: cook 2 servings today; cool the
  extra and put it in the fridge within 2 hours for day 4 ...", in portions as the plan's meals count them);
- the later meal says where it comes from ("Made on day 1: 1 portion from the fridge"), and needs nothing the
  evening before nor a batch of its own (``cooking_batches``: the first cooking is prepared and noted for it);
- a dinner cooked with tomorrow's leftover lunch gets the same words (chill within 2 hours; "Left over from day
  1: from the fridge; reheat ...");
- in pregnancy a reheated serving is always reheated until steaming (listeria), not only a hot dish; a dish that
  sets overnight (overnight oats, chia pudding) is kept cold and eaten cold.

A dish that comes back later than that is cooked again: freezing suits a stew, not a plate with slaw and toast,
and a dietitian found overnight oats and burgers "frozen" by a rule that could not tell them apart.
No solver here; text only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable

from planner.batches import Batch, plan_batches, recipe_servings, sets_overnight
from planner.model import WeekPlan
from planner.plan_text import portions_text
from planner.quantities import fmt_qty

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

FRIDGE_DAYS_MAX = 3  # cooked food keeps 3-4 days in the fridge (USDA): the plan says 3 everywhere
FRIDGE_TEXT = f"cooked food keeps {FRIDGE_DAYS_MAX} days in the fridge"
CHILL_TEXT = "cool the extra and put it in the fridge within 2 hours"  # USDA's 2-hour rule
COLD_TEXT = "keep the extra covered in the fridge"  # a dish that sets overnight in the fridge: nothing to cool
KEEP_TEXT = f"{FRIDGE_TEXT}, or freeze it if it freezes well"  # the shopping list's servings a recipe leaves over
# A main cooked from a recipe of several servings (pancakes, a curry), not a fried egg or a drink
COOK_ONCE_SLOTS = ("breakfast", "lunch", "dinner")

MealKey = tuple[int, str, str]  # (day, slot, dish id)


@dataclass(frozen=True)
class Return:
    """A dish cooked at ``first`` whose ``later`` batches (other days, same dish) are served from the fridge."""

    first: Batch
    later: tuple[Batch, ...]

    @property
    def total(self) -> float:
        return self.first.portions + sum(b.portions for b in self.later)

    @property
    def kept(self) -> float:
        return sum(b.portions for b in self.later)


def returns(plan: WeekPlan, tables: "DishTables | None", days: Iterable[int] | None = None) -> list[Return]:
    """The plan's dishes (of ``days``, when given) that come back within FRIDGE_DAYS_MAX days of their first
    cooking and are cooked once, in cooking order."""
    by_dish: dict[str, list[Batch]] = {}
    for batch in plan_batches(plan, days):
        by_dish.setdefault(batch.dish.dish_id, []).append(batch)
    out = []
    for dish_id, batches in by_dish.items():
        first, *later = batches
        soon = tuple(b for b in later if b.day - first.day <= FRIDGE_DAYS_MAX)
        several = (recipe_servings(tables, dish_id) or 0) > 1
        if soon and several and first.slot in COOK_ONCE_SLOTS and first.dish.role == "main":
            out.append(Return(first, soon))
    return out


def _days_text(batches: Iterable[Batch]) -> str:
    return ", ".join(f"day {d}" for d in sorted({b.day for b in batches}))


def _servings(portions: float) -> str:
    return f"{fmt_qty(portions)} serving{'s' if portions > 1 + 1e-9 else ''}"


def cook_once_note(ret: Return) -> str:
    """The shopping list's line: 'Rajma ... comes again on day 4: cook 2 1/4 servings on day 2 and keep 1 1/4 in
    the fridge for day 4 (cooked food keeps 3 days in the fridge)'."""
    return (f"{ret.first.dish.name} comes again on {_days_text(ret.later)}: cook {_servings(ret.total)} on day "
            f"{ret.first.day} and keep {fmt_qty(ret.kept)} in the fridge for {_days_text(ret.later)} ({FRIDGE_TEXT})")


def meal_cues(plan: WeekPlan, tables: "DishTables | None") -> dict[MealKey, str]:
    """(day, slot, dish id) -> the storage note of a dish cooked for a later meal (a dish that comes back, a
    dinner with tomorrow's leftover lunch) or served from that cooking: the same food-safety words for both."""
    pregnant = plan.profile is not None and plan.profile.status == "pregnancy"
    out: dict[MealKey, str] = {}
    for ret in returns(plan, tables):
        cold = sets_overnight(tables, ret.first.dish.dish_id)
        out[_key(ret.first)] = (f"Comes again on {_days_text(ret.later)}: {'make' if cold else 'cook'} "
                                f"{portions_text(ret.total)} today; {_chill(cold)} for {_days_text(ret.later)} "
                                f"({FRIDGE_TEXT}).")
        for batch in ret.later:
            out[_key(batch)] = f"Made on day {ret.first.day}: {portions_text(batch.portions)} {_served(cold, pregnant)}."
    for batch in plan_batches(plan):  # a dinner and the leftover lunches that name it
        left = [e for e in batch.eaten if e.leftover]
        if not left or _key(batch) in out:
            continue
        cold = sets_overnight(tables, batch.dish.dish_id)
        out[_key(batch)] = f"{_chill(cold).capitalize()} for the leftover lunch."
        for e in left:
            out[(e.day, e.slot, batch.dish.dish_id)] = f"Left over from day {batch.day}: {_served(cold, pregnant)}."
    return out


def _chill(cold: bool) -> str:
    return COLD_TEXT if cold else CHILL_TEXT


def _served(cold: bool, pregnant: bool) -> str:
    """'from the fridge; reheat it until steaming if it is eaten hot' (in pregnancy: always steaming hot)."""
    if cold:
        return "from the fridge, eaten cold"
    if pregnant:
        return "from the fridge; reheat it until steaming hot, even a dish served cold (in pregnancy, leftovers are eaten hot)"
    return "from the fridge; reheat it until steaming if it is eaten hot"


def cooking_batches(plan: WeekPlan, tables: "DishTables | None", days: Iterable[int] | None = None) -> list[Batch]:
    """The plan's batches (cooked on ``days``, when given) as they are cooked: a later serving from the fridge is
    cooked with its first batch (its portions join that batch's), so the evening before and the shopping list
    prepare for both and nothing for the later day."""
    joined: dict[MealKey, Batch | None] = {}
    for ret in returns(plan, tables, days):
        joined.update({_key(b): None for b in ret.later})
        joined[_key(ret.first)] = replace(ret.first, eaten=ret.first.eaten + tuple(e for b in ret.later for e in b.eaten))
    out = []
    for batch in plan_batches(plan, days):
        batch = joined.get(_key(batch), batch)
        if batch is not None:
            out.append(batch)
    return out


def _key(batch: Batch) -> MealKey:
    return batch.day, batch.slot, batch.dish.dish_id


__all__ = ["CHILL_TEXT", "COLD_TEXT", "FRIDGE_DAYS_MAX", "FRIDGE_TEXT", "KEEP_TEXT", "MealKey", "Return", "cook_once_note",
           "cooking_batches", "meal_cues", "returns"]
