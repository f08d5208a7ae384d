"""Every write of the fieldwork app.  Views, the admin, imports and Celery tasks call these."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fieldwork.models import (
    AssistanceRecord,
    DayPart,
    FollowUp,
    FollowUpStatus,
    Meal,
    Pairing,
    PoorHousehold,
    ReportStatus,
    ResearchReport,
    ResearchTopic,
    Transport,
    VillageVisit,
    VisitPhoto,
)
from fieldwork.rules import r_fld_1_day_value, r_fld_5_declaration_clean, r_fld_7_purposes_recorded, shortfall
from township.findings import FindingSpec, findings_raise
from township.messages import msg
from township.models import Role, User, Village
from township.rules import Checks
from township.uploads import DOCUMENTS, check_upload, max_bytes, stored_name

PHOTO_TYPES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_max_bytes() -> int:
    return int(getattr(settings, "FIELDWORK_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def photo_max_count() -> int:
    return int(getattr(settings, "FIELDWORK_PHOTO_MAX_COUNT", 6))


@dataclass
class FollowUpInput:
    problem: str
    owner: User
    due_on: dt.date


# --- visits ----------------------------------------------------------------------------------


def _check_photo(upload) -> str:
    """The photo's extension if it is a real JPEG/PNG/WEBP image within the size limit."""
    from PIL import Image, UnidentifiedImageError

    limit = photo_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            {
                "photos": _("%(name)s is larger than %(mb)s MB; take a smaller photo.")
                % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)}
            }
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        fmt = None
    finally:
        upload.seek(0)
    if fmt not in PHOTO_TYPES:
        raise ValidationError(
            {"photos": _("%(name)s is not a photo (JPEG, PNG or WEBP).") % {"name": upload.name}}
        )
    return PHOTO_TYPES[fmt]


