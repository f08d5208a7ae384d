import datetime as dt

import factory
from django.contrib.auth.models import Group

from township.models import Category, County, Department, Township, User, Village


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    name = "测试县"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    code = factory.Sequence(lambda n: f"t{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")
    code = factory.Sequence(lambda n: f"v{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"办公室{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.county if o.township else CountyFactory())
    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"干部{n}")
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    category = Category.OTHER_CADRE
    first_employed_on = dt.date(2015, 3, 1)
    password = factory.django.Password("pass-12345")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the data migration made
            self.groups.set([Group.objects.get_or_create(name=r)[0] for r in extracted])
            self._role_codes = None
