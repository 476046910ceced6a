"""Password reset by e-mail and password change: Django's own views in the house's templates,
in the reader's language, linked from the sign-in page and from My Metroscope."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NEW = "a-much-longer-passphrase-2026"


def test_the_sign_in_page_links_to_the_reset_in_each_language():
    for prefix, words in (
        ("", "Forgotten your password?"),
        ("/fr", "Mot de passe oublié ?"),
        ("/es", "¿Olvidó su contraseña?"),
    ):
        page = Client().get(f"{prefix}/accounts/login/").content.decode()
        assert f'href="{prefix}/accounts/password/reset/"' in page
        assert words in page


def test_a_reset_link_sent_in_french_sets_a_new_password(officer_barcelona):
    officer_barcelona.email = "officer@barcelona.example"
    officer_barcelona.save()
    client = Client()
    page = client.get("/fr/accounts/password/reset/").content.decode()
    assert "Mot de passe oublié" in page
    sent = client.post("/fr/accounts/password/reset/", {"email": "officer@barcelona.example"})
    assert sent["Location"] == "/fr/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["officer@barcelona.example"]
    assert message.subject == "Metroscope : choisir un nouveau mot de passe"
    link = re.search(r"https?://[^/\s]+(/fr/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/fr/accounts/password/reset/done/"
    officer_barcelona.refresh_from_db()
    assert officer_barcelona.check_password(NEW)
    # the link works once
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in again


def test_an_unknown_address_learns_nothing_and_gets_nothing(officer_barcelona):
    sent = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert sent["Location"] == "/accounts/password/reset/sent/"
    assert not mail.outbox


def test_changing_the_password_needs_the_old_one_and_a_sign_in(officer_barcelona):
    response = Client().get("/es/accounts/password/change/")
    assert response["Location"] == "/es/accounts/login/?next=/es/accounts/password/change/"
    client = client_for(officer_barcelona)
    page = client.get("/es/accounts/password/change/").content.decode()
    assert "Cambiar su contraseña" in page
    wrong = client.post(
        "/es/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    officer_barcelona.refresh_from_db()
    assert officer_barcelona.check_password(PASSWORD)
    done = client.post(
        "/es/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done["Location"] == "/es/accounts/password/change/done/"
    officer_barcelona.refresh_from_db()
    assert officer_barcelona.check_password(NEW)
    assert client.get("/es/me/").status_code == 200  # still signed in
