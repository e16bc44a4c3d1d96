"""planner/ics.py and `magplan export`: a real 2-day plan as an RFC 5545 calendar, read back with icalendar."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from cli import main
from planner.errors import ExportError
from planner.export import dish_steps
from planner.plan_text import portions_text, slot_label
from planner.ics import DEFAULT_MEAL_TIMES, MEAL_MINUTES, PRODID, parse_start, parse_times, plan_to_ics
from planner.plan_format import write_plan

ROOT = Path(__file__).resolve().parents[1]
START = date(2026, 12, 7)


def events(text: str) -> list:
    return list(Calendar.from_ical(text).walk("VEVENT"))


def meals(plan) -> list:
    return [(d, m) for d in plan.days for m in d.meals if m.dishes]


@pytest.fixture(scope="module")
def ics(two_day_plan, shipped_dishes) -> str:
    return plan_to_ics(two_day_plan, START, dishes=shipped_dishes)


# --- the calendar ------------------------------------------------------------------------------------
def test_one_event_per_meal_at_its_day_and_time(two_day_plan, ics):
    evs = events(ics)
    planned = meals(two_day_plan)
    assert len(evs) == len(planned) >= 6  # breakfast, lunch, dinner and a snack on each of 2 days
    assert ics.count("\r\nBEGIN:VEVENT\r\n") == len(planned)  # counted on the raw text too
    for ev, (day, meal) in zip(evs, planned):
        begin, end = ev.decoded("dtstart"), ev.decoded("dtend")
        assert begin == datetime.combine(START + timedelta(days=day.day - 1), DEFAULT_MEAL_TIMES[meal.slot])
        assert begin.tzinfo is None and "TZID" not in ics  # floating local time
        assert end - begin == timedelta(minutes=MEAL_MINUTES[meal.slot])
        left = " (leftovers)" if meal.leftover_from is not None else ""
        assert str(ev["summary"]).startswith(f"{slot_label(meal.slot)}{left}: ")


def test_summary_names_dishes_and_portions_and_description_has_magnesium_ingredients_and_steps(
        two_day_plan, shipped_dishes, ics):
    for ev, (day, meal) in zip(events(ics), meals(two_day_plan)):
        summary, text = str(ev["summary"]), str(ev["description"])
        meal_mg = sum(i.magnesium_mg or 0.0 for i in meal.items)
        assert f"Magnesium: {meal_mg:,.0f} mg in this meal; day {day.day}: {day.totals['magnesium_mg']:,.0f} mg " \
               f"of {two_day_plan.targets.magnesium_mg:,.0f} mg target." == text.splitlines()[0]
        for dish in meal.dishes:
            assert f"{dish.name} ({portions_text(dish.portions)})" in summary
            for item in dish.ingredients:
                assert f": {item.name}, " in text  # 'measure: name, grams g'
            steps, _ready = dish_steps(shipped_dishes, dish.dish_id)
            # a recipe has steps; a single food (a glass of milk, a kiwi) is a dish of one ingredient without
            assert steps or len(dish.ingredients) == 1, f"{dish.dish_id} has steps in the library"
            if steps:
                assert f"1. {steps[0]}" in text and f"{len(steps)}. {steps[-1]}" in text


def test_file_is_rfc5545_shaped(ics):
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert "\n" not in ics.replace("\r\n", "")  # CRLF line ends only
    assert max(len(line.encode()) for line in lines) <= 75  # long lines folded
    assert f"PRODID:{PRODID}" in lines and "VERSION:2.0" in lines
    cal = Calendar.from_ical(ics)
    for ev in cal.walk("VEVENT"):
        assert ev.decoded("dtstamp").utcoffset() == timedelta(0)  # DTSTAMP in UTC


def test_same_inputs_give_the_same_bytes_and_uids(two_day_plan, shipped_dishes, ics):
    again = plan_to_ics(two_day_plan, START, dishes=shipped_dishes)
    assert again == ics
    uids = [str(e["uid"]) for e in events(ics)]
    assert len(set(uids)) == len(uids)
    later = [str(e["uid"]) for e in events(plan_to_ics(two_day_plan, START + timedelta(days=7)))]
    assert not set(later) & set(uids)  # another week: other events


def test_a_changed_meal_keeps_its_uid_so_a_calendar_updates_it(two_day_plan, ics):
    day = two_day_plan.days[0]
    meal = day.meals[0]
    bigger = replace(meal, dishes=(replace(meal.dishes[0], portions=meal.dishes[0].portions + 0.5),
                                   *meal.dishes[1:]), items=())
    changed = replace(two_day_plan, days=(replace(day, meals=(bigger, *day.meals[1:])), *two_day_plan.days[1:]))
    before, after = events(ics), events(plan_to_ics(changed, START))
    assert [str(e["uid"]) for e in before] == [str(e["uid"]) for e in after]
    assert str(before[0]["summary"]) != str(after[0]["summary"])
    assert [str(e["summary"]) for e in before[1:]] == [str(e["summary"]) for e in after[1:]]


def test_meal_times_can_be_set(two_day_plan):
    times = parse_times("breakfast=06:05,dinner=19:45")
    assert times["breakfast"] == time(6, 5) and times["lunch"] == DEFAULT_MEAL_TIMES["lunch"]
    for ev, (day, meal) in zip(events(plan_to_ics(two_day_plan, START, times=times)), meals(two_day_plan)):
        assert ev.decoded("dtstart").time() == times[meal.slot]


@pytest.mark.parametrize("text, words", [
    ("dinner=25:00", "'25:00' is not a time of day"),
    ("dinner=18:60", "'18:60' is not a time of day"),
    ("dinner=7pm", "'7pm' is not a time of day"),
    ("dinner=", "'' is not a time of day"),
    ("brunch=10:00", "unknown meal 'brunch'"),
    ("dinner=18:00,dinner=19:00", "names dinner twice"),
    ("dinner", "is not SLOT=HH:MM"),
    ("", "is not SLOT=HH:MM"),
])
def test_bad_times_say_what_a_time_looks_like(text, words):
    with pytest.raises(ExportError, match=words) as err:
        parse_times(text)
    assert "\n" not in str(err.value) and "e.g." in str(err.value)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "tomorrow", "07.12.2026", "20261207", "", "2026-12-7"])
def test_a_start_that_is_not_a_date(text):
    with pytest.raises(ExportError, match="is not a date.*e.g. --start 2026-12-07"):
        parse_start(text)


def test_a_start_too_late_for_the_plan(two_day_plan):
    with pytest.raises(ExportError, match="after the year 9999"):
        plan_to_ics(two_day_plan, date(9999, 12, 31))


# --- magplan export ------------------------------------------------------------------------------------
@pytest.fixture
def plan_file(two_day_plan, tmp_path, shipped_dishes, monkeypatch) -> Path:
    """The plan as a file; the command reads the session's dish library instead of loading it again."""
    monkeypatch.setattr("cli.export.dish_library", lambda: shipped_dishes)
    path = tmp_path / "plan.json"
    write_plan(two_day_plan, path)
    return path


