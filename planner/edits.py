"""Edit a plan made of dishes (format version 2): alternatives, swap, lock/unlock, exclude, regenerate, portions.

The dish-plan counterpart of ``planner.swaps``. Every operation returns a NEW plan (the input is never changed)
and, when it re-plans, the exact list of dishes that moved (``diff_dish_plans``). Only the touched day(s) are
re-planned; every other day is kept as it is, byte for byte. A touched day is changed as little as possible:

1. the change alone (the new dish, or the new portions) when the day still meets every daily limit as is;
2. else the same dishes with new portions (``planner.week.plan_days`` with every other dish fixed and every
   meal closed);
3. else the unlocked dishes of that day may change too.

Locked dishes (``Lock(day, slot, food_id=dish_id)``), locked meals and locked days never change; a locked
meal gets no dish added. Requests that make no sense raise ``ChangeError`` before any solving; a change that
leaves no feasible day raises ``PlanError`` naming the change.

Mapping to the model: ``menu.dish_data`` of the plan's profile and exclusions gives each dish an index; a
plan's breakfast dish has role "main", the model's role "breakfast".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from foods.dishes import DishTables
from foods.schema import split_tags
from planner import menu, week
from planner.dishplan import make_dish
from planner.errors import ChangeError, PlanError, SolverError
from planner.model import DISH_PLAN_VERSION, DayPlan, LeftoverRef, Lock, Meal, PlanDish, WeekPlan
from planner.nutrition import make_day
from planner.verify import notes_for_days
from planner.swaps import _day, Change, ChangeResult, amount_changes  # _day: one day-number check for both formats

PORTION_STEP = 0.25
PORTION_LEVELS: tuple[float, ...] = tuple(q / 4 for q in range(menu.QUARTERS_MIN, menu.QUARTERS_MAX + 1))
ENERGY_BIN_KCAL = 25.0  # alternatives closer in energy than this rank as equally close
_TOL = 1e-6
# A day menu entry as the model sees it: (slot, model role, dish index, portions or None).
Entry = tuple[str, str, int, "float | None"]


@dataclass(frozen=True)
class Alternative:
    """One dish that could take the place of another in that meal, and what it does to the day as is."""

    dish_id: str
    name: str
    portions: float
    magnesium_mg: float  # of the new dish at those portions
    energy_kcal: float
    cost_usd: float | None
    day_magnesium_mg: float  # the day after the swap, nothing else changed
    day_energy_kcal: float
    day_cost_usd: float | None
    delta_magnesium_mg: float
    delta_energy_kcal: float
    delta_cost_usd: float | None
    fits: bool  # the day would still meet its targets as is
    problems: tuple[str, ...]


@dataclass(frozen=True)
class DishChange(Change):
    """One dish that moved between two dish plans; portions 0 mean absent (``food_id`` holds the dish_id)."""

    @property
    def dish_id(self) -> str:
        return self.food_id

    @property
    def portions_before(self) -> float:
        return self.servings_before

    @property
    def portions_after(self) -> float:
        return self.servings_after

    def describe(self) -> str:
        """'day 2 dinner: lentil_soup (Lentil soup) 1 -> 0 portions (removed)'."""
        return (f"day {self.day} {self.slot}: {self.food_id} ({self.name}) "
                f"{self.servings_before:g} -> {self.servings_after:g} portions ({self.kind})")


# --- diff -----------------------------------------------------------------------------------------
def _portions_by_key(plan: WeekPlan) -> dict[tuple[int, str, str], tuple[float, str]]:
    out: dict[tuple[int, str, str], tuple[float, str]] = {}
    for d in plan.days:
        for m in d.meals:
            for x in m.dishes:
                before = out.get((d.day, m.slot, x.dish_id), (0.0, x.name))[0]
                out[(d.day, m.slot, x.dish_id)] = (before + float(x.portions), x.name)
    return out


def diff_dish_plans(a: WeekPlan, b: WeekPlan) -> tuple[DishChange, ...]:
    """Dishes whose portions differ between plan ``a`` and plan ``b``, ordered by day, meal and dish_id."""
    return amount_changes(_portions_by_key(a), _portions_by_key(b), menu.MEAL_SLOTS, DishChange)


# --- validation -----------------------------------------------------------------------------------
def _check_dish_plan(plan: WeekPlan) -> None:
    if plan.version != DISH_PLAN_VERSION:
        raise ChangeError(f"this plan is format version {plan.version} (foods, not dishes); dish edits need a "
                          f"version-{DISH_PLAN_VERSION} plan made by 'magplan plan' (planner.swaps edits the old "
                          "format)")
    if plan.people:
        raise ChangeError("this is a household plan: swapping, locking and re-planning work on one person's plan "
                          "only for now; plan the household again with --exclude-dish, --favorite or --dislike")


def _slot(slot: object) -> str:
    if slot not in menu.MEAL_SLOTS:
        raise ChangeError(f"unknown meal slot {slot!r}; use one of: {', '.join(menu.MEAL_SLOTS)}")
    return str(slot)


def _meal(day_plan: DayPlan, slot: str) -> Meal:
    return next((m for m in day_plan.meals if m.slot == slot), Meal(slot=slot))


def _dish(plan: WeekPlan, day: object, slot: object, dish_id: object) -> PlanDish:
    d = _day(plan, day)
    meal = _meal(d, _slot(slot))
    for x in meal.dishes:
        if x.dish_id == dish_id:
            return x
    there = ", ".join(x.dish_id for x in meal.dishes) or "nothing"
    raise ChangeError(f"'{dish_id}' is not in day {d.day} {slot} (it has: {there})")


def _check_unlocked(plan: WeekPlan, day: int, slot: str, dish_id: str, verb: str) -> None:
    if plan.is_locked(day, slot, dish_id):
        raise ChangeError(f"'{dish_id}' in day {day} {slot} is locked; unlock it before you {verb} it "
                          f"(magplan unlock PLAN.json --day {day} --slot {slot} --dish {dish_id})")


def _check_portions(portions: object) -> float:
    if isinstance(portions, bool) or not isinstance(portions, (int, float)) or not math.isfinite(portions):
        raise ChangeError(f"portions must be a number, e.g. 1.25, not {portions!r}")
    lo, hi = PORTION_LEVELS[0], PORTION_LEVELS[-1]
    steps = portions / PORTION_STEP
    if not lo - _TOL <= portions <= hi + _TOL or abs(steps - round(steps)) > 1e-6:
        raise ChangeError(f"portions {portions:g} is not allowed; use {lo:g} to {hi:g} in steps of "
                          f"{PORTION_STEP:g}, e.g. 0.75 or 1.25")
    return round(steps) * PORTION_STEP


def _model_role(slot: str, plan_role: str) -> str:
    return "breakfast" if slot == "breakfast" and plan_role == "main" else plan_role


def _plan_role(model_role: str) -> str:
    return "main" if model_role in ("breakfast", "main") else model_role


# --- the plan as the model sees it ----------------------------------------------------------------
def _data(plan: WeekPlan, tables: DishTables, *, extra_dishes: Collection[str] = ()) -> menu.DishData:
    """The dishes this plan's profile, exclusions (plus ``extra_dishes``) and favourites allow."""
    return menu.dish_data(tables, plan.profile, exclude_dishes=(*plan.excluded, *extra_dishes),
                          favorites=plan.profile.favorite_foods, dislikes=plan.profile.disliked_foods)


