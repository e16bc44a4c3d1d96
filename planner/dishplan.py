"""Plan a week of dishes: profile -> targets -> the dish week method -> a version-2 WeekPlan.

Every number in the plan comes from the ingredients' rows of the food table: a dish's ingredients are
PlanItems (grams = grams per serving x portions), and day totals add them up like any other items.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Collection, Sequence

import pandas as pd

from foods.dishes import DishTables
from planner import menu, week
from planner.dish_data import kept_dish_data
from planner.menu_day import kept_day_model
from planner.errors import PlanError, ProfileError
from planner.explain_dishes import explain_dish_plan
from planner.model import (DISH_PLAN_VERSION, MAX_DAYS, DayPlan, LeftoverRef, Meal, PlanDish, Profile, Rules, SolverInfo,
                           Targets, WeekPlan)
from planner.nutrition import make_day, make_ingredients
from planner.targets import check_profile, targets_for

# (Targets field, label, unit, what to do when the food falls short); the plan says it once, plainly.
# "{foods}" is filled with the foods of FOOD_SOURCES the person's diet and allergens allow.
CO_NUTRIENT_ADVICE: tuple[tuple[str, str, str, str], ...] = (
    ("iron_mg", "Iron", "mg",
     "Eat more {foods}, with vitamin C at the same meal; take iron tablets only if the iron test below "
     "shows a need."),
    ("calcium_mg", "Calcium", "mg", "Add {foods}."),
    ("potassium_mg", "Potassium", "mg", "Add beans, potatoes, leafy greens and fruit."),
    ("vitamin_d_ug", "Vitamin D", "µg",
     "Few foods have much vitamin D: most people need sunlight or a supplement (15 µg, 600 IU, a day covers "
     "the RDA{vegan_d}); ask about a 25(OH)D blood test."),
    ("vitamin_b12_ug", "Vitamin B12", "µg",
     "Plants have no B12, so you need a B12 supplement (commonly 25-100 µg a day, or 1,000 µg twice a week) or "
     "foods fortified with it ({foods}); ask for a B12 blood test."),
)
# Food suggestions per co-nutrient: (text, the diets that eat it, allergens it has).
_ALL = ("omnivore", "pescatarian", "vegetarian", "vegan")
FOOD_SOURCES: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "iron_mg": (("lentils, beans and greens", _ALL, ()), ("red meat", ("omnivore",), ())),
    "calcium_mg": (("milk or yogurt", ("omnivore", "pescatarian", "vegetarian"), ("dairy",)),
                   ("calcium-fortified soy milk or calcium-set tofu", _ALL, ("soy",)),
                   ("calcium-fortified rice or oat milk", _ALL, ()), ("kale, bok choy or collard greens", _ALL, ())),
    "vitamin_b12_ug": (("fortified soy milk", _ALL, ("soy",)), ("fortified rice or oat milk", _ALL, ()),
                       ("fortified breakfast cereals", _ALL, ("gluten",))),
}
PREGNANCY_FISH_DAYS_MAX = 3  # FDA/EPA: 8-12 oz of low-mercury fish a week, about three servings
PREGNANCY_FISH_G_PER_WEEK_MAX = 340.0  # 12 oz: the FDA/EPA upper end (a dietitian counted 17 oz in one week)
PREGNANCY_FISH_G_PER_WEEK_MIN = 226.8  # 8 oz: the lower end (a dietitian found 7.1 oz, one sardine dish eaten twice)
MAGNESIUM_NOTE = ("Magnesium from food is safe for healthy kidneys: the {ul_mg:g} mg upper limit is for "
                  "supplements only. With kidney disease, or medicines that interact with magnesium, ask your doctor.")
# Pregnancy and breastfeeding share the food advice; only the supplement they start with differs.
PRENATAL_SUPPLEMENT = "In pregnancy: keep taking a prenatal supplement with folic acid (400 µg) and iodine (150 µg)"
NURSING_SUPPLEMENT = "While breastfeeding: keep taking the supplement your midwife or doctor advised"
MOTHER_FOOD_ADVICE = (", eat 8-12 oz (2-3 servings) a week of fish low in mercury (the plan's fish are, and it plans "
                      "8-12 oz when your diet has fish), choose pasteurised milk, yogurt, kefir and cheese (feta, ricotta and paneer too), and cook "
                      "eggs until the yolks are firm.")
# (The ferritin test has its own note, in every plan: said once.)
PREGNANCY_NOTE = PRENATAL_SUPPLEMENT + MOTHER_FOOD_ADVICE
# DRI energy in pregnancy: +0, +340 and +452 kcal a day by trimester; planner.targets plans the second.
TRIMESTER_NOTE = ("The energy range is the second trimester's (+340 kcal a day): in the first trimester eat "
                  "about 340 kcal less, in the third about 110 kcal more.")
# Adults over 50 absorb the B12 bound in food poorly (IOM): the RDA is meant to come mostly from fortified
# foods or a supplement, whatever the plan's average says.
OVER_50_B12_NOTE = ("Over 50, much of the B12 in food is poorly absorbed: get most of it from fortified foods or "
                    "a B12 supplement (commonly 25-100 µg a day; the usual advice for everyone over 50).")
# Iron stores matter in RLS whatever the plan's iron: said once, in every plan whose other notes do not say it. The
# AASM's 2024 guideline recommends iron for adults with RLS whose ferritin is 75 µg/L or less or whose transferrin
# saturation is below 20 %; it makes no recommendation on magnesium (too little evidence), so iron comes first.
FERRITIN_NOTE = ("In RLS the evidence is stronger for iron than for magnesium: ask your doctor for a ferritin and "
                 "transferrin saturation test (RLS guidance treats a ferritin of 75 µg/L or less, or a saturation "
                 "below 20 %, as low), and take iron only if it shows you need it.")
# The cut-offs are the adults'; a child's doctor judges a child's iron, so no number is given.
CHILD_FERRITIN_NOTE = ("In RLS the evidence is stronger for iron than for magnesium: ask the child's doctor for a "
                       "ferritin test, and give iron only if it shows a need.")
# Coconut is not a tree nut in the FDA's allergen labelling since 2025, so a tree-nut-free plan may use it; a
# dietitian asked that the note say so when it does (some allergists still advise caution).
COCONUT_NOTE = ("You avoid tree nuts and the plan uses coconut ({foods}): coconut is not a tree nut in US allergen "
                "labelling and most people with a tree-nut allergy eat it, but ask your allergist if unsure.")
# Vitamin D mushrooms (UV-exposed: UV_MUSHROOMS, a curated food) can carry most of a week's vitamin D: the note
# says which mushrooms to buy, that their vitamin D is D2, and what settles whether it is enough.
UV_MUSHROOMS = "mushrooms_white_uv"
UV_MUSHROOM_NOTE = ("{share} of the plan's vitamin D comes from UV-exposed mushrooms ({grams:.0f} g over the plan): "
                    "buy the packs labelled for vitamin D (ordinary mushrooms have almost none), and buy them close to "
                    "the days you cook them: their vitamin D fades in the fridge. It is vitamin D2; if yours has been "
                    "low, a blood test of 25-hydroxyvitamin D shows whether food alone is enough.")
# A budget counts a food without a retail price in the price tables at its category's median price
# (foods.dish_numbers.budget_prices); the plan names the foods it so counted, pinches of salt and spice aside.
ESTIMATED_PRICE_NOTE = ("Toward your budget, foods without a US retail price in the price tables ({foods}) count at "
                        "the median price of their food group; the day's cost shows priced foods only.")
UNPRICED_NAMED_G_MIN = 5.0
# How notes the planner no longer writes began: an edit replaces them with today's (never two ferritin notes).
# (A mother's note is written again whole, so the versions that asked for the ferritin test go too.)
# (An iron shortfall's note is written again from the days, so its version that asked for the ferritin test goes.)
RETIRED_NOTE_STARTS: tuple[str, ...] = ("In RLS, iron stores matter as much as magnesium", PRENATAL_SUPPLEMENT,
                                        NURSING_SUPPLEMENT, "Iron averages")
# The standard RLS advice on what to drink, said once; with the plan's own caffeine cap when it has one.
CAFFEINE_NOTE = ("RLS guidance advises against caffeine and alcohol in the evening: this plan keeps caffeine after "
                 "lunch to {mg:g} mg a day at most (a cup of cocoa has about 14 mg, a cup of coffee about 95 mg).")
NO_CAFFEINE_CAP_NOTE = ("RLS guidance advises against caffeine and alcohol in the evening; this plan has no caffeine "
                        "limit after lunch.")
ADULT_AGE = 18
# A vegan plan has almost no iodine (dairy, fish and eggs are the usual sources; the tables do not count it).
VEGAN_IODINE_NOTE = ("Vegan food has little iodine, and the plan's salt gives well under the 150 µg a day you "
                     "need: a supplement with 150 µg a day is the surer way.")
VEGAN_D_TEXT = "; vegans: vitamin D2 or a lichen-based D3"
# A diet that avoids allergens: the plan's ingredients are free of them, but packaged foods carry traces.
ALLERGEN_LABEL_NOTE = ("You avoid {allergens}: the plan's ingredients contain none, but check the labels of packaged "
                       "ones (chocolate, breads, tortillas, seed butters, plant milks) for them and for "
                       "'may contain' warnings.")


def _sources(field_name: str, profile: Profile) -> str:
    allowed = [text for text, diets, allergens in FOOD_SOURCES.get(field_name, ())
               if profile.diet in diets and not set(allergens) & set(profile.avoid_allergens)]
    return ", ".join(allowed) or "fortified foods"


def make_dish(tables: DishTables, foods: pd.DataFrame, dish_id: str, role: str, portions: float) -> PlanDish:
    """A PlanDish for ``portions`` servings of a library dish, its ingredients from the food table."""
    return make_dishes(tables, foods, [(dish_id, role, portions)])[0]


def make_dishes(tables: DishTables, foods: pd.DataFrame,
                picks: Sequence[tuple[str, str, float]]) -> tuple[PlanDish, ...]:
    """``make_dish`` for each (dish id, role, portions), reading the two tables once for them all."""
    ing = tables.ingredients
    rows = ing[ing["dish_id"].isin([dish_id for dish_id, _r, _p in picks])].sort_values(["dish_id", "position"])
    recipes: dict[str, list[tuple[str, float, str]]] = {}
    for r in rows.itertuples(index=False):
        recipes.setdefault(str(r.dish_id), []).append((str(r.food_id), float(r.grams), str(r.household)))
    items = make_ingredients(foods, [part for dish_id, _r, p in picks for part in recipes.get(dish_id, ())],
                             [p for dish_id, _r, p in picks for _part in recipes.get(dish_id, ())])
    out, start = [], 0
    for dish_id, role, portions in picks:
        n = len(recipes.get(dish_id, ()))
        out.append(PlanDish(dish_id=dish_id, name=str(tables.dishes.at[dish_id, "name"]), role=role,
                            portions=float(portions), ingredients=items[start:start + n]))
        start += n
    return tuple(out)


def meal_dishes(day_menu: week.Menu, slot: str, data: menu.DishData) -> list[tuple[str, str, float]]:
    """The (dish id, plan role, portions) of one meal of a day's menu: the main first, then sides by id."""
    chosen = sorted((m for m in day_menu if m[0] == slot), key=lambda m: (m[1] == "side", data.ids[m[2]]))
    return [(data.ids[i], "main" if role in ("breakfast", "main") else role, p) for _s, role, i, p in chosen]


