"""IDOR: changing an id in a URL or in a form never reaches a record of another township, or of
another person one may not see: a 404 or a form error, and nothing is written.

"Nothing is written" is checked on the audit trail: every domain model is tracked by pghistory,
so any insert or update adds an event row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Event

from township.tests.test_access_matrix import MATRIX, PARAMS, PUBLIC, ROLES
from township.tests.world import PDF, Side, World, world_fixture  # noqa: F401 - the module's data set

INPUT = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"", re.I)
# POST-only URLs and the page that shows (and scopes) the same record.
SAME_RECORD = {
    "fieldwork:visit_delete": "fieldwork:visit_detail",
    "meetings:cancel": "meetings:detail",
    "petitions:case_step": "petitions:case_detail",
    "petitions:case_extend": "petitions:case_detail",
    "petitions:attachment_add": "petitions:case_detail",
}
WRITERS = (
    "administrator",
    "principal_leader",
    "leader_in_charge",
    "department_head",
    "office_clerk",
    "finance_clerk",
    "inspector",
    "staff",
)


def events() -> int:
    """Rows of every audit-trail table: any write of a domain model adds one."""
    return sum(m.objects.count() for m in apps.get_models() if issubclass(m, Event) and not m._meta.proxy)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _url(name, side):
    return reverse(name, kwargs=PARAMS[name](side))


def _fields(client, name, world):
    """The field and button names of the page of ``name`` (or of the page showing its record)."""
    page = client.get(_url(SAME_RECORD.get(name, name), world.mine))
    if page.status_code != 200 or page.streaming:
        return {"cancel": "1", "sign_off": "1", "save": "1", "publish": "1", "report": "x"}
    names = set(INPUT.findall(page.content.decode(errors="ignore"))) - {"csrfmiddlewaretoken", "language"}
    return dict.fromkeys(names, "1")


def _code(role, name):
    return int(MATRIX[SAME_RECORD.get(name, name)].split()[ROLES.index(role)])


@pytest.mark.parametrize("role", WRITERS)
def test_posting_to_records_out_of_reach_is_404_and_writes_nothing(world: World, role, db):
    """Every URL naming a record, posted with every field of its page: another township's record
    (always), and a record of the same township the role may not see (404 in the matrix)."""
    client = _client(world.users()[role])
    wrong = []
    for name in sorted(set(PARAMS) - PUBLIC):
        data = _fields(client, name, world)
        targets = [("another township", world.theirs)]
        if _code(role, name) == 404:
            targets.append(("same township", world.mine))
        for label, side in targets:
            before = events()
            response = client.post(_url(name, side), data)
            client.force_login(world.users()[role])
            written = events() - before
            if response.status_code not in (403, 404, 405) or written:
                wrong.append(f"{name} ({label}): {response.status_code}, {written} rows written")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


# --- ids in form fields ----------------------------------------------------------------------------


def _working_day(n, side):
    from township.workcalendar import add_working_days

    return add_working_days(timezone.localdate(), n, township=side.org.township.pk).isoformat()


def _trip(world, side):
    day = _working_day(30, world.mine)
    return {
        "kind": "study",
        "purpose": "学习考察",
        "destination": "绵阳",
        "start_date": day,
        "end_date": day,
        "budget": "100.00",
        "declaration": "on",
        "companions": [side.org.colleague.pk],
    }


def _vehicle_use(world, side):
    from conduct.reception.models import Vehicle

    # The world's car is still out on its drive; a car of the same township that is in.
    vehicle = side["vehicle_use"].vehicle if side is world.theirs else None
    vehicle = vehicle or Vehicle.objects.create(township=side.org.township, plate="川Z00001", odometer=100)
    return {
        "vehicle": vehicle.pk,
        "driver": world.mine.org.staff.pk,
        "purpose": "下村",
        "route": "镇—村",
        "departs_at": timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "odometer_out": "100",
    }


def _meeting(world, side):
    from meetings.tests.test_views import form_data

    data = form_data(world.mine.org)
    data["department"] = side.org.department.pk
    data["audience_departments"] = [side.org.department.pk]
    return data


def _visit(world, side):
    return {
        "village": side.village.pk,
        "date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "part": "full",
        "purposes": ["research"],
        "transport": "bus",
        "meal": "none",
        "no_alcohol": "on",
        "no_cigarettes": "on",
        "no_special_dishes": "on",
        "summary": "走访",
    }


def _household(world, side):
    return {
        "village": side.village.pk,
        "household_no": "IDOR-1",
        "head_name": "王五",
        "members": "3",
        "status": "active",
    }


def _case(world, side):
    from petitions.tests.test_views import _register_post

    return _register_post(village=side.village.pk, concerned_people=[side.org.colleague.pk])


def _violation(world, side):
    return {
        "on_date": timezone.localdate().isoformat(),
        "type": "rule",
        "person": side.org.colleague.pk,
        "department": side.org.department.pk,
        "rule_id": "R-ATT-1",
        "evidence": "迟到",
    }


def _handover(world, side):
    return {"handover": "1", "to_user": side.org.principal.pk, "comment": "出差"}


def _pairing(world, side):
    return {"pair": "1", "cadre": side.org.colleague.pk, "year": str(timezone.localdate().year)}


def _reception_record(world, side):
    return {
        "on_date": timezone.localdate().isoformat(),
        "leader": side.org.principal.pk,
        "place": "信访接待室",
        "visitors": "2",
        "summary": "反映道路问题",
    }


# (role, url name, url kwargs from the logged-in township, payload builder(world, side))
FORM_CASES = [
    ("staff", "conduct:trip_new", None, _trip),
    ("staff", "reception:vehicle_use_create", None, _vehicle_use),
    ("office_clerk", "meetings:new", None, _meeting),
    ("staff", "fieldwork:visit_create", None, _visit),
    ("administrator", "fieldwork:household_create", None, _household),
    ("office_clerk", "petitions:case_register", None, _case),
    ("inspector", "violation_list", None, _violation),
    ("department_head", "approval_detail", lambda w: {"pk": w.mine["approval"].pk}, _handover),
    ("administrator", "fieldwork:household_detail", lambda w: {"pk": w.mine["household"].pk}, _pairing),
    ("office_clerk", "petitions:reception_records", None, _reception_record),
]


@pytest.mark.parametrize(("role", "name", "kwargs", "payload"), FORM_CASES, ids=[c[1] for c in FORM_CASES])
def test_an_id_of_another_township_in_a_form_is_refused_and_writes_nothing(
    world: World, role, name, kwargs, payload, db
):
    user = world.users()[role]
    client = _client(user)
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    foreign, own = payload(world, world.theirs), payload(world, world.mine)
    before = events()
    response = client.post(url, foreign)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 200:
        assert _form_errors(response), "refused without saying why"
    assert events() == before, "a row was written with another township's id"
    # The same form with this township's ids goes through: the refusal was the id's doing.
    client.force_login(user)
    response = client.post(url, own)
    assert response.status_code == 302, _form_errors(response)
    assert events() > before


def _form_errors(response):
    """The errors of the forms on the page, and its messages."""
    if response.context is None:
        return [response.status_code]
    from django.forms import BaseForm

    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [v for ctx in contexts for v in ctx.flatten().values()]
    found = [f.errors for f in values if isinstance(f, BaseForm) and f.errors]
    return found + [str(m) for m in response.context.get("messages", [])]


def test_a_department_of_another_township_in_a_filter_shows_nothing_of_it(world: World, db):
    client = _client(world.users()["administrator"])
    theirs = world.theirs.org
    page = client.get(reverse("person_list"), {"department": theirs.department.pk}).content.decode()
    assert theirs.colleague.full_name not in page and theirs.staff.full_name not in page
    page = client.get(reverse("finding_list"), {"department": theirs.department.pk})
    assert page.status_code == 200


def test_ids_of_another_townships_findings_in_bulk_triage_change_nothing(world: World, db):
    from township.findings import finding_raise

    theirs = world.theirs.org
    target = finding_raise(
        rule_id="R-ATT-1",
        township=theirs.township,
        person=theirs.colleague,
        detail="迟到",
        on_date=timezone.localdate(),
    )
    before = events()
    response = _client(world.users()["inspector"]).post(
        reverse("finding_triage"), {"ids": [target.pk], "action": "dismiss", "reason": "试探"}
    )
    assert response.status_code in (302, 404)
    target.refresh_from_db()
    assert target.status == "open" and events() == before


def test_a_posted_roster_shift_or_log_of_another_township_is_a_clear_error(world: World, db):
    from conduct.models import WorkLog
    from conduct.services import roster_generate

    theirs = world.theirs.org
    month = timezone.localdate().replace(day=1)
    roster = roster_generate(actor=theirs.clerk, month=month)
    log = WorkLog.objects.create(
        township=theirs.township, person=theirs.colleague, date=timezone.localdate(), content="工作"
    )
    before = events()
    clerk = _client(world.users()["office_clerk"])
    url = reverse("conduct:roster") + f"?month={month:%Y-%m}"
    for data in ({"publish": "1", "roster": roster.pk}, {"checkin": roster.shifts.first().pk}):
        response = clerk.post(url, data, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
    head = _client(world.users()["department_head"])
    response = head.post(
        reverse("conduct:worklog_list"), {"comment_log": "1", "log": log.pk, "comment": "好"}, follow=True
    )
    assert response.status_code == 200
    log.refresh_from_db()
    roster.refresh_from_db()
    assert log.head_comment == "" and roster.status == "draft"
    assert events() == before
    response = head.post(
        reverse("conduct:worklog_list"), {"comment_log": "1", "log": 10**12, "comment": "好"}, follow=True
    )
    assert response.status_code == 200


def test_someone_elses_leave_cannot_be_cancelled_by_a_colleague_or_their_head(world: World, db):
    from conduct.models import LeaveRequest

    leave = world.mine["leave"]
    url = reverse("conduct:leave_detail", args=[leave.pk])
    before = events()
    assert _client(world.users()["staff"]).post(url, {"cancel": "1"}).status_code == 404
    response = _client(world.users()["department_head"]).post(url, {"cancel": "1"}, follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert LeaveRequest.objects.get(pk=leave.pk).status == leave.status and events() == before