def _entries(data: menu.DishData, day_plan: DayPlan, *, strict: bool) -> list[Entry]:
    """(slot, model role, index, portions) of a day's dishes; a dish the data lacks is an error if ``strict``."""
    index = data.index
    out = []
    for m in day_plan.meals:
        for x in m.dishes:
            i = index.get(x.dish_id)
            if i is None:
                if strict:
                    raise ChangeError(f"dish '{x.dish_id}' of day {day_plan.day} {m.slot} is not in the dish "
                                      "library or no longer allowed by this plan's profile; use the library the "
                                      "plan was made from")
                continue
            out.append((m.slot, _model_role(m.slot, x.role), i, float(x.portions)))
    return out


def _other_menus(plan: WeekPlan, data: menu.DishData, day: int) -> dict[int, week.Menu]:
    return {d.day: tuple(sorted(_entries(data, d, strict=False))) for d in plan.days if d.day != day}


def _locked(plan: WeekPlan, data: menu.DishData, day_plan: DayPlan) -> tuple[list[Entry], set[str]]:
    """The day's locked dishes (with their portions) and its locked meals (closed: nothing added)."""
    index = data.index
    entries: list[Entry] = []
    for m in day_plan.meals:
        for x in m.dishes:
            if not plan.is_locked(day_plan.day, m.slot, x.dish_id):
                continue
            if x.dish_id not in index:
                raise ChangeError(f"locked dish '{x.dish_id}' of day {day_plan.day} {m.slot} is not in the dish "
                                  "library or no longer allowed by this plan's profile; unlock it, or use the "
                                  "library the plan was made from")
            entries.append((m.slot, _model_role(m.slot, x.role), index[x.dish_id], float(x.portions)))
    closed = {s for s in menu.MEAL_SLOTS for lk in plan.locks
              if lk.day == day_plan.day and lk.food_id is None and lk.slot in (None, s)}
    return entries, closed


def _without(data: menu.DishData, dish_ids: Iterable[str]) -> menu.DishData:
    """``data`` with these dishes allowed in no role (indices unchanged, so other days' menus stay valid)."""
    index = data.index
    drop = [index[d] for d in dish_ids if d in index]
    if not drop:
        return data
    keep = np.ones(len(data.ids), dtype=bool)
    keep[drop] = False
    return replace(data, roles={r: a & keep for r, a in data.roles.items()})


