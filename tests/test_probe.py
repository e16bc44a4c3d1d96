"""The hostile probe's classes, each with variations: a number out of range, a path that cannot be written, a
plan the tools cannot use, an oversized file, a name that is a shell command, a read-only or linked file.

Every case must end in one line on stderr and exit 2: no traceback, no 'internal error', no silent answer.
"""
from __future__ import annotations

import errno
import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from planner.errors import PlanFormatError, ProfileError, shell_quote
from planner.model import NUMBER_RANGES, Profile, Rules, check_number
from planner.plan_format import plan_from_dict, plan_to_dict, read_plan, write_plan
from planner.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_cli_swaps import hand_plan  # noqa: E402
from test_verify import set_at  # noqa: E402

HUGE = str(10**30)


@pytest.fixture
def plan_file(tmp_path, curated):
    path = tmp_path / "plan.json"
    write_plan(hand_plan(curated), path)
    return path


def one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    assert err.count("\n") == 1 and err.startswith("magplan: error: "), err
    assert "internal error" not in err and "Traceback" not in err
    return err


# --- (5, 8, 9) numbers at the edge: options ---------------------------------------------------------------
PLAN_CASES = [
    (["--target-mg", "1e20"], "--target-mg 1e+20 is not a magnesium amount in mg per day from 0 to 3000"),
    (["--target-mg", "inf"], "--target-mg inf"), (["--target-mg", "nan"], "--target-mg nan"),
    (["--target-mg", "-5"], "--target-mg -5.0"), (["--target-mg", "3001"], "from 0 to 3000"),
    (["--budget-usd-per-day", "inf"], "--budget-usd-per-day inf is not a budget in USD per day above 0"),
    (["--budget-usd-per-day", "0"], "above 0 and at most 1000"), (["--budget-usd-per-day", "1e9"], "at most 1000"),
    (["--caffeine-after-lunch-mg", "nan"], "--caffeine-after-lunch-mg nan is not a caffeine amount in mg"),
    (["--time-limit", "inf"], "--time-limit inf is not a time in seconds above 0 and at most 3600"),
    (["--time-limit", "0"], "--time-limit 0.0"), (["--time-limit", "nan"], "--time-limit nan"),
    (["--kcal-min", "1e300"], "--kcal-min 1e+300 is not an energy in kcal per day"),
    (["--kcal-max", "-1"], "--kcal-max -1.0"),
    (["--weight-kg", "inf"], "--weight-kg inf is not a weight in kg from 10 to 400"),
    (["--height-cm", "1e9"], "--height-cm 1000000000.0"),
    (["--age", HUGE], f"--age {HUGE} is not a whole number of years from 1 to 120"),
    (["--days", "29"], "--days 29 is not a whole number of days from 1 to 28"),
    (["--evening-share", "nan"], "--evening-share nan is not a share from 0 to 1"),
]


@pytest.mark.parametrize("extra, message", PLAN_CASES)
def test_plan_options_out_of_range_are_one_line_errors_naming_the_range(capsys, extra, message):
    err = one_line_error(capsys, ["plan", "--days", "1", *extra])
    assert message in err and "e.g." in err


@pytest.mark.parametrize("servings", ["1e308", "inf", "nan", "-inf", "101"])
def test_set_servings_out_of_range_is_a_one_line_error(capsys, plan_file, servings):
    err = one_line_error(capsys, ["set-servings", str(plan_file), "--day", "2", "--slot", "snack",
                                  "--food", "almonds", f"--servings={servings}"])
    assert "servings" in err


@pytest.mark.parametrize("people", [HUGE, "0", "-3", "1001"])
def test_shopping_people_out_of_range_is_a_one_line_error(capsys, plan_file, people):
    assert "--people" in one_line_error(capsys, ["shopping-list", str(plan_file), f"--people={people}"])


def test_optimize_time_limit_is_checked_first(capsys, tmp_path):
    err = one_line_error(capsys, ["optimize", "--foods", str(tmp_path / "none.csv"), "--limits",
                                  str(tmp_path / "none.csv"), "--time-limit", "inf"])
    assert "--time-limit inf" in err


