"""End to end in a real browser: `streamlit run` on a free port, Debian's Chromium driven by Playwright.

A person generates a plan of dishes, opens a dish's recipe, swaps a dish for an alternative and downloads
the shopping list; the test checks the download and
saves screenshots to tests/artifacts/ (and to docs/screenshot.png, shown in the README, with
MAGPLAN_UPDATE_SCREENSHOT=1: `make screenshot`), so a test run leaves the checkout clean.
Chromium also prints the printable week to PDF (read back with pypdf): the week grid must be one page.
In CI (the CI environment variable set) this test must run: a missing Chromium is a failure, not a skip.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, AppStartError, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
PLAN_S = 120  # the app's solve time limit is 15 s; this only bounds a hung page


def _need(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why}. The browser test must run in CI: `make install-test` installs Debian's chromium "
                    "(sudo apt-get install chromium) and the playwright Python package.")
    pytest.skip(why)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app served by `streamlit run` with its own MAGPLAN_HOME (bench.browser.serve_app); killed at the end."""
    home = tmp_path_factory.mktemp("browser_home")
    try:
        with serve_app(home) as url:
            yield url
    except AppStartError as exc:
        pytest.fail(str(exc))
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if (home / "streamlit.log").exists():
            shutil.copy(home / "streamlit.log", ARTIFACTS / "streamlit.log")


def test_generate_open_a_recipe_swap_a_dish_and_download_the_shopping_list(app_url, tmp_path):
    _need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _need(False, "the playwright Python package is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
            page.set_default_timeout(60_000)
            page.goto(app_url)
            expect(page.get_by_role("heading", name="Magnesium meal planner")).to_be_visible()
            # The sidebar's lists of dishes and foods are there once the tables have loaded.
            expect(page.locator(".st-key-generate button")).to_be_enabled(timeout=PLAN_S * 1000)
            expect(page.locator(".st-key-p_favorites")).to_be_visible(timeout=PLAN_S * 1000)

            # One click gives a plan.
            page.locator(".st-key-generate button").click()
            expect(page.get_by_text("Day total")).to_be_visible(timeout=PLAN_S * 1000)
            expect(page.locator("[data-testid='stAlertContentSuccess']").first).to_contain_text("New 7-day plan")
            assert page.locator("[data-testid='stException']").count() == 0
            # The picture shows the page, not the passing toast (toasts close by themselves after seconds).
            toast = page.locator("[data-testid='stToast']")
            expect(toast.first).to_contain_text("New 7-day plan")  # the toast tells it too ...
            expect(toast).to_have_count(0, timeout=30_000)  # ... and goes away by itself
            page.set_viewport_size({"width": 1500, "height": 1500})
            page.wait_for_timeout(1500)  # let the page settle at the new size before the picture
            page.screenshot(path=str(ARTIFACTS / "plan.png"))
            page.set_viewport_size({"width": 1500, "height": 1100})
            if os.environ.get("MAGPLAN_UPDATE_SCREENSHOT"):  # `make screenshot` refreshes the README picture
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ARTIFACTS / "plan.png", SCREENSHOT)

            # Open the recipe of day 1's lunch: ingredients for its portions and the steps.
            recipe = page.locator("[class*='st-key-recipe_1_lunch_']").first
            recipe_key = next(c for c in (recipe.get_attribute("class") or "").split()
                              if c.startswith("st-key-recipe_1_lunch_"))
            dish_id = recipe_key.removeprefix("st-key-recipe_1_lunch_")
            recipe.locator("button").click()
            panel = page.locator(".st-key-recipe_panel")
            expect(panel).to_be_visible()
            expect(panel).to_contain_text("Ingredients for")
            expect(panel).to_contain_text("Steps")
            expect(panel.locator("h4")).to_be_visible()
            old_name = panel.locator("h4").inner_text().strip()
            page.screenshot(path=str(ARTIFACTS / "recipe.png"))
            panel.locator(".st-key-recipe_close button").click()
            expect(panel).to_have_count(0)

            # Swap that dish: the panel lists ranked alternative dishes; Use applies the first.
            page.locator(f".st-key-swap_1_lunch_{dish_id} button").click()
            swap_panel = page.locator(".st-key-swap_panel")
            expect(swap_panel).to_be_visible()
            expect(swap_panel).to_contain_text("day Mg")  # what each alternative does to the day
            use = swap_panel.locator("[class*='st-key-use_'] button").first
            expect(use).to_be_visible()
            use.click()
            notice = page.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']").first
            expect(notice).to_contain_text("Swap", timeout=PLAN_S * 1000)
            text = notice.inner_text()
            page.screenshot(path=str(ARTIFACTS / "after_swap.png"))
            assert text.startswith("Swapped"), f"the swap did not apply ({dish_id}): {text}"
            assert page.locator("[data-testid='stException']").count() == 0
            swapped = re.match(r"Swapped (.+) for (.+) \(day 1 lunch\)", text)
            assert swapped, text
            assert swapped.group(1) == old_name
            new_name = swapped.group(2)
            expect(page.locator("table.mp-grid")).to_contain_text(new_name)

            # The shopping list, downloaded as CSV.
            page.get_by_role("tab", name="Shopping list").click()
            button = page.locator(".st-key-dl_shop_csv button")
            expect(button).to_be_visible()
            expect(page.get_by_text("Estimated total: $")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "shopping.png"))
            with page.expect_download() as info:
                button.click()
            download = info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            csv = target.read_text(encoding="utf-8")
            assert download.suggested_filename == "shopping_list.csv"
            lines = csv.splitlines()
            assert lines[0].startswith("aisle,product")
            assert len(lines) >= 5, csv
            assert any(line.startswith(("Produce,", "Bulk", "Grains", "Pantry")) for line in lines[1:]), csv
            main = _main_ingredient(new_name)
            assert main in csv, f"the swapped-in dish {new_name!r} is bought for: its {main!r} is on the list"
            (ARTIFACTS / "shopping_list.csv").write_text(csv, encoding="utf-8")
        finally:
            browser.close()


