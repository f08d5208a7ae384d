"""R-MTG-2/3 and R-MTG-11 under concurrency: two clerks take the last slot at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from meetings.models import Meeting, MeetingType, PressRequest
from meetings.tests.factories import RoomFactory, draft, next_month_day, submit

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except ValidationError as exc:
            outcomes[i] = ("refused", " ".join(exc.messages))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_r_mtg_2_two_clerks_taking_the_last_plenary_slot_exactly_one_succeeds():
    from conftest import build_org
    from meetings.services import meeting_request_submit

    org = build_org()
    submit(org, meeting_type=MeetingType.PLENARY)  # one of two slots taken
    drafts = [
        draft(org, meeting_type=MeetingType.PLENARY, room=RoomFactory(township=org.township))
        for _ in range(2)
    ]
    outcomes = race(
        lambda: meeting_request_submit(actor=org.clerk, draft=drafts[0]),
        lambda: meeting_request_submit(actor=org.head, draft=drafts[1]),
    )
    kinds = sorted(o[0] for o in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert "R-MTG-2" in next(o[1] for o in outcomes if o[0] == "refused")
    assert Meeting.objects.filter(meeting_type=MeetingType.PLENARY).count() == 2


def test_r_mtg_3_concurrent_business_requests_never_exceed_the_cap():
    from conftest import build_org
    from meetings.services import meeting_request_submit

    org = build_org()
    people = [org.clerk, org.head, org.staff, org.colleague]
    drafts = [
        draft(org, meeting_type=MeetingType.BUSINESS, room=RoomFactory(township=org.township)) for _ in people
    ]
    outcomes = race(
        *[
            lambda p=p, d=d: meeting_request_submit(actor=p, draft=d)
            for p, d in zip(people, drafts, strict=True)
        ]
    )
    assert sorted(o[0] for o in outcomes) == ["ok", "ok", "ok", "refused"], outcomes
    assert "R-MTG-3" in next(o[1] for o in outcomes if o[0] == "refused")
    first = next_month_day().replace(day=1)
    assert Meeting.objects.filter(meeting_type=MeetingType.BUSINESS, date__gte=first).count() == 3


def test_r_mtg_11_two_requests_for_the_last_press_slot_exactly_one_succeeds():
    from conftest import build_org
    from meetings.services import press_request_submit

    org = build_org()
    day = next_month_day()
    for i in range(3):
        press_request_submit(
            actor=org.clerk, title=f"报道{i}", subject="innovation", on_date=day, department=org.department
        )

    def call(actor):
        return lambda: press_request_submit(
            actor=actor, title="最后一次", subject="work_deployment", on_date=day, department=org.department
        )

    outcomes = race(call(org.clerk), call(org.head))
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert "R-MTG-11" in next(o[1] for o in outcomes if o[0] == "refused")
    assert PressRequest.objects.filter(year=day.year).count() == 4
