"""Thin views: parse a form, call a selector or a service, render or redirect."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from township.approvals import approvals_for_target
from township.exports import export_filename, xlsx_response
from township.history import history_for
from township.models import Role, Township
from township.scoping import get_or_404, reads_many_townships, township_ids_for, townships_for
from township.uploads import upload_response
from township.views import paginate, role_required

from . import selectors, services
from .forms import (
    STEP_FORMS,
    AttachmentForm,
    CaseFilterForm,
    CaseForm,
    ExtendForm,
    PetitionerFormSet,
    ReceptionDayForm,
    ReceptionRecordForm,
    StatsForm,
)
from .models import TRANSITIONS, Category, Channel, ReceptionDay, ReceptionRecord

CLERK_ROLES = (Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)
STATS_ROLES = (Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.INSPECTOR)


# --- cases ----------------------------------------------------------------------------------------


@login_required
def index(request):
    many = reads_many_townships(request.user)
    form = CaseFilterForm(
        request.GET or None,
        township_ids=township_ids_for(request.user),
        townships=townships_for(request.user) if many else (),
    )
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.case_list_for(
        user=request.user,
        township=f.get("township"),
        q=(f.get("q") or "").strip(),
        status=f.get("status") or "",
        channel=f.get("channel") or "",
        category=f.get("category") or "",
        village=f["village"].pk if f.get("village") else None,
        leader=f["leader"].pk if f.get("leader") else None,
        year=f.get("year"),
        overdue=bool(f.get("overdue")),
        mine=bool(f.get("mine")),
        sort=f.get("sort") or "number",
    )
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        headers = [
            _("Case number"),
            _("Registered on"),
            _("Channel"),
            pgettext("petition", "Category"),
            _("Village/community"),
            _("Status"),
            _("Responsible leader"),
            _("Handling department"),
            _("Next deadline"),
            _("Replied on"),
            _("Collective petition"),
            _("Repeat petition"),
        ]
        rows = [
            [
                *([c.township.name] if many else []),
                c.number,
                c.registered_on,
                c.get_channel_display(),
                c.get_category_display(),
                str(c.village or ""),
                c.get_status_display(),
                str(c.responsible_leader or ""),
                str(c.handling_department or ""),
                c.next_due,
                c.replied_on,
                _("yes") if c.is_collective else "",
                _("yes") if c.is_repeat else "",
            ]
            for c in qs[:20000]
        ]
        if many:
            headers.insert(0, _("Township"))
        return xlsx_response(export_filename(pgettext("file name", "petitions"), ext="xlsx"), headers, rows)
    page = paginate(request, qs)
    for case in page:
        case.left = case.days_left(today)
    return render(
        request,
        "petitions/index.html",
        {
            "form": form,
            "page_obj": page,
            "can_register": request.user.has_role(*CLERK_ROLES),
            "can_stats": request.user.has_role(*STATS_ROLES),
            "is_clerk": request.user.has_role(Role.OFFICE_CLERK),
            "is_inspector": request.user.has_role(Role.INSPECTOR),
            "many_townships": many,
        },
    )


@role_required(*CLERK_ROLES)
def case_register(request):
    user = request.user
    reception = None
    rid = request.GET.get("reception") or request.POST.get("reception")
    if rid and str(rid).isdigit():
        reception = get_or_404(selectors.reception_records_for(user=user), pk=int(rid))
    initial = {"channel": Channel.VISIT, "registered_on": reception.on_date} if reception else {}
    form = CaseForm(
        request.POST or None, request.FILES or None, township_id=user.township_id, initial=initial
    )
    formset = PetitionerFormSet(request.POST or None, prefix="p")
    candidates = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        people = [p for p in formset.cleaned_data if p]
        linked_ids = [int(x) for x in request.POST.getlist("link") if x.isdigit()]
        candidates = services.repeat_candidates(
            township_id=user.township_id,
            id_numbers=[p.get("id_number", "") for p in people],
            matter=data["matter"],
        )
        if candidates and not request.POST.get("repeats_checked"):
            messages.warning(
                request,
                _("Earlier cases look like the same matter. Tick those to link as repeats, then register."),
            )
        else:
            try:
                case = services.petition_case_register(
                    actor=user,
                    channel=data["channel"],
                    category=data["category"],
                    village=data["village"],
                    matter=data["matter"],
                    concerns=data["concerns"],
                    concerned_people=data["concerned_people"],
                    headcount=data["headcount"],
                    registered_on=data["registered_on"],
                    petitioners=people,
                    linked_cases=[c for c, _why in candidates if c.pk in linked_ids],
                    reception=reception,
                    attachments=[data["attachment"]] if data.get("attachment") else [],
                )
            except ValidationError as exc:
                form.add_error_from(exc)
                if hasattr(exc, "error_dict") and "petitioners" in exc.error_dict:
                    for e in exc.error_dict["petitioners"]:
                        form.add_error(None, e)
            else:
                messages.success(request, _("Petition %(no)s registered.") % {"no": case.number})
                return redirect(case)
    return render(
        request,
        "petitions/case_register.html",
        {"form": form, "formset": formset, "candidates": candidates, "reception": reception},
    )


def _step_form(verb, case, data=None):
    cls = STEP_FORMS[verb]
    kwargs = {"township_id": case.township_id} if verb in ("assign", "reassign") else {}
    prefix = verb
    if data is None and verb == "reassign":
        kwargs["initial"] = {
            "leader": case.responsible_leader_id,
            "department": case.handling_department_id,
            "handlers": list(case.handlers.values_list("pk", flat=True)),
        }
    return cls(data, prefix=prefix, **kwargs)


def _detail_context(request, case, step_forms=None, extend_form=None):
    user = request.user
    verbs = services.allowed_verbs(case, user)
    forms = {v: _step_form(v, case) for v in verbs}
    forms.update(step_forms or {})
    identity = selectors.identity_for(user=user, case=case, via="page")
    roles = services.case_roles(case, user)
    can_extend = (
        case.status in ("accepted", "in_progress")
        and case.extension_status in ("", "rejected")
        and bool(roles.intersection({"leader", "handler", "clerk"}))
    )
    return {
        "case": case,
        "identity": identity,
        "steps": [(TRANSITIONS[v], forms[v]) for v in verbs],
        "extend_form": extend_form or (ExtendForm(prefix="extend") if can_extend else None),
        "left": case.days_left(timezone.localdate()),
        "events": case.timeline.select_related("actor"),
        "handlers": case.handlers.all(),
        "linked": case.linked_cases.all(),
        "later": case.later_cases.all(),
        "attachments": case.attachments.all() if identity is not None else None,
        "attachment_form": AttachmentForm(prefix="att")
        if roles.intersection({"clerk", "leader", "handler"})
        else None,
        "approvals": approvals_for_target(case),
        "history": history_for(case),
        "access_log": selectors.access_log_for(user=user, case=case)[:50]
        if user.has_role(Role.INSPECTOR)
        else None,
        "is_concerned": case.concerned_people.filter(pk=user.pk).exists(),
    }


@login_required
def case_detail(request, pk):
    case = selectors.case_get_for(user=request.user, pk=pk)
    return render(request, "petitions/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_step(request, pk, verb):
    case = selectors.case_get_for(user=request.user, pk=pk)
    if verb not in STEP_FORMS:
        raise Http404
    form = _step_form(verb, case, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        common = {"actor": request.user, "case_id": case.pk}
        try:
            if verb == "accept":
                services.petition_case_accept(**common, on=d["on"], notice_text=d["notice_text"])
            elif verb == "refuse":
                services.petition_case_refuse(
                    **common, on=d["on"], reason=d["reason"], notice_text=d["notice_text"]
                )
            elif verb in ("assign", "reassign"):
                services.petition_case_assign(
                    **common,
                    leader=d["leader"],
                    department=d["department"],
                    handlers=list(d["handlers"]),
                    on=d.get("on"),
                    verb=verb,
                )
            elif verb == "reply":
                services.petition_case_reply(
                    **common,
                    on=d["on"],
                    text=d["text"],
                    facts_clarified=d["facts_clarified"],
                    coordinated=d["coordinated"],
                    resolved=d["resolved"],
                )
            elif verb in ("satisfied", "dissatisfied"):
                services.petition_case_record_satisfaction(
                    **common, satisfied=verb == "satisfied", note=d["note"], on=d["on"]
                )
            elif verb == "request_review":
                services.petition_case_request_review(**common, reason=d["reason"], on=d["on"])
            elif verb == "reply_review":
                services.petition_case_reply_review(**common, text=d["text"], on=d["on"])
            elif verb == "close":
                services.petition_case_close(**common, on=d["on"], note=d["note"])
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[verb].label})
            return redirect(case)
    context = _detail_context(request, case, step_forms={verb: form})
    context["open_step"] = verb
    return render(request, "petitions/case_detail.html", context, status=400)


@login_required
@require_POST
def case_extend(request, pk):
    case = selectors.case_get_for(user=request.user, pk=pk)
    form = ExtendForm(request.POST, prefix="extend")
    if form.is_valid():
        try:
            services.petition_case_extend(
                actor=request.user,
                case_id=case.pk,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Extension requested; a principal leader decides."))
            return redirect(case)
    context = _detail_context(request, case, extend_form=form)
    context["open_step"] = "extend"
    return render(request, "petitions/case_detail.html", context, status=400)


@login_required
@require_POST
def attachment_add(request, pk):
    case = selectors.case_get_for(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="att")
    if form.is_valid():
        try:
            services.petition_attachment_add(
                actor=request.user, case_id=case.pk, file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attachment added."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(case)


@login_required
def attachment_download(request, pk, attachment_id):
    """Attachments may show who petitioned: only identity readers, and the view is logged."""
    case = selectors.case_get_for(user=request.user, pk=pk)
    if not selectors.can_see_identity(user=request.user, case=case):
        raise Http404
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    services.identity_access_record(user=request.user, case=case, via="attachment")
    return upload_response(attachment.file, filename=attachment.name)


@login_required
def case_reply_pdf(request, pk):
    from .pdfs import reply_pdf

    case = selectors.case_get_for(user=request.user, pk=pk)
    if not case.replied_on:
        raise Http404
    identity = selectors.identity_for(user=request.user, case=case, via="pdf")
    from township.pdf import pdf_response

    return pdf_response(
        export_filename(pgettext("file name", "petition reply"), case.number, ext="pdf"),
        reply_pdf(case, identity),
        inline=True,
    )


@role_required(Role.INSPECTOR, Role.SECURITY_AUDITOR)
def access_log(request):
    qs = selectors.access_log_for(user=request.user)
    number = request.GET.get("case", "").strip()
    if number:
        qs = qs.filter(case__number__icontains=number)
    if request.GET.get("export") == "xlsx":
        rows = [[timezone.localtime(a.at), str(a.user), a.case.number, a.via] for a in qs[:20000]]
        return xlsx_response(
            export_filename(pgettext("file name", "identity access log"), ext="xlsx"),
            [_("When"), pgettext("petition", "Who"), _("Case"), _("Through")],
            rows,
        )
    return render(
        request, "petitions/access_log.html", {"page_obj": paginate(request, qs, 50), "number": number}
    )


# --- statistics (R-PET-9, R-PET-7) -------------------------------------------------------------------


def _period(request):
    today = timezone.localdate()
    form = StatsForm(request.GET or None, initial={"start": dt.date(today.year, 1, 1), "end": today})
    start, end = dt.date(today.year, 1, 1), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


BREAKDOWNS = (
    ("by_month", "month"),
    ("by_channel", "channel"),
    ("by_category", "category"),
    ("by_village", "village__name"),
    ("by_leader", "responsible_leader__full_name"),
    ("by_department", "handling_department__name"),
)


def _label_rows(stats):
    channels, categories = dict(Channel.choices), dict(Category.choices)
    for key, field in BREAKDOWNS:
        for row in stats[key]:
            value = row.get(field)
            if key == "by_month":
                row["label"] = value.strftime("%Y-%m") if value else "—"
            elif key == "by_channel":
                row["label"] = str(channels.get(value, value))
            elif key == "by_category":
                row["label"] = str(categories.get(value, value))
            else:
                row["label"] = value or _("(not assigned)")
    return stats


@role_required(*STATS_ROLES)
def statistics(request):
    from township.policy import policy

    form, start, end = _period(request)
    tids = township_ids_for(request.user)
    stats = _label_rows(selectors.statistics(township_ids=tids, start=start, end=end))
    metric_labels = _metric_labels()
    if request.GET.get("export") == "xlsx":
        headers = [_("Breakdown"), _("Group"), *metric_labels.values(), _("On-time rate (%)")]
        names = _breakdown_names()
        rows = [[_("Total"), "", *[stats["total"][m] for m in metric_labels], stats["total"]["on_time_rate"]]]
        for key, _field in BREAKDOWNS:
            for r in stats[key]:
                rows.append([names[key], r["label"], *[r[m] for m in metric_labels], r["on_time_rate"]])
        return xlsx_response(
            export_filename(pgettext("file name", "petition statistics"), start, end, ext="xlsx"),
            headers,
            rows,
        )
    months = stats["by_month"]
    trend = {
        "type": "line",
        "data": {
            "labels": [r["label"] for r in months],
            "datasets": [
                {"label": str(metric_labels[m]), "data": [r[m] for r in months], "tension": 0.2}
                for m in ("received", "accepted", "replied", "on_time", "satisfied")
            ],
        },
    }
    by_category = {
        "type": "bar",
        "data": {
            "labels": [r["label"] for r in stats["by_category"]],
            "datasets": [
                {"label": str(metric_labels[m]), "data": [r[m] for r in stats["by_category"]]}
                for m in ("received", "resolved")
            ],
        },
    }
    by_leader = {
        "type": "bar",
        "data": {
            "labels": [r["label"] for r in stats["by_leader"]],
            "datasets": [
                {
                    "label": str(_("On-time rate (%)")),
                    "data": [r["on_time_rate"] or 0 for r in stats["by_leader"]],
                }
            ],
        },
        "options": {"indexAxis": "y", "scales": {"x": {"min": 0, "max": 100}}},
    }
    target = (
        policy("R-PET-7.on_time_target", township=request.user.township_id, on=end)
        if request.user.township_id
        else None
    )
    return render(
        request,
        "petitions/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "stats": stats,
            "metric_labels": metric_labels,
            "tables": [(_breakdown_names()[k], stats[k]) for k, _f in BREAKDOWNS],
            "trend_chart": json.dumps(trend, ensure_ascii=False),
            "category_chart": json.dumps(by_category, ensure_ascii=False),
            "leader_chart": json.dumps(by_leader, ensure_ascii=False),
            "target": target,
            "this_month": timezone.localdate().strftime("%Y-%m"),
        },
    )


def _metric_labels():
    return {
        "received": pgettext("petition", "Received"),
        "accepted": pgettext("petition", "Accepted"),
        "not_accepted": pgettext("petition", "Not accepted"),
        "facts_clarified": pgettext("petition", "Facts clarified"),
        "coordinated": pgettext("petition", "Coordinated"),
        "resolved": pgettext("petition", "Resolved"),
        "replied": pgettext("petition", "Replied"),
        "on_time": pgettext("petition", "Replied on time"),
        "overdue": pgettext("petition", "Overdue"),
        "satisfied": pgettext("petition", "Satisfied"),
        "collective": pgettext("petition", "Collective"),
        "repeat": pgettext("petition", "Repeat"),
    }


def _breakdown_names():
    return {
        "by_month": _("By month"),
        "by_channel": _("By channel"),
        "by_category": _("By category"),
        "by_village": _("By village"),
        "by_leader": _("By responsible leader"),
        "by_department": _("By handling department"),
    }


@role_required(*STATS_ROLES)
def monthly_report(request):
    """The monthly report for the party committee (PDF)."""
    from township.pdf import pdf_response

    from .pdfs import monthly_report_pdf

    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        year, mon = (int(x) for x in month.split("-", 1))
        start = dt.date(year, mon, 1)
    except ValueError:
        raise Http404 from None
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    stats = _label_rows(
        selectors.statistics(township_ids=township_ids_for(request.user), start=start, end=end)
    )
    township = request.user.township
    content = monthly_report_pdf(
        township=township, month=month, stats=stats, labels=_metric_labels(), names=_breakdown_names()
    )
    return pdf_response(
        export_filename(
            pgettext("file name", "petitions monthly report"),
            township.name if township else "",
            month,
            ext="pdf",
        ),
        content,
        inline=True,
    )


# --- reception days (R-PET-6) -----------------------------------------------------------------------


def public_reception_days(request, code):
    """Public, no login: the leaders' reception days of a township."""
    township = get_object_or_404(Township, code=code)
    days = selectors.reception_days_published(township_id=township.pk)
    return render(request, "petitions/public_reception_days.html", {"township": township, "days": days})


