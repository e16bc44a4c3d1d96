"""planner.edits: alternatives, swap, lock/unlock, exclude, regenerate and set portions on a dish plan.

One 7-day plan is solved per session (``dish_week``); every test edits it and checks the new plan against it.
"""
from __future__ import annotations

import functools
import json
from dataclasses import replace

import pytest

from foods.schema import food_allowed, split_tags
from planner import dish_alternatives, edits
from planner.changes import Change
from planner.dish_day import PORTION_LEVELS
from planner.errors import ChangeError, PlanError
from planner.model import Lock, Profile, Rules
from planner.plan_format import plan_from_json, plan_to_dict, plan_to_json

SLOTS = ("breakfast", "lunch", "dinner", "snack", "evening")


@functools.lru_cache(maxsize=1)
def solved_dish_week():
    """(dish tables, the 7-day plan of a woman of 45), solved once per session (tests/test_cli_swaps uses it)."""
    from foods import load_foods
    from foods.dishes import load_dishes
    from planner.dishplan import plan_dish_week

    foods = load_foods()
    tables = load_dishes(foods)
    return tables, plan_dish_week(tables, foods, Profile(age=45, sex="female"), rules=Rules(days=7))


@pytest.fixture(scope="session")
def dish_tables():
    return solved_dish_week()[0]


@pytest.fixture(scope="session")
def dish_week():
    return solved_dish_week()[1]


# --- helpers --------------------------------------------------------------------------------------
def days_json(plan, skip=()) -> dict[int, str]:
    """Each day of the plan as its JSON text (what 'byte-identical' compares)."""
    return {d["day"]: json.dumps(d, sort_keys=True) for d in plan_to_dict(plan)["days"] if d["day"] not in skip}


def dishes(plan, day: int, slot: str) -> dict[str, float]:
    return {x.dish_id: x.portions for m in plan.day(day).meals if m.slot == slot for x in m.dishes}


def caffeine_free_snack(plan) -> tuple[int, str]:
    """(day, dish id) of the first afternoon snack without caffeine: a quarter more of a cup of cocoa could pass
    the default cap on caffeine after lunch (planner.model.Rules)."""
    return next((d.day, x.dish_id) for d in plan.days for m in d.meals if m.slot == "snack" for x in m.dishes
                if not x.value("caffeine_mg"))


def first_dish(plan, day: int, slot: str) -> str:
    return next(iter(dishes(plan, day, slot)))


def day_problems(plan, day: int) -> list[str]:
    """The daily targets a day misses, recomputed from its ingredients' values."""
    t = plan.targets
    items = [it for m in plan.day(day).meals for it in m.items]

    def total(n: str) -> float:
        return sum(getattr(it, n) or 0.0 for it in items)

    checks = {
        "magnesium": total("magnesium_mg") >= t.magnesium_mg - 0.01,
        "energy_min": total("energy_kcal") >= t.energy_kcal_min - 0.01,
        "energy_max": total("energy_kcal") <= t.energy_kcal_max + 0.01,
        "protein": total("protein_g") >= t.protein_g_min - 0.01,
        "fiber": total("fiber_g") >= t.fiber_g_min - 0.01,
        "sodium": total("sodium_mg") <= t.sodium_mg_max + 0.01,
    }
    return [name for name, ok in checks.items() if not ok]


def assert_only_day_changed(old, result, changed_days) -> None:
    new = result.plan
    assert days_json(new, skip=changed_days) == days_json(old, skip=changed_days)
    assert result.changes == edits.diff_dish_plans(old, new)
    assert {c.day for c in result.changes} <= set(changed_days)
    for d in changed_days:
        assert day_problems(new, d) == []


