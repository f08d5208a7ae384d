import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import pgettext

from conduct.reception import services
from township.approvals import approval_decide, approvals_for_target
from township.exports import export_filename
from township.models import Finding
from township.tests.test_exports import filename_of
from township.workcalendar import is_working_day

from .factories import vehicle


def _next_day(working: bool, township):
    day = timezone.localdate() + dt.timedelta(days=1)
    while is_working_day(day, township=township) != working:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _log(org, car, when, odometer_out, actor=None, driver=None):
    return services.vehicle_use_log(
        actor=actor or org.clerk,
        vehicle=car,
        driver=driver or org.staff,
        purpose="送文件到县政府",
        route="镇政府—县政府",
        departs_at=when,
        odometer_out=odometer_out,
    )


def test_r_veh_1_use_logged_and_returned_without_findings(org):
    car = vehicle(org)
    use = _log(org, car, _next_day(True, org.township), 1000)
    services.vehicle_use_return(
        actor=org.clerk, use_id=use.pk, odometer_in=1040, returned_at=use.departs_at + dt.timedelta(hours=3)
    )
    car.refresh_from_db()
    assert car.odometer == 1040
    assert not Finding.objects.filter(rule_id="R-VEH-1").exists()


def test_r_veh_1_odometer_gap_between_uses_is_a_finding(org):
    car = vehicle(org)
    first = _log(org, car, _next_day(True, org.township), 1000)
    services.vehicle_use_return(
        actor=org.clerk,
        use_id=first.pk,
        odometer_in=1040,
        returned_at=first.departs_at + dt.timedelta(hours=2),
    )
    second = _log(org, car, first.departs_at + dt.timedelta(hours=5), 1100)
    finding = Finding.objects.get(rule_id="R-VEH-1")
    assert finding.target_id == second.pk and "60" in finding.detail


def test_r_veh_1_rest_day_use_without_approved_purpose_is_a_finding(org):
    car = vehicle(org)
    use = _log(org, car, _next_day(False, org.township), 1000)
    assert use.rest_day
    req = approvals_for_target(use).get()
    services.vehicle_use_return(
        actor=org.clerk, use_id=use.pk, odometer_in=1010, returned_at=use.departs_at + dt.timedelta(hours=1)
    )
    assert Finding.objects.filter(rule_id="R-VEH-1", target_id=use.pk).exists()
    # with the purpose approved, no finding
    approval_decide(actor=org.leader, request_id=req.pk, decision="approve")
    use2 = _log(org, car, use.departs_at + dt.timedelta(hours=3), 1010)
    approval_decide(actor=org.leader, request_id=approvals_for_target(use2).get().pk, decision="approve")
    services.vehicle_use_return(
        actor=org.clerk, use_id=use2.pk, odometer_in=1020, returned_at=use2.departs_at + dt.timedelta(hours=1)
    )
    assert not Finding.objects.filter(rule_id="R-VEH-1", target_id=use2.pk).exists()


def test_r_veh_1_use_logged_after_departure_is_a_finding(org):
    car = vehicle(org)
    use = _log(org, car, timezone.now() - dt.timedelta(hours=3), 1000)
    assert Finding.objects.filter(rule_id="R-VEH-1", target_id=use.pk, detail__contains="after").exists()


def test_r_veh_1_purpose_required_and_no_lending(org, other_org):
    car = vehicle(org)
    with pytest.raises(ValidationError) as exc:
        services.vehicle_use_log(
            actor=org.clerk,
            vehicle=car,
            driver=org.staff,
            purpose=" ",
            route="x",
            departs_at=_next_day(True, org.township),
            odometer_out=1000,
        )
    assert "R-VEH-1" in exc.value.message_dict["purpose"][0]
    with pytest.raises(ValidationError) as exc:
        _log(org, car, _next_day(True, org.township), 1000, driver=other_org.staff)
    assert "driver" in exc.value.message_dict


def test_previous_use_must_be_closed_and_odometer_goes_forward(org):
    car = vehicle(org)
    use = _log(org, car, _next_day(True, org.township), 1000)
    with pytest.raises(ValidationError):
        _log(org, car, use.departs_at + dt.timedelta(hours=4), 1000)
    with pytest.raises(ValidationError) as exc:
        services.vehicle_use_return(
            actor=org.clerk,
            use_id=use.pk,
            odometer_in=900,
            returned_at=use.departs_at + dt.timedelta(hours=1),
        )
    assert "odometer_in" in exc.value.message_dict


def test_vehicle_pages(org, login):
    car = vehicle(org)
    use = _log(org, car, _next_day(True, org.township), 1000)
    client = login(org.clerk)
    assert car.plate in client.get("/reception/vehicles/").content.decode()
    assert client.get(f"/reception/vehicles/uses/{use.pk}/").status_code == 200
    export = client.get("/reception/vehicles/?export=xlsx")
    assert filename_of(export) == export_filename(pgettext("file name", "vehicle uses"), ext="xlsx")
    # a cadre logs their own drive from the form
    staff = login(org.staff)
    when = _next_day(True, org.township) + dt.timedelta(days=1)
    services.vehicle_use_return(
        actor=org.clerk, use_id=use.pk, odometer_in=1000, returned_at=use.departs_at + dt.timedelta(hours=1)
    )
    response = staff.post(
        "/reception/vehicles/uses/new/",
        {
            "vehicle": car.pk,
            "driver": org.staff.pk,
            "purpose": "下村检查",
            "route": "镇—东河村",
            "departs_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            "odometer_out": 1000,
        },
    )
    assert response.status_code == 302
