"""Supervision pages: the inspectors' dashboard, findings triage, violations, spot checks,
appraisal reports (HTML, PDF, xlsx) with progress, indicators, surveys."""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from township import crosschecks, supervision
from township.appraisal import (
    DESCRIPTIONS,
    appraisal_publish,
    indicator_set,
    indicators_for,
    period_bounds,
    previous_ranks,
)
from township.comparison import comparison_chart, township_comparison
from township.exports import export_filename
from township.forms_supervision import (
    CrosscheckFilterForm,
    CrosscheckRunForm,
    IndicatorForm,
    RatingForm,
    SpotCheckForm,
    ViolationForm,
)
from township.hooks import ask
from township.models import Finding, FindingStatus, Role
from township.models.supervision import (
    AppraisalReport,
    Handling,
    Indicator,
    Period,
    ReportStatus,
    SpotCheck,
    SurveyRound,
    Violation,
)
from township.progress import progress_set, progress_status
from township.scoping import (
    get_or_404,
    reads_many_townships,
    township_choice,
    township_ids_for,
    township_picker,
    townships_for,
)
from township.selectors import department_list_for, department_options, finding_list_for
from township.tasks import _progress_key, compute_appraisal, crosscheck_progress_key, crosscheck_township
from township.views import paginate, role_required, year_param

SUPERVISORS = (Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER)


def _period_filter(request):
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, end


