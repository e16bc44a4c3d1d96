"""magplan swap / lock / unlock / exclude / regenerate / set-servings: change a saved JSON plan.

Every command reads PLAN.json and calls one function of ``planner.swaps``. Commands that change the plan
write the new plan to ``--out PATH`` (or back to PLAN.json with ``--in-place``) and print the list of items
that moved; with neither option the new plan's JSON goes to stdout and the change list to stderr, so
``magplan swap ... --to cashews > new.json`` works in a pipe. PLAN.json itself is never overwritten
unless ``--in-place`` is given. Locks are stored in the plan's JSON, so later commands keep them.

The food table is the curated table (plus the user's own foods when ``foods.user.load_all_foods`` is
available), ``--all-usda`` for the full USDA table, and ``--foods CSV`` adds a user table (as ``magplan
plan``). Use the same table the plan was made from.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from planner import swaps
from planner.cli import check_options
from planner.errors import ChangeError, PlanError, shell_quote
from planner.model import WeekPlan, plan_to_json, read_plan, write_plan


# --- shared helpers -------------------------------------------------------------------------------
def load_food_table(args: argparse.Namespace) -> pd.DataFrame:
    """The food table for a command: curated (+ user foods) or all USDA, plus ``--foods CSV``."""
    import foods as foods_pkg

    if getattr(args, "all_usda", False) and getattr(args, "foods", None):
        raise ChangeError("use either --all-usda or --foods, not both (as for 'magplan plan')")
    if getattr(args, "all_usda", False):
        table = foods_pkg.load_usda_foods()
    else:
        try:
            from foods.user import load_all_foods  # type: ignore[import-not-found]
        except ImportError:
            load_all_foods = None
        table = load_all_foods() if load_all_foods is not None else foods_pkg.load_foods()
    extra = getattr(args, "foods", None)
    if extra:
        table = foods_pkg.combine(table, foods_pkg.load_user_foods(Path(extra)))
    return table


def _add_table_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--foods", metavar="CSV", help="add a food table of your own (as for 'magplan plan')")
    p.add_argument("--all-usda", action="store_true", help="use the full USDA SR Legacy table "
                   "(for plans made with 'magplan plan --all-usda')")


def _add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--out", metavar="PATH", help="write the new plan here (default: JSON to stdout)")
    g.add_argument("--in-place", action="store_true", help="overwrite PLAN.json with the new plan")


def _add_plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan", metavar="PLAN.json", help="a plan written by 'magplan plan'")


def _emit(args: argparse.Namespace, plan: WeekPlan, lines: list[str]) -> int:
    """Write the new plan where asked and print ``lines`` (stdout when writing a file, else stderr)."""
    target = args.plan if args.in_place else args.out
    if target:
        write_plan(plan, target)
        for line in lines:
            print(line)
        print(f"wrote {target}")
    else:
        sys.stdout.write(plan_to_json(plan))
        for line in lines:
            print(line, file=sys.stderr)
    return 0


def _change_lines(result: swaps.ChangeResult) -> list[str]:
    if not result.changes:
        return ["no item changed"]
    return [f"{len(result.changes)} item(s) changed:"] + ["  " + c.describe() for c in result.changes]


def _plan_error_line(exc: PlanError) -> PlanError:
    """The optimizer's message plus its suggestions on one line (if the message does not have them)."""
    message = str(exc)
    suggestions = getattr(exc.explanation, "suggestions", None) or ()
    texts = [getattr(s, "text", str(s)) for s in suggestions]
    texts = [t for t in texts if t and t not in message]
    if texts:
        message = f"{message} Options: " + " | ".join(texts)
    return PlanError(" ".join(message.split()), explanation=exc.explanation)


def _run_change(args: argparse.Namespace, call) -> int:  # type: ignore[no-untyped-def]
    plan = read_plan(args.plan)
    table = load_food_table(args)
    try:
        result = call(plan, table)
    except PlanError as exc:
        raise _plan_error_line(exc) from None
    return _emit(args, result.plan, _change_lines(result))


