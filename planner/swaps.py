"""Interactive changes to a plan: ranked alternatives, swap, lock/unlock, exclude, regenerate, set servings.

Every operation returns a NEW plan (``WeekPlan`` is frozen); the input plan is never changed, so an
app's undo is "keep the old object". Re-planning goes through ``planner.plan.replan``, which re-solves
only the named days, honours ``plan.locks`` and keeps every other day byte-identical; minimal change
against the current plan is part of its objective. When a change leaves no feasible day, ``replan``
raises ``PlanError`` carrying the optimizer's explanation; this module re-raises it with the change
named. Requests that make no sense (unknown day/slot/food, a food that is not in that meal, a locked
item, servings off the step) raise ``ChangeError`` before any solving (those checks, and a day's problems
against its limits, are ``planner.food_day``; what changed between two plans is ``planner.changes``).

Food table columns used: name, category, slots, diet_tags, allergens, main_item, serving_g,
max_servings_per_meal, price_usd_per_100g and the PLAN_NUTRIENTS columns (through ``make_item``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

import pandas as pd

from planner.changes import ChangeResult, diff_plans
from planner.errors import ChangeError, PlanError, SolverError, shell_quote
from planner.food_day import (_EPS, _check_known_foods, _check_slot, _day, _days_using, _food_row, _item,
                              _item_problems, _limit_problems, _meal, _on_step, _servings_options, _structure_problems,
                              _why_not_allowed)
from planner.model import DayPlan, Lock, Meal, PlanItem, WeekPlan, check_number
from planner.nutrition import make_day, make_item

# Categories that play a similar role in a meal (a nut for a seed, a grain for a grain, ...).
ROLE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("nuts", "seeds"),
    ("whole_grains", "refined_grains", "breads", "breakfast_cereals"),
    ("legumes_soy", "eggs_poultry_meat", "fish_seafood"),
    ("leafy_greens", "vegetables"),
    ("dark_chocolate", "snacks_sweets", "fruit"),
    ("dairy_alternatives", "drinks"),
    ("condiments", "fats_oils"),
)
ROLE_LABELS: tuple[str, ...] = ("same category", "related category", "other")

ALTERNATIVE_COLUMNS: tuple[str, ...] = (
    "rank", "food_id", "name", "category", "role", "servings", "serving_label", "grams", "magnesium_per_serving_mg",
    "magnesium_mg", "energy_kcal", "cost_usd", "day_magnesium_mg", "day_energy_kcal", "day_cost_usd",
    "delta_magnesium_mg", "delta_energy_kcal", "delta_cost_usd", "fits", "problems",
)


# --- alternatives ---------------------------------------------------------------------------------
def _role_group(category: str) -> int | None:
    for i, group in enumerate(ROLE_GROUPS):
        if category in group:
            return i
    return None


def _role_rank(cat_old: str, cat_new: str) -> int:
    if cat_old == cat_new:
        return 0
    g = _role_group(cat_old)
    return 1 if g is not None and g == _role_group(cat_new) else 2


def _per_serving(row: pd.Series, column: str) -> float:
    value = row[column]
    if pd.isna(value):
        return float("nan")
    return float(value) * float(row["serving_g"]) / 100.0


def _replace_in_day(day_plan: DayPlan, slot: str, old: str, new_item: PlanItem) -> DayPlan:
    meals = []
    for m in day_plan.meals:
        if m.slot == slot:
            m = Meal(slot=slot, items=tuple(new_item if it.food_id == old else it for it in m.items))
        meals.append(m)
    return make_day(day_plan.day, meals)


def alternatives(plan: WeekPlan, foods: pd.DataFrame, day: int, slot: str, food_id: str, *,
                 limit: int | None = 10) -> pd.DataFrame:
    """Ranked replacements for one item, with what each does to that day if nothing else changes.

    Candidates: foods eaten at ``slot``, allowed by the diet and allergens, not excluded, not already in
    that meal, with at least one allowed servings value, and that the weekly variety cap still admits
    (a main item on at most ``rules.max_days_per_food`` days, counting the other days of the plan).
    Servings: the allowed value whose magnesium and energy are closest to the current item's,
    preferring a value that keeps the day within every limit.
    Order: same category, then a related category (``ROLE_GROUPS``), then others; within that, those
    that fit first; then the least magnesium lost per serving, the most magnesium per serving, food_id.
    Returns ``ALTERNATIVE_COLUMNS`` (``delta_*`` are changes of the day totals; ``fits`` says whether the
    day stays within every limit; ``problems`` lists the limits it breaks).
    """
    current = _item(plan, day, slot, food_id)
    _check_known_foods(plan, foods, days=(day,))
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ChangeError(f"limit must be a whole number of at least 1, not {limit!r}")
    ctx = _swap_context(plan, foods, day, slot, food_id, current.servings)
    records = []
    for new_id in sorted(str(i) for i in foods.index):
        row = _candidate_row(ctx, new_id)
        if row is None:
            continue
        options = _servings_options(plan, row)
        if options:
            records.append(_alternative_record(ctx, new_id, row, _best_servings(ctx, new_id, row, options)))
    return _alternatives_frame(records, limit)


@dataclass(frozen=True)
class _SwapContext:
    """What every candidate of one swap is compared with: the day recomputed from the table, the problems of
    its other items, the current item's magnesium and energy, the plan's other days."""

    plan: WeekPlan
    foods: pd.DataFrame
    slot: str
    food_id: str
    fresh_day: DayPlan
    fixed_problems: tuple[str, ...]
    categories: dict[str, str]
    in_meal: frozenset[str]
    other_days: tuple[DayPlan, ...]
    old_cat: str
    old_mg_serving: float
    magnesium_mg: float
    energy_kcal: float


def _swap_context(plan: WeekPlan, foods: pd.DataFrame, day: int, slot: str, food_id: str,
                  servings: float) -> _SwapContext:
    day_plan = _day(plan, day)
    old_row = foods.loc[food_id]
    # the day's other items, recomputed from the table once; their own problems do not depend on the swap
    fresh_day = make_day(day, [Meal(m.slot, tuple(make_item(foods, it.food_id, it.servings) for it in m.items))
                               for m in day_plan.meals])
    fixed_problems = tuple(p for m in day_plan.meals for it in m.items
                           if not (m.slot == slot and it.food_id == food_id)
                           for p in _item_problems(plan, foods, m.slot, it))
    current = make_item(foods, food_id, servings)
    return _SwapContext(
        plan=plan, foods=foods, slot=slot, food_id=food_id, fresh_day=fresh_day, fixed_problems=fixed_problems,
        categories={it.food_id: str(foods.at[it.food_id, "category"]) for m in day_plan.meals for it in m.items},
        in_meal=frozenset(it.food_id for it in _meal(day_plan, slot).items),
        other_days=tuple(d for d in plan.days if d.day != day), old_cat=str(old_row["category"]),
        old_mg_serving=_per_serving(old_row, "magnesium_mg"), magnesium_mg=current.magnesium_mg or 0.0,
        energy_kcal=current.energy_kcal or 0.0)


def _candidate_row(ctx: _SwapContext, new_id: str) -> pd.Series | None:
    """The table row of a food that may replace the item: allowed at the slot, not in the meal yet, and (a main
    item) on fewer than ``max_days_per_food`` other days."""
    plan = ctx.plan
    if new_id in ctx.in_meal or _why_not_allowed(plan, ctx.foods, new_id, ctx.slot):
        return None
    row = ctx.foods.loc[new_id]
    if bool(row["main_item"]):
        used = sum(1 for d in ctx.other_days if any(it.food_id == new_id for m in d.meals for it in m.items))
        if used >= plan.rules.max_days_per_food:
            return None
    return row


def _best_servings(ctx: _SwapContext, new_id: str, row: pd.Series,
                   options: Sequence[float]) -> tuple[float, PlanItem, DayPlan, list[str]]:
    """(servings, item, new day, problems) of the allowed servings value closest in magnesium and energy to the
    current item, preferring one that keeps the day within every limit."""
    plan, m0, e0 = ctx.plan, ctx.magnesium_mg, ctx.energy_kcal
    best = None
    for s in options:
        item = make_item(ctx.foods, new_id, s)
        new_day = _replace_in_day(ctx.fresh_day, ctx.slot, ctx.food_id, item)
        problems = (_structure_problems(plan, new_day, {**ctx.categories, new_id: str(row["category"])})
                    + list(ctx.fixed_problems)
                    + (_item_problems(plan, ctx.foods, ctx.slot, item) if s > float(row["max_servings_per_meal"])
                       else []) + _limit_problems(plan, new_day))
        dist = (abs((item.magnesium_mg or 0.0) - m0) / max(m0, 1.0)
                + abs((item.energy_kcal or 0.0) - e0) / max(e0, 1.0))
        key = (bool(problems), round(dist, 9), s)
        if best is None or key < best[0]:
            best = (key, s, item, new_day, problems)
    assert best is not None  # options is not empty
    return best[1], best[2], best[3], best[4]


def _magnesium_loss(mg_serving: float, old_mg_serving: float) -> float:
    """Share of the current item's magnesium per serving that the replacement loses (1 when unknown)."""
    if math.isnan(mg_serving):
        return 1.0
    if math.isnan(old_mg_serving) or old_mg_serving <= 0:
        return 0.0
    return max(0.0, 1.0 - mg_serving / old_mg_serving)


