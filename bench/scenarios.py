"""The benchmark scenarios: four profiles x {curated, full USDA} x {1 day, 7 days}, plus a swap, a
regenerate and an exclusion on a 7-day curated plan, and the lever experiments.

Everything here is deterministic: fixed profiles, default Rules (time limit and gap as the optimizer
ships them) unless a lever says otherwise, and a fixed rule for which item is swapped.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from planner.model import Profile, Rules

# The four test profiles of the optimizer issue (issue 3), as tests/test_plan.py defines them.
PROFILES: dict[str, Profile] = {
    "woman_vegan": Profile(age=45, sex="female", diet="vegan"),
    "man_budget": Profile(age=60, sex="male", diet="omnivore", budget_usd_per_day=4.0),
    "pregnant_nutfree": Profile(age=25, sex="female", status="pregnancy", avoid_allergens=("tree_nuts", "peanuts")),
    "man_vegetarian_gf": Profile(age=25, sex="male", diet="vegetarian", avoid_allergens=("gluten",)),
}
PROFILE_LABELS: dict[str, str] = {
    "woman_vegan": "woman 31-50, vegan",
    "man_budget": "man 51-70, omnivore, $4/day",
    "pregnant_nutfree": "pregnant woman 19-30, nut-free",
    "man_vegetarian_gf": "man 19-30, vegetarian, gluten-free",
}

TABLES = ("curated", "usda")


@dataclass(frozen=True)
class Target:
    """A target of issue 9: wall time (median, seconds), proven gap and peak memory (MB); None: none."""

    time_s: float | None = None
    gap: float | None = None
    peak_mb: float | None = None

    def label(self) -> str:
        parts = []
        if self.time_s is not None:
            parts.append(f"< {self.time_s:g} s")
        if self.gap is not None:
            parts.append(f"gap <= {self.gap:.0%}")
        if self.peak_mb is not None:
            parts.append(f"peak < {self.peak_mb / 1024:g} GB" if self.peak_mb >= 1024 else f"peak < {self.peak_mb:g} MB")
        return ", ".join(parts) or "-"


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # "plan", "swap", "regenerate", "exclude", "compact" (lever), "baseline_only" (lever)
    profile_key: str
    table: str  # "curated" or "usda"
    days: int
    target: Target
    repeats: int  # default repeats of our optimizer (make bench)
    baseline_repeats: int  # 0: no baseline for this scenario
    rules_overrides: dict[str, Any] = field(default_factory=dict)
    baseline_solver: str = "cbc"
    group: str = "main"  # "main" or "lever"
    note: str = ""
    # Measurement-only overrides of optimizer module constants ("planner.solve.THREADS": 2), applied in
    # the scenario's own subprocess, for levers that Rules does not expose.
    patches: dict[str, Any] = field(default_factory=dict)
    # For a lever: the main scenario it varies (its numbers are shown next to the lever's).
    reference: str = ""

    @property
    def profile(self) -> Profile:
        return PROFILES[self.profile_key]

    def rules(self) -> Rules:
        return replace(Rules(), days=self.days, **self.rules_overrides)


def _plan_target(table: str, days: int) -> Target:
    if days == 1:
        return Target(time_s=0.3, peak_mb=1024.0 if table == "usda" else None)
    if table == "curated":
        return Target(time_s=2.0, gap=0.01)
    return Target(time_s=10.0, gap=0.02, peak_mb=1024.0)


def main_scenarios() -> list[Scenario]:
    """The table of issue 9. Repeats are chosen so that `make bench` stays under about 15 minutes while a
    7-day solve may take its whole time limit: 5 runs for curated 1-day, 3 for curated 7-day and the
    changes, 2 for full-USDA 1-day, 1 for full-USDA 7-day; the baseline once (3 times for curated 1-day)."""
    out = []
    repeats = {("curated", 1): 5, ("curated", 7): 3, ("usda", 1): 2, ("usda", 7): 1}
    for table in TABLES:
        for days in (1, 7):
            for key in PROFILES:
                out.append(Scenario(
                    name=f"plan_{table}_{days}d_{key}", kind="plan", profile_key=key, table=table, days=days,
                    target=_plan_target(table, days), repeats=repeats[(table, days)],
                    baseline_repeats=3 if (table, days) == ("curated", 1) else 1,
                ))
    for kind in ("swap", "regenerate", "exclude"):
        out.append(Scenario(name=f"{kind}_curated_7d_woman_vegan", kind=kind, profile_key="woman_vegan",
                            table="curated", days=7, target=Target(time_s=0.5), repeats=3, baseline_repeats=0))
    return out


def lever_scenarios() -> list[Scenario]:
    """Variants measured once each to show what a lever buys (see bench/README.md). The reference for
    each is the matching main scenario of profile woman_vegan."""
    base = dict(kind="plan", profile_key="woman_vegan", repeats=1, baseline_repeats=0, group="lever",
                target=Target())
    textbook = {**base, "kind": "baseline_only", "baseline_repeats": 1}
    ref = {(t, d): f"plan_{t}_{d}d_woman_vegan" for t in TABLES for d in (1, 7)}
    return [
        # What makes the week hard: the weekly variety cap.
        Scenario(name="lever_ours_nocap_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 rules_overrides={"max_days_per_food": 7}, note="optimizer, no weekly variety cap", **base),
        # Time budget: the plan and gap when the solve gets only the target's 2 s / 10 s.
        Scenario(name="lever_ours_tl2_curated_7d", table="curated", days=7,
                 reference=ref[("curated", 7)], rules_overrides={"time_limit_s": 2.0},
                 note="optimizer, 2 s time limit", **base),
        Scenario(name="lever_ours_tl10_usda_7d", table="usda", days=7,
                 reference=ref[("usda", 7)], rules_overrides={"time_limit_s": 10.0},
                 note="optimizer, 10 s time limit", **base),
        # Solver: CBC instead of HiGHS inside the optimizer.
        Scenario(name="lever_ours_cbc_curated_7d", table="curated", days=7,
                 reference=ref[("curated", 7)], rules_overrides={"solver": "cbc"},
                 note="optimizer, CBC instead of HiGHS", **base),
        # The parts of planner/columns.py, each switched off in turn (module constants).
        Scenario(name="lever_ours_fullpricing_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 patches={"planner.columns.USE_SUBMIP": False},
                 note="optimizer, full day MIP in every pricing round (no LP-support sub-MIPs)", **base),
        Scenario(name="lever_ours_nowiden_curated_7d", table="curated", days=7,
                 reference=ref[("curated", 7)], patches={"planner.columns.STALL_ROUNDS": 0},
                 note="optimizer, LP-support sub-MIPs only (no wider pricing when they stall)", **base),
        Scenario(name="lever_ours_stallfull_curated_7d", table="curated", days=7,
                 reference=ref[("curated", 7)], patches={"planner.columns.STALL_WIDEN": 0},
                 note="optimizer, the full day MIP when the sub-MIPs stall (instead of a wider sub-MIP)", **base),
        Scenario(name="lever_ours_nobound_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 patches={"planner.columns.BOUND_SECONDS": 0},
                 note="optimizer, no bound search on the second core (Lagrangian bound only)", **base),
        Scenario(name="lever_ours_nosmoothing_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 patches={"planner.columns.SMOOTHING": 0.0}, note="optimizer, plain master duals (no smoothing)",
                 **base),
        Scenario(name="lever_ours_nopolish_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 patches={"planner.columns.POLISH_SWEEPS": 0}, note="optimizer, no day-by-day polish", **base),
        # Threads: HiGHS with 2 threads instead of the optimizer's 1 (module constant).
        Scenario(name="lever_ours_threads2_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 patches={"planner.solve.THREADS": 2}, note="optimizer, HiGHS threads=2 (patched)", **base),
        # Pre-filtering: the full-USDA candidate filter off (1 day) / tighter (7 days).
        Scenario(name="lever_ours_nofilter_usda_1d", table="usda", days=1, reference=ref[("usda", 1)],
                 patches={"planner.milp.CANDIDATES_ABOVE": 10**9},
                 note="optimizer, no candidate pre-filter (all eligible foods)", **base),
        Scenario(name="lever_ours_filter10_usda_7d", table="usda", days=7, reference=ref[("usda", 7)],
                 patches={"planner.milp.CANDIDATES_PER_RANKING": 10},
                 note="optimizer, 10 instead of 25 candidates per ranking", **base),
        # The optimizer's own method (column generation over day menus, seeded by a sequential week) against
        # its compact weekly model solved directly by HiGHS with the same limits.
        Scenario(name="lever_ours_compact_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 note="optimizer's compact weekly model solved directly (no decomposition)",
                 **{**base, "kind": "compact"}),
        Scenario(name="lever_ours_compact_usda_7d", table="usda", days=7, reference=ref[("usda", 7)],
                 note="optimizer's compact weekly model solved directly (no decomposition)",
                 **{**base, "kind": "compact"}),
        # The textbook model with HiGHS instead of CBC, and without its weekly cap.
        Scenario(name="lever_textbook_highs_curated_7d", table="curated", days=7,
                 reference=ref[("curated", 7)], baseline_solver="highs",
                 note="textbook model, HiGHS via PuLP instead of CBC", **textbook),
        Scenario(name="lever_textbook_highs_usda_7d", table="usda", days=7,
                 reference=ref[("usda", 7)], baseline_solver="highs",
                 note="textbook model, HiGHS via PuLP instead of CBC", **textbook),
        Scenario(name="lever_textbook_nocap_curated_7d", table="curated", days=7, reference=ref[("curated", 7)],
                 rules_overrides={"max_days_per_food": 28}, note="textbook model, CBC, no weekly cap", **textbook),
    ]


def select(scenarios: list[Scenario], pattern: str | None) -> list[Scenario]:
    """Scenarios whose name matches a glob pattern (or contains it as a substring)."""
    if not pattern:
        return scenarios
    return [s for s in scenarios if fnmatch.fnmatch(s.name, pattern) or pattern in s.name]


def by_name(name: str) -> Scenario:
    for s in main_scenarios() + lever_scenarios():
        if s.name == name:
            return s
    raise KeyError(f"no scenario named {name!r}")


def load_table(table: str) -> pd.DataFrame:
    """The food table of a scenario: the curated table or every SR Legacy food with magnesium and energy."""
    import foods

    if table == "curated":
        return foods.load_foods()
    if table == "usda":
        return foods.load_usda_foods()
    raise ValueError(f"table must be 'curated' or 'usda', not {table!r}")


def pick_swap(plan: Any, foods: pd.DataFrame) -> tuple[int, str, str, str] | None:
    """(day, slot, food_id, new_food_id) for the swap scenario: day 1's first non-empty slot, its first item
    by food_id, swapped for the top-ranked fitting alternative from planner.swaps.alternatives (what a
    person clicking the first suggestion does). None when there is no alternative."""
    from planner.swaps import alternatives

    day = plan.days[0]
    for slot in plan.rules.slots:
        items = sorted(i.food_id for m in day.meals if m.slot == slot for i in m.items)
        if not items:
            continue
        alts = alternatives(plan, foods, day.day, slot, items[0], limit=None)
        if alts.empty:
            continue
        fitting = alts[alts["fits"]]
        new_id = str((fitting if not fitting.empty else alts).iloc[0]["food_id"])
        return day.day, slot, items[0], new_id
    return None


def pick_exclusion(plan: Any) -> str:
    """The food used on the most days of the plan (ties: food_id), for the exclusion scenario."""
    days: dict[str, set[int]] = {}
    for d in plan.days:
        for m in d.meals:
            for i in m.items:
                days.setdefault(i.food_id, set()).add(d.day)
    return sorted(days, key=lambda f: (-len(days[f]), f))[0]


REGENERATE_DAY = 3

__all__ = ["PROFILES", "PROFILE_LABELS", "REGENERATE_DAY", "Scenario", "TABLES", "Target", "by_name",
           "lever_scenarios", "load_table", "main_scenarios", "pick_exclusion", "pick_swap", "select"]
