"""Why no dish plan exists, in sentences that name dishes and numbers, and what to change (Suggestions).

Every number comes from a one-day dish model (``planner.menu.build_menu_model`` with ``days=(1,)``):

* **probes**: the best a day can do on one daily limit with every other limit kept: the most magnesium,
  the cheapest day, the lightest day, the most protein, the highest evening share ... ("at most 290 mg a
  day is possible"). Its menu names the dishes that come closest. A probe's menu is a witness: the
  suggestion "set the limit to the probe's value" (rounded the safe way) always leaves a possible day.
* **elastic day**: when no day exists even without the magnesium target, every daily limit gets a slack
  (penalised relative to the limit's size); the limits with a slack are the ones that clash, and each is
  then probed alone.
* **restriction probes**: one day with every limit, after allowing one avoided allergen, the diet one step
  wider, the excluded dishes or the excluded foods; each that gives a day is a suggestion.

Probes stop at a relative gap of ``PROBE_GAP`` (0.1 %): the numbers are those of the best day found.
When one day is possible but the week's rules are not, the week's variety rules are explained instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Collection, Sequence

import pulp

from foods.dishes import DishTables
from planner import menu
from planner.explain import ALLERGEN_WORDS, NEXT_DIET, _join_or, context
from planner.explanation import Explanation, Suggestion
from planner.menu import DishData, MenuModel
from planner.menu_day import Menu
from planner.model import Profile, Rules, Targets
from planner.solve import run
from planner.targets import targets_for

PROBE_GAP = 0.001
PROBE_TIME_S = 10.0
DINKELBACH_STEPS = 6
PLANNED_ROLES: tuple[str, ...] = ("breakfast", "main", "snack")  # roles a day cannot do without


@dataclass(frozen=True)
class DailyRow:
    """One daily limit of the dish model: its row name there, its words, and where its value is set."""

    row: str  # constraint name in planner.menu without the day ("energy_max" -> "energy_max_1")
    label: str
    unit: str
    minimum: bool  # True: the day needs at least the limit; False: at most
    nutrient: str | None  # dish column it adds up (None: cost or share)
    setting: str  # "targets.<field>", "rules.<field>" or "profile.budget_usd_per_day"


ROWS: tuple[DailyRow, ...] = (
    DailyRow("magnesium_min", "magnesium", "mg", True, "magnesium_mg", "targets.magnesium_mg"),
    DailyRow("energy_min", "energy minimum", "kcal", True, "energy_kcal", "targets.energy_kcal_min"),
    DailyRow("energy_max", "energy maximum", "kcal", False, "energy_kcal", "targets.energy_kcal_max"),
    DailyRow("protein_min", "protein minimum", "g", True, "protein_g", "targets.protein_g_min"),
    DailyRow("fiber_min", "fiber minimum", "g", True, "fiber_g", "targets.fiber_g_min"),
    DailyRow("sodium_max", "sodium limit", "mg", False, "sodium_mg", "targets.sodium_mg_max"),
    DailyRow("caffeine_after_lunch", "caffeine limit after lunch", "mg", False, "caffeine_mg",
             "rules.caffeine_after_lunch_max_mg"),
    DailyRow("budget", "budget", "USD", False, None, "profile.budget_usd_per_day"),
    DailyRow("evening_magnesium_share", "evening magnesium share", "", True, None, "rules.evening_share_min"),
)
ROW = {r.row: r for r in ROWS}
AFTER_LUNCH = menu.MEAL_SLOTS[menu.MEAL_SLOTS.index("lunch") + 1:]


@dataclass(frozen=True)
class Limits:
    """The daily limits a day is planned under: the targets, the rules and the budget."""

    targets: Targets
    rules: Rules
    budget_usd: float | None

    def value(self, row: DailyRow) -> float | None:
        where, name = row.setting.split(".")
        if where == "profile":
            return self.budget_usd
        v = getattr(self.targets if where == "targets" else self.rules, name)
        return None if v is None else float(v)

    def without(self, row: DailyRow) -> Limits:
        """These limits with ``row`` lifted (a minimum of 0, a maximum of infinity, an option off)."""
        where, name = row.setting.split(".")
        if where == "profile":
            return replace(self, budget_usd=None)
        if where == "rules":
            return replace(self, rules=replace(self.rules, **{name: None}))
        return replace(self, targets=replace(self.targets, **{name: 0.0 if row.minimum else 1e9}))


@dataclass(frozen=True)
class DayProbe:
    """The best one day can do on one quantity, and the menu that does it."""

    value: float
    menu: Menu


# --- one-day models -----------------------------------------------------------------------------------------

def _day_model(data: DishData, limits: Limits) -> MenuModel:
    return menu.build_menu_model(data, limits.targets, replace(limits.rules, days=1), days=(1,),
                                 budget_usd_per_day=limits.budget_usd, name="magplan_explain_dishes")


def _quantity(model: MenuModel, data: DishData, row: DailyRow) -> pulp.LpAffineExpression:
    if row.row == "budget":
        return menu.per_serving(model, data.cost_usd, 1)
    slots = AFTER_LUNCH if row.row == "caffeine_after_lunch" else None
    return menu.per_serving(model, data.values[str(row.nutrient)], 1, slots)


def _solve(model: MenuModel, rules: Rules) -> bool:
    out = run(model.prob, rules, gap_rel=PROBE_GAP, time_limit_s=min(rules.time_limit_s, PROBE_TIME_S))
    return out.feasible


def _menu(model: MenuModel) -> Menu:
    out = [(slot, role, i, round(k.value() or 0) / 4) for (_d, slot, role, i), k in model.k.items()
           if round(k.value() or 0) > 0]
    return tuple(sorted(out))


def _optimise(data: DishData, limits: Limits, objective, rules: Rules) -> MenuModel | None:
    model = _day_model(data, limits)
    model.prob.setObjective(objective(model))
    return model if _solve(model, rules) else None


def day_possible(data: DishData, limits: Limits) -> bool:
    """Whether one day meets every limit (a feasibility solve: the first menu found ends it)."""
    if not all(data.roles[r].any() for r in PLANNED_ROLES):
        return False
    model = _day_model(data, limits)
    model.prob.setObjective(pulp.LpAffineExpression())
    return _solve(model, limits.rules)


def best_day(data: DishData, limits: Limits, row: DailyRow) -> DayProbe | None:
    """The most (for a minimum) or least (for a maximum) of ``row`` one day holds with every other limit kept.

    The evening share is a ratio: Dinkelbach's method (maximise evening - share x day, share <- the found
    day's ratio) reaches the highest share in a few day solves. None: no day meets the other limits.
    """
    free = limits.without(row)
    if row.row == "evening_magnesium_share":
        return _best_evening_share(data, free)
    sign = -1.0 if row.minimum else 1.0
    model = _optimise(data, free, lambda m: sign * _quantity(m, data, row), limits.rules)
    if model is None:
        return None
    return DayProbe(float(pulp.value(_quantity(model, data, row)) or 0.0), _menu(model))


def _best_evening_share(data: DishData, free: Limits) -> DayProbe | None:
    share, best = 0.0, None
    for _ in range(DINKELBACH_STEPS):
        model = _optimise(data, free, lambda m, s=share: s * menu.amount(m, data, "magnesium_mg", 1)
                          - menu.amount(m, data, "magnesium_mg", 1, menu.EVENING_SLOTS), free.rules)
        if model is None:
            return best
        evening = float(pulp.value(menu.amount(model, data, "magnesium_mg", 1, menu.EVENING_SLOTS)) or 0.0)
        total = float(pulp.value(menu.amount(model, data, "magnesium_mg", 1)) or 0.0)
        if total <= 0 or evening / total <= share + 1e-6:
            return best if best is not None else DayProbe(share, _menu(model))
        share, best = evening / total, DayProbe(evening / total, _menu(model))
    return best


def clashing_rows(data: DishData, limits: Limits) -> dict[str, float] | None:
    """Daily limits that cannot hold together, with how far each is missed (None: not even the meals fit).

    Every daily limit gets a slack in its own unit (the evening share's in mg), penalised per unit of the
    limit's size, so the day found misses as little as it can, relatively.
    """
    model = _day_model(data, limits)
    slacks: dict[str, pulp.LpVariable] = {}
    penalty = pulp.LpAffineExpression()
    for row in ROWS:
        value = limits.value(row)
        constraint = model.prob.constraints.get(f"{row.row}_1")
        if value is None or constraint is None:
            continue
        if row.row == "evening_magnesium_share":
            value = value * limits.targets.magnesium_mg
        s = slacks[row.row] = pulp.LpVariable(f"slack_{row.row}", lowBound=0)
        if row.minimum:
            constraint.addInPlace(s)
        else:
            constraint.subInPlace(s)
        penalty += s * (1.0 / max(abs(value), 1.0))
    model.prob.setObjective(penalty)
    if not _solve(model, limits.rules):
        return None
    return {name: float(s.value() or 0.0) for name, s in slacks.items() if (s.value() or 0.0) > 1e-6}


# --- words --------------------------------------------------------------------------------------------------

def dish_context(profile: Profile, exclude_dishes: Collection[str] = ()) -> str:
    """'vegan, soy-free, 3 excluded dishes and $2.00/day' style description of the restrictions."""
    return context(profile, exclude_dishes, nothing="the dish library")


def menu_text(data: DishData, day_menu: Menu) -> str:
    """'breakfast Oatmeal ...; lunch 1.5 x Lentil soup + Green salad; ...' (sides after their meal's dish)."""
    parts = []
    for slot in menu.MEAL_SLOTS:
        chosen = sorted((m for m in day_menu if m[0] == slot), key=lambda m: (m[1] == "side", m[2]))
        if chosen:
            names = [("" if p == 1 else f"{p:g} x ") + data.names[i] for _s, _r, i, p in chosen]
            parts.append(f"{slot} {' + '.join(names)}")
    return "; ".join(parts)


def richest_dishes(data: DishData) -> str:
    """'the most magnesium-rich allowed breakfast is X (150 mg a serving), main Y (...), snack Z (...)'."""
    parts = []
    for role in PLANNED_ROLES:
        idx = data.candidates(role)
        if len(idx):
            i = int(idx[data.values["magnesium_mg"][idx].argmax()])
            parts.append(f"{role} {data.names[i]} ({data.values['magnesium_mg'][i]:.0f} mg a serving)")
    return "the most magnesium-rich allowed " + ", ".join(parts) if parts else ""


def _number(row: DailyRow, value: float) -> str:
    """A limit's value in words: '$2.78/day', '91%', '1717 mg'."""
    if row.row == "budget":
        return f"${value:.2f}/day"
    if row.row == "evening_magnesium_share":
        return f"{math.floor(round(value * 1000, 6)) / 10:g}%"
    return f"{value:.0f} {row.unit}"


def _safe(row: DailyRow, value: float) -> float:
    """The probe's value rounded the way that keeps its menu allowed (cents, whole units, whole percent)."""
    if row.row == "budget":
        return math.ceil(round(value * 100, 6)) / 100
    if row.row == "evening_magnesium_share":  # whole 5 % steps: the week's day solves need some room
        return math.floor(round(value * 20, 6)) / 20
    return float(math.floor(value + 1e-6) if row.minimum else math.ceil(value - 1e-6))


def row_sentence(row: DailyRow, limit: float, probe: DayProbe, data: DishData) -> str:
    """'with an energy maximum of 800 kcal: the lightest day that meets every other limit has 1235 kcal (...)'."""
    best = _number(row, _safe(row, probe.value) if row.row != "evening_magnesium_share" else probe.value)
    if row.row == "budget":
        head = f"the cheapest day that meets every other limit costs {best}"
    elif row.row == "magnesium_min":
        head = f"at most {best} of magnesium a day is possible, below the target of {limit:g} mg"
    elif row.minimum:
        head = (f"the {row.label} of {_number(row, limit)} cannot be met: at most {best} "
                "is possible with every other limit")
    else:
        head = (f"the {row.label} of {_number(row, limit)} cannot be met: a day that meets every other limit "
                f"needs at least {best}")
    return f"{head} ({menu_text(data, probe.menu)})"


def row_suggestion(row: DailyRow, value: float, profile: Profile) -> Suggestion:
    """The suggestion 'set this limit to ``value``' as profile / rules changes the app can apply."""
    where, name = row.setting.split(".")
    verb = "raise" if not row.minimum else "lower"
    if where == "profile":
        return Suggestion(f"raise the budget to {_number(row, value)}", {"budget_usd_per_day": value}, {})
    if where == "rules":
        return Suggestion(f"{verb} the {row.label} to {_number(row, value)}", {}, {name: value})
    word = "target" if row.row == "magnesium_min" else row.label
    return Suggestion(f"{verb} the {word} to {_number(row, value)}",
                      {"overrides": {**dict(profile.overrides), name: value}}, {})


# --- the explanation ----------------------------------------------------------------------------------------

def apply_suggestion(suggestion: Suggestion, profile: Profile, rules: Rules,
                     exclude_dishes: Sequence[str] = ()) -> tuple[Profile, Rules, tuple[str, ...]]:
    """The profile, rules and dish exclusions with ``suggestion`` applied."""
    again = set(getattr(suggestion, "include_dishes", ()))
    return (replace(profile, **dict(suggestion.profile_changes)), replace(rules, **dict(suggestion.rules_changes)),
            tuple(d for d in exclude_dishes if d not in again))


def _restriction_changes(tables: DishTables, profile: Profile, exclude_dishes: Sequence[str], rules: Rules
                         ) -> list[Suggestion]:
    """Each restriction that could be lifted: an avoided allergen, the diet one step wider, the exclusions."""
    out = []
    for a in profile.avoid_allergens:
        rest = tuple(x for x in profile.avoid_allergens if x != a)
        out.append(Suggestion(f"allow {ALLERGEN_WORDS.get(a, ('', a.replace('_', ' ')))[1]}",
                              {"avoid_allergens": rest}, {}))
    if profile.diet in NEXT_DIET:
        out.append(Suggestion(f"choose a {NEXT_DIET[profile.diet]} diet", {"diet": NEXT_DIET[profile.diet]}, {}))
    if exclude_dishes:
        out.append(_include(tables, profile, exclude_dishes, rules))
    if profile.exclude_foods:
        n = len(profile.exclude_foods)
        out.append(Suggestion(f"stop excluding the {n} food{'s' if n > 1 else ''}", {"exclude_foods": ()}, {}))
    return out


def _include(tables: DishTables, profile: Profile, exclude_dishes: Sequence[str], rules: Rules) -> Suggestion:
    """Allow excluded dishes again: for a role left empty, the few most magnesium-rich ones a week needs."""
    data_all = menu.dish_data(tables, profile)
    data = menu.dish_data(tables, profile, exclude_dishes=exclude_dishes)
    index = data_all.index
    allowed = [d for d in exclude_dishes if d in index]
    need = {"breakfast": math.ceil(rules.days / max(rules.max_breakfast_per_week, 1)),
            "main": math.ceil(2 * rules.days / max(rules.max_main_per_week, 1)), "snack": 1}
    picked: list[str] = []
    for role in PLANNED_ROLES:
        if data.roles[role].any():
            continue
        of_role = [d for d in allowed if data_all.roles[role][index[d]]]
        of_role.sort(key=lambda d: (-data_all.values["magnesium_mg"][index[d]], d))
        picked += of_role[:need[role]]
    if not picked:
        picked = allowed
    names = [data_all.names[index[d]] for d in picked]
    text = ("allow the excluded dishes again" if len(picked) == len(exclude_dishes) or len(picked) > 3
            else f"allow {_join_or(names)} again")
    return Suggestion(text, {}, {}, include_dishes=tuple(picked))


def _working(tables: DishTables, profile: Profile, exclude_dishes: Sequence[str], limits: Limits,
             suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """The restriction changes after which one day meets every limit (targets do not depend on them)."""
    out = []
    for s in suggestions:
        p, _r, excl = apply_suggestion(s, profile, limits.rules, exclude_dishes)
        if day_possible(menu.for_targets(menu.dish_data(tables, p, exclude_dishes=excl), limits.targets), limits):
            out.append(s)
    return out


def explain_dish_plan(tables: DishTables, profile: Profile, *, rules: Rules | None = None,
                      targets: Targets | None = None, exclude_dishes: Sequence[str] = (),
                      week_error: str | None = None) -> Explanation:
    """Why ``plan_dish_week`` finds no plan for this profile: sentences with dishes and numbers, and suggestions.

    Needs the dish table columns that ``planner.menu.dish_data`` reads (roles, nutrients, cost_usd, tags).
    """
    rules = rules or Rules()
    targets = targets or targets_for(profile)
    limits = Limits(targets, rules, profile.budget_usd_per_day)
    ctx = dish_context(profile, exclude_dishes)
    data = menu.for_targets(menu.dish_data(tables, profile, exclude_dishes=exclude_dishes), targets)
    missing = [r for r in PLANNED_ROLES if not data.roles[r].any()]
    lifts = _restriction_changes(tables, profile, exclude_dishes, rules)
    if missing:
        sugg = _working(tables, profile, exclude_dishes, limits, lifts)
        msg = f"With {ctx}, no {_join_or(missing)} dish is left in the library."
        return Explanation(_with_suggestions(msg, sugg), tuple(sugg), None)
    target = float(targets.magnesium_mg)
    most = best_day(data, limits, ROW["magnesium_min"])
    if most is not None and most.value + 1e-6 >= target:
        return _explain_week(data, limits, ctx, most, week_error)
    if most is not None:
        rows = ["magnesium_min"] + (["budget"] if limits.budget_usd is not None else [])
    else:
        clash = clashing_rows(data, limits)
        if clash is None:
            msg = f"With {ctx}, the meals of a day (a breakfast, two mains, a snack) cannot be filled."
            sugg = _working(tables, profile, exclude_dishes, limits, lifts)
            return Explanation(_with_suggestions(msg, sugg), tuple(sugg), None)
        rows = list(clash) + (["budget"] if limits.budget_usd is not None and "budget" not in clash else [])
    texts: list[str] = []
    sugg: list[Suggestion] = []
    for name in rows:
        row = ROW[name]
        probe = most if name == "magnesium_min" else best_day(data, limits, row)
        limit = limits.value(row)
        if probe is None or limit is None:
            continue
        if (probe.value < limit) if row.minimum else (probe.value > limit):
            texts.append(row_sentence(row, limit, probe, data))
            sugg.append(row_suggestion(row, _safe(row, probe.value), profile))
    if most is not None:
        texts.append(richest_dishes(data))
    working = _working(tables, profile, exclude_dishes, limits, lifts)
    ordered = [s for s in sugg if s.profile_changes.keys() == {"budget_usd_per_day"}] + working + \
        [s for s in sugg if s.profile_changes.keys() != {"budget_usd_per_day"}]
    body = "; ".join(texts) if texts else "the daily limits contradict each other"
    msg = f"With {ctx}, no day meets every limit: {body}."
    return Explanation(_with_suggestions(msg, ordered), tuple(ordered),
                       None if most is None else most.value, food_only_limit=most is not None)


def _with_suggestions(msg: str, sugg: Sequence[Suggestion]) -> str:
    if not sugg:
        return msg + " Allow more dishes or change the profile."
    text = _join_or([s.text for s in sugg])
    return f"{msg} {text[:1].upper()}{text[1:]}."


def _explain_week(data: DishData, limits: Limits, ctx: str, most: DayProbe, week_error: str | None
                  ) -> Explanation:
    """One day is possible: the week's variety rules (mains, breakfasts, fish, different days) are what fails."""
    rules = limits.rules
    n_breakfast, n_main = int(data.roles["breakfast"].sum()), int(data.roles["main"].sum())
    n_fish = int(data.fish.sum())
    sugg: list[Suggestion] = []
    if n_breakfast * rules.max_breakfast_per_week < rules.days:
        sugg.append(Suggestion("allow the same breakfast every day", {}, {"max_breakfast_per_week": rules.days}))
    if n_main * rules.max_main_per_week < 2 * rules.days:
        k = min(rules.days, math.ceil(2 * rules.days / max(n_main, 1)))
        sugg.append(Suggestion(f"allow a main dish on up to {k} days a week", {}, {"max_main_per_week": k}))
    if rules.fish_per_week_min and n_fish:
        sugg.append(Suggestion("drop the fish days", {}, {"fish_per_week_min": 0}))
    if rules.days > 1:
        sugg.append(Suggestion("plan fewer days at a time", {}, {"days": max(1, rules.days // 2)}))
    why = f" ({week_error})" if week_error else ""
    msg = (f"With {ctx}, one day can reach {limits.targets.magnesium_mg:g} mg (up to {math.floor(most.value)} mg), "
           f"but {rules.days} days with a main dish on at most {rules.max_main_per_week} days, a breakfast at most "
           f"{rules.max_breakfast_per_week} times and no two days alike are not possible with {n_breakfast} "
           f"breakfasts and {n_main} mains{why}.")
    return Explanation(_with_suggestions(msg, sugg), tuple(sugg), most.value)


__all__ = ["DailyRow", "DayProbe", "Limits", "ROWS", "apply_suggestion", "best_day", "clashing_rows",
           "day_possible", "dish_context", "explain_dish_plan", "menu_text", "richest_dishes"]
