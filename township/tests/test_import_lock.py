"""One import at a time per person (issue 14): while one upload of a person is being previewed
or imported, a second one of the same person is refused with a clear message; others are not
held up, and the lock goes at the end of the request (or after its timeout)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from township.imports import import_lock, import_lock_key, redis_client

HEADER = "employee_no,full_name,username,mobile,email,department,category,roles"
BUSY = "You already have an import in progress; wait until it has finished, then upload again."


def _upload(client, org, n=1):
    rows = "".join(
        f"N9{i:02d},某人{i},n9{i:02d},139000009{i:02d},,{org.department.name},other_cadre,staff\n"
        for i in range(n)
    )
    return client.post(
        "/settings/roster/",
        {"kind": "people", "file": SimpleUploadedFile("p.csv", (HEADER + "\n" + rows).encode())},
    )


@pytest.fixture
def clean_locks(org, other_org):
    yield
    redis_client().delete(import_lock_key(org.admin), import_lock_key(other_org.admin))


@pytest.mark.django_db
def test_a_second_upload_while_one_is_running_is_refused(org, other_org, login, clean_locks):
    client = login(org.admin)
    client.cookies["django_language"] = "en"  # the message is compared in English
    with import_lock(org.admin):  # an upload of the same person still being previewed
        response = _upload(client, org)
        assert response.status_code == 200
        assert response.context["form"].errors["file"] == [BUSY]
        assert response.context["outcome"] is None
        assert response.context["token"] is None  # nothing staged
        # Someone else's import is not held up.
        other = login(other_org.admin)
        other.cookies["django_language"] = "en"
        response = _upload(other, other_org)
        assert response.context["outcome"].ok and response.context["outcome"].total == 1
    client = login(org.admin)
    client.cookies["django_language"] = "en"  # the message is compared in English
    response = _upload(client, org, n=2)
    assert response.context["outcome"].ok and response.context["outcome"].total == 2
    token = response.context["token"]
    # The preview released the lock; confirming works, and is refused the same while busy.
    with import_lock(org.admin):
        response = client.post("/settings/roster/", {"kind": "people", "confirm": "1", "token": token})
        assert [str(m) for m in response.context["messages"]] == [BUSY]
    response = client.post("/settings/roster/", {"kind": "people", "confirm": "1", "token": token})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_is_released_when_the_import_fails_and_expires_on_its_own(org, settings, clean_locks):
    from township.imports import ImportBusy

    with pytest.raises(RuntimeError), import_lock(org.admin):
        raise RuntimeError("worker trouble")
    with import_lock(org.admin):
        with pytest.raises(ImportBusy), import_lock(org.admin):
            pass
        ttl = redis_client().ttl(import_lock_key(org.admin))
        assert 0 < ttl <= settings.IMPORT_LOCK_SECONDS
