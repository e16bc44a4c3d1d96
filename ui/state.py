"""Session state of the app: the current plan, the undo stack, the last notice and the pending action.

Callbacks only *record* what a person asked for (``request``); ``run_pending`` then calls the planner
inside the page with visible progress, keeps the previous plan on any error and pushes undo history.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import streamlit as st

from planner.errors import MagplanError, PlanError
from planner.model import WeekPlan
from planner.open_plans import OpenPlans

UNDO_DEPTH = 20


@dataclass
class Notice:
    kind: str  # "success", "info", "warning", "error"
    text: str
    changes: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """No plan (or no change) was possible: the explanation and the ways out."""

    title: str
    message: str
    suggestions: list[Any] = field(default_factory=list)
    max_magnesium_mg: float | None = None


def init() -> None:
    ss = st.session_state
    ss.setdefault("plan", None)
    ss.setdefault("undo_stack", [])
    ss.setdefault("notice", None)
    ss.setdefault("problem", None)
    ss.setdefault("pending", None)
    ss.setdefault("plan_rev", 0)
    ss.setdefault("swap_for", None)
    ss.setdefault("recipe_for", None)
    ss.setdefault("extra_profile", {})
    ss.setdefault("extra_rules", {})
    ss.setdefault("feedback_at", "top")


def current_plan() -> WeekPlan | None:
    return st.session_state.get("plan")


def plan_key() -> str | None:
    """The open plan's key (``planner.open_plans``), kept for a page reload; None without a plan.

    The plan is written once per change of the plan (``plan_rev``); a folder that cannot be written only
    means a reload loses the plan: the problem is said once, the app goes on.
    """
    ss = st.session_state
    plan = ss.get("plan")
    if plan is None:
        return None
    if ss.get("kept") is None or ss.kept[0] != ss.get("plan_rev", 0):
        try:
            key: str | None = OpenPlans().keep(plan)
        except MagplanError as exc:
            key = None
            from ui.common import safe_md

            st.toast(f"This plan will not survive a page reload: {safe_md(exc)}", icon=":material/warning:")
        ss.kept = (ss.get("plan_rev", 0), key)
    return ss.kept[1]


def sync_address() -> None:
    """Put the open plan's key in the page address (``?plan=``), so that a reload opens the same plan."""
    key = plan_key()
    if key is None:
        st.query_params.pop("plan", None)
    elif st.query_params.get("plan") != key:
        st.query_params["plan"] = key


def set_plan(plan: WeekPlan, *, undoable: bool = True) -> None:
    ss = st.session_state
    old = ss.get("plan")
    if undoable and old is not None:
        ss.undo_stack = [*ss.undo_stack, old][-UNDO_DEPTH:]
    ss.plan = plan
    ss.plan_rev += 1
    ss.swap_for = None
    ss.problem = None


def drop_unusable_plan(exc: Exception) -> None:
    """The open plan could not be shown: go back to the previous plan (or none), say why, draw again.

    Whatever the reason (a plan file that reads but that the views cannot draw, a bug), the person sees an
    error box and the plan they had before, never a traceback.
    """
    ss = st.session_state
    traceback.print_exc()
    bad = ss.get("plan")
    if bad is None:  # the failure is not about a plan: nothing to take back, but still no traceback
        from ui.common import safe_md

        st.error(safe_md(f"Part of the page could not be drawn ({type(exc).__name__}: {exc}). Please report this."))
        return
    previous = ss.undo_stack[-1] if ss.get("undo_stack") else None
    ss.undo_stack = list(ss.get("undo_stack") or [])[:-1]
    ss.plan = previous
    ss.plan_rev = ss.get("plan_rev", 0) + 1
    ss.swap_for = None
    ss.problem = None
    ss.feedback_at = "top"
    kept = "the previous plan is shown again" if previous is not None else "no plan is open now"
    ss.notice = Notice("error", f"This plan cannot be shown ({type(exc).__name__}: {exc}); {kept}.")
    st.rerun()


def undo() -> None:
    ss = st.session_state
    if not ss.undo_stack:
        return
    ss.plan = ss.undo_stack[-1]
    ss.undo_stack = ss.undo_stack[:-1]
    ss.plan_rev += 1
    ss.swap_for = None
    ss.problem = None
    ss.notice = Notice("info", "Undid the last change.")
    ss.feedback_at = "editor"


def request(action: str, **kwargs: Any) -> None:
    """Callback body: remember the action; it runs in the page body with progress shown."""
    st.session_state.pending = (action, kwargs)
    st.session_state.notice = None
    # Feedback shows where the person is looking: at the top for a new plan, by the day editor for a change.
    st.session_state.feedback_at = "top" if action == "generate" else "editor"


def take_pending() -> tuple[str, dict[str, Any]] | None:
    pending = st.session_state.get("pending")
    st.session_state.pending = None
    return pending


def change_lines(changes: Any, *, dishes: bool = False) -> list[str]:
    """The planner's list of changes as lines a person reads (portions of dishes, or servings of foods)."""
    from planner.plan_text import slot_label

    unit = "portion" if dishes else "serving"
    lines = []
    for c in changes or ():
        before = getattr(c, "portions_before", getattr(c, "servings_before", None))
        after = getattr(c, "portions_after", getattr(c, "servings_after", None))
        if all(hasattr(c, a) for a in ("day", "slot", "name")) and before is not None and after is not None:
            where = f"Day {c.day} {slot_label(c.slot).lower()}"
            if before == 0:
                lines.append(f"{where}: added {c.name} ({after:g} {unit}{'s' if after != 1 else ''})")
            elif after == 0:
                lines.append(f"{where}: removed {c.name} ({before:g} {unit}{'s' if before != 1 else ''})")
            else:
                lines.append(f"{where}: {c.name} {before:g} → {after:g} {unit}s")
        elif hasattr(c, "describe"):
            lines.append(str(c.describe()))
        else:
            lines.append(str(c))
    return lines


def run_guarded(title: str, fn: Callable[[], Any], *, failed: str | None = None) -> Any:
    """Run a planner call; on a project error record a Problem / error notice and return None.

    ``title`` heads the explanation box of a PlanError (no plan possible); ``failed`` heads any other
    error (solver trouble, a bad request), which replaces an older explanation box.
    """
    ss = st.session_state
    failed = failed or title
    try:
        return fn()
    except PlanError as exc:
        expl = getattr(exc, "explanation", None)
        ss.problem = Problem(
            title=title,
            message=str(getattr(expl, "message", "") or exc),
            suggestions=list(getattr(expl, "suggestions", ()) or ()),
            max_magnesium_mg=getattr(expl, "max_magnesium_mg", None),
        )
        ss.notice = None
        return None
    except MagplanError as exc:
        ss.problem = None
        ss.notice = Notice("error", f"{failed}: {exc}")
        return None
    except Exception as exc:  # the app never shows a traceback; keep the details for a bug report
        ss.problem = None
        ss.notice = Notice("error", f"{failed}: an unexpected error happened ({type(exc).__name__}: {exc}). "
                                    "Nothing was changed. Please report this with the details below.",
                           changes=["".join(traceback.format_exception_only(type(exc), exc)).strip()])
        traceback.print_exc()
        return None