def _build_day(tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int,
               entries: Sequence[Entry]) -> DayPlan:
    """A DayPlan from model entries, meals and dishes in the order ``planner.dishplan`` writes them."""
    meals = []
    for slot in menu.MEAL_SLOTS:
        chosen = sorted((e for e in entries if e[0] == slot), key=lambda e: (e[1] == "side", data.ids[e[2]]))
        if chosen:
            meals.append(Meal(slot=slot, dishes=tuple(make_dish(tables, foods, data.ids[i], _plan_role(r), float(p))
                                                      for _s, r, i, p in chosen)))
    return make_day(day, meals)


def _replace_dish(day_plan: DayPlan, slot: str, dish_id: str, new: PlanDish) -> DayPlan:
    """The day with one dish replaced in place (same meal, same position), totals recomputed."""
    meals = [replace(m, items=(), dishes=tuple(new if (m.slot == slot and x.dish_id == dish_id) else x
                                               for x in m.dishes)) if m.slot == slot else m for m in day_plan.meals]
    return make_day(day_plan.day, meals)


def _main_of(day_plan: DayPlan | None, slot: str) -> str | None:
    if day_plan is None:
        return None
    return next((x.dish_id for m in day_plan.meals if m.slot == slot for x in m.dishes if x.role == "main"), None)


def _relinked(old: WeekPlan, days: tuple[DayPlan, ...]) -> tuple[DayPlan, ...]:
    """The days with each leftover lunch of ``old`` still marked only while it is the previous day's dinner
    (a swapped dinner leaves tomorrow's lunch an ordinary lunch); unchanged days stay the same objects."""
    by_day = {d.day: d for d in days}
    was = {d.day for d in old.days for m in d.meals if m.slot == "lunch" and m.leftover_from is not None}
    out = []
    for d in days:
        is_leftover = d.day in was and _main_of(d, "lunch") == _main_of(by_day.get(d.day - 1), "dinner") is not None
        ref = LeftoverRef(day=d.day - 1) if is_leftover else None
        if any(m.slot == "lunch" and m.leftover_from != ref for m in d.meals):
            d = replace(d, meals=tuple(replace(m, leftover_from=ref) if m.slot == "lunch" else m for m in d.meals))
        out.append(d)
    return tuple(out)


def _with_day(plan: WeekPlan, new_day: DayPlan, **changes: object) -> WeekPlan:
    """``plan`` with one day replaced and its co-nutrient notes brought up to date (other notes kept)."""
    days = _relinked(plan, tuple(new_day if d.day == new_day.day else d for d in plan.days))
    return replace(plan, days=days, notes=notes_for_days(plan, days), **changes)


# --- what a day must meet -------------------------------------------------------------------------
SlotTotals = Mapping[str, Mapping[str, float]]  # slot -> nutrient (and cost_usd) -> amount


def _slot_totals(day_plan: DayPlan) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for m in day_plan.meals:
        t = out.setdefault(m.slot, {})
        for x in m.dishes:
            for n in (*menu.DAILY_NUTRIENTS, "cost_usd"):
                t[n] = t.get(n, 0.0) + (x.value(n) or 0.0)
    return out


def _sum(slots: SlotTotals, nutrient: str, only: Collection[str] | None = None) -> float:
    return sum(t.get(nutrient, 0.0) for s, t in slots.items() if only is None or s in only)


def _limit_problems(plan: WeekPlan, slots: SlotTotals) -> list[str]:
    """The daily limits the model enforces that these meal totals break (plain sentences, with numbers)."""
    t, rules = plan.targets, plan.rules
    mg, kcal = _sum(slots, "magnesium_mg"), _sum(slots, "energy_kcal")
    out = []
    checks = (
        (mg < t.magnesium_mg - 0.01, f"magnesium {mg:.0f} mg, below the {t.magnesium_mg:g} mg target"),
        (kcal < t.energy_kcal_min - 0.01, f"energy {kcal:.0f} kcal, below the {t.energy_kcal_min:g} kcal minimum"),
        (kcal > t.energy_kcal_max + 0.01, f"energy {kcal:.0f} kcal, above the {t.energy_kcal_max:g} kcal maximum"),
        (_sum(slots, "protein_g") < t.protein_g_min - 0.01,
         f"protein {_sum(slots, 'protein_g'):.0f} g, below the {t.protein_g_min:g} g minimum"),
        (_sum(slots, "fiber_g") < t.fiber_g_min - 0.01,
         f"fiber {_sum(slots, 'fiber_g'):.0f} g, below the {t.fiber_g_min:g} g minimum"),
        (_sum(slots, "sodium_mg") > t.sodium_mg_max + 0.01,
         f"sodium {_sum(slots, 'sodium_mg'):.0f} mg, above the {t.sodium_mg_max:g} mg limit"),
    )
    out += [text for broken, text in checks if broken]
    budget = plan.profile.budget_usd_per_day
    if budget is not None and _sum(slots, "cost_usd") > budget + 0.005:
        out.append(f"cost ${_sum(slots, 'cost_usd'):.2f}, above the ${budget:.2f} budget")
    if rules.evening_share_min is not None and mg > 0:
        share = _sum(slots, "magnesium_mg", menu.EVENING_SLOTS) / mg
        if share < rules.evening_share_min - 1e-4:
            out.append(f"evening magnesium share {share:.0%}, below {rules.evening_share_min:.0%}")
    if rules.caffeine_after_lunch_max_mg is not None:
        after = menu.MEAL_SLOTS[menu.MEAL_SLOTS.index("lunch") + 1:]
        caffeine = _sum(slots, "caffeine_mg", after)
        if caffeine > rules.caffeine_after_lunch_max_mg + 0.01:
            out.append(f"caffeine after lunch {caffeine:.0f} mg, above {rules.caffeine_after_lunch_max_mg:g} mg")
    if kcal > 0:
        for slot, (lo, hi) in menu.ENERGY_SHARE.items():
            share = _sum(slots, "energy_kcal", (slot,)) / kcal
            if share < lo - 1e-4 or share > hi + 1e-4:
                out.append(f"{slot} has {share:.0%} of the day's energy, outside {lo:.0%}-{hi:.0%}")
    return out


