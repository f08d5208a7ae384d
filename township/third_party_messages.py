"""Messages that libraries show our readers without a Chinese translation of their own (the
admin theme django-unfold's theme switch and search box).  Listed here so that `make messages`
extracts them into the project's catalogue, which Django prefers to the libraries' own; the
tests fail on any message shown that no catalogue translates (township/devtools/untranslated.py)."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Dark"),
    gettext_noop("Light"),
    gettext_noop("System"),
    gettext_noop("Type to search"),
    # django-axes and django-celery-results models, as the admin and the system checks name them
    gettext_noop("access attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access failure"),
    gettext_noop("access log"),
    gettext_noop("group result"),
    gettext_noop("task result"),
]
