"""The last few results of a costly step, kept in a long-lived process (the app edits one plan many times).

A key holds ``id()`` of an object the result was made from (the dish tables, a plan's dish data); the entry keeps
that object too, so its id is not reused by another object while the key is here, and a key whose object is not
the one given is made again. Least recently used entries go first; a lock makes it safe for the app's threads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """At most ``size`` results by key, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[object, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, source: object, make: Callable[[], V]) -> V:
        """The result for ``key`` (made from ``source``, whose id is in the key): kept, or ``make()`` now."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] is source:
                self._entries.move_to_end(key)
                return hit[1]
        value = make()
        with self._lock:
            self._entries[key] = (source, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


__all__ = ["Kept"]
