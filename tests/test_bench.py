"""Smoke tests of the benchmark harness: the textbook baseline builds and solves a tiny scenario, the
independent checker catches violated constraints, and the summary/verdict logic reports misses.
No timing asserts: speed is measured by `make bench`, not here."""
from __future__ import annotations

import pytest

from bench.baseline import build_baseline, eligible_foods, parse_cbc_log, run_baseline
from dataclasses import replace

from bench.checkers import Row, dish_plan_checker, food_plan_checker, textbook_checker
from bench.run import _verdict, dish_tables, render_markdown, summarize
from bench.scenarios import (DISH_PROFILES, Scenario, Target, all_scenarios, dish_lever_scenarios, dish_scenarios,
                             lever_scenarios, main_scenarios, side_only_dishes)
from planner.model import Meal, Profile, Rules, SolverInfo, Targets, WeekPlan
from planner.nutrition import make_day, make_item

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3.3 warns about its 4.0 API


def _targets(mg: float = 160.0, kcal_min: float = 0.0, kcal_max: float = 5000.0, protein: float = 0.0) -> Targets:
    return Targets(magnesium_mg=mg, energy_kcal_min=kcal_min, energy_kcal_max=kcal_max, protein_g_min=protein,
                   fiber_g_min=0, sodium_mg_max=5000, iron_mg=0, vitamin_d_ug=0, vitamin_b12_ug=0, calcium_mg=0,
                   potassium_mg=0, magnesium_ul_supplemental_mg=350)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_baseline_solves_a_tiny_day_by_hand(tiny_foods, solver):
    # Rice is the cheapest magnesium (40 mg for $0.30 per 100 g); 160 mg needs all of it: 2 servings at lunch
    # and at dinner (its per-meal cap) = 4 x 40 mg for 4 x $0.30 = $1.20.
    profile, rules = Profile(diet="vegan"), Rules(days=1, time_limit_s=10)
    res = run_baseline(tiny_foods, profile, _targets(), rules, days=1, solver=solver)
    assert res.sol_status == "optimal"
    assert res.objective == pytest.approx(1.2)
    assert res.best_bound is not None and res.gap is not None and res.gap <= 0.01
    assert sorted((r.slot, r.food_id, r.servings) for r in res.rows) == [("dinner", "rice", 2.0), ("lunch", "rice", 2.0)]
    assert textbook_checker(tiny_foods)(res.rows, profile, _targets(), rules, [1]) == []


def test_baseline_respects_diet_and_weekly_slot_cap(tiny_foods):
    profile = Profile(avoid_allergens=("gluten",))
    assert "bread" not in eligible_foods(tiny_foods, profile).index
    rules = Rules(days=2, max_days_per_food=3, time_limit_s=10)
    model = build_baseline(tiny_foods, profile, _targets(), rules, days=2)
    names = {c.name for c in model.prob.constraints.values()}
    assert {"max_slots_rice", "magnesium_min_day_2", "energy_max_day_1"} <= names
    res = run_baseline(tiny_foods, profile, _targets(), rules, days=2)
    # Rice fits in only 3 of the 4 lunch/dinner slots of two days, so something dearer fills the rest.
    assert sum(1 for r in res.rows if r.food_id == "rice") <= 3
    assert res.objective > 2 * 1.2
    assert textbook_checker(tiny_foods)(res.rows, profile, _targets(), rules, [1, 2]) == []


def test_baseline_reports_infeasible_without_rows(tiny_foods):
    res = run_baseline(tiny_foods, Profile(), _targets(mg=10_000), Rules(days=1, time_limit_s=10), days=1)
    assert res.sol_status == "infeasible" and res.rows == [] and res.objective is None