# --- diff -----------------------------------------------------------------------------------------
def test_diff_of_a_plan_with_itself_is_empty_and_lists_added_and_removed_dishes(dish_week, dish_tables, curated):
    assert edits.diff_dish_plans(dish_week, dish_week) == ()
    old_id = first_dish(dish_week, 3, "dinner")
    alt = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=old_id)[0]
    result = edits.swap(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=old_id, to=alt.dish_id)
    kinds = {(c.dish_id, c.kind) for c in result.changes}
    assert (old_id, "removed") in kinds and (alt.dish_id, "added") in kinds
    assert all(isinstance(c, Change) for c in result.changes)
    removed = next(c for c in result.changes if c.dish_id == old_id)
    assert removed.describe().startswith(f"day 3 dinner: {old_id} (")
    assert removed.describe().endswith(" -> 0 portions (removed)")


# --- alternatives ---------------------------------------------------------------------------------
@pytest.mark.parametrize("day, slot, role", [(3, "dinner", "main"), (2, "lunch", "main"), (4, "breakfast", "breakfast"),
                                             (5, "snack", "snack")])
def test_alternatives_have_the_role_of_the_meal_and_the_weeks_rules(dish_week, dish_tables, curated, day, slot, role):
    dish_id = first_dish(dish_week, day, slot)
    alts = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=day, slot=slot, dish_id=dish_id, limit=None)
    assert len(alts) >= 5
    in_day = {x for s in SLOTS for x in dishes(dish_week, day, s)}
    for a in alts:
        assert role in split_tags(dish_tables.dishes.at[a.dish_id, "roles"])
        assert a.dish_id not in in_day
        assert a.portions in PORTION_LEVELS
    if role == "main":
        neighbours = {x for d in (day - 1, day + 1) if 1 <= d <= 7 for s in ("lunch", "dinner")
                      for x in dishes(dish_week, d, s)}
        assert not neighbours & {a.dish_id for a in alts}
        used = {}
        for d in dish_week.days:
            if d.day != day:
                for s in ("lunch", "dinner"):
                    for x in dishes(dish_week, d.day, s):
                        used[x] = used.get(x, 0) + 1
        assert all(used.get(a.dish_id, 0) < dish_week.rules.max_main_per_week for a in alts)


def test_alternatives_are_ranked_fits_first_then_closeness_in_energy(dish_week, dish_tables, curated):
    dish_id = first_dish(dish_week, 3, "dinner")
    current = next(x for m in dish_week.day(3).meals if m.slot == "dinner" for x in m.dishes)
    alts = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=dish_id, limit=None)
    keys = [(not a.fits, round(abs(a.energy_kcal - current.value("energy_kcal")) / dish_alternatives.ENERGY_BIN_KCAL),
             -a.magnesium_mg) for a in alts]
    assert keys == sorted(keys)
    assert alts[0].fits and alts[0].problems == ()
    assert all(a.problems for a in alts if not a.fits)
    assert len(dish_alternatives.alternatives(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=dish_id,
                                  limit=3)) == 3


def test_alternative_deltas_recomputed_by_hand_from_the_dish_table(dish_week, dish_tables, curated):
    dish_id = first_dish(dish_week, 3, "dinner")
    current = next(x for m in dish_week.day(3).meals if m.slot == "dinner" for x in m.dishes)
    totals = dish_week.day(3).totals
    for a in dish_alternatives.alternatives(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=dish_id)[:3]:
        row = dish_tables.dishes.loc[a.dish_id]
        assert a.magnesium_mg == pytest.approx(a.portions * row["magnesium_mg"], abs=1e-3)
        assert a.energy_kcal == pytest.approx(a.portions * row["energy_kcal"], abs=1e-3)
        assert a.delta_magnesium_mg == pytest.approx(a.portions * row["magnesium_mg"] - current.value("magnesium_mg"),
                                                     abs=1e-3)
        assert a.delta_energy_kcal == pytest.approx(a.portions * row["energy_kcal"] - current.value("energy_kcal"),
                                                    abs=1e-3)
        assert a.delta_cost_usd == pytest.approx(a.portions * row["cost_usd"] - current.value("cost_usd"), abs=1e-3)
        assert a.day_magnesium_mg == pytest.approx(totals["magnesium_mg"] + a.delta_magnesium_mg, abs=1e-3)
        assert a.day_energy_kcal == pytest.approx(totals["energy_kcal"] + a.delta_energy_kcal, abs=1e-3)


