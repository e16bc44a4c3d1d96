"""Reproducible benchmarks of the planner: scenarios, the textbook baseline, an independent checker."""
