"""magplan foods: search FoodData Central, import foods into the user's table, list and remove foods.

Thin layer: every command calls ``foods.fdc`` or ``foods.user``; errors are MagplanError (one line, exit 2).
"""
from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING, TextIO

from cli.options import command_group
from foods.paths import user_foods_path
from foods.schema import DATA_TYPES
from foods.user import load_all_foods, remove_user_food, user_foods

if TYPE_CHECKING:
    from foods import fdc


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    cmds = command_group(sub, "foods", "find foods in USDA FoodData Central, import them, list your foods",
                         "Find foods in USDA FoodData Central (FDC_API_KEY, FDC_BASE_URL), import them into your "
                         "own food table, list and remove them.")

    p = cmds.add_parser("search", help="search FoodData Central", description="Search FoodData Central.")
    p.add_argument("query", help="words to look for, e.g. \"pumpkin seeds\"")
    p.add_argument("--type", dest="types", action="append", choices=DATA_TYPES, metavar="TYPE",
                   help=f"only this FDC data type (repeatable): {', '.join(DATA_TYPES)}")
    p.add_argument("--limit", type=int, default=25, help="how many results (1-200, default 25)")
    p.set_defaults(func=cmd_search)

    p = cmds.add_parser("import", help="import foods by FDC id into your food table",
                        description="Fetch foods by FDC id and add them to your food table (re-importing "
                                    "updates the USDA values and keeps your corrections).")
    p.add_argument("fdc_ids", nargs="+", metavar="FDC_ID", help="FoodData Central id(s), e.g. 170556")
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("list", help="list foods with magnesium per 100 g and serving",
                        description="List the foods plans can use (curated and yours), or only yours with --user.")
    p.add_argument("--user", action="store_true", help="only the foods in your own food table")
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("remove", help="remove one of your foods", description="Remove a food from your table.")
    p.add_argument("food_id", help="the food_id shown by 'magplan foods list --user'")
    p.set_defaults(func=cmd_remove)


def _client() -> fdc.FDCClient:
    from foods import fdc  # requests is imported by the commands that reach FoodData Central, not by every run

    client = fdc.FDCClient()
    if client.using_demo_key:
        print(f"magplan: note: {fdc.DEMO_KEY_NOTE}", file=sys.stderr)
    return client


def _num(value: float | None, fmt: str = "{:.0f}") -> str:
    return "?" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.format(value)


def _serving_text(label: str, grams: float) -> str:
    """'1 oz (28.35 g)'; a label that already names its grams ('1 ONZ (28 g)') is kept as it is."""
    return label if f"{grams:g} g" in label else f"{label} ({grams:g} g)"


def cmd_search(args: argparse.Namespace) -> int:
    limit = max(1, min(200, int(args.limit)))
    hits = _client().search(args.query, data_types=args.types, page_size=limit)
    if not hits:
        print(f"no FoodData Central food matches '{args.query}'")
        return 0
    print(f"{'FDC_ID':>8}  {'TYPE':<14} {'MG/100G':>7} {'KCAL/100G':>9}  DESCRIPTION")
    for h in hits:
        desc = h.description + (f" [{h.brand}]" if h.brand else "")
        print(f"{h.fdc_id:>8}  {h.data_type:<14} {_num(h.magnesium_mg_per_100g):>7} "
              f"{_num(h.energy_kcal_per_100g):>9}  {desc}")
    print("import one with: magplan foods import FDC_ID")
    return 0


class ProgressBar:
    """A plain text progress bar on a stream (stderr): '[#####-----] 3/6 fdcId 170556'."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, done: int, total: int, fdc_id: int) -> None:
        filled = int(self.width * done / max(total, 1))
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{'#' * filled}{'-' * (self.width - filled)}] {done}/{total} fdcId {fdc_id}{end}")
        self.stream.flush()


def cmd_import(args: argparse.Namespace) -> int:
    from foods import fdc

    ids = list(args.fdc_ids)
    progress = ProgressBar(sys.stderr) if len(ids) > 1 else None
    rows = fdc.import_foods(ids, client=_client(), progress=progress)
    for food_id, r in rows.iterrows():
        mg = r["magnesium_mg"]
        per_serving = mg * r["serving_g"] / 100 if not math.isnan(mg) else math.nan
        print(f"imported {food_id}: {r['name']} ({r['data_type']}, fdcId {r['fdc_id']}): "
              f"{_num(mg, '{:g}')} mg magnesium per 100 g; serving {_serving_text(r['serving_label'], r['serving_g'])}"
              f" = {_num(per_serving, '{:.0f}')} mg")
    print(f"saved in {user_foods_path()}; category, slots, aisle, form, diet tags and allergens are guesses: "
          "check them there")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    table = user_foods() if args.user else load_all_foods()
    if table.empty:
        print("you have no foods of your own yet; add one with 'magplan foods import FDC_ID'")
        return 0
    servings = [_serving_text(r["serving_label"], r["serving_g"]) for _i, r in table.iterrows()]
    id_w = max(7, *(len(str(i)) for i in table.index))
    sv_w = max(7, *(len(sv) for sv in servings))
    print(f"{'FOOD_ID':<{id_w}}  {'MG/100G':>7}  {'SERVING':<{sv_w}}  {'MG/SERVING':>10}  NAME")
    for (food_id, r), serving in zip(table.iterrows(), servings):
        mg = r["magnesium_mg"]
        per_serving = mg * r["serving_g"] / 100 if not math.isnan(mg) else math.nan
        print(f"{food_id:<{id_w}}  {_num(mg, '{:g}'):>7}  {serving:<{sv_w}}  {_num(per_serving):>10}  {r['name']}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    left = remove_user_food(args.food_id)
    print(f"removed {args.food_id}; {len(left)} food(s) of your own left")
    return 0
