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


KITCHEN_SLACK = 0.07  # of a unit: how far a small amount may be from the nearest kitchen fraction


def _nearest_fraction(value: float, denominators: tuple[int, ...], extra: tuple[Fraction, ...] = ()) -> Fraction:
    """The fraction with one of ``denominators`` (or one of ``extra``) nearest ``value``; on a tie the simpler."""
    candidates = {Fraction(n, d) for d in denominators for n in range(1, int(value * d) + 2)} | set(extra)
    return min(candidates, key=lambda f: (abs(float(f) - value), f.denominator, f))


def kitchen_qty(value: float, denominators: tuple[int, ...] = (1, 2, 3, 4)) -> str:
    """A scaled amount as a cook measures it: wholes, halves, thirds and quarters (and 1/8, a measuring spoon)
    as fractions; any other amount as the nearest of them within 20 %, said 'about' (0.94 cup -> 'about 1',
    0.31 tsp -> 'about 1/3', 3/8 egg -> 'about 1/3': a dietitian found '3/8 egg' and '1 7/8 cups' unusable).
    ``denominators``: the fractions allowed (a counted thing, an egg or a tortilla: (1, 2), halves)."""
    exact = fmt_qty(value)
    if value <= 0 or math.isnan(value):
        return exact
    frac = Fraction(value).limit_denominator(8)
    if abs(float(frac) - value) < 1e-6 and (frac.denominator in denominators or frac == Fraction(1, 8)):
        return exact
    near = _nearest_fraction(value, denominators, extra=(Fraction(1, 8),) if 4 in denominators else ())
    # within 20 %, or an eighth of a unit for small amounts (0.19 tsp: about 1/4; below a spoon's precision)
    close = abs(float(near) - value) <= max(0.2 * value, KITCHEN_SLACK if 0.125 <= value < 0.5 else 0.0)
    return f"about {fmt_qty(float(near))}" if close else exact


# Things a cook counts rather than measures: a scaled amount of them is said in halves ('1 1/2 slices'), and from
# COUNT_WHOLE_MIN on in wholes ('about 4 mushrooms', not the '4 1/2 mushrooms' a dietitian found); a range
# ('4-5 small potatoes') in whole numbers at both ends.
_COUNTED = frozenset({"egg", "eggs", "tortilla", "tortillas", "clove", "cloves", "can", "cans", "pita", "pitas",
                      "banana", "bananas", "tomato", "tomatoes", "onion", "onions", "scallion", "scallions",
                      "slice", "slices", "small", "medium", "large", "date", "dates", "square", "squares",
                      "mushroom", "mushrooms", "shrimp", "potato", "potatoes"})
COUNT_WHOLE_MIN = 3.0
_RANGE = re.compile(r"^(\d+)-(\d+)\s+(.*)$")
# '3/4 cup plus 1 tbsp': the two measures as tablespoons, so that a scaled amount is said as one.
_CUP_PLUS_TBSP = re.compile(r"^(\S+(?:\s+\d+/\d+)?)\s+cups?\s+plus\s+(\S+)\s+(?:tbsp|tablespoons?)$", re.I)
TBSP_PER_CUP = 16
TSP_PER_TBSP = 3
_TEASPOONS = frozenset({"tsp", "teaspoon", "teaspoons"})
_TABLESPOONS = frozenset({"tbsp", "tablespoon", "tablespoons"})


_MEASURE_PLURALS: dict[str, str] = {
    "cup": "cups", "slice": "slices", "tablespoon": "tablespoons", "teaspoon": "teaspoons", "piece": "pieces",
    "stalk": "stalks", "egg": "eggs", "tortilla": "tortillas", "bar": "bars", "square": "squares",
    "fillet": "fillets", "link": "links", "patty": "patties", "leaf": "leaves", "spear": "spears",
}
_LEADING_QTY = re.compile(r"^\s*(\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?)\s+(.*)$")


def _scaled_measure(qty: float, unit: str) -> str:
    amount = kitchen_qty(qty)
    if unit in _TABLESPOONS and (spoons := _spoons(amount)):
        return spoons
    return f"{amount} {_MEASURE_PLURALS.get(unit, unit) if _shown(amount) > 1 + 1e-9 else unit}"


def _spoons(tbsp_amount: str) -> str | None:
    """A number of tablespoons no measuring spoon holds, said in the measures a cook has ('1 1/4' -> '1 tbsp +
    3/4 tsp', '3/4' -> '2 1/4 tsp', a dietitian's ask; from 3 tbsp a cup measure when one is near: '3 3/4' ->
    'about 1/4 cup', not '3 tbsp + 2 1/4 tsp'); None for whole and half tablespoons."""
    shown = _shown(tbsp_amount)
    if math.isnan(shown) or abs(shown * 2 - round(shown * 2)) < 1e-6:
        return None
    cup = _near_cup(shown / TBSP_PER_CUP)
    if shown >= 3 and cup is not None:
        return f"{'' if abs(cup * TBSP_PER_CUP - shown) < 1e-6 else 'about '}{fmt_qty(cup)} cup"
    whole = math.floor(shown + 1e-9)
    about = "about " if tbsp_amount.startswith("about ") else ""
    tsp = f"{fmt_qty((shown - whole) * TSP_PER_TBSP)} tsp"
    return f"{about}{whole} tbsp + {tsp}" if whole else f"{about}{tsp}"


