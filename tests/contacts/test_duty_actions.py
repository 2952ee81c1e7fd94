"""Every duty on every list leads to the one action that meets it, named in words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Obligation
from tests.contacts.support import record, victims


@pytest.mark.django_db
def test_each_duty_links_to_what_meets_it(officer, officer_client):
    crime = record(officer, now=timezone.now() - timedelta(days=1))
    cv = victims(crime)[0]
    kw = {"ref": crime.slug, "cv_id": cv.id}
    expected = {
        "NEEDS_ASSESSMENT": reverse("cases:needs_assessment", kwargs=kw),
        "CONTACT_PLAN": reverse("contacts:plan", kwargs=kw),
        # The victim's referrals on the case page, where the referral is made.
        "SUPPORT_REFERRAL": crime.get_absolute_url() + f"#referrals-{cv.id}",
    }
    for page in (reverse("contacts:my_work"), crime.get_absolute_url()):
        html = officer_client.get(page).content.decode()
        for ob in Obligation.objects.filter(crime=crime, state="open"):
            target = expected.get(
                ob.code, reverse("contacts:contact_new", kwargs=kw) + f"?obligation={ob.pk}"
            )
            assert f'href="{target}"' in html, (page, ob.code)
            assert officer_client.get(target).status_code == 200
        assert "VPS_OFFER" not in html and "Needs assessment" in html
