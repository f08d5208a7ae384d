"""Every write of the reception app: receptions, expenses and budgets, vehicles, disclosures.

Views, the admin, the ledger import and Celery tasks all come through here, so no door skips a
rule.  BLOCK rules go through township.rules (messages name the rule); FLAG rules raise findings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from township.approvals import approval_submit
from township.findings import finding_raise
from township.messages import msg
from township.models import Role, Township, User
from township.policy import policies
from township.rules import Checks
from township.uploads import extension, stored_name
from township.workcalendar import is_working_day

from . import rules
from .models import (
    CENT,
    LINKABLE_MODELS,
    AllowanceType,
    Budget,
    DisclosureReport,
    DisclosureStatus,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    MealArrangement,
    ReceptionGuest,
    ReceptionRecord,
    ReceptionStatus,
    Vehicle,
    VehicleUse,
)

RECEPTION_WRITERS = (Role.OFFICE_CLERK, Role.ADMINISTRATOR)
EXPENSE_WRITERS = (Role.OFFICE_CLERK, Role.FINANCE_CLERK, Role.ADMINISTRATOR)
FINANCE = (Role.FINANCE_CLERK, Role.ADMINISTRATOR)
VEHICLE_MANAGERS = (Role.OFFICE_CLERK, Role.ADMINISTRATOR)


def _require(actor, roles):
    if not actor.has_role(*roles) or actor.township_id is None:
        raise PermissionDenied(_("You may not do this."))


def _yuan(value) -> str:
    return f"{Decimal(value).quantize(CENT):,}"


def _add(checks: Checks, field: str | None, message: str) -> None:
    checks.errors.setdefault(field, []).append(message)


def _transition(obj, new_status):
    if new_status not in obj.TRANSITIONS[obj.status]:
        raise ValidationError(
            _("This record cannot go from %(old)s to %(new)s.")
            % {"old": obj.get_status_display(), "new": new_status.label}
        )
    obj.status = new_status


# --- receptions ----------------------------------------------------------------------------------


def _check_reception(
    checks: Checks,
    *,
    township_id: int,
    on: dt.date,
    letter_reference: str,
    letter_scan,
    guest_count: int,
    guests: list[tuple[str, str]],
    staff: list[User],
    visitor_level: str,
    destination: str,
    meal: str,
    meal_count: int,
    meal_cost: Decimal,
    guest_meal_fee: Decimal,
    accommodation: bool,
    accommodation_cost: Decimal,
    alcohol_served: bool,
    high_end_dishes: bool,
    gifts_given: bool,
    start_date: dt.date,
    end_date: dt.date,
) -> dict:
    p = policies(
        [
            "R-REC-2",
            "R-REC-3.small_group",
            "R-REC-3.small_cap",
            "R-REC-3.ratio",
            "R-REC-6.guests",
            "R-REC-6.cost",
        ],
        township=township_id,
        on=on,
    )
    checks.enforce(
        "R-REC-1",
        bool((letter_reference or "").strip()),
        _("An official reception needs the visiting unit's official letter (公函): enter its reference."),
        field="letter_reference",
    )
    checks.enforce(
        "R-REC-1",
        bool(letter_scan),
        _("Attach the scan of the official letter."),
        field="letter_scan",
    )
    if guest_count != len(guests):
        _add(
            checks,
            "guest_list",
            _("The guest list names %(n)d people but the number of guests is %(count)d.")
            % {"n": len(guests), "count": guest_count},
        )
    if end_date < start_date:
        _add(checks, "end_date", _("The visit cannot end before it starts."))
    cap = rules.r_rec_3_staff_cap(
        guest_count,
        small_group=p["R-REC-3.small_group"],
        small_cap=p["R-REC-3.small_cap"],
        ratio=p["R-REC-3.ratio"],
    )
    checks.enforce(
        "R-REC-3",
        len(staff) <= cap,
        _("At most %(cap)d accompanying staff for %(guests)d guests; %(n)d were chosen.")
        % {"cap": cap, "guests": guest_count, "n": len(staff)},
        field="accompanying_staff",
    )
    if any(p_.township_id != township_id for p_ in staff):
        _add(checks, "accompanying_staff", _("Accompanying staff must be cadres of this township."))
    if meal == MealArrangement.NONE and (meal_cost > 0 or meal_count > 0):
        _add(checks, "meal_cost", _("No meal was chosen, so there can be no meal cost."))
    if meal in (MealArrangement.CANTEEN, MealArrangement.OUTSIDE) and meal_count <= 0:
        _add(checks, "meal_count", _("Enter how many meals were served."))
    diners = guest_count + len(staff)
    if meal in (MealArrangement.CANTEEN, MealArrangement.OUTSIDE) and meal_count > 0:
        per_person = rules.r_rec_2_per_person_meal_cost(meal_cost, diners, meal_count)
        checks.enforce(
            "R-REC-2",
            rules.r_rec_2_within_standard(meal_cost, diners, meal_count, p["R-REC-2"]),
            _("The meals cost ¥%(cost)s per person per meal, above the standard of ¥%(standard)s.")
            % {"cost": _yuan(per_person), "standard": _yuan(p["R-REC-2"])},
            field="meal_cost",
        )
    problem = rules.r_rec_4_meal_problem(visitor_level, destination, meal, guest_meal_fee)
    if problem == "canteen":
        checks.enforce(
            "R-REC-4", False, _("Visitors from higher-level units eat in the canteen."), field="meal"
        )
    elif problem == "no_meal":
        checks.enforce(
            "R-REC-4",
            False,
            _(
                "A higher-level visit to a village or firm gets no meal; where a guest must eat, "
                "choose 'guests paid their own fee' and record the fee."
            ),
            field="meal",
        )
    elif problem == "fee":
        checks.enforce(
            "R-REC-4",
            False,
            _("Record the meal fee the guests paid."),
            field="guest_meal_fee",
        )
    if not accommodation and accommodation_cost > 0:
        _add(
            checks,
            "accommodation_cost",
            _("No accommodation was arranged, so there can be no accommodation cost."),
        )
    labels = {
        "alcohol_served": _("No alcohol may be served at an official reception."),
        "high_end_dishes": _("No high-end dishes may be served at an official reception."),
        "gifts_given": _("No gifts or local specialties may be given at an official reception."),
    }
    for name in rules.r_rec_5_declared_clean(
        alcohol=alcohol_served, dishes=high_end_dishes, gifts=gifts_given
    ):
        checks.enforce("R-REC-5", False, labels[name], field=name)
    return p


def _money_fields(data: dict, *names) -> None:
    for name in names:
        value = Decimal(str(data.get(name) or "0"))
        data[name] = value


@transaction.atomic
def reception_record(
    *, actor: User, guests: list[tuple[str, str]], accompanying_staff: list[User], **fields
) -> ReceptionRecord:
    """Record a reception against its official letter before the visit.  A major reception
    (R-REC-6) goes to a principal leader for its plan's approval."""
    _require(actor, RECEPTION_WRITERS)
    data = dict(fields)
    _money_fields(data, "meal_cost", "guest_meal_fee", "accommodation_cost", "other_cost")
    data.setdefault("meal", MealArrangement.NONE)
    data.setdefault("meal_count", 0)
    data.setdefault("accommodation", False)
    for flag in ("alcohol_served", "high_end_dishes", "gifts_given"):
        data.setdefault(flag, False)
    today = timezone.localdate()
    checks = Checks()
    p = _check_reception(
        checks,
        township_id=actor.township_id,
        on=data["start_date"],
        letter_reference=data.get("letter_reference", ""),
        letter_scan=data.get("letter_scan"),
        guest_count=data["guest_count"],
        guests=guests,
        staff=accompanying_staff,
        visitor_level=data.get("visitor_level", "upper"),
        destination=data.get("destination", "township"),
        meal=data["meal"],
        meal_count=data["meal_count"],
        meal_cost=data["meal_cost"],
        guest_meal_fee=data["guest_meal_fee"],
        accommodation=data["accommodation"],
        accommodation_cost=data["accommodation_cost"],
        alcohol_served=data["alcohol_served"],
        high_end_dishes=data["high_end_dishes"],
        gifts_given=data["gifts_given"],
        start_date=data["start_date"],
        end_date=data["end_date"],
    )
    cost = data["meal_cost"] + data["accommodation_cost"] + data["other_cost"]
    major = rules.r_rec_6_is_major(
        data["guest_count"], cost, guest_limit=p["R-REC-6.guests"], cost_limit=p["R-REC-6.cost"]
    )
    if major:
        checks.enforce(
            "R-REC-6",
            data["start_date"] > today,
            _(
                "A major reception needs its plan approved by a principal leader before it happens; "
                "record it before the visit day."
            ),
            field="start_date",
        )
    checks.raise_if_any()
    handler = data.pop("handler", None) or actor
    if data.get("letter_scan"):
        data["letter_scan"].name = stored_name(extension(data["letter_scan"].name))
    rec = ReceptionRecord(
        township_id=actor.township_id,
        handler=handler,
        recorded_by=actor,
        is_major=major,
        status=ReceptionStatus.AWAITING_PLAN if major else ReceptionStatus.PLANNED,
        **data,
    )
    rec.full_clean()
    rec.save()
    _save_guests(rec, guests)
    rec.accompanying_staff.set(accompanying_staff)
    if major:
        approval_submit(
            actor=actor,
            kind="reception_plan",
            target=rec,
            summary=msg(
                gettext_noop("Major reception plan: %(unit)s, %(n)d guests, %(date)s, about ¥%(cost)s"),
                unit=rec.visiting_unit,
                n=rec.guest_count,
                date=rec.start_date,
                cost=_yuan(cost),
            ),
        )
    return rec