def leftover_ref(day: int, slot: str, leftover_days: Collection[int]) -> LeftoverRef | None:
    """A lunch on a leftover day is the previous day's dinner."""
    return LeftoverRef(day=day - 1) if slot == "lunch" and day in leftover_days else None


def make_plan_day(tables: DishTables, foods: pd.DataFrame, data: menu.DishData, day: int, day_menu: week.Menu,
                  leftover_days: Collection[int] = ()) -> DayPlan:
    """One person's day of dishes from a day's menu (``leftover_days``: days whose lunch is a leftover)."""
    picks = {slot: dishes for slot in menu.MEAL_SLOTS if (dishes := meal_dishes(day_menu, slot, data))}
    made = iter(make_dishes(tables, foods, [pick for dishes in picks.values() for pick in dishes]))
    meals = [Meal(slot=slot, dishes=tuple(next(made) for _ in dishes), leftover_from=leftover_ref(day, slot, leftover_days))
             for slot, dishes in picks.items()]
    return make_day(day, meals)


def co_nutrient_average(days: Sequence[DayPlan], field_name: str) -> float:
    """The plan's daily average of a co-nutrient (an RDA is a long-term average)."""
    return sum(float(d.totals.get(field_name) or 0.0) for d in days) / max(len(days), 1)


