"""Checks of the command line's numeric options, shared by the command groups."""
from __future__ import annotations

import argparse
from typing import Iterable

from planner.errors import ProfileError
from planner.model import check_number


def check_options(args: argparse.Namespace, options: Iterable[tuple[str, str]],
                  error: type[Exception] = ProfileError) -> None:
    """Each given option (``(dest, range name)``) must be within ``planner.model.NUMBER_RANGES``.

    The message names the option as typed and the valid range, e.g. ``--target-mg 1e+20 is not a magnesium
    amount in mg per day from 0 to 3000, e.g. 400``.
    """
    for dest, name in options:
        value = getattr(args, dest, None)
        if value is not None:
            check_number(value, name, "--" + dest.replace("_", "-"), error)