def _save_guests(rec, guests):
    rec.guests.all().delete()
    ReceptionGuest.objects.bulk_create(
        [
            ReceptionGuest(reception=rec, name=name, title=title, order=i)
            for i, (name, title) in enumerate(guests)
        ]
    )


def reception_plan_decided(rec: ReceptionRecord, approved: bool) -> None:
    """Approval callback (R-REC-6): the plan's decision sets the reception's status."""
    rec = ReceptionRecord.objects.select_for_update().get(pk=rec.pk)
    if rec.status != ReceptionStatus.AWAITING_PLAN:
        return
    _transition(rec, ReceptionStatus.PLANNED if approved else ReceptionStatus.PLAN_REJECTED)
    rec.save(update_fields=["status"])


@transaction.atomic
def reception_list_fill(
    *, actor: User, reception_id: int, guests: list[tuple[str, str]], accompanying_staff: list[User], **fields
) -> ReceptionRecord:
    """After the visit: the reception list (接待清单) of who came and what was provided; it must
    match the letter (R-REC-1) and keep every rule of the reception."""
    _require(actor, RECEPTION_WRITERS)
    rec = ReceptionRecord.objects.select_for_update().get(pk=reception_id, township_id=actor.township_id)
    checks = Checks()
    if rec.status in (ReceptionStatus.AWAITING_PLAN, ReceptionStatus.PLAN_REJECTED):
        checks.enforce(
            "R-REC-6",
            False,
            _("This major reception's plan has not been approved by a principal leader."),
        )
        checks.raise_if_any()
    if rec.status == ReceptionStatus.SIGNED:
        raise ValidationError(_("The reception list has been signed off and can no longer change."))
    if rec.start_date > timezone.localdate():
        raise ValidationError(_("Fill in the reception list after the visit."))
    data = dict(fields)
    _money_fields(data, "meal_cost", "guest_meal_fee", "accommodation_cost", "other_cost")
    if len(guests) > rec.guest_count:
        checks.enforce(
            "R-REC-1",
            False,
            _("The list names %(n)d guests but the official letter announced %(count)d.")
            % {"n": len(guests), "count": rec.guest_count},
            field="guest_list",
        )
    values = {
        f: getattr(rec, f)
        for f in ("meal", "meal_count", "accommodation", "alcohol_served", "high_end_dishes", "gifts_given")
    }
    values.update({k: v for k, v in data.items() if k in values})
    _check_reception(
        checks,
        township_id=rec.township_id,
        on=rec.start_date,
        letter_reference=rec.letter_reference,
        letter_scan=rec.letter_scan,
        guest_count=len(guests),
        guests=guests,
        staff=accompanying_staff,
        visitor_level=rec.visitor_level,
        destination=rec.destination,
        meal=values["meal"],
        meal_count=values["meal_count"],
        meal_cost=data["meal_cost"],
        guest_meal_fee=data["guest_meal_fee"],
        accommodation=values["accommodation"],
        accommodation_cost=data["accommodation_cost"],
        alcohol_served=values["alcohol_served"],
        high_end_dishes=values["high_end_dishes"],
        gifts_given=values["gifts_given"],
        start_date=rec.start_date,
        end_date=rec.end_date,
    )
    checks.raise_if_any()
    for key, value in data.items():
        setattr(rec, key, value)
    for key, value in values.items():
        setattr(rec, key, value)
    _transition(rec, ReceptionStatus.LISTED)
    rec.listed_at = timezone.now()
    rec.full_clean()
    rec.save()
    _save_guests(rec, guests)
    rec.accompanying_staff.set(accompanying_staff)
    p = policies(["R-REC-6.guests", "R-REC-6.cost"], township=rec.township_id, on=rec.start_date)
    if not rec.is_major and rules.r_rec_6_is_major(
        len(guests), rec.total_cost, guest_limit=p["R-REC-6.guests"], cost_limit=p["R-REC-6.cost"]
    ):
        # The visit has happened: refusing the list would hide it, so inspectors are told instead.
        finding_raise(
            rule_id="R-REC-6",
            township=rec.township_id,
            target=rec,
            person=rec.handler,
            on_date=rec.start_date,
            detail=msg(
                gettext_noop("Reception of %(unit)s turned out major (¥%(cost)s) without an approved plan."),
                unit=rec.visiting_unit,
                cost=_yuan(rec.total_cost),
            ),
        )
    return rec


