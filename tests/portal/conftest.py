"""Portal test helpers: victims with active accounts, signed-in clients."""

import re
from datetime import date

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from cases.models import PropertyItem
from portal import services
from portal.models import AccountStatus, PortalAccount
from tests.contacts.support import person, record, victims

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VC_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }


def make_victim(officer, **over):
    """A crime recorded by the officer with one victim; returns the CrimeVictim."""
    crime = record(officer, people=[person(**over)])
    return victims(crime)[0]


def give_account(cv, password: str = PASSWORD, **fields) -> PortalAccount:
    account, _ = PortalAccount.objects.update_or_create(
        person=cv.person,
        defaults={"status": AccountStatus.ACTIVE, "password": make_password(password), **fields},
    )
    return account


def sign_in_data(cv, password: str = PASSWORD) -> dict:
    dob: date = cv.person.date_of_birth
    return {
        "reference": cv.crime.reference,
        "dob-day": str(dob.day),
        "dob-month": str(dob.month),
        "dob-year": str(dob.year),
        "password": password,
    }


def signed_in_client(cv, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/portal/", sign_in_data(cv, password))
    assert response.status_code == 302 and response["Location"] == "/portal/case/", response.content[:500]
    return client


def activation_link(outbox_bodies: list[str]) -> str:
    for body in reversed(outbox_bodies):
        m = re.search(r"https?://[^\s]+/portal/activate/([\w-]+)/", body)
        if m:
            return m.group(1)
    raise AssertionError("no activation link sent")


@pytest.fixture
def victim(officer):
    cv = make_victim(officer)
    give_account(cv)
    PropertyItem.objects.create(crime=cv.crime, crime_victim=cv, description="Blue bicycle", value_pounds=250)
    return cv


@pytest.fixture
def other_victim(outsider):
    """A victim on a case in another BCU with their own account."""
    cv = make_victim(outsider, first_name="Other", last_name="Person")
    give_account(cv)
    PropertyItem.objects.create(crime=cv.crime, crime_victim=cv, description="Red handbag")
    return cv


__all__ = ["services", "mail"]
