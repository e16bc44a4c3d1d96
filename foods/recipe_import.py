"""Turn a recipe (``foods.recipe_sources.SourceRecipe``) into a dish of the person's own: parse, match, weigh.

1. Each ingredient line is parsed by ``ingredient-slicer`` (rule-based, offline) into quantity, unit, food
   words and preparation ("1 1/2 cups dried lentils, rinsed", "½ cup milk", "1-2 tsp cumin": the middle).
2. The food words are matched to the food table first (the curated foods and the person's own), then to
   every USDA SR Legacy description, with ``rapidfuzz``; each match has a confidence from 0 to 1.
3. The amount becomes grams: mass units through ``pint``; volumes through the matched food's USDA household
   portion of a volume (cup, tbsp, tsp, fl oz) and ``pint``; counts ("2 carrots", "3 cloves garlic", "1 medium
   onion") through the USDA portion of that name or size.
4. A line that matches no food, or whose amount cannot be converted ("salt to taste", "a handful"), is kept
   as **unmatched**: it counts as unknown in the dish (see ``foods.dish_numbers.unmatched_grams``), never as zero.

``save_draft`` writes the dish into user_dishes.toml atomically, after loading the whole file with the new
dish as the planner will (so a dish that does not load is never written); a food matched only in USDA SR
Legacy is added to the person's food table as ``usda_<fdc_id>`` first.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from foods.dishes import (DISH_ID_RE, MAIN_MIN_PROTEIN_G, MAX_INGREDIENT_G, ROLE_KCAL, UNMATCHED_RE, DishTables,
                          Unmatched, load_dishes)
from foods.errors import DishTableError, RecipeImportError
from foods.recipe_sources import SourceRecipe

# A match from the food table (curated or the person's) is taken at this score; below it, USDA SR Legacy
# competes; below MIN_CONFIDENCE the line is unmatched.
TABLE_FIRST_SCORE = 0.80
MIN_CONFIDENCE = 0.62
USDA_PREFIX = "usda_"

# Words that describe how a food is cut or bought, not what it is (left out when matching).
_NOISE = frozenset("""
a an the of and or for to taste into in with about optional plus more extra virgin fresh freshly organic baby
good quality ripe large medium small big chopped diced minced sliced rinsed drained peeled grated finely roughly
thinly coarsely cut pieces piece inch inches halved quartered trimmed packed divided softened melted room
temperature cubed shredded crushed beaten lightly heaping level scant whole lowsodium from
""".split())
_FORMS_RAW = frozenset({"raw", "dried", "dry", "uncooked"})
_FORMS_COOKED = frozenset({"cooked", "boiled", "roasted", "baked", "steamed", "grilled", "fried", "braised"})
_VOLUME_UNITS: dict[str, str] = {  # USDA portion unit word or ingredient-slicer unit -> pint unit
    "cup": "cup", "cups": "cup", "tbsp": "tablespoon", "tablespoon": "tablespoon", "tablespoons": "tablespoon",
    "tsp": "teaspoon", "teaspoon": "teaspoon", "teaspoons": "teaspoon", "fl oz": "fluid_ounce",
    "fluid ounce": "fluid_ounce", "fluid_ounce": "fluid_ounce", "milliliter": "milliliter", "ml": "milliliter",
    "liter": "liter", "litre": "liter", "l": "liter", "pint": "pint", "quart": "quart", "gallon": "gallon",
    "deciliter": "deciliter", "dl": "deciliter",
}
_MASS_UNITS: dict[str, str] = {"gram": "gram", "g": "gram", "kilogram": "kilogram", "kg": "kilogram",
                               "milligram": "milligram", "mg": "milligram", "ounce": "ounce", "oz": "ounce",
                               "pound": "pound", "lb": "pound", "lbs": "pound"}
# Recipe categories and keywords -> role (the first that appears wins, in the recipe's order).
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("breakfast", "breakfast"), ("brunch", "breakfast"), ("porridge", "breakfast"), ("oatmeal", "breakfast"),
    ("side", "side"), ("salad", "side"), ("dessert", "snack"), ("snack", "snack"), ("appetizer", "snack"),
    ("starter", "snack"), ("drink", "snack"), ("smoothie", "snack"), ("cookie", "snack"), ("cake", "snack"),
    ("main", "main"), ("dinner", "main"), ("lunch", "main"), ("entree", "main"), ("soup", "main"),
    ("stew", "main"), ("curry", "main"),
)


@dataclass(frozen=True)
class ParsedLine:
    """One ingredient line split by ingredient-slicer (quantity for the whole recipe)."""

    text: str
    quantity: float | None
    unit: str | None
    food: str
    prep: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    canned: bool = False


@dataclass(frozen=True)
class FoodMatch:
    food_id: str
    fdc_id: int
    description: str  # the USDA description of the row
    confidence: float
    in_table: bool  # False: a USDA SR Legacy row not yet in the food table (added as usda_<fdc_id> on save)


@dataclass(frozen=True)
class ImportLine:
    """One recipe line in the review: the food it stands for and its grams for the whole recipe."""

    line: int
    text: str
    food_id: str | None = None
    fdc_id: int | None = None
    description: str = ""
    grams: float | None = None  # whole recipe
    confidence: float = 0.0
    note: str = ""  # why it is unmatched, or what was assumed (a range, a merged duplicate)

    @property
    def matched(self) -> bool:
        return self.food_id is not None and self.grams is not None and self.grams > 0


@dataclass(frozen=True)
class ImportDraft:
    """A recipe ready to be saved as a dish: every line matched or kept as unmatched."""

    dish_id: str
    name: str
    roles: tuple[str, ...]
    servings: int
    cuisine: str
    minutes_active: int
    minutes_total: int
    steps: tuple[str, ...]
    lines: tuple[ImportLine, ...]
    source: str
    servings_given: bool  # the recipe (or the person) said how many servings it makes


# --- parsing -----------------------------------------------------------------------------------------------
def _number(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def parse_line(text: str) -> ParsedLine:
    """Quantity, unit, food words and preparation of one line (ingredient-slicer, offline)."""
    from ingredient_slicer import IngredientSlicer

    try:
        d = IngredientSlicer(text).to_json()
    except Exception:  # the parser gave up on this line: keep the words, no amount
        return ParsedLine(text, None, None, text)
    qty, unit = _number(d.get("quantity")), d.get("standardized_unit") or d.get("unit")
    if unit == "to taste":
        qty, unit = None, None
    canned = (d.get("secondary_unit") or "").lower() in ("can", "cans", "tin", "jar")
    return ParsedLine(text=text, quantity=qty, unit=str(unit).lower() if unit else None,
                      food=str(d.get("food") or ""), prep=tuple(d.get("prep") or ()),
                      sizes=tuple(d.get("size_modifiers") or ()), canned=canned)


# --- matching ----------------------------------------------------------------------------------------------
def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("oes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case singular words of a food name ('Lentils, mature seeds' -> ('lentil', 'mature', 'seed'))."""
    words = re.findall(r"[a-z]+", text.lower().replace("-", ""))
    return tuple(_singular(w) for w in words)


