"""FoodData Central client (foods.fdc) against a real HTTP stand-in server on 127.0.0.1 (tests/fdc_server.py)."""
from __future__ import annotations

import copy
import json
import logging
import math

import pandas as pd
import pytest

from fdc_server import RunningServer, fixture_foods, sr_legacy_food
from foods import schema
from foods.errors import FDCError
from foods.fdc import FDCClient, SearchHit, food_id_for, food_to_row, import_foods
from foods.load import usda_foods

KEY = "s3cret-KEY-abc"


def _serving():
    """A stand-in FoodData Central server on 127.0.0.1 for one test module."""
    srv = RunningServer()
    yield srv
    srv.close()


def _fresh(state):
    """The server's record of requests and its planned faults, emptied for the next test."""
    state.requests.clear()
    state.faults.clear()
    return state


@pytest.fixture(scope="module")
def server():
    yield from _serving()


@pytest.fixture
def stand_in(server):
    _fresh(server.state)
    server.state.retry_after = "1"
    server.state.stall_s = 1.0
    return server.state


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(stand_in, tmp_path, waits):
    return FDCClient(KEY, stand_in.base_url, timeout_s=2, retries=2, backoff_s=0.01, max_wait_s=5,
                     cache_dir=tmp_path / "cache", sleep=waits.append)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


# --- mapping ------------------------------------------------------------------------------------------
def test_full_sr_legacy_food_maps_every_column_by_number(client):
    row = food_to_row(client.food(170556))
    usda = usda_foods().loc[170556]
    assert row["magnesium_mg"] == 592.0
    for column in schema.NUTRIENT_COLUMNS:
        assert _same(row[column], float(usda[column])), column
    assert (row["serving_label"], row["serving_g"]) == ("1 oz", 28.35)  # 1 cup (129 g, 721 kcal) is too much
    assert row["food_id"] == "fdc_170556_seeds_pumpkin_and_squash_seed_kernels_dried"
    assert (row["fdc_id"], row["data_type"], row["category"], row["aisle"], row["form"]) == \
        (170556, "SR Legacy", "seeds", "bulk_and_nuts", "dry")
    assert row["diet_tags"] == "vegan|vegetarian|pescatarian" and row["allergens"] == ""


def test_abridged_food_gives_the_same_nutrients_and_a_100_g_serving(client):
    full = food_to_row(client.food(170556))
    short = client.food(170556, abridged=True)
    assert "nutrient" not in short["foodNutrients"][0] and "number" in short["foodNutrients"][0]
    row = food_to_row(short)
    for column in schema.NUTRIENT_COLUMNS:
        assert _same(row[column], full[column]), column
    assert (row["serving_label"], row["serving_g"]) == ("100 g", 100.0)


def test_foundation_without_208_uses_atwater_energy_and_leaves_magnesium_unknown(client):
    food = client.food(747997)
    assert not any(fn["nutrient"]["number"] == "208" for fn in food["foodNutrients"])
    row = food_to_row(food)
    assert row["energy_kcal"] == 55.0  # 958 (Atwater specific), not the kJ row (231) and not 0
    assert math.isnan(row["magnesium_mg"])  # FDC reports none: unknown, never 0
    assert row["fat_g"] == 0.0  # a measured zero stays zero
    assert (row["serving_label"], row["serving_g"]) == ("1 large", 33.0)  # Foundation measureUnit.name
    assert (row["category"], row["slots"], row["allergens"], row["diet_tags"]) == \
        ("eggs_poultry_meat", "breakfast|lunch|dinner", "egg", "vegetarian|pescatarian")
    general_only = copy.deepcopy(food)
    general_only["foodNutrients"] = [fn for fn in food["foodNutrients"] if fn["nutrient"]["number"] != "958"]
    assert food_to_row(general_only)["energy_kcal"] == 52.0
    by_id_only = copy.deepcopy(general_only)
    for fn in by_id_only["foodNutrients"]:
        fn["nutrient"].pop("number")
    assert food_to_row(by_id_only)["energy_kcal"] == 52.0  # id 2047 alone is enough


