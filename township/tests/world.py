"""One record of every main model, in two townships of two counties, owned by someone else.

``build_world()`` returns a ``World`` with ``mine`` (the township of the people who log in; the
records belong to ``org.colleague``, a plain staff member of the same department, or were made
by the clerks) and ``theirs`` (a township of another county: no one of ``mine`` may ever see its
records), plus a county-level inspector of ``mine``'s county.  Used by the access matrix, the IDOR
and the upload tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def pdf_upload(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Side:
    org: object
    village: object = None
    records: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.records[key]


@dataclass
class World:
    mine: Side
    theirs: Side
    county_inspector: object
    # The security administrator and the security auditor of ``mine`` (三员分立; the system
    # administrator is ``mine.org.admin``), holding only their role.
    security_admin: object = None
    security_auditor: object = None

    def users(self) -> dict:
        o = self.mine.org
        return {
            "anonymous": None,
            "staff": o.staff,
            "department_head": o.head,
            "leader_in_charge": o.leader,
            "principal_leader": o.principal,
            "office_clerk": o.clerk,
            "finance_clerk": o.finance,
            "inspector": o.inspector,
            "administrator": o.admin,
            "county_inspector": self.county_inspector,
            "security_admin": self.security_admin,
            "security_auditor": self.security_auditor,
        }


def _side(org) -> Side:  # noqa: PLR0915 - one long recipe, read top to bottom
    from conduct import services as conduct
    from conduct.reception import services as reception
    from conduct.reception.models import Vehicle
    from fieldwork import services as fieldwork
    from fieldwork.services import FollowUpInput
    from fieldwork.tests.factories import HouseholdFactory
    from meetings import services as meetings
    from meetings.tests import factories as mf
    from petitions import services as petitions
    from petitions.tests.factories import replied
    from township.appraisal import appraisal_compute
    from township.models import ApprovalRequest
    from township.supervision import survey_rating_enter
    from township.tests.factories import VillageFactory
    from township.workcalendar import add_working_days

    today = timezone.localdate()
    side = Side(org=org)
    r = side.records
    someone = org.colleague
    side.village = VillageFactory(township=org.township)

    start = add_working_days(today, 10, township=org.township.pk)
    r["leave"] = conduct.leave_submit(
        actor=someone, kind="personal", start_date=start, end_date=start, reason="家中有事"
    )
    r["approval"] = ApprovalRequest.objects.get(pk=r["leave"].approval_id)
    trip_day = add_working_days(today, 20, township=org.township.pk)
    r["trip"] = conduct.trip_submit(
        actor=someone,
        kind="study",
        purpose="学习考察",
        destination="成都",
        start_date=trip_day,
        end_date=trip_day,
        budget=Decimal("800.00"),
        declaration=True,
        outside_county=True,
        county_reference="县委组织部批〔2026〕1号",
        county_scan=pdf_upload("批复.pdf"),
    )

    from conduct.reception.tests.factories import budget, record_expense, record_reception

    budget(org)

    r["reception"] = record_reception(org)
    r["expense"] = record_expense(org)
    car = Vehicle.objects.create(township=org.township, plate=f"川A{org.township.pk:05d}", odometer=100)
    r["vehicle_use"] = reception.vehicle_use_log(
        actor=someone,
        vehicle=car,
        driver=someone,
        purpose="下村",
        route="镇政府-村委会",
        departs_at=timezone.now() + dt.timedelta(hours=1),
        odometer_out=100,
    )
    last_q = reception.previous_quarter(today)
    r["disclosure"] = reception.disclosure_prepare(
        township_id=org.township.pk, year=last_q[0], quarter=last_q[1]
    )
    reception.disclosure_publish(actor=org.finance, report_id=r["disclosure"].pk)

    meeting = mf.submit(org)
    meeting = mf.approve(meeting, meeting_approver(org, meeting))
    r["meeting"] = meeting
    from django.core.files.base import ContentFile

    from meetings.models import Meeting

    meeting.minutes_file.save("minutes.pdf", ContentFile(PDF), save=False)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_file=meeting.minutes_file.name)
    r["document"] = meetings.document_register(
        actor=org.clerk,
        kind="general",
        title="关于做好安全生产工作的通知",
        department=org.department,
        issued_on=today,
        text="各村：请做好安全生产工作。",
    )
    r["feed"] = meetings.feed_issue(actor=someone)

    visit = fieldwork.visit_log(
        actor=someone,
        village=side.village,
        date=today - dt.timedelta(days=1),
        part="full",
        purposes=["research"],
        transport="bus",
        summary="走访农户",
        follow_ups=[FollowUpInput(problem="道路破损", owner=someone, due_on=today + dt.timedelta(days=5))],
        photos=[SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")],
    )
    r["visit"] = visit
    r["photo"] = visit.photos.get()
    r["follow_up"] = visit.follow_ups.get() if hasattr(visit, "follow_ups") else None
    r["report"] = fieldwork.report_save(
        actor=someone, title="春耕调研", kind="report", body="正文", file=pdf_upload("report.pdf")
    )
    r["household"] = HouseholdFactory(village=side.village)

    case = replied(org)
    r["case"] = case
    r["attachment"] = petitions.petition_attachment_add(actor=org.clerk, case_id=case.pk, file=pdf_upload())
    r["appraisal"] = appraisal_compute(township_id=org.township.pk, year=today.year, number=1)
    r["survey_round"] = survey_rating_enter(
        actor=org.inspector,
        township=org.township,
        year=today.year,
        round_name="群众满意度",
        kind="satisfaction",
        score=Decimal("90"),
        department=org.department,
    ).round
    r["person"] = someone
    return side


def meeting_approver(org, meeting):
    from township.models import ApprovalRequest

    req = ApprovalRequest.objects.get(pk=meeting.approval_id)
    step = req.steps.get(order=req.current_step)
    return step.candidates.first()


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    """One data set for a whole test module, rolled back at the end (each test runs in a
    savepoint inside it; uploads go to a temporary media folder)."""
    from django.db import transaction
    from django.test import override_settings
    from django.utils import translation

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with translation.override("en"):
                w = build_world()
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    media.disable()


def build_world() -> World:
    from conftest import build_org
    from township.models import Role
    from township.tests.factories import CountyFactory, TownshipFactory, UserFactory

    mine = build_org()
    theirs = build_org(TownshipFactory(county=CountyFactory(name="另一个县")))
    county_inspector = UserFactory(
        township=None, county=mine.township.county, roles=[Role.INSPECTOR, Role.STAFF], is_staff=True
    )

    def security(role):
        return UserFactory(township=mine.township, department=mine.department, roles=[role], is_staff=True)

    return World(
        mine=_side(mine),
        theirs=_side(theirs),
        county_inspector=county_inspector,
        security_admin=security(Role.SECURITY_ADMIN),
        security_auditor=security(Role.SECURITY_AUDITOR),
    )
