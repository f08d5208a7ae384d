"""Thin views: parse the form, call a selector or a service, render or redirect."""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from township.approvals import approvals_for_target, kind_label
from township.exports import export_filename, xlsx_response
from township.forms import ImportForm
from township.history import history_for
from township.models import Township
from township.scoping import township_choice, township_picker
from township.views import paginate, role_required, year_param

from . import selectors, services
from .forms import (
    BudgetForm,
    CorrectionForm,
    DisclosureEditForm,
    ExpenseFilterForm,
    ExpenseForm,
    ReceptionFilterForm,
    ReceptionForm,
    ReceptionListForm,
    VehicleForm,
    VehicleReturnForm,
    VehicleUseForm,
)
from .models import DisclosureStatus, ExpenseCategory, ReceptionStatus
from .pdfs import disclosure_pdf, reception_list_pdf
from .services import EXPENSE_WRITERS, FINANCE, RECEPTION_WRITERS, VEHICLE_MANAGERS

EXPORT_LIMIT = 20000


def _filters(form):
    return form.cleaned_data if form.is_valid() else {}


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    context = {"year": today.year, "sees_all": selectors.sees_all(user)}
    if user.township_id and selectors.sees_all(user):
        overview = selectors.budget_overview(township_id=user.township_id, year=today.year)
        context["totals"] = overview["totals"]
        context["three_public"] = [r for r in overview["rows"] if r["three_public"]]
    context["receptions"] = list(selectors.reception_list_for(user=user)[:5])
    context["can_record"] = user.has_role(*RECEPTION_WRITERS)
    context["can_expense"] = user.has_role(*EXPENSE_WRITERS)
    context["is_finance"] = user.has_role(*FINANCE)
    return render(request, "reception/index.html", context)


# --- receptions ----------------------------------------------------------------------------------


@login_required
def reception_list(request):
    form = ReceptionFilterForm(request.GET or None)
    f = _filters(form)
    qs = selectors.reception_list_for(
        user=request.user,
        q=f.get("q") or "",
        status=f.get("status") or "",
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
        sort=f.get("sort") or "-date",
    )
    if request.GET.get("export") == "xlsx":
        headers = [
            _("From"),
            _("To"),
            _("Visiting unit"),
            _("Official letter"),
            _("Purpose"),
            _("Guests"),
            _("Accompanying staff"),
            _("Meal cost (yuan)"),
            _("Accommodation cost (yuan)"),
            _("Other costs (yuan)"),
            _("Total (yuan)"),
            _("Handler"),
            _("Status"),
        ]
        rows = [
            [
                r.start_date,
                r.end_date,
                r.visiting_unit,
                r.letter_reference,
                r.purpose,
                r.guest_count,
                r.staff_count,
                r.meal_cost,
                r.accommodation_cost,
                r.other_cost,
                r.total_cost,
                str(r.handler),
                r.get_status_display(),
            ]
            for r in qs[:EXPORT_LIMIT]
        ]
        return xlsx_response(export_filename(pgettext("file name", "receptions"), ext="xlsx"), headers, rows)
    return render(
        request,
        "reception/reception_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "can_record": request.user.has_role(*RECEPTION_WRITERS),
        },
    )


