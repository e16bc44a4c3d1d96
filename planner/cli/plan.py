"""magplan plan (a weekly magnesium plan) and magplan optimize (the diet problem on any table).

Thin layer: ``planner.plan.plan_week`` / ``planner.diet.optimize_table`` do the work.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from foods.errors import FoodTableError
from foods.schema import ALLERGENS, DIETS
from planner.cli import check_options
from planner.errors import ProfileError
from planner.model import ACTIVITIES, SEXES, Profile, Rules, atomic_write_text, plan_to_json


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    p = sub.add_parser("plan", help="make a magnesium-rich meal plan (7 days by default)",
                       description="Make a meal plan that meets your magnesium target every day, from USDA data.")
    p.add_argument("--days", type=int, default=7, help="number of days (1-14, default 7)")
    p.add_argument("--age", type=int, default=40, help="age in years (default 40)")
    p.add_argument("--sex", choices=SEXES, default="female")
    p.add_argument("--status", choices=("none", "pregnancy", "lactation"), default="none")
    p.add_argument("--weight-kg", type=float, help="body weight (for protein and energy)")
    p.add_argument("--height-cm", type=float, help="height (for energy, with --weight-kg and --activity)")
    p.add_argument("--activity", choices=ACTIVITIES)
    p.add_argument("--diet", choices=DIETS, default="omnivore")
    p.add_argument("--avoid", action="append", default=[], choices=ALLERGENS, metavar="ALLERGEN",
                   help=f"allergen to avoid (repeatable): {', '.join(ALLERGENS)}")
    p.add_argument("--exclude", action="append", default=[], metavar="FOOD_ID", help="never use this food")
    p.add_argument("--favorite", action="append", default=[], metavar="FOOD_ID", help="prefer this food")
    p.add_argument("--target-mg", type=float, help="magnesium target per day (default: the RDA)")
    p.add_argument("--kcal-min", type=float, help="minimum energy per day")
    p.add_argument("--kcal-max", type=float, help="maximum energy per day")
    p.add_argument("--budget-usd-per-day", type=float, help="food budget per day in USD")
    p.add_argument("--evening-share", type=float, help="minimum share (0-1) of magnesium at dinner and snack")
    p.add_argument("--caffeine-after-lunch-mg", type=float, help="cap on caffeine after lunch (mg)")
    p.add_argument("--allow-supplement", action="store_true",
                   help="if food cannot reach the target, plan the most food allows and suggest a supplement")
    p.add_argument("--max-days-per-food", type=int, default=3, help="a main food on at most this many days")
    p.add_argument("--produce-servings", type=float, default=3.0, metavar="N",
                   help="servings of vegetables, leafy greens and fruit a day (default 3; 0: no minimum)")
    p.add_argument("--no-vegetables-at-meals", action="store_true",
                   help="do not require a vegetable or leafy green at lunch and at dinner")
    p.add_argument("--foods", metavar="CSV", help="your own food table, used together with the curated foods")
    p.add_argument("--all-usda", action="store_true", help="plan from every USDA SR Legacy food (tags approximate)")
    p.add_argument("--time-limit", type=float, default=20.0, metavar="SECONDS", help="solver time limit (default 20)")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    p.add_argument("--format", choices=("json", "markdown", "csv"), default="json")
    p.add_argument("--out", metavar="PATH", help="write here instead of standard output")
    p.add_argument("--write-model", metavar="PATH",
                   help="write the compact weekly model as an MPS file and exit without solving")
    p.set_defaults(func=cmd_plan)

    o = sub.add_parser("optimize", help="solve the classic diet problem on any food table",
                       description="Amounts of foods meeting nutrient limits at least cost. FOODS.csv: an id "
                                   "column and numeric columns; LIMITS.csv: nutrient,min,max rows.")
    o.add_argument("--foods", required=True, metavar="FOODS.csv")
    o.add_argument("--limits", required=True, metavar="LIMITS.csv")
    o.add_argument("--id-column", default="id")
    o.add_argument("--cost-column", default=None)
    o.add_argument("--continuous", action="store_true", help="allow fractional amounts (default whole units)")
    o.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS")
    o.add_argument("--format", choices=("text", "json"), default="text")
    o.set_defaults(func=cmd_optimize)


def _load_foods(args: argparse.Namespace):
    import foods as foods_pkg
    from foods.load import combine, load_user_foods

    if args.all_usda and args.foods:
        raise ProfileError("use either --all-usda or --foods, not both")
    if args.all_usda:
        return foods_pkg.load_usda_foods()
    try:
        from foods.user import load_all_foods

        base = load_all_foods()
    except ImportError:  # pragma: no cover - older checkouts without user tables
        base = foods_pkg.load_foods()
    if args.foods:
        return combine(base, load_user_foods(Path(args.foods)))
    return base


# Option -> the range it must be in (planner.model.NUMBER_RANGES): checked before anything is planned.
PLAN_OPTION_RANGES: tuple[tuple[str, str], ...] = (
    ("days", "days"), ("age", "age"), ("weight_kg", "weight_kg"), ("height_cm", "height_cm"),
    ("target_mg", "magnesium_mg"), ("kcal_min", "energy_kcal_min"), ("kcal_max", "energy_kcal_max"),
    ("budget_usd_per_day", "budget_usd_per_day"), ("evening_share", "evening_share_min"),
    ("caffeine_after_lunch_mg", "caffeine_after_lunch_max_mg"), ("max_days_per_food", "max_days_per_food"),
    ("produce_servings", "produce_servings_min"), ("time_limit", "time_limit_s"),
)


def profile_from_args(args: argparse.Namespace) -> tuple[Profile, Rules]:
    """Profile and Rules from the parsed ``magplan plan`` options."""
    check_options(args, PLAN_OPTION_RANGES)
    overrides: dict[str, float] = {}
    if args.target_mg is not None:
        overrides["magnesium_mg"] = args.target_mg
    if args.kcal_min is not None:
        overrides["energy_kcal_min"] = args.kcal_min
    if args.kcal_max is not None:
        overrides["energy_kcal_max"] = args.kcal_max
    if args.kcal_min is not None and args.kcal_max is not None and args.kcal_min > args.kcal_max:
        raise ProfileError(f"--kcal-min {args.kcal_min:g} is above --kcal-max {args.kcal_max:g}; "
                           "e.g. --kcal-min 1800 --kcal-max 2200")
    profile = Profile(age=args.age, sex=args.sex, status=args.status, weight_kg=args.weight_kg,
                      height_cm=args.height_cm, activity=args.activity, diet=args.diet,
                      avoid_allergens=tuple(dict.fromkeys(args.avoid)),
                      exclude_foods=tuple(dict.fromkeys(args.exclude)),
                      favorite_foods=tuple(dict.fromkeys(args.favorite)), budget_usd_per_day=args.budget_usd_per_day,
                      overrides=overrides)
    rules = Rules(days=args.days, evening_share_min=args.evening_share,
                  caffeine_after_lunch_max_mg=args.caffeine_after_lunch_mg, allow_supplement=args.allow_supplement,
                  time_limit_s=args.time_limit, solver=args.solver, max_days_per_food=args.max_days_per_food,
                  produce_servings_min=args.produce_servings,
                  vegetables_at_main_meals=not args.no_vegetables_at_meals)
    return profile, rules


def _emit(text: str, out: str | None) -> None:
    if out:
        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)


def cmd_plan(args: argparse.Namespace) -> int:
    from planner.plan import build_model, check_rules, plan_week
    from planner.targets import check_profile

    profile, rules = profile_from_args(args)
    check_profile(profile)
    check_rules(rules)
    table = _load_foods(args)
    if args.write_model:
        mm = build_model(table, profile, rules=rules)
        Path(args.write_model).parent.mkdir(parents=True, exist_ok=True)
        mm.prob.writeMPS(args.write_model)
        print(f"wrote {args.write_model} ({len(mm.prob.variables())} variables, {len(mm.prob.constraints)} "
              "constraints)", file=sys.stderr)
        return 0
    plan = plan_week(table, profile, rules=rules)
    if args.format == "json":
        text = plan_to_json(plan)
    else:
        from planner import export

        text = export.plan_to_markdown(plan) if args.format == "markdown" else export.plan_to_csv(plan)
    _emit(text, args.out)
    if args.out:
        print(f"wrote {args.out} ({rules.days} days, solver {plan.solver.status})", file=sys.stderr)
    return 0


def _read_table(path: str, what: str):
    import pandas as pd

    import io

    from foods.files import read_limited
    from foods.load import MAX_USER_TABLE_BYTES

    p = Path(path)
    if not p.is_file():
        raise FoodTableError("file not found; give the path of a CSV file", path=path)
    data = read_limited(p, MAX_USER_TABLE_BYTES, what=f"a {what} table", error=FoodTableError)
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FoodTableError(f"cannot read the {what} CSV ({str(exc).splitlines()[0]})", path=path) from None


def cmd_optimize(args: argparse.Namespace) -> int:
    from planner.diet import optimize_table

    check_options(args, (("time_limit", "time_limit_s"),))
    foods_df = _read_table(args.foods, "foods")
    limits_df = _read_table(args.limits, "limits")
    res = optimize_table(foods_df, limits_df, id_column=args.id_column, cost_column=args.cost_column,
                         continuous=args.continuous, time_limit_s=args.time_limit)
    if args.format == "json":
        print(json.dumps({"status": res.status, "objective": res.objective, "amounts": dict(res.amounts),
                          "totals": dict(res.totals),
                          "limits": {k: list(v) for k, v in res.limits.items()},
                          "unmeasured": {k: list(v) for k, v in res.unmeasured.items()},
                          "solver": {"name": res.solver.name, "gap": res.solver.gap}}, indent=2))
        return 0
    print(f"status: {res.status}")
    print(f"objective: {res.objective:g} ({'cost' if args.cost_column else 'total amount'})")
    print("amounts:")
    for k, v in res.amounts.items():
        print(f"  {k}: {v:g}")
    print("totals:")
    for k, v in res.totals.items():
        lo, hi = res.limits[k]
        rng = f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}"
        print(f"  {k}: {v:g} (limits {rng})")
    for k, v in res.unmeasured.items():
        print(f"note: {k} is not measured for {', '.join(v)} (counted as 0)")
    return 0