def visit_log(
    *,
    actor: User,
    village: Village,
    date: dt.date,
    part: str,
    purposes: list[str],
    transport: str,
    vehicle_use_ref: str = "",
    meal: str = Meal.NONE,
    meal_fee=None,
    no_alcohol: bool = True,
    no_cigarettes: bool = True,
    no_special_dishes: bool = True,
    people_met: str = "",
    summary: str = "",
    follow_ups: list[FollowUpInput] = (),
    photos=(),
    latitude=None,
    longitude=None,
) -> VillageVisit:
    """Log one half or full day in a village.  Refuses a future date, a date before the cadre
    joined, a second visit on the same half day, a meal declaration that breaks R-FLD-5, a visit
    without purposes (R-FLD-7), an official vehicle without its use record and photos that are not
    images or are too large.  Problems raised become follow-up items."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(field, []).append(message)

    if actor.township_id is None or village.township_id != actor.township_id:
        raise PermissionDenied
    if date > today:
        err("date", _("A visit cannot be dated in the future."))
    if actor.joined_on and date < actor.joined_on:
        err(
            "date",
            _("You joined the township on %(d)s; a visit cannot be dated before that.")
            % {"d": actor.joined_on.strftime("%Y-%m-%d")},
        )
    if transport == Transport.OFFICIAL_VEHICLE and not vehicle_use_ref.strip():
        err("vehicle_use_ref", _("Give the number of the official vehicle's use record."))
    if meal == Meal.PAID and meal_fee is None:
        err("meal_fee", _("Say how much you paid for the meal."))
    if meal != Meal.PAID:
        meal_fee = None
    for fu in follow_ups:
        if fu.owner.township_id != actor.township_id:
            err("follow_ups", _("The owner of a follow-up must work in this township."))
        if fu.due_on < date:
            err("follow_ups", _("A follow-up cannot be due before the visit."))
    if len(photos) > photo_max_count():
        err("photos", _("At most %(n)d photos per visit.") % {"n": photo_max_count()})
    checked_photos = []
    for upload in photos:
        try:
            checked_photos.append((upload, _check_photo(upload)))
        except ValidationError as exc:
            for m in exc.message_dict["photos"]:
                err("photos", m)
    checks = Checks()
    checks.enforce(
        "R-FLD-5",
        r_fld_5_declaration_clean(
            no_alcohol=no_alcohol, no_cigarettes=no_cigarettes, no_special_dishes=no_special_dishes
        ),
        _("Visits take working meals only: no alcohol, no cigarettes accepted, no special dishes"),
        field="meal",
    )
    checks.enforce(
        "R-FLD-7",
        r_fld_7_purposes_recorded(purposes),
        _("Tick what the visit was for (research, petition visits, assistance ...)"),
        field="purposes",
    )
    for key, msgs in checks.errors.items():
        errors.setdefault(key or "__all__", []).extend(msgs)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Lock the person: two submissions of the same half day cannot both pass the check.
        User.objects.select_for_update().only("pk").get(pk=actor.pk)
        _check_half_day_free(person=actor, date=date, part=part)
        visit = VillageVisit(
            township_id=actor.township_id,
            person=actor,
            village=village,
            date=date,
            part=part,
            purposes=list(dict.fromkeys(purposes)),
            transport=transport,
            vehicle_use_ref=vehicle_use_ref.strip() if transport == Transport.OFFICIAL_VEHICLE else "",
            meal=meal,
            meal_fee=meal_fee,
            no_alcohol=no_alcohol,
            no_cigarettes=no_cigarettes,
            no_special_dishes=no_special_dishes,
            people_met=people_met.strip(),
            summary=summary.strip(),
            latitude=latitude,
            longitude=longitude,
        )
        visit.days = r_fld_1_day_value(part)
        visit.full_clean()
        try:
            with transaction.atomic():
                visit.save()
        except IntegrityError:
            raise ValidationError({"part": _half_day_taken_message()}) from None
        for fu in follow_ups:
            follow_up_create(actor=actor, visit=visit, problem=fu.problem, owner=fu.owner, due_on=fu.due_on)
        for upload, ext in checked_photos:
            photo = VisitPhoto(
                township_id=visit.township_id, visit=visit, uid=uuid.uuid4().hex, size=upload.size
            )
            upload.name = f"photo.{ext}"
            photo.image.save(upload.name, upload, save=False)
            photo.save()
    return visit


def _half_day_taken_message() -> str:
    return _("You have already logged a visit for this half day.")


def _check_half_day_free(*, person, date, part):
    clash = VillageVisit.objects.filter(person=person, date=date)
    if part == DayPart.MORNING:
        clash = clash.filter(part__in=[DayPart.FULL, DayPart.MORNING])
    elif part == DayPart.AFTERNOON:
        clash = clash.filter(part__in=[DayPart.FULL, DayPart.AFTERNOON])
    if clash.exists():
        raise ValidationError({"part": _half_day_taken_message()})


def visit_delete(*, actor: User, visit: VillageVisit) -> None:
    """A cadre may withdraw a visit logged by mistake within 7 days of logging it."""
    if visit.person_id != actor.pk:
        raise PermissionDenied
    if timezone.now() - visit.created_at > dt.timedelta(days=7):
        raise ValidationError(_("A visit can only be withdrawn within 7 days of logging it."))
    with transaction.atomic():
        if visit.follow_ups.filter(status=FollowUpStatus.CLOSED).exists():
            raise ValidationError(_("This visit has closed follow-ups; it can no longer be withdrawn."))
        for photo in visit.photos.all():
            photo.image.delete(save=False)
        visit.follow_ups.all().delete()
        visit.delete()


# --- follow-ups ------------------------------------------------------------------------------


def follow_up_create(
    *, actor: User, visit: VillageVisit, problem: str, owner: User, due_on: dt.date
) -> FollowUp:
    item = FollowUp(
        township_id=visit.township_id,
        visit=visit,
        village_id=visit.village_id,
        problem=problem.strip(),
        owner=owner,
        due_on=due_on,
    )
    item.full_clean()
    item.save()
    if owner.pk != actor.pk:
        from township.notify import notify

        notify(
            owner,
            msg(
                gettext_noop("%(who)s gave you a follow-up from %(village)s: %(problem)s"),
                who=actor,
                village=visit.village,
                problem=item.problem[:80],
            ),
            item.get_absolute_url(),
        )
    return item


def follow_up_can_close(*, actor: User, item: FollowUp) -> bool:
    return (
        item.owner_id == actor.pk
        or (item.visit is not None and item.visit.person_id == actor.pk)
        or actor.has_role(Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.DEPARTMENT_HEAD)
    )


def follow_up_close(*, actor: User, item_id: int, outcome: str) -> FollowUp:
    with transaction.atomic():
        item = FollowUp.objects.select_for_update(of=("self",)).select_related("visit").get(pk=item_id)
        if not follow_up_can_close(actor=actor, item=item):
            raise PermissionDenied
        if FollowUpStatus.CLOSED not in FollowUp.TRANSITIONS[item.status]:
            raise ValidationError(_("This follow-up is already closed."))
        if not outcome.strip():
            raise ValidationError({"outcome": _("Say what was done.")})
        item.status = FollowUpStatus.CLOSED
        item.outcome = outcome.strip()
        item.closed_at = timezone.now()
        item.closed_by = actor
        item.full_clean()
        item.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    return item


# --- research --------------------------------------------------------------------------------


def topic_register(
    *, actor: User, title: str, year: int, description: str = "", is_key: bool = True
) -> ResearchTopic:
    if actor.township_id is None:
        raise PermissionDenied
    topic = ResearchTopic(
        township_id=actor.township_id,
        person=actor,
        year=year,
        title=title.strip(),
        description=description.strip(),
        is_key=is_key,
    )
    try:
        topic.full_clean()
    except ValidationError as exc:
        if "__all__" in exc.message_dict:
            raise ValidationError(
                {"title": _("You have already registered this topic for that year.")}
            ) from None
        raise
    topic.save()
    return topic


def report_save(
    *,
    actor: User,
    report: ResearchReport | None = None,
    title: str,
    kind: str,
    body: str = "",
    file=None,
    topic: ResearchTopic | None = None,
    year: int | None = None,
) -> ResearchReport:
    """Create or change a draft (or returned) report."""
    if actor.township_id is None:
        raise PermissionDenied
    if topic is not None and topic.township_id != actor.township_id:
        raise PermissionDenied
    with transaction.atomic():
        if report is None:
            report = ResearchReport(township_id=actor.township_id, person=actor)
        else:
            report = ResearchReport.objects.select_for_update().get(pk=report.pk)
            if report.person_id != actor.pk:
                raise PermissionDenied
            if not report.editable:
                raise ValidationError(_("A report waiting for review or accepted cannot be changed."))
        report.title = title.strip()
        report.kind = kind
        report.body = body.strip()
        report.topic = topic
        report.year = year or (topic.year if topic else timezone.localdate().year)
        if file:
            ext = check_upload(file, kinds=DOCUMENTS, field="file", limit=2 * max_bytes())
            report.file.save(stored_name(ext), file, save=False)
        if not report.body and not report.file:
            raise ValidationError({"body": _("Write the report or attach its file.")})
        report.full_clean()
        report.save()
    return report


def report_submit(*, actor: User, report_id: int) -> ResearchReport:
    """Send a report to the leader in charge of the author's department for review."""
    from township.approvals import approval_submit

    with transaction.atomic():
        report = ResearchReport.objects.select_for_update().get(pk=report_id)
        if report.person_id != actor.pk:
            raise PermissionDenied
        if ReportStatus.SUBMITTED not in ResearchReport.TRANSITIONS[report.status]:
            raise ValidationError(_("This report has already been submitted."))
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.save(update_fields=["status", "submitted_at"])
        approval_submit(
            actor=actor,
            kind="fieldwork_report",
            target=report,
            summary=msg(gettext_noop("Research report for review: %(title)s"), title=report.title[:200]),
        )
    return report


