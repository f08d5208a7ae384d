"""Property-based tests (hypothesis) of the code that parses what people type or upload: a clear
error (a ValidationError, or an import outcome listing the rows) or a valid record, never another
exception, never a 500 through the pages and never a partial write."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from township.tests.test_idor import events
from township.tests.world import World, world_fixture  # noqa: F401 - the module's data set

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
FEW = settings(FAST, max_examples=12)

junk_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "NaN", "Infinity", "-0", "1e9999", "١٢٣", "１２３", "0x1F", "2026-02-30", "—"]),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


# --- ID numbers (petitions) ---------------------------------------------------------------------


@FAST
@given(st.text(alphabet="0123456789Xx ", min_size=18, max_size=18) | st.text(min_size=0, max_size=20))
def test_id_numbers_are_valid_by_checksum_or_a_validation_error(value):
    from petitions.rules import ID_CHECK, ID_WEIGHTS, validate_id_number

    try:
        validate_id_number(value)
    except ValidationError:
        return
    if value:  # accepted: 17 digits and the right check character
        v = value.strip().upper()
        assert len(v) == 18 and v[:17].isdigit()
        assert ID_CHECK[sum(int(c) * w for c, w in zip(v[:17], ID_WEIGHTS, strict=True)) % 11] == v[17]


@FAST
@given(st.integers(min_value=0, max_value=10**17 - 1))
def test_every_17_digits_with_their_check_character_and_a_real_birthday_are_valid(n):
    from petitions.rules import id_number_check_char, id_number_valid

    first = f"{n:017d}"
    first = first[:6] + "19900101" + first[14:]
    assert id_number_valid(first + id_number_check_char(first))
    wrong = next(c for c in "0123456789X" if c != id_number_check_char(first))
    assert not id_number_valid(first + wrong)


# --- amounts and dates ------------------------------------------------------------------------------


@FAST
@given(amount=junk_text)
def test_budget_amounts_typed_in_the_form_are_refused_or_saved_with_two_decimals(world: World, db, amount):
    from conduct.reception.forms import BudgetForm
    from conduct.reception.services import budget_set

    form = BudgetForm({"category": "office", "amount": amount})
    if not form.is_valid():
        return
    try:
        saved = budget_set(actor=world.mine.org.finance, year=2026, **form.cleaned_data)
    except ValidationError:
        return
    assert saved.amount >= 0 and saved.amount == saved.amount.quantize(Decimal("0.01"))


@FAST
@given(amount=junk_text | st.decimals(allow_nan=True, allow_infinity=True))
@example(amount="1e9999")
@example(amount="NaN")
@example(amount="")
@example(amount=Decimal("-0.001"))
def test_budget_service_refuses_any_amount_it_cannot_store_with_a_validation_error(world: World, db, amount):
    from conduct.reception.services import budget_set

    try:
        saved = budget_set(actor=world.mine.org.finance, year=2026, category="office", amount=amount)
    except ValidationError:
        return
    assert saved.amount.is_finite() and saved.amount >= 0


@FAST
@given(amount=junk_text | st.decimals(allow_nan=True, allow_infinity=True))
@example(amount="1e9999")
@example(amount="NaN")
@example(amount="12.345")
def test_expense_service_refuses_any_amount_it_cannot_store_with_a_validation_error(world: World, db, amount):
    from conduct.reception.tests.factories import record_expense

    try:
        expense = record_expense(world.mine.org, amount=amount)
    except ValidationError:
        return
    assert expense.amount.is_finite() and expense.amount > 0


@FAST
@given(amount=junk_text, payee=st.text(max_size=40), spent_on=junk_text)
def test_expense_form_input_is_refused_or_recorded(world: World, db, amount, payee, spent_on):
    from conduct.reception.forms import ExpenseForm
    from conduct.reception.services import expense_record
    from township.tests.world import pdf_upload

    org = world.mine.org
    data = {
        "spent_on": spent_on,
        "category": "office",
        "payee": payee,
        "amount": amount,
        "payment_method": "cash",
    }
    form = ExpenseForm(data, {"invoice": pdf_upload()}, township_id=org.township.pk)
    if not form.is_valid():
        return
    try:
        expense = expense_record(actor=org.finance, **form.cleaned_data)
    except ValidationError:
        return
    assert expense.amount > 0 and expense.amount == expense.amount.quantize(Decimal("0.01"))


@FAST
@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    days=st.integers(min_value=-30, max_value=400),
    half=st.sampled_from(["full", "morning", "afternoon", "junk"]),
    kind=st.sampled_from(["personal", "sick", "annual", "junk"]),
)
def test_leave_dates_are_refused_or_make_a_request(world: World, db, start, days, half, kind):
    from conduct.forms import LeaveForm
    from conduct.services import leave_submit

    end = start + dt.timedelta(days=days)
    form = LeaveForm({"kind": kind, "start_date": start, "end_date": end, "half_day": half, "reason": "事"})
    if not form.is_valid():
        return
    try:
        leave = leave_submit(actor=world.mine.org.staff, **form.cleaned_data)
    except ValidationError:
        return
    assert leave.start_date <= leave.end_date and leave.days > 0


@FEW
@given(raw=st.lists(junk_text, min_size=1, max_size=4))
def test_typed_dates_in_every_list_filter_never_fail(world: World, db, raw):
    client = Client(raise_request_exception=False)
    client.force_login(world.mine.org.admin)
    keys = ["date_from", "date_to", "date", "month", "start", "end", "on"]
    params = {k: raw[i % len(raw)] for i, k in enumerate(keys)}
    assume(not any("\x00" in v for v in params.values()))
    for name in (
        "conduct:leave_list",
        "reception:expense_list",
        "fieldwork:visit_list",
        "petitions:statistics",
    ):
        client.force_login(
            world.mine.org.principal if name == "petitions:statistics" else world.mine.org.admin
        )
        assert client.get(reverse(name), params).status_code < 500, (name, params)


# --- file imports with random corruption -------------------------------------------------------------


def _imports(world):
    o = world.mine.org
    today = timezone.localdate()
    from petitions.resources import HistoricalCaseResource

    case_row = dict(zip(HistoricalCaseResource.COLUMNS, HistoricalCaseResource.EXAMPLE, strict=True))
    case_row["village"] = ""
    return {
        "roster": (
            "administrator",
            reverse("roster_import"),
            {"kind": "people"},
            ["employee_no", "full_name", "username", "mobile", "email", "department", "category", "roles"],
            [
                ["P001", "新干部甲", "pa001", "13900000001", "", o.department.name, "other_cadre", "staff"],
                [
                    "P002",
                    "新干部乙",
                    "pa002",
                    "13900000002",
                    "",
                    o.department.name,
                    "village_resident",
                    "staff",
                ],
            ],
        ),
        "punches": (
            "office_clerk",
            reverse("conduct:punch_import"),
            {},
            ["工号", "打卡时间", "设备"],
            [
                [o.staff.employee_no, f"{today - dt.timedelta(days=3)} 08:21:00", "M1"],
                [o.colleague.employee_no, f"{today - dt.timedelta(days=3)} 17:41:00", "M1"],
            ],
        ),
        "ledger": (
            "finance_clerk",
            reverse("reception:expense_import"),
            {},
            ["date", "category", "payee", "amount", "payment_method", "description", "allowance_type"],
            [[today.replace(day=1).isoformat(), "office", "文具店", "320.50", "official_card", "打印纸", ""]],
        ),
        "households": (
            "administrator",
            reverse("fieldwork:household_import"),
            {},
            ["village", "household_no", "head_name", "members", "cause", "note"],
            [[world.mine.village.name, "HP-001", "王大山", "4", "因病", ""]],
        ),
        "petitions": (
            "office_clerk",
            reverse("petitions:case_import"),
            {},
            list(HistoricalCaseResource.COLUMNS),
            [[case_row[k] for k in HistoricalCaseResource.COLUMNS]],
        ),
    }


def _table_counts():
    from conduct.models import Punch
    from conduct.reception.models import Expense
    from fieldwork.models import PoorHousehold
    from petitions.models import PetitionCase
    from township.models import User

    return (
        User.objects.count(),
        Punch.objects.count(),
        Expense.objects.count(),
        PoorHousehold.objects.count(),
        PetitionCase.objects.count(),
        events(),
    )


def _csv_bytes(rows, encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


def _xlsx_bytes(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([str(c) if c is not None else None for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


corruption = st.fixed_dictionaries(
    {
        "cells": st.lists(st.tuples(st.integers(0, 50), st.integers(0, 20), junk_text), max_size=4),
        "drop_column": st.none() | st.integers(0, 20),
        "extra_rows": st.lists(st.lists(junk_text, max_size=9), max_size=3),
        "fmt": st.sampled_from(["csv", "csv", "xlsx", "gbk"]),
        "flips": st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
        "truncate": st.none() | st.integers(1, 4000),
    }
)


def _corrupt(header, rows, c) -> tuple[str, bytes]:
    table = [list(header)] + [list(r) for r in rows] + [list(r) for r in c["extra_rows"]]
    for r, col, value in c["cells"]:
        row = table[r % len(table)]
        if row:
            row[col % len(row)] = value
    if c["drop_column"] is not None:
        for row in table:
            if row:
                del row[c["drop_column"] % len(row)]
    table = [[v.replace("\x00", "") if isinstance(v, str) else v for v in row] for row in table]
    if c["fmt"] == "xlsx":
        name, body = "data.xlsx", _xlsx_bytes([[_xlsx_safe(v) for v in row] for row in table])
    else:
        name, body = "data.csv", _csv_bytes(table, "gbk" if c["fmt"] == "gbk" else "utf-8")
    body = bytearray(body)
    for pos, byte in c["flips"]:
        if body:
            body[pos % len(body)] = byte
    if c["truncate"] is not None and c["truncate"] < len(body):
        body = body[: c["truncate"]]
    return name, bytes(body)


def _xlsx_safe(value):
    """openpyxl refuses control characters; keep the rest of the junk."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value


