import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest


class IdleTimeoutMiddleware:
    """Log out a session left idle for SESSION_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif last is None or now - last > 60:
                # Write at most once a minute, not on every request.
                request.session["last_seen"] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and files served to a signed-in person carry `Cache-Control: private, no-store`:
    no shared proxy keeps them and the browser does not leave them on a shared computer's disk
    (ASVS 8.2.1).  Anonymous pages (login, public village pages) keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, private=True, no_store=True)
        return response


class RejectNulMiddleware:
    """400 for a NUL character anywhere in the query string or the form fields.  No input of the
    application may contain one (PostgreSQL cannot even store it), and a view passing it on to a
    query would fail with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or self._has_nul(request.GET)
            or (request.method == "POST" and self._has_nul(request.POST))
        ):
            import logging

            logging.getLogger("township.security").warning(
                "bad input (NUL character) path=%s ip=%s", request.path, request.META.get("REMOTE_ADDR")
            )
            return HttpResponseBadRequest("NUL characters are not accepted.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(data) -> bool:
        return any("\x00" in k or any("\x00" in v for v in data.getlist(k)) for k in data)


# The admin (django-unfold) runs Alpine.js, whose standard build evaluates its attribute
# expressions with `new Function` and sets inline styles: it needs 'unsafe-eval' for scripts and
# 'unsafe-inline' for styles.  Only the admin's pages get that relaxation (administrators and
# inspectors, behind login); every other page keeps the strict site-wide policy of settings.py.
# Checked in a real browser by township/tests/test_browser_csp.py.
ADMIN_CSP_UPDATE = {"script-src": ["'unsafe-eval'"], "style-src": ["'unsafe-inline'"]}


class AdminCSPMiddleware:
    """Relax the CSP for /admin/ only (must come after csp.middleware.CSPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefix()):
            response._csp_update = ADMIN_CSP_UPDATE
        return response

    @staticmethod
    def prefix() -> str:
        from django.urls import reverse

        return reverse("admin:index")
