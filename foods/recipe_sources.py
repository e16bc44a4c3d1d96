"""Read a recipe from where people keep them: a recipe page (saved or by URL), JSON-LD, Mealie, Tandoor, text.

Every source becomes a ``SourceRecipe``: the name, the ingredient lines as written, the steps, the yield,
categories and keywords, cuisine and minutes. Nothing is matched or converted here (see
``foods.recipe_import``).

- Recipe pages are read through their schema.org ``Recipe`` JSON-LD by ``recipe-scrapers``
  (``scrape_html(html, org_url=..., supported_only=False)``), which knows ``@graph`` pages, ``HowToStep`` and
  ``HowToSection`` lists and yields written as ``4`` or ``"4 servings"``. A JSON-LD file goes the same way.
- Mealie: a recipe's JSON (``recipeIngredient`` objects with ``originalText``/``display``) or the zip Mealie
  downloads (one ``<slug>.json`` per recipe, with images). Tandoor: ``recipe.json`` (``steps[].ingredients[]``
  with ``amount``, ``unit``, ``food``, ``note``) or its export zip (a zip of one zip per recipe).
- Text: a title line, one ingredient per line, then (after a blank line) the steps, one per line.
  A line "Serves 4" (or "Servings: 4") among the ingredients gives the yield.

Every file is read through ``foods.files.read_limited`` (5 MB at most); a zip member is read the same way, so
a small zip that unpacks into a huge file is refused too. A URL is fetched with ``requests`` with a timeout
and the same cap.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from foods.errors import RecipeImportError
from foods.files import MIB, read_limited, size_text

MAX_SOURCE_BYTES = 5 * MIB
FETCH_TIMEOUT_S = 20.0
MAX_ZIP_DEPTH = 2  # Tandoor: an export zip of one zip per recipe
MAX_ZIP_MEMBERS = 2000
SAVE_PAGE_HINT = "save the page in your browser (Ctrl+S, 'Webpage, HTML only') and import the .html file"


@dataclass(frozen=True)
class SourceRecipe:
    """A recipe as its source wrote it (ingredient lines and steps unparsed)."""

    name: str
    ingredients: tuple[str, ...]
    steps: tuple[str, ...] = ()
    servings: int | None = None
    categories: tuple[str, ...] = ()
    cuisine: str = ""
    minutes_active: int | None = None
    minutes_total: int | None = None
    source: str = ""


# --- small parsers ---------------------------------------------------------------------------------------
_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", re.I)


def minutes_of(value: Any) -> int | None:
    """Minutes from 15, '15', 'PT1H15M', '1 hour 15 minutes', '1h 15min'; None when there is no time."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(round(value)) if value >= 0 else None
    text = str(value).strip()
    if not text:
        return None
    iso = _ISO_DURATION.match(text)
    if iso and any(iso.groups()):
        d, h, m, s = (int(g or 0) for g in iso.groups())
        return d * 1440 + h * 60 + m + (1 if s >= 30 else 0)
    hours = re.search(r"(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\b", text, re.I)
    mins = re.search(r"(\d+)\s*(?:m|min|mins|minute|minutes)\b", text, re.I)
    if hours or mins:
        return int(round(float(hours.group(1)) * 60 if hours else 0)) + (int(mins.group(1)) if mins else 0)
    return int(text) if text.isdigit() else None


def servings_of(value: Any) -> int | None:
    """Servings from a recipeYield: 4, '4', '4 servings', ['4', '4 servings'], 'Serves 4-6' (the first number)."""
    if isinstance(value, (list, tuple)):
        for v in value:
            n = servings_of(v)
            if n:
                return n
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 1 else None
    found = re.search(r"\d+", str(value))
    return int(found.group()) if found and int(found.group()) >= 1 else None


