"""A stand-in FoodData Central server for the tests: real HTTP on 127.0.0.1, FDC API v1 response shapes.

Shapes follow the FDC OpenAPI spec (``fdc_api.yaml``: SRLegacyFoodItem, FoundationFoodItem,
BrandedFoodItem, AbridgedFoodItem, SearchResult) and real captured replies of ``/v1/food/{fdcId}``
and ``/v1/foods/search`` (nutrient entries ``{"type": "FoodNutrient", "id", "nutrient": {"id", "number",
"name", "rank", "unitName"}, "amount", "dataPoints", "foodNutrientDerivation"}``; SR Legacy portions
``{"id", "amount", "modifier", "gramWeight", "sequenceNumber", "measureUnit": {"id": 9999, "name":
"undetermined"}}``; search hits ``{"nutrientId", "nutrientName", "nutrientNumber", "unitName": "MG",
"value", ...}``; abridged ``{"number", "name", "amount", "unitName"}``).

SR Legacy foods are built from the shipped rows (``foods/data/usda_sr_legacy_foods.csv`` and
``_portions.csv``), so every number is USDA's; other foods come from ``tests/fdc_fixtures/*.json``.
The API key may come as the ``X-Api-Key`` header or the ``api_key`` query parameter, like api.data.gov.
"""
from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from foods import schema
from foods.load import usda_foods, usda_portions

FIXTURES = Path(__file__).resolve().parent / "fdc_fixtures"
GOOD_KEYS = frozenset({"DEMO_KEY", "test-key-123", "s3cret-KEY-abc"})

# Real FDC nutrient names and ranks (as in captured replies), keyed by our columns.
NUTRIENT_META: dict[str, tuple[str, int]] = {
    "energy_kcal": ("Energy", 300), "protein_g": ("Protein", 600), "fat_g": ("Total lipid (fat)", 800),
    "carbohydrate_g": ("Carbohydrate, by difference", 1110), "fiber_g": ("Fiber, total dietary", 1200),
    "sugars_g": ("Sugars, total including NLEA", 1510), "magnesium_mg": ("Magnesium, Mg", 5500),
    "calcium_mg": ("Calcium, Ca", 5300), "iron_mg": ("Iron, Fe", 5400), "potassium_mg": ("Potassium, K", 5700),
    "sodium_mg": ("Sodium, Na", 5800), "zinc_mg": ("Zinc, Zn", 5900),
    "vitamin_d_ug": ("Vitamin D (D2 + D3)", 8700), "vitamin_b12_ug": ("Vitamin B-12", 7300),
    "folate_dfe_ug": ("Folate, DFE", 7100), "folate_total_ug": ("Folate, total", 6800),
    "vitamin_c_mg": ("Vitamin C, total ascorbic acid", 6300), "caffeine_mg": ("Caffeine", 18300),
}


def sr_legacy_food(fdc_id: int) -> dict[str, Any] | None:
    """The full ``/v1/food/{fdcId}`` body of an SR Legacy food, from the shipped USDA rows (None if unknown)."""
    usda = usda_foods()
    if fdc_id not in usda.index:
        return None
    row = usda.loc[fdc_id]
    nutrients = []
    for i, (column, (unit, number, nid)) in enumerate(schema.NUTRIENTS.items()):
        value = row[column]
        if pd.isna(value):
            continue  # FDC leaves out a nutrient it has no value for
        name, rank = NUTRIENT_META[column]
        nutrients.append({
            "type": "FoodNutrient", "id": 1_300_000 + fdc_id % 100_000 * 20 + i,
            "nutrient": {"id": nid, "number": str(number), "name": name, "rank": rank, "unitName": unit},
            "foodNutrientDerivation": {"id": 1, "code": "A", "description": "Analytical",
                                       "foodNutrientSource": {"id": 1, "code": "1",
                                                              "description": "Analytical or derived from analytical"}},
            "amount": float(value), "dataPoints": 1,
        })
    portions = usda_portions()
    portions = portions[portions["fdc_id"] == fdc_id].sort_values("seq_num")
    food_portions = []
    for p in portions.itertuples(index=False):
        food_portions.append({
            "id": 80_000 + fdc_id % 10_000 * 10 + int(p.seq_num), "gramWeight": float(p.gram_weight),
            "sequenceNumber": int(p.seq_num), "amount": float(p.amount), "modifier": str(p.unit),
            "measureUnit": {"id": 9999, "name": "undetermined", "abbreviation": "undetermined"},
        })
    return {
        "fdcId": int(fdc_id), "description": str(row["description"]), "publicationDate": "4/1/2019",
        "foodNutrients": nutrients, "foodPortions": food_portions, "dataType": "SR Legacy",
        "foodClass": "FinalFood", "foodComponents": [], "foodAttributes": [], "nutrientConversionFactors": [],
        "inputFoods": [], "ndbNumber": str(row["ndb_number"]), "isHistoricalReference": True,
        "foodCategory": {"description": str(row["food_group"])},
    }


