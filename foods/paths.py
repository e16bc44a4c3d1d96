"""Where a person's own files live: the user data folder (MAGPLAN_HOME overrides it)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def user_data_dir() -> Path:
    """The folder for user foods, the FDC cache and the plans database (created on demand by writers)."""
    home = os.environ.get("MAGPLAN_HOME")
    return Path(home) if home else Path(platformdirs.user_data_dir("magplan", appauthor=False))


def user_foods_path() -> Path:
    """The user's own food table (FDC imports and uploads), a CSV in the food-table schema."""
    return user_data_dir() / "user_foods.csv"


def user_dishes_path() -> Path:
    """The user's own dishes (recipe imports), a dish file in the same TOML format as foods/dishes/."""
    return user_data_dir() / "user_dishes.toml"


def fdc_cache_dir() -> Path:
    return user_data_dir() / "fdc_cache"


def default_db_path() -> Path:
    """The SQLite file of saved plans and profiles (MAGPLAN_DB overrides it)."""
    db = os.environ.get("MAGPLAN_DB")
    return Path(db) if db else user_data_dir() / "magplan.db"
