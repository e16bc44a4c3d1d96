"""The week's bound (planner.menu_average.week_lp) is valid: the average of a planned week, leftover lunches and all, is a
solution of the average-day model (planner.menu_average.build_average_day_model) with the same objective per day."""
from __future__ import annotations

from dataclasses import replace

import pulp
import pytest

from foods.dishes import load_dishes
from foods.load import load_foods
from planner import menu, menu_average, near_misses, week
from planner.dishplan import prepare
from planner.menu_day import DayContext, DayModel, menus_amount
from planner.model import Profile, Rules

PROFILES = {
    "pescatarian_67_evening_40": (Profile(age=67, sex="male", diet="pescatarian"), Rules(evening_share_min=0.4)),
    "pregnant_28_nut_free": (Profile(age=28, sex="female", status="pregnancy",
                                     avoid_allergens=("tree_nuts", "peanuts")), Rules()),
}


def _average_values(model: menu.MenuModel, data, targets, rules, solution: week.WeekSolution) -> dict[str, float]:
    """Each variable of the average-day model at the week's average."""
    n = len(solution.menus)
    values = {v.name: 0.0 for v in model.prob.variables()}
    for day_menu in solution.menus.values():
        for slot, role, i, portions in day_menu:
            values[model.x[(1, slot, role, i)][round(portions * 4)].name] += 1 / n
        values["energy_kcal_1"] += menus_amount(data, {0: day_menu}, "energy_kcal") / n
        fruit_g = sum(p * float(data.fruit_g[i]) for _s, _r, i, p in day_menu)
        missing = max(0.0, 2 - fruit_g / menu.fruit_g_min(data))  # portions of the day's two: the second first
        values["fruit_second_short_1"] += min(missing, 1.0) / n
        values["fruit_short_1"] += max(0.0, missing - 1.0) / n
        protein_g = sum(p * float(data.values["protein_g"][i]) for s, _r, i, p in day_menu if s == "breakfast")
        values["breakfast_protein_short_1"] += max(0.0, menu.BREAKFAST_PROTEIN_G_MIN - protein_g) / n
        fiber_g = menus_amount(data, {0: day_menu}, "fiber_g")
        values["fiber_over_1"] += max(0.0, fiber_g - menu.fiber_g_soft_max(targets)) / n  # each day's, averaged
        if "fish_day_1" in values and any(data.fish_any[i] for _s, _r, i, _p in day_menu):
            values["fish_day_1"] += 1 / n
    for column, field_name in menu.CO_NUTRIENTS:
        need = float(getattr(targets, field_name)) * n
        values[f"shortfall_{column}"] = max(0.0, 1 - menus_amount(data, solution.menus, column) / need)
    for i in solution.leftovers.values():
        values[f"leftover_share_{data.ids[i]}"] += 1 / n
    return values


@pytest.mark.parametrize("name", list(PROFILES))
def test_a_planned_week_averages_to_a_solution_of_the_bound_model(name):
    profile, rules = PROFILES[name]
    foods = load_foods()
    person = prepare(load_dishes(foods), profile, rules=rules)
    days = list(range(1, 8))
    leftover_days = week.leftover_days(days, person.rules.leftovers_per_week)
    solution = week.plan_days(person.data, person.targets, person.rules, days, leftover_days=leftover_days)
    assert len(solution.leftovers) == 2  # the week has its leftover lunches, so their rows are tested
    model = menu_average.build_average_day_model(person.data, person.targets, person.rules, n_days=7,
                                                 n_leftover_days=len(leftover_days))
    values = _average_values(model, person.data, person.targets, person.rules, solution)
    for v in model.prob.variables():
        v.varValue = values[v.name]
    broken = [row for row, c in model.prob.constraints.items() if not c.valid(eps=1e-6)]
    assert broken == []
    assert 7 * pulp.value(model.prob.objective) == pytest.approx(solution.objective, rel=1e-9)
    assert solution.bound is not None and solution.bound <= solution.objective


def test_a_near_miss_is_closed_by_planning_one_day_again():
    foods = load_foods()
    person = prepare(load_dishes(foods), Profile(age=45, sex="female"), rules=Rules())
    data, rules = person.data, person.rules
    days = list(range(1, 8))
    menus = week.plan_days(data, person.targets, rules, days, improve_days=False).menus
    have = menus_amount(data, menus, "vitamin_d_ug")
    targets = replace(person.targets, vitamin_d_ug=have / 7 * 1.005)  # the week misses by 0.5 %
    before = week.week_objective(data, targets, rules, menus)
    closed = week.close_near_misses(data, targets, rules, menus, (), budget=None, slot_banned=(), solver_rules=Rules())
    assert menus_amount(data, closed, "vitamin_d_ug") >= targets.vitamin_d_ug * 7
    assert sum(closed[d] != menus[d] for d in days) == 1
    assert week.week_objective(data, targets, rules, closed) <= before + menu.shortfall_weight("vitamin_d_ug") * near_misses.NEAR_MISS_SHARE
    far = replace(person.targets, vitamin_d_ug=have / 7 * 1.05)  # 5 % short: not a near miss, left as it is
    assert week.close_near_misses(data, far, rules, menus, (), budget=None, slot_banned=(), solver_rules=Rules()) == menus


