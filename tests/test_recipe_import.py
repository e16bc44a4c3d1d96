"""Bring your own recipes: pages (saved and by URL), JSON-LD, Mealie, Tandoor and text become dishes.

Expected grams are worked out here from the USDA household portion rows (usda_sr_legacy_portions.csv) and
magnesium from the USDA rows by fdc_id, never typed; the import must come within 10 % of them.
"""
from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from foods.dishes import dish_record, load_all_dishes
from foods.errors import RecipeImportError
from foods.load import usda_foods, usda_portions
from foods.paths import user_dishes_path, user_foods_path
from foods.recipe_import import build_index, draft_recipe, match_food, parse_line
from foods.recipe_sources import MAX_SOURCE_BYTES, read_recipe_file, read_recipes, recipes_from_bytes
from foods.user import load_all_foods
from cli import main

DATA = Path(__file__).resolve().parent / "data"
LENTIL_PAGE = DATA / "lentil_soup_page.html"
LENTIL_ID = "easy_lentil_soup_with_spinach"
OZ_G = 28.349523125


def portion_g(fdc_id: int, unit_starts: str) -> float:
    """Grams of one unit of the first USDA portion of ``fdc_id`` whose unit starts with ``unit_starts``."""
    p = usda_portions()
    rows = p[(p["fdc_id"] == fdc_id) & p["unit"].str.lower().str.startswith(unit_starts)].sort_values("seq_num")
    assert len(rows), f"no portion {unit_starts!r} for {fdc_id}"
    return float(rows.iloc[0]["gram_weight"]) / float(rows.iloc[0]["amount"])


# The lentil soup page by hand: (line, fdc_id, grams for the whole recipe) from USDA portions.
def lentil_by_hand() -> dict[int, tuple[int, float]]:
    return {
        1: (172420, 1 * portion_g(172420, "cup")),             # 1 cup dried lentils ("Lentils, raw")
        2: (171413, 2 * portion_g(171413, "tablespoon")),      # 2 tbsp olive oil
        3: (170000, 1 * portion_g(170000, "medium")),          # 1 medium onion
        4: (170393, 2 * portion_g(170393, "medium")),          # 2 medium carrots
        5: (169988, 2 * portion_g(169988, "stalk, medium")),   # 2 stalks celery
        6: (169230, 3 * portion_g(169230, "clove")),           # 3 cloves garlic
        7: (170923, 1 * portion_g(170923, "tsp")),             # 1 tsp cumin
        8: (170051, 14.5 * OZ_G),                              # 1 can (14.5 oz) tomatoes
        9: (171583, 4 * portion_g(171583, "cup")),             # 4 cups vegetable broth
        10: (168462, 200.0),                                   # 200 g baby spinach
        11: (167747, portion_g(167747, "cup") / 16),           # 1 tbsp lemon juice (USDA gives a cup)
    }


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def foods_table():
    return load_all_foods()


@pytest.fixture(scope="module")
def index(foods_table):
    return build_index(foods_table)


# --- reading sources -------------------------------------------------------------------------------------
def test_yoast_graph_page_with_howtosteps_and_a_two_form_yield():
    (recipe,) = read_recipe_file(LENTIL_PAGE)
    assert recipe.name == "Easy Lentil Soup with Spinach"
    assert recipe.servings == 4 and len(recipe.ingredients) == 13 and len(recipe.steps) == 4
    assert recipe.steps[1] == "Stir in the garlic and cumin and cook for 1 minute."
    assert recipe.minutes_total == 55 and recipe.minutes_active == 15 and recipe.cuisine == "Mediterranean"
    assert "Soup" in recipe.categories


def test_plain_recipe_list_with_a_numeric_yield_and_sections():
    (recipe,) = read_recipe_file(DATA / "chickpea_curry_page.html")
    assert recipe.servings == 2 and recipe.ingredients[3] == "1 ½ cups cooked chickpeas"
    assert "Serve over the rice with cilantro." in recipe.steps


def test_jsonld_file_reads_like_the_page(tmp_path):
    html = LENTIL_PAGE.read_text(encoding="utf-8")
    graph = json.loads(html.split('class="yoast-schema-graph">', 1)[1].split("</script>", 1)[0])
    path = tmp_path / "lentil.jsonld"
    path.write_text(json.dumps(graph), encoding="utf-8")
    (recipe,) = read_recipe_file(path)
    assert recipe.ingredients == read_recipe_file(LENTIL_PAGE)[0].ingredients and recipe.servings == 4


