"""A short, honest note on magnesium and RLS (shown once, collapsed; no nagging)."""
from __future__ import annotations

import streamlit as st

RLS_NOTE = """
**What food magnesium can do.** Magnesium helps muscles and nerves work; many people eat less than the
RDA. Reaching it from food (seeds, nuts, beans, whole grains, greens, dark chocolate) is safe for almost
everyone and good for health in general.

**What it cannot do.** Magnesium is not a proven treatment for Restless Legs Syndrome. Small studies
are mixed: some people feel better, many notice no change. If it helps you, evening meals are a
reasonable place for it.

**Worth a doctor's visit.** Low iron (ferritin), vitamin D and vitamin B12 are RLS factors a doctor
checks with a blood test; iron in particular has good evidence when it is low. See a doctor if the
symptoms disturb your sleep, get worse, or begin in pregnancy.

**Supplements.** The 350 mg a day upper limit applies to magnesium from supplements and medicines, never
to food. With kidney disease, or if you take medicines (some antibiotics, osteoporosis drugs, diuretics,
acid blockers), ask a doctor or pharmacist before taking magnesium.
"""


def render() -> None:
    with st.expander("Magnesium and restless legs: what it can and cannot do", icon=":material/info:"):
        st.markdown(RLS_NOTE)
        st.caption("magplan plans meals; it does not give medical advice.")
