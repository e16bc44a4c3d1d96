"""USDA FoodData Central (FDC) client: search, fetch and import foods into the user's food table.

Uses ``requests`` (as does foods.recipe_sources for recipe pages). Endpoints and response shapes follow the FDC API
v1 (OpenAPI spec ``fdc_api.yaml``, https://fdc.nal.usda.gov/api-guide.html):

- ``GET /v1/food/{fdcId}`` (``format=full`` or ``abridged``), ``POST /v1/foods`` (at most 20 ids),
  ``POST /v1/foods/search`` (``query``, ``dataType``, ``pageSize``, ``pageNumber``).
- Full foods: ``foodNutrients[].nutrient.{id, number, unitName}`` and ``amount``; abridged foods:
  ``foodNutrients[].{number, amount, unitName}``; search hits: ``foodNutrients[].{nutrientId,
  nutrientNumber, unitName, value}``. Nutrients are matched by FDC nutrient number or id, never by name.

The API key goes in the ``X-Api-Key`` header (api.data.gov accepts it there as well as in the query), so
it is never part of a URL, a log line, an error message or a cache file name. It is sent only to the
configured base URL's origin: redirects are followed by hand, and one to another scheme, host or port
(an https -> http downgrade included) is refused instead of carrying the key along.

Every call has a total deadline (``deadline_s``: connecting, retries, waits and reading the whole reply),
not only a per-read timeout, so a server that trickles a byte at a time cannot hold a command or the app.
Replies are cached on disk by the full request (base URL, method, path, query, body; never the key),
only after they were checked, and expire after ``cache_ttl_s``.
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
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence
from urllib.parse import urljoin, urlsplit

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
DATA_TYPES: tuple[str, ...] = schema.DATA_TYPES
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
DEADLINE_S = 30.0  # total seconds one call may take: connecting, retries, waits, reading the reply
MAX_REPLY_BYTES = 20 * 1024 * 1024  # a reply larger than this is refused (a batch of 20 full foods is < 1 MB)
CACHE_TTL_S = 7 * 24 * 3600.0  # cached replies are used for a week
_CACHE_FORMAT = 2

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
_MASS_IN_G = {"g": 1.0, "mg": 1e-3, "ug": 1e-6, "\u00b5g": 1e-6, "\u03bcg": 1e-6, "mcg": 1e-6}


class _Reply(NamedTuple):
    status: int
    headers: Mapping[str, str]
    data: bytes
    url: str


class _DeadlinePassed(Exception):
    """The total deadline of one call passed while waiting for (or reading) a reply."""


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, default ports filled in, for comparing where a request goes."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def same_origin(url: str, base_url: str) -> bool:
    """True if ``url`` has the scheme, host and port of ``base_url`` (where the API key may go)."""
    return _origin(url) == _origin(base_url) and _origin(url)[0] in ("http", "https")


def _try_id(value: Any) -> int | None:
    """An FDC id from a reply, or None when the reply's fdcId is not a positive whole number."""
    if isinstance(value, bool):
        return None
    try:
        fid = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return fid if fid > 0 else None


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
                 sleep: Callable[[float], None] = time.sleep, deadline_s: float = DEADLINE_S,
                 cache_ttl_s: float = CACHE_TTL_S, max_reply_bytes: int = MAX_REPLY_BYTES) -> None:
        key = api_key or os.environ.get("FDC_API_KEY") or ""
        self.using_demo_key = not key.strip()
        self._api_key = key.strip() or DEMO_KEY
        self.base_url = (base_url or os.environ.get("FDC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout_s = float(timeout_s)
        self.retries = max(0, int(retries))
        self.backoff_s = max(0.0, float(backoff_s))
        self.max_wait_s = max(0.0, float(max_wait_s))
        self.deadline_s = float(deadline_s)
        if not math.isfinite(self.deadline_s) or self.deadline_s <= 0:
            raise FDCError(f"the FoodData Central deadline must be a number of seconds above 0, e.g. {DEADLINE_S:g}")
        self.cache_ttl_s = max(0.0, float(cache_ttl_s))
        self.max_reply_bytes = int(max_reply_bytes)
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

        def check(reply: Any) -> str | None:
            if not isinstance(reply, dict) or not isinstance(reply.get("foods"), list):
                return "a search reply without a 'foods' list"
            return None

        reply = self._request("POST", "/v1/foods/search", body=body, check=check)
        hits = []
        for f in reply["foods"]:
            fid = _try_id(f.get("fdcId")) if isinstance(f, dict) else None
            if fid is None:  # a hit without a usable id cannot be imported: left out
                continue
            try:
                values = _nutrient_values(f)
            except _SHAPE_ERRORS:
                values = {"magnesium_mg": math.nan, "energy_kcal": math.nan}
            brand = f.get("brandOwner") or f.get("brandName") or None
            hits.append(SearchHit(
                fdc_id=fid, description=str(f.get("description", "")),
                data_type=str(f.get("dataType", "")), brand=None if brand is None else str(brand),
                magnesium_mg_per_100g=_plausible(values["magnesium_mg"], "mg"),
                energy_kcal_per_100g=_plausible(values["energy_kcal"], "kcal"),
            ))
        return hits

    def food(self, fdc_id: int | str, *, abridged: bool = False) -> dict:
        """One food by FDC id (``GET /v1/food/{fdcId}``), full shape unless ``abridged``."""
        fid = _parse_id(fdc_id)

        def check(reply: Any) -> str | None:
            if not isinstance(reply, dict) or _try_id(reply.get("fdcId")) != fid:
                return f"a reply for fdcId {fid} that is not that food"
            return None

        return self._request("GET", f"/v1/food/{fid}", params={"format": "abridged" if abridged else "full"},
                             what=f"fdcId {fid}", check=check)

    def foods(self, ids: Iterable[int | str]) -> list[dict]:
        """Full foods for many ids (``POST /v1/foods`` in batches of at most 20), in the order asked.

        Ids FDC does not know are left out (as FDC does); foods already cached cost no request.
        """
        wanted = list(dict.fromkeys(_parse_id(i) for i in ids))
        found: dict[int, dict] = {}
        missing = []
        for fid in wanted:
            cached = self._cache_get(self._cache_key("GET", f"/v1/food/{fid}", {"format": "full"}, None))
            if isinstance(cached, dict) and _try_id(cached.get("fdcId")) == fid:
                found[fid] = cached
            else:
                missing.append(fid)

        def check(reply: Any) -> str | None:
            return None if isinstance(reply, list) else "a batch reply that is not a list of foods"

        for start in range(0, len(missing), MAX_BATCH):
            batch = missing[start:start + MAX_BATCH]
            reply = self._request("POST", "/v1/foods", body={"fdcIds": batch, "format": "full"}, use_cache=False,
                                  check=check)
            for f in reply:
                fid = _try_id(f.get("fdcId")) if isinstance(f, dict) else None
                if fid is None or fid not in batch:  # not a food that was asked for: ignored, never cached
                    continue
                found[fid] = f
                self._cache_put(self._cache_key("GET", f"/v1/food/{fid}", {"format": "full"}, None), f)
        return [found[i] for i in wanted if i in found]

    # -- transport ---------------------------------------------------------------------------------
    def _cache_key(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any) -> str:
        # The whole request except the key: base URL, method, path, params and body.
        payload = json.dumps([self.base_url, method, path, sorted((params or {}).items()), body], sort_keys=True,
                             default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _cache_get(self, key: str) -> Any:
        """A cached reply younger than ``cache_ttl_s``; None when there is none (or it cannot be read)."""
        path = self.cache_dir / f"{key}.json"
        try:
            if path.stat().st_size > self.max_reply_bytes:
                return None
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != _CACHE_FORMAT:
            return None  # an older cache file (keyed without the base URL): fetched again
        saved = entry.get("saved_at")
        if isinstance(saved, bool) or not isinstance(saved, (int, float)) or not math.isfinite(saved):
            return None
        age = time.time() - saved
        if age < 0 or age > self.cache_ttl_s:
            return None
        return entry.get("reply")

    def _cache_put(self, key: str, value: Any) -> None:
        tmp = None
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": _CACHE_FORMAT, "saved_at": time.time(), "reply": value}, fh)
            os.replace(tmp, self.cache_dir / f"{key}.json")
            tmp = None
        except (OSError, ValueError, TypeError, RecursionError) as exc:  # only costs a request next time
            log.debug("FDC cache not written: %s", type(exc).__name__)
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)

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

    def _exchange(self, method: str, url: str, params: Mapping[str, Any] | None, body: Any,
                  deadline_at: float) -> _Reply:
        """One HTTP exchange, no redirect followed, the whole body read, within ``deadline_at`` (monotonic).

        The exchange runs in a helper thread so that the deadline holds in every phase (connecting,
        waiting for headers, a body that trickles in); at the deadline the connection is shut down.
        """
        box: dict[str, Any] = {}
        done = threading.Event()
        per_read = max(0.001, min(self.timeout_s, deadline_at - time.monotonic()))

        def work() -> None:
            response = None
            try:
                response = self.session.request(
                    method, url, params=dict(params or {}), json=body, timeout=(per_read, self.timeout_s),
                    headers={"X-Api-Key": self._api_key, "Accept": "application/json"},
                    allow_redirects=False, stream=True)
                box["response"] = response
                data = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > self.max_reply_bytes:
                        box["too_big"] = True
                        break
                box["reply"] = _Reply(response.status_code, response.headers, bytes(data), response.url or url)
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc
            finally:
                if response is not None:
                    response.close()
                done.set()

        worker = threading.Thread(target=work, name="fdc-request", daemon=True)
        worker.start()
        if not done.wait(max(0.0, deadline_at - time.monotonic())):
            response = box.get("response")
            if response is not None:
                try:
                    response.raw.shutdown()  # wakes the blocked read (urllib3 >= 2.3)
                except Exception:  # pragma: no cover - an older urllib3: the daemon thread ends on its timeout
                    pass
            raise _DeadlinePassed()
        if "error" in box:
            raise box["error"]
        if box.get("too_big"):
            raise self._error(f"FoodData Central sent a reply larger than {self.max_reply_bytes // (1024 * 1024)} MB "
                              f"to {method} {urlsplit(url).path}; it was not read (ask for fewer foods)", None)
        return box["reply"]

    def _request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
                 what: str | None = None, use_cache: bool = True,
                 check: Callable[[Any], str | None] | None = None) -> Any:
        """A checked JSON reply of FDC to one call, within ``deadline_s`` in total; cached if ``use_cache``.

        ``check(reply)`` returns None for a usable reply, else what is wrong with it (then nothing is cached
        and FDCError is raised).
        """
        key = self._cache_key(method, path, params, body)
        if use_cache:
            cached = self._cache_get(key)
            if cached is not None and (check is None or check(cached) is None):
                log.debug("FDC %s %s served from the cache", method, path)
                return cached
        if self.using_demo_key and not self._noted_demo:
            self._noted_demo = True
            log.info(DEMO_KEY_NOTE)
        deadline_at = time.monotonic() + self.deadline_s
        attempts = self.retries + 1
        last = ""
        for attempt in range(attempts):
            response: requests.Response | None = None
            reply, failure = self._send(method, path, params, body, deadline_at, attempt)
            if reply is None:
                last = failure
            elif reply.status == 200:
                return self._accept(reply, method, path, key if use_cache else None, check)
            else:
                response = self._retryable(reply, what or f"{method} {path}")
                last = ("rate limit reached (HTTP 429)" if reply.status == 429
                        else f"server error (HTTP {reply.status})")
            if attempt + 1 < attempts:
                wait = self._wait_s(attempt, response)
                if wait >= deadline_at - time.monotonic():
                    last += f"; no time left for another attempt within the {self.deadline_s:g} s deadline"
                    attempts = attempt + 1
                    break
                log.debug("FDC retry in %.2f s after: %s", wait, last)
                self._sleep(wait)
        hint = ("wait a while and try again" + ("; DEMO_KEY allows very few requests, set FDC_API_KEY to your own "
                                                "key" if self.using_demo_key else "")
                if "429" in last else "check your connection or try again later")
        raise self._error(f"FoodData Central at {self.base_url} did not answer {method} {path}: {last} "
                          f"after {attempts} attempt(s); {hint}", None)

    def _send(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, deadline_at: float,
              attempt: int) -> tuple[_Reply | None, str]:
        """(the reply, "") or (None, why there is none worth retrying); FDCError past the deadline or when the
        request itself is wrong."""
        try:
            self.requests_made += 1
            reply = self._follow(method, path, params, body, deadline_at)
        except _DeadlinePassed:
            raise self._error(f"FoodData Central at {self.base_url} did not answer {method} {path} completely "
                              f"within the {self.deadline_s:g} s deadline (attempt {attempt + 1}); check your "
                              "connection or try again later", None) from None
        except requests.Timeout:
            return None, f"no answer within {self.timeout_s:g} s"
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            return None, f"cannot connect ({type(exc).__name__})"
        except requests.RequestException as exc:
            raise FDCError(self._redact(f"the request to FoodData Central failed ({type(exc).__name__}); "
                                        f"check FDC_BASE_URL ({self.base_url})")) from None
        log.debug("FDC %s %s -> HTTP %s (attempt %d)", method, path, reply.status, attempt + 1)
        return reply, ""

    def _accept(self, reply: _Reply, method: str, path: str, cache_key: str | None,
                check: Callable[[Any], str | None] | None) -> Any:
        """The JSON of an HTTP 200 reply, checked, and cached under ``cache_key`` when given."""
        try:
            data = json.loads(reply.data)
        except (ValueError, RecursionError):
            raise self._error(f"FoodData Central sent a reply to {method} {path} that is not valid "
                              "JSON (or nested too deeply); try again later", reply.status) from None
        problem = check(data) if check is not None else None
        if problem:
            raise self._error(f"FoodData Central sent {problem} ({method} {path}); nothing was "
                              "kept; try again later", reply.status)
        if cache_key is not None:
            self._cache_put(cache_key, data)
        return data

    def _retryable(self, reply: _Reply, what: str) -> requests.Response:
        """The reply as a requests.Response (for Retry-After) when its status is worth retrying, else FDCError."""
        response = requests.Response()
        response.status_code = reply.status
        response.headers.update(reply.headers)
        response._content = reply.data
        if reply.status not in _RETRY_STATUSES:
            raise self._status_error(reply.status, response, what)
        return response

    def _follow(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any,
                deadline_at: float) -> _Reply:
        """Send one request and follow redirects only within the base URL's origin (the key goes nowhere else)."""
        url: str = self.base_url + path
        for _hop in range(MAX_REDIRECTS + 1):
            reply = self._exchange(method, url, params, body, deadline_at)
            if reply.status not in _REDIRECT_STATUSES:
                return reply
            location = reply.headers.get("Location")
            if not location:
                return reply  # a redirect without a target: reported as that HTTP status
            target = urljoin(reply.url, location)
            if not same_origin(target, self.base_url):
                scheme, host, port = _origin(target)
                raise self._error(
                    f"FoodData Central at {self.base_url} redirected {method} {path} to {scheme}://{host}"
                    f"{'' if port in (None, 80, 443) else f':{port}'}, another address; it was not followed because "
                    "the API key is sent only to the configured address (set FDC_BASE_URL to the new one if "
                    "FoodData Central moved)", reply.status)
            url, params = target, None  # the Location carries its own query
            if reply.status == 303 or (reply.status in (301, 302) and method == "POST"):
                method, body = "GET", None
        raise self._error(f"FoodData Central at {self.base_url} redirected {method} {path} more than "
                          f"{MAX_REDIRECTS} times; check FDC_BASE_URL", None)

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
def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


# What a reply of an unexpected shape raises while it is read (a list where an object belongs, ...).
_SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError, OverflowError)