def mealie_zip(tmp_path: Path) -> Path:
    """A Mealie recipe download: <slug>.json and its images, as Mealie zips them."""
    recipe = json.loads((DATA / "mealie_overnight_oats.json").read_text(encoding="utf-8"))
    path = tmp_path / f"{recipe['slug']}.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{recipe['slug']}.json", json.dumps(recipe))
        z.writestr("images/original.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    return path


def tandoor_zip(tmp_path: Path) -> Path:
    """A Tandoor 'Default' export: a zip holding one zip per recipe (recipe.json and image)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("recipe.json", (DATA / "tandoor_black_bean_quinoa_bowl.json").read_text(encoding="utf-8"))
        z.writestr("image.png", b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "export_2024-03-02.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("1.zip", inner.getvalue())
    return path


def test_mealie_json_and_zip(tmp_path):
    (from_json,) = read_recipe_file(DATA / "mealie_overnight_oats.json")
    (from_zip,) = read_recipe_file(mealie_zip(tmp_path))
    assert from_json == from_zip.__class__(**{**from_zip.__dict__, "source": from_json.source})
    assert from_json.servings == 2 and from_json.minutes_total == 490 and "Breakfast" in from_json.categories
    assert from_json.ingredients == ("1 cup rolled oats", "1 cup soy milk, calcium fortified",
                                     "2 tablespoons chia seeds", "1 banana sliced", "a pinch of cinnamon")


def test_tandoor_nested_zip(tmp_path):
    (recipe,) = read_recipe_file(tandoor_zip(tmp_path))
    assert recipe.name == "Black Bean and Quinoa Bowl" and recipe.servings == 3
    assert recipe.ingredients == ("400 g black beans canned, drained", "1 tsp cumin ground", "1.5 cup quinoa cooked",
                                  "1 avocado sliced", "salt")  # the header 'Toppings' is not an ingredient
    assert recipe.minutes_active == 10 and recipe.minutes_total == 15


# --- parsing, matching, weighing ----------------------------------------------------------------------------
@pytest.mark.parametrize("line, quantity", [("1-2 tsp cumin", 1.5), ("½ cup milk", 0.5), ("1 ½ cups water", 1.5),
                                            ("1 1/2 cups dried brown lentils, rinsed", 1.5)])
def test_quantities_as_cooks_write_them(line, quantity):
    assert parse_line(line).quantity == pytest.approx(quantity)


def test_lentil_soup_lines_match_usda_rows_and_weigh_as_by_hand(foods_table, index):
    (recipe,) = read_recipe_file(LENTIL_PAGE)
    draft = draft_recipe(recipe, foods_table, index=index)
    by_line = {ln.line: ln for ln in draft.lines}
    for line, (fdc_id, grams) in lentil_by_hand().items():
        got = by_line[line]
        assert got.fdc_id == fdc_id, (got.text, got.description)
        assert got.grams == pytest.approx(grams, rel=0.10), got.text
        assert 0.6 <= got.confidence <= 1.0
    assert not by_line[12].matched and by_line[12].grams is None  # salt to taste: no amount
    assert not by_line[13].matched and by_line[13].food_id is None  # grains of paradise: no USDA food
    assert draft.roles == ("main",) and draft.servings == 4


def test_bad_lines_are_unmatched_not_guessed(foods_table, index):
    (recipe,) = read_recipe_file(DATA / "chickpea_curry_page.html")
    by_text = {ln.text: ln for ln in draft_recipe(recipe, foods_table, index=index).lines}
    assert by_text["2 Esslöffel Olivenöl"].food_id is None  # another language: no match, not a wrong one
    assert not by_text["a handful of fresh cilantro"].matched and "handful" in by_text["a handful of fresh cilantro"].note
    curry = by_text["1-2 tsp curry powder"]
    assert curry.grams == pytest.approx(1.5 * portion_g(curry.fdc_id, "tsp"), rel=0.1) and "range" in curry.note
    chickpeas = by_text["1 ½ cups cooked chickpeas"]
    assert "cooked" in chickpeas.description and "canned" not in chickpeas.description
    assert chickpeas.grams == pytest.approx(1.5 * portion_g(chickpeas.fdc_id, "cup"), rel=0.1)


def test_dried_is_not_matched_to_cooked(index):
    found = match_food(index, parse_line("1 cup dried brown lentils"))
    assert found is not None and "cooked" not in found.description.lower()


# --- the CLI: import, show, match, plan --------------------------------------------------------------------
def test_done_when_lentil_soup_page(capsys, foods_table):
    code, out, err = run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes")
    assert code == 0, err
    assert "usda_172420: Lentils, raw (172420)" in out and "UNMATCHED" in out
    assert f"magplan dishes match {LENTIL_ID} 12" in out
    rec = dish_record(load_all_dishes(load_all_foods()), LENTIL_ID)
    usda = usda_foods()
    by_hand_mg = sum(g * usda.at[fdc, "magnesium_mg"] / 100 for fdc, g in lentil_by_hand().values()) / 4
    assert rec["magnesium_mg"] == pytest.approx(by_hand_mg, rel=0.10)
    assert [u["text"] for u in rec["unmatched"]] == ["Salt to taste", "1 pinch of grains of paradise"]
    assert rec["measured"]["magnesium_mg"] < 0.95  # unknown lines lower the measured share, never count as 0
    assert rec["diet_tags"] == ["vegan", "vegetarian", "pescatarian"] and rec["roles"] == ["main"]
    code, out, _err = run(capsys, "dishes", "show", LENTIL_ID)
    assert code == 0 and "Unmatched lines" in out and "12. Salt to taste" in out and "13. 1 pinch of grains" in out
    plan = Path(user_dishes_path()).parent / "plan.json"
    code, _out, err = run(capsys, "plan", "--age", "40", "--sex", "female", "--days", "2",  # an omnivore
                          "--favorite", LENTIL_ID, "--format", "json", "--out", str(plan))
    assert code == 0, err
    days = json.loads(plan.read_text())["days"]
    assert any(d["dish_id"] == LENTIL_ID for day in days for m in day["meals"] for d in m["dishes"])


def test_match_an_unmatched_line(capsys):
    assert run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes")[0] == 0
    before = dish_record(load_all_dishes(load_all_foods()), LENTIL_ID)
    code, _out, err = run(capsys, "dishes", "match", LENTIL_ID, "12", "salt_table")
    assert code == 2 and "give --grams" in err  # 'to taste' has no amount to convert
    code, out, err = run(capsys, "dishes", "match", LENTIL_ID, "12", "salt_table", "--grams", "1.5")
    assert code == 0, err
    after = dish_record(load_all_dishes(load_all_foods()), LENTIL_ID)
    salt = usda_foods().at[173468, "sodium_mg"]
    assert after["sodium_mg"] == pytest.approx(before["sodium_mg"] + 1.5 * salt / 100, rel=1e-3)
    assert [u["line"] for u in after["unmatched"]] == [13]
    assert after["measured"]["sodium_mg"] > before["measured"]["sodium_mg"]
    code, _out, err = run(capsys, "dishes", "match", LENTIL_ID, "12", "salt_table", "--grams", "1")
    assert code == 2 and "no unmatched line 12" in err


# Grams per serving by hand from USDA portions: Mealie makes 2 servings, Tandoor 3, the text 2.
EXPORT_BY_HAND = {
    "mealie": lambda: {173904: portion_g(173904, "cup") / 2, 173944: portion_g(173944, "medium") / 2},
    "tandoor": lambda: {175238: 400 / 3, 168917: 1.5 * portion_g(168917, "cup") / 3},
    "text": lambda: {171413: portion_g(171413, "tablespoon") / 2, 168462: 200 / 2,
                     175191: 1.5 * portion_g(175191, "cup") / 2},
}


@pytest.mark.parametrize("source, dish_id, expect_role", [
    ("mealie", "overnight_oats_with_chia_and_banana", "breakfast"),
    ("tandoor", "black_bean_and_quinoa_bowl", "main"),
    ("text", "spinach_and_white_bean_skillet", None),
])
def test_exports_and_text_become_dishes(capsys, tmp_path, source, dish_id, expect_role):
    path = {"mealie": mealie_zip(tmp_path), "tandoor": tandoor_zip(tmp_path),
            "text": DATA / "white_bean_skillet.txt"}[source]
    code, out, err = run(capsys, "dishes", "import", str(path), "--yes")
    assert code == 0, err
    foods = load_all_foods()
    rec = dish_record(load_all_dishes(foods), dish_id)
    if expect_role:
        assert rec["roles"] == [expect_role]
    by_hand = sum(i["grams"] * foods.at[i["food_id"], "magnesium_mg"] / 100 for i in rec["ingredients"])
    assert rec["magnesium_mg"] == pytest.approx(by_hand, rel=1e-3) and rec["magnesium_mg"] > 20
    grams = {i["fdc_id"]: i["grams"] for i in rec["ingredients"]}
    for fdc_id, expected in EXPORT_BY_HAND[source]().items():
        assert grams[fdc_id] == pytest.approx(expected, rel=0.10), fdc_id
    assert rec["unmatched"]  # each fixture has a line that cannot be weighed
    if source == "text":  # two identical garlic lines are added up, said so in the notes
        garlic = next(i for i in rec["ingredients"] if i["food_id"] == "garlic")
        assert garlic["grams"] == pytest.approx(2 * 2 * portion_g(169230, "clove") / 2, rel=0.1)
        assert "both garlic" in rec["notes"]
        assert [u["text"] for u in rec["unmatched"]] == ["a handful of grated parmesan"]


def test_an_existing_id_is_not_overwritten_without_replace(capsys):
    assert run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes")[0] == 0
    before = user_dishes_path().read_bytes()
    code, _out, err = run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes", "--servings", "2")
    assert code == 2 and "--replace" in err and user_dishes_path().read_bytes() == before
    code, _out, err = run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes", "--servings", "2", "--replace")
    assert code == 0, err
    assert dish_record(load_all_dishes(load_all_foods()), LENTIL_ID)["servings"] == 2
    assert user_dishes_path().read_text().count("[[dish]]") == 1


def test_no_yield_asks_for_servings(capsys, tmp_path):
    path = tmp_path / "soup.txt"
    path.write_text("Quick soup\n2 cups vegetable broth\n1 cup cooked lentils\n", encoding="utf-8")
    code, _out, err = run(capsys, "dishes", "import", str(path), "--yes")
    assert code == 2 and "--servings" in err and not user_dishes_path().exists()
    assert run(capsys, "dishes", "import", str(path), "--yes", "--servings", "2")[0] == 0


# --- bad input: one line, exit 2, nothing written -----------------------------------------------------------
def _bad_sources(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    big = tmp_path / "huge.html"
    big.write_bytes(b"<html>" + b" " * (MAX_SOURCE_BYTES + 10))
    broken_zip = tmp_path / "broken.zip"
    broken_zip.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    empty_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff")
        z.writestr("readme.json", json.dumps({"version": 1}))
    broken_json = tmp_path / "recipe.json"
    broken_json.write_text('{"name": "Soup", "recipeIngredient": [', encoding="utf-8")
    binary = tmp_path / "photo.bin"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe")
    return {
        "no recipe": (DATA / "no_recipe_page.html", "no schema.org Recipe"),
        "too large": (big, "up to 5.0 MB"),
        "broken zip": (broken_zip, "broken zip"),
        "zip without recipes": (empty_zip, "holds no recipe"),
        "broken json": (broken_json, "broken JSON"),
        "binary": (binary, "not a recipe"),
        "missing": (tmp_path / "nope.html", "no such file"),
    }


@pytest.mark.parametrize("case", ["no recipe", "too large", "broken zip", "zip without recipes", "broken json",
                                  "binary", "missing"])
def test_bad_sources_give_one_line_and_write_nothing(capsys, tmp_path, case):
    assert run(capsys, "dishes", "import", str(DATA / "white_bean_skillet.txt"), "--yes")[0] == 0
    before = user_dishes_path().read_bytes(), user_foods_path().read_bytes() if user_foods_path().exists() else b""
    path, words = _bad_sources(tmp_path)[case]
    code, _out, err = run(capsys, "dishes", "import", str(path), "--yes")
    assert code == 2 and words in err and "Traceback" not in err and err.count("\n") == 1, err
    after = user_dishes_path().read_bytes(), user_foods_path().read_bytes() if user_foods_path().exists() else b""
    assert after == before


def test_a_broken_user_dish_file_is_refused_not_overwritten(capsys):
    user_dishes_path().parent.mkdir(parents=True, exist_ok=True)
    user_dishes_path().write_text('[[dish]]\nid = "x"\n', encoding="utf-8")
    code, _out, err = run(capsys, "dishes", "import", str(LENTIL_PAGE), "--yes")
    assert code == 2 and "Traceback" not in err
    assert user_dishes_path().read_text() == '[[dish]]\nid = "x"\n'


# --- a URL, served by a real HTTP server on 127.0.0.1 -------------------------------------------------------
class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/recipes/easy-lentil-soup/":
            body = LENTIL_PAGE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
        else:
            body = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body>404</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_import_by_url(site, capsys):
    (recipe,) = read_recipes(f"{site}/recipes/easy-lentil-soup/")
    assert recipe.ingredients == read_recipe_file(LENTIL_PAGE)[0].ingredients
    code, out, err = run(capsys, "dishes", "import", f"{site}/recipes/easy-lentil-soup/", "--yes")
    assert code == 0, err and LENTIL_ID in out
    code, _out, err = run(capsys, "dishes", "import", f"{site}/recipes/missing/", "--yes")
    assert code == 2 and "404" in err


def test_unreachable_site_says_so():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RecipeImportError, match="cannot reach .*save the page"):
        read_recipes(f"http://127.0.0.1:{port}/recipe")


def test_recipes_from_bytes_of_text_with_a_title_only():
    with pytest.raises(RecipeImportError, match="lists no ingredients"):
        recipes_from_bytes(b"Just a title\n", "note.txt")
