"""The dashboard's progress bar polls while an appraisal runs and stops once it has finished
(htmx stops polling on HTTP 286); the finished line reads as a result, not "computing: finished"."""

import pytest
from django.core.cache import cache

from township.tasks import _progress_key

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _job(org, done):
    cache.set(f"appraisal-job:{org.township.pk}", {"period": "quarter", "year": 2026, "number": 3}, 60)
    cache.set(_progress_key(org.township.pk, "quarter", 2026, 3), {"done": done, "total": 4}, 60)


def test_progress_keeps_polling_while_running_and_stops_when_done(org, login):
    client = login(org.inspector)
    cache.delete(f"appraisal-job:{org.township.pk}")
    assert client.get("/supervision/appraisal/progress/", **HTMX).status_code == 286  # nothing running
    _job(org, 2)
    running = client.get("/supervision/appraisal/progress/", **HTMX)
    assert running.status_code == 200 and "50%" in running.content.decode()
    _job(org, 4)
    done = client.get("/supervision/appraisal/progress/", **HTMX)
    assert done.status_code == 286
    assert "2026 年第 3 季度计算完成" in done.content.decode()
    # a plain (non-htmx) request is an ordinary page fragment
    assert client.get("/supervision/appraisal/progress/").status_code == 200
