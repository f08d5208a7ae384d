import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@pghistory.track()
class PolicyValue(models.Model):
    """One yearly value of a numbered rule's setting (RULES.md).  A county row is the default for
    its townships; a township row is that township's own value where its implementing rules
    differ.  The code's default applies where neither exists."""

    key = models.CharField(_("setting"), max_length=60, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    county = models.ForeignKey("township.County", on_delete=models.CASCADE, verbose_name=_("county"))
    township = models.ForeignKey(
        "township.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("township"),
        help_text=_("Empty: the county's default for all its townships."),
    )
    value = models.JSONField(_("value"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    reason = models.CharField(_("reason for the change"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "year", "county", "township"],
                name="policy_unique_township_value",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="policy_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.key} {self.year}"
