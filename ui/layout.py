"""One page for every screen: the style rules that give a phone its layout (CSS only, no JavaScript).

The server cannot know how wide the screen is, so every view is drawn once, for any width, from one code
path: the Plan tab shows a day at a time (it reads on a phone and on a desktop), and the week grid is added
for wide screens. Below ``NARROW_PX`` (where Streamlit lays the sidebar over the page) these rules

- hide the week grid (seven squeezed columns cannot be read there; the day view shows the same dishes),
- move "Generate plan" from the sidebar into the page, so that the plan a person asked for is never
  covered by the sidebar (Streamlit cannot close its sidebar from the server; a closed sidebar stays closed),
- make every button, tab, day and tick box at least ``TAP_PX`` high (a finger, not a mouse pointer),
- and keep words whole: text wraps between words, never inside one.

The elements are found by the ``st-key-<key>`` class Streamlit gives every keyed element.
"""
from __future__ import annotations

import streamlit as st

NARROW_PX = 768  # Streamlit's "md" breakpoint: below it the sidebar opens over the page
TAP_PX = 44  # the smallest comfortable tap target (Apple HIG 44 pt, Material 48 dp)
PHONE_ONLY = "mp-phone-only"  # container keys that start with this are shown on narrow screens only
WIDE_ONLY = "mp-wide-only"

CSS = f"""
<style>
[class*="st-key-{PHONE_ONLY}"] {{display: none;}}
.mp-keep-words, .mp-keep-words * {{word-break: normal; overflow-wrap: normal; hyphens: manual;}}
@media (max-width: {NARROW_PX - 0.02}px) {{
  [class*="st-key-{PHONE_ONLY}"] {{display: flex;}}
  [class*="st-key-{WIDE_ONLY}"], .mp-week, [data-testid="stSidebar"] .st-key-generate {{display: none;}}
  [data-testid="stMain"] button, [data-testid="stMain"] [data-baseweb="tab"] {{min-height: {TAP_PX}px;}}
  [data-testid="stMain"] [data-testid="stCheckbox"] label {{min-height: {TAP_PX}px; align-items: center;}}
  [data-testid="stMain"] h1 {{font-size: 1.75rem;}}
}}
</style>
"""


def render_css() -> None:
    """The page's layout rules (a style element only: it takes no room on the page)."""
    st.html(CSS)


def phone_only(name: str):
    """A container shown on narrow screens only (``name`` makes its key unique)."""
    return st.container(key=f"{PHONE_ONLY}_{name}")


def wide_only(name: str):
    """A container shown on wide screens only."""
    return st.container(key=f"{WIDE_ONLY}_{name}")
