"""Prep the evening before: day-old rice is cooked and chilled, dried beans soaked, overnight oats started."""
from __future__ import annotations

from dataclasses import replace

import pytest

from foods.dishes import load_dishes
from foods.load import load_foods
from planner.dishplan import make_day, make_dish
from planner.export import plan_to_html, plan_to_markdown
from planner.model import LeftoverRef, Meal, Profile
from planner.prep import prep_by_evening

PLAIN_DAY = ("scrambled_eggs_spinach_toast", "salmon_cakes_sweet_potato_salad", "shakshuka_whole_wheat_pita")


@pytest.fixture(scope="module")
def kit():
    foods = load_foods()
    return foods, load_dishes(foods)


@pytest.fixture(scope="module")
def week(kit):
    from planner.dishplan import plan_dish_week

    foods, tables = kit
    return plan_dish_week(tables, foods, Profile(age=45, sex="female"))


def _day(kit, n: int, breakfast: str, lunch: str, dinner: str, leftover: bool = False):
    foods, tables = kit
    meals = [Meal("breakfast", dishes=(make_dish(tables, foods, breakfast, "main", 1.0),)),
             Meal("lunch", dishes=(make_dish(tables, foods, lunch, "main", 1.25),),
                  leftover_from=LeftoverRef(day=n - 1) if leftover else None),
             Meal("dinner", dishes=(make_dish(tables, foods, dinner, "main", 1.0),))]
    return make_day(n, meals)


def test_day_old_rice_dried_beans_and_overnight_oats_are_prepared_the_evening_before(kit, week):
    foods, tables = kit
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY),
                               _day(kit, 2, "cocoa_overnight_oats_raspberry", "egg_fried_brown_rice_edamame",
                                    "rajma_brown_rice")))
    prep = prep_by_evening(plan, tables)
    assert sorted(prep) == [1]  # day 1 needs nothing the evening before
    lines = prep[1]
    assert len(lines) == 3  # in the order of the day
    assert lines[0].startswith("For tomorrow's breakfast, Cocoa overnight oats") and "sets overnight" in lines[0]
    assert lines[1].startswith("For tomorrow's lunch, Egg fried brown rice with edamame and bok choy: cook the brown rice")
    assert "1 1/4 cups cooked, 250 g" in lines[1] and "day-old" not in lines[1] and "fridge" in lines[1]
    assert lines[2].startswith("For tomorrow's dinner, Rajma") and "soak dried kidney beans" in lines[2]
    assert "or use canned ones, rinsed" in lines[2]
    assert prep_by_evening(plan, None)[1] == lines[1:]  # without the library's steps only the ingredients speak


def test_a_dinner_cooked_with_tomorrows_leftover_lunch_is_prepared_for_both(kit, week):
    """The rice for fried rice at dinner (1 portion) and at tomorrow's leftover lunch (1 1/4): 2 1/4 portions.
    The leftover lunch needs nothing itself, nor does a tip in a dish's notes."""
    foods, tables = kit
    assert "night before" in str(tables.dishes.at["chocolate_buckwheat_porridge", "notes"])
    plan = replace(week, days=(_day(kit, 1, PLAIN_DAY[0], PLAIN_DAY[1], "egg_fried_brown_rice_edamame"),
                               _day(kit, 2, "chocolate_buckwheat_porridge", "egg_fried_brown_rice_edamame",
                                    PLAIN_DAY[2], leftover=True)))
    prep = prep_by_evening(plan, tables)
    assert sorted(prep) == [0]
    assert prep[0] == ["For tomorrow's dinner, Egg fried brown rice with edamame and bok choy: cook the brown rice "
                       "(2 1/4 cups cooked, 450 g), cool it within an hour and keep it in the fridge."]


def test_the_markdown_and_the_printable_plan_say_it_on_the_evening_before(kit, week):
    foods, tables = kit
    plan = replace(week, days=(_day(kit, 1, "overnight_oats_chia_banana_soy", *PLAIN_DAY[1:]),
                               _day(kit, 2, PLAIN_DAY[0], "egg_fried_brown_rice_edamame", PLAIN_DAY[2])))
    assert sorted(prep_by_evening(plan, tables)) == [0, 1]
    md = plan_to_markdown(plan, tables)
    assert md.index("**The evening before day 1:**") < md.index("## Day 1")
    day1 = md[md.index("## Day 1"):md.index("## Day 2")]
    assert "**Tonight, for day 2:**" in day1
    assert "For tomorrow's lunch, Egg fried brown rice with edamame and bok choy: cook the brown rice" in day1
    html = plan_to_html(plan, tables)
    assert "The evening before day 1" in html and "Tonight, for day 2" in html
    assert "For tomorrow&#x27;s breakfast, Overnight oats with chia" in html


