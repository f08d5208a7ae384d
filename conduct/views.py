"""Thin views: parse a form, call a selector or a service, render or redirect."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from conduct import selectors, services
from conduct.forms import (
    CommentForm,
    CorrectionForm,
    ImportForm,
    LeaveForm,
    ListFilterForm,
    PunchForm,
    RegistrationForm,
    ReportBackForm,
    ShiftAssignForm,
    StudyForm,
    SwapForm,
    TripForm,
    TripReportForm,
    WorkLogForm,
)
from conduct.models import DayStatus, LeaveKind, RosterStatus, TripKind
from conduct.models.choices import RequestStatus
from conduct.services.checks import study_week, worklog_completeness
from conduct.services.common import month_bounds
from township.exports import export_filename, xlsx_response
from township.models import Department, Role
from township.scoping import township_choice, township_picker
from township.views import paginate, role_required

SHEET_ROLES = (
    Role.DEPARTMENT_HEAD,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
    Role.INSPECTOR,
    Role.ADMINISTRATOR,
)
WEEKDAYS = [WEEKDAYS_ABBR[i] for i in range(7)]  # Django's own translated abbreviations
CHART_COLORS = {
    DayStatus.PRESENT: "#198754",
    DayStatus.LATE: "#ffc107",
    DayStatus.EARLY: "#fd7e14",
    DayStatus.LATE_EARLY: "#b35c00",
    DayStatus.ABSENT: "#dc3545",
    DayStatus.MISSING_PUNCH: "#6f42c1",
    DayStatus.LEAVE: "#0d6efd",
    DayStatus.TRIP: "#6610f2",
    DayStatus.FIELD: "#20c997",
}
LEADER_ROLES = (Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.INSPECTOR, Role.ADMINISTRATOR)


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(raw + "-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _township_user(request):
    if request.user.township_id is None:
        raise PermissionDenied
    return request.user


def _posted_id(request, key: str) -> int:
    """An id posted by a button; 0 (no record) for junk."""
    raw = request.POST.get(key, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- my attendance ---------------------------------------------------------------------------


@login_required
def index(request):
    if request.user.township_id is None:
        # A county-level reader has no attendance of their own: their entry to attendance is the
        # chosen township's day (the same page as the summary, with the township picker).
        return daily_summary(request)
    user = _township_user(request)
    month = _month(request)
    today = timezone.localdate()
    cal = selectors.my_month(person=user, month=month)
    balance = services.leave_balance(person=user, year=today.year)
    return render(
        request,
        "conduct/index.html",
        {
            "cal": cal,
            "month": month,
            "punches": selectors.punches_for(user=user, day=today),
            "balance": balance,
            "punch_form": PunchForm(),
            "legend": [(s.label, selectors.STATUS_CSS[s]) for s in DayStatus],
            "weekdays": WEEKDAYS,
        },
    )


PUNCH_DEVICE_COOKIE = "punch_device"


@login_required
@require_POST
def punch(request):
    user = _township_user(request)
    form = PunchForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    # The browser's own token (a long-lived cookie): two people punching from one browser in
    # quick succession is what R-XCK-2 looks for.
    token = request.COOKIES.get(PUNCH_DEVICE_COOKIE, "")
    if not (len(token) == 16 and all(c in "0123456789abcdef" for c in token)):
        token = secrets.token_hex(8)
    try:
        p = services.punch_clock(
            actor=user,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            device=f"browser:{token}",
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        text = _("Punch recorded at %(time)s.") % {"time": timezone.localtime(p.at).strftime("%H:%M:%S")}
        if p.outside_radius:
            text += " " + _("You are %(m)d m from the office; the punch is marked as outside.") % {
                "m": p.distance_m
            }
            messages.warning(request, text)
        else:
            messages.success(request, text)
    nxt = request.POST.get("next", "")
    response = redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("conduct:index"))
    response.set_cookie(
        PUNCH_DEVICE_COOKIE,
        token,
        max_age=5 * 365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _staged_punch_file(token: str):
    """The staged upload (township.imports.stage_upload) opened for streaming: a year of
    machine punches is never loaded into memory whole.  (The core's staged_dataset reads the
    file whole; the token checks are the same.)"""
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / "imports" / token
    if not token or "/" in token or ".." in token or not path.exists():
        raise ValidationError(_("The uploaded file has expired; upload it again."))
    return services.punch_file_open(path)


@role_required(Role.OFFICE_CLERK, Role.ADMINISTRATOR)
def punch_import(request):
    from township.imports import discard_upload, stage_upload

    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = token = None
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        try:
            source = _staged_punch_file(token)
            try:
                outcome = services.punch_import(actor=request.user, dataset=source, dry_run=False)
            finally:
                source.close()
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if outcome.ok:
                discard_upload(token)
                messages.success(
                    request,
                    _("Imported %(new)d new punches; %(dup)d were already on record.")
                    % {"new": outcome.new, "dup": outcome.total - outcome.new},
                )
                return redirect("conduct:punch_import")
    elif request.method == "POST" and form.is_valid():
        token = stage_upload(form.cleaned_data["file"])
        try:
            source = _staged_punch_file(token)
            try:
                outcome = services.punch_import(actor=request.user, dataset=source, dry_run=True)
            finally:
                source.close()
        except ValidationError as exc:
            form.add_error("file", exc)
        if outcome is None or not outcome.ok:
            discard_upload(token)
            token = None
    return render(request, "conduct/punch_import.html", {"form": form, "outcome": outcome, "token": token})


# --- leave ------------------------------------------------------------------------------------


def _list_filters(request, kinds=()):
    form = ListFilterForm(request.GET or None, kinds=kinds)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def leave_list(request):
    form, f = _list_filters(request, LeaveKind.choices)
    qs = selectors.leave_list_for(user=request.user, **f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                lv.person.full_name,
                str(lv.person.department or ""),
                lv.get_kind_display(),
                lv.start_date,
                lv.end_date,
                lv.halves_display(),
                lv.days,
                lv.get_status_display(),
                lv.returned_on,
                lv.days_used,
            ]
            for lv in qs[:20000]
        ]
        headers = [
            _("Person"),
            _("Department"),
            _("Type of leave"),
            _("First day"),
            _("Last day"),
            _("Half day"),
            _("Working days"),
            _("Status"),
            _("Back at work on"),
            _("Days used"),
        ]
        return xlsx_response(export_filename(pgettext("file name", "leave"), ext="xlsx"), headers, rows)
    return render(request, "conduct/leave_list.html", {"form": form, "page_obj": paginate(request, qs)})


@login_required
def leave_new(request):
    user = _township_user(request)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.leave_submit(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Leave request sent for approval."))
            return redirect(leave.get_absolute_url())
    year = timezone.localdate().year
    return render(
        request,
        "conduct/leave_form.html",
        {"form": form, "balance": services.leave_balance(person=user, year=year)},
    )


@login_required
def leave_detail(request, pk):
    leave = selectors.leave_get_for(user=request.user, pk=pk)
    back = ReportBackForm(request.POST if "report_back" in request.POST else None)
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                services.leave_cancel(actor=request.user, leave_id=leave.pk)
                messages.success(request, _("Leave cancelled."))
                return redirect(leave.get_absolute_url())
            if "report_back" in request.POST and back.is_valid():
                services.leave_report_back(actor=request.user, leave_id=leave.pk, **back.cleaned_data)
                messages.success(request, _("Reported back. Welcome back."))
                return redirect(leave.get_absolute_url())
        except ValidationError as exc:
            if "report_back" in request.POST:
                back.add_error_from(exc)
            else:
                messages.error(request, _error_text(exc))
    from township.history import history_for

    return render(
        request,
        "conduct/leave_detail.html",
        {
            "leave": leave,
            "back": back,
            "mine": leave.person_id == request.user.pk,
            "can_cancel": leave.person_id == request.user.pk
            and (
                leave.status == RequestStatus.PENDING
                or (leave.status == RequestStatus.APPROVED and leave.start_date > timezone.localdate())
            ),
            "history": history_for(leave),
        },
    )


# --- trips ------------------------------------------------------------------------------------


@login_required
def trip_list(request):
    form, f = _list_filters(request, TripKind.choices)
    qs = selectors.trip_list_for(user=request.user, **f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                t.person.full_name,
                t.get_kind_display(),
                t.destination,
                t.purpose,
                t.start_date,
                t.end_date,
                t.budget,
                t.get_status_display(),
                t.county_reference,
                t.report_submitted_at and timezone.localtime(t.report_submitted_at).strftime("%Y-%m-%d"),
            ]
            for t in qs[:20000]
        ]
        headers = [
            _("Person"),
            _("Kind of trip"),
            _("Destination"),
            _("Purpose"),
            _("Departure"),
            _("Return"),
            _("Budget (yuan)"),
            _("Status"),
            _("County approval reference"),
            _("Report submitted at"),
        ]
        return xlsx_response(export_filename(pgettext("file name", "trips"), ext="xlsx"), headers, rows)
    return render(request, "conduct/trip_list.html", {"form": form, "page_obj": paginate(request, qs)})


@login_required
def trip_new(request):
    user = _township_user(request)
    form = TripForm(request.POST or None, request.FILES or None, township_id=user.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            trip = services.trip_submit(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Trip request sent to the principal leader."))
            return redirect(trip.get_absolute_url())
    return render(request, "conduct/trip_form.html", {"form": form})


@login_required
def trip_detail(request, pk):
    trip = selectors.trip_get_for(user=request.user, pk=pk)
    report = TripReportForm(request.POST if "report" in request.POST else None)
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                services.trip_cancel(actor=request.user, trip_id=trip.pk)
                messages.success(request, _("Trip cancelled."))
                return redirect(trip.get_absolute_url())
            if "report" in request.POST and report.is_valid():
                services.trip_report_submit(actor=request.user, trip_id=trip.pk, **report.cleaned_data)
                messages.success(request, _("Trip report submitted."))
                return redirect(trip.get_absolute_url())
        except ValidationError as exc:
            if "report" in request.POST:
                report.add_error_from(exc)
            else:
                messages.error(request, _error_text(exc))
    from conduct.rules import r_trip_2_due
    from township.history import history_for
    from township.policy import policy

    due = r_trip_2_due(
        trip.end_date, policy("R-TRIP-2.due_days", township=trip.township_id, on=trip.end_date)
    )
    return render(
        request,
        "conduct/trip_detail.html",
        {
            "trip": trip,
            "report_form": report,
            "mine": trip.person_id == request.user.pk,
            "due": due,
            "history": history_for(trip),
        },
    )


@login_required
def trip_scan(request, pk):
    """The county's approval scan, to those who may see the trip."""
    from township.uploads import upload_response

    trip = selectors.trip_get_for(user=request.user, pk=pk)
    return upload_response(
        trip.county_scan,
        filename=export_filename(
            pgettext("file name", "county approval of the trip"),
            trip.person.full_name,
            trip.start_date,
            ext=None,
        ),
    )