@pytest.mark.parametrize("name", sorted(NUMBER_RANGES))
def test_every_range_refuses_non_finite_and_huge_numbers_and_keeps_its_example(name):
    rng = NUMBER_RANGES[name]
    for bad in (float("nan"), float("inf"), -float("inf"), 10**400, 1e308, rng.high * 2 + 1, True, "1"):
        with pytest.raises(ValueError, match=rf"is not {rng.what}"):
            check_number(bad, name, name)
    example = float(rng.example)
    assert check_number(example, name, name) == example


@pytest.mark.parametrize("values, field", [
    ({"budget_usd_per_day": float("inf")}, "budget_usd_per_day"),
    ({"overrides": {"magnesium_mg": 1e20}}, "magnesium_mg"),
    ({"overrides": {"energy_kcal_max": float("inf")}}, "energy_kcal_max"),
    ({"weight_kg": 1e300}, "weight_kg"),
])
def test_profile_fields_use_the_same_ranges(values, field):
    from planner.targets import check_profile

    with pytest.raises(ProfileError, match=field):
        check_profile(Profile(**values))


@pytest.mark.parametrize("values, field", [
    ({"caffeine_after_lunch_max_mg": float("nan")}, "caffeine_after_lunch_max_mg"),
    ({"time_limit_s": float("inf")}, "time_limit_s"), ({"servings_step": 0.0}, "servings_step"),
    ({"gap_rel": float("nan")}, "gap_rel"), ({"days": 10**30}, "days"),
])
def test_rules_fields_use_the_same_ranges(values, field):
    from planner.targets import check_rules

    with pytest.raises(ProfileError, match=field):
        check_rules(Rules(**values))


# --- (8, 12) plan JSON the tools cannot use: one clear line, never a crash --------------------------------
def _dup_slot(d):
    d["days"][0]["meals"].append(dict(d["days"][0]["meals"][0]))


PLAN_MUTATIONS = [
    (set_at("targets", "magnesium_mg", value=1e300), r"plan.targets.magnesium_mg 1e\+300 is not a magnesium amount"),
    (set_at("targets", "energy_kcal_max", value=1e300), r"plan.targets.energy_kcal_max"),
    (set_at("rules", "servings_step", value=0), r"plan.rules.servings_step 0 is not a step in servings above 0"),
    (set_at("rules", "time_limit_s", value=1e308), r"plan.rules.time_limit_s"),
    (set_at("rules", "days", value=10**30), r"plan.rules.days"),
    (set_at("profile", "budget_usd_per_day", value=1e300), r"plan.profile.budget_usd_per_day"),
    (set_at("profile", "overrides", value={"magnesium_mg": 1e20}), r"plan.profile.overrides.magnesium_mg"),
    (set_at("days", value=[]), r"plan.days is an empty list"),
    (_dup_slot, r"day 1 already has a breakfast meal"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(servings=1e308), r"items\[0\].servings 1e\+308"),
]


@pytest.mark.parametrize("mutate, message", PLAN_MUTATIONS)
def test_plans_the_tools_cannot_use_are_refused_when_read(curated, mutate, message):
    d = json.loads(json.dumps(plan_to_dict(hand_plan(curated))))
    mutate(d)
    with pytest.raises(PlanFormatError, match=message):
        plan_from_dict(d)


@pytest.mark.parametrize("mutate, message", PLAN_MUTATIONS)
@pytest.mark.parametrize("command", [["regenerate", "--day", "1"], ["lock", "--day", "1"], ["shopping-list"]])
def test_commands_on_such_plans_are_one_line_errors(capsys, tmp_path, curated, mutate, message, command):
    d = json.loads(json.dumps(plan_to_dict(hand_plan(curated))))
    mutate(d)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d))
    one_line_error(capsys, [command[0], str(path), *command[1:]])


def test_a_plan_that_would_not_read_back_is_never_written(curated, tmp_path):
    from dataclasses import replace

    plan = replace(hand_plan(curated), rules=Rules(days=3, time_limit_s=float("inf")))
    with pytest.raises(PlanFormatError, match="would not read back"):
        write_plan(plan, tmp_path / "p.json")
    assert not (tmp_path / "p.json").exists()


