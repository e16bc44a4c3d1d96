"""Views of the Streamlit app. Widgets -> Profile/Rules/actions -> planner and foods calls -> render.

No planning logic lives here: every number a view shows comes from ``planner`` or ``foods``.
"""
