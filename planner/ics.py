"""The plan as an RFC 5545 calendar (the ``icalendar`` library): one event per meal.

A household plan: one event per shared meal (its description lists everyone's portions and each person's
day magnesium) and one per personal meal per person (the summary starts with the person's name, the UID
includes it). A leftover meal's description says whose meal it was cooked at.

An event's summary names the meal's dishes and portions; its description holds the meal's and the day's
magnesium, and for each dish its ingredients (the recipe's measure scaled to the portions, and grams) and
the recipe's steps.

Times are floating local times (no TZID): breakfast at 07:30 stays at 07:30 wherever the calendar is
opened, which is what a meal time means, and the file needs no time-zone table.

A UID names a meal's place in the calendar, not its dishes: the start date, the day number and the slot
(``sha256`` of them, ``@magplan``). Exporting the same plan again, or the plan after a swap, to the same
start date gives the same UIDs, so a calendar that matches events by UID updates them instead of adding
copies. Nothing depends on the clock: DTSTAMP is the start date at 00:00 UTC, so the same plan, start date
and times give a byte-identical file.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Mapping

from planner.errors import ExportError
from planner.batches import dish_steps
from planner.plan_text import dish_line, ingredient_line, magnesium_check, portions_text, slot_label
from planner.household_export import by_person_text, whose_leftover
from planner.model import PLAN_SLOTS, DayPlan, Meal, WeekPlan

if TYPE_CHECKING:  # pragma: no cover
    from foods.dishes import DishTables

PRODID = "-//magplan//Magnesium meal plan//EN"
UID_DOMAIN = "magplan"
DEFAULT_MEAL_TIMES: dict[str, time] = {
    "breakfast": time(7, 30), "lunch": time(12, 30), "snack": time(15, 30), "dinner": time(18, 30),
    "evening": time(21, 0),
}
MEAL_MINUTES: dict[str, int] = {"breakfast": 30, "lunch": 45, "snack": 15, "dinner": 60, "evening": 15}
TIMES_EXAMPLE = "breakfast=07:30,lunch=12:30,dinner=18:30,evening=21:00"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_start(text: str) -> date:
    """'2026-12-07' -> date; anything else -> ExportError saying what a start date looks like."""
    value = str(text).strip()
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ExportError(f"--start {text!r} is not a date; write the date of the plan's day 1 as YEAR-MONTH-DAY, "
                      "e.g. --start 2026-12-07")


def _clock(slot: str, text: str) -> time:
    m = _TIME.match(text.strip())
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise ExportError(f"--times {slot}={text}: {text!r} is not a time of day; write 24-hour HH:MM from 00:00 to "
                      f"23:59, e.g. {slot}={DEFAULT_MEAL_TIMES.get(slot, time(12, 0)):%H:%M}")


def parse_times(text: str | None) -> dict[str, time]:
    """'breakfast=07:30,dinner=18:30' -> every slot's time (the ones not named keep DEFAULT_MEAL_TIMES)."""
    times = dict(DEFAULT_MEAL_TIMES)
    if text is None:
        return times
    seen: set[str] = set()
    for part in str(text).split(","):
        slot, sep, clock = part.partition("=")
        slot = slot.strip().lower()
        if not sep or not slot:
            raise ExportError(f"--times {text!r}: {part.strip()!r} is not SLOT=HH:MM; write e.g. --times {TIMES_EXAMPLE}")
        if slot not in PLAN_SLOTS:
            raise ExportError(f"--times {part.strip()}: unknown meal {slot!r}; the meals are "
                              f"{', '.join(PLAN_SLOTS)}, e.g. --times {TIMES_EXAMPLE}")
        if slot in seen:
            raise ExportError(f"--times names {slot} twice; give each meal one time, e.g. --times {TIMES_EXAMPLE}")
        seen.add(slot)
        times[slot] = _clock(slot, clock)
    return times


def next_monday(today: date) -> date:
    """The first Monday after ``today`` (a week planned ahead starts then)."""
    return today + timedelta(days=7 - today.weekday())


def day_date(start: date, day: int) -> date:
    """The calendar date of the plan's day ``day`` (day 1 is ``start``)."""
    try:
        return start + timedelta(days=day - 1)
    except OverflowError:
        raise ExportError(f"--start {start.isoformat()} puts day {day} after the year 9999; "
                          "choose an earlier start date") from None


def event_uid(start: date, day: int, slot: str, person: str | None = None) -> str:
    """A UID for the meal at (start date, day, slot[, person of a personal meal in a household]): the same
    place in the calendar gets the same UID (a shared or one-person meal's UID has no person in it)."""
    key = f"{start.isoformat()}|{day}|{slot}" + ("" if person is None else f"|{person}")
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def meal_summary(meal: Meal) -> str:
    """'Dinner: Red lentil dal (1 1/2 portions) + Green salad (1 portion)'."""
    dishes = " + ".join(f"{d.name} ({portions_text(d.portions)})" for d in meal.dishes)
    who = f"{meal.person} — " if meal.person is not None else ""
    left = " (leftovers)" if meal.leftover_from is not None else ""
    return f"{who}{slot_label(meal.slot)}{left}: {dishes}"