def test_alternatives_follow_the_plans_diet_and_allergens(dish_week, dish_tables, curated):
    vegan = replace(dish_week, profile=replace(dish_week.profile, diet="vegan", avoid_allergens=("soy",)))
    alts = dish_alternatives.alternatives(vegan, dish_tables, curated, day=3, slot="snack",
                              dish_id=first_dish(dish_week, 3, "snack"), limit=None)
    assert alts
    for a in alts:
        row = dish_tables.dishes.loc[a.dish_id]
        assert food_allowed(row["diet_tags"], row["allergens"], diet="vegan", avoid=("soy",)), a.dish_id
    excluded = replace(dish_week, excluded=(alts[0].dish_id,))
    again = dish_alternatives.alternatives(excluded, dish_tables, curated, day=3, slot="snack",
                               dish_id=first_dish(dish_week, 3, "snack"), limit=None)
    assert alts[0].dish_id not in {a.dish_id for a in again}


# --- swap -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("day, slot", [(3, "dinner"), (4, "breakfast"), (6, "snack")])
def test_swap_to_the_best_alternative_changes_only_that_dish(dish_week, dish_tables, curated, day, slot):
    before = plan_to_json(dish_week)
    dish_id = first_dish(dish_week, day, slot)
    alt = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=day, slot=slot, dish_id=dish_id)[0]
    result = edits.swap(dish_week, dish_tables, curated, day=day, slot=slot, dish_id=dish_id, to=alt.dish_id)
    assert plan_to_json(dish_week) == before  # the input plan is never changed
    assert_only_day_changed(dish_week, result, {day})
    assert [(c.dish_id, c.portions_before, c.portions_after) for c in result.changes] == sorted(
        [(dish_id, dishes(dish_week, day, slot)[dish_id], 0.0), (alt.dish_id, 0.0, alt.portions)])
    assert result.plan.day(day).totals["magnesium_mg"] == pytest.approx(alt.day_magnesium_mg, abs=0.01)
    assert result.plan.version == 2
    assert plan_from_json(plan_to_json(result.plan)) == result.plan


def _richest_dinner_day(plan) -> int:
    """The day whose dinner main has the most magnesium: swapping it for a poorer main breaks the target. (Not a
    dinner left over for the next day's lunch: swapping it unmarks that lunch, another day.)"""
    sources = {m.leftover_from.day for d in plan.days for m in d.meals if m.leftover_from}
    return max((d.day for d in plan.days if d.day not in sources),
               key=lambda day: max(x.value("magnesium_mg") or 0 for m in plan.day(day).meals if m.slot == "dinner"
                                   for x in m.dishes))


def test_swap_that_breaks_a_limit_rebalances_the_day(dish_week, dish_tables, curated):
    day = _richest_dinner_day(dish_week)
    # the day just meets its magnesium target, and the new dish has less magnesium than the old one
    tight = replace(dish_week, targets=replace(dish_week.targets,
                                               magnesium_mg=round(dish_week.day(day).totals["magnesium_mg"], 2) - 0.5))
    dish_id = max(dishes(tight, day, "dinner"), key=lambda i: next(
        x.value("magnesium_mg") or 0 for m in tight.day(day).meals if m.slot == "dinner" for x in m.dishes
        if x.dish_id == i))
    alts = dish_alternatives.alternatives(tight, dish_tables, curated, day=day, slot="dinner", dish_id=dish_id, limit=None)
    unfit = [a for a in alts if not a.fits and a.delta_magnesium_mg < -20]
    assert unfit and any("magnesium" in p for p in unfit[0].problems)
    to = unfit[0].dish_id
    result = edits.swap(tight, dish_tables, curated, day=day, slot="dinner", dish_id=dish_id, to=to)
    assert to in dishes(result.plan, day, "dinner") and dish_id not in dishes(result.plan, day, "dinner")
    assert len(result.changes) >= 3  # the swap and what makes up for the magnesium
    assert_only_day_changed(tight, result, {day})


