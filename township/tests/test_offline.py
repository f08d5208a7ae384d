"""Records taken on the phone without signal (issue 18; township.offline, conduct.offline,
fieldwork.offline): saved once per client id through the apps' own services, refusals stored with
their rule and shown in each language, punches keeping their taking time, R-ATT-5."""

import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import Image

from conduct.models import LeavingRegistration, Punch, WorkLog
from fieldwork.models import VillageVisit, VisitPhoto
from township.models import Finding, OfflineRecord, OfflineStatus
from township.offline import offline_record_discard, offline_record_receive
from township.policy import policy_set
from township.tests.factories import VillageFactory

SH = ZoneInfo("Asia/Shanghai")
# Hand-worked calendar: November 2026 has no holidays; 9 Nov is a Monday, 11 Nov a Wednesday.
MON_0820 = dt.datetime(2026, 11, 9, 8, 20, tzinfo=SH)


def at(day, hh, mm=0):
    return dt.datetime(2026, 11, day, hh, mm, tzinfo=SH)


def data(**fields):
    q = QueryDict(mutable=True)
    for key, value in fields.items():
        q.setlist(key, value if isinstance(value, list) else [str(value)])
    return q


def receive(person, kind, taken_at, fields, *, client_id=None, offline=True, batch=None, files=None):
    return offline_record_receive(
        actor=person,
        client_id=client_id or uuid.uuid4(),
        kind=kind,
        taken_at=taken_at,
        taken_offline=offline,
        data=data(**fields),
        files=files,
        batch=batch,
    )


def jpeg(name="p.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


# --- idempotency and the punch's times ------------------------------------------------------------


def test_punch_taken_offline_keeps_its_taking_time_and_is_saved_once(org):
    client_id = uuid.uuid4()
    with time_machine.travel(at(9, 8, 40), tick=False):
        record, duplicate = receive(org.staff, "punch", MON_0820, {}, client_id=client_id)
        again, duplicate_again = receive(org.staff, "punch", MON_0820, {}, client_id=client_id)
    punch = Punch.objects.get(person=org.staff)
    assert (duplicate, duplicate_again) == (False, True)
    assert again.pk == record.pk and record.status == OfflineStatus.SENT and record.target == punch
    # Both times kept: the punch counts at 08:20 (taken), it arrived at 08:40.
    assert punch.at == MON_0820 and punch.created_at == at(9, 8, 40)
    assert record.taken_at == MON_0820 and record.received_at == at(9, 8, 40)
    assert record.township_id == org.township.pk
    assert OfflineRecord.objects.count() == 1 and Punch.objects.count() == 1


def test_the_same_client_id_of_two_people_is_two_records(org):
    client_id = uuid.uuid4()
    with time_machine.travel(at(9, 8, 40), tick=False):
        receive(org.staff, "punch", MON_0820, {}, client_id=client_id)
        _record, duplicate = receive(org.colleague, "punch", MON_0820, {}, client_id=client_id)
    assert duplicate is False and Punch.objects.count() == 2


def test_a_refused_record_sent_again_answers_the_same_refusal_and_saves_nothing(org):
    client_id = uuid.uuid4()
    fields = {"date": "2026-11-09", "content": "走访"}
    with time_machine.travel(at(11, 9), tick=False):
        first, _ = receive(org.staff, "worklog", at(9, 18), fields, client_id=client_id, offline=False)
        second, duplicate = receive(
            org.staff, "worklog", at(9, 18), fields, client_id=client_id, offline=True
        )
    assert duplicate and second.pk == first.pk and second.status == OfflineStatus.REFUSED
    assert WorkLog.objects.count() == 0


# --- R-ATT-5: taking time far from the arrival without a connection gap -----------------------------


def test_r_att_5_punch_arriving_late_while_the_phone_had_a_connection_is_flagged(org):
    with time_machine.travel(at(9, 9, 20), tick=False):
        record, _ = receive(org.staff, "punch", MON_0820, {}, offline=False)  # 60 min, phone online
    finding = Finding.objects.get(rule_id="R-ATT-5")
    assert (
        finding.person == org.staff
        and finding.target == record.target
        and finding.on_date == dt.date(2026, 11, 9)
    )
    with translation.override("en"):
        assert "60 min later" in finding.text and "08:20" in finding.text and "09:20" in finding.text
    with translation.override("zh-hans"):
        assert "60" in finding.text and "min later" not in finding.text


def test_r_att_5_a_connection_gap_explains_a_late_punch(org):
    with time_machine.travel(at(9, 17, 30), tick=False):
        receive(org.staff, "punch", MON_0820, {}, offline=True)  # a day on the hillside
    assert Punch.objects.get().at == MON_0820
    assert not Finding.objects.filter(rule_id="R-ATT-5").exists()


def test_r_att_5_within_the_allowed_minutes_is_not_flagged_even_online(org):
    with time_machine.travel(at(9, 8, 50), tick=False):  # 30 min: the default R-ATT-5.minutes
        receive(org.staff, "punch", MON_0820, {}, offline=False)
    assert not Finding.objects.filter(rule_id="R-ATT-5").exists()


def test_r_att_5_another_sending_between_taking_and_arrival_breaks_the_gap(org):
    # The phone sent a work log at 09:00 (another sending) yet held the 08:20 punch until 10:00.
    with time_machine.travel(at(9, 9), tick=False):
        receive(
            org.staff, "worklog", at(9, 8, 55), {"date": "2026-11-09", "content": "下村"}, batch=uuid.uuid4()
        )
    with time_machine.travel(at(9, 10), tick=False):
        receive(org.staff, "punch", MON_0820, {}, offline=True, batch=uuid.uuid4())
    assert Finding.objects.filter(rule_id="R-ATT-5", person=org.staff).count() == 1


def test_r_att_5_records_of_one_sending_do_not_break_each_others_gap(org):
    batch = uuid.uuid4()
    with time_machine.travel(at(9, 17), tick=False):
        receive(org.staff, "worklog", at(9, 8, 55), {"date": "2026-11-09", "content": "下村"}, batch=batch)
    with time_machine.travel(
        at(
            9,
            17,
            0,
        )
        + dt.timedelta(seconds=2),
        tick=False,
    ):
        receive(org.staff, "punch", MON_0820, {}, offline=True, batch=batch)
    assert not Finding.objects.filter(rule_id="R-ATT-5").exists()


def test_r_att_5_minutes_is_a_yearly_policy_setting(org):
    policy_set(actor=org.admin, key="R-ATT-5.minutes", year=2026, value=90, township=org.township)
    with time_machine.travel(at(9, 9, 20), tick=False):  # 60 min < 90
        receive(org.staff, "punch", MON_0820, {}, offline=False)
    assert not Finding.objects.filter(rule_id="R-ATT-5").exists()


def test_a_punch_taken_by_a_phone_clock_ahead_is_refused(org):
    with time_machine.travel(at(9, 8), tick=False):
        record, _ = receive(org.staff, "punch", at(9, 8, 5), {})
    assert record.status == OfflineStatus.REFUSED and not Punch.objects.exists()
    assert set(record.refusal_texts) == {code for code, _name in settings.LANGUAGES}
    with translation.override("en"):
        assert "clock was ahead" in record.refusal_text and "2026-11-09 08:05" in record.refusal_text


# --- R-LOG-1: a work log taken offline in time, received late ---------------------------------------


def test_r_log_1_log_taken_in_time_and_explained_by_a_gap_counts_for_its_day(org):
    with time_machine.travel(at(11, 9), tick=False):  # Wednesday; taken Monday evening
        record, _ = receive(org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "入户走访"})
    assert record.status == OfflineStatus.SENT
    assert WorkLog.objects.get(person=org.staff).date == dt.date(2026, 11, 9)


