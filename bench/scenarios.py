"""The benchmark scenarios: the dish planner (five profiles, ``magplan plan`` end to end for 7 and 28 days,
swap and regenerate, its levers) and, in the same run, the food-level planner (four profiles x {curated, full
USDA} x {1 day, 7 days}, a swap, a regenerate and an exclusion, its levers).

Everything here is deterministic: fixed profiles, default Rules (time limit and gap as the optimizer
ships them) unless a lever says otherwise, and a fixed rule for which item is swapped.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from planner.model import Profile, Rules
from planner.plan_text import present_texts

# The four profiles of the food-level planner, as tests/test_plan.py defines them, then the five dish-plan
# profiles (as tests/test_dishplan.py; the pescatarian's evening share is a Rules field).
PROFILES: dict[str, Profile] = {
    "woman_vegan": Profile(age=45, sex="female", diet="vegan"),
    "man_budget": Profile(age=60, sex="male", diet="omnivore", budget_usd_per_day=4.0),
    "pregnant_nutfree": Profile(age=25, sex="female", status="pregnancy", avoid_allergens=("tree_nuts", "peanuts")),
    "man_vegetarian_gf": Profile(age=25, sex="male", diet="vegetarian", avoid_allergens=("gluten",)),
    "woman45": Profile(age=45, sex="female"),
    "vegan_soyfree": Profile(age=30, sex="female", diet="vegan", avoid_allergens=("soy",)),
    "pescatarian67_evening": Profile(age=67, sex="female", diet="pescatarian"),
    "pregnant28_nutfree": Profile(age=28, sex="female", status="pregnancy", avoid_allergens=("tree_nuts", "peanuts")),
    "man60_budget7": Profile(age=60, sex="male", budget_usd_per_day=7.0),
}
PROFILE_LABELS: dict[str, str] = {
    "woman_vegan": "woman 31-50, vegan",
    "man_budget": "man 51-70, omnivore, $4/day",
    "pregnant_nutfree": "pregnant woman 19-30, nut-free",
    "man_vegetarian_gf": "man 19-30, vegetarian, gluten-free",
    "woman45": "woman 45, omnivore",
    "vegan_soyfree": "woman 30, vegan, soy-free",
    "pescatarian67_evening": "woman 67, pescatarian, evening share 0.4",
    "pregnant28_nutfree": "pregnant woman 28, nut-free",
    "man60_budget7": "man 60, omnivore, $7/day",
}
FOOD_PROFILES: tuple[str, ...] = ("woman_vegan", "man_budget", "pregnant_nutfree", "man_vegetarian_gf")
DISH_PROFILES: tuple[str, ...] = ("woman45", "vegan_soyfree", "pescatarian67_evening", "pregnant28_nutfree",
                                  "man60_budget7")
# Rules a dish profile carries besides its Profile (the evening share is a rule, not a trait of the person).
DISH_PROFILE_RULES: dict[str, dict[str, Any]] = {"pescatarian67_evening": {"evening_share_min": 0.4}}
# What `magplan plan` is asked in the end-to-end scenarios (the command, 7 or 28 days).
CLI_ARGS: tuple[str, ...] = ("plan", "--age", "45", "--sex", "female")

TABLES = ("curated", "usda")


@dataclass(frozen=True)
class Target:
    """What a scenario must reach: wall time (median, seconds), solve time (median, seconds), proven gap and
    peak memory (MB); None: no limit."""

    time_s: float | None = None
    gap: float | None = None
    peak_mb: float | None = None
    solve_s: float | None = None

    def label(self) -> str:
        return ", ".join(present_texts(
            (self.time_s, lambda v: f"<= {v:g} s"), (self.solve_s, lambda v: f"solve <= {v:g} s"),
            (self.gap, lambda v: f"gap <= {v:.0%}"),
            (self.peak_mb, lambda v: f"peak < {v / 1024:g} GB" if v >= 1024 else f"peak < {v:g} MB"))) or "-"


@dataclass(frozen=True)
class Scenario:
    name: str
    # Food-level planner: "plan", "swap", "regenerate", "exclude", "compact" (lever), "baseline_only" (lever).
    # Dish planner: "dish_plan", "dish_swap", "dish_regenerate", "dish_compact" (lever), "cli" (magplan plan
    # as a subprocess, timed outside).
    kind: str
    profile_key: str
    table: str  # "curated" or "usda"
    days: int
    target: Target
    repeats: int  # default repeats of our optimizer (make bench)
    baseline_repeats: int  # 0: no baseline for this scenario
    rules_overrides: dict[str, Any] = field(default_factory=dict)
    baseline_solver: str = "cbc"
    group: str = "main"  # "main" / "lever" (food-level planner), "dish" / "dish_lever" (dish planner)
    note: str = ""
    # Measurement-only overrides of optimizer module constants ("planner.solve.THREADS": 2), applied in
    # the scenario's own subprocess, for levers that Rules does not expose.
    patches: dict[str, Any] = field(default_factory=dict)
    # For a lever: the main scenario it varies (its numbers are shown next to the lever's).
    reference: str = ""
    # Dish planner levers, as arguments: keyword arguments of planner.dishplan.plan_dish_week (a lever whose
    # argument the planner does not have yet is reported "not measured"), side dishes off (every dish that can
    # only be a side is excluded), co-nutrient planning off (their targets set to 0 for the planner, so no
    # prices; the plan is still checked and reported against the real targets), the compact model's limit.
    dish_kwargs: dict[str, Any] = field(default_factory=dict)
    no_sides: bool = False
    no_co_nutrients: bool = False
    compact_time_limit_s: float = 60.0

    @property
    def profile(self) -> Profile:
        return PROFILES[self.profile_key]

    def rules(self) -> Rules:
        return replace(Rules(), days=self.days, **{**DISH_PROFILE_RULES.get(self.profile_key, {}),
                                                   **self.rules_overrides})


def _plan_target(table: str, days: int) -> Target:
    if days == 1:
        return Target(time_s=0.3, peak_mb=1024.0 if table == "usda" else None)
    if table == "curated":
        return Target(time_s=2.0, gap=0.01)
    return Target(time_s=10.0, gap=0.02, peak_mb=1024.0)


def dish_scenarios() -> list[Scenario]:
    """The dish planner against its speed targets: `magplan plan` end to end (7 days: median of 5
    runs <= 1.5 s, gap <= 1 %; 28 days <= 5 s), plan_dish_week for the five profiles (solve <= 0.5 s, gap <= 1 %),
    a swap and a regenerate (<= 0.2 s)."""
    out = [
        Scenario(name="cli_plan_7d_woman45", kind="cli", profile_key="woman45", table="dishes", days=7,
                 target=Target(time_s=1.5, gap=0.01), repeats=5, baseline_repeats=0, group="dish",
                 note="`magplan plan --age 45 --sex female --days 7 --format json --out F` as a subprocess"),
        Scenario(name="cli_plan_28d_woman45", kind="cli", profile_key="woman45", table="dishes", days=28,
                 target=Target(time_s=5.0), repeats=1, baseline_repeats=0, group="dish",
                 note="`magplan plan --age 45 --sex female --days 28 --format json --out F` as a subprocess"),
    ]
    for key in DISH_PROFILES:
        out.append(Scenario(name=f"dish_7d_{key}", kind="dish_plan", profile_key=key, table="dishes", days=7,
                            target=Target(solve_s=0.5, gap=0.01), repeats=3, baseline_repeats=0, group="dish",
                            note=f"plan_dish_week, {PROFILE_LABELS[key]}"))
    for kind in ("swap", "regenerate"):
        out.append(Scenario(name=f"dish_{kind}_7d_woman45", kind=f"dish_{kind}", profile_key="woman45",
                            table="dishes", days=7, target=Target(time_s=0.2), repeats=3, baseline_repeats=0,
                            group="dish", note=f"planner.edits.{kind} on a 7-day plan of woman 45"))
    return out


def dish_lever_scenarios() -> list[Scenario]:
    """The dish planner's levers, one run each on woman 45 omnivore, 7 days (reference: dish_7d_woman45)."""
    base = dict(kind="dish_plan", profile_key="woman45", table="dishes", days=7, repeats=1, baseline_repeats=0,
                group="dish_lever", target=Target(), reference="dish_7d_woman45")
    return [
        Scenario(name="dish_lever_gap5", rules_overrides={"gap_rel": 0.05},
                 note="day MIPs stop at a 5 % gap (Rules.gap_rel; default 1 %)", **base),
        Scenario(name="dish_lever_gap0", rules_overrides={"gap_rel": 0.0},
                 note="day MIPs to a 0 % gap (Rules.gap_rel; the node limit still stops them)", **base),
        Scenario(name="dish_lever_tl1", rules_overrides={"time_limit_s": 1.0},
                 note="1 s time limit per solve (Rules.time_limit_s; default 20 s)", **base),
        Scenario(name="dish_lever_noimprove", dish_kwargs={"improve_days": False},
                 note="the week as planned day by day, not improved (plan_dish_week(improve_days=False))", **base),
        Scenario(name="dish_lever_nosides", no_sides=True,
                 note="no side dishes (every side-only dish excluded via exclude_dishes)", **base),
        Scenario(name="dish_lever_noprices", no_co_nutrients=True,
                 note="co-nutrients not planned (their targets 0 for the planner: no prices, no shortfall terms)",
                 **base),
        Scenario(name="dish_lever_compact60", kind="dish_compact", profile_key="woman45", table="dishes", days=7,
                 repeats=1, baseline_repeats=0, group="dish_lever", target=Target(), reference="dish_7d_woman45",
                 compact_time_limit_s=60.0,
                 note="the compact weekly MILP (what --write-model writes) solved directly by HiGHS, 60 s limit"),
    ]


