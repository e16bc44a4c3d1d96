"""USDA FoodData Central (FDC) client: search, fetch and import foods into the user's food table.

The only module of the project that uses ``requests``. Endpoints and response shapes follow the FDC API
v1 (OpenAPI spec ``fdc_api.yaml``, https://fdc.nal.usda.gov/api-guide.html):

- ``GET /v1/food/{fdcId}`` (``format=full`` or ``abridged``), ``POST /v1/foods`` (at most 20 ids),
  ``POST /v1/foods/search`` (``query``, ``dataType``, ``pageSize``, ``pageNumber``).
- Full foods: ``foodNutrients[].nutrient.{id, number, unitName}`` and ``amount``; abridged foods:
  ``foodNutrients[].{number, amount, unitName}``; search hits: ``foodNutrients[].{nutrientId,
  nutrientNumber, unitName, value}``. Nutrients are matched by FDC nutrient number or id, never by name.

The API key goes in the ``X-Api-Key`` header (api.data.gov accepts it there as well as in the query), so
it is never part of a URL, a log line, an error message or a cache file name.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import math
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd
import requests

from foods import schema
from foods.errors import FDCError
from foods.paths import fdc_cache_dir

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
DEMO_KEY = "DEMO_KEY"
DEMO_KEY_NOTE = ("using FoodData Central's DEMO_KEY, which allows only a few requests per hour; get a free key at "
                 "https://fdc.nal.usda.gov/api-key-signup.html and set FDC_API_KEY")
MAX_BATCH = 20
DATA_TYPES: tuple[str, ...] = ("Foundation", "SR Legacy", "Survey (FNDDS)", "Branded")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Nutrients that stand in when FDC lacks the column's own number (newer Foundation foods carry no 208):
# Atwater specific (958 / id 2048) before Atwater general (957 / id 2047) factors; "Sugars, Total" (269.3 /
# id 1063) and "Carbohydrate, by summation" (205.2 / id 1050) as Foundation reports them.
_FALLBACKS: dict[str, tuple[tuple[str, int], ...]] = {
    "energy_kcal": (("958", 2048), ("957", 2047)),
    "sugars_g": (("269.3", 1063),),
    "carbohydrate_g": (("205.2", 1050),),
}
# Branded labelNutrients (per serving) -> column, used only when foodNutrients (per 100 g) lack it.
_LABEL_NUTRIENTS: dict[str, str] = {
    "calories": "energy_kcal", "protein": "protein_g", "fat": "fat_g", "carbohydrates": "carbohydrate_g",
    "fiber": "fiber_g", "sugars": "sugars_g", "sodium": "sodium_mg", "calcium": "calcium_mg",
    "iron": "iron_mg", "potassium": "potassium_mg", "postassium": "potassium_mg",  # the spec's spelling too
}
_MASS_IN_G = {"g": 1.0, "mg": 1e-3, "ug": 1e-6, "µg": 1e-6, "mcg": 1e-6}


@dataclass(frozen=True)
class SearchHit:
    """One food of an FDC search result."""

    fdc_id: int
    description: str
    data_type: str
    brand: str | None
    magnesium_mg_per_100g: float | None
    energy_kcal_per_100g: float | None


# --- the client -----------------------------------------------------------------------------------
class FDCClient:
    """A small FoodData Central client: timeouts, retries with backoff, a disk cache, typed errors."""

    def __init__(self, api_key: str | None = None, base_url: str | None = None, *, timeout_s: float = 10,
                 retries: int = 3, backoff_s: float = 0.5, cache_dir: Path | str | None = None,
                 session: requests.Session | None = None, max_wait_s: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        key = api_key or os.environ.get("FDC_API_KEY") or ""
        self.using_demo_key = not key.strip()
        self._api_key = key.strip() or DEMO_KEY
        self.base_url = (base_url or os.environ.get("FDC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout_s = float(timeout_s)
        self.retries = max(0, int(retries))
        self.backoff_s = max(0.0, float(backoff_s))
        self.max_wait_s = max(0.0, float(max_wait_s))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else fdc_cache_dir()
        self.session = session or requests.Session()
        self._sleep = sleep
        self._noted_demo = False
        self.requests_made = 0

    def __repr__(self) -> str:  # never show the key
        return f"FDCClient(base_url={self.base_url!r}, demo_key={self.using_demo_key})"

    # -- public API --------------------------------------------------------------------------------
    def search(self, query: str, *, data_types: Sequence[str] | None = None, page_size: int = 25,
               page: int = 1) -> list[SearchHit]:
        """Foods matching ``query`` (``POST /v1/foods/search``), optionally of some FDC data types."""
        query = (query or "").strip()
        if not query:
            raise FDCError("the search needs some words, e.g. 'pumpkin seeds'")
        body: dict[str, Any] = {"query": query, "pageSize": int(page_size), "pageNumber": int(page)}
        if data_types:
            bad = [t for t in data_types if t not in DATA_TYPES]
            if bad:
                raise FDCError(f"unknown FDC data type {bad[0]!r}; use one of: {', '.join(DATA_TYPES)}")
            body["dataType"] = list(data_types)
        reply = self._request("POST", "/v1/foods/search", body=body)
        if not isinstance(reply, dict) or not isinstance(reply.get("foods"), list):
            raise FDCError("FoodData Central sent a search reply without a 'foods' list; try again later")
        hits = []
        for f in reply["foods"]:
            if not isinstance(f, dict) or "fdcId" not in f:
                continue
            values = _nutrient_values(f)
            hits.append(SearchHit(
                fdc_id=int(f["fdcId"]), description=str(f.get("description", "")),
                data_type=str(f.get("dataType", "")),
                brand=(f.get("brandOwner") or f.get("brandName") or None),
                magnesium_mg_per_100g=_none_if_nan(values["magnesium_mg"]),
                energy_kcal_per_100g=_none_if_nan(values["energy_kcal"]),
            ))
        return hits

    def food(self, fdc_id: int | str, *, abridged: bool = False) -> dict:
        """One food by FDC id (``GET /v1/food/{fdcId}``), full shape unless ``abridged``."""
        fid = _parse_id(fdc_id)
        reply = self._request("GET", f"/v1/food/{fid}", params={"format": "abridged" if abridged else "full"},
                              what=f"fdcId {fid}")
        if not isinstance(reply, dict) or "fdcId" not in reply:
            raise FDCError(f"FoodData Central sent a reply for fdcId {fid} that is not a food; try again later")
        return reply

    def foods(self, ids: Iterable[int | str]) -> list[dict]:
        """Full foods for many ids (``POST /v1/foods`` in batches of at most 20), in the order asked.

        Ids FDC does not know are left out (as FDC does); foods already cached cost no request.
        """
        wanted = list(dict.fromkeys(_parse_id(i) for i in ids))
        found: dict[int, dict] = {}
        missing = []
        for fid in wanted:
            cached = self._cache_get(self._cache_key("GET", f"/v1/food/{fid}", {"format": "full"}, None))
            if isinstance(cached, dict):
                found[fid] = cached
            else:
                missing.append(fid)
        for start in range(0, len(missing), MAX_BATCH):
            batch = missing[start:start + MAX_BATCH]
            reply = self._request("POST", "/v1/foods", body={"fdcIds": batch, "format": "full"}, use_cache=False)
            if not isinstance(reply, list):
                raise FDCError("FoodData Central sent a batch reply that is not a list of foods; try again later")
            for f in reply:
                if isinstance(f, dict) and "fdcId" in f:
                    fid = int(f["fdcId"])
                    found[fid] = f
                    self._cache_put(self._cache_key("GET", f"/v1/food/{fid}", {"format": "full"}, None), f)
        return [found[i] for i in wanted if i in found]

    # -- transport ---------------------------------------------------------------------------------
    def _cache_key(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any) -> str:
        # The key is never part of it: path, params and body only.
        payload = json.dumps([method, path, sorted((params or {}).items()), body], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _cache_get(self, key: str) -> Any:
        path = self.cache_dir / f"{key}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _cache_put(self, key: str, value: Any) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh)
            os.replace(tmp, self.cache_dir / f"{key}.json")
        except OSError as exc:  # a cache that cannot be written only costs a request next time
            log.debug("FDC cache not written: %s", type(exc).__name__)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _wait_s(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None:
            header = response.headers.get("Retry-After")
            if header:
                seconds: float | None
                try:
                    seconds = float(header)
                except ValueError:
                    try:  # an HTTP date
                        seconds = email.utils.parsedate_to_datetime(header).timestamp() - time.time()
                    except (TypeError, ValueError, OverflowError):
                        seconds = None
                if seconds is not None and math.isfinite(seconds):
                    return min(max(seconds, 0.0), self.max_wait_s)
        return min(self.backoff_s * (2 ** attempt), self.max_wait_s)

    def _request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
                 what: str | None = None, use_cache: bool = True) -> Any:
        key = self._cache_key(method, path, params, body)
        if use_cache:
            cached = self._cache_get(key)
            if cached is not None:
                log.debug("FDC %s %s served from the cache", method, path)
                return cached
        if self.using_demo_key and not self._noted_demo:
            self._noted_demo = True
            log.info(DEMO_KEY_NOTE)
        url = self.base_url + path
        attempts = self.retries + 1
        last = ""
        for attempt in range(attempts):
            response = None
            try:
                self.requests_made += 1
                response = self.session.request(
                    method, url, params=dict(params or {}), json=body, timeout=self.timeout_s,
                    headers={"X-Api-Key": self._api_key, "Accept": "application/json"})
            except requests.Timeout:
                last = f"no answer within {self.timeout_s:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last = f"cannot connect ({type(exc).__name__})"
            except requests.RequestException as exc:
                raise FDCError(self._redact(f"the request to FoodData Central failed ({type(exc).__name__}); "
                                            f"check FDC_BASE_URL ({self.base_url})")) from None
            if response is not None:
                status = response.status_code
                log.debug("FDC %s %s -> HTTP %s (attempt %d)", method, path, status, attempt + 1)
                if status == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        raise self._error(f"FoodData Central sent a reply to {method} {path} that is not valid "
                                          "JSON; try again later", status) from None
                    if use_cache:
                        self._cache_put(key, data)
                    return data
                if status not in _RETRY_STATUSES:
                    raise self._status_error(status, response, what or f"{method} {path}")
                last = ("rate limit reached (HTTP 429)" if status == 429
                        else f"server error (HTTP {status})")
            if attempt + 1 < attempts:
                wait = self._wait_s(attempt, response)
                log.debug("FDC retry in %.2f s after: %s", wait, last)
                self._sleep(wait)
        hint = ("wait a while and try again" + ("; DEMO_KEY allows very few requests, set FDC_API_KEY to your own "
                                                "key" if self.using_demo_key else "")
                if "429" in last else "check your connection or try again later")
        raise self._error(f"FoodData Central at {self.base_url} did not answer {method} {path}: {last} "
                          f"after {attempts} attempt(s); {hint}", None)

    def _error(self, message: str, status: int | None) -> FDCError:
        err = FDCError(self._redact(message))
        err.status = status  # type: ignore[attr-defined]
        return err

    def _status_error(self, status: int, response: requests.Response, what: str) -> FDCError:
        detail = ""
        try:
            data = response.json()
            if isinstance(data, dict):
                inner = data.get("error") if isinstance(data.get("error"), dict) else data
                detail = str(inner.get("message") or inner.get("code") or "")[:200]
        except ValueError:
            pass
        if status in (401, 403):
            msg = (f"FoodData Central refused the API key (HTTP {status}); set FDC_API_KEY to a valid key "
                   "(free at https://fdc.nal.usda.gov/api-key-signup.html)")
        elif status == 404:
            msg = (f"FoodData Central has no {what} (HTTP 404); find the right id with "
                   "'magplan foods search'")
        elif status == 400:
            msg = f"FoodData Central rejected the request for {what} (HTTP 400){': ' + detail if detail else ''}"
        else:
            msg = f"FoodData Central answered HTTP {status} for {what}{': ' + detail if detail else ''}"
        return self._error(msg, status)


def _parse_id(value: int | str) -> int:
    try:
        fid = int(str(value).strip())
    except ValueError:
        raise FDCError(f"'{value}' is not an FDC id; give the number FoodData Central shows, e.g. 170556") from None
    if fid <= 0:
        raise FDCError(f"'{value}' is not an FDC id; give a positive number, e.g. 170556")
    return fid


# --- nutrients --------------------------------------------------------------------------------------
def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def _entries(food: Mapping[str, Any]) -> list[tuple[str | None, int | None, float, str]]:
    """(nutrient number, nutrient id, amount, unit) from the full, abridged or search-hit shape."""
    out = []
    for fn in food.get("foodNutrients") or []:
        if not isinstance(fn, dict):
            continue
        nut = fn.get("nutrient")
        if isinstance(nut, dict):  # full: {"nutrient": {"id", "number", "unitName"}, "amount"}
            number, nid, unit, amount = nut.get("number"), nut.get("id"), nut.get("unitName"), fn.get("amount")
        else:  # abridged: {"number", "amount", "unitName"}; search: {"nutrientId", "nutrientNumber", "value"}
            number = fn.get("number", fn.get("nutrientNumber"))
            nid = fn.get("nutrientId")
            unit = fn.get("unitName")
            amount = fn.get("amount", fn.get("value"))
        try:
            nid_int = int(nid) if nid is not None else None
        except (TypeError, ValueError):
            nid_int = None
        out.append((str(number).strip() if number is not None else None, nid_int, _num(amount),
                    str(unit or "").strip().lower()))
    return out


def _convert(amount: float, unit: str, want: str) -> float:
    """Amount in ``unit`` as ``want`` (g/mg/ug, kcal/kJ); an unknown unit gives NaN, never a guess."""
    if not unit or unit == want:
        return amount
    if unit in _MASS_IN_G and want in _MASS_IN_G:
        return amount * _MASS_IN_G[unit] / _MASS_IN_G[want]
    if want == "kcal" and unit == "kj":
        return amount / 4.184
    return math.nan


def _nutrient_values(food: Mapping[str, Any]) -> dict[str, float]:
    """Column -> value per 100 g from foodNutrients, by FDC nutrient number or id; NaN if not reported."""
    entries = _entries(food)
    values: dict[str, float] = {}
    for column, (unit, number, nid) in schema.NUTRIENTS.items():
        value = math.nan
        for num, fid in ((str(number), nid), *_FALLBACKS.get(column, ())):
            for e_num, e_id, amount, e_unit in entries:
                if (e_num == num or e_id == fid) and not math.isnan(amount):
                    value = _convert(amount, e_unit, unit.lower())
                    break
            if not math.isnan(value):
                break
        values[column] = value
    return values


# --- servings -------------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:g}"


def _portion_label(p: Mapping[str, Any]) -> str:
    """Household label of one foodPortion: FNDDS portionDescription, Foundation measureUnit, SR modifier."""
    desc = re.sub(r"\s+", " ", str(p.get("portionDescription") or "")).strip()
    modifier = str(p.get("modifier") or "").strip()
    if modifier.isdigit():  # FNDDS portion codes ("10205", "90000") are not words
        modifier = ""
    unit = p.get("measureUnit") if isinstance(p.get("measureUnit"), dict) else {}
    unit_name = str(unit.get("name") or "").strip()
    amount = _num(p.get("amount"))
    amount_s = _fmt(amount) if not math.isnan(amount) else "1"
    if desc and desc.lower() != "quantity not specified":
        return desc
    if unit_name and unit_name.lower() != "undetermined":
        return f"{amount_s} {unit_name}" + (f", {modifier}" if modifier else "")
    if modifier:
        return modifier if modifier[0].isdigit() else f"{amount_s} {modifier}"
    return ""


def _serving(food: Mapping[str, Any], energy_kcal: float) -> tuple[str, float]:
    """(serving label, grams): the first sensible household portion, else 100 g.

    Sensible: a usable description, grams > 0, and at most 400 kcal and 500 g (one helping at a meal);
    if no portion qualifies, the smallest usable one. Branded foods use servingSize + householdServingFullText.
    """
    data_type = str(food.get("dataType") or "")
    if data_type == "Branded":
        size = _num(food.get("servingSize"))
        unit = str(food.get("servingSizeUnit") or "").strip().lower()
        household = re.sub(r"\s+", " ", str(food.get("householdServingFullText") or "").strip())
        if size > 0 and unit in ("g", "grm", "gm", "ml", "mlt"):
            approx = " (ml taken as g)" if unit in ("ml", "mlt") else ""
            label = f"{household} ({_fmt(size)} g{approx})" if household else f"{_fmt(size)} g{approx}"
            return label, size
        return "100 g", 100.0
    portions = [p for p in (food.get("foodPortions") or []) if isinstance(p, dict)]
    portions.sort(key=lambda p: (_num(p.get("sequenceNumber")) if not math.isnan(_num(p.get("sequenceNumber")))
                                 else 1e9))
    usable = []
    for p in portions:
        grams = _num(p.get("gramWeight"))
        label = _portion_label(p)
        if grams > 0 and label:
            usable.append((label, grams))
    for label, grams in usable:
        kcal = energy_kcal * grams / 100 if not math.isnan(energy_kcal) else 0.0
        if grams <= 500 and kcal <= 400:
            return f"{label}", grams
    if usable:
        return min(usable, key=lambda lg: lg[1])
    return "100 g", 100.0


# --- guesses the person can correct ---------------------------------------------------------------
_GROUP_CATEGORY: dict[str, str] = {
    "vegetables and vegetable products": "vegetables", "fruits and fruit juices": "fruit",
    "legumes and legume products": "legumes_soy", "baked products": "breads",
    "breakfast cereals": "breakfast_cereals", "finfish and shellfish products": "fish_seafood",
    "dairy and egg products": "dairy_alternatives", "beverages": "drinks", "fats and oils": "fats_oils",
    "sweets": "snacks_sweets", "snacks": "snacks_sweets", "spices and herbs": "condiments",
    "soups, sauces, and gravies": "condiments", "poultry products": "eggs_poultry_meat",
    "beef products": "eggs_poultry_meat", "pork products": "eggs_poultry_meat",
    "lamb, veal, and game products": "eggs_poultry_meat", "sausages and luncheon meats": "eggs_poultry_meat",
}
# (word starts in the description, category): the first match wins when the food group does not decide.
_KEYWORD_CATEGORY: tuple[tuple[tuple[str, ...], str], ...] = (
    (("chocolate, dark", "dark chocolate", "cacao", "cocoa"), "dark_chocolate"),
    (("spinach", "kale", "chard", "collard", "arugula", "lettuce", "greens"), "leafy_greens"),
    (("eggplant",), "vegetables"),
    (("soymilk", "soy milk", "almond milk", "oat milk", "rice milk"), "dairy_alternatives"),
    (("tofu", "tempeh", "edamame", "beans", "lentils", "chickpeas", "peas, split", "hummus"), "legumes_soy"),
    (("seed",), "seeds"),
    (("nuts", "almond", "cashew", "walnut", "pecan", "hazelnut", "pistachio", "peanut", "brazilnut"), "nuts"),
    (("cereal", "granola", "muesli"), "breakfast_cereals"),
    (("bread", "bagel", "tortilla", "muffin"), "breads"),
    (("brown rice", "whole wheat", "whole-wheat", "whole grain", "oat", "quinoa", "buckwheat", "barley", "bulgur",
      "millet", "amaranth", "teff", "sorghum", "wild rice", "spelt"), "whole_grains"),
    (("rice", "pasta", "spaghetti", "noodle", "couscous", "flour", "cornmeal"), "refined_grains"),
    (("fish", "salmon", "tuna", "sardine", "mackerel", "shrimp", "crab", "clam", "mussel", "oyster"),
     "fish_seafood"),
    (("egg", "chicken", "turkey", "beef", "pork", "lamb"), "eggs_poultry_meat"),
    (("oil", "butter", "margarine"), "fats_oils"),
    (("juice", "coffee", "tea", "beverage", "drink"), "drinks"),
    (("fruit", "apple", "banana", "berries", "raisin", "orange"), "fruit"),
    (("vegetable", "potato", "tomato", "carrot", "broccoli", "squash", "avocado"), "vegetables"),
)


def _words_re(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")")


_KEYWORD_RES = tuple((_words_re(words), category) for words, category in _KEYWORD_CATEGORY)


def _keyword_category(text: str) -> str | None:
    for pattern, category in _KEYWORD_RES:
        if pattern.search(text):
            return category
    return None


_CATEGORY_AISLE: dict[str, str] = {
    "leafy_greens": "produce", "vegetables": "produce", "fruit": "produce", "nuts": "bulk_and_nuts",
    "seeds": "bulk_and_nuts", "whole_grains": "grains_and_bakery", "refined_grains": "grains_and_bakery",
    "breads": "grains_and_bakery", "breakfast_cereals": "grains_and_bakery", "dark_chocolate": "pantry",
    "legumes_soy": "pantry", "fish_seafood": "meat_and_fish", "dairy_alternatives": "dairy_and_eggs",
    "eggs_poultry_meat": "meat_and_fish", "drinks": "drinks", "condiments": "pantry", "fats_oils": "pantry",
    "snacks_sweets": "pantry",
}
_CATEGORY_SLOTS: dict[str, str] = {
    "nuts": "breakfast|snack", "seeds": "breakfast|lunch|snack", "dark_chocolate": "snack",
    "fruit": "breakfast|snack", "snacks_sweets": "snack", "breakfast_cereals": "breakfast",
    "breads": "breakfast|lunch", "dairy_alternatives": "breakfast|snack", "drinks": "breakfast|lunch|snack",
    "leafy_greens": "lunch|dinner", "vegetables": "lunch|dinner", "legumes_soy": "lunch|dinner",
    "whole_grains": "breakfast|lunch|dinner", "refined_grains": "lunch|dinner", "fish_seafood": "lunch|dinner",
    "eggs_poultry_meat": "lunch|dinner", "condiments": "lunch|dinner", "fats_oils": "lunch|dinner",
}
_PLANT_CATEGORIES = frozenset({"leafy_greens", "vegetables", "fruit", "nuts", "seeds", "whole_grains",
                               "refined_grains", "legumes_soy"})
_ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    "tree_nuts": ("almond", "cashew", "walnut", "pecan", "hazelnut", "filbert", "pistachio", "macadamia",
                  "brazilnut", "brazil nut", "pine nut", "tree nut"),
    "peanuts": ("peanut",), "gluten": ("wheat", "barley", "rye", "spelt", "bread", "pasta", "spaghetti",
                                        "couscous", "bulgur", "semolina", "malt", "seitan"),
    "dairy": ("milk", "cheese", "yogurt", "butter", "cream", "whey", "casein", "lactose"),
    "soy": ("soy", "tofu", "tempeh", "edamame", "miso"), "egg": ("egg",),
    "sesame": ("sesame", "tahini"),
    "fish": ("fish", "salmon", "tuna", "sardine", "mackerel", "cod", "anchov", "trout", "halibut"),
    "shellfish": ("shrimp", "crab", "lobster", "clam", "mussel", "oyster", "scallop", "crustacean", "mollusk"),
}
_ALLERGEN_RES = {a: _words_re(words) for a, words in _ALLERGEN_WORDS.items()}
# Words that look like an allergen or an animal food but are not (for the dairy and egg checks).
_NOT_ANIMAL = ("soymilk", "soy milk", "almond milk", "oat milk", "rice milk", "coconut milk", "cocoa butter",
               "peanut butter", "almond butter", "nut butter", "seed butter", "butternut", "eggplant",
               "cream of tartar")
_ANIMAL_RE = _words_re(("meat", "beef", "pork", "chicken", "turkey", "lamb", "fish", "tuna", "salmon", "shrimp",
                        "egg", "milk", "cheese", "butter", "cream", "yogurt", "whey", "casein", "honey", "gelatin",
                        "anchov", "bacon", "lard", "broth", "ham", "veal", "duck", "crab", "clam", "oyster"))
GUESSED_COLUMNS = ("category", "form", "slots", "diet_tags", "allergens", "aisle", "main_item")


def _food_group(food: Mapping[str, Any]) -> str:
    cat = food.get("foodCategory")
    if isinstance(cat, dict):
        return str(cat.get("description") or "")
    if isinstance(cat, str):
        return cat
    wweia = food.get("wweiaFoodCategory")
    if isinstance(wweia, dict):
        return str(wweia.get("wweiaFoodCategoryDescription") or "")
    return str(food.get("brandedFoodCategory") or "")


def _without_look_alikes(text: str) -> str:
    for phrase in _NOT_ANIMAL:
        text = text.replace(phrase, " ")
    return text


def _guess_category(description: str, group: str) -> str:
    """Category from the SR/Foundation food group, refined by description words; else by words alone."""
    d, g = description.lower(), group.lower()
    kw = _keyword_category(d)
    if g == "nut and seed products":
        return "seeds" if "seed" in d else "nuts"
    if g == "vegetables and vegetable products":
        return "leafy_greens" if kw == "leafy_greens" else ("legumes_soy" if kw == "legumes_soy" else "vegetables")
    if "cereal grains" in g:
        return "whole_grains" if kw == "whole_grains" else "refined_grains"
    if g == "dairy and egg products":
        return "eggs_poultry_meat" if re.search(r"\begg(?!plant)", d) else "dairy_alternatives"
    if g in ("sweets", "snacks"):
        return "dark_chocolate" if kw == "dark_chocolate" else "snacks_sweets"
    if g in _GROUP_CATEGORY:
        return _GROUP_CATEGORY[g]
    return kw or _keyword_category(g) or "snacks_sweets"


def _guess_form(description: str, data_type: str) -> str:
    d = description.lower()
    if data_type == "Branded":
        return "prepared"
    if "canned" in d:
        return "canned"
    if "frozen" in d:
        return "frozen"
    if any(w in d for w in ("cooked", "boiled", "baked", "steamed", "braised", "grilled", "fried", "roasted",
                            "toasted", "stewed", "microwaved")):
        return "cooked"
    if any(w in d for w in ("dried", "dry", "dehydrated")):
        return "dry"
    return "raw"


def _guess_allergens(text: str, category: str) -> str:
    """Allergens named in the description (and Branded ingredients); errs towards flagging."""
    t = text.lower()
    clean = _without_look_alikes(t)
    found = {a for a, pattern in _ALLERGEN_RES.items() if pattern.search(clean if a in ("dairy", "egg") else t)}
    if category == "fish_seafood" and not found & {"fish", "shellfish"}:
        found.add("fish")
    if category == "nuts" and not found & {"tree_nuts", "peanuts"}:
        found.add("tree_nuts")
    return "|".join(a for a in schema.ALLERGENS if a in found)


def _guess_diet(text: str, category: str, data_type: str) -> str:
    """Conservative diet tags: '' (omnivore only) unless the food is plainly plant or plainly vegetarian.

    Plant categories without an animal word are vegan; dairy and eggs without meat or fish words are
    vegetarian; fish without meat words pescatarian. Branded products get '' (labels hide too much).
    """
    if data_type == "Branded":
        return ""
    t = _without_look_alikes(text.lower())
    animal = bool(_ANIMAL_RE.search(t))
    meat = bool(re.search(r"\b(?:meat|beef|pork|chicken|turkey|lamb|veal|duck|bacon|ham|lard|gelatin|broth)", t))
    if category in _PLANT_CATEGORIES and not animal:
        return "vegan|vegetarian|pescatarian"
    if category in ("dairy_alternatives", "eggs_poultry_meat") and not meat and not re.search(r"\bfish", t):
        if re.search(r"\b(?:egg|milk|cheese|yogurt|cream|butter|whey)", t) or category == "dairy_alternatives":
            return "vegetarian|pescatarian" if animal else "vegan|vegetarian|pescatarian"
    if category == "fish_seafood" and not meat:
        return "pescatarian"
    return ""


def slugify(text: str, *, max_len: int = 64) -> str:
    """ASCII slug: lower-case letters, digits and '_' (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:max_len].rstrip("_")