@pytest.mark.parametrize("expected, rows", [
    ("below target 160", [Row(1, "lunch", "rice", 1.0)]),
    ("is not suited to breakfast", [Row(1, "breakfast", "greens", 1.0)]),
    ("not allowed by diet", [Row(1, "breakfast", "bread", 1.0)]),
    ("not a positive multiple of 0.5", [Row(1, "lunch", "rice", 1.75), Row(1, "lunch", "greens", 1.0)]),
    ("above max", [Row(1, "lunch", "rice", 2.5)]),
])
def test_textbook_check_catches_each_kind_of_violation(tiny_foods, expected, rows):
    # The bench has no checker of its own: tests/plan_checker.py checks the textbook model's rows too.
    profile, rules, t = Profile(diet="vegan", avoid_allergens=("gluten",)), Rules(days=1), _targets()
    check = textbook_checker(tiny_foods)
    good = [Row(1, "lunch", "rice", 2.0), Row(1, "dinner", "rice", 2.0)]
    assert check(good, profile, t, rules, [1]) == []  # empty breakfast and snack: the textbook has no meal rules
    bad = check([*rows, Row(1, "dinner", "rice", 2.0)], profile, t, rules, [1])
    assert any(expected in b for b in bad), (expected, bad)


def test_textbook_check_caps_a_main_food_by_days(tiny_foods):
    week = [Row(d, s, "rice", 2.0) for d in (1, 2) for s in ("lunch", "dinner")]
    bad = textbook_checker(tiny_foods)(week, Profile(), _targets(), Rules(days=2, max_days_per_food=1), [1, 2])
    assert bad == ["'rice' on 2 days [1, 2] (max 1)"]


def test_food_plan_check_recomputes_totals_and_menu_rules(tiny_foods):
    check = food_plan_checker(tiny_foods)
    t = _targets(mg=100, kcal_min=100, kcal_max=2000)
    rules = Rules(days=1, slots=("breakfast", "lunch"), max_foods_per_meal=1)
    items = (make_item(tiny_foods, "seeds", 1.0), make_item(tiny_foods, "rice", 1.0))
    day = make_day(1, (Meal("breakfast", items[:1]), Meal("lunch", items[1:])))
    plan = WeekPlan(profile=Profile(), targets=t, rules=rules, days=(day,), solver=SolverInfo("HiGHS", "optimal"))
    assert check(plan) == []
    crowded = make_day(1, (Meal("breakfast", items[:1]), Meal("lunch", (items[1], make_item(tiny_foods, "greens", 1.0)))))
    assert any("lunch: 2 foods (allowed 1..1)" in b for b in check(replace(plan, days=(crowded,))))
    lying = type(day)(day=1, meals=day.meals, totals={**day.totals, "magnesium_mg": 999.0}, measured=day.measured)
    assert any("totals[magnesium_mg] = 999.0" in b for b in check(replace(plan, days=(lying,))))
    empty = make_day(1, (Meal("breakfast", items[:1]),))
    assert any("meal 'lunch' is missing" in b for b in check(replace(plan, days=(empty,))))


def test_parse_cbc_log_reads_bound_of_a_stopped_run():
    log = ("Cbc0010I After 100 nodes, 5 on tree, 12.5 best solution, best possible 11 (1.2 seconds)\n"
           "Result - Stopped on time limit\n\nObjective value:                12.50000000\n"
           "Lower bound:                    11.250\nGap:                            0.11\n")
    assert parse_cbc_log(log) == {"result": "Stopped on time limit", "objective": 12.5, "best_bound": 11.25}
    assert parse_cbc_log("Cbc0010I After 0 nodes, 1 on tree, 1e+50 best solution, best possible 3.5 (0.1 seconds)\n"
                         )["best_bound"] == 3.5
    assert parse_cbc_log("")["best_bound"] is None


def test_scenarios_cover_the_issue():
    names = {s.name for s in main_scenarios(full=True)}
    assert len(names) == 4 * 2 * 2 + 3
    assert {"plan_curated_7d_woman_vegan", "plan_usda_1d_man_vegetarian_gf", "swap_curated_7d_woman_vegan",
            "regenerate_curated_7d_woman_vegan", "exclude_curated_7d_woman_vegan"} <= names
    assert not any("usda" in s.name for s in main_scenarios())  # make bench: curated only, --food-all adds USDA
    assert all(s.group == "lever" for s in lever_scenarios())