def _report_decided(status):
    def apply(report, actor, request):
        last = request.steps.order_by("-order").first()
        comment = last.comment if last else ""
        ResearchReport.objects.filter(pk=report.pk).update(
            status=status,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
            review_comment=comment,
        )

    return apply


def _report_cancelled(report, actor, request):
    ResearchReport.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT)


def report_route(report, requester):
    from township.approvals import route_by_level

    return route_by_level(
        "leader_in_charge",
        township_id=report.township_id,
        department=requester.department,
        requester=requester,
    )


def register_approval_kinds():
    from django.utils.translation import gettext_lazy

    from township.approvals import ApprovalKind, register_kind

    register_kind(
        ApprovalKind(
            code="fieldwork_report",
            label=gettext_lazy("Research report review"),
            route=report_route,
            on_approved=_report_decided(ReportStatus.ACCEPTED),
            on_rejected=_report_decided(ReportStatus.RETURNED),
            on_returned=_report_decided(ReportStatus.RETURNED),
            on_cancelled=_report_cancelled,
        )
    )


# --- households ------------------------------------------------------------------------------


def _require_manager(actor):
    if not actor.has_role(
        Role.ADMINISTRATOR, Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE
    ):
        raise PermissionDenied


def household_save(*, actor: User, household: PoorHousehold) -> PoorHousehold:
    """Create or change a household of the register (pages and the xlsx import)."""
    _require_manager(actor)
    household.township_id = actor.township_id
    if household.village_id and household.village.township_id != actor.township_id:
        raise ValidationError({"village": _("This village is not in your township.")})
    household.full_clean()
    household.save()
    return household