@role_required(*RECEPTION_WRITERS)
def reception_create(request):
    form = ReceptionForm(request.POST or None, request.FILES or None, township_id=request.user.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.reception_record(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            if rec.status == ReceptionStatus.AWAITING_PLAN:
                messages.info(
                    request,
                    _("Recorded. This is a major reception: its plan has gone to a principal leader."),
                )
            else:
                messages.success(request, _("Reception recorded."))
            return redirect(rec)
    return render(request, "reception/reception_form.html", {"form": form})


@login_required
def reception_detail(request, pk):
    rec = selectors.reception_get_for(user=request.user, pk=pk)
    if request.method == "POST" and "sign_off" in request.POST:
        try:
            services.reception_sign_off(actor=request.user, reception_id=rec.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Reception list signed off."))
        return redirect(rec)
    requests = list(approvals_for_target(rec))
    for req in requests:
        req.kind_label = kind_label(req.kind)
    return render(
        request,
        "reception/reception_detail.html",
        {
            "rec": rec,
            "requests": requests,
            "expenses": rec.expenses.all(),
            "history": history_for(rec),
            "can_fill": request.user.has_role(*RECEPTION_WRITERS)
            and rec.status in (ReceptionStatus.PLANNED, ReceptionStatus.LISTED)
            and rec.start_date <= timezone.localdate(),
            "can_sign": rec.handler_id == request.user.pk and rec.status == ReceptionStatus.LISTED,
        },
    )


@role_required(*RECEPTION_WRITERS)
def reception_list_fill(request, pk):
    rec = selectors.reception_get_for(user=request.user, pk=pk)
    form = ReceptionListForm(
        request.POST or None, township_id=request.user.township_id, initial=ReceptionListForm.initial_for(rec)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_list_fill(actor=request.user, reception_id=rec.pk, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Reception list saved; the handler can now sign it off."))
            return redirect(rec)
    return render(request, "reception/reception_list_form.html", {"form": form, "rec": rec})


@login_required
def reception_letter(request, pk):
    """The scan of the official letter, to those who may see the reception."""
    from township.uploads import upload_response

    rec = selectors.reception_get_for(user=request.user, pk=pk)
    return upload_response(
        rec.letter_scan,
        filename=export_filename(
            pgettext("file name", "official letter"), rec.visiting_unit, rec.start_date, ext=None
        ),
    )


@login_required
def reception_pdf(request, pk):
    rec = selectors.reception_get_for(user=request.user, pk=pk)
    from township.pdf import pdf_response

    return pdf_response(
        export_filename(
            pgettext("file name", "reception list"), rec.visiting_unit, rec.start_date, ext="pdf"
        ),
        reception_list_pdf(rec),
    )


# --- expenses ------------------------------------------------------------------------------------


@login_required
def expense_list(request):
    form = ExpenseFilterForm(request.GET or None)
    f = _filters(form)
    qs = selectors.expense_list_for(
        user=request.user,
        q=f.get("q") or "",
        category=f.get("category") or "",
        status=f.get("status") or "",
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
        sort=f.get("sort") or "-date",
    )
    if request.GET.get("export") == "xlsx":
        headers = [
            _("Date"),
            pgettext("expense", "Category"),
            _("Allowance type"),
            _("Payee"),
            _("Amount (yuan)"),
            _("Payment method"),
            _("What for"),
            _("Status"),
            _("Excess over budget (yuan)"),
            _("Recorded by"),
        ]
        rows = [
            [
                e.spent_on,
                e.get_category_display(),
                str(e.allowance_type or ""),
                e.payee,
                e.amount,
                e.get_payment_method_display(),
                e.description,
                e.get_status_display(),
                e.over_budget,
                str(e.recorded_by),
            ]
            for e in qs[:EXPORT_LIMIT]
        ]
        return xlsx_response(export_filename(pgettext("file name", "expenses"), ext="xlsx"), headers, rows)
    return render(
        request,
        "reception/expense_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "can_expense": request.user.has_role(*EXPENSE_WRITERS),
            "can_import": request.user.has_role(*FINANCE),
        },
    )


@login_required
def expense_invoice(request, pk):
    """The invoice scan, to those who may see the expense."""
    from township.uploads import upload_response

    expense = selectors.expense_get_for(user=request.user, pk=pk)
    return upload_response(
        expense.invoice,
        filename=export_filename(pgettext("file name", "invoice"), expense.payee, expense.spent_on, ext=None),
    )


@role_required(*EXPENSE_WRITERS)
def expense_create(request):
    initial = {"spent_on": timezone.localdate()}
    if request.GET.get("reception"):
        initial.update(reception=request.GET["reception"], category=ExpenseCategory.RECEPTION)
    form = ExpenseForm(
        request.POST or None, request.FILES or None, township_id=request.user.township_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.expense_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Expense recorded and sent for approval."))
            return redirect(expense)
    return render(request, "reception/expense_form.html", {"form": form})


@login_required
def expense_detail(request, pk):
    expense = selectors.expense_get_for(user=request.user, pk=pk)
    requests = list(approvals_for_target(expense))
    for req in requests:
        req.kind_label = kind_label(req.kind)
    return render(
        request,
        "reception/expense_detail.html",
        {
            "expense": expense,
            "requests": requests,
            "history": history_for(expense),
            "linked": expense.linked_record,
        },
    )


@role_required(*FINANCE)
def expense_import(request):
    from township.imports import import_flow, run_import

    from .resources import LEDGER_HEADERS, ExpenseLedgerResource

    resource = ExpenseLedgerResource(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.GET.get("template"):
        return xlsx_response(
            export_filename(pgettext("file name", "expense ledger"), ext="xlsx"), LEDGER_HEADERS, []
        )
    flow = import_flow(request, form, lambda dataset, dry_run: run_import(resource, dataset, dry_run=dry_run))
    if flow.done:
        messages.success(request, _("Imported %(n)d rows.") % {"n": flow.outcome.total})
        return redirect("reception:expense_list")
    outcome, token = flow.outcome, flow.token
    return render(
        request,
        "reception/expense_import.html",
        {"form": form, "outcome": outcome, "token": token, "headers": LEDGER_HEADERS},
    )


# --- budgets -------------------------------------------------------------------------------------

MONTHS = [_m for _m in range(1, 13)]


@role_required(*selectors.READERS)
def budget(request):
    user = request.user
    township = township_choice(request)  # a county-level reader chooses one
    if township is None:
        raise Http404
    today = timezone.localdate()
    year = year_param(request.GET)
    form = BudgetForm(request.POST or None)
    can_set = user.has_role(*FINANCE) and user.township_id is not None  # a township's own budget
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.budget_set(actor=user, year=year, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Budget saved."))
                return redirect(f"{request.path}?year={year}")
    overview = selectors.budget_overview(township_id=township.pk, year=year)
    labels = dict(ExpenseCategory.choices)
    labels["months"] = [_("Month %(m)d") % {"m": m} for m in MONTHS]
    chart = selectors.budget_chart(overview, labels)
    if request.GET.get("export") == "xlsx":
        headers = [
            pgettext("expense", "Category"),
            _("Budget (yuan)"),
            _("Spent (yuan)"),
            _("Committed (yuan)"),
            _("Remaining (yuan)"),
        ]
        rows = [
            [str(r["label"]), r["budget"], r["spent"], r["committed"], r["remaining"]]
            for r in overview["rows"]
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "budget"), year, ext="xlsx"), headers, rows
        )
    return render(
        request,
        "reception/budget.html",
        {
            "overview": overview,
            "year": year,
            "years": range(today.year - 2, today.year + 2),
            "chart": json.dumps(chart),
            "has_chart": bool(chart["data"]["datasets"]),
            "form": form,
            "can_set": can_set,
            **township_picker(request, township),
        },
    )


# --- vehicles ------------------------------------------------------------------------------------


@login_required
def vehicle_list(request):
    user = request.user
    form = VehicleForm(request.POST or None)
    can_manage = user.has_role(*VEHICLE_MANAGERS)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.vehicle_register(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error_from(exc)
            else:
                messages.success(request, _("Vehicle registered."))
                return redirect("reception:vehicle_list")
    vehicle = request.GET.get("vehicle")
    vehicle_id = int(vehicle) if vehicle and vehicle.isdigit() else None
    sort = request.GET.get("sort") or "-date"
    uses = selectors.vehicle_use_list_for(user=user, vehicle=vehicle_id, sort=sort)
    if request.GET.get("export") == "xlsx":
        headers = [
            _("Vehicle"),
            _("Driver"),
            _("Departure"),
            _("Returned at"),
            _("Purpose"),
            _("Route"),
            _("Passengers"),
            _("Odometer out (km)"),
            _("Odometer in (km)"),
            _("Fuel (litres)"),
            _("Fuel cost (yuan)"),
            _("On a rest day"),
        ]
        rows = [
            [
                u.vehicle.plate,
                str(u.driver),
                timezone.localtime(u.departs_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(u.returned_at).strftime("%Y-%m-%d %H:%M") if u.returned_at else "",
                u.purpose,
                u.route,
                u.passengers,
                u.odometer_out,
                u.odometer_in,
                u.fuel_litres,
                u.fuel_cost,
                _("yes") if u.rest_day else "",
            ]
            for u in uses[:EXPORT_LIMIT]
        ]
        return xlsx_response(
            export_filename(pgettext("file name", "vehicle uses"), ext="xlsx"), headers, rows
        )
    return render(
        request,
        "reception/vehicle_list.html",
        {
            "vehicles": selectors.vehicle_list_for(user=user),
            "page_obj": paginate(request, uses),
            "form": form,
            "can_manage": can_manage,
            "vehicle_id": vehicle_id,
        },
    )


@login_required
def vehicle_use_create(request):
    user = request.user
    if user.township_id is None:
        raise Http404
    form = VehicleUseForm(
        request.POST or None,
        township_id=user.township_id,
        initial={"driver": user.pk, "departs_at": timezone.localtime()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            use = services.vehicle_use_log(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Vehicle use logged."))
            return redirect(use)
    return render(request, "reception/vehicle_use_form.html", {"form": form})


@login_required
def vehicle_use_detail(request, pk):
    use = selectors.vehicle_use_get_for(user=request.user, pk=pk)
    form = VehicleReturnForm(
        request.POST or None, initial={"returned_at": timezone.localtime(), "odometer_in": use.odometer_out}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.vehicle_use_return(actor=request.user, use_id=use.pk, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error_from(exc)
        else:
            messages.success(request, _("Return recorded."))
            return redirect(use)
    requests = list(approvals_for_target(use))
    for req in requests:
        req.kind_label = kind_label(req.kind)
    return render(
        request,
        "reception/vehicle_use_detail.html",
        {"use": use, "form": form, "requests": requests, "history": history_for(use)},
    )


# --- disclosure ----------------------------------------------------------------------------------


def _report_context(report, *, internal: bool) -> dict:
    data = report.data or {}
    labels = dict(ExpenseCategory.choices)
    categories = [dict(c, label=labels.get(c["category"], c["category"])) for c in data.get("categories", [])]
    three = [
        dict(c, label=labels.get(c["category"], c["category"]))
        for c in data.get("three_public", {}).get("rows", [])
    ]
    chart = {
        "type": "bar",
        "data": {
            "labels": [str(c["label"]) for c in categories],
            "datasets": [
                {
                    "label": str(_("Budget for the year")),
                    "data": [float(c["budget"]) for c in categories],
                    "backgroundColor": "#90a4ae",
                },
                {
                    "label": str(_("Spent this year")),
                    "data": [float(c["ytd"]) for c in categories],
                    "backgroundColor": "#b71c1c",
                },
            ],
        },
        "options": {"indexAxis": "y"},
    }
    return {
        "report": report,
        "data": data,
        "categories": categories,
        "three": three,
        "internal": internal,
        "chart": json.dumps(chart),
    }


@role_required(*selectors.READERS)
def disclosure_list(request):
    user = request.user
    if request.method == "POST":
        if not user.has_role(*FINANCE):
            raise PermissionDenied
        year, quarter = services.previous_quarter(timezone.localdate())
        year = year_param(request.POST, default=year)
        quarter = {"1": 1, "2": 2, "3": 3, "4": 4}.get(request.POST.get("quarter", ""), quarter)
        report = services.disclosure_prepare(township_id=user.township_id, year=year, quarter=quarter)
        if report is None:
            messages.info(request, _("That quarter is already published; open it to publish a correction."))
            return redirect("reception:disclosure_list")
        messages.success(request, _("Draft prepared."))
        return redirect(report)
    qs = selectors.disclosure_list_for(user=user)
    return render(
        request,
        "reception/disclosure_list.html",
        {
            "page_obj": paginate(request, qs),
            "is_finance": user.has_role(*FINANCE),
            "township": user.township,
            "quarters": [1, 2, 3, 4],
            "year": timezone.localdate().year,
        },
    )


@role_required(*selectors.READERS)
def disclosure_detail(request, pk):
    user = request.user
    report = selectors.disclosure_get_for(user=user, pk=pk)
    is_finance = user.has_role(*FINANCE)
    edit = DisclosureEditForm(
        request.POST if "save" in request.POST or "publish" in request.POST else None,
        initial={"income": report.income, "notes": report.notes, "correction_note": report.correction_note},
    )
    correct = CorrectionForm(request.POST if "correct" in request.POST else None)
    if request.method == "POST":
        if not is_finance:
            raise PermissionDenied
        try:
            if "correct" in request.POST:
                if correct.is_valid():
                    new = services.disclosure_correct(
                        actor=user,
                        report_id=report.pk,
                        correction_note=correct.cleaned_data["correction_note"],
                    )
                    messages.success(request, _("Correction opened as a new draft version."))
                    return redirect(new)
            elif edit.is_valid():
                services.disclosure_update(actor=user, report_id=report.pk, **edit.cleaned_data)
                if "publish" in request.POST:
                    services.disclosure_publish(actor=user, report_id=report.pk)
                    messages.success(request, _("Published on the public page."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect(report)
        except ValidationError as exc:
            (correct if "correct" in request.POST else edit).add_error_from(exc)
    context = _report_context(report, internal=True)
    context.update(
        {
            "edit": edit,
            "correct": correct,
            "is_finance": is_finance,
            "is_draft": report.status == DisclosureStatus.DRAFT,
            "corrected_by": selectors.disclosure_list_for(user=user).filter(replaces=report).first(),
        }
    )
    return render(request, "reception/disclosure_detail.html", context)


# --- public pages (no login: R-EXP-3) ------------------------------------------------------------


def public_disclosures(request, township):
    """Published quarterly reports of one township, for anyone (no login)."""
    town = get_object_or_404(Township, code=township)
    reports = list(selectors.published_reports(township_id=town.pk))
    return render(request, "reception/public_list.html", {"town": town, "reports": reports})


def public_disclosure(request, township, pk):
    town = get_object_or_404(Township, code=township)
    report = selectors.published_report(township_id=town.pk, pk=pk)
    fmt = request.GET.get("format")
    if fmt == "pdf":
        from township.pdf import pdf_response

        return pdf_response(
            export_filename(
                pgettext("file name", "disclosure"),
                town.name,
                f"{report.year}Q{report.quarter}",
                f"v{report.version}",
                ext="pdf",
            ),
            disclosure_pdf(report, town),
        )
    if fmt == "xlsx":
        labels = dict(ExpenseCategory.choices)
        headers = [
            pgettext("expense", "Category"),
            _("Budget for the year"),
            _("Spent in the quarter"),
            _("Spent this year"),
            _("Remaining"),
        ]
        rows = [
            [
                str(labels.get(c["category"], c["category"])),
                Decimal(c["budget"]),
                Decimal(c["quarter"]),
                Decimal(c["ytd"]),
                Decimal(c["remaining"]),
            ]
            for c in report.data.get("categories", [])
        ]
        total = report.data.get("total", {})
        rows.append(
            [
                _("Total"),
                Decimal(total.get("budget", "0")),
                Decimal(total.get("quarter", "0")),
                Decimal(total.get("ytd", "0")),
                "",
            ]
        )
        rows.append([_("Income in the quarter (yuan)"), "", report.income, "", ""])
        return xlsx_response(
            export_filename(
                pgettext("file name", "disclosure"),
                town.name,
                f"{report.year}Q{report.quarter}",
                f"v{report.version}",
                ext="xlsx",
            ),
            headers,
            rows,
        )
    context = _report_context(report, internal=False)
    context["town"] = town
    context["newer"] = report.corrected
    return render(request, "reception/public_detail.html", context)