def test_dish_scenarios_cover_issue_14():
    dish = {s.name: s for s in dish_scenarios()}
    assert {"cli_plan_7d_woman45", "cli_plan_28d_woman45", "dish_swap_7d_woman45", "dish_regenerate_7d_woman45"} <= set(dish)
    assert {s.profile_key for s in dish.values() if s.kind == "dish_plan"} == set(DISH_PROFILES) and len(DISH_PROFILES) == 5
    assert dish["cli_plan_7d_woman45"].target == Target(time_s=1.5, gap=0.01)
    assert dish["cli_plan_28d_woman45"].target.time_s == 5.0 and dish["dish_swap_7d_woman45"].target.time_s == 0.2
    assert dish["dish_7d_pescatarian67_evening"].rules().evening_share_min == 0.4
    assert dish["dish_7d_man60_budget7"].profile.budget_usd_per_day == 7.0
    levers = dish_lever_scenarios()
    assert all(s.group == "dish_lever" and s.reference == "dish_7d_woman45" for s in levers)
    assert not any(s.patches for s in levers)  # levers are arguments, never patched module constants
    assert {s.kind for s in levers} == {"dish_plan", "dish_compact"}
    assert len({s.name for s in all_scenarios()}) == len(all_scenarios())


def test_side_only_dishes_keeps_dishes_with_another_role():
    import pandas as pd

    tables = type("T", (), {"dishes": pd.DataFrame({"roles": ["side", "snack|side", "main", "side"]},
                                                   index=["b", "c", "a", "d"])})()
    assert side_only_dishes(tables) == ("b", "d")


def test_dish_check_never_passes_a_plan_unchecked(tiny_foods, tmp_path):
    # A run whose snapshot lacks tests/dish_plan_checker.py reports every plan as not checked.
    name, check = dish_plan_checker(tiny_foods, tables=None, root=tmp_path)
    assert name == "not checked"
    assert len(check(object())) == 1 and "not checked: tests/dish_plan_checker.py did not load" in check(object())[0]


def test_verdict_checks_the_solve_target_and_not_measured_rows_render():
    sc = Scenario(name="dish_7d_x", kind="dish_plan", profile_key="woman45", table="dishes", days=7,
                  target=Target(solve_s=0.5, gap=0.01), repeats=1, baseline_repeats=0, group="dish")
    s = summarize([{"total_s": 2.0, "stats": {"solve_s": 1.5}, "status": "optimal", "gap": 0.004,
                    "objective": 5.0, "best_bound": 4.98, "n_violations": 0, "violations": [],
                    "co_nutrients_short": ["vitamin_d_ug"]}])
    text, met = _verdict(sc, s, None)
    assert met is False and "solve missed by 1.00 s" in text and "gap met (0.40%)" in text
    rows = [{"name": "dish_7d_x", "group": "dish", "note": "n", "ours": s, "ours_raw": {"checker": "c"},
             "target": sc.target.label(), "verdict": text, "ours_peak_mb": 10.0},
            {"name": "dish_swap_7d_x", "group": "dish", "note": "n", "ours": summarize([]),
             "ours_error": "not measured: planner.edits missing", "target": "<= 0.2 s",
             "verdict": "not measured: planner.edits missing"}]
    md = "\n".join(dish_tables({"scenarios": rows}))
    assert "| dish_7d_x |" in md and "co-nutrients short: vitamin_d" in md and "ok (c)" in md
    assert "not measured: planner.edits missing" in md


def test_verdict_says_by_how_much_a_target_is_missed():
    sc = Scenario(name="x", kind="plan", profile_key="woman_vegan", table="curated", days=7,
                  target=Target(time_s=2.0, gap=0.01), repeats=1, baseline_repeats=0)
    runs = [{"total_s": 3.0, "stats": {"build_s": 1.0, "solve_s": 1.5, "extract_s": 0.5}, "status": "feasible",
             "gap": 0.05, "objective": 10.0, "best_bound": 9.5, "n_violations": 0, "violations": []},
            {"total_s": 5.0, "stats": {}, "status": "feasible", "gap": 0.04, "n_violations": 0, "violations": []},
            {"total_s": 1.0, "error": "PlanError: no plan"}]
    s = summarize(runs)
    assert s["n_ok"] == 2 and s["total_s"]["median"] == 4.0 and s["gap_worst"] == 0.05
    text, met = _verdict(sc, s, None)
    assert met is False and "time missed by 2.00 s" in text and "gap missed by 4.00% points" in text
    text, met = _verdict(sc, summarize([{**runs[0], "total_s": 1.0, "gap": 0.005}]), None)
    assert met is True and text.startswith("met")
    md = render_markdown({"machine": {"date_utc": "d", "cpu_count": 2, "memory_gb": 1, "platform": "p", "python": "3",
                                      "pulp": "3", "highspy": "1", "pandas": "2", "git_commit": "c", "git_dirty": False,
                                      "loadavg_at_start": [0.0]}, "loadavg_at_end": [0.0], "command": "c", "note": "",
                          "scenarios": [{"name": "x", "group": "main", "ours": s, "target": "< 2 s",
                                         "verdict": text, "ours_peak_mb": 100.0}]})
    assert "| x |" in md