@transaction.atomic
def reception_sign_off(*, actor: User, reception_id: int) -> ReceptionRecord:
    """The handler signs the reception list off; it then goes with the reimbursement."""
    rec = ReceptionRecord.objects.select_for_update().get(pk=reception_id, township_id=actor.township_id)
    if rec.handler_id != actor.pk:
        raise ValidationError(_("Only the handler of this reception can sign its list off."))
    if rec.status != ReceptionStatus.LISTED:
        raise ValidationError(_("Fill in the reception list before signing it off."))
    _transition(rec, ReceptionStatus.SIGNED)
    rec.signed_at = timezone.now()
    rec.save(update_fields=["status", "signed_at"])
    return rec


# --- budgets and expenses ------------------------------------------------------------------------


@transaction.atomic
def budget_set(*, actor: User, year: int, category: str, amount) -> Budget:
    _require(actor, FINANCE)
    try:
        amount = Decimal(str(amount).strip())
        bad = not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT)
    except ArithmeticError:  # not a number, or too large to have cents
        bad = True
    if bad:
        raise ValidationError(
            {"amount": [_("Enter an amount of yuan with at most two decimals, not negative.")]}
        )
    if category not in ExpenseCategory.values:
        raise ValidationError({"category": [_("Choose a category from the list.")]})
    budget, _created = Budget.objects.select_for_update().get_or_create(
        township_id=actor.township_id,
        year=year,
        category=category,
        defaults={"amount": amount, "set_by": actor},
    )
    budget.amount = amount
    budget.set_by = actor
    budget.full_clean()
    budget.save()
    return budget