def test_in_pregnancy_egg_dishes_carry_the_yolk_cue_and_binder_eggs_do_not(kit, week):
    """Eggs served as eggs (scrambled, a shakshuka's) carry the FDA's cue at the dish in a pregnant person's plan,
    in the Markdown and the printable plan; salmon cakes bound with a share of an egg do not, nor does any dish
    in another person's plan."""
    from planner.print_week import plan_to_print_html
    from planner.prep import YOLK_CUE, yolk_cue

    foods, tables = kit
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY),))
    pregnant = replace(plan, profile=replace(plan.profile, status="pregnancy"))
    cues = {x.dish_id: yolk_cue(pregnant, x) for m in pregnant.days[0].meals for x in m.dishes}
    assert cues == {PLAIN_DAY[0]: YOLK_CUE, PLAIN_DAY[1]: None, PLAIN_DAY[2]: YOLK_CUE}
    assert all(yolk_cue(plan, x) is None for m in plan.days[0].meals for x in m.dishes)
    md = plan_to_markdown(pregnant, tables)
    assert md.count(f"  - *{YOLK_CUE}*") == 2 and YOLK_CUE not in plan_to_markdown(plan, tables)
    shakshuka = md[md.index("Shakshuka"):]
    assert shakshuka.index(YOLK_CUE) < shakshuka.index("**Totals**")  # under the dish, not in the notes
    assert plan_to_html(pregnant, tables).count(YOLK_CUE) == 2
    assert plan_to_print_html(pregnant, tables).count(YOLK_CUE) == 2


def test_rice_pudding_gets_its_rice_cooked_the_evening_before(kit, week):
    """The rice pudding is made from cooked rice: a dietitian found nothing in the week cooked it."""
    foods, tables = kit
    day2 = _day(kit, 2, *PLAIN_DAY)
    pudding = Meal("snack", dishes=(make_dish(tables, foods, "brown_rice_pudding_cinnamon_raisins", "snack", 1.0),))
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY), make_day(2, [*day2.meals, pudding])))
    lines = prep_by_evening(plan, tables)[1]
    assert lines == ["For tomorrow's afternoon snack, Creamy brown rice pudding with cinnamon and raisins: cook the "
                     "brown rice (1/3 cup cooked, 60 g), cool it within an hour and keep it in the fridge."]


def test_beans_for_a_breakfast_or_a_small_amount_are_canned_first(kit, week):
    """Dried beans take an overnight soak and an hour or more of cooking: not before breakfast, nor for a few
    spoonfuls; the line says canned first, and a dinner's 190 g are still soaked."""
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY),
                               _day(kit, 2, "egg_pinto_bean_tacos", PLAIN_DAY[1], "rajma_brown_rice")))
    lines = prep_by_evening(plan, kit[1])[1]
    assert lines[0].startswith("For tomorrow's breakfast, Egg and pinto bean breakfast tacos: use canned pinto "
                               "beans (60 g), rinsed")
    assert lines[1].startswith("For tomorrow's dinner, Rajma") and "soak dried kidney beans (enough for 190 g" in lines[1]