def co_nutrient_met(average: float, target: float) -> bool:
    """At or above the target; the only slack is float rounding (the plan and every writer use this)."""
    return average >= target * (1 - 1e-6)


def average_text(average: float, target: float) -> str:
    """The average to one decimal, or with enough decimals to show it is below the target (14.97, not 15.0)."""
    if co_nutrient_met(average, target):
        return f"{average:,.1f}"
    for digits in (1, 2, 3):
        if round(average, digits) < target:
            return f"{average:,.{digits}f}"
    return f"{average:,.4f}"


def co_nutrient_notes(days: Sequence[DayPlan], targets: Targets, profile: Profile | None = None,
                      rules: Rules | None = None) -> tuple[str, ...]:
    """The plan's notes: one sentence per co-nutrient whose average is below the target, with what to do
    (foods the person's diet and allergens allow), then the magnesium, pregnancy, iron and caffeine notes."""
    profile = profile or Profile()
    notes = []
    for field_name, label, unit, advice in CO_NUTRIENT_ADVICE:
        target = float(getattr(targets, field_name))
        average = co_nutrient_average(days, field_name)
        if target > 0 and not co_nutrient_met(average, target):
            notes.append(f"{label} averages {average_text(average, target)} {unit} a day, below your {target:g} {unit}. "
                         + advice.format(foods=_sources(field_name, profile), vegan_d=VEGAN_D_TEXT
                                         if profile.diet == "vegan" else ""))
    notes.append(MAGNESIUM_NOTE.format(ul_mg=targets.magnesium_ul_supplemental_mg))
    if profile.age > 50 and not any(n.startswith("Vitamin B12 averages") for n in notes):
        notes.append(OVER_50_B12_NOTE)
    if profile.diet == "vegan" and profile.status not in ("pregnancy", "lactation"):
        notes.append(VEGAN_IODINE_NOTE)
    if profile.status in ("pregnancy", "lactation"):
        notes.append(_status_note(profile.status))
    # every plan, with or without an iron shortfall (whose note points to it): the cut-offs are said once
    notes.append(FERRITIN_NOTE if profile.age >= ADULT_AGE else CHILD_FERRITIN_NOTE)
    if rules is not None:
        cap_mg = rules.caffeine_after_lunch_max_mg
        notes.append(NO_CAFFEINE_CAP_NOTE if cap_mg is None else CAFFEINE_NOTE.format(mg=cap_mg))
    if profile.avoid_allergens:
        notes.append(ALLERGEN_LABEL_NOTE.format(allergens=_allergen_words(profile.avoid_allergens)))
    if profile.budget_usd_per_day is not None:
        notes.extend(_estimated_price_notes(days))
    notes.extend(_uv_mushroom_notes(days))
    coconut = sorted({it.name.split(" (")[0].lower() for d in days for m in d.meals for it in m.items
                      if "coconut" in it.food_id})
    if "tree_nuts" in profile.avoid_allergens and coconut:
        notes.append(COCONUT_NOTE.format(foods=", ".join(coconut)))
    return tuple(notes)


