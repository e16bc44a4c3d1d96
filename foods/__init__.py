"""Food tables for the magnesium meal planner: USDA SR Legacy data, curation, validation, FDC import."""
from __future__ import annotations

from foods.errors import FDCError, FoodTableError, MagplanError
from foods.load import combine, load_dri, load_foods, load_usda_foods, load_user_foods

__all__ = [
    "FDCError", "FoodTableError", "MagplanError", "combine", "load_dri", "load_foods", "load_usda_foods",
    "load_user_foods",
]
