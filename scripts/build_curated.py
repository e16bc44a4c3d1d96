"""Write foods/data/curated_foods.csv from the curation list below (run: python scripts/build_curated.py).

Every food names a USDA SR Legacy row by fdc_id; the serving names a USDA portion (a regular
expression matched against the portion's `measure`, times a fraction) or explicit grams; the price
names a PP-NAP 2017/2018 food code (or an ERS 'item|form' / BLS series where PP-NAP lacks the food).
No nutrient value is typed here: the loader joins them from the USDA extract at load time.

The script checks what it can (fdc_id exists and has nutrient values, the portion exists, the price
row exists) and prints the chosen portion and price description so a curator can review them.
`--check` compares the result with the committed CSV instead of writing it.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "foods" / "data"
OUT = DATA / "curated_foods.csv"

HEADER = [
    "food_id", "name", "fdc_id", "category", "form", "portion_seq", "portion_fraction", "serving_label",
    "serving_g", "slots", "diet_tags", "allergens", "aisle", "main_item", "max_servings_per_meal",
    "purchase_unit", "purchase_unit_g", "buy_as", "buy_fdc_id", "buy_g_per_g", "price_source", "price_ref",
    "price_applies_to",
]

VEGAN = "vegan|vegetarian|pescatarian"
VEGETARIAN = "vegetarian|pescatarian"
PESCATARIAN = "pescatarian"
OMNIVORE = ""

# category -> defaults (slots, diet_tags, allergens, aisle, main_item, max_servings_per_meal)
DEFAULTS: dict[str, dict[str, object]] = {
    "leafy_greens": dict(slots="lunch|dinner", diet=VEGAN, aisle="produce"),
    "nuts": dict(slots="breakfast|snack", diet=VEGAN, allergens="tree_nuts", aisle="bulk_and_nuts"),
    "seeds": dict(slots="breakfast|lunch|snack", diet=VEGAN, aisle="bulk_and_nuts"),
    "whole_grains": dict(slots="lunch|dinner", diet=VEGAN, aisle="grains_and_bakery"),
    "refined_grains": dict(slots="lunch|dinner", diet=VEGAN, aisle="grains_and_bakery"),
    "breads": dict(slots="breakfast|lunch", diet=VEGAN, allergens="gluten", aisle="grains_and_bakery"),
    "breakfast_cereals": dict(slots="breakfast", diet=VEGAN, aisle="grains_and_bakery"),
    "dark_chocolate": dict(slots="snack", diet=VEGAN, aisle="pantry", max_servings=1),
    "legumes_soy": dict(slots="lunch|dinner", diet=VEGAN, aisle="pantry"),
    "fish_seafood": dict(slots="lunch|dinner", diet=PESCATARIAN, allergens="fish", aisle="meat_and_fish"),
    "dairy_alternatives": dict(slots="breakfast|snack", diet=VEGETARIAN, allergens="dairy", aisle="dairy_and_eggs"),
    "fruit": dict(slots="breakfast|snack", diet=VEGAN, aisle="produce"),
    "vegetables": dict(slots="lunch|dinner", diet=VEGAN, aisle="produce"),
    "eggs_poultry_meat": dict(slots="lunch|dinner", diet=OMNIVORE, aisle="meat_and_fish"),
    "drinks": dict(slots="breakfast|snack", diet=VEGAN, aisle="drinks", main=False, max_servings=1),
    "condiments": dict(slots="lunch|dinner", diet=VEGAN, aisle="pantry", main=False, max_servings=1),
    "fats_oils": dict(slots="breakfast|lunch|dinner", diet=VEGAN, aisle="pantry", main=False, max_servings=1),
    "snacks_sweets": dict(slots="snack", diet=VEGETARIAN, aisle="pantry", max_servings=1),
    "herbs_spices": dict(slots="", diet=VEGAN, aisle="pantry", main=False),
    "baking": dict(slots="", diet=VEGAN, aisle="pantry", main=False),
}


@dataclass
class F:
    food_id: str
    name: str
    fdc: int | str
    category: str
    form: str
    portion: str | float  # regex on the USDA `measure` ("^1 oz"), or grams as a number
    label: str
    purchase: tuple[str, float]  # (purchase_unit, grams)
    price: str = ""  # "p:<PP-NAP fndds code>", "e:<ERS item|form>", "b:<BLS series>", "" (no real price)
    frac: float = 1.0
    slots: str | None = None
    diet: str | None = None
    allergens: str | None = None
    aisle: str | None = None
    main: bool | None = None
    max_servings: float | None = None
    buy_as: str = ""
    buy_fdc: int | None = None
    buy_factor: float | None = None
    applies: str = "eaten"


LB = ("1 lb bag", 453.6)
BUNCH = ("1 bunch", 340.0)
CAN15 = ("15 oz can", 425.0)
CANNED_BEANS = 1 / 0.65  # ERS: canned beans, drained solids are 65 % of the can's net weight
# The energy ratio cooked/raw gives 0.99 for farmed salmon (the two USDA rows are different samples and
# cooked salmon loses fat), so the cooked-to-raw factor is set by hand: about 80 % of a raw fillet's
# weight is left after baking (an estimate, not a USDA figure).
SALMON_YIELD = 1 / 0.8
# USDA portion "1 can (5 oz) yields 125 g" of drained chicken: 142 g bought per 125 g eaten.
CANNED_CHICKEN = 142 / 125
# Ingredients used only inside dishes: no meal slot, so the food-level planner never picks them on their own.
INGREDIENT = ""
# Where cooking adds fat or renders it out, the energy ratio cooked/raw is not the weight ratio; these
# factors come from USDA portions instead. A large egg: 50 g raw ("Egg, whole, raw, fresh", "1 large"),
# 46 g fried ("Egg, whole, cooked, fried", "1 large").
EGG_FRIED = 50 / 46
# "Lamb, ground, cooked, broiled": "1 unit, cooked (yield from 1 lb raw meat)" = 313 g.
GROUND_LAMB = 453.6 / 313
# Bacon: "1 slice raw" = 28 g ("Pork, cured, bacon, unprepared"), "1 slice cooked" = 8 g (the cooked row).
BACON = 28 / 8

FOODS: list[F] = [
    # --- leafy greens ---------------------------------------------------------------------------
    F("spinach_raw", "Spinach (raw)", 168462, "leafy_greens", "raw", "^1 cup$", "1 cup raw", ("10 oz bag", 284), "p:72125100", frac=1),
    F("spinach_cooked", "Spinach (cooked from fresh)", 168463, "leafy_greens", "cooked", "^1 cup$", "1/2 cup cooked", ("10 oz bag", 284), "p:72125211", frac=0.5, buy_as="Fresh spinach", buy_fdc=168462),
    F("spinach_frozen_cooked", "Spinach (frozen, cooked)", 169288, "leafy_greens", "frozen", "^0.5 cup$", "1/2 cup cooked", ("10 oz frozen box", 284), "e:Spinach|Frozen", aisle="frozen", buy_as="Frozen chopped spinach", buy_fdc=169287),
    F("kale_raw", "Kale (raw)", 168421, "leafy_greens", "raw", "^1 cup$", "2 cups chopped raw", BUNCH, "p:72119190", frac=2),
    F("kale_cooked", "Kale (cooked)", 169238, "leafy_greens", "cooked", "^1 cup$", "1/2 cup cooked", BUNCH, "p:72119211", frac=0.5, buy_as="Fresh kale", buy_fdc=168421),
    F("swiss_chard_raw", "Swiss chard (raw)", 169991, "leafy_greens", "raw", "^1 cup$", "1 cup raw", BUNCH, "p:72104220"),
    F("swiss_chard_cooked", "Swiss chard (cooked)", 170401, "leafy_greens", "cooked", "^1 cup", "1/2 cup cooked", BUNCH, "p:72104220", frac=0.5, buy_as="Fresh Swiss chard", buy_fdc=169991),
    F("collards_cooked", "Collard greens (cooked)", 170407, "leafy_greens", "cooked", "^1 cup", "1/2 cup cooked", BUNCH, "p:72107211", frac=0.5, buy_as="Fresh collard greens", buy_fdc=170406),
    F("collards_frozen_cooked", "Collard greens (frozen, cooked)", 169996, "leafy_greens", "frozen", "^1 cup", "1/2 cup cooked", ("10 oz frozen box", 284), "p:72107212", frac=0.5, aisle="frozen", buy_as="Frozen chopped collards", buy_fdc=170408),
    F("beet_greens_cooked", "Beet greens (cooked)", 170376, "leafy_greens", "cooked", "^0.5 cup", "1/2 cup cooked", BUNCH, "p:72101220", buy_as="Fresh beet greens", buy_fdc=170375),
    F("turnip_greens_cooked", "Turnip greens (cooked)", 170466, "leafy_greens", "cooked", "^1 cup", "1/2 cup cooked", BUNCH, "p:72128211", frac=0.5, buy_as="Fresh turnip greens", buy_fdc=170061),
    F("mustard_greens_raw", "Mustard greens (raw)", 169256, "leafy_greens", "raw", "^1 cup", "1 cup chopped", BUNCH, "p:72122211"),
    F("arugula", "Arugula (rocket)", 169387, "leafy_greens", "raw", "^0.5 cup", "1 cup", ("5 oz clamshell", 142), "p:75113080", frac=2),
    F("romaine", "Romaine lettuce", 169247, "leafy_greens", "raw", "^1 cup shredded", "1 cup shredded", ("1 head", 626), "p:72116000"),
    F("green_leaf_lettuce", "Green leaf lettuce", 169249, "leafy_greens", "raw", "^1 cup shredded", "1 cup shredded", ("1 head", 360), "p:72116000"),
    F("bok_choy_raw", "Bok choy (raw)", 170390, "leafy_greens", "raw", "^1 cup, shredded", "1 cup shredded", ("1 head", 840), "p:75104000"),
    F("bok_choy_cooked", "Bok choy (cooked)", 170391, "leafy_greens", "cooked", "^1 cup", "1/2 cup cooked", ("1 head", 840), "p:75210010", frac=0.5, buy_as="Fresh bok choy", buy_fdc=170390),
    F("amaranth_leaves_cooked", "Amaranth leaves (cooked)", 169202, "leafy_greens", "cooked", "^1 cup", "1/2 cup cooked", BUNCH, "", frac=0.5, buy_as="Fresh amaranth leaves", buy_fdc=168385),
    F("watercress", "Watercress", 170068, "leafy_greens", "raw", "^1 cup", "1 cup chopped", BUNCH, ""),
    F("dandelion_greens_raw", "Dandelion greens (raw)", 169226, "leafy_greens", "raw", "^1 cup", "1 cup chopped", BUNCH, ""),
    # --- nuts -----------------------------------------------------------------------------------
    F("almonds", "Almonds", 170567, "nuts", "raw", r"^1 oz \(23", "1 oz (about 23 almonds)", LB, "p:42101000"),
    F("almonds_dry_roasted", "Almonds, dry roasted, unsalted", 170158, "nuts", "prepared", "^1 oz", "1 oz (about 22 almonds)", LB, "p:42101130"),
    F("cashews", "Cashews, dry roasted, unsalted", 170571, "nuts", "prepared", "^1 oz", "1 oz (about 18 cashews)", LB, "p:42104110"),
    F("cashews_raw", "Cashews (raw)", 170162, "nuts", "raw", "^1 oz", "1 oz (about 18 cashews)", LB, "p:42104050"),
    F("brazil_nuts", "Brazil nuts", 170569, "nuts", "raw", r"^1 oz \(6", "1 oz (6 nuts)", LB, "p:42102000", max_servings=1),
    F("walnuts", "Walnuts", 170187, "nuts", "raw", r"^1 oz", "1 oz (14 halves)", LB, "p:42116000"),
    F("pecans", "Pecans", 170182, "nuts", "raw", r"^1 oz", "1 oz (19 halves)", LB, "p:42112100"),
    F("hazelnuts", "Hazelnuts", 170581, "nuts", "raw", r"^1 oz", "1 oz (21 nuts)", LB, "p:42107000"),
    F("pistachios", "Pistachios, dry roasted, unsalted", 170185, "nuts", "prepared", r"^1 oz", "1 oz (49 kernels)", LB, "p:42114145"),
    F("macadamias", "Macadamia nuts", 170178, "nuts", "raw", r"^1 oz", "1 oz (10-12 nuts)", LB, "p:42109100"),
    F("pine_nuts", "Pine nuts", 170591, "nuts", "raw", r"^1 oz", "1 oz (about 3 tbsp)", ("8 oz bag", 226.8), "p:42113000", slots="breakfast|lunch|dinner|snack"),
    F("mixed_nuts_unsalted", "Mixed nuts with peanuts, dry roasted, unsalted", 170585, "nuts", "prepared", r"^1 oz", "1 oz (small handful)", LB, "p:42110120", allergens="tree_nuts|peanuts"),
    F("peanuts_dry_roasted", "Peanuts, dry roasted, unsalted", 173806, "nuts", "prepared", r"^1 oz", "1 oz (about 28 peanuts)", LB, "p:42111210", allergens="peanuts"),
    F("peanut_butter", "Peanut butter, smooth", "Peanut butter, smooth style, with salt", "nuts", "prepared", r"^2 tbsp", "2 tbsp", ("16 oz jar", 453.6), "p:42202000", allergens="peanuts", slots="breakfast|lunch|snack", max_servings=1),
    F("almond_butter", "Almond butter", 168588, "nuts", "prepared", r"^1 tbsp", "2 tbsp", ("12 oz jar", 340.2), "p:42200500", frac=2, max_servings=1, slots="breakfast|lunch|snack"),
    F("cashew_butter", "Cashew butter", 170163, "nuts", "prepared", r"^1 tbsp", "2 tbsp", ("16 oz jar", 453.6), "p:42201000", frac=2, max_servings=1),
    # --- seeds ----------------------------------------------------------------------------------
    F("pumpkin_seeds", "Pumpkin seed kernels (pepitas)", 170556, "seeds", "dry", r"^1 oz", "1 oz (about 1/4 cup)", LB, "p:43101150"),
    F("pumpkin_seeds_roasted", "Pumpkin seed kernels, roasted, unsalted", 170557, "seeds", "prepared", r"^1 oz", "1 oz (about 1/4 cup)", LB, "p:43101150", buy_as="Pumpkin seed kernels (pepitas)", buy_fdc=170556),
    F("sunflower_seeds", "Sunflower seed kernels, dry roasted, unsalted", 170563, "seeds", "prepared", r"^1 oz", "1 oz (about 1/4 cup)", LB, "p:43102000", buy_as="Sunflower seed kernels (raw)", buy_fdc=170562),
    F("sunflower_seeds_raw", "Sunflower seed kernels (raw)", 170562, "seeds", "dry", r"^1 cup$", "1/4 cup", LB, "p:43102000", frac=0.25),
    F("chia_seeds", "Chia seeds", 170554, "seeds", "dry", r"^1 oz", "1 oz (about 2 tbsp)", ("12 oz bag", 340.2), "p:43108010"),
    F("flaxseed_ground", "Flaxseed, ground", 169414, "seeds", "dry", r"^1 tbsp, ground", "2 tbsp ground", ("16 oz bag", 453.6), "p:43104000", frac=2),
    F("sesame_seeds", "Sesame seeds", 170150, "seeds", "dry", r"^1 tbsp", "1 tbsp", ("8 oz bag", 226.8), "p:43103000", allergens="sesame", slots="breakfast|lunch|dinner", max_servings=2),
    F("tahini", "Tahini (sesame paste)", 170189, "seeds", "prepared", r"^1 tbsp", "1 tbsp", ("16 oz jar", 453.6), "p:43103300", allergens="sesame", slots="breakfast|lunch|dinner|snack", max_servings=2, aisle="pantry"),
    F("hemp_seeds", "Hemp seeds, hulled (hemp hearts)", 170148, "seeds", "dry", r"^3 tbsp", "3 tbsp", ("12 oz bag", 340.2), ""),
    F("watermelon_seeds", "Watermelon seed kernels", 169407, "seeds", "dry", r"^1 oz", "1 oz", ("8 oz bag", 226.8), ""),
    # --- whole grains (and whole-grain products) -----------------------------------------------
    F("brown_rice_cooked", "Brown rice (cooked)", 169704, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", ("2 lb bag", 907.2), "p:56205011", frac=0.5, buy_as="Brown rice, long-grain, dry", buy_fdc=169703),
    F("quinoa_cooked", "Quinoa (cooked)", 168917, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", ("12 oz bag", 340.2), "p:56204005", frac=0.5, buy_as="Quinoa, dry", buy_fdc=168874),
    F("oats_rolled_dry", "Rolled oats (for oatmeal or overnight oats)", 173904, "whole_grains", "dry", r"^1 cup", "1/2 cup dry", ("42 oz canister", 1190.0), "p:57602100", frac=0.5, slots="breakfast"),
    F("buckwheat_cooked", "Buckwheat groats / kasha (cooked)", 170686, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "p:56200500", frac=0.5, buy_as="Buckwheat groats, roasted, dry", buy_fdc=170685),
    F("millet_cooked", "Millet (cooked)", 168871, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "p:56202000", frac=0.5, buy_as="Millet, dry", buy_fdc=169702),
    F("bulgur_cooked", "Bulgur wheat (cooked)", 170287, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "p:56207110", frac=0.5, allergens="gluten", buy_as="Bulgur, dry", buy_fdc=170688),
    F("barley_cooked", "Pearl barley (cooked)", 170285, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "p:56200400", frac=0.5, allergens="gluten", buy_as="Pearled barley, dry", buy_fdc=170284),
    F("whole_wheat_pasta_cooked", "Whole-wheat pasta (cooked)", 168910, "whole_grains", "cooked", "^1 cup spaghetti not packed", "1 cup cooked", LB, "p:56132990", allergens="gluten", buy_as="Whole-wheat pasta, dry", buy_fdc=169738),
    F("wild_rice_cooked", "Wild rice (cooked)", 168897, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "p:56205210", frac=0.5, buy_as="Wild rice, dry", buy_fdc=169726),
    F("amaranth_cooked", "Amaranth grain (cooked)", 170683, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "", frac=0.5, slots="breakfast|lunch|dinner", buy_as="Amaranth grain, dry", buy_fdc=170682),
    F("teff_cooked", "Teff (cooked)", 168918, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "", frac=0.5, slots="breakfast|lunch|dinner", buy_as="Teff grain, dry", buy_fdc=169747),
    F("spelt_cooked", "Spelt berries (cooked)", 169746, "whole_grains", "cooked", "^1 cup", "1/2 cup cooked", LB, "", frac=0.5, allergens="gluten", buy_as="Spelt, dry", buy_fdc=169745),
    F("popcorn_air_popped", "Popcorn, air-popped, unsalted", 170246, "whole_grains", "prepared", r"^1 cup", "3 cups popped", ("2 lb bag kernels", 907.2), "p:54403010", frac=3, slots="snack"),
    F("brown_rice_cakes", "Brown rice cakes, plain, unsalted", 170250, "whole_grains", "prepared", r"^2 cakes", "2 rice cakes", ("4.9 oz pack", 139.0), "p:54318500", slots="breakfast|snack"),
    F("whole_wheat_bread", "Whole-wheat bread", 172688, "whole_grains", "prepared", r"^1 slice", "1 slice", ("20 oz loaf", 567.0), "p:51300110", allergens="gluten", slots="breakfast|lunch|snack", max_servings=2),
    F("whole_wheat_pita", "Whole-wheat pita", 174916, "whole_grains", "prepared", r"^1 pita, large", "1 large pita", ("6-pita pack", 384.0), "p:51301600", allergens="gluten", slots="lunch|dinner", max_servings=1),
    F("multigrain_bread", "Multi-grain bread (whole-grain)", 168013, "whole_grains", "prepared", r"^1 slice regular", "1 slice", ("24 oz loaf", 680.4), "p:51601020", allergens="gluten", slots="breakfast|lunch|snack", max_servings=2),
    # Not "breakfast": as a side the planner served two tortillas beside raisin bran (a breakfast side is a
    # dish whose heaviest food is a breakfast food); breakfast tacos and huevos rancheros are dishes of their own.
    F("corn_tortillas", "Corn tortillas", 175036, "whole_grains", "prepared", r"^1 tortilla$", "2 tortillas", ("30-count pack", 720.0), "p:52215100", frac=2, slots="lunch|dinner", max_servings=2),
    F("sorghum_grain", "Sorghum grain (dry, to cook)", 169716, "whole_grains", "dry", r"^1 cup", "1/4 cup dry (about 3/4 cup cooked)", LB, "", frac=0.25),
    # --- refined grains -------------------------------------------------------------------------
    F("white_rice_cooked", "White rice (cooked)", 168878, "refined_grains", "cooked", "^1 cup", "1/2 cup cooked", ("2 lb bag", 907.2), "p:56205008", frac=0.5, buy_as="White rice, long-grain, dry", buy_fdc="Rice, white, long-grain, regular, raw, enriched"),
    F("pasta_cooked", "Pasta (enriched, cooked)", 169737, "refined_grains", "cooked", "^1 cup spaghetti not packed", "1 cup cooked", LB, "p:56130000", allergens="gluten", buy_as="Pasta, dry", buy_fdc="Pasta, dry, enriched"),
    F("couscous_cooked", "Couscous (cooked)", 169700, "refined_grains", "cooked", "^1 cup, cooked", "1/2 cup cooked", ("10 oz box", 283.5), "p:56207160", frac=0.5, allergens="gluten", buy_as="Couscous, dry", buy_fdc="Couscous, dry"),
    # --- breads ---------------------------------------------------------------------------------
    F("rye_bread", "Rye bread", 172684, "breads", "prepared", r"^1 slice, regular", "1 slice", ("16 oz loaf", 453.6), "p:51401010", max_servings=2),
    F("pumpernickel_bread", "Pumpernickel bread", 174918, "breads", "prepared", r"^1 slice, regular", "1 slice", ("16 oz loaf", 453.6), "p:51421000", max_servings=2),
    F("white_bread", "White bread", 174924, "breads", "prepared", r"^1 slice$", "1 slice", ("20 oz loaf", 567.0), "p:51101000", max_servings=2),
    F("bagel_plain", "Bagel, plain", 174899, "breads", "prepared", r"^1 medium bagel", "1 medium bagel", ("6-bagel bag", 570.0), "p:51180010", max_servings=1, slots="breakfast"),
    F("flour_tortilla", "Flour tortilla", 175037, "breads", "prepared", r"^1 tortilla medium", "1 tortilla (6 inch)", ("10-count pack", 300.0), "p:52215200", slots="breakfast|lunch|dinner", max_servings=2),
    F("english_muffin", "English muffin, plain", 175063, "breads", "prepared", r"^1 muffin", "1 muffin", ("6-muffin pack", 342.0), "p:51186010", slots="breakfast", max_servings=1),
    F("rye_crispbread", "Rye crispbread", 172739, "breads", "prepared", r"^1 crispbread", "2 crispbreads", ("8.8 oz box", 250.0), "", frac=2, slots="breakfast|lunch|snack", max_servings=2),
    # --- breakfast cereals ----------------------------------------------------------------------
    F("oatmeal_cooked", "Oatmeal (cooked with water)", 173905, "breakfast_cereals", "cooked", "^1 cup", "1 cup cooked", ("42 oz canister", 1190.0), "p:56203056", buy_as="Rolled oats", buy_fdc=173904),
    F("shredded_wheat", "Shredded wheat cereal", 172987, "breakfast_cereals", "prepared", r"^3 biscuits", "3 biscuits", ("16 oz box", 453.6), "p:57417000", allergens="gluten"),
    F("raisin_bran", "Raisin bran cereal", 171650, "breakfast_cereals", "prepared", r"^1 cup", "1 cup", ("20 oz box", 567.0), "p:57329000", allergens="gluten"),
    F("cheerios", "Toasted oat O's cereal (Cheerios)", 173884, "breakfast_cereals", "prepared", r"^1 cup", "1 cup", ("12 oz box", 340.2), "p:57123000"),
    F("granola_homemade", "Granola (oats, nuts, honey)", 171646, "breakfast_cereals", "prepared", r"^1 oz", "1 oz (about 1/4 cup)", LB, "p:57228000", diet=VEGETARIAN, allergens="tree_nuts|gluten"),
    F("wheat_germ_toasted", "Wheat germ, toasted", 173896, "breakfast_cereals", "prepared", r"^1 oz", "1 oz (about 1/4 cup)", ("12 oz jar", 340.2), "p:57412000", allergens="gluten", slots="breakfast|snack", max_servings=1),
    F("whole_wheat_hot_cereal", "Whole-wheat hot cereal (cooked)", 171668, "breakfast_cereals", "cooked", r"^1 cup", "1 cup cooked", ("16 oz box", 453.6), "p:56207200", allergens="gluten", buy_as="Whole-wheat hot cereal, dry", buy_fdc="Cereals, whole wheat hot natural cereal, dry"),
    F("oat_bran_cooked", "Oat bran (cooked)", 168873, "breakfast_cereals", "cooked", r"^1 cup", "1 cup cooked", LB, "p:56208500", buy_as="Oat bran, dry", buy_fdc="Oat bran, raw"),
    F("grits_cooked", "Corn grits (cooked)", 171655, "breakfast_cereals", "cooked", r"^1 cup", "1 cup cooked", ("24 oz canister", 680.4), "p:56201051", buy_as="Corn grits, dry", buy_fdc=171654),
    # --- dark chocolate and cocoa ---------------------------------------------------------------
    F("dark_chocolate_70_85", "Dark chocolate 70-85% cacao", 170273, "dark_chocolate", "prepared", r"^1 oz", "1 oz (about 3 squares)", ("1 bar (100 g)", 100.0), "p:91705300"),
    F("dark_chocolate_60_69", "Dark chocolate 60-69% cacao", 170272, "dark_chocolate", "prepared", r"^1 oz", "1 oz (about 3 squares)", ("1 bar (100 g)", 100.0), "p:91705300"),
    F("dark_chocolate_45_59", "Dark chocolate 45-59% cacao", 170271, "dark_chocolate", "prepared", r"^1 oz", "1 oz (about 3 squares)", ("1 bar (100 g)", 100.0), "p:91705300", diet=VEGETARIAN, allergens="dairy"),
    F("cocoa_powder", "Cocoa powder, unsweetened", 169593, "dark_chocolate", "dry", r"^1 tbsp", "1 tbsp", ("8 oz canister", 226.8), "p:11830150", slots="breakfast|snack", max_servings=2),
    # --- legumes and soy ------------------------------------------------------------------------
    F("black_beans_cooked", "Black beans (cooked from dry)", 173735, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41102020", frac=0.5, buy_as="Black beans, dried", buy_fdc="Beans, black, mature seeds, raw"),
    F("black_beans_canned", "Black beans (canned, low sodium)", 175238, "legumes_soy", "canned", "^1 cup", "1/2 cup", CAN15, "p:41102110", frac=0.5, buy_as="Black beans, canned, low sodium"),
    F("lentils_cooked", "Lentils (cooked)", 172421, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41305000", frac=0.5, buy_as="Lentils, dried", buy_fdc=172420),
    F("chickpeas_cooked", "Chickpeas (cooked from dry)", 173757, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41302020", frac=0.5, buy_as="Chickpeas, dried", buy_fdc="Chickpeas (garbanzo beans, bengal gram), mature seeds, raw"),
    F("chickpeas_canned", "Chickpeas (canned, drained, rinsed)", 173801, "legumes_soy", "canned", "^1 cup drained", "1/2 cup", CAN15, "p:41302080", frac=0.5, buy_as="Chickpeas, canned", buy_factor=CANNED_BEANS),
    F("kidney_beans_cooked", "Kidney beans (cooked from dry)", 175194, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41106020", frac=0.5, buy_as="Red kidney beans, dried", buy_fdc="Beans, kidney, red, mature seeds, raw"),
    F("kidney_beans_canned", "Kidney beans (canned, drained)", 174285, "legumes_soy", "canned", "^1 can drained", "1/2 cup", CAN15, "p:41106080", frac=0.33, buy_as="Red kidney beans, canned", buy_factor=CANNED_BEANS),
    F("pinto_beans_cooked", "Pinto beans (cooked from dry)", 175200, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41104020", frac=0.5, buy_as="Pinto beans, dried", buy_fdc="Beans, pinto, mature seeds, raw"),
    F("navy_beans_cooked", "Navy beans (cooked from dry)", 173746, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "e:Navy beans|Dried", frac=0.5, buy_as="Navy beans, dried", buy_fdc="Beans, navy, mature seeds, raw"),
    F("great_northern_beans_cooked", "Great northern beans (cooked from dry)", 175191, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "e:Great northern beans|Dried", frac=0.5, buy_as="Great northern beans, dried", buy_fdc="Beans, great northern, mature seeds, raw"),
    F("black_eyed_peas_cooked", "Black-eyed peas (cooked from dry)", 173759, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41300990", frac=0.5, buy_as="Black-eyed peas, dried", buy_fdc="Cowpeas, common (blackeyes, crowder, southern), mature seeds, raw"),
    F("split_peas_cooked", "Split peas (cooked)", 172429, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41303010", frac=0.5, buy_as="Split peas, dried", buy_fdc="Peas, green, split, mature seeds, raw"),
    F("lima_beans_cooked", "Lima beans, large (cooked from dry)", 174253, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41103010", frac=0.5, buy_as="Large lima beans, dried", buy_fdc="Lima beans, large, mature seeds, raw"),
    F("adzuki_beans_cooked", "Adzuki beans (cooked)", 173728, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "", frac=0.5, buy_as="Adzuki beans, dried", buy_fdc="Beans, adzuki, mature seeds, raw"),
    F("mung_beans_cooked", "Mung beans (cooked)", 174257, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41108010", frac=0.5, buy_as="Mung beans, dried", buy_fdc="Mung beans, mature seeds, raw"),
    F("soybeans_cooked", "Soybeans (cooked)", 174271, "legumes_soy", "cooked", "^1 cup", "1/2 cup cooked", ("1 lb bag dried", 453.6), "p:41107010", frac=0.5, allergens="soy", buy_as="Soybeans, dried", buy_fdc="Soybeans, mature seeds, raw"),
    F("edamame", "Edamame (shelled, frozen, prepared)", 168411, "legumes_soy", "frozen", "^1 cup", "1/2 cup", ("12 oz frozen bag", 340.2), "p:41420020", frac=0.5, allergens="soy", aisle="frozen", slots="lunch|dinner|snack"),
    F("tofu_firm", "Tofu, firm (calcium-set)", 172475, "legumes_soy", "raw", r"^0.5 cup", "1/2 cup (about 4.5 oz)", ("14 oz block", 396.9), "p:41420010", allergens="soy", aisle="dairy_and_eggs", slots="breakfast|lunch|dinner"),
    F("tofu_regular", "Tofu, soft/regular (calcium-set)", 172476, "legumes_soy", "raw", r"^0.5 cup", "1/2 cup", ("14 oz block", 396.9), "p:41420010", allergens="soy", aisle="dairy_and_eggs", slots="breakfast|lunch|dinner"),
    F("tempeh", "Tempeh", 174272, "legumes_soy", "raw", r"^1 cup", "1/2 cup (about 3 oz)", ("8 oz package", 226.8), "", frac=0.5, allergens="soy", aisle="dairy_and_eggs"),
    F("natto", "Natto (fermented soybeans)", 172443, "legumes_soy", "prepared", r"^1 cup", "1/2 cup", ("4-pack (180 g)", 180.0), "p:41420200", frac=0.5, allergens="soy", aisle="dairy_and_eggs", slots="breakfast|lunch|dinner"),
    F("hummus", "Hummus", 174289, "legumes_soy", "prepared", r"^1 tbsp", "2 tbsp", ("10 oz tub", 283.5), "p:41205070", frac=2, allergens="sesame", aisle="dairy_and_eggs", slots="lunch|dinner|snack", main=False, max_servings=2),
    F("refried_beans", "Refried beans (canned)", 172438, "legumes_soy", "canned", r"^1 cup", "1/2 cup", ("16 oz can", 453.6), "p:41205010", frac=0.5, slots="breakfast|lunch|dinner"),
    F("lima_beans_baby_frozen", "Baby lima beans (frozen, cooked)", 169956, "legumes_soy", "frozen", r"^1 cup", "1/2 cup cooked", ("16 oz frozen bag", 453.6), "p:75204022", frac=0.5, aisle="frozen", buy_as="Frozen baby lima beans", buy_fdc="Lima beans, immature seeds, frozen, baby, unprepared"),
    # --- fish and seafood -----------------------------------------------------------------------
    F("salmon_cooked", "Salmon, Atlantic, farmed (cooked)", 175168, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", ("1 lb fillet", 453.6), "p:26137123", buy_as="Salmon fillet, raw", buy_factor=SALMON_YIELD),
    F("salmon_canned", "Salmon, sockeye (canned, drained)", 173693, "fish_seafood", "canned", r"^3 oz", "3 oz", ("14.75 oz can", 418.0), "p:26137180", buy_as="Canned sockeye salmon"),
    F("tuna_light_canned", "Tuna, light (canned in water)", 173709, "fish_seafood", "canned", r"^3 oz", "3 oz (about 1/2 can)", ("5 oz can", 142.0), "p:26155110", buy_as="Light tuna in water"),
    F("tuna_white_canned", "Tuna, albacore (canned in water)", 175158, "fish_seafood", "canned", r"^3 oz", "3 oz (about 1/2 can)", ("5 oz can", 142.0), "p:26155110", buy_as="Albacore tuna in water"),
    F("sardines_canned", "Sardines (canned in oil, drained, with bones)", 175139, "fish_seafood", "canned", r"^1 can \(3.75", "1 can (3.75 oz)", ("3.75 oz can", 106.0), "p:26139180", max_servings=1),
    F("mackerel_cooked", "Mackerel, Atlantic (cooked)", 175120, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26121120", buy_as="Mackerel fillet, raw", buy_fdc="Fish, mackerel, Atlantic, raw"),
    F("halibut_cooked", "Halibut (cooked)", 174201, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26118020", buy_as="Halibut fillet, raw", buy_fdc="Fish, halibut, Atlantic and Pacific, raw"),
    F("cod_cooked", "Cod, Atlantic (cooked)", 171956, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26109160", buy_as="Cod fillet, raw", buy_fdc="Fish, cod, Atlantic, raw"),
    F("trout_cooked", "Rainbow trout, farmed (cooked)", 173718, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26151160", buy_as="Rainbow trout fillet, raw", buy_fdc="Fish, trout, rainbow, farmed, raw"),
    F("tilapia_cooked", "Tilapia (cooked)", 175177, "fish_seafood", "cooked", r"^1 fillet", "1 fillet (about 3 oz)", LB, "p:26158013", buy_as="Tilapia fillet, raw", buy_fdc="Fish, tilapia, raw"),
    F("shrimp_cooked", "Shrimp (cooked)", 175180, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", ("1 lb bag frozen", 453.6), "p:26319130", allergens="shellfish", aisle="frozen", buy_as="Shrimp, raw (frozen)", buy_fdc="Crustaceans, shrimp, raw"),
    F("mussels_cooked", "Mussels (cooked)", 174217, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked (meat)", ("1 lb bag frozen mussel meat", 453.6), "p:26313160", allergens="shellfish", buy_as="Mussels (meat weight)", buy_fdc="Mollusks, mussel, blue, raw"),
    F("crab_king_cooked", "King crab (cooked)", 174202, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26305110", allergens="shellfish"),
    F("anchovies_canned", "Anchovies (canned in oil, drained)", 174183, "fish_seafood", "canned", r"^5 anchovies", "5 anchovies", ("2 oz tin", 56.7), "p:26101180", main=False, max_servings=1),
    # --- dairy and fortified plant alternatives ------------------------------------------------
    F("milk_whole", "Milk, whole", 171265, "dairy_alternatives", "raw", r"^1 cup", "1 cup", ("1/2 gal carton", 1950.0), "p:11111000", slots="breakfast|snack|dinner", max_servings=1),
    F("milk_2pct", "Milk, 2% reduced fat", 171267, "dairy_alternatives", "raw", r"^1 cup", "1 cup", ("1/2 gal carton", 1950.0), "p:11112110", slots="breakfast|snack|dinner", max_servings=1),
    F("milk_skim", "Milk, skim (nonfat)", 171269, "dairy_alternatives", "raw", r"^1 cup", "1 cup", ("1/2 gal carton", 1960.0), "p:11113000", slots="breakfast|snack|dinner", max_servings=1),
    F("yogurt_plain_lowfat", "Yogurt, plain, low-fat", 170886, "dairy_alternatives", "prepared", r"^1 container \(6 oz", "6 oz container", ("32 oz tub", 907.2), "p:11411200", max_servings=1),
    F("greek_yogurt_nonfat", "Greek yogurt, plain, nonfat", 170894, "dairy_alternatives", "prepared", r"^1 container", "1 container (6 oz)", ("32 oz tub", 907.2), "p:11411420", max_servings=1),
    F("kefir_lowfat", "Kefir, low-fat, plain", 170904, "dairy_alternatives", "prepared", r"^1 cup", "1 cup", ("32 oz bottle", 971.0), "p:11115400", max_servings=1),
    F("cheddar_cheese", "Cheddar cheese", 170899, "dairy_alternatives", "prepared", r"^1 slice \(1 oz", "1 oz (1 slice)", ("8 oz block", 226.8), "p:14104100", slots="breakfast|lunch|dinner|snack", max_servings=1),
    F("mozzarella_part_skim", "Mozzarella, part-skim", 170847, "dairy_alternatives", "prepared", r"^1 oz", "1 oz", ("8 oz block", 226.8), "p:14107030", slots="lunch|dinner|snack", max_servings=1),
    F("cottage_cheese_lowfat", "Cottage cheese, low-fat 1%, no salt added", 168114, "dairy_alternatives", "prepared", r"^4 oz", "1/2 cup (4 oz)", ("16 oz tub", 453.6), "p:14206010", slots="breakfast|lunch|snack", max_servings=1),
    F("parmesan_grated", "Parmesan, grated", 171247, "dairy_alternatives", "prepared", r"^1 tbsp", "2 tbsp", ("8 oz tub", 226.8), "p:14108010", frac=2, slots="lunch|dinner", main=False, max_servings=1),
    F("feta_cheese", "Feta cheese", 173420, "dairy_alternatives", "prepared", r"^1 oz", "1 oz (about 1/4 cup crumbled)", ("6 oz tub", 170.1), "p:14104400", slots="lunch|dinner", max_servings=1),
    F("ricotta_part_skim", "Ricotta, part-skim", 171248, "dairy_alternatives", "prepared", r"^0.5 cup", "1/2 cup", ("15 oz tub", 425.0), "p:14201500", slots="breakfast|lunch|dinner", max_servings=1),
    F("soy_milk_fortified", "Soy milk, calcium and vitamin D fortified", 172456, "dairy_alternatives", "prepared", r"^1 cup", "1 cup", ("1/2 gal carton", 1940.0), "p:11320000", diet=VEGAN, allergens="soy", slots="breakfast|snack|dinner", max_servings=1),
    F("soy_milk_unfortified", "Soy milk, original (unfortified)", 172446, "dairy_alternatives", "prepared", r"^1 cup", "1 cup", ("1/2 gal carton", 1940.0), "p:11320000", diet=VEGAN, allergens="soy", slots="breakfast|snack|dinner", max_servings=1),
    F("almond_milk_unsweetened", "Almond milk, unsweetened, fortified with calcium and vitamin D", 174832, "dairy_alternatives", "prepared", r"^1 cup", "1 cup", ("1/2 gal carton", 1890.0), "p:11350020", diet=VEGAN, allergens="tree_nuts", slots="breakfast|snack|dinner", max_servings=1),
    F("rice_milk", "Rice milk, unsweetened, fortified with calcium, vitamin D and B12", 171942, "dairy_alternatives", "prepared", r"^8 fl oz", "1 cup", ("1/2 gal carton", 1890.0), "p:11360000", diet=VEGAN, allergens="", slots="breakfast|snack|dinner", max_servings=1),
    # --- fruit ----------------------------------------------------------------------------------
    F("banana", "Banana", 173944, "fruit", "raw", r"^1 medium", "1 medium", ("1 lb (about 3 bananas)", 453.6), "p:63107010"),
    F("avocado", "Avocado", 171705, "fruit", "raw", r"^1 cup, cubes", "1/2 cup cubed (about 1/2 avocado)", ("1 avocado (about 200 g edible)", 201.0), "p:63105010", frac=0.5, slots="breakfast|lunch|dinner|snack"),
    F("orange", "Orange", 169097, "fruit", "raw", r"^1 fruit", "1 medium", ("1 lb (about 3 oranges)", 453.6), "p:61119010"),
    F("apple", "Apple", 171688, "fruit", "raw", r"^1 medium", "1 medium", ("3 lb bag", 1360.8), "p:63101000"),
    F("blackberries", "Blackberries", 173946, "fruit", "raw", r"^1 cup", "1 cup", ("6 oz clamshell", 170.1), "p:63201010"),
    F("raspberries", "Raspberries", 167755, "fruit", "raw", r"^1 cup", "1 cup", ("6 oz clamshell", 170.1), "p:63219000"),
    F("raspberries_frozen", "Raspberries (frozen, unsweetened)", 168209, "fruit", "frozen", r"^1 cup", "1 cup", ("12 oz frozen bag", 340.2), "p:63219610", aisle="frozen"),
    F("strawberries", "Strawberries", 167762, "fruit", "raw", r"^1 cup, halves", "1 cup halves", ("1 lb clamshell", 453.6), "p:63223020"),
    F("blueberries", "Blueberries", 171711, "fruit", "raw", r"^1 cup", "1 cup", ("1 pint", 340.2), "p:63203010"),
    F("blueberries_frozen", "Blueberries (frozen, unsweetened)", 173950, "fruit", "frozen", r"^1 cup", "1 cup", ("20 oz frozen bag", 567.0), "p:63203600", aisle="frozen"),
    F("kiwi", "Kiwifruit", 168153, "fruit", "raw", r"^1 fruit", "1 kiwi", ("1 lb (about 6 kiwis)", 453.6), "p:63126500", frac=1, max_servings=2),
    F("mango", "Mango", 169910, "fruit", "raw", r"^1 cup", "1 cup pieces", ("1 mango (edible part)", 336.0), "p:63129010"),
    F("papaya", "Papaya", 169926, "fruit", "raw", r"^1 cup 1", "1 cup pieces", ("1 papaya (edible part)", 781.0), "p:63133010"),
    F("figs_dried", "Figs, dried", 174665, "fruit", "dry", r"^1 fig", "4 figs", ("7 oz bag", 198.0), "p:62113100", frac=4, aisle="bulk_and_nuts"),
    F("dates_medjool", "Dates, Medjool", 168191, "fruit", "dry", r"^1 date", "2 dates", ("1 lb box", 453.6), "p:62110100", frac=2, aisle="bulk_and_nuts"),
    F("prunes", "Prunes (dried plums)", 168162, "fruit", "dry", r"^1 prune", "5 prunes", ("1 lb bag", 453.6), "p:62122100", frac=5, aisle="bulk_and_nuts"),
    F("raisins", "Raisins", 168165, "fruit", "dry", r"^1 miniature box", "1 small box (1/2 oz)", ("12 oz canister", 340.2), "p:62125100", frac=2, aisle="bulk_and_nuts"),
    F("apricots_dried", "Apricots, dried", 173941, "fruit", "dry", r"^1 half", "8 halves", ("6 oz bag", 170.1), "p:62104100", frac=8, aisle="bulk_and_nuts"),
    F("cantaloupe", "Cantaloupe", 169092, "fruit", "raw", r"^1 cup, cubes", "1 cup cubes", ("1 melon (edible part)", 814.0), "p:63109010"),
    F("watermelon", "Watermelon", 167765, "fruit", "raw", r"^1 cup, diced", "1 cup diced", ("1 wedge", 286.0), "p:63149010"),
    F("grapes", "Grapes", 174683, "fruit", "raw", r"^1 cup", "1 cup", ("2 lb bag", 907.2), "p:63123000"),
    F("pear", "Pear", 167776, "fruit", "raw", r"^1 medium", "1 medium", ("2 lb bag", 907.2), "p:63137010"),
    F("pineapple", "Pineapple", 169124, "fruit", "raw", r"^1 cup, chunks", "1 cup chunks", ("1 pineapple (edible part)", 905.0), "p:63141010"),
    F("guava", "Guava", 173044, "fruit", "raw", r"^1 fruit", "2 guavas", ("1 lb", 453.6), "p:63125010", frac=2),
    F("pomegranate_arils", "Pomegranate seeds (arils)", 169134, "fruit", "raw", r"^0.5 cup arils", "1/2 cup arils", ("1 pomegranate (edible part)", 282.0), "p:63145010"),
    F("cherries", "Cherries, sweet", 171719, "fruit", "raw", r"^1 cup, without pits", "1 cup", ("1 lb bag", 453.6), "p:63115010"),
    F("peach", "Peach", 169928, "fruit", "raw", r"^1 medium", "1 medium", ("2 lb bag", 907.2), "p:63135010"),
    F("prickly_pear", "Prickly pear (cactus fruit)", 167750, "fruit", "raw", r"^1 fruit without refuse", "1 fruit", ("1 lb", 453.6), ""),
    F("plantain_cooked", "Plantain, ripe (cooked)", "Plantains, yellow, baked", "fruit", "cooked", r"^1 cup", "1/2 cup mashed or sliced", ("1 plantain (edible part)", 179.0), "p:71900100", frac=0.5, slots="breakfast|lunch|dinner", buy_as="Ripe (yellow) plantain", buy_fdc=169130),
    F("tamarind", "Tamarind pulp", 167763, "fruit", "raw", r"^1 cup, pulp", "1/4 cup pulp", ("14 oz block", 396.9), "p:62126000", frac=0.25, slots="snack|lunch|dinner", max_servings=1),
    F("grapefruit", "Grapefruit, pink or red", 174673, "fruit", "raw", r"^0.5 fruit", "1/2 grapefruit", ("1 grapefruit", 246.0), "p:61101010", slots="breakfast|snack"),
    # --- vegetables -----------------------------------------------------------------------------
    F("potato_baked", "Potato, baked with skin", 170093, "vegetables", "cooked", r"^1 potato medium", "1 medium potato", ("5 lb bag", 2268.0), "p:71508001", buy_as="Potatoes", buy_fdc="Potatoes, flesh and skin, raw"),
    F("sweet_potato_baked", "Sweet potato, baked in skin", 168483, "vegetables", "cooked", r"^1 medium", "1 medium", ("3 lb bag", 1360.8), "p:73402010", buy_as="Sweet potatoes", buy_fdc="Sweet potato, raw, unprepared (Includes foods for USDA's Food Distribution Program)"),
    F("broccoli_cooked", "Broccoli (cooked)", 169967, "vegetables", "cooked", r"^0.5 cup, chopped", "1/2 cup chopped, cooked", ("1 bunch", 608.0), "p:72201211", buy_as="Fresh broccoli", buy_fdc=170379),
    F("broccoli_raw", "Broccoli (raw)", 170379, "vegetables", "raw", r"^1 cup chopped", "1 cup chopped", ("1 bunch", 608.0), "p:72201100", slots="lunch|dinner|snack"),
    F("brussels_sprouts_cooked", "Brussels sprouts (cooked)", 169971, "vegetables", "cooked", r"^0.5 cup", "1/2 cup cooked", LB, "p:75209011", buy_as="Fresh Brussels sprouts", buy_fdc="Brussels sprouts, raw"),
    F("artichoke_cooked", "Artichoke (cooked)", 168386, "vegetables", "cooked", r"^1 artichoke, medium", "1 medium artichoke", ("1 artichoke", 300.0), "p:75201011"),
    F("artichoke_hearts", "Artichoke hearts (cooked)", 168386, "vegetables", "cooked", r"^0.5 cup hearts", "1/2 cup hearts", ("14 oz can", 396.9), "p:75201020"),
    F("okra_cooked", "Okra (cooked)", 169261, "vegetables", "cooked", r"^0.5 cup slices", "1/2 cup sliced, cooked", LB, "p:75220011", buy_as="Fresh okra", buy_fdc="Okra, raw"),
    F("green_peas_frozen", "Green peas (frozen, cooked)", 170017, "vegetables", "frozen", r"^0.5 cup", "1/2 cup cooked", ("16 oz frozen bag", 453.6), "p:75224022", aisle="frozen", buy_as="Frozen green peas", buy_fdc="Peas, green, frozen, unprepared (Includes foods for USDA's Food Distribution Program)"),
    F("sweet_corn_cooked", "Sweet corn (cooked)", 169999, "vegetables", "cooked", r"^1 ear medium", "1 medium ear", ("4 ears", 412.0), "p:75216111"),
    F("butternut_squash_baked", "Butternut squash (baked)", 169296, "vegetables", "cooked", r"^1 cup, cubes", "1/2 cup cubes", ("1 squash (about 2 lb)", 907.2), "p:73303010", frac=0.5),
    F("acorn_squash_baked", "Acorn squash (baked)", 169293, "vegetables", "cooked", r"^1 cup, cubes", "1/2 cup cubes", ("1 squash (about 1.5 lb)", 680.4), "p:73303010", frac=0.5),
    F("pumpkin_canned", "Pumpkin puree (canned)", 168450, "vegetables", "canned", r"^1 cup", "1/2 cup", CAN15, "p:73201013", frac=0.5, slots="breakfast|lunch|dinner", aisle="pantry"),
    F("carrots_raw", "Carrots (raw)", 170393, "vegetables", "raw", r"^1 medium", "1 medium carrot", ("2 lb bag", 907.2), "p:73101010", slots="lunch|dinner|snack", frac=1),
    F("tomato_raw", "Tomato (raw)", 170457, "vegetables", "raw", r"^1 cup, chopped", "1 cup chopped", LB, "p:74101000"),
    F("tomatoes_canned", "Tomatoes (canned)", 170051, "vegetables", "canned", r"^1 cup", "1/2 cup", ("14.5 oz can", 411.0), "p:74201003", frac=0.5, aisle="pantry"),
    F("red_bell_pepper", "Red bell pepper (raw)", 170108, "vegetables", "raw", r"^1 cup, chopped", "1 cup chopped", ("1 pepper", 164.0), "p:75122200", slots="lunch|dinner|snack"),
    F("onion_raw", "Onion", 170000, "vegetables", "raw", r"^1 cup, chopped", "1/2 cup chopped", ("3 lb bag", 1360.8), "p:75117020", frac=0.5, main=False),
    F("mushrooms_white", "White mushrooms (raw)", 169251, "vegetables", "raw", r"^1 cup, pieces", "1 cup sliced", ("8 oz pack", 226.8), "p:75115000"),
    # Sold as "vitamin D mushrooms" (the pack says UV-exposed): the one plant food with vitamin D a vegetarian week
    # can reach (a dietitian's ask). Priced as ordinary white mushrooms, PP-NAP having no UV-exposed row.
    F("mushrooms_white_uv", "White mushrooms, UV-exposed (raw)", 169376, "vegetables", "raw", r"^1 cup pieces", "1 cup sliced", ("8 oz pack", 226.8), "p:75115000", buy_as="UV-exposed white mushrooms (\"vitamin D\" on the pack)"),
    F("portabella_grilled", "Portabella mushrooms (grilled)", 169243, "vegetables", "cooked", r"^1 cup sliced", "1 cup sliced, grilled", ("6 oz pack", 170.1), "p:75219011", buy_as="Portabella mushrooms", buy_fdc="Mushrooms, portabella, raw"),
    F("cauliflower_cooked", "Cauliflower (cooked)", 170397, "vegetables", "cooked", r"^0.5 cup", "1/2 cup cooked", ("1 head", 588.0), "p:75214011", buy_as="Fresh cauliflower", buy_fdc="Cauliflower, raw"),
    F("green_beans_cooked", "Green beans (cooked)", 169141, "vegetables", "cooked", r"^1 cup", "1/2 cup cooked", LB, "p:75205021", frac=0.5, buy_as="Fresh green beans", buy_fdc="Beans, snap, green, raw"),
    F("asparagus_cooked", "Asparagus (cooked)", 168390, "vegetables", "cooked", r"^0.5 cup", "1/2 cup cooked", ("1 bunch", 453.6), "p:75202011", buy_as="Fresh asparagus", buy_fdc="Asparagus, raw"),
    F("zucchini_cooked", "Zucchini (cooked)", 169292, "vegetables", "cooked", r"^1 cup, sliced", "1/2 cup sliced, cooked", LB, "p:75233011", frac=0.5, buy_as="Fresh zucchini", buy_fdc="Squash, summer, zucchini, includes skin, raw"),
    F("beets_cooked", "Beets (cooked)", 169146, "vegetables", "cooked", r"^0.5 cup slices", "1/2 cup sliced", ("1 bunch (3-4 beets)", 453.6), "p:75208011", buy_as="Fresh beets", buy_fdc="Beets, raw"),
    F("cucumber", "Cucumber", 168409, "vegetables", "raw", r"^0.5 cup slices", "1/2 cup slices", ("1 cucumber", 301.0), "p:75111000", slots="lunch|dinner|snack"),
    F("celery", "Celery", 169988, "vegetables", "raw", r"^1 stalk, medium", "2 medium stalks", ("1 bunch", 450.0), "p:75109000", frac=2, slots="lunch|dinner|snack"),
    F("cabbage_raw", "Cabbage, green (raw)", 169975, "vegetables", "raw", r"^1 cup, shredded", "1 cup shredded", ("1 head", 908.0), "p:75103000"),
    F("eggplant_cooked", "Eggplant (cooked)", 169229, "vegetables", "cooked", r"^1 cup", "1 cup cubes, cooked", ("1 eggplant", 458.0), "p:75217010", buy_as="Fresh eggplant", buy_fdc="Eggplant, raw"),
    F("snow_peas", "Snow peas (raw)", 170010, "vegetables", "raw", r"^1 cup, whole", "1 cup", ("8 oz bag", 226.8), "p:75127750", slots="lunch|dinner|snack"),
    F("parsnips_cooked", "Parsnips (cooked)", 170009, "vegetables", "cooked", r"^0.5 cup slices", "1/2 cup sliced, cooked", LB, "p:75222020", buy_as="Fresh parsnips", buy_fdc="Parsnips, raw"),
    F("potato_boiled", "Potato, boiled in skin", 170438, "vegetables", "cooked", r"^1 potato", "1 potato (2.5 inch)", ("5 lb bag", 2268.0), "p:71103125", buy_as="Potatoes", buy_fdc="Potatoes, flesh and skin, raw"),
    F("wakame", "Wakame seaweed", 170496, "vegetables", "raw", r"^2 tbsp", "2 tbsp (1/8 cup)", ("2 oz bag dried (rehydrates to about 12 oz)", 340.2), "p:75127500", main=False),
    F("spirulina", "Spirulina powder", 170495, "vegetables", "dry", r"^1 tablespoon", "1 tbsp", ("8 oz bag", 226.8), "", slots="breakfast|snack", main=False, aisle="pantry"),
    F("kohlrabi_raw", "Kohlrabi (raw)", 168424, "vegetables", "raw", r"^1 cup", "1 cup sliced", LB, "", slots="lunch|dinner|snack"),
    F("mixed_vegetables_frozen", "Mixed vegetables (frozen, cooked)", "Vegetables, mixed, frozen, cooked, boiled, drained, without salt", "vegetables", "frozen", r"^0.5 cup", "1/2 cup cooked", ("16 oz frozen bag", 453.6), "p:75311012", aisle="frozen"),
    # --- eggs, poultry, meat --------------------------------------------------------------------
    F("egg_hard_boiled", "Egg, hard-boiled", 173424, "eggs_poultry_meat", "cooked", r"^1 large", "1 large egg", ("carton of 12 eggs", 600.0), "p:31103010", diet=VEGETARIAN, allergens="egg", aisle="dairy_and_eggs", slots="breakfast|lunch|snack", max_servings=2),
    F("egg_scrambled", "Eggs, scrambled", 172187, "eggs_poultry_meat", "cooked", r"^1 large", "1 large egg, scrambled", ("carton of 12 eggs", 600.0), "p:31105010", diet=VEGETARIAN, allergens="egg|dairy", aisle="dairy_and_eggs", slots="breakfast|lunch", max_servings=3, buy_as="Eggs, large", buy_fdc=171287),
    F("egg_white", "Egg whites", 172183, "eggs_poultry_meat", "raw", r"^1 large", "3 large egg whites", ("16 oz carton liquid egg whites", 453.6), "p:31108010", frac=3, diet=VEGETARIAN, allergens="egg", aisle="dairy_and_eggs", slots="breakfast|lunch", max_servings=1),
    F("chicken_breast_roasted", "Chicken breast, skinless (roasted)", 171477, "eggs_poultry_meat", "cooked", 85.0, "3 oz cooked", ("1.5 lb pack boneless breasts", 680.4), "p:24122131", buy_as="Boneless skinless chicken breast, raw", buy_fdc=171077),
    F("chicken_thigh_roasted", "Chicken thigh, skinless (roasted)", 172388, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1.5 lb pack boneless thighs", 680.4), "p:24152231", buy_as="Boneless skinless chicken thighs, raw", buy_fdc="Chicken, broilers or fryers, dark meat, thigh, meat only, raw"),
    F("turkey_breast_roasted", "Turkey breast (roasted)", 171496, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("2 lb turkey breast", 907.2), "p:24201120", buy_as="Turkey breast, raw", buy_fdc="Turkey, whole, breast, meat only, raw"),
    F("ground_beef_90_cooked", "Ground beef 90% lean (cooked patty)", 174031, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb pack", 453.6), "p:21500310", buy_as="Ground beef, 90% lean, raw", buy_fdc="Beef, ground, 90% lean meat / 10% fat, raw"),
    F("sirloin_steak_cooked", "Top sirloin steak, lean (broiled)", 174054, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb steak", 453.6), "p:21101130", buy_as="Top sirloin steak, raw", buy_fdc="Beef, top sirloin, steak, separable lean only, trimmed to 1/8\" fat, all grades, raw"),
    F("pork_tenderloin_roasted", "Pork tenderloin (roasted)", 168250, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb tenderloin", 453.6), "p:22401020", buy_as="Pork tenderloin, raw", buy_fdc="Pork, fresh, loin, tenderloin, separable lean only, raw"),
    F("ground_turkey_cooked", "Ground turkey 93% lean (cooked crumbles)", 172851, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb pack", 453.6), "p:24207000", buy_as="Ground turkey, 93% lean, raw", buy_fdc=172850),
    F("chicken_canned", "Chicken, canned (drained)", 171110, "eggs_poultry_meat", "canned", r"^3 oz", "3 oz (about 1/2 can)", ("12.5 oz can", 354.0), "p:24198570", aisle="pantry", max_servings=1, buy_factor=CANNED_CHICKEN),
    F("chicken_liver_cooked", "Chicken liver (simmered)", 171061, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb tub", 453.6), "p:25110420", max_servings=1),
    # --- drinks ---------------------------------------------------------------------------------
    F("coffee_brewed", "Coffee, brewed", 171890, "drinks", "prepared", r"^1 cup \(8 fl oz", "1 cup (8 fl oz)", ("12 oz bag ground coffee (makes about 1.3 gal)", 340.2), "p:92101000", buy_as="Ground coffee", buy_factor=0.055, slots="breakfast|lunch|snack", max_servings=2),
    F("coffee_decaf", "Coffee, decaf, brewed", 171889, "drinks", "prepared", r"^1 cup \(8 fl oz", "1 cup (8 fl oz)", ("12 oz bag ground decaf", 340.2), "p:92111010", buy_as="Ground decaf coffee", buy_factor=0.055, slots="breakfast|lunch|dinner|snack", max_servings=2),
    F("black_tea", "Black tea, brewed", 173227, "drinks", "prepared", r"^1 cup \(8 fl oz", "1 cup (8 fl oz)", ("box of 100 tea bags", 200.0), "p:92302000", buy_as="Black tea bags", buy_factor=2 / 237, slots="breakfast|lunch|snack", max_servings=2),
    F("green_tea", "Green tea, brewed", 171917, "drinks", "prepared", r"^1 cup$", "1 cup (8 fl oz)", ("box of 40 tea bags", 80.0), "p:92303010", buy_as="Green tea bags", buy_factor=2 / 245, slots="breakfast|lunch|snack", max_servings=2),
    F("hot_cocoa_homemade", "Hot cocoa made with milk", 171277, "drinks", "prepared", r"^1 cup", "1 cup", ("1/2 gal milk", 1950.0), "p:11512010", diet=VEGETARIAN, allergens="dairy", slots="breakfast|snack", buy_as="Milk (plus unsweetened cocoa powder)"),
    F("orange_juice", "Orange juice", 169100, "drinks", "prepared", r"^1 cup", "1 cup", ("52 fl oz carton", 1600.0), "p:61210220", max_servings=1),
    F("tomato_juice", "Tomato juice, no salt added", 170545, "drinks", "prepared", r"^1 cup", "1 cup", ("46 fl oz bottle", 1380.0), "p:74301100", slots="breakfast|lunch|snack"),
    F("coconut_water", "Coconut water", 170174, "drinks", "prepared", r"^1 cup", "1 cup", ("1 liter carton", 1000.0), "p:42403010", slots="breakfast|snack|lunch"),
    # --- condiments -----------------------------------------------------------------------------
    F("mustard_yellow", "Yellow mustard", 172234, "condiments", "prepared", r"^1 tsp", "1 tsp", ("8 oz bottle", 226.8), "p:75506010"),
    F("salsa", "Salsa", 174524, "condiments", "prepared", r"^2 tbsp", "2 tbsp", ("16 oz jar", 453.6), "p:74402150", slots="breakfast|lunch|dinner|snack", max_servings=2),
    F("soy_sauce", "Soy sauce", 174277, "condiments", "prepared", r"^1 tsp", "1 tsp", ("10 fl oz bottle", 300.0), "p:41420300", allergens="soy|gluten"),
    F("soy_sauce_low_sodium", "Soy sauce, reduced sodium", 172473, "condiments", "prepared", r"^1 tsp", "1 tsp", ("10 fl oz bottle", 300.0), "p:41420350", allergens="soy|gluten"),
    F("ketchup", "Ketchup", 168556, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("20 oz bottle", 567.0), "p:74401010"),
    F("pesto", "Basil pesto", 171579, "condiments", "prepared", r"^0.25 cup", "1 tbsp", ("6 oz jar", 170.1), "p:81302070", frac=0.25, diet=VEGETARIAN, allergens="dairy|tree_nuts"),
    F("balsamic_vinegar", "Balsamic vinegar", 172241, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("8.5 fl oz bottle", 270.0), "p:64401000"),
    F("hot_sauce", "Hot pepper sauce", 174527, "condiments", "prepared", r"^1 tsp", "1 tsp", ("5 fl oz bottle", 150.0), "p:75511010"),
    F("molasses", "Molasses", 168820, "condiments", "prepared", r"^1 serving 1 tbsp", "1 tbsp", ("12 oz jar", 340.2), "p:91303000", slots="breakfast|snack"),
    F("honey", "Honey", "Honey", "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("12 oz bottle", 340.2), "p:91302010", diet=VEGETARIAN, slots="breakfast|snack"),
    F("maple_syrup", "Maple syrup", 169661, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("12 fl oz bottle", 372.0), "", slots="breakfast|snack"),
    F("miso", "Miso", 172442, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("14 oz tub", 396.9), "p:41420110", allergens="soy", aisle="dairy_and_eggs"),
    F("marinara_sauce", "Marinara / tomato pasta sauce", 171192, "condiments", "prepared", r"^1 serving 1/2 cup", "1/2 cup", ("24 oz jar", 680.4), "p:74404010", max_servings=1),
    F("mayonnaise", "Mayonnaise", 171009, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("30 fl oz jar", 850.5), "p:83107000", diet=VEGETARIAN, allergens="egg"),
    F("italian_dressing", "Italian dressing", 171019, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("16 fl oz bottle", 473.0), "p:83106000"),
    F("cinnamon", "Cinnamon, ground", 171320, "condiments", "dry", r"^1 tsp", "1 tsp", ("2.4 oz jar", 68.0), "", slots="breakfast|snack"),
    F("dill_pickles", "Dill pickle", 168558, "condiments", "prepared", r"^1 spear, small", "1 small spear", ("24 oz jar", 680.4), "p:75503010", slots="lunch|dinner|snack"),
    F("apple_cider_vinegar", "Apple cider vinegar", 173469, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("16 fl oz bottle", 473.0), "p:64401000"),
    # --- fats and oils --------------------------------------------------------------------------
    F("olive_oil", "Olive oil", 171413, "fats_oils", "prepared", r"^1 tablespoon", "1 tbsp", ("16.9 fl oz bottle", 459.0), "p:82104000"),
    F("canola_oil", "Canola oil", 172336, "fats_oils", "prepared", r"^1 tbsp", "1 tbsp", ("48 fl oz bottle", 1300.0), "p:82101000"),
    F("butter", "Butter, salted", 173410, "fats_oils", "prepared", r"^1 pat", "1 pat (1 tsp)", ("1 lb (4 sticks)", 453.6), "p:81101000", diet=VEGETARIAN, allergens="dairy", aisle="dairy_and_eggs", max_servings=2),
    F("coconut_oil", "Coconut oil", 171412, "fats_oils", "prepared", r"^1 tbsp", "1 tbsp", ("14 fl oz jar", 400.0), "p:82101500"),
    F("avocado_oil", "Avocado oil", 173573, "fats_oils", "prepared", r"^1 tbsp", "1 tbsp", ("16.9 fl oz bottle", 459.0), ""),
    # --- snacks and sweets ----------------------------------------------------------------------
    F("trail_mix", "Trail mix (nuts, seeds, raisins), unsalted", 170654, "snacks_sweets", "prepared", r"^1 oz", "1 oz (small handful)", LB, "p:42500100", diet=VEGAN, allergens="tree_nuts|peanuts", aisle="bulk_and_nuts", main=True),
    F("trail_mix_chocolate", "Trail mix with chocolate chips, unsalted", 170655, "snacks_sweets", "prepared", r"^1 oz", "1 oz (small handful)", LB, "p:42501500", allergens="tree_nuts|peanuts|dairy", aisle="bulk_and_nuts", main=True),
    F("granola_bar", "Granola bar, crunchy, plain", 167542, "snacks_sweets", "prepared", r"^1 bar \(1 oz", "1 bar (1 oz)", ("box of 12 bars", 336.0), "p:53710906", allergens="gluten", slots="breakfast|snack", main=True),
    # === ingredients used only inside dishes (slots empty: never planned on their own) ============
    # --- herbs, spices and basics ---------------------------------------------------------------
    F("salt_table", "Salt, table", 173468, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("26 oz canister", 737.0), ""),
    F("black_pepper", "Black pepper, ground", 170931, "herbs_spices", "dry", r"^1 tsp, ground", "1 tsp ground", ("3 oz tin", 85.0), ""),
    F("garlic", "Garlic (raw)", 169230, "herbs_spices", "raw", r"^1 clove", "1 clove", ("1 head (about 10 cloves)", 30.0), "p:75111500", aisle="produce"),
    F("ginger", "Ginger root (raw)", 169231, "herbs_spices", "raw", r"^1 tsp", "1 tsp grated", ("1 piece (about 3 oz)", 85.0), "", aisle="produce"),
    F("cumin", "Cumin (seed or ground)", 170923, "herbs_spices", "dry", r"^1 tsp, whole", "1 tsp", ("1.5 oz jar", 42.5), ""),
    F("paprika", "Paprika", 171329, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("2.1 oz jar", 60.0), ""),
    F("chili_powder", "Chili powder (blend)", 171319, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("2.5 oz jar", 70.9), ""),
    F("turmeric", "Turmeric, ground", 172231, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("1.5 oz jar", 42.5), ""),
    F("curry_powder", "Curry powder", 170924, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("2 oz jar", 56.7), ""),
    F("oregano_dried", "Oregano, dried", 171328, "herbs_spices", "dry", r"^1 tsp, leaves", "1 tsp", ("0.75 oz jar", 21.0), ""),
    F("thyme_dried", "Thyme, dried", 170938, "herbs_spices", "dry", r"^1 tsp, leaves", "1 tsp", ("0.75 oz jar", 21.0), ""),
    F("basil_fresh", "Basil (fresh)", 172232, "herbs_spices", "raw", r"^2 tbsp, chopped", "2 tbsp chopped", ("0.75 oz clamshell", 21.0), "p:75109400", aisle="produce"),
    F("parsley_fresh", "Parsley (fresh)", 170416, "herbs_spices", "raw", r"^1 tbsp", "1 tbsp chopped", ("1 bunch", 85.0), "p:75119000", aisle="produce"),
    F("cilantro", "Cilantro (fresh coriander leaves)", 169997, "herbs_spices", "raw", r"^0.25 cup", "1/4 cup leaves", ("1 bunch", 85.0), "p:75109550", aisle="produce"),
    F("dill_fresh", "Dill (fresh)", 172233, "herbs_spices", "raw", r"^1 cup sprigs", "1/4 cup sprigs", ("0.75 oz clamshell", 21.0), "", frac=0.25, aisle="produce"),
    F("mint_fresh", "Mint, spearmint (fresh)", 173475, "herbs_spices", "raw", r"^2 leaves", "10 leaves", ("0.75 oz clamshell", 21.0), "", frac=5, aisle="produce"),
    F("red_pepper_flakes", "Red pepper flakes / cayenne", 170932, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("1.5 oz jar", 42.5), ""),
    F("garlic_powder", "Garlic powder", 171325, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("3 oz jar", 85.0), ""),
    F("vanilla_extract", "Vanilla extract", 173471, "herbs_spices", "prepared", r"^1 tsp", "1 tsp", ("2 fl oz bottle", 52.0), ""),
    F("nutmeg", "Nutmeg, ground", 171326, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("1.1 oz jar", 31.0), ""),
    F("baking_powder", "Baking powder (double-acting)", 172803, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("8.1 oz can", 230.0), ""),
    F("baking_soda", "Baking soda", 175040, "herbs_spices", "dry", r"^1 tsp", "1 tsp", ("1 lb box", 453.6), ""),
    # --- produce --------------------------------------------------------------------------------
    F("scallions", "Scallions (green onions)", 170005, "vegetables", "raw", r"^1 medium", "1 scallion", ("1 bunch", 100.0), "p:75117010", slots=INGREDIENT, main=False),
    F("jalapeno", "Jalapeno pepper (raw)", 168576, "vegetables", "raw", r"^1 pepper", "1 pepper", ("4 oz (about 8 peppers)", 113.4), "p:75121000", slots=INGREDIENT, main=False),
    F("green_bell_pepper", "Green bell pepper (raw)", 170427, "vegetables", "raw", r"^1 cup, chopped", "1 cup chopped", ("1 pepper", 164.0), "p:75122100", slots=INGREDIENT),
    F("carrots_cooked", "Carrots (cooked)", 170394, "vegetables", "cooked", r"^0.5 cup slices", "1/2 cup sliced, cooked", ("2 lb bag", 907.2), "p:73102211", slots=INGREDIENT, buy_as="Fresh carrots", buy_fdc=170393),
    # The USDA cooked leek row has less energy than the raw one (sugars leach into the water), so the
    # energy ratio cannot give the weight bought; the leeks are counted one for one.
    F("leeks_cooked", "Leeks (cooked)", 168426, "vegetables", "cooked", r"^0.25 cup, chopped", "1/2 cup chopped, cooked", ("1 bunch (3 leeks)", 267.0), "", frac=2, slots=INGREDIENT, buy_as="Fresh leeks"),
    # USDA's cooked shiitake row is reconstituted dried shiitake (56 kcal/100 g; fresh shiitake has 34).
    F("shiitake_cooked", "Shiitake mushrooms (cooked from dried)", 168437, "vegetables", "cooked", r"^1 cup pieces", "1/2 cup pieces, cooked", ("1 oz bag dried", 28.35), "p:75219100", frac=0.5, slots=INGREDIENT, aisle="pantry", buy_as="Dried shiitake mushrooms", buy_fdc=168436),
    F("red_cabbage", "Red cabbage (raw)", 169977, "vegetables", "raw", r"^1 cup, shredded", "1 cup shredded", ("1 head", 839.0), "p:75105000", slots=INGREDIENT),
    F("radishes", "Radishes (raw)", 169276, "vegetables", "raw", r"^0.5 cup slices", "1/2 cup sliced", ("6 oz bag", 170.1), "p:75125000", slots=INGREDIENT),
    F("green_chiles_canned", "Green chiles, diced (canned)", 170426, "vegetables", "canned", r"^0.5 cup", "1/4 cup diced", ("4 oz can", 113.4), "", frac=0.5, slots=INGREDIENT, aisle="pantry", main=False),
    F("roasted_red_peppers", "Roasted red peppers (jarred)", 168546, "vegetables", "canned", r"^0.5 cup, halves", "1/2 cup", ("12 oz jar", 340.2), "p:75511020", slots=INGREDIENT, aisle="pantry"),
    F("tomato_paste", "Tomato paste, no salt added", 170459, "vegetables", "canned", r"^1 tbsp", "1 tbsp", ("6 oz can", 170.0), "", slots=INGREDIENT, aisle="pantry", main=False),
    F("lemon", "Lemon (without peel)", 167746, "fruit", "raw", r"^1 fruit \(2-1/8", "1 lemon", ("2 lb bag", 907.2), "p:61113010", slots=INGREDIENT, main=False),
    F("lime", "Lime", 168155, "fruit", "raw", r"^1 fruit", "1 lime", ("2 lb bag", 907.2), "p:61116010", slots=INGREDIENT, main=False),
    F("dried_cranberries", "Cranberries, dried, sweetened", 171723, "fruit", "dry", r"^0.25 cup", "1/4 cup", ("6 oz bag", 170.1), "p:62109100", slots=INGREDIENT, aisle="bulk_and_nuts"),
    # --- sauces, broths and other condiments ---------------------------------------------------
    F("lemon_juice", "Lemon juice (fresh)", 167747, "condiments", "raw", r"^1 fl oz", "1 tbsp", ("1 lemon (juice, about 3 tbsp)", 48.0), "p:61204010", frac=0.5, slots=INGREDIENT, aisle="produce", buy_as="Lemons (for juice)"),
    F("lime_juice", "Lime juice (fresh)", 168156, "condiments", "raw", r"^1 fl oz", "1 tbsp", ("1 lime (juice, about 3 tbsp)", 44.0), "p:61207010", frac=0.5, slots=INGREDIENT, aisle="produce", buy_as="Limes (for juice)"),
    F("olives_black", "Black olives, ripe (canned)", 169094, "condiments", "canned", r"^1 large", "5 large olives", ("6 oz can", 170.1), "p:75510020", frac=5, slots=INGREDIENT),
    F("capers", "Capers (canned, drained)", 172238, "condiments", "canned", r"^1 tbsp, drained", "1 tbsp", ("3.5 oz jar", 99.0), "", slots=INGREDIENT),
    F("vegetable_broth", "Vegetable broth", 171583, "condiments", "prepared", r"^1 cup", "1 cup", ("32 fl oz carton", 926.0), "p:75657000", slots=INGREDIENT),
    F("chicken_broth_low_sodium", "Chicken broth, low sodium", 171609, "condiments", "prepared", r"^1 cup", "1 cup", ("32 fl oz carton", 960.0), "p:28340180", slots=INGREDIENT, diet=OMNIVORE),
    F("red_wine_vinegar", "Red wine vinegar", 172240, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("16 fl oz bottle", 478.0), "p:64401000", slots=INGREDIENT),
    F("sriracha", "Sriracha (hot chile sauce)", 171186, "condiments", "prepared", r"^1 tsp", "1 tsp", ("17 oz bottle", 482.0), "p:74403000", slots=INGREDIENT),
    F("fish_sauce", "Fish sauce", 174531, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("8.45 fl oz bottle (250 ml)", 304.0), "p:27150210", slots=INGREDIENT, diet=PESCATARIAN, allergens="fish"),
    F("hoisin_sauce", "Hoisin sauce", 172886, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("8.5 oz jar", 241.0), "p:41420250", slots=INGREDIENT, allergens="soy|gluten|sesame"),
    F("worcestershire", "Worcestershire sauce", 171610, "condiments", "prepared", r"^1 tbsp", "1 tbsp", ("10 fl oz bottle", 344.0), "p:41420450", slots=INGREDIENT, diet=PESCATARIAN, allergens="fish"),
    # --- pantry: oils, nuts and seeds, grains, baking ------------------------------------------
    F("sesame_oil", "Sesame oil", 171016, "fats_oils", "prepared", r"^1 tsp", "1 tsp", ("5 fl oz bottle", 136.0), "p:82107000", slots=INGREDIENT, allergens="sesame"),
    # Coconut is not tagged tree_nuts (see foods/data/README.md).
    F("coconut_milk_canned", "Coconut milk (canned)", 170173, "dairy_alternatives", "canned", r"^1 cup", "1/4 cup", ("13.5 fl oz can", 381.0), "", frac=0.25, slots=INGREDIENT, diet=VEGAN, allergens="", aisle="pantry", main=False),
    F("sunflower_seed_butter", "Sunflower seed butter, unsalted", 170155, "seeds", "prepared", r"^1 tbsp", "2 tbsp", ("16 oz jar", 453.6), "", frac=2, slots=INGREDIENT, aisle="pantry"),
    F("rice_noodles_cooked", "Rice noodles (cooked)", 168914, "refined_grains", "cooked", r"^1 cup", "1 cup cooked", ("14 oz package", 396.9), "p:56117090", slots=INGREDIENT, buy_as="Rice noodles, dry", buy_fdc=169742),
    F("soba_noodles_cooked", "Soba noodles (cooked)", 168907, "refined_grains", "cooked", r"^1 cup", "1 cup cooked", ("8 oz package", 226.8), "", slots=INGREDIENT, allergens="gluten", buy_as="Soba noodles, dry", buy_fdc=168906),
    F("egg_noodles_cooked", "Egg noodles (cooked)", 169732, "refined_grains", "cooked", r"^1 cup", "1 cup cooked", ("12 oz bag", 340.2), "p:56112000", slots=INGREDIENT, diet=VEGETARIAN, allergens="egg|gluten", buy_as="Egg noodles, dry", buy_fdc=169731),
    F("whole_wheat_tortilla", "Whole-wheat tortilla", 174081, "whole_grains", "prepared", r"^1 tortilla", "1 tortilla", ("8-count pack", 328.0), "p:52215260", slots=INGREDIENT, allergens="gluten"),
    F("crackers_whole_wheat", "Whole-wheat crackers, low salt", 172823, "whole_grains", "prepared", r"^1 cracker$", "6 crackers", ("8.5 oz box", 241.0), "p:54204030", frac=6, slots=INGREDIENT, allergens="gluten"),
    F("tortilla_chips", "Tortilla chips, plain", 167558, "snacks_sweets", "prepared", r"^1 oz", "1 oz", ("13 oz bag", 368.5), "p:54401075", slots=INGREDIENT, diet=VEGAN),
    F("chocolate_chips_semisweet", "Semisweet chocolate chips", 167976, "snacks_sweets", "prepared", r"^1 cup chips \(6 oz", "1/4 cup chips", ("12 oz bag", 340.2), "p:91705200", frac=0.25, slots=INGREDIENT, allergens="dairy"),
    F("sugar", "Sugar, granulated", 169655, "baking", "dry", r"^1 tsp", "1 tbsp", ("4 lb bag", 1814.4), "p:91101010", frac=3),
    F("brown_sugar", "Brown sugar", 168833, "baking", "dry", r"^1 tsp packed", "1 tbsp packed", ("2 lb bag", 907.2), "p:91102010", frac=3),
    F("flour_all_purpose", "All-purpose flour (white, enriched)", 168894, "baking", "dry", r"^1 cup", "1/4 cup", ("5 lb bag", 2268.0), "b:APU0000701111", frac=0.25, allergens="gluten"),
    F("flour_whole_wheat", "Whole-wheat flour", 168893, "baking", "dry", r"^1 cup", "1/4 cup", ("5 lb bag", 2268.0), "", frac=0.25, allergens="gluten"),
    F("cornmeal", "Cornmeal, whole-grain", 169697, "baking", "dry", r"^1 cup", "1/4 cup", ("2 lb bag", 907.2), "", frac=0.25),
    F("coconut_shredded", "Coconut, shredded, unsweetened", 170170, "baking", "dry", r"^1 oz", "1 oz (about 1/3 cup)", ("8 oz bag", 226.8), "p:42106020"),
    # --- dairy and eggs -------------------------------------------------------------------------
    F("egg_whole_raw", "Egg, whole (raw, for cooking)", 171287, "eggs_poultry_meat", "raw", r"^1 large", "1 large egg", ("carton of 12 eggs", 600.0), "p:31103010", slots=INGREDIENT, diet=VEGETARIAN, allergens="egg", aisle="dairy_and_eggs", buy_as="Eggs, large"),
    F("egg_fried", "Egg, fried", 173423, "eggs_poultry_meat", "cooked", r"^1 large", "1 large egg, fried", ("carton of 12 eggs", 600.0), "p:31105005", slots=INGREDIENT, diet=VEGETARIAN, allergens="egg", aisle="dairy_and_eggs", buy_as="Eggs, large", buy_factor=EGG_FRIED),
    F("egg_poached", "Egg, poached", 172186, "eggs_poultry_meat", "cooked", r"^1 large", "1 large egg, poached", ("carton of 12 eggs", 600.0), "p:31103010", slots=INGREDIENT, diet=VEGETARIAN, allergens="egg", aisle="dairy_and_eggs", buy_as="Eggs, large", buy_fdc=171287),
    F("greek_yogurt_whole", "Greek yogurt, plain, whole milk", 171304, "dairy_alternatives", "prepared", 170.0, "6 oz (about 3/4 cup)", ("32 oz tub", 907.2), "p:11411400", slots=INGREDIENT),
    F("yogurt_plain_whole", "Yogurt, plain, whole milk", 171284, "dairy_alternatives", "prepared", r"^1 cup \(8 fl oz", "1 cup", ("32 oz tub", 907.2), "p:11411100", slots=INGREDIENT),
    F("goat_cheese", "Goat cheese, soft", 173435, "dairy_alternatives", "prepared", r"^1 oz", "1 oz", ("4 oz log", 113.4), "p:14104700", slots=INGREDIENT),
    F("swiss_cheese", "Swiss cheese", 171251, "dairy_alternatives", "prepared", r"^1 slice \(1 oz", "1 slice (1 oz)", ("8 oz pack, sliced", 226.8), "p:14109010", slots=INGREDIENT),
    F("cream_cheese", "Cream cheese", 173418, "dairy_alternatives", "prepared", r"^1 tbsp$", "1 tbsp", ("8 oz block", 226.8), "p:14301010", slots=INGREDIENT, main=False),
    F("sour_cream", "Sour cream", 171257, "dairy_alternatives", "prepared", r"^1 tbsp", "2 tbsp", ("16 oz tub", 453.6), "p:12310100", frac=2, slots=INGREDIENT, main=False),
    F("monterey_jack", "Monterey Jack cheese", 170844, "dairy_alternatives", "prepared", r"^1 oz", "1 oz", ("8 oz block", 226.8), "p:14106200", slots=INGREDIENT),
    # --- meat -----------------------------------------------------------------------------------
    F("lamb_ground_cooked", "Ground lamb (cooked)", 172544, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb pack", 453.6), "p:23132000", slots=INGREDIENT, buy_as="Ground lamb, raw", buy_factor=GROUND_LAMB),
    F("pork_chop_cooked", "Pork loin chop, boneless, lean (cooked)", 168285, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1.5 lb pack boneless chops", 680.4), "p:22101120", slots=INGREDIENT, buy_as="Boneless pork loin chops, raw", buy_fdc=168263),
    F("bacon_cooked", "Bacon, reduced sodium (cooked)", 167712, "eggs_poultry_meat", "cooked", r"^1 slice cooked", "1 slice cooked", ("12 oz pack", 340.2), "p:22602010", slots=INGREDIENT, main=False, buy_as="Bacon, reduced sodium, raw", buy_factor=BACON),
    F("ham_sliced", "Ham, sliced (deli)", 173864, "eggs_poultry_meat", "prepared", r"^1 slice", "1 slice (1 oz)", ("8 oz pack", 226.8), "p:25230210", slots=INGREDIENT),
    F("beef_chuck_braised", "Beef chuck stew meat (braised)", 171203, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1 lb pack stew meat", 453.6), "p:21410000", slots=INGREDIENT, buy_as="Beef chuck stew meat, raw", buy_fdc=171206),
    F("beef_flank_cooked", "Flank steak, lean (broiled)", 174774, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("1.5 lb flank steak", 680.4), "p:21101130", slots=INGREDIENT, buy_as="Flank steak, raw", buy_fdc=174776),
    F("chicken_drumstick_roasted", "Chicken drumstick, meat only (roasted)", 172376, "eggs_poultry_meat", "cooked", r"^3 oz", "3 oz cooked", ("3 lb pack drumsticks", 1360.8), "p:24142301", slots=INGREDIENT, buy_as="Chicken drumsticks, raw (meat weight; bones extra)", buy_fdc=173614),
    # --- fish and seafood -----------------------------------------------------------------------
    F("smoked_salmon", "Smoked salmon", 173687, "fish_seafood", "prepared", r"^1 oz, boneless", "2 oz", ("4 oz pack", 113.4), "p:26137190", frac=2, slots=INGREDIENT),
    F("clams_canned", "Clams (canned, drained)", 171976, "fish_seafood", "canned", r"^3 oz", "3 oz drained", ("6.5 oz can", 184.3), "p:26303110", slots=INGREDIENT, allergens="shellfish", aisle="pantry"),
    F("scallops_cooked", "Scallops (steamed)", 167742, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", ("1 lb bag frozen", 453.6), "p:26317110", slots=INGREDIENT, allergens="shellfish", aisle="frozen", buy_as="Scallops, raw (frozen)", buy_fdc=174220),
    F("catfish_cooked", "Catfish, farmed (cooked)", 175166, "fish_seafood", "cooked", r"^3 oz", "3 oz cooked", LB, "p:26107123", slots=INGREDIENT, buy_as="Catfish fillet, raw", buy_fdc=175165),
    F("herring_pickled", "Pickled herring", 175118, "fish_seafood", "prepared", r"^1 oz", "2 oz", ("12 oz jar", 340.2), "", frac=2, slots=INGREDIENT),
]


def _resolve_fdc(usda: pd.DataFrame, spec: int | str, food_id: str) -> int:
    if isinstance(spec, int):
        if spec not in usda.index:
            raise SystemExit(f"{food_id}: fdc_id {spec} not in USDA table")
        return spec
    hit = usda.index[usda["description"] == spec]
    if len(hit) == 0:  # FDC adds "(Includes foods for USDA's Food Distribution Program)" to some rows
        hit = usda.index[usda["description"].str.startswith(spec + " (Includes")]
    if len(hit) != 1:
        close = usda[usda["description"].str.lower().str.startswith(spec.lower()[:20])]["description"].head(8)
        raise SystemExit(f"{food_id}: description {spec!r} matched {len(hit)} rows; close: {list(close)}")
    return int(hit[0])


def _price_ref(ppnap: pd.DataFrame, ers: pd.DataFrame, bls: pd.DataFrame, spec: str, food_id: str) -> tuple[str, str, str]:
    """(price_source, price_ref, description) for a price spec."""
    if not spec:
        return "none", "", ""
    kind, _, ref = spec.partition(":")
    if kind == "p":
        if ref not in ppnap.index:
            raise SystemExit(f"{food_id}: PP-NAP code {ref} not found")
        return "ppnap", ref, f"{ppnap.loc[ref, 'food_description']} (m{ppnap.loc[ref, 'method_code']})"
    if kind == "e":
        if ref not in ers.index:
            raise SystemExit(f"{food_id}: ERS row {ref!r} not found")
        return "ers", ref, ref
    if kind == "b":
        if ref not in bls.index:
            raise SystemExit(f"{food_id}: BLS series {ref} not found")
        return "bls", ref, str(bls.loc[ref, "item"])
    raise SystemExit(f"{food_id}: bad price spec {spec!r}")


def build(*, verbose: bool = False) -> str:
    usda = pd.read_csv(DATA / "usda_sr_legacy_foods.csv").set_index("fdc_id", drop=False)
    portions = pd.read_csv(DATA / "usda_sr_legacy_portions.csv")
    ppnap = pd.read_csv(DATA / "prices_ppnap_2017_2018.csv", dtype={"fndds_food_code": "string"})
    ppnap = ppnap.set_index("fndds_food_code")
    ers = pd.read_csv(DATA / "prices_ers_fruit_veg.csv")
    ers.index = ers["item"].str.strip() + "|" + ers["form"].str.strip()
    bls = pd.read_csv(DATA / "prices_bls_average_summary.csv").set_index("series_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    seen: set[str] = set()
    errors: list[str] = []
    for f in FOODS:
        try:
            _build_row(f, writer, seen, usda, portions, ppnap, ers, bls, verbose=verbose)
        except SystemExit as exc:
            errors.append(str(exc))
    if errors:
        raise SystemExit("\n".join(errors))
    return out.getvalue()


def _build_row(f: F, writer, seen: set[str], usda, portions, ppnap, ers, bls, *, verbose: bool) -> None:
    if True:
        if f.food_id in seen:
            raise SystemExit(f"duplicate food_id {f.food_id}")
        seen.add(f.food_id)
        d = DEFAULTS[f.category]
        fdc = _resolve_fdc(usda, f.fdc, f.food_id)
        if pd.isna(usda.loc[fdc, "values_source"]):
            raise SystemExit(f"{f.food_id}: fdc_id {fdc} has no nutrient values")
        seq, frac, grams = "", "", ""
        if isinstance(f.portion, str):
            rows = portions[(portions["fdc_id"] == fdc) & portions["measure"].str.contains(f.portion, regex=True)]
            if rows.empty:
                opts = list(portions.loc[portions["fdc_id"] == fdc, "measure"])
                raise SystemExit(f"{f.food_id}: no portion matches {f.portion!r}; options: {opts}")
            p = rows.iloc[0]
            seq, frac = int(p["seq_num"]), f.frac
            serving_g = float(p["gram_weight"]) * f.frac
            portion_text = f"{p['measure']} = {p['gram_weight']} g x {f.frac}"
        else:
            grams = float(f.portion)
            serving_g = grams
            portion_text = "explicit grams"
        buy_fdc = ""
        if f.buy_fdc is not None:
            buy_fdc = _resolve_fdc(usda, f.buy_fdc, f.food_id)
        source, ref, pdesc = _price_ref(ppnap, ers, bls, f.price, f.food_id)
        label = f.label
        row = [
            f.food_id, f.name, fdc, f.category, f.form, seq, _csv_number(frac), label, _csv_number(grams),
            d["slots"] if f.slots is None else f.slots, d.get("diet", "") if f.diet is None else f.diet,
            d.get("allergens", "") if f.allergens is None else f.allergens,
            f.aisle or d["aisle"], "true" if (d.get("main", True) if f.main is None else f.main) else "false",
            _csv_number(f.max_servings or d.get("max_servings", 2)), f.purchase[0], _csv_number(f.purchase[1]),
            f.buy_as or f.name, buy_fdc, _csv_number(round(f.buy_factor, 4)) if f.buy_factor else "",
            source, ref, f.applies if source != "none" else "",
        ]
        writer.writerow(row)
        if verbose:
            mg = usda.loc[fdc, "magnesium_mg"]
            print(f"{f.food_id:28s} {usda.loc[fdc, 'description'][:55]:55s} | {portion_text:40s} "
                  f"| {serving_g:6.1f} g Mg {mg * serving_g / 100:6.1f} | {source}:{ref} {pdesc[:60]}")


def _csv_number(x: object) -> str:
    if x == "" or x is None:
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(round(x, 4))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed CSV differs")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each food's USDA row, portion, price")
    args = parser.parse_args(argv)
    text = build(verbose=args.verbose)
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("curated_foods.csv is up to date" if same else "curated_foods.csv differs from the build")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({text.count(chr(10)) - 1} foods)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