def fixture_foods() -> dict[int, dict[str, Any]]:
    out = {}
    for path in sorted(FIXTURES.glob("food_*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        out[int(body["fdcId"])] = body
    return out


def abridged(food: dict[str, Any]) -> dict[str, Any]:
    """``format=abridged``: AbridgedFoodItem with ``foodNutrients[].{number, name, amount, unitName}``."""
    out: dict[str, Any] = {"fdcId": food["fdcId"], "description": food["description"],
                           "publicationDate": food.get("publicationDate"), "dataType": food["dataType"]}
    out["foodNutrients"] = [
        {"number": fn["nutrient"]["number"], "name": fn["nutrient"]["name"], "amount": fn["amount"],
         "unitName": str(fn["nutrient"]["unitName"]).upper(),
         "derivationCode": (fn.get("foodNutrientDerivation") or {}).get("code"),
         "derivationDescription": (fn.get("foodNutrientDerivation") or {}).get("description")}
        for fn in food.get("foodNutrients", []) if "amount" in fn]
    for key in ("ndbNumber", "brandOwner", "gtinUpc", "foodCode"):
        if key in food:
            out[key] = food[key]
    return out


def search_hit(food: dict[str, Any]) -> dict[str, Any]:
    """One ``foods[]`` entry of a search reply (SearchResultFood)."""
    hit: dict[str, Any] = {"fdcId": food["fdcId"], "description": food["description"],
                           "dataType": food["dataType"], "publishedDate": "2019-04-01", "score": 500.0}
    cat = food.get("foodCategory")
    hit["foodCategory"] = cat.get("description") if isinstance(cat, dict) else food.get("brandedFoodCategory")
    for key in ("ndbNumber", "brandOwner", "brandName", "gtinUpc", "ingredients", "servingSize",
                "servingSizeUnit", "householdServingFullText"):
        if key in food:
            hit[key] = food[key]
    hit["foodNutrients"] = [
        {"nutrientId": fn["nutrient"]["id"], "nutrientName": fn["nutrient"]["name"],
         "nutrientNumber": fn["nutrient"]["number"], "unitName": str(fn["nutrient"]["unitName"]).upper(),
         "value": fn["amount"], "rank": fn["nutrient"].get("rank"), "indentLevel": 1, "foodNutrientId": fn["id"]}
        for fn in food.get("foodNutrients", []) if "amount" in fn]
    return hit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    api_key: str | None


@dataclass
class FDCStandIn:
    """State of the stand-in: recorded requests and scripted faults (per path, consumed in order).

    Fault modes: ``"429"`` (Retry-After: ``retry_after``), ``"500"``, ``"503"``, ``"stall"`` (no answer for
    ``stall_s``), ``"malformed"`` (200 with broken JSON), ``"404"``, ``"403"``, ``"400"``,
    ``"redirect:<status>:<location>"``, ``"raw:<body>"`` (200 with that body), ``"trickle"`` (200 whose body
    comes one byte every ``trickle_s``) and ``"trickle-headers"`` (the status line and headers that way).
    """

    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    faults: dict[str, deque] = field(default_factory=dict)
    retry_after: str = "1"
    stall_s: float = 2.0
    trickle_s: float = 0.2
    stop: threading.Event = field(default_factory=threading.Event)

    def script(self, path: str, *modes: str) -> None:
        self.faults.setdefault(path, deque()).extend(modes)

    def count(self, path_prefix: str = "/fdc/v1/") -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))