def test_a_fish_dinner_left_over_for_lunch_counts_twice_against_the_pregnancy_cap():
    """A day whose dinner is eaten again at tomorrow's lunch (``DayContext.fish_dinner_twice``) keeps its fish
    within the cap with the dinner's fish twice. (Before, a fish dinner could take the whole cap, and the next day,
    whose lunch it is, had no menu at all.) Room for one serving of fish and none at lunch: a fish dinner fits
    on its own, not with its leftover."""
    foods = load_foods()
    profile = Profile(age=31, sex="female", diet="pescatarian", status="pregnancy")
    person = prepare(load_dishes(foods), profile, rules=Rules())
    data = person.data
    model = DayModel(data, person.targets, person.rules, None, Rules())
    fish_mains = [i for i in range(len(data.ids)) if data.fish[i] and data.roles["main"][i]]
    room_g = 1.2 * min(float(data.fish_g[i]) for i in fish_mains)
    no_fish_lunch = frozenset(("lunch", i) for i in fish_mains)
    alone = model.solve(DayContext(need_fish=True, fish_g_max=room_g, slot_banned=no_fish_lunch), 1,
                        max_nodes=3000, options={}, max_steps=1)
    assert alone is not None and any(s == "dinner" and data.fish[i] for s, _r, i, _p in alone)
    twice = model.solve(DayContext(need_fish=True, fish_g_max=room_g, slot_banned=no_fish_lunch,
                                   fish_dinner_twice=True), 1, max_nodes=3000, options={}, max_steps=1)
    assert twice is None


def test_a_two_day_plan_is_improved_once(monkeypatch):
    """Improving a 2-day plan plans its leftover pair, the whole plan, again: that must not improve again (it
    recursed until the stack ran out, and the plan lost its favourite dish)."""
    foods = load_foods()
    person = prepare(load_dishes(foods), Profile(age=40, sex="female"), rules=Rules())
    calls = []
    real = week.improve
    monkeypatch.setattr(week, "improve", lambda *a, **k: calls.append(1) or real(*a, **k))
    solution = week.plan_days(person.data, person.targets, person.rules, [1, 2], leftover_days=week.leftover_days([1, 2], 2))
    assert len(calls) == 1 and sorted(solution.menus) == [1, 2] and solution.leftovers


def test_planning_the_next_day_ahead_on_a_second_core_gives_the_week_one_core_gives(monkeypatch):
    """improve() guesses the next unit on a second core; a guess is used only while the week is unchanged, so the
    week is exactly the one the single-core pass makes (a stale guess kept would show as a different week)."""
    profile, rules = PROFILES["pregnant_28_nut_free"]  # its pass keeps 7 of 9 changes: many guesses are stale
    foods = load_foods()
    person = prepare(load_dishes(foods), profile, rules=rules)
    days = list(range(1, 8))
    leftover_days = week.leftover_days(days, person.rules.leftovers_per_week)

    def planned(threads: int) -> week.WeekSolution:
        monkeypatch.setattr(week, "IMPROVE_THREADS", threads)
        monkeypatch.setattr(week, "_cores", lambda: 2)
        return week.plan_days(person.data, person.targets, person.rules, days, leftover_days=leftover_days)

    ahead, alone = planned(2), planned(3)
    assert ahead.menus == alone.menus
    assert ahead.objective == alone.objective


def test_a_dinner_left_over_for_lunch_counts_its_fruit_on_two_days():
    """A main with a fruit, cooked for tonight and tomorrow's leftover lunch, adds two days of that fruit: with the
    fruit on all but one of its weekly days already, it is no dinner before a leftover day (the average-day rows
    caught a pescatarian's week over the cap this way); with one day fewer, it is."""
    from planner import fruit_days

    foods = load_foods()
    person = prepare(load_dishes(foods), Profile(age=45, sex="female"), rules=Rules())
    data, rules = person.data, person.rules
    main = next(int(i) for i in data.candidates("main") if data.fruits[i])
    fruit = min(data.fruits[main])
    snack = next(int(i) for i in data.candidates("snack") if fruit in data.fruits[i])
    most = menu.days_allowed(menu.FRUIT_DAYS_PER_WEEK_MAX, rules.days)
    seen = {d: (("snack", "snack", snack, 1.0),) for d in range(1, most)}  # the fruit on most - 1 days
    assert ("dinner", main) in fruit_days.twice_banned(data, rules, seen, day=5)
    assert ("dinner", main) not in fruit_days.twice_banned(data, rules, dict(list(seen.items())[1:]), day=5)
