"""The food table and dish library kept between runs (foods.library_cache): the same tables as reading them afresh,
rebuilt whenever a file they come from changes, and never an error when the cache is damaged or cannot be written."""
from __future__ import annotations

from pathlib import Path

from foods import library_cache
from foods.dishes import load_all_dishes
from foods.paths import user_dishes_path
from foods.user import load_all_foods

GLASS = '''
[[dish]]
id = "glass_of_banana_milk"
name = "A glass of banana milk"
roles = ["snack"]
servings = 1
cuisine = "any"
minutes_active = 2
minutes_total = 2
ingredients = """
milk_2pct  244  1 cup
banana      60  1/2 banana
"""
steps = """
Blend the milk and the banana until smooth.
"""
'''


def _kept() -> list[Path]:
    return sorted(library_cache.cache_dir().glob("library-*"))


def test_the_kept_tables_are_the_tables_read_afresh():
    foods, tables = library_cache.library()
    assert len(_kept()) == 1
    again_foods, again = library_cache.library()  # from the Parquet files now
    fresh_foods = load_all_foods()
    fresh = load_all_dishes(fresh_foods)
    for kept, read in ((again_foods, fresh_foods), (again.dishes, fresh.dishes), (again.ingredients, fresh.ingredients)):
        assert kept.equals(read) and list(kept.dtypes) == list(read.dtypes) and kept.index.name == read.index.name
    assert foods.equals(again_foods) and tables.dishes.equals(again.dishes)


def test_a_new_dish_of_ones_own_is_in_the_next_tables_and_the_old_key_is_dropped():
    _foods, before = library_cache.library()
    first = _kept()
    user_dishes_path().parent.mkdir(parents=True, exist_ok=True)
    user_dishes_path().write_text(GLASS, encoding="utf-8")
    _foods, after = library_cache.library()
    assert "glass_of_banana_milk" not in before.dishes.index and "glass_of_banana_milk" in after.dishes.index
    assert len(_kept()) == 1 and _kept() != first


def test_a_damaged_cache_is_rebuilt_and_an_unwritable_one_skipped():
    library_cache.library()
    folder = _kept()[0]
    (folder / "dishes.parquet").write_bytes(b"not parquet")
    _foods, tables = library_cache.library()
    assert len(tables.dishes) > 200
    cache = library_cache.cache_dir()
    for path in cache.iterdir():
        for inner in path.iterdir():
            inner.unlink()
        path.rmdir()
    cache.rmdir()
    cache.write_text("a file where the cache folder would be")  # so nothing can be written under it
    _foods, tables = library_cache.library()
    assert len(tables.dishes) > 200 and cache.is_file()


def test_no_cache_when_turned_off(monkeypatch):
    monkeypatch.setenv("MAGPLAN_NO_CACHE", "1")
    _foods, tables = library_cache.library()
    assert len(tables.dishes) > 200 and not library_cache.cache_dir().exists()
