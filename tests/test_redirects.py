"""The one redirect-target check, and every place that redirects to a target taken from a request."""

import pytest

from app.redirects import safe_next

HOSTILE = ("//x", "/\\x", "https://x", "javascript:x", "", None, "/\tx", "/\n/x", "/\x7f/x", "x")


def test_safe_next_keeps_local_paths():
    assert safe_next("/account/") == "/account/"
    assert safe_next("/projects?theme=mobility#results") == "/projects?theme=mobility#results"


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_rejects_what_is_not_a_relative_path(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", [t for t in HOSTILE if t])
def test_lite_switch_never_redirects_off_site(client, target):
    response = client.post("/lite", data={"lite": "1", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_lite_switch_goes_back_to_a_local_page(client):
    response = client.post("/lite", data={"lite": "1", "next": "/projects?theme=mobility"})
    assert response.headers["Location"] == "/projects?theme=mobility"