def _lock_category(township_id: int, year: int, category: str) -> None:
    """Serialise the budget check of one category and year (R-EXP-1): two expenses recorded at
    the same moment cannot both take the last of the budget.  An advisory lock, because the
    budget row may not exist yet."""
    index = ExpenseCategory.values.index(category)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [township_id, 700000 + year * 10 + index])


def category_position(*, township_id: int, year: int, category: str) -> dict:
    budget = (
        Budget.objects.filter(township_id=township_id, year=year, category=category)
        .values_list("amount", flat=True)
        .first()
    ) or Decimal("0.00")
    sums = dict(
        Expense.objects.filter(
            township_id=township_id,
            spent_on__year=year,
            category=category,
            status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PENDING],
        )
        .values_list("status")
        .annotate(total=Sum("amount"))
        .values_list("status", "total")
    )
    spent = sums.get(ExpenseStatus.APPROVED) or Decimal("0.00")
    committed = sums.get(ExpenseStatus.PENDING) or Decimal("0.00")
    return {"budget": budget, "spent": spent, "committed": committed, "remaining": budget - spent - committed}


@transaction.atomic
def expense_record(
    *,
    actor: User,
    spent_on: dt.date,
    category: str,
    payee: str,
    amount,
    payment_method: str = "official_card",
    invoice=None,
    description: str = "",
    allowance_type: AllowanceType | None = None,
    reception: ReceptionRecord | None = None,
    vehicle_use: VehicleUse | None = None,
    link_model: str = "",
    link_id: int | None = None,
    is_fuel: bool = False,
    transport: str = "",
    village_visit: bool = False,
    request_excess_approval: bool = False,
    from_ledger: bool = False,
) -> Expense:
    """Record an expense.  Approval by amount (R-EXP-1 thresholds); over budget refused unless a
    principal leader is asked to approve the excess; cash above the limit (R-EXP-2) and private-car
    fuel for village visits (R-FLD-4) are findings."""
    _require(actor, EXPENSE_WRITERS)
    township_id = actor.township_id
    checks = Checks()
    try:
        amount = Decimal(str(amount).strip())
        cents = amount.quantize(CENT) if amount.is_finite() else None
    except ArithmeticError:  # not a number, or too large to have cents
        cents = None
    if cents is None:
        raise ValidationError({"amount": [_("Enter the amount as a number of yuan.")]})
    if amount <= 0:
        _add(checks, "amount", _("The amount must be more than zero."))
    elif amount != amount.quantize(CENT):
        _add(checks, "amount", _("Amounts are in yuan with at most two decimals."))
    if spent_on > timezone.localdate():
        _add(checks, "spent_on", _("The date cannot be in the future."))
    if category not in ExpenseCategory.values:
        _add(checks, "category", _("Choose a category from the list."))
    if category == ExpenseCategory.ALLOWANCE:
        checks.enforce(
            "R-EXP-5",
            allowance_type is not None
            and allowance_type.township_id == township_id
            and allowance_type.active,
            _("An allowance must be one of the listed allowance types; no other names may be used."),
            field="allowance_type",
        )
    elif allowance_type is not None:
        _add(checks, "allowance_type", _("Only allowances have an allowance type."))
    for obj, field in ((reception, "reception"), (vehicle_use, "vehicle_use")):
        if obj is not None and obj.township_id != township_id:
            _add(checks, field, _("Choose a record of this township."))
    if link_model:
        if link_model not in LINKABLE_MODELS:
            _add(checks, "link_model", _("This kind of record cannot be linked."))
        elif not link_id:
            _add(checks, "link_id", _("Enter the number of the record this expense pays for."))
        else:
            try:
                model = apps.get_model(link_model)
            except (LookupError, ValueError):
                model = None  # that app is not installed: keep the reference as given
            if (
                model is not None
                and not model._default_manager.filter(pk=link_id, township_id=township_id).exists()
            ):
                _add(checks, "link_id", _("No such record in this township."))
    else:
        link_id = None
    if checks.errors:
        checks.raise_if_any()
    _lock_category(township_id, spent_on.year, category)
    pos = category_position(township_id=township_id, year=spent_on.year, category=category)
    excess = rules.r_exp_1_excess(
        amount, budget=pos["budget"], spent=pos["spent"], committed=pos["committed"]
    )
    if excess > 0 and (from_ledger or not request_excess_approval):
        checks.enforce(
            "R-EXP-1",
            False,
            _(
                "This expense would exceed the %(category)s budget for %(year)d by ¥%(excess)s "
                "(¥%(remaining)s left); ask a principal leader to approve the excess."
            )
            % {
                "category": ExpenseCategory(category).label,
                "year": spent_on.year,
                "excess": _yuan(excess),
                "remaining": _yuan(max(pos["remaining"], Decimal("0"))),
            },
            field="amount",
        )
    checks.raise_if_any()
    expense = Expense(
        township_id=township_id,
        spent_on=spent_on,
        category=category,
        allowance_type=allowance_type,
        payee=payee,
        amount=amount,
        description=description,
        payment_method=payment_method,
        reception=reception,
        vehicle_use=vehicle_use,
        link_model=link_model or "",
        link_id=link_id,
        is_fuel=is_fuel,
        transport=transport or "",
        village_visit=village_visit,
        over_budget=excess,
        from_ledger=from_ledger,
        status=ExpenseStatus.APPROVED if from_ledger else ExpenseStatus.PENDING,
        decided_at=timezone.now() if from_ledger else None,
        recorded_by=actor,
    )
    if invoice:
        invoice.name = stored_name(extension(invoice.name))
        expense.invoice = invoice
    expense.full_clean()
    expense.save()
    if not from_ledger:
        facts = {"amount": _yuan(amount), "category": ExpenseCategory(expense.category).label, "payee": payee}
        if excess > 0:
            summary = msg(
                gettext_noop("Expense ¥%(amount)s, %(category)s, to %(payee)s (¥%(excess)s over budget)"),
                excess=_yuan(excess),
                **facts,
            )
        else:
            summary = msg(gettext_noop("Expense ¥%(amount)s, %(category)s, to %(payee)s"), **facts)
        approval_submit(actor=actor, kind="expense", target=expense, summary=summary)
    _expense_findings(expense)
    return expense


