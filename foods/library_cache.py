"""The food table and the dish library as plans read them, kept between runs.

Reading the curated foods, the person's foods and 246 dishes and deriving every dish's numbers takes 0.3 s; every
``magplan`` command that plans or swaps did it again. ``library()`` keeps the three tables as Parquet files (data
only: nothing in them runs as code) in the user data folder under a key made of the contents of every file they
come from (the shipped data and dish files, the person's own foods and dishes, this package's code) and the pandas
and pyarrow versions, so any change to any of them builds them afresh. Nothing in the cache is the person's own
work: it may be deleted at any time, and a cache that cannot be read or written is rebuilt or skipped, never an
error. MAGPLAN_NO_CACHE=1 turns it off.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from foods.dishes import DISHES_DIR, DishTables, load_all_dishes
from foods.load import DATA_DIR
from foods.paths import user_data_dir, user_dishes_path, user_foods_path
from foods.user import load_all_foods

CACHE_FORMAT = 1  # raise when what is kept changes shape
_PACKAGE_DIR = Path(__file__).resolve().parent
_TABLES = ("foods", "dishes", "ingredients")


def library() -> tuple[pd.DataFrame, DishTables]:
    """The curated and the person's foods, and the shipped and the person's dishes (``load_all_foods`` and
    ``load_all_dishes``), from the cache when nothing they come from has changed."""
    if os.environ.get("MAGPLAN_NO_CACHE") == "1":
        return _build()
    folder = cache_dir() / f"library-{_key()}"
    kept = _read(folder)
    if kept is not None:
        return kept
    foods, tables = _build()
    _write(folder, foods, tables)
    return foods, tables


def cache_dir() -> Path:
    return user_data_dir() / "cache"


def _build() -> tuple[pd.DataFrame, DishTables]:
    foods = load_all_foods()
    return foods, load_all_dishes(foods)


def _key() -> str:
    """A digest of everything the tables are made from."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {pd.__version__} {_pyarrow_version()}".encode())
    sources = sorted(DATA_DIR.glob("*.csv")) + sorted(DISHES_DIR.glob("*.toml")) + sorted(_PACKAGE_DIR.rglob("*.py"))
    for path in (*sources, user_foods_path(), user_dishes_path()):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<absent>")
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _pyarrow_version() -> str:
    import pyarrow

    return pyarrow.__version__


def _read(folder: Path) -> tuple[pd.DataFrame, DishTables] | None:
    try:
        foods, dishes, ingredients = (pd.read_parquet(folder / f"{name}.parquet") for name in _TABLES)
    except (OSError, ValueError, KeyError):  # missing, damaged or unreadable: build afresh
        return None
    return foods, DishTables(dishes=dishes, ingredients=ingredients)


def _write(folder: Path, foods: pd.DataFrame, tables: DishTables) -> None:
    """Keep the tables under ``folder`` (written aside, then renamed into place) and drop older keys; a folder
    that cannot be written leaves the cache off."""
    aside = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix=".library-", dir=folder.parent))
        for name, table in zip(_TABLES, (foods, tables.dishes, tables.ingredients)):
            table.to_parquet(aside / f"{name}.parquet")
        os.replace(aside, folder)
    except (OSError, ValueError):  # a read-only or full disk, a folder another run put in place first
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        return
    for old in folder.parent.glob("library-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
