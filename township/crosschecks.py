"""Cross-record checks (RULES.md R-XCK-1..8): what no single record shows, two side by side do.

Each rule is one function over the apps' answers to the core's ``xck_*`` questions
(township.hooks), compared in Python; every question is asked once per run, so a run takes a
fixed number of queries whatever the township's size.  ``crosscheck_range`` raises the findings
due for [start, end] (one per rule, subject and date, as every finding) and withdraws the open
ones of that range that no longer hold (the leave cancelled, the expense rejected, the visit
withdrawn); a finding withdrawn so and due again is opened again.  Findings an inspector has
confirmed or dismissed stay as decided.

Each finding's message keeps the two records side by side in its parameters (``a_*`` and ``b_*``:
what, when, where, device, page) for the inspectors' page, which needs no further query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from township.findings import FindingSpec, findings_raise
from township.hooks import ask
from township.messages import Message, msg
from township.models import Finding, FindingStatus, User
from township.policy import REGISTRY, policies
from township.workcalendar import working_days

POLICY_KEYS = ("R-XCK-1.noon", "R-XCK-2.seconds", "R-XCK-2.times", "R-XCK-5", "R-XCK-7", "R-XCK-8")
APPROVAL_LIMIT = "R-EXP-1.head_limit"  # the reception app's: expenses up to it need the head only

WITHDRAWN = gettext_noop("Withdrawn: the records it rested on changed or are gone.")

WHAT = {
    "punch": gettext_noop("Punch"),
    "leave": gettext_noop("Approved leave"),
    "trip": gettext_noop("Approved trip"),
    "visit": gettext_noop("Village visit"),
    "work_log": gettext_noop("Work log"),
    "meeting": gettext_noop("Meeting attended"),
    "reception": gettext_noop("Reception"),
    "expense": gettext_noop("Expense"),
    "fuel": gettext_noop("Fuel claim"),
    "vehicle_use": gettext_noop("Official vehicle use"),
}
HALVES = {
    "full": gettext_noop("whole day"),
    "am": gettext_noop("morning"),
    "pm": gettext_noop("afternoon"),
}


def _what(kind: str) -> Message:
    return msg(WHAT[kind])


def _side(prefix: str, kind: str, *, when, url: str = "", where: str = "", device: str = "", label: str = ""):
    return {
        f"{prefix}_what": _what(kind),
        f"{prefix}_when": when,
        f"{prefix}_where": where,
        f"{prefix}_device": device,
        f"{prefix}_label": label,
        f"{prefix}_url": url,
    }


def _place(p: dict) -> str:
    """A punch's position as plain coordinates and distance from the office (no map tiles)."""
    if p["latitude"] is None:
        return ""
    text = f"{p['latitude']:.5f}, {p['longitude']:.5f}"
    return f"{text} · {p['distance_m']} m" if p["distance_m"] is not None else text


def _ordered(answers, *order: str) -> list[dict]:
    """Every app's answers flattened, in a fixed order (by the keys ``order``)."""
    return sorted(_flat(answers), key=lambda a: tuple(a[k] for k in order))


def _flat(answers: list) -> list:
    """Every answering app's rows, as one list."""
    return [row for answer in answers for row in (answer or [])]