def _uv_mushroom_notes(days: Sequence[DayPlan]) -> list[str]:
    """UV_MUSHROOM_NOTE when the plan has vitamin D mushrooms, saying whether they give most of its vitamin D."""
    items = [it for d in days for m in d.meals for it in m.items]
    mushrooms = [it for it in items if it.food_id == UV_MUSHROOMS]
    if not mushrooms:
        return []
    share = sum(it.vitamin_d_ug or 0.0 for it in mushrooms) / max(sum(it.vitamin_d_ug or 0.0 for it in items), 1e-9)
    return [UV_MUSHROOM_NOTE.format(share="Most" if share > 0.5 else "Part", grams=sum(it.grams for it in mushrooms))]


def _estimated_price_notes(days: Sequence[DayPlan]) -> list[str]:
    unpriced = sorted({it.name.split(" (")[0].split(",")[0].lower() for d in days for m in d.meals for it in m.items
                       if it.cost_usd is None and it.grams >= UNPRICED_NAMED_G_MIN})
    return [ESTIMATED_PRICE_NOTE.format(foods=", ".join(unpriced))] if unpriced else []


def _allergen_words(allergens: Sequence[str]) -> str:
    words = [a.replace("_", " ") for a in allergens]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _status_note(status: str) -> str:
    if status == "pregnancy":
        return f"{PREGNANCY_NOTE} {TRIMESTER_NOTE}"
    return NURSING_SUPPLEMENT + MOTHER_FOOD_ADVICE


