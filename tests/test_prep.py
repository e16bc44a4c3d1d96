"""Prep the evening before: day-old rice is cooked and chilled the evening before, overnight oats are started."""
from __future__ import annotations

from dataclasses import replace

import pytest

from foods.dishes import load_dishes
from foods.load import load_foods
from planner.dishplan import make_day, make_dish
from planner.export import plan_to_html, plan_to_markdown
from planner.model import LeftoverRef, Meal, Profile
from planner.prep import ahead_lines, prep_by_evening


@pytest.fixture(scope="module")
def kit():
    foods = load_foods()
    return foods, load_dishes(foods)


def _day(kit, n: int, breakfast: str, lunch: str, dinner: str, leftover: bool = False):
    foods, tables = kit
    meals = [Meal("breakfast", dishes=(make_dish(tables, foods, breakfast, "main", 1.0),)),
             Meal("lunch", dishes=(make_dish(tables, foods, lunch, "main", 1.25),),
                  leftover_from=LeftoverRef(day=n - 1) if leftover else None),
             Meal("dinner", dishes=(make_dish(tables, foods, dinner, "main", 1.0),))]
    return make_day(n, meals)


def _plan(kit, days):
    from planner.dishplan import plan_dish_week

    foods, tables = kit
    plan = plan_dish_week(tables, foods, Profile(age=45, sex="female"))
    return replace(plan, days=tuple(days))


def test_day_old_rice_and_overnight_oats_are_prepared_the_evening_before(kit):
    foods, tables = kit
    day2 = _day(kit, 2, "cocoa_overnight_oats_raspberry", "egg_fried_brown_rice_edamame",
                "rajma_brown_rice")
    lines = ahead_lines(day2, tables)
    assert len(lines) == 3  # in the order of the day
    assert lines[0].startswith("Start tomorrow's breakfast, Cocoa overnight oats")
    assert lines[1].startswith("Cook the brown rice for tomorrow's lunch, Egg fried brown rice")
    assert "1 1/4 cups cooked, 250 g" in lines[1] and "day-old" not in lines[1] and "fridge" in lines[1]
    assert lines[2].startswith("Soak the dried kidney beans for tomorrow's dinner, Rajma")
    assert "or use canned ones, rinsed" in lines[2]
    assert ahead_lines(day2, None) == lines[1:]  # without the library's steps only the ingredients speak


def test_a_leftover_lunch_and_a_tip_in_the_notes_need_nothing(kit):
    foods, tables = kit
    day = _day(kit, 2, "chocolate_buckwheat_porridge", "egg_fried_brown_rice_edamame",
               "shakshuka_whole_wheat_pita", leftover=True)
    assert "night before" in str(tables.dishes.at["chocolate_buckwheat_porridge", "notes"])
    assert ahead_lines(day, tables) == []


def test_the_markdown_and_the_printable_plan_say_it_on_the_evening_before(kit):
    foods, tables = kit
    days = [_day(kit, 1, "overnight_oats_chia_banana_soy", "rajma_brown_rice",
                 "shakshuka_whole_wheat_pita"),
            _day(kit, 2, "scrambled_eggs_spinach_toast", "egg_fried_brown_rice_edamame",
                 "shakshuka_whole_wheat_pita")]
    plan = _plan(kit, days)
    assert sorted(prep_by_evening(plan, tables)) == [0, 1]
    md = plan_to_markdown(plan, tables)
    assert md.index("**The evening before day 1:**") < md.index("## Day 1")
    day1 = md[md.index("## Day 1"):md.index("## Day 2")]
    assert "**Tonight, for day 2:**" in day1 and "Cook the brown rice for tomorrow's lunch" in day1
    html = plan_to_html(plan, tables)
    assert "Tonight, for day 2" in html and "Start tomorrow&#x27;s breakfast" in html
