"""The load test (bench/load.py, bench/locustfile.py) follows the real pages: the sessions it makes open
them, and what it reads from them (bench/load_pages.py) leads to posts the app accepts. If a page changes
shape, this fails, instead of an action quietly dropping out of the load test's mix."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from bench import load
from bench import load_pages as pages
from cases.models import CaseEvent
from contacts.constants import ObligationState
from contacts.models import Contact, Obligation
from portal.models import AccountStatus, PortalAccount
from tests.contacts.support import person, record, victims

pytestmark = pytest.mark.django_db


def _client(session_key: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def test_a_staff_session_logs_a_contact_and_records_an_event_as_the_load_test_does(officer):
    # Recorded earlier today: the form suggests the current minute, and a contact cannot meet a duty that
    # began after it.
    crime = record(officer, people=[person(last_name="Okafor")], now=timezone.now() - timedelta(hours=3))
    cv = victims(crime)[0]
    slug = crime.reference.replace("/", "-")
    client = _client(load.staff_session(officer))

    assert slug in pages.case_slugs(client.get("/cases/mine/").content.decode())
    page = client.get(f"/cases/{slug}/").content.decode()
    assert pages.victim_surnames(page) == ["Okafor"]
    assert pages.contact_victims(page) == [str(cv.id)]

    path = f"/cases/{slug}/victims/{cv.id}/contacts/new/"
    form = client.get(path).content.decode()
    data = pages.contact_post(form)
    assert data is not None and (data["method"], data["outcome"]) == ("phone", "spoke")
    assert data["obligations"], "the form pre-selects the duties a contact meets"
    r = client.post(path, {**data, "csrfmiddlewaretoken": pages.csrf_token(form)})
    assert r.status_code == 302, pages.form_errors(r.content.decode())
    contact = Contact.objects.get(crime=crime)
    assert Obligation.objects.filter(met_by_contact=contact, state=ObligationState.MET).count() == len(
        data["obligations"]
    )

    choose = client.get(f"/cases/{slug}/events/new/").content.decode()
    assert pages.event_offered(choose)
    path = f"/cases/{slug}/events/new/?code={pages.EVENT}"
    form = client.get(path).content.decode()
    r = client.post(path, {**pages.event_post(), "csrfmiddlewaretoken": pages.csrf_token(form)})
    assert r.status_code == 302, pages.form_errors(r.content.decode())
    assert CaseEvent.objects.filter(crime=crime, code=pages.EVENT).count() == 1


def test_no_contact_is_posted_where_nothing_is_marked_safe(officer):
    crime = record(officer, people=[person(safe_phone=False, safe_email=False)])
    cv = victims(crime)[0]
    client = _client(load.staff_session(officer))
    form = client.get(f"/cases/{crime.reference.replace('/', '-')}/victims/{cv.id}/contacts/new/")
    assert pages.contact_post(form.content.decode()) is None


def test_a_portal_session_opens_the_victims_case_and_sends_a_question(officer):
    cv = victims(record(officer))[0]
    PortalAccount.objects.create(person=cv.person, status=AccountStatus.ACTIVE, password=make_password("x"))
    client = _client(load.portal_session_for(cv))

    r = client.get("/portal/case/")
    assert r.status_code == 200 and cv.crime.reference in r.content.decode()
    form = client.get("/portal/ask/").content.decode()
    r = client.post("/portal/ask/", {"question": "Any news?", "csrfmiddlewaretoken": pages.csrf_token(form)})
    assert r.status_code == 302 and r["Location"] == "/portal/case/"


def test_staff_picked_for_the_load_are_case_workers_who_need_no_second_step(officer, supervisor, admin_user):
    import random

    picked = load.pick_staff(20, random.Random(1))
    assert {u.pk for u in picked} == {officer.pk, supervisor.pk}
    assert sum(u.pk == supervisor.pk for u in picked) == 3  # 15%


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(1, 101)]
    assert [load.percentile(samples, q) for q in (50, 95, 99)] == [50.0, 95.0, 99.0]
    assert load.percentile([7.0], 99) == 7.0
