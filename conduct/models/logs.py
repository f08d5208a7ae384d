import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.models.base import TownshipScoped


@pghistory.track()
class WorkLog(TownshipScoped):
    """R-LOG-1: one daily work log per person, written for today or the previous working day."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_logs", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    content = models.TextField(_("what I did"))
    head_comment = models.TextField(_("head's comment"), blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commented by"),
    )
    commented_at = models.DateTimeField(_("commented at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-date", "person"]
        indexes = [models.Index(fields=["township", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="work_log_one_per_day"),
            models.CheckConstraint(condition=~models.Q(content=""), name="work_log_has_content"),
        ]

    def __str__(self):
        return f"{self.person} {self.date}"

    def get_absolute_url(self):
        return reverse("conduct:worklog_list")


@pghistory.track()
class StudySession(TownshipScoped):
    """R-STUDY-1: weekly group study of a department, with its attendance."""

    department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        related_name="study_sessions",
        verbose_name=_("department"),
    )
    date = models.DateField(_("date"))
    topic = models.CharField(pgettext_lazy("study", "topic"), max_length=200)
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="study_sessions", verbose_name=_("attendance")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group study session")
        verbose_name_plural = _("group study sessions")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="study_has_duration")]

    def __str__(self):
        return f"{self.department} {self.date} {self.topic}"

    def get_absolute_url(self):
        return reverse("conduct:study_list")