def check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ProfileError(f"days = {days!r}; plan from 1 to {MAX_DAYS} days, e.g. 7")
    return days


@dataclass(frozen=True)
class PersonInput:
    """One person as the planner sees them: the profile with favourites merged, rules, targets and dishes."""

    profile: Profile
    rules: Rules
    targets: Targets
    data: menu.DishData


def prepare(tables: DishTables, profile: Profile, *, rules: Rules, targets: Targets | None = None,
            exclude_dishes: Sequence[str] = (), favorites: Sequence[str] = (), dislikes: Sequence[str] = (),
            pantry_foods: Collection[str] = ()) -> PersonInput:
    """The checked profile (favourites and dislikes merged in), the person's rules and the dishes they eat."""
    check_profile(profile)
    if profile.status in ("pregnancy", "lactation") and rules.fish_per_week_max is None:
        rules = replace(rules, fish_per_week_max=PREGNANCY_FISH_DAYS_MAX)
    if profile.status in ("pregnancy", "lactation") and rules.fish_g_per_week_max is None:
        rules = replace(rules, fish_g_per_week_max=PREGNANCY_FISH_G_PER_WEEK_MAX)
    if profile.status in ("pregnancy", "lactation") and rules.fish_g_per_week_min is None:  # acts on fish days only
        rules = replace(rules, fish_g_per_week_min=PREGNANCY_FISH_G_PER_WEEK_MIN)
    profile = replace(profile, favorite_foods=tuple(dict.fromkeys((*profile.favorite_foods, *favorites))),
                      disliked_foods=tuple(dict.fromkeys((*profile.disliked_foods, *dislikes))))
    targets = targets or targets_for(profile)
    data = kept_dish_data(tables, profile, targets, exclude_dishes=exclude_dishes, pantry_foods=pantry_foods)
    return PersonInput(profile=profile, rules=rules, targets=targets, data=data)


def check_roles(person: PersonInput, who: str = "") -> None:
    for role in ("breakfast", "main", "snack"):
        if not person.data.roles[role].any():
            raise PlanError(f"no {role} dish fits {who or 'the diet ' + repr(person.profile.diet)}, the allergens "
                            "avoided and the exclusions; allow more dishes")


def plan_with_leftovers(person: PersonInput, days: Sequence[int], *, solver_rules: Rules,
                        slot_banned: Collection[tuple[str, int]] = (), improve_days: bool = True
                        ) -> tuple[week.WeekSolution, dict[int, int]]:
    """The person's week with up to ``rules.leftovers_per_week`` lunches that are the previous day's dinner:
    (the solution, lunch day -> dish index)."""
    budget = person.profile.budget_usd_per_day
    solution = week.plan_days(person.data, person.targets, person.rules, days, budget=budget,
                              solver_rules=solver_rules, slot_banned=slot_banned,
                              day_model=kept_day_model(person.data, person.targets, person.rules, budget, solver_rules),
                              leftover_days=week.leftover_days(days, person.rules.leftovers_per_week),
                              improve_days=improve_days)
    return solution, dict(solution.leftovers)