def test_r_log_1_log_arriving_late_without_a_gap_is_refused_with_its_rule_in_both_languages(org):
    with time_machine.travel(at(11, 9), tick=False):
        record, _ = receive(
            org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "入户走访"}, offline=False
        )
    assert record.status == OfflineStatus.REFUSED and record.refusal_rule == "R-LOG-1"
    assert not WorkLog.objects.exists()  # nothing saved on refusal
    assert record.payload == {"date": ["2026-11-09"], "content": ["入户走访"]}
    with translation.override("en"):
        english = record.refusal_text
    with translation.override("zh-hans"):
        chinese = record.refusal_text
    assert english.startswith("A work log is written for today or the previous working day only")
    assert "2026-11-09" in english and "R-LOG-1" in english
    assert chinese != english and "R-LOG-1" in chinese and "2026-11-09" in chinese


def test_a_form_error_is_refused_with_the_fields_label(org):
    with time_machine.travel(at(9, 10), tick=False):
        record, _ = receive(org.staff, "leaving", at(9, 9, 50), {"destination": "县城"})
    assert record.status == OfflineStatus.REFUSED and record.refusal_rule == ""
    with translation.override("en"):
        assert "Leaving on: This field is required." in record.refusal_text
    assert not LeavingRegistration.objects.exists()


def test_leaving_registration_taken_offline_is_saved(org):
    fields = {
        "destination": "县城",
        "start_date": "2026-11-14",
        "end_date": "2026-11-15",
        "phone": "13800000000",
        "reason": "探亲",
    }
    with time_machine.travel(at(9, 10), tick=False):
        record, _ = receive(org.staff, "leaving", at(9, 9, 50), fields)
    assert record.status == OfflineStatus.SENT and record.target == LeavingRegistration.objects.get()


