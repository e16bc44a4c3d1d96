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
ROW = "mp-row"  # container keys that start with this: a row of buttons, right-aligned on a wide screen only

CSS = f"""
<style>
[class*="st-key-{PHONE_ONLY}"] {{display: none;}}
.mp-keep-words, .mp-keep-words * {{word-break: normal; overflow-wrap: normal; hyphens: manual;}}
.mp-tick-sub {{color: rgba(110,110,110,1); font-size: 0.85rem; margin: -0.3rem 0 0 1.75rem;}}
@media (max-width: {NARROW_PX - 0.02}px) {{
  [class*="st-key-{PHONE_ONLY}"] {{display: flex;}}
  .mp-week, [data-testid="stSidebar"] .st-key-generate {{display: none;}}
  [data-testid="stMain"] button, [data-testid="stMain"] [data-baseweb="tab"] {{min-height: {TAP_PX}px;}}
  [data-testid="stMain"] [data-testid="stCheckbox"] label {{min-height: {TAP_PX}px; align-items: center;}}
  [data-testid="stMain"] button {{padding-left: 0.65rem; padding-right: 0.65rem;}}
  [data-testid="stMain"] .st-key-edit_day button {{padding-left: 0.45rem; padding-right: 0.45rem;}}
  [data-testid="stMain"] [class*="st-key-{ROW}"] {{justify-content: flex-start;}}
  [data-testid="stMain"] h1 {{font-size: 1.75rem;}}
  [data-testid="stMain"] [data-testid="stMetricValue"] {{font-size: 1.6rem;}}
}}
</style>
"""


def render_css() -> None:
    """The page's layout rules (a style element only: it takes no room on the page)."""
    st.html(CSS)


def phone_only(name: str):
    """A container shown on narrow screens only (``name`` makes its key unique)."""
    return st.container(key=f"{PHONE_ONLY}_{name}")


def button_row(name: str, *, parent=st):
    """A row of buttons that wraps: at the right of its column on a wide screen, at the left on a phone."""
    return parent.container(horizontal=True, horizontal_alignment="right", gap="xsmall", key=f"{ROW}_{name}")
