"""Records made on a phone without signal and sent when it returns (issue 18).

The phone pages (clock-in, work log, 离镇报备, village visit) keep working offline: the page's
script (``static/js/offline.js``) stores a form it cannot send in the phone's IndexedDB, with an id
made on the phone (a UUID) and the time it was taken, and sends it later to ``/offline/sync/``.
The core does not know these records: each app registers its kinds here (``register_offline_kind``
in its ``AppConfig.ready()``), with a ``save`` that builds the app's own form from the fields sent
and calls the app's own service, so every rule (BLOCK and FLAG) applies exactly as for a live
submission.

``offline_record_receive`` accepts each client id once per person: a record sent again returns
the earlier outcome and is never saved twice.  A refusal is stored with the rule it names and its
text in each language: the apps' services raise texts already rendered (``_("...") % {...}``),
from which no message id can be recovered, so the same service is run again in each other
language inside a savepoint that is always rolled back.  Refusals are rare; a sent record runs
its service once.

A connection gap: the phone says it had no connection when the record was taken, and nothing
else of the person's arrived from another sending between the taking and this arrival.  Apps use
it to decide what the taking time is worth (``OfflineSubmission.explained``): R-ATT-5 flags a
punch whose taking time is far from its arrival without such a gap; R-LOG-1 judges a work log by
the day it was taken only when the gap explains its lateness (README, "Working without signal").
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from township.models import OfflineRecord, OfflineStatus, User


@dataclass(frozen=True)
class OfflineKind:
    code: str  # stored on the record: "punch", "visit", ...
    label: object  # lazy label shown on the queue page
    form_url_name: str  # the page with the form: cached for offline use, and where a refusal is corrected
    save: (
        Callable  # save(*, actor, submission: OfflineSubmission) -> the saved object; raises ValidationError
    )
    url: Callable | None = None  # url(saved object) -> its page; default: its get_absolute_url, else the form
    keep: tuple[
        str, ...
    ] = ()  # further pages (URL names) with the person's own lists, kept for reading offline


OFFLINE_KINDS: dict[str, OfflineKind] = {}


def register_offline_kind(kind: OfflineKind) -> OfflineKind:
    OFFLINE_KINDS[kind.code] = kind
    return kind


@dataclass
class OfflineSubmission:
    """What the phone sent, as the app's ``save`` sees it."""

    data: object  # a QueryDict: the form's fields as the page would have posted them
    files: object  # a MultiValueDict of uploads
    taken_at: dt.datetime
    received_at: dt.datetime
    taken_offline: bool
    gap_explained: bool
    cookies: dict = field(default_factory=dict)

    @property
    def taken_on(self) -> dt.date:
        return timezone.localdate(self.taken_at)

    def explained(self, minutes: int) -> bool:
        """True when the taking time may stand for the record: it arrived within ``minutes`` of
        being taken, or a connection gap explains why it arrived later."""
        return self.received_at - self.taken_at <= dt.timedelta(minutes=minutes) or self.gap_explained


