"""Measure adding an uploaded food table: ``python -m bench.upload [--rows 2000 20000] [--repeats 1]``.

What the app does with an upload, step by step, in a fresh user data folder: read and validate the file
(``foods.load.load_user_foods``), then add it to the person's table (``foods.user.add_user_foods``: merge,
write, validate again together with the curated table), then the same file once more (every row is now an
update). The rows are real USDA SR Legacy foods (``foods.load_usda_foods``), repeated with new ids to reach
the size. Prints seconds and rows per second for each size; it asserts nothing (speed is measured here,
never in the test suite).

Before the vectorised add, 2,000 rows took 84 s and 4,000 took 369 s (quadratic); the cap on one table is
``foods.load.MAX_USER_TABLE_ROWS`` rows and ``MAX_USER_TABLE_BYTES`` bytes.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from foods import schema

COLUMNS = ("food_id", "name", "fdc_id", "category", "form", "serving_label", "serving_g", "slots", "diet_tags",
           "allergens", "aisle", "main_item", "max_servings_per_meal", "purchase_unit", "purchase_unit_g",
           "buy_as", "buy_g_per_g", "price_usd_per_100g", *schema.NUTRIENT_COLUMNS)


def upload_table(rows: int) -> pd.DataFrame:
    """``rows`` user-table rows from the USDA foods (repeated with new ids), in the upload CSV's columns."""
    from foods import load_usda_foods

    usda = load_usda_foods().reset_index()
    reps = -(-rows // len(usda))
    table = pd.concat([usda] * reps, ignore_index=True).head(rows).copy()
    table["food_id"] = [f"bench_{i:06d}" for i in range(rows)]
    table["price_usd_per_100g"] = 1.0
    return table[list(COLUMNS)]


def measure(rows: int) -> dict[str, float]:
    from foods.load import load_user_foods
    from foods.user import add_user_foods

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MAGPLAN_HOME"] = tmp
        csv = Path(tmp) / "upload.csv"
        upload_table(rows).to_csv(csv, index=False)
        t0 = time.perf_counter()
        table = load_user_foods(csv)
        t1 = time.perf_counter()
        add_user_foods(table)
        t2 = time.perf_counter()
        add_user_foods(load_user_foods(csv))  # the same upload again: every row is an update
        t3 = time.perf_counter()
    return {"rows": rows, "mb": csv_size_mb(rows), "validate_s": t1 - t0, "add_s": t2 - t1, "again_s": t3 - t2}


def csv_size_mb(rows: int) -> float:
    return len(upload_table(rows).to_csv(index=False).encode()) / (1024 * 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args(argv)
    print(f"# upload benchmark on {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}")
    print("| rows | CSV MB | validate s | add s | add again s | upload rows/s (validate + add) |")
    print("|---|---|---|---|---|---|")
    for rows in args.rows:
        r = measure(rows)
        total = r["validate_s"] + r["add_s"]
        print(f"| {rows:,} | {r['mb']:.1f} | {r['validate_s']:.2f} | {r['add_s']:.2f} | {r['again_s']:.2f} | "
              f"{rows / total:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
