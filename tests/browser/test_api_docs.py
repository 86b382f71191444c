"""The API documentation renders its operations in a real browser, with nothing from another host; axe on the list,
an opened operation and its "Try it out" response, at a desktop width and at a phone's."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page):
    """Wait until no CSS transition or animation runs: axe reads colours as they are painted, and Swagger UI's
    buttons fade between states (a contrast measured half-way is not the page's)."""
    page.wait_for_function("() => document.getAnimations().length === 0", timeout=5000)


@pytest.mark.parametrize("width", [1280, 375])
def test_docs_render_the_operations_and_try_one(page, live_server, width):
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, live_server, "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() > 10
    assert page.locator(".opblock-summary-path", has_text="/api/v1/datasets").count() >= 1
    assert_no_blocking_violations(page)
    page.locator(".btn.authorize").first.click()  # the authorisation dialog, its close button named
    page.get_by_role("button", name="Fermer").wait_for(timeout=5000)
    assert_no_blocking_violations(page)
    page.get_by_role("button", name="Fermer").click()
    expect(page.locator(".dialog-ux")).to_have_count(0)
    operation = page.locator(".opblock", has=page.locator(".opblock-summary-path", has_text="/api/v1/organisations"))
    operation = operation.first
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    expect(operation.get_by_label("Valeur de kind")).to_have_count(1)  # Swagger UI's value lists get a name
    settled(page)
    assert_no_blocking_violations(page)
    operation.locator(".execute").click()
    operation.locator(".responses-table .response-col_status", has_text="200").first.wait_for(timeout=10000)
    settled(page)
    assert_no_blocking_violations(page)
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert not errors, errors
