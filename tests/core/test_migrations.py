import pytest

from cases.models import Offence


@pytest.mark.django_db
def test_fresh_migrate_loads_offence_classification():
    assert Offence.objects.count() >= 50
    assert Offence.objects.filter(is_sexual=True).exists()
    for flag in (
        "is_domestic_abuse_eligible",
        "is_violence",
        "is_hate",
        "is_road_death",
        "is_vehicle",
        "is_criminal_damage",
        "is_most_serious",
    ):
        assert Offence.objects.filter(**{flag: True}).exists(), flag