def pairing_create(*, actor: User, household: PoorHousehold, cadre: User, year: int) -> Pairing:
    """R-FLD-6: pair a cadre with a household for a year."""
    _require_manager(actor)
    if cadre.township_id != household.township_id or household.township_id != actor.township_id:
        raise ValidationError({"cadre": _("The cadre must work in the household's township.")})
    pairing = Pairing(
        township_id=household.township_id, household=household, cadre=cadre, year=year, created_by=actor
    )
    try:
        pairing.full_clean()
    except ValidationError as exc:
        if "__all__" in exc.message_dict:
            raise ValidationError(
                {"cadre": _("This cadre is already paired with the household for that year.")}
            ) from None
        raise
    pairing.save()
    return pairing


def pairing_end(*, actor: User, pairing: Pairing) -> None:
    _require_manager(actor)
    if pairing.household.assistance.filter(person=pairing.cadre, date__year=pairing.year).exists():
        raise ValidationError(_("This pairing has assistance records; it cannot be removed."))
    pairing.delete()


def assistance_record(
    *, actor: User, household: PoorHousehold, date: dt.date, kind: str, description: str, amount=None
) -> AssistanceRecord:
    """The paired cadre (or a manager) records what was done for a household."""
    paired = household.pairings.filter(cadre=actor, year=date.year).exists()
    if not paired and not actor.has_role(
        Role.ADMINISTRATOR, Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE
    ):
        raise PermissionDenied
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    record = AssistanceRecord(
        township_id=household.township_id,
        household=household,
        person=actor,
        date=date,
        kind=kind,
        description=description.strip(),
        amount=amount,
    )
    record.full_clean()
    record.save()
    return record


# --- year end --------------------------------------------------------------------------------


def quota_shortfalls_raise(*, township_id: int, year: int) -> int:
    """QUOTA R-FLD-1/2/3/6: a finding per person and rule whose year ended short.  Idempotent: the
    findings are keyed by person, rule and year (dated 31 December)."""
    from fieldwork.selectors import quota_rows

    end = dt.date(year, 12, 31)
    people = User.objects.filter(township_id=township_id, is_active=True)
    specs = []
    for row in quota_rows(people, year=year, on=end):
        p = row.person
        figures = [
            ("R-FLD-1", row.days, row.target, gettext_noop("%(year)s: %(done)s village days of %(target)s")),
            (
                "R-FLD-2",
                row.topics,
                row.topics_target,
                gettext_noop("%(year)s: %(done)s key research topics of %(target)s"),
            ),
            (
                "R-FLD-3",
                row.reports,
                row.reports_target,
                gettext_noop("%(year)s: %(done)s research reports of %(target)s"),
            ),
            (
                "R-FLD-6",
                row.pairings,
                row.pairings_target,
                gettext_noop("%(year)s: %(done)s poor households paired of %(target)s"),
            ),
        ]
        for rule_id, done, target, text in figures:
            if shortfall(done, target) > 0:
                specs.append(
                    FindingSpec(
                        rule_id=rule_id,
                        township_id=township_id,
                        person_id=p.pk,
                        department_id=p.department_id,
                        on_date=end,
                        key=f"person:{p.pk}:{year}",
                        detail=msg(text, year=year, done=done, target=target),
                    )
                )
    findings_raise(specs)
    return len(specs)