def _expense_findings(expense: Expense) -> None:
    p = policies(["R-EXP-2"], township=expense.township_id, on=expense.spent_on)
    if rules.r_exp_2_cash_flagged(expense.payment_method, expense.amount, p["R-EXP-2"]):
        finding_raise(
            rule_id="R-EXP-2",
            township=expense.township_id,
            target=expense,
            person=expense.recorded_by,
            on_date=expense.spent_on,
            detail=msg(
                gettext_noop(
                    "¥%(amount)s paid in cash to %(payee)s (above ¥%(limit)s; the official card is the norm)."
                ),
                amount=_yuan(expense.amount),
                payee=expense.payee,
                limit=_yuan(p["R-EXP-2"]),
            ),
        )
    if rules.r_fld_4_private_car_fuel(
        is_fuel=expense.is_fuel, transport=expense.transport, village_visit=expense.village_visit
    ):
        finding_raise(
            rule_id="R-FLD-4",
            township=expense.township_id,
            target=expense,
            person=expense.recorded_by,
            on_date=expense.spent_on,
            detail=msg(
                gettext_noop("Fuel claim of ¥%(amount)s for a village visit by private car (%(payee)s)."),
                amount=_yuan(expense.amount),
                payee=expense.payee,
            ),
        )


def expense_decided(expense: Expense, status: str) -> None:
    """Approval callback: the expense's status follows its request."""
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    if expense.status != ExpenseStatus.PENDING:
        return
    _transition(expense, ExpenseStatus(status))
    expense.decided_at = timezone.now()
    expense.save(update_fields=["status", "decided_at"])


