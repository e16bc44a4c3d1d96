"""magplan swap / lock / unlock / exclude / regenerate / set-portions / set-servings: change a saved JSON plan.

Every command reads PLAN.json and calls one library function: ``planner.edits`` for plans made of dishes
(format version 2, what 'magplan plan' writes), ``planner.swaps`` for the old food-level plans (version 1,
named with ``--food`` and changed with set-servings). Commands that change the plan write the new plan to
``--out PATH`` (or back to PLAN.json with ``--in-place``) and print the list of dishes (or items) that moved;
with neither option the new plan's JSON goes to stdout and the change list to stderr, so
``magplan swap ... --to OTHER_DISH > new.json`` works in a pipe. PLAN.json itself is never overwritten
unless ``--in-place`` is given. Locks are stored in the plan's JSON, so later commands keep them.

The food table is the curated table plus the user's own foods, and ``--foods CSV`` adds a user table (as
``magplan plan``); the dish library is the shipped one plus the user's dishes, built from that table.
``--all-usda`` is for version-1 plans made with it. Use the same tables the plan was made from.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from cli.options import check_options, whole_number_from_1
from cli.plan_files import is_dish_plan, read_verified_plan
from planner.errors import ChangeError, PlanError, shell_quote
from planner.model import WeekPlan
from planner.plan_format import plan_to_json, write_plan

if TYPE_CHECKING:
    from planner.changes import ChangeResult

# planner.swaps (version-1 plans) and planner.plan_text (CSV cells, spreadsheet-safe: OWASP CSV injection) are
# imported by the commands that use them: 'magplan plan' imports this module but needs neither.


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


def _change_lines(result: ChangeResult, what: str = "item(s)") -> list[str]:
    if not result.changes:
        return [f"no {what.split('(')[0]} changed"]
    return [f"{len(result.changes)} {what} changed:"] + ["  " + c.describe() for c in result.changes]


def _dish_tables(args: argparse.Namespace, foods: pd.DataFrame):  # type: ignore[no-untyped-def]
    """(dish tables, food table) for a dish plan: the library built from the same foods as 'magplan plan'."""
    from foods.dishes import load_all_dishes

    return load_all_dishes(foods), foods


def _target(args: argparse.Namespace, plan: WeekPlan, *, required: bool = True) -> str | None:
    """The dish (version 2: --dish) or food (version 1: --food) a command names."""
    dish, food = getattr(args, "dish", None), getattr(args, "food", None)
    if is_dish_plan(plan):
        if food is not None and dish is None:
            raise ChangeError("this plan is made of dishes: name the dish with --dish DISH_ID, not --food "
                              "(see the plan's dish_id values)")
        if required and dish is None:
            raise ChangeError("name the dish with --dish DISH_ID")
        return dish
    if dish is not None:
        raise ChangeError("this plan is a version-1 plan of foods: name the food with --food FOOD_ID, not --dish")
    if required and food is None:
        raise ChangeError("name the food with --food FOOD_ID")
    return food


def _plan_error_line(exc: PlanError) -> PlanError:
    """The optimizer's message plus its suggestions on one line (if the message does not have them)."""
    message = str(exc)
    suggestions = getattr(exc.explanation, "suggestions", None) or ()
    texts = [getattr(s, "text", str(s)) for s in suggestions]
    texts = [t for t in texts if t and t not in message]
    if texts:
        message = f"{message} Options: " + " | ".join(texts)
    return PlanError(" ".join(message.split()), explanation=exc.explanation)


def _run_change(args: argparse.Namespace, call, plan: WeekPlan, table: pd.DataFrame) -> int:  # type: ignore[no-untyped-def]
    """A version-1 change: ``call(plan, foods)`` through planner.swaps."""
    try:
        result = call(plan, table)
    except PlanError as exc:
        raise _plan_error_line(exc) from None
    return _emit(args, result.plan, _change_lines(result))


def _run_dish_change(args: argparse.Namespace, plan: WeekPlan, foods: pd.DataFrame, call) -> int:  # type: ignore[no-untyped-def]
    """A version-2 change: ``call(plan, tables, foods)`` through planner.edits."""
    tables, foods = _dish_tables(args, foods)
    try:
        result = call(plan, tables, foods)
    except PlanError as exc:
        raise _plan_error_line(exc) from None
    return _emit(args, result.plan, _change_lines(result, "dish(es)"))