def solver_info(solution: week.WeekSolution, rules: Rules, t0: float) -> SolverInfo:
    """"optimal" only when proven within the rules' gap; a week planned day by day is usually "feasible".
    The bound is the week's LP without leftover lunches (a leftover lunch is the cook's choice, not a rule)."""
    gap = None
    if solution.bound is not None and solution.objective:
        gap = max(0.0, (solution.objective - solution.bound) / abs(solution.objective))
    status = "optimal" if solution.status == "optimal" and gap is not None and gap <= rules.gap_rel + 1e-9 \
        else "feasible"
    return SolverInfo(name="highs", status=status, objective=round(solution.objective, 6),
                      best_bound=None if solution.bound is None else round(solution.bound, 6),
                      gap=None if gap is None else round(gap, 6), seconds=round(time.perf_counter() - t0, 4))


def plan_dish_week(tables: DishTables, foods: pd.DataFrame, profile: Profile, *, rules: Rules | None = None,
                   targets: Targets | None = None, exclude_dishes: Sequence[str] = (),
                   favorites: Sequence[str] = (), dislikes: Sequence[str] = (),
                   pantry_foods: Collection[str] = (), improve_days: bool = True) -> WeekPlan:
    """A plan of ``rules.days`` days made of dishes (format version 2); raises PlanError when none exists.

    ``favorites`` and ``dislikes`` add to the profile's ``favorite_foods`` and ``disliked_foods`` (dish or
    food ids); the plan keeps them all in its profile, so later edits honour them too. ``pantry_foods``:
    food ids already at home; dishes using them are preferred, and a note says which the week uses.
    ``improve_days``: improve the week day by day after planning it (planner.week.improve; off: faster, dearer).
    """
    t0 = time.perf_counter()
    rules = rules or Rules()
    days = list(range(1, check_days(rules.days) + 1))
    person = prepare(tables, profile, rules=rules, targets=targets, exclude_dishes=exclude_dishes,
                     favorites=favorites, dislikes=dislikes, pantry_foods=pantry_foods)
    try:
        check_roles(person)
        solution, lunches = plan_with_leftovers(person, days, solver_rules=rules, improve_days=improve_days)
    except PlanError as exc:  # why, with dishes and numbers, and what to change (planner.explain_dishes)
        exp = explain_dish_plan(tables, person.profile, rules=person.rules, targets=person.targets,
                                exclude_dishes=exclude_dishes, week_error=str(exc))
        raise PlanError(exp.message, explanation=exp) from None
    plan_days = tuple(make_plan_day(tables, foods, person.data, d, solution.menus[d], lunches) for d in days)
    return WeekPlan(profile=person.profile, targets=person.targets, rules=person.rules, days=plan_days,
                    solver=solver_info(solution, rules, t0), excluded=tuple(exclude_dishes),
                    notes=(*pantry_notes(plan_days, pantry_foods),
                           *co_nutrient_notes(plan_days, person.targets, person.profile, person.rules)), version=DISH_PLAN_VERSION)


PANTRY_NOTE_START = "From your pantry the week uses: "


def pantry_notes(days: Sequence[DayPlan], pantry_foods: Collection[str]) -> tuple[str, ...]:
    """One note naming the pantry foods the plan uses and on which days (none when it uses none)."""
    used: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for d in days:
        for m in d.meals:
            for item in m.items:
                if item.food_id in pantry_foods and d.day not in used.setdefault(item.food_id, []):
                    used[item.food_id].append(d.day)
                    names[item.food_id] = item.name
    if not pantry_foods:
        return ()
    if not used:
        return ("No dish this week uses what is in your pantry.",)
    parts = [f"{names[f]} (day{'s' if len(ds) > 1 else ''} {', '.join(map(str, ds))})" for f, ds in used.items()]
    return (PANTRY_NOTE_START + "; ".join(parts) + ".",)


__all__ = ["CO_NUTRIENT_ADVICE", "co_nutrient_notes", "make_dish", "plan_dish_week"]