def _staple_clash(plan, tables, curated):
    """(day, slot, dish_id, alternative) where the alternative shares a staple (brown rice, oats, a bean...) with
    a dish of another meal that day and breaks no other rule, or None."""
    for day in plan.days:
        for slot in ("lunch", "dinner"):
            dish_id = first_dish(plan, day.day, slot)
            others = {x.dish_id for m in day.meals if m.slot != slot for x in m.dishes}
            staples = {f for o in others for f in split_tags(tables.dishes.at[o, "staples"])}
            for a in dish_alternatives.alternatives(plan, tables, curated, day=day.day, slot=slot, dish_id=dish_id,
                                                    limit=None):
                only_staples = all("staple at one meal" in p for p in a.problems)
                if staples & set(split_tags(tables.dishes.at[a.dish_id, "staples"])) and only_staples:
                    return day.day, slot, dish_id, a
    return None


def test_a_swap_that_repeats_a_staple_in_the_day_replans_the_other_meal(dish_week, dish_tables, curated):
    from foods.load import usda_foods
    from dish_plan_checker import check_dish_plan, reference

    day, slot, dish_id, alt = _staple_clash(dish_week, dish_tables, curated)
    assert not alt.fits and any("staple at one meal" in p for p in alt.problems)
    result = edits.swap(dish_week, dish_tables, curated, day=day, slot=slot, dish_id=dish_id, to=alt.dish_id)
    assert alt.dish_id in dishes(result.plan, day, slot)
    ref = reference(usda_foods(), curated, dish_tables.dishes, dish_tables.ingredients)
    assert check_dish_plan(result.plan, ref) == []
    assert_only_day_changed(dish_week, result, {day})


# --- set portions ---------------------------------------------------------------------------------
def test_set_portions_that_still_fits_changes_only_that_dish(dish_week, dish_tables, curated):
    day, dish_id = caffeine_free_snack(dish_week)
    now = dishes(dish_week, day, "snack")[dish_id]
    new = now + 0.25 if now < 2 else now - 0.25
    result = edits.set_portions(dish_week, dish_tables, curated, day=day, slot="snack", dish_id=dish_id, portions=new)
    assert dishes(result.plan, day, "snack")[dish_id] == new
    assert_only_day_changed(dish_week, result, {day})
    assert edits.set_portions(dish_week, dish_tables, curated, day=day, slot="snack", dish_id=dish_id,
                              portions=now).changes == ()


def test_set_portions_below_the_day_targets_rebalances_the_rest_of_the_day(dish_week, dish_tables, curated):
    dish_id = first_dish(dish_week, 5, "dinner")
    result = edits.set_portions(dish_week, dish_tables, curated, day=5, slot="dinner", dish_id=dish_id, portions=0.5)
    assert dishes(result.plan, 5, "dinner")[dish_id] == 0.5
    assert_only_day_changed(dish_week, result, {5})
    assert len(result.changes) >= 2  # the dinner main and something that makes up for it


def test_a_change_no_day_can_meet_raises_plan_error(dish_week, dish_tables, curated):
    hungry = replace(dish_week, targets=replace(dish_week.targets, magnesium_mg=3000.0))
    dish_id = first_dish(dish_week, 5, "dinner")
    with pytest.raises(PlanError, match=f"cannot set '{dish_id}' in day 5 dinner to 0.5 portions: "):
        edits.set_portions(hungry, dish_tables, curated, day=5, slot="dinner", dish_id=dish_id, portions=0.5)


