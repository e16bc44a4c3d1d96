"""magplan dishes: browse the dish library (list, show) and bring your own recipes (import, match).

Thin layer: every command calls ``foods.dishes``; errors are MagplanError (one line, exit 2).
"""
from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

import foods.dishes as dish_library
from foods.dishes import ROLES, DishTables, dish_record, filter_dishes
from foods.schema import ALLERGENS, DIETS
from cli.options import command_group
from foods.user import load_all_foods

LIST_COLUMNS = {  # dish-table column -> header
    "name": "name", "roles": "roles", "cuisine": "cuisine", "minutes_total": "minutes",
    "magnesium_mg": "magnesium_mg", "energy_kcal": "energy_kcal", "protein_g": "protein_g",
    "fiber_g": "fiber_g", "cost_usd": "cost_usd", "diet_tags": "diet_tags", "allergens": "allergens",
}


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    cmds = command_group(sub, "dishes", "browse the dish library (recipes built from USDA foods)",
                         "Browse the dish library: every number about a dish is derived from its ingredients' "
                         "USDA rows.")

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

    p = cmds.add_parser("import", help="import your own recipe: a page or URL, a Mealie or Tandoor export, text",
                        description="Import a recipe as a dish of your own: a recipe page (URL or saved .html), a "
                                    "JSON-LD file, a Mealie export (.json or .zip), a Tandoor export (.zip or "
                                    "recipe.json) or a text file (a title line, one ingredient per line, then the "
                                    "steps after a blank line). Prints a review of every line, then saves the dish "
                                    "to your user_dishes.toml (asking first when run in a terminal).")
    p.add_argument("source", metavar="SOURCE", help="a URL, or the path of a page, export or text file (at most 5 MB)")
    p.add_argument("--role", choices=ROLES, help="the dish's role (default: from the recipe's category or keywords)")
    p.add_argument("--servings", type=_servings, help="servings the recipe makes (default: its recipeYield)")
    p.add_argument("--id", dest="dish_id", help="the dish id (default: from the recipe's name)")
    p.add_argument("--yes", action="store_true", help="save without asking")
    p.add_argument("--replace", action="store_true", help="overwrite your dish of the same id")
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("match", help="match an unmatched line of your imported dish to a food",
                        description="Match an unmatched line of one of your imported dishes to a food of the table "
                                    "(or usda_<fdc_id> for any USDA SR Legacy food).")
    p.add_argument("dish_id", metavar="DISH_ID")
    p.add_argument("line", metavar="LINE", type=int, help="the line number 'magplan dishes show' lists")
    p.add_argument("food_id", metavar="FOOD_ID", help="e.g. salt_table, or usda_173468")
    p.add_argument("--grams", type=float, help="grams per serving (default: the line's amount, converted)")
    p.set_defaults(func=cmd_match)


def _servings(text: str) -> int:
    from foods.dishes import MAX_USER_SERVINGS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_USER_SERVINGS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of servings; use a whole number from 1 to "
                                         f"{MAX_USER_SERVINGS}")
    return value


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes; use a whole number such as 30")
    return value


def _library() -> DishTables:
    # Through the module, not a name bound at import: a test that stands in for the library (or a later
    # reload of the user's dishes) is seen by every command alike.
    return dish_library.load_all_dishes(load_all_foods())


def cmd_list(args: argparse.Namespace) -> int:
    tables = _library()
    chosen = filter_dishes(tables.dishes, tables.ingredients, role=args.role, diet=args.diet, avoid=args.avoid,
                           exclude_foods=args.exclude, cuisine=args.cuisine, max_minutes=args.max_minutes)
    chosen = chosen.sort_values(["magnesium_mg", "name"], ascending=[False, True])
    if args.format == "json":
        print(json.dumps([dish_record(tables, str(i)) for i in chosen.index], indent=2, ensure_ascii=False))
    elif args.format == "csv":
        from planner.plan_text import frame_to_csv  # spreadsheet-safe cells; only this format needs it

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
    if rec["unmatched"]:
        out += ["", "Unmatched lines (not counted: their nutrients are unknown, the measured shares above say how "
                    "much is known):"]
        out += [f"  {u['line']:>3}. {u['text']}" + (f" ({u['grams']:g} g)" if u["grams"] else "")
                for u in rec["unmatched"]]
        out.append(f"  Fix one with: {match_hint(rec['dish_id'], rec['unmatched'][0]['line'])}")
    return "\n".join(out)


