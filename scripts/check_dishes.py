"""Load the dish library and print each dish's derived values and every plausibility problem.

Run from the project root: ``python scripts/check_dishes.py [--role ROLE] [FILE ...]``. Exit 1 when a
dish breaks a rule of foods/dishes/README.md (the tests check the same rules).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foods.dishes import (ROLES, dish_files, filter_dishes, load_dishes, plausibility_problems,  # noqa: E402
                          reference_ratios)
from foods.schema import ALLERGENS, DIETS  # noqa: E402
from foods.errors import MagplanError  # noqa: E402
from foods.load import load_fndds, load_foods  # noqa: E402


def coverage(tables) -> "pandas.DataFrame":  # noqa: F821 (pandas is imported inside, for a quick start)
    """Rows (role, diet), columns 'none' and each allergen: how many dishes remain."""
    import pandas as pd

    rows = {}
    for role in ROLES:
        for diet in DIETS:
            rows[(role, diet)] = {a: len(filter_dishes(tables.dishes, tables.ingredients, role=role, diet=diet,
                                                       avoid=() if a == "none" else (a,)))
                                  for a in ("none", *ALLERGENS)}
    return pd.DataFrame(rows).T


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="dish files (default: the whole library)")
    parser.add_argument("--role", help="print only dishes of this role")
    parser.add_argument("--coverage", action="store_true",
                        help="also print, per role, how many dishes each diet keeps with each allergen avoided")
    args = parser.parse_args(argv)
    foods, fndds = load_foods(), load_fndds()
    try:
        tables = load_dishes(foods, args.files or dish_files())
    except MagplanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    d = tables.dishes
    ratios = reference_ratios(tables, fndds)
    if args.role:
        d = d[d["roles"].str.contains(args.role)]
    cols = ["roles", "energy_kcal", "protein_g", "magnesium_mg", "fiber_g", "sodium_mg", "cost_usd", "groups"]
    view = d[cols].join(ratios[["energy_ratio", "magnesium_ratio"]])
    with __import__("pandas").option_context("display.max_rows", None, "display.width", 200,
                                              "display.float_format", "{:.1f}".format):
        print(view)
    if args.coverage:
        print(coverage(tables).to_string())
    problems = plausibility_problems(tables, foods, fndds)
    print(f"\n{len(tables.dishes)} dishes; {len(problems)} problem(s)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
