"""Where a dish was written: line numbers of a dish file's blocks, ``id`` lines and ingredient lines.

Every dish and every ingredient line of a file looks its line number up here (for the dish table's
``source_line`` and for error messages), so the lookup tables are built once per file (or block), not
searched again line by line for each dish and each ingredient.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator

# An ``id = "..."`` line (or single quotes) and the id between the quotes.
_ID_LINE_RE = re.compile(r'^\s*id\s*=\s*["\']([^"\']*)["\']')


@dataclass(frozen=True)
class DishSource:
    """A dish file's path and text, and the line numbers of what is written in it."""

    path: str
    text: str

    def lines(self) -> list[str]:
        return self._lines

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def _block_lines(self) -> list[int]:
        return [no for no, line in enumerate(self._lines, start=1) if line.strip().startswith("[[dish]]")]

    @cached_property
    def _id_lines(self) -> dict[str, int]:
        """The first line of each ``id = "..."`` of the file, by the id written there."""
        out: dict[str, int] = {}
        for no, line in enumerate(self._lines, start=1):
            found = _ID_LINE_RE.match(line)
            if found:
                out.setdefault(found.group(1), no)
        return out

    @cached_property
    def _texts_in_block(self) -> dict[int, dict[str, int]]:
        return {}  # block index -> {stripped line: its first line number}, filled as blocks are asked for

    def dish_line(self, dish_id: str) -> int | None:
        """The first line that reads ``id = "<dish_id>"`` (or with single quotes)."""
        if '"' not in dish_id and "'" not in dish_id:  # what the quotes of an id line hold is the id itself
            return self._id_lines.get(dish_id)
        pattern = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(dish_id) + r'["\']')
        return next((no for no, line in enumerate(self._lines, start=1) if pattern.match(line)), None)

    def block_line(self, index: int) -> int | None:
        """Line of the ``index``-th ``[[dish]]`` header (0-based)."""
        hits = self._block_lines
        return hits[index] if index < len(hits) else None

    def _block(self, index: int) -> Iterator[tuple[int, str]]:
        """(line number, stripped text) of the ``index``-th block: its header up to the next header."""
        start = self.block_line(index) or 1
        for no in range(start, len(self._lines) + 1):
            text = self._lines[no - 1].strip()
            if no > start and text.startswith("[[dish]]"):
                return
            yield no, text

    def line_in_block(self, index: int, predicate: Callable[[str], bool]) -> int | None:
        """First line inside the ``index``-th block for which ``predicate(stripped_line)`` holds, else its header."""
        return next((no for no, text in self._block(index) if predicate(text)), self.block_line(index) or 1)

    def line_of_text(self, index: int, text: str) -> int | None:
        """First line inside the ``index``-th block that reads ``text`` (stripped), else the block's header."""
        texts = self._texts_in_block.get(index)
        if texts is None:
            texts = self._texts_in_block[index] = {}
            for no, line in self._block(index):
                texts.setdefault(line, no)
        return texts.get(text, self.block_line(index) or 1)
