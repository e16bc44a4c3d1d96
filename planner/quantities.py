"""Amounts as people read and write them: '1 1/2', '3/4 cup cooked', 'about 1/3 tsp'.

The one place that formats and parses quantities: the plan exports (``planner.export``), the shopping list's
purchase units (``planner.shopping``) and the app's recipe table all use it.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

# A quantity as written: '15', '1.5', '1/2', '1 1/2'.
QTY_PATTERN = r"(\d+(?:\.\d+)?(?:\s+\d+/\d+)?|\d+/\d+)"


def fmt_number(value: float) -> str:
    """A plain decimal without float noise: 12.5, 3, 0.1234."""
    if math.isinf(value):
        return ""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_qty(value: float) -> str:
    """0.5 -> '1/2', 1.5 -> '1 1/2', 2 -> '2', 0.3 -> '0.3' (halves, thirds, quarters, eighths as fractions)."""
    if value <= 0 or math.isnan(value):
        return fmt_number(value)
    frac = Fraction(value).limit_denominator(8)
    if frac.denominator in (1, 2, 3, 4, 8) and abs(float(frac) - value) < 1e-6:
        whole, rest = divmod(frac.numerator, frac.denominator)
        if rest == 0:
            return str(whole)
        part = f"{rest}/{frac.denominator}"
        return f"{whole} {part}" if whole else part
    return fmt_number(round(value, 2))


def kitchen_qty(value: float) -> str:
    """A scaled amount as a cook measures it: halves, thirds, quarters and eighths as fractions; any other
    amount as the nearest of them within 20 %, said 'about' (0.94 cup -> 'about 1', 0.31 tsp -> 'about 1/3')."""
    exact = fmt_qty(value)
    if value <= 0 or math.isnan(value) or "." not in exact:
        return exact
    near = min((Fraction(n, d) for d in (1, 2, 3, 4, 8) for n in range(1, int(value * d) + 2)),
               key=lambda f: (abs(float(f) - value), f.denominator))
    return f"about {fmt_qty(float(near))}" if abs(float(near) - value) <= 0.2 * value else exact


_MEASURE_PLURALS: dict[str, str] = {
    "cup": "cups", "slice": "slices", "tablespoon": "tablespoons", "teaspoon": "teaspoons", "piece": "pieces",
    "stalk": "stalks", "egg": "eggs", "tortilla": "tortillas", "bar": "bars", "square": "squares",
    "fillet": "fillets", "link": "links", "patty": "patties", "leaf": "leaves", "spear": "spears",
}
_LEADING_QTY = re.compile(r"^\s*(\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?)\s+(.*)$")


def parse_qty(text: str) -> float:
    """'1 1/2' -> 1.5, '1/2' -> 0.5, '15' -> 15.0."""
    parts = text.split()
    total = 0.0
    for p in parts:
        if "/" in p:
            num, den = p.split("/", 1)
            total += int(num) / int(den)
        else:
            total += float(p)
    return total


_QUALIFIER = re.compile(r"^(about|scant|generous|heaped|heaping)\s+(?=\d)", re.I)
# Recipe measures too small or vague to scale ('a pinch', 'a few drops', 'for the pan'): shown as written.
_VAGUE = re.compile(r"^(a|an|for|to)\s", re.I)


def scaled_serving(servings: float, serving_label: str) -> str:
    """'1/2 cup cooked' x 1.5 -> '3/4 cup cooked'; labels without a leading amount -> '1.5 x 1 medium'.

    A parenthesised count in the label ("1 oz (about 23 almonds)") is kept only at 1 serving. A qualifier
    before the amount is kept ('about 5 oz raw' x 2 -> 'about 10 oz raw'); a vague recipe measure ('a pinch',
    'a few drops', 'for the pan') is shown as written, the grams beside it say how much.
    """
    label = " ".join(str(serving_label).split())
    if abs(servings - 1.0) < 1e-9:
        return label
    qualifier = _QUALIFIER.match(label)
    body = label[qualifier.end():] if qualifier else label
    m = _LEADING_QTY.match(body)
    if m and " plus " in m.group(2):  # '3/4 cup plus 1 tbsp': both parts scale, so say it as a multiple
        return f"{fmt_qty(servings)} × ({label})"
    if m:
        qty = parse_qty(m.group(1)) * servings
        rest = re.sub(r"\s*\([^)]*\d[^)]*\)", "", m.group(2)).strip()
        first, _, more = rest.partition(" ")
        if qty > 1 + 1e-9 and first.lower() in _MEASURE_PLURALS:
            rest = f"{_MEASURE_PLURALS[first.lower()]} {more}".strip()
        amount = f"{qualifier.group(1)} {fmt_qty(qty)}" if qualifier else kitchen_qty(qty)
        return f"{amount} {rest}".strip()
    if _VAGUE.match(label):
        return label
    return f"{fmt_qty(servings)} × {label}"