# --- vehicles ------------------------------------------------------------------------------------


@transaction.atomic
def vehicle_register(
    *, actor: User, plate: str, model_name: str = "", seats: int = 5, odometer: int = 0
) -> Vehicle:
    _require(actor, VEHICLE_MANAGERS)
    vehicle = Vehicle(
        township_id=actor.township_id,
        plate=plate.strip().upper(),
        model_name=model_name,
        seats=seats,
        odometer=odometer,
    )
    vehicle.full_clean()
    vehicle.save()
    return vehicle


@transaction.atomic
def vehicle_use_log(
    *,
    actor: User,
    vehicle: Vehicle,
    driver: User,
    purpose: str,
    route: str,
    departs_at: dt.datetime,
    odometer_out: int,
    passengers: str = "",
) -> VehicleUse:
    """R-VEH-1: log a use before departure, with its purpose.  A rest-day use asks a leader to
    approve its purpose; a use logged after departure or an odometer gap since the last use is a
    finding."""
    if actor.township_id is None:
        raise PermissionDenied
    if driver.pk != actor.pk and not actor.has_role(*VEHICLE_MANAGERS):
        raise PermissionDenied(_("Log your own drives, or ask the office clerk."))
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk, township_id=actor.township_id)
    checks = Checks()
    if not vehicle.active:
        _add(checks, "vehicle", _("This vehicle is out of service."))
    if driver.township_id != actor.township_id:
        _add(
            checks,
            "driver",
            _("The driver must be a cadre of this township (no lending, no private driving)."),
        )
    if not (purpose or "").strip():
        checks.enforce(
            "R-VEH-1", False, _("Every use of an official vehicle states its purpose."), field="purpose"
        )
    open_use = vehicle.uses.filter(odometer_in__isnull=True).order_by("-departs_at").first()
    if open_use is not None:
        _add(
            checks,
            "vehicle",
            _("The vehicle's previous use (%(when)s) has not been closed: record its return first.")
            % {"when": timezone.localtime(open_use.departs_at).strftime("%Y-%m-%d %H:%M")},
        )
    checks.raise_if_any()
    p = policies(["R-VEH-1.late_minutes", "R-VEH-1.odometer_gap"], township=actor.township_id)
    local_day = timezone.localtime(departs_at).date()
    rest_day = not is_working_day(local_day, township=actor.township)
    use = VehicleUse(
        township_id=actor.township_id,
        vehicle=vehicle,
        driver=driver,
        passengers=passengers,
        purpose=purpose.strip(),
        route=route,
        departs_at=departs_at,
        odometer_out=odometer_out,
        rest_day=rest_day,
        logged_by=actor,
    )
    use.full_clean()
    use.save()
    previous_in = vehicle.odometer  # where the last return (or the register) left it
    gap = rules.r_veh_1_odometer_gap(previous_in, odometer_out, p["R-VEH-1.odometer_gap"])
    if gap:
        finding_raise(
            rule_id="R-VEH-1",
            township=actor.township_id,
            target=use,
            person=driver,
            on_date=local_day,
            key=f"reception.vehicleuse:{use.pk}:gap",
            detail=msg(
                gettext_noop(
                    "%(plate)s: odometer at %(out)d km but the last use ended at %(last)d km (%(gap)d km not logged)."
                ),
                plate=vehicle.plate,
                out=odometer_out,
                last=previous_in,
                gap=gap,
            ),
        )
    if departs_at < timezone.now() - dt.timedelta(minutes=p["R-VEH-1.late_minutes"]):
        finding_raise(
            rule_id="R-VEH-1",
            township=actor.township_id,
            target=use,
            person=driver,
            on_date=local_day,
            key=f"reception.vehicleuse:{use.pk}:late",
            detail=msg(gettext_noop("%(plate)s: use logged after its departure."), plate=vehicle.plate),
        )
    if rest_day:
        approval_submit(
            actor=actor,
            kind="vehicle_rest_day",
            target=use,
            summary=msg(
                gettext_noop("Official vehicle %(plate)s on a rest day (%(date)s): %(purpose)s"),
                plate=vehicle.plate,
                date=local_day,
                purpose=use.purpose,
            ),
        )
    return use


