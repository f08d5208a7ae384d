"""The migrated database holds every trigger the models declare (issue 15): the history triggers of
django-pghistory and the project's own (publish freeze, append-only logs), installed, current and
enabled, and no trigger left behind by a model that no longer declares it."""

import pgtrigger
from pgtrigger import installation


def test_every_declared_trigger_is_installed_current_and_enabled(db):
    declared = pgtrigger.registered()
    status = {
        f"{model._meta.label}:{trigger.name}": trigger.get_installation_status(model)
        for model, trigger in declared
    }
    wrong = {uri: s for uri, s in status.items() if s != ("INSTALLED", True)}
    assert wrong == {}
    # The history of every audited table (insert and update triggers at least), and the project's own.
    assert len(status) >= 110  # 118 on 2026-12-01
    own = {"punch_never_edited", "role_grant_append_only", "score_frozen", "security_event_append_only"}
    assert own <= {uri.split(":")[1] for uri in status}


def test_no_trigger_is_left_in_the_database_that_no_model_declares(db):
    assert installation.prunable() == []