# --- leaving the township, corrections --------------------------------------------------------


@login_required
def registration_list(request):
    user = _township_user(request)
    form = RegistrationForm(request.POST or None, initial={"phone": user.mobile})
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_submit(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Registered. Keep your phone on while you are away."))
            return redirect("conduct:registration_list")
    filters, f = _list_filters(request)
    qs = selectors.registration_list_for(user=user, **f)
    if request.GET.get("export") == "xlsx":
        rows = [
            [r.person.full_name, r.destination, r.start_date, r.end_date, r.phone, r.reason]
            for r in qs[:20000]
        ]
        headers = [
            _("Person"),
            _("Destination"),
            _("Leaving on"),
            _("Back on"),
            _("Reachable phone"),
            _("Reason"),
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "leaving registrations"), ext="xlsx"), headers, rows
        )
    return render(
        request,
        "conduct/registration_list.html",
        {"form": form, "filters": filters, "page_obj": paginate(request, qs)},
    )


@login_required
def correction_list(request):
    user = _township_user(request)
    # The missing-punch prompt links here with the day and the punch that is missing (R-ATT-4).
    initial = {k: request.GET[k] for k in ("date", "direction") if request.GET.get(k)}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_submit(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Correction request sent to your department head."))
            return redirect("conduct:correction_list")
    status = request.GET.get("status", "")
    qs = selectors.correction_list_for(user=user, status=status if status in RequestStatus.values else "")
    return render(
        request,
        "conduct/correction_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


# --- sheets and summaries ---------------------------------------------------------------------


@role_required(*SHEET_ROLES)
def department_sheet(request):
    month = _month(request)
    departments = list(selectors.departments_for(request.user))
    if not departments:
        raise PermissionDenied
    dept_id = request.GET.get("department", "")
    department = next((d for d in departments if str(d.pk) == dept_id), departments[0])
    sheet = selectors.department_sheet(user=request.user, department=department, month=month)
    if request.GET.get("export") == "xlsx":
        headers = [_("Employee number"), _("Full name")] + [f"{d.day}" for d in sheet["days"]]
        headers += [_("Present"), _("Late"), _("Left early"), _("Absent"), _("Leave days")]
        rows = [
            [r["person"].employee_no, r["person"].full_name]
            + [c["text"] for c in r["cells"]]
            + [r["totals"][k] for k in ("present", "late", "early", "absent", "leave")]
            for r in sheet["rows"]
        ]
        name = export_filename(
            pgettext("file name", "attendance"), department.name, f"{month:%Y-%m}", ext="xlsx"
        )
        return xlsx_response(name, headers, rows)
    chart = {
        "type": "bar",
        "data": {
            "labels": [r["person"].full_name for r in sheet["rows"]],
            "datasets": [
                {
                    "label": str(_("Late")),
                    "data": [r["totals"]["late"] for r in sheet["rows"]],
                    "backgroundColor": CHART_COLORS[DayStatus.LATE],
                },
                {
                    "label": str(_("Left early")),
                    "data": [r["totals"]["early"] for r in sheet["rows"]],
                    "backgroundColor": CHART_COLORS[DayStatus.EARLY],
                },
                {
                    "label": str(_("Absent")),
                    "data": [r["totals"]["absent"] for r in sheet["rows"]],
                    "backgroundColor": CHART_COLORS[DayStatus.ABSENT],
                },
            ],
        },
    }
    return render(
        request,
        "conduct/department_sheet.html",
        {
            "sheet": sheet,
            "department": department,
            "departments": departments,
            "month": month,
            "prev": (month - dt.timedelta(days=1)).replace(day=1),
            "next": month_bounds(month)[1] + dt.timedelta(days=1),
            "chart": json.dumps(chart, ensure_ascii=False),
        },
    )


@role_required(*LEADER_ROLES)
def daily_summary(request):
    township = township_choice(request)
    if township is None:
        raise PermissionDenied
    day = _day(request)
    summary = selectors.daily_summary(user=request.user, day=day, township_id=township.pk)
    chart = {
        "type": "bar",
        "data": {
            "labels": [str(line["department"]) for line in summary["lines"]],
            "datasets": [
                {
                    "label": str(s.label),
                    "data": [line["counts"][i] for line in summary["lines"]],
                    "backgroundColor": CHART_COLORS.get(s, "#adb5bd"),
                }
                for i, s in enumerate(summary["statuses"])
            ],
        },
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
    return render(
        request,
        "conduct/daily_summary.html",
        {
            "day": day,
            "summary": summary,
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "chart": json.dumps(chart, ensure_ascii=False),
            **township_picker(request, township),
        },
    )


# --- duty roster ------------------------------------------------------------------------------


@login_required
def roster(request):
    user = _township_user(request)
    month = _month(request)
    clerk = user.has_role(Role.OFFICE_CLERK, Role.ADMINISTRATOR)
    assign = ShiftAssignForm(request.POST if "assign" in request.POST else None, township_id=user.township_id)
    swap = SwapForm(request.POST if "swap" in request.POST else None, township_id=user.township_id)
    if request.method == "POST":
        try:
            if "generate" in request.POST:
                services.roster_generate(actor=user, month=month)
                messages.success(request, _("Roster generated; check it and publish."))
            elif "publish" in request.POST:
                services.roster_publish(actor=user, roster_id=_posted_id(request, "roster"))
                messages.success(request, _("Roster published."))
            elif "assign" in request.POST and assign.is_valid():
                services.roster_assign(
                    actor=user, shift_id=assign.cleaned_data["shift"], person=assign.cleaned_data["person"]
                )
                messages.success(request, _("Shift changed."))
            elif "swap" in request.POST and swap.is_valid():
                services.swap_request(
                    actor=user,
                    shift_id=swap.cleaned_data["shift"],
                    to_person=swap.cleaned_data["to_person"],
                    reason=swap.cleaned_data["reason"],
                )
                messages.success(request, _("Swap request sent to your department head."))
            elif "checkin" in request.POST:
                services.duty_check_in(actor=user, shift_id=_posted_id(request, "checkin"))
                messages.success(request, _("Checked in for duty."))
            else:
                messages.error(request, _("Check the form."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect(f"{reverse('conduct:roster')}?month={month:%Y-%m}")
    roster = selectors.roster_for(township_id=user.township_id, month=month)
    shifts = list(roster.shifts.select_related("person__department").order_by("date")) if roster else []
    if roster and request.GET.get("print") == "pdf":
        from township.pdf import build_pdf, pdf_response, table

        rows = [[_("Date"), _("Weekday"), _("On duty"), _("Department"), _("Mobile phone")]]
        weekdays = [str(w) for w in WEEKDAYS]
        rows += [
            [
                s.date,
                weekdays[s.date.weekday()],
                s.person.full_name,
                str(s.person.department or ""),
                s.person.mobile,
            ]
            for s in shifts
        ]
        title = _("Office duty roster %(month)s") % {"month": f"{month:%Y-%m}"}
        return pdf_response(
            export_filename(pgettext("file name", "duty roster"), f"{month:%Y-%m}", ext="pdf"),
            build_pdf(title, [table(rows)]),
            inline=True,
        )
    return render(
        request,
        "conduct/roster.html",
        {
            "roster": roster,
            "shifts": shifts,
            "month": month,
            "clerk": clerk,
            "today": timezone.localdate(),
            "assign": assign,
            "swap": swap,
            "published": roster is not None and roster.status == RosterStatus.PUBLISHED,
            "prev": (month - dt.timedelta(days=1)).replace(day=1),
            "next": month_bounds(month)[1] + dt.timedelta(days=1),
        },
    )


# --- work logs and study ------------------------------------------------------------------------


@login_required
def worklog_list(request):
    user = _township_user(request)
    form = WorkLogForm(request.POST if "write" in request.POST else None)
    comment = CommentForm(request.POST if "comment_log" in request.POST else None)
    if request.method == "POST":
        try:
            if "write" in request.POST and form.is_valid():
                services.worklog_write(actor=user, **form.cleaned_data)
                messages.success(request, _("Work log saved."))
                return redirect("conduct:worklog_list")
            if "comment_log" in request.POST and comment.is_valid():
                services.worklog_comment(
                    actor=user, log_id=comment.cleaned_data["log"], comment=comment.cleaned_data["comment"]
                )
                messages.success(request, _("Comment saved."))
                return redirect(request.get_full_path())
        except ValidationError as exc:
            if "write" in request.POST:
                form.add_error_from(exc)
            else:
                messages.error(request, _error_text(exc))
    person = request.GET.get("person", "")
    qs = selectors.worklog_list_for(user=user, person=int(person) if person.isdigit() else None)
    return render(
        request,
        "conduct/worklog_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "can_comment": user.has_role(Role.DEPARTMENT_HEAD, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER),
        },
    )


@role_required(*SHEET_ROLES)
def worklog_report(request):
    month = _month(request)
    departments = list(selectors.departments_for(request.user))
    dept_id = request.GET.get("department", "")
    department = next((d for d in departments if str(d.pk) == dept_id), None)
    if department is None and selectors.department_ids_for(request.user) is not None:
        department = departments[0] if departments else None
    rows = worklog_completeness(
        township_id=request.user.township_id, month=month, department_id=department.pk if department else None
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            export_filename(
                pgettext("file name", "work logs"),
                department.name if department else "",
                f"{month:%Y-%m}",
                ext="xlsx",
            ),
            [_("Full name"), _("Department"), _("Log days"), _("Working days"), _("Completeness (%)")],
            [
                [
                    r["person"].full_name,
                    str(r["person"].department or ""),
                    r["logs"],
                    r["working_days"],
                    r["percent"],
                ]
                for r in rows
            ],
        )
    by_dept: dict = {}
    for r in rows:
        d = by_dept.setdefault(str(r["person"].department or "—"), [0, 0])
        d[0] += r["logs"]
        d[1] += r["working_days"]
    dept_rows = [(name, round(100 * a / b) if b else 100) for name, (a, b) in by_dept.items()]
    return render(
        request,
        "conduct/worklog_report.html",
        {
            "rows": rows,
            "dept_rows": dept_rows,
            "month": month,
            "departments": departments,
            "department": department,
            "prev": (month - dt.timedelta(days=1)).replace(day=1),
            "next": month_bounds(month)[1] + dt.timedelta(days=1),
        },
    )


@login_required
def study_list(request):
    user = _township_user(request)
    departments = selectors.departments_for(user)
    if user.has_role(Role.OFFICE_CLERK):
        departments = Department.objects.filter(township_id=user.township_id).order_by("order", "name")
    form = StudyForm(request.POST or None, departments=departments, township_id=user.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.study_record(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Study session recorded."))
            return redirect("conduct:study_list")
    today = timezone.localdate()
    week_start = today - dt.timedelta(days=today.weekday())
    weeks = [
        (ws, study_week(township_id=user.township_id, week_start=ws))
        for ws in (week_start - dt.timedelta(days=7), week_start)
    ]
    dept = request.GET.get("department", "")
    qs = selectors.study_list_for(user=user, department=int(dept) if dept.isdigit() else None)
    return render(
        request,
        "conduct/study_list.html",
        {"form": form, "page_obj": paginate(request, qs), "weeks": weeks, "departments": departments},
    )