def vehicle_rest_day_decided(use: VehicleUse, approved: bool) -> None:
    VehicleUse.objects.filter(pk=use.pk).update(rest_day_approved=approved)


@transaction.atomic
def vehicle_use_return(
    *,
    actor: User,
    use_id: int,
    odometer_in: int,
    returned_at: dt.datetime | None = None,
    fuel_litres=0,
    fuel_cost=0,
) -> VehicleUse:
    use = (
        VehicleUse.objects.select_for_update()
        .select_related("vehicle")
        .get(pk=use_id, township_id=actor.township_id)
    )
    if use.driver_id != actor.pk and not actor.has_role(*VEHICLE_MANAGERS):
        raise PermissionDenied
    if use.odometer_in is not None:
        raise ValidationError(_("This use has already been closed."))
    if odometer_in < use.odometer_out:
        raise ValidationError(
            {"odometer_in": [_("The odometer cannot read less than when the vehicle left.")]}
        )
    returned_at = returned_at or timezone.now()
    if returned_at < use.departs_at:
        raise ValidationError({"returned_at": [_("The return cannot be before the departure.")]})
    use.odometer_in = odometer_in
    use.returned_at = returned_at
    use.fuel_litres = Decimal(str(fuel_litres or 0))
    use.fuel_cost = Decimal(str(fuel_cost or 0))
    use.full_clean()
    use.save()
    Vehicle.objects.filter(pk=use.vehicle_id).update(odometer=odometer_in)
    if use.rest_day and not use.rest_day_approved:
        finding_raise(
            rule_id="R-VEH-1",
            township=use.township_id,
            target=use,
            person=use.driver,
            on_date=timezone.localtime(use.departs_at).date(),
            key=f"reception.vehicleuse:{use.pk}:rest",
            detail=msg(
                gettext_noop("%(plate)s used on a rest day without an approved purpose: %(purpose)s"),
                plate=use.vehicle.plate,
                purpose=use.purpose,
            ),
        )
    return use