def test_the_printed_week_has_its_grid_on_one_landscape_page(two_day_plan, shipped_dishes, tmp_path):
    """Chromium prints the printable week to PDF: page 1 holds the whole 7-day grid, the recipe cards follow."""
    import subprocess
    from dataclasses import replace
    from datetime import date

    from pypdf import PdfReader

    from planner.print_week import distinct_dishes, plan_to_print_html

    _need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    week = replace(two_day_plan, days=tuple(replace(two_day_plan.days[n % 2], day=n + 1) for n in range(7)))
    page = tmp_path / "week.html"
    page.write_text(plan_to_print_html(week, shipped_dishes, start=date(2026, 12, 7)), encoding="utf-8")
    pdf = tmp_path / "week.pdf"
    proc = subprocess.run([CHROMIUM, *CHROMIUM_ARGS, "--headless", f"--user-data-dir={tmp_path / 'profile'}",
                           "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert pdf.exists(), proc.stderr
    reader = PdfReader(pdf)
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    assert len(pages) >= 2
    first = pages[0]
    for n, day in enumerate(("Mon 7 Dec", "Tue 8 Dec", "Wed 9 Dec", "Thu 10 Dec", "Fri 11 Dec", "Sat 12 Dec",
                             "Sun 13 Dec"), start=1):
        assert f"Day {n} {day}" in first
    mg_row = first[first.rindex("Magnesium "):]
    assert mg_row.count(" mg") == 7, mg_row  # the last row of the grid, every day's magnesium, on page 1
    dish, where = distinct_dishes(week)[0]
    card_line = f"For day {where[0][0]} "
    assert card_line not in first and card_line in pages[1]  # the first recipe card starts on page 2
    assert " ".join(dish.name.split()) in pages[1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "week.pdf")


def _main_ingredient(dish_name: str) -> str:
    """The name of the heaviest ingredient of a library dish (what its shopping list must hold)."""
    from foods.dishes import load_all_dishes
    from foods.load import load_foods

    tables = load_all_dishes(load_foods())
    dish_id = tables.dishes.index[tables.dishes["name"] == dish_name][0]
    rows = tables.ingredients[tables.ingredients["dish_id"] == dish_id]
    return str(rows.sort_values("grams", ascending=False)["name"].iloc[0])


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        _need(False, "Chromium is not installed at /nowhere/chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _need(False, "Chromium is not installed at /nowhere/chromium")
    _need(True, "never shown")  # present: nothing happens
