"""Attendance findings and their recomputed resolutions read in the reader's language, whatever
language the day was computed in (township/messages.py)."""

import pytest
from django.test import TestCase
from django.utils import translation

from conduct.services import attendance_compute_day, leave_submit
from conduct.tests.factories import MON, punch
from township.approvals import approval_decide
from township.models import Finding, FindingStatus

pytestmark = pytest.mark.django_db


def in_(lang, fn):
    with translation.override(lang):
        return fn()


def test_r_att_2_late_and_early_computed_in_chinese_read_in_english(org):
    punch(org.head, MON, "08:40")  # 10 min late (08:30)
    punch(org.head, MON, "17:40")  # 20 min early (18:00)
    punch(org.staff, MON, "08:47")  # 17 min late
    punch(org.staff, MON, "18:05")
    with translation.override("zh-hans"):
        attendance_compute_day(township_id=org.township.pk, day=MON)
    both = Finding.objects.get(rule_id="R-ATT-2", person=org.head)
    late = Finding.objects.get(rule_id="R-ATT-2", person=org.staff)
    name, staff = org.head.full_name, org.staff.full_name
    assert both.detail == f"{name}：迟到 10 分钟（首次打卡 08:40）；早退 20 分钟（末次打卡 17:40）"
    assert in_("en", lambda: both.text) == (
        f"{name}: arrived 10 min late (first punch 08:40); left 20 min early (last punch 17:40)"
    )
    assert in_("en", lambda: late.text) == f"{staff}: arrived 17 min late (first punch 08:47)"
    assert in_("zh-hans", lambda: late.text) == f"{staff}：迟到 17 分钟（首次打卡 08:47）"


def test_a_recomputed_day_dismisses_its_finding_with_a_resolution_in_the_readers_language(org):
    with translation.override("zh-hans"):
        attendance_compute_day(township_id=org.township.pk, day=MON)  # no punch: absent
        leave = leave_submit(actor=org.staff, kind="sick", start_date=MON, end_date=MON, reason="发烧")
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.head, request_id=leave.approval_id, decision="approve")
    finding = Finding.objects.get(rule_id="R-ATT-3", person=org.staff, on_date=MON)
    assert finding.status == FindingStatus.DISMISSED
    assert finding.resolution == "已重新计算：当天已有请假、出差、驻村或经批准的补卡。"
    assert in_("en", lambda: finding.resolution_text) == (
        "Recomputed: the day is covered (leave, trip, field day or approved correction)."
    )
    assert in_("en", lambda: finding.text) == (
        f"{org.staff.full_name}: absent on a working day without approved leave, trip or field day"
    )
