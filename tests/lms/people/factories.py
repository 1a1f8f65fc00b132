import factory
from django.contrib.auth import get_user_model

from lms.people.models import Agency, AgencyKind, AgencyOfficer, EmploymentType, Person, RankSeries
from lms.people.roles import Role


class AgencyFactory(factory.Factory):
    """Agencies are tree nodes: create them through treebeard's add_root / add_child."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"A{n:05d}")
    name = factory.Sequence(lambda n: f"測試機關{n}")
    kind = AgencyKind.FIRST_LEVEL
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.add_root(**kwargs)
        return parent.add_child(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kcg.gov.tw")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])
        self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    employee_number = factory.Sequence(lambda n: f"E{n:07d}")
    name = factory.Sequence(lambda n: f"學員{n}")
    email = factory.LazyAttribute(lambda o: f"{o.employee_number.lower()}@example.kcg.gov.tw")
    agency = factory.SubFactory(AgencyFactory)
    rank_series = RankSeries.INTERMEDIATE
    grade = 7
    is_supervisor = False
    employment_type = EmploymentType.CIVIL_SERVANT


class TraineeFactory(PersonFactory):
    user = factory.SubFactory(UserFactory, roles=[Role.TRAINEE])


class AgencyOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyOfficer

    user = factory.SubFactory(UserFactory, roles=[Role.AGENCY_OFFICER])
    agency = factory.SubFactory(AgencyFactory)
