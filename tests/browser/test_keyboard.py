"""Keyboard use, narrow screens and pages without JavaScript."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link is visible on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    assert page.url.endswith("#contenu")


def test_focus_is_visible(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "3px"


def test_nav_toggle_with_keyboard_on_a_phone(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        toggle = page.locator("[data-nav-toggle]")
        nav_link = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Se former")
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not nav_link.is_visible()

        # Tab: skip link, brand, then the menu button.
        for _ in range(3):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.hasAttribute('data-nav-toggle')")
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert nav_link.is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Données ouvertes"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not nav_link.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-nav-toggle')")
        page.keyboard.press("Space")
        assert toggle.get_attribute("aria-expanded") == "true"
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_without_javascript_the_navigation_is_visible_and_works(browser, live_server, width):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert not page.locator("[data-nav-toggle]").is_visible()
        nav = page.get_by_role("navigation", name="Navigation principale")
        link = nav.get_by_role("link", name="Se former")
        assert link.is_visible()
        link.click()
        page.wait_for_url("**/se-former/")
        assert page.locator("h1").inner_text() == "Se former"
        assert nav.get_by_role("link", name="Se former").get_attribute("aria-current") == "page"
    finally:
        context.close()


def test_language_switcher_without_javascript(browser, live_server):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/plan-du-site/")
        page.get_by_label("Langue").select_option("en")
        page.get_by_role("button", name="Changer de langue").click()
        page.wait_for_url("**/plan-du-site/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
