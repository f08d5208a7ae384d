import pytest
from django.db import connection

from township.backup import backup, restore, row_counts


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_row_counts(tmp_path):
    from conftest import build_org

    build_org()
    path = backup(tmp_path / "t.dump")
    target = connection.settings_dict["NAME"] + "_restored"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cur.execute(f'CREATE DATABASE "{target}"')
    try:
        restore(path, dbname=target)
        before = row_counts()
        after = row_counts(dbname=target)
        assert after == before
        assert after["township_user"] >= 10
    finally:
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
