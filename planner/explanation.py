"""What a PlanError carries: why no plan exists and the changes that make one possible.

Its own small module so that ``planner.errors`` can type ``PlanError.explanation`` without importing the
explainers (``planner.explain``, ``planner.explain_dishes``), which build models and import PuLP.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Suggestion:
    """One change that makes a plan possible: apply with dataclasses.replace(profile/rules, **changes).

    ``include_dishes``: dish ids to take off the plan's dish exclusions (dish plans; see
    ``planner.explain_dishes.apply_suggestion``).
    """

    text: str
    profile_changes: Mapping[str, Any]
    rules_changes: Mapping[str, Any]
    include_dishes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    message: str
    suggestions: tuple[Suggestion, ...]
    max_magnesium_mg: float | None
    # True when every limit except magnesium can be met (so food alone falls short of the target).
    food_only_limit: bool = False