# --- regenerate and locks -------------------------------------------------------------------------
def test_regenerate_a_day_keeps_its_locked_dish_and_locked_meal(dish_week, dish_tables, curated):
    dinner = first_dish(dish_week, 4, "dinner")
    locked = edits.lock(edits.lock(dish_week, day=4, slot="dinner", dish_id=dinner), day=4, slot="breakfast")
    result = edits.regenerate(locked, dish_tables, curated, day=4)
    new = result.plan
    assert new.locks == (Lock(4, "dinner", dinner), Lock(4, "breakfast"))
    assert dishes(new, 4, "dinner")[dinner] == dishes(dish_week, 4, "dinner")[dinner]
    assert dishes(new, 4, "breakfast") == dishes(dish_week, 4, "breakfast")  # nothing added to a locked meal
    assert not set(dishes(new, 4, "lunch")) & set(dishes(dish_week, 4, "lunch"))
    assert not set(dishes(new, 4, "snack")) & set(dishes(dish_week, 4, "snack"))
    assert_only_day_changed(locked, result, {4})


def test_edits_honour_the_dislikes_kept_in_the_plan(dish_week, dish_tables, curated):
    dish_id = first_dish(dish_week, 3, "dinner")
    top = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=3, slot="dinner", dish_id=dish_id)[0].dish_id
    disliking = replace(dish_week, profile=replace(dish_week.profile, disliked_foods=(top,)))
    ranked = [a.dish_id for a in dish_alternatives.alternatives(disliking, dish_tables, curated, day=3, slot="dinner",
                                                    dish_id=dish_id, limit=None)]
    assert ranked[0] != top


def test_regenerate_one_meal_replaces_its_dishes(dish_week, dish_tables, curated):
    result = edits.regenerate(dish_week, dish_tables, curated, day=6, slot="lunch")
    assert not set(dishes(result.plan, 6, "lunch")) & set(dishes(dish_week, 6, "lunch"))
    assert all(c.day == 6 for c in result.changes) and any(c.slot == "lunch" for c in result.changes)
    assert_only_day_changed(dish_week, result, {6})


@pytest.mark.parametrize("calls, expected", [
    ([("lock", dict(day=2))], (Lock(2),)),
    ([("lock", dict(day=2, slot="lunch"))], (Lock(2, "lunch"),)),
    ([("lock", dict(day=2)), ("lock", dict(day=2))], (Lock(2),)),
    ([("lock", dict(day=2)), ("lock", dict(day=3, slot="snack")), ("unlock", dict(day=2))], (Lock(3, "snack"),)),
    ([("lock", dict(day=2, slot="lunch")), ("unlock", dict(day=2))], ()),
    ([("unlock", dict(day=2))], ()),
])
def test_lock_and_unlock(dish_week, calls, expected):
    plan = dish_week
    for name, kwargs in calls:
        plan = getattr(edits, name)(plan, **kwargs)
    assert plan.locks == expected
    assert plan.days == dish_week.days and dish_week.locks == ()


def test_lock_and_unlock_one_dish(dish_week):
    dish_id = first_dish(dish_week, 2, "dinner")
    plan = edits.lock(dish_week, day=2, slot="dinner", dish_id=dish_id)
    assert plan.locks == (Lock(2, "dinner", dish_id),) and plan.is_locked(2, "dinner", dish_id)
    assert edits.unlock(plan, day=2, slot="dinner", dish_id=dish_id).locks == ()
    with pytest.raises(ChangeError, match="day 2 is locked as a whole; unlock day 2 instead"):
        edits.unlock(edits.lock(dish_week, day=2), day=2, slot="dinner", dish_id=dish_id)


# --- exclude --------------------------------------------------------------------------------------
def test_exclude_a_dish_removes_it_everywhere_and_replans_only_those_days(dish_week, dish_tables, curated):
    used = {}
    for d in dish_week.days:
        for s in ("lunch", "dinner"):
            for x in dishes(dish_week, d.day, s):
                used.setdefault(x, set()).add(d.day)
    dish_id, days = max(used.items(), key=lambda kv: (len(kv[1]), kv[0]))
    result = edits.exclude(dish_week, dish_tables, curated, dish_id=dish_id)
    new = result.plan
    assert dish_id in new.excluded
    assert all(dish_id not in dishes(new, d.day, s) for d in new.days for s in SLOTS)
    assert {c.day for c in result.changes} == days
    assert_only_day_changed(dish_week, result, days)
    again = edits.exclude(new, dish_tables, curated, dish_id=dish_id)
    assert again.changes == () and again.plan.excluded.count(dish_id) == 1