def _day_key(entries: Iterable[Entry]) -> tuple[frozenset, frozenset]:
    """What makes two days the same: the same dishes (lunch and dinner mains either way round)."""
    entries = list(entries)
    mains = frozenset(i for _s, r, i, _p in entries if r == "main")
    rest = frozenset((s, r, i) for s, r, i, _p in entries if r != "main")
    return mains, rest


def _week_problems(plan: WeekPlan, data: menu.DishData, day: int, entries: Sequence[Entry],
                   others: Mapping[int, week.Menu]) -> list[str]:
    """Week rules a new menu for ``day`` breaks: a day like another, the same two mains, fewer fish days."""
    mains, rest = _day_key(entries)
    out = []
    for d, m in sorted(others.items()):
        other_mains, other_rest = _day_key(m)
        if (mains, rest) == (other_mains, other_rest):
            out.append(f"the same dishes as day {d}")
        elif len(mains) > 1 and mains == other_mains:
            out.append(f"the same lunch and dinner mains as day {d}")
    need = menu.days_needed(plan.rules.fish_per_week_min, len(plan.days))
    if need and data.fish.any():
        def fish_days(menus: Iterable[Sequence[Entry]]) -> int:
            return sum(1 for m in menus if any(r == "main" and data.fish[i] for _s, r, i, _p in m))

        now = fish_days([*others.values(), _entries(data, plan.day(day), strict=False)])
        after = fish_days([*others.values(), entries])
        if after < need and after < now:
            out.append(f"fish on {after} days of the week, below {need}")
    return out


def _week_reason(plan: WeekPlan, data: menu.DishData, day: int, role: str, i: int,
                 others: Mapping[int, week.Menu]) -> str | None:
    """Why dish ``i`` cannot be a ``role`` on ``day`` under the week's rules (None: it can). The rules
    themselves live in ``planner.week`` (the day's banned dishes); this only words them."""
    rules = replace(plan.rules, days=len(plan.days))
    others = _without_leftover_link(plan, data, others, day, i)
    if (role, i) not in week.day_context(data, rules, others, day).banned:
        return None
    dish_id = data.ids[i]
    near = [d for d in (day - 1, day + 1) if any(r == role and j == i for _s, r, j, _p in others.get(d, ()))]
    if near:
        return f"'{dish_id}' is a {role} on day {near[0]}; a {role} never comes on consecutive days"
    used = sorted(d for d, m in others.items() if any(j == i for _s, _r, j, _p in m))
    if used:
        return f"'{dish_id}' is already on {len(used)} other days ({', '.join(map(str, used))}); the week allows no more"
    return f"the week's rules do not allow '{dish_id}' on day {day} (e.g. fish on at most so many days)"


def _without_leftover_link(plan: WeekPlan, data: menu.DishData, others: Mapping[int, week.Menu], day: int,
                           i: int) -> Mapping[int, week.Menu]:
    """``others`` without the other half of a leftover pair of dish ``i`` (tonight's dinner and tomorrow's
    leftover lunch are the same dish on consecutive days on purpose)."""
    days = {d.day: d for d in plan.days}
    linked = {}
    for d, slot in ((day + 1, "lunch"), (day - 1, "dinner")):
        lunch_day = d if slot == "lunch" else day
        lunch = next((m for m in days[lunch_day].meals if m.slot == "lunch"), None) if lunch_day in days else None
        if d in others and lunch is not None and lunch.leftover_from is not None:
            linked[d] = tuple(e for e in others[d] if not (e[0] == slot and e[1] == "main" and e[2] == i))
    return {**others, **linked} if linked else others