# --- a village visit with a photo; township scoping --------------------------------------------------


def visit_fields(village, **kw):
    fields = {
        "village": village.pk,
        "date": "2026-11-09",
        "part": "full",
        "purposes": ["research"],
        "transport": "bus",
        "meal": "none",
        "no_alcohol": "on",
        "no_cigarettes": "on",
        "no_special_dishes": "on",
        "summary": "了解春耕",
    }
    fields.update(kw)
    return fields


def test_visit_taken_offline_is_saved_with_its_photo(org):
    village = VillageFactory(township=org.township)
    with time_machine.travel(at(9, 19), tick=False):
        record, _ = receive(
            org.staff, "visit", at(9, 11), visit_fields(village), files=MultiValueDict({"photos": [jpeg()]})
        )
    visit = VillageVisit.objects.get()
    assert record.status == OfflineStatus.SENT and record.target == visit and record.taken_at == at(9, 11)
    assert VisitPhoto.objects.filter(visit=visit).count() == 1


def test_visit_page_shows_when_a_visit_was_taken_on_the_phone(org, login):
    village = VillageFactory(township=org.township)
    with time_machine.travel(at(9, 19), tick=False):
        receive(org.staff, "visit", at(9, 11, 5), visit_fields(village))
    visit = VillageVisit.objects.get()
    client = login(org.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Recorded on the phone at" in page and "2026-11-09 11:05" in page and "2026-11-09 19:00" in page


def test_r_fld_7_visit_without_purposes_is_refused_and_nothing_saved(org):
    village = VillageFactory(township=org.township)
    with time_machine.travel(at(9, 19), tick=False):
        record, _ = receive(
            org.staff,
            "visit",
            at(9, 11),
            visit_fields(village, purposes=[]),
            files=MultiValueDict({"photos": [jpeg()]}),
        )
    assert record.status == OfflineStatus.REFUSED and record.refusal_rule == "R-FLD-7"
    assert not VillageVisit.objects.exists() and not VisitPhoto.objects.exists()


def test_visit_to_another_townships_village_is_refused(org, other_org):
    village = VillageFactory(township=other_org.township)
    with time_machine.travel(at(9, 19), tick=False):
        record, _ = receive(org.staff, "visit", at(9, 11), visit_fields(village))
    assert record.status == OfflineStatus.REFUSED and not VillageVisit.objects.exists()
    with translation.override("en"):
        assert record.refusal_text.startswith("Village: ")


def test_discard_only_the_persons_own_refused_record(org):
    with time_machine.travel(at(11, 9), tick=False):
        record, _ = receive(
            org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "x"}, offline=False
        )
    with pytest.raises(OfflineRecord.DoesNotExist):
        offline_record_discard(actor=org.colleague, record_id=record.pk)
    assert offline_record_discard(actor=org.staff, record_id=record.pk).status == OfflineStatus.DISCARDED


def test_person_without_a_township_cannot_send(org):
    from django.core.exceptions import ValidationError

    from township.tests.factories import UserFactory

    county_reader = UserFactory(township=None)
    with pytest.raises(ValidationError):
        receive(county_reader, "punch", MON_0820, {})


# --- the pages ---------------------------------------------------------------------------------------


def test_sync_endpoint_saves_once_and_answers_the_same_outcome(org, login):
    village = VillageFactory(township=org.township)
    client = login(org.staff)
    client_id = str(uuid.uuid4())
    post = {
        **visit_fields(village),
        "_client_id": client_id,
        "_kind": "visit",
        "_taken_at": "2026-11-09T03:00:00.000Z",  # 11:00 in the township
        "_offline": "1",
        "_batch": str(uuid.uuid4()),
    }
    with time_machine.travel(at(9, 19), tick=False):
        first = client.post("/offline/sync/", {**post, "photos": jpeg()}).json()
        second = client.post("/offline/sync/", {**post, "photos": jpeg()}).json()
    visit = VillageVisit.objects.get()
    assert first == {
        "client_id": client_id,
        "status": "sent",
        "duplicate": False,
        "rule": "",
        "message": "",
        "url": visit.get_absolute_url(),
    }
    assert second == {**first, "duplicate": True}
    assert VisitPhoto.objects.count() == 1
    assert OfflineRecord.objects.get().taken_at == at(9, 11)


