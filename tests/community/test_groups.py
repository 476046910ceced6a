"""Groups: the City Managers Community, working groups and pilot project teams. Services,
the permission matrix of a group's inside (members, documents, thread), bad input, the API and
pinned query counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metroscope.community import services
from metroscope.community.models import (
    Group,
    GroupDocument,
    GroupRole,
    GroupVisibility,
    Membership,
    Post,
)
from tests.community.groups_fixtures import add, make_group
from tests.conftest import client_for, make_user
from tests.core.files import HTML, PDF, upload
from tests.events.conftest import make_contact, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(staff, officer_seoul):
    """The matrix: anonymous, a signed-in non-member, a member, a coordinator, staff."""
    member = make_user("member_one")
    coordinator = make_user("coordinator_one")
    return {
        "anonymous": None,
        "outsider": officer_seoul,
        "member": member,
        "coordinator": coordinator,
        "staff": staff,
    }


def _group(people, visibility=GroupVisibility.PUBLIC) -> Group:
    group = make_group(people["staff"], visibility=visibility)
    add(people["staff"], group, people["member"])
    add(people["staff"], group, people["coordinator"], GroupRole.COORDINATOR)
    return group


# --- services ----------------------------------------------------------------------------------


def test_only_staff_create_groups_and_every_change_is_audited(people):
    with pytest.raises(PermissionDenied):
        make_group(people["member"])
    group = _group(people)
    assert group.history.first().history_user == people["staff"]
    membership = group.memberships.get(user=people["member"])
    assert membership.history.first().history_user == people["staff"]
    post = services.post_create(actor=people["member"], group=group, body="Hello")
    assert post.history.first().history_user == people["member"]
    kept_pk = membership.pk
    services.member_remove(actor=people["coordinator"], membership=membership)
    deleted = Membership.history.filter(id=kept_pk, history_type="-").get()
    assert deleted.history_user == people["coordinator"]


def test_a_group_needs_an_english_name_and_a_known_kind(staff):
    with pytest.raises(ValidationError) as exc:
        make_group(staff, name_en="", kind="club")
    assert {"name", "kind"} <= set(exc.value.message_dict)
    assert not Group.objects.exists()


def test_members_are_a_user_or_a_contact_never_twice(people):
    group = _group(people)
    with pytest.raises(ValueError, match="already in this group"):
        add(people["staff"], group, people["member"])
    with pytest.raises(ValueError, match="either a user"):
        services.member_add(actor=people["staff"], group=group)
    contact = make_contact("seoul", given_name="Min", family_name="Test")
    listed = services.member_add(actor=people["staff"], group=group, contact=contact)
    assert listed.display_name == f"{contact.given_name} {contact.family_name}"
    with pytest.raises(PermissionDenied):
        add(people["member"], group, people["outsider"])
    assert group.memberships.count() == 3


def test_meetings_are_events_upcoming_and_past(people):
    from metroscope.community.selectors import group_meetings

    group = _group(people)
    soon, gone = make_event(days_ahead=5), make_event(days_ahead=-40)
    services.meeting_add(actor=people["coordinator"], group=group, event=soon)
    services.meeting_add(actor=people["staff"], group=group, event=gone)
    with pytest.raises(ValueError, match="already"):
        services.meeting_add(actor=people["staff"], group=group, event=soon)
    with pytest.raises(PermissionDenied):
        services.meeting_add(actor=people["member"], group=group, event=make_event())
    upcoming, past = group_meetings(group)
    assert [m.event for m in upcoming] == [soon]
    assert [m.event for m in past] == [gone]


# --- permission matrix -------------------------------------------------------------------------

# who → (sees the public group's inside, sees the private group at all, may post)
MATRIX = {
    "anonymous": (False, False, False),
    "outsider": (False, False, False),
    "member": (True, True, True),
    "coordinator": (True, True, True),
    "staff": (True, True, True),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_thread_is_only_for_its_members_and_staff(people, who):
    inside, sees_private, may_post = MATRIX[who]
    public, private = _group(people), _group(people, GroupVisibility.PRIVATE)
    services.post_create(actor=people["member"], group=public, body="Members only: *agenda*")
    client = client_for(people[who])

    page = client.get(reverse("community:group", args=[public.pk]))
    assert page.status_code == 200
    assert ("Members only" in page.content.decode()) is inside
    assert ("member_one" in page.content.decode()) is inside

    hidden = client.get(reverse("community:group", args=[private.pk]))
    assert hidden.status_code == (200 if sees_private else 404)
    listed = client.get(reverse("community:groups")).content.decode()
    assert (f'href="{reverse("community:group", args=[private.pk])}"' in listed) is sees_private

    before = Post.objects.count()
    posted = client.post(reverse("community:post", args=[public.pk]), {"body": "Hi all"})
    if may_post:
        assert posted.status_code == 302
    elif who == "anonymous":
        assert posted.status_code == 302
        assert "/accounts/login/" in posted["Location"]
    else:
        assert posted.status_code == 403
    assert Post.objects.count() == before + (1 if may_post else 0)
    on_private = client.post(reverse("community:post", args=[private.pk]), {"body": "Hi"})
    if not sees_private and who != "anonymous":
        assert on_private.status_code == 404

    api = client.get(f"/api/v1/community/groups/{public.pk}/posts")
    assert api.status_code == (200 if inside else 401 if who == "anonymous" else 403)
    api_private = client.get(f"/api/v1/community/groups/{private.pk}/posts")
    if who != "anonymous":
        assert api_private.status_code == (200 if inside else 404)


def test_only_managers_add_members_on_the_page(people):
    group = _group(people)
    for who, status in (("outsider", 403), ("member", 403)):
        got = client_for(people[who]).post(
            reverse("community:member_add", args=[group.pk]), {"username": "x", "role": "member"}
        )
        assert got.status_code == status
    got = client_for(people["staff"]).post(
        reverse("community:member_add", args=[group.pk]),
        {"username": people["outsider"].username, "role": "member"},
    )
    assert got.status_code == 302
    assert group.memberships.filter(user=people["outsider"]).exists()


def test_a_coordinator_without_a_role_sees_and_adds_no_member_contact(people):
    """The leak of issue 21: every active contact of every member was offered to any
    coordinator, named with their member, and could be added (so shown to the whole group)."""
    group = _group(people)
    seoul = make_contact("seoul", given_name="Min", family_name="Private")
    client = client_for(people["coordinator"])
    page = client.get(reverse("community:group", args=[group.pk])).content.decode()
    assert "Add a member" in page
    assert "Min Private" not in page
    got = client.post(
        reverse("community:member_add", args=[group.pk]), {"contact": seoul.pk, "role": "member"}
    )
    assert got.status_code == 400
    assert not group.memberships.filter(contact=seoul).exists()
    with pytest.raises(PermissionDenied):
        services.member_add(actor=people["coordinator"], group=group, contact=seoul)


def test_a_coordinator_who_is_an_officer_adds_only_her_own_members_contacts(people):
    group = _group(people)
    services.member_add(
        actor=people["staff"], group=group, user=people["outsider"], role=GroupRole.COORDINATOR
    )  # officer of Seoul
    own = make_contact("seoul", given_name="Min", family_name="Own")
    other = make_contact("barcelona-city", given_name="Pau", family_name="Other")
    client = client_for(people["outsider"])
    page = client.get(reverse("community:group", args=[group.pk])).content.decode()
    assert "Min Own" in page
    assert "Pau Other" not in page
    refused = client.post(
        reverse("community:member_add", args=[group.pk]), {"contact": other.pk, "role": "member"}
    )
    assert refused.status_code == 400
    added = client.post(
        reverse("community:member_add", args=[group.pk]), {"contact": own.pk, "role": "member"}
    )
    assert added.status_code == 302
    assert [m.contact for m in group.memberships.filter(contact__isnull=False)] == [own]


def test_the_coordinators_form_does_not_tell_whether_a_user_name_exists(people):
    group = _group(people)
    client = client_for(people["coordinator"])
    page = client.get(reverse("community:group", args=[group.pk])).content.decode()
    assert 'name="username"' not in page
    answers = [
        client.post(
            reverse("community:member_add", args=[group.pk]), {"username": name, "role": "member"}
        )
        for name in (people["outsider"].username, "nobody-is-called-this")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert "nobody-is-called-this" not in answers[1].content.decode()
    assert not group.memberships.filter(user=people["outsider"]).exists()


def test_only_staff_open_the_group_form(people):
    assert client_for(people["coordinator"]).get(reverse("community:group_new")).status_code == 403
    staff = client_for(people["staff"])
    assert staff.get(reverse("community:group_new")).status_code == 200
    got = staff.post(
        reverse("community:group_new"),
        {"name_en": "Pilot team", "kind": "pilot_team", "visibility": "private"},
    )
    assert got.status_code == 302
    assert Group.objects.get(name_en="Pilot team").visibility == "private"


# --- bad input ---------------------------------------------------------------------------------


def test_an_empty_post_is_refused_with_its_reason_and_nothing_written(people):
    group = _group(people)
    got = client_for(people["member"]).post(
        reverse("community:post", args=[group.pk]), {"body": "   "}
    )
    assert got.status_code == 400
    assert "The message is empty" in got.content.decode()
    assert not Post.objects.exists()
    with pytest.raises(ValueError, match="empty"):
        services.post_create(actor=people["member"], group=group, body="\n")
    api = client_for(people["member"]).post(
        f"/api/v1/community/groups/{group.pk}/posts", {"body": ""}, content_type="application/json"
    )
    assert api.status_code == 400
    assert "empty" in api.json()["detail"]
    assert not Post.objects.exists()


def test_script_never_reaches_the_page(people):
    group = _group(people)
    body = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)> **ok**"
    client = client_for(people["member"])
    assert (
        client.post(reverse("community:post", args=[group.pk]), {"body": body}).status_code == 302
    )
    html = client.get(reverse("community:group", args=[group.pk])).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript' not in html
    assert "onerror" not in html.replace("&lt;img src=x onerror=alert(3)&gt;", "")
    assert "<strong>ok</strong>" in html
    api = client.get(f"/api/v1/community/groups/{group.pk}/posts").json()
    assert "<script" not in api[0]["html"]
    assert api[0]["body"] == body


def test_a_shared_pdf_is_kept_and_served_to_members_only(people, media):
    group = _group(people)
    client = client_for(people["member"])
    got = client.post(
        reverse("community:document_upload", args=[group.pk]), {"file": upload("agenda.pdf", PDF)}
    )
    assert got.status_code == 302
    document = GroupDocument.objects.get()
    assert document.name == "agenda.pdf"
    assert document.content_type == "application/pdf"
    assert document.history.first().history_user == people["member"]
    url = reverse("community:document", args=[group.pk, document.pk])
    assert client.get(url).status_code == 200
    assert client_for(people["outsider"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("agenda.pdf", HTML, "is a web page (HTML), not a PNG, JPEG, WebP or GIF image nor a PDF"),
        ("agenda.png", PDF, "is named as a PNG file but holds a PDF file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_bad_upload_is_refused_with_its_reason_and_nothing_kept(
    people, media, name, content, reason
):
    group = _group(people)
    got = client_for(people["member"]).post(
        reverse("community:document_upload", args=[group.pk]), {"file": upload(name, content)}
    )
    assert got.status_code == 400
    assert reason in got.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not GroupDocument.objects.exists()
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_too_large_a_file_is_refused_while_received(people, media, settings):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 100
    group = _group(people)
    got = client_for(people["member"]).post(
        reverse("community:document_upload", args=[group.pk]), {"file": upload("big.pdf", PDF)}
    )
    assert got.status_code == 400
    assert "larger than" in got.content.decode()
    assert not GroupDocument.objects.exists()


def test_the_upload_checks_csrf(people, media):
    group = _group(people)
    client = client_for(people["member"])
    client.handler.enforce_csrf_checks = True
    got = client.post(
        reverse("community:document_upload", args=[group.pk]), {"file": upload("a.pdf", PDF)}
    )
    assert got.status_code == 403
    assert not GroupDocument.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_what_the_caller_may_know_of(people):
    public, private = _group(people), _group(people, GroupVisibility.PRIVATE)
    anonymous = client_for(None).get("/api/v1/community/groups").json()
    assert [g["id"] for g in anonymous] == [public.pk]
    assert anonymous[0]["member"] is False
    mine = client_for(people["member"]).get("/api/v1/community/groups").json()
    assert {g["id"] for g in mine} == {public.pk, private.pk}
    assert all(g["member"] for g in mine)
    french = client_for(None).get("/api/v1/community/groups?lang=fr").json()
    assert french[0]["name"] == "Groupe de travail test sur l'eau"


def test_the_api_posts_for_members(people):
    group = _group(people)
    client = client_for(people["coordinator"])
    got = client.post(
        f"/api/v1/community/groups/{group.pk}/posts",
        {"body": "Next call: **Tuesday**"},
        content_type="application/json",
    )
    assert got.status_code == 201
    assert got.json()["author"] == "coordinator_one"
    assert "<strong>Tuesday</strong>" in got.json()["html"]
    outsider = client_for(people["outsider"]).post(
        f"/api/v1/community/groups/{group.pk}/posts", {"body": "x"}, content_type="application/json"
    )
    assert outsider.status_code == 403
    assert Post.objects.count() == 1


# --- query counts ------------------------------------------------------------------------------


def _fill(people, group: Group, n: int, media_dir: Path) -> None:
    for i in range(n):
        services.post_create(actor=people["member"], group=group, body=f"post {i}")
        services.meeting_add(actor=people["staff"], group=group, event=make_event(days_ahead=i))
        services.document_add(
            actor=people["member"], group=group, upload=upload(f"doc{i}.pdf", PDF)
        )


@pytest.mark.parametrize("n", [1, 6])
def test_the_group_page_runs_a_fixed_number_of_queries(
    people, media, n, django_assert_max_num_queries
):
    group = _group(people)
    _fill(people, group, n, media)
    client = client_for(people["coordinator"])
    client.get(reverse("community:group", args=[group.pk]))  # warm the session
    with django_assert_max_num_queries(14):
        assert client.get(reverse("community:group", args=[group.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_list_and_the_api_run_a_fixed_number_of_queries(
    people, n, django_assert_max_num_queries
):
    for _ in range(n):
        _group(people)
    client = client_for(people["member"])
    with django_assert_max_num_queries(6):  # + the header's unread notifications
        assert client.get(reverse("community:groups")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/community/groups").status_code == 200
    group = Group.objects.first()
    for i in range(n):
        services.post_create(actor=people["member"], group=group, body=f"post {i}")
    with django_assert_max_num_queries(7):  # session, user, group, membership, role, posts
        assert client.get(f"/api/v1/community/groups/{group.pk}/posts").status_code == 200
