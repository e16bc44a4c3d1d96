"""magplan commands of this group (registered by planner.cli.build_parser)."""
from __future__ import annotations

import argparse


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's commands to the magplan parser."""