def _alternative_record(ctx: _SwapContext, new_id: str, row: pd.Series,
                        best: tuple[float, PlanItem, DayPlan, list[str]]) -> dict:
    """One row of ``ALTERNATIVE_COLUMNS`` plus its ``_sort`` key."""
    s, item, new_day, problems = best
    mg_serving = _per_serving(row, "magnesium_mg")
    loss = _magnesium_loss(mg_serving, ctx.old_mg_serving)
    rank = _role_rank(ctx.old_cat, str(row["category"]))
    tot, now = new_day.totals, ctx.fresh_day.totals
    return {
        "_sort": (rank, bool(problems), round(loss, 6),
                  -(0.0 if math.isnan(mg_serving) else round(mg_serving, 6)), new_id),
        "food_id": new_id, "name": str(row["name"]), "category": str(row["category"]),
        "role": ROLE_LABELS[rank], "servings": s, "serving_label": item.serving_label, "grams": item.grams,
        "magnesium_per_serving_mg": round(mg_serving, 4) if not math.isnan(mg_serving) else float("nan"),
        "magnesium_mg": item.magnesium_mg, "energy_kcal": item.energy_kcal, "cost_usd": item.cost_usd,
        "day_magnesium_mg": tot["magnesium_mg"], "day_energy_kcal": tot["energy_kcal"],
        "day_cost_usd": tot["cost_usd"],
        "delta_magnesium_mg": round(tot["magnesium_mg"] - now["magnesium_mg"], 4),
        "delta_energy_kcal": round(tot["energy_kcal"] - now["energy_kcal"], 4),
        "delta_cost_usd": round(tot["cost_usd"] - now["cost_usd"], 4),
        "fits": not problems, "problems": "; ".join(problems),
    }


