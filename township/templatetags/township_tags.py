from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


MINUS = "\u2212"  # a real minus sign, not a hyphen


@register.filter
def money(value, symbol=""):
    """An amount of yuan as people read it: grouped by thousands in the reader's language, two
    decimals, a real minus sign, never "-0.00".  ``{{ x|money }}`` -> 60,000.00;
    ``{{ x|yuan }}`` -> ¥60,000.00 / −¥2,466.47."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return value
    text = number_format(abs(amount), 2, force_grouping=True)
    return f"{MINUS if amount < 0 else ''}{symbol}{text}"


@register.filter
def yuan(value):
    return money(value, "\u00a5")


@register.filter
def rule_title(rule_id):
    """``{{ "R-ATT-2"|rule_title }}`` -> 迟到早退 / Late arrival or early departure."""
    from township.rulebook import rule_title as title

    return title(str(rule_id))
