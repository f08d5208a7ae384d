"""Thin views: form -> selector/service -> render/redirect."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fieldwork import selectors, services
from fieldwork.forms import (
    AssistanceForm,
    FollowUpCloseForm,
    FollowUpFilterForm,
    HouseholdForm,
    PairingForm,
    QuotaFilterForm,
    ReportFilterForm,
    ReportForm,
    TopicForm,
    VisitFilterForm,
    VisitForm,
)
from fieldwork.models import FollowUpStatus, PoorHousehold
from township.exports import export_filename, xlsx_response
from township.models import Category, Township, User, Village
from township.scoping import get_or_404
from township.selectors import department_list_for
from township.uploads import upload_response
from township.views import paginate, role_required


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _on(year: int) -> dt.date:
    today = timezone.localdate()
    return today if year == today.year else dt.date(year, 12, 31)


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    row = None
    if user.township_id:
        rows = selectors.quota_rows(User.objects.filter(pk=user.pk), year=today.year, on=today)
        row = rows[0] if rows else None
    recent = selectors.visit_list_for(user=user).filter(person=user)[:5]
    follow_ups = (
        selectors.follow_up_list_for(user=user)
        .filter(owner=user, status=FollowUpStatus.OPEN)
        .order_by("due_on")[:5]
    )
    return render(
        request,
        "fieldwork/index.html",
        {
            "row": row,
            "recent": recent,
            "follow_ups": follow_ups,
            "today": today,
            "can_see_quota_table": user.has_role(*selectors.QUOTA_READERS),
            "can_manage": user.has_role(*selectors.MANAGERS),
        },
    )


# --- visits ----------------------------------------------------------------------------------


@login_required
def visit_create(request):
    user = request.user
    if user.township_id is None:
        raise PermissionDenied
    villages = selectors.village_list_for(user=user).filter(township_id=user.township_id)
    form = VisitForm(request.POST or None, request.FILES or None, user=user, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_log(actor=user, **form.visit_log_kwargs())
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(
                request,
                _("Visit to %(village)s on %(date)s logged.")
                % {"village": visit.village, "date": visit.date.strftime("%Y-%m-%d")},
            )
            return redirect("fieldwork:visit_detail", pk=visit.pk)
    return render(request, "fieldwork/visit_form.html", {"form": form})


VISIT_SORTS = {
    "date": ("date", "pk"),
    "-date": ("-date", "-pk"),
    "person": ("person__full_name", "-date"),
    "village": ("village__name", "-date"),
}


@login_required
def visit_list(request):
    user = request.user
    villages = selectors.village_list_for(user=user)
    form = VisitFilterForm(request.GET or None, villages=villages)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.visit_list_for(user=user)
    if f.get("q"):
        qs = qs.filter(Q(person__full_name__icontains=f["q"]) | Q(person__employee_no__icontains=f["q"]))
    if f.get("village"):
        qs = qs.filter(village=f["village"])
    if f.get("purpose"):
        qs = qs.filter(purposes__contains=[f["purpose"]])
    if f.get("transport"):
        qs = qs.filter(transport=f["transport"])
    if f.get("date_from"):
        qs = qs.filter(date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(date__lte=f["date_to"])
    sort = request.GET.get("sort", "-date")
    qs = qs.order_by(*VISIT_SORTS.get(sort, VISIT_SORTS["-date"]))
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                v.date,
                v.get_part_display(),
                str(v.person),
                str(v.village),
                "、".join(str(p) for p in v.purpose_labels),
                v.get_transport_display(),
                v.vehicle_use_ref,
                v.get_meal_display(),
                v.people_met,
                v.summary,
            ]
            for v in qs[:20000]
        ]
        headers = [
            _("Date"),
            _("Half or full day"),
            _("Cadre"),
            _("Village"),
            _("Purposes"),
            _("Transport"),
            _("Vehicle use record"),
            _("Meals"),
            _("People met"),
            _("What was done"),
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "village visits"), ext="xlsx"), headers, rows
        )
    return render(
        request, "fieldwork/visit_list.html", {"form": form, "page_obj": paginate(request, qs), "sort": sort}
    )


@login_required
def visit_detail(request, pk):
    visit = selectors.visit_get_for(user=request.user, pk=pk)
    from township.history import history_for
    from township.offline import offline_record_of

    return render(
        request,
        "fieldwork/visit_detail.html",
        {
            "visit": visit,
            "offline": offline_record_of(visit),  # recorded on a phone without signal: when it was taken
            "can_delete": visit.person_id == request.user.pk,
            "history": history_for(visit),
        },
    )


@login_required
@require_POST
def visit_delete(request, pk):
    visit = selectors.visit_get_for(user=request.user, pk=pk)
    try:
        services.visit_delete(actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(visit)
    messages.success(request, _("Visit withdrawn."))
    return redirect("fieldwork:visit_list")


@login_required
def photo(request, pk):
    """Photos are served only to those who may see the visit."""
    from fieldwork.models import VisitPhoto

    item = get_object_or_404(VisitPhoto.objects.select_related("visit"), pk=pk)
    selectors.visit_get_for(user=request.user, pk=item.visit_id)
    return upload_response(
        item.image,
        filename=export_filename(
            pgettext("file name", "village visit photo"), item.visit.date, item.pk, ext=None
        ),
    )


# --- follow-ups ------------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    user = request.user
    form = FollowUpFilterForm(request.GET or None, villages=selectors.village_list_for(user=user))
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.follow_up_list_for(user=user)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("mine"):
        qs = qs.filter(owner=user)
    if f.get("overdue"):
        qs = qs.filter(status=FollowUpStatus.OPEN, due_on__lt=timezone.localdate())
    if f.get("village"):
        qs = qs.filter(village=f["village"])
    sort = request.GET.get("sort", "due_on")
    qs = qs.order_by(
        *{"due_on": ("-status", "due_on", "pk"), "-created": ("-created_at",)}.get(sort, ("due_on",))
    )
    if request.GET.get("export") == "xlsx":
        rows = [
            [i.village.name, i.problem, str(i.owner), i.due_on, i.get_status_display(), i.outcome]
            for i in qs[:20000]
        ]
        headers = [
            _("Village"),
            _("Problem raised"),
            _("Owner"),
            _("Due on"),
            _("Status"),
            _("What was done"),
        ]
        return xlsx_response(export_filename(pgettext("file name", "follow-ups"), ext="xlsx"), headers, rows)
    return render(
        request,
        "fieldwork/follow_up_list.html",
        {"form": form, "page_obj": paginate(request, qs), "today": timezone.localdate()},
    )


@login_required
def follow_up_detail(request, pk):
    item = selectors.follow_up_get_for(user=request.user, pk=pk)
    form = FollowUpCloseForm(request.POST or None)
    can_close = item.status == FollowUpStatus.OPEN and services.follow_up_can_close(
        actor=request.user, item=item
    )
    if request.method == "POST":
        if not can_close:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.follow_up_close(
                    actor=request.user, item_id=item.pk, outcome=form.cleaned_data["outcome"]
                )
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Follow-up closed."))
                return redirect(item)
    from township.history import history_for

    return render(
        request,
        "fieldwork/follow_up_detail.html",
        {"item": item, "form": form, "can_close": can_close, "history": history_for(item)},
    )


# --- quotas ----------------------------------------------------------------------------------

QUOTA_SORTS = {
    "behind": lambda r: (-r.behind, r.person.full_name),
    "days": lambda r: (r.days, r.person.full_name),
    "name": lambda r: (r.person.full_name,),
}


@login_required
def quota(request):
    """R-FLD-1/2/3/6: everyone's progress against the pro-rated line, furthest behind first."""
    user = request.user
    if not user.has_role(*selectors.QUOTA_READERS):
        return redirect("fieldwork:progress", pk=user.pk)
    departments = department_list_for(user=user)
    form = QuotaFilterForm(
        request.GET or None, departments=departments, initial={"year": timezone.localdate().year}
    )
    f = form.cleaned_data if form.is_valid() else {}
    year = f.get("year") or timezone.localdate().year
    on = _on(year)
    people = selectors.quota_people_for(user=user)
    if f.get("category"):
        people = people.filter(category=f["category"])
    if f.get("department"):
        people = people.filter(department_id=f["department"])
    rows = selectors.quota_rows(people, year=year, on=on)
    if f.get("behind"):
        rows = [r for r in rows if r.is_behind]
    sort = f.get("sort") or "behind"
    rows.sort(key=QUOTA_SORTS.get(sort, QUOTA_SORTS["behind"]))
    if request.GET.get("export") == "xlsx":
        data = [
            [
                r.person.employee_no,
                r.person.full_name,
                str(r.person.department or ""),
                r.person.get_category_display(),
                r.days,
                r.due,
                r.target,
                r.topics,
                r.topics_target,
                r.reports,
                r.reports_target,
                r.pairings,
                r.pairings_target,
            ]
            for r in rows
        ]
        headers = [
            _("Employee number"),
            _("Full name"),
            _("Department"),
            _("Cadre category"),
            _("Village days"),
            _("Due by today"),
            _("Year's target"),
            _("Key topics"),
            _("Topics target"),
            _("Reports"),
            _("Reports target"),
            _("Households paired"),
            _("Pairing target"),
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "village days"), year, ext="xlsx"), headers, data
        )
    chart = selectors.quota_chart(people, year=year, on=on)
    return render(
        request,
        "fieldwork/quota.html",
        {
            "form": form,
            "page_obj": paginate(request, rows, 30),
            "year": year,
            "on": on,
            "chart": json.dumps(chart),
            "behind_count": sum(1 for r in rows if r.is_behind),
            "total": len(rows),
        },
    )


