"""Property tests: any input either loads or raises the project's own error with a message.

The food-table loader on arbitrary CSV bytes and text, the plan JSON reader on arbitrary JSON and on
mutations of a valid plan, and the profile (check_profile and the stored-profile reader). Every test is
bounded (max_examples, deadline=None) so the file stays within ~20 s on a busy machine
(MAGPLAN_FUZZ_SCALE=N multiplies the number of examples for a deeper search).
"""
from __future__ import annotations

import copy
import json
import math
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import foods
from foods.errors import FoodTableError
from foods.load import CURATION_COLUMNS
from foods.schema import NUTRIENT_COLUMNS
from planner.errors import PlanFormatError, ProfileError
from planner.model import Profile, WeekPlan
from planner.plan_format import plan_from_dict, plan_from_json, plan_to_dict, plan_to_json
from planner.shopping import read_pantry_csv
from planner.store import profile_from_dict
from planner.targets import check_profile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import make_food_table  # noqa: E402
from test_store import make_plan  # noqa: E402

# make test stays bounded; MAGPLAN_FUZZ_SCALE=20 runs 20x more examples for a deeper local search.
SCALE = max(1, int(os.environ.get("MAGPLAN_FUZZ_SCALE", "1") or 1))
FUZZ = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies -----------------------------------------------------------------------------------
json_scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-2**70, max_value=2**70)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
                | st.sampled_from(["breakfast", "dinner", "", "almonds", "NaN", "1", "-1"]))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=16)


@lru_cache(maxsize=1)
def _valid_plan_dict() -> dict[str, Any]:
    foods_table = make_food_table({
        "seeds": {"magnesium_mg": 200.0, "energy_kcal": 500.0, "protein_g": 10.0},
        "greens": {"magnesium_mg": 80.0, "energy_kcal": 25.0, "price_usd_per_100g": 1.0},
    })
    return plan_to_dict(make_plan(foods_table, days=2))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys/indices) into a JSON value, the root included."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def _assert_reads_or_plan_error(read, arg) -> None:
    try:
        plan = read(arg)
    except PlanFormatError as exc:
        assert str(exc).strip(), "a PlanFormatError needs a message"
        return
    assert isinstance(plan, WeekPlan)
    text = plan_to_json(plan)  # an accepted plan can be written ...
    again = plan_from_json(text)  # ... read back ...
    assert plan_to_json(again) == text  # ... and is stable from then on


# --- (1) the food-table loader --------------------------------------------------------------------
def _load_both(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "foods.csv"
        path.write_bytes(data)
        for load in (foods.load_user_foods, foods.load_foods):
            try:
                table = load(path)
            except FoodTableError as exc:
                assert str(exc).strip() and exc.reason.strip()
            else:
                assert isinstance(table, pd.DataFrame)


@FUZZ
@given(st.binary(max_size=300))
def test_loader_on_arbitrary_bytes(data):
    _load_both(data)


@FUZZ
@given(st.text(max_size=300))
def test_loader_on_arbitrary_text(text):
    _load_both(text.encode("utf-8", errors="surrogatepass"))


_COLUMNS = ["food_id", "name", "fdc_id", "serving_g", "magnesium_mg", "energy_kcal", "slots", "diet_tags",
            "allergens", "category", "main_item", "price_usd_per_100g", "portion_seq", "junk", ""]
_COLUMNS += [c for c in CURATION_COLUMNS if c not in _COLUMNS] + [c for c in NUTRIENT_COLUMNS if c not in _COLUMNS]
_CELLS = st.sampled_from(["", "almonds", "170567", "168462", "-1", "0", "1e400", "nan", "NaN", "true", "maybe",
                          "breakfast|dinner", "vegan", "gluten", "nuts", "28.35", "\"quoted, comma\"", "=1+1",
                          "1,5", "ä", " ", "inf", "-0", "1.5", "bulk_and_nuts", "seeds", "raw", "1", "2"]) | st.text(max_size=6)


@st.composite
def csv_tables(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=12))
    if draw(st.booleans()):
        header = ["food_id", "name", "fdc_id", *header]
    rows = draw(st.lists(st.lists(_CELLS, min_size=0, max_size=len(header) + 1), max_size=4))
    lines = [",".join(header)] + [",".join(r) for r in rows]
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return sep.join(lines).encode(encoding, errors="replace")


