"""Every URL of the project × every role (and anonymous), GET, with path parameters taken from
records that belong to someone else: the expected status of each pair is written down in MATRIX.

- A URL name missing from MATRIX fails (a new page must say who may open it).
- Records of another township (of another county) are never reached: 404 (302 for anonymous, or
  the same 403/405 the role gets on every record of that page).

Print the statuses observed now (to fill a new row): ACCESS_MATRIX_PRINT=1 pytest -s this file.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from township.tests.world import World, world_fixture  # noqa: F401 - the module's data set

ROLES = (
    "anonymous",
    "staff",
    "department_head",
    "leader_in_charge",
    "principal_leader",
    "office_clerk",
    "finance_clerk",
    "inspector",
    "administrator",
    "county_inspector",
    "security_admin",
    "security_auditor",
)
# The admin site (its own permission checks, tested in test_security), Django's language switch.
EXCLUDED_ROUTES = ("admin/", "i18n/", "static/", "media/")

# Path parameters: the record of the given side (the township logged in, or the other one).
PARAMS = {
    "approval_detail": lambda s: {"pk": s["approval"].pk},
    "person_detail": lambda s: {"pk": s["person"].pk},
    "person_sessions_end": lambda s: {"pk": s["person"].pk},
    "appraisal_report": lambda s: {"pk": s["appraisal"].pk},
    "appraisal_pdf": lambda s: {"pk": s["appraisal"].pk},
    "appraisal_xlsx": lambda s: {"pk": s["appraisal"].pk},
    "survey_round_close": lambda s: {"pk": s["survey_round"].pk},
    "survey_round_reopen": lambda s: {"pk": s["survey_round"].pk},
    "conduct:leave_detail": lambda s: {"pk": s["leave"].pk},
    "conduct:trip_detail": lambda s: {"pk": s["trip"].pk},
    "conduct:trip_scan": lambda s: {"pk": s["trip"].pk},
    "reception:reception_detail": lambda s: {"pk": s["reception"].pk},
    "reception:reception_list_fill": lambda s: {"pk": s["reception"].pk},
    "reception:reception_pdf": lambda s: {"pk": s["reception"].pk},
    "reception:reception_letter": lambda s: {"pk": s["reception"].pk},
    "reception:expense_detail": lambda s: {"pk": s["expense"].pk},
    "reception:expense_invoice": lambda s: {"pk": s["expense"].pk},
    "reception:vehicle_use_detail": lambda s: {"pk": s["vehicle_use"].pk},
    "reception:disclosure_detail": lambda s: {"pk": s["disclosure"].pk},
    "reception:public_list": lambda s: {"township": s.org.township.code},
    "reception:public_detail": lambda s: {"township": s.org.township.code, "pk": s["disclosure"].pk},
    "meetings:detail": lambda s: {"pk": s["meeting"].pk},
    "meetings:record": lambda s: {"pk": s["meeting"].pk},
    "meetings:cancel": lambda s: {"pk": s["meeting"].pk},
    "meetings:minutes_file": lambda s: {"pk": s["meeting"].pk},
    "meetings:ical": lambda s: {"token": s["feed"].token},
    "meetings:document_detail": lambda s: {"pk": s["document"].pk},
    "fieldwork:visit_detail": lambda s: {"pk": s["visit"].pk},
    "fieldwork:visit_delete": lambda s: {"pk": s["visit"].pk},
    "fieldwork:photo": lambda s: {"pk": s["photo"].pk},
    "fieldwork:follow_up_detail": lambda s: {"pk": s["follow_up"].pk},
    "fieldwork:progress": lambda s: {"pk": s["person"].pk},
    "fieldwork:village_detail": lambda s: {"pk": s.village.pk},
    "fieldwork:report_detail": lambda s: {"pk": s["report"].pk},
    "fieldwork:report_edit": lambda s: {"pk": s["report"].pk},
    "fieldwork:report_file": lambda s: {"pk": s["report"].pk},
    "fieldwork:household_detail": lambda s: {"pk": s["household"].pk},
    "fieldwork:household_edit": lambda s: {"pk": s["household"].pk},
    "fieldwork:public_township": lambda s: {"township": s.org.township.code},
    "fieldwork:public_village": lambda s: {"township": s.org.township.code, "village": s.village.code},
    "petitions:case_detail": lambda s: {"pk": s["case"].pk},
    "petitions:case_step": lambda s: {"pk": s["case"].pk, "verb": "accept"},
    "petitions:case_extend": lambda s: {"pk": s["case"].pk},
    "petitions:attachment_add": lambda s: {"pk": s["case"].pk},
    "petitions:attachment_download": lambda s: {"pk": s["case"].pk, "attachment_id": s["attachment"].pk},
    "petitions:case_reply_pdf": lambda s: {"pk": s["case"].pk},
    "petitions:public_reception_days": lambda s: {"code": s.org.township.code},
    # POST only, and only the person's own record (township.tests.test_offline): 405 before any lookup.
    "offline_correct": lambda s: {"pk": 1},
    "offline_discard": lambda s: {"pk": 1},
}

# Pages anyone may open (no login); another township's public page is public too.
PUBLIC = {
    "healthz",
    "service_worker",
    "web_manifest",
    "login",
    "meetings:ical",
    "reception:public_list",
    "reception:public_detail",
    "fieldwork:public_township",
    "fieldwork:public_village",
    "petitions:public_reception_days",
}

# fmt: off
# Columns: anonymous, staff, department head, leader in charge, principal leader, office clerk (clk),
# finance clerk (fin), inspector, system administrator (adm), county-level inspector (cty), security
# administrator (sad) and security auditor (aud) holding only their role (三员分立).
# 302 for anonymous means "sent to the login page"; records belong to a colleague of the staff
# member (same department) or were made by the clerks.
MATRIX: dict[str, str] = {
    #                                          ano sta hea lic pri clk fin ins adm cty sad aud
    "appraisal_list":                         "302 403 403 403 200 403 403 200 200 200 403 403",
    "appraisal_pdf":                          "302 403 403 403 200 403 403 200 200 200 403 403",
    "appraisal_progress":                     "302 403 403 403 200 403 403 200 200 200 403 403",
    "appraisal_report":                       "302 403 403 403 200 403 403 200 200 200 403 403",
    "appraisal_start":                        "405 405 405 405 405 405 405 405 405 405 405 405",
    "appraisal_xlsx":                         "302 403 403 403 200 403 403 200 200 200 403 403",
    "approval_detail":                        "302 404 200 404 200 404 404 200 200 200 404 404",
    "approval_inbox":                         "302 200 200 200 200 200 200 200 200 200 200 200",
    "conduct:correction_list":                "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:daily_summary":                  "302 403 403 200 200 403 403 200 200 200 403 403",
    "conduct:department_sheet":               "302 403 200 200 200 403 403 200 200 200 403 403",
    "conduct:index":                          "302 200 200 200 200 200 200 200 200 200 200 200",
    "conduct:leave_detail":                   "302 404 200 200 200 404 404 200 200 200 404 404",
    "conduct:leave_list":                     "302 200 200 200 200 200 200 200 200 200 200 200",
    "conduct:leave_new":                      "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:punch":                          "302 405 405 405 405 405 405 405 405 405 405 405",
    "conduct:punch_import":                   "302 403 403 403 403 200 403 403 200 403 403 403",
    "conduct:registration_list":              "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:roster":                         "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:study_list":                     "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:trip_detail":                    "302 404 200 200 200 404 404 200 200 200 404 404",
    "conduct:trip_list":                      "302 200 200 200 200 200 200 200 200 200 200 200",
    "conduct:trip_new":                       "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:trip_scan":                      "302 404 200 200 200 404 404 200 200 200 404 404",
    "conduct:worklog_list":                   "302 200 200 200 200 200 200 200 200 403 200 200",
    "conduct:worklog_report":                 "302 403 200 200 200 403 403 200 200 200 403 403",
    "crosscheck_list":                        "302 403 403 403 200 403 403 200 200 200 403 403",
    "crosscheck_progress":                    "302 403 403 403 200 403 403 200 200 200 403 403",
    "crosscheck_start":                       "405 405 405 405 405 405 405 405 405 405 405 405",
    "fieldwork:follow_up_detail":             "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:follow_up_list":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:household_create":             "302 403 403 200 200 200 403 403 200 403 403 403",
    "fieldwork:household_detail":             "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:household_edit":               "302 403 403 200 200 200 403 403 200 403 403 403",
    "fieldwork:household_import":             "302 403 403 200 200 200 403 403 200 403 403 403",
    "fieldwork:household_list":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:index":                        "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:photo":                        "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:progress":                     "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:public_township":              "200 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:public_village":               "200 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:quota":                        "302 302 200 200 200 302 302 200 200 200 302 302",
    "fieldwork:report_create":                "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:report_detail":                "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:report_edit":                  "302 404 403 403 403 404 404 403 403 403 404 404",
    "fieldwork:report_file":                  "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:report_list":                  "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:topic_list":                   "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:village_detail":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:village_list":                 "302 200 200 200 200 200 200 200 200 200 200 200",
    "fieldwork:visit_create":                 "302 200 200 200 200 200 200 200 200 403 200 200",
    "fieldwork:visit_delete":                 "302 405 405 405 405 405 405 405 405 405 405 405",
    "fieldwork:visit_detail":                 "302 404 200 200 200 404 404 200 200 200 404 404",
    "fieldwork:visit_list":                   "302 200 200 200 200 200 200 200 200 200 200 200",
    "finding_list":                           "302 403 403 403 200 403 403 200 200 200 403 403",
    "finding_triage":                         "302 403 403 403 302 403 403 302 302 302 403 403",
    "healthz":                                "200 200 200 200 200 200 200 200 200 200 200 200",
    "home":                                   "302 200 200 200 200 200 200 200 200 200 200 200",
    "indicator_settings":                     "302 403 403 403 403 403 403 200 200 200 403 403",
    "login":                                  "200 200 200 200 200 200 200 200 200 200 200 200",
    "logout":                                 "405 405 405 405 405 405 405 405 405 405 405 405",
    "meetings:calendar":                      "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:calendar_week":                 "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:cancel":                        "405 405 405 405 405 405 405 405 405 405 405 405",
    "meetings:detail":                        "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:document_detail":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:document_list":                 "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:document_new":                  "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:feed":                          "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:figures":                       "302 403 403 200 200 200 403 200 200 403 403 403",
    "meetings:ical":                          "200 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:index":                         "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:merge_candidates":              "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:minutes_file":                  "302 200 200 200 200 200 200 200 200 200 200 200",
    "meetings:new":                           "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:press_list":                    "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:press_new":                     "302 200 200 200 200 200 200 200 200 403 200 200",
    "meetings:record":                        "302 403 200 200 200 200 403 403 403 403 403 403",
    "notification_list":                      "302 200 200 200 200 200 200 200 200 200 200 200",
    "offline_correct":                        "302 405 405 405 405 405 405 405 405 405 405 405",
    "offline_discard":                        "302 405 405 405 405 405 405 405 405 405 405 405",
    "offline_queue":                          "302 200 200 200 200 200 200 200 200 200 200 200",
    "offline_status":                         "401 200 200 200 200 200 200 200 200 200 200 200",
    "offline_sync":                           "405 405 405 405 405 405 405 405 405 405 405 405",
    "password_change":                        "302 200 200 200 200 200 200 200 200 200 200 200",
    "password_change_done":                   "302 200 200 200 200 200 200 200 200 200 200 200",
    "person_detail":                          "302 404 200 200 200 404 404 200 200 200 200 404",
    "person_sessions_end":                    "302 403 403 403 403 403 403 403 403 403 405 403",
    "person_list":                            "302 403 200 200 200 403 403 200 200 200 403 403",
    "petitions:access_log":                   "302 403 403 403 403 403 403 200 403 200 403 200",
    "petitions:attachment_add":               "302 405 405 405 405 405 405 405 405 405 405 405",
    "petitions:attachment_download":          "302 404 200 200 404 200 404 200 404 200 404 404",
    "petitions:case_detail":                  "302 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:case_extend":                  "302 405 405 405 405 405 405 405 405 405 405 405",
    "petitions:case_import":                  "302 403 403 403 403 200 403 403 403 403 403 403",
    "petitions:case_register":                "302 403 403 200 200 200 403 403 403 403 403 403",
    "petitions:case_reply_pdf":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:case_step":                    "302 405 405 405 405 405 405 405 405 405 405 405",
    "petitions:index":                        "302 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:monthly_report":               "302 403 403 200 200 200 403 200 403 200 403 403",
    "petitions:public_reception_days":        "200 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:reception_days":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:reception_records":            "302 200 200 200 200 200 200 200 200 200 200 200",
    "petitions:statistics":                   "302 403 403 200 200 200 403 200 403 200 403 403",
    "policy_settings":                        "302 403 403 403 403 403 403 200 200 200 403 403",
    "reception:budget":                       "302 403 403 200 200 200 200 200 200 200 403 403",
    "reception:disclosure_detail":            "302 403 403 200 200 200 200 200 200 200 403 403",
    "reception:disclosure_list":              "302 403 403 200 200 200 200 200 200 200 403 403",
    "reception:expense_create":               "302 403 403 403 403 200 200 403 200 403 403 403",
    "reception:expense_detail":               "302 404 404 200 200 200 200 200 200 200 404 404",
    "reception:expense_import":               "302 403 403 403 403 403 200 403 200 403 403 403",
    "reception:expense_invoice":              "302 404 404 200 200 200 200 200 200 200 404 404",
    "reception:expense_list":                 "302 200 200 200 200 200 200 200 200 200 200 200",
    "reception:index":                        "302 200 200 200 200 200 200 200 200 200 200 200",
    "reception:public_detail":                "200 200 200 200 200 200 200 200 200 200 200 200",
    "reception:public_list":                  "200 200 200 200 200 200 200 200 200 200 200 200",
    "reception:reception_create":             "302 403 403 403 403 200 403 403 200 403 403 403",
    "reception:reception_detail":             "302 200 404 200 200 200 200 200 200 200 404 404",
    "reception:reception_letter":             "302 200 404 200 200 200 200 200 200 200 404 404",
    "reception:reception_list":               "302 200 200 200 200 200 200 200 200 200 200 200",
    "reception:reception_list_fill":          "302 403 403 403 403 200 403 403 200 403 403 403",
    "reception:reception_pdf":                "302 200 404 200 200 200 200 200 200 200 404 404",
    "reception:vehicle_list":                 "302 200 200 200 200 200 200 200 200 200 200 200",
    "reception:vehicle_use_create":           "302 200 200 200 200 200 200 200 200 404 200 200",
    "reception:vehicle_use_detail":           "302 404 404 200 200 200 200 200 200 200 404 404",
    "roster_import":                          "302 403 403 403 403 403 403 403 200 403 403 403",
    "audit_trail":                            "302 403 403 403 403 403 403 403 403 403 403 200",
    "security_log":                           "302 403 403 403 403 403 403 403 403 403 403 200",
    "service_worker":                         "200 200 200 200 200 200 200 200 200 200 200 200",
    "role_grant_list":                        "302 403 403 403 403 403 403 403 403 403 403 200",
    "spot_check_list":                        "302 403 403 200 200 403 403 200 200 200 403 403",
    "supervision_dashboard":                  "302 403 403 403 200 403 403 200 200 200 403 403",
    "survey_list":                            "302 403 403 403 200 403 403 200 200 200 403 403",
    "survey_round_close":                     "302 403 403 403 403 403 403 405 405 405 403 403",
    "survey_round_reopen":                    "302 403 403 403 403 403 403 405 405 405 403 403",
    "violation_list":                         "302 403 403 200 200 403 403 200 200 200 403 403",
    "work_calendar":                          "302 403 403 403 403 403 403 403 200 403 403 403",
    "web_manifest":                           "200 200 200 200 200 200 200 200 200 200 200 200",
}
# fmt: on


def url_names() -> list[tuple[str, str]]:
    """(qualified name, route) of every named URL pattern of the project."""
    out = []

    def walk(resolver, prefix, ns):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                child = ":".join(x for x in (ns, p.namespace) if x)
                walk(p, prefix + str(p.pattern), child)
            elif isinstance(p, URLPattern):
                name = ":".join(x for x in (ns, p.name or "") if x)
                out.append((name, prefix + str(p.pattern)))

    walk(get_resolver(), "", "")
    return out


def checked_names() -> list[str]:
    names = []
    for name, route in url_names():
        if route.startswith(EXCLUDED_ROUTES):
            continue
        assert name, f"the URL {route!r} has no name: name it so the access matrix can check it"
        names.append(name)
    return sorted(set(names))


def _url(name, side):
    return reverse(name, kwargs=PARAMS[name](side) if name in PARAMS else None)


def _expected(name: str) -> dict[str, int]:
    codes = MATRIX[name].split()
    assert len(codes) == len(ROLES), f"MATRIX[{name!r}] needs {len(ROLES)} statuses, one per role"
    return dict(zip(ROLES, (int(c) for c in codes), strict=True))


def _client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _status(client, url, anonymous):
    response = client.get(url)
    code = response.status_code
    if anonymous and code == 302 and not response.url.startswith("/accounts/login/"):
        return -302  # a redirect, but not to the login page
    return code


def test_every_url_has_a_row_in_the_matrix():
    missing = [n for n in checked_names() if n not in MATRIX]
    unparametrised = [n for n, route in url_names() if n in MATRIX and "<" in route and n not in PARAMS]
    assert not missing, (
        "These URL names have no row in MATRIX of township/tests/test_access_matrix.py; add one "
        "(the expected status for each role) and, for a path parameter, an entry in PARAMS: "
        + ", ".join(missing)
    )
    assert not unparametrised, f"add these to PARAMS (their path parameters): {unparametrised}"
    stale = sorted(set(MATRIX) - set(checked_names()))
    assert not stale, f"MATRIX rows of URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world: World, role, db):
    user = world.users()[role]
    client = _client(user)
    observed, wrong = {}, []
    for name in checked_names():
        if name not in MATRIX and not os.environ.get("ACCESS_MATRIX_PRINT"):
            continue
        code = _status(client, _url(name, world.mine), user is None)
        observed[name] = code
        if name in MATRIX and _expected(name)[role] != code:
            wrong.append(f"{name}: expected {_expected(name)[role]}, got {code}")
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        path = f"/tmp/access-matrix-{role}.txt"
        with open(path, "w") as fh:
            for name, code in observed.items():
                fh.write(f"{name} {code}\n")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_another_townships_records_are_never_reached(world: World, role, db):
    user = world.users()[role]
    client = _client(user)
    wrong = []
    for name in sorted(PARAMS):
        if name in PUBLIC:
            continue
        code = _status(client, _url(name, world.theirs), user is None)
        own = _expected(name)[role] if name in MATRIX else None
        if user is None:
            ok = code == 302 or (code == 405 and own == code)
        else:
            ok = code == 404 or (code in (403, 405) and own == code)
        if not ok:
            wrong.append(f"{name}: got {code}")
    assert not wrong, f"as {role}, another township's records:\n" + "\n".join(wrong)
