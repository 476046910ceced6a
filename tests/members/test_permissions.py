"""The permission matrix: every page of the foundation for every persona."""

from __future__ import annotations

import pytest

from metroscope.members.models import Contact, Member
from tests.conftest import BARCELONA, SEOUL, client_for

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "officer_barcelona", "officer_seoul", "staff", "board_member"]
PUBLIC = dict.fromkeys(PERSONAS, 200)
SIGNED_IN_ONLY = {"anonymous": 302}


def _contact() -> Contact:
    member = Member.objects.get(code=BARCELONA)
    return Contact.objects.create(
        member=member, given_name="Ada", family_name="Example", role_category="focal_point"
    )


def urls() -> list[tuple[str, dict[str, int]]]:
    own_edit = {
        "anonymous": 302,
        "officer_barcelona": 200,
        "officer_seoul": 403,
        "staff": 200,
        "board_member": 403,
    }
    staff_only = {
        "anonymous": 302,
        "officer_barcelona": 403,
        "officer_seoul": 403,
        "staff": 200,
        "board_member": 403,
    }
    return [
        ("/", PUBLIC),
        ("/fr/", PUBLIC),
        ("/es/", PUBLIC),
        ("/members/", PUBLIC),
        (f"/members/{BARCELONA}/", PUBLIC),
        (f"/members/{SEOUL}/", PUBLIC),
        ("/members/no-such-member/", dict.fromkeys(PERSONAS, 404)),
        ("/bodies/", PUBLIC),
        ("/plan/", PUBLIC),
        ("/about/", PUBLIC),
        ("/accounts/login/", PUBLIC),
        (f"/members/{BARCELONA}/edit/", own_edit),
        (f"/members/{BARCELONA}/contacts/add/", own_edit),
        (f"/members/{BARCELONA}/contacts/{{contact}}/edit/", own_edit),
        (f"/members/{SEOUL}/edit/", {**own_edit, "officer_barcelona": 403, "officer_seoul": 200}),
        ("/history/members/member/{barcelona}/", staff_only),
        ("/history/members/nosuchmodel/1/", {**staff_only, "staff": 404}),
        (
            "/admin/members/member/",
            {
                **staff_only,
                "staff": 200,
                "officer_barcelona": 302,
                "officer_seoul": 302,
                "board_member": 302,
            },
        ),
        (
            "/admin/plan/axis/",
            {
                **staff_only,
                "staff": 200,
                "officer_barcelona": 302,
                "officer_seoul": 302,
                "board_member": 302,
            },
        ),
        ("/api/v1/members", PUBLIC),
        ("/api/v1/regions", PUBLIC),
        ("/api/v1/plan", PUBLIC),
        ("/api/v1/openapi.json", PUBLIC),
        ("/api/v1/docs", PUBLIC),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    contact = _contact()
    barcelona = Member.objects.get(code=BARCELONA)
    failures = []
    for template, expected in urls():
        url = template.format(contact=contact.pk, barcelona=barcelona.pk)
        status = client.get(url).status_code
        if status != expected[persona]:
            failures.append(f"{url}: {status} (expected {expected[persona]})")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("persona", "code", "expected"),
    [
        ("officer_barcelona", BARCELONA, 302),
        ("officer_barcelona", SEOUL, 403),
        ("officer_seoul", BARCELONA, 403),
        ("board_member", BARCELONA, 403),
        ("staff", SEOUL, 302),
    ],
)
def test_posting_an_edit_is_allowed_only_for_own_member(request, persona, code, expected):
    client = client_for(request.getfixturevalue(persona))
    member = Member.objects.get(code=code)
    registry = {
        f: getattr(member, f)
        for f in ("institution", "kind", "entity_type", "latitude", "longitude", "location_note")
    }
    response = client.post(
        f"/members/{code}/edit/",
        {
            "description_en": "Edited",
            "description_fr": "",
            "description_es": "",
            "website": "",
            **registry,
        },
    )
    assert response.status_code == expected
    edited = Member.objects.get(code=code).description_en == "Edited"
    assert edited is (expected == 302)


def test_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client):
    response = client.post(f"/members/{BARCELONA}/edit/", {"description_en": "Edited"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Member.objects.get(code=BARCELONA).description_en


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", False),
        ("officer_barcelona", True),
        ("officer_seoul", False),
        ("staff", True),
        ("board_member", False),
    ],
)
def test_contacts_are_visible_only_to_staff_and_own_officers(request, persona, sees):
    _contact()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    html = client_for(user).get(f"/members/{BARCELONA}/").content.decode()
    assert ("Ada Example" in html) is sees