# --- alternatives table ---------------------------------------------------------------------------
def _alternatives_head(plan: WeekPlan, day: int, slot: str, name: str, what_id: str, amount: float,
                       unit: str) -> str:
    """'Alternatives for NAME (ID, 1.5 portions) at day D SLOT; the day now has ...' (its totals as they are)."""
    totals = plan.day(day).totals
    amount_text = f"{amount:g} {unit}" + ("" if amount == 1 else "s")
    return (f"Alternatives for {name} ({what_id}, {amount_text}) at day {day} {slot}; "
            f"the day now has {totals.get('magnesium_mg', 0):.0f} mg magnesium (target "
            f"{plan.targets.magnesium_mg:.0f} mg), {totals.get('energy_kcal', 0):.0f} kcal, "
            f"${totals.get('cost_usd', 0):.2f}.")


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """The rows as text columns, each as wide as its widest cell, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def format_alternatives(plan: WeekPlan, alt: pd.DataFrame, day: int, slot: str, food_id: str) -> str:
    """A plain-text table of ``swaps.alternatives`` output."""
    item = next(it for m in plan.day(day).meals if m.slot == slot for it in m.items if it.food_id == food_id)
    head = _alternatives_head(plan, day, slot, item.name, food_id, item.servings, "serving")
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
    lines = [head, "", *_aligned(rows)]
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


ALTERNATIVE_FIELDS: tuple[str, ...] = (
    "rank", "dish_id", "name", "portions", "magnesium_mg", "energy_kcal", "cost_usd", "day_magnesium_mg",
    "day_energy_kcal", "day_cost_usd", "delta_magnesium_mg", "delta_energy_kcal", "delta_cost_usd", "fits",
    "problems",
)


def alternatives_frame(alts: list) -> pd.DataFrame:
    """``planner.dish_alternatives.alternatives`` as a table (``ALTERNATIVE_FIELDS``; problems joined by '; ')."""
    rows = [{"rank": n, **{f: getattr(a, f) for f in ALTERNATIVE_FIELDS[1:]}, "problems": "; ".join(a.problems)}
            for n, a in enumerate(alts, start=1)]
    return pd.DataFrame.from_records(rows, columns=list(ALTERNATIVE_FIELDS))


def money_text(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "?"
    return f"{x:+.2f}" if signed else f"${x:.2f}"


def format_dish_alternatives(plan: WeekPlan, alts: list, day: int, slot: str, dish_id: str) -> str:
    """A plain-text table of ``planner.dish_alternatives.alternatives`` output."""
    dish = next(x for m in plan.day(day).meals if m.slot == slot for x in m.dishes if x.dish_id == dish_id)
    head = _alternatives_head(plan, day, slot, dish.name, dish_id, dish.portions, "portion")
    if plan.is_locked(day, slot, dish_id):
        head += (f"\nIt is locked: unlock it first (magplan unlock PLAN.json --day {day} --slot {shell_quote(slot)} "
                 f"--dish {shell_quote(dish_id)}).")
    if not alts:
        return head + "\nNo dish can replace it: none of this role is allowed by the diet, allergens, " \
                      "exclusions and the week's variety rules.\n"
    rows = [("#", "dish_id", "portions", "day Mg mg (change)", "day kcal (change)", "day cost (change)", "fits",
             "name")]
    for n, a in enumerate(alts, start=1):
        rows.append((str(n), a.dish_id, f"{a.portions:g}", f"{a.day_magnesium_mg:.0f} ({a.delta_magnesium_mg:+.0f})",
                     f"{a.day_energy_kcal:.0f} ({a.delta_energy_kcal:+.0f})",
                     f"{money_text(a.day_cost_usd)} ({money_text(a.delta_cost_usd, signed=True)})",
                     "yes" if a.fits else "no", a.name))
    lines = [head, "", *_aligned(rows)]
    unfit = [a for a in alts if not a.fits]
    if unfit:
        lines += ["", "'fits: no' means the day breaks a rule unless other dishes change "
                      "(a swap re-balances the rest of the day):"]
        lines += [f"  {a.dish_id}: {'; '.join(a.problems)}" for a in unfit]
    lines += ["", f"Apply one with: magplan swap PLAN.json --day {day} --slot {shell_quote(slot)} --dish {shell_quote(dish_id)} "
                  "--to DISH_ID --out NEW.json"]
    return "\n".join(lines) + "\n"


# --- commands -------------------------------------------------------------------------------------
def _cmd_swap(args: argparse.Namespace) -> int:
    plan, table = read_verified_plan(args)
    if is_dish_plan(plan):
        return _dish_swap(args, plan, table)
    if args.to is None and (args.out or args.in_place):
        raise ChangeError("--out/--in-place need --to NEW_FOOD_ID (without --to, swap lists alternatives)")
    food = _target(args, plan)
    from planner import swaps
    from planner.plan_text import frame_to_csv

    if args.to is None:
        alt = swaps.alternatives(plan, table, args.day, args.slot, food, limit=args.limit)
        if args.format == "csv":
            sys.stdout.write(frame_to_csv(alt))
        else:
            sys.stdout.write(format_alternatives(plan, alt, args.day, args.slot, food))
        return 0
    return _run_change(args, lambda p, f: swaps.swap(p, f, args.day, args.slot, food, args.to), plan, table)


def _dish_swap(args: argparse.Namespace, plan: WeekPlan, table: pd.DataFrame) -> int:
    from planner import dish_alternatives, edits
    from planner.plan_text import frame_to_csv

    dish_id = _target(args, plan)
    if args.to is None:
        if args.out or args.in_place:
            raise ChangeError("--out/--in-place need --to OTHER_DISH_ID (without --to, swap lists alternatives)")
        tables, foods = _dish_tables(args, table)
        alts = dish_alternatives.alternatives(plan, tables, foods, day=args.day, slot=args.slot, dish_id=dish_id,
                                              limit=args.limit)
        if args.format == "csv":
            sys.stdout.write(frame_to_csv(alternatives_frame(alts)))
        else:
            sys.stdout.write(format_dish_alternatives(plan, alts, args.day, args.slot, dish_id))
        return 0
    return _run_dish_change(args, plan, table, lambda p, t, f: edits.swap(p, t, f, day=args.day, slot=args.slot,
                                                                   dish_id=dish_id, to=args.to))


def _lock_lines(verb: str, args: argparse.Namespace, before: WeekPlan, after: WeekPlan) -> list[str]:
    part = args.dish or args.food
    what = f"day {args.day}" + (f" {args.slot}" if args.slot else "") + (f" {part}" if part else "")
    if before.locks == after.locks:
        return [f"nothing to {verb}: {what} " + ("was already locked" if verb == "lock" else "had no lock")]
    return [f"{verb}ed {what}", f"locks now: {len(after.locks)}"]


def _cmd_lock(args: argparse.Namespace) -> int:
    plan, _table = read_verified_plan(args)
    part = _target(args, plan, required=False)
    if is_dish_plan(plan):
        from planner import edits

        fn = edits.lock if args.command == "lock" else edits.unlock
        new = fn(plan, day=args.day, slot=args.slot, dish_id=part)
    else:
        from planner import swaps

        fn = swaps.lock if args.command == "lock" else swaps.unlock
        new = fn(plan, args.day, args.slot, part)
    return _emit(args, new, _lock_lines(args.command, args, plan, new))


def _cmd_exclude(args: argparse.Namespace) -> int:
    plan, table = read_verified_plan(args)
    if is_dish_plan(plan):
        from planner import edits

        if (args.dish is None) == (args.food is None):
            raise ChangeError("exclude one thing: a dish (--dish DISH_ID) or every dish with a food (--food FOOD_ID)")
        return _run_dish_change(args, plan, table, lambda p, t, f: edits.exclude(p, t, f, dish_id=args.dish,
                                                                          food_id=args.food))
    from planner import swaps

    food = _target(args, plan)
    return _run_change(args, lambda p, f: swaps.exclude(p, f, food), plan, table)


def _cmd_regenerate(args: argparse.Namespace) -> int:
    plan, table = read_verified_plan(args)
    if is_dish_plan(plan):
        from planner import edits

        return _run_dish_change(args, plan, table, lambda p, t, f: edits.regenerate(p, t, f, day=args.day,
                                                                                    slot=args.slot))
    from planner import swaps

    return _run_change(args, lambda p, f: swaps.regenerate(p, f, day=args.day, slot=args.slot), plan, table)


def _cmd_set_servings(args: argparse.Namespace) -> int:
    check_options(args, (("servings", "servings"),), ChangeError)
    plan, table = read_verified_plan(args)
    if is_dish_plan(plan):
        raise ChangeError("this plan is made of dishes: use 'magplan set-portions --day D --slot S --dish DISH_ID "
                          "--portions 1.25'")
    from planner import swaps

    return _run_change(args, lambda p, f: swaps.set_servings(p, f, args.day, args.slot, args.food,
                                                              args.servings), plan, table)


def _cmd_set_portions(args: argparse.Namespace) -> int:
    from planner import edits

    plan, table = read_verified_plan(args)
    if not is_dish_plan(plan):
        raise ChangeError("this is a version-1 plan of foods: use 'magplan set-servings --day D --slot S "
                          "--food FOOD_ID --servings 1.5'")
    return _run_dish_change(args, plan, table, lambda p, t, f: edits.set_portions(
        p, t, f, day=args.day, slot=args.slot, dish_id=args.dish, portions=args.portions))


_positive_int = whole_number_from_1("{text!r} is not a whole number, e.g. 10", "{value} is below 1")


Option = tuple[str, dict[str, Any]]  # a flag and its add_argument keywords


def _opt(flag: str, help_text: str, **keywords: Any) -> Option:
    return flag, {**keywords, "help": help_text}


_DAY = _opt("--day", "day number, e.g. 2", type=int, required=True)
_SLOT = _opt("--slot", "meal slot", required=True)

# lock and unlock share everything but the name and the --help line.
_LOCK_OPTIONS = (_DAY, _opt("--slot", "meal slot (omit for the whole day)"),
                 _opt("--dish", "one dish of that meal (needs --slot)", metavar="DISH_ID"),
                 _opt("--food", "one food of that meal (version-1 plans; needs --slot)", metavar="FOOD_ID"))
_LOCK_TEXT = "lock a day, a meal or one dish so re-planning never changes it"
_UNLOCK_TEXT = "remove the locks inside a day, a meal or on one dish"
# The commands that change a plan: name, --help line, description, their own options in --help order, handler.
EDIT_COMMANDS: tuple[tuple[str, str, str, tuple[Option, ...], Callable[[argparse.Namespace], int]], ...] = (
    ("swap", "list alternatives for a dish of a plan, or swap it (--to)",
     "Without --to: print ranked alternative dishes for one dish of a meal, each with what it does to the day's "
     "magnesium, energy and cost. With --to: put that dish in its place and re-balance the unlocked rest of that "
     "day only if needed; other days stay as they are.",
     (_DAY, _opt("--slot", "meal slot: breakfast, lunch, dinner, snack or evening", required=True),
      _opt("--dish", "the dish to replace", metavar="DISH_ID"),
      _opt("--food", "the food to replace (version-1 plans of foods)", metavar="FOOD_ID"),
      _opt("--to", "the dish (or, in a version-1 plan, food) to put in its place", metavar="OTHER_ID"),
      _opt("--limit", "how many alternatives to list (default 10)", type=_positive_int, default=10),
      _opt("--format", "alternatives as a table or CSV", choices=("table", "csv"), default="table")),
     _cmd_swap),
    ("lock", _LOCK_TEXT, _LOCK_TEXT[0].upper() + _LOCK_TEXT[1:] + ".", _LOCK_OPTIONS, _cmd_lock),
    ("unlock", _UNLOCK_TEXT, _UNLOCK_TEXT[0].upper() + _UNLOCK_TEXT[1:] + ".", _LOCK_OPTIONS, _cmd_lock),
    ("exclude", "never plan a dish (or any dish with a food) again; re-plans those days",
     "Ban a dish (--dish), or every dish containing a food (--food), from the plan and re-plan only the days that "
     "had one.",
     (_opt("--dish", "the dish to exclude", metavar="DISH_ID"),
      _opt("--food", "the food to exclude (every dish that contains it)", metavar="FOOD_ID")),
     _cmd_exclude),
    ("regenerate", "a different meal or day (unlocked parts only)",
     "Replace the unlocked dishes of one meal (--slot) or one whole day with different ones; everything else stays.",
     (_DAY, _opt("--slot", "meal slot (omit to regenerate the whole day)")),
     _cmd_regenerate),
    ("set-portions", "set a dish's portions by hand, then re-balance that day if needed",
     "Set one dish's portions (0.5 to 2 in steps of 0.25) and re-balance the unlocked rest of that day only if the "
     "day no longer meets its targets.",
     (_DAY, _SLOT, _opt("--dish", "the dish to change", required=True, metavar="DISH_ID"),
      _opt("--portions", "new portions: 0.5 to 2 in quarters, e.g. 1.25", type=float, required=True)),
     _cmd_set_portions),
    ("set-servings", "set a food's servings by hand, then re-balance that day (version-1 plans of foods)",
     "Set one item's servings (0 removes it) and re-balance the unlocked rest of that day.",
     (_DAY, _SLOT, _opt("--food", "the food to change", required=True, metavar="FOOD_ID"),
      _opt("--servings", "new servings, a multiple of the step (0.5)", type=float, required=True)),
     _cmd_set_servings),
)


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add swap, lock, unlock, exclude, regenerate, set-portions and set-servings to the magplan parser: each
    reads PLAN.json (its first argument), then its own options, then where the new plan goes and the food table
    the plan's numbers are checked against (the one it was made with)."""
    for name, help_text, description, options, func in EDIT_COMMANDS:
        p = sub.add_parser(name, help=help_text, description=description)
        _add_plan(p)
        for flag, keywords in options:
            p.add_argument(flag, **keywords)
        _add_output_options(p)
        _add_table_options(p)
        p.set_defaults(func=func)
