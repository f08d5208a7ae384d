"""Petition test data, built through the services (so every test case is a legal one)."""

import datetime as dt

from django.utils import timezone

from petitions import services
from petitions.models import Category, Channel
from township.tests.factories import VillageFactory  # noqa: F401 - re-exported for tests

# Valid GB 11643 numbers (checksums computed by petitions.rules.id_number_check_char).
ID_A = "11010519491231002X"
ID_B = "110101199003070011"
ID_C = "320102198506151236"
ID_D = "510723197001014565"


def register(
    org, *, by=None, matter="村道损坏多年无人修理，请求政府尽快维修", petitioners=None, on=None, **kw
):
    return services.petition_case_register(
        actor=by or org.clerk,
        channel=kw.pop("channel", Channel.VISIT),
        category=kw.pop("category", Category.INFRASTRUCTURE),
        matter=matter,
        petitioners=petitioners
        or [{"name": "张三", "id_number": ID_A, "phone": "13800000000", "address": "东河村3组"}],
        registered_on=on,
        **kw,
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def accepted(org, *, on=None, registered=None, **kw):
    case = register(org, on=registered or on, **kw)
    return services.petition_case_accept(actor=org.clerk, case_id=case.pk, on=on)


def in_progress(org, *, on=None, handlers=(), **kw):
    case = accepted(org, on=on, **kw)
    return services.petition_case_assign(
        actor=org.clerk,
        case_id=case.pk,
        leader=org.leader,
        department=org.department,
        handlers=list(handlers) or [org.head],
        on=on,
    )


def replied(org, *, on=None, reply_on=None, **kw):
    case = in_progress(org, on=on, **kw)
    return services.petition_case_reply(
        actor=org.leader, case_id=case.pk, text="经调查核实，已安排维修。", on=reply_on or on, resolved=True
    )
