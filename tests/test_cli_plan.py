"""magplan plan / magplan optimize, in-process and one real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main
from planner.model import read_plan

ROOT = Path(__file__).resolve().parent.parent
ONE_DAY = ["plan", "--days", "1", "--age", "45", "--sex", "female", "--diet", "vegan", "--time-limit", "10"]


def test_plan_json_to_file(tmp_path, capsys):
    out = tmp_path / "plan.json"
    assert main([*ONE_DAY, "--format", "json", "--out", str(out)]) == 0
    plan = read_plan(out)
    assert len(plan.days) == 1 and plan.profile.diet == "vegan"
    assert plan.days[0].totals["magnesium_mg"] >= 320
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, needle", [("markdown", "Day 1"), ("csv", "magnesium")])
def test_plan_markdown_and_csv(capsys, fmt, needle):
    assert main([*ONE_DAY, "--format", fmt, "--favorite", "pumpkin_seeds", "--evening-share", "0.3",
                 "--caffeine-after-lunch-mg", "50"]) == 0
    text = capsys.readouterr().out
    assert needle.lower() in text.lower()
    assert "Running HiGHS" not in text


@pytest.mark.parametrize("args, words", [
    (["--age", "0"], ["--age 0", "1 to 120"]),
    (["--kcal-min", "3000", "--kcal-max", "2000"], ["--kcal-min 3000", "--kcal-max"]),
    (["--exclude", "no_such_food"], ["unknown food id 'no_such_food'"]),
    (["--status", "pregnancy", "--sex", "male"], ["'status'", "female"]),
    (["--foods", "/nonexistent/foods.csv"], ["file not found"]),
    (["--evening-share", "2"], ["--evening-share"]),
    (["--target-mg", "2500", "--kcal-max", "1200", "--kcal-min", "1000"], ["at most", "mg of magnesium"]),
])
def test_bad_arguments_one_line_exit_2(capsys, args, words):
    assert main(["plan", "--days", "1", "--time-limit", "10", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("magplan: error: ")
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_write_model(tmp_path, capsys):
    path = tmp_path / "week.mps"
    assert main(["plan", "--days", "2", "--write-model", str(path)]) == 0
    text = path.read_text()
    assert "magnesium_min_day_2" in text and "ENDATA" in text
    assert "constraints" in capsys.readouterr().err


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_optimize_classic_diet(tmp_path, capsys):
    # beans: 70 mg, 130 kcal, $0.20; seeds: 150 mg, 160 kcal, $1.00; >= 300 mg, <= 700 kcal, whole units:
    # 5 beans = 350 mg, 650 kcal, $1.00 beats any mix with seeds (>= $1.00 + beans) -> {beans: 5}.
    foods = _write(tmp_path / "f.csv", "id,magnesium_mg,energy_kcal,cost\nbeans,70,130,0.2\nseeds,150,160,1.0\n")
    limits = _write(tmp_path / "l.csv", "nutrient,min,max\nmagnesium_mg,300,\nenergy_kcal,,700\n")
    assert main(["optimize", "--foods", foods, "--limits", limits, "--cost-column", "cost", "--format", "json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["amounts"] == {"beans": 5.0}
    assert res["totals"]["magnesium_mg"] == 350.0 and res["objective"] == pytest.approx(1.0)
    assert main(["optimize", "--foods", foods, "--limits", limits, "--continuous"]) == 0
    assert "status: optimal" in capsys.readouterr().out


def test_optimize_infeasible_and_bad_tables(tmp_path, capsys):
    foods = _write(tmp_path / "f.csv", "id,magnesium_mg,energy_kcal\nbeans,70,130\n")
    limits = _write(tmp_path / "l.csv", "nutrient,min,max\nmagnesium_mg,300,\nenergy_kcal,,200\n")
    assert main(["optimize", "--foods", foods, "--limits", limits]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "magnesium_mg reaches at most" in err
    bad = _write(tmp_path / "b.csv", "nutrient,min,max\nzinc_mg,1,\n")
    assert main(["optimize", "--foods", foods, "--limits", bad]) == 2
    assert "'zinc_mg' is not a column" in capsys.readouterr().err


def test_subprocess_plan_prints_clean_json():
    proc = subprocess.run([sys.executable, "-m", "planner", *ONE_DAY, "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # nothing but the plan on stdout
    assert data["version"] == 1 and data["days"][0]["totals"]["magnesium_mg"] >= 320
    assert data["solver"]["name"] == "HiGHS"