def _rule_reason(plan: WeekPlan, data: menu.DishData, day: int, role: str, i: int, replacing: str,
                 others: Mapping[int, week.Menu]) -> str | None:
    """Why dish ``i`` cannot take the place of ``replacing`` on ``day`` (None: the week's rules admit it)."""
    here = {x.dish_id for m in plan.day(day).meals for x in m.dishes} - {replacing}
    if data.ids[i] in here:
        return f"'{data.ids[i]}' is already in day {day} (a dish at most once a day)"
    return _week_reason(plan, data, day, role, i, others)


def _allowed_reason(plan: WeekPlan, tables: DishTables, data: menu.DishData, dish_id: object, role: str
                    ) -> str | None:
    """Why a library dish cannot be planned in ``role`` for this plan's profile (None: it can)."""
    if not isinstance(dish_id, str) or dish_id not in tables.dishes.index:
        raise ChangeError(f"unknown dish '{dish_id}'; use a dish_id of the dish library (see 'magplan dishes "
                          "list')")
    if dish_id in plan.excluded:
        return f"'{dish_id}' is excluded from this plan"
    if dish_id not in data.index:
        p = plan.profile
        avoid = ", ".join(p.avoid_allergens) or "none avoided"
        return (f"'{dish_id}' does not fit this plan's {p.diet} diet, avoided allergens ({avoid}) or excluded "
                f"foods ({', '.join(p.exclude_foods) or 'none'})")
    if not data.roles[role][data.index[dish_id]]:
        roles = ", ".join(split_tags(tables.dishes.at[dish_id, "roles"]))
        return f"'{dish_id}' is not a {role} dish (its roles: {roles})"
    return None


# --- alternatives ---------------------------------------------------------------------------------
def _per_serving(tables: DishTables, data: menu.DishData, dish_id: str) -> dict[str, float]:
    """A dish's nutrients and known cost per serving (unknown counts as 0, as in the day totals)."""
    i = data.index[dish_id]
    cost = float(tables.dishes.at[dish_id, "cost_usd"])
    values = {n: float(data.values[n][i]) for n in menu.DAILY_NUTRIENTS}
    return {**values, "cost_usd": 0.0 if math.isnan(cost) else cost}


def _swapped(slots: SlotTotals, slot: str, old: Mapping[str, float], new: Mapping[str, float], portions: float
             ) -> dict[str, dict[str, float]]:
    out = {s: dict(t) for s, t in slots.items()}
    t = out.setdefault(slot, {})
    for n in set(t) | set(new):
        t[n] = t.get(n, 0.0) - old.get(n, 0.0) + portions * new.get(n, 0.0)
    return out


def _best_portions(plan: WeekPlan, slots: SlotTotals, slot: str, old: Mapping[str, float],
                   new: Mapping[str, float]) -> float:
    """The portions of a new dish nearest one serving that keep the day within its limits (if any do)."""
    def key(p: float) -> tuple[int, float, float, float]:
        problems = _limit_problems(plan, _swapped(slots, slot, old, new, p))
        return (len(problems), abs(p - 1.0), abs(p * new.get("energy_kcal", 0.0) - old.get("energy_kcal", 0.0)), p)

    return min(PORTION_LEVELS, key=key)


def _alternative(plan: WeekPlan, tables: DishTables, data: menu.DishData, day: int, slot: str, current: PlanDish,
                 new_id: str, others: Mapping[int, week.Menu]) -> Alternative:
    """``new_id`` in place of ``current`` (portions by ``_best_portions``), nothing else changed; the numbers
    are the dish table's per-serving values times the portions."""
    day_plan = plan.day(day)
    slots = _slot_totals(day_plan)
    old = {n: current.value(n) or 0.0 for n in (*menu.DAILY_NUTRIENTS, "cost_usd")}
    new = _per_serving(tables, data, new_id)
    portions = _best_portions(plan, slots, slot, old, new)
    entries = [e for e in _entries(data, day_plan, strict=False)
               if not (e[0] == slot and data.ids[e[2]] == current.dish_id)]
    entries.append((slot, _model_role(slot, current.role), data.index[new_id], portions))
    problems = (_limit_problems(plan, _swapped(slots, slot, old, new, portions))
                + _week_problems(plan, data, day, entries, others))
    now = day_plan.totals
    cost_known = not math.isnan(float(tables.dishes.at[new_id, "cost_usd"]))

    def dish(n: str) -> float:
        return round(portions * new[n], 4)

    def after(n: str) -> float:
        return round(float(now.get(n) or 0.0) - old[n] + portions * new[n], 4)

    return Alternative(
        dish_id=new_id, name=str(tables.dishes.at[new_id, "name"]), portions=portions,
        magnesium_mg=dish("magnesium_mg"), energy_kcal=dish("energy_kcal"),
        cost_usd=dish("cost_usd") if cost_known else None,
        day_magnesium_mg=after("magnesium_mg"), day_energy_kcal=after("energy_kcal"), day_cost_usd=after("cost_usd"),
        delta_magnesium_mg=round(after("magnesium_mg") - float(now.get("magnesium_mg") or 0.0), 4),
        delta_energy_kcal=round(after("energy_kcal") - float(now.get("energy_kcal") or 0.0), 4),
        delta_cost_usd=round(after("cost_usd") - float(now.get("cost_usd") or 0.0), 4),
        fits=not problems, problems=tuple(problems))