@FUZZ
@given(csv_tables())
def test_loader_on_csv_shaped_tables(data):
    _load_both(data)


@lru_cache(maxsize=1)
def _curated_rows() -> list[list[str]]:
    """The header and first rows of the shipped curated table, as cells."""
    import csv

    from foods.load import CURATED_CSV

    with open(CURATED_CSV, encoding="utf-8", newline="") as fh:
        return [row for _, row in zip(range(4), csv.reader(fh))]


def _to_csv(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


@st.composite
def curated_mutations(draw) -> bytes:
    """A few real curated rows with cells replaced and columns dropped."""
    rows = [list(r) for r in _curated_rows()]
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[0]) - 1))
        if draw(st.booleans()):
            rows[r][c] = draw(_CELLS)
        else:
            rows = [row[:c] + row[c + 1:] for row in rows]
    return _to_csv(rows)


@FUZZ
@given(curated_mutations())
def test_loader_on_mutations_of_the_curated_table(data):
    _load_both(data)


def test_the_loader_fuzz_starts_from_a_table_that_loads():
    """The mutation strategy starts from rows that do load (so the property is not vacuous)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ok.csv"
        path.write_bytes(_to_csv(_curated_rows()))
        assert list(foods.load_foods(path).index) == [r[0] for r in _curated_rows()[1:]]


# --- (2) the plan JSON reader ---------------------------------------------------------------------
@FAST
@given(json_values)
def test_plan_reader_on_arbitrary_json_values(value):
    _assert_reads_or_plan_error(plan_from_dict, value)
    _assert_reads_or_plan_error(plan_from_json, json.dumps(value))


@FAST
@given(st.text(max_size=200))
def test_plan_reader_on_arbitrary_text(text):
    _assert_reads_or_plan_error(plan_from_json, text)


@FAST
@given(st.data())
def test_plan_reader_on_mutations_of_a_valid_plan(data):
    plan = copy.deepcopy(_valid_plan_dict())
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        paths = _paths(plan)
        path = data.draw(st.sampled_from(paths[1:]), label="path")
        parent, key = _get(plan, path[:-1]), path[-1]
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate", "number"]), label="action")
        if action == "replace":
            parent[key] = data.draw(json_values, label="value")
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = data.draw(st.sampled_from([-1, 0, 0.0, -0.5, 1e-9, 1e308, 2**64, math.nan, math.inf,
                                                     True, "1", None, 8, 367]), label="number")
    _assert_reads_or_plan_error(plan_from_dict, plan)
    _assert_reads_or_plan_error(plan_from_json, json.dumps(plan))


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["days"][0].update(day=-1), r"plan.days\[0\].day is -1; days are numbered from 1"),
    (lambda d: d["days"][1].update(day=1), r"plan.days\[1\].day is 1, but day 1 is already in the plan"),
    (lambda d: d["days"][0]["meals"][0].update(slot="brunch"),
     r"plan.days\[0\].meals\[0\].slot is 'brunch'; it must be one of breakfast, lunch, dinner, snack"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(grams=float("nan")),
     r"items\[0\].grams is nan; it must be a finite number"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(grams=10**400),
     r"items\[0\].grams is a number too large to use"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(servings=1e-9), r"servings is 1e-09; it must be above 0"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(name=None), r"items\[0\].name is null; it must be text"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].pop("grams"), r"items\[0\].grams is missing"),
    (lambda d: d["days"][0].update(totals=[1, 2]), r"plan.days\[0\].totals is list \[1, 2\]; it must be an object"),
    (lambda d: d["profile"].update(age="old"), r"plan.profile.age is text 'old'; it must be a whole number, e.g. 40"),
    (lambda d: d["profile"].update(avoid_allergens="nuts"), r"plan.profile.avoid_allergens is text 'nuts'; "
                                                            r"it must be a list of texts"),
    (lambda d: d["profile"].update(overrides={"magnesium_mg": "lots"}),
     r"plan.profile.overrides.magnesium_mg is text 'lots'; it must be a number"),
    (lambda d: d["profile"].update(overrides=[1]), r"plan.profile.overrides is list \[1\]; it must be an object"),
    (lambda d: d["rules"].update(require_iron="yes"), r"plan.rules.require_iron is text 'yes'; it must be true "
                                                      r"or false, e.g. false"),
    (lambda d: d.update(locks=[{"day": 0}]), r"plan.locks\[0\].day is 0; days are numbered from 1"),
    (lambda d: d.update(locks=[{"day": 1, "slot": "tea"}]), r"plan.locks\[0\].slot is 'tea'; it must be one of"),
    (lambda d: d.update(locks="all"), r"plan.locks is text 'all'; it must be a list of locks"),
    (lambda d: d.update(notes=[1]), r"plan.notes\[0\] is number 1; it must be text"),
    (lambda d: d.update(version=True), r"plan.version is boolean True; it must be a whole number"),
    (lambda d: d["targets"].update(magnesium_mg="\ud800"), r"plan.targets.magnesium_mg is text"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(name="\ud800"), r"not valid Unicode"),
])
def test_each_bad_plan_field_has_its_own_message(mutate, message):
    d = copy.deepcopy(_valid_plan_dict())
    mutate(d)
    with pytest.raises(PlanFormatError, match=message):
        plan_from_dict(d)


@pytest.mark.parametrize("text, message", [
    ("[" * 100000, "nested too deeply"),
    ('{"version": ' + "9" * 5000 + "}", "not valid JSON"),
    ("", "not valid JSON \\(line 1, column 1"),
])
def test_json_that_python_cannot_read_is_a_plan_format_error(text, message):
    with pytest.raises(PlanFormatError, match=message):
        plan_from_json(text)


def test_a_whole_number_written_as_a_float_is_read_as_an_int():
    d = copy.deepcopy(_valid_plan_dict())
    d["profile"]["age"] = 45.0
    d["days"][0]["day"] = 1.0
    plan = plan_from_dict(d)
    assert plan.profile.age == 45 and isinstance(plan.profile.age, int)
    assert plan.days[0].day == 1 and isinstance(plan.days[0].day, int)


# --- (3) the profile ------------------------------------------------------------------------------
_anything = json_scalars | st.lists(st.text(max_size=8), max_size=3) | st.dictionaries(
    st.text(max_size=8), st.floats(allow_nan=True) | st.text(max_size=4), max_size=3)
_profile_values = st.fixed_dictionaries({}, optional={
    "age": st.integers(-5, 130) | st.floats(allow_nan=True) | _anything,
    "sex": st.sampled_from(["female", "male", "other", ""]) | _anything,
    "status": st.sampled_from(["none", "pregnancy", "lactation", "x"]) | _anything,
    "weight_kg": st.none() | st.floats(allow_nan=True, allow_infinity=True) | _anything,
    "height_cm": st.none() | st.floats(allow_nan=True, allow_infinity=True) | _anything,
    "activity": st.none() | st.sampled_from(["sedentary", "active", "lazy"]) | _anything,
    "diet": st.sampled_from(["omnivore", "vegan", "carnivore"]) | _anything,
    "avoid_allergens": st.lists(st.sampled_from(["gluten", "nuts", "soy"]) | st.text(max_size=5), max_size=3)
    .map(tuple) | _anything,
    "exclude_foods": st.lists(st.sampled_from(["almonds", "Bad Id", ""]), max_size=3).map(tuple) | _anything,
    "favorite_foods": st.lists(st.text(max_size=8), max_size=3).map(tuple) | _anything,
    "budget_usd_per_day": st.none() | st.floats(allow_nan=True, allow_infinity=True) | _anything,
    "overrides": st.dictionaries(st.sampled_from(["magnesium_mg", "energy_kcal_min", "energy_kcal_max", "x"]),
                                 st.floats(allow_nan=True, allow_infinity=True) | _anything, max_size=3)
    | _anything,
})


@FAST
@given(_profile_values)
def test_check_profile_gives_a_profile_or_a_profile_error(values):
    profile = Profile(**values)
    try:
        assert check_profile(profile) is profile
    except ProfileError as exc:
        assert str(exc).strip()


@FAST
@given(st.dictionaries(st.sampled_from(["age", "sex", "diet", "overrides", "avoid_allergens", "weight_kg", "x"]),
                       json_values, max_size=5) | json_values)
def test_stored_profile_reader_gives_a_profile_or_a_format_error(value):
    try:
        profile = profile_from_dict(value)
    except PlanFormatError as exc:
        assert str(exc).strip()
    else:
        assert isinstance(profile, Profile)


@pytest.mark.parametrize("values, message", [
    ({"avoid_allergens": None}, "profile field 'avoid_allergens': None is not a list of names; e.g. ('gluten',)"),
    ({"exclude_foods": 3}, "profile field 'exclude_foods': 3 is not a list of names; e.g. ('almonds',)"),
    ({"favorite_foods": None}, "profile field 'favorite_foods': None is not a list of names"),
    ({"overrides": ["magnesium_mg"]}, "profile field 'overrides': ['magnesium_mg'] is not a mapping of target names"),
    ({"age": float("nan")}, "profile field 'age': nan is not a whole number of years from 1 to 120, e.g. 45"),
])
def test_check_profile_messages_for_values_of_the_wrong_kind(values, message):
    with pytest.raises(ProfileError) as info:
        check_profile(Profile(**values))
    assert message in str(info.value)


@pytest.mark.parametrize("column, value, message", [
    ("fdc_id", "1e400", "column 'fdc_id': food 'spinach_raw' has no usable fdc_id ('inf'); give the SR Legacy"),
    ("portion_seq", "inf", "column 'portion_seq': 'inf' is not a number; write a plain number like 3"),
    ("serving_g", "1e400", "column 'serving_g': 'inf' is not a number; write a plain number like 28"),
    ("purchase_unit_g", "-inf", "column 'purchase_unit_g': '-inf' is not a number"),
])
def test_infinite_numbers_in_a_food_table_are_named(tmp_path, column, value, message):
    rows = [list(r) for r in _curated_rows()[:2]]
    rows[1][rows[0].index(column)] = value
    path = tmp_path / "foods.csv"
    path.write_bytes(_to_csv(rows))
    with pytest.raises(FoodTableError) as info:
        foods.load_foods(path)
    assert message in str(info.value)


# --- (4) the pantry CSV (planner.shopping) --------------------------------------------------------
_PANTRY_CELLS = st.sampled_from(["almonds", "200", "g", "", "-1", "inf", "1e400", "nan", "1/2", "oz", "2 cups",
                                 "\"a, b\"", "=cmd"]) | st.text(max_size=5)


@FUZZ
@given(st.lists(st.lists(_PANTRY_CELLS, max_size=4), max_size=4), st.booleans())
def test_pantry_csv_reads_or_raises_the_projects_error(rows, header):
    from planner.errors import MagplanError

    lines = (["food_or_product,amount,unit"] if header else []) + [",".join(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pantry.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            table = read_pantry_csv(path)
        except MagplanError as exc:
            assert str(exc).strip()
        else:
            assert list(table.columns)[:3] == ["food_or_product", "amount", "unit"]
