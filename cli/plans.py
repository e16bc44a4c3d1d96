"""``magplan plans ...``: saved plans in the SQLite store (list, show, save, delete, deleted, undelete, rename,
export, import, history, check, backup, restore). Every command calls a ``planner.store`` function."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from cli.options import command_group, whole_number_from_1

if TYPE_CHECKING:
    from planner.model import WeekPlan


def _db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", metavar="PATH", type=Path, default=None,
                        help="the plans database (default: $MAGPLAN_DB, else magplan.db in the user data folder)")
    return parent


def _command(action: str, name: str, extra: str = "", *, db: Path | None = None) -> str:
    """A magplan command to paste into a shell, every value quoted (a name may hold quotes, ';' or '$(...)')."""
    from planner.errors import shell_quote

    return (f"magplan {action} {shell_quote(name)}" + (f" {extra}" if extra else "")
            + (f" --db {shell_quote(db)}" if db is not None else ""))


def _store(args: argparse.Namespace):
    from planner.store import Store

    return Store(args.db)


_version = whole_number_from_1("'{text}' is not a version number; give a whole number, e.g. 2",
                               "version {value} does not exist; versions start at 1, e.g. 2")


def _fmt_mg(value: float | None) -> str:
    return "-" if value is None else f"{value:g} mg"


def _utc_text(stamp: str) -> str:
    """'2024-03-04 07:30:00' from an ISO time stamp."""
    return stamp[:19].replace("T", " ")


def _print_by_name(records: Sequence[Any], empty: str, header: str, row: Callable[[Any], str]) -> int:
    """A table of named records, the names in a left-aligned first column; ``empty`` when there are none."""
    if not records:
        print(empty)
        return 0
    width = max(len(r.name) for r in records)
    print(f"{'name':<{width}}  {header}")
    for r in records:
        print(f"{r.name:<{width}}  {row(r)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        infos = store.list_plans()
    return _print_by_name(
        infos, "No saved plans yet. Save one with: magplan plans save NAME PLAN.json",
        "versions  latest  days  magnesium target  updated (UTC)",
        lambda i: f"{i.versions:>8}  {i.latest_version:>6}  {i.days if i.days is not None else '-':>4}"
                  f"  {_fmt_mg(i.magnesium_target_mg):>16}  {_utc_text(i.updated_at)}")


def _render(plan: WeekPlan, fmt: str) -> str:
    from cli.export import dish_library
    from planner.export import plan_to_markdown
    from planner.plan_format import plan_to_json

    return plan_to_markdown(plan, dish_library()) if fmt == "markdown" else plan_to_json(plan)


def cmd_show(args: argparse.Namespace) -> int:
    from cli.plan_files import verified

    with _store(args) as store:
        plan = store.load_plan(args.name, args.version)
    text = _render(verified(plan, args)[0], args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        versions = store.plan_history(args.name)
    print("version  saved (UTC)          days  magnesium target")
    for v in versions:
        print(f"{v.version:>7}  {_utc_text(v.saved_at)}  {v.days if v.days is not None else '-':>4}"
              f"  {_fmt_mg(v.magnesium_target_mg):>16}")
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    from planner.plan_format import read_plan

    plan = read_plan(args.plan)
    with _store(args) as store:
        version = store.save_plan(args.name, plan)
    extra = f" (version {version - 1} kept in the history)" if version > 1 else ""
    print(f"Saved plan '{args.name}' as version {version}{extra}.")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _store(args) as store:
        count = store.delete_plan(args.name)
    print(f"Deleted plan {args.name!r} ({count} version{'s' if count != 1 else ''}); "
          f"bring it back with: {_command('plans undelete', args.name, db=args.db)}")
    return 0


def cmd_deleted(args: argparse.Namespace) -> int:
    with _store(args) as store:
        gone = store.deleted_plans()
    return _print_by_name(gone, "No deleted plans to bring back.", "versions  deleted (UTC)",
                          lambda d: f"{d.versions:>8}  {_utc_text(d.deleted_at)}")


def cmd_undelete(args: argparse.Namespace) -> int:
    with _store(args) as store:
        name = store.undelete_plan(args.name, new_name=args.new_name)
    print(f"Brought back plan '{args.name}'" + (f" as '{name}'." if name != args.name else "."))
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.rename_plan(args.old, args.new)
    print(f"Renamed plan '{args.old}' to '{args.new}'.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        path = store.export_plan(args.name, args.out, version=args.version)
    print(f"Wrote plan '{args.name}' to {path}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        name, version = store.import_plan(args.file, args.name)
    if version > 1:
        print(f"Imported {args.file} as version {version} of the existing plan '{name}' "
              f"(version {version - 1} kept in the history).")
    else:
        print(f"Imported {args.file} as plan '{name}'.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _store(args) as store:
        path = store.export_all(args.out)
    print(f"Wrote a backup of all plans, profiles, pantry and settings to {path}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with _store(args) as store:
        report = store.import_all(args.file, replace=args.replace)
    for message in report.messages:
        print(message)
    return 0


def _food_table(extra: Path | None):
    import foods
    from foods.paths import user_foods_path

    tables = [foods.load_foods()]
    user = user_foods_path()
    if user.is_file():
        tables.append(foods.load_user_foods(user))
    if extra is not None:
        tables.append(foods.load_user_foods(extra))
    return foods.combine(*tables) if len(tables) > 1 else tables[0]


def cmd_check(args: argparse.Namespace) -> int:
    from planner.store import drop_missing_foods, missing_foods

    table = _food_table(args.foods)
    with _store(args) as store:
        plan = store.load_plan(args.name, args.version)
        gone = missing_foods(plan, table)
        if not gone:
            print(f"Plan '{args.name}': every food is in the food table.")
            return 0
        print(f"Plan '{args.name}' uses foods that are no longer in the food table: {', '.join(gone)}.")
        if not args.drop:
            print(f"Drop them (a new version; the current one stays in the history) with: "
                  f"{_command('plans check', args.name, '--drop', db=args.db)}")
            return 1
        version = store.save_plan(args.name, drop_missing_foods(plan, table))
    print(f"Dropped them and saved version {version} of '{args.name}' (day totals recomputed).")
    return 0


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``magplan plans ...`` to the magplan parser."""
    db = _db_parent()
    cmds = command_group(sub, "plans", "saved plans: list, show, save, delete, rename, export, import, backup",
                         "Saved plans, with their history, in the plans database.", metavar="ACTION")
    _add_read_commands(cmds, db)
    _add_change_commands(cmds, db)
    _add_file_commands(cmds, db)