def test_branded_food_uses_per_100g_nutrients_then_label_values_scaled_to_100g(client):
    row = food_to_row(client.food(534358))
    assert row["carbohydrate_g"] == 42.86  # foodNutrients are per 100 g already
    assert row["energy_kcal"] == pytest.approx(140 * 100 / 28)  # label calories per 28 g serving
    assert row["protein_g"] == pytest.approx(4 * 100 / 28)
    assert math.isnan(row["magnesium_mg"])  # not on the label, not in foodNutrients
    assert (row["serving_label"], row["serving_g"]) == ("1 ONZ (28 g)", 28.0)
    assert row["diet_tags"] == ""  # Branded: conservative, omnivore only
    assert set(row["allergens"].split("|")) == {"peanuts", "tree_nuts"}  # from the ingredients


def test_nutrients_are_matched_by_number_or_id_never_by_name():
    food = {"fdcId": 1, "description": "Test", "dataType": "SR Legacy", "foodNutrients": [
        {"nutrient": {"id": 9999, "number": "999", "name": "Magnesium, Mg", "unitName": "mg"}, "amount": 50},
        {"nutrient": {"id": 1092, "number": "306", "name": "Something else", "unitName": "mg"}, "amount": 7},
        {"nutrient": {"id": 1087, "number": "301", "name": "Calcium, Ca", "unitName": "g"}, "amount": 0.5},
    ]}
    row = food_to_row(food)
    assert math.isnan(row["magnesium_mg"])
    assert row["potassium_mg"] == 7
    assert row["calcium_mg"] == pytest.approx(500.0)  # unit converted, g -> mg


@pytest.mark.parametrize("portions, expected", [
    ([{"portionDescription": "Quantity not specified", "gramWeight": 140, "modifier": "90000", "sequenceNumber": 3},
      {"portionDescription": "1 banana", "gramWeight": 140, "modifier": "60343", "sequenceNumber": 1}],
     ("1 banana", 140.0)),  # FNDDS: portionDescription, codes ignored
    ([{"amount": 0.5, "modifier": "cup", "gramWeight": 114, "sequenceNumber": 1,
       "measureUnit": {"id": 9999, "name": "undetermined"}}], ("0.5 cup", 114.0)),  # SR Legacy
    ([{"amount": 1.0, "modifier": "", "gramWeight": 0, "sequenceNumber": 1, "measureUnit": {"name": "cup"}}],
     ("100 g", 100.0)),  # no usable weight
    ([{"id": 269081, "gramWeight": 9, "modifier": "1 cracker-size slice",
       "portionDescription": "Quantity not specified", "sequenceNumber": 1}], ("1 cracker-size slice", 9.0)),
    ([{"amount": 1.0, "modifier": "slice", "gramWeight": 0, "sequenceNumber": 1},
      {"amount": 1.0, "modifier": "cup", "gramWeight": 900, "sequenceNumber": 2},
      {"amount": 2.0, "modifier": "tbsp", "gramWeight": 30, "sequenceNumber": 3}],
     ("2 tbsp", 30.0)),  # a zero weight and an oversized cup are skipped
    ([], ("100 g", 100.0)),
])
def test_household_portion_becomes_the_serving(portions, expected):
    food = {"fdcId": 2, "description": "Bananas, raw", "dataType": "Survey (FNDDS)", "foodPortions": portions,
            "foodNutrients": [{"nutrient": {"id": 1008, "number": "208", "unitName": "kcal"}, "amount": 89}]}
    row = food_to_row(food)
    assert (row["serving_label"], row["serving_g"]) == expected


def test_food_ids_are_ascii_slugs_and_unique_per_fdc_id():
    a = food_id_for(1, "Crème brûlée, café — 100%")
    assert a == "fdc_1_creme_brulee_cafe_100" and schema.FOOD_ID_RE.match(a)
    long = food_id_for(123456789, "x" * 200)
    assert len(long) <= 64 and schema.FOOD_ID_RE.match(long)
    assert food_id_for(2, "Same") != food_id_for(3, "Same")


