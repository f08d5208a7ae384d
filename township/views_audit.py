"""The security auditor's pages (安全审计员, 三员分立): the security log and the role grants, with
filters, pages and an Excel export, and whether the tamper-evident chains are intact.  Only the
security auditor opens them (the system and security administrators get 403); every export is
itself a security-log event."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from township.audit import chains_verify, security_event_record
from township.exports import xlsx_response
from township.forms import AuditLogFilterForm
from township.models import Role, SecurityEvent
from township.scoping import reads_many_townships
from township.selectors import audit_trail_for, people_names, role_grant_list_for, security_event_list_for
from township.views import paginate, role_required

EXPORT_LIMIT = 20000


def _filters(form) -> dict:
    return form.cleaned_data if form.is_valid() else {}


def _exported(request, name: str, rows: int):
    security_event_record(kind="exported", user=request.user, request=request, log=name, rows=rows)


@role_required(Role.SECURITY_AUDITOR)
def security_log(request):
    form = AuditLogFilterForm(request.GET or None, kinds=SecurityEvent.Kind.choices)
    f = _filters(form)
    qs = security_event_list_for(
        user=request.user,
        kind=f.get("kind") or "",
        person=f.get("person") or "",
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
    )
    if request.GET.get("export") == "xlsx":
        events = list(qs[:EXPORT_LIMIT])
        names = people_names(e.person_id for e in events)
        rows = [
            [
                timezone.localtime(e.at),
                e.get_kind_display(),
                e.username,
                names.get(e.person_id, ""),
                e.ip or "",
                e.method,
                e.path,
                e.status,
                e.text,
            ]
            for e in events
        ]
        _exported(request, "security_log", len(rows))
        headers = [
            _("When"),
            _("Event"),
            _("User name"),
            _("Full name"),
            _("IP address"),
            _("Method"),
            _("Path"),
            _("Status"),
            _("Detail"),
        ]
        return xlsx_response("security-log.xlsx", headers, rows)
    page = paginate(request, qs, 50)
    names = people_names(e.person_id for e in page)
    for e in page:
        e.full_name = names.get(e.person_id, "")
    return render(
        request,
        "township/audit/security_log.html",
        {
            "form": form,
            "page_obj": page,
            "chains": chains_verify(),
            "many_townships": reads_many_townships(request.user),
        },
    )


@role_required(Role.SECURITY_AUDITOR)
def role_grant_list(request):
    form = AuditLogFilterForm(request.GET or None)
    f = _filters(form)
    qs = role_grant_list_for(
        user=request.user,
        person=f.get("person") or "",
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
    )
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                timezone.localtime(g.at),
                str(g.person),
                g.person.username,
                g.get_action_display(),
                g.role_label,
                str(g.actor or _("the system")),
            ]
            for g in qs[:EXPORT_LIMIT]
        ]
        _exported(request, "role_grants", len(rows))
        headers = [_("When"), _("Person"), _("User name"), _("Action"), _("Role"), _("By")]
        return xlsx_response("role-grants.xlsx", headers, rows)
    return render(
        request,
        "township/audit/role_grants.html",
        {"form": form, "page_obj": paginate(request, qs, 50), "chains": chains_verify()},
    )


def _model_label(label: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@role_required(Role.SECURITY_AUDITOR)
def audit_trail(request):
    """Every change of every tracked record (django-pghistory), by whom and which fields."""
    form = AuditLogFilterForm(request.GET or None)
    f = _filters(form)
    qs = audit_trail_for(
        user=request.user,
        person=f.get("person") or "",
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
    )
    export = request.GET.get("export") == "xlsx"
    events = list(qs[:EXPORT_LIMIT]) if export else None
    page = None if export else paginate(request, qs, 50)
    shown = events if export else list(page)
    names = people_names((e.pgh_context or {}).get("user") for e in shown if isinstance(e.pgh_context, dict))
    for e in shown:
        ctx = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        e.actor = names.get(ctx.get("user"), "")
        e.model_label = _model_label(e.pgh_obj_model)
        e.fields = ", ".join(sorted(e.pgh_diff)) if isinstance(e.pgh_diff, dict) else ""
    if export:
        rows = [
            [
                timezone.localtime(e.pgh_created_at),
                e.actor,
                e.model_label,
                e.pgh_obj_id,
                e.pgh_label,
                e.fields,
            ]
            for e in events
        ]
        _exported(request, "audit_trail", len(rows))
        headers = [_("When"), _("By"), _("Record"), _("Record id"), _("Event"), _("Fields changed")]
        return xlsx_response("audit-trail.xlsx", headers, rows)
    return render(request, "township/audit/audit_trail.html", {"form": form, "page_obj": page})
