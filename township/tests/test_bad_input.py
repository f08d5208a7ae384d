"""Bad input never gives a 500: every URL of the access matrix, for the roles that may use it,
with junk in the query string (GET) and junk in every field of the page's own forms (POST).

Junk: letters where numbers go, impossible dates, huge and negative numbers, NUL characters,
ids of another township's records."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from township.tests.test_access_matrix import MATRIX, PARAMS, ROLES, checked_names
from township.tests.world import World, world_fixture  # noqa: F401 - the module's data set

QUERY_KEYS = (
    "export year sort department reception q template month kind topic edit week village vehicle "
    "status quarter print person period page number mine format date case from to token new"
).split()

JUNK = {
    "letters": "abc<script>x</script>'\"",
    "impossible date": "2026-13-45",
    "huge": "9" * 30,
    "negative": "-1",
    "nul": "a\x00b",
}

INPUT = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"", re.I)
# Logging out or switching language would end the test's session; nothing to learn there.
NOT_POSTED = {"logout", "login", "password_change"}


def _allowed(role):
    """URL names this role may open (200 in the matrix) on the township logged in."""
    i = ROLES.index(role)
    return [n for n in checked_names() if MATRIX[n].split()[i] == "200"]


def _url(name, world):
    return reverse(name, kwargs=PARAMS[name](world.mine) if name in PARAMS else None)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# Each page is tried by the first of these roles that may open it, and by the county inspector.
GET_ROLES = ("administrator", "principal_leader", "office_clerk", "finance_clerk", "department_head", "staff")


def _designated(role):
    if role == "county_inspector":
        return _allowed(role)
    earlier = {n for r in GET_ROLES[: GET_ROLES.index(role)] for n in _allowed(r)}
    return [n for n in _allowed(role) if n not in earlier]


@pytest.mark.parametrize("role", (*GET_ROLES, "county_inspector"))
def test_junk_in_the_query_string_is_never_a_500(world: World, role, db):
    client = _client(world.users()[role])
    errors = []
    for name in _designated(role):
        url = _url(name, world)
        for label, value in JUNK.items():
            response = client.get(url, {k: value for k in QUERY_KEYS})
            if response.status_code >= 500:
                errors.append(f"{name} ?…={label}: {response.status_code}")
    assert not errors, "\n".join(errors)


# NUL characters are refused whole by township.middleware.RejectNulMiddleware (tested below).
POST_JUNK = ("letters", "huge", "negative")


@pytest.mark.parametrize("role", GET_ROLES)
def test_junk_in_every_form_field_is_never_a_500(world: World, role, db):
    """Each page by its designated role (as for GET), and every page a plain staff member may
    open by the staff member too (their own forms: leave, trips, visits...)."""
    user = world.users()[role]
    client = _client(user)
    errors = []
    for name in _designated(role) if role != "staff" else _allowed(role):
        if name in NOT_POSTED:
            continue
        url = _url(name, world)
        page = client.get(url)
        html = "" if page.streaming or page.status_code != 200 else page.content.decode(errors="ignore")
        fields = set(INPUT.findall(html))
        fields.discard("csrfmiddlewaretoken")
        fields.discard("language")
        fields |= {"year", "quarter", "roster", "checkin", "decide", "key", "value", "edit", "unpair"}
        for label in POST_JUNK:
            response = client.post(url, {f: JUNK[label] for f in fields})
            if response.status_code >= 500:
                errors.append(f"POST {name} all fields={label}: {response.status_code}")
            client.force_login(user)  # a form may have logged out or rotated the session
    assert not errors, "\n".join(errors)


def test_nul_characters_are_refused_with_400(world: World, db):
    client = _client(world.users()["administrator"])
    assert client.get(reverse("person_list"), {"q": "a\x00b"}).status_code == 400
    assert client.post(reverse("conduct:leave_new"), {"reason": "a\x00b"}).status_code == 400
    assert client.get(reverse("person_list"), {"q": "ab"}).status_code == 200
