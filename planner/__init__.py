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

# The optimizer's entry points, imported lazily (pulp loads only when a plan is made).
_LAZY = {
    "plan_week": "planner.plan", "replan": "planner.plan", "build_model": "planner.plan",
    "targets_for": "planner.targets", "check_profile": "planner.targets",
    "Explanation": "planner.explanation", "Suggestion": "planner.explanation", "explain": "planner.explain",
    "optimize_table": "planner.diet", "DietResult": "planner.diet",
}
__all__ += sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
