"""The tamper-evident audit chains (issue 14; 等保 2.0 level 3 security audit).

Two chains: the security log (``SecurityEvent``) and the role grants (``RoleGrant``).  Each row
holds ``row_hash = SHA-256(previous row's row_hash + canonical JSON of its own content)``; the
first row follows ``GENESIS``, or after pruning the chain's ``AuditAnchor`` (the hash of the last
pruned row).  Rows are appended only by ``chain_append`` under a transaction-level PostgreSQL
advisory lock per chain, so two concurrent writers cannot both link to the same predecessor;
chain order is primary-key order.

- ``security_event_record(kind=..., ...)``: the one door into the security log.
- ``chain_verify(name)``: walks a chain from its anchor; the first broken row or None.
  ``manage.py audit_verify`` runs it on every chain.
- ``audit_prune(now=)``: deletes rows older than ``retention_days()`` (AUDIT_RETENTION_DAYS, never
  under ``MIN_RETENTION_DAYS``), a contiguous oldest prefix only, and moves the anchor.  Run daily
  by the beat task ``township.tasks.audit_retention``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger("township.security")

GENESIS = "0" * 64
MIN_RETENTION_DAYS = 180
_LOCK_NAMESPACE = 0x7A0D17  # pg_advisory_xact_lock(namespace, chain number)


@dataclass(frozen=True)
class Chain:
    name: str
    number: int
    model_label: str
    trigger: str  # the append-only trigger, lifted only to prune

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)


CHAINS = {
    "security_events": Chain(
        "security_events", 1, "township.SecurityEvent", "township.SecurityEvent:security_event_append_only"
    ),
    "role_grants": Chain("role_grants", 2, "township.RoleGrant", "township.RoleGrant:role_grant_append_only"),
}


def row_hash(prev_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _lock(chain: Chain) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, chain.number])


def _head(chain: Chain) -> str:
    """The hash the next row links to: the last row's, else the anchor's, else GENESIS."""
    from township.models import AuditAnchor

    last = chain.model.objects.order_by("-pk").values_list("row_hash", flat=True).first()
    if last:
        return last
    anchor = AuditAnchor.objects.filter(chain=chain.name).values_list("row_hash", flat=True).first()
    return anchor or GENESIS


def chain_append(name: str, rows: list) -> list:
    """Link ``rows`` (unsaved, in order) to the end of chain ``name`` and insert them."""
    chain = CHAINS[name]
    if not rows:
        return rows
    with transaction.atomic():
        _lock(chain)  # held until the outermost transaction ends
        prev = _head(chain)
        for row in rows:
            row.prev_hash = prev
            row.row_hash = prev = row_hash(prev, row.audit_content())
        return chain.model.objects.bulk_create(rows)


def security_event_record(*, kind: str, user=None, username: str = "", request=None, status=None, **detail):
    """Append one event to the security log.  ``user`` (a person or None), ``request`` for the
    IP, method and path; ``detail``: small JSON-able facts (counts, who acted)."""
    from township.models import SecurityEvent

    signed_in = user is not None and getattr(user, "is_authenticated", False)
    event = SecurityEvent(
        at=timezone.now(),
        kind=kind,
        person_id=user.pk if signed_in else None,
        username=(user.get_username() if signed_in else username or "")[:150],
        township_id=getattr(user, "township_id", None) if signed_in else None,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
        method=(request.method or "")[:10] if request is not None else "",
        path=(request.path or "")[:500] if request is not None else "",
        status=status,
        detail=detail,
    )
    return chain_append("security_events", [event])[0]


ADMIN_KINDS = {1: "admin_added", 2: "admin_changed", 3: "admin_deleted"}  # LogEntry's action flags


def admin_action_record(entry) -> None:
    """The security-log event of one admin action (a django.contrib.admin LogEntry): who, which
    record, and a stored message (id + parameters, rendered in the auditor's language), so every
    add, change and delete of the system and security administrators is in the log the security
    auditor reads.  Called from LogEntry's post_save (township.signals) and, for deletions of
    many rows at once (which the admin logs with bulk_create, without signals), from
    township.admin.AdminLogMixin."""
    from django.utils.translation import gettext_noop

    from township.messages import msg

    kind = ADMIN_KINDS.get(entry.action_flag)
    if kind is None:
        return
    model = entry.content_type.model_class() if entry.content_type_id else None
    what = model._meta.verbose_name if model is not None else str(entry.content_type or "")
    try:
        parts = json.loads(entry.change_message or "[]")
    except ValueError:
        parts = []
    fields = [
        f for part in parts if isinstance(part, dict) for f in part.get("changed", {}).get("fields", [])
    ]
    if kind == "admin_added":
        text = msg(
            gettext_noop("Added %(model)s “%(object)s” in the admin"), model=what, object=entry.object_repr
        )
    elif kind == "admin_deleted":
        text = msg(
            gettext_noop("Deleted %(model)s “%(object)s” in the admin"), model=what, object=entry.object_repr
        )
    else:
        text = msg(
            gettext_noop("Changed %(model)s “%(object)s” in the admin: %(fields)s"),
            model=what,
            object=entry.object_repr,
            fields=", ".join(fields) or "-",
        )
    security_event_record(
        kind=kind,
        user=entry.user,
        message=text.to_json(),
        model=".".join(entry.content_type.natural_key()) if entry.content_type_id else "",
        object_id=str(entry.object_id),
        change=entry.change_message,
    )


@dataclass(frozen=True)
class Break:
    chain: str
    pk: int
    reason: str

    def __str__(self):
        return f"{self.chain}: row {self.pk} {self.reason}"


def chain_verify(name: str) -> tuple[int, Break | None]:
    """Walk chain ``name`` from its anchor in primary-key order: (rows checked, first break)."""
    from township.models import AuditAnchor

    chain = CHAINS[name]
    prev = AuditAnchor.objects.filter(chain=name).values_list("row_hash", flat=True).first() or GENESIS
    count = 0
    for row in chain.model.objects.order_by("pk").iterator(chunk_size=2000):
        if row.prev_hash != prev:
            return count, Break(name, row.pk, "does not follow the row before it (a row removed or inserted)")
        if row_hash(prev, row.audit_content()) != row.row_hash:
            return count, Break(name, row.pk, "was changed after it was written")
        prev = row.row_hash
        count += 1
    return count, None


def chains_verify() -> list[tuple[str, int, Break | None]]:
    """Every chain's (name, rows checked, first break or None): ``manage.py audit_verify`` and
    the security auditor's pages."""
    return [(name, *chain_verify(name)) for name in CHAINS]


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))


