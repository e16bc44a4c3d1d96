"""A household at one table: shared dinners, each person on their own targets, leftover lunches, the pantry.

The issue's household (Ann 45, Tom 47 vegetarian, Mia 8 who avoids peanuts) is planned once for 7 days and
checked by the independent checker (tests/dish_plan_checker.py) person by person from the USDA rows.
"""
from __future__ import annotations

import json
from datetime import date
from dataclasses import replace
import re
import pytest

from cli import main
from dish_plan_checker import check_household_plan, person_view, reference
from foods.load import usda_foods
from planner.errors import PlanError, ProfileError
from planner.household import Member, check_members, member_from_fields, plan_household, read_household
from planner.people import person_plan
from planner.model import Profile, Rules
from planner.plan_format import plan_from_json, plan_to_json
from planner.shopping import shopping_list

ANN = Member("Ann", Profile(age=45, sex="female"))
TOM = Member("Tom", Profile(age=47, sex="male", diet="vegetarian"))
MIA = Member("Mia", Profile(age=8, sex="female", avoid_allergens=("peanuts",)))


@pytest.fixture(scope="module")
def ref(curated, shipped_dishes):
    return reference(usda_foods(), curated, shipped_dishes.dishes, shipped_dishes.ingredients)


@pytest.fixture(scope="module")
def week(household_week):
    """The issue's household, 7 days, shared dinners, 2 leftover lunches (tests/conftest.py)."""
    assert [p.name for p in household_week.people] == [m.name for m in (ANN, TOM, MIA)]
    return household_week


def test_the_household_week_holds_every_rule_for_every_person(week, ref):
    assert [p.name for p in week.people] == ["Ann", "Tom", "Mia"]
    assert check_household_plan(week, ref) == []


def test_each_person_meets_their_own_magnesium_target_every_day(week, ref):
    for person in week.people:
        view = person_view(ref, week, person.name)
        for day in view.days:
            assert day.totals["magnesium_mg"] >= person.targets.magnesium_mg - 1e-3, (person.name, day.day)
    assert {p.name: p.targets.magnesium_mg for p in week.people} == {"Ann": 320, "Tom": 420, "Mia": 130}


def test_dinner_is_one_dish_for_everyone_and_the_rest_is_personal(week):
    for day in week.days:
        dinners = [m for m in day.meals if m.slot == "dinner"]
        assert len(dinners) == 1 and dinners[0].person is None
        for dish in dinners[0].dishes:
            assert set(dish.portions_by_person) == {"Ann", "Tom", "Mia"}
            assert dish.portions == pytest.approx(sum(dish.portions_by_person.values()))
        breakfasts = [m for m in day.meals if m.slot == "breakfast"]
        assert sorted(m.person for m in breakfasts) == ["Ann", "Mia", "Tom"]


def test_two_lunches_are_the_previous_dinner_for_everyone(week):
    leftover_days = sorted({d.day for d in week.days for m in d.meals if m.leftover_from is not None})
    assert len(leftover_days) == 2
    for n in leftover_days:
        dinner = next(m for m in week.day(n - 1).meals if m.slot == "dinner").dishes[0].dish_id
        lunches = [m for m in week.day(n).meals if m.slot == "lunch"]
        assert len(lunches) == 3
        assert all(m.leftover_from.day == n - 1 and m.dishes[0].dish_id == dinner for m in lunches)


def test_totals_by_person_are_what_each_person_eats(week):
    for person in week.people:
        view = person_plan(week, person.name)
        for day, own in zip(week.days, view.days):
            assert day.totals_by_person[person.name]["magnesium_mg"] == pytest.approx(own.totals["magnesium_mg"],
                                                                                     abs=1e-3)
    notes = person_plan(week, "Mia").notes
    assert not any(n.startswith(("Ann: ", "Tom: ")) for n in notes)


def test_the_household_plan_round_trips_exactly(week):
    text = plan_to_json(week)
    d = json.loads(text)
    assert [p["name"] for p in d["people"]] == ["Ann", "Tom", "Mia"]
    assert "totals_by_person" in d["days"][0]
    again = plan_from_json(text)
    assert again == week and plan_to_json(again) == text


