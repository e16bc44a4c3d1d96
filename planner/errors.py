"""The planner's typed exceptions. Every message says what is wrong and how to fix it."""
from __future__ import annotations

from foods.errors import FDCError, FoodTableError, MagplanError, RecipeImportError
from planner.explanation import Explanation


def shell_quote(value: object) -> str:
    """``value`` as one shell word, always in single quotes: a command printed for pasting never runs what a
    name holds (``wk'; touch /tmp/x; echo '``, ``$(...)``, backquotes, newlines)."""
    return "'" + str(value).replace("'", "'\\''") + "'"


class ProfileError(MagplanError, ValueError):
    """A profile or target value is out of range (names the field and a valid example)."""


class PlanFormatError(MagplanError, ValueError):
    """A plan JSON file is not a valid plan (names the field path and what is expected)."""


class PlanError(MagplanError):
    """No plan satisfies the limits; ``explanation`` says what to relax and by how much."""

    def __init__(self, message: str, *, explanation: Explanation | None = None) -> None:
        super().__init__(message)
        self.explanation = explanation


class ChangeError(MagplanError, ValueError):
    """A requested change to a plan is invalid (unknown day, slot or food, a locked item, a bad servings value)."""


class SolverError(MagplanError):
    """The solver failed for a reason other than infeasibility (not installed, crashed, time out with no plan)."""


class StoreError(MagplanError):
    """The saved-plans database cannot be used (read-only, locked, corrupted, from a newer version)."""


class ShoppingError(MagplanError, ValueError):
    """A shopping-list request is not valid (days, people, a plan food missing from the food table)."""


class ExportError(MagplanError, ValueError):
    """An export request is not valid (a start date that is not a date, meal times like 25:00, an unknown slot)."""


class PantryError(ShoppingError):
    """A pantry table is not valid: names the file, row, column and a valid value."""


__all__ = [
    "ChangeError", "ExportError", "FDCError", "FoodTableError", "MagplanError", "PantryError", "PlanError",
    "PlanFormatError", "ProfileError", "RecipeImportError", "ShoppingError", "SolverError", "StoreError",
    "shell_quote",
]
