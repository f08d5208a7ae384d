"""The progress of a long job that a page follows with a bar (htmx polling; HTTP 286 stops it):
the appraisal (township.tasks.compute_appraisal) and the cross-record checks
(township.tasks.crosscheck_township).  The job's task writes ``done`` of ``total`` to the cache as
it goes; the page's progress view reads it.  A cache that is down shows no bar, never an error."""

from __future__ import annotations

from django.core.cache import cache

TTL = 3600


def progress_set(key: str, done: int, total: int, **extra) -> None:
    cache.set(key, {"done": done, "total": total, **extra}, TTL)


def progress_status(key: str, *, total: int) -> dict:
    """``done``, ``total``, ``percent`` and ``finished`` of the job at ``key`` (0 done of ``total``
    when it has not reported yet)."""
    progress = cache.get(key) or {}
    done, total = progress.get("done", 0), progress.get("total", total) or 1
    return {"done": done, "total": total, "percent": int(100 * done / total), "finished": done >= total}
