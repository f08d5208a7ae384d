"""The tamper-evident audit chains (issue 14): the security log and the role grants are chained,
audit_verify finds a row changed behind the application's back, retention prunes only rows past
the period and the chain verifies from its anchor."""

import datetime as dt
import threading

import pgtrigger
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from township.audit import GENESIS, audit_prune, chain_verify, row_hash, security_event_record
from township.models import AuditAnchor, Role, RoleGrant, SecurityEvent
from township.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _verify():
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_logins_failures_refusals_and_session_endings_are_in_the_chained_log(org):
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.post("/accounts/login/", {"username": org.staff.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": org.staff.username, "password": "pass-12345"})
    client.get("/people/999999/")  # out of reach: refused (404)
    client.post("/accounts/logout/")
    from township.security import sessions_end

    sessions_end(user=org.staff, actor=org.admin)
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "username", "ip"))
    assert kinds[:3] == [
        ("login_failed", org.staff.username, "10.0.0.7"),
        ("login", org.staff.username, "10.0.0.7"),
        ("refused", org.staff.username, "10.0.0.7"),
    ]
    assert [k for k, _, _ in kinds[3:]] == ["logout", "sessions_ended"]
    first = SecurityEvent.objects.order_by("pk").first()
    assert first.prev_hash == GENESIS
    assert first.row_hash == row_hash(GENESIS, first.audit_content())
    assert len(first.row_hash) == 64
    assert _verify() == "security_events: intact: 5 rows\nrole_grants: intact: 18 rows\n"  # org: 18 roles


def test_a_lockout_and_a_password_change_are_logged(org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.8").post(
            "/accounts/login/", {"username": org.clerk.username, "password": "x"}
        )
    assert SecurityEvent.objects.filter(kind="lockout", username=org.clerk.username).count() == 1
    org.staff.set_password("Harbour-9-lamp")
    org.staff.save()
    assert SecurityEvent.objects.filter(kind="password_changed", person_id=org.staff.pk).count() == 1


def test_audit_verify_names_a_security_event_changed_with_raw_sql(org):
    events = [security_event_record(kind="login", user=org.staff) for _ in range(4)]
    tampered = events[2]
    with pgtrigger.ignore("township.SecurityEvent:security_event_append_only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE township_securityevent SET username = 'someone-else' WHERE id = %s", [tampered.pk]
        )
    with pytest.raises(CommandError) as broken:
        _verify()
    assert f"security_events: row {tampered.pk} was changed after it was written" in str(broken.value)


def test_audit_verify_names_a_role_grant_changed_or_removed_with_raw_sql(org):
    staff = UserFactory(township=org.township)
    staff.groups.add(Group.objects.get_or_create(name=Role.INSPECTOR)[0])
    staff.groups.add(Group.objects.get_or_create(name=Role.ADMINISTRATOR)[0])
    staff.groups.remove(Group.objects.get(name=Role.INSPECTOR))
    grants = list(RoleGrant.objects.filter(person=staff).order_by("pk"))
    assert len(grants) == 3
    assert chain_verify("role_grants") == (RoleGrant.objects.count(), None)
    with pgtrigger.ignore("township.RoleGrant:role_grant_append_only"), connection.cursor() as cursor:
        cursor.execute("UPDATE township_rolegrant SET action = 'granted' WHERE id = %s", [grants[2].pk])
    _, first_break = chain_verify("role_grants")
    assert (first_break.pk, first_break.reason) == (grants[2].pk, "was changed after it was written")
    # Put it back, then remove the middle one: the next row no longer follows.
    with pgtrigger.ignore("township.RoleGrant:role_grant_append_only"), connection.cursor() as cursor:
        cursor.execute("UPDATE township_rolegrant SET action = 'revoked' WHERE id = %s", [grants[2].pk])
        assert chain_verify("role_grants")[1] is None
        cursor.execute("DELETE FROM township_rolegrant WHERE id = %s", [grants[1].pk])
    _, first_break = chain_verify("role_grants")
    assert first_break.pk == grants[2].pk and "does not follow" in first_break.reason


def test_the_log_is_append_only_for_the_application(org):
    from django.db import ProgrammingError

    event = security_event_record(kind="login", user=org.staff)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"):
        SecurityEvent.objects.filter(pk=event.pk).update(username="x")


UTC = dt.UTC


def test_retention_deletes_only_rows_past_180_days_and_the_chain_verifies_from_the_anchor(org, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days still apply
    days = {}
    for label, when in [
        ("400 days", dt.datetime(2025, 10, 27, 9, tzinfo=UTC)),
        ("200 days", dt.datetime(2026, 5, 15, 9, tzinfo=UTC)),
        ("182 days", dt.datetime(2026, 6, 2, 9, tzinfo=UTC)),
        ("exactly 180 days", dt.datetime(2026, 6, 4, 9, tzinfo=UTC)),
        ("179 days", dt.datetime(2026, 6, 5, 9, tzinfo=UTC)),
        ("10 days", dt.datetime(2026, 11, 21, 9, tzinfo=UTC)),
    ]:
        with time_machine.travel(when, tick=False):
            days[label] = security_event_record(kind="login", user=org.staff)
    now = dt.datetime(2026, 12, 1, 9, tzinfo=UTC)  # 180 days before: 2026-06-04 09:00
    with time_machine.travel(now, tick=False):
        assert audit_prune() == {"security_events": 3, "role_grants": 0}
        assert audit_prune() == {"security_events": 0, "role_grants": 0}  # idempotent
    kept = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert kept == {days["exactly 180 days"].pk, days["179 days"].pk, days["10 days"].pk}
    anchor = AuditAnchor.objects.get(chain="security_events")
    assert anchor.row_hash == days["182 days"].row_hash and anchor.rows_pruned == 3
    assert "security_events: intact: 3 rows" in _verify()
    # The chain goes on from the kept rows; tampering with the oldest kept one is still found.
    security_event_record(kind="logout", user=org.staff)
    assert "security_events: intact: 4 rows" in _verify()
    with pgtrigger.ignore("township.SecurityEvent:security_event_append_only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE township_securityevent SET ip = '10.9.9.9' WHERE id = %s", [days["exactly 180 days"].pk]
        )
    with pytest.raises(CommandError, match=f"row {days['exactly 180 days'].pk} was changed"):
        _verify()


def test_the_retention_task_runs_from_beat(org, settings):
    from township.tasks import audit_retention

    assert settings.CELERY_BEAT_SCHEDULE["audit-retention"]["task"] == "township.tasks.audit_retention"
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        security_event_record(kind="login", user=org.staff)
    with time_machine.travel(dt.datetime(2026, 6, 29, tzinfo=UTC), tick=False):  # 179 days on
        assert audit_retention.delay().get() == {"security_events": 0, "role_grants": 0}
    with time_machine.travel(dt.datetime(2026, 7, 1, tzinfo=UTC), tick=False):  # 181 days on
        assert audit_retention.delay().get() == {"security_events": 1, "role_grants": 0}


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    from django.db import connections

    def write(n):
        try:
            for _ in range(n):
                security_event_record(kind="login_failed", username="sprayer")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert chain_verify("security_events") == (60, None)
