"""Text shown to people is stored as a message id with parameters and rendered in the reader's
language (township/messages.py): findings, their system-written resolutions, notifications and
approval summaries read in English on an English page and in Chinese on a Chinese page, whatever
language was active when they were written; rows written before messages were stored still show
their text."""

import ast
import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from township.approvals import approval_decide, approval_submit
from township.findings import FindingSpec, finding_raise, findings_raise
from township.messages import Message, msg, render_text
from township.models import ApprovalStatus, Finding, Notification, Village
from township.notify import notify

LATE = gettext_noop(
    "arrived %(n)d min late (first punch %(t)s)"
)  # conduct: 迟到 %(n)d 分钟（首次打卡 %(t)s）
MEETING = gettext_noop("Meeting %(date)s: %(title)s")  # meetings: 会议 %(date)s：%(title)s
DEADLINE = gettext_noop("Petition %(no)s: deadline %(due)s passed (%(status)s)")  # petitions


def in_(lang, fn):
    with translation.override(lang):
        return fn()


def page(client, user, url, lang):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the message itself --------------------------------------------------------------------------


def test_a_message_renders_in_the_active_language_with_its_parameters():
    late = msg(LATE, n=31, t="08:31")
    assert in_("en", late.render) == "arrived 31 min late (first punch 08:31)"
    assert in_("zh-hans", late.render) == "迟到 31 分钟（首次打卡 08:31）"
    assert in_("zh-hans", lambda: str(late)) == "迟到 31 分钟（首次打卡 08:31）"


def test_a_status_label_parameter_is_translated_with_the_message_around_it():
    text = msg(DEADLINE, no="XF-7", due=dt.date(2026, 11, 2), status=ApprovalStatus.APPROVED.label)
    assert in_("en", text.render) == "Petition XF-7: deadline 2026-11-02 passed (Approved)"
    assert in_("zh-hans", text.render) == "信访件XF-7：已超过2026-11-02的期限（已同意）"


@pytest.mark.any_message_id
def test_json_keeps_nested_messages_dates_times_and_amounts():
    text = msg(
        gettext_noop("Reminder: waiting for your approval since %(when)s: %(what)s"),
        when=dt.datetime(2026, 11, 30, 1, 5, tzinfo=dt.UTC),  # 09:05 in Shanghai
        what=msg(MEETING, date=dt.date(2026, 12, 1), title="党委会"),
    )
    data = text.to_json()
    assert data == {
        "id": "Reminder: waiting for your approval since %(when)s: %(what)s",
        "params": {
            "when": {"datetime": "2026-11-30T01:05:00+00:00"},
            "what": {
                "msg": {
                    "id": "Meeting %(date)s: %(title)s",
                    "params": {"date": {"date": "2026-12-01"}, "title": "党委会"},
                }
            },
        },
    }
    again = Message.from_json(data)
    assert again == text
    assert in_("en", again.render) == (
        "Reminder: waiting for your approval since 2026-11-30 09:05: Meeting 2026-12-01: 党委会"
    )
    assert in_("zh-hans", again.render) == "提醒：自 2026-11-30 09:05 起等待您审批：会议 2026-12-01：党委会"
    money = Message.from_json(
        msg(
            "%(plate)s: %(n)s km at %(t)s",
            plate="川R01A01",
            n=Decimal("12.50"),
            t=dt.time(8, 5),
        ).to_json()
    )
    assert money.params == {"plate": "川R01A01", "n": Decimal("12.50"), "t": dt.time(8, 5)}
    assert in_("en", money.render) == "川R01A01: 12.50 km at 08:05"


@pytest.mark.any_message_id
def test_render_text_falls_back_to_the_stored_text():
    assert render_text(None, "旧的文字") == "旧的文字"
    assert render_text({}, "旧的文字") == "旧的文字"
    assert render_text({"params": {}}, "旧的文字") == "旧的文字"  # no id
    assert render_text({"id": "%(n)d days", "params": {"n": {"bogus": 1}}}, "旧的文字") == "旧的文字"
    assert render_text({"id": "%(n)d days", "params": {"n": 3}}, "x") == "3 days"


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_the_source(monkeypatch):
    import township.messages as messages

    monkeypatch.setattr(messages, "gettext", lambda s: "迟到 %(minutes)d 分钟")
    assert msg(LATE, n=31, t="08:31").render() == "arrived 31 min late (first punch 08:31)"