class Facts:
    """The apps' answers needed to check [start, end] for one township, each question asked once
    and as far back as its rules look: the month's punches (R-XCK-2 counts a month; R-XCK-3 needs
    whole days), two months of expenses before ``start`` (R-XCK-5's windows of up to 31 days, and
    the window before, decide which run of expenses a finding belongs to), the
    quarter's meals (R-XCK-7 counts a quarter); the rest over [start, end]."""

    def __init__(self, township_id: int, start: dt.date, end: dt.date):
        self.township_id, self.start, self.end = township_id, start, end
        self.month_start = start.replace(day=1)
        self.quarter_start = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        self._settings: dict[int, dict] = {}

    @cached_property
    def punches(self) -> list[dict]:
        return _ordered(
            ask("xck_punches", township_id=self.township_id, start=self.month_start, end=self.end), "at", "id"
        )

    @cached_property
    def absences(self) -> dict[tuple[int, dt.date], list[dict]]:
        out: dict[tuple[int, dt.date], list[dict]] = defaultdict(list)
        for a in _ordered(
            ask("xck_absences", township_id=self.township_id, start=self.start, end=self.end), "kind", "id"
        ):
            out[(a["person_id"], a["date"])].append(a)
        return out

    @cached_property
    def visits(self) -> list[dict]:
        return _ordered(
            ask("xck_visits", township_id=self.township_id, start=self.start, end=self.end), "date", "id"
        )

    @cached_property
    def day_records(self) -> list[dict]:
        return _ordered(
            ask("xck_day_records", township_id=self.township_id, start=self.start, end=self.end),
            "date",
            "kind",
            "id",
        )

    @cached_property
    def expenses(self) -> list[dict]:
        return _ordered(
            ask(
                "xck_expenses",
                township_id=self.township_id,
                start=self.start - dt.timedelta(days=62),
                end=self.end,
            ),
            "spent_on",
            "id",
        )

    @cached_property
    def vehicle_uses(self) -> list[dict]:
        return _ordered(
            ask("xck_vehicle_uses", township_id=self.township_id, start=self.start, end=self.end),
            "departs_at",
            "id",
        )

    @cached_property
    def meals(self) -> list[dict]:
        return _ordered(
            ask("xck_meals", township_id=self.township_id, start=self.quarter_start, end=self.end),
            "start_date",
            "kind",
            "id",
        )

    @cached_property
    def people(self) -> dict[int, tuple[int | None, str]]:
        return {
            pk: (dept, name)
            for pk, dept, name in User.objects.filter(township_id=self.township_id).values_list(
                "pk", "department_id", "full_name"
            )
        }

    @cached_property
    def working(self) -> set[dt.date]:
        # a reception that starts by ``end`` may last past it
        return set(
            working_days(self.quarter_start, self.end + dt.timedelta(days=62), township=self.township_id)
        )

    def settings(self, on: dt.date) -> dict:
        if on.year not in self._settings:
            keys = list(POLICY_KEYS) + ([APPROVAL_LIMIT] if APPROVAL_LIMIT in REGISTRY else [])
            self._settings[on.year] = policies(keys, township=self.township_id, on=on)
        return self._settings[on.year]

    def half_of(self, at: dt.datetime) -> str:
        local = timezone.localtime(at)
        return "am" if local.time() < self.settings(local.date())["R-XCK-1.noon"] else "pm"

    def absent(self, person_id: int, day: dt.date, half: str, kinds=("leave", "trip")) -> dict | None:
        """The approved absence covering this half day (or any part of the day for "full")."""
        for a in self.absences.get((person_id, day), ()):
            if a["kind"] in kinds and (a["half"] == "full" or half == "full" or a["half"] == half):
                return a
        return None

    def spec(
        self, rule_id: str, *, person_id: int, on_date: dt.date, key: str, detail: Message
    ) -> FindingSpec:
        dept, _name = self.people.get(person_id, (None, ""))
        return FindingSpec(
            rule_id=rule_id,
            township_id=self.township_id,
            detail=detail,
            on_date=on_date,
            person_id=person_id,
            department_id=dept,
            key=key,
        )

    def name(self, person_id: int) -> str:
        return self.people.get(person_id, (None, ""))[1]


def _absence_side(prefix: str, a: dict) -> dict:
    return _side(
        prefix, a["kind"], when=a["date"], url=a["url"], label=a["label"], where=msg(HALVES[a["half"]])
    )


def _punch_side(prefix: str, p: dict) -> dict:
    return _side(prefix, "punch", when=timezone.localtime(p["at"]), where=_place(p), device=p["device"])


# --- the rules ----------------------------------------------------------------------------------