@role_required(*SUPERVISORS)
def dashboard(request):
    user = request.user
    start, end = _period_filter(request)
    dept = request.GET.get("department")
    dept_id = int(dept) if dept and dept.isdigit() else None
    townships = township_ids_for(user)
    # A county-level reader sees the county, or one township when drilling down (?township=).
    chosen = township_choice(request)
    if user.township_id is None and chosen is not None and request.GET.get("township") == str(chosen.pk):
        townships = [chosen.pk]
    many = len(townships) > 1
    findings = Finding.objects.filter(township_id__in=townships, on_date__range=(start, end))
    if dept_id:
        findings = findings.filter(department_id=dept_id)
    open_by_rule = list(
        findings.filter(status=FindingStatus.OPEN)
        .values_list("rule_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    open_by_dept = [
        # Two townships may each have a 党政办: name the township when there are several.
        (f"{township} · {name}" if many and name else name, pk, n)
        for name, pk, township, n in findings.filter(status=FindingStatus.OPEN)
        .values_list("department__name", "department_id", "township__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    ]
    trend_rows = (
        findings.filter(rule_id__in=["R-ATT-2", "R-ATT-3"])
        .annotate(m=TruncMonth("on_date"))
        .values_list("m", "rule_id")
        .annotate(n=Count("pk"))
        .order_by("m")
    )
    months = sorted({m for m, _r, _n in trend_rows})
    series = {"R-ATT-2": {}, "R-ATT-3": {}}
    for m, rule, n in trend_rows:
        series[rule][m] = n
    trend_chart = {
        "type": "line",
        "data": {
            "labels": [m.strftime("%Y-%m") for m in months],
            "datasets": [
                {
                    "label": _("Late or early (R-ATT-2)"),
                    "data": [series["R-ATT-2"].get(m, 0) for m in months],
                },
                {"label": _("Absent (R-ATT-3)"), "data": [series["R-ATT-3"].get(m, 0) for m in months]},
            ],
        },
    }
    rule_chart = {
        "type": "bar",
        "data": {
            "labels": [r for r, _n in open_by_rule[:15]],
            "datasets": [{"label": _("Open findings"), "data": [n for _r, n in open_by_rule[:15]]}],
        },
        "options": {"indexAxis": "y"},
    }
    widgets = {}
    if chosen is not None:
        # The apps answer one township at a time: a county-level reader gets the chosen one's.
        # The apps' figures change slowly; a minute's cache keeps the page fast for a room of
        # inspectors opening it together (a cache that is down just recomputes).
        key = f"dashboard-widgets:{chosen.pk}:{start}:{end}:{translation.get_language()}"
        widgets = cache.get(key)
        if widgets is None:
            widgets = _app_widgets(user, start, end, township_id=chosen.pk)
            cache.set(key, widgets, 60)
    comparison = township_comparison(user=user, start=start, end=end)
    if comparison is not None and request.GET.get("export") == "comparison":
        from township.exports import xlsx_response

        headers = [
            _("Township"),
            *comparison["groups"],
            _("Open findings"),
            _("Village days against the pro-rated quota (%)"),
            _("Petitions replied on time (%)"),
            _("Average appraisal score"),
        ]
        rows = [
            [
                r["township"].name,
                *r["open"],
                r["open_total"],
                r["village_days"],
                r["petitions_on_time"],
                r["average_score"],
            ]
            for r in comparison["rows"]
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "township comparison"), ext="xlsx"), headers, rows
        )
    latest = (
        AppraisalReport.objects.filter(township_id__in=townships)
        .select_related("township")
        .order_by("-year", "-number", "-version")
        .first()
    )
    top = list(latest.scores.select_related("person", "department")[:10]) if latest else []
    if request.GET.get("export") == "xlsx":
        from township.exports import xlsx_response

        rows = [[_("Open findings by rule"), r, n] for r, n in open_by_rule]
        rows += [[_("Open findings by department"), d or "—", n] for d, _i, n in open_by_dept]
        for w in widgets.values():
            rows += [[str(w["title"]), str(k), str(v)] for k, v in w["rows"]]
        return xlsx_response(
            export_filename(pgettext("file name", "supervision dashboard"), ext="xlsx"),
            [_("Section"), _("Item"), _("Value")],
            rows,
        )
    return render(
        request,
        "township/supervision/dashboard.html",
        {
            "start": start,
            "end": end,
            "dept": dept,
            "department_options": department_options(user=user),
            "open_by_rule": open_by_rule,
            "open_by_dept": open_by_dept,
            "trend_chart": json.dumps(trend_chart),
            "rule_chart": json.dumps(rule_chart),
            "widgets": widgets,
            "latest": latest,
            "top": top,
            "job": _job_status(user),
            "current_quarter": str((timezone.localdate().month - 1) // 3 + 1),
            "comparison": comparison,
            "comparison_chart": json.dumps(comparison_chart(comparison)) if comparison else "",
            "widgets_township": chosen if user.township_id is None else None,
            **township_picker(request, chosen),
        },
    )


def _first(answers):
    return answers[0] if answers else None


def _app_widgets(user, start, end, township_id=None) -> dict:
    """The figures of every app for the dashboard, through the core's questions (each answer
    is computed set-based by its app); an app that is not installed simply has no widget."""
    from township.models import Category, User

    tid = township_id or user.township_id
    widgets = {}
    meetings = _first(ask("meeting_summary", township_id=tid, start=start, end=end))
    if meetings:
        months = meetings.get("months", [])
        labels = [m["month"].strftime("%Y-%m") for m in months]
        chart = {
            "type": "bar",
            "data": {
                "labels": labels,
                "datasets": [
                    {
                        "label": pgettext("dashboard", "Plenary"),
                        "data": [m["counts"].get("plenary", 0) for m in months],
                    },
                    {
                        "label": pgettext("dashboard", "Business"),
                        "data": [m["counts"].get("business", 0) for m in months],
                    },
                ],
            },
        }
        over = [m["month"].strftime("%Y-%m") for m in months if m.get("over")]
        widgets["meetings"] = {
            "title": _("Meetings against the caps"),
            "url": "meetings:figures",
            "chart": json.dumps(chart),
            "rows": [
                (pgettext("dashboard", "Months above a cap"), "、".join(over) or "—"),
                (pgettext("dashboard", "Cap overrides"), meetings.get("overrides", 0)),
                (pgettext("dashboard", "Refused requests"), meetings.get("refusals", 0)),
                (pgettext("dashboard", "Average length (minutes)"), meetings.get("average_minutes") or "—"),
            ],
        }
    field = _first(ask("fieldwork_summary", township_id=tid, year=end.year, on=end))
    if field:
        cats = dict(User.objects.filter(pk__in=list(field)).values_list("pk", "category"))
        sums: dict = {}
        for pk, row in field.items():
            c = sums.setdefault(cats.get(pk), [Decimal(0), Decimal(0), 0, 0])
            c[0] += Decimal(row.get("village_days") or 0)
            c[1] += Decimal(row.get("prorated_target") or 0)
            c[2] += 1
            c[3] += (
                1 if Decimal(row.get("village_days") or 0) < Decimal(row.get("prorated_target") or 0) else 0
            )
        labels = dict(Category.choices)
        order = [c for c in Category.values if c in sums]
        chart = {
            "type": "bar",
            "data": {
                "labels": [str(labels[c]) for c in order],
                "datasets": [
                    {
                        "label": pgettext("dashboard", "Average village days"),
                        "data": [float(sums[c][0] / sums[c][2]) for c in order],
                    },
                    {
                        "label": pgettext("dashboard", "Pro-rated quota"),
                        "data": [float(sums[c][1] / sums[c][2]) for c in order],
                    },
                ],
            },
        }
        widgets["fieldwork"] = {
            "title": _("Village days by category"),
            "url": "fieldwork:quota",
            "chart": json.dumps(chart),
            "rows": [
                (
                    labels[c],
                    _("%(behind)d of %(n)d behind the pro-rated line")
                    % {"behind": sums[c][3], "n": sums[c][2]},
                )
                for c in order
            ],
        }
    petitions = _first(ask("petition_summary", township_id=tid, start=start, end=end))
    if petitions:
        widgets["petitions"] = {
            "title": _("Petitions"),
            "url": "petitions:statistics",
            "rows": [
                (pgettext("dashboard", "Received"), petitions.get("received", 0)),
                (pgettext("dashboard", "Accepted"), petitions.get("accepted", 0)),
                (pgettext("dashboard", "Replied on time"), petitions.get("on_time", 0)),
                (pgettext("dashboard", "Overdue"), petitions.get("overdue", 0)),
                (pgettext("dashboard", "Satisfied"), petitions.get("satisfied", 0)),
            ],
        }
    spending = _first(ask("spending_summary", township_id=tid, year=end.year))
    if spending:
        cats = spending.get("categories", {})
        chart = {
            "type": "bar",
            "data": {
                "labels": [v.get("label", k) for k, v in cats.items()],
                "datasets": [
                    {
                        "label": pgettext("dashboard", "Budget"),
                        "data": [float(v["budget"]) for v in cats.values()],
                    },
                    {
                        "label": pgettext("dashboard", "Spent"),
                        "data": [float(v["spent"]) for v in cats.values()],
                    },
                ],
            },
        }
        three = spending.get("three_public", {})
        widgets["spending"] = {
            "title": _("Reception and spending against budget"),
            "url": "reception:budget",
            "chart": json.dumps(chart),
            "rows": [
                (_('"Three public" spent / budget'), f"{three.get('spent', 0)} / {three.get('budget', 0)}"),
                (
                    pgettext("dashboard", "Over budget"),
                    "、".join(cats[c].get("label", c) for c in spending.get("over_budget", [])) or "—",
                ),
            ],
        }
    return widgets


def _job_status(user):
    if not user.township_id:
        return None
    job = cache.get(f"appraisal-job:{user.township_id}")
    if not job:
        return None
    key = _progress_key(user.township_id, job["period"], job["year"], job["number"])
    return {**job, **progress_status(key, total=4)}


@require_POST
@role_required(Role.INSPECTOR, Role.ADMINISTRATOR)
def appraisal_start(request):
    user = request.user
    if not user.township_id:
        raise PermissionDenied
    period = request.POST.get("period", "quarter")
    year = year_param(request.POST, default=0)
    number = request.POST.get("number", "")
    number = int(number) if number.isdigit() and len(number) < 3 else 0
    try:
        if period not in Period.values or not year:
            raise ValidationError("")
        period_bounds(period, year, number)
    except ValidationError:
        messages.error(request, _("Choose the year and quarter."))
        return redirect("supervision_dashboard")
    key = _progress_key(user.township_id, period, year, number)
    try:
        cache.set(key, {"done": 0, "total": 4}, 3600)
        compute_appraisal.delay(user.township_id, year, number, period)
        cache.set(
            f"appraisal-job:{user.township_id}", {"period": period, "year": year, "number": number}, 3600
        )
    except Exception:  # broker or cache down: say so, never silently
        messages.error(
            request,
            _("The job queue is not reachable right now; nothing was started. Try again in a minute."),
        )
    else:
        messages.success(request, _("The appraisal is being computed; the bar below shows its progress."))
    return redirect("supervision_dashboard")


@role_required(*SUPERVISORS)
def appraisal_progress(request):
    job = _job_status(request.user)
    response = render(request, "township/supervision/progress.html", {"job": job})
    if request.htmx and (not job or job["finished"]):
        response.status_code = 286  # htmx: stop polling; the dashboard polls again after a new start
    return response


@role_required(*SUPERVISORS)
def appraisal_list(request):
    qs = AppraisalReport.objects.filter(township_id__in=township_ids_for(request.user)).select_related(
        "township"
    )
    return render(request, "township/supervision/appraisal_list.html", {"page_obj": paginate(request, qs)})


def _report_for(request, pk):
    qs = AppraisalReport.objects.filter(township_id__in=township_ids_for(request.user))
    return get_or_404(qs, pk=pk)


@role_required(*SUPERVISORS)
def appraisal_report(request, pk):
    report = _report_for(request, pk)
    if request.method == "POST":
        try:
            appraisal_publish(actor=request.user, report_id=report.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Published. The report is now frozen."))
        return redirect("appraisal_report", pk=report.pk)
    scores = list(report.scores.select_related("person", "department"))
    prev = previous_ranks(report)
    for s in scores:
        s.previous_rank = prev.get(s.person_id)
    depts = list(report.department_scores.select_related("department"))
    labels = dict(Indicator.choices)
    chart = {
        "type": "bar",
        "data": {
            "labels": [d.department.name for d in depts],
            "datasets": [{"label": _("Average score"), "data": [float(d.average) for d in depts]}],
        },
    }
    codes = [i["code"] for i in report.indicators]
    return render(
        request,
        "township/supervision/appraisal_report.html",
        {
            "report": report,
            "scores": scores,
            "depts": depts,
            "chart": json.dumps(chart),
            "codes": codes,
            "labels": [labels.get(c, c) for c in codes],
            "can_publish": report.status == ReportStatus.DRAFT
            and request.user.has_role(Role.INSPECTOR, Role.ADMINISTRATOR),
        },
    )


def _score_rows(report):
    labels = dict(Indicator.choices)
    codes = [i["code"] for i in report.indicators]
    header = [_("Rank"), _("Name"), _("Department"), _("Total")] + [str(labels.get(c, c)) for c in codes]
    rows = [
        [s.rank, s.person.full_name, s.department.name if s.department else "", _number(s.total)]
        + [_number(s.details.get(c, {}).get("score", "")) for c in codes]
        for s in report.scores.select_related("person", "department")
    ]
    return header, rows


def _number(value):
    """A score as a number Excel can sum (never the text "-0.00"); text such as "n/a" stays text."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return number + 0 if number.is_finite() else value  # + 0 turns -0.00 into 0.00


@role_required(*SUPERVISORS)
def appraisal_xlsx(request, pk):
    from township.exports import xlsx_response

    report = _report_for(request, pk)
    header, rows = _score_rows(report)
    name = export_filename(report, report.township.name, ext="xlsx")
    return xlsx_response(name, header, rows)


@role_required(*SUPERVISORS)
def appraisal_pdf(request, pk):
    from reportlab.lib.pagesizes import A4  # noqa: F401
    from reportlab.platypus import Paragraph, Spacer

    from township.pdf import build_pdf, pdf_response, styles, table

    report = _report_for(request, pk)
    header, rows = _score_rows(report)
    s = styles()
    intro = _("%(township)s, %(start)s to %(end)s, version %(v)s, %(status)s") % {
        "township": report.township.name,
        "start": report.start,
        "end": report.end,
        "v": report.version,
        "status": report.get_status_display(),
    }
    depts = [[_("Rank"), _("Department"), _("Average score"), _("People")]] + [
        [d.rank, d.department.name, str(d.average), d.people]
        for d in report.department_scores.select_related("department")
    ]
    content = build_pdf(
        str(report),
        [
            Paragraph(intro, s["body"]),
            Spacer(1, 8),
            Paragraph(_("Departments"), s["h2"]),
            table(depts),
            Spacer(1, 8),
            Paragraph(_("People"), s["h2"]),
            table([header[:4]] + [r[:4] for r in rows]),
        ],
    )
    return pdf_response(export_filename(report, report.township.name, ext="pdf"), content)


@role_required(*SUPERVISORS)
def triage(request):
    """Findings inbox: confirm as a violation or dismiss with a reason, one or many at once."""
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        if not ids:
            messages.error(request, _("Tick the findings to act on."))
        else:
            try:
                n = supervision.findings_triage_bulk(
                    actor=request.user, finding_ids=ids, action=action, reason=reason
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except Finding.DoesNotExist:
                raise Http404 from None
            else:
                messages.success(request, _("%(n)d findings triaged.") % {"n": n})
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith(("//", "/\\")):
        return redirect(nxt)
    return redirect(f"/findings/?{request.GET.urlencode()}")


@role_required(*SUPERVISORS, Role.LEADER_IN_CHARGE)
def violation_list(request):
    qs = Violation.objects.filter(township_id__in=township_ids_for(request.user)).select_related(
        "person", "department", "decided_by"
    )
    if h := request.GET.get("handling"):
        qs = qs.filter(handling=h)
    form = ViolationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if "decide" in request.POST:
            try:
                supervision.violation_decide(
                    actor=request.user,
                    violation_id=int(request.POST["decide"]),
                    handling=request.POST.get("handling", ""),
                )
            except (ValidationError, Violation.DoesNotExist, ValueError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Handling decided."))
            return redirect("violation_list")
        if form.is_valid():
            try:
                supervision.violation_record(
                    actor=request.user, township=request.user.township, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Violation recorded."))
                return redirect("violation_list")
    return render(
        request,
        "township/supervision/violation_list.html",
        {
            "page_obj": paginate(request, qs),
            "form": form,
            "handlings": Handling.choices[1:],
            "can_decide": request.user.has_role(Role.INSPECTOR, Role.PRINCIPAL_LEADER),
        },
    )


@role_required(*SUPERVISORS, Role.LEADER_IN_CHARGE)
def spot_check_list(request):
    qs = SpotCheck.objects.filter(township_id__in=township_ids_for(request.user)).select_related("checked_by")
    form = SpotCheckForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supervision.spot_check_record(
                actor=request.user,
                township=request.user.township,
                on_date=data["on_date"],
                scope=data["scope"],
                findings=data["findings"],
                people=data["people"],
                departments=data["departments"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Spot check recorded."))
            return redirect("spot_check_list")
    return render(
        request,
        "township/supervision/spot_check_list.html",
        {"page_obj": paginate(request, qs), "form": form},
    )


@role_required(Role.ADMINISTRATOR, Role.INSPECTOR)
def indicator_settings(request):
    user = request.user
    year = year_param(request.GET)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        if not user.has_role(Role.ADMINISTRATOR):
            raise PermissionDenied
        if form.is_valid():
            try:
                indicator_set(actor=user, county=user.county, year=year, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Indicator saved."))
                return redirect(f"{request.path}?year={year}")
    rows = [
        {"ind": i, "label": i.get_code_display(), "description": DESCRIPTIONS.get(i.code, "")}
        for i in indicators_for(county_id=user.county_id, year=year)
    ]
    total = sum((Decimal(r["ind"].weight) for r in rows), Decimal(0))
    return render(
        request,
        "township/supervision/indicators.html",
        {
            "rows": rows,
            "year": year,
            "form": form,
            "total": total,
            "can_edit": user.has_role(Role.ADMINISTRATOR),
        },
    )


@role_required(*SUPERVISORS)
def survey_list(request):
    user = request.user
    year = year_param(request.GET)
    rounds = SurveyRound.objects.filter(township_id__in=township_ids_for(user), year=year).annotate(
        n_ratings=Count("ratings")
    )
    form = RatingForm(request.POST or None, user=user, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supervision.survey_rating_enter(
                actor=user,
                township=user.township,
                year=year,
                round_name=data["round_name"],
                kind=data["kind"],
                score=data["score"],
                department=data.get("department"),
                person=data.get("person"),
                rater_group=data["rater_group"],
            )
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Rating saved."))
            return redirect(f"{request.path}?year={year}")
    ranking = (
        supervision.satisfaction_ranking(township_id=user.township_id, year=year) if user.township_id else []
    )
    names = {d.pk: d.name for d in department_list_for(user=user)}
    return render(
        request,
        "township/supervision/surveys.html",
        {
            "rounds": rounds,
            "form": form,
            "year": year,
            "ranking": [(names.get(d, d), avg, r) for d, avg, r in ranking],
            "can_close": user.has_role(*supervision.INSPECTORS),
        },
    )


@role_required(*supervision.INSPECTORS)
@require_POST
def survey_round_close(request, pk):
    rnd = get_or_404(SurveyRound.objects.filter(township_id__in=township_ids_for(request.user)), pk=pk)
    try:
        supervision.survey_round_close(actor=request.user, round_id=rnd.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round closed: its ratings count for the year's ranking."))
    return redirect(f"{reverse('survey_list')}?year={rnd.year}")


@role_required(*supervision.INSPECTORS)
@require_POST
def survey_round_reopen(request, pk):
    rnd = get_or_404(SurveyRound.objects.filter(township_id__in=township_ids_for(request.user)), pk=pk)
    try:
        supervision.survey_round_reopen(
            actor=request.user, round_id=rnd.pk, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round reopened: findings that rested on it are withdrawn."))
    return redirect(f"{reverse('survey_list')}?year={rnd.year}")


# --- cross-record checks (R-XCK-1..8) --------------------------------------------------------------


def _crosscheck_job(user):
    if not user.township_id:
        return None
    job = cache.get(f"crosscheck-job:{user.township_id}")
    if not job:
        return None
    key = crosscheck_progress_key(user.township_id, job["start"], job["end"])
    return {**job, **progress_status(key, total=job.get("months", 1))}


@role_required(*SUPERVISORS)
def crosscheck_list(request):
    """交叉比对: the cross-record findings with their two records side by side, triaged here as on
    the findings page; a chart of the findings by rule and month; an Excel export; a range run
    on demand with its progress."""
    user = request.user
    many = reads_many_townships(user)
    today = timezone.localdate()
    form = CrosscheckFilterForm(
        request.GET or None,
        rules=crosschecks.RULES,
        departments=department_options(user=user),
        townships=townships_for(user) if many else (),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    start = filters.get("date_from") or dt.date(today.year, 1, 1)
    end = filters.get("date_to") or today
    qs = finding_list_for(
        user=user,
        township=filters.get("township"),
        department=filters.get("department"),
        status=filters.get("status") or "",
        date_from=start,
        date_to=end,
    ).filter(rule_id__in=[filters["rule"]] if filters.get("rule") else crosschecks.RULES)
    qs = qs.order_by(*CrosscheckFilterForm.SORTS.get(filters.get("sort") or "-date", ("-on_date", "-pk")))
    if request.GET.get("export") == "xlsx":
        return _crosscheck_xlsx(qs, many)
    labels, counts = crosschecks.month_counts(qs, start=start, end=end)
    chart = {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {"label": rule, "data": [counts[rule].get(m, 0) for m in labels]}
                for rule in crosschecks.RULES
                if rule in counts
            ],
        },
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
    page = paginate(request, qs)
    rows = [(f, crosschecks.evidence(f)) for f in page]
    return render(
        request,
        "township/supervision/crosschecks.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "chart": json.dumps(chart) if counts else "",
            "can_triage": user.has_role(*supervision.INSPECTORS),
            "can_run": user.has_role(*supervision.INSPECTORS) and user.township_id is not None,
            "run_form": CrosscheckRunForm(initial={"start": today - dt.timedelta(days=1), "end": today}),
            "many_townships": many,
            "job": _crosscheck_job(user),
        },
    )


def _crosscheck_xlsx(qs, many):
    from township.exports import xlsx_response

    rows = []
    for f in qs[:20000]:
        sides = crosschecks.evidence(f)
        cells = []
        for side in (sides + [{}, {}])[:2]:
            cells += [
                side.get("what", ""),
                side.get("when", ""),
                side.get("where", ""),
                side.get("device", ""),
            ]
        rows.append(
            [
                *([f.township.name] if many else []),
                f.rule_id,
                f.on_date,
                str(f.person or ""),
                str(f.department or ""),
                f.text,
                *cells,
                f.get_status_display(),
            ]
        )
    side_headers = [_("Record"), _("Time"), _("Place"), _("Device")]
    headers = [
        _("Rule"),
        _("Date"),
        _("Person"),
        _("Department"),
        _("Detail"),
        *[f"{h} A" for h in side_headers],
        *[f"{h} B" for h in side_headers],
        _("Status"),
    ]
    if many:
        headers.insert(0, _("Township"))
    return xlsx_response(export_filename(pgettext("file name", "cross-checks"), ext="xlsx"), headers, rows)


@require_POST
@role_required(*supervision.INSPECTORS)
def crosscheck_start(request):
    """Run the cross-record checks for a range now, in the worker; the page shows the progress."""
    user = request.user
    if not user.township_id:
        raise PermissionDenied
    form = CrosscheckRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("crosscheck_list")
    start, end = form.cleaned_data["start"].isoformat(), form.cleaned_data["end"].isoformat()
    months = len(list(crosschecks.month_chunks(form.cleaned_data["start"], form.cleaned_data["end"])))
    try:
        progress_set(crosscheck_progress_key(user.township_id, start, end), 0, months)
        crosscheck_township.delay(user.township_id, start, end)
        cache.set(f"crosscheck-job:{user.township_id}", {"start": start, "end": end, "months": months}, 3600)
    except Exception:  # broker or cache down: say so, never silently
        messages.error(
            request,
            _("The job queue is not reachable right now; nothing was started. Try again in a minute."),
        )
    else:
        messages.success(request, _("The cross-checks are running; the bar below shows their progress."))
    return redirect("crosscheck_list")


@role_required(*SUPERVISORS)
def crosscheck_progress(request):
    job = _crosscheck_job(request.user)
    response = render(request, "township/supervision/crosscheck_progress.html", {"job": job})
    if request.htmx and (not job or job["finished"]):
        response.status_code = 286  # htmx: stop polling
    return response
