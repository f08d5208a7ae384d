"""Thin views: form -> selector/service -> render/redirect."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from meetings import selectors, services
from meetings.forms import (
    AgendaFormSet,
    CancelForm,
    DocumentForm,
    MeetingFilterForm,
    MeetingRecordForm,
    MeetingRequestForm,
    PressFilterForm,
    PressRequestForm,
    agenda_from,
)
from meetings.models import FRUGALITY_ITEMS, DocumentKind, MeetingStatus, MeetingType
from township.approvals import approvals_for_target
from township.exports import export_filename, xlsx_response
from township.history import history_for
from township.models import Role, RuleOverride
from township.scoping import township_choice, township_picker
from township.views import paginate, role_required, year_param

FIGURE_ROLES = (
    Role.PRINCIPAL_LEADER,
    Role.LEADER_IN_CHARGE,
    Role.INSPECTOR,
    Role.ADMINISTRATOR,
    Role.OFFICE_CLERK,
)


def _township_user(user):
    if user.township_id is None:
        raise PermissionDenied
    return user


# --- meetings ------------------------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    form = MeetingFilterForm(request.GET or None, user=user)
    many = "township" in form.fields
    f = form.cleaned_data if form.is_valid() else {}
    order = request.GET.get("sort", "-date")
    qs = selectors.meeting_list_for(
        user=user,
        status=f.get("status") or "",
        meeting_type=f.get("meeting_type") or "",
        department=f["department"].pk if f.get("department") else None,
        month=f.get("month"),
        q=f.get("q") or "",
        order=order,
        township=f.get("township"),
    )
    if request.GET.get("export") == "xlsx":
        headers = [
            _("Date"),
            _("Start"),
            _("Title"),
            _("Type"),
            _("Organising department"),
            _("Venue"),
            _("Planned minutes"),
            _("Actual minutes"),
            _("Status"),
        ]
        rows = [
            [
                *([m.township.name] if many else []),
                m.date,
                m.start_time.strftime("%H:%M"),
                m.title,
                m.get_meeting_type_display(),
                str(m.department),
                m.venue_label,
                m.planned_minutes,
                m.actual_minutes,
                m.get_status_display(),
            ]
            for m in qs[:20000]
        ]
        if many:
            headers.insert(0, _("Township"))
        return xlsx_response(export_filename(pgettext("file name", "meetings"), ext="xlsx"), headers, rows)
    return render(
        request,
        "meetings/index.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "sort": order,
            "can_see_figures": user.has_role(*FIGURE_ROLES),
            "many_townships": many,
        },
    )


def _merge_context(request, data) -> list:
    """R-MTG-10: meetings to merge with, from the form's date and audience (submitted or typed)."""
    user = request.user
    try:
        day = dt.date.fromisoformat(data.get("date", ""))
    except ValueError:
        return []
    depts = [int(x) for x in data.getlist("audience_departments") if x.isdigit()]
    people = [int(x) for x in data.getlist("audience_people") if x.isdigit()]
    return selectors.merge_candidates(
        township_id=user.township_id, day=day, department_ids=depts, people_ids=people
    )


@login_required
def meeting_new(request):
    user = _township_user(request.user)
    initial, agenda_initial = _copy_initial(request)
    form = MeetingRequestForm(request.POST or None, user=user, initial=initial)
    agenda = AgendaFormSet(request.POST or None, prefix="agenda", initial=agenda_initial)
    candidates = []
    if request.method == "POST":
        candidates = _merge_context(request, request.POST)
        valid = form.is_valid() & agenda.is_valid()
        items = agenda_from(agenda) if agenda.is_valid() else []
        merge_into = request.POST.get("merge_into", "")
        if merge_into.isdigit() and agenda.is_valid():
            try:
                target = services.meeting_merge_into(
                    actor=user,
                    target_id=int(merge_into),
                    agenda=items,
                    source_title=request.POST.get("title", ""),
                )
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(
                    request,
                    _("Your items were added to “%(m)s”; no new meeting was requested.")
                    % {"m": target.title},
                )
                return redirect(target)
        elif valid:
            try:
                meeting = services.meeting_request_submit(
                    actor=user,
                    draft=form.draft(items),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Meeting request submitted for approval."))
                return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "agenda": agenda,
            "candidates": candidates,
            "frugality": FRUGALITY_ITEMS,
            "meal_items": ("alcohol", "cigarettes", "fruit", "retired_cadres_symposium"),
        },
    )