def _plausible(value: float, unit: str) -> float | None:
    """A search hit's value per 100 g, or None when unknown or impossible (more than 100 g / 1000 kcal)."""
    column = "energy_kcal" if unit == "kcal" else "magnesium_mg"
    if math.isnan(value) or schema.impossible_amount(column, value):
        return None
    return value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _entries(food: Mapping[str, Any]) -> list[tuple[str | None, int | None, float, str]]:
    """(nutrient number, nutrient id, amount, unit) from the full, abridged or search-hit shape."""
    out = []
    for fn in _list(food.get("foodNutrients")):
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
        out.append((str(number).strip() if number is not None else None, nid_int, schema.number_or_nan(amount),
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
    amount = schema.number_or_nan(p.get("amount"))
    amount_s = _fmt(amount) if not math.isnan(amount) else "1"
    if desc and desc.lower() != "quantity not specified":
        return desc
    if unit_name and unit_name.lower() != "undetermined":
        return f"{amount_s} {unit_name}" + (f", {modifier}" if modifier else "")
    if modifier:
        return modifier if modifier[0].isdigit() else f"{amount_s} {modifier}"
    return ""


def _sequence(portion: Mapping[str, Any]) -> float:
    """A portion's sequenceNumber for sorting (unnumbered portions last)."""
    seq = schema.number_or_nan(portion.get("sequenceNumber"))
    return 1e9 if math.isnan(seq) else seq


def _serving(food: Mapping[str, Any], energy_kcal: float) -> tuple[str, float]:
    """(serving label, grams): the first sensible household portion, else 100 g.

    Sensible: a usable description, grams > 0, and at most 400 kcal and 500 g (one helping at a meal);
    if no portion qualifies, the smallest usable one. Branded foods use servingSize + householdServingFullText.
    """
    data_type = str(food.get("dataType") or "")
    if data_type == "Branded":
        size = schema.number_or_nan(food.get("servingSize"))
        unit = str(food.get("servingSizeUnit") or "").strip().lower()
        household = re.sub(r"\s+", " ", str(food.get("householdServingFullText") or "").strip())
        if size > 0 and unit in ("g", "grm", "gm", "ml", "mlt"):
            approx = " (ml taken as g)" if unit in ("ml", "mlt") else ""
            label = f"{household} ({_fmt(size)} g{approx})" if household else f"{_fmt(size)} g{approx}"
            return label, size
        return "100 g", 100.0
    portions = [p for p in _list(food.get("foodPortions")) if isinstance(p, dict)]
    portions.sort(key=_sequence)
    usable = []
    for p in portions:
        grams = schema.number_or_nan(p.get("gramWeight"))
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

    Nutrients per 100 g by FDC nutrient number or id (never by name), converted to the column's unit;
    NaN when FDC does not report one. Branded foods: foodNutrients are per 100 g; a nutrient only on the
    label (per serving) is scaled to 100 g. Category, form, slots, aisle, diet tags and allergens are
    guesses listed in ``guessed``. A physically impossible value (more than 100 g of anything per 100 g)
    raises FDCError naming the food and the nutrient, as does a reply of a shape that cannot be read.
    """
    if not isinstance(food_json, Mapping) or "fdcId" not in food_json:
        raise FDCError("not an FDC food: the reply has no fdcId")
    fdc_id = _parse_id(food_json["fdcId"])
    try:
        row = _food_row(food_json, fdc_id)
    except FDCError:
        raise
    except _SHAPE_ERRORS as exc:
        raise FDCError(f"FoodData Central sent fdcId {fdc_id} in a shape magplan cannot read "
                       f"({type(exc).__name__}); nothing was imported") from None
    for column in schema.NUTRIENT_COLUMNS:
        why = schema.impossible_amount(column, row[column])
        if why:
            name = row["usda_description"] or "no description"
            raise FDCError(f"FoodData Central reports {column} for fdcId {fdc_id} ({name}) as {why}; the food "
                           "was not imported (its unit is probably wrong)")
    return row


def _food_row(food_json: Mapping[str, Any], fdc_id: int) -> dict[str, Any]:
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
                per_serving = schema.number_or_nan(item.get("value"))
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
                fid = _try_id(f.get("fdcId"))
                if fid is not None:
                    fetched[fid] = f
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