# --- search, batch, cache -------------------------------------------------------------------------
def test_search_returns_hits_with_magnesium_and_filters_by_type(client, stand_in):
    hits = client.search("pumpkin seeds")
    assert all(isinstance(h, SearchHit) for h in hits)
    dried = next(h for h in hits if h.fdc_id == 170556)
    assert (dried.magnesium_mg_per_100g, dried.energy_kcal_per_100g, dried.data_type) == (592.0, 559.0, "SR Legacy")
    branded = client.search("berry mix", data_types=["Branded"])
    assert [(h.fdc_id, h.brand) for h in branded] == [(534358, "Kar Nut Products Company")]
    assert branded[0].magnesium_mg_per_100g is None
    sent = [r.body for r in stand_in.requests if r.path == "/fdc/v1/foods/search"]
    assert sent[-1]["dataType"] == ["Branded"] and sent[-1]["query"] == "berry mix"
    with pytest.raises(FDCError, match="unknown FDC data type"):
        client.search("x", data_types=["Legacy"])


def test_batch_fetch_uses_at_most_20_ids_per_request_and_keeps_order(client, stand_in):
    ids = [int(i) for i in usda_foods().index[:25]]
    got = client.foods([*ids, 999999999])
    assert [f["fdcId"] for f in got] == ids  # unknown ids are left out, like FDC does
    batches = [r.body["fdcIds"] for r in stand_in.requests if r.path == "/fdc/v1/foods"]
    assert [len(b) for b in batches] == [20, 6]
    before = len(stand_in.requests)
    assert [f["fdcId"] for f in client.foods(ids[:3])] == ids[:3]
    assert len(stand_in.requests) == before  # each food was cached


def test_repeated_fetch_is_served_from_the_disk_cache_without_the_key(client, stand_in, tmp_path):
    first = client.food(170556)
    n = len(stand_in.requests)
    again = FDCClient(KEY, stand_in.base_url, cache_dir=tmp_path / "cache").food(170556)
    assert again == first and len(stand_in.requests) == n
    files = list((tmp_path / "cache").iterdir())
    assert files and all(KEY not in f.name and KEY not in f.read_text() for f in files)


def test_key_comes_from_env_else_demo_key(stand_in, tmp_path, monkeypatch):
    monkeypatch.setenv("FDC_BASE_URL", stand_in.base_url)
    demo = FDCClient(cache_dir=tmp_path / "a")
    demo.food(170556)
    assert demo.using_demo_key and stand_in.requests[-1].api_key == "DEMO_KEY"
    monkeypatch.setenv("FDC_API_KEY", "test-key-123")
    mine = FDCClient(cache_dir=tmp_path / "b")
    mine.food(170556)
    assert not mine.using_demo_key and stand_in.requests[-1].api_key == "test-key-123"
    assert "test-key-123" not in repr(mine)
    assert all("api_key" not in r.query for r in stand_in.requests)  # the key travels in a header, not the URL


# --- fault modes ----------------------------------------------------------------------------------
def test_429_is_retried_honouring_retry_after(client, stand_in, waits):
    stand_in.script("/fdc/v1/food/170556", "429")
    assert client.food(170556)["fdcId"] == 170556
    assert waits == [1.0] and stand_in.count() == 2


def test_retry_after_is_capped(stand_in, tmp_path, waits):
    stand_in.retry_after = "3600"
    stand_in.script("/fdc/v1/food/170556", "429")
    c = FDCClient(KEY, stand_in.base_url, retries=1, max_wait_s=0.5, cache_dir=tmp_path, sleep=waits.append)
    assert c.food(170556)["fdcId"] == 170556 and waits == [0.5]


def test_500_then_success_with_backoff(client, stand_in, waits):
    stand_in.script("/fdc/v1/food/170556", "500", "503")
    assert client.food(170556)["fdcId"] == 170556
    assert waits == [0.01, 0.02] and stand_in.count() == 3


