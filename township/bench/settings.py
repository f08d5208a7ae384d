"""The application's settings plus the bench's trivial view (township.bench.urls); used only by
the web server the benchmark starts."""

from township.settings import *  # noqa: F403

ROOT_URLCONF = "township.bench.urls"
