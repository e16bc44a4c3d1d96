"""``magplan shopping-list``: what to buy for a saved plan (calls planner.shopping and planner.export)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cli.plan_files import read_verified_plan
from planner.errors import ShoppingError
from planner.model import WeekPlan

if TYPE_CHECKING:  # planner.shopping is imported by the command itself: 'magplan plan' does not need it
    from planner.shopping import ShoppingList

FORMATS: tuple[str, ...] = ("csv", "markdown", "html")
_SUFFIX_FORMAT = {".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    p = sub.add_parser(
        "shopping-list", help="what to buy for a plan, in whole purchase units, grouped by aisle",
        description="Turn a plan JSON file into a shopping list: one line per product, rounded up to units a "
                    "shop sells, grouped by aisle, minus your pantry, with estimated costs.")
    p.add_argument("plan", metavar="PLAN.json", help="a plan written by 'magplan plan'")
    p.add_argument("--days", metavar="DAYS", help="which days, e.g. '1-3,5' (default: all)")
    p.add_argument("--pantry", metavar="PANTRY.csv",
                   help="what you already have: columns food_or_product,amount,unit (g, kg, oz, lb, or 'bag', 'can' …)")
    p.add_argument("--people", metavar="N", default="1", help="number of people eating this plan (default 1)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="csv, markdown or html (default: from --out's extension, else markdown)")
    p.add_argument("--foods", metavar="CSV", action="append", default=[],
                   help="an extra food table whose foods the plan uses (can repeat)")
    p.add_argument("--out", metavar="PATH", help="write here (default: standard output)")
    p.set_defaults(func=run_shopping_list)


def _people(text: str) -> int:
    try:
        n = int(str(text).strip())
    except ValueError:
        raise ShoppingError(f"--people '{text}' is not a whole number; write e.g. --people 2") from None
    from planner.model import check_number

    return int(check_number(n, "people", "--people", ShoppingError))


def with_batch_notes(sl: ShoppingList, plan: WeekPlan, table: pd.DataFrame) -> ShoppingList:
    """The list with its 'Cook in batches / left over' lines (the dish library gives each recipe's servings;
    without it, said on stderr, the list goes on without them)."""
    from dataclasses import replace

    from foods.dishes import load_all_dishes
    from planner.household_export import batch_notes
    from planner.errors import MagplanError

    try:
        dishes = load_all_dishes(table)
    except MagplanError as exc:
        print(f"magplan: warning: no batch-cooking notes: the dish library cannot be loaded ({exc})", file=sys.stderr)
        return sl
    return replace(sl, batches=batch_notes(plan, dishes, sl.days))


def run_shopping_list(args: argparse.Namespace) -> int:
    from planner.export import shopping_to_csv, shopping_to_html, shopping_to_markdown
    from planner.plan_format import atomic_write_text
    from planner.shopping import read_pantry_csv, shopping_list

    people = _people(args.people)
    fmt = args.format
    if fmt is None:
        fmt = _SUFFIX_FORMAT.get(Path(args.out).suffix.lower(), "markdown") if args.out else "markdown"
    plan, table = read_verified_plan(args)
    pantry = read_pantry_csv(args.pantry) if args.pantry else None
    sl = shopping_list(plan, table, days=args.days, pantry=pantry, people=people)
    if fmt != "csv":
        sl = with_batch_notes(sl, plan, table)
    writer = {"csv": shopping_to_csv, "markdown": shopping_to_markdown, "html": shopping_to_html}[fmt]
    text = writer(sl)
    if args.out:
        try:
            atomic_write_text(args.out, text)
        except OSError as exc:
            raise ShoppingError(f"cannot write {args.out}: {exc.strerror or exc}; choose another --out path") from None
        print(f"wrote {args.out} ({len(sl.rows)} products, {sl.total_text()})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
