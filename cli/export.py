"""``magplan export``: a saved plan as a calendar (.ics), a printable week, or Markdown / CSV / HTML.

Thin layer over planner.ics, planner.print_week and planner.export; the dish library is loaded only for
the recipes' steps.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from planner.errors import ExportError, MagplanError

FORMATS: tuple[str, ...] = ("ics", "print-html", "html", "markdown", "csv")
_SUFFIX_FORMAT = {".ics": "ics", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                  ".csv": "csv"}
NEEDS_STEPS = ("ics", "print-html", "html", "markdown")  # markdown: the evening-before and cook-once lines


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    p = sub.add_parser(
        "export", help="a plan as a calendar (.ics), a printable week, or Markdown / CSV / HTML",
        description="Write a plan JSON file as an iCalendar file with one event per meal (--format ics), a "
                    "printable week (--format print-html: the week grid on one landscape page, then one recipe "
                    "card per dish), or the plan as HTML with recipes, Markdown or CSV.")
    p.add_argument("plan", metavar="PLAN.json", help="a plan written by 'magplan plan'")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="ics, print-html, html, markdown or csv (default: from --out's extension, else markdown)")
    p.add_argument("--start", metavar="YYYY-MM-DD",
                   help="the date of the plan's day 1 (needed for ics; print-html shows the dates with it)")
    p.add_argument("--times", metavar="SLOT=HH:MM,...",
                   help="meal times for ics, e.g. breakfast=07:30,lunch=12:30,dinner=18:30,snack=15:30,evening=21:00 "
                        "(the defaults; meals not named keep theirs)")
    p.add_argument("--out", metavar="PATH", help="write here (default: standard output)")
    p.set_defaults(func=run_export)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return _SUFFIX_FORMAT.get(Path(args.out).suffix.lower(), "markdown") if args.out else "markdown"


def dish_library():
    """The dish library (shipped and the person's own) for the recipes' steps; None, said on stderr, if it
    cannot be loaded (the export goes on without steps)."""
    from foods.library_cache import library

    try:
        return library()[1]
    except MagplanError as exc:
        print(f"magplan: warning: the recipes' steps are left out: the dish library cannot be loaded ({exc})",
              file=sys.stderr)
        return None


def _render(fmt: str, plan, start: date | None, times, dishes) -> str:
    from planner import export

    if fmt == "ics":
        from planner.ics import plan_to_ics

        if start is None:
            raise ExportError("--format ics needs --start, the date of the plan's day 1, e.g. --start 2026-12-07")
        return plan_to_ics(plan, start, times=times, dishes=dishes)
    if fmt == "print-html":
        from planner.print_week import plan_to_print_html

        return plan_to_print_html(plan, dishes, start=start)
    if fmt == "html":
        return export.plan_to_html(plan, dishes)
    return export.plan_to_markdown(plan, dishes) if fmt == "markdown" else export.plan_to_csv(plan)


def run_export(args: argparse.Namespace) -> int:
    from planner.ics import calendar_meals, parse_start, parse_times
    from planner.plan_format import atomic_write_text, read_plan

    fmt = _format(args)
    start = parse_start(args.start) if args.start is not None else None  # bad input fails before any work
    times = parse_times(args.times)
    plan = read_plan(args.plan)
    text = _render(fmt, plan, start, times, dish_library() if fmt in NEEDS_STEPS else None)
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        atomic_write_text(args.out, text)
    except OSError as exc:
        raise ExportError(f"cannot write {args.out}: {exc.strerror or exc}; choose another --out path") from None
    what = f"{len(calendar_meals(plan))} meal events" if fmt == "ics" else f"{len(plan.days)} days"
    print(f"wrote {args.out} ({fmt}, {what})", file=sys.stderr)
    return 0
