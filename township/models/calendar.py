import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _


@pghistory.track()
class CalendarOverride(models.Model):
    """An administrator's correction of the national calendar for one date, for one township or
    (township empty) the whole county."""

    county = models.ForeignKey("township.County", on_delete=models.CASCADE, verbose_name=_("county"))
    township = models.ForeignKey(
        "township.Township", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("township")
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "township", "date"],
                name="calendar_override_unique_date",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.date} {self.note}"
