"""Checks of the command line's numeric options, shared by the command groups."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, Iterable

from planner.errors import ProfileError
from planner.model import check_number

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


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


def command_group(sub: Subparsers, name: str, help_text: str, description: str,
                  metavar: str = "SUBCOMMAND") -> Subparsers:
    """A command with its own required subcommands (``magplan dishes list``): the subparsers to add them to."""
    group = sub.add_parser(name, help=help_text, description=description)
    cmds = group.add_subparsers(dest=f"{name}_command", metavar=metavar)
    cmds.required = True
    return cmds


def whole_number_from_1(not_whole: str, below_1: str) -> Callable[[str], int]:
    """An argparse type: a whole number of at least 1. The messages say what is wrong and give an example;
    ``{text}`` in ``not_whole`` is what was typed, ``{value}`` in ``below_1`` the number."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(not_whole.format(text=text)) from None
        if value < 1:
            raise argparse.ArgumentTypeError(below_1.format(value=value))
        return value

    return parse
