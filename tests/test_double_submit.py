"""A repeated POST of the same interest form (a double tap, a resend on a slow link) stores one record."""

import pytest

from app.extensions import db
from app.models import Interest, OutboundEmail
from tests.conftest import html, make_test_config
from tests.test_interest import count, hidden_fields, valid_input


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0)


def reference_at(client, location):
    return html(client.get(location)).find(class_="reference").strong.get_text()


def test_each_form_shown_carries_its_own_one_time_id(client):
    # The signed, session-bound start time (one nonce per form shown) is the form's id.
    first = hidden_fields(client.get("/interest"))["started"]
    second = hidden_fields(client.get("/interest"))["started"]
    assert first != second


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["no-js", "htmx"])
def test_the_same_form_posted_twice_gives_one_record_and_the_same_reference(app, client, headers):
    data = hidden_fields(client.get("/interest")) | valid_input()
    first = client.post("/interest", data=data, headers=headers)
    second = client.post("/interest", data=data, headers=headers)
    location = "Location" if not headers else "HX-Redirect"
    assert first.headers[location] == second.headers[location]
    assert reference_at(client, first.headers[location]).startswith("EOI-")
    assert count(app, Interest) == 1
    with app.app_context():
        # One confirmation email too: the repeat queues nothing.
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail)) == 1


def test_two_forms_are_two_records(app, client):
    for _ in range(2):
        data = hidden_fields(client.get("/interest")) | valid_input()
        assert client.post("/interest", data=data).status_code == 303
    assert count(app, Interest) == 2


def test_an_invalid_first_try_keeps_the_form_id_so_the_corrected_resend_is_still_one(app, client):
    data = hidden_fields(client.get("/interest")) | valid_input(name="")
    refused = client.post("/interest", data=data)
    assert refused.status_code == 422
    assert hidden_fields(refused)["started"] == data["started"]
    data["name"] = "Amina Okello"
    assert client.post("/interest", data=data).status_code == 303
    assert client.post("/interest", data=data).status_code == 303
    assert count(app, Interest) == 1


@pytest.mark.parametrize(
    "started", ["", "short", "<script>" * 8, "x" * 65, "abcdefghijklmnop.AAAA.BBBB"]
)
def test_a_missing_or_forged_form_id_is_not_deduplicated_and_never_an_error(app, client, started):
    data = hidden_fields(client.get("/interest")) | valid_input(started=started)
    assert client.post("/interest", data=data).status_code == 303
    assert client.post("/interest", data=data).status_code == 303
    assert count(app, Interest) == 2
    with app.app_context():
        rows = db.session.scalars(db.select(Interest)).all()
        assert [row.form_id for row in rows] == [None, None]
        assert all(row.suspected_spam for row in rows)  # and staff see why