@login_required
def reception_days(request):
    user = request.user
    can_manage = user.has_role(Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.ADMINISTRATOR)
    edit = None
    if request.GET.get("edit", "").isdigit():
        edit = get_or_404(
            ReceptionDay.objects.filter(township_id=user.township_id), pk=int(request.GET["edit"])
        )
    initial = (
        {"weekday": edit.weekday, "place": edit.place, "leader": edit.leader_id, "active": edit.active}
        if edit
        else {"active": True}
    )
    form = ReceptionDayForm(request.POST or None, township_id=user.township_id, initial=initial)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.reception_day_save(actor=user, day=edit, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Reception day saved."))
                return redirect("petitions:reception_days")
    days = ReceptionDay.objects.filter(township_id__in=township_ids_for(user)).select_related(
        "leader", "township"
    )
    return render(
        request,
        "petitions/reception_days.html",
        {
            "days": days,
            "form": form if can_manage else None,
            "edit": edit,
            "township": user.township,
            "records": selectors.reception_records_for(user=user)[:10],
        },
    )


@login_required
def reception_records(request):
    user = request.user
    form = ReceptionRecordForm(request.POST or None, township_id=user.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.reception_record_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, pgettext("petition", "Reception recorded."))
            return redirect(f"{request.path}?new={record.pk}")
    qs = selectors.reception_records_for(user=user)
    if request.GET.get("export") == "xlsx":
        rows = [[r.on_date, str(r.leader), r.place, r.visitors, r.n_cases, r.summary] for r in qs[:20000]]
        headers = [
            _("Date"),
            _("Leader"),
            _("Place"),
            _("People received"),
            _("Cases opened"),
            _("What was raised"),
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "leaders reception days"), ext="xlsx"), headers, rows
        )
    return render(
        request,
        "petitions/reception_records.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "can_register": user.has_role(*CLERK_ROLES),
            "new": request.GET.get("new"),
            "model": ReceptionRecord,
        },
    )


# --- import -------------------------------------------------------------------------------------


@role_required(Role.OFFICE_CLERK)
def case_import(request):
    from township.forms import ImportForm
    from township.imports import import_flow, run_import

    from .resources import HistoricalCaseResource

    resource = HistoricalCaseResource(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.GET.get("template"):
        from township.exports import xlsx_response as xr

        return xr(
            "petition-import-template.xlsx", HistoricalCaseResource.COLUMNS, [HistoricalCaseResource.EXAMPLE]
        )
    flow = import_flow(request, form, lambda dataset, dry_run: run_import(resource, dataset, dry_run=dry_run))
    if flow.done:
        messages.success(request, _("Imported %(n)d cases.") % {"n": flow.outcome.total})
        return redirect("petitions:index")
    outcome, token = flow.outcome, flow.token
    return render(
        request,
        "petitions/case_import.html",
        {"form": form, "outcome": outcome, "token": token, "columns": HistoricalCaseResource.COLUMNS},
    )
