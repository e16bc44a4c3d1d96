"""What a day of a dish plan must meet, as the edits and the alternatives check it without solving: the daily
limits (magnesium, energy, protein, fiber, sodium, budget, evening share, caffeine) from the day's per-slot
totals, and the week's rules for one day (variety, neighbouring mains, weekly caps, leftovers) from its model
entries, each problem as a sentence.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Collection, Iterable, Mapping, Sequence

from foods.dishes import DishTables
from foods.schema import split_tags
from planner import fruit_days, menu, menu_day, week
from planner.dish_day import Entry, _entries
from planner.errors import ChangeError
from planner.model import DayPlan, PlanDish, WeekPlan


# --- what a day must meet -------------------------------------------------------------------------
SlotTotals = Mapping[str, Mapping[str, float]]  # slot -> nutrient (and cost_usd) -> amount


def _slot_totals(day_plan: DayPlan, data: menu.DishData | None = None) -> dict[str, dict[str, float]]:
    """slot -> nutrient, cost_usd (priced ingredients) and, with ``data``, budget_usd (``budget_usd``) -> amount."""
    out: dict[str, dict[str, float]] = {}
    for m in day_plan.meals:
        t = out.setdefault(m.slot, {})
        for x in m.dishes:
            for n in (*menu.DAILY_NUTRIENTS, "cost_usd"):
                t[n] = t.get(n, 0.0) + (x.value(n) or 0.0)
            if data is not None:
                t["budget_usd"] = t.get("budget_usd", 0.0) + budget_usd(data, x)
    return out


def budget_usd(data: menu.DishData, dish: PlanDish) -> float:
    """What a dish counts against a budget: as the planner counts it (``DishData.cost_usd``, unpriced ingredients
    at their category's median price), or its priced cost when the profile's dishes no longer hold it."""
    i = data.index.get(dish.dish_id)
    return dish.portions * float(data.cost_usd[i]) if i is not None else (dish.value("cost_usd") or 0.0)


def _sum(slots: SlotTotals, nutrient: str, only: Collection[str] | None = None) -> float:
    return sum(t.get(nutrient, 0.0) for s, t in slots.items() if only is None or s in only)


def _limit_problems(plan: WeekPlan, slots: SlotTotals) -> list[str]:
    """The daily limits the model enforces that these meal totals break (plain sentences, with numbers)."""
    t, rules = plan.targets, plan.rules
    mg, kcal = _sum(slots, "magnesium_mg"), _sum(slots, "energy_kcal")
    out = []
    checks = (
        (mg < t.magnesium_mg - 0.01, f"magnesium {mg:.0f} mg, below the {t.magnesium_mg:g} mg target"),
        (kcal < t.energy_kcal_min - 0.01, f"energy {kcal:.0f} kcal, below the {t.energy_kcal_min:g} kcal minimum"),
        (kcal > t.energy_kcal_max + 0.01, f"energy {kcal:.0f} kcal, above the {t.energy_kcal_max:g} kcal maximum"),
        (_sum(slots, "protein_g") < t.protein_g_min - 0.01,
         f"protein {_sum(slots, 'protein_g'):.0f} g, below the {t.protein_g_min:g} g minimum"),
        (_sum(slots, "fiber_g") < t.fiber_g_min - 0.01,
         f"fiber {_sum(slots, 'fiber_g'):.0f} g, below the {t.fiber_g_min:g} g minimum"),
        (_sum(slots, "sodium_mg") > t.sodium_mg_max + 0.01,
         f"sodium {_sum(slots, 'sodium_mg'):.0f} mg, above the {t.sodium_mg_max:g} mg limit"),
    )
    out += [text for broken, text in checks if broken]
    budget = plan.profile.budget_usd_per_day
    counted = "budget_usd" if any("budget_usd" in t for t in slots.values()) else "cost_usd"
    if budget is not None and _sum(slots, counted) > budget + 0.005:
        out.append(f"cost ${_sum(slots, counted):.2f}, above the ${budget:.2f} budget")
    if rules.evening_share_min is not None and mg > 0:
        share = _sum(slots, "magnesium_mg", menu.EVENING_SLOTS) / mg
        if share < rules.evening_share_min - 1e-4:
            out.append(f"evening magnesium share {share:.0%}, below {rules.evening_share_min:.0%}")
        if not slots.get("evening"):
            out.append("no evening snack (a plan with an evening magnesium share has one every day)")
    if rules.caffeine_after_lunch_max_mg is not None:
        after = menu.MEAL_SLOTS[menu.MEAL_SLOTS.index("lunch") + 1:]
        caffeine = _sum(slots, "caffeine_mg", after)
        if caffeine > rules.caffeine_after_lunch_max_mg + 0.01:
            out.append(f"caffeine after lunch {caffeine:.0f} mg, above {rules.caffeine_after_lunch_max_mg:g} mg")
    if kcal > 0:
        for slot, (lo, hi) in menu.ENERGY_SHARE.items():
            share = _sum(slots, "energy_kcal", (slot,)) / kcal
            if share < lo - 1e-4 or share > hi + 1e-4:
                out.append(f"{slot} has {share:.0%} of the day's energy, outside {lo:.0%}-{hi:.0%}")
            if _sum(slots, "energy_kcal", (slot,)) > menu.MEAL_KCAL_MAX + 0.01:
                out.append(f"{slot} has {_sum(slots, 'energy_kcal', (slot,)):.0f} kcal, above {menu.MEAL_KCAL_MAX:g}")
    return out


def _week_problems(plan: WeekPlan, data: menu.DishData, day: int, entries: Sequence[Entry],
                   others: Mapping[int, week.Menu]) -> list[str]:
    """Week rules a new menu for ``day`` breaks: a day like another, the same two mains, fewer fish or meat days
    than the week needs, and the day's food-group limits."""
    mains, rest = menu_day.day_key(entries)
    out = []
    for d, m in sorted(others.items()):
        other_mains, other_rest = menu_day.day_key(m)
        if (mains, rest) == (other_mains, other_rest):
            out.append(f"the same dishes as day {d}")
            continue
        if len(mains) > 1 and mains == other_mains:
            out.append(f"the same lunch and dinner mains as day {d}")
        if (n := menu_day.shared_dishes(entries, m)) > menu_day.SHARED_DISHES_MAX:
            out.append(f"{n} dishes in common with day {d} (at most {menu_day.SHARED_DISHES_MAX})")
    today = _entries(data, plan.day(day), strict=False)
    for kind, flags, per_week in (("fish", data.fish, plan.rules.fish_per_week_min),
                                  ("meat or poultry", data.meat, plan.rules.meat_per_week_min)):
        need = menu.days_needed(per_week, len(plan.days))
        if need and flags.any():
            def days_with(menus: Iterable[Sequence[Entry]]) -> int:
                return sum(1 for m in menus if any(r == "main" and flags[i] for _s, r, i, _p in m))

            now, after = days_with([*others.values(), today]), days_with([*others.values(), entries])
            if after < need and after < now:
                out.append(f"{kind} on {after} days of the week, below {need}")
    return out + _fish_g_problems(plan, data, [*others.values()], today, entries) + food_group_problems(data, entries)


def _fish_g_problems(plan: WeekPlan, data: menu.DishData, others: Sequence[Sequence[Entry]],
                     today: Sequence[Entry], entries: Sequence[Entry]) -> list[str]:
    """The week's cap of fish (``Rules.fish_g_per_week_max``, pregnancy) a new menu for the day goes over."""
    if plan.rules.fish_g_per_week_max is None:
        return []
    most = plan.rules.fish_g_per_week_max * len(plan.days) / 7

    def grams(day: Sequence[Entry]) -> float:
        return sum(float(p or 0.0) * float(data.fish_g[i]) for _s, _r, i, p in [*(e for m in others for e in m), *day])

    after = grams(entries)
    return [f"{after:.0f} g of fish this week, above the {most:.0f} g the plan allows"] \
        if after > most + 0.5 and after > grams(today) else []


def food_group_problems(data: menu.DishData, entries: Sequence[Entry]) -> list[str]:
    """The day's food-group limits a menu breaks (the rows of ``menu.add_food_groups``, worded): a legume dish a
    meal and none as a breakfast side, a cocoa and a fish dish a day, a staple at one meal, a drink a meal and
    DRINKS_PER_DAY_MAX a day."""
    out = []
    for slot in menu.ONE_LEGUME_SLOTS:
        if sum(1 for s, _r, i, _p in entries if s == slot and data.legumes[i]) > 1:
            out.append(f"two legume dishes at {slot}")
    if sum(1 for *_x, i, _p in entries if data.cocoa[i]) > 1:
        out.append("two cocoa or chocolate dishes in one day")
    if sum(1 for *_x, i, _p in entries if data.fish_any[i]) > 1:
        out.append("two fish or seafood dishes in one day")
    if any(s == "breakfast" and r == "side" and data.legumes[i] for s, r, i, _p in entries):
        out.append("a legume dish as a breakfast side")
    if any(s == "breakfast" and r == "side" and data.greens[i] for s, r, i, _p in entries):
        out.append("a leafy-greens dish as a breakfast side")
    if any(s == "breakfast" and r == "side" and not data.morning[i] for s, r, i, _p in entries):
        out.append("a breakfast side that is not a morning food (fruit, milk or yogurt, bread or cereal)")
    if any(s in menu.NO_COCOA_SLOTS and data.cocoa_any[i] for s, _r, i, _p in entries):
        out.append("a cocoa or chocolate dish as the evening snack")
    if any(s in menu.NO_SMOOTHIE_SLOTS and data.smoothie[i] for s, _r, i, _p in entries):
        out.append("a smoothie (a cup of cold milk with fruit) as the evening snack")
    iron_meals = {s for s, r, i, _p in entries if r in ("breakfast", "main") and data.iron_rich[i]}
    if any(s in iron_meals and r == "side" and data.milky[i] for s, r, i, _p in entries):
        out.append("a milky side beside an iron-rich main (calcium lowers the iron absorbed)")
    if any(data.milk_with_iron[i] for *_x, i, _p in entries):
        out.append("an iron-rich dish built on milk (calcium lowers the iron absorbed; iron is a priority here)")
    milky = [s for s, _r, i, _p in entries if data.milky[i]]
    if len(set(milky)) < len(milky) or len(milky) > menu.MILKY_PER_DAY_MAX:
        out.append(f"two dishes built on milk or yogurt in one meal, or more than {menu.MILKY_PER_DAY_MAX} a day")
    if any(s in menu.DRINKLESS_MEALS and r == "side" and data.drink[i] for s, r, i, _p in entries):
        out.append("a drink as a lunch or dinner side")
    if any(s in menu.DRINKLESS_MEALS and r == "side" and data.starchy[i] for s, r, i, _p in entries):
        out.append("a starchy side (rice, potatoes, tortillas, beans) beside a main that has its own starch")
    staples: dict[str, list[str]] = {}
    for s, _r, i, _p in entries:
        for food_id in data.staples[i]:
            staples.setdefault(food_id, []).append(s)
    out += [f"'{food_id}' at {' and '.join(slots)} (a staple at one meal a day)"
            for food_id, slots in sorted(staples.items()) if len(slots) > 1]
    drinks = [s for s, _r, i, _p in entries if data.drink[i]]
    if len(drinks) > menu.DRINKS_PER_DAY_MAX or len(set(drinks)) < len(drinks):
        out.append(f"more than one drink a meal or {menu.DRINKS_PER_DAY_MAX} a day")
    return out


def _week_reason(plan: WeekPlan, data: menu.DishData, day: int, role: str, i: int,
                 others: Mapping[int, week.Menu]) -> str | None:
    """Why dish ``i`` cannot be a ``role`` on ``day`` under the week's rules (None: it can). The rules
    themselves live in ``planner.week`` (the day's banned dishes); this only words them."""
    rules = replace(plan.rules, days=len(plan.days))
    others = _without_leftover_link(plan, data, others, day, i)
    if (role, i) not in week.day_context(data, rules, others, day).banned:
        return None
    dish_id = data.ids[i]
    near = [d for d in (day - 1, day + 1) if any(r == role and j == i for _s, r, j, _p in others.get(d, ()))]
    if near:
        return f"'{dish_id}' is a {role} on day {near[0]}; a {role} never comes on consecutive days"
    full = fruit_days.full(data, rules, others, day)
    food_id = min(data.fruits[i] & set(full), default=None)
    if food_id is not None:
        return (f"'{dish_id}' is built on {food_id}, already on days {', '.join(map(str, full[food_id]))}; a fruit "
                f"comes on at most {menu.days_allowed(menu.FRUIT_DAYS_PER_WEEK_MAX, rules.days)} days")
    used = sorted(d for d, m in others.items() if any(j == i for _s, _r, j, _p in m))
    if used:
        return f"'{dish_id}' is already on {len(used)} other days ({', '.join(map(str, used))}); the week allows no more"
    return f"the week's rules do not allow '{dish_id}' on day {day} (e.g. fish on at most so many days)"


def _without_leftover_link(plan: WeekPlan, data: menu.DishData, others: Mapping[int, week.Menu], day: int,
                           i: int) -> Mapping[int, week.Menu]:
    """``others`` without the other half of a leftover pair of dish ``i`` (tonight's dinner and tomorrow's
    leftover lunch are the same dish on consecutive days on purpose)."""
    days = {d.day: d for d in plan.days}
    linked = {}
    for d, slot in ((day + 1, "lunch"), (day - 1, "dinner")):
        lunch_day = d if slot == "lunch" else day
        lunch = next((m for m in days[lunch_day].meals if m.slot == "lunch"), None) if lunch_day in days else None
        if d in others and lunch is not None and lunch.leftover_from is not None:
            linked[d] = tuple(e for e in others[d] if not (e[0] == slot and e[1] == "main" and e[2] == i))
    return {**others, **linked} if linked else others


def _rule_reason(plan: WeekPlan, data: menu.DishData, day: int, role: str, i: int, replacing: str,
                 others: Mapping[int, week.Menu]) -> str | None:
    """Why dish ``i`` cannot take the place of ``replacing`` on ``day`` (None: the week's rules admit it)."""
    here = {x.dish_id for m in plan.day(day).meals for x in m.dishes} - {replacing}
    if data.ids[i] in here:
        return f"'{data.ids[i]}' is already in day {day} (a dish at most once a day)"
    return _week_reason(plan, data, day, role, i, others)


def _allowed_reason(plan: WeekPlan, tables: DishTables, data: menu.DishData, dish_id: object, role: str
                    ) -> str | None:
    """Why a library dish cannot be planned in ``role`` for this plan's profile (None: it can)."""
    if not isinstance(dish_id, str) or dish_id not in tables.dishes.index:
        raise ChangeError(f"unknown dish '{dish_id}'; use a dish_id of the dish library (see 'magplan dishes "
                          "list')")
    if dish_id in plan.excluded:
        return f"'{dish_id}' is excluded from this plan"
    if dish_id not in data.index:
        p = plan.profile
        avoid = ", ".join(p.avoid_allergens) or "none avoided"
        return (f"'{dish_id}' does not fit this plan's {p.diet} diet, avoided allergens ({avoid}) or excluded "
                f"foods ({', '.join(p.exclude_foods) or 'none'})")
    if not data.roles[role][data.index[dish_id]]:
        roles = ", ".join(split_tags(tables.dishes.at[dish_id, "roles"]))
        return f"'{dish_id}' is not a {role} dish (its roles: {roles})"
    return None
