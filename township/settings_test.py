"""Settings for the test run: the real PostgreSQL and Redis of settings.py, with Celery tasks run
in-process (the worker tests switch that off and start a real worker) and a fast password hash."""

import os

from township.settings import *  # noqa: F403
from township.settings import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Expiry off: tests travel years around people made at the real today; test_passwords.py turns
# it on where it is the subject.
PASSWORD_MAX_AGE_DAYS = 0
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
AXES_FAILURE_LIMIT = 5
DEBUG = False