def main_scenarios(full: bool = False) -> list[Scenario]:
    """The food-level planner's table (against the textbook model). ``make bench`` runs the curated table (1 and 7 days) and the
    changes beside the dish planner; ``full`` adds the full USDA table (about 8 more minutes). Repeats are
    chosen so that `make bench` stays under about 15 minutes while a 7-day solve may take its whole time
    limit: 5 runs for curated 1-day, 3 for curated 7-day and the changes, 2 for full-USDA 1-day, 1 for
    full-USDA 7-day; the baseline once (3 times for curated 1-day)."""
    out = []
    repeats = {("curated", 1): 5, ("curated", 7): 3, ("usda", 1): 2, ("usda", 7): 1}
    for table in (TABLES if full else ("curated",)):
        for days in (1, 7):
            for key in FOOD_PROFILES:
                out.append(Scenario(
                    name=f"plan_{table}_{days}d_{key}", kind="plan", profile_key=key, table=table, days=days,
                    target=_plan_target(table, days), repeats=repeats[(table, days)],
                    baseline_repeats=3 if (table, days) == ("curated", 1) else 1,
                ))
    for kind in ("swap", "regenerate", "exclude"):
        out.append(Scenario(name=f"{kind}_curated_7d_woman_vegan", kind=kind, profile_key="woman_vegan",
                            table="curated", days=7, target=Target(time_s=0.5), repeats=3, baseline_repeats=0))
    return out