@login_required
def progress(request, pk):
    user = request.user
    year = _year(request)
    on = _on(year)
    people = selectors.quota_people_for(user=user).filter(pk=pk)
    rows = selectors.quota_rows(people, year=year, on=on)
    if not rows:
        raise Http404
    row = rows[0]
    visits = selectors.visit_list_for(user=user).filter(person_id=pk, date__year=year)
    by_month = [0.0] * 12
    for v in visits.values("date", "days"):
        by_month[v["date"].month - 1] += float(v["days"])
    line = [round(float(row.target) * m / 12, 1) for m in range(1, 13)]
    cumulative, total = [], 0.0
    for v in by_month:
        total += v
        cumulative.append(total)
    chart = {
        "type": "line",
        "data": {
            "labels": [str(m) for m in range(1, 13)],
            "datasets": [
                {"label": _("Village days so far"), "data": cumulative, "borderColor": "#b71c1c"},
                {
                    "label": _("Pro-rated target"),
                    "data": line,
                    "borderColor": "#6c757d",
                    "borderDash": [4, 4],
                },
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }
    return render(
        request,
        "fieldwork/progress.html",
        {
            "row": row,
            "year": year,
            "on": on,
            "years": range(timezone.localdate().year - 2, timezone.localdate().year + 1),
            "chart": json.dumps(chart),
            "page_obj": paginate(request, visits, 20),
        },
    )


# --- villages ----------------------------------------------------------------------------------


@login_required
def village_list(request):
    user = request.user
    today = timezone.localdate()
    qs = (
        selectors.village_list_for(user=user)
        .select_related("township")
        .annotate(
            n_cadres=Count("cadres", filter=Q(cadres__is_active=True), distinct=True),
            n_open=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.OPEN), distinct=True),
            n_visits=Count("visits", filter=Q(visits__date__year=today.year), distinct=True),
        )
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    sort = request.GET.get("sort", "name")
    qs = qs.order_by({"name": "name", "visits": "n_visits", "open": "-n_open"}.get(sort, "name"))
    if request.GET.get("export") == "xlsx":
        rows = [[v.name, v.get_kind_display(), v.n_cadres, v.n_visits, v.n_open] for v in qs]
        headers = [_("Village"), _("Kind"), _("Cadres"), _("Visits this year"), _("Open follow-ups")]
        return xlsx_response(export_filename(pgettext("file name", "villages"), ext="xlsx"), headers, rows)
    return render(request, "fieldwork/village_list.html", {"page_obj": paginate(request, qs, 30), "q": q})


@login_required
def village_detail(request, pk):
    user = request.user
    village = selectors.village_get_for(user=user, pk=pk)
    follow_ups = village.follow_ups.select_related("owner").order_by("-status", "due_on")[:50]  # open first
    visits = selectors.visit_list_for(user=user).filter(village=village)[:20]
    households = village.poor_households.annotate(n_pairs=Count("pairings"))[:100]
    return render(
        request,
        "fieldwork/village_detail.html",
        {
            "village": village,
            "cadres": selectors.village_cadres(village),
            "follow_ups": follow_ups,
            "visits": visits,
            "households": households,
            "today": timezone.localdate(),
        },
    )


def public_township(request, township):
    """R-ORG-3: the villages of a township, for villagers (no login)."""
    town = get_object_or_404(Township, code=township)
    villages = Village.objects.filter(township=town).order_by("name")
    return render(request, "fieldwork/public_township.html", {"town": town, "villages": villages})


def public_village(request, township, village):
    """R-ORG-3: who covers a village and how to reach them (no login; nothing else personal)."""
    from township.hooks import ask

    v = get_object_or_404(Village.objects.select_related("township"), township__code=township, code=village)
    cadres = list(
        v.cadres.filter(is_active=True)
        .only("full_name", "position", "mobile", "category")
        .order_by("category", "full_name")
    )
    reception_days = []
    for answer in ask("reception_days", township_id=v.township_id):
        reception_days.extend(answer or [])
    leaders = [c for c in cadres if c.category == Category.SECTION_LEADER]
    return render(
        request,
        "fieldwork/public_village.html",
        {"village": v, "cadres": cadres, "reception_days": reception_days, "leaders": leaders},
    )


# --- research ----------------------------------------------------------------------------------


@login_required
def topic_list(request):
    user = request.user
    year = _year(request)
    qs = selectors.topic_list_for(user=user).filter(year=year).annotate(n_reports=Count("reports"))
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(person=user)
    sort = request.GET.get("sort", "title")
    qs = qs.order_by(
        {"title": "title", "person": "person__full_name", "-created": "-created_at"}.get(sort, "title")
    )
    form = TopicForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_register(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Research topic registered."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    if request.GET.get("export") == "xlsx":
        rows = [[t.year, t.title, str(t.person), _("Yes") if t.is_key else "", t.n_reports] for t in qs]
        headers = [_("Year"), _("Topic"), _("Lead"), _("Key topic"), _("Reports")]
        return xlsx_response(
            export_filename(pgettext("file name", "research topics"), year, ext="xlsx"), headers, rows
        )
    this_year = timezone.localdate().year
    return render(
        request,
        "fieldwork/topic_list.html",
        {
            "page_obj": paginate(request, qs),
            "form": form,
            "year": year,
            "mine": mine,
            "years": range(this_year - 3, this_year + 2),
        },
    )


@login_required
def report_list(request):
    """The searchable archive of research reports and reflections."""
    user = request.user
    form = ReportFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.report_list_for(user=user)
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(body__icontains=q)
            | Q(topic__title__icontains=q)
            | Q(person__full_name__icontains=q)
        )
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    sort = request.GET.get("sort", "-submitted")
    qs = qs.order_by(
        *{
            "-submitted": ("-year", "-submitted_at", "-pk"),
            "title": ("title",),
            "person": ("person__full_name",),
        }.get(sort, ("-year", "-pk"))
    )
    if request.GET.get("export") == "xlsx":
        rows = [
            [r.year, r.title, r.get_kind_display(), str(r.person), str(r.topic or ""), r.get_status_display()]
            for r in qs[:20000]
        ]
        headers = [_("Year"), _("Title"), _("Kind"), _("Author"), _("Research topic"), _("Status")]
        return xlsx_response(
            export_filename(pgettext("file name", "research reports"), ext="xlsx"), headers, rows
        )
    return render(request, "fieldwork/report_list.html", {"form": form, "page_obj": paginate(request, qs)})


@login_required
def report_edit(request, pk=None):
    user = request.user
    report = None
    if pk is not None:
        report = selectors.report_get_for(user=user, pk=pk)
        if report.person_id != user.pk or not report.editable:
            raise PermissionDenied
    topics = selectors.topic_list_for(user=user).filter(year__gte=timezone.localdate().year - 1)
    initial = {}
    if report:
        initial = {"title": report.title, "kind": report.kind, "topic": report.topic_id, "body": report.body}
    elif request.GET.get("topic", "").isdigit():
        initial = {"topic": int(request.GET["topic"])}
    form = ReportForm(request.POST or None, request.FILES or None, topics=topics, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(actor=user, report=report, **form.cleaned_data)
            if "submit" in request.POST:
                services.report_submit(actor=user, report_id=report.pk)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(
                request,
                _("Report sent for review.") if "submit" in request.POST else _("Report saved as a draft."),
            )
            return redirect("fieldwork:report_detail", pk=report.pk)
    return render(request, "fieldwork/report_form.html", {"form": form, "report": report})


@login_required
def report_detail(request, pk):
    from township.approvals import approvals_for_target
    from township.history import history_for

    user = request.user
    report = selectors.report_get_for(user=user, pk=pk)
    if request.method == "POST" and "submit" in request.POST:
        try:
            services.report_submit(actor=user, report_id=report.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Report sent for review."))
        return redirect(report)
    approvals = list(approvals_for_target(report))
    pending = next((a for a in approvals if a.status == "pending"), None)
    return render(
        request,
        "fieldwork/report_detail.html",
        {
            "report": report,
            "is_author": report.person_id == user.pk,
            "pending": pending,
            "approvals": approvals,
            "history": history_for(report),
        },
    )


@login_required
def report_file(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    return upload_response(report.file, filename=export_filename(report.title, report.year, ext=None))


# --- households --------------------------------------------------------------------------------


@login_required
def household_list(request):
    user = request.user
    year = _year(request)
    qs = selectors.household_list_for(user=user).annotate(
        n_pairs=Count("pairings", filter=Q(pairings__year=year), distinct=True),
        n_help=Count("assistance", filter=Q(assistance__date__year=year), distinct=True),
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(head_name__icontains=q) | Q(household_no__icontains=q))
    village = request.GET.get("village", "")
    if village.isdigit():
        qs = qs.filter(village_id=int(village))
    if request.GET.get("unpaired") == "1":
        qs = qs.filter(n_pairs=0)
    sort = request.GET.get("sort", "village")
    qs = qs.order_by(
        *{
            "village": ("village__name", "household_no"),
            "no": ("household_no",),
            "pairs": ("n_pairs", "household_no"),
        }.get(sort, ("village__name",))
    )
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                h.village.name,
                h.household_no,
                h.head_name,
                h.members,
                h.cause,
                h.get_status_display(),
                h.n_pairs,
            ]
            for h in qs
        ]
        # The register columns keep the import's names, so an export can be imported again.
        headers = [
            "village",
            "household_no",
            "head_name",
            "members",
            "cause",
            _("Status"),
            _("Paired cadres"),
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "poor households"), ext="xlsx"), headers, rows
        )
    return render(
        request,
        "fieldwork/household_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "village": village,
            "villages": selectors.village_list_for(user=user),
            "year": year,
            "can_manage": user.has_role(*selectors.MANAGERS),
        },
    )


