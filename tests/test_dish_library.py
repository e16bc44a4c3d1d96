"""The shipped dish library: size, coverage for every diet and allergen, plausibility, FNDDS references,
and the USDA rows reproducing each dish's numbers."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from foods.dishes import (MAGNESIUM_GROUPS, dish_record, filter_dishes, load_dishes, plausibility_problems,
                          reference_ratios)
from foods.load import load_fndds, usda_foods
from foods.schema import ALLERGENS, DIETS, split_tags
from cli import main as magplan


@pytest.fixture(scope="session")
def library(curated):
    return load_dishes(curated)


@pytest.fixture(scope="session")
def fndds():
    return load_fndds()


def _with_role(library, role: str) -> pd.DataFrame:
    return filter_dishes(library.dishes, library.ingredients, role=role)


@pytest.mark.parametrize("role, minimum", [("breakfast", 45), ("main", 80), ("snack", 40), ("side", 40)])
def test_library_size_by_role(library, role, minimum):
    assert len(_with_role(library, role)) >= minimum


def test_library_has_at_least_220_dishes(library):
    assert len(library.dishes) >= 220


COVERAGE = {"breakfast": 8, "main": 15, "snack": 8, "side": 8}


@pytest.mark.parametrize("diet", DIETS)
@pytest.mark.parametrize("avoid", [None, *ALLERGENS])
def test_every_diet_with_every_allergen_keeps_enough_dishes(library, diet, avoid):
    for role, minimum in COVERAGE.items():
        kept = filter_dishes(library.dishes, library.ingredients, role=role, diet=diet,
                             avoid=() if avoid is None else (avoid,))
        assert len(kept) >= minimum, f"{diet} avoiding {avoid}: {len(kept)} {role} dishes"


@pytest.mark.parametrize("group, minimum", [("leafy_greens", 45), ("nuts_seeds", 45), ("whole_grains", 55),
                                            ("cocoa", 12), ("legumes", 35)])
def test_magnesium_groups(library, group, minimum):
    assert group in MAGNESIUM_GROUPS
    n = library.dishes["groups"].map(lambda v: group in split_tags(v)).sum()
    assert n >= minimum


@pytest.mark.parametrize("kind, minimum", [("fish_seafood", 12), ("meat_poultry", 15)])
def test_fish_and_meat_mains(library, kind, minimum):
    mains = _with_role(library, "main")
    assert mains["protein_kinds"].map(lambda v: kind in split_tags(v)).sum() >= minimum


def test_mains_come_from_at_least_8_cuisines(library):
    assert _with_role(library, "main")["cuisine"].str.lower().nunique() >= 8


def test_every_dish_is_a_plausible_serving(library, curated, fndds):
    problems = plausibility_problems(library, curated, fndds)
    assert problems == [], "\n".join(problems)


def test_dishes_are_within_tolerance_of_their_fndds_reference_or_say_why(library, fndds):
    ratios = reference_ratios(library, fndds)
    notes = library.dishes["reference_note"].fillna("")
    unexplained = ratios[ratios["outside"] & (notes.reindex(ratios.index) == "")]
    assert unexplained.empty, unexplained[["reference", "energy_ratio", "magnesium_ratio"]].to_string()
    # a note is a reason for a real outlier, not a blanket exemption
    exempt = ratios[~ratios["outside"] & (notes.reindex(ratios.index) != "")]
    assert exempt.empty, f"reference_note on dishes within tolerance: {list(exempt.index)}"


def test_most_dishes_have_a_reference_and_the_rest_say_why(library):
    d = library.dishes
    no_ref = d[d["reference"].fillna("") == ""]
    assert len(no_ref) <= 0.2 * len(d)
    assert (no_ref["reference_note"].fillna("") != "").all(), list(no_ref.index[no_ref["reference_note"].fillna("") == ""])


def test_every_dish_has_salt_oil_or_seasoning_when_it_is_cooked(library, curated):
    """A cooked dish of several ingredients is seasoned: salt, a fat, an acid, a spice or a sauce."""
    seasoning = set(curated.index[curated["category"].isin(["condiments", "fats_oils", "herbs_spices"])])
    ing = library.ingredients
    multi = ing.groupby("dish_id")["food_id"].agg(set)
    multi = multi[multi.map(len) >= 3]
    unseasoned = [d for d, foods in multi.items() if not foods & seasoning]
    assert len(unseasoned) <= 0.1 * len(multi), unseasoned


def test_usda_rows_reproduce_every_dish_within_1_percent(library):
    """Recompute from the raw USDA extract by fdc_id (not the food table) for every dish."""
    usda = usda_foods()
    ing = library.ingredients
    per100 = usda.loc[ing["fdc_id"].astype(int), "magnesium_mg"].to_numpy()
    mg = (ing.assign(mg=per100 * ing["grams"] / 100).groupby("dish_id")["mg"].sum())
    ours = library.dishes["magnesium_mg"].reindex(mg.index)
    rel = ((mg - ours).abs() / ours.clip(lower=1)).max()
    assert rel <= 0.01


def test_done_when_vegan_soy_free_breakfasts_and_json_reproduces_magnesium(capsys):
    assert magplan(["dishes", "list", "--role", "breakfast", "--diet", "vegan", "--avoid", "soy",
                    "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) >= 8
    assert all("soy" not in d["allergens"] and "vegan" in d["diet_tags"] for d in listed)
    dish_id = listed[0]["dish_id"]
    assert magplan(["dishes", "show", dish_id, "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    usda = usda_foods()
    again = sum(usda.at[i["fdc_id"], "magnesium_mg"] * i["grams"] / 100 for i in rec["ingredients"])
    assert again == pytest.approx(rec["magnesium_mg"], rel=0.01)
    for key in ("dish_id", "name", "roles", "servings", "minutes_total", "cuisine", "steps", "magnesium_mg",
                "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "iron_mg", "calcium_mg", "potassium_mg",
                "vitamin_d_ug", "vitamin_b12_ug", "cost_usd", "measured", "diet_tags", "allergens", "ingredients"):
        assert key in rec


@pytest.mark.parametrize("args, words", [
    (["dishes", "show", "no_such_dish"], "no dish 'no_such_dish'"),
    (["dishes", "list", "--role", "brunch"], "invalid choice: 'brunch'"),
    (["dishes", "list", "--avoid", "nuts"], "invalid choice: 'nuts'"),
])
def test_cli_bad_input_is_one_line_and_non_zero(capsys, args, words):
    try:
        code = magplan(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code != 0 and words in err and "Traceback" not in err


def test_cli_list_table_and_csv(capsys):
    assert magplan(["dishes", "list", "--role", "main", "--diet", "pescatarian", "--avoid", "gluten"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("DISH_ID") and " of " in out.splitlines()[-1]
    assert magplan(["dishes", "list", "--role", "side", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dish_id,name,roles") and len(lines) >= 41


def test_show_text_lists_ingredients_with_usda_ids_and_steps(library, capsys):
    dish_id = _with_role(library, "main").index[0]
    assert magplan(["dishes", "show", dish_id]) == 0
    out = capsys.readouterr().out
    rec = dish_record(library, dish_id)
    assert rec["name"] in out and "Steps:" in out
    for i in rec["ingredients"]:
        assert f"USDA fdcId {i['fdc_id']}" in out
