"""Amounts as people read them: grouped by thousands in both languages, two decimals, a real minus
sign, never "-0.00"."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from township.templatetags.township_tags import money, yuan


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("60000"), "¥60,000.00"),
        (Decimal("-2466.47"), "\u2212¥2,466.47"),
        (Decimal("-0.001"), "¥0.00"),
        ("1234567.891", "¥1,234,567.89"),
        (0, "¥0.00"),
    ],
)
def test_yuan_is_grouped_with_a_real_minus(language, value, expected):
    with translation.override(language):
        assert yuan(value) == expected


def test_money_without_symbol_and_empty_values():
    with translation.override("zh-hans"):
        assert money(Decimal("12345.5")) == "12,345.50"
        assert money(None) == ""
        assert money("") == ""
        assert money("n/a") == "n/a"


def test_templates_load_the_filters():
    with translation.override("zh-hans"):
        out = Template("{% load township_tags %}{{ a|yuan }} {{ b|money }}").render(
            Context({"a": Decimal("60000"), "b": Decimal("-5")})
        )
    assert out == "¥60,000.00 \u22125.00"
