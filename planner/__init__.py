"""Magnesium meal planner: targets, the MILP menu model, swaps, shopping lists, exports and storage.

planner never imports streamlit or requests.
"""
from __future__ import annotations

from planner.errors import (
    MagplanError, PlanError, PlanFormatError, ProfileError, SolverError, StoreError,
)
from planner.model import (
    DayPlan, Lock, Meal, PlanItem, Profile, Rules, SolverInfo, Supplement, Targets, WeekPlan,
)

__all__ = [
    "DayPlan", "Lock", "MagplanError", "Meal", "PlanError", "PlanFormatError", "PlanItem", "Profile",
    "ProfileError", "Rules", "SolverError", "SolverInfo", "StoreError", "Supplement", "Targets", "WeekPlan",
]
