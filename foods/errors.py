"""The project's exception types that the foods package raises (planner re-exports them)."""
from __future__ import annotations


class MagplanError(Exception):
    """Base of every error the project raises on purpose; its message is meant for a person."""


class FoodTableError(MagplanError, ValueError):
    """A food table (shipped, user or USDA) is not valid: names the file, row, column and a valid value."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        where = []
        if path:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        full = (", ".join(where) + ": " + message) if where else message
        super().__init__(full)
        self.path = path
        self.row = row
        self.column = column
        self.reason = message


class FDCError(MagplanError):
    """FoodData Central could not answer usefully (bad key, not found, rate limit, malformed reply)."""


class DishTableError(MagplanError, ValueError):
    """A dish file is not valid: names the file, the line, the dish and what a valid value looks like."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 dish: str | None = None) -> None:
        where = []
        if path:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if dish:
            where.append(f"dish '{dish}'")
        super().__init__((", ".join(where) + ": " + message) if where else message)
        self.path = path
        self.line = line
        self.dish = dish
        self.reason = message


class RecipeImportError(MagplanError, ValueError):
    """A recipe cannot be imported (no recipe on the page, a broken or too large file, a zip without recipes,
    a site that cannot be reached): says what is wrong and what to do instead."""