def _copy_initial(request):
    """``?copy=<pk>``: start a new request from an earlier one (e.g. one returned for changes)."""
    raw = request.GET.get("copy", "")
    if request.method == "POST" or not raw.isdigit():
        return {}, []
    m = selectors.meeting_get_for(user=request.user, pk=int(raw))
    fields = ["title", "meeting_type", "major_event", "start_time", "planned_minutes", "venue_kind", "outside_place",
              "outside_kind", "format", "meals", "fruit", "retired_cadres_symposium"]  # fmt: skip
    initial = {f: getattr(m, f) for f in fields}
    initial.update(
        department=m.department_id,
        room=m.room_id,
        audience_departments=list(m.audience_departments.values_list("pk", flat=True)),
        audience_people=list(m.audience_people.values_list("pk", flat=True)),
    )
    agenda = [{"title": i.title, "speakers": "、".join(i.speakers)} for i in m.agenda.all()]
    return initial, agenda


@login_required
def merge_candidates(request):
    """htmx partial for the request form (R-MTG-10)."""
    _township_user(request.user)
    return render(
        request, "meetings/_merge_candidates.html", {"candidates": _merge_context(request, request.GET)}
    )


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    from django.contrib.contenttypes.models import ContentType

    overrides = RuleOverride.objects.filter(
        target_type=ContentType.objects.get_for_model(meeting), target_id=meeting.pk
    ).select_related("actor")
    manage = services.can_manage(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.all(),
            "audience_departments": meeting.audience_departments.all(),
            "audience_people": meeting.audience_people.all(),
            "candidates": meeting.merge_candidates.select_related("department"),
            "overrides": overrides,
            "approvals": approvals_for_target(meeting),
            "can_record": manage and meeting.status in (MeetingStatus.APPROVED, MeetingStatus.HELD),
            "can_cancel": manage and meeting.status == MeetingStatus.APPROVED,
            "cancel_form": CancelForm(),
            "history": history_for(meeting),
        },
    )


