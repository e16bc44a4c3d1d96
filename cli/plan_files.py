"""The plan file a command opens and the food table it checks the plan against (planner.verify).

Shared by the commands that read PLAN.json: the edits (``cli.swaps``), the shopping list, saved plans.
"""
from __future__ import annotations

import argparse
from typing import Sequence

import pandas as pd

from planner.errors import ChangeError
from planner.model import DISH_PLAN_VERSION, WeekPlan
from planner.plan_format import read_plan


def is_dish_plan(plan: WeekPlan) -> bool:
    return plan.version >= DISH_PLAN_VERSION


def load_plan_foods(extra: Sequence[str], food_ids: Sequence[str] = ()) -> pd.DataFrame:
    """Curated + user foods (foods.user.load_all_foods), plus each ``extra`` table, plus the USDA rows
    ('usda_<fdc_id>') that ``food_ids`` name and the tables lack."""
    from foods.load import combine, load_user_foods, with_usda_rows
    from foods.user import load_all_foods

    table = load_all_foods()
    for path in extra:
        table = combine(table, load_user_foods(path))
    return with_usda_rows(table, food_ids)


def load_food_table(args: argparse.Namespace, food_ids: Sequence[str] = ()) -> pd.DataFrame:
    """The food table for a command: curated (+ user foods) or all USDA, plus ``--foods CSV``, plus the USDA
    rows ('usda_<fdc_id>') that ``food_ids`` (a plan's foods) name and the tables lack."""
    import foods as foods_pkg

    extra = getattr(args, "foods", None)
    if getattr(args, "all_usda", False) and extra:
        raise ChangeError("use either --all-usda or --foods, not both (as for 'magplan plan')")
    if getattr(args, "all_usda", False):
        return foods_pkg.load_usda_foods()
    return load_plan_foods(extra if isinstance(extra, list) else [extra] if extra else [], food_ids)


def verified(plan: WeekPlan, args: argparse.Namespace) -> tuple[WeekPlan, pd.DataFrame]:
    """(``plan`` with every derived number checked against the command's food table, that table).

    Every command that shows, changes or exports a plan it opened goes through here (planner.verify).
    """
    from planner.verify import verify_plan

    if getattr(args, "all_usda", False) and is_dish_plan(plan):
        raise ChangeError("--all-usda is for version-1 plans; a plan made of dishes uses the dish library "
                          "(drop --all-usda)")
    table = load_food_table(args, [i.food_id for d in plan.days for m in d.meals for i in m.items])
    return verify_plan(plan, table), table


def read_verified_plan(args: argparse.Namespace) -> tuple[WeekPlan, pd.DataFrame]:
    """PLAN.json (``args.plan``) read and verified, and the food table it was verified with."""
    return verified(read_plan(args.plan), args)