def _make_handler(state: FDCStandIn) -> type[BaseHTTPRequestHandler]:
    known = fixture_foods()

    def food_by_id(fid: int) -> dict[str, Any] | None:
        return known.get(fid) or sr_legacy_food(fid)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: Any, *, raw: bytes | None = None,
                  headers: dict[str, str] | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null") if length else None
            key = self.headers.get("X-Api-Key") or (query.get("api_key") or [None])[0]
            state.requests.append(Recorded(method, parts.path, query, body, key))
            queue = state.faults.get(parts.path)
            mode = queue.popleft() if queue else None
            if mode == "stall":
                state.stop.wait(state.stall_s)
                mode = None
                try:
                    self._send(200, {"late": True})
                except OSError:
                    pass
                return
            if mode and mode.startswith("redirect:"):
                _, status, location = mode.split(":", 2)
                return self._send(int(status), {"moved": location}, headers={"Location": location})
            if mode and mode.startswith("raw:"):
                return self._send(200, None, raw=mode[len("raw:"):].encode())
            if mode in ("trickle", "trickle-headers"):
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                data = (head if mode == "trickle-headers" else b"") + b" " * 100000
                if mode == "trickle":
                    self.wfile.write(head)
                try:
                    for i in range(len(data)):  # one byte per trickle_s, until the client gives up
                        if state.stop.wait(state.trickle_s):
                            return
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                except OSError:
                    return
                return
            if mode == "429":
                return self._send(429, {"error": {"code": "OVER_RATE_LIMIT", "message": "You have exceeded your "
                                                  "rate limit. Try again later."}},
                                  headers={"Retry-After": state.retry_after})
            if mode in ("500", "503"):
                return self._send(int(mode), {"message": "Internal server error"})
            if mode == "malformed":
                return self._send(200, None, raw=b'{"fdcId": 170556, "description": "Seeds, pum')
            if mode == "404":
                return self._send(404, None, raw=b"")
            if mode == "400":
                return self._send(400, {"error": "bad input parameter"})
            if mode == "403" or key not in GOOD_KEYS:
                return self._send(403, {"error": {"code": "API_KEY_INVALID", "message": "An invalid api_key was "
                                                  "supplied. Get one at https://api.nal.usda.gov:443"}})
            path = parts.path
            if not path.startswith("/fdc/v1/"):
                return self._send(404, None, raw=b"")
            route = path[len("/fdc"):]
            if route.startswith("/v1/food/") and method == "GET":
                try:
                    fid = int(route.rsplit("/", 1)[1])
                except ValueError:
                    return self._send(400, {"error": "bad input parameter"})
                food = food_by_id(fid)
                if food is None:
                    return self._send(404, None, raw=b"")
                fmt = (query.get("format") or ["full"])[0]
                return self._send(200, abridged(food) if fmt == "abridged" else food)
            if route == "/v1/foods":
                ids = (body or {}).get("fdcIds") if method == "POST" else \
                    [i for v in query.get("fdcIds", []) for i in v.split(",")]
                if not ids or len(ids) > 20:
                    return self._send(400, {"error": "fdcIds needs 1 to 20 ids"})
                foods = [food_by_id(int(i)) for i in ids]
                return self._send(200, [f for f in foods if f is not None])  # unknown ids are left out
            if route == "/v1/foods/search":
                crit = body if method == "POST" else {k: v[0] for k, v in query.items()}
                words = [w.lower().rstrip("s") for w in str(crit.get("query", "")).split()]
                types = crit.get("dataType") or []
                if isinstance(types, str):
                    types = types.split(",")
                size = int(crit.get("pageSize") or 50)
                page = int(crit.get("pageNumber") or 1)
                candidates = list(known.values())
                usda = usda_foods()
                desc = usda["description"].str.lower()
                mask = pd.Series(True, index=usda.index)
                for w in words:
                    mask &= desc.str.contains(w, regex=False)
                candidates += [f for f in (sr_legacy_food(int(i)) for i in usda.index[mask][:60]) if f]
                hits = [search_hit(f) for f in candidates
                        if all(w in f["description"].lower() for w in words)
                        and (not types or f["dataType"] in types)]
                total = len(hits)
                chunk = hits[(page - 1) * size: page * size]
                return self._send(200, {"totalHits": total, "currentPage": page,
                                        "totalPages": max(1, -(-total // size)), "pageList": [page],
                                        "foodSearchCriteria": crit, "foods": chunk, "aggregations": {}})
            return self._send(404, None, raw=b"")

        def do_GET(self) -> None:  # noqa: N802
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

    return Handler


class RunningServer:
    """Start with ``RunningServer()``; ``state`` holds requests and faults; ``close()`` stops it."""

    def __init__(self) -> None:
        self.state = FDCStandIn()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self.state))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        self.state.base_url = f"http://{host}:{port}/fdc"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.state.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
