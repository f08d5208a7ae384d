"""The phone pages without signal (issue 18; township.offline): the installable app's manifest and
service worker, the sending endpoint and the queue page."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from township.models import OfflineRecord, OfflineStatus
from township.offline import (
    OFFLINE_KINDS,
    offline_record_discard,
    offline_record_receive,
    offline_record_url,
    offline_records_for,
)
from township.views import paginate

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "sw.js"


def offline_pages() -> list[str]:
    """The pages the service worker keeps for use without signal: the shell's home, the queue,
    each registered kind's form page (which carries the person's own lists: villages, purposes,
    transport, colleagues) and the pages the kind names to keep (households, the quota).  A page
    the person may not open answers a redirect or an error, which the worker does not keep."""
    names = ["home", "offline_queue"]
    for kind in OFFLINE_KINDS.values():
        names += [kind.form_url_name, *kind.keep]
    return list(dict.fromkeys(reverse(name) for name in names))


@require_GET
def manifest(request):
    icons = [
        {
            "src": static(f"icons/app-{n}.png"),
            "sizes": f"{n}x{n}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for n in (192, 512)
    ]
    data = {
        "name": _("Township conduct administration"),
        "short_name": _("Township work"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request):
    """The vendored service worker (static/js/sw.js), served from the site's root so that it may
    control every page, with the list of pages to keep and the shell's files."""
    shell = [
        static(p)
        for p in (
            "vendor/bootstrap/bootstrap.min.css",
            "vendor/bootstrap-icons/bootstrap-icons.min.css",
            "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
            "css/app.css",
            "vendor/bootstrap/bootstrap.bundle.min.js",
            "vendor/htmx/htmx.min.js",
            "vendor/chartjs/chart.umd.min.js",
            "js/app.js",
            "js/offline-store.js",
            "js/offline.js",
            "favicon.svg",
        )
    ]
    import json

    config = {
        "pages": offline_pages(),
        "shell": shell,
        "store": static("js/offline-store.js"),
        "status": reverse("offline_status"),
        "sync": reverse("offline_sync"),
        "queue": reverse("offline_queue"),
    }
    body = f"self.OFFLINE_CONFIG = {json.dumps(config)};\n" + SERVICE_WORKER.read_text(encoding="utf-8")
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
def offline_status(request):
    """Who is signed in, and a fresh CSRF token: the phone sends only its signed-in person's
    records, and a page kept from before the session expired holds an old token."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "user": None}, status=401)
    return JsonResponse({"signed_in": True, "user": request.user.pk, "csrf": get_token(request)})


def _outcome(record: OfflineRecord, duplicate: bool) -> dict:
    return {
        "client_id": str(record.client_id),
        "status": record.status,
        "duplicate": duplicate,
        "rule": record.refusal_rule,
        "message": record.refusal_text if record.status != OfflineStatus.SENT else "",
        "url": offline_record_url(record),
    }


@never_cache
@require_POST
def offline_sync(request):
    """POST one record taken on the phone: the form's own fields plus ``_client_id``, ``_kind``,
    ``_taken_at`` (ISO 8601 with its offset), ``_offline`` ("1"/"0") and ``_batch`` (the sending's
    id).  Answers the outcome as JSON, the same however often the record is sent."""
    if not request.user.is_authenticated:
        return JsonResponse({"status": "signed_out"}, status=401)
    try:
        client_id = uuid.UUID(request.POST.get("_client_id", ""))
        batch = uuid.UUID(request.POST["_batch"]) if request.POST.get("_batch") else None
    except ValueError:
        return JsonResponse({"status": "invalid", "message": _("The record has no valid id.")}, status=400)
    taken_at = parse_datetime(request.POST.get("_taken_at", ""))
    if taken_at is None:
        return JsonResponse({"status": "invalid", "message": _("The record has no taking time.")}, status=400)
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at, dt.UTC)
    try:
        record, duplicate = offline_record_receive(
            actor=request.user,
            client_id=client_id,
            kind=request.POST.get("_kind", ""),
            taken_at=taken_at,
            taken_offline=request.POST.get("_offline") == "1",
            batch=batch,
            data=request.POST,
            files=request.FILES,
            cookies=request.COOKIES,
        )
    except ValidationError as exc:
        return JsonResponse({"status": "invalid", "message": " ".join(exc.messages)}, status=400)
    return JsonResponse(_outcome(record, duplicate))


@login_required
def offline_queue(request):
    """What waits on the phone (drawn by offline.js from its store), what was sent and what was
    refused, with its message in the reader's language."""
    qs = offline_records_for(user=request.user, status=request.GET.get("status") or None)
    page_obj = paginate(request, qs)
    rows = [
        {
            "record": r,
            "label": OFFLINE_KINDS[r.kind].label if r.kind in OFFLINE_KINDS else r.kind,
            "url": offline_record_url(r),
        }
        for r in page_obj
    ]
    return render(
        request,
        "township/offline_queue.html",
        {"page_obj": page_obj, "rows": rows, "statuses": OfflineStatus.choices},
    )


def _own_record(request, pk) -> OfflineRecord:
    record = offline_records_for(user=request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


@login_required
@require_POST
def offline_discard(request, pk):
    _own_record(request, pk)
    try:
        offline_record_discard(actor=request.user, record_id=pk)
    except ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
    return redirect("offline_queue")


@login_required
@require_POST
def offline_correct(request, pk):
    """Correct a refused record: it is discarded and its form opens filled with what was sent
    (offline.js fills it; photos come from the phone's store when it still holds them)."""
    record = _own_record(request, pk)
    kind = OFFLINE_KINDS.get(record.kind)
    if kind is None or record.status != OfflineStatus.REFUSED:
        raise Http404
    offline_record_discard(actor=request.user, record_id=pk)
    query = [("offline_correct", str(record.client_id))]
    query += [(k, v) for k, values in record.payload.items() for v in values]
    return redirect(reverse(kind.form_url_name) + "?" + urlencode(query))
