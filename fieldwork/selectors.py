"""Reads of the fieldwork app, scoped by who asks (township.scoping); 404 for out of scope.

The quota figures of many people come from ONE aggregate statement (correlated subqueries per
figure, not one query per person) plus one policy read per township."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth

from fieldwork.models import (
    COUNTED_REPORT_STATUSES,
    FollowUp,
    Pairing,
    PoorHousehold,
    ResearchReport,
    ResearchTopic,
    VillageVisit,
)
from fieldwork.policies import CATEGORIES, QUOTA_KEYS
from fieldwork.rules import r_fld_1_behind, r_fld_1_targets
from township.models import Category, Role, User, Village
from township.policy import policies
from township.scoping import get_or_404, people_for, person_q, sees_whole_township, township_ids_for

ZERO = Decimal("0")

# Who sees everyone's quota figures (heads, leaders and inspectors; people_for narrows it).
QUOTA_READERS = (
    Role.DEPARTMENT_HEAD,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
    Role.INSPECTOR,
    Role.ADMINISTRATOR,
)
MANAGERS = (Role.ADMINISTRATOR, Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)


# --- quota figures ---------------------------------------------------------------------------


def _count_sub(qs, group_field: str):
    """How many rows of ``qs`` per ``group_field`` (the subquery's type is Count's integer)."""
    return Subquery(qs.order_by().values(group_field).annotate(c=Count("pk")).values("c"))


def annotate_figures(qs: QuerySet[User], *, year: int, on: dt.date) -> QuerySet[User]:
    """People with their village days, key topics, reports and pairings of ``year`` up to ``on``."""
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), on)
    days = Subquery(
        VillageVisit.objects.filter(person=OuterRef("pk"), date__gte=first, date__lte=last)
        .order_by()
        .values("person")
        .annotate(s=Sum("days"))
        .values("s")
    )
    topics = _count_sub(ResearchTopic.objects.filter(person=OuterRef("pk"), year=year, is_key=True), "person")
    reports = _count_sub(
        ResearchReport.objects.filter(person=OuterRef("pk"), year=year, status__in=COUNTED_REPORT_STATUSES),
        "person",
    )
    # A household is paired with a cadre at most once a year (pairing_unique_per_year): each
    # pairing row is a distinct household.
    pairings = _count_sub(Pairing.objects.filter(cadre=OuterRef("pk"), year=year), "cadre")
    # Sum of a decimal field and a Decimal zero: the figure is a Decimal without an explicit type.
    return qs.annotate(
        fw_days=Coalesce(days, Value(ZERO)),
        fw_topics=Coalesce(topics, Value(0)),
        fw_reports=Coalesce(reports, Value(0)),
        fw_pairings=Coalesce(pairings, Value(0)),
    )


@dataclass
class QuotaRow:
    person: User
    days: Decimal
    target: Decimal
    due: Decimal
    topics: int
    topics_target: int
    reports: int
    reports_target: int
    pairings: int
    pairings_target: int
    warning_margin: Decimal

    @property
    def behind(self) -> Decimal:
        return self.due - self.days

    @property
    def is_behind(self) -> bool:
        return r_fld_1_behind(self.days, self.due, self.warning_margin)

    @property
    def percent(self) -> int:
        return min(100, int(self.days * 100 / self.target)) if self.target else 100

    @property
    def due_percent(self) -> int:
        return min(100, int(self.due * 100 / self.target)) if self.target else 100


def quota_settings(*, township_id, year: int) -> dict:
    return policies(QUOTA_KEYS, township=township_id, on=dt.date(year, 12, 31))


def quota_rows(people: QuerySet[User], *, year: int, on: dt.date) -> list[QuotaRow]:
    """Quota rows for a set of people: one aggregate statement, plus one policy read per township."""
    rows = list(annotate_figures(people, year=year, on=on).select_related("department"))
    settings_by_township = {
        tid: quota_settings(township_id=tid, year=year) for tid in sorted({p.township_id for p in rows})
    }
    out = []
    for p in rows:
        values = settings_by_township[p.township_id]
        category = p.category if p.category in CATEGORIES else Category.OTHER_CADRE
        target, due = r_fld_1_targets(values[f"R-FLD-1.{category}"], year=year, on=on, joined_on=p.joined_on)
        out.append(
            QuotaRow(
                person=p,
                days=p.fw_days,
                target=target,
                due=due,
                topics=p.fw_topics,
                topics_target=values["R-FLD-2"] if category == Category.SECTION_LEADER else 0,
                reports=p.fw_reports,
                reports_target=values[f"R-FLD-3.{category}"],
                pairings=p.fw_pairings,
                pairings_target=values[f"R-FLD-6.{category}"],
                warning_margin=values["R-FLD-1.warning_days"],
            )
        )
    return out


def quota_people_for(*, user) -> QuerySet[User]:
    """Whose quota the user sees: everyone in scope for heads, leaders and inspectors, else self."""
    if user.has_role(*QUOTA_READERS):
        return people_for(user).filter(township__isnull=False)
    return User.objects.filter(pk=user.pk, township__isnull=False)


def quota_chart(people: QuerySet[User], *, year: int, on: dt.date) -> dict:
    """Village days by month and category (one aggregate) as a Chart.js stacked bar config."""
    rows = (
        VillageVisit.objects.filter(
            person__in=people, date__gte=dt.date(year, 1, 1), date__lte=min(on, dt.date(year, 12, 31))
        )
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values("month", "person__category")
        .annotate(total=Sum("days"))
    )
    table = {c: [0.0] * 12 for c in CATEGORIES}
    for r in rows:
        cat = r["person__category"] if r["person__category"] in table else Category.OTHER_CADRE
        table[cat][r["month"] - 1] += float(r["total"])
    labels = dict(Category.choices)
    colours = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00"]
    return {
        "type": "bar",
        "data": {
            "labels": [str(m) for m in range(1, 13)],
            "datasets": [
                {"label": str(labels[c]), "data": table[c], "backgroundColor": colours[i]}
                for i, c in enumerate(CATEGORIES)
            ],
        },
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }


# --- the hook answers ------------------------------------------------------------------------


def fieldwork_days(*, township_id, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    """Who was in the villages on which days: {(person_id, date): Decimal("1") or ("0.5")}; one
    query.  The partial unique constraints on VillageVisit keep a date at most one day; min()
    guards anyway."""
    rows = (
        VillageVisit.objects.filter(township_id=township_id, date__gte=start, date__lte=end)
        .order_by()
        .values_list("person_id", "date")
        .annotate(total=Sum("days"))
    )
    return {(pid, d): min(Decimal("1"), Decimal(total)) for pid, d, total in rows}


def xck_visits(*, township_id, start: dt.date, end: dt.date) -> list[dict]:
    """Every village visit of [start, end] with its half and transport (township.crosschecks,
    R-XCK-3 and R-XCK-6); one query."""
    from django.urls import reverse

    url = reverse("fieldwork:visit_detail", args=[987654321]).replace("987654321", "{}")
    rows = (
        VillageVisit.objects.filter(township_id=township_id, date__gte=start, date__lte=end)
        .order_by()
        .values_list("pk", "person_id", "date", "part", "transport", "village__name")
    )
    return [
        {
            "id": pk,
            "person_id": pid,
            "date": day,
            "half": part,
            "transport": transport,
            "village": village,
            "url": url.format(pk),
        }
        for pk, pid, day, part, transport, village in rows
    ]


def fieldwork_summary(*, township_id, year: int, on: dt.date) -> dict[int, dict]:
    """Each person's field-work figures of ``year`` up to ``on``; one aggregate and one policy read."""
    people = User.objects.filter(township_id=township_id, is_active=True)
    return {
        r.person.pk: {
            "village_days": r.days,
            "target": r.target,
            "prorated_target": r.due,
            "topics": r.topics,
            "topics_target": r.topics_target,
            "reports": r.reports,
            "reports_target": r.reports_target,
            "pairings": r.pairings,
            "pairings_target": r.pairings_target,
        }
        for r in quota_rows(people, year=year, on=on)
    }


