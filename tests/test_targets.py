"""Profile -> Targets from the DRI table, and profile validation."""
from __future__ import annotations

import pytest

from planner.errors import ProfileError
from planner.model import Profile
from planner.targets import check_profile, targets_for


@pytest.mark.parametrize("profile, mg, sodium, fiber, kcal", [
    (Profile(age=45, sex="female"), 320, 2300, 25, (1800, 2200)),
    (Profile(age=60, sex="male"), 420, 2300, 30, (2200, 2600)),  # DGA: 2,200 sedentary up to 60
    (Profile(age=61, sex="male"), 420, 2300, 30, (2000, 2600)),
    (Profile(age=80, sex="male"), 420, 2300, 30, (2000, 2400)),
    (Profile(age=25, sex="female", status="pregnancy"), 350, 2300, 28, (2140, 2740)),
    (Profile(age=25, sex="male"), 400, 2300, 38, (2400, 3000)),
    (Profile(age=30, sex="female", status="lactation"), 310, 2300, 29, (2130, 2730)),
    (Profile(age=75, sex="female"), 320, 2300, 21, (1600, 2000)),
    (Profile(age=55, sex="female"), 320, 2300, 21, (1600, 2200)),
])
def test_targets_from_dri(profile, mg, sodium, fiber, kcal):
    t = targets_for(profile)
    assert t.magnesium_mg == mg
    assert t.sodium_mg_max == sodium
    assert t.fiber_g_min == fiber
    assert (t.energy_kcal_min, t.energy_kcal_max) == kcal
    assert t.magnesium_ul_supplemental_mg == 350  # supplements only, never a cap on food
    assert t.magnesium_source == "RDA"


def test_eer_and_protein_from_weight():
    # IOM 2005 EER, woman 40 y, 60 kg, 165 cm, active (PA 1.27): 354 - 276.4 + 1.27*(561.6 + 1197.9) = 2312.2
    t = targets_for(Profile(age=40, sex="female", weight_kg=60, height_cm=165, activity="active"))
    assert (t.energy_kcal_min, t.energy_kcal_max) == (2080, 2540)
    assert t.protein_g_min == 48.0  # 0.8 g/kg


def test_protein_defaults_and_pregnancy_per_kg():
    assert targets_for(Profile(age=45, sex="female")).protein_g_min == 46
    assert targets_for(Profile(age=45, sex="male")).protein_g_min == 56
    assert targets_for(Profile(age=28, sex="female", status="pregnancy", weight_kg=70)).protein_g_min == 77.0


def test_overrides_win():
    t = targets_for(Profile(overrides={"magnesium_mg": 400, "energy_kcal_min": 1500, "energy_kcal_max": 1700}))
    assert (t.magnesium_mg, t.energy_kcal_min, t.energy_kcal_max) == (400, 1500, 1700)
    assert t.magnesium_source == "override"


@pytest.mark.parametrize("profile, words", [
    (Profile(age=0), ["'age'", "1 to 120"]),
    (Profile(age=200), ["'age'"]),
    (Profile(diet="keto"), ["'diet'", "vegan"]),
    (Profile(sex="x"), ["'sex'", "female"]),
    (Profile(avoid_allergens=("nuts",)), ["'avoid_allergens'", "tree_nuts"]),
    (Profile(sex="male", status="pregnancy"), ["'status'", "female"]),
    (Profile(age=60, sex="female", status="lactation"), ["'status'", "14-50"]),
    (Profile(overrides={"energy_kcal_min": 2500, "energy_kcal_max": 2000}), ["energy_kcal_min", "2200"]),
    (Profile(overrides={"magnesium": 400}), ["unknown target", "magnesium_mg"]),
    (Profile(overrides={"magnesium_mg": -1}), ["magnesium_mg"]),
    (Profile(budget_usd_per_day=0), ["budget_usd_per_day", "4.50"]),
    (Profile(weight_kg=2), ["weight_kg"]),
    (Profile(activity="lazy"), ["activity", "sedentary"]),
    (Profile(exclude_foods=("Bad Id",)), ["exclude_foods", "pumpkin_seeds"]),
])
def test_bad_profiles_name_the_field(profile, words):
    with pytest.raises(ProfileError) as exc:
        check_profile(profile)
    for w in words:
        assert w in str(exc.value)


def test_override_min_above_default_max_is_caught():
    with pytest.raises(ProfileError, match="energy_kcal_min 3000 is above energy_kcal_max 2200"):
        targets_for(Profile(age=45, sex="female", overrides={"energy_kcal_min": 3000}))