def form_errors(form) -> ValidationError:
    """A form's errors as one refusal the person reads on the phone: "Village: This field is
    required." (the field's label before each message)."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}: {e}" if label else str(e) for e in errors]
    return ValidationError(lines)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


_RULE = re.compile(r"\bR-[A-Z]+-\d+\b")


def _clock_ahead(taken_at: dt.datetime) -> str:
    return _(
        "The phone's clock was ahead when this was taken (%(at)s): set the clock right and record it again."
    ) % {"at": timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M")}


class _RolledBack(Exception):
    pass


def _refusal_texts(kind: OfflineKind, actor, submission, first_language: str, first_text: str) -> dict:
    texts = {first_language: first_text}
    for code, _name in settings.LANGUAGES:
        if code in texts:
            continue
        with translation.override(code):
            try:
                with transaction.atomic():
                    kind.save(actor=actor, submission=submission)
                    raise _RolledBack
            except ValidationError as exc:
                texts[code] = _error_text(exc)
            except _RolledBack:
                pass  # the language changed the outcome: shown in the first language there
    return texts


def offline_record_receive(
    *,
    actor: User,
    client_id: uuid.UUID,
    kind: str,
    taken_at: dt.datetime,
    taken_offline: bool,
    data,
    files=None,
    batch: uuid.UUID | None = None,
    cookies: dict | None = None,
) -> tuple[OfflineRecord, bool]:
    """Save one record sent from a phone through its app's service; (the record, True when this
    client id had been received before and nothing was done)."""
    from django.utils.datastructures import MultiValueDict

    if actor.township_id is None:
        raise ValidationError(_("Only people of a township can do this."))
    offline_kind = OFFLINE_KINDS.get(kind)
    if offline_kind is None:
        raise ValidationError(_("This kind of record cannot be sent from the phone."))
    with transaction.atomic():
        # One sending at a time per person: a client id sent twice at once is saved once.
        list(User.objects.select_for_update().filter(pk=actor.pk).order_by().values_list("pk", flat=True))
        earlier = OfflineRecord.objects.filter(person=actor, client_id=client_id).first()
        if earlier is not None:
            return earlier, True
        received_at = timezone.now()
        others = OfflineRecord.objects.filter(
            person=actor, received_at__gt=taken_at, received_at__lt=received_at
        )
        if batch is not None:
            others = others.exclude(batch=batch)
        submission = OfflineSubmission(
            data=data,
            files=files if files is not None else MultiValueDict(),
            taken_at=taken_at,
            received_at=received_at,
            taken_offline=taken_offline,
            gap_explained=taken_offline and not others.exists(),
            cookies=cookies or {},
        )
        record = OfflineRecord(
            township_id=actor.township_id,
            person=actor,
            client_id=client_id,
            kind=kind,
            taken_at=taken_at,
            received_at=received_at,
            taken_offline=taken_offline,
            batch=batch,
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        clock_ahead = taken_at > received_at + dt.timedelta(minutes=1)
        try:
            if clock_ahead:
                raise ValidationError(_clock_ahead(taken_at))
            with transaction.atomic():
                saved = offline_kind.save(actor=actor, submission=submission)
        except ValidationError as exc:
            text = _error_text(exc)
            found = _RULE.search(text)
            record.status = OfflineStatus.REFUSED
            record.refusal_rule = found.group(0) if found else ""
            if clock_ahead:
                record.refusal_texts = {}
                for code, _name in settings.LANGUAGES:
                    with translation.override(code):
                        record.refusal_texts[code] = _clock_ahead(taken_at)
            else:
                record.refusal_texts = _refusal_texts(offline_kind, actor, submission, language, text)
            record.payload = {
                k: v for k, v in data.lists() if k != "csrfmiddlewaretoken" and not k.startswith("_")
            }
        else:
            record.status = OfflineStatus.SENT
            record.target = saved
        record.full_clean()
        record.save()
    return record, False


def offline_record_discard(*, actor: User, record_id: int) -> OfflineRecord:
    """The person gives up a refused record (after correcting it, or because it was wrong)."""
    with transaction.atomic():
        record = OfflineRecord.objects.select_for_update().filter(person=actor, pk=record_id).first()
        if record is None:
            raise OfflineRecord.DoesNotExist
        if record.status != OfflineStatus.REFUSED:
            raise ValidationError(_("Only a refused record can be discarded."))
        record.status = OfflineStatus.DISCARDED
        record.save(update_fields=["status"])
    return record


# --- selectors --------------------------------------------------------------------------------


def offline_records_for(*, user: User, status: str | None = None):
    """The person's own records received from the phone (nobody else's: the queue is personal)."""
    qs = OfflineRecord.objects.filter(person=user).prefetch_related("target")
    if status:
        qs = qs.filter(status=status)
    return qs


def offline_record_of(target) -> OfflineRecord | None:
    """The phone's record that saved ``target`` (its taking time beside the object's own dates), or
    None for an object saved live.  One query."""
    from django.contrib.contenttypes.models import ContentType

    return OfflineRecord.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, status=OfflineStatus.SENT
    ).first()


def offline_record_url(record: OfflineRecord) -> str:
    from django.urls import reverse

    kind = OFFLINE_KINDS.get(record.kind)
    if kind is None:
        return ""
    target = record.target if record.status == OfflineStatus.SENT else None
    if target is not None:
        if kind.url is not None:
            return kind.url(target)
        if hasattr(target, "get_absolute_url"):
            return target.get_absolute_url()
    return reverse(kind.form_url_name)