def alternatives(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str,
                 limit: int | None = 10) -> list[Alternative]:
    """Ranked dishes that could replace ``dish_id`` in that meal, each with what it does to the day as is.

    Candidates: dishes of the same role (a breakfast for the breakfast main, a main for lunch or dinner, a side,
    a snack) that the plan's diet, allergens and exclusions allow and the week's rules admit (not already in
    the day; a main not on a neighbouring day; within the weekly caps). Portions: nearest one serving that
    keeps the day within its limits. Order: the day fits first, then the person's favourites, then neutral
    dishes, then disliked ones (the plan's profile keeps both), then closeness in energy to the current dish
    (in ``ENERGY_BIN_KCAL`` steps), then the most magnesium, then dish_id. ``foods`` is not needed for the
    numbers (they come from the dish table) but keeps the signature of the other operations.
    """
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ChangeError(f"limit must be a whole number of at least 1, not {limit!r}")
    role = _model_role(slot, current.role)
    data = _data(plan, tables)
    others = _other_menus(plan, data, day)
    energy_now = current.value("energy_kcal") or 0.0
    out = []
    liking: dict[str, int] = {}  # -1 favourite, 0 neutral, 1 disliked
    for i in data.candidates(role):
        new_id = data.ids[int(i)]
        if new_id == dish_id or _rule_reason(plan, data, day, role, int(i), dish_id, others):
            continue
        liking[new_id] = int(np.sign(data.preference[int(i)]))
        out.append(_alternative(plan, tables, data, day, slot, current, new_id, others))
    out.sort(key=lambda a: (not a.fits, liking[a.dish_id], round(abs(a.energy_kcal - energy_now) / ENERGY_BIN_KCAL),
                            -a.magnesium_mg, a.dish_id))
    return out if limit is None else out[:limit]


# --- re-planning one day --------------------------------------------------------------------------
def _solve_day(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int, *,
               fixed: Sequence[Entry], closed: Collection[str], banned: Collection[str]) -> DayPlan:
    """Re-plan ``day`` with ``fixed`` dishes in, ``banned`` dishes out and ``closed`` meals holding only
    their fixed dishes; the other days are kept and count for the week's rules. PlanError if none fits."""
    solution = week.plan_days(_without(data, banned), plan.targets, plan.rules, [day],
                              budget=plan.profile.budget_usd_per_day, solver_rules=plan.rules,
                              fixed_menus=_other_menus(plan, data, day), fixed={day: list(fixed)},
                              closed={day: set(closed)})
    got = solution.menus[day]
    for slot, role, i, portions in fixed:
        if not any(e[:3] == (slot, role, i) and (portions is None or abs(e[3] - portions) < 1e-9) for e in got):
            raise SolverError(f"the optimizer returned day {day} without '{data.ids[i]}' in {slot}"
                              f"{'' if portions is None else f' at {portions:g} portions'}; this is a bug, "
                              "please report it")
    return _build_day(tables, foods, data, day, got)


def _replan_day(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int, what: str,
                *, must: Sequence[Entry] = (), keep: Sequence[Entry] = (), open_slots: Collection[str] = (),
                banned: Collection[str] = ()) -> DayPlan:
    """Minimal change: ``must`` and the locked dishes in, first with ``keep`` (the day's other unlocked dishes)
    at free portions and only ``open_slots`` open, else with the unlocked dishes free to change."""
    locked, locked_meals = _locked(plan, data, plan.day(day))
    others = _other_menus(plan, data, day)
    for slot, role, i, _p in [*locked, *must]:
        why = _week_reason(plan, data, day, role, i, others)
        if why:
            raise ChangeError(f"cannot {what}: {why}")
    leftover = [] if "lunch" in open_slots or any(e[:2] == ("lunch", "main") for e in must) \
        else _leftover_entry(plan, data, day)
    keep = [e for e in keep if e[:3] not in {x[:3] for x in leftover}]
    keep = [e for e in keep if _week_reason(plan, data, day, e[1], e[2], others) is None]
    locked = [*locked, *leftover]  # yesterday's dinner stays today's lunch (the week's rules allow it on purpose)
    first = (list(keep), set(menu.MEAL_SLOTS) - set(open_slots))
    attempts = [first] if (keep or first[1]) else []
    attempts.append(([], set()))
    for n, (kept, closed) in enumerate(attempts):
        try:
            return _solve_day(plan, tables, foods, data, day, fixed=[*locked, *must, *kept],
                              closed=closed | locked_meals, banned=banned)
        except PlanError as exc:
            if n == len(attempts) - 1:
                raise PlanError(f"cannot {what}: {exc}", explanation=getattr(exc, "explanation", None)) from exc
    raise AssertionError("unreachable")


