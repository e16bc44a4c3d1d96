"""magplan dishes: browse the dish library (list with filters, show one dish with its recipe).

Thin layer: every command calls ``foods.dishes``; errors are MagplanError (one line, exit 2).
"""
from __future__ import annotations

import argparse
import json

import pandas as pd

from foods.dishes import ROLES, DishTables, dish_record, filter_dishes, load_all_dishes
from foods.schema import ALLERGENS, DIETS
from foods.user import load_all_foods
from planner.export import frame_to_csv

LIST_COLUMNS = {  # dish-table column -> header
    "name": "name", "roles": "roles", "cuisine": "cuisine", "minutes_total": "minutes",
    "magnesium_mg": "magnesium_mg", "energy_kcal": "energy_kcal", "protein_g": "protein_g",
    "fiber_g": "fiber_g", "cost_usd": "cost_usd", "diet_tags": "diet_tags", "allergens": "allergens",
}


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    group = sub.add_parser("dishes", help="browse the dish library (recipes built from USDA foods)",
                           description="Browse the dish library: every number about a dish is derived from "
                                       "its ingredients' USDA rows.")
    cmds = group.add_subparsers(dest="dishes_command", metavar="SUBCOMMAND")
    cmds.required = True

    p = cmds.add_parser("list", help="list dishes, filtered by role, diet and allergens",
                        description="List dishes with per-serving magnesium, energy, protein and cost.")
    p.add_argument("--role", choices=ROLES, help="only dishes with this role")
    p.add_argument("--diet", choices=DIETS, default="omnivore", help="only dishes that fit this diet")
    p.add_argument("--avoid", action="append", default=[], choices=ALLERGENS, metavar="ALLERGEN",
                   help=f"leave out dishes with this allergen (repeatable): {', '.join(ALLERGENS)}")
    p.add_argument("--exclude", action="append", default=[], metavar="FOOD_ID",
                   help="leave out dishes that contain this food (repeatable), e.g. mushrooms_white")
    p.add_argument("--cuisine", help="only dishes of this cuisine, e.g. Mexican")
    p.add_argument("--max-minutes", type=_minutes, help="only dishes ready within this many minutes")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("show", help="one dish: ingredients, steps, nutrients per serving",
                        description="Show one dish: its ingredients with USDA ids, steps and per-serving values.")
    p.add_argument("dish_id", help="the id shown by 'magplan dishes list'")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_show)


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes; use a whole number such as 30")
    return value


def _library() -> DishTables:
    return load_all_dishes(load_all_foods())


def cmd_list(args: argparse.Namespace) -> int:
    tables = _library()
    chosen = filter_dishes(tables.dishes, tables.ingredients, role=args.role, diet=args.diet, avoid=args.avoid,
                           exclude_foods=args.exclude, cuisine=args.cuisine, max_minutes=args.max_minutes)
    chosen = chosen.sort_values(["magnesium_mg", "name"], ascending=[False, True])
    if args.format == "json":
        print(json.dumps([dish_record(tables, str(i)) for i in chosen.index], indent=2, ensure_ascii=False))
    elif args.format == "csv":
        frame = chosen[list(LIST_COLUMNS)].rename(columns=LIST_COLUMNS)
        frame.index.name = "dish_id"
        print(frame_to_csv(frame.reset_index()), end="")
    else:
        print(_table(chosen))
        print(f"{len(chosen)} of {len(tables.dishes)} dishes; per serving; 'magplan dishes show DISH_ID' for the recipe")
    return 0


def _table(chosen: pd.DataFrame) -> str:
    if chosen.empty:
        return "no dish fits these filters; remove an --avoid, --exclude or --role"
    id_w = max(7, *(len(str(i)) for i in chosen.index))
    name_w = min(48, max(4, *(len(str(n)) for n in chosen["name"])))
    lines = [f"{'DISH_ID':<{id_w}}  {'MG':>4}  {'KCAL':>4}  {'PROT':>4}  {'MIN':>4}  {'ROLES':<15} {'NAME':<{name_w}}  CUISINE"]
    for dish_id, r in chosen.iterrows():
        lines.append(f"{dish_id:<{id_w}}  {r['magnesium_mg']:>4.0f}  {r['energy_kcal']:>4.0f}  {r['protein_g']:>4.0f}  "
                     f"{r['minutes_total']:>4}  {r['roles'].replace('|', ','):<15} {str(r['name'])[:name_w]:<{name_w}}  "
                     f"{r['cuisine']}")
    return "\n".join(lines)


def _value(value: float | None, unit: str, measured: float | None, digits: int = 0) -> str:
    if value is None:
        return "unknown"
    text = f"{value:,.{digits}f} {unit}"
    if measured is not None and measured < 0.995:
        text += f" (measured for {measured:.0%} of the grams)"
    return text


SHOW_VALUES = (
    ("magnesium_mg", "Magnesium", "mg", 0), ("energy_kcal", "Energy", "kcal", 0), ("protein_g", "Protein", "g", 1),
    ("fiber_g", "Fiber", "g", 1), ("sodium_mg", "Sodium", "mg", 0), ("iron_mg", "Iron", "mg", 1),
    ("calcium_mg", "Calcium", "mg", 0), ("potassium_mg", "Potassium", "mg", 0),
    ("vitamin_d_ug", "Vitamin D", "µg", 1), ("vitamin_b12_ug", "Vitamin B12", "µg", 1),
)


def _text(rec: dict) -> str:
    out = [rec["name"], "=" * len(rec["name"]),
           f"{', '.join(rec['roles'])} · {rec['cuisine']} · {rec['minutes_active']} min active, "
           f"{rec['minutes_total']} min in all · the recipe makes {rec['servings']} serving(s)", "",
           "Per serving:"]
    for key, label, unit, digits in SHOW_VALUES:
        out.append(f"  {label:<12} {_value(rec[key], unit, rec['measured'][key], digits)}")
    cost = rec["cost_usd"]
    out.append(f"  {'Cost':<12} " + ("no price" if cost is None else _value(cost, "USD", rec["measured"]["cost_usd"], 2)))
    out.append(f"  Diet: {', '.join(rec['diet_tags']) or 'omnivore only'} · allergens: "
               f"{', '.join(rec['allergens']) or 'none of the nine listed'}")
    out += ["", "Ingredients (per serving):"]
    for i in rec["ingredients"]:
        measure = f": {i['household']}" if i["household"] else ""
        out.append(f"  - {i['name']}{measure} ({i['grams']:g} g; {i['food_id']}, USDA fdcId {i['fdc_id']})")
    if rec["steps"]:
        out += ["", "Steps:"] + [f"  {n}. {s}" for n, s in enumerate(rec["steps"], start=1)]
    if rec["notes"]:
        out += ["", f"Notes: {rec['notes']}"]
    if rec["reference"]:
        out += ["", f"USDA reference (as eaten): {rec['reference']}"]
    return "\n".join(out)


def cmd_show(args: argparse.Namespace) -> int:
    rec = dish_record(_library(), args.dish_id)
    print(json.dumps(rec, indent=2, ensure_ascii=False) if args.format == "json" else _text(rec))
    return 0