def match_hint(dish_id: str, line: int) -> str:
    """The command that matches an unmatched line (FOOD_ID from 'magplan foods list' or usda_<fdc_id>)."""
    return f"magplan dishes match {dish_id} {line} FOOD_ID [--grams G]  (FOOD_ID: 'magplan foods list')"


def cmd_show(args: argparse.Namespace) -> int:
    rec = dish_record(_library(), args.dish_id)
    print(json.dumps(rec, indent=2, ensure_ascii=False) if args.format == "json" else _text(rec))
    return 0


REVIEW_WIDTHS = (4, 38, 50, 8, 8, 5)


def review_table(draft) -> str:
    """The import review: each line, the food it matched (USDA description, fdc_id), grams, confidence."""
    w = REVIEW_WIDTHS
    head = (f"{'LINE':>{w[0]}}  {'RECIPE LINE':<{w[1]}}  {'MATCHED FOOD (USDA description, fdc_id)':<{w[2]}}  "
            f"{'GRAMS':>{w[3]}}  {'/SERVING':>{w[4]}}  {'CONF':>{w[5]}}")
    out = [head]
    for ln in draft.lines:
        text = ln.text if len(ln.text) <= w[1] else ln.text[:w[1] - 1] + "…"
        if ln.matched:
            food = f"{ln.food_id}: {ln.description} ({ln.fdc_id})"
            food = food if len(food) <= w[2] else food[:w[2] - 1] + "…"
            out.append(f"{ln.line:>{w[0]}}  {text:<{w[1]}}  {food:<{w[2]}}  {ln.grams:>{w[3]}.1f}  "
                       f"{ln.grams / draft.servings:>{w[4]}.1f}  {ln.confidence:>{w[5]}.2f}"
                       + (f"  ({ln.note})" if ln.note else ""))
        else:
            guess = f" (food: {ln.food_id})" if ln.food_id else ""
            out.append(f"{ln.line:>{w[0]}}  {text:<{w[1]}}  UNMATCHED: {ln.note}{guess}")
    return "\n".join(out)


def _confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes or not sys.stdin.isatty():
        return True
    try:
        return input(f"{question} [Y/n] ").strip().lower() in ("", "y", "yes")
    except EOFError:
        return False


def cmd_import(args: argparse.Namespace) -> int:
    from foods.errors import RecipeImportError
    from foods.recipe_import import build_index, draft_recipe, save_draft
    from foods.recipe_sources import read_recipes

    recipes = read_recipes(args.source)
    if args.dish_id and len(recipes) > 1:
        raise RecipeImportError(f"{args.source} holds {len(recipes)} recipes; --id names one dish, so leave it out")
    foods = load_all_foods()
    index = build_index(foods)
    for recipe in recipes:
        draft = draft_recipe(recipe, foods, servings=args.servings, role=args.role, dish_id=args.dish_id, index=index)
        print(f"{draft.name} — {draft.servings} serving(s), from {draft.source}")
        print(review_table(draft))
        if not draft.servings_given:
            raise RecipeImportError(f"'{draft.name}' does not say how many servings it makes; give --servings N")
        if not _confirm(f"Save '{draft.dish_id}' to your dishes?", args.yes):
            print("not saved")
            continue
        mine = save_draft(draft, foods, replace_existing=args.replace)
        _report_saved(mine, draft.dish_id)
    return 0


def _report_saved(mine: DishTables, dish_id: str) -> None:
    from foods.paths import user_dishes_path

    rec = dish_record(mine, dish_id)
    share = rec["measured"]["magnesium_mg"]
    print(f"saved '{dish_id}' ({', '.join(rec['roles'])}) to {user_dishes_path()}: {rec['magnesium_mg']:.0f} mg magnesium per "
          f"serving (measured for {share:.0%} of the grams), {rec['energy_kcal']:.0f} kcal")
    if rec["unmatched"]:
        lines = ", ".join(str(u["line"]) for u in rec["unmatched"])
        print(f"{len(rec['unmatched'])} line(s) unmatched ({lines}): they count as unknown, not zero. Fix one with: "
              f"{match_hint(dish_id, rec['unmatched'][0]['line'])}")
    print(f"plan with it: magplan plan --favorite {dish_id} ...")


def cmd_match(args: argparse.Namespace) -> int:
    from foods.recipe_import import match_saved_line

    grams, left = match_saved_line(args.dish_id, args.line, args.food_id, load_all_foods(),
                                   grams_per_serving=args.grams)
    print(f"line {args.line} of '{args.dish_id}' is now {args.food_id}, {grams:g} g per serving; "
          f"{left} unmatched line(s) left")
    return 0
