"""The staff interest index reads every language with the same analysis as the catalogue."""

from app.extensions import db
from app.models import Interest
from tests.test_staff_interest import (  # noqa: F401 (fixtures)
    app_config,
    references,
    staff,
    submit,
)


def test_interest_messages_are_searched_in_their_languages(app, staff, submit):  # noqa: F811
    french = submit(message="Nous cherchons des partenaires pour la gestion des déchets.")
    korean = submit(message="스마트주차시스템 도입을 검토하고 있습니다.")
    arabic = submit(message="نبحث عن حلول لإدارة النفايات")
    with app.app_context():
        reference = {i: db.session.get(Interest, i).reference for i in (french, korean, arabic)}

    def found(text):
        return set(references(staff.get("/staff/interest", query_string={"q": text})))

    assert found("dechet") == {reference[french]}  # stemmed and folded as French
    assert found("주차") == {reference[korean]}  # inside a Korean compound
    assert found("نفايات") == {reference[arabic]}  # without the article