def _texts(value: Any, key: str = "name") -> tuple[str, ...]:
    """Names from 'a, b', ['a', 'b'] or [{'name': 'a'}] (Mealie categories and tags, Tandoor keywords)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, Mapping):
            item = item.get(key) or item.get("name") or ""
        out.extend(_texts(str(item)) if item else ())
    return tuple(out)


def _clean_line(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lstrip("-*•·▢☐").strip()


def _recipe(name: Any, ingredients: Iterable[str], steps: Iterable[str], *, source: str,
            **fields: Any) -> SourceRecipe:
    lines = tuple(x for x in (_clean_line(i) for i in ingredients) if x)
    title = _clean_line(name or "")
    if not lines:
        raise RecipeImportError(f"{source}: the recipe {title!r} lists no ingredients; nothing to import")
    return SourceRecipe(name=title or "Imported recipe", ingredients=lines,
                        steps=tuple(x for x in (_clean_line(s) for s in steps) if x), source=source, **fields)


# --- recipe pages and JSON-LD ---------------------------------------------------------------------------
def _scraped(call: Callable[[], Any], default: Any) -> Any:
    try:
        value = call()
    except Exception:  # recipe-scrapers raises its own errors for a field the page lacks
        return default
    return default if value in (None, "") else value


def recipe_from_html(html: str, source: str) -> SourceRecipe:
    """The schema.org Recipe of a page; ``source`` is its URL or file name (a URL resolves the page's links)."""
    from recipe_scrapers import scrape_html

    url = source if "://" in source else "http://localhost/"
    try:
        page = scrape_html(html, org_url=url, supported_only=False)
        ingredients = page.ingredients()
    except Exception:
        raise RecipeImportError(f"{source or 'the page'}: no schema.org Recipe found on the page; open the recipe "
                                "itself (not a list of recipes), or paste its ingredient lines as text") from None
    steps = _scraped(page.instructions_list, [])
    category = _scraped(page.category, "")
    keywords = _scraped(page.keywords, [])
    return _recipe(_scraped(page.title, ""), ingredients, steps, source=source,
                   servings=servings_of(_scraped(page.yields, None)),
                   categories=_texts(category) + _texts(keywords), cuisine=", ".join(_texts(_scraped(page.cuisine, ""))),
                   minutes_active=_scraped(page.prep_time, None), minutes_total=_scraped(page.total_time, None))


def recipe_from_jsonld(data: Any, source: str) -> SourceRecipe:
    """A JSON-LD document (a Recipe, a list, or an @graph holding one) read like a page that embeds it."""
    script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    html = f'<html><head><script type="application/ld+json">{script}</script></head><body></body></html>'
    return recipe_from_html(html, source)


# --- Mealie and Tandoor ---------------------------------------------------------------------------------
def _is_mealie(d: Mapping[str, Any]) -> bool:
    return "recipeIngredient" in d and "@type" not in d and "@context" not in d


def _is_tandoor(d: Mapping[str, Any]) -> bool:
    return isinstance(d.get("steps"), list) and "name" in d and "recipeIngredient" not in d


def _mealie_line(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item or "")
    for key in ("originalText", "display"):
        if str(item.get(key) or "").strip():
            return str(item[key])
    if item.get("disableAmount"):
        return str(item.get("note") or "")
    unit = (item.get("unit") or {}).get("name", "") if isinstance(item.get("unit"), Mapping) else ""
    food = (item.get("food") or {}).get("name", "") if isinstance(item.get("food"), Mapping) else ""
    qty = item.get("quantity")
    return " ".join(str(p) for p in (f"{qty:g}" if isinstance(qty, (int, float)) and qty else "", unit, food,
                                     item.get("note") or "") if p)


def recipe_from_mealie(d: Mapping[str, Any], source: str) -> SourceRecipe:
    """A Mealie recipe JSON (API schema: recipeIngredient objects, recipeInstructions with 'text')."""
    steps = [s.get("text", "") if isinstance(s, Mapping) else str(s) for s in d.get("recipeInstructions") or []]
    return _recipe(d.get("name"), [_mealie_line(i) for i in d.get("recipeIngredient") or []], steps,
                   source=source, servings=servings_of(d.get("recipeServings")) or servings_of(d.get("recipeYield")),
                   categories=_texts(d.get("recipeCategory")) + _texts(d.get("tags")),
                   minutes_active=minutes_of(d.get("prepTime")), minutes_total=minutes_of(d.get("totalTime")))


def _tandoor_line(item: Mapping[str, Any]) -> str:
    if str(item.get("original_text") or "").strip():
        return str(item["original_text"])
    unit = (item.get("unit") or {}).get("name", "") if isinstance(item.get("unit"), Mapping) else ""
    food = (item.get("food") or {}).get("name", "") if isinstance(item.get("food"), Mapping) else ""
    amount = item.get("amount")
    qty = "" if item.get("no_amount") or not isinstance(amount, (int, float)) or not amount else f"{amount:g}"
    return " ".join(str(p) for p in (qty, "" if item.get("no_amount") else unit, food, item.get("note") or "") if p)


def recipe_from_tandoor(d: Mapping[str, Any], source: str) -> SourceRecipe:
    """A Tandoor recipe.json (export format: steps[] with instruction and ingredients[])."""
    lines, steps = [], []
    for step in d.get("steps") or []:
        if not isinstance(step, Mapping):
            continue
        steps.append(str(step.get("instruction") or ""))
        lines += [_tandoor_line(i) for i in step.get("ingredients") or []
                  if isinstance(i, Mapping) and not i.get("is_header")]
    working, waiting = minutes_of(d.get("working_time")), minutes_of(d.get("waiting_time"))
    total = (working or 0) + (waiting or 0) if working is not None or waiting is not None else None
    return _recipe(d.get("name"), lines, steps, source=source, servings=servings_of(d.get("servings")),
                   categories=_texts(d.get("keywords")), minutes_active=working, minutes_total=total)


# --- plain text ------------------------------------------------------------------------------------------
_SERVES = re.compile(r"^(?:serves|servings|makes|yield)\s*:?\s*(\d+)\b", re.I)


def recipe_from_text(text: str, source: str) -> SourceRecipe:
    """A title line, ingredient lines, a blank line, step lines ('Serves 4' among the ingredients)."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise RecipeImportError(f"{source}: the text is empty; write a title line, then one ingredient per line")
    title, rest = lines[0], lines[1:]
    while rest and not rest[0].strip():
        rest.pop(0)
    blank = next((n for n, ln in enumerate(rest) if not ln.strip()), len(rest))
    servings, ingredients = None, []
    for line in rest[:blank]:
        found = _SERVES.match(line.strip())
        if found:
            servings = int(found.group(1))
        else:
            ingredients.append(line)
    steps = [re.sub(r"^\d+[.)]\s*", "", s.strip()) for s in rest[blank:] if s.strip()]
    return _recipe(title, ingredients, steps, source=source, servings=servings)


# --- files, zips and URLs --------------------------------------------------------------------------------
def _json_recipes(data: Any, source: str) -> list[SourceRecipe]:
    if isinstance(data, Mapping) and _is_mealie(data):
        return [recipe_from_mealie(data, source)]
    if isinstance(data, Mapping) and _is_tandoor(data):
        return [recipe_from_tandoor(data, source)]
    if isinstance(data, (Mapping, list)):
        return [recipe_from_jsonld(data, source)]
    raise RecipeImportError(f"{source}: the JSON holds no recipe; give a schema.org Recipe, a Mealie or a "
                            "Tandoor recipe")


def recipes_from_bytes(data: bytes, source: str, *, depth: int = 0) -> list[SourceRecipe]:
    """Every recipe in a file's bytes: a zip, an HTML page, a JSON(-LD) document or a text list."""
    if data[:4] == b"PK\x03\x04":
        return _zip_recipes(data, source, depth)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecipeImportError(f"{source}: not a recipe page, JSON, zip or UTF-8 text file; export the recipe "
                                "again, or save the page as HTML") from None
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<head", "<?xml", "<meta", "<script")):
        return [recipe_from_html(text, source)]
    if head.startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecipeImportError(f"{source}: broken JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                                    "export the recipe again") from None
        return _json_recipes(doc, source)
    if "\x00" in text:
        raise RecipeImportError(f"{source}: a binary file, not a recipe; give a recipe page, JSON, zip or text")
    return [recipe_from_text(text, source)]


def _zip_recipes(data: bytes, source: str, depth: int) -> list[SourceRecipe]:
    if depth >= MAX_ZIP_DEPTH:
        return []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()][:MAX_ZIP_MEMBERS]
        out: list[SourceRecipe] = []
        for member in members:
            name = member.filename
            if not name.lower().endswith((".json", ".zip")) or Path(name).name.startswith("."):
                continue
            if member.file_size > MAX_SOURCE_BYTES:
                raise RecipeImportError(f"{source}: {name} unpacks to {size_text(member.file_size)}; a recipe "
                                        f"file up to {size_text(MAX_SOURCE_BYTES)} is accepted")
            with archive.open(member) as fh:
                inner = fh.read(MAX_SOURCE_BYTES + 1)
            if len(inner) > MAX_SOURCE_BYTES:
                raise RecipeImportError(f"{source}: {name} is larger than {size_text(MAX_SOURCE_BYTES)}")
            try:
                out += recipes_from_bytes(inner, f"{source}:{name}", depth=depth + 1)
            except RecipeImportError:
                if name.lower().endswith(".zip"):
                    raise
                continue  # a JSON file that is not a recipe (Mealie's database tables, settings)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise RecipeImportError(f"{source}: a broken zip file ({exc}); download the export again") from None
    if not out and depth == 0:
        raise RecipeImportError(f"{source}: the zip holds no recipe; export recipes from Mealie (a recipe's "
                                "zip or JSON) or Tandoor (Export, format 'Default') and import that file")
    return out


def read_recipe_file(path: Path | str) -> list[SourceRecipe]:
    """Every recipe in a file (a page, JSON-LD, a Mealie or Tandoor export, a text list), at most 5 MB."""
    path = Path(path)
    if not path.is_file():
        raise RecipeImportError(f"{path}: no such file; give a saved recipe page (.html), an export (.json, "
                                ".zip), a text file or a URL starting with https://")
    data = read_limited(path, MAX_SOURCE_BYTES, what="a recipe file", error=RecipeImportError)
    if not data.strip():
        raise RecipeImportError(f"{path}: the file is empty")
    return recipes_from_bytes(data, str(path))


def fetch_page(url: str, *, timeout_s: float = FETCH_TIMEOUT_S) -> str:
    """The HTML of a recipe page (http or https), at most 5 MB; RecipeImportError when it cannot be had."""
    import requests

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RecipeImportError(f"{url!r} is not a web address; give one starting with https://")
    try:
        with requests.get(url, timeout=(timeout_s, timeout_s), stream=True,
                          headers={"User-Agent": "magplan recipe import (+https://pypi.org/project/magplan)",
                                   "Accept": "text/html,application/xhtml+xml"}) as reply:
            if reply.status_code >= 400:
                raise RecipeImportError(f"{url}: the site answered {reply.status_code} {reply.reason}; check the "
                                        f"address, or {SAVE_PAGE_HINT}")
            body = b""
            for chunk in reply.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_SOURCE_BYTES:
                    raise RecipeImportError(f"{url}: the page is larger than {size_text(MAX_SOURCE_BYTES)}; "
                                            f"{SAVE_PAGE_HINT}")
            encoding = reply.encoding if reply.encoding and "charset" in reply.headers.get("content-type", "") \
                else "utf-8"
    except requests.Timeout:
        raise RecipeImportError(f"{url}: no answer within {timeout_s:g} s; try again later, or "
                                f"{SAVE_PAGE_HINT}") from None
    except requests.RequestException as exc:
        reason = type(exc).__name__
        raise RecipeImportError(f"{url}: cannot reach {parts.netloc} ({reason}; are you offline?); "
                                f"{SAVE_PAGE_HINT}") from None
    return body.decode(encoding, errors="replace")


def read_recipes(source: str) -> list[SourceRecipe]:
    """The recipes of SOURCE: a URL (fetched) or a file path."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        return [recipe_from_html(fetch_page(source), source)]
    return read_recipe_file(source)
