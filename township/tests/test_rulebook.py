"""Every rule id of the catalogue has a short title in both languages, shown beside the id."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation

from township.findings import finding_raise
from township.rulebook import RULE_TITLES, rule_title

CATALOGUE = Path(__file__).resolve().parents[2].parent / "shared" / "RULES.md"


def test_titles_in_both_languages():
    with translation.override("zh-hans"):
        assert rule_title("R-ATT-2") == "迟到早退"
        assert rule_title("R-XCK-5") == "拆分报销"
        untranslated = [rid for rid, t in RULE_TITLES.items() if str(t).isascii()]
        assert untranslated == []
    with translation.override("en"):
        assert rule_title("R-ATT-2") == "Late arrival or early departure"
    assert rule_title("R-NOPE-1") == ""


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the shared rule catalogue is not beside this clone")
def test_every_catalogue_rule_has_a_title():
    ids = re.findall(r"^\| (R-[A-Z]+-\d+) \|", CATALOGUE.read_text(encoding="utf-8"), flags=re.M)
    assert ids and sorted(set(ids) - set(RULE_TITLES)) == []


@pytest.mark.django_db
def test_findings_show_the_rule_title_beside_the_id(org, login):
    finding_raise(
        rule_id="R-ATT-2",
        township=org.township,
        detail="test",
        on_date=dt.date(2026, 5, 6),
        person=org.staff,
        department=org.department,
    )
    client = login(org.inspector)
    assert "迟到早退" in client.get("/findings/").content.decode()
    assert "迟到早退" in client.get("/").content.decode()