def _add_read_commands(cmds: "argparse._SubParsersAction[argparse.ArgumentParser]", db: argparse.ArgumentParser) -> None:
    """list, show, history: read the saved plans."""
    p = cmds.add_parser("list", parents=[db], help="list saved plans")
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("show", parents=[db], help="print a saved plan")
    p.add_argument("name")
    p.add_argument("--version", type=_version, default=None, help="an older version from the history")
    p.add_argument("--format", choices=("json", "markdown"), default="markdown")
    p.set_defaults(func=cmd_show)

    p = cmds.add_parser("history", parents=[db], help="the versions kept of a plan")
    p.add_argument("name")
    p.set_defaults(func=cmd_history)


def _add_change_commands(cmds: "argparse._SubParsersAction[argparse.ArgumentParser]", db: argparse.ArgumentParser) -> None:
    """save, delete, deleted, undelete, rename: change what is saved (a deleted plan can come back)."""
    p = cmds.add_parser("save", parents=[db], help="save a plan JSON file under a name (a new version if it exists)")
    p.add_argument("name")
    p.add_argument("plan", type=Path, metavar="PLAN.json")
    p.set_defaults(func=cmd_save)

    p = cmds.add_parser("delete", parents=[db], help="delete a plan and its history")
    p.add_argument("name")
    p.set_defaults(func=cmd_delete)

    p = cmds.add_parser("deleted", parents=[db], help="list deleted plans that can be brought back")
    p.set_defaults(func=cmd_deleted)

    p = cmds.add_parser("undelete", parents=[db], help="bring back a deleted plan with its history")
    p.add_argument("name")
    p.add_argument("--as", dest="new_name", default=None, metavar="NEW", help="under another name")
    p.set_defaults(func=cmd_undelete)

    p = cmds.add_parser("rename", parents=[db], help="rename a plan")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(func=cmd_rename)


def _add_file_commands(cmds: "argparse._SubParsersAction[argparse.ArgumentParser]", db: argparse.ArgumentParser) -> None:
    """export, import, check, backup, restore: plans and the whole database to and from files."""
    p = cmds.add_parser("export", parents=[db], help="write a saved plan to a plan JSON file")
    p.add_argument("name")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--version", type=_version, default=None)
    p.set_defaults(func=cmd_export)

    p = cmds.add_parser("import", parents=[db], help="save a plan JSON file (name: --name, else the file name)")
    p.add_argument("file", type=Path)
    p.add_argument("--name", default=None)
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("check", parents=[db], help="find foods a saved plan uses that the food table lacks")
    p.add_argument("name")
    p.add_argument("--version", type=_version, default=None)
    p.add_argument("--foods", type=Path, default=None, metavar="CSV", help="an extra user food table")
    p.add_argument("--drop", action="store_true", help="save a new version without those foods")
    p.set_defaults(func=cmd_check)

    p = cmds.add_parser("backup", parents=[db], help="write everything (plans, profiles, pantry, settings) to JSON")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=cmd_backup)

    p = cmds.add_parser("restore", parents=[db], help="bring back a backup (merge; --replace to replace)")
    p.add_argument("file", type=Path)
    p.add_argument("--replace", action="store_true",
                   help="make the database equal to the backup (the current content is saved aside first)")
    p.set_defaults(func=cmd_restore)


__all__ = ["register"]