def test_exclude_a_food_removes_every_dish_containing_it(dish_week, dish_tables, curated):
    foods_used = {}
    for d in dish_week.days:
        for m in d.meals:
            for x in m.dishes:
                for it in x.ingredients:
                    foods_used.setdefault(it.food_id, set()).add(d.day)
    # a food in two or three days' dishes (salt or oil would re-plan the whole week)
    food_id = sorted(f for f, days in foods_used.items() if 2 <= len(days) <= 3)[0]
    result = edits.exclude(dish_week, dish_tables, curated, food_id=food_id)
    new = result.plan
    assert food_id in new.profile.exclude_foods
    assert not any(it.food_id == food_id for d in new.days for m in d.meals for it in m.items)
    assert_only_day_changed(dish_week, result, foods_used[food_id])


def test_exclude_a_locked_dish_is_refused(dish_week, dish_tables, curated):
    dish_id = first_dish(dish_week, 2, "dinner")
    locked = edits.lock(dish_week, day=2, slot="dinner", dish_id=dish_id)
    with pytest.raises(ChangeError, match=f"'{dish_id}' is locked in day 2 dinner; unlock it before you exclude"):
        edits.exclude(locked, dish_tables, curated, dish_id=dish_id)


# --- bad requests ---------------------------------------------------------------------------------
def _bad_calls(plan):
    dinner = first_dish(plan, 3, "dinner")
    lunch = first_dish(plan, 3, "lunch")
    neighbour_main = first_dish(plan, 4, "dinner")  # day 3's lunch may be day 2's dinner (a leftover)
    locked = edits.lock(plan, day=3, slot="dinner")
    return [
        ("swap", plan, dict(day=9, slot="dinner", dish_id=dinner, to="x"), "day 9 is not in the plan"),
        ("swap", plan, dict(day="3", slot="dinner", dish_id=dinner, to="x"), "day must be a whole number"),
        ("swap", plan, dict(day=3, slot="tea", dish_id=dinner, to="x"), "unknown meal slot 'tea'"),
        ("swap", plan, dict(day=3, slot="lunch", dish_id=dinner, to="x"), f"'{dinner}' is not in day 3 lunch"),
        ("swap", plan, dict(day=3, slot="dinner", dish_id=dinner, to="no_such_dish"), "unknown dish 'no_such_dish'"),
        ("swap", plan, dict(day=3, slot="dinner", dish_id=dinner, to=dinner), "swapped for itself"),
        ("swap", plan, dict(day=3, slot="dinner", dish_id=dinner, to=lunch), "is already in day 3"),
        ("swap", plan, dict(day=3, slot="dinner", dish_id=dinner, to=neighbour_main),
         "a main never comes on consecutive days"),
        ("swap", plan, dict(day=3, slot="dinner", dish_id=dinner, to=first_dish(plan, 3, "snack")),
         "is not a main dish"),
        ("swap", locked, dict(day=3, slot="dinner", dish_id=dinner, to="x"), "is locked; unlock it"),
        ("set_portions", plan, dict(day=3, slot="dinner", dish_id=dinner, portions=0.3), "portions 0.3 is not allowed"),
        ("set_portions", plan, dict(day=3, slot="dinner", dish_id=dinner, portions=2.5), "portions 2.5 is not allowed"),
        ("set_portions", plan, dict(day=3, slot="dinner", dish_id=dinner, portions=1.1), "in steps of 0.25"),
        ("set_portions", plan, dict(day=3, slot="dinner", dish_id=dinner, portions="1"), "portions must be a number"),
        ("set_portions", locked, dict(day=3, slot="dinner", dish_id=dinner, portions=1.5), "is locked"),
        ("regenerate", edits.lock(plan, day=3), dict(day=3), "day 3 has no unlocked dish to replace"),
        ("regenerate", plan, dict(day=3, slot="brunch"), "unknown meal slot 'brunch'"),
        ("exclude", plan, dict(), "exclude exactly one thing"),
        ("exclude", plan, dict(dish_id=dinner, food_id="salt"), "exclude exactly one thing"),
        ("exclude", plan, dict(dish_id="no_such_dish"), "unknown dish 'no_such_dish'"),
        ("exclude", plan, dict(food_id="no_such_food"), "unknown food 'no_such_food'"),
        ("alternatives", plan, dict(day=3, slot="dinner", dish_id="nope"), "'nope' is not in day 3 dinner"),
        ("alternatives", plan, dict(day=3, slot="dinner", dish_id=dinner, limit=0), "limit must be a whole number"),
    ]