def test_export_ics_to_a_file(plan_file, two_day_plan, tmp_path, capsys):
    out = tmp_path / "week.ics"
    assert main(["export", str(plan_file), "--start", "2026-12-07", "--times", "lunch=13:00", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {out} (ics, {len(meals(two_day_plan))} meal events)" in err
    evs = events(out.read_text(encoding="utf-8"))
    assert len(evs) == len(meals(two_day_plan))
    lunch = next(e for e in evs if str(e["summary"]).startswith("Lunch: "))
    assert lunch.decoded("dtstart") == datetime(2026, 12, 7, 13, 0)
    first = out.read_bytes()
    assert main(["export", str(plan_file), "--format", "ics", "--start", "2026-12-07", "--times", "lunch=13:00",
                 "--out", str(out)]) == 0
    assert out.read_bytes() == first  # re-export: byte-identical


@pytest.mark.parametrize("fmt, check", [
    ("print-html", lambda t: t.startswith("<!DOCTYPE html>") and "size:landscape" in t and "Tue 8 Dec" in t),
    ("html", lambda t: t.startswith("<!DOCTYPE html>") and '<ol class="steps">' in t),
    ("markdown", lambda t: t.startswith("# Magnesium meal plan (2 days)")),
    ("csv", lambda t: t.startswith("day,slot,dish_id,")),
])
def test_export_other_formats_to_stdout(plan_file, capsys, fmt, check):
    assert main(["export", str(plan_file), "--format", fmt, "--start", "2026-12-07"]) == 0
    assert check(capsys.readouterr().out)


@pytest.mark.parametrize("args, words", [
    (["--start", "2026-12-32"], "--start '2026-12-32' is not a date"),
    (["--start", "next monday"], "--start 'next monday' is not a date"),
    (["--start", "2026-12-07", "--times", "dinner=25:00"], "'25:00' is not a time of day"),
    (["--start", "2026-12-07", "--times", "tea=16:00"], "unknown meal 'tea'"),
    ([], "--format ics needs --start"),
])
def test_export_bad_input_is_one_line_and_exit_2(plan_file, tmp_path, capsys, args, words):
    out = tmp_path / "week.ics"
    assert main(["export", str(plan_file), "--format", "ics", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("content, words", [
    (None, "file not found"),
    ('{"version": 2', "not valid JSON"),
    ('{"version": 2, "days": []}', "plan.profile"),
])
def test_export_a_missing_or_broken_plan_is_one_line(tmp_path, capsys, content, words):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    assert main(["export", str(path), "--format", "ics", "--start", "2026-12-07"]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_command_loads_the_real_dish_library(two_day_plan, tmp_path):
    """`python -m cli export` as a person runs it: the shipped library gives the recipes' steps."""
    plan = tmp_path / "plan.json"
    write_plan(two_day_plan, plan)
    out = tmp_path / "week.ics"
    proc = subprocess.run([sys.executable, "-m", "cli", "export", str(plan), "--start", "2026-12-07",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr
    text = out.read_text(encoding="utf-8")
    assert len(events(text)) == len(meals(two_day_plan))
    for ev, (_day, meal) in zip(events(text), meals(two_day_plan)):  # every meal with a recipe shows its steps
        recipe = any(len(x.ingredients) > 1 for x in meal.dishes)
        assert ("\nSteps:\n1. " in str(ev["description"])) == recipe


@pytest.mark.parametrize("today, monday", [
    (date(2026, 12, 7), date(2026, 12, 14)),  # a Monday: the week after
    (date(2026, 12, 6), date(2026, 12, 7)),  # a Sunday: tomorrow
    (date(2026, 12, 31), date(2027, 1, 4)),
])
def test_next_monday(today, monday):
    from planner.ics import next_monday

    assert next_monday(today) == monday