def _lever(name: str, table: str, days: int, note: str, *, textbook: bool = False, **fields: Any) -> Scenario:
    """One lever variant of profile woman_vegan, measured once; its reference is the matching main scenario."""
    base: dict[str, Any] = dict(kind="plan", profile_key="woman_vegan", repeats=1, baseline_repeats=0,
                                group="lever", target=Target())
    if textbook:
        base.update(kind="baseline_only", baseline_repeats=1)
    return Scenario(name=name, table=table, days=days, reference=f"plan_{table}_{days}d_woman_vegan", note=note,
                    **{**base, **fields})


def lever_scenarios() -> list[Scenario]:
    """Variants measured once each to show what a lever buys (see bench/README.md). The reference for
    each is the matching main scenario of profile woman_vegan."""
    return [
        # What makes the week hard: the weekly variety cap.
        _lever("lever_ours_nocap_curated_7d", "curated", 7, "optimizer, no weekly variety cap",
               rules_overrides={"max_days_per_food": 7}),
        # Time budget: the plan and gap when the solve gets only the target's 2 s / 10 s.
        _lever("lever_ours_tl2_curated_7d", "curated", 7, "optimizer, 2 s time limit",
               rules_overrides={"time_limit_s": 2.0}),
        _lever("lever_ours_tl10_usda_7d", "usda", 7, "optimizer, 10 s time limit",
               rules_overrides={"time_limit_s": 10.0}),
        # Solver: CBC instead of HiGHS inside the optimizer.
        _lever("lever_ours_cbc_curated_7d", "curated", 7, "optimizer, CBC instead of HiGHS",
               rules_overrides={"solver": "cbc"}),
        # The parts of planner/columns.py, each switched off in turn (module constants).
        _lever("lever_ours_fullpricing_curated_7d", "curated", 7,
               "optimizer, full day MIP in every pricing round (no LP-support sub-MIPs)",
               patches={"planner.columns.USE_SUBMIP": False}),
        _lever("lever_ours_nowiden_curated_7d", "curated", 7,
               "optimizer, LP-support sub-MIPs only (no wider pricing when they stall)",
               patches={"planner.columns.STALL_ROUNDS": 0}),
        _lever("lever_ours_stallfull_curated_7d", "curated", 7,
               "optimizer, the full day MIP when the sub-MIPs stall (instead of a wider sub-MIP)",
               patches={"planner.columns.STALL_WIDEN": 0}),
        _lever("lever_ours_nobound_curated_7d", "curated", 7,
               "optimizer, no bound search on the second core (Lagrangian bound only)",
               patches={"planner.columns.BOUND_SECONDS": 0}),
        _lever("lever_ours_nosmoothing_curated_7d", "curated", 7, "optimizer, plain master duals (no smoothing)",
               patches={"planner.columns.SMOOTHING": 0.0}),
        _lever("lever_ours_nopolish_curated_7d", "curated", 7, "optimizer, no day-by-day polish",
               patches={"planner.columns.POLISH_SWEEPS": 0}),
        # Threads: HiGHS with 2 threads instead of the optimizer's 1 (module constant).
        _lever("lever_ours_threads2_curated_7d", "curated", 7, "optimizer, HiGHS threads=2 (patched)",
               patches={"planner.solve.THREADS": 2}),
        # Pre-filtering: the full-USDA candidate filter off (1 day) / tighter (7 days).
        _lever("lever_ours_nofilter_usda_1d", "usda", 1, "optimizer, no candidate pre-filter (all eligible foods)",
               patches={"planner.milp.CANDIDATES_ABOVE": 10**9}),
        _lever("lever_ours_filter10_usda_7d", "usda", 7, "optimizer, 10 instead of 25 candidates per ranking",
               patches={"planner.milp.CANDIDATES_PER_RANKING": 10}),
        # The optimizer's own method (column generation over day menus, seeded by a sequential week) against
        # its compact weekly model solved directly by HiGHS with the same limits.
        _lever("lever_ours_compact_curated_7d", "curated", 7,
               "optimizer's compact weekly model solved directly (no decomposition)", kind="compact"),
        _lever("lever_ours_compact_usda_7d", "usda", 7,
               "optimizer's compact weekly model solved directly (no decomposition)", kind="compact"),
        # The textbook model with HiGHS instead of CBC, and without its weekly cap.
        _lever("lever_textbook_highs_curated_7d", "curated", 7, "textbook model, HiGHS via PuLP instead of CBC",
               textbook=True, baseline_solver="highs"),
        _lever("lever_textbook_highs_usda_7d", "usda", 7, "textbook model, HiGHS via PuLP instead of CBC",
               textbook=True, baseline_solver="highs"),
        _lever("lever_textbook_nocap_curated_7d", "curated", 7, "textbook model, CBC, no weekly cap",
               textbook=True, rules_overrides={"max_days_per_food": 28}),
    ]


