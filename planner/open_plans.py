"""Plans open in the app, kept across a page reload, with the shopping list's ticks.

A browser reload starts a new app session, which has no plan. The app therefore keeps each plan it shows
as ``<key>.plan.json`` in ``<user data folder>/open_plans`` and puts the key in the page address
(``?plan=<key>``); a reload reads the plan back from there. The key is a hash of the plan's JSON, so the
same plan always has the same key and a changed plan (a swap) has a new one. The items a person ticked on
the plan's shopping list are kept next to it (``<key>.ticks.json``), so the ticks survive the reload too.
Only the newest ``KEEP`` plans are kept; every write is atomic.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from foods.paths import user_data_dir
from planner.errors import PlanFormatError, StoreError
from planner.model import WeekPlan
from planner.plan_format import atomic_write_text, plan_to_json, read_plan

KEEP = 30  # plans kept for a reload (each a few dozen kB)
KEY_CHARS = 16
MAX_TICKS = 2000  # a shopping list has dozens of products; more is not a tick list
MAX_PRODUCT_CHARS = 200
_KEY = re.compile(rf"[0-9a-f]{{{KEY_CHARS}}}")


def plan_key(plan: WeekPlan) -> str:
    """The plan's key: the first hex digits of the SHA-256 of its JSON (the same plan, the same key)."""
    return hashlib.sha256(plan_to_json(plan).encode("utf-8")).hexdigest()[:KEY_CHARS]


def check_key(key: object) -> str:
    """``key`` if it is a plan key (16 lowercase hex digits); else PlanFormatError saying what one looks like."""
    if isinstance(key, str) and _KEY.fullmatch(key):
        return key
    shown = repr(key)[:40]
    raise PlanFormatError(f"{shown} is not a plan key; a key is {KEY_CHARS} hex digits such as "
                          "'3f9a0c1b2d4e5f60' (the app writes it in the page address as ?plan=...)")


def default_folder() -> Path:
    return user_data_dir() / "open_plans"


class OpenPlans:
    """The kept plans and their ticks in one folder (``default_folder()`` unless given)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{check_key(key)}.{kind}.json"

    def keep(self, plan: WeekPlan) -> str:
        """Keep ``plan`` for a reload (written once; kept again it only becomes the newest); returns its key."""
        key = plan_key(plan)
        path = self._path(key, "plan")
        try:
            if path.exists():
                path.touch()
            else:
                atomic_write_text(path, plan_to_json(plan))
            self._prune()
        except OSError as exc:
            raise StoreError(f"cannot keep the plan for a page reload in {self.folder} ({exc.strerror or exc}); "
                             "check that the folder is writable, or save the plan in the Saved plans tab") from None
        return key

    def plan(self, key: str) -> WeekPlan | None:
        """The kept plan of ``key``; None when it is no longer kept; PlanFormatError when it cannot be read."""
        path = self._path(key, "plan")
        if not path.is_file():
            return None
        return read_plan(path)

    def ticks(self, key: str) -> frozenset[str]:
        """The products ticked on the shopping list of the plan ``key`` (none when nothing was ticked)."""
        path = self._path(key, "ticks")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return frozenset()
        except (OSError, ValueError, RecursionError):
            return frozenset()  # a damaged tick file only loses ticks, never the plan
        if not isinstance(data, list):
            return frozenset()
        return frozenset(p for p in data[:MAX_TICKS] if isinstance(p, str) and len(p) <= MAX_PRODUCT_CHARS)

    def set_tick(self, key: str, product: str, ticked: bool) -> frozenset[str]:
        """Tick (or untick) ``product`` on the plan's shopping list; returns the ticks now kept."""
        if not isinstance(product, str) or not product or len(product) > MAX_PRODUCT_CHARS:
            raise StoreError(f"a ticked product is a name of 1 to {MAX_PRODUCT_CHARS} characters, not {product!r}")
        now = set(self.ticks(key))
        (now.add if ticked else now.discard)(product)
        if len(now) > MAX_TICKS:
            raise StoreError(f"at most {MAX_TICKS} products can be ticked on one shopping list")
        path = self._path(key, "ticks")
        try:
            atomic_write_text(path, json.dumps(sorted(now), ensure_ascii=False))
        except OSError as exc:
            raise StoreError(f"cannot keep the tick in {self.folder} ({exc.strerror or exc}); "
                             "check that the folder is writable") from None
        return frozenset(now)

    def _prune(self) -> None:
        """Keep the newest ``KEEP`` plans (and their ticks); older ones are removed."""
        plans = sorted(self.folder.glob("*.plan.json"), key=_mtime_ns, reverse=True)
        for old in plans[KEEP:]:
            key = old.name.split(".", 1)[0]
            for path in (old, self.folder / f"{key}.ticks.json"):
                path.unlink(missing_ok=True)


def _mtime_ns(path: Path) -> int:
    """When ``path`` was last kept (0 when another session removed it meanwhile)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
