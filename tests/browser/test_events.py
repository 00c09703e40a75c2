"""The event page in Chromium: the visitor's own time, added by static/js/local-time.js."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_local_time_is_added_in_the_visitors_zone(chromium, server):
    context = chromium.new_context(base_url=server.url, timezone_id="America/Sao_Paulo")
    try:
        page = context.new_page()
        page.goto("/events/go-smart-general-assembly-2023")
        local = page.locator("p.when-local")
        local.wait_for(state="visible")
        text = local.inner_text()
        # 06:00 UTC is 03:00 in São Paulo (UTC-3 in March 2023)
        assert re.search(r"\b0?3:00\b", text) and "America/Sao_Paulo" in text, text
    finally:
        context.close()


def test_without_javascript_no_empty_local_time_shows(chromium, server):
    context = chromium.new_context(base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/events/go-smart-general-assembly-2023")
        assert not page.locator("p.when-local").is_visible()
        assert "UTC" in page.locator("p.when-utc").inner_text()
    finally:
        context.close()