# --- visits and follow-ups -------------------------------------------------------------------


def visit_list_for(*, user) -> QuerySet[VillageVisit]:
    qs = VillageVisit.objects.filter(township_id__in=township_ids_for(user)).filter(person_q(user, "person"))
    return qs.select_related("person", "village", "person__department")


def visit_get_for(*, user, pk: int) -> VillageVisit:
    return get_or_404(visit_list_for(user=user).prefetch_related("photos", "follow_ups__owner"), pk=pk)


def follow_up_list_for(*, user) -> QuerySet[FollowUp]:
    """Follow-ups the user owns or raised, and those of the people in the user's scope."""
    qs = FollowUp.objects.filter(township_id__in=township_ids_for(user))
    if not sees_whole_township(user):
        qs = qs.filter(Q(owner=user) | person_q(user, "visit__person") | person_q(user, "owner"))
    return qs.select_related("village", "owner", "visit", "visit__person")


def follow_up_get_for(*, user, pk: int) -> FollowUp:
    return get_or_404(follow_up_list_for(user=user), pk=pk)


def village_list_for(*, user) -> QuerySet[Village]:
    return Village.objects.filter(township_id__in=township_ids_for(user)).order_by("name")


def village_get_for(*, user, pk: int) -> Village:
    return get_or_404(village_list_for(user=user), pk=pk)


def village_cadres(village: Village) -> QuerySet[User]:
    return (
        village.cadres.filter(is_active=True).select_related("department").order_by("category", "full_name")
    )


# --- research ----------------------------------------------------------------------------------


def topic_list_for(*, user) -> QuerySet[ResearchTopic]:
    """Topics are shared within the township: everyone may link a report to them."""
    return ResearchTopic.objects.filter(township_id__in=township_ids_for(user)).select_related("person")


def report_list_for(*, user) -> QuerySet[ResearchReport]:
    """The archive: accepted reports of the township for everyone, all of one's scope, and the
    reports one may review (the department's leader in charge)."""
    qs = ResearchReport.objects.filter(township_id__in=township_ids_for(user))
    if not sees_whole_township(user):
        qs = qs.filter(
            Q(status="accepted") | person_q(user, "person") | Q(person__department__leader_in_charge=user)
        )
    return qs.select_related("person", "topic", "reviewed_by")


def report_get_for(*, user, pk: int) -> ResearchReport:
    report = get_or_404(report_list_for(user=user), pk=pk)
    return report


# --- households --------------------------------------------------------------------------------


def household_list_for(*, user) -> QuerySet[PoorHousehold]:
    return PoorHousehold.objects.filter(township_id__in=township_ids_for(user)).select_related("village")


def household_get_for(*, user, pk: int) -> PoorHousehold:
    return get_or_404(household_list_for(user=user), pk=pk)