@pytest.mark.parametrize("modes, message", [
    (("429", "429", "429"), r"rate limit reached \(HTTP 429\) after 3 attempt"),
    (("500", "500", "500"), r"server error \(HTTP 500\) after 3 attempt"),
    (("malformed",), r"not valid JSON"),
    (("404",), r"has no fdcId 170556 \(HTTP 404\).*magplan foods search"),
    (("403",), r"refused the API key \(HTTP 403\).*FDC_API_KEY"),
    (("400",), r"rejected the request .*HTTP 400"),
])
def test_faults_raise_clear_fdc_errors_without_the_key(client, stand_in, modes, message, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's URL lines included
    stand_in.script("/fdc/v1/food/170556", *modes)
    with pytest.raises(FDCError, match=message) as info:
        client.food(170556)
    assert KEY not in str(info.value) and KEY not in caplog.text
    assert "170556" in caplog.text  # the log is there, only the key is not
    assert stand_in.count() == len(modes)  # 4xx and malformed JSON are not retried


def test_stalled_response_times_out_after_retries(stand_in, tmp_path, waits):
    stand_in.stall_s = 1.0
    stand_in.script("/fdc/v1/food/170556", "stall", "stall")
    c = FDCClient(KEY, stand_in.base_url, timeout_s=0.2, retries=1, backoff_s=0.01, cache_dir=tmp_path,
                  sleep=waits.append)
    with pytest.raises(FDCError, match=r"no answer within 0.2 s after 2 attempt") as info:
        c.food(170556)
    assert KEY not in str(info.value)


def test_unreachable_server_is_a_clear_error(tmp_path, waits):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = FDCClient(KEY, f"http://127.0.0.1:{port}/fdc", retries=1, backoff_s=0.01, cache_dir=tmp_path,
                  sleep=waits.append)
    with pytest.raises(FDCError, match=r"cannot connect .* after 2 attempt") as info:
        c.food(170556)
    assert KEY not in str(info.value) and waits == [0.01]


def test_bad_ids_are_refused_before_any_request(client, stand_in):
    for bad in ("abc", "-5", "0"):
        with pytest.raises(FDCError, match="FDC id"):
            client.food(bad)
    assert stand_in.count() == 0


# --- import ---------------------------------------------------------------------------------------
def test_import_writes_the_user_table_and_reimport_updates_it(client, stand_in, tmp_path):
    path = tmp_path / "user_foods.csv"
    got = import_foods([170556], client=client, path=path)
    assert list(got.index) == ["fdc_170556_seeds_pumpkin_and_squash_seed_kernels_dried"]
    assert got.iloc[0]["magnesium_mg"] == 592.0 and got.iloc[0]["serving_g"] == 28.35
    assert KEY not in path.read_text()
    seen = []
    import_foods([170556, 747997, 534358], client=client, path=path, progress=lambda d, t, i: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    table = pd.read_csv(path)
    assert sorted(table["fdc_id"]) == [170556, 534358, 747997]  # 170556 updated, not duplicated


def test_import_of_an_unknown_id_writes_nothing(client, stand_in, tmp_path):
    path = tmp_path / "user_foods.csv"
    import_foods([170556], client=client, path=path)
    before = path.read_bytes()
    with pytest.raises(FDCError, match="no food with fdcId 999999999; nothing was imported"):
        import_foods([170567, 999999999], client=client, path=path)
    assert path.read_bytes() == before


def test_fixtures_match_the_shipped_usda_rows():
    body = sr_legacy_food(170556)
    mg = next(fn for fn in body["foodNutrients"] if fn["nutrient"]["number"] == "304")
    assert (mg["nutrient"]["id"], mg["amount"], mg["nutrient"]["unitName"]) == (1090, 592.0, "mg")
    assert [(p["amount"], p["modifier"], p["gramWeight"]) for p in body["foodPortions"]] == \
        [(1.0, "cup", 129.0), (1.0, "oz", 28.35)]
    assert set(fixture_foods()) == {747997, 534358}


@pytest.mark.parametrize("header, attempt, expected", [
    ("7", 0, 7.0), ("3600", 0, 10.0), ("garbage", 2, 0.4), (None, 1, 0.2), ("-3", 0, 0.0)])
def test_wait_honours_retry_after_seconds_caps_it_and_falls_back_to_backoff(header, attempt, expected, tmp_path):
    import requests

    c = FDCClient(KEY, "http://127.0.0.1:9/fdc", backoff_s=0.1, max_wait_s=10, cache_dir=tmp_path)
    response = requests.Response()
    if header is not None:
        response.headers["Retry-After"] = header
    assert c._wait_s(attempt, response) == pytest.approx(expected)


def test_wait_honours_retry_after_as_an_http_date(tmp_path):
    import email.utils
    import time

    import requests

    c = FDCClient(KEY, "http://127.0.0.1:9/fdc", max_wait_s=100, cache_dir=tmp_path)
    response = requests.Response()
    response.headers["Retry-After"] = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= c._wait_s(0, response) <= 30


# --- the key goes only to the configured address (two servers) -------------------------------------
@pytest.fixture(scope="module")
def other_server():
    yield from _serving()


@pytest.fixture
def other(other_server):
    return _fresh(other_server.state)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("call", ["food", "search", "batch"])
def test_a_redirect_to_another_host_is_refused_and_the_key_never_leaves(client, stand_in, other, status, call,
                                                                          caplog):
    caplog.set_level(logging.DEBUG)
    paths = {"food": "/fdc/v1/food/170556", "search": "/fdc/v1/foods/search", "batch": "/fdc/v1/foods"}
    elsewhere = other.base_url.replace("127.0.0.1", "localhost") + paths[call][len("/fdc"):]
    stand_in.script(paths[call], f"redirect:{status}:{elsewhere}")
    run = {"food": lambda: client.food(170556), "search": lambda: client.search("pumpkin seeds"),
           "batch": lambda: client.foods([170556, 170567])}[call]
    with pytest.raises(FDCError, match=r"redirected .* to http://localhost:\d+, another address; it was not "
                                       r"followed because the API key is sent only to the configured address"):
        run()
    assert other.requests == []  # the other host got nothing at all, so never the key
    assert KEY not in caplog.text
    assert list((client.cache_dir).glob("*.json")) == []  # nothing was cached either


def test_a_redirect_within_the_configured_address_is_followed(client, stand_in, other):
    stand_in.script("/fdc/v1/food/170556", "redirect:302:/fdc/v1/food/170556?format=full")
    assert client.food(170556)["fdcId"] == 170556
    assert [r.api_key for r in stand_in.requests] == [KEY, KEY] and other.requests == []


def test_a_redirect_loop_ends_with_a_clear_error(client, stand_in):
    stand_in.script("/fdc/v1/food/170556", *["redirect:302:/fdc/v1/food/170556"] * 10)
    with pytest.raises(FDCError, match="redirected GET /v1/food/170556 more than 5 times"):
        client.food(170556)


@pytest.mark.parametrize("url, base, same", [
    ("https://api.nal.usda.gov/fdc/v1/food/1", "https://api.nal.usda.gov/fdc", True),
    ("https://API.NAL.usda.gov:443/x", "https://api.nal.usda.gov/fdc", True),  # case and default port
    ("http://api.nal.usda.gov/fdc/v1/food/1", "https://api.nal.usda.gov/fdc", False),  # https -> http
    ("https://api.nal.usda.gov:8443/fdc", "https://api.nal.usda.gov/fdc", False),  # another port
    ("https://evil.example/fdc", "https://api.nal.usda.gov/fdc", False),
    ("https://api.nal.usda.gov.evil.example/fdc", "https://api.nal.usda.gov/fdc", False),
    ("https://api.nal.usda.gov@evil.example/fdc", "https://api.nal.usda.gov/fdc", False),  # userinfo trick
    ("ftp://api.nal.usda.gov/fdc", "https://api.nal.usda.gov/fdc", False),
    ("http://127.0.0.1:8080/fdc", "http://127.0.0.1:8080/fdc", True),
    ("http://localhost:8080/fdc", "http://127.0.0.1:8080/fdc", False),  # another name is another host
])
def test_same_origin_decides_where_the_key_may_go(url, base, same):
    from foods.fdc import same_origin

    assert same_origin(url, base) is same


# --- a total deadline per call (a trickling server) ---------------------------------------------------
@pytest.mark.timeout(60)  # without a deadline the trickle would run for hours
@pytest.mark.parametrize("mode", ["trickle", "trickle-headers"])
def test_a_trickling_reply_is_cut_at_the_total_deadline(stand_in, tmp_path, mode):
    stand_in.trickle_s = 0.05  # each byte well within the per-read timeout
    stand_in.script("/fdc/v1/food/170556", mode)
    c = FDCClient(KEY, stand_in.base_url, timeout_s=5, retries=2, deadline_s=1.0, cache_dir=tmp_path,
                  sleep=lambda s: None)
    with pytest.raises(FDCError, match=r"did not answer GET /v1/food/170556 completely within the 1 s deadline") \
            as info:
        c.food(170556)
    assert KEY not in str(info.value)
    assert stand_in.count() == 1  # the deadline covers the retries too


def test_retries_stop_when_the_deadline_leaves_no_time_for_another(stand_in, tmp_path, waits):
    stand_in.retry_after = "30"
    stand_in.script("/fdc/v1/food/170556", "429", "429")
    c = FDCClient(KEY, stand_in.base_url, retries=3, deadline_s=5, max_wait_s=60, cache_dir=tmp_path,
                  sleep=waits.append)
    with pytest.raises(FDCError, match=r"no time left for another attempt within the 5 s deadline"):
        c.food(170556)
    assert waits == [] and stand_in.count() == 1


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan")])
def test_the_deadline_must_be_a_positive_number_of_seconds(bad, tmp_path):
    with pytest.raises(FDCError, match="deadline must be a number of seconds above 0"):
        FDCClient(KEY, "http://127.0.0.1:9/fdc", deadline_s=bad, cache_dir=tmp_path)


# --- replies FDC should never send: one clear error, nothing cached ---------------------------------
@pytest.mark.parametrize("body, message", [
    ("[" * 100_000 + "]" * 100_000, r"not valid JSON \(or nested too deeply\)"),
    ('{"fdcId": "abc", "description": "x"}', r"a reply for fdcId 170556 that is not that food"),
    ('{"fdcId": 999, "description": "x"}', r"a reply for fdcId 170556 that is not that food"),
    ('["not", "a", "food"]', r"a reply for fdcId 170556 that is not that food"),
    ('{"fdcId": 170556, "foodNutrients": 5, "foodPortions": "x", "description": {"a": 1}}', None),
])
def test_odd_food_replies_are_errors_and_are_not_cached(client, stand_in, tmp_path, body, message):
    stand_in.script("/fdc/v1/food/170556", f"raw:{body}")
    if message is None:  # an odd shape that still names the food: read as far as it goes, never a crash
        try:
            row = food_to_row(client.food(170556))
        except FDCError as exc:
            assert "170556" in str(exc)
        else:
            assert math.isnan(row["magnesium_mg"])
        return
    with pytest.raises(FDCError, match=message):
        client.food(170556)
    assert list(client.cache_dir.glob("*.json")) == []
    assert client.food(170556)["fdcId"] == 170556  # the next call asks again and gets the real food


@pytest.mark.parametrize("body", [
    '[{"fdcId": "abc"}, {"fdcId": null}, {"fdcId": true}, 7, {"fdcId": 170556, "description": "ok"}]',
    '[{"fdcId": 424242, "description": "not asked for"}]',
])
def test_batch_and_search_skip_foods_without_a_usable_id(client, stand_in, body):
    stand_in.script("/fdc/v1/foods", f"raw:{body}")
    got = client.foods([170556, 170567])
    assert all(f["fdcId"] in (170556, 170567) for f in got)
    stand_in.script("/fdc/v1/foods/search", 'raw:{"foods": [{"fdcId": "abc"}, {"fdcId": 170556, '
                    '"description": "Seeds", "foodNutrients": "x"}]}')
    assert [h.fdc_id for h in client.search("seeds")] == [170556]


def test_the_cache_is_keyed_by_the_whole_request_and_expires(client, stand_in, other, tmp_path):
    cache = client.cache_dir
    client.food(170556)
    elsewhere = FDCClient(KEY, other.base_url, cache_dir=cache)
    elsewhere.food(170556)
    assert len(other.requests) == 1  # another base URL is another request, not a cache hit
    n = len(stand_in.requests)
    client.food(170556)
    assert len(stand_in.requests) == n  # cached
    for path in cache.glob("*.json"):  # make every entry 8 days old
        entry = json.loads(path.read_text())
        entry["saved_at"] -= 8 * 24 * 3600
        path.write_text(json.dumps(entry))
    client.food(170556)
    assert len(stand_in.requests) == n + 1  # expired: asked again


# --- units and impossible values ------------------------------------------------------------------------
def _food_with(number: str, nid: int, amount: float, unit: str) -> dict:
    return {"fdcId": 42, "description": "Test food", "dataType": "Foundation", "foodNutrients": [
        {"nutrient": {"id": nid, "number": number, "unitName": unit}, "amount": amount}]}


@pytest.mark.parametrize("number, nid, amount, unit, column, expected", [
    ("304", 1090, 0.27, "G", "magnesium_mg", 270.0),
    ("304", 1090, 270_000, "UG", "magnesium_mg", 270.0),
    ("304", 1090, 270_000, "\u00b5g", "magnesium_mg", 270.0),  # micro sign
    ("304", 1090, 270_000, "\u03bcg", "magnesium_mg", 270.0),  # Greek mu
    ("304", 1090, 270, "MG", "magnesium_mg", 270.0),
    ("304", 1090, 270, "IU", "magnesium_mg", math.nan),  # no conversion known: unknown, never a guess
    ("328", 1114, 0.005, "MG", "vitamin_d_ug", 5.0),
    ("208", 1008, 2092, "kJ", "energy_kcal", 500.0),
])
def test_units_are_converted_to_the_columns_unit(number, nid, amount, unit, column, expected):
    assert _same(food_to_row(_food_with(number, nid, amount, unit))[column], expected)


@pytest.mark.parametrize("number, nid, amount, unit, column", [
    ("304", 1090, 270, "G", "magnesium_mg"),  # the probe's case: 270 g of magnesium per 100 g
    ("304", 1090, 100_001, "MG", "magnesium_mg"),
    ("203", 1003, 101, "G", "protein_g"),
    ("418", 1178, 1, "KG", "vitamin_b12_ug"),  # an unknown unit stays unknown, so this one is fine
    ("208", 1008, 5000, "KCAL", "energy_kcal"),
])
def test_physically_impossible_values_are_refused_naming_food_and_nutrient(number, nid, amount, unit, column):
    food = _food_with(number, nid, amount, unit)
    if unit == "KG":
        assert math.isnan(food_to_row(food)[column])
        return
    with pytest.raises(FDCError, match=rf"reports {column} for fdcId 42 \(Test food\) as .*impossible.*"
                                       r"not imported"):
        food_to_row(food)


def test_an_impossible_value_in_a_search_hit_is_shown_as_unknown(client, stand_in):
    stand_in.script("/fdc/v1/foods/search", 'raw:{"foods": [{"fdcId": 1, "description": "x", "foodNutrients": '
                    '[{"nutrientNumber": "304", "unitName": "G", "value": 270}]}]}')
    assert client.search("x")[0].magnesium_mg_per_100g is None