def test_bad_requests_raise_change_error_with_a_clear_message(dish_week, dish_tables, curated):
    for name, plan, kwargs, message in _bad_calls(dish_week):
        with pytest.raises(ChangeError) as exc:
            operation = dish_alternatives.alternatives if name == "alternatives" else getattr(edits, name)
            operation(plan, dish_tables, curated, **kwargs)
        assert message in str(exc.value), (name, kwargs)
        assert "\n" not in str(exc.value)


@pytest.mark.parametrize("kwargs, message", [
    (dict(day=8), "day 8 is not in the plan"),
    (dict(day=2, slot="tea"), "unknown meal slot 'tea'"),
    (dict(day=2, dish_id="x"), "also name its meal slot"),
    (dict(day=2, slot="lunch", dish_id="x"), "'x' is not in day 2 lunch"),
])
def test_bad_lock_requests(dish_week, kwargs, message):
    for fn in (edits.lock, edits.unlock):
        with pytest.raises(ChangeError, match=message):
            fn(dish_week, **kwargs)


def test_a_version_1_plan_is_refused_with_the_way_out(dish_week, dish_tables, curated):
    old = replace(dish_week, version=1)
    with pytest.raises(ChangeError, match=r"format version 1 .*\(planner.swaps edits the old format\)"):
        edits.regenerate(old, dish_tables, curated, day=2)
    with pytest.raises(ChangeError, match="format version 1"):
        edits.lock(old, day=2)


# --- leftover lunches -----------------------------------------------------------------------------
def _leftover_days(plan) -> list[int]:
    return [d.day for d in plan.days for m in d.meals if m.slot == "lunch" and m.leftover_from is not None]


def test_regenerating_the_dinner_of_a_leftover_day_keeps_its_leftover_lunch(dish_week, dish_tables, curated):
    day = _leftover_days(dish_week)[0]
    lunch = first_dish(dish_week, day, "lunch")
    result = edits.regenerate(dish_week, dish_tables, curated, day=day, slot="dinner")
    assert first_dish(result.plan, day, "lunch") == lunch == first_dish(dish_week, day - 1, "dinner")
    assert day in _leftover_days(result.plan)
    assert_only_day_changed(dish_week, result, {day})


def test_swapping_the_dinner_a_lunch_was_left_from_makes_that_lunch_ordinary(dish_week, dish_tables, curated):
    day = _leftover_days(dish_week)[0]
    dinner = first_dish(dish_week, day - 1, "dinner")
    alt = next(a for a in dish_alternatives.alternatives(dish_week, dish_tables, curated, day=day - 1, slot="dinner",
                                             dish_id=dinner) if a.fits)
    result = edits.swap(dish_week, dish_tables, curated, day=day - 1, slot="dinner", dish_id=dinner, to=alt.dish_id)
    assert day not in _leftover_days(result.plan)
    assert first_dish(result.plan, day, "lunch") == dinner  # the food stays; only its leftover mark goes
    assert {c.day for c in result.changes} == {day - 1}


def test_a_household_plan_refuses_edits_with_the_way_out(dish_week, dish_tables, curated):
    from planner.model import Person

    household = replace(dish_week, people=(Person("Ann", dish_week.profile, dish_week.targets),))
    with pytest.raises(ChangeError, match="household plan"):
        edits.regenerate(household, dish_tables, curated, day=1)


