import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from township import approvals as approval_services
from township.calendar_services import calendar_override_remove, calendar_override_set
from township.exports import export_filename
from township.forms import (
    CalendarOverrideForm,
    DecisionForm,
    FindingFilterForm,
    HandoverForm,
    ImportForm,
)
from township.history import history_for
from township.hooks import HOME_PANELS
from township.models import CalendarOverride, Role
from township.policy import definition, grouped_definitions, policies, policy_history, policy_set
from township.scoping import get_or_404, reads_many_townships, townships_for
from township.selectors import (
    department_options,
    finding_list_for,
    person_get_for,
    person_list_for,
    person_managed_get,
)
from township.workcalendar import holiday_label, unsupported_years, working_days


def role_required(*roles):
    def deco(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return deco


def paginate(request, qs, per_page=25):
    raw = request.GET.get("page", "")
    return Paginator(qs, per_page).get_page(int(raw) if raw.isdigit() and len(raw) < 7 else 1)


YEARS = range(2000, 2101)


def year_param(data, key="year", default=None) -> int:
    """A year typed in a query string or a form (``request.GET`` / ``request.POST``): a number
    within 2000..2100, else ``default`` (this year when not given).  Never a 500 on junk."""
    raw = str(data.get(key, "") or "").strip()
    if raw.isdigit() and len(raw) == 4 and int(raw) in YEARS:
        return int(raw)
    return default if default is not None else timezone.localdate().year


@login_required
def home(request):
    panels = [p for _order, func in HOME_PANELS if (p := func(request)) is not None]
    for panel in panels:
        panel.html = render_to_string(panel.template, panel.context, request=request)
    return render(request, "township/home.html", {"panels": panels})


# --- approvals -----------------------------------------------------------------------------------


@login_required
def approval_inbox(request):
    page = paginate(request, approval_services.approval_inbox_for(user=request.user))
    mine = request.user.approval_requests.select_related("requester")[:20]
    for req in list(page) + list(mine):
        req.kind_label = approval_services.kind_label(req.kind)
    return render(request, "township/approval_inbox.html", {"page_obj": page, "mine": mine})


@login_required
def approval_detail(request, pk):
    req = approval_services.approval_get_for(user=request.user, pk=pk)
    req.kind_label = approval_services.kind_label(req.kind)
    steps = list(req.steps.all())
    current = next((s for s in steps if s.order == req.current_step), None)
    can_decide = (
        req.status == "pending"
        and current is not None
        and req.requester_id != request.user.pk
        and any(c.pk == request.user.pk for c in current.candidates.all())
    )
    form = DecisionForm(request.POST or None)
    handover = HandoverForm(request.POST if "handover" in request.POST else None, township_id=req.township_id)
    if request.method == "POST" and "handover" in request.POST:
        if handover.is_valid():
            try:
                approval_services.approval_handover(
                    actor=request.user,
                    request_id=req.pk,
                    to_user=handover.cleaned_data["to_user"],
                    comment=handover.cleaned_data["comment"],
                )
            except ValidationError as exc:
                handover.add_error_from(exc)
            else:
                messages.success(request, _("Handed over."))
                return redirect("approval_inbox")
    elif request.method == "POST" and "cancel" in request.POST:
        try:
            approval_services.approval_cancel(actor=request.user, request_id=req.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Request withdrawn."))
        return redirect("approval_detail", pk=req.pk)
    elif request.method == "POST":
        if form.is_valid():
            try:
                approval_services.approval_decide(
                    actor=request.user,
                    request_id=req.pk,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("approval_inbox")
    target = req.target
    return render(
        request,
        "township/approval_detail.html",
        {
            "req": req,
            "steps": steps,
            "can_decide": can_decide,
            "form": form,
            "handover": handover,
            "target": target,
            "target_url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
            "history": history_for(req),
        },
    )


# --- findings ------------------------------------------------------------------------------------


@role_required(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER)
def finding_list(request):
    many = reads_many_townships(request.user)
    form = FindingFilterForm(
        request.GET or None,
        departments=department_options(user=request.user),
        townships=townships_for(request.user) if many else (),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = finding_list_for(
        user=request.user,
        township=filters.get("township"),
        rule=filters.get("rule") or "",
        department=filters.get("department"),
        status=filters.get("status") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("export") == "xlsx":
        from township.exports import xlsx_response

        rows = [
            [
                *([f.township.name] if many else []),
                f.rule_id,
                f.on_date,
                str(f.person or ""),
                str(f.department or ""),
                f.text,
                f.get_status_display(),
            ]
            for f in qs[:20000]
        ]
        headers = [_("Rule"), _("Date"), _("Person"), _("Department"), _("Detail"), _("Status")]
        if many:
            headers.insert(0, _("Township"))
        return xlsx_response(export_filename(pgettext("file name", "findings"), ext="xlsx"), headers, rows)
    return render(
        request,
        "township/finding_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "can_triage": request.user.has_role(Role.INSPECTOR, Role.ADMINISTRATOR),
            "many_townships": many,
        },
    )


# --- people --------------------------------------------------------------------------------------


@role_required(
    Role.ADMINISTRATOR, Role.INSPECTOR, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.DEPARTMENT_HEAD
)
def person_list(request):
    q = request.GET.get("q", "").strip()
    dept = request.GET.get("department")
    many = reads_many_townships(request.user)
    township = request.GET.get("township", "")
    qs = person_list_for(
        user=request.user,
        q=q,
        department=int(dept) if dept and dept.isdigit() and len(dept) < 10 else None,
        township=int(township) if many and township.isdigit() and len(township) < 10 else None,
    )
    if request.GET.get("export") == "xlsx":
        from township.exports import xlsx_response

        rows = [
            [
                *([p.township.name if p.township else ""] if many else []),
                p.employee_no,
                p.full_name,
                str(p.department or ""),
                p.get_category_display(),
                p.position,
                p.mobile,
            ]
            for p in qs
        ]
        headers = [
            _("Employee number"),
            _("Full name"),
            _("Department"),
            _("Cadre category"),
            _("Position"),
            _("Mobile phone"),
        ]
        if many:
            headers.insert(0, _("Township"))
        return xlsx_response(export_filename(pgettext("file name", "people"), ext="xlsx"), headers, rows)
    return render(
        request,
        "township/person_list.html",
        {
            "page_obj": paginate(request, qs, 30),
            "q": q,
            "department_options": department_options(user=request.user),
            "dept": dept,
            "many_townships": many,
            "townships": townships_for(request.user) if many else [],
            "township": township,
        },
    )


@login_required
def person_detail(request, pk):
    if pk == request.user.pk:
        person = person_list_for(user=request.user).filter(pk=pk).first() or request.user
    elif request.user.has_role(Role.SECURITY_ADMIN):
        # The people whose accounts they look after (roles, sessions): their township's.
        person = person_managed_get(user=request.user, pk=pk)
    else:
        person = person_get_for(user=request.user, pk=pk)
    from township.security import user_sessions

    own = person.pk == request.user.pk
    can_end = own or request.user.has_role(Role.SECURITY_ADMIN)
    return render(
        request,
        "township/person_detail.html",
        {
            "person": person,
            "history": history_for(person),
            "own_page": own,
            "can_end_sessions": can_end,
            "sessions": user_sessions(person, current_key=request.session.session_key) if can_end else None,
        },
    )


@login_required
def person_sessions_end(request, pk):
    """Sign out everywhere: a person their other devices (a phone left in a village office),
    the security administrator a person of their township (county-level: of the county) on
    every device (a lost phone, a suspected account).  Nobody else."""
    from township.security import sessions_end

    if pk != request.user.pk and not request.user.has_role(Role.SECURITY_ADMIN):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if pk == request.user.pk:
        n = sessions_end(user=request.user, actor=request.user, keep=request.session.session_key)
        messages.success(request, _("Signed out on %(n)d other devices.") % {"n": n})
        return redirect("person_detail", pk=pk)
    person = person_managed_get(user=request.user, pk=pk)
    n = sessions_end(user=person, actor=request.user)
    messages.success(request, _("%(n)d sessions ended.") % {"n": n})
    return redirect("person_detail", pk=person.pk)


# --- policy settings -----------------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR, Role.INSPECTOR)
def policy_settings(request):
    user = request.user
    township = user.township
    year = year_param(request.GET)
    groups = grouped_definitions()
    all_keys = [d.key for defs in groups.values() for d in defs]
    errors = {}
    if request.method == "POST":
        if not user.has_role(Role.ADMINISTRATOR):
            raise PermissionDenied
        key = request.POST.get("key", "")
        try:
            definition(key)
            policy_set(
                actor=user,
                key=key,
                year=year_param(request.POST, default=year),
                value=request.POST.get("value", ""),
                township=township,
                county=user.county,
                reason=request.POST.get("reason", ""),
            )
        except KeyError:
            errors[key] = [_("Unknown setting.")]
        except ValidationError as exc:
            errors[key] = exc.messages
        else:
            messages.success(request, _("Setting saved; it applies from now on."))
            return redirect(f"{request.path}?year={year}#{key}")
    current = policies(all_keys, township=township, on=dt.date(year, 12, 31)) if township else {}
    history = policy_history(county_id=user.county_id, township_id=user.township_id, year=year)
    rows = [
        (
            rule_id,
            [
                {
                    "d": d,
                    "value": d.to_json(current.get(d.key, d.default)),
                    "errors": errors.get(d.key),
                    "history": history.get(d.key, []),
                }
                for d in defs
            ],
        )
        for rule_id, defs in groups.items()
    ]
    return render(
        request,
        "township/policy_settings.html",
        {
            "rows": rows,
            "year": year,
            "years": range(year - 2, year + 2),
            "can_edit": user.has_role(Role.ADMINISTRATOR),
        },
    )


# --- work calendar -------------------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
def work_calendar(request):
    user = request.user
    year = year_param(request.GET)
    if request.method == "POST" and request.POST.get("remove"):
        row = get_or_404(
            CalendarOverride.objects.filter(county_id=user.county_id, township_id=user.township_id),
            pk=request.POST["remove"],
        )
        try:
            calendar_override_remove(actor=user, override_id=row.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Calendar updated."))
        return redirect(f"{request.path}?year={row.date.year}")
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_override_set(
                actor=user,
                county_id=user.county_id,
                township=user.township,
                date=form.cleaned_data["date"],
                is_working_day=form.cleaned_data["is_working_day"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Calendar updated."))
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    work = set(working_days(start, end, township=user.township))
    months = []
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        last = (dt.date(year + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
        days = []
        d = first
        while d <= last:
            days.append(
                {"date": d, "working": d in work, "holiday": holiday_label(d), "weekend": d.weekday() >= 5}
            )
            d += dt.timedelta(days=1)
        months.append(
            {
                "first": first,
                "lead": range(first.weekday()),
                "days": days,
                "count": sum(1 for x in days if x["working"]),
            }
        )
    overrides = CalendarOverride.objects.filter(county=user.county, date__year=year).select_related(
        "township"
    )
    return render(
        request,
        "township/work_calendar.html",
        {
            "form": form,
            "year": year,
            "months": months,
            "overrides": overrides,
            "unsupported": unsupported_years([year]),
            "total": len(work),
        },
    )


# --- roster import -------------------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
def roster_import(request):
    from township.imports import import_flow, run_import
    from township.resources import RESOURCES

    kind = request.POST.get("kind") or request.GET.get("kind") or "people"
    if kind not in RESOURCES:
        kind = "people"
    resource = RESOURCES[kind](actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    flow = import_flow(request, form, lambda dataset, dry_run: run_import(resource, dataset, dry_run=dry_run))
    if flow.done:
        messages.success(request, _("Imported %(n)d rows.") % {"n": flow.outcome.total})
        return redirect(f"{request.path}?kind={kind}")
    outcome, token = flow.outcome, flow.token
    if request.GET.get("export"):
        from township.exports import dataset_response

        titles = {
            "people": pgettext("file name", "people"),
            "departments": pgettext("file name", "departments"),
            "villages": pgettext("file name", "villages"),
        }
        ext = "csv" if request.GET["export"] == "csv" else "xlsx"
        return dataset_response(resource.export(), export_filename(titles[kind], ext=ext))
    return render(
        request,
        "township/roster_import.html",
        {"form": form, "outcome": outcome, "token": token, "kind": kind, "kinds": list(RESOURCES)},
    )


# --- notifications -------------------------------------------------------------------------------


@login_required
def notification_list(request):
    qs = request.user.notifications.all()
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notification_list")
    return render(request, "township/notification_list.html", {"page_obj": paginate(request, qs)})


# --- health --------------------------------------------------------------------------------------


def healthz(request):
    """200 when the database, Redis and a worker answer, else 503.  The public gets only
    {"status": ...}; the components' detail (which may name an exception) goes to monitoring
    with the X-Healthz-Token header (settings.HEALTHZ_TOKEN) and to signed-in administrators."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils.crypto import constant_time_compare

    from township.celery import app

    status = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, don't crash
        status["database"] = f"down: {exc.__class__.__name__}"
    try:
        if hasattr(cache, "ping"):
            cache.ping()  # the resilient cache swallows errors; ask Redis itself
        cache.set("healthz", "1", 5)
        status["redis"] = "ok" if cache.get("healthz") == "1" else "down"
    except Exception as exc:  # noqa: BLE001
        status["redis"] = f"down: {exc.__class__.__name__}"
    if app.conf.task_always_eager:
        # Tasks run in the web process itself (tests, a single-process demo): no worker to ask.
        status["worker"] = "ok"
    elif status["redis"] == "ok":
        try:
            replies = app.control.ping(timeout=1.0)
            status["worker"] = "ok" if replies else "down: no worker answered"
        except Exception as exc:  # noqa: BLE001
            status["worker"] = f"down: {exc.__class__.__name__}"
    else:
        status["worker"] = "unknown: redis down"
    healthy = all(v == "ok" for v in status.values())
    token = settings.HEALTHZ_TOKEN
    user = request.user
    detail = (token and constant_time_compare(request.headers.get("X-Healthz-Token", ""), token)) or (
        user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))
    )
    body = {"status": "ok" if healthy else "degraded", **(status if detail else {})}
    return JsonResponse(body, status=200 if healthy else 503)