def _dish_text(meal: Meal, dishes: "DishTables | None") -> list[str]:
    lines: list[str] = []
    for dish in meal.dishes:
        steps, ready = dish_steps(dishes, dish.dish_id)
        lines += ["", dish_line(dish), "Ingredients:", *(f"- {ingredient_line(i)}" for i in dish.ingredients)]
        if steps:
            lines += ["Steps:", *(f"{n}. {s}" for n, s in enumerate(steps, 1))]
        if ready:
            lines.append(ready)
    return lines


def meal_description(plan: WeekPlan, day: DayPlan, meal: Meal, dishes: "DishTables | None" = None) -> str:
    """The meal's and the day's magnesium, then each dish with its ingredients and steps (plain text)."""
    known = [d.value("magnesium_mg") for d in meal.dishes]
    meal_mg = sum(v for v in known if v is not None)
    if plan.people:
        return "\n".join(household_lines(plan, day, meal, meal_mg) + _dish_text(meal, dishes))
    day_text, _met = magnesium_check(plan, day)
    lines = [f"Magnesium: {meal_mg:,.0f} mg in this meal; day {day.day}: {day_text}."]
    lines += [whose_leftover(plan, meal)] if meal.leftover_from is not None else []
    return "\n".join(lines + _dish_text(meal, dishes))


def household_lines(plan: WeekPlan, day: DayPlan, meal: Meal, meal_mg: float) -> list[str]:
    """A household meal's first lines: who eats which portions, each eater's day magnesium against their own
    target, and where a leftover meal was cooked."""
    from planner.household import person_plan

    index = plan.days.index(day)
    shared = [d for d in meal.dishes if d.portions_by_person]
    eaters = [meal.person] if meal.person is not None else list(dict.fromkeys(
        n for d in shared for n in d.portions_by_person))
    lines = [f"Magnesium: {meal_mg:,.0f} mg in this meal (everyone's portions together)." if shared
             else f"Magnesium: {meal_mg:,.0f} mg in this meal."]
    lines += [f"{d.name}: {by_person_text(d.portions_by_person)}." for d in shared]
    for name in eaters:
        view = person_plan(plan, name)
        lines.append(f"{name}, day {day.day}: {magnesium_check(view, view.days[index])[0]}.")
    return lines + ([whose_leftover(plan, meal)] if meal.leftover_from is not None else [])


def _event(plan: WeekPlan, start: date, day: DayPlan, meal: Meal, times: Mapping[str, time],
           dishes: "DishTables | None") -> "object":
    from icalendar import Event

    begin = datetime.combine(day_date(start, day.day), times[meal.slot])
    event = Event()
    event.add("uid", event_uid(start, day.day, meal.slot, meal.person))
    event.add("dtstamp", datetime.combine(start, time(0, 0), tzinfo=timezone.utc))
    event.add("dtstart", begin)
    event.add("dtend", begin + timedelta(minutes=MEAL_MINUTES.get(meal.slot, 30)))
    event.add("summary", meal_summary(meal))
    event.add("description", meal_description(plan, day, meal, dishes))
    event.add("categories", ["Meal"])
    return event


def calendar_meals(plan: WeekPlan) -> list[tuple[DayPlan, Meal]]:
    """The (day, meal) pairs that become events: every meal with a dish (an empty meal is no event). In a
    household plan a shared meal is one event and a personal meal one event for its person."""
    return [(day, meal) for day in plan.days for meal in day.meals if meal.dishes]


def plan_to_ics(plan: WeekPlan, start: date, *, times: Mapping[str, time] | None = None,
                dishes: "DishTables | None" = None) -> str:
    """An iCalendar document (CRLF lines) with one event per meal that has dishes; day 1 is on ``start``.

    ``times``: each slot's start time (default DEFAULT_MEAL_TIMES); ``dishes``: the dish library, for the
    recipes' steps (``tables.dishes`` with ``steps`` and ``minutes_total``).
    """
    from icalendar import Calendar

    clock = {**DEFAULT_MEAL_TIMES, **(times or {})}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Magnesium meal plan")
    for day, meal in calendar_meals(plan):
        cal.add_component(_event(plan, start, day, meal, clock, dishes))
    return cal.to_ical().decode("utf-8")


__all__ = [
    "DEFAULT_MEAL_TIMES", "MEAL_MINUTES", "PRODID", "calendar_meals", "day_date", "event_uid", "meal_description", "meal_summary",
    "next_monday", "parse_start", "parse_times", "plan_to_ics",
]