def test_a_dish_that_comes_back_is_cooked_once_and_said_so_at_both_meals(kit, week):
    """A dietitian found salmon cakes made fresh on day 1 and day 4: the first meal says to cook the later
    servings too and chill them within 2 hours, the later one that it comes from the fridge, the evening before
    prepares for both (the rajma's beans soaked for 2 servings, none soaked for the later day), and the shopping
    list's batch notes count one batch. A dish back after more than 3 days is cooked again; in pregnancy a
    reheated serving is always steaming hot."""
    from planner.cook_once import meal_cues
    from planner.household_export import batch_notes

    foods, tables = kit
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY), _day(kit, 2, *PLAIN_DAY[:2], "rajma_brown_rice"),
                               _day(kit, 3, "egg_pinto_bean_tacos", "beef_pinto_bean_tacos", "chana_saag_brown_rice"),
                               _day(kit, 4, *PLAIN_DAY[:2], "rajma_brown_rice"),
                               _day(kit, 5, "egg_pinto_bean_tacos", "beef_pinto_bean_tacos", PLAIN_DAY[2])))
    cues = meal_cues(plan, tables)
    assert cues[(2, "dinner", "rajma_brown_rice")] == (
        "Comes again on day 4: cook 2 portions today; cool the extra and put it in the fridge within 2 hours for day "
        "4 (cooked food keeps 3 days in the fridge).")
    assert cues[(4, "dinner", "rajma_brown_rice")] == ("Made on day 2: 1 portion from the fridge; reheat it until "
                                                       "steaming if it is eaten hot.")
    assert (1, "dinner", PLAIN_DAY[2]) not in cues and (5, "dinner", PLAIN_DAY[2]) not in cues  # 4 days apart
    assert (1, "breakfast", PLAIN_DAY[0]) not in cues  # a one-serving recipe is cooked each time
    pregnant = replace(plan, profile=replace(plan.profile, sex="female", status="pregnancy"))
    assert "steaming hot, even a dish served cold" in meal_cues(pregnant, tables)[(4, "dinner", "rajma_brown_rice")]
    prep = prep_by_evening(plan, tables)
    assert any("Rajma" in x and "enough for 380 g cooked" in x for x in prep[1])  # for day 2 and day 4
    assert not any("Rajma" in x for x in prep.get(3, []))
    notes = [n for n in batch_notes(plan, tables) if n.startswith("Rajma")]
    assert len(notes) == 2 and "the plan eats 2 (day 2 dinner, day 4 dinner)" in notes[0]
    assert notes[1].endswith("cook 2 servings on day 2 and keep 1 in the fridge for day 4 (cooked food keeps 3 days "
                             "in the fridge)")
    text, page = plan_to_markdown(plan, tables), plan_to_html(plan, tables)
    for cue in (cues[(2, "dinner", "rajma_brown_rice")], cues[(4, "dinner", "rajma_brown_rice")]):
        assert f"  - *{cue}*" in text and cue in page


def test_overnight_oats_for_two_days_are_started_for_both(kit, week):
    """Overnight oats on day 2 and day 4 are one batch set on the evening of day 1, and that line says so (a
    dietitian found the batch size only at the breakfast, after the oats were set)."""
    plan = replace(week, days=(_day(kit, 1, *PLAIN_DAY),
                               _day(kit, 2, "cocoa_overnight_oats_raspberry", *PLAIN_DAY[1:]),
                               _day(kit, 3, *PLAIN_DAY),
                               _day(kit, 4, "cocoa_overnight_oats_raspberry", *PLAIN_DAY[1:])))
    lines = prep_by_evening(plan, kit[1])
    assert any("Cocoa overnight oats" in x and "start it tonight (2 servings: the plan serves it on 2 days)" in x
               for x in lines[1])
    assert not any("Cocoa overnight oats" in x for x in lines.get(3, []))


def test_a_leftover_lunch_and_a_cold_dish_get_the_same_storage_words(kit, week):
    """A dietitian found the fridge and reheat words only on dishes cooked for a later day, not on leftover lunches,
    and overnight oats told to be cooled and reheated: every stored meal gets them, a cold dish its own, and the
    printable week's card says how the later meal is served."""
    from planner.cook_once import meal_cues
    from planner.print_week import plan_to_print_html

    foods, tables = kit
    oats = "cocoa_overnight_oats_raspberry"
    plan = replace(week, profile=replace(week.profile, status="pregnancy"),
                   days=(_day(kit, 1, oats, PLAIN_DAY[1], "rajma_brown_rice"),
                         _day(kit, 2, PLAIN_DAY[0], "rajma_brown_rice", PLAIN_DAY[2], leftover=True),
                         _day(kit, 3, oats, PLAIN_DAY[1], "chana_saag_brown_rice")))
    cues = meal_cues(plan, tables)
    assert cues[(1, "dinner", "rajma_brown_rice")] == ("Cool the extra and put it in the fridge within 2 hours for the "
                                                       "leftover lunch.")
    assert cues[(2, "lunch", "rajma_brown_rice")].startswith("Left over from day 1: from the fridge; reheat it until "
                                                             "steaming hot, even a dish served cold")
    assert cues[(1, "breakfast", oats)].startswith("Comes again on day 3: make 2 portions today; keep the extra "
                                                   "covered in the fridge for day 3")
    assert cues[(3, "breakfast", oats)] == "Made on day 1: 1 portion from the fridge, eaten cold."
    page = plan_to_print_html(plan, tables)
    assert cues[(2, "lunch", "rajma_brown_rice")] in page and cues[(3, "breakfast", oats)] in page
    text = plan_to_markdown(plan, tables)
    assert all(f"*{cue}*" in text for cue in cues.values())
