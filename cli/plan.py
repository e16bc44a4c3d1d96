"""magplan plan (a weekly plan made of dishes) and magplan optimize (the diet problem on any table).

Thin layer: ``planner.dishplan.plan_dish_week`` / ``planner.diet.optimize_table`` do the work.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

from foods.errors import FoodTableError
from foods.schema import ALLERGENS, DIETS
from cli.options import check_options
from planner.errors import ProfileError
from planner.household import Member, check_members, check_shared, member_from_fields, read_household
from planner.model import (ACTIVITIES, CAFFEINE_AFTER_LUNCH_MG_DEFAULT, MAX_DAYS, SEXES, Profile, Rules,
                           check_number)
from planner.plan_format import atomic_write_text, plan_to_json

# Options of the food-level planner that dish plans no longer have: option -> (dest, why, what to do instead).
RETIRED_OPTIONS: dict[str, tuple[str, str]] = {
    "--all-usda": ("all_usda", "plans are made of dishes now, so they cannot be planned from the whole USDA "
                               "table; 'magplan optimize' solves the diet problem on any table"),
    "--allow-supplement": ("allow_supplement", "dish plans always reach the magnesium target from food; the "
                                               "plan's notes say when a co-nutrient needs a supplement"),
    "--max-days-per-food": ("max_days_per_food", "dish plans limit a main dish to twice a week and a "
                                                 "breakfast to 3 times (--same-breakfast allows every day)"),
    "--produce-servings": ("produce_servings", "dish plans take their vegetables and fruit from the dishes"),
    "--no-vegetables-at-meals": ("no_vegetables_at_meals",
                                 "dish plans take their vegetables and fruit from the dishes"),
}


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
    _add_plan_command(sub)
    _add_optimize_command(sub)


def _add_plan_command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("plan", help="make a magnesium-rich meal plan of dishes (7 days by default)",
                       description="Make a meal plan of dishes that meets your magnesium target every day, "
                                   "with every number from the ingredients' USDA rows.")
    _add_profile_options(p)
    _add_limit_options(p)
    _add_run_options(p)
    for option, (dest, _why) in RETIRED_OPTIONS.items():
        takes_value = option in ("--max-days-per-food", "--produce-servings")
        p.add_argument(option, dest=dest, help=argparse.SUPPRESS,
                       **({"default": None} if takes_value else {"action": "store_true"}))
    p.set_defaults(func=cmd_plan)


def _add_profile_options(p: argparse.ArgumentParser) -> None:
    """Who the plan is for, and the dishes and foods they want or avoid."""
    p.add_argument("--days", type=int, default=7, help=f"number of days (1-{MAX_DAYS}, default 7)")
    p.add_argument("--age", type=int, help=f"age in years (default {Profile().age})")
    p.add_argument("--sex", choices=SEXES, help=f"default {Profile().sex}")
    p.add_argument("--status", choices=("none", "pregnancy", "lactation"))
    p.add_argument("--weight-kg", type=float, help="body weight (for protein and energy)")
    p.add_argument("--height-cm", type=float, help="height (for energy, with --weight-kg and --activity)")
    p.add_argument("--activity", choices=ACTIVITIES)
    p.add_argument("--diet", choices=DIETS, help=f"default {Profile().diet}")
    p.add_argument("--avoid", action="append", default=[], choices=ALLERGENS, metavar="ALLERGEN",
                   help=f"allergen to avoid (repeatable): {', '.join(ALLERGENS)}")
    p.add_argument("--exclude", action="append", default=[], metavar="FOOD_ID",
                   help="leave out every dish that contains this food (repeatable), e.g. mushrooms_white")
    p.add_argument("--exclude-dish", action="append", default=[], metavar="DISH_ID",
                   help="never plan this dish (repeatable)")
    p.add_argument("--favorite", action="append", default=[], metavar="ID",
                   help="prefer this dish, or dishes with this food (a dish id or a food id; repeatable)")
    p.add_argument("--dislike", action="append", default=[], metavar="ID",
                   help="avoid this dish, or dishes with this food, where possible (a dish id or a food id; "
                        "repeatable)")


def _caffeine_cap_mg(text: str | None) -> float | None:
    """``--caffeine-after-lunch-mg``: the default cap when not given, None for 'none', else the number."""
    if text is None:
        return CAFFEINE_AFTER_LUNCH_MG_DEFAULT
    if text.strip().lower() in ("none", "no", "off"):
        return None
    try:
        return float(text)
    except ValueError:
        raise ProfileError(f"--caffeine-after-lunch-mg '{text}' is not a number of mg; give e.g. 15, or 'none' "
                           "for no cap") from None


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    """The targets and limits of each day and of the week."""
    p.add_argument("--target-mg", type=float, help="magnesium target per day (default: the RDA)")
    p.add_argument("--kcal-min", type=float, help="minimum energy per day")
    p.add_argument("--kcal-max", type=float, help="maximum energy per day")
    p.add_argument("--budget-usd-per-day", type=float, help="food budget per day in USD")
    p.add_argument("--evening-share", type=float,
                   help="minimum share (0-1) of the day's magnesium at dinner and the evening snack")
    p.add_argument("--caffeine-after-lunch-mg", metavar="MG",
                   help=f"cap on caffeine after lunch in mg, or 'none' (default {CAFFEINE_AFTER_LUNCH_MG_DEFAULT:g}: "
                        "about a cup of cocoa; RLS guidance advises against caffeine in the evening)")
    p.add_argument("--cheapest", action="store_true",
                   help="the cheapest week that meets the targets (default: cost counts after variety and "
                        "co-nutrients)")
    p.add_argument("--same-breakfast", action="store_true",
                   help="allow the same breakfast every day (default: a breakfast at most 3 times a week)")
    p.add_argument("--no-fish-rule", action="store_true",
                   help="do not require fish twice a week (default for diets that allow fish)")
    p.add_argument("--person", action="append", default=[], metavar='"NAME:key=value,..."',
                   help="plan for a household: one person (repeatable, up to 8), keys spelled as these options, "
                        'e.g. "Mia:age=8,sex=female,avoid=peanuts" (a list key may repeat: avoid=peanuts,avoid=soy)')
    p.add_argument("--household", metavar="FILE", help="the household's people from a TOML or JSON file "
                                                       "([[person]] tables with name and the same keys)")
    p.add_argument("--shared", metavar="MEALS", help="meals a household shares (one dish for everyone, portions "
                                                     "per person): dinner (default), lunch,dinner, or none")
    p.add_argument("--leftovers", type=int, metavar="N",
                   help=f"up to N lunches a week are the previous day's dinner, cooked in a larger batch (0-6, "
                        f"default {Rules().leftovers_per_week})")
    p.add_argument("--use-pantry", metavar="PANTRY.csv",
                   help="prefer dishes that use what is in this pantry (the shopping list's pantry file) and say "
                        "which pantry foods the week uses")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """The food table, the solver and the output."""
    p.add_argument("--foods", metavar="CSV", help="your own food table, used together with the curated foods")
    p.add_argument("--time-limit", type=float, default=20.0, metavar="SECONDS",
                   help="solver time limit per solve, a safety net (default 20)")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs",
                   help="the MILP solver of 'optimize' and of the week's bound (default highs); the dish planner's "
                        "days always use HiGHS, whose model it changes from day to day")
    p.add_argument("--format", choices=("json", "markdown", "csv"), default="json")
    p.add_argument("--out", metavar="PATH", help="write here instead of standard output")
    p.add_argument("--write-model", metavar="PATH",
                   help="write the compact weekly model (all days in one MILP) as an MPS file and exit "
                        "without solving, so the bound can be checked with another solver")


def _add_optimize_command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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


def check_retired(args: argparse.Namespace) -> None:
    """A one-line ProfileError for an option of the food-level planner that dish plans no longer have."""
    for option, (dest, why) in RETIRED_OPTIONS.items():
        value = getattr(args, dest, None)
        if value not in (None, False):
            raise ProfileError(f"{option} is no longer an option of 'magplan plan': {why}")


def _load_library(args: argparse.Namespace):
    """(foods, dish tables): the curated and the person's foods, plus ``--foods`` CSV if given, and the dishes built
    from them (kept between runs without ``--foods``: ``foods.library_cache``)."""
    from foods.dishes import load_all_dishes
    from foods.library_cache import library
    from foods.load import combine, load_user_foods
    from foods.user import load_all_foods

    if not args.foods:
        return library()
    foods = combine(load_all_foods(), load_user_foods(Path(args.foods)))
    return foods, load_all_dishes(foods)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# Option -> the range it must be in (planner.model.NUMBER_RANGES): checked before anything is planned.
PLAN_OPTION_RANGES: tuple[tuple[str, str], ...] = (
    ("days", "days"), ("age", "age"), ("weight_kg", "weight_kg"), ("height_cm", "height_cm"),
    ("target_mg", "magnesium_mg"), ("kcal_min", "energy_kcal_min"), ("kcal_max", "energy_kcal_max"),
    ("budget_usd_per_day", "budget_usd_per_day"), ("evening_share", "evening_share_min"),
    ("caffeine_after_lunch_mg", "caffeine_after_lunch_max_mg"), ("time_limit", "time_limit_s"),
    ("leftovers", "leftovers_per_week"),
)
# The options that describe one person: with --person or --household each person's own keys say them.
PERSON_OPTIONS: tuple[str, ...] = ("age", "sex", "status", "weight_kg", "height_cm", "activity", "diet", "avoid",
                                   "target_mg", "kcal_min", "kcal_max", "budget_usd_per_day")


def profile_from_args(args: argparse.Namespace) -> tuple[Profile, Rules]:
    """Profile and Rules from the parsed ``magplan plan`` options (favourites: dish or food ids)."""
    cap_mg = _caffeine_cap_mg(args.caffeine_after_lunch_mg)
    args = argparse.Namespace(**{**vars(args), "caffeine_after_lunch_mg": cap_mg})
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
    default = Profile()
    profile = Profile(age=default.age if args.age is None else args.age, sex=args.sex or default.sex,
                      status=args.status or default.status, weight_kg=args.weight_kg,
                      height_cm=args.height_cm, activity=args.activity, diet=args.diet or default.diet,
                      avoid_allergens=_unique(args.avoid), exclude_foods=_unique(args.exclude),
                      favorite_foods=_unique(args.favorite),
                      disliked_foods=_unique(args.dislike), budget_usd_per_day=args.budget_usd_per_day,
                      overrides=overrides)
    defaults = Rules()
    rules = Rules(days=args.days, evening_share_min=args.evening_share,
                  caffeine_after_lunch_max_mg=args.caffeine_after_lunch_mg, time_limit_s=args.time_limit,
                  solver=args.solver, cheapest=args.cheapest,
                  max_breakfast_per_week=args.days if args.same_breakfast else defaults.max_breakfast_per_week,
                  fish_per_week_min=0 if args.no_fish_rule else defaults.fish_per_week_min,
                  leftovers_per_week=defaults.leftovers_per_week if args.leftovers is None else args.leftovers)
    return profile, rules


def parse_person(spec: str) -> Member:
    """A household member from ``--person "NAME:key=value,key=value"`` (keys: ``PERSON_FIELDS``)."""
    name, sep, rest = spec.partition(":")
    if not sep or not name.strip():
        raise ProfileError(f'--person {spec!r}: write the name, a colon, then key=value pairs, e.g. '
                           '"Ann:age=45,sex=female"')
    pairs = []
    for part in filter(None, (x.strip() for x in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq:
            raise ProfileError(f"--person {spec!r}: {part!r} is not key=value; e.g. age=45")
        pairs.append((key.strip(), value.strip()))
    return member_from_fields(name, pairs)


def household_from_args(args: argparse.Namespace) -> tuple[tuple[Member, ...], tuple[str, ...], int | None]:
    """(members, shared meals, leftovers from the file) of --person / --household; () when planning for one."""
    if not (args.person or args.household):
        if args.shared is not None:
            raise ProfileError("--shared is for a household; add people with --person or --household")
        return (), (), None
    given = [o for o in PERSON_OPTIONS if getattr(args, o) not in (None, [])]
    if given:
        option = "--" + given[0].replace("_", "-")
        raise ProfileError(f"{option} describes one person; with --person or --household give it in each person, "
                           f'e.g. --person "Ann:{given[0].replace("_", "-")}=..."')
    if args.person and args.household:
        raise ProfileError("give the people with --person or with --household, not both")
    settings: dict = {}
    if args.household:
        members, settings = read_household(args.household)
    else:
        members = check_members([parse_person(spec) for spec in args.person])
    shared_text = args.shared if args.shared is not None else settings.get("shared", "dinner")
    shared = [s.strip() for s in (shared_text.split(",") if isinstance(shared_text, str) else shared_text)]
    shared = check_shared([s for s in shared if s and s != "none"])
    return members, shared, settings.get("leftovers")


def check_ids(option: str, ids: Sequence[str], *, dish_ids: Iterable[str] = (), food_ids: Iterable[str] = ()
              ) -> None:
    """ProfileError naming the first id that is neither a known dish nor a known food, with close ids."""
    dishes, foods = [str(i) for i in dish_ids], [str(i) for i in food_ids]
    known = set(dishes) | set(foods)
    kinds = " or ".join(k for k, v in (("dish", dishes), ("food", foods)) if v)
    for value in ids:
        if value in known:
            continue
        close = difflib.get_close_matches(value, [*dishes, *foods], n=3, cutoff=0.75)
        head = value.split("_")[0]
        if not close and len(head) >= 3:
            close = sorted(i for i in known if i.startswith(head))[:3]
        listing = " or ".join(f"'magplan {c} list'" for c, v in (("dishes", dishes), ("foods", foods)) if v)
        hint = f"did you mean {', '.join(close)}?" if close else f"{listing} shows the ids"
        raise ProfileError(f"{option} {value}: unknown {kinds} id '{value}'; {hint}")


def _emit(text: str, out: str | None) -> None:
    if out:
        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)


def _write_model(path: str, tables, profile: Profile, rules: Rules, exclude_dishes: Sequence[str],
                 favorites: Sequence[str], dislikes: Sequence[str]) -> None:
    from planner import menu, week
    from planner.targets import targets_for

    data = menu.dish_data(tables, profile, exclude_dishes=exclude_dishes, favorites=favorites, dislikes=dislikes)
    days = list(range(1, rules.days + 1))
    model = menu.build_menu_model(data, targets_for(profile), rules, days=days,
                                  budget_usd_per_day=profile.budget_usd_per_day, name="magplan_week",
                                  leftover_days=week.leftover_days(days, rules.leftovers_per_week))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    model.prob.writeMPS(path)
    print(f"wrote {path} ({len(model.prob.variables())} variables, {len(model.prob.constraints)} constraints, "
          f"{len(data.ids)} dishes)", file=sys.stderr)


def cmd_plan(args: argparse.Namespace) -> int:
    from planner.targets import check_profile

    check_retired(args)
    profile, rules = profile_from_args(args)
    members, shared, file_leftovers = household_from_args(args)
    if file_leftovers is not None and args.leftovers is None:
        check_number(file_leftovers, "leftovers_per_week", f"{args.household}: leftovers", ProfileError)
        rules = replace(rules, leftovers_per_week=file_leftovers)
    if not members:
        check_profile(profile)
    foods, tables = _load_library(args)
    dish_ids, food_ids = list(tables.dishes.index), list(foods.index)
    for member in members or (Member("", profile),):
        check_ids("--exclude", member.profile.exclude_foods, food_ids=food_ids)
        check_ids("--favorite", member.profile.favorite_foods, dish_ids=dish_ids, food_ids=food_ids)
        check_ids("--dislike", member.profile.disliked_foods, dish_ids=dish_ids, food_ids=food_ids)
    check_ids("--exclude-dish", args.exclude_dish, dish_ids=dish_ids)
    exclude_dishes, favorites, dislikes = _unique(args.exclude_dish), _unique(args.favorite), _unique(args.dislike)
    if args.write_model:
        _write_model(args.write_model, tables, profile, rules, exclude_dishes, favorites, dislikes)
        return 0
    pantry = _pantry_foods(args.use_pantry, foods)
    plan = _make_plan(tables, foods, profile, members, shared, rules, exclude_dishes, favorites, dislikes, pantry)
    _write_plan(plan, args, tables)
    return 0


def _pantry_foods(path: str | None, foods) -> tuple[str, ...]:
    if not path:
        return ()
    from planner.shopping import pantry_food_ids, read_pantry_csv

    found, unknown = pantry_food_ids(read_pantry_csv(path), foods)
    for text in unknown:
        print(f"note: pantry: '{text}' is not a known food or product ('magplan foods list' shows them)",
              file=sys.stderr)
    return found


def _make_plan(tables, foods, profile: Profile, members: Sequence[Member], shared: Sequence[str], rules: Rules,
               exclude_dishes: Sequence[str], favorites: Sequence[str], dislikes: Sequence[str],
               pantry: Sequence[str]):
    from planner.dishplan import plan_dish_week
    from planner.household import plan_household

    if members:
        return plan_household(tables, foods, members, rules=rules, shared=shared, exclude_dishes=exclude_dishes,
                              favorites=favorites, dislikes=dislikes, pantry_foods=pantry)
    return plan_dish_week(tables, foods, profile, rules=rules, exclude_dishes=exclude_dishes, favorites=favorites,
                          dislikes=dislikes, pantry_foods=pantry)


def _write_plan(plan, args: argparse.Namespace, tables=None) -> None:
    if args.format == "json":
        text = plan_to_json(plan)
    else:
        from planner import export

        text = export.plan_to_markdown(plan, tables) if args.format == "markdown" else export.plan_to_csv(plan)
    _emit(text, args.out)
    if args.out:
        print(f"wrote {args.out} ({plan.rules.days} days, solver {plan.solver.status})", file=sys.stderr)
    if args.format != "markdown":  # the Markdown shows the notes itself
        for note in plan.notes:
            print(f"note: {note}", file=sys.stderr)


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