def _query(parsed: ParsedLine) -> tuple[str, ...]:
    """The words that name the food: the parser's food words less the unit and noise, plus the form."""
    unit_words = set(tokens(parsed.unit or ""))
    words = [w for w in tokens(parsed.food) if w not in _NOISE]
    kept = [w for w in words if w not in unit_words] or words
    if parsed.canned and "canned" not in kept:
        kept.append("canned")
    # Non-ASCII words stay non-ASCII ('olivenol' would half-match 'olive'): a foreign line stays unmatched.
    foreign = [w for w in re.findall(r"\w+", parsed.food.lower()) if w != _ascii(w)]
    return tuple(kept + [f"~{w}" for w in foreign])


def _word_hit(word: str, words: Sequence[str]) -> bool:
    from rapidfuzz import fuzz

    return word in words or (len(word) >= 5 and any(fuzz.ratio(word, w) >= 88 for w in words if len(w) >= 5))


def score(query: Sequence[str], candidate: Sequence[str]) -> float:
    """How well a candidate's words name the query's food, 0 to 1.

    Mostly the share of the query's words found in the candidate, some for the candidate's words found in
    the query (so 'Lentils' alone does not equal 'lentil soup'), a little for the candidate's head noun (USDA
    names lead with it: 'Oil, olive'); a raw/dried food against a cooked one (or the reverse) is penalised.
    """
    if not query or not candidate:
        return 0.0
    q_words = [w for w in query if w not in _FORMS_RAW | _FORMS_COOKED]
    c_words = [w for w in candidate if w not in _NOISE]
    q_hit = sum(_word_hit(w, c_words) for w in q_words) / max(1, len(q_words))
    c_core = [w for w in c_words if w not in _FORMS_RAW | _FORMS_COOKED]
    c_hit = sum(_word_hit(w, q_words) for w in c_core) / max(1, len(c_core))
    head = 1.0 if c_core and _word_hit(c_core[0], q_words) else 0.0
    value = 0.70 * q_hit + 0.20 * c_hit + 0.10 * head
    q_forms, c_forms = set(query), set(candidate)
    q_form, c_form = _form(q_forms), _form(c_forms)
    if q_form and c_form and q_form != c_form:
        value -= 0.25
    if ("canned" in q_forms) != ("canned" in c_forms):
        value -= 0.05
    if not (q_forms & (_FORMS_RAW | _FORMS_COOKED)) and "raw" in c_forms:
        value += 0.02  # "carrots" with no form: the fresh vegetable
    return max(0.0, min(1.0, value))