# --- alternatives table ---------------------------------------------------------------------------
def format_alternatives(plan: WeekPlan, alt: pd.DataFrame, day: int, slot: str, food_id: str) -> str:
    """A plain-text table of ``swaps.alternatives`` output."""
    totals = plan.day(day).totals
    item = next(it for m in plan.day(day).meals if m.slot == slot for it in m.items if it.food_id == food_id)
    servings = f"{item.servings:g} serving" + ("" if item.servings == 1 else "s")
    head = (f"Alternatives for {item.name} ({food_id}, {servings}) at day {day} {slot}; "
            f"the day now has {totals.get('magnesium_mg', 0):.0f} mg magnesium (target "
            f"{plan.targets.magnesium_mg:.0f} mg), {totals.get('energy_kcal', 0):.0f} kcal, "
            f"${totals.get('cost_usd', 0):.2f}.")
    if plan.is_locked(day, slot, food_id):
        head += f"\nIt is locked: unlock it first (magplan unlock PLAN.json --day {day} --slot {shell_quote(slot)})."
    if alt.empty:
        return head + "\nNo food can replace it: none is eaten at this meal and allowed by the diet, " \
                      "allergens, exclusions and the weekly variety cap.\n"
    rows = [("#", "food_id", "servings", "day Mg mg (change)", "day kcal (change)", "day cost (change)", "fits",
             "role", "name")]
    for r in alt.itertuples(index=False):
        rows.append((str(r.rank), r.food_id, f"{r.servings:g}",
                     f"{r.day_magnesium_mg:.0f} ({r.delta_magnesium_mg:+.0f})",
                     f"{r.day_energy_kcal:.0f} ({r.delta_energy_kcal:+.0f})",
                     f"${r.day_cost_usd:.2f} ({r.delta_cost_usd:+.2f})",
                     "yes" if r.fits else "no", r.role, r.name))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [head, ""]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    unfit = [r for r in alt.itertuples(index=False) if not r.fits]
    if unfit:
        lines.append("")
        lines.append("'fits: no' means the day breaks a limit unless other items change "
                     "(a swap re-balances the rest of the day):")
        for r in unfit:
            lines.append(f"  {r.food_id}: {r.problems}")
    lines.append("")
    lines.append(f"Apply one with: magplan swap PLAN.json --day {day} --slot {shell_quote(slot)} --food "
                 f"{shell_quote(food_id)} --to FOOD_ID --out NEW.json")
    return "\n".join(lines) + "\n"


# --- commands -------------------------------------------------------------------------------------
def _cmd_swap(args: argparse.Namespace) -> int:
    if args.to is None:
        if args.out or args.in_place:
            raise ChangeError("--out/--in-place need --to NEW_FOOD_ID (without --to, swap lists alternatives)")
        plan = read_plan(args.plan)
        table = load_food_table(args)
        alt = swaps.alternatives(plan, table, args.day, args.slot, args.food, limit=args.limit)
        if args.format == "csv":
            from planner.export import frame_to_csv  # spreadsheet-safe cells (OWASP CSV injection)

            sys.stdout.write(frame_to_csv(alt))
        else:
            sys.stdout.write(format_alternatives(plan, alt, args.day, args.slot, args.food))
        return 0
    return _run_change(args, lambda p, f: swaps.swap(p, f, args.day, args.slot, args.food, args.to))


def _lock_lines(verb: str, args: argparse.Namespace, before: WeekPlan, after: WeekPlan) -> list[str]:
    what = f"day {args.day}" + (f" {args.slot}" if args.slot else "") + (f" {args.food}" if args.food else "")
    if before.locks == after.locks:
        return [f"nothing to {verb}: {what} " + ("was already locked" if verb == "lock" else "had no lock")]
    return [f"{verb}ed {what}", f"locks now: {len(after.locks)}"]


