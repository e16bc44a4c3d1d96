"""Profile -> Targets from the DRI table; profile validation. No solver, no I/O beyond the DRI table.

Energy: the IOM (2005) Estimated Energy Requirement equations for adults when weight, height and activity
are given (range EER -10 % .. +10 %), otherwise a default range by age and sex (Dietary Guidelines for
Americans 2020-2025 estimated calorie needs). Pregnancy adds 340 kcal (second trimester), lactation 330 kcal.
Protein: 0.8 g/kg (1.1 g/kg in pregnancy and lactation) when weight is given, else the RDA in grams.
Iron: the RDA, times 1.8 for vegetarians and vegans (IOM 2001: non-haem iron is absorbed less well).
The magnesium UL (350 mg for adults) is for supplements only and never caps food magnesium.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import pandas as pd

from foods.schema import ALLERGENS, DIETS, FOOD_ID_RE, SLOTS
from planner.errors import ProfileError
from planner.model import (ACTIVITIES, NUMBER_RANGES, SEXES, STATUSES, Profile, Rules, Targets, check_number,
                           check_numbers)

# IOM 2005 EER physical-activity coefficients (adults 19+).
_PA = {
    "male": {"sedentary": 1.00, "low_active": 1.11, "active": 1.25, "very_active": 1.48},
    "female": {"sedentary": 1.00, "low_active": 1.12, "active": 1.27, "very_active": 1.45},
}
# Default energy ranges (kcal/day) by (sex, age_min, age_max): DGA 2020-2025 estimated needs (Appendix 2,
# sedentary to active). Men need 2,200 kcal sedentary up to 60 and 2,000 from 61 (a dietitian found a man of 60
# planned at 2,000); women's active need falls from 2,200 to 2,000 at 61.
_DEFAULT_KCAL = (
    ("both", 1, 3, 1000, 1400), ("both", 4, 8, 1200, 1800),
    ("female", 9, 13, 1400, 2000), ("male", 9, 13, 1600, 2200),
    ("female", 14, 18, 1800, 2400), ("male", 14, 18, 2000, 2800),
    ("female", 19, 30, 1800, 2400), ("male", 19, 30, 2400, 3000),
    ("female", 31, 50, 1800, 2200), ("male", 31, 50, 2200, 2800),
    ("female", 51, 60, 1600, 2200), ("male", 51, 55, 2200, 2800), ("male", 56, 60, 2200, 2600),
    ("female", 61, 200, 1600, 2000), ("male", 61, 75, 2000, 2600), ("male", 76, 200, 2000, 2400),
)
# Protein RDA in grams/day when no weight is given.
_DEFAULT_PROTEIN = (
    ("both", 1, 3, 13), ("both", 4, 8, 19), ("both", 9, 13, 34), ("female", 14, 18, 46), ("male", 14, 18, 52),
    ("female", 19, 200, 46), ("male", 19, 200, 56),
)
_NUMERIC_TARGETS = tuple(f.name for f in fields(Targets) if f.name not in ("life_stage_group", "magnesium_source"))
EXAMPLE = "e.g. Profile(age=45, sex='female', diet='vegan')"


def _err(field_name: str, message: str) -> ProfileError:
    return ProfileError(f"profile field '{field_name}': {message}")


def check_profile(profile: Profile) -> Profile:
    """Return ``profile`` if valid, else raise ProfileError naming the field and a valid example."""
    p = profile
    for name, ex in (("avoid_allergens", "('gluten',)"), ("exclude_foods", "('almonds',)"),
                     ("favorite_foods", "('almonds',)")):
        if not isinstance(getattr(p, name), (tuple, list)):
            raise _err(name, f"{getattr(p, name)!r} is not a list of names; e.g. {ex}")
    if not isinstance(p.overrides, Mapping):
        raise _err("overrides", f"{p.overrides!r} is not a mapping of target names to numbers; "
                                "e.g. {'magnesium_mg': 400}")
    check_number(p.age, "age", "profile field 'age':", ProfileError)
    if p.sex not in SEXES:
        raise _err("sex", f"unknown sex {p.sex!r}; use one of {', '.join(SEXES)}")
    if p.status not in STATUSES:
        raise _err("status", f"unknown status {p.status!r}; use one of {', '.join(STATUSES)}")
    if p.status != "none":
        if p.sex != "female":
            raise _err("status", f"{p.status} needs sex 'female'; use status 'none' for sex {p.sex!r}")
        if not 14 <= p.age <= 50:
            raise _err("status", f"{p.status} reference values exist for ages 14-50, not {p.age}")
    for name in ("weight_kg", "height_cm"):
        if getattr(p, name) is not None:
            check_number(getattr(p, name), name, f"profile field '{name}':", ProfileError)
    if p.activity is not None and p.activity not in ACTIVITIES:
        raise _err("activity", f"unknown activity {p.activity!r}; use one of {', '.join(ACTIVITIES)}")
    if p.diet not in DIETS:
        raise _err("diet", f"unknown diet {p.diet!r}; use one of {', '.join(DIETS)}")
    for a in p.avoid_allergens:
        if a not in ALLERGENS:
            raise _err("avoid_allergens", f"unknown allergen {a!r}; use any of {', '.join(ALLERGENS)}")
    for name in ("exclude_foods", "favorite_foods"):
        for f in getattr(p, name):
            if not isinstance(f, str) or not FOOD_ID_RE.match(f):
                raise _err(name, f"{f!r} is not a food id; food ids look like 'pumpkin_seeds'")
    if p.budget_usd_per_day is not None:
        check_number(p.budget_usd_per_day, "budget_usd_per_day", "profile field 'budget_usd_per_day':",
                     ProfileError)
    for key, value in dict(p.overrides).items():
        if key not in _NUMERIC_TARGETS:
            raise _err("overrides", f"unknown target {key!r}; use any of {', '.join(_NUMERIC_TARGETS)}")
        check_number(value, key, f"profile field 'overrides': {key} =", ProfileError)
    o = dict(p.overrides)
    if "energy_kcal_min" in o and "energy_kcal_max" in o and o["energy_kcal_min"] > o["energy_kcal_max"]:
        raise _err("overrides", f"energy_kcal_min {o['energy_kcal_min']} is above energy_kcal_max "
                                f"{o['energy_kcal_max']}; e.g. energy_kcal_min=1800, energy_kcal_max=2200")
    return profile


# IOM (2001): the iron requirement of vegetarians is 1.8 times higher (non-haem iron is absorbed less well).
VEGETARIAN_IRON_FACTOR = 1.8


def check_rules(rules: Rules) -> Rules:
    """Return ``rules`` if valid, else raise ProfileError naming the field and a valid value."""
    def bad(name: str, msg: str) -> ProfileError:
        return ProfileError(f"rules field '{name}': {msg}")

    check_numbers(rules, lambda name: f"rules field '{name}':", ProfileError)
    for name in ("days", "max_foods_per_meal", "max_days_per_food"):
        if not isinstance(getattr(rules, name), int):
            raise bad(name, f"{getattr(rules, name)!r} must be a whole number, e.g. {NUMBER_RANGES[name].example}")
    if not rules.slots or any(s not in SLOTS for s in rules.slots) or len(set(rules.slots)) != len(rules.slots):
        raise bad("slots", f"{rules.slots!r}: use distinct slots from {', '.join(SLOTS)}")
    if rules.solver not in ("highs", "cbc"):
        raise bad("solver", f"unknown solver {rules.solver!r}; use 'highs' or 'cbc'")
    return rules


def _iron_factor(p: Profile) -> float:
    return VEGETARIAN_IRON_FACTOR if p.diet in ("vegetarian", "vegan") else 1.0


def _by_age(table: tuple, sex: str, age: float) -> tuple:
    for row in table:
        if row[0] in (sex, "both") and row[1] <= age <= row[2]:
            return row
    return table[-1]


def _dri_row(dri: pd.DataFrame, p: Profile) -> pd.Series:
    status = "general" if p.status == "none" else p.status
    age_max = dri["age_max_years"].fillna(200)
    rows = dri[(dri["status"] == status) & dri["sex"].isin((p.sex, "both"))
               & (dri["age_min_years"] <= p.age) & (age_max >= p.age)]
    if rows.empty:
        raise ProfileError(f"profile: no Dietary Reference Intake group for age {p.age}, sex {p.sex}, "
                           f"status {p.status}; ages 1-120 are covered (pregnancy/lactation 14-50)")
    return rows.iloc[0]


def energy_range(p: Profile) -> tuple[float, float]:
    """(min, max) kcal/day for a checked profile, before overrides."""
    extra = {"pregnancy": 340.0, "lactation": 330.0}.get(p.status, 0.0)
    if p.weight_kg is not None and p.height_cm is not None and p.activity is not None and p.age >= 19:
        pa = _PA[p.sex][p.activity]
        h = p.height_cm / 100.0
        if p.sex == "male":
            eer = 662 - 9.53 * p.age + pa * (15.91 * p.weight_kg + 539.6 * h)
        else:
            eer = 354 - 6.91 * p.age + pa * (9.36 * p.weight_kg + 726 * h)
        eer += extra
        return float(round(eer * 0.9 / 10) * 10), float(round(eer * 1.1 / 10) * 10)
    row = _by_age(_DEFAULT_KCAL, p.sex, p.age)
    return float(row[3] + extra), float(row[4] + extra)


def targets_for(profile: Profile, dri: pd.DataFrame | None = None) -> Targets:
    """Daily targets for ``profile`` from the DRI table (``foods.load_dri()`` when not given) plus overrides.

    DRI columns used: life_stage_group, sex, status, age_min_years, age_max_years, magnesium_rda_mg,
    magnesium_ul_supplemental_mg, iron_rda_mg, vitamin_d_rda_ug, vitamin_b12_rda_ug, calcium_rda_mg,
    potassium_ai_mg, sodium_cdrr_mg, fiber_ai_g.
    """
    p = check_profile(profile)
    if dri is None:
        from foods.load import load_dri

        dri = load_dri()
    row = _dri_row(dri, p)
    kmin, kmax = energy_range(p)
    pregnant_or_lactating = p.status in ("pregnancy", "lactation")
    if p.weight_kg is not None and p.age >= 19:
        protein = round((1.1 if pregnant_or_lactating else 0.8) * p.weight_kg, 1)
    else:
        protein = 71.0 if pregnant_or_lactating else float(_by_age(_DEFAULT_PROTEIN, p.sex, p.age)[3])
    t = Targets(
        magnesium_mg=float(row["magnesium_rda_mg"]), energy_kcal_min=kmin, energy_kcal_max=kmax,
        protein_g_min=float(protein), fiber_g_min=float(row["fiber_ai_g"]),
        sodium_mg_max=float(row["sodium_cdrr_mg"]), iron_mg=round(float(row["iron_rda_mg"]) * _iron_factor(p), 1),
        vitamin_d_ug=float(row["vitamin_d_rda_ug"]), vitamin_b12_ug=float(row["vitamin_b12_rda_ug"]),
        calcium_mg=float(row["calcium_rda_mg"]), potassium_mg=float(row["potassium_ai_mg"]),
        magnesium_ul_supplemental_mg=float(row["magnesium_ul_supplemental_mg"]),
        life_stage_group=str(row["life_stage_group"]), magnesium_source="RDA",
    )
    o: dict[str, Any] = {k: float(v) for k, v in dict(p.overrides).items()}
    if o:
        if "magnesium_mg" in o:
            o["magnesium_source"] = "override"
        t = replace(t, **o)
    if t.energy_kcal_min > t.energy_kcal_max:
        raise ProfileError(f"profile field 'overrides': energy_kcal_min {t.energy_kcal_min:g} is above "
                           f"energy_kcal_max {t.energy_kcal_max:g}; set both, e.g. energy_kcal_min=1800, "
                           "energy_kcal_max=2200")
    return t


__all__ = ["check_profile", "energy_range", "targets_for"]