def _alternatives_frame(records: list[dict], limit: int | None) -> pd.DataFrame:
    """The best ``limit`` records, ranked, as a DataFrame of ``ALTERNATIVE_COLUMNS`` with fixed dtypes."""
    records.sort(key=lambda r: r["_sort"])
    if limit is not None:
        records = records[:limit]
    for i, rec in enumerate(records, start=1):
        del rec["_sort"]
        rec["rank"] = i
    df = pd.DataFrame.from_records(records, columns=list(ALTERNATIVE_COLUMNS))
    float_cols = [c for c in ALTERNATIVE_COLUMNS if c not in ("rank", "food_id", "name", "category", "role",
                                                               "serving_label", "fits", "problems")]
    df[float_cols] = df[float_cols].astype("float64")
    df["rank"] = df["rank"].astype("int64")
    df["fits"] = df["fits"].astype(bool)
    return df


# --- locks ----------------------------------------------------------------------------------------
def _check_lock_target(plan: WeekPlan, day: int, slot: str | None, food_id: str | None) -> None:
    d = _day(plan, day)
    if slot is None:
        if food_id is not None:
            raise ChangeError("to lock or unlock one food, also name its meal slot (e.g. --slot snack)")
        return
    _check_slot(plan, slot)
    if food_id is not None:
        _item(plan, d.day, slot, food_id)