def _cmd_lock(args: argparse.Namespace) -> int:
    plan = read_plan(args.plan)
    fn = swaps.lock if args.command == "lock" else swaps.unlock
    new = fn(plan, args.day, args.slot, args.food)
    return _emit(args, new, _lock_lines(args.command, args, plan, new))


def _cmd_exclude(args: argparse.Namespace) -> int:
    return _run_change(args, lambda p, f: swaps.exclude(p, f, args.food))


def _cmd_regenerate(args: argparse.Namespace) -> int:
    return _run_change(args, lambda p, f: swaps.regenerate(p, f, day=args.day, slot=args.slot))


def _cmd_set_servings(args: argparse.Namespace) -> int:
    check_options(args, (("servings", "servings"),), ChangeError)
    return _run_change(args, lambda p, f: swaps.set_servings(p, f, args.day, args.slot, args.food,
                                                              args.servings))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, e.g. 10") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1")
    return value


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add swap, lock, unlock, exclude, regenerate and set-servings to the magplan parser."""
    p = sub.add_parser("swap", help="list alternatives for a food of a plan, or swap it (--to)",
                       description="Without --to: print ranked alternatives for one item. With --to: replace "
                                   "it and re-balance the unlocked rest of that day; other days stay as they are.")
    _add_plan(p)
    p.add_argument("--day", type=int, required=True, help="day number, e.g. 2")
    p.add_argument("--slot", required=True, help="meal slot: breakfast, lunch, dinner or snack")
    p.add_argument("--food", required=True, metavar="FOOD_ID", help="the food to replace")
    p.add_argument("--to", metavar="NEW_FOOD_ID", help="the food to put in its place")
    p.add_argument("--limit", type=_positive_int, default=10, help="how many alternatives to list (default 10)")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="alternatives as a table or CSV")
    _add_output_options(p)
    _add_table_options(p)
    p.set_defaults(func=_cmd_swap)

    for name, text in (("lock", "lock a day, a meal or one food so re-planning never changes it"),
                       ("unlock", "remove the locks inside a day, a meal or on one food")):
        p = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        _add_plan(p)
        p.add_argument("--day", type=int, required=True, help="day number, e.g. 2")
        p.add_argument("--slot", help="meal slot (omit for the whole day)")
        p.add_argument("--food", metavar="FOOD_ID", help="one food of that meal (needs --slot)")
        _add_output_options(p)
        p.set_defaults(func=_cmd_lock)

    p = sub.add_parser("exclude", help="never suggest a food again; re-plans the days that used it",
                       description="Ban a food from the plan and re-plan the days that used it.")
    _add_plan(p)
    p.add_argument("--food", required=True, metavar="FOOD_ID", help="the food to exclude")
    _add_output_options(p)
    _add_table_options(p)
    p.set_defaults(func=_cmd_exclude)

    p = sub.add_parser("regenerate", help="a different meal or day (unlocked parts only)",
                       description="Replace the unlocked foods of one meal (--slot) or one whole day with "
                                   "different ones; everything else stays.")
    _add_plan(p)
    p.add_argument("--day", type=int, required=True, help="day number, e.g. 2")
    p.add_argument("--slot", help="meal slot (omit to regenerate the whole day)")
    _add_output_options(p)
    _add_table_options(p)
    p.set_defaults(func=_cmd_regenerate)

    p = sub.add_parser("set-servings", help="set a food's servings by hand, then re-balance that day",
                       description="Set one item's servings (0 removes it) and re-balance the unlocked rest "
                                   "of that day.")
    _add_plan(p)
    p.add_argument("--day", type=int, required=True, help="day number, e.g. 2")
    p.add_argument("--slot", required=True, help="meal slot")
    p.add_argument("--food", required=True, metavar="FOOD_ID", help="the food to change")
    p.add_argument("--servings", type=float, required=True, help="new servings, a multiple of the step (0.5)")
    _add_output_options(p)
    _add_table_options(p)
    p.set_defaults(func=_cmd_set_servings)
