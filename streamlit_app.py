"""Streamlit app: widgets -> Profile/actions -> planner calls -> render. No planning logic here."""
from __future__ import annotations

import streamlit as st

import foods


@st.cache_data(show_spinner=False)
def _food_table():
    return foods.load_foods()


def main() -> None:
    st.set_page_config(page_title="Magnesium meal planner", page_icon="🥬", layout="wide")
    st.title("Magnesium meal planner")
    table = _food_table()
    st.caption(f"{len(table)} foods from USDA SR Legacy")
    st.dataframe(table[["name", "category", "serving_label", "magnesium_mg"]], key="foods_table")


main()
