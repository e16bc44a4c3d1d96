"""Food first, then a supplement for the gap: plan to the most magnesium food can give, report the shortfall.

The supplemental dose is never above the UL for supplemental magnesium (350 mg for adults; from the DRI
table) and is rounded up to a whole 25 mg. Food magnesium is never capped by the UL.
"""
from __future__ import annotations

import math
from typing import Sequence

from planner import milp
from planner.errors import PlanError
from planner.model import Profile, Rules, SolverInfo, Supplement, Targets
from planner.solve import run

DOSE_STEP_MG = 25.0
FORM = "magnesium glycinate"
NOTE = ("Food first: the plan reaches as much magnesium as food allows. A supplement of {dose:g} mg elemental "
        "magnesium (as glycinate or citrate, with the evening meal; oxide is absorbed less well) covers the "
        "{shortfall:.0f} mg a day that food cannot. This stays within the {ul:g} mg upper limit for supplemental "
        "magnesium. Ask a doctor or pharmacist first if you have kidney disease or take medicines (for example "
        "some antibiotics, bisphosphonates, diuretics or proton-pump inhibitors), and stop if you get diarrhoea.")


def supplement_for(shortfall_mg: float, targets: Targets) -> Supplement:
    """The supplement suggestion for a daily shortfall (dose capped at the supplemental UL)."""
    ul = float(targets.magnesium_ul_supplemental_mg)
    dose = min(ul, math.ceil(max(shortfall_mg, 0.0) / DOSE_STEP_MG) * DOSE_STEP_MG)
    note = NOTE.format(dose=dose, shortfall=shortfall_mg, ul=ul)
    if shortfall_mg > ul:
        note += (f" Even then {shortfall_mg - ul:.0f} mg a day is missing: the rest must come from changes to "
                 "the food choices, not from more supplement.")
    return Supplement(shortfall_mg=round(float(shortfall_mg), 1), form=FORM, dose_mg=float(dose), note=note)


def plan_with_supplement(data: milp.FoodData, targets: Targets, rules: Rules, profile: Profile,
                         days: Sequence[int], max_day_mg: float) -> tuple[milp.MenuModel, SolverInfo, Supplement]:
    """Plan every day to at least the most magnesium food allows (slightly lowered until the week solves)."""
    level = math.floor(max_day_mg)
    for factor in (1.0, 0.97, 0.93, 0.85, 0.7, 0.5):
        mg_min = math.floor(level * factor)
        mm = milp.build_menu_model(data, targets, rules, days=days, budget_usd_per_day=profile.budget_usd_per_day,
                                   magnesium_min=float(mg_min), name="magplan_supplement")
        out = run(mm.prob, rules)
        if out.feasible:
            return mm, out.info, supplement_for(float(targets.magnesium_mg) - mg_min, targets)
    raise PlanError(f"even with a supplement, no {len(days)}-day plan meets the other limits; "
                    "allow a food on more days or add foods")


__all__ = ["supplement_for", "plan_with_supplement"]
