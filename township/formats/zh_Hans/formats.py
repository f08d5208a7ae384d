"""Number formats for zh-Hans: Django's own leave thousands ungrouped (60000.00); Chinese finance and
government documents group amounts by thousands with a comma (60,000.00).  Everything else falls back
to django.conf.locale.zh_Hans."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