def test_sync_endpoint_refuses_the_signed_out_and_bad_ids(org, client, login):
    assert client.post("/offline/sync/", {"_client_id": str(uuid.uuid4())}).status_code == 401
    assert client.get("/offline/status/").json() == {"signed_in": False, "user": None}
    signed_in = login(org.staff)
    assert signed_in.post("/offline/sync/", {"_client_id": "nope", "_kind": "punch"}).status_code == 400
    assert signed_in.get("/offline/status/").json()["user"] == org.staff.pk


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "A work log is written for today or the previous working day only"), ("zh-hans", "工作日志")],
)
def test_queue_page_shows_a_refusal_in_the_readers_language(org, login, language, expected):
    with time_machine.travel(at(11, 9), tick=False):
        record, _ = receive(
            org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "x"}, offline=False
        )
    client = login(org.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/offline/").content.decode()
    assert expected in page and "R-LOG-1" in page and f'data-client-id="{record.client_id}"' in page


def test_queue_page_is_the_persons_own(org, other_org, login):
    with time_machine.travel(at(11, 9), tick=False):
        record, _ = receive(
            org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "x"}, offline=False
        )
    for person in (org.colleague, org.principal, other_org.principal):
        client = login(person)
        assert str(record.client_id) not in client.get("/offline/").content.decode()
        assert client.post(f"/offline/{record.pk}/discard/").status_code == 404
        assert client.post(f"/offline/{record.pk}/correct/").status_code == 404
    record.refresh_from_db()
    assert record.status == OfflineStatus.REFUSED


def test_correct_discards_and_opens_the_form_filled_with_what_was_sent(org, login):
    with time_machine.travel(at(11, 9), tick=False):
        record, _ = receive(
            org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "入户"}, offline=False
        )
    response = login(org.staff).post(f"/offline/{record.pk}/correct/")
    assert response.status_code == 302
    assert (
        response.url
        == f"/conduct/logs/?offline_correct={record.client_id}&date=2026-11-09&content=%E5%85%A5%E6%88%B7"
    )
    record.refresh_from_db()
    assert record.status == OfflineStatus.DISCARDED


def test_service_worker_and_manifest(client):
    sw = client.get("/sw.js")
    assert sw["Service-Worker-Allowed"] == "/" and sw["Content-Type"].startswith("text/javascript")
    body = sw.content.decode()
    for page in (
        "/fieldwork/visits/new/",
        "/fieldwork/households/",
        "/conduct/",
        "/conduct/logs/",
        "/conduct/leaving/",
        "/offline/",
    ):
        assert f'"{page}"' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert [i["sizes"] for i in data["icons"]] == ["192x192", "512x512"]
    assert data["name"] == "乡镇作风建设管理"


# Session, user, the records' count and page, the saved objects (one query per kind: visits, punches;
# a refused record has none), then the shell: approvals badge, roles, unread notifications, township.
QUEUE_QUERIES = 10


@pytest.mark.parametrize("pairs", [1, 10])
def test_queue_page_takes_the_same_queries_for_3_and_30_records(org, login, django_assert_num_queries, pairs):
    """Sent records of every kind (their saved objects fetched per kind) and refused ones."""
    village = VillageFactory(township=org.township)
    for n in range(pairs):
        with time_machine.travel(at(9, 8) + dt.timedelta(minutes=2 * n), tick=False):
            receive(org.staff, "punch", at(9, 8) + dt.timedelta(minutes=2 * n), {})
        with time_machine.travel(at(10, 19), tick=False):
            receive(org.staff, "visit", at(9, 11), visit_fields(village, date=f"2026-11-0{1 + n % 9}"))
        with time_machine.travel(at(11, 9), tick=False):
            receive(org.staff, "worklog", at(9, 18), {"date": "2026-11-09", "content": "x"}, offline=False)
    assert OfflineRecord.objects.count() == 3 * pairs
    client = login(org.staff)
    client.get("/offline/")  # the session and the menus' cache warm
    from conftest import clear_cache

    clear_cache()
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get("/offline/?page=1")
    assert page.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_same_record_sent_from_the_page_and_the_worker_at_once_is_saved_once():
    """A page and the service worker (Background Sync) may send the same record at the same moment:
    one saves it, the other answers the earlier outcome (no error, nothing twice)."""
    import threading

    from django.db import connection

    from conftest import build_org

    org = build_org()
    client_id = uuid.uuid4()
    fields = {
        "destination": "县城",
        "start_date": "2026-11-14",
        "end_date": "2026-11-15",
        "phone": "13800000000",
        "reason": "探亲",
    }
    barrier = threading.Barrier(2)
    duplicates = []

    def send():
        try:
            barrier.wait()
            duplicates.append(receive(org.staff, "leaving", MON_0820, fields, client_id=client_id)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(duplicates) == [False, True]
    assert LeavingRegistration.objects.count() == 1 and OfflineRecord.objects.count() == 1