def audit_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete each chain's rows older than the retention period: only the oldest contiguous
    run (in chain order) whose rows are all older, so no younger row ever goes; the anchor then
    holds the hash of the last deleted row.  Returns rows deleted per chain."""
    from township.models import AuditAnchor

    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    deleted = {}
    for chain in CHAINS.values():
        model = chain.model
        with transaction.atomic():
            _lock(chain)
            first_young = (
                model.objects.filter(at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
            )
            old = model.objects.filter(at__lt=cutoff)
            if first_young is not None:
                old = old.filter(pk__lt=first_young)
            last = old.order_by("-pk").values_list("pk", "row_hash").first()
            if last is None:
                deleted[chain.name] = 0
                continue
            with pgtrigger.ignore(chain.trigger):
                count, _ = model.objects.filter(pk__lte=last[0]).delete()
            anchor, _ = AuditAnchor.objects.get_or_create(
                chain=chain.name, defaults={"row_hash": last[1], "pruned_before": cutoff}
            )
            anchor.row_hash, anchor.pruned_before = last[1], cutoff
            anchor.rows_pruned += count
            anchor.save()
            deleted[chain.name] = count
            log.warning("audit pruned chain=%s rows=%d before=%s", chain.name, count, cutoff.isoformat())
    return deleted