# --- quarterly disclosure ------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def previous_quarter(today: dt.date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if q == 1 else (today.year, q - 1)


def disclosure_prepare(*, township_id: int, year: int, quarter: int) -> DisclosureReport | None:
    """Prepare (or refresh) the quarter's draft.  Idempotent: run twice, one draft; once the
    quarter is published nothing happens (a correction is a deliberate new version)."""
    from .selectors import disclosure_figures

    with transaction.atomic():
        Township.objects.select_for_update().filter(pk=township_id).first()
        existing = DisclosureReport.objects.filter(township_id=township_id, year=year, quarter=quarter)
        draft = existing.filter(status=DisclosureStatus.DRAFT).first()
        if draft is None and existing.exists():
            return None
        figures = disclosure_figures(township_id=township_id, year=year, quarter=quarter)
        if draft is None:
            draft = DisclosureReport(township_id=township_id, year=year, quarter=quarter, version=1)
        draft.data = figures
        draft.prepared_at = timezone.now()
        draft.full_clean()
        draft.save()
        return draft


def _lock_report(actor, report_id) -> DisclosureReport:
    _require(actor, FINANCE)
    return DisclosureReport.objects.select_for_update().get(pk=report_id, township_id=actor.township_id)


@transaction.atomic
def disclosure_update(
    *, actor: User, report_id: int, income, notes: str = "", correction_note: str | None = None
) -> DisclosureReport:
    report = _lock_report(actor, report_id)
    if report.status != DisclosureStatus.DRAFT:
        raise ValidationError(_("A published report cannot change; publish a correction instead."))
    income = Decimal(str(income or 0))
    if income < 0 or income != income.quantize(CENT):
        raise ValidationError(
            {"income": [_("Enter an amount of yuan with at most two decimals, not negative.")]}
        )
    report.income = income
    report.notes = notes
    if correction_note is not None:
        report.correction_note = correction_note
    report.full_clean()
    report.save(update_fields=["income", "notes", "correction_note"])
    return report


@transaction.atomic
def disclosure_publish(*, actor: User, report_id: int) -> DisclosureReport:
    """The finance clerk publishes the reviewed draft (R-EXP-4): figures are taken afresh and
    frozen; the published row can never change (a database trigger guards it)."""
    from .selectors import disclosure_figures

    report = _lock_report(actor, report_id)
    if report.status != DisclosureStatus.DRAFT:
        raise ValidationError(_("This report has already been published."))
    if report.replaces_id and not report.correction_note.strip():
        raise ValidationError({"correction_note": [_("Say what this version corrects.")]})
    report.data = disclosure_figures(township_id=report.township_id, year=report.year, quarter=report.quarter)
    report.status = DisclosureStatus.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor
    report.save()
    return report


@transaction.atomic
def disclosure_correct(*, actor: User, report_id: int, correction_note: str) -> DisclosureReport:
    """Open a correction of a published report: a new draft version that names what it replaces."""
    report = _lock_report(actor, report_id)
    if report.status != DisclosureStatus.PUBLISHED:
        raise ValidationError(_("Only a published report can be corrected."))
    if DisclosureReport.objects.filter(replaces=report).exists():
        raise ValidationError(_("This version has already been corrected; correct the latest version."))
    if not correction_note.strip():
        raise ValidationError({"correction_note": [_("Say what this version corrects.")]})
    if DisclosureReport.objects.filter(
        township_id=report.township_id,
        year=report.year,
        quarter=report.quarter,
        status=DisclosureStatus.DRAFT,
    ).exists():
        raise ValidationError(_("A draft of this quarter is already open."))
    from .selectors import disclosure_figures

    new = DisclosureReport(
        township_id=report.township_id,
        year=report.year,
        quarter=report.quarter,
        version=report.version + 1,
        replaces=report,
        correction_note=correction_note.strip(),
        income=report.income,
        notes=report.notes,
        data=disclosure_figures(township_id=report.township_id, year=report.year, quarter=report.quarter),
        prepared_at=timezone.now(),
    )
    new.full_clean()
    new.save()
    return new
