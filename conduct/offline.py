"""The attendance records a cadre can make on the phone without signal (issue 18, township.offline):
a clock-in/out, a work log and a leaving-the-township registration (离镇报备).  Each is saved
through the same form and service as the live page, so every rule applies as it would there.

- A punch keeps the time it was taken on the phone (``Punch.at``); the record of its arrival is the
  core's ``OfflineRecord``.  R-ATT-5 flags a punch that arrived more than ``R-ATT-5.minutes`` after
  it was taken without a connection gap that explains it (its lateness, R-ATT-2, is judged on
  the taking time either way: the flag is what lets an inspector doubt it).
- A work log counts as written on the day it was taken (R-LOG-1) only when it arrived within
  ``R-ATT-5.minutes`` or a connection gap explains the delay; otherwise it is judged on the day it
  arrived, as a live one.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from conduct import services
from conduct.forms import PunchForm, RegistrationForm, WorkLogForm
from township.findings import finding_raise
from township.messages import msg
from township.offline import OfflineKind, form_errors, register_offline_kind
from township.policy import policy


def _valid(form):
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def save_punch(*, actor, submission):
    from conduct.views import PUNCH_DEVICE_COOKIE

    data = _valid(PunchForm(submission.data))
    token = submission.cookies.get(PUNCH_DEVICE_COOKIE, "")
    punch = services.punch_clock(
        actor=actor,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        now=submission.taken_at,
        device=f"browser:{token}" if token else "browser",
    )
    minutes = policy("R-ATT-5.minutes", township=actor.township_id, on=submission.taken_on)
    if not submission.explained(minutes):
        late = int((submission.received_at - submission.taken_at).total_seconds() // 60)
        finding_raise(
            rule_id="R-ATT-5",
            township=actor.township_id,
            detail=msg(
                gettext_noop(
                    "%(name)s: a punch taken at %(taken)s on the phone arrived at %(received)s, "
                    "%(n)d min later, with no connection gap to explain it"
                ),
                name=actor.full_name,
                taken=timezone.localtime(submission.taken_at),
                received=timezone.localtime(submission.received_at),
                n=late,
            ),
            on_date=submission.taken_on,
            person=actor,
            target=punch,
        )
    return punch


def save_worklog(*, actor, submission):
    data = _valid(WorkLogForm(submission.data))
    minutes = policy("R-ATT-5.minutes", township=actor.township_id, on=submission.taken_on)
    today = submission.taken_on if submission.explained(minutes) else None
    return services.worklog_write(actor=actor, date=data["date"], content=data["content"], today=today)


def save_registration(*, actor, submission):
    return services.registration_submit(actor=actor, **_valid(RegistrationForm(submission.data)))


def register() -> None:
    register_offline_kind(
        OfflineKind(
            "punch",
            _("Clock in or out"),
            "conduct:index",
            save_punch,
            url=lambda punch: reverse("conduct:index"),
        )
    )
    register_offline_kind(OfflineKind("worklog", _("Work log"), "conduct:worklog_list", save_worklog))
    register_offline_kind(
        OfflineKind(
            "leaving",
            _("Leaving the township"),
            "conduct:registration_list",
            save_registration,
            url=lambda registration: reverse("conduct:registration_list"),
        )
    )