def _leftover_entry(plan: WeekPlan, data: menu.DishData, day: int) -> list[Entry]:
    """The day's leftover lunch main (portions free) while it is still the previous day's dinner."""
    day_plan = plan.day(day)
    lunch = next((m for m in day_plan.meals if m.slot == "lunch"), None)
    main = _main_of(day_plan, "lunch")
    if lunch is None or lunch.leftover_from is None or main not in data.index or day - 1 not in \
            {d.day for d in plan.days} or main != _main_of(plan.day(day - 1), "dinner"):
        return []
    return [("lunch", "main", data.index[main], None)]


def _unlocked_entries(plan: WeekPlan, data: menu.DishData, day_plan: DayPlan, *, skip: Collection[tuple[str, str]]
                      = (), slots: Collection[str] | None = None) -> list[Entry]:
    """The day's unlocked dishes (portions left free), except (slot, dish_id) in ``skip``."""
    return [(s, r, i, None) for s, r, i, _p in _entries(data, day_plan, strict=False)
            if (s, data.ids[i]) not in skip and not plan.is_locked(day_plan.day, s, data.ids[i])
            and (slots is None or s in slots)]


def _result(old: WeekPlan, new: WeekPlan) -> ChangeResult:
    return ChangeResult(plan=new, changes=diff_dish_plans(old, new))


# --- operations -----------------------------------------------------------------------------------
def swap(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str, to: str
         ) -> ChangeResult:
    """Put dish ``to`` in place of ``dish_id`` in one meal; re-balance the rest of that day only if needed."""
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    if to == dish_id:
        raise ChangeError(f"'{dish_id}' would be swapped for itself; name a different dish")
    _check_unlocked(plan, day, slot, dish_id, "swap")
    role = _model_role(slot, current.role)
    data = _data(plan, tables)
    why = _allowed_reason(plan, tables, data, to, role)
    others = _other_menus(plan, data, day)
    i = data.index[to] if why is None else -1
    why = why or _rule_reason(plan, data, day, role, i, dish_id, others)
    if why:
        raise ChangeError(f"cannot swap in {why}")
    day_plan = plan.day(day)
    _entries(data, day_plan, strict=True)
    alt = _alternative(plan, tables, data, day, slot, current, to, others)
    if alt.fits:
        new_day = _replace_dish(day_plan, slot, dish_id, make_dish(tables, foods, to, current.role, alt.portions))
    else:
        keep = _unlocked_entries(plan, data, day_plan, skip={(slot, dish_id)})
        new_day = _replan_day(plan, tables, foods, data, day, f"swap '{dish_id}' for '{to}' in day {day} {slot}",
                              must=[(slot, role, i, None)], keep=keep, banned=[dish_id])
    return _result(plan, _with_day(plan, new_day))


def set_portions(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str, dish_id: str,
                 portions: float) -> ChangeResult:
    """Set one dish's portions (0.5 to 2 in quarters); re-balance the rest of that day only if needed."""
    _check_dish_plan(plan)
    current = _dish(plan, day, slot, dish_id)
    portions = _check_portions(portions)
    _check_unlocked(plan, day, slot, dish_id, "change")
    if abs(portions - current.portions) < 1e-9:
        return ChangeResult(plan=plan, changes=())
    data = _data(plan, tables)
    day_plan = plan.day(day)
    _entries(data, day_plan, strict=True)  # every dish of the day maps to the model
    role, i = _model_role(slot, current.role), data.index[dish_id]
    new_day = _replace_dish(day_plan, slot, dish_id, make_dish(tables, foods, dish_id, current.role, portions))
    if _limit_problems(plan, _slot_totals(new_day)):
        keep = _unlocked_entries(plan, data, day_plan, skip={(slot, dish_id)})
        new_day = _replan_day(plan, tables, foods, data, day,
                              f"set '{dish_id}' in day {day} {slot} to {portions:g} portions",
                              must=[(slot, role, i, portions)], keep=keep)
    return _result(plan, _with_day(plan, new_day))


def regenerate(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, day: int, slot: str | None = None
               ) -> ChangeResult:
    """Different dishes for one meal (or the whole day): its unlocked dishes are replaced, the rest kept."""
    _check_dish_plan(plan)
    day_plan = _day(plan, day)
    slots = set(menu.MEAL_SLOTS) if slot is None else {_slot(slot)}
    data = _data(plan, tables)
    _entries(data, day_plan, strict=True)
    replaced = [data.ids[i] for _s, _r, i, _p in _unlocked_entries(plan, data, day_plan, slots=slots)]
    where = f"day {day}" + ("" if slot is None else f" {slot}")
    if not replaced:
        raise ChangeError(f"{where} has no unlocked dish to replace; unlock something first "
                          f"(magplan unlock PLAN.json --day {day})")
    keep = _unlocked_entries(plan, data, day_plan, slots=set(menu.MEAL_SLOTS) - slots)
    new_day = _replan_day(plan, tables, foods, data, day, f"regenerate {where}", keep=keep, open_slots=slots,
                          banned=replaced)
    return _result(plan, _with_day(plan, new_day))