def _near_cup(cups: float) -> float | None:
    """The cup measure (halves, thirds, quarters) within CUP_SLACK of ``cups``, else None."""
    near = _nearest_fraction(cups, (1, 2, 3, 4))
    return float(near) if abs(float(near) - cups) <= CUP_SLACK * cups else None


CUP_SLACK = 0.1  # a cup measure said instead of 3 or more tablespoons only this near (3 3/4 tbsp: about 1/4 cup)


def _shown(amount: str) -> float:
    """The number an amount says ('about 1 1/2' -> 1.5); NaN when it says none."""
    try:
        return parse_qty(amount.removeprefix("about "))
    except ValueError:
        return math.nan


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
_QUALIFIER_WORD = re.compile(r"^(scant|generous)\s+", re.I)  # after the amount: "1 scant tbsp" ("1 1/2 heaped tbsp" is said so)
# Recipe measures too small or vague to scale ('a pinch', 'a few drops', 'for the pan'): shown as written.
_VAGUE = re.compile(r"^(a|an|for|to)\s", re.I)


def _half_tbsp(tsp: float) -> bool:
    """Whether so many teaspoons are a whole or a half number of tablespoons, from one tablespoon up."""
    tbsp = tsp / TSP_PER_TBSP
    return tbsp >= 1 - 0.05 and abs(tbsp * 2 - round(tbsp * 2)) <= 0.1


def _count_denominators(qty: float) -> tuple[int, ...]:
    """The fractions a counted amount is said in: quarters below one, halves up to COUNT_WHOLE_MIN, then wholes."""
    return (1, 2, 3, 4) if qty <= 1 else (1, 2) if qty < COUNT_WHOLE_MIN else (1,)


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
    plus = _CUP_PLUS_TBSP.match(body)
    if plus:  # '3/4 cup plus 1 tbsp' x 1.25 = 16.25 tbsp: 'about 1 cup'
        tbsp = (parse_qty(plus.group(1)) * TBSP_PER_CUP + parse_qty(plus.group(2))) * servings
        return _scaled_measure(tbsp / TBSP_PER_CUP, "cup") if tbsp >= TBSP_PER_CUP / 4 else _scaled_measure(tbsp, "tbsp")
    ranged = _RANGE.match(body)
    if ranged:  # '4-5 small new potatoes' x 1.5: '6-8 small new potatoes'
        low, high = (math.floor(int(ranged.group(n)) * servings + 0.5) for n in (1, 2))
        return f"{max(low, 1)}-{high} {ranged.group(3)}" if high > max(low, 1) else f"about {high} {ranged.group(3)}"
    m = _LEADING_QTY.match(body)
    if m and re.search(r"\bplus\b.*\d", m.group(2)):  # another 'A plus B': both scale, so say it as a multiple
        return f"{fmt_qty(servings)} × ({label})"
    if m:
        qty = parse_qty(m.group(1)) * servings
        rest = re.sub(r"\s*\([^)]*\d[^)]*\)", "", m.group(2)).strip()
        after = _QUALIFIER_WORD.match(rest)  # '1 scant tbsp' x 1.25: 'scant 1 1/4 tbsp', not '1 1/4 scant tbsp'
        if after and not qualifier:
            return f"{after.group(1)} {scaled_serving(servings, f'{m.group(1)} {rest[after.end():]}')}"
        first, _, more = rest.partition(" ")
        if first.lower() in _TEASPOONS and _half_tbsp(qty):  # '3 tsp' is said '1 tbsp' ('4 tsp' stays)
            qty, first = qty / TSP_PER_TBSP, "tbsp"
            rest = f"{first} {more}".strip()
        counted = any(w.strip(",").lower() in _COUNTED for w in rest.split()[:2])
        amount = kitchen_qty(qty, _count_denominators(qty) if counted else (1, 2, 3, 4))
        if first.lower() in _TABLESPOONS and (spoons := _spoons(amount)):
            amount, rest = spoons, more
        elif _shown(amount) > 1 + 1e-9 and first.lower() in _MEASURE_PLURALS:
            rest = f"{_MEASURE_PLURALS[first.lower()]} {more}".strip()
        if qualifier:  # 'scant 3/4 cup': the person's word, not 'about'
            amount = f"{qualifier.group(1)} {amount.removeprefix('about ')}"
        return f"{amount} {rest}".strip()
    if _VAGUE.match(label):
        return label
    return f"{fmt_qty(servings)} × {label}"