def _form(words: set[str]) -> str:
    """'cooked' (any cooking word: 'cooked from dry' is cooked), 'raw' (raw, dried, dry), or '' (not said)."""
    return "cooked" if words & _FORMS_COOKED else "raw" if words & _FORMS_RAW else ""


@dataclass(frozen=True)
class FoodIndex:
    """Candidates to match: the food table's foods (by name and USDA description), then all of SR Legacy."""

    table_ids: tuple[str, ...]
    table_fdc: tuple[int, ...]
    table_desc: tuple[str, ...]
    table_words: tuple[tuple[tuple[str, ...], ...], ...]
    usda_fdc: tuple[int, ...]
    usda_desc: tuple[str, ...]
    usda_words: tuple[tuple[str, ...], ...]
    fdc_to_table: dict[int, str]


def build_index(foods: pd.DataFrame) -> FoodIndex:
    """The match candidates for ``foods`` (indexed by food_id; columns name, fdc_id, usda_description)."""
    usda = _usda_candidates()
    fdc = pd.to_numeric(foods["fdc_id"], errors="coerce")
    ids = [str(i) for i in foods.index]
    desc = [str(d) if str(d) else str(n) for d, n in zip(foods["usda_description"].fillna(""), foods["name"])]
    words = tuple((tokens(str(n)), tokens(d)) for n, d in zip(foods["name"], desc))
    fdc_ints = tuple(int(f) if pd.notna(f) else -1 for f in fdc)
    return FoodIndex(tuple(ids), fdc_ints, tuple(desc), words, usda[0], usda[1], usda[2],
                     {f: i for i, f in zip(reversed(ids), reversed(fdc_ints)) if f >= 0})