def food_id_for(fdc_id: int, description: str) -> str:
    """A unique, readable food_id: 'fdc_<id>_<slug of the description>' (at most 64 characters)."""
    prefix = f"fdc_{int(fdc_id)}"
    slug = slugify(description, max_len=63 - len(prefix))
    return f"{prefix}_{slug}" if slug else prefix


def _friendly_name(description: str, data_type: str, brand: str | None) -> str:
    name = re.sub(r"\s+", " ", description).strip() or "Unnamed food"
    if data_type == "Branded":
        if name.isupper():
            name = name.capitalize()
        if brand:
            name = f"{name} ({brand.strip()})"
    return name


def food_to_row(food_json: Mapping[str, Any]) -> dict[str, Any]:
    """A user food-table row (``food_id`` + the columns of ``schema.COLUMNS`` + ``guessed``) for one FDC food.

    Nutrients per 100 g by FDC nutrient number or id (never by name); NaN when FDC does not report one.
    Branded foods: foodNutrients are per 100 g; a nutrient only on the label (per serving) is scaled to
    100 g. Category, form, slots, aisle, diet tags and allergens are guesses listed in ``guessed``.
    """
    if not isinstance(food_json, Mapping) or "fdcId" not in food_json:
        raise FDCError("not an FDC food: the reply has no fdcId")
    fdc_id = _parse_id(food_json["fdcId"])
    data_type = str(food_json.get("dataType") or "")
    description = re.sub(r"\s+", " ", str(food_json.get("description") or "")).strip()
    brand = food_json.get("brandOwner") or food_json.get("brandName") or None
    values = _nutrient_values(food_json)
    serving_label, serving_g = _serving(food_json, values["energy_kcal"])
    labels = food_json.get("labelNutrients")
    if data_type == "Branded" and isinstance(labels, dict) and serving_g > 0 and serving_label != "100 g":
        for key, column in _LABEL_NUTRIENTS.items():
            item = labels.get(key)
            if math.isnan(values[column]) and isinstance(item, dict):
                per_serving = _num(item.get("value"))
                if not math.isnan(per_serving):
                    values[column] = per_serving * 100.0 / serving_g
    group = _food_group(food_json)
    category = _guess_category(description, group)
    text = " ".join([description, str(food_json.get("ingredients") or "")])
    form = _guess_form(description, data_type)
    name = _friendly_name(description, data_type, brand)
    row: dict[str, Any] = {
        "food_id": food_id_for(fdc_id, description),
        "name": name, "fdc_id": fdc_id, "data_type": data_type or "SR Legacy",
        "usda_description": description, "category": category, "form": form,
        "serving_label": serving_label, "serving_g": float(serving_g),
        "slots": ("breakfast|lunch|dinner" if category == "eggs_poultry_meat" and re.search(r"\begg(?!plant)",
                                                                                            description.lower())
                  else _CATEGORY_SLOTS.get(category, "lunch|dinner")),
        "diet_tags": _guess_diet(text, category, data_type),
        "allergens": _guess_allergens(text, category),
        "aisle": "frozen" if form == "frozen" else _CATEGORY_AISLE.get(category, "pantry"),
        "main_item": category not in ("condiments", "fats_oils", "drinks"),
        "max_servings_per_meal": 2.0, "purchase_unit": "100 g", "purchase_unit_g": 100.0,
        "buy_as": name, "buy_g_per_g": 1.0, "price_usd_per_100g": math.nan, "price_source": "none",
        "price_ref": "", "price_year": pd.NA,
        **{column: values[column] for column in schema.NUTRIENT_COLUMNS},
        "guessed": "|".join(GUESSED_COLUMNS),
    }
    return row