def exclude(plan: WeekPlan, tables: DishTables, foods: pd.DataFrame, *, dish_id: str | None = None,
            food_id: str | None = None) -> ChangeResult:
    """Never plan a dish (``dish_id``) or any dish containing a food (``food_id``) again; re-plan the days
    that had one. A dish is recorded in ``plan.excluded``, a food in the profile's ``exclude_foods``."""
    _check_dish_plan(plan)
    if (dish_id is None) == (food_id is None):
        raise ChangeError("exclude exactly one thing: a dish (--dish DISH_ID) or a food (--food FOOD_ID)")
    in_plan = {x.dish_id for d in plan.days for m in d.meals for x in m.dishes}
    if dish_id is not None:
        if dish_id not in tables.dishes.index and dish_id not in in_plan:
            raise ChangeError(f"unknown dish '{dish_id}'; use a dish_id of the dish library (see 'magplan dishes "
                              "list')")
        hit = {dish_id}
        new_plan = plan if dish_id in plan.excluded else replace(plan, excluded=(*plan.excluded, dish_id))
    else:
        ing = tables.ingredients
        hit = set(ing.loc[ing["food_id"] == food_id, "dish_id"].astype(str))
        hit |= {x.dish_id for d in plan.days for m in d.meals for x in m.dishes
                if any(it.food_id == food_id for it in x.ingredients)}
        if food_id not in foods.index and not hit:
            raise ChangeError(f"unknown food '{food_id}'; use a food_id of the food table (see 'magplan foods "
                              "search')")
        p = plan.profile
        new_plan = plan if food_id in p.exclude_foods else replace(
            plan, profile=replace(p, exclude_foods=(*p.exclude_foods, str(food_id))))
    what = f"exclude '{dish_id if dish_id is not None else food_id}'"
    where = [(d.day, m.slot, x.dish_id) for d in plan.days for m in d.meals for x in m.dishes if x.dish_id in hit]
    for d, s, x in where:
        if plan.is_locked(d, s, x):
            raise ChangeError(f"'{x}' is locked in day {d} {s}; unlock it before you {what}")
    data = _data(new_plan, tables, extra_dishes=hit)
    for day in sorted({d for d, _s, _x in where}):
        day_plan = new_plan.day(day)
        removed = {s for d, s, _x in where if d == day}
        keep = _unlocked_entries(new_plan, data, day_plan)
        new_day = _replan_day(new_plan, tables, foods, data, day, what, keep=keep, open_slots=removed)
        new_plan = _with_day(new_plan, new_day)
    return _result(plan, new_plan)


# --- locks ----------------------------------------------------------------------------------------
def _check_lock_target(plan: WeekPlan, day: int, slot: str | None, dish_id: str | None) -> None:
    _check_dish_plan(plan)
    _day(plan, day)
    if slot is None:
        if dish_id is not None:
            raise ChangeError("to lock or unlock one dish, also name its meal slot (e.g. --slot dinner)")
        return
    if dish_id is None:
        _slot(slot)
    else:
        _dish(plan, day, slot, dish_id)


def lock(plan: WeekPlan, *, day: int, slot: str | None = None, dish_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` with a day, a meal or one dish locked: re-planning never changes it."""
    _check_lock_target(plan, day, slot, dish_id)
    new = Lock(day=day, slot=slot, food_id=dish_id)
    return plan if new in plan.locks else replace(plan, locks=(*plan.locks, new))


def unlock(plan: WeekPlan, *, day: int, slot: str | None = None, dish_id: str | None = None) -> WeekPlan:
    """A copy of ``plan`` without the locks inside the named day, meal or dish.

    If a wider lock still covers it (a dish of a locked day), ChangeError says which lock to remove instead.
    """
    _check_lock_target(plan, day, slot, dish_id)

    def inside(lk: Lock) -> bool:
        return lk.day == day and (slot is None or (lk.slot == slot and (dish_id is None or lk.food_id == dish_id)))

    kept = tuple(lk for lk in plan.locks if not inside(lk))
    for lk in kept:
        if slot is not None and lk.covers(day, slot, dish_id):
            wider = f"day {lk.day}" if lk.slot is None else f"day {lk.day} {lk.slot}"
            raise ChangeError(f"{wider} is locked as a whole; unlock {wider} instead")
    return plan if len(kept) == len(plan.locks) else replace(plan, locks=kept)


__all__ = [
    "Alternative", "Change", "ChangeResult", "DishChange", "alternatives", "diff_dish_plans", "exclude", "lock",
    "regenerate", "set_portions", "swap", "unlock",
]
