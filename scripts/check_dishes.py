"""Load the dish library and print each dish's derived values and every plausibility problem.

Run from the project root: ``python scripts/check_dishes.py [--role ROLE] [FILE ...]``. Exit 1 when a
dish breaks a rule of foods/dishes/README.md (the tests check the same rules).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foods.dishes import dish_files, load_dishes, plausibility_problems, reference_ratios  # noqa: E402
from foods.errors import MagplanError  # noqa: E402
from foods.load import load_fndds, load_foods  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="dish files (default: the whole library)")
    parser.add_argument("--role", help="print only dishes of this role")
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
    problems = plausibility_problems(tables, foods, fndds)
    print(f"\n{len(tables.dishes)} dishes; {len(problems)} problem(s)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
