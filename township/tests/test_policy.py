import datetime as dt
from decimal import Decimal

import pghistory.models
import pytest
from django.core.exceptions import ValidationError

from township.policy import REGISTRY, PolicyDef, policy, policy_set, register

TEST_DEFS = (
    PolicyDef("R-TEST-1", 2, "test cap"),
    PolicyDef("R-TEST-2.amount", "40.00", "test money", kind="decimal", minimum="0"),
)


@pytest.fixture(autouse=True)
def _test_settings():
    """This module's own settings, registered only while its tests run (registered at import,
    they showed on every other test's policy page)."""
    register(*TEST_DEFS)
    yield
    for d in TEST_DEFS:
        REGISTRY.pop(d.key, None)


def test_policy_value_change_takes_effect_and_is_audited(org, other_org):
    t = org.township
    assert policy("R-TEST-1", township=t, on=dt.date(2026, 5, 1)) == 2
    # The county sets a default for 2026; the township its own value from 2027.
    policy_set(actor=_county_admin(org), key="R-TEST-1", year=2026, value="3", reason="county rule")
    policy_set(actor=org.admin, key="R-TEST-1", year=2027, value="4", township=t)
    assert policy("R-TEST-1", township=t, on=dt.date(2025, 5, 1)) == 2
    assert policy("R-TEST-1", township=t, on=dt.date(2026, 5, 1)) == 3
    assert policy("R-TEST-1", township=t, on=dt.date(2028, 5, 1)) == 4  # carried forward
    assert policy("R-TEST-1", township=other_org.township, on=dt.date(2028, 5, 1)) == 3
    events = pghistory.models.Events.objects.filter(pgh_model="township.PolicyValueEvent")
    assert events.count() >= 2


def _county_admin(org):
    from township.models import Role
    from township.tests.factories import UserFactory

    return UserFactory(township=None, county=org.township.county, roles=[Role.ADMINISTRATOR])


def test_policy_change_only_by_administrators_and_validated(org):
    with pytest.raises(ValidationError, match="R-SUP-7"):
        policy_set(actor=org.inspector, key="R-TEST-1", year=2026, value="9", township=org.township)
    with pytest.raises(ValidationError):
        policy_set(actor=org.admin, key="R-TEST-2.amount", year=2026, value="-1", township=org.township)
    with pytest.raises(ValidationError):
        policy_set(actor=org.admin, key="R-TEST-1", year=2026, value="many", township=org.township)
    policy_set(actor=org.admin, key="R-TEST-2.amount", year=2026, value="55.5", township=org.township)
    assert policy("R-TEST-2.amount", township=org.township, on=dt.date(2026, 1, 1)) == Decimal("55.50")


def test_policy_settings_page_saves_and_records_the_actor(org, login):
    client = login(org.admin)
    page = client.get("/settings/policy/?year=2026")
    assert page.status_code == 200 and "R-TEST-1" in page.content.decode()
    response = client.post("/settings/policy/?year=2026", {"key": "R-TEST-1", "year": "2026", "value": "5"})
    assert response.status_code == 302
    assert policy("R-TEST-1", township=org.township, on=dt.date(2026, 6, 1)) == 5
    event = pghistory.models.Events.objects.filter(pgh_model="township.PolicyValueEvent").latest(
        "pgh_created_at"
    )
    assert event.pgh_context["user"] == org.admin.pk
    # Inspectors read the page but cannot change it.
    assert (
        login(org.inspector).post("/settings/policy/", {"key": "R-TEST-1", "value": "1"}).status_code == 403
    )


def test_policy_page_shows_each_settings_history(org, other_org, login):
    policy_set(actor=_county_admin(org), key="R-TEST-1", year=2026, value="3", reason="县统一规定")
    policy_set(
        actor=org.admin, key="R-TEST-1", year=2026, value="4", township=org.township, reason="镇党委会议"
    )
    policy_set(
        actor=org.admin, key="R-TEST-1", year=2026, value="6", township=org.township, reason="再次调整"
    )
    policy_set(actor=other_org.admin, key="R-TEST-1", year=2026, value="9", township=other_org.township)
    policy_set(actor=org.admin, key="R-TEST-1", year=2027, value="7", township=org.township)
    page = login(org.admin).get("/settings/policy/?year=2026").content.decode()
    start = page.index('data-testid="history-R-TEST-1"')
    history = page[start : page.index("</details>", start)]
    # newest first: the township's two values, then the county's default; not the other township's
    # value, not another year's
    assert (
        history.index("<strong>6</strong>")
        < history.index("<strong>4</strong>")
        < history.index("<strong>3</strong>")
    )
    assert "再次调整" in history and "镇党委会议" in history and "县统一规定" in history
    assert "<strong>9</strong>" not in history and "<strong>7</strong>" not in history
    assert history.count("<li>") == 3