def test_the_shopping_list_buys_each_shared_dinner_once(week, curated):
    """Each person's share of the shared dishes adds up to the household's list: a dinner is bought once for
    all its portions, not once per person."""
    def needed(plan) -> dict[str, float]:
        return dict(zip(shopping_list(plan, curated).rows["product"], shopping_list(plan, curated).rows["needed_g"]))

    household = needed(week)
    shares: dict[str, float] = {}
    for person in week.people:
        for product, grams in needed(person_plan(week, person.name)).items():
            shares[product] = shares.get(product, 0.0) + grams
    assert household.keys() == shares.keys()
    for product, grams in household.items():
        assert grams == pytest.approx(shares[product], rel=1e-3, abs=0.05), product


def test_a_vegetarian_in_the_household_makes_every_dinner_vegetarian(week, ref):
    for day in week.days:
        dinner = next(m for m in day.meals if m.slot == "dinner")
        for dish in dinner.dishes:
            assert "vegetarian" in str(ref.dishes.at[dish.dish_id, "diet_tags"]), dish.dish_id


# --- bad input ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fields, message", [
    ([("agee", "45")], "unknown field 'agee'"),
    ([("age", "old")], "age='old' is not a whole number"),
    ([("age", "8"), ("status", "pregnancy")], "pregnancy reference values exist for ages 14-50, not 8"),
    ([("age", "45"), ("age", "46")], "age is given twice"),
    ([("avoid", "nuts")], "unknown allergen 'nuts'"),
    ([("target-mg", "1e9")], "target-mg 1000000000.0 is not a magnesium amount"),
])
def test_a_bad_person_field_is_named(fields, message):
    with pytest.raises(ProfileError, match="person 'Mia'") as err:
        member_from_fields("Mia", fields)
    assert message in str(err.value)


def test_a_list_field_may_repeat():
    mia = member_from_fields("Mia", [("age", "8"), ("avoid", "peanuts"), ("avoid", "soy"), ("kcal-min", "1300")])
    assert mia.profile.avoid_allergens == ("peanuts", "soy")
    assert mia.profile.overrides == {"energy_kcal_min": 1300.0}


@pytest.mark.parametrize("members, message", [
    ([], "1 to 8 people, not 0"),
    ([Member(f"P{n}", Profile()) for n in range(9)], "1 to 8 people, not 9"),
    ([ANN, Member("Ann", Profile())], "two people are called 'Ann'"),
    ([ANN, Member(" ", Profile())], "a person has no name"),
])
def test_a_bad_household_is_refused(members, message):
    with pytest.raises(ProfileError, match=message):
        check_members(members)


def test_a_household_whose_shared_dinner_leaves_no_dish_says_so(curated, shipped_dishes):
    vegan = Member("Vic", Profile(diet="vegan", avoid_allergens=("soy", "gluten")))
    no_oil = Member("Olga", Profile(exclude_foods=("olive_oil", "canola_oil")))
    with pytest.raises(PlanError, match="no main dish suits everyone for a shared dinner: Vic \\(vegan, avoids soy, "
                                        "gluten\\), Olga \\(omnivore\\)"):
        plan_household(shipped_dishes, curated, [vegan, no_oil], rules=Rules(days=2))


def test_the_household_file_reads_toml_and_json(tmp_path):
    toml = tmp_path / "home.toml"
    toml.write_text('shared = ["lunch", "dinner"]\nleftovers = 1\n\n[[person]]\nname = "Ann"\nage = 45\n\n'
                    '[[person]]\nname = "Mia"\nage = 8\navoid = ["peanuts", "soy"]\n', encoding="utf-8")
    members, settings = read_household(toml)
    assert [m.name for m in members] == ["Ann", "Mia"] and members[1].profile.avoid_allergens == ("peanuts", "soy")
    assert settings == {"shared": ["lunch", "dinner"], "leftovers": 1}
    js = tmp_path / "home.json"
    js.write_text(json.dumps({"people": [{"name": "Tom", "age": 47, "diet": "vegetarian"}]}), encoding="utf-8")
    assert read_household(js)[0][0].profile.diet == "vegetarian"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[person]]\nname = "Ann"\nagee = 4\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="person 'Ann': unknown field 'agee'"):
        read_household(bad)
    with pytest.raises(ProfileError, match="household file not found"):
        read_household(tmp_path / "none.toml")


