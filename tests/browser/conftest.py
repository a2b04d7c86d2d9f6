"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live_server.

Playwright cannot download its own browsers here, so these tests launch the system
`chromium`. They do not use pytest-playwright's `browser`/`page` fixtures.
Screenshots go to var/screenshots/ (gitignored).
"""

import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium_browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh browser context (no cookies) and page for one test."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(browser_page, screenshot_dir):
    """screenshot("name") saves a full-page PNG of the current page and returns its path."""

    def take(name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take
