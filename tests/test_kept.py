"""planner.kept.Kept: the last few results of a costly step, by key, made once each."""
from __future__ import annotations

from planner.kept import Kept


def test_a_result_is_made_once_until_it_is_the_least_recently_used_of_too_many():
    made: list[str] = []
    kept: Kept[str] = Kept(2)
    a, b, c = object(), object(), object()

    def make(name: str):
        return lambda: made.append(name) or name

    assert kept.get(("a", id(a)), a, make("a")) == "a"
    assert kept.get(("a", id(a)), a, make("a again")) == "a" and made == ["a"]
    kept.get(("b", id(b)), b, make("b"))
    kept.get(("a", id(a)), a, make("a again"))  # a is now the most recently used
    kept.get(("c", id(c)), c, make("c"))  # b goes
    assert kept.get(("b", id(b)), b, make("b again")) == "b again"
    assert made == ["a", "b", "c", "b again"]


def test_a_key_made_from_another_object_is_made_again():
    """The key holds an id; the entry keeps its object, and a different object under the same key is not it."""
    kept: Kept[int] = Kept(4)
    first, other = object(), object()
    assert kept.get("key", first, lambda: 1) == 1
    assert kept.get("key", other, lambda: 2) == 2
    assert kept.get("key", other, lambda: 3) == 2
