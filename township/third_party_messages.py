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
    gettext_noop("access attempts"),
    gettext_noop("access failures"),
    # django-axes' admin columns and action
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Failed Logins"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("User Agent"),
    # django-unfold's change lists and forms
    gettext_noop("True"),
    gettext_noop("False"),
    gettext_noop("Filters"),
    gettext_noop("Go back"),
    gettext_noop("Run"),
    gettext_noop("Select action"),
    gettext_noop("Select action to run"),
    gettext_noop("Select all rows"),
    gettext_noop("Select record"),
    gettext_noop("Select value"),
    gettext_noop("After you've created a user, you’ll be able to edit more user options."),
]