@pytest.mark.parametrize("argv, message", [
    (["--person", "Ann:age=45", "--age", "40"], "--age describes one person"),
    (["--person", "Ann"], "write the name, a colon, then key=value pairs"),
    (["--person", "Ann:age=45", "--person", "Ann:age=40"], "two people are called 'Ann'"),
    (["--person", "Mia:age=8,status=lactation"], "person 'Mia': profile field 'status'"),
    (["--person", "Ann:age=45", "--shared", "brunch"], "cannot share 'brunch'"),
    (["--shared", "dinner"], "--shared is for a household"),
    (["--leftovers", "7"], "--leftovers 7 is not a whole number of leftover lunches a week from 0 to 6"),
    (["--person", "Ann:age=45", "--household", "x.toml"], "not both"),
])
def test_the_cli_refuses_a_bad_household_in_one_line(argv, message, capsys):
    assert main(["plan", "--days", "2", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_pantry_is_preferred_and_named(curated, shipped_dishes, tmp_path, capsys):
    """A 2-day plan for a person with oats and canned chickpeas at home names the pantry foods it uses."""
    pantry = tmp_path / "pantry.csv"
    pantry.write_text("food_or_product,amount,unit\noats_rolled_dry,500,g\nChickpeas, canned,2,can\nunicorn,1,g\n"
                      .replace("Chickpeas, canned", '"Chickpeas, canned"'), encoding="utf-8")
    out = tmp_path / "plan.json"
    assert main(["plan", "--days", "2", "--leftovers", "0", "--use-pantry", str(pantry), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "pantry: 'unicorn' is not a known food or product" in err
    plan = plan_from_json(out.read_text(encoding="utf-8"))
    used = sorted({(i.food_id, d.day) for d in plan.days for m in d.meals for i in m.items
                   if i.food_id in ("oats_rolled_dry", "chickpeas_canned")})
    note = next(n for n in plan.notes if n.startswith(("From your pantry", "No dish this week")))
    if not used:
        assert note == "No dish this week uses what is in your pantry."
    for food_id, day in used:
        name = curated.at[food_id, "name"]
        days_text = note.split(f"{name} (day", 1)[1].split(")", 1)[0]
        assert str(day) in re.findall(r"\d+", days_text), (name, note)


def test_a_child_is_served_less_than_an_adult(week):
    """Mia's energy range centres on 1,500 kcal: she is served about three quarters of an adult's portion."""
    def mean_portions(name: str) -> float:
        portions = [x.portions for d in person_plan(week, name).days for m in d.meals for x in m.dishes
                    if x.role == "main"]
        return sum(portions) / len(portions)

    assert mean_portions("Mia") < 0.9 < mean_portions("Ann")


@pytest.mark.parametrize("kcal, center", [((1200, 1800), 0.75), ((1800, 2200), 1.0), ((2200, 2800), 1.0),
                                          ((800, 1000), 0.5)])
def test_the_usual_portion_follows_the_energy_range(kcal, center):
    from planner.menu import portion_center
    from planner.targets import targets_for

    t = replace(targets_for(Profile()), energy_kcal_min=kcal[0], energy_kcal_max=kcal[1])
    assert portion_center(t) == center


def test_a_household_cooks_a_personal_meal_once_when_it_can(week):
    """People who eat the same dish at the same meal share a pot: the planner prefers it."""
    shared_personal = 0
    for day in week.days:
        for slot in ("breakfast", "snack"):
            dishes = [x.dish_id for m in day.meals if m.slot == slot and m.person for x in m.dishes]
            shared_personal += len(dishes) - len(set(dishes))
    assert shared_personal >= len(week.days)


def test_the_calendar_has_one_event_per_meal_eaten(week):
    """icalendar reads the week back: a shared meal is one event, a personal meal one per person."""
    from icalendar import Calendar

    from planner.ics import plan_to_ics

    events = [e for e in Calendar.from_ical(plan_to_ics(week, start=date(2026, 12, 7))).walk("VEVENT")]
    meals = sum(len(d.meals) for d in week.days)
    assert len(events) == meals and len({str(e["UID"]) for e in events}) == meals
    assert meals == 7 * 1 + sum(1 for d in week.days for m in d.meals if m.person)  # the shared dinner once a day