# --- (8) paths that cannot be written -------------------------------------------------------------------
def _full_disk(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("where, setup, message", [
    ("folder", None, "it is a folder"),
    ("under_a_file", None, "a part of the path is a file, not a folder"),
    ("full_disk", _full_disk, "No space left on device"),
])
@pytest.mark.parametrize("command", ["lock", "plan", "shopping-list", "export"])
def test_out_paths_that_cannot_be_written_are_one_line_errors(capsys, monkeypatch, tmp_path, plan_file, where,
                                                               setup, message, command):
    (tmp_path / "a_file").write_text("x")
    out = {"folder": tmp_path, "under_a_file": tmp_path / "a_file" / "out.json",
           "full_disk": tmp_path / "new.json"}[where]
    if command == "export":
        db = tmp_path / "x.db"
        with Store(db) as s:
            s.save_plan("w", read_plan(plan_file))
    if setup:
        setup(monkeypatch)
    argv = {"lock": ["lock", str(plan_file), "--day", "1", "--out", str(out)],
            "plan": ["plan", "--days", "1", "--out", str(out)],
            "shopping-list": ["shopping-list", str(plan_file), "--out", str(out)],
            "export": ["plans", "export", "w", "--out", str(out), "--db", str(tmp_path / "x.db")]}[command]
    err = one_line_error(capsys, argv)
    assert message in err
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary file left behind


# --- (13) every file a person hands in has a size cap, stated in the message -----------------------------
def _pad_plan(path: Path, to_bytes: int) -> None:
    d = json.loads(path.read_text())
    d["notes"] = ["x" * to_bytes]
    path.write_text(json.dumps(d))


@pytest.mark.parametrize("kind", ["plan", "plans-save", "backup", "pantry", "foods", "optimize"])
def test_oversized_files_are_refused_with_the_cap_in_the_message(capsys, monkeypatch, tmp_path, plan_file, kind):
    import foods.load
    import planner.plan_format
    import planner.shopping
    import planner.store.backup

    monkeypatch.setattr(planner.plan_format, "MAX_PLAN_BYTES", 4096)
    monkeypatch.setattr(planner.store.backup, "MAX_BACKUP_BYTES", 4096)
    monkeypatch.setattr(planner.shopping, "MAX_PANTRY_BYTES", 4096)
    monkeypatch.setattr(foods.load, "MAX_USER_TABLE_BYTES", 4096)
    big = tmp_path / "big"
    if kind in ("plan", "plans-save"):
        _pad_plan(plan_file, 5000)
        argv = (["lock", str(plan_file), "--day", "1"] if kind == "plan"
                else ["plans", "save", "w", str(plan_file), "--db", str(tmp_path / "x.db")])
    elif kind == "backup":
        big.write_text('{"magplan_backup": 1, "plans": [], "x": "' + "y" * 5000 + '"}')
        argv = ["plans", "restore", str(big), "--db", str(tmp_path / "x.db")]
    elif kind == "pantry":
        big.write_text("food_or_product,amount,unit\n" + "almonds,1,g\n" * 500)
        argv = ["shopping-list", str(plan_file), "--pantry", str(big)]
    elif kind == "foods":
        big.write_text("food_id,name,fdc_id\n" + "x,x,1\n" * 1000)
        argv = ["plan", "--days", "1", "--foods", str(big)]
    else:
        big.write_text("id,a\n" + "x,1\n" * 2000)
        argv = ["optimize", "--foods", str(big), "--limits", str(big)]
    err = one_line_error(capsys, argv)
    assert "up to 4 kB" in err and ("the file is" in err or "larger than" in err)


# --- (3) printed commands are shell-safe --------------------------------------------------------------------
HOSTILE_NAMES = ["wk'; touch pwned; echo '", 'wk"; touch pwned; echo "', "wk $(touch pwned)",
                 "wk `touch pwned`", "it's mine", "a\\b 'c' \"d\" $HOME *", "wk'\''; touch pwned; '"]


def _run_pasted(command: str, tmp_path: Path) -> list[str]:
    """Run a printed 'magplan ...' command in a real shell with magplan replaced by printf: the arguments it
    would get, one per line (nothing else may run)."""
    assert command.startswith("magplan ")
    script = "printf '%s\\n' " + command[len("magplan "):]
    done = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("pattern", HOSTILE_NAMES)
def test_the_undelete_hint_is_safe_to_paste(capsys, tmp_path, plan_file, pattern):
    marker = tmp_path / "pwned"
    name = pattern
    db = tmp_path / "x.db"
    with Store(db) as s:
        s.save_plan(name, read_plan(plan_file))
    assert main(["plans", "delete", name, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    hint = out.split("bring it back with: ", 1)[1].strip()
    assert _run_pasted(hint, tmp_path) == ["plans", "undelete", name, "--db", str(db)]
    assert not marker.exists()
    assert main(shlex.split(hint)[1:]) == 0  # and it does what it says


@pytest.mark.parametrize("pattern", HOSTILE_NAMES)
def test_store_hints_quote_names_and_paths(tmp_path, plan_file, pattern):
    from planner.errors import StoreError

    marker = tmp_path / "pwned"
    name = pattern
    with Store(tmp_path / "x.db") as s:
        s.save_plan(name, read_plan(plan_file))
        s.delete_plan(name)
        s.save_plan(name, read_plan(plan_file))
        with pytest.raises(StoreError) as info:
            s.undelete_plan(name)
    hint = str(info.value).split("e.g. ", 1)[1]
    assert _run_pasted(hint, tmp_path) == ["plans", "undelete", name, "--as", name + " (restored)"]
    assert not marker.exists()


@pytest.mark.parametrize("value", ["plain", "it's", "$(x)", "a\nb", "", "'"])
def test_shell_quote_round_trips(value):
    assert shlex.split(shell_quote(value)) == [value]


# --- (14) read-only databases and linked files -----------------------------------------------------------
def test_reading_a_read_only_database_leaves_no_read_only_companions(tmp_path, plan_file):
    db = tmp_path / "x.db"
    with Store(db) as s:
        s.save_plan("w", read_plan(plan_file))
    os.chmod(db, 0o444)
    try:
        with Store(db) as s:
            assert s.read_only and s.load_plan("w").days
        for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert not companion.exists() or stat.S_IMODE(companion.stat().st_mode) & stat.S_IWUSR
    finally:
        os.chmod(db, 0o644)
    with Store(db) as s:  # the advised 'chmod u+w' on the database alone is enough
        assert s.save_plan("w", read_plan(plan_file)) == 2


def test_read_only_companions_left_by_an_older_session_are_repaired(tmp_path, plan_file):
    db = tmp_path / "x.db"
    with Store(db) as s:
        s.save_plan("w", read_plan(plan_file))
    for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        companion.write_bytes(b"")
        os.chmod(companion, 0o444)
    with Store(db) as s:
        assert not s.read_only and s.save_plan("w", read_plan(plan_file)) == 2
    for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert not companion.exists() or stat.S_IMODE(companion.stat().st_mode) == 0o644


def test_the_chmod_hint_names_the_companion_files(tmp_path):
    db = tmp_path / "x.db"
    with Store(db) as s:
        s.set_setting("a", 1)
        Path(f"{db}-wal").touch()
        existing = [str(p) for p in (Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
        assert shlex.split(s._chmod_hint()) == ["chmod", "u+w", str(db), *existing]
        assert f"{db}-wal" in existing


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_in_place_writes_go_through_a_symlink_and_keep_the_mode(capsys, tmp_path, plan_file, mode):
    real = tmp_path / "real" / "plan.json"
    real.parent.mkdir()
    real.write_bytes(plan_file.read_bytes())
    os.chmod(real, mode)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(["lock", str(link), "--day", "1", "--in-place"]) == 0
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert read_plan(real).locks and stat.S_IMODE(real.stat().st_mode) == mode
    assert [p.name for p in real.parent.iterdir()] == ["plan.json"]  # no temporary file left


def test_a_new_file_gets_the_usual_permissions_not_a_private_copy(tmp_path, plan_file):
    old = os.umask(0o022)
    try:
        out = tmp_path / "new.json"
        write_plan(read_plan(plan_file), out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
