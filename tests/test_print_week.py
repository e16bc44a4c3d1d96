"""planner/print_week.py: the week grid page and one recipe card per dish (the PDF check is in test_browser)."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date

from conftest import unbalanced_tags
from planner.export import dish_steps
from planner.plan_text import plan_slots, portions_text, slot_label
from planner.ics import day_date
from planner.cook_once import returns
from planner.print_week import DAYS_PER_PAGE, date_label, distinct_dishes, plan_to_print_html

START = date(2026, 12, 7)


def grid_part(page: str) -> str:
    return page[page.index('<section class="week">'):page.index('<div class="cards">')]


def test_grid_has_a_column_per_day_a_row_per_meal_and_each_days_magnesium(two_day_plan, shipped_dishes):
    page = plan_to_print_html(two_day_plan, shipped_dishes, start=START)
    assert unbalanced_tags(page) == []
    grid = grid_part(page)
    assert grid.count('<section class="week">') == 1
    assert "Day 1<br><span class=\"muted\">Mon 7 Dec</span>" in grid and "Tue 8 Dec" in grid
    assert "Mon 7 Dec – Tue 8 Dec 2026" in grid
    rows = re.findall(r"<tr><th class=\"slot\">([^<]+)</th>", grid)
    assert rows == [slot_label(s) for s in plan_slots(two_day_plan)]
    for day in two_day_plan.days:
        for dish in (x for m in day.meals for x in m.dishes):
            assert f"{html.escape(dish.name)}</span> <span class=\"portions\">{portions_text(dish.portions)}" in grid
    mg_row = grid[grid.index('<tr class="mg">'):]
    assert [f"{d.totals['magnesium_mg']:,.0f} mg" for d in two_day_plan.days] == re.findall(r"<td>([\d,]+ mg)", mg_row)
    assert "@page{size:landscape" in page


def test_one_card_per_distinct_dish_with_scaled_ingredients_and_steps(two_day_plan, shipped_dishes):
    page = plan_to_print_html(two_day_plan, shipped_dishes, start=START)
    cards = page[page.index('<div class="cards">'):].split('<div class="card">')[1:]
    distinct = distinct_dishes(two_day_plan, shipped_dishes)
    assert len(cards) == len(distinct) == len({(x.dish_id, x.portions) for d in two_day_plan.days
                                               for m in d.meals for x in m.dishes})
    for ret in returns(two_day_plan, shipped_dishes):  # cooked once for both days: one card, both meals
        card = next(c for c in cards if f"<h4>{html.escape(ret.first.dish.name)}</h4>" in c)
        assert f"Comes again on day {ret.later[0].day}: cook" in card and portions_text(ret.total) in card
    for card, (dish, where) in zip(cards, distinct):
        assert f"<h4>{html.escape(dish.name)}</h4>" in card
        assert portions_text(dish.portions) in card
        for item in dish.ingredients:  # the plan's amounts: already scaled to the portions
            assert f"{html.escape(item.name)} <span class=\"muted\">(" in card
        steps, _ready = dish_steps(shipped_dishes, dish.dish_id)
        assert card.count("<li>") >= len(dish.ingredients) + len(steps)
        assert steps or len(dish.ingredients) == 1  # only a single food (a glass of milk) has no steps
        if steps:
            assert html.escape(steps[-1]) in card
        day, slot = where[0]
        assert f"For day {day} {slot_label(slot).lower()} ({date_label(day_date(START, day))})" in card


def test_a_longer_plan_gets_one_grid_page_per_week(two_day_plan):
    days = tuple(replace(two_day_plan.days[n % 2], day=n + 1) for n in range(DAYS_PER_PAGE + 3))
    page = plan_to_print_html(replace(two_day_plan, days=days))
    assert page.count('<section class="week">') == 2
    assert "days 1–7" in page and "days 8–10" in page


def test_names_are_escaped(two_day_plan):
    day = two_day_plan.days[0]
    meal = day.meals[0]
    evil = replace(meal.dishes[0], name="<script>alert(1)</script> & co")
    plan = replace(two_day_plan, days=(replace(day, meals=(replace(meal, dishes=(evil,), items=()), *day.meals[1:])),))
    page = plan_to_print_html(plan)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert unbalanced_tags(page) == []
