"""No untranslated English on a Chinese page (issue 13): every menu page of every demo login,
rendered in zh-Hans with the test client on the demo data of ``seed_demo``, shows its own words
(headings, table heads, labels, buttons, the menu, badges, options, help and error texts, and the
placeholder / aria-label / title attributes) in Chinese.  The converse of the walkthroughs' "no
Chinese on an English page" check, without a browser so that it runs in the normal suite.

What may stay Latin: rule ids (R-ATT-2), units and file kinds (km, PDF, Excel, .xlsx), logins and
e-mail addresses, and what people typed or names of people and places (marked translate="no" or
data-user where the page shows them)."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

# Elements whose text is the page's own wording.
CHROME_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "th",
    "label",
    "button",
    "nav",
    "legend",
    "caption",
    "summary",
}
CHROME_CLASSES = {
    "badge",
    "btn",
    "nav-link",
    "dropdown-item",
    "form-text",
    "invalid-feedback",
    "alert",
    "empty-state",
    "breadcrumb",
}
ATTRIBUTES = ("placeholder", "aria-label", "title")
SKIP_TAGS = {"script", "style", "template", "code", "pre", "kbd", "samp"}

# Latin words in a row (hyphens and apostrophes inside a word), flagged when there are two or
# more of them or a word of three letters or more: English a translator has not seen.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ \t\n]+[A-Za-z][A-Za-z'-]*)*")


def _is_english(run: str) -> bool:
    words = run.split()
    return len(words) > 1 or len(words[0].strip("'-")) >= 3


# Latin that belongs on a Chinese page as it is.
ALLOWED = [
    re.compile(p)
    for p in (
        r"\bR-[A-Z]+(?:-\d+[a-z]?)?\b",  # rule ids and their families (R-ATT)
        r"[\w.+-]+@[\w.-]+",  # e-mail addresses
        r"\S+\.(?:xlsx|xls|csv|pdf|ics|png|jpe?g|docx?)\b",  # file names
        r"\bhttps?://\S+",
        r"\b(?:Excel|Word|PDF|CSV|ID|iCal|ICS|QR|GPS|Wi-?Fi|DingTalk|UTF-8|HTTP|URL|API|AA|WCAG|GB/T)\b",
        r"\b(?:xlsx|xls|csv|pdf|ics|png|jpe?g|docx?)\b",  # file kinds
        r"\b(?:km|kg|min|h|m|cm|MB|KB|GB|px|am|pm|AM|PM)\b",  # units
    )
]


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _is_chrome(el) -> bool:
    if el.tag in CHROME_TAGS:
        return True
    if el.tag == "option":
        parent = el.getparent()
        while parent is not None and parent.tag != "select":
            parent = parent.getparent()
        return parent is not None
    return bool(_classes(el) & CHROME_CLASSES)


def _is_user_text(el) -> bool:
    """Names and what people typed (translate="no", data-user), and text marked as English on
    purpose (the language switch names its language in it, lang="en")."""
    return (
        el.get("translate") == "no"
        or el.get("data-user") is not None
        or (el.get("lang") or "").lower().startswith("en")
    )


def chrome_texts(page: str):
    """(where, text) of every piece of the page's own wording."""
    doc = lxml_html.fromstring(page)
    out = []

    def walk(el, chrome: bool, where: str):
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            return
        if _is_user_text(el):
            return
        if _is_chrome(el):
            chrome, where = True, el.tag + "".join(f".{c}" for c in sorted(_classes(el) & CHROME_CLASSES))
        for attribute in ATTRIBUTES:
            if el.get(attribute):
                out.append((f"{el.tag}[{attribute}]", el.get(attribute)))
        if chrome and el.text:
            out.append((where, el.text))
        for child in el:
            walk(child, chrome, where)
            if chrome and child.tail and isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                out.append((where, child.tail))

    body = doc.find("body")
    walk(body if body is not None else doc, False, "")
    return out


def english_runs(page: str, allowed: tuple[str, ...] = ()) -> set[str]:
    """Untranslated English in the page's own wording: each as 'where: text'."""
    found = set()
    for where, text in chrome_texts(page):
        cleaned = " ".join(text.split())
        for word in allowed:
            cleaned = re.sub(rf"(?<![\w@.-]){re.escape(word)}(?![\w@-])", " ", cleaned)
        for pattern in ALLOWED:
            cleaned = pattern.sub(" ", cleaned)
        for run in LATIN_RUN.findall(cleaned):
            if _is_english(run):
                found.add(f"{where}: {' '.join(run.split())}")
    return found


def menu_links(page: str) -> list[str]:
    doc = lxml_html.fromstring(page)
    links = set()
    for nav in doc.iter("nav"):
        for a in nav.iter("a"):
            href = a.get("href") or ""
            if href.startswith("/") and not href.startswith(("/admin/", "/accounts/logout", "/i18n/")):
                links.add(href)
    return sorted(links)


# --- the checker checked ----------------------------------------------------------------------------


