"""Passwords as the security baseline asks (issue 14): Argon2id with old hashes upgraded on login,
complexity, no reuse of the last five, a forced change after an administrator set the password,
and expiry."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from township.models import PasswordHistory, User
from township.tests.factories import UserFactory

ARGON2_FIRST = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
CHANGE = "/accounts/password/"
GOOD = "Harbour-2026-lamp"


def test_argon2id_is_the_production_hasher():
    from township import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_a_pbkdf2_hash_becomes_argon2id_at_the_next_login(settings):
    settings.PASSWORD_HASHERS = ARGON2_FIRST
    person = UserFactory(password=None)
    User.objects.filter(pk=person.pk).update(password=make_password("pass-12345", hasher="pbkdf2_sha256"))
    assert User.objects.get(pk=person.pk).password.startswith("pbkdf2_sha256$")
    response = Client().post("/accounts/login/", {"username": person.username, "password": "pass-12345"})
    assert response.status_code == 302
    stored = User.objects.get(pk=person.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert User.objects.get(pk=person.pk).check_password("pass-12345")


@pytest.mark.parametrize(
    "password",
    [
        "Ab1-short",  # nine characters
        "harbourlamp2026",  # letters and digits, one case, no symbol
        "Harbour-Lamp-Post",  # no digit
        "2026-0412-7788",  # no letter
    ],
)
def test_weak_passwords_are_refused_with_a_plain_message(password):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["harbour-lamp-2026", "HarbourLamp2026", GOOD])
def test_strong_passwords_pass(password):
    from django.contrib.auth.password_validation import validate_password

    validate_password(password)


def test_the_complexity_message_names_what_is_missing():
    from township.passwords import ComplexityValidator

    with pytest.raises(ValidationError) as refused:
        ComplexityValidator().validate("harbourlamp2026")
    assert refused.value.messages == [
        "The password must contain letters and digits, and a symbol or both capital and small letters."
    ]


def _change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
def test_the_last_five_passwords_cannot_be_used_again(login):
    person = UserFactory()
    client = login(person)
    client.cookies["django_language"] = "en"  # the messages are compared in English
    passwords = [f"Harbour-{n}-lamp" for n in range(1, 6)]
    old = "pass-12345"
    for new in passwords:
        assert _change(client, old, new).status_code == 302
        old = new
    assert PasswordHistory.objects.filter(person=person).count() == 5
    # The current one and the four before it are refused ...
    for used in passwords:
        response = _change(client, old, used)
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"] == [
            "This password was used recently; choose one not among your last 5."
        ]
    # ... a sixth new one goes through, and then the oldest of the five is free again.
    assert _change(client, old, "Harbour-6-lamp").status_code == 302
    assert _change(client, "Harbour-6-lamp", passwords[0]).status_code == 302
    assert PasswordHistory.objects.filter(person=person).count() == 5


@pytest.mark.django_db
def test_history_is_written_when_an_administrator_sets_a_password(org, login):
    person = UserFactory(township=org.township)
    client = login(org.admin)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client.post(url, {"password1": GOOD, "password2": GOOD, "usable_password": "true"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert PasswordHistory.objects.filter(person=person).count() == 1
    # The administrator set it, so the person must change it at the next sign-in.
    person.refresh_from_db()
    assert person.must_change_password
    response = client.post(url, {"password1": GOOD, "password2": GOOD, "usable_password": "true"})
    assert response.status_code == 200  # reuse refused in the admin too


def _admin_add(client, org, username):
    return client.post(
        reverse("admin:township_user_add"),
        {
            "username": username,
            "password1": GOOD,
            "password2": GOOD,
            "full_name": "新人",
            "employee_no": "N001",
            "mobile": "13900000078",
            "county": str(org.township.county_id),
            "township": str(org.township.pk),
            "department": str(org.department.pk),
            "category": "other_cadre",
            "usable_password": "true",
        },
    )


@pytest.mark.django_db
def test_an_account_made_by_an_administrator_changes_its_password_at_first_login(org, login):
    admin_client = login(org.admin)
    response = _admin_add(admin_client, org, "newcomer")
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(username="newcomer")
    assert person.must_change_password

    client = Client()
    assert client.post("/accounts/login/", {"username": "newcomer", "password": GOOD}).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == CHANGE
    assert client.get("/people/").status_code == 302
    assert client.get(CHANGE).status_code == 200  # the change page itself, and logout, are open
    assert _change(client, GOOD, "Harbour-7-lamp").status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_logout_stays_open_while_a_change_is_due(login):
    client = login(UserFactory(must_change_password=True))
    assert client.get("/").status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_password_older_than_the_maximum_age_must_be_changed(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        person = UserFactory()
        person.set_password(GOOD)
        person.save()
    # Day 90 after the change: still fine; day 91: changed first.  (A client a day: the idle
    # timeout would end a session left for a day.)
    with time_machine.travel(dt.datetime(2026, 5, 30, 8, tzinfo=dt.UTC), tick=False):
        client = Client()
        client.force_login(person)
        assert client.get("/").status_code == 200
    with time_machine.travel(dt.datetime(2026, 5, 31, 10, tzinfo=dt.UTC), tick=False):
        client = Client()
        client.force_login(person)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == CHANGE
        assert _change(client, GOOD, "Harbour-8-lamp").status_code == 302
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_expiry_off_with_zero(settings, login):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), tick=False):
        person = UserFactory()
    client = login(person)
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        assert client.get("/").status_code == 200