def select(scenarios: list[Scenario], pattern: str | None) -> list[Scenario]:
    """Scenarios whose name matches a glob pattern (or contains it as a substring)."""
    if not pattern:
        return scenarios
    return [s for s in scenarios if fnmatch.fnmatch(s.name, pattern) or pattern in s.name]


def all_scenarios() -> list[Scenario]:
    """Every scenario that can run (``make bench`` runs a subset: see bench/run.py)."""
    return dish_scenarios() + dish_lever_scenarios() + main_scenarios(full=True) + lever_scenarios()


def by_name(name: str) -> Scenario:
    for s in all_scenarios():
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
    if table == "dishes":  # the dish planner plans over the curated table's foods
        return foods.load_foods()
    raise ValueError(f"table must be 'curated', 'usda' or 'dishes', not {table!r}")


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

def side_only_dishes(tables: Any) -> tuple[str, ...]:
    """Dish ids whose only role is "side" (excluding them is the "no sides" lever; snack|side dishes stay)."""
    roles = tables.dishes["roles"].astype(str)
    return tuple(sorted(str(i) for i, r in roles.items() if r.split("|") == ["side"]))


def pick_dish_swap(plan: Any, tables: Any, foods: pd.DataFrame) -> tuple[int, str, str, str] | None:
    """(day, slot, dish_id, new_dish_id) for the dish swap scenario: day 1's dinner main (else lunch), swapped
    for the top-ranked fitting alternative of planner.dish_alternatives.alternatives (the first suggestion a person sees)."""
    from planner.dish_alternatives import alternatives

    day = plan.days[0]
    for slot in ("dinner", "lunch", "breakfast"):
        mains = [d.dish_id for m in day.meals if m.slot == slot for d in m.dishes if d.role == "main"]
        if not mains:
            continue
        alts = alternatives(plan, tables, foods, day=day.day, slot=slot, dish_id=mains[0], limit=10)
        fitting = [a for a in alts if a.fits] or list(alts)
        if fitting:
            return day.day, slot, mains[0], fitting[0].dish_id
    return None


__all__ = ["CLI_ARGS", "DISH_PROFILES", "DISH_PROFILE_RULES", "FOOD_PROFILES", "PROFILES", "PROFILE_LABELS",
           "REGENERATE_DAY", "Scenario", "TABLES", "Target", "all_scenarios", "by_name", "dish_lever_scenarios",
           "dish_scenarios", "lever_scenarios", "load_table", "main_scenarios", "pick_dish_swap", "pick_exclusion",
           "pick_swap", "select", "side_only_dishes"]
