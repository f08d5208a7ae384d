from django.db import models
from django.utils.translation import gettext_lazy as _


class TownshipScoped(models.Model):
    """Every domain row belongs to exactly one township: scoping is one indexed filter, and the
    tables could later be distributed by township."""

    township = models.ForeignKey(
        "township.Township",
        on_delete=models.PROTECT,
        verbose_name=_("township"),
        db_index=True,
        # app label in the reverse name: two apps may both have, say, a ReceptionRecord
        related_name="%(app_label)s_%(class)s_set",
    )

    class Meta:
        abstract = True
