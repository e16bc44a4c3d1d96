"""planner.open_plans: the plans the app shows, kept for a page reload with their shopping ticks."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from planner import open_plans
from planner.errors import PlanFormatError, StoreError
from planner.model import DayPlan, Profile, Rules, SolverInfo, WeekPlan
from planner.plan_format import plan_to_json
from planner.open_plans import OpenPlans, check_key, plan_key
from planner.targets import targets_for


@pytest.fixture
def plan() -> WeekPlan:
    """A one-day plan without meals: enough to keep and read back (no solve needed)."""
    profile = Profile()
    return WeekPlan(profile=profile, targets=targets_for(profile), rules=Rules(days=1),
                    days=(DayPlan(day=1, meals=()),), solver=SolverInfo(name="highs", status="optimal"))


def test_a_kept_plan_reads_back_by_its_key(plan, tmp_path):
    kept = OpenPlans(tmp_path)
    key = kept.keep(plan)
    assert key == plan_key(plan) and len(key) == 16
    assert plan_to_json(kept.plan(key)) == plan_to_json(plan)
    assert kept.keep(plan) == key  # the same plan, the same key (kept once)
    assert len(list(tmp_path.glob("*.plan.json"))) == 1


def test_a_changed_plan_has_a_new_key_and_no_ticks(plan, tmp_path):
    kept = OpenPlans(tmp_path)
    key = kept.keep(plan)
    kept.set_tick(key, "Almonds", True)
    other = kept.keep(replace(plan, notes=("swapped a dish",)))
    assert other != key
    assert kept.ticks(other) == frozenset()
    assert kept.ticks(key) == {"Almonds"}


def test_ticks_are_kept_and_unticked(plan, tmp_path):
    key = OpenPlans(tmp_path).keep(plan)
    OpenPlans(tmp_path).set_tick(key, "Almonds", True)
    OpenPlans(tmp_path).set_tick(key, "Rolled oats", True)
    assert OpenPlans(tmp_path).ticks(key) == {"Almonds", "Rolled oats"}  # another session reads them
    assert OpenPlans(tmp_path).set_tick(key, "Almonds", False) == {"Rolled oats"}
    assert OpenPlans(tmp_path).ticks(key) == {"Rolled oats"}


def test_a_key_not_kept_gives_no_plan(tmp_path):
    assert OpenPlans(tmp_path).plan("0123456789abcdef") is None


@pytest.mark.parametrize("key", ["../../etc/passwd", "0123456789ABCDEF", "0123", "0123456789abcdef0", "",
                                 None, 12, "0123456789abcde/"])
def test_a_key_that_is_not_a_key_is_refused(key, tmp_path):
    with pytest.raises(PlanFormatError, match="is not a plan key; a key is 16 hex digits"):
        OpenPlans(tmp_path).plan(key)
    with pytest.raises(PlanFormatError):
        check_key(key)
    assert not any(tmp_path.iterdir())


def test_a_damaged_plan_file_is_a_plan_format_error(plan, tmp_path):
    key = OpenPlans(tmp_path).keep(plan)
    (tmp_path / f"{key}.plan.json").write_text('{"version": 2, "days": [', encoding="utf-8")
    with pytest.raises(PlanFormatError, match=f"{key}.plan.json"):
        OpenPlans(tmp_path).plan(key)


@pytest.mark.parametrize("text", ["not json", '{"a": 1}', '[1, 2, "Almonds"]'])
def test_a_damaged_tick_file_loses_only_what_it_cannot_read(plan, tmp_path, text):
    key = OpenPlans(tmp_path).keep(plan)
    (tmp_path / f"{key}.ticks.json").write_text(text, encoding="utf-8")
    assert OpenPlans(tmp_path).ticks(key) == ({"Almonds"} if "Almonds" in text else frozenset())
    assert OpenPlans(tmp_path).plan(key) is not None


@pytest.mark.parametrize("product", ["", "x" * 201, None])
def test_a_tick_needs_a_product_name(plan, tmp_path, product):
    key = OpenPlans(tmp_path).keep(plan)
    with pytest.raises(StoreError, match="a ticked product is a name of 1 to 200 characters"):
        OpenPlans(tmp_path).set_tick(key, product, True)


def test_only_the_newest_plans_are_kept(plan, tmp_path, monkeypatch):
    monkeypatch.setattr(open_plans, "KEEP", 2)
    kept = OpenPlans(tmp_path)
    keys = []
    for n in range(3):
        keys.append(kept.keep(replace(plan, notes=(f"version {n}",))))
        kept.set_tick(keys[-1], "Almonds", True)
        path = tmp_path / f"{keys[-1]}.plan.json"
        os.utime(path, ns=(n * 10**9, n * 10**9))  # kept one after the other
    kept.keep(replace(plan, notes=("version 2",)))  # keeping again makes it the newest, prunes the oldest
    assert kept.plan(keys[0]) is None and kept.ticks(keys[0]) == frozenset()
    assert not (tmp_path / f"{keys[0]}.ticks.json").exists()
    assert kept.plan(keys[1]) is not None and kept.plan(keys[2]) is not None


def test_a_folder_that_cannot_be_written_is_a_store_error(plan, tmp_path):
    folder = tmp_path / "open_plans"
    folder.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot keep the plan for a page reload in .*open_plans.*writable"):
        OpenPlans(folder).keep(plan)
    with pytest.raises(StoreError, match="cannot keep the tick in .*open_plans"):
        OpenPlans(folder).set_tick(plan_key(plan), "Almonds", True)
    assert folder.read_text(encoding="utf-8") == "a file where the folder should be"


def test_the_default_folder_is_in_the_user_data_folder(plan, tmp_path, monkeypatch):
    monkeypatch.setenv("MAGPLAN_HOME", str(tmp_path))
    key = OpenPlans().keep(plan)
    assert (tmp_path / "open_plans" / f"{key}.plan.json").is_file()
