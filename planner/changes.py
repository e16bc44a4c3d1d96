"""What changed between two plans: one ``Change`` per item (or dish) whose amount differs, and the result of an
edit (the new plan and its changes). Shared by the food-level edits (``planner.swaps``) and the dish edits
(``planner.edits``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from planner.model import WeekPlan


@dataclass(frozen=True)
class Change:
    """One item that moved between two plans; servings 0 means absent (added or removed)."""

    day: int
    slot: str
    food_id: str
    name: str
    servings_before: float
    servings_after: float

    @property
    def kind(self) -> str:
        if self.servings_before == 0:
            return "added"
        if self.servings_after == 0:
            return "removed"
        return "changed"

    def describe(self) -> str:
        """'day 2 snack: almonds (Almonds) 1 -> 0 servings (removed)'."""
        return (f"day {self.day} {self.slot}: {self.food_id} ({self.name}) "
                f"{_fmt(self.servings_before)} -> {_fmt(self.servings_after)} servings ({self.kind})")


@dataclass(frozen=True)
class ChangeResult:
    """The new plan and exactly which items moved (``diff_plans(old, new)``)."""

    plan: WeekPlan
    changes: tuple[Change, ...]


def _fmt(x: float) -> str:
    return f"{x:g}"


# --- diff -----------------------------------------------------------------------------------------
def _servings_by_key(plan: WeekPlan) -> dict[tuple[int, str, str], tuple[float, str]]:
    out: dict[tuple[int, str, str], tuple[float, str]] = {}
    for d in plan.days:
        for m in d.meals:
            for it in m.items:
                key = (d.day, m.slot, it.food_id)
                before = out.get(key, (0.0, it.name))[0]
                out[key] = (before + float(it.servings), it.name)
    return out


def diff_plans(a: WeekPlan, b: WeekPlan) -> tuple[Change, ...]:
    """Items whose servings differ between plan ``a`` and plan ``b``, ordered by (day, slot, food_id).

    Slots are ordered as in ``b.rules.slots`` (unknown slots after, alphabetically).
    """
    return amount_changes(_servings_by_key(a), _servings_by_key(b), b.rules.slots, Change)


def amount_changes(before_by_key: Mapping[tuple[int, str, str], tuple[float, str]],
                   after_by_key: Mapping[tuple[int, str, str], tuple[float, str]], slots: Sequence[str],
                   change: type[Change]) -> tuple[Change, ...]:
    """The ``change`` records of every (day, slot, id) whose amount differs, ordered by day, ``slots``, id
    (unknown slots after, alphabetically). Shared by food plans (servings) and dish plans (portions)."""
    slot_order = {s: i for i, s in enumerate(slots)}
    keys = sorted(set(before_by_key) | set(after_by_key),
                  key=lambda k: (k[0], slot_order.get(k[1], len(slot_order)), k[1], k[2]))
    changes = []
    for key in keys:
        before, name_a = before_by_key.get(key, (0.0, ""))
        after, name_b = after_by_key.get(key, (0.0, ""))
        if abs(before - after) > 1e-9:
            changes.append(change(day=key[0], slot=key[1], food_id=key[2], name=name_b or name_a,
                                  servings_before=before, servings_after=after))
    return tuple(changes)
