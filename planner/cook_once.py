"""A dish the plan serves again later in the week, cooked once.

A dietitian counted 19 mains cooked twice from scratch in six weeks, and salmon cakes made fresh on day 1 and
day 4 from a can and an egg that make four servings. A recipe that makes several servings and comes back is
cooked once, on its first day, for every later serving too: kept in the fridge when it comes back within
FRIDGE_DAYS_MAX days, frozen when later. One storage time is said everywhere (the plan's meals, the evening
before, the shopping list's "cook in batches" notes), from here:

- the meal it is cooked at says what to cook and keep ("Comes again on day 4: cook 2 servings today and keep 1
  in the fridge for day 4");
- the later meal says where it comes from ("Made on day 1: 1 from the fridge"), and needs nothing the evening
  before (``cooking_batches``: the first cooking is prepared for it, no beans are soaked again);
- a serving for later than the fridge keeps is a choice, since not every dish freezes well (a stew does, a
  salad does not): "you can ... freeze", and the later day says "if you froze a serving on day 2, thaw it;
  otherwise cook it today", with its evening-before lines for cooking it and a line to thaw it.

No solver here; text only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable

from planner.batches import Batch, plan_batches, recipe_servings
from planner.model import WeekPlan
from planner.plan_text import slot_label
from planner.quantities import fmt_qty

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

FRIDGE_DAYS_MAX = 3  # cooked food keeps 3-4 days in the fridge (USDA); the plan says 3, later servings are frozen
FRIDGE_TEXT = f"cooked food keeps {FRIDGE_DAYS_MAX} days in the fridge"
KEEP_TEXT = f"{FRIDGE_TEXT}, or freeze it if it freezes well"
# A main cooked from a recipe of several servings (pancakes, a curry), not a fried egg or a drink
COOK_ONCE_SLOTS = ("breakfast", "lunch", "dinner")

MealKey = tuple[int, str, str]  # (day, slot, dish id)


@dataclass(frozen=True)
class Return:
    """A dish cooked at ``first`` whose ``later`` batches (other days, same dish) are served from it."""

    first: Batch
    later: tuple[Batch, ...]

    def frozen(self, batch: Batch) -> bool:
        """Whether ``batch`` comes later than the fridge keeps cooked food."""
        return batch.day - self.first.day > FRIDGE_DAYS_MAX

    @property
    def total(self) -> float:
        return self.first.portions + sum(b.portions for b in self.later)


def returns(plan: WeekPlan, tables: "DishTables | None", days: Iterable[int] | None = None) -> list[Return]:
    """The plan's dishes (of ``days``, when given) that come back and can be cooked once, in cooking order."""
    by_dish: dict[str, list[Batch]] = {}
    for batch in plan_batches(plan, days):
        by_dish.setdefault(batch.dish.dish_id, []).append(batch)
    out = []
    for dish_id, batches in by_dish.items():
        first, *later = batches
        several = (recipe_servings(tables, dish_id) or 0) > 1
        if later and several and first.slot in COOK_ONCE_SLOTS and first.dish.role == "main":
            out.append(Return(first, tuple(later)))
    return out


def _days_text(batches: Iterable[Batch]) -> str:
    return ", ".join(f"day {d}" for d in sorted({b.day for b in batches}))


def _keep_text(ret: Return) -> str:
    """'keep 1 in the fridge for day 4', 'freeze 1 1/4 for day 6', or both joined by 'and'."""
    parts = []
    for frozen in (False, True):
        group = [b for b in ret.later if ret.frozen(b) == frozen]
        if group:
            amount = fmt_qty(sum(b.portions for b in group))
            where = f"freeze {amount}" if frozen else f"keep {amount} in the fridge"
            parts.append(f"{where} for {_days_text(group)}")
    return " and ".join(parts)


def cook_once_note(ret: Return) -> str:
    """The shopping list's line: 'Rajma ... comes again on day 6: you can cook 2 1/4 servings on day 2 and freeze
    1 1/4 for day 6'."""
    return (f"{ret.first.dish.name} comes again on {_days_text(ret.later)}: you can cook {fmt_qty(ret.total)} "
            f"servings on day {ret.first.day} and {_keep_text(ret)}")


def meal_cues(plan: WeekPlan, tables: "DishTables | None") -> dict[MealKey, str]:
    """(day, slot, dish id) -> the cooking note of a dish cooked once for later days, or served from that cooking."""
    out: dict[MealKey, str] = {}
    for ret in returns(plan, tables):
        first = ret.first
        frozen = any(ret.frozen(b) for b in ret.later)
        out[(first.day, first.slot, first.dish.dish_id)] = (
            f"Comes again on {_days_text(ret.later)}: {'you can cook' if frozen else 'cook'} {fmt_qty(ret.total)} "
            f"servings today and {_keep_text(ret)} ({KEEP_TEXT if frozen else FRIDGE_TEXT}).")
        for batch in ret.later:
            out[(batch.day, batch.slot, batch.dish.dish_id)] = _served_text(ret, batch)
    return out


def _served_text(ret: Return, batch: Batch) -> str:
    if ret.frozen(batch):
        return (f"If you froze a serving on day {ret.first.day}, it has thawed in the fridge since last night; "
                "otherwise cook it today.")
    return (f"Made on day {ret.first.day}: {_servings(batch.portions)} from the fridge; reheat it until steaming "
            "if it is eaten hot.")


def _servings(portions: float) -> str:
    return f"{fmt_qty(portions)} serving{'s' if portions > 1 + 1e-9 else ''}"


def cooking_batches(plan: WeekPlan, tables: "DishTables | None") -> list[Batch]:
    """The plan's batches as they are cooked: a later serving from the fridge is cooked with its first batch (its
    portions join that batch's), so the evening before prepares for both and nothing for the later day."""
    joined: dict[MealKey, Batch] = {}
    for ret in returns(plan, tables):
        fridge = [b for b in ret.later if not ret.frozen(b)]
        joined.update({_key(b): None for b in fridge})
        if fridge:
            joined[_key(ret.first)] = replace(ret.first, eaten=ret.first.eaten + tuple(e for b in fridge for e in b.eaten))
    out = []
    for batch in plan_batches(plan):
        batch = joined.get(_key(batch), batch)
        if batch is not None:
            out.append(batch)
    return out


def _key(batch: Batch) -> MealKey:
    return batch.day, batch.slot, batch.dish.dish_id


def thaw_lines(plan: WeekPlan, tables: "DishTables | None") -> dict[int, list[str]]:
    """Evening day -> 'For tomorrow's dinner, Rajma ...: if you froze a serving on day 2, move it to the fridge to
    thaw'."""
    out: dict[int, list[str]] = {}
    for ret in returns(plan, tables):
        for batch in ret.later:
            if ret.frozen(batch):
                out.setdefault(batch.day - 1, []).append(
                    f"For tomorrow's {slot_label(batch.slot).lower()}, {batch.dish.name}: if you froze a serving "
                    f"on day {ret.first.day}, move it to the fridge to thaw.")
    return out


__all__ = ["FRIDGE_DAYS_MAX", "KEEP_TEXT", "MealKey", "Return", "cook_once_note", "cooking_batches", "meal_cues", "returns", "thaw_lines"]