def test_a_fruit_on_its_weekly_days_is_no_alternative_and_no_swap(dish_week, dish_tables, curated):
    """A fruit a dish is built on comes on at most 4 days a week (planner.menu.FRUIT_DAYS_PER_WEEK_MAX): with banana
    on four days, a fifth day is offered no banana dish, and a swap to one is refused with the reason."""
    from planner import menu

    fruit_days: dict[str, set[int]] = {}
    for d in dish_week.days:
        for m in d.meals:
            for x in m.dishes:
                for food_id in split_tags(dish_tables.dishes.at[x.dish_id, "fruits"]):
                    fruit_days.setdefault(food_id, set()).add(d.day)
    assert all(len(days) <= menu.FRUIT_DAYS_PER_WEEK_MAX for days in fruit_days.values())
    fruit, days = max(sorted(fruit_days.items()), key=lambda kv: len(kv[1]))
    assert len(days) == menu.FRUIT_DAYS_PER_WEEK_MAX  # the week uses its fruit up, so the rule is tested
    day = min(set(range(1, 8)) - days)
    snack = first_dish(dish_week, day, "snack")
    built_on = {i for i in dish_tables.dishes.index if fruit in split_tags(dish_tables.dishes.at[i, "fruits"])}
    alts = dish_alternatives.alternatives(dish_week, dish_tables, curated, day=day, slot="snack", dish_id=snack,
                                          limit=None)
    assert alts and not {a.dish_id for a in alts} & built_on
    in_week = {x.dish_id for d in dish_week.days for m in d.meals for x in m.dishes}  # no other rule to hit first
    banana_snack = sorted(i for i in built_on - in_week if "snack" in split_tags(dish_tables.dishes.at[i, "roles"]))[0]
    with pytest.raises(ChangeError, match=f"built on {fruit}, already on days"):
        edits.swap(dish_week, dish_tables, curated, day=day, slot="snack", dish_id=snack, to=banana_snack)


def test_edits_of_one_plan_share_its_dish_data_and_day_model_but_not_a_solver(dish_week, dish_tables, curated):
    """An edit keeps the plan's dish data and the day model it built (planner.dish_day._data,
    menu_day.kept_day_model), so the next edit of the plan does not build them again; each edit still gets its own
    HiGHS (two sessions of the app may edit at once), and the same edit gives the same day."""
    from planner.dish_day import _data
    from planner.menu_day import kept_day_model

    data = _data(dish_week, dish_tables)
    assert _data(dish_week, dish_tables) is data
    args = (dish_week.targets, dish_week.rules, dish_week.profile.budget_usd_per_day, dish_week.rules)
    a, b = kept_day_model(data, *args), kept_day_model(data, *args)
    assert a.source is b.source is not None and a is not b
    first = edits.regenerate(dish_week, dish_tables, curated, day=3)
    built = a.source.bases[False]  # the edit built (or found) the base in the kept model
    again = edits.regenerate(dish_week, dish_tables, curated, day=3)
    assert a.source.bases[False] is built and kept_day_model(data, *args).source.bases[False] is built
    assert days_json(first.plan) == days_json(again.plan)
    assert a.source._base(False).highs is not a._base(False).highs  # the twin's own solver


def test_the_first_edit_finds_the_day_model_the_week_was_planned_with(dish_tables, curated):
    """Planning keeps its dish data and day model (dish_data.kept_dish_data, menu_day.kept_day_model), so even the
    plan's first edit builds neither: right after planning, the edit's day model already holds its base."""
    from planner.dish_day import _data
    from planner.dishplan import plan_dish_week
    from planner.menu_day import kept_day_model

    plan = plan_dish_week(dish_tables, curated, Profile(age=52, sex="female"), rules=replace(Rules(), days=2))
    model = kept_day_model(_data(plan, dish_tables), plan.targets, plan.rules, plan.profile.budget_usd_per_day,
                           plan.rules)
    assert False in model.source.bases  # built while planning, before any edit
    assert edits.regenerate(plan, dish_tables, curated, day=2).plan.day(1) == plan.day(1)
