"""Every writer of a plan with a real 2-day household plan (Ann, Tom, Mia; shared dinners; a leftover lunch):
Markdown, CSV, HTML, the calendar, the printable week and the shopping list with its batch notes."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from icalendar import Calendar

from planner.batches import plan_batches
from planner.export import BATCHES_TITLE, plan_to_csv, plan_to_html, plan_to_markdown, shopping_to_csv, shopping_to_html, shopping_to_markdown
from planner.household import person_plan
from planner.household_export import HOUSEHOLD_PLAN_CSV_COLUMNS, by_person_text
from planner.ics import event_uid, plan_to_ics
from planner.print_week import plan_to_print_html
from planner.quantities import fmt_qty
from planner.plan_text import slot_label
from planner.shopping import ShoppingError, shopping_list

START = date(2026, 12, 7)
NAMES = ("Ann", "Tom", "Mia")


def shared_meals(plan):
    return [(d, m) for d in plan.days for m in d.meals if m.person is None and m.dishes]


def personal_meals(plan):
    return [(d, m) for d in plan.days for m in d.meals if m.person is not None and m.dishes]


def test_the_fixture_is_a_household_with_shared_dinners_and_a_leftover_lunch(household_plan):
    assert tuple(p.name for p in household_plan.people) == NAMES
    assert {m.slot for _d, m in shared_meals(household_plan)} == {"dinner"}
    assert any(m.leftover_from is not None for _d, m in personal_meals(household_plan))


def test_markdown_lists_people_shared_meals_once_personal_meals_by_name_and_each_persons_checks(household_plan):
    text = plan_to_markdown(household_plan)
    for p in household_plan.people:
        assert f"- **{p.name}**: " in text and f"Magnesium {p.targets.magnesium_mg:,.0f} mg" in text
        assert f"## Co-nutrients of {p.name} (average a day over the plan)" in text
    assert text.count("### Dinner — everyone") == len(household_plan.days)
    for day, meal in shared_meals(household_plan):
        for dish in meal.dishes:
            assert f"For {by_person_text(dish.portions_by_person)}" in text
            assert set(dish.portions_by_person) == set(NAMES)
    for day, meal in personal_meals(household_plan):
        left = f" — leftovers of day {meal.leftover_from.day}'s dinner" if meal.leftover_from else ""
        assert f"### {slot_label(meal.slot)} — {meal.person}{left}" in text
    for i, day in enumerate(household_plan.days):  # each person's magnesium against their own target
        block = text[text.index(f"## Day {day.day}"):]
        block = block[:block.index("- Cost (everyone)")]
        for p in household_plan.people:
            mg = person_plan(household_plan, p.name).days[i].totals["magnesium_mg"]
            assert mg == pytest.approx(day.totals_by_person[p.name]["magnesium_mg"])
            assert f"- {p.name}: Magnesium {mg:,.0f} mg of {p.targets.magnesium_mg:,.0f} mg target" in block


def test_csv_has_a_person_column_empty_for_shared_dishes_and_a_leftover_marker(household_plan):
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(household_plan))))
    assert tuple(rows[0].keys()) == HOUSEHOLD_PLAN_CSV_COLUMNS
    expected = sum(len(dish.ingredients) for d in household_plan.days for m in d.meals for dish in m.dishes)
    assert len(rows) == expected
    shared = [r for r in rows if r["slot"] == "dinner"]
    assert shared and all(r["person"] == "" and r["portions_by_person"].startswith("Ann ") for r in shared)
    assert {r["person"] for r in rows if r["slot"] != "dinner"} == set(NAMES)
    leftovers = {(r["day"], r["person"], r["leftover_from"]) for r in rows if r["leftover_from"]}
    planned = {(str(d.day), m.person, f"day {m.leftover_from.day} dinner") for d, m in personal_meals(household_plan)
               if m.leftover_from}
    assert leftovers == planned and planned


def test_html_lists_people_and_each_persons_checks(household_plan):
    page = plan_to_html(household_plan)
    for p in household_plan.people:
        assert f"<li><strong>{p.name}</strong>: " in page
        # one check line a day (the person's safety note also starts "<li>Name: Magnesium from food ...")
        assert len(re.findall(rf"<li>{re.escape(p.name)}: Magnesium \d", page)) == len(household_plan.days)
    assert "<h3>Dinner — everyone</h3>" in page


def test_calendar_has_one_event_per_shared_meal_and_one_per_personal_meal_per_person(household_plan):
    text = plan_to_ics(household_plan, START)
    events = list(Calendar.from_ical(text).walk("VEVENT"))
    shared, personal = shared_meals(household_plan), personal_meals(household_plan)
    assert len(events) == len(shared) + len(personal)
    assert len({str(e["uid"]) for e in events}) == len(events)  # unique
    uids = {str(e["uid"]) for e in events}
    assert {event_uid(START, d.day, m.slot, m.person) for d, m in shared + personal} == uids  # stable
    texts = [(str(e["summary"]), str(e["description"])) for e in events]  # a summary can repeat on two days
    for day, meal in personal:
        description = next(d for s, d in texts if s.startswith(f"{meal.person} — {slot_label(meal.slot)}")
                           and d.count(f"{meal.person}, day {day.day}: ") == 1)
        if meal.leftover_from is not None:
            assert f"Leftovers of day {meal.leftover_from.day}'s shared dinner (Ann, Tom, Mia)" in description
    dinners = [d for s, d in texts if s.startswith("Dinner: ")]
    assert len(dinners) == len(shared)
    for d in dinners:
        assert all(f"{n}, day " in d for n in NAMES) and "Ann " in d.splitlines()[1]


def test_print_grid_shows_shared_dinner_once_with_portions_and_cards_cook_dinner_with_its_leftovers(household_plan):
    page = plan_to_print_html(household_plan, start=START)
    grid = page[:page.index('<div class="cards">')]
    assert 'class="week-grid household"' in grid
    for _day, meal in shared_meals(household_plan):
        for dish in meal.dishes:
            assert html.escape(by_person_text(dish.portions_by_person)) in grid
    assert all(f"<div>{n} " in grid for n in NAMES)  # each person's magnesium
    leftover = next(b for b in plan_batches(household_plan) if b.has_leftovers)
    tonight = sum(e.portions for e in leftover.eaten if not e.leftover)
    later = leftover.portions - tonight
    cook = f"Cook {fmt_qty(leftover.portions)} portions: {fmt_qty(tonight)} tonight, {fmt_qty(later)} for tomorrow&#x27;s lunch"
    assert cook in page
    card = page[page.index(cook) - 2000:page.index(cook)]
    assert f"<h4>{html.escape(leftover.dish.name)}</h4>" in card


def _grams_by_product(plan, foods):
    out: dict[str, float] = {}
    for day in plan.days:
        for meal in day.meals:
            for item in meal.items:
                food = foods.loc[item.food_id]
                key = " ".join(str(food["buy_as"]).split()).casefold()
                out[key] = out.get(key, 0.0) + item.grams * float(food["buy_g_per_g"])
    return out


def test_shopping_list_buys_each_cooked_dish_once_the_sum_of_the_plans_ingredients(household_plan, curated):
    sl = shopping_list(household_plan, curated)
    needed = {str(p).casefold(): g for p, g in zip(sl.rows["product"], sl.rows["needed_g"])}
    expected = _grams_by_product(household_plan, curated)
    assert needed.keys() == expected.keys()
    for key, grams in expected.items():
        assert needed[key] == pytest.approx(grams, rel=1e-6, abs=1e-3)
    # the batches hold every gram exactly once: a dinner and its leftover lunches are one pot, not two
    cooked: dict[str, float] = {}
    for batch in plan_batches(household_plan):
        for item in batch.cooked.ingredients:
            cooked[item.food_id] = cooked.get(item.food_id, 0.0) + item.grams
    eaten: dict[str, float] = {}
    for item in (i for d in household_plan.days for m in d.meals for i in m.items):
        eaten[item.food_id] = eaten.get(item.food_id, 0.0) + item.grams
    assert cooked.keys() == eaten.keys()
    assert all(cooked[f] == pytest.approx(g, rel=1e-4) for f, g in eaten.items())
    assert "the household (Ann, Tom, Mia)" in shopping_to_markdown(sl)
    with pytest.raises(ShoppingError, match="already for everyone"):
        shopping_list(household_plan, curated, people=3)


def test_batch_notes_say_what_the_recipe_makes_against_what_is_eaten(household_plan, curated, shipped_dishes):
    from dataclasses import replace

    from planner.household_export import batch_notes

    notes = [n for n in batch_notes(household_plan, shipped_dishes) if " comes again on " not in n]
    batches = [b for b in plan_batches(household_plan) if int(shipped_dishes.dishes.loc[b.dish.dish_id, "servings"]) > 1]
    assert len(notes) == len(batches) > 0
    leftover = next(b for b in batches if b.has_leftovers)
    note = next(n for n in notes if n.startswith(leftover.dish.name + ":"))
    assert f"day {leftover.day} dinner, day {leftover.day + 1} lunch" in note
    servings = int(shipped_dishes.dishes.loc[leftover.dish.dish_id, "servings"])
    assert f"{fmt_qty(leftover.portions)}" in note and str(servings) in note
    for n, b in zip(notes, batches):
        s = int(shipped_dishes.dishes.loc[b.dish.dish_id, "servings"])
        assert ("keep " in n) == (s > b.portions + 1e-6)
    sl = replace(shopping_list(household_plan, curated), batches=notes)
    md, page = shopping_to_markdown(sl), shopping_to_html(sl)
    assert f"## {BATCHES_TITLE}" in md and all(n.split(":")[0] in md for n in notes)
    assert f"<h2>{BATCHES_TITLE}</h2>" in page
    assert BATCHES_TITLE not in shopping_to_csv(sl)  # the CSV keeps one row per product


def test_a_main_cooked_again_later_can_be_cooked_once(two_day_plan, curated, shipped_dishes):
    """A dietitian counted 19 mains cooked twice from scratch in six weeks: the batch notes say the first cooking
    can make the later one's servings too, kept in the fridge up to 3 days later; later than that it is cooked again."""
    from dataclasses import replace

    from planner.dishplan import make_day, make_dish
    from planner.household_export import batch_notes
    from planner.model import Meal

    def day(n: int, dinner: str, portions: float):
        return make_day(n, [Meal("dinner", dishes=(make_dish(shipped_dishes, curated, dinner, "main", portions),))])

    plan = replace(two_day_plan, rules=replace(two_day_plan.rules, days=6),
                   days=(day(1, "rajma_brown_rice", 1.0), day(2, "shakshuka_whole_wheat_pita", 1.0),
                         day(3, "rajma_brown_rice", 1.25), day(4, "shakshuka_whole_wheat_pita", 1.0),
                         day(5, "rajma_brown_rice", 1.0), day(6, "salmon_cakes_sweet_potato_salad", 1.0)))
    again = [n for n in batch_notes(plan, shipped_dishes) if " comes again on " in n]
    assert again == ["Rajma (Punjabi kidney bean curry) with brown rice comes again on day 3: cook 2 1/4 servings on "
                     "day 1 and keep 1 1/4 in the fridge for day 3 (cooked food keeps 3 days in the fridge)",
                     "Shakshuka with whole-wheat pita comes again on day 4: cook 2 servings on day 2 and keep 1 in the "
                     "fridge for day 4 (cooked food keeps 3 days in the fridge)"]


def test_one_person_plan_shows_leftovers_and_keeps_its_shape(two_day_plan):
    text = plan_to_markdown(two_day_plan)
    assert "## Who" not in text and "everyone" not in text
    for day in two_day_plan.days:
        for meal in day.meals:
            if meal.leftover_from is not None:
                assert f"### Lunch — leftovers of day {meal.leftover_from.day}'s dinner" in text
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(two_day_plan))))
    assert "person" not in rows[0] and "leftover_from" in rows[0]
    marked = {r["day"] for r in rows if r["leftover_from"]}
    assert marked == {str(d.day) for d in two_day_plan.days for m in d.meals if m.leftover_from}
    assert re.search(r"^### Breakfast$", text, re.M)