def test_harness_runs_a_tiny_scenario_end_to_end(capsys):
    """`python -m bench.run` machinery: a fresh worker process plans one curated day and the table shows it.
    Whatever the optimizer does (plan, error), the harness must finish and report the scenario."""
    from bench.run import main

    assert main(["--quick", "--only", "plan_curated_1d_man_vegetarian_gf", "--no-baseline"]) == 0
    out = capsys.readouterr().out
    assert "| plan_curated_1d_man_vegetarian_gf |" in out
    assert "Partial run" in out


def test_update_top_readme_takes_both_target_tables(tmp_path):
    from bench.run import update_top_readme

    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- bench:start -->\nold\n<!-- bench:end -->\nb\n")
    md = ("# Benchmark results\n\nRun today.\n\n## The dish planner against the targets\n\n| dish |\n\n"
          "## The optimizer against the targets\n\n| food |\n\n## Against the textbook baseline\n\n| base |\n")
    update_top_readme(md, readme)
    text = readme.read_text()
    assert "Run today." in text and "| dish |" in text and "| food |" in text and "| base |" not in text
    assert "old" not in text and text.endswith("<!-- bench:end -->\nb\n")


def test_update_readme_replaces_only_the_results_section(tmp_path):
    from bench.run import update_readme

    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- results:start -->\nold\n<!-- results:end -->\nafter\n")
    update_readme("# Benchmark results\n\nRun today.\n\n## The optimizer\n\n| a |\n", readme)
    text = readme.read_text()
    assert text.startswith("intro\n<!-- results:start -->\nRun today.") and "old" not in text
    assert "### The optimizer" in text and text.endswith("<!-- results:end -->\nafter\n")


def test_food_plan_check_treats_plan_exclusions_as_banned(tiny_foods):
    from dataclasses import replace

    t = _targets(mg=100, kcal_min=100, kcal_max=2000)
    rules = Rules(days=1, slots=("breakfast", "lunch"))
    day = make_day(1, (Meal("breakfast", (make_item(tiny_foods, "seeds", 1.0),)),
                       Meal("lunch", (make_item(tiny_foods, "rice", 1.0),))))
    plan = WeekPlan(profile=Profile(), targets=t, rules=rules, days=(day,), solver=SolverInfo("HiGHS", "optimal"))
    check = food_plan_checker(tiny_foods)
    assert check(plan) == []
    assert any("excluded food 'rice'" in b for b in check(replace(plan, excluded=("rice",))))


def test_a_plan_after_the_baseline_in_one_process_still_solves():
    """HiGHS sizes one scheduler per process by the first run's thread count; a baseline run with another count
    made every later planner solve stop with status 'Not Set'. A fresh process: the baseline's HiGHS run first."""
    import subprocess
    import sys

    code = (
        "import pulp\n"
        "import bench.baseline as b\n"
        "from planner import solve\n"
        "from planner.model import Rules\n"
        "p = pulp.LpProblem('b', pulp.LpMinimize); x = pulp.LpVariable('x', 0, 3, cat='Integer'); p += x; p += x >= 1\n"
        "b.solve_baseline(b.BaselineModel(p, {}, {}, 1.0, 0, 0.0), time_limit_s=5, solver='highs')\n"
        "q = pulp.LpProblem('p', pulp.LpMinimize); y = pulp.LpVariable('y', 0, 3, cat='Integer'); q += y; q += y >= 2\n"
        "print(solve.run(q, Rules()).feasible, y.varValue)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["True", "2.0"]