# --- findings ------------------------------------------------------------------------------------


def test_finding_raised_in_chinese_keeps_its_detail_and_reads_in_the_readers_language(org):
    with translation.override("zh-hans"):
        f = finding_raise(
            rule_id="R-ATT-2", township=org.township, person=org.staff, detail=msg(LATE, n=31, t="08:31")
        )
    f.refresh_from_db()
    assert f.detail == "迟到 31 分钟（首次打卡 08:31）"  # as raised, for search and the admin
    assert f.message == {"id": LATE, "params": {"n": 31, "t": "08:31"}}
    assert in_("en", lambda: f.text) == "arrived 31 min late (first punch 08:31)"
    assert in_("zh-hans", lambda: f.text) == "迟到 31 分钟（首次打卡 08:31）"


def test_findings_raise_stores_the_message_of_each_spec_and_plain_text_as_it_was(org):
    findings_raise(
        [
            FindingSpec("R-ATT-2", org.township.pk, msg(LATE, n=5, t="08:35"), person_id=org.staff.pk),
            FindingSpec("R-ATT-3", org.township.pk, "手写的说明", person_id=org.staff.pk),
        ]
    )
    late = Finding.objects.get(rule_id="R-ATT-2")
    typed = Finding.objects.get(rule_id="R-ATT-3")
    assert late.detail == "arrived 5 min late (first punch 08:35)"  # tests run in English
    assert in_("zh-hans", lambda: late.text) == "迟到 5 分钟（首次打卡 08:35）"
    assert typed.message is None
    assert in_("en", lambda: typed.text) == "手写的说明"


def test_finding_pages_show_the_readers_language_and_old_rows_their_detail(client, org):
    with translation.override("zh-hans"):
        finding_raise(
            rule_id="R-ATT-2", township=org.township, person=org.staff, detail=msg(LATE, n=31, t="08:31")
        )
    Finding.objects.create(
        township=org.township,
        rule_id="R-ATT-3",
        on_date=dt.date(2026, 1, 5),
        person=org.colleague,
        subject_key="old",
        detail="旧记录：无故缺勤",
    )
    english = page(client, org.inspector, reverse("finding_list"), "en")
    assert "arrived 31 min late (first punch 08:31)" in english
    assert "迟到 31 分钟" not in english
    assert "旧记录：无故缺勤" in english
    chinese = page(client, org.inspector, reverse("finding_list"), "zh-hans")
    assert "迟到 31 分钟（首次打卡 08:31）" in chinese
    assert "arrived 31 min late" not in chinese
    assert "旧记录：无故缺勤" in chinese


def test_a_system_resolution_reads_in_the_readers_language(org):
    from township.supervision import satisfaction_review

    f = Finding.objects.create(
        township=org.township,
        rule_id="R-SUP-5",
        on_date=dt.date(2025, 12, 31),
        department=org.department,
        subject_key=f"department:{org.department.pk}:2025",
        detail="x",
    )
    with translation.override("zh-hans"):
        satisfaction_review(township_id=org.township.pk, year=2025)  # no ranking: withdrawn
    f.refresh_from_db()
    assert f.status == "dismissed"
    assert f.resolution_message == {
        "id": "Withdrawn: the satisfaction ranking it rested on was reopened or corrected.",
        "params": {},
    }
    assert in_("en", lambda: f.resolution_text) == (
        "Withdrawn: the satisfaction ranking it rested on was reopened or corrected."
    )
    old = Finding(resolution="经核实系公务外出")
    assert in_("en", lambda: old.resolution_text) == "经核实系公务外出"


# --- notifications and approvals -----------------------------------------------------------------


