"""magplan foods search / import / list / remove, in process, against the local FDC stand-in server."""
from __future__ import annotations

import pytest

from fdc_server import RunningServer, sr_legacy_food
from foods.fdc import FDCClient, food_to_row
from foods.paths import user_foods_path
from foods.user import add_user_foods, load_all_foods
from cli import foods as foods_cli
from cli import main

KEY = "s3cret-KEY-abc"
PUMPKIN = "fdc_170556_seeds_pumpkin_and_squash_seed_kernels_dried"


@pytest.fixture(scope="module")
def server():
    srv = RunningServer()
    yield srv
    srv.close()


@pytest.fixture
def fdc_env(server, monkeypatch):
    server.state.requests.clear()
    server.state.faults.clear()
    server.state.retry_after = "0"
    monkeypatch.setenv("FDC_BASE_URL", server.state.base_url)
    monkeypatch.setenv("FDC_API_KEY", KEY)
    return server.state


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_170556_adds_it_with_magnesium_and_serving_and_a_plan_can_use_it(fdc_env, capsys):
    code, out, err = run(capsys, "foods", "import", "170556")
    assert code == 0, err
    assert f"imported {PUMPKIN}" in out
    assert "592 mg magnesium per 100 g; serving 1 oz (28.35 g) = 168 mg" in out
    foods = load_all_foods()
    assert foods.loc[PUMPKIN, "magnesium_mg"] == 592.0 and foods.loc[PUMPKIN, "serving_g"] == 28.35
    assert KEY not in user_foods_path().read_text() and KEY not in out + err
    n = fdc_env.count()
    assert run(capsys, "foods", "import", "170556")[0] == 0
    assert fdc_env.count() == n  # a repeated import costs no request (disk cache)

    from planner.model import Profile, Rules
    from planner.plan import plan_week

    profile = Profile(favorite_foods=(PUMPKIN,), exclude_foods=("pumpkin_seeds", "pumpkin_seeds_roasted"))
    plan = plan_week(foods, profile, rules=Rules(days=1, time_limit_s=10))
    used = {i.food_id for d in plan.days for m in d.meals for i in m.items}
    assert PUMPKIN in used


def test_import_of_several_ids_shows_a_progress_bar(fdc_env, capsys):
    code, out, err = run(capsys, "foods", "import", "170556", "747997", "534358")
    assert code == 0, err
    assert "3/3" in err and "[" in err
    assert out.count("imported ") == 3
    assert "serving 1 ONZ (28 g) = ? mg" in out  # Branded household serving, grams not repeated
    assert "? mg magnesium per 100 g" in out  # the egg white fixture has no magnesium: unknown, not 0


def test_search_prints_fdc_ids_with_magnesium_and_filters_by_type(fdc_env, capsys):
    code, out, _ = run(capsys, "foods", "search", "pumpkin seeds", "--type", "SR Legacy")
    assert code == 0
    line = next(l for l in out.splitlines() if l.strip().startswith("170556"))
    assert "SR Legacy" in line and " 592 " in line and "559" in line
    assert fdc_env.requests[-1].body["dataType"] == ["SR Legacy"]
    code, out, _ = run(capsys, "foods", "search", "pumpkin seeds", "--type", "Branded")
    assert code == 0 and "no FoodData Central food matches" in out


def test_list_user_shows_magnesium_and_serving(fdc_env, capsys):
    code, out, _ = run(capsys, "foods", "list", "--user")
    assert code == 0 and "no foods of your own" in out
    run(capsys, "foods", "import", "170556")
    code, out, _ = run(capsys, "foods", "list", "--user")
    line = next(l for l in out.splitlines() if l.startswith(PUMPKIN))
    assert "592" in line and "1 oz (28.35 g)" in line and " 168 " in line
    code, out, _ = run(capsys, "foods", "list")
    assert PUMPKIN in out and "almonds" in out
    code, out, _ = run(capsys, "foods", "remove", PUMPKIN)
    assert code == 0 and "0 food(s) of your own left" in out


def test_demo_key_note_when_no_key_is_set(fdc_env, capsys, monkeypatch):
    monkeypatch.delenv("FDC_API_KEY")
    code, _, err = run(capsys, "foods", "import", "170556")
    assert code == 0 and "DEMO_KEY" in err and fdc_env.requests[-1].api_key == "DEMO_KEY"


@pytest.mark.parametrize("modes, message", [
    (("429", "429", "429"), "rate limit reached (HTTP 429) after 3 attempt"),
    (("500", "500", "500"), "server error (HTTP 500) after 3 attempt"),
    (("stall", "stall", "stall"), "no answer within 0.2 s after 3 attempt"),
    (("malformed",), "not valid JSON"),
    (("404",), "has no fdcId 170567 (HTTP 404)"),
    (("403",), "refused the API key (HTTP 403)"),
])
def test_every_fault_mode_gives_one_clear_line_and_leaves_the_user_table_unharmed(
        fdc_env, capsys, monkeypatch, tmp_path, modes, message):
    add_user_foods([food_to_row(sr_legacy_food(170556))])
    before = user_foods_path().read_bytes()
    fdc_env.stall_s = 0.6
    fast = FDCClient(timeout_s=0.2, retries=2, backoff_s=0.01, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(foods_cli, "_client", lambda: fast)
    fdc_env.script("/fdc/v1/food/170567", *modes)
    code, out, err = run(capsys, "foods", "import", "170567")
    assert code == 2
    assert err.startswith("magplan: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err and KEY not in err
    assert user_foods_path().read_bytes() == before


def test_unknown_id_in_a_batch_and_a_bad_id_are_clear_errors(fdc_env, capsys):
    code, _, err = run(capsys, "foods", "import", "170556", "999999999")
    assert code == 2 and "no food with fdcId 999999999; nothing was imported" in err
    assert not user_foods_path().exists()
    code, _, err = run(capsys, "foods", "import", "abc")
    assert code == 2 and "'abc' is not an FDC id" in err


@pytest.mark.parametrize("mode, message", [("malformed", "not valid JSON"), ("403", "refused the API key")])
def test_a_fault_in_a_batch_import_leaves_the_user_table_unharmed(fdc_env, capsys, monkeypatch, tmp_path, mode,
                                                                   message):
    add_user_foods([food_to_row(sr_legacy_food(170556))])
    before = user_foods_path().read_bytes()
    fast = FDCClient(timeout_s=1, retries=1, backoff_s=0.01, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(foods_cli, "_client", lambda: fast)
    fdc_env.script("/fdc/v1/foods", mode)
    code, _, err = run(capsys, "foods", "import", "170567", "168462")
    assert code == 2 and message in err and "Traceback" not in err
    assert err.splitlines()[-1].startswith("magplan: error: ")
    assert user_foods_path().read_bytes() == before
