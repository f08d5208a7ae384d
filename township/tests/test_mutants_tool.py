"""`make mutants` counts only the functions a service module lists ([mutants:functions])."""

from township.devtools import mutants


def test_a_service_module_counts_only_its_listed_functions():
    assert mutants.functions_for("conduct/services/leave.py") == [
        "leave_balance",
        "leave_halves",
        "leave_length",
    ]
    assert (
        mutants.name_patterns("conduct/services/leave.py")[0]
        == "conduct.services.leave.x_leave_balance__mutmut_*"
    )
    codes = {
        "conduct.services.leave.x_leave_length__mutmut_1": 1,
        "conduct.services.leave.x_leave_length__mutmut_2": 0,
        "conduct.services.leave.x_leave_submit__mutmut_1": 0,  # workflow: not counted
    }
    counted = mutants.count(mutants._in_scope("conduct/services/leave.py", codes))
    assert (counted["mutants"], counted["killed"], counted["survived"], counted["score"]) == (2, 1, 1, 50.0)


def test_a_module_without_a_function_list_counts_every_mutant():
    assert mutants.functions_for("township/appraisal.py") == []
    codes = {"township.appraisal.x_a__mutmut_1": 1, "township.appraisal.x_b__mutmut_1": None}
    assert mutants._in_scope("township/appraisal.py", codes) == codes
    assert mutants.row(
        {"module": "township/appraisal.py", **mutants.count(codes), "date": "2026-12-01", "minutes": 1}
    )