@login_required
def meeting_record(request, pk):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    if not services.can_manage(request.user, meeting):
        raise PermissionDenied
    initial = {
        "actual_start": timezone.localtime(meeting.actual_start or meeting.starts_at),
        "actual_end": timezone.localtime(meeting.actual_end or meeting.ends_at),
        "attendance": meeting.attendance,
        "absentees": meeting.absentees,
        "minutes_text": meeting.minutes_text,
    }
    form = MeetingRecordForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_record_outcome(
                actor=request.user,
                meeting_id=meeting.pk,
                actual_start=d["actual_start"],
                actual_end=d["actual_end"],
                attendance=d["attendance"],
                absentees=d["absentees"],
                minutes_text=d["minutes_text"],
                minutes_file=d["minutes_file"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Meeting record saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_record.html", {"meeting": meeting, "form": form})


@require_POST
@login_required
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                actor=request.user, meeting_id=meeting.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Meeting cancelled."))
    else:
        messages.error(request, _("Say why the meeting is cancelled."))
    return redirect(meeting)


@login_required
def minutes_file(request, pk):
    from township.uploads import upload_response

    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    return upload_response(
        meeting.minutes_file,
        filename=export_filename(pgettext("file name", "minutes"), meeting.title, meeting.date, ext=None),
    )


# --- calendar --------------------------------------------------------------------------------------


def _department_param(request) -> int | None:
    raw = request.GET.get("department", "")
    return int(raw) if raw.isdigit() else None


@login_required
def calendar_month(request):
    township = township_choice(request)  # a county-level reader chooses one
    if township is None:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year, month = request.GET.get("month", "").split("-")
        first = dt.date(int(year), int(month), 1)
    except ValueError:
        first = today.replace(day=1)
    department = _department_param(request)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    meetings = selectors.calendar_meetings(
        township_ids=[township.pk],
        start=weeks[0][0],
        end=weeks[-1][-1],
        department=department,
        user=request.user,
    )
    by_day: dict[dt.date, list] = {}
    for m in meetings:
        by_day.setdefault(m.date, []).append(m)
    grid = [
        [{"date": d, "in_month": d.month == first.month, "meetings": by_day.get(d, [])} for d in w]
        for w in weeks
    ]
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar_month.html",
        {
            "first": first,
            "grid": grid,
            "today": today,
            "prev_month": prev_month,
            "next_month": next_month,
            "departments": selectors.departments_for(township_id=township.pk),
            **township_picker(request, township),
            "department": department,
            "meetings": meetings,
            "keep": {"month": first.strftime("%Y-%m")},
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
    )


@login_required
def calendar_week(request):
    township = township_choice(request)  # a county-level reader chooses one
    if township is None:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    department = _department_param(request)
    meetings = selectors.calendar_meetings(
        township_ids=[township.pk], start=days[0], end=days[-1], department=department, user=request.user
    )
    by_day: dict[dt.date, list] = {}
    for m in meetings:
        by_day.setdefault(m.date, []).append(m)
    return render(
        request,
        "meetings/calendar_week.html",
        {
            "days": [{"date": d, "meetings": by_day.get(d, [])} for d in days],
            "monday": monday,
            "keep": {"week": monday.isoformat()},
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "today": today,
            "departments": selectors.departments_for(township_id=township.pk),
            **township_picker(request, township),
            "department": department,
        },
    )


@login_required
def feed_settings(request):
    user = _township_user(request.user)
    if request.method == "POST":
        if "revoke" in request.POST:
            services.feed_revoke(actor=user)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            services.feed_issue(actor=user)
            messages.success(
                request, _("A new private calendar address was made; the old one no longer works.")
            )
        return redirect("meetings:feed")
    feed = selectors.feed_active_for(user=user)
    url = request.build_absolute_uri(reverse("meetings:ical", args=[feed.token])) if feed else ""
    return render(request, "meetings/feed.html", {"feed": feed, "url": url})


def ical_feed(request, token):
    """No sign-in: the private token is the key; a wrong or revoked one is a 404."""
    from meetings.ical import calendar_text

    found = selectors.feed_meetings(token=token)
    if found is None:
        raise Http404
    person, meetings = found
    body = calendar_text(
        name=_("Meetings of %(name)s") % {"name": person},
        meetings=meetings,
        host=request.get_host(),
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- figures -------------------------------------------------------------------------------------


@role_required(*FIGURE_ROLES)
def figures(request):
    user = _township_user(request.user)
    year = year_param(request.GET)
    summary = selectors.meeting_summary(
        township_id=user.township_id, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    labels = [m["month"].strftime("%Y-%m") for m in summary["months"]]
    chart = {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": str(MeetingType.PLENARY.label),
                    "data": [m["counts"]["plenary"] for m in summary["months"]],
                    "backgroundColor": "#b71c1c",
                },
                {
                    "label": str(MeetingType.BUSINESS.label),
                    "data": [m["counts"]["business"] for m in summary["months"]],
                    "backgroundColor": "#1565c0",
                },
                {
                    "label": str(MeetingType.SPECIAL_TOPIC.label),
                    "data": [m["counts"]["special_topic"] for m in summary["months"]],
                    "backgroundColor": "#6a1b9a",
                },
                {
                    "label": str(MeetingType.HIGHER_LEVEL.label),
                    "data": [m["counts"]["higher_level"] for m in summary["months"]],
                    "backgroundColor": "#9e9e9e",
                },
                {
                    "type": "line",
                    "label": _("Plenary cap"),
                    "data": [m["caps"]["plenary"] for m in summary["months"]],
                    "borderColor": "#b71c1c",
                    "borderDash": [6, 4],
                    "pointRadius": 0,
                    "fill": False,
                },
                {
                    "type": "line",
                    "label": _("Business cap"),
                    "data": [m["caps"]["business"] for m in summary["months"]],
                    "borderColor": "#1565c0",
                    "borderDash": [6, 4],
                    "pointRadius": 0,
                    "fill": False,
                },
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}},
    }
    refusals = selectors.refusals_for(user=user, year=year)[:20]
    from django.contrib.contenttypes.models import ContentType

    from meetings.models import Meeting

    overrides = (
        RuleOverride.objects.filter(
            township_id=user.township_id,
            rule_id__in=["R-MTG-2", "R-MTG-3"],
            target_type=ContentType.objects.get_for_model(Meeting),
            created_at__year=year,
        )
        .select_related("actor")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "meetings/figures.html",
        {
            "year": year,
            "summary": summary,
            "chart": json.dumps(chart),
            "refusals": refusals,
            "overrides": overrides,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
        },
    )


# --- documents and press ---------------------------------------------------------------------------


@login_required
def document_list(request):
    user = _township_user(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DocumentKind.values else ""
    year = year_param(request.GET, default=0)
    q = request.GET.get("q", "").strip()
    order = request.GET.get("sort", "-issued_on")
    qs = selectors.document_list_for(user=user, kind=kind, year=year or None, q=q, order=order)
    if request.GET.get("export") == "xlsx":
        headers = [_("Issued on"), _("Kind"), _("Title"), _("Drafting department"), _("Characters")]
        rows = [
            [d.issued_on, d.get_kind_display(), d.title, str(d.department), d.char_count] for d in qs[:20000]
        ]
        return xlsx_response(export_filename(pgettext("file name", "documents"), ext="xlsx"), headers, rows)
    return render(
        request,
        "meetings/document_list.html",
        {
            "page_obj": paginate(request, qs),
            "kind": kind,
            "year": year,
            "q": q,
            "sort": order,
            "kinds": DocumentKind.choices,
        },
    )


@login_required
def document_new(request):
    user = _township_user(request.user)
    form = DocumentForm(request.POST or None, request.FILES or None, user=user)
    count = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.document_register(
                actor=user,
                kind=d["kind"],
                title=d["title"],
                department=d["department"],
                issued_on=d["issued_on"],
                text=d["text"],
                docx=d["docx"],
                override_reason=d.get("override_reason", ""),
            )
        except ValidationError as exc:
            from meetings.rules import r_doc_1_char_count

            count = r_doc_1_char_count(d["text"]) if d.get("text") else None
            form.add_error_from(exc)
        else:
            messages.success(request, _("Document registered (%(n)d characters).") % {"n": doc.char_count})
            return redirect(doc)
    limits = {
        k: selectors.doc_limit(k, township_id=user.township_id, on=timezone.localdate())
        for k in DocumentKind.values
    }
    return render(request, "meetings/document_form.html", {"form": form, "count": count, "limits": limits})


@login_required
def document_detail(request, pk):
    doc = selectors.document_get_for(user=request.user, pk=pk)
    from django.contrib.contenttypes.models import ContentType

    overrides = RuleOverride.objects.filter(
        target_type=ContentType.objects.get_for_model(doc), target_id=doc.pk
    ).select_related("actor")
    return render(
        request,
        "meetings/document_detail.html",
        {"doc": doc, "overrides": overrides, "history": history_for(doc)},
    )


@login_required
def press_list(request):
    user = _township_user(request.user)
    form = PressFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    year = f.get("year") or timezone.localdate().year
    qs = selectors.press_list_for(user=user, year=year, status=f.get("status") or "")
    used = selectors.press_list_for(user=user, year=year).filter(status__in=("pending", "approved")).count()
    from township.policy import policy

    cap = policy("R-MTG-11", township=user.township_id, on=dt.date(year, 12, 31))
    if request.GET.get("export") == "xlsx":
        headers = [_("Date"), _("Title"), _("Subject"), _("Department"), _("Status")]
        rows = [
            [p.on_date, p.title, p.get_subject_display(), str(p.department), p.get_status_display()]
            for p in qs
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "press reports"), ext="xlsx"), headers, rows
        )
    return render(
        request,
        "meetings/press_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "year": year,
            "used": used,
            "cap": cap,
            "left": max(cap - used, 0),
        },
    )


@login_required
def press_new(request):
    user = _township_user(request.user)
    form = PressRequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.press_request_submit(
                actor=user,
                title=d["title"],
                subject=d["subject"],
                on_date=d["on_date"],
                department=d["department"],
                meeting=d["meeting"],
                note=d["note"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Press coverage request submitted for approval."))
            return redirect("meetings:press_list")
    return render(request, "meetings/press_form.html", {"form": form})
