"""The dish library: read dish files (TOML), check them, and derive every number from the food table.

A dish file holds ``[[dish]]`` blocks (see foods/dishes/README.md). Only what a cook decides is written
there: the name, roles, servings, ingredients as ``food_id grams [household measure]`` lines per serving,
steps, minutes, cuisine, notes and an optional USDA "as eaten" reference. Everything else — nutrients,
the share of each total that is measured, diet tags, allergens, cost and magnesium groups — is derived
from the food table's USDA rows (``foods.dish_numbers``), so a number about a dish is never typed.
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from foods.dish_numbers import MAGNESIUM_GROUPS, MEASURED_PREFIX, FoodRows, derive_all  # noqa: F401 (API)
from foods.dish_source import DishSource
from foods.errors import DishTableError
from foods.schema import ALLERGENS, DIETS, food_allowed, split_tags

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DISHES_DIR = Path(__file__).resolve().parent / "dishes"

ROLES: tuple[str, ...] = ("breakfast", "main", "snack", "side")
REQUIRED_KEYS: tuple[str, ...] = (
    "id", "name", "roles", "servings", "cuisine", "minutes_active", "minutes_total", "ingredients",
)
OPTIONAL_KEYS: tuple[str, ...] = ("steps", "notes", "reference", "reference_note", "unmatched")
DISH_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_SERVINGS = 12
# A person's own dishes (user_dishes.toml, mostly imported recipes) keep the recipe as its author wrote it:
# any number of steps up to this many, and a yield up to this many servings (a tray of 24 cookies).
MAX_USER_STEPS = 60
MAX_USER_SERVINGS = 100
# An unmatched recipe line: "LINE GRAMS TEXT", GRAMS per serving or '?' when the amount is unknown.
UNMATCHED_RE = re.compile(r"^(\d+)\s+(\?|\d+(?:\.\d+)?)\s+(\S.*)$")
MAX_MINUTES = 3 * 24 * 60  # soaking beans or a slow ferment, not more
MAX_INGREDIENT_G = 1000.0  # per serving
STEPS_RANGE = (2, 8)

class DishTables(NamedTuple):
    """The dish library: one row per dish (indexed by dish_id) and a tidy ingredients table."""

    dishes: pd.DataFrame
    ingredients: pd.DataFrame


# --- reading ---------------------------------------------------------------------------------------
def dish_files(directory: Path | None = None) -> list[Path]:
    """The shipped dish files, in name order."""
    return sorted((directory or DISHES_DIR).glob("*.toml"))


def _parse_file(path: Path) -> tuple[DishSource, list[Mapping[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DishTableError(f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8",
                             path=str(path)) from None
    except OSError as exc:
        raise DishTableError(f"cannot read the file ({exc.strerror})", path=str(path)) from None
    source = DishSource(str(path), text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise DishTableError(f"not valid TOML ({exc}); each dish starts with a [[dish]] line followed by "
                             'key = value lines, e.g. name = "Lentil soup"', path=str(path), line=line) from None
    extra = sorted(set(doc) - {"dish"})
    if extra:
        raise DishTableError(f"unknown top-level key(s) {', '.join(extra)}; a dish file holds only [[dish]] "
                             "blocks", path=str(path))
    blocks = doc.get("dish", [])
    if not isinstance(blocks, list):
        raise DishTableError("'dish' must be written as [[dish]] blocks", path=str(path))
    return source, blocks


@dataclass(frozen=True)
class _Ingredient:
    food_id: str
    grams: float
    household: str
    line: int | None


@dataclass(frozen=True)
class Unmatched:
    """A recipe line no food of the table stands for (or whose amount could not be converted).

    It is kept in the dish and counts as unknown: its grams (per serving, None when unknown) lower every
    measured share; its nutrients are never taken as zero. ``line`` is its number in the recipe's list.
    """

    line: int
    grams: float | None
    text: str


@dataclass(frozen=True)
class _Dish:
    dish_id: str
    name: str
    roles: tuple[str, ...]
    servings: int
    cuisine: str
    minutes_active: int
    minutes_total: int
    ingredients: tuple[_Ingredient, ...]
    steps: tuple[str, ...]
    notes: str
    reference: str
    reference_note: str
    path: str
    line: int | None
    unmatched: tuple[Unmatched, ...] = ()


class _Checker:
    """Turns one raw [[dish]] block into a _Dish, raising DishTableError with file, line and dish."""

    def __init__(self, source: DishSource, index: int, block: Mapping[str, Any], foods: pd.DataFrame,
                 references: Sequence[str], *, user: bool = False) -> None:
        self.user = user
        self.source = source
        self.index = index
        self.block = block
        self.foods = foods
        self.references = references
        self.dish_id = str(block.get("id", "")) or None

    def fail(self, message: str, *, key: str | None = None, line: int | None = None) -> DishTableError:
        if line is None and key is not None:
            line = self.source.line_in_block(self.index, lambda t: re.match(rf"{re.escape(key)}\s*=", t) is not None)
        if line is None:
            line = (self.source.dish_line(self.dish_id) if self.dish_id else None) or self.source.block_line(self.index)
        return DishTableError(message, path=self.source.path, line=line, dish=self.dish_id)

    def check(self) -> _Dish:
        b = self.block
        if not isinstance(b, Mapping):
            raise self.fail("a [[dish]] block must hold key = value lines")
        unknown = sorted(set(b) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
        if unknown:
            raise self.fail(f"unknown key '{unknown[0]}'; a dish has {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}",
                            key=unknown[0])
        missing = [k for k in REQUIRED_KEYS if k not in b]
        if missing:
            raise self.fail(f"missing '{missing[0]}'; every dish needs {', '.join(REQUIRED_KEYS)}")
        dish_id = self._text("id")
        if not DISH_ID_RE.match(dish_id):
            raise self.fail(f"id {dish_id!r} is not a slug; use lower-case ASCII letters, digits and '_', "
                            "e.g. 'lentil_spinach_soup'", key="id")
        ingredients = self._ingredients()
        steps = self._steps(len(ingredients))
        active, total = self._int("minutes_active", 0, MAX_MINUTES), self._int("minutes_total", 0, MAX_MINUTES)
        if active > total:
            raise self.fail(f"minutes_active ({active}) is more than minutes_total ({total}); the total "
                            "includes the active time", key="minutes_active")
        return _Dish(
            dish_id=dish_id, name=self._text("name"), roles=self._roles(),
            servings=self._int("servings", 1, MAX_USER_SERVINGS if self.user else MAX_SERVINGS),
            cuisine=self._text("cuisine"),
            minutes_active=active, minutes_total=total, ingredients=ingredients, steps=steps,
            notes=self._text("notes", required=False), reference=self._reference(),
            reference_note=self._text("reference_note", required=False),
            path=self.source.path, line=self.source.dish_line(dish_id) or self.source.block_line(self.index),
            unmatched=self._unmatched(),
        )

    def _text(self, key: str, *, required: bool = True) -> str:
        value = self.block.get(key, "")
        if not isinstance(value, str):
            raise self.fail(f"{key} must be text in quotes, e.g. {key} = \"...\"", key=key)
        value = value.strip()
        if required and not value:
            raise self.fail(f"{key} is empty; write e.g. {key} = \"...\"", key=key)
        return value

    def _int(self, key: str, lo: int, hi: int) -> int:
        value = self.block.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(f"{key} = {value!r}; it must be a whole number from {lo} to {hi}", key=key)
        return int(value)

    def _roles(self) -> tuple[str, ...]:
        roles = self.block.get("roles")
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list) or not roles:
            raise self.fail(f"roles must be a list such as [\"main\"]; roles are {', '.join(ROLES)}", key="roles")
        for role in roles:
            if role not in ROLES:
                raise self.fail(f"unknown role {role!r}; use one or more of {', '.join(ROLES)}", key="roles")
        return tuple(r for r in ROLES if r in roles)

    def _reference(self) -> str:
        ref = self._text("reference", required=False)
        if ref and self.references and ref not in self.references:
            close = difflib.get_close_matches(ref, self.references, n=3, cutoff=0.5)
            hint = f"; close: {'; '.join(close)}" if close else ""
            raise self.fail(f"reference {ref!r} is not a description in fndds_survey_foods.csv{hint}",
                            key="reference")
        return ref

    def _ingredients(self) -> tuple[_Ingredient, ...]:
        raw = self.block.get("ingredients")
        lines = [t.strip() for t in raw.splitlines()] if isinstance(raw, str) else []
        lines = [t for t in lines if t and not t.startswith("#")]
        if not lines:  # empty, or comments only
            raise self.fail('ingredients must be a text block of lines "food_id grams [household measure]", '
                            'e.g. "oats_rolled_dry 40 1/2 cup"', key="ingredients")
        seen: set[str] = set()
        return tuple(self._ingredient(text, self.source.line_of_text(self.index, text), seen) for text in lines)

    def _ingredient(self, text: str, line: int | None, seen: set[str]) -> _Ingredient:
        parts = text.split(None, 2)
        if len(parts) < 2:
            raise self.fail(f"ingredient line {text!r} needs a food_id and grams per serving, e.g. "
                            "'olive_oil 7 1/2 tbsp'", line=line)
        food_id, grams_text = parts[0], parts[1]
        if food_id not in self.foods.index:
            close = difflib.get_close_matches(food_id, [str(i) for i in self.foods.index], n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; 'magplan foods list' shows the food_ids"
            raise self.fail(f"unknown food_id '{food_id}'{hint}", line=line)
        try:
            grams = float(grams_text)
        except ValueError:
            grams = float("nan")
        if not (0 < grams <= MAX_INGREDIENT_G):
            raise self.fail(f"'{food_id}' has grams {grams_text!r}; write the grams per serving as a number "
                            f"above 0 and at most {MAX_INGREDIENT_G:.0f}, e.g. 40", line=line)
        if food_id in seen:
            raise self.fail(f"'{food_id}' is listed twice; add the grams into one line", line=line)
        seen.add(food_id)
        return _Ingredient(food_id, grams, parts[2].strip() if len(parts) > 2 else "", line)

    def _unmatched(self) -> tuple[Unmatched, ...]:
        raw = self.block.get("unmatched", "")
        if not isinstance(raw, str):
            raise self.fail('unmatched must be a text block of lines "LINE GRAMS TEXT", e.g. "12 ? Salt to taste"',
                            key="unmatched")
        out: list[Unmatched] = []
        for text in (t.strip() for t in raw.strip().splitlines()):
            if not text:
                continue
            found = UNMATCHED_RE.match(text)
            line = self.source.line_of_text(self.index, text)
            if not found:
                raise self.fail(f"unmatched line {text!r} must read LINE GRAMS TEXT, GRAMS per serving or '?', "
                                "e.g. '12 ? Salt to taste'", line=line)
            grams = None if found.group(2) == "?" else float(found.group(2))
            if grams is not None and not 0 < grams <= MAX_INGREDIENT_G:
                raise self.fail(f"unmatched line {text!r} has {grams:g} g; write grams per serving above 0 and at "
                                f"most {MAX_INGREDIENT_G:.0f}, or '?'", line=line)
            out.append(Unmatched(int(found.group(1)), grams, found.group(3).strip()))
        return tuple(out)

    def _steps(self, n_ingredients: int) -> tuple[str, ...]:
        raw = self.block.get("steps", "")
        if not isinstance(raw, str):
            raise self.fail("steps must be a text block, one step per line", key="steps")
        steps = tuple(s.strip() for s in raw.strip().splitlines() if s.strip())
        if self.user:  # a person's own recipe keeps its steps as written (or none)
            if len(steps) > MAX_USER_STEPS:
                raise self.fail(f"{len(steps)} steps; a dish of your own has at most {MAX_USER_STEPS}", key="steps")
            return steps
        lo, hi = STEPS_RANGE
        if n_ingredients > 1 and not lo <= len(steps) <= hi:
            raise self.fail(f"{len(steps)} step(s); a dish of several ingredients has {lo} to {hi} short steps, "
                            "one per line", key="steps")
        if len(steps) > hi:
            raise self.fail(f"{len(steps)} steps; write at most {hi}", key="steps")
        return steps


# --- deriving ------------------------------------------------------------------------------------
def _dish_row(dish: _Dish, derived: dict[str, Any]) -> dict[str, Any]:
    return {
        "dish_id": dish.dish_id, "name": dish.name, "roles": "|".join(dish.roles), "servings": dish.servings,
        "cuisine": dish.cuisine, "minutes_active": dish.minutes_active, "minutes_total": dish.minutes_total,
        "steps": "\n".join(dish.steps), "notes": dish.notes, "reference": dish.reference,
        "reference_note": dish.reference_note, "source_path": dish.path, "source_line": dish.line,
        "unmatched": "\n".join(f"{u.line} {'?' if u.grams is None else f'{u.grams:g}'} {u.text}"
                               for u in dish.unmatched),
        "unmatched_lines": len(dish.unmatched),
        **derived,
    }


# --- the public loader ---------------------------------------------------------------------------
def load_dishes(foods: pd.DataFrame, paths: Iterable[Path | str] | None = None, *,
                user_path: Path | str | None = None, references: Sequence[str] | None = None) -> DishTables:
    """Read and check dish files and derive every number from ``foods`` (indexed by food_id).

    ``paths`` defaults to the shipped library (foods/dishes/*.toml); ``user_path`` adds the person's own
    dish file when it exists (an id there may not repeat a shipped one). ``references`` are the FNDDS
    descriptions a ``reference`` may name (default: the shipped fndds_survey_foods.csv).
    Needs the food-table columns name, fdc_id, category, diet_tags, allergens, price_usd_per_100g and the
    nutrients. Raises DishTableError naming the file, line and dish.
    """
    files = [Path(p) for p in (dish_files() if paths is None else paths)]
    mine = Path(user_path) if user_path is not None and Path(user_path).is_file() else None
    if mine is not None:
        files.append(mine)
    if references is None:
        from foods.load import load_fndds

        references = load_fndds().index.tolist()
    refs = frozenset(references)
    dishes: list[_Dish] = []
    first_seen: dict[str, _Dish] = {}
    for path in files:
        source, blocks = _parse_file(path)
        for index, block in enumerate(blocks):
            dish = _Checker(source, index, block, foods, refs, user=path == mine).check()
            if dish.dish_id in first_seen:
                prev = first_seen[dish.dish_id]
                raise DishTableError(f"duplicate id; it is already used at {prev.path} line {prev.line}; "
                                     "every dish_id must be unique", path=dish.path, line=dish.line, dish=dish.dish_id)
            first_seen[dish.dish_id] = dish
            dishes.append(dish)
    if not dishes:
        raise DishTableError("no dishes found; add [[dish]] blocks", path=", ".join(map(str, files)) or None)
    return _tables(dishes, foods)


def _tables(dishes: Sequence[_Dish], foods: pd.DataFrame) -> DishTables:
    rows = FoodRows(foods)
    table = pd.DataFrame([_dish_row(d, derived) for d, derived in zip(dishes, derive_all(dishes, rows))])
    table = table.set_index("dish_id")
    for col in ("name", "roles", "cuisine", "steps", "notes", "reference", "reference_note", "diet_tags",
                "allergens", "groups", "protein_kinds", "source_path", "unmatched"):
        table[col] = table[col].astype("string")
    fdc_ids, names = foods["fdc_id"].to_numpy(), foods["name"].astype(str).to_numpy()
    ingredients = pd.DataFrame([
        {"dish_id": d.dish_id, "position": n, "food_id": i.food_id, "fdc_id": fdc_ids[rows.position[i.food_id]],
         "name": names[rows.position[i.food_id]], "grams": i.grams, "household": i.household}
        for d in dishes for n, i in enumerate(d.ingredients, start=1)])
    ingredients["fdc_id"] = ingredients["fdc_id"].astype("Int64")
    return DishTables(table, ingredients)


# --- filtering and records -----------------------------------------------------------------------
def filter_dishes(dishes: pd.DataFrame, ingredients: pd.DataFrame, *, role: str | None = None,
                  diet: str = "omnivore", avoid: Iterable[str] = (), exclude_foods: Iterable[str] = (),
                  cuisine: str | None = None, max_minutes: int | None = None) -> pd.DataFrame:
    """The dishes that fit a role, a diet, the allergens to avoid and the foods to leave out."""
    if diet not in DIETS:
        raise DishTableError(f"unknown diet {diet!r}; use one of {', '.join(DIETS)}")
    avoid = tuple(avoid)
    bad = [a for a in avoid if a not in ALLERGENS]
    if bad:
        raise DishTableError(f"unknown allergen {bad[0]!r}; use one of {', '.join(ALLERGENS)}")
    keep = pd.Series(True, index=dishes.index)
    if role is not None:
        if role not in ROLES:
            raise DishTableError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        keep &= dishes["roles"].map(lambda v: role in split_tags(v)).astype(bool)
    keep &= pd.Series([food_allowed(t, a, diet=diet, avoid=avoid)
                       for t, a in zip(dishes["diet_tags"], dishes["allergens"])], index=dishes.index)
    excluded = set(exclude_foods)
    if excluded:
        hit = set(ingredients.loc[ingredients["food_id"].isin(excluded), "dish_id"])
        keep &= ~dishes.index.isin(hit)
    if cuisine is not None:
        keep &= dishes["cuisine"].str.lower() == cuisine.lower()
    if max_minutes is not None:
        keep &= dishes["minutes_total"] <= max_minutes
    return dishes[keep.to_numpy()]


RECORD_NUTRIENTS: tuple[str, ...] = (
    "magnesium_mg", "energy_kcal", "protein_g", "fiber_g", "sodium_mg", "iron_mg", "calcium_mg",
    "potassium_mg", "vitamin_d_ug", "vitamin_b12_ug",
)


def _clean(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 3)
    if isinstance(value, np.integer):
        return int(value)
    if value is pd.NA:
        return None
    return value


def dish_record(tables: DishTables, dish_id: str) -> dict[str, Any]:
    """The JSON-ready description of one dish: written fields, per-serving values, tags and ingredients."""
    if dish_id not in tables.dishes.index:
        close = difflib.get_close_matches(dish_id, [str(i) for i in tables.dishes.index], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'magplan dishes list' shows the ids"
        raise DishTableError(f"no dish '{dish_id}'{hint}")
    row = tables.dishes.loc[dish_id]
    ing = tables.ingredients[tables.ingredients["dish_id"] == dish_id].sort_values("position")
    values = {n: _clean(row[n]) for n in (*RECORD_NUTRIENTS, "cost_usd")}
    return {
        "dish_id": dish_id, "name": str(row["name"]), "roles": list(split_tags(row["roles"])),
        "servings": int(row["servings"]), "minutes_active": int(row["minutes_active"]),
        "minutes_total": int(row["minutes_total"]), "cuisine": str(row["cuisine"]),
        "steps": [s for s in str(row["steps"]).split("\n") if s],
        **values,
        "measured": {n: _clean(row[MEASURED_PREFIX + n]) for n in values},
        "diet_tags": list(split_tags(row["diet_tags"])), "allergens": list(split_tags(row["allergens"])),
        "groups": list(split_tags(row["groups"])),
        "grams": _clean(row["grams"]),
        "ingredients": [{"food_id": str(r.food_id), "fdc_id": None if pd.isna(r.fdc_id) else int(r.fdc_id),
                         "name": str(r.name), "grams": _clean(r.grams), "household": str(r.household)}
                        for r in ing.itertuples(index=False)],
        "notes": str(row["notes"]), "reference": str(row["reference"]) or None,
        "unmatched": [{"line": u.line, "grams": u.grams, "text": u.text}
                      for u in parse_unmatched(str(row.get("unmatched", "") or ""))],
    }


def parse_unmatched(text: str) -> list[Unmatched]:
    """The dish table's ``unmatched`` column (lines "LINE GRAMS TEXT", as written) back into Unmatched rows."""
    out = []
    for line in text.splitlines():
        found = UNMATCHED_RE.match(line.strip())
        if found:
            grams = None if found.group(2) == "?" else float(found.group(2))
            out.append(Unmatched(int(found.group(1)), grams, found.group(3)))
    return out


# --- plausibility: what a cook would serve -------------------------------------------------------
# Per-serving energy range by role (kcal), and the other limits a dish must keep (see dishes/README.md).
ROLE_KCAL: dict[str, tuple[float, float]] = {
    "breakfast": (250.0, 700.0), "main": (350.0, 900.0), "snack": (80.0, 400.0), "side": (15.0, 350.0),
}
MAIN_MIN_PROTEIN_G = 15.0
MAX_SODIUM_MG = 1100.0
MAX_NUT_SEED_INGREDIENT_G = 36.0
MAX_NUT_SEED_TOTAL_G = 45.0
# A dish's energy per 100 g within this factor of its FNDDS reference, and its magnesium per 100 g within
# REFERENCE_MAGNESIUM_FACTOR, unless its reference_note says why it is further away.
REFERENCE_ENERGY_FACTOR = 1.5
REFERENCE_MAGNESIUM_FACTOR = 2.5


def reference_ratios(tables: DishTables, fndds: pd.DataFrame) -> pd.DataFrame:
    """Per dish with a reference: energy and magnesium per 100 g, the reference's, and the ratios."""
    d = tables.dishes[tables.dishes["reference"].fillna("") != ""]
    ref = fndds.loc[d["reference"].astype(str)]
    out = pd.DataFrame({
        "reference": d["reference"],
        "energy_kcal_per_100g": d["energy_kcal"] / d["grams"] * 100,
        "ref_energy_kcal_per_100g": ref["energy_kcal"].to_numpy(),
        "magnesium_mg_per_100g": d["magnesium_mg"] / d["grams"] * 100,
        "ref_magnesium_mg_per_100g": ref["magnesium_mg"].to_numpy(),
    }, index=d.index)
    out["energy_ratio"] = out["energy_kcal_per_100g"] / out["ref_energy_kcal_per_100g"]
    out["magnesium_ratio"] = out["magnesium_mg_per_100g"] / out["ref_magnesium_mg_per_100g"]
    out["outside"] = ~(_within(out["energy_ratio"], REFERENCE_ENERGY_FACTOR)
                       & _within(out["magnesium_ratio"], REFERENCE_MAGNESIUM_FACTOR))
    return out


def _within(ratio: pd.Series, factor: float) -> pd.Series:
    return (ratio >= 1.0 / factor) & (ratio <= factor)


def plausibility_problems(tables: DishTables, foods: pd.DataFrame, fndds: pd.DataFrame) -> list[str]:
    """Every way a dish falls outside what a cook would serve (empty list: the library is plausible)."""
    problems: list[str] = []
    d = tables.dishes
    for dish_id, row in d.iterrows():
        for role in split_tags(row["roles"]):
            lo, hi = ROLE_KCAL[role]
            if not lo <= row["energy_kcal"] <= hi:
                problems.append(f"{dish_id}: {row['energy_kcal']:.0f} kcal per serving; a {role} has {lo:.0f}-{hi:.0f}")
        if "main" in split_tags(row["roles"]) and row["protein_g"] < MAIN_MIN_PROTEIN_G:
            problems.append(f"{dish_id}: {row['protein_g']:.1f} g protein; a main has at least {MAIN_MIN_PROTEIN_G:.0f} g")
        if row["sodium_mg"] > MAX_SODIUM_MG:
            problems.append(f"{dish_id}: {row['sodium_mg']:.0f} mg sodium per serving; at most {MAX_SODIUM_MG:.0f}")
    ing = tables.ingredients.assign(category=foods.loc[tables.ingredients["food_id"], "category"].to_numpy())
    nuts = ing[ing["category"].isin(["nuts", "seeds"])]
    for r in nuts[nuts["grams"] > MAX_NUT_SEED_INGREDIENT_G].itertuples():
        problems.append(f"{r.dish_id}: {r.grams:g} g of {r.food_id}; one nut or seed ingredient is at most "
                        f"{MAX_NUT_SEED_INGREDIENT_G:g} g per serving")
    totals = nuts.groupby("dish_id")["grams"].sum()
    for dish_id, grams in totals[totals > MAX_NUT_SEED_TOTAL_G].items():
        problems.append(f"{dish_id}: {grams:g} g of nuts and seeds; at most {MAX_NUT_SEED_TOTAL_G:g} g per serving")
    ratios = reference_ratios(tables, fndds)
    notes = d["reference_note"].fillna("")
    for dish_id, r in ratios.iterrows():
        noted = bool(notes.get(dish_id, ""))
        if r["outside"] and not noted:
            problems.append(f"{dish_id}: energy x{r['energy_ratio']:.2f}, magnesium x{r['magnesium_ratio']:.2f} of "
                            f"'{r['reference']}'; bring it closer or say why in reference_note")
        elif noted and not r["outside"]:  # a note explains a real outlier; it is not a blanket exemption
            problems.append(f"{dish_id}: within tolerance of '{r['reference']}' (energy x{r['energy_ratio']:.2f}, "
                            f"magnesium x{r['magnesium_ratio']:.2f}); remove its reference_note")
    return problems


def load_all_dishes(foods: pd.DataFrame) -> DishTables:
    """The shipped library plus the person's own dishes (user_dishes.toml in the user data folder)."""
    from foods.paths import user_dishes_path

    return load_dishes(foods, user_path=user_dishes_path())
