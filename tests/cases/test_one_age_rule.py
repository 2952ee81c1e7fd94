"""A victim's age has one rule (cases.constants.age_on), which Person.age_on, the survey eligibility and the
equality figures all use: a birthday counts from the day itself, and 29 February birthdays from 1 March in
other years."""

from datetime import date

import pytest

from cases import constants
from cases.models import Person


@pytest.mark.parametrize(
    "dob,day,age",
    [
        (date(2010, 6, 15), date(2026, 6, 14), 15),
        (date(2010, 6, 15), date(2026, 6, 15), 16),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (None, date(2026, 1, 1), None),
    ],
)
def test_person_age_is_the_one_rule(dob, day, age):
    assert constants.age_on(dob, day) == age
    assert Person(date_of_birth=dob).age_on(day) == age
