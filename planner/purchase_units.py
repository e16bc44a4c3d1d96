"""A food's purchase unit ('1 lb bag', '6 eggs', 'carton of 12 eggs', 'tap'): parsed, described for a number
of units, and how many whole units cover the grams needed. The shopping list (``planner.shopping``) buys in these."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from planner.quantities import QTY_PATTERN, fmt_qty, parse_qty

MASS_UNITS_G: dict[str, float] = {
    "g": 1.0, "gram": 1.0, "grams": 1.0, "kg": 1000.0, "oz": 28.349523125, "ounce": 28.349523125,
    "ounces": 28.349523125, "lb": 453.59237, "lbs": 453.59237, "pound": 453.59237, "pounds": 453.59237,
}
_UNIT_WORDS = ("unit", "units", "pack", "packs", "package", "packages")
_SIZE_UNITS = ("fl oz", "g", "kg", "oz", "lb", "lbs", "gal", "qt", "pt", "ml", "l", "liter", "litre", "cup", "cups")
_IRREGULAR = {"loaf": "loaves", "dozen": "dozen", "box": "boxes", "bunch": "bunches", "pouch": "pouches",
              "tomato": "tomatoes", "potato": "potatoes", "knife": "knives", "leaf": "leaves", "head": "heads"}


def _plural(word: str) -> str:
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith(("s", "x", "ch", "sh")):
        return word + "es" if not low.endswith("s") else word
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _singular(word: str) -> str:
    low = word.lower()
    for sing, plur in _IRREGULAR.items():
        if low == plur:
            return sing
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if low.endswith("s") and not low.endswith("ss"):
        return word[:-1]
    return word


_SIZE_RE = re.compile(rf"^{QTY_PATTERN}\s*({'|'.join(re.escape(u) for u in _SIZE_UNITS)})\.?(?:\s+(.*))?$", re.I)
_COUNT_RE = re.compile(rf"^{QTY_PATTERN}\s+([A-Za-z][^()]*?)\s*(\(([^)]*)\))?\s*$")


CONTAINERS: frozenset[str] = frozenset({
    "bag", "box", "can", "tin", "jar", "tub", "bottle", "carton", "canister", "clamshell", "pack", "package",
    "block", "loaf", "fillet", "steak", "tenderloin", "pouch", "packet", "container", "bar", "tray", "case",
    "sleeve", "bunch", "head", "wedge", "cup",
})
FREE_UNITS: frozenset[str] = frozenset({"tap", "tap water", "free"})


@dataclass(frozen=True)
class PurchaseUnit:
    """A parsed ``purchase_unit``.

    kinds: "package" ('1 lb bag', '12 oz frozen bag', '1 lb'), "count" ('1 banana', '6 eggs', '1 bunch'),
    "of" ('carton of 12 eggs'), "free" ('tap': nothing to buy) and "other" (shown as 'N × text').
    """

    text: str
    kind: str
    noun: str = ""             # singular: container ('bag') or counted thing ('egg', 'bunch')
    size: str = ""             # '1 lb', '100 g'
    extra: str = ""            # other words: 'dried', '(about 3 bananas)', '12 eggs' (after 'of')
    per_unit: float = 1.0      # counted items in one unit ('6 eggs' -> 6, 'carton of 12 eggs' -> 12)
    item: str = ""             # singular counted item of an "of" unit ('egg')

    def describe(self, units: int) -> str:
        """'2 bags (1 lb) dried', '3 bananas', '12 eggs', '1 bar (100 g)', '2 cartons of 12 eggs', '3 × 1 lb'."""
        if self.kind == "free":
            return f"nothing to buy ({self.text})"
        if self.kind == "package":
            if self.noun:
                text = f"{units} {self.noun if units == 1 else _plural(self.noun)} ({self.size})"
            else:
                text = f"{units} × {self.size}"
            return f"{text} {self.extra}" if self.extra else text
        if self.kind == "count":
            n = units * self.per_unit
            noun = self.noun if abs(n - 1) < 1e-9 else _plural_phrase(self.noun)
            return f"{fmt_qty(n)} {noun}" + (f" ({self.size})" if self.size else "")
        if self.kind == "of":
            return f"{units} {self.noun if units == 1 else _plural(self.noun)} of {self.extra}"
        return f"{units} × {self.text}"

    def amount_text(self, grams: float, unit_g: float) -> str:
        """A friendly amount of product: '340 g (12 oz)' or, for counted things, '2.5 bananas (295 g)'."""
        counted = self.noun if self.kind == "count" else self.item if self.kind == "of" else ""
        if counted and unit_g > 0 and grams / unit_g * self.per_unit >= 0.05:
            n = grams / unit_g * self.per_unit
            n_text = fmt_qty(n) if abs(n * 4 - round(n * 4)) < 1e-6 else f"{n:.1f}"
            noun = counted if n <= 1 + 1e-9 else _plural_phrase(counted)
            g_txt = f"{grams:,.0f} g" if grams >= 10 else f"{grams:.1f} g"
            return f"{n_text} {noun} ({g_txt})"
        return grams_text(grams)

    def grams_per(self, word: str, unit_g: float) -> float | None:
        """Grams of product in one pantry ``word`` ('bag', 'cans', 'egg', 'unit'); None if it is not one."""
        word = " ".join(word.lower().split())
        forms = {word, _singular(word)}
        if forms & set(_UNIT_WORDS):
            return unit_g
        if self.kind in ("package", "of") and self.noun and forms & {self.noun.lower()}:
            return unit_g
        counted = self.noun if self.kind == "count" else self.item if self.kind == "of" else ""
        if counted:
            first = counted.split()[0].lower()
            if forms & {first, counted.lower()}:
                return unit_g / self.per_unit
        return None

    def unit_words(self) -> list[str]:
        """Pantry units this product understands besides g, kg, oz, lb and 'unit'."""
        out = []
        if self.kind in ("package", "of") and self.noun:
            out.append(self.noun)
        counted = self.noun if self.kind == "count" else self.item if self.kind == "of" else ""
        if counted:
            out.append(counted.split()[0])
        return out


def _plural_phrase(noun: str) -> str:
    words = noun.split()
    if not words:
        return noun
    return " ".join([_plural(words[0]), *words[1:]])


def parse_purchase_unit(text: str) -> PurchaseUnit:
    """Parse a food's purchase_unit ('1 lb bag', '1 bar (100 g)', '6 eggs', 'carton of 12 eggs', 'tap', ...)."""
    raw = " ".join(str(text).split())
    if raw.lower() in FREE_UNITS:
        return PurchaseUnit(text=raw, kind="free")
    m = _SIZE_RE.match(raw)
    if m:
        size = f"{m.group(1)} {m.group(2)}"
        rest = (m.group(3) or "").strip()
        words = rest.split()
        for i, w in enumerate(words[:2]):  # '1 lb bag dried', '12 oz frozen bag'
            if w.lower() in CONTAINERS:
                extra = " ".join(words[:i] + words[i + 1:])
                return PurchaseUnit(text=raw, kind="package", noun=w.lower(), size=size, extra=extra)
        return PurchaseUnit(text=raw, kind="package", size=size, extra=rest)
    m = re.fullmatch(r"([A-Za-z]+) of (\d+) ([A-Za-z][A-Za-z ]*)", raw)
    if m:
        item = m.group(3).strip()
        first, _, more = item.partition(" ")
        return PurchaseUnit(text=raw, kind="of", noun=m.group(1).lower(), extra=f"{m.group(2)} {item}",
                            per_unit=float(m.group(2)), item=" ".join(x for x in (_singular(first), more) if x))
    m = re.fullmatch(r"(\d+)-([A-Za-z]+) ([A-Za-z]+)", raw)  # '30-count pack', '6-bagel bag'
    if m:
        n, item, container = int(m.group(1)), m.group(2).lower(), m.group(3).lower()
        item = "" if item == "count" else item
        extra = f"{n} {_plural(item)}" if item else str(n)
        return PurchaseUnit(text=raw, kind="of", noun=container, extra=extra, per_unit=float(n), item=item)
    m = _COUNT_RE.match(raw)
    if m:
        count = parse_qty(m.group(1))
        noun = m.group(2).strip()
        size = (m.group(4) or "").strip()
        if count > 1:
            first, _, rest = noun.partition(" ")
            noun = " ".join(x for x in (_singular(first), rest) if x)
        return PurchaseUnit(text=raw, kind="count", noun=noun, size=size, per_unit=count if count > 0 else 1.0)
    return PurchaseUnit(text=raw, kind="other")


def grams_text(grams: float) -> str:
    """'340 g (12 oz)', '1,361 g (3 lb)', '1.2 g'."""
    if grams <= 0:
        return "0 g"
    g_txt = f"{grams:,.0f} g" if grams >= 10 else f"{grams:.1f} g"
    oz = grams / MASS_UNITS_G["oz"]
    if oz >= 16:
        return f"{g_txt} ({grams / MASS_UNITS_G['lb']:.1f} lb)"
    if oz >= 1:
        return f"{g_txt} ({oz:.1f} oz)"
    return g_txt


def units_needed(needed_g: float, unit_g: float) -> int:
    """Whole purchase units covering ``needed_g`` (never fewer; exact multiples are not bumped up by float noise)."""
    if needed_g <= 0:
        return 0
    return int(math.ceil(round(needed_g / unit_g, 9)))
