import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import pgettext
from openpyxl import Workbook

from township.exports import export_filename
from township.models import User
from township.tests.test_exports import filename_of


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("people.xlsx", buf.getvalue())


HEADER = ["employee_no", "full_name", "username", "mobile", "email", "department", "category", "roles"]


def test_roster_import_preview_then_confirm(org, login):
    client = login(org.admin)
    good = _xlsx(
        [
            HEADER,
            ["N001", "新干部甲", "newa", "13900000001", "", org.department.name, "other_cadre", "staff"],
            ["N002", "新干部乙", "newb", "13900000002", "", org.department.name, "village_resident", "staff"],
        ]
    )
    preview = client.post("/settings/roster/", {"kind": "people", "file": good})
    assert preview.status_code == 200
    assert not User.objects.filter(employee_no__in=["N001", "N002"]).exists()  # preview saves nothing
    token = preview.context["token"]
    assert token
    done = client.post("/settings/roster/", {"kind": "people", "token": token, "confirm": "1"})
    assert done.status_code == 302
    new = User.objects.get(employee_no="N002")
    assert new.township == org.township and new.category == "village_resident"
    assert new.has_role("staff")


def test_roster_import_with_a_bad_row_saves_nothing(org, login):
    client = login(org.admin)
    bad = _xlsx(
        [
            HEADER,
            ["N003", "新干部丙", "newc", "13900000003", "", org.department.name, "other_cadre", "staff"],
            ["N004", "没有手机", "newd", "", "", org.department.name, "other_cadre", "staff"],  # R-ORG-4
            ["N005", "部门不存在", "newe", "13900000005", "", "不存在的部门", "other_cadre", "staff"],
        ]
    )
    response = client.post("/settings/roster/", {"kind": "people", "file": bad})
    outcome = response.context["outcome"]
    assert not outcome.ok
    rows_with_errors = [n for n, _ in outcome.errors]
    assert rows_with_errors == [2, 3]
    assert not User.objects.filter(employee_no__in=["N003", "N004", "N005"]).exists()
    assert response.context["token"] is None


def test_r_org_4_profile_without_mobile_is_refused(org, login):
    """A roster row without a reachable mobile (missing or not a mainland mobile) is refused with
    the whole file, naming the row and the column; the same rows with mobiles are imported."""
    client = login(org.admin)
    rows = [
        ["N101", "有手机", "has_mobile", "13900000101", "", org.department.name, "other_cadre", "staff"],
        ["N102", "没有手机", "no_mobile", "", "", org.department.name, "other_cadre", "staff"],
        ["N103", "号码不对", "bad_mobile", "1234567", "", org.department.name, "other_cadre", "staff"],
    ]
    refused = client.post("/settings/roster/", {"kind": "people", "file": _xlsx([HEADER, *rows])})
    outcome = refused.context["outcome"]
    assert not outcome.ok and refused.context["token"] is None
    assert [n for n, _ in outcome.errors] == [2, 3]
    assert all("mobile" in str(err) for _, err in outcome.errors)
    assert not User.objects.filter(employee_no__in=["N101", "N102", "N103"]).exists()
    # The model refuses it at every other door too (admin, shell).
    org.staff.mobile = ""
    with pytest.raises(ValidationError) as exc:
        org.staff.full_clean()
    assert "mobile" in exc.value.message_dict
    # Allowed: the same rows with reachable mobiles.
    rows[1][3], rows[2][3] = "13900000102", "18600000103"
    preview = client.post("/settings/roster/", {"kind": "people", "file": _xlsx([HEADER, *rows])})
    assert preview.context["outcome"].ok
    done = client.post(
        "/settings/roster/", {"kind": "people", "token": preview.context["token"], "confirm": "1"}
    )
    assert done.status_code == 302
    assert dict(
        User.objects.filter(employee_no__in=["N101", "N102", "N103"]).values_list("employee_no", "mobile")
    ) == {
        "N101": "13900000101",
        "N102": "13900000102",
        "N103": "18600000103",
    }


def test_roster_export(org, login):
    response = login(org.admin).get("/settings/roster/?kind=people&export=xlsx")
    assert response.status_code == 200
    assert filename_of(response) == export_filename(pgettext("file name", "people"), ext="xlsx")