def lock(plan: WeekPlan, day: int, slot: str | None = None, food_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` with a whole day, a meal or one item locked (re-planning never changes it)."""
    _check_lock_target(plan, day, slot, food_id)
    new = Lock(day=day, slot=slot, food_id=food_id)
    if new in plan.locks:
        return plan
    return replace(plan, locks=(*plan.locks, new))


def unlock(plan: WeekPlan, day: int, slot: str | None = None, food_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` without the locks inside the named day, meal or item.

    Unlocking a day removes every lock of that day; unlocking a meal removes the meal's lock and its
    item locks. If a wider lock still covers the part (e.g. an item of a locked day), ChangeError says
    which lock to remove instead.
    """
    _check_lock_target(plan, day, slot, food_id)

    def inside(lk: Lock) -> bool:
        if lk.day != day:
            return False
        if slot is None:
            return True
        if lk.slot != slot:
            return False
        return food_id is None or lk.food_id == food_id

    kept = tuple(lk for lk in plan.locks if not inside(lk))
    for lk in kept:
        if slot is not None and lk.covers(day, slot, food_id):
            wider = f"day {lk.day}" if lk.slot is None else f"day {lk.day} {lk.slot}"
            raise ChangeError(f"{wider} is locked as a whole; unlock {wider} instead")
    if len(kept) == len(plan.locks):
        return plan
    return replace(plan, locks=kept)


# --- re-planning operations -----------------------------------------------------------------------
def _replan(plan: WeekPlan, foods: pd.DataFrame, what: str, **kwargs: object) -> WeekPlan:
    from planner.plan import replan  # the optimizer; imported here so alternatives/locks work without it

    try:
        return replan(plan, foods, **kwargs)  # type: ignore[arg-type]
    except PlanError as exc:
        raise PlanError(f"cannot {what}: {exc}", explanation=getattr(exc, "explanation", None)) from exc


def _result(old: WeekPlan, new: WeekPlan) -> ChangeResult:
    return ChangeResult(plan=new, changes=diff_plans(old, new))


def _check_unlocked(plan: WeekPlan, day: int, slot: str, food_id: str, verb: str) -> None:
    if plan.is_locked(day, slot, food_id):
        raise ChangeError(f"'{food_id}' in day {day} {slot} is locked; unlock it before you {verb} it "
                          f"(magplan unlock PLAN.json --day {day} --slot {shell_quote(slot)})")


def swap(plan: WeekPlan, foods: pd.DataFrame, day: int, slot: str, food_id: str,
         new_food_id: str) -> ChangeResult:
    """Replace ``food_id`` by ``new_food_id`` in one meal, then re-balance the unlocked rest of that day.

    The new food is required in that slot (servings chosen by the optimizer), the old one forbidden
    there; other days are kept exactly. Raises ChangeError for an invalid request and PlanError (with
    the optimizer's explanation) when no day with that swap meets every limit.
    """
    _item(plan, day, slot, food_id)
    _check_known_foods(plan, foods, days=(day,))
    _food_row(foods, new_food_id)
    if new_food_id == food_id:
        raise ChangeError(f"'{food_id}' would be swapped for itself; name a different food")
    _check_unlocked(plan, day, slot, food_id, "swap")
    why = _why_not_allowed(plan, foods, new_food_id, slot)
    if why:
        raise ChangeError(f"cannot swap in {why}")
    if any(it.food_id == new_food_id for it in _meal(plan.day(day), slot).items):
        raise ChangeError(f"'{new_food_id}' is already in day {day} {slot}; change its servings instead "
                          "(magplan set-servings)")
    new = _replan(plan, foods, f"swap '{food_id}' for '{new_food_id}' in day {day} {slot}", days=[day],
                  require={(day, slot): [new_food_id]}, forbid={(day, slot): [food_id]})
    ids = {it.food_id for it in _meal(new.day(day), slot).items}
    if new_food_id not in ids or food_id in ids:
        raise SolverError(f"the optimizer returned day {day} {slot} as {sorted(ids)}, not with '{new_food_id}' "
                          f"in place of '{food_id}'; this is a bug, please report it")
    return _result(plan, new)


def exclude(plan: WeekPlan, foods: pd.DataFrame, food_id: str) -> ChangeResult:
    """Ban ``food_id`` from the plan ("never suggest again") and re-plan the days that used it."""
    in_plan = _days_using(plan, food_id)
    if food_id not in foods.index and not in_plan:
        _food_row(foods, food_id)
    for lk in plan.locks:
        for d in plan.days:
            for m in d.meals:
                for it in m.items:
                    if it.food_id == food_id and lk.covers(d.day, m.slot, food_id):
                        raise ChangeError(f"'{food_id}' is locked in day {d.day} {m.slot}; unlock it before "
                                          "excluding it")
    if food_id in plan.excluded:
        return ChangeResult(plan=plan, changes=())
    if not in_plan:
        return ChangeResult(plan=replace(plan, excluded=(*plan.excluded, food_id)), changes=())
    _check_known_foods(plan, foods, days=in_plan)
    new = _replan(plan, foods, f"exclude '{food_id}'", days=in_plan, excluded=[food_id])
    if food_id not in new.excluded:  # the contract says replan records it; make sure the JSON keeps it
        new = replace(new, excluded=(*new.excluded, food_id))
    return _result(plan, new)


def regenerate(plan: WeekPlan, foods: pd.DataFrame, *, day: int, slot: str | None = None) -> ChangeResult:
    """A different meal (or day): the current unlocked items are forbidden in their slots and the
    unlocked rest of that day is re-solved; locked items and other days are kept exactly."""
    d = _day(plan, day)
    slots = plan.rules.slots if slot is None else (_check_slot(plan, slot),)
    forbid: dict[tuple[int, str], list[str]] = {}
    for m in d.meals:
        if m.slot not in slots:
            continue
        ids = [it.food_id for it in m.items if not plan.is_locked(day, m.slot, it.food_id)]
        if ids:
            forbid[(day, m.slot)] = ids
    if not forbid:
        where = f"day {day}" if slot is None else f"day {day} {slot}"
        raise ChangeError(f"{where} has no unlocked food to replace; unlock something first")
    _check_known_foods(plan, foods, days=(day,))
    what = f"regenerate day {day}" + ("" if slot is None else f" {slot}")
    new = _replan(plan, foods, what, days=[day], forbid=forbid)
    return _result(plan, new)


def set_servings(plan: WeekPlan, foods: pd.DataFrame, day: int, slot: str, food_id: str,
                 servings: float) -> ChangeResult:
    """Set one item's servings by hand (0 removes it), then re-balance the unlocked rest of that day."""
    current = _item(plan, day, slot, food_id)
    _check_known_foods(plan, foods, days=(day,))
    if isinstance(servings, bool) or not isinstance(servings, (int, float)) or not math.isfinite(servings):
        raise ChangeError(f"servings must be a number, e.g. 1.5, not {servings!r}")
    if servings > 0:  # a negative number gets the step message below
        check_number(servings, "servings", "servings", ChangeError)
    step = float(plan.rules.servings_step)
    cap = float(foods.at[food_id, "max_servings_per_meal"])
    if servings < 0 or not _on_step(float(servings), step):
        raise ChangeError(f"servings {servings:g} is not allowed; use 0 (remove) or a multiple of {step:g}, "
                          f"e.g. {step:g} or {2 * step:g}")
    if servings > cap + _EPS:
        raise ChangeError(f"{servings:g} servings of '{food_id}' is above its cap of {cap:g} per meal")
    _check_unlocked(plan, day, slot, food_id, "change")
    servings = round(float(servings) / step) * step
    if abs(servings - current.servings) < 1e-9:
        return ChangeResult(plan=plan, changes=())
    what = f"set '{food_id}' in day {day} {slot} to {servings:g} servings"
    if servings == 0:
        new = _replan(plan, foods, what, days=[day], forbid={(day, slot): [food_id]})
    else:
        new = _replan(plan, foods, what, days=[day], fix={(day, slot): {food_id: servings}})
    got = sum(it.servings for it in _meal(new.day(day), slot).items if it.food_id == food_id)
    if abs(got - servings) > 1e-9:
        raise SolverError(f"the optimizer returned {got:g} servings of '{food_id}' in day {day} {slot}, not "
                          f"{servings:g}; this is a bug, please report it")
    return _result(plan, new)


__all__ = [
    "ALTERNATIVE_COLUMNS", "ROLE_GROUPS", "alternatives", "exclude", "lock", "regenerate", "set_servings", "swap",
    "unlock",
]
