"""Food first, then a supplement for the gap: plan to the most magnesium food can give, report the shortfall.

The supplemental dose is never above the UL for supplemental magnesium (350 mg for adults; from the DRI
table) and is rounded up to a whole 25 mg. Food magnesium is never capped by the UL.
"""
from __future__ import annotations

import math
from planner.model import Supplement, Targets

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


__all__ = ["supplement_for"]
