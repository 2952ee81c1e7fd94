import re
from datetime import timedelta

import factory
from django.utils import timezone

from cases.models import Crime, CrimeVictim, Offence, Person
from victimcare.accounts.constants import Role
from victimcare.accounts.models import BCU, Team, User


class BCUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BCU

    code = factory.Sequence(lambda n: f"bcu{n}")
    name = factory.Sequence(lambda n: f"BCU {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    bcu = factory.SubFactory(BCUFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.police.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    role = Role.OFFICER
    team = factory.SubFactory(TeamFactory)
    shoulder_number = factory.Sequence(lambda n: f"PC{1000 + n}")
    contact_phone = "01632 960 001"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def offence(code: str = "8N") -> Offence:
    """Offences come from the data migration; pick one by code (default: ABH)."""
    return Offence.objects.get(code=code)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title = "Ms"
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=80)
    email = factory.LazyAttribute(
        lambda p: re.sub(r"[^a-z.]", "", f"{p.first_name}.{p.last_name}".lower()) + "@example.com"
    )
    mobile_phone = "07700 900 982"
    safe_phone = True
    safe_email = True


class CrimeFactory(factory.django.DjangoModelFactory):
    """A crime written directly (for read-side tests). Domain writes in tests go through services."""

    class Meta:
        model = Crime
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"VC/{10000 + n:05d}/26")
    offence = factory.LazyFunction(lambda: offence("8N"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    reported_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    recorded_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    location = "High Street, Anytown"
    team = factory.SubFactory(TeamFactory)
    bcu = factory.LazyAttribute(lambda c: c.team.bcu)
    oic = None
    status = "recorded"
    created_by = factory.LazyAttribute(lambda c: c.oic or UserFactory(team=c.team))

    @factory.post_generation
    def victims(obj, create, extracted, **kwargs):
        if not create:
            return
        people = extracted if extracted is not None else [PersonFactory()]
        for p in people:
            CrimeVictim.objects.create(crime=obj, person=p, added_by=obj.created_by)