def test_notification_sent_in_chinese_reads_in_english_on_an_english_page(client, org):
    with translation.override("zh-hans"):
        note = notify(org.staff, msg(gettext_noop("Meeting cancelled: %(m)s"), m="2026-12-01 党委会"), "/x")
    assert note.text == "会议已取消：2026-12-01 党委会"
    Notification.objects.create(recipient=org.staff, text="旧通知：请及时补卡")
    english = page(client, org.staff, reverse("notification_list"), "en")
    assert "Meeting cancelled: 2026-12-01 党委会" in english
    assert "会议已取消" not in english
    assert "旧通知：请及时补卡" in english
    chinese = page(client, org.staff, reverse("notification_list"), "zh-hans")
    assert "会议已取消：2026-12-01 党委会" in chinese


def _day_off(org, summary):
    target = Village.objects.create(township=org.township, name="t", code="c-msg")
    target._test_days = 1
    import township.tests.kinds  # noqa: F401 - registers the test kind

    return approval_submit(actor=org.staff, kind="test_day_off", target=target, summary=summary)


@pytest.mark.any_message_id
def test_approval_summary_and_its_notifications_read_in_the_readers_language(client, org):
    summary = msg(MEETING, date=dt.date(2026, 12, 1), title="党委会")
    with translation.override("zh-hans"):
        req = _day_off(org, summary)
        approval_decide(actor=org.head, request_id=req.pk, decision="approve")
    req.refresh_from_db()
    assert req.summary == "会议 2026-12-01：党委会"
    assert in_("en", lambda: req.summary_text) == "Meeting 2026-12-01: 党委会"
    asked = Notification.objects.get(recipient=org.head)
    decided = Notification.objects.get(recipient=org.staff)
    assert (
        in_("en", lambda: asked.display_text)
        == f"{org.staff} asks for your approval: Meeting 2026-12-01: 党委会"
    )
    assert in_("zh-hans", lambda: asked.display_text) == f"{org.staff} 提请您审批：会议 2026-12-01：党委会"
    # the status label is a message too
    assert in_("en", lambda: decided.display_text) == f"Meeting 2026-12-01: 党委会: Approved by {org.head}"
    assert in_("zh-hans", lambda: decided.display_text) == f"会议 2026-12-01：党委会：已由 {org.head} 已同意"
    url = reverse("approval_detail", args=[req.pk])
    english = page(client, org.staff, url, "en")
    assert "Meeting 2026-12-01: 党委会" in english and "会议 2026-12-01" not in english
    assert "会议 2026-12-01：党委会" in page(client, org.staff, url, "zh-hans")


@pytest.mark.any_message_id
def test_an_old_approval_without_a_message_shows_its_summary(client, org):
    req = _day_off(org, "三天事假")
    assert req.summary_message is None
    assert "三天事假" in page(client, org.staff, reverse("approval_detail", args=[req.pk]), "en")
    assert in_("en", lambda: Notification.objects.get(recipient=org.head).display_text) == (
        f"{org.staff} asks for your approval: 三天事假"
    )


# --- extraction ----------------------------------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
APPS = ["township", "conduct", "meetings", "fieldwork", "petitions"]