@role_required(*selectors.MANAGERS)
def household_edit(request, pk=None):
    user = request.user
    household = (
        selectors.household_get_for(user=user, pk=pk) if pk else PoorHousehold(township_id=user.township_id)
    )
    villages = selectors.village_list_for(user=user).filter(township_id=user.township_id)
    form = HouseholdForm(request.POST or None, instance=household, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_save(actor=user, household=form.instance)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect(household)
    return render(request, "fieldwork/household_form.html", {"form": form, "household": household})


@login_required
def household_detail(request, pk):
    user = request.user
    household = selectors.household_get_for(user=user, pk=pk)
    can_manage = user.has_role(*selectors.MANAGERS)
    pair_form = PairingForm(
        request.POST if "pair" in request.POST else None, township_id=household.township_id
    )
    help_form = AssistanceForm(request.POST if "assist" in request.POST else None)
    if request.method == "POST":
        try:
            if "pair" in request.POST and pair_form.is_valid():
                services.pairing_create(actor=user, household=household, **pair_form.cleaned_data)
                messages.success(request, _("Cadre paired with the household."))
                return redirect(household)
            if "unpair" in request.POST:
                pairing = get_or_404(household.pairings.all(), pk=request.POST.get("unpair"))
                services.pairing_end(actor=user, pairing=pairing)
                messages.success(request, _("Pairing removed."))
                return redirect(household)
            if "assist" in request.POST and help_form.is_valid():
                services.assistance_record(actor=user, household=household, **help_form.cleaned_data)
                messages.success(request, _("Assistance recorded."))
                return redirect(household)
        except ValidationError as exc:
            target = pair_form if "pair" in request.POST else help_form
            if "unpair" in request.POST:
                messages.error(request, " ".join(exc.messages))
                return redirect(household)
            target.add_error_from(exc)
    year = timezone.localdate().year
    pairings = household.pairings.select_related("cadre").order_by("-year")
    is_paired = any(p.cadre_id == user.pk and p.year == year for p in pairings)
    from township.history import history_for

    return render(
        request,
        "fieldwork/household_detail.html",
        {
            "household": household,
            "pairings": pairings,
            "assistance": household.assistance.select_related("person")[:50],
            "pair_form": pair_form,
            "help_form": help_form,
            "can_manage": can_manage,
            "can_assist": can_manage or is_paired,
            "history": history_for(household),
        },
    )


@role_required(*selectors.MANAGERS)
def household_import(request):
    from fieldwork.resources import HouseholdResource
    from township.forms import ImportForm
    from township.imports import import_flow, run_import

    resource = HouseholdResource(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    flow = import_flow(request, form, lambda dataset, dry_run: run_import(resource, dataset, dry_run=dry_run))
    if flow.done:
        messages.success(request, _("Imported %(n)d households.") % {"n": flow.outcome.total})
        return redirect("fieldwork:household_list")
    outcome, token = flow.outcome, flow.token
    if request.GET.get("template") == "xlsx":
        headers = ["village", "household_no", "head_name", "members", "cause", "note"]
        return xlsx_response(
            export_filename(pgettext("file name", "poor households import template"), ext="xlsx"), headers, []
        )
    return render(
        request, "fieldwork/household_import.html", {"form": form, "outcome": outcome, "token": token}
    )