@lru_cache(maxsize=1)
def _usda_candidates() -> tuple[tuple[int, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    from foods.load import usda_foods

    usda = usda_foods()
    usda = usda[usda["energy_kcal"].notna()]
    return (tuple(int(i) for i in usda.index), tuple(str(d) for d in usda["description"]),
            tuple(tokens(str(d)) for d in usda["description"]))


def _best_usda(index: FoodIndex, query: tuple[str, ...]) -> tuple[float, int]:
    from rapidfuzz import fuzz, process

    text = " ".join(w for w in query if not w.startswith("~"))
    if not text:
        return 0.0, -1
    hits = process.extract(text, [" ".join(w) for w in index.usda_words], scorer=fuzz.token_set_ratio, limit=60)
    best = (0.0, -1)
    for _choice, _s, pos in hits:
        value = score(query, index.usda_words[pos]) - 0.0005 * len(index.usda_words[pos])  # shorter is plainer
        if value > best[0]:
            best = (value, pos)
    return best


def match_food(index: FoodIndex, parsed: ParsedLine) -> FoodMatch | None:
    """The food the line names: the food table first, then USDA SR Legacy; None below MIN_CONFIDENCE."""
    query = _query(parsed)
    table = [(max(score(query, n), score(query, d)), pos) for pos, (n, d) in enumerate(index.table_words)]
    t_score, t_pos = max(table, default=(0.0, -1))
    if t_score >= TABLE_FIRST_SCORE:
        return _table_match(index, t_pos, t_score)
    u_score, u_pos = _best_usda(index, query)
    if max(t_score, u_score) < MIN_CONFIDENCE:
        return None
    if t_score >= u_score:
        return _table_match(index, t_pos, t_score)
    fdc = index.usda_fdc[u_pos]
    if fdc in index.fdc_to_table:  # the USDA row is already a food of the table: use its id
        food_id = index.fdc_to_table[fdc]
        return FoodMatch(food_id, fdc, index.usda_desc[u_pos], round(u_score, 2), True)
    return FoodMatch(f"{USDA_PREFIX}{fdc}", fdc, index.usda_desc[u_pos], round(u_score, 2), False)


def _table_match(index: FoodIndex, pos: int, value: float) -> FoodMatch:
    return FoodMatch(index.table_ids[pos], index.table_fdc[pos], index.table_desc[pos], round(value, 2), True)


def search_foods(index: FoodIndex, text: str, *, limit: int = 10) -> list[FoodMatch]:
    """The best foods for a search text (the app's 'change match' box): table foods, then USDA rows."""
    query = _query(ParsedLine(text, None, None, text))
    found = [(max(score(query, n), score(query, d)), True, pos) for pos, (n, d) in enumerate(index.table_words)]
    found = [f for f in found if f[0] >= 0.3]
    u_score, u_pos = _best_usda(index, query)
    out = [_table_match(index, pos, v) for v, _t, pos in sorted(found, key=lambda f: (-f[0], f[2]))[:limit]]
    if u_pos >= 0 and u_score >= 0.3 and index.usda_fdc[u_pos] not in {m.fdc_id for m in out}:
        fdc = index.usda_fdc[u_pos]
        out.append(FoodMatch(index.fdc_to_table.get(fdc, f"{USDA_PREFIX}{fdc}"), fdc, index.usda_desc[u_pos],
                             round(u_score, 2), fdc in index.fdc_to_table))
    return out[:limit]


# --- amounts -----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _units():
    import pint

    return pint.UnitRegistry()


def _convert(quantity: float, unit: str, to: str) -> float:
    ureg = _units()
    return float((quantity * ureg(unit)).to(to).magnitude)


def _portion_volume_unit(unit_text: str) -> str | None:
    text = unit_text.lower().strip()
    for key in sorted(_VOLUME_UNITS, key=len, reverse=True):
        if re.match(rf"^{re.escape(key)}\b", text):
            return _VOLUME_UNITS[key]
    return None


def grams_of(parsed: ParsedLine, fdc_id: int, portions: pd.DataFrame) -> tuple[float | None, str]:
    """(grams for the whole recipe, '') or (None, why not) for a parsed line and the food's USDA portions.

    ``portions``: the USDA portion rows (fdc_id, seq_num, amount, unit, gram_weight).
    """
    if parsed.quantity is None:
        return None, "no amount"
    unit = (parsed.unit or "").lower()
    if unit in _MASS_UNITS:
        return _convert(parsed.quantity, _MASS_UNITS[unit], "gram"), ""
    rows = portions[(portions["fdc_id"] == fdc_id) & (portions["gram_weight"] > 0)].sort_values("seq_num")
    if unit in _VOLUME_UNITS:
        return _volume_grams(parsed, _VOLUME_UNITS[unit], rows)
    return _count_grams(parsed, unit, rows)


def _volume_grams(parsed: ParsedLine, unit: str, rows: pd.DataFrame) -> tuple[float | None, str]:
    volume = [(r, _portion_volume_unit(str(r.unit))) for r in rows.itertuples(index=False)]
    volume = [(r, u) for r, u in volume if u is not None and _number(r.amount)]
    if not volume:
        return None, "USDA gives no cup or spoon measure for this food; give the grams"
    prep = {w for p in parsed.prep for w in tokens(p)}
    row, r_unit = next(((r, u) for r, u in volume if prep & set(tokens(str(r.unit)))), volume[0])
    ml_per_portion = _convert(float(row.amount), r_unit, "milliliter")
    return float(row.gram_weight) / ml_per_portion * _convert(parsed.quantity, unit, "milliliter"), ""


def _count_grams(parsed: ParsedLine, unit: str, rows: pd.DataFrame) -> tuple[float | None, str]:
    """Grams of '2 carrots', '3 cloves garlic', '2 stalks celery', '1 large egg' from the named USDA portion."""
    countable = [r for r in rows.itertuples(index=False)
                 if _portion_volume_unit(str(r.unit)) is None and "serving" not in str(r.unit).lower()
                 and _number(r.amount)]
    unit_words = set(tokens(unit))
    named = [r for r in countable if unit_words & set(tokens(str(r.unit)))]
    sizes = [s.lower() for s in parsed.sizes] or ["medium"]
    pool = named or countable
    if not pool or unit in ("pinch", "handful", "dash", "splash", "drizzle", "bunch", "sprig") and not named:
        return None, f"'{unit or 'no unit'}' has no USDA household measure for this food; give the grams"
    sized = [r for r in pool if set(sizes) & set(tokens(str(r.unit)))]
    whole = [r for r in pool if {"whole", "each", "item", "fruit"} & set(tokens(str(r.unit)))]
    row = (sized or whole or pool)[0]
    return float(row.gram_weight) / float(row.amount) * parsed.quantity, ""


# --- a recipe into a draft --------------------------------------------------------------------------------
def _range_note(text: str) -> str:
    return "a range: the middle is used" if re.search(r"\d\s*(?:-|–|to)\s*\d", text) else ""


def import_line(index: FoodIndex, portions: pd.DataFrame, line_no: int, text: str) -> ImportLine:
    """One recipe line matched and weighed (whole-recipe grams), or kept unmatched with the reason."""
    parsed = parse_line(text)
    found = match_food(index, parsed)
    if found is None:
        return ImportLine(line_no, text, note="no food in the table or in USDA SR Legacy matches it")
    grams, why = grams_of(parsed, found.fdc_id, portions)
    if grams is None or not grams > 0:
        return ImportLine(line_no, text, found.food_id, found.fdc_id, found.description, None, found.confidence,
                          f"amount not converted ({why})")
    return ImportLine(line_no, text, found.food_id, found.fdc_id, found.description, round(grams, 2),
                      found.confidence, _range_note(text))


def slug(text: str) -> str:
    """An ASCII dish id from a name ('Easy Lentil Soup!' -> 'easy_lentil_soup')."""
    words = re.findall(r"[a-z0-9]+", _ascii(text).lower())
    out = "_".join(words)[:60].strip("_") or "my_recipe"
    return out if out[0].isalnum() else f"r_{out}"


def guess_roles(recipe: SourceRecipe) -> tuple[str, ...]:
    """A role from the recipe's categories and keywords (the first word that names one), else ()."""
    for text in recipe.categories:
        low = text.lower()
        for word, role in _ROLE_WORDS:
            if re.search(rf"\b{word}", low):
                return (role,)
    return ()


def draft_recipe(recipe: SourceRecipe, foods: pd.DataFrame, *, servings: int | None = None,
                 role: str | None = None, dish_id: str | None = None, index: FoodIndex | None = None) -> ImportDraft:
    """Every line of ``recipe`` matched and weighed; servings from the recipe's yield unless given."""
    from foods.load import usda_portions

    index = index or build_index(foods)
    portions = usda_portions()
    lines = tuple(import_line(index, portions, n, text) for n, text in enumerate(recipe.ingredients, start=1))
    n_servings = servings or recipe.servings or 1
    roles = (role,) if role else guess_roles(recipe)
    active = recipe.minutes_active or 0
    total = max(recipe.minutes_total or 0, active)
    return ImportDraft(
        dish_id=dish_id or slug(recipe.name), name=recipe.name, roles=roles, servings=int(n_servings),
        cuisine=recipe.cuisine or "Home cooking", minutes_active=active, minutes_total=total, steps=recipe.steps,
        lines=lines, source=recipe.source, servings_given=bool(servings or recipe.servings))


def rematch(draft: ImportDraft, line_no: int, food_id: str | None, foods: pd.DataFrame, *,
            grams: float | None = None) -> ImportDraft:
    """The draft with one line matched by hand (``food_id`` None: made unmatched); grams for the whole recipe.

    Without ``grams`` the line's amount is converted through the new food's USDA portions.
    """
    from foods.load import usda_portions

    old = next((ln for ln in draft.lines if ln.line == line_no), None)
    if old is None:
        raise RecipeImportError(f"there is no line {line_no}; lines are numbered 1 to {len(draft.lines)}")
    if food_id is None:
        new = ImportLine(old.line, old.text, note="made unmatched by hand")
    else:
        fdc, desc = food_row(food_id, foods)
        why = ""
        if grams is None:
            grams, why = grams_of(parse_line(old.text), fdc, usda_portions())
        new = ImportLine(old.line, old.text, food_id, fdc, desc, None if grams is None else round(grams, 2), 1.0,
                         f"amount not converted ({why})" if grams is None else "matched by hand")
    return replace(draft, lines=tuple(new if ln.line == line_no else ln for ln in draft.lines))


def food_row(food_id: str, foods: pd.DataFrame) -> tuple[int, str]:
    """(fdc_id, USDA description) of a food of the table or a 'usda_<fdc_id>' SR Legacy row."""
    from foods.load import usda_foods

    if food_id in foods.index:
        row = foods.loc[food_id]
        return int(row["fdc_id"]), str(row["usda_description"] or row["name"])
    found = re.fullmatch(rf"{USDA_PREFIX}(\d+)", food_id)
    usda = usda_foods()
    if found and int(found.group(1)) in usda.index:
        return int(found.group(1)), str(usda.at[int(found.group(1)), "description"])
    raise RecipeImportError(f"unknown food '{food_id}'; use a food_id from 'magplan foods list' or "
                            f"'{USDA_PREFIX}<fdc_id>' for a USDA SR Legacy food ('magplan foods search NAME')")


# --- the dish and its file ---------------------------------------------------------------------------------
def per_serving(draft: ImportDraft) -> tuple[list[tuple[str, float, str]], list[Unmatched], list[str]]:
    """(ingredient rows (food_id, grams per serving, line), unmatched lines, notes): lines of one food merged."""
    rows: dict[str, list] = {}
    unmatched: list[Unmatched] = []
    notes: list[str] = []
    for ln in draft.lines:
        if not ln.matched:
            unmatched.append(Unmatched(ln.line, None, ln.text))
            continue
        grams = ln.grams / draft.servings
        if ln.food_id in rows:
            rows[ln.food_id][1] += grams
            rows[ln.food_id][2] += f"; {ln.text}"
            notes.append(f"lines {rows[ln.food_id][3]} and {ln.line} are both {ln.food_id}: their grams are added")
        else:
            rows[ln.food_id] = [ln.food_id, grams, ln.text, ln.line]
    out = [(food_id, round(g, 2) if g >= 1 else round(g, 3), text) for food_id, g, text, _n in rows.values()]
    return out, unmatched, notes


def _derived_role(draft: ImportDraft, foods: pd.DataFrame) -> tuple[str, ...]:
    """No role from the recipe: main when a serving is a meal (energy and protein of a main), else snack."""
    rows, _u, _n = per_serving(draft)
    kcal = sum(float(foods.at[f, "energy_kcal"]) * g / 100 for f, g, _t in rows if f in foods.index
               and pd.notna(foods.at[f, "energy_kcal"]))
    protein = sum(float(foods.at[f, "protein_g"]) * g / 100 for f, g, _t in rows if f in foods.index
                  and pd.notna(foods.at[f, "protein_g"]))
    main_lo = ROLE_KCAL["main"][0]
    return ("main",) if kcal >= main_lo and protein >= MAIN_MIN_PROTEIN_G else ("snack",)


BLOCK_KEYS: tuple[str, ...] = ("ingredients", "unmatched", "steps")  # written as one-item-a-line text blocks
KEY_ORDER: tuple[str, ...] = ("id", "name", "roles", "servings", "cuisine", "minutes_active", "minutes_total",
                              "reference", "reference_note", "ingredients", "unmatched", "steps", "notes")


def _toml_value(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, list, tuple)):
        raise TypeError(f"cannot write {key} = {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    if key in BLOCK_KEYS:
        body = "\n".join(ln.replace("\\", "\\\\").replace('"', '\\"') for ln in value.strip().splitlines())
        return f'"""\n{body}\n"""'
    return json.dumps(value, ensure_ascii=False)


def render_block(fields: dict[str, Any]) -> str:
    """One [[dish]] block from its fields (the dish-file keys), in the usual key order; empty keys left out."""
    keys = [k for k in KEY_ORDER if k in fields] + [k for k in fields if k not in KEY_ORDER]
    return "\n".join(["[[dish]]", *(f"{k} = {_toml_value(k, fields[k])}" for k in keys
                                    if fields[k] not in ("", (), [], None))]) + "\n"


def ingredient_lines(rows: Sequence[tuple[str, float, str]]) -> str:
    """The ingredients text block: 'food_id grams line', aligned."""
    width = max(len(f) for f, _g, _t in rows)
    return "\n".join(f"{f:<{width}} {g:>7g}   {t}".rstrip() for f, g, t in rows)


def dish_toml(draft: ImportDraft, foods: pd.DataFrame) -> str:
    """The [[dish]] block of a draft (foods.dishes format; user dishes may keep any number of steps)."""
    rows, unmatched, notes = per_serving(draft)
    if not rows:
        raise RecipeImportError(f"no line of '{draft.name}' matched a food with an amount; nothing to save. Match "
                                "lines by hand (the app's review table), or check that the lines are in English")
    heavy = [(f, g) for f, g, _t in rows if g > MAX_INGREDIENT_G]
    if heavy:
        raise RecipeImportError(f"{heavy[0][0]} comes to {heavy[0][1]:,.0f} g per serving (more than "
                                f"{MAX_INGREDIENT_G:,.0f} g); the recipe makes more servings than "
                                f"{draft.servings}: give --servings")
    note = (f"Imported from {draft.source or 'a recipe'}. The ingredient lines are the recipe's, for all "
            f"{draft.servings} serving(s); the grams are per serving.")
    return render_block({
        "id": draft.dish_id, "name": draft.name, "roles": list(draft.roles or _derived_role(draft, foods)),
        "servings": draft.servings, "cuisine": draft.cuisine, "minutes_active": draft.minutes_active,
        "minutes_total": draft.minutes_total, "ingredients": ingredient_lines(rows),
        "unmatched": "\n".join(f"{u.line} ? {u.text}" for u in unmatched), "steps": "\n".join(draft.steps),
        "notes": " ".join([note, *notes])})


def _usda_rows(food_ids: Sequence[str]) -> pd.DataFrame:
    """Schema-shaped rows of 'usda_<fdc_id>' foods (tags guessed from the USDA food group; see load_usda_foods)."""
    from foods.load import load_usda_foods

    table = load_usda_foods(require_magnesium=False)
    missing = [f for f in food_ids if f not in table.index]
    if missing:
        raise RecipeImportError(f"{missing[0]} is not a USDA SR Legacy food with nutrients; pick another food")
    return table.loc[list(food_ids)]


def new_foods(draft: ImportDraft, foods: pd.DataFrame) -> pd.DataFrame:
    """The USDA SR Legacy foods the draft uses that are not in ``foods`` yet (added to the user table on save)."""
    wanted = sorted({ln.food_id for ln in draft.lines if ln.matched and ln.food_id not in foods.index})
    return _usda_rows(wanted) if wanted else foods.iloc[0:0]


def _blocks(text: str) -> list[str]:
    """A dish file's text cut into its [[dish]] blocks (the text before the first one is block 0)."""
    starts = [m.start() for m in re.finditer(r"(?m)^\s*\[\[dish\]\]", text)]
    cuts = [0, *starts, len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b]]


def _block_id(block: str) -> str | None:
    found = re.search(r"""(?m)^\s*id\s*=\s*["']([^"']+)["']""", block)
    return found.group(1) if found else None


def _with_dish(text: str, dish_id: str, block: str, *, replace_existing: bool, path: Path) -> str:
    blocks = _blocks(text)
    kept = [b for b in blocks if _block_id(b) != dish_id]
    if len(kept) != len(blocks) and not replace_existing:
        raise RecipeImportError(f"{path}: you already have a dish '{dish_id}'; add --replace to overwrite it, or "
                                "give another id with --id")
    body = "".join(kept).rstrip()
    return (body + "\n\n" if body else "") + block


def save_draft(draft: ImportDraft, foods: pd.DataFrame, *, replace_existing: bool = False,
               dishes_path: Path | str | None = None, foods_path: Path | str | None = None) -> DishTables:
    """Write the draft as a dish into the user dish file, atomically; return the person's dishes as saved.

    The whole file (with the new dish) is loaded as the planner will load it before it replaces the old
    one, so a dish that does not load is never written and the person's other dishes stay as written.
    USDA SR Legacy foods the dish needs are added to the user food table first. Raises RecipeImportError.
    """
    from foods.dishes import dish_files
    from foods.load import combine
    from foods.paths import user_dishes_path

    path = Path(dishes_path) if dishes_path is not None else user_dishes_path()
    if not DISH_ID_RE.match(draft.dish_id):
        raise RecipeImportError(f"id {draft.dish_id!r} is not a slug; use lower-case letters, digits and '_', "
                                "e.g. --id lentil_soup_mine")
    shipped = {_block_id(b) for f in dish_files() for b in _blocks(f.read_text(encoding="utf-8"))}
    if draft.dish_id in shipped:
        raise RecipeImportError(f"'{draft.dish_id}' is a dish of the library; give your dish another id with "
                                f"--id, e.g. --id {draft.dish_id}_mine")
    extra = new_foods(draft, foods)
    everything = combine(foods, extra) if len(extra) else foods
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    text = _with_dish(old, draft.dish_id, dish_toml(draft, everything), replace_existing=replace_existing,
                      path=path)
    return _write_dishes(path, text, everything, extra, foods_path)


def _write_dishes(path: Path, text: str, everything: pd.DataFrame, extra: pd.DataFrame,
                  foods_path: Path | str | None) -> DishTables:
    """Replace the user dish file with ``text`` once it loads against ``everything`` (foods + ``extra``);
    return the person's dishes as loaded."""
    from foods.files import atomic_write
    from foods.user import add_user_foods

    loaded: list[DishTables] = []

    def check(tmp: Path) -> None:
        try:  # the person's file alone: the shipped ids were checked against it before
            loaded.append(load_dishes(everything, paths=[], user_path=tmp))
        except DishTableError as exc:
            raise RecipeImportError(f"{path}: the dish would not load ({exc.reason}); nothing was written") from None
        if len(extra):
            # an ingredient of the person's dishes, not a food the planner serves alone (no meal slot)
            rows = extra.reset_index().assign(slots="", guessed="category|form|diet_tags|allergens")
            add_user_foods(rows, path=foods_path)

    atomic_write(path, text, before_replace=check)
    return loaded[0]


def match_saved_line(dish_id: str, line_no: int, food_id: str, foods: pd.DataFrame, *,
                     grams_per_serving: float | None = None, dishes_path: Path | str | None = None,
                     foods_path: Path | str | None = None) -> tuple[float, int]:
    """Match an unmatched line of one of the person's dishes to a food; return (grams per serving, lines left).

    Without ``grams_per_serving`` the line's amount is converted through the food's USDA portions and
    divided by the dish's servings. The dish file is rewritten atomically (other dishes as written).
    """
    from foods.load import combine, usda_portions
    from foods.paths import user_dishes_path

    path = Path(dishes_path) if dishes_path is not None else user_dishes_path()
    fields, text = _user_block(path, dish_id)
    unmatched = [u for u in (UNMATCHED_RE.match(t.strip()) for t in str(fields.get("unmatched", "")).splitlines())
                 if u]
    hit = next((u for u in unmatched if int(u.group(1)) == line_no), None)
    if hit is None:
        left = ", ".join(u.group(1) for u in unmatched) or "none"
        raise RecipeImportError(f"dish '{dish_id}' has no unmatched line {line_no}; its unmatched lines: {left}")
    fdc, _desc = food_row(food_id, foods)
    if grams_per_serving is None:
        grams, why = grams_of(parse_line(hit.group(3)), fdc, usda_portions())
        if grams is None:
            raise RecipeImportError(f"the amount of line {line_no} ({hit.group(3)!r}) cannot be converted ({why}); "
                                    "give --grams G, the grams per serving")
        grams_per_serving = round(grams / int(fields["servings"]), 3)
    if not 0 < grams_per_serving <= MAX_INGREDIENT_G:
        raise RecipeImportError(f"--grams {grams_per_serving:g}: give the grams per serving, above 0 and at most "
                                f"{MAX_INGREDIENT_G:g}")
    rows = [tuple(ln.split(None, 2)) + ("",) * (3 - len(ln.split(None, 2)))
            for ln in str(fields["ingredients"]).strip().splitlines() if ln.strip()]
    rows = [(f, float(g), t) for f, g, t in rows]
    if any(f == food_id for f, _g, _t in rows):
        rows = [(f, round(g + grams_per_serving, 3), f"{t}; {hit.group(3)}") if f == food_id else (f, g, t)
                for f, g, t in rows]
    else:
        rows.append((food_id, grams_per_serving, hit.group(3)))
    fields["ingredients"] = ingredient_lines(rows)
    fields["unmatched"] = "\n".join(u.group(0) for u in unmatched if u is not hit)
    extra = _usda_rows([food_id]) if food_id not in foods.index else foods.iloc[0:0]
    everything = combine(foods, extra) if len(extra) else foods
    _write_dishes(path, _with_dish(text, dish_id, render_block(fields), replace_existing=True, path=path),
                  everything, extra, foods_path)
    return grams_per_serving, len(unmatched) - 1


def _user_block(path: Path, dish_id: str) -> tuple[dict[str, Any], str]:
    """(the fields of one of the person's dishes, the whole file's text); RecipeImportError if it is not there."""
    from foods.dishes import tomllib as toml

    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    block = next((b for b in _blocks(text) if _block_id(b) == dish_id), None)
    if block is None:
        raise RecipeImportError(f"'{dish_id}' is not one of your own dishes ({path}); 'magplan dishes list' shows "
                                "the ids, and only your imported dishes can be matched")
    try:
        return dict(toml.loads(block)["dish"][0]), text
    except (toml.TOMLDecodeError, KeyError, IndexError) as exc:
        raise RecipeImportError(f"{path}: dish '{dish_id}' cannot be read ({exc}); fix the file first") from None