def test_english_in_the_chrome_is_found():
    page = """<html><body><h1>考勤 Monthly sheet</h1><table><tr><th>Full name</th><td>Free text here</td>
    </tr></table><select><option>未处理</option><option>Under review</option></select>
    <input placeholder="Search by name"><button>保存</button><button>Compute</button>
    <span title="Mid-autumn Festival">1</span></body></html>"""
    assert english_runs(page) == {
        "h1: Monthly sheet",
        "th: Full name",
        "option: Under review",
        "input[placeholder]: Search by name",
        "button: Compute",
        "span[title]: Mid-autumn Festival",
    }


def test_rule_ids_units_files_and_user_text_are_not_english():
    page = """<html><body><h2>R-ATT-2 迟到</h2><th>距离 (km)</th><label>导入 Excel 或 CSV 文件</label>
    <span class="badge">ganbu1@township.local</span><button>下载 punches-2026-11.xlsx</button>
    <h3>会议：<span translate="no">Weekly Party Meeting</span></h3>
    <th data-user>Ad hoc group</th><p>Body text is not chrome</p><nav>ganbu1 退出</nav>
    <button lang="en">English</button><label>xlsx</label></body></html>"""
    assert english_runs(page, allowed=("ganbu1",)) == set()


def test_single_latin_words_are_allowed():
    assert english_runs("<html><body><th>ID</th><button>PDF</button></body></html>") == set()


# --- every menu page of every demo role -------------------------------------------------------------


def _seed_small_demo():
    """seed_demo's county, smaller (the same logins, roles and seeders; fewer people and villages,
    one township), so that the check runs in the normal suite."""
    import random

    from django.utils import timezone

    from township.hooks import DEMO_SEEDERS
    from township.management.commands import seed_demo
    from township.models import Category, County, Role

    rng = random.Random(2026)
    county = County.objects.create(name="南江县")
    big = seed_demo.build_township(
        county,
        "青山镇",
        "qingshan",
        rng,
        people=24,
        villages=3,
        departments=seed_demo.DEPARTMENTS,
        demo_logins=True,
    )
    for username, name, no, role in (
        ("county_inspector", "县纪委检查员", "C0001", Role.INSPECTOR),
        ("county_admin", "县系统管理员", "C0002", Role.ADMINISTRATOR),
    ):
        seed_demo.make_user(
            county, None, None, username, name, no, Category.OTHER_CADRE, [role], rng, is_staff=True
        )
    for _order, _name, seeder in DEMO_SEEDERS:
        seeder(township=big, size="normal", rng=rng, today=timezone.localdate())
    for key in [k for k in seed_demo._GROUPS if k != "hash"]:  # rolled back with this test
        del seed_demo._GROUPS[key]


def _one_login_per_role(users):
    """The first login (in the README's order, then by name) of each distinct set of roles."""
    readme = [
        "xitong",
        "jiwei",
        "shuji",
        "zhenzhang",
        "fenguan1",
        "kezhang1",
        "dangzhengban",
        "caizheng",
        "ganbu1",
    ]
    order = {name: i for i, name in enumerate(readme)}
    chosen = {}
    for user in sorted(users, key=lambda u: (order.get(u.username, len(order)), u.username)):
        roles = tuple(sorted(user.groups.values_list("name", flat=True)))
        chosen.setdefault(roles, user)
    return list(chosen.values())


@pytest.mark.django_db
def test_no_untranslated_english_on_any_chinese_menu_page(client):
    from township.models import User

    _seed_small_demo()
    users = list(User.objects.filter(is_active=True))
    allowed = tuple(User.objects.values_list("username", flat=True))
    problems, pages = {}, 0
    for user in _one_login_per_role(users):
        client.logout()
        client.force_login(user)
        client.cookies["django_language"] = "zh-hans"
        for href in ["/", *menu_links(client.get("/").content.decode())]:
            response = client.get(href)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue  # the access matrix and the walkthroughs hold every menu link to 200
            pages += 1
            for found in english_runs(response.content.decode(), allowed):
                problems.setdefault(found, f"{user.username} {href}")
    assert pages > 100
    assert not problems, "untranslated English on Chinese pages:\n" + "\n".join(
        f"{found}  ({where})" for found, where in sorted(problems.items())
    )


# --- a record's history in the reader's language ------------------------------------------------------


@pytest.mark.django_db
def test_history_names_fields_and_choices_not_codes(org):
    from django.utils.translation import override

    from township.history import history_for
    from township.models import Category

    person = org.colleague
    person.category = Category.SECTION_LEADER
    person.is_active = False
    person.save()
    with override("en"):
        events = history_for(person)  # one transaction: both events have the same time
        labels = sorted(str(e.label) for e in events)
        (update,) = [e for e in events if e.pgh_label == "update"]
        changes = {str(name): (str(old), str(new)) for name, old, new in update.changes}
    assert labels == ["Changed", "Created"]
    assert changes["cadre category"] == ("Other township cadre", "Section-level leader")
    assert changes["active"] == ("Yes", "No")
    with override("zh-hans"):
        (update,) = [e for e in history_for(person) if e.pgh_label == "update"]
        changes = {str(name): (str(old), str(new)) for name, old, new in update.changes}
    assert changes["有效"] == ("是", "否")
