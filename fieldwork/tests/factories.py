import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from fieldwork.models import (
    DayPart,
    Meal,
    Pairing,
    PoorHousehold,
    ResearchReport,
    ResearchTopic,
    Transport,
    VillageVisit,
)
from township.tests.factories import UserFactory, VillageFactory  # noqa: F401 - reused


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageVisit

    person = factory.SubFactory(UserFactory)
    township = factory.LazyAttribute(lambda o: o.person.township)
    village = factory.LazyAttribute(lambda o: VillageFactory(township=o.township))
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    part = DayPart.FULL
    days = factory.LazyAttribute(lambda o: Decimal("1") if o.part == DayPart.FULL else Decimal("0.5"))
    purposes = factory.LazyFunction(lambda: ["research"])
    transport = Transport.BUS
    meal = Meal.NONE


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchTopic

    person = factory.SubFactory(UserFactory)
    township = factory.LazyAttribute(lambda o: o.person.township)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"调研课题{n}")
    is_key = True


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchReport

    person = factory.SubFactory(UserFactory)
    township = factory.LazyAttribute(lambda o: o.person.township)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"调研报告{n}")
    body = "正文"
    status = "draft"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoorHousehold

    village = factory.SubFactory(VillageFactory)
    township = factory.LazyAttribute(lambda o: o.village.township)
    household_no = factory.Sequence(lambda n: f"H{n:05d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    members = 3


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    cadre = factory.SubFactory(UserFactory)
    household = factory.LazyAttribute(
        lambda o: HouseholdFactory(village=VillageFactory(township=o.cadre.township))
    )
    township = factory.LazyAttribute(lambda o: o.household.township)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    created_by = factory.LazyAttribute(lambda o: o.cadre)