# --- import -----------------------------------------------------------------------------------------
def import_foods(ids: Iterable[int | str], *, client: FDCClient | None = None, path: Path | str | None = None,
                 progress: Callable[[int, int, int], None] | None = None) -> pd.DataFrame:
    """Fetch FDC foods and write them into the user food table; return the imported rows (validated).

    All foods are fetched first; if any fails or is unknown nothing is written. A food already in the
    table (same fdc_id) keeps its food_id and the person's corrections; its USDA values are refreshed.
    ``progress(done, total, fdc_id)`` is called after each food is fetched.
    """
    from foods.user import add_user_foods

    wanted = list(dict.fromkeys(_parse_id(i) for i in ids))
    if not wanted:
        raise FDCError("no FDC id given; e.g. 'magplan foods import 170556'")
    client = client or FDCClient()
    fetched: dict[int, dict] = {}
    if len(wanted) == 1:
        fetched[wanted[0]] = client.food(wanted[0])
        if progress:
            progress(1, 1, wanted[0])
    else:
        for start in range(0, len(wanted), MAX_BATCH):
            batch = wanted[start:start + MAX_BATCH]
            for f in client.foods(batch):
                fetched[int(f["fdcId"])] = f
            for done, fid in enumerate(batch, start=start + 1):
                if progress:
                    progress(done, len(wanted), fid)
        unknown = [i for i in wanted if i not in fetched]
        if unknown:
            raise FDCError(f"FoodData Central has no food with fdcId {', '.join(map(str, unknown))}; nothing was "
                           "imported (find the right ids with 'magplan foods search')")
    rows = [food_to_row(fetched[i]) for i in wanted]
    table = add_user_foods(rows, path=path, refresh=True)
    ids_written = [r["fdc_id"] for r in rows]
    return table[table["fdc_id"].isin(ids_written)]