def r_xck_1(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """A punch inside the office's radius (or on the office's machine) in a half day of approved
    leave or trip: one finding per person, absence and date, the first such punch as evidence."""
    out: dict[tuple[str, dt.date], FindingSpec] = {}
    for p in f.punches:
        if p["source"] == "correction" or p["outside_radius"]:
            continue
        day = timezone.localdate(p["at"])
        if not start <= day <= end:
            continue
        a = f.absent(p["person_id"], day, f.half_of(p["at"]))
        if a is None:
            continue
        key = f"{a['kind']}:{a['id']}:person:{p['person_id']}"
        if (key, day) in out:
            continue
        out[(key, day)] = f.spec(
            "R-XCK-1",
            person_id=p["person_id"],
            on_date=day,
            key=key,
            detail=msg(
                gettext_noop(
                    "%(name)s punched at %(time)s within the office's radius during %(absence)s "
                    "(%(half)s): the absence was not taken, or someone punched for them."
                ),
                name=f.name(p["person_id"]),
                time=timezone.localtime(p["at"]).time().replace(microsecond=0),
                absence=_what(a["kind"]),
                half=msg(HALVES[a["half"]]),
                **_punch_side("a", p),
                **_absence_side("b", a),
            ),
        )
    return list(out.values())


def r_xck_2(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """Two people's browser punches from the same device within the interval, the same pair at
    least the set number of times in a calendar month: one finding per pair and month, dated on
    the occurrence that reached the number (the punches of the month before ``start`` count)."""
    by_device: dict[str, list[dict]] = defaultdict(list)
    for p in f.punches:
        if p["source"] == "browser" and p["device"]:
            by_device[p["device"]].append(p)
    events: dict[tuple[int, int, str], list[tuple[dict, dict]]] = defaultdict(list)
    for punches in by_device.values():
        for i, p in enumerate(punches):
            limit = f.settings(timezone.localdate(p["at"]))["R-XCK-2.seconds"]
            # the nearest earlier punch of someone else on this device (one event per punch)
            for j in range(i - 1, -1, -1):
                q = punches[j]
                if (p["at"] - q["at"]).total_seconds() > limit:
                    break
                if q["person_id"] != p["person_id"]:
                    a, b = sorted((q["person_id"], p["person_id"]))
                    month = timezone.localdate(p["at"]).strftime("%Y-%m")
                    events[(a, b, month)].append((q, p))
                    break
    out = []
    for (a, b, month), pairs in events.items():
        first, second = pairs[0]
        times = f.settings(timezone.localdate(second["at"]))["R-XCK-2.times"]
        if len(pairs) < times:
            continue
        q, p = pairs[times - 1]
        day = timezone.localdate(p["at"])
        if not start <= day <= end:
            continue
        out.append(
            f.spec(
                "R-XCK-2",
                person_id=p["person_id"],
                on_date=day,
                key=f"pair:{a}:{b}:{month}",
                detail=msg(
                    gettext_noop(
                        "%(first)s and %(second)s punched from the same device within %(seconds)s "
                        "seconds of each other %(n)s times in %(month)s: possibly one punching for "
                        "the other."
                    ),
                    first=f.name(q["person_id"]),
                    second=f.name(p["person_id"]),
                    seconds=int((p["at"] - q["at"]).total_seconds()),
                    n=len(pairs),
                    month=month,
                    **_punch_side("a", q),
                    **_punch_side("b", p),
                ),
            )
        )
    return out


def r_xck_3(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """A village visit for a half day in which the person's punches place them in the office, or
    that falls in their approved leave or trip: one finding per visit.  The day's first and last
    punches are clocking in before leaving for the village and out after coming back: a punch in
    the office between them, in the visit's half, is what places the person there."""
    by_day: dict[tuple[int, dt.date], list[dict]] = defaultdict(list)
    for p in f.punches:  # in time order
        by_day[(p["person_id"], timezone.localdate(p["at"]))].append(p)
    office: dict[tuple[int, dt.date, str], dict] = {}
    for (pid, day), punches in by_day.items():
        for p in punches[1:-1]:
            if p["source"] != "correction" and not p["outside_radius"]:
                office.setdefault((pid, day, f.half_of(p["at"])), p)
    out = []
    for v in f.visits:
        if not start <= v["date"] <= end:
            continue
        visit = _side(
            "b", "visit", when=v["date"], url=v["url"], label=v["village"], where=msg(HALVES[v["half"]])
        )
        halves = ("am", "pm") if v["half"] == "full" else (v["half"],)
        punch = next((office[k] for h in halves if (k := (v["person_id"], v["date"], h)) in office), None)
        if punch is not None:
            detail = msg(
                gettext_noop(
                    "%(name)s logged a village visit to %(village)s (%(half)s) while punching at "
                    "%(time)s in the office."
                ),
                name=f.name(v["person_id"]),
                village=v["village"],
                half=msg(HALVES[v["half"]]),
                time=timezone.localtime(punch["at"]).time().replace(microsecond=0),
                **_punch_side("a", punch),
                **visit,
            )
        else:
            a = f.absent(v["person_id"], v["date"], v["half"])
            if a is None:
                continue
            detail = msg(
                gettext_noop("%(name)s logged a village visit to %(village)s (%(half)s) during %(absence)s."),
                name=f.name(v["person_id"]),
                village=v["village"],
                half=msg(HALVES[v["half"]]),
                absence=_what(a["kind"]),
                **_absence_side("a", a),
                **visit,
            )
        out.append(
            f.spec(
                "R-XCK-3", person_id=v["person_id"], on_date=v["date"], key=f"visit:{v['id']}", detail=detail
            )
        )
    return out


def r_xck_4(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """A work log, a meeting attended or a reception accompanied on a whole day of approved leave
    or trip (a half day leaves the other half for work): one finding per record and person."""
    out = []
    for r in f.day_records:
        if not start <= r["date"] <= end:
            continue
        a = next(
            (a for a in f.absences.get((r["person_id"], r["date"]), ()) if a["half"] == "full"),
            None,
        )
        if a is None:
            continue
        out.append(
            f.spec(
                "R-XCK-4",
                person_id=r["person_id"],
                on_date=r["date"],
                key=f"{r['kind']}:{r['id']}:person:{r['person_id']}",
                detail=msg(
                    gettext_noop("%(name)s has a record (%(record)s) for %(day)s, a day of %(absence)s."),
                    name=f.name(r["person_id"]),
                    record=_what(r["kind"]),
                    day=r["date"],
                    absence=_what(a["kind"]),
                    **_absence_side("a", a),
                    **_side("b", r["kind"], when=r["date"], url=r["url"], label=r["label"]),
                ),
            )
        )
    return out


def _payee(name: str) -> str:
    return " ".join(name.split()).casefold()


def r_xck_5(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """Split spending: expenses of one category to one payee, each within the head's approval
    limit (R-EXP-1), within the set number of days of the first, together above the limit.  One
    finding per run of such expenses, keyed by its first expense and dated on the one that
    crossed the limit."""
    if not f.expenses:
        return []
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in f.expenses:
        groups[(e["category"], _payee(e["payee"]))].append(e)
    out = []
    for rows in groups.values():
        window: list[dict] = []
        raised: set[int] = set()
        for e in rows:
            s = f.settings(e["spent_on"])
            limit, days = s.get(APPROVAL_LIMIT), s["R-XCK-5"]
            if limit is None or e["amount"] > limit:
                continue
            window = [w for w in window if (e["spent_on"] - w["spent_on"]).days <= days] + [e]
            total = sum((w["amount"] for w in window), Decimal(0))
            head = window[0]
            if len(window) < 2 or total <= limit or head["id"] in raised:
                continue
            raised.add(head["id"])
            if not start <= e["spent_on"] <= end:
                continue
            out.append(
                f.spec(
                    "R-XCK-5",
                    person_id=e["person_id"],
                    on_date=e["spent_on"],
                    key=f"expense:{head['id']}",
                    detail=msg(
                        gettext_noop(
                            "%(n)s expenses to %(payee)s from %(first)s to %(last)s, each within the "
                            "¥%(limit)s approval limit, together ¥%(total)s: possibly split to stay "
                            "under it."
                        ),
                        n=len(window),
                        payee=e["payee"],
                        first=head["spent_on"],
                        last=e["spent_on"],
                        limit=limit,
                        total=total,
                        **_side(
                            "a", "expense", when=head["spent_on"], url=head["url"], label=f"¥{head['amount']}"
                        ),
                        **_side("b", "expense", when=e["spent_on"], url=e["url"], label=f"¥{e['amount']}"),
                    ),
                )
            )
    return out


def r_xck_6(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """An official vehicle driven by a person on approved leave; fuel claimed for a private-car
    village visit by a person on leave that whole day; fuel claimed for a village visit that the
    visit log does not have (no visit of the claimant on that date)."""
    out = []
    for u in f.vehicle_uses:
        day = timezone.localdate(u["departs_at"])
        if not start <= day <= end:
            continue
        a = f.absent(u["person_id"], day, f.half_of(u["departs_at"]), kinds=("leave",))
        if a is None:
            continue
        out.append(
            f.spec(
                "R-XCK-6",
                person_id=u["person_id"],
                on_date=day,
                key=f"vehicle_use:{u['id']}",
                detail=msg(
                    gettext_noop("%(name)s drove the official vehicle %(plate)s at %(time)s while on leave."),
                    name=f.name(u["person_id"]),
                    plate=u["plate"],
                    time=timezone.localtime(u["departs_at"]).time().replace(microsecond=0),
                    **_absence_side("a", a),
                    **_side(
                        "b",
                        "vehicle_use",
                        when=timezone.localtime(u["departs_at"]),
                        url=u["url"],
                        label=u["plate"],
                    ),
                ),
            )
        )
    visited = {(v["person_id"], v["date"]) for v in f.visits}
    for e in f.expenses:
        if not (e["is_fuel"] and e["village_visit"]) or not start <= e["spent_on"] <= end:
            continue
        fuel = _side("b", "fuel", when=e["spent_on"], url=e["url"], label=f"{e['payee']} ¥{e['amount']}")
        leave = next(
            (
                a
                for a in f.absences.get((e["person_id"], e["spent_on"]), ())
                if a["kind"] == "leave" and a["half"] == "full"
            ),
            None,
        )
        if e["transport"] == "private_car" and leave is not None:
            detail = msg(
                gettext_noop(
                    "%(name)s claimed ¥%(amount)s of fuel for a private-car village visit on %(day)s, a day of leave."
                ),
                name=f.name(e["person_id"]),
                amount=e["amount"],
                day=e["spent_on"],
                **_absence_side("a", leave),
                **fuel,
            )
        elif (e["person_id"], e["spent_on"]) not in visited:
            detail = msg(
                gettext_noop(
                    "%(name)s claimed ¥%(amount)s of fuel for a village visit on %(day)s that is not in the visit log."
                ),
                name=f.name(e["person_id"]),
                amount=e["amount"],
                day=e["spent_on"],
                **_side("a", "visit", when=e["spent_on"], label="—"),
                **fuel,
            )
        else:
            continue
        out.append(
            f.spec(
                "R-XCK-6",
                person_id=e["person_id"],
                on_date=e["spent_on"],
                key=f"expense:{e['id']}",
                detail=detail,
            )
        )
    return out


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def r_xck_7(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """The same visiting unit received with a meal the set number of times or more in a quarter:
    one finding per unit and quarter, dated on the reception that reached the number."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for m in f.meals:
        if m["kind"] == "reception" and m["visiting_unit"].strip():
            groups[(_payee(m["visiting_unit"]), _quarter(m["start_date"]))].append(m)
    out = []
    for (unit, quarter), rows in groups.items():
        times = f.settings(rows[0]["start_date"])["R-XCK-7"]
        if len(rows) < times:
            continue
        first, nth = rows[0], rows[times - 1]
        if not start <= nth["start_date"] <= end:
            continue
        digest = hashlib.sha1(unit.encode()).hexdigest()[:16]
        out.append(
            f.spec(
                "R-XCK-7",
                person_id=nth["person_id"],
                on_date=nth["start_date"],
                key=f"unit:{digest}:{quarter}",
                detail=msg(
                    gettext_noop("%(unit)s was received with a meal %(n)s times in %(quarter)s."),
                    unit=nth["visiting_unit"],
                    n=len(rows),
                    quarter=quarter,
                    **_side(
                        "a", "reception", when=first["start_date"], url=first["url"], label=first["label"]
                    ),
                    **_side("b", "reception", when=nth["start_date"], url=nth["url"], label=nth["label"]),
                ),
            )
        )
    return out


def r_xck_8(f: Facts, start: dt.date, end: dt.date) -> list[FindingSpec]:
    """A reception's or a meeting's meal on a non-working day, or a meeting's meal outside the
    canteen ending at or after the set hour (receptions keep no times), unless the record states
    its reason; a reason stated later withdraws the finding at the next run."""
    out = []
    for m in f.meals:
        if not start <= m["start_date"] <= end or m["off_hours_reason"].strip():
            continue
        span = [
            m["start_date"] + dt.timedelta(days=i) for i in range((m["end_date"] - m["start_date"]).days + 1)
        ]
        rest = next((d for d in span if d not in f.working), None)
        late = (
            m["ends_at"] is not None
            and not m["in_canteen"]
            and timezone.localtime(m["ends_at"]).time() >= f.settings(m["start_date"])["R-XCK-8"]
        )
        if rest is not None:
            detail = msg(
                gettext_noop("A meal of %(what)s %(label)s on %(day)s, a non-working day."),
                what=_what(m["kind"]),
                label=m["label"],
                day=rest,
                **_side("a", m["kind"], when=m["start_date"], url=m["url"], label=m["label"]),
            )
        elif late:
            detail = msg(
                gettext_noop(
                    "A meal of %(what)s %(label)s outside the canteen after working hours (%(time)s)."
                ),
                what=_what(m["kind"]),
                label=m["label"],
                time=timezone.localtime(m["ends_at"]).time().replace(microsecond=0),
                **_side(
                    "a", m["kind"], when=timezone.localtime(m["ends_at"]), url=m["url"], label=m["label"]
                ),
            )
        else:
            continue
        out.append(
            f.spec(
                "R-XCK-8",
                person_id=m["person_id"],
                on_date=m["start_date"],
                key=f"{m['kind']}:{m['id']}",
                detail=detail,
            )
        )
    return out


CHECKS: dict[str, Callable[[Facts, dt.date, dt.date], list[FindingSpec]]] = {
    "R-XCK-1": r_xck_1,
    "R-XCK-2": r_xck_2,
    "R-XCK-3": r_xck_3,
    "R-XCK-4": r_xck_4,
    "R-XCK-5": r_xck_5,
    "R-XCK-6": r_xck_6,
    "R-XCK-7": r_xck_7,
    "R-XCK-8": r_xck_8,
}
RULES = tuple(CHECKS)


# --- raising and withdrawing -------------------------------------------------------------------


def _settle(township_id: int, rule_id: str, start: dt.date, end: dt.date, specs: list[FindingSpec]) -> int:
    """Raise ``specs``; withdraw the rule's open findings of [start, end] not among them; open
    again those this check had withdrawn that are due again.  Four statements."""
    due = {(s.key, s.on_date) for s in specs}
    ours = Finding.objects.filter(township_id=township_id, rule_id=rule_id, on_date__range=(start, end))
    with transaction.atomic():
        findings_raise(specs)
        rows = ours.filter(status=FindingStatus.OPEN).values_list("pk", "subject_key", "on_date")
        gone = [pk for pk, key, day in rows if (key, day) not in due]
        withdrawn = msg(WITHDRAWN)
        if gone:
            Finding.objects.filter(pk__in=gone).update(
                status=FindingStatus.DISMISSED,
                resolved_by=None,
                resolved_at=timezone.now(),
                resolution=str(withdrawn),
                resolution_message=withdrawn.to_json(),
            )
        back = [
            pk
            for pk, key, day in ours.filter(
                status=FindingStatus.DISMISSED, resolved_by__isnull=True, resolution_message__id=WITHDRAWN
            ).values_list("pk", "subject_key", "on_date")
            if (key, day) in due
        ]
        if back:
            Finding.objects.filter(pk__in=back).update(
                status=FindingStatus.OPEN, resolved_at=None, resolution="", resolution_message=None
            )
    return len(specs)


def month_chunks(start: dt.date, end: dt.date):
    """[start, end] by calendar month, so a year's run holds one month's records at a time."""
    day = start
    while day <= end:
        nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(end, nxt - dt.timedelta(days=1))
        yield day, last
        day = last + dt.timedelta(days=1)


def crosscheck_range(
    *,
    township_id: int,
    start: dt.date,
    end: dt.date,
    rules: tuple[str, ...] = RULES,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Run the cross-record checks for [start, end]: findings due raised, those no longer due
    withdrawn.  Returns the findings due per rule.  ``progress(done, total)`` is called after each
    month."""
    counts = dict.fromkeys(rules, 0)
    chunks = list(month_chunks(start, end))
    for i, (lo, hi) in enumerate(chunks, start=1):
        facts = Facts(township_id, lo, hi)
        for rule_id in rules:
            counts[rule_id] += _settle(township_id, rule_id, lo, hi, CHECKS[rule_id](facts, lo, hi))
        if progress is not None:
            progress(i, len(chunks))
    return counts


def crosscheck_day(*, township_id: int, day: dt.date) -> dict[str, int]:
    """The nightly run for one day."""
    return crosscheck_range(township_id=township_id, start=day, end=day)


# --- the evidence, for the inspectors' page ----------------------------------------------------


def _shown(value) -> str:
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            if timezone.is_aware(value)
            else str(value)
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def evidence(finding) -> list[dict]:
    """The records a cross-check finding rests on, side by side, as they were when it was raised:
    what, when, where (half day, or coordinates and distance from the office), device, label and
    the record's page (a path of this site, or "")."""
    if not finding.message:
        return []
    try:
        params = Message.from_json(finding.message).params
    except (KeyError, ValueError, TypeError):
        return []
    sides = []
    for prefix in ("a", "b"):
        if f"{prefix}_what" not in params:
            continue
        url = str(params.get(f"{prefix}_url") or "")
        sides.append(
            {
                key: _shown(params.get(f"{prefix}_{key}"))
                for key in ("what", "when", "where", "device", "label")
            }
            | {"url": url if url.startswith("/") and not url.startswith("//") else ""}
        )
    return sides


def crosscheck_night(*, township_id: int, day: dt.date, recheck_days: int = 92) -> dict[str, int]:
    """The nightly run: ``day`` (the day before), then again every month of the last
    ``recheck_days`` that holds an open cross-check finding, so that a finding withdraws itself
    when its records change later (the leave cancelled, the expense rejected) and a record
    entered late is checked.  Returns the findings due of ``day``."""
    counts = crosscheck_range(township_id=township_id, start=day, end=day)
    open_days = (
        Finding.objects.filter(
            township_id=township_id,
            rule_id__in=RULES,
            status=FindingStatus.OPEN,
            on_date__gte=day - dt.timedelta(days=recheck_days),
            on_date__lt=day,
        )
        .values_list("on_date", flat=True)
        .distinct()
    )
    months = sorted({d.replace(day=1) for d in open_days})
    for month in months:
        last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        crosscheck_range(
            township_id=township_id,
            start=max(month, day - dt.timedelta(days=recheck_days)),
            end=min(last, day - dt.timedelta(days=1)),
        )
    return counts


def month_counts(findings, *, start: dt.date, end: dt.date) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The months from ``start`` to ``end`` ("YYYY-MM") and, per rule, the number of
    ``findings`` (a queryset) dated in each: one query."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    rows = (
        findings.order_by()
        .annotate(month=TruncMonth("on_date"))
        .values_list("month", "rule_id")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for month, rule, n in rows:
        counts.setdefault(rule, {})[month.strftime("%Y-%m")] = n
    labels, day = [], dt.date(start.year, start.month, 1)
    while day <= end:
        labels.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return labels, counts