@pytest.mark.parametrize("kind", ["roster", "punches", "ledger", "households", "petitions"])
def test_corrupted_import_files_give_row_errors_or_valid_rows_never_a_500_or_a_partial_write(
    world: World, db, kind
):
    role, url, extra, header, rows = _imports(world)[kind]
    client = Client(raise_request_exception=False)
    user = world.users()[role]

    @settings(FAST, max_examples=30)
    @given(c=corruption)
    def run(c):
        client.force_login(user)
        name, body = _corrupt(header, rows, c)
        before = _table_counts()
        preview = client.post(url, {**extra, "file": SimpleUploadedFile(name, body)})
        assert preview.status_code == 200, (preview.status_code, name, body[:200])
        assert _table_counts() == before, "a preview wrote rows"
        token = preview.context.get("token") if preview.context else None
        outcome = preview.context.get("outcome") if preview.context else None
        if not token:
            form = preview.context["form"]
            assert form.errors or (outcome and outcome.errors), "refused without saying why"
            return
        done = client.post(url, {**extra, "confirm": "1", "token": token})
        assert done.status_code in (200, 302), done.status_code
        if done.status_code == 200:  # refused at confirmation: nothing of it is saved
            assert _table_counts() == before, "a refused import wrote rows"

    run()


def test_the_valid_files_of_the_import_fuzz_are_really_imported(world: World, db):
    """The fuzz starts from files that import: its refusals come from the corruption."""
    client = Client(raise_request_exception=False)
    for kind, (role, url, extra, header, rows) in _imports(world).items():
        client.force_login(world.users()[role])
        before = _table_counts()
        preview = client.post(
            url, {**extra, "file": SimpleUploadedFile("ok.csv", _csv_bytes([header, *rows]))}
        )
        assert preview.context["token"], (
            kind,
            preview.context["outcome"] and preview.context["outcome"].errors,
        )
        done = client.post(url, {**extra, "confirm": "1", "token": preview.context["token"]})
        assert done.status_code == 302, kind
        assert _table_counts() != before, kind


@FEW
@given(seed=st.integers(0, 10**6))
def test_random_bytes_named_xlsx_or_csv_are_a_clear_error(seed):
    import tablib
    from django.utils import translation

    from township.imports import load_dataset

    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
    with translation.override("en"):
        # Random bytes are never a zip file, so never a workbook.
        with pytest.raises(ValidationError) as exc:
            load_dataset("x.xlsx", body)
        assert exc.value.messages == ["The file could not be read as xlsx."]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            with pytest.raises(ValidationError) as exc:
                load_dataset("x.csv", body)
            assert exc.value.messages == ["The CSV file is not UTF-8 text; save it as UTF-8 and try again."]
        else:  # UTF-8 text (the empty file, say) is read as CSV or refused as such, never a crash
            try:
                assert isinstance(load_dataset("x.csv", body), tablib.Dataset)
            except ValidationError as refused:
                assert refused.messages == ["The file could not be read as csv."]