def _is_noop_literal(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "gettext_noop"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _noop_tables(tree) -> set[str]:
    """Names of the module-level dicts whose every value is a literal gettext_noop."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and node.value.values:
            if all(_is_noop_literal(v) for v in node.value.values):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def test_every_message_id_is_a_literal_gettext_noop_that_makemessages_extracts():
    ids, files, loose = set(), [], []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            tables = _noop_tables(tree)
            found = False
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None)
                if name == "msg":
                    found = True
                    first = node.args[0] if node.args else None
                    # a name (fieldwork's quota texts) holds one of the gettext_noop literals below;
                    # TABLE[key] picks one of a module's dict whose every value is such a literal
                    table = isinstance(first, ast.Subscript) and getattr(first.value, "id", None) in tables
                    if not (_is_noop_literal(first) or isinstance(first, ast.Name) or table):
                        loose.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if name == "gettext_noop":
                    found = True
                    if _is_noop_literal(node):
                        ids.add(node.args[0].value)
                    else:
                        loose.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if found:
                files.append(str(path))
    assert loose == []
    assert LATE in ids and "Recomputed: one punch is a missing punch, to be corrected (R-ATT-4)." in ids
    out = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--output=-",
            *files,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    extracted = {e.msgid for e in polib.pofile(out)}
    assert ids - extracted == set()


def test_an_approval_step_label_reads_in_the_readers_language(client, org):
    from township.approvals import ApprovalKind, register_kind, route_by_level
    from township.models import ApprovalStep

    register_kind(
        ApprovalKind(
            code="test_by_level",
            label="test by level",
            route=lambda target, requester: route_by_level(
                "department_head",
                township_id=target.township_id,
                department=requester.department,
                requester=requester,
            ),
        )
    )
    target = Village.objects.create(township=org.township, name="t", code="c-step")
    with translation.override("zh-hans"):
        req = approval_submit(actor=org.staff, kind="test_by_level", target=target, summary="一天事假")
    assert ApprovalStep.objects.get(request=req).label == "Department head"  # its message id
    url = reverse("approval_detail", args=[req.pk])
    assert "<strong>Department head</strong>" in page(client, org.staff, url, "en")
    assert "<strong>部门负责人</strong>" in page(client, org.staff, url, "zh-hans")


# --- rule overrides and petition steps (issue 13's leftovers) ------------------------------------

CAP = gettext_noop(
    "At most %(cap)d meetings of the kind “%(kind)s” a month; %(month)s already has %(n)d approved or waiting"
)  # meetings


def test_a_rule_override_recorded_in_chinese_reads_in_english(client, org):
    from meetings.models import MeetingType
    from township.models import RuleOverride
    from township.rules import Override, enforce, overrides_record

    target = Village.objects.create(township=org.township, name="东河村", code="c-override")
    with translation.override("zh-hans"):
        said = msg(CAP, cap=2, kind=MeetingType.PLENARY.label, month="2026-11", n=2)
        use = enforce("R-MTG-2", False, said, override=Override(org.principal, "防汛紧急部署"))
        overrides_record([use], target=target, township=org.township)
    row = RuleOverride.objects.get()
    assert row.message == "“全体性会议”每月不超过2次，2026-11已有2次已批准或待审批"  # as written
    assert in_("en", lambda: row.text) == (
        "At most 2 meetings of the kind “Plenary (town-wide) meeting” a month; 2026-11 already has 2 approved"
        " or waiting"
    )
    assert in_("zh-hans", lambda: row.text) == row.message
    RuleOverride.objects.filter(pk=row.pk).update(stored_message=None)  # a row older than messages
    row.refresh_from_db()
    assert in_("en", lambda: row.text) == row.message


def test_a_petitions_responsible_leader_written_in_chinese_reads_in_english(client, org):
    from petitions.tests.factories import in_progress

    with translation.override("zh-hans"):
        case = in_progress(org)
    step = case.timeline.get(verb="assign")
    leader = org.leader.full_name
    assert step.note == f"包案领导：{leader}"  # as written
    assert step.note_message == {"id": "Responsible leader: %(who)s", "params": {"who": leader}}
    assert in_("en", lambda: step.note_text) == f"Responsible leader: {leader}"
    url = case.get_absolute_url()
    assert f"Responsible leader: {leader}" in page(client, org.leader, url, "en")
    assert f"包案领导：{leader}" in page(client, org.leader, url, "zh-hans")


def test_a_label_with_a_context_as_a_parameter_keeps_its_context():
    """A pgettext_lazy label (a petition's status "Registered") as a parameter is stored with its
    context and read in the reader's language; looked up without it, it stayed English."""
    from django.utils.translation import pgettext_lazy

    from township.messages import Message, msg

    text = msg(
        gettext_noop("Petition %(no)s: deadline %(due)s passed (%(status)s)"),
        no="X-1",
        due=dt.date(2026, 5, 31),
        status=pgettext_lazy("petition", "Registered"),
    )
    stored = Message.from_json(text.to_json())
    with translation.override("en"):
        assert stored.render() == "Petition X-1: deadline 2026-05-31 passed (Registered)"
    with translation.override("zh-hans"):
        assert stored.render() == "信访件X-1：已超过2026-05-31的期限（已登记）"
