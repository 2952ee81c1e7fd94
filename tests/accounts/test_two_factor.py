"""Two-factor sign-in for staff: required for administrators (and the roles in TWO_FACTOR_REQUIRED_ROLES),
open to anyone, with recovery codes; every way in (web, admin, API token) asks for it."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from victimcare.accounts import two_factor

PASSWORD = "a-long-test-password-1"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def password_sign_in(client: Client, user, next_url: str = "/"):
    user.set_password(PASSWORD)
    user.save()
    return client.post(
        reverse("login") + f"?next={next_url}",
        {"username": user.email, "password": PASSWORD, "next": next_url},
    )


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE, confirmed=True)


@pytest.mark.django_db
class TestWhoMustUseIt:
    def test_administrators_must_and_officers_need_not(self, admin_user, officer, supervisor):
        assert two_factor.required_for(admin_user)
        assert not two_factor.required_for(officer)
        assert not two_factor.required_for(supervisor)

    def test_the_setting_adds_roles(self, settings, supervisor, officer):
        settings.TWO_FACTOR_REQUIRED_ROLES = ("supervisor",)
        assert two_factor.required_for(supervisor)
        assert not two_factor.required_for(officer)

    def test_anyone_who_can_open_the_admin_must(self, officer):
        officer.is_staff = True
        assert two_factor.required_for(officer)


@pytest.mark.django_db
class TestAnAdministratorWithoutAnApp:
    def test_every_page_sends_them_to_set_it_up_first(self, client, admin_user):
        client.force_login(admin_user)
        for url in ("/", "/cases/team/", "/admin/", "/admin/cases/crime/", "/account/api-access/"):
            r = client.get(url)
            assert r.status_code == 302, url
            assert r["Location"].startswith(reverse("two_factor_setup")), url

    def test_the_api_refuses_their_session(self, client, admin_user):
        client.force_login(admin_user)
        r = client.get("/api/crimes/")
        assert r.status_code == 403
        assert "two-factor" in json.loads(r.content)["detail"]

    def test_setting_up_an_app_turns_it_on_and_gives_ten_recovery_codes(self, client, admin_user):
        client.force_login(admin_user)
        page = client.get(reverse("two_factor_setup"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html and "Set up two-factor sign-in" in html
        device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
        assert two_factor.setup_key(device) in html

        wrong = client.post(
            reverse("two_factor_setup"), {"code": "000000" if code_for(device) != "000000" else "1"}
        )
        assert wrong.status_code == 200
        assert "That code is not right" in wrong.content.decode()
        assert not two_factor.is_on(admin_user)

        device.refresh_from_db()
        assert device.throttling_failure_count == 1  # each wrong code slows the next attempts down
        device.throttle_reset()  # as a second's pause would

        done = client.post(reverse("two_factor_setup"), {"code": code_for(device), "next": "/admin/"})
        assert done.status_code == 200
        codes = StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
        assert len(codes) == 10
        for c in codes:
            assert c in done.content.decode()
        assert two_factor.is_on(admin_user)
        assert client.get("/admin/").status_code == 200  # this session is verified

    def test_reloading_the_setup_page_keeps_the_same_key(self, client, admin_user):
        client.force_login(admin_user)
        client.get(reverse("two_factor_setup"))
        client.get(reverse("two_factor_setup"))
        assert TOTPDevice.objects.filter(user=admin_user).count() == 1


@pytest.mark.django_db
class TestSigningInWithAnApp:
    def test_the_password_alone_is_not_enough(self, client, admin_user):
        app_for(admin_user)
        r = password_sign_in(client, admin_user, "/cases/team/")
        assert r.status_code == 302
        follow = client.get(r["Location"])
        assert follow.status_code == 302
        assert follow["Location"].startswith(reverse("two_factor_verify"))
        assert client.get("/admin/").status_code == 302

    def test_the_right_code_lets_them_in_and_returns_them_where_they_were_going(self, client, admin_user):
        device = app_for(admin_user)
        password_sign_in(client, admin_user)
        r = client.post(reverse("two_factor_verify"), {"code": code_for(device), "next": "/admin/"})
        assert r.status_code == 302 and r["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200

    def test_a_wrong_code_is_refused_with_a_clear_message(self, client, admin_user):
        device = app_for(admin_user)
        password_sign_in(client, admin_user)
        bad = "123456" if code_for(device) != "123456" else "654321"
        r = client.post(reverse("two_factor_verify"), {"code": bad})
        assert r.status_code == 200
        assert "That code is not right" in r.content.decode()
        assert client.get("/admin/").status_code == 302
        blank = client.post(reverse("two_factor_verify"), {"code": ""})
        assert "Enter the code from your authenticator app" in blank.content.decode()

    def test_a_recovery_code_works_once(self, client, admin_user):
        app_for(admin_user)
        codes = two_factor.new_recovery_codes(admin_user)
        password_sign_in(client, admin_user)
        r = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
        assert r.status_code == 302
        assert two_factor.recovery_codes_left(admin_user) == 9
        other = Client()
        password_sign_in(other, admin_user)
        again = other.post(reverse("two_factor_verify"), {"code": codes[0]})
        assert again.status_code == 200
        assert other.get("/admin/").status_code == 302

    def test_wrong_codes_lock_out_like_wrong_passwords(self, client, admin_user):
        device = app_for(admin_user)
        password_sign_in(client, admin_user)
        right = code_for(device)
        wrong = "111111" if right != "111111" else "222222"
        for _ in range(10):
            client.post(reverse("two_factor_verify"), {"code": wrong})
        r = client.post(reverse("two_factor_verify"), {"code": right})
        assert "Too many failed attempts" in r.content.decode()
        assert client.get("/admin/").status_code == 302

    def test_the_next_address_must_be_on_this_site(self, client, admin_user):
        device = app_for(admin_user)
        password_sign_in(client, admin_user)
        r = client.post(
            reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
        )
        assert r.status_code == 302
        assert r["Location"] == reverse("home")

    def test_a_half_signed_in_person_cannot_make_new_recovery_codes(self, client, admin_user):
        app_for(admin_user)
        before = two_factor.new_recovery_codes(admin_user)
        password_sign_in(client, admin_user)
        r = client.post(reverse("two_factor_manage"), {"action": "codes"})
        assert r.status_code == 302 and r["Location"].startswith(reverse("two_factor_verify"))
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(before)

    def test_an_officer_without_an_app_signs_in_with_the_password(self, client, officer):
        r = password_sign_in(client, officer, "/cases/mine/")
        assert r.status_code == 302
        assert client.get("/cases/mine/").status_code == 200


@pytest.mark.django_db
class TestAnOfficerTurningItOnAndOff:
    def test_turn_on_then_asked_at_each_sign_in_then_turn_off(self, client, officer):
        password_sign_in(client, officer)
        manage = client.get(reverse("two_factor_manage"))
        assert "Two-factor sign-in is off" in manage.content.decode()
        client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=officer)
        client.post(reverse("two_factor_setup"), {"code": code_for(device)})
        assert two_factor.is_on(officer)

        later = Client()
        password_sign_in(later, officer)
        assert later.get("/cases/mine/")["Location"].startswith(reverse("two_factor_verify"))
        later.post(reverse("two_factor_verify"), {"code": code_for(device, offset=1)})
        assert later.get("/cases/mine/").status_code == 200

        page = later.get(reverse("two_factor_manage")).content.decode()
        assert "Recovery codes left" in page and "10 of 10" in page
        # someone at the unlocked screen cannot turn it off or make codes without a current code
        refused = later.post(reverse("two_factor_manage"), {"action": "off"})
        assert refused.status_code == 400
        page = refused.content.decode()
        assert "Error: Two-factor sign-in" in page and "Enter the code from your authenticator app." in page
        wrong = later.post(reverse("two_factor_manage"), {"action": "codes", "codes-code": "000000"})
        assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
        assert (
            'id="id_codes-code"' in wrong.content.decode() and "govuk-input--error" in wrong.content.decode()
        )
        assert two_factor.is_on(officer) and two_factor.recovery_codes_left(officer) == 10
        token = StaticToken.objects.filter(device__user=officer).first()
        token.device.throttle_reset()  # the wrong code above slowed the device down: as a pause would
        recovery = token.token
        later.post(reverse("two_factor_manage"), {"action": "off", "off-code": recovery})
        assert not two_factor.is_on(officer)
        third = Client()
        password_sign_in(third, officer)
        assert third.get("/cases/mine/").status_code == 200

    def test_an_administrator_cannot_turn_it_off(self, client, admin_user):
        from tests.conftest import signed_in

        signed_in(client, admin_user)
        page = client.get(reverse("two_factor_manage")).content.decode()
        assert "cannot be turned off" in page
        code = code_for(admin_user.totpdevice_set.get())
        client.post(reverse("two_factor_manage"), {"action": "off", "off-code": code})
        assert two_factor.is_on(admin_user)


@pytest.mark.django_db
class TestTheApiToken:
    def token(self, user, **extra):
        user.set_password(PASSWORD)
        user.save()
        return Client().post(
            "/api/token/",
            {"email": user.email, "password": PASSWORD, **extra},
            content_type="application/json",
        )

    def test_with_two_factor_on_the_code_is_needed(self, admin_user):
        device = app_for(admin_user)
        r = self.token(admin_user)
        assert r.status_code == 400
        assert "code" in json.loads(r.content)
        ok = self.token(admin_user, code=code_for(device))
        assert ok.status_code == 200 and json.loads(ok.content)["token"]

    def test_an_administrator_without_an_app_gets_no_token(self, admin_user):
        r = self.token(admin_user)
        assert r.status_code == 403
        assert "set it up" in json.loads(r.content)["detail"]

    def test_an_officer_without_two_factor_needs_no_code(self, officer):
        assert self.token(officer).status_code == 200

    def test_roles_without_case_data_get_no_token(self, analyst, partner):
        for user in (analyst, partner):
            r = self.token(user)
            assert r.status_code == 403 and "no access to the case API" in json.loads(r.content)["detail"]

    def test_a_wrong_code_says_to_wait_after_several(self, admin_user):
        app_for(admin_user)
        r = self.token(admin_user, code="000001")
        assert "wait a minute" in json.loads(r.content)["code"][0]


@pytest.mark.django_db
def test_an_administrator_resets_someones_two_factor_from_the_staff_list(client, admin_user, officer):
    from tests.conftest import signed_in

    app_for(officer)
    two_factor.new_recovery_codes(officer)
    signed_in(client, admin_user)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert "Two-factor sign-in" in changelist.content.decode()
    r = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [officer.pk]},
    )
    assert r.status_code == 302
    assert not two_factor.is_on(officer)
    assert two_factor.recovery_codes_left(officer) == 0
    # django-otp's own device pages (which show secret keys) are not in our admin
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


@pytest.mark.django_db
def test_the_demo_admin_signs_in_with_the_published_key(capsys):
    from victimcare.demo.data import DEMO_ADMIN

    call_command("seed_demo", "--crimes", "0", verbosity=0)
    device = TOTPDevice.objects.get(user__email=DEMO_ADMIN, confirmed=True)
    capsys.readouterr()
    call_command("demo_two_factor_code")
    printed = capsys.readouterr().out.strip()
    assert device.verify_token(printed)
    with pytest.raises(Exception, match="Only demo accounts"):
        call_command("demo_two_factor_code", "someone@police.uk")


@pytest.mark.django_db
def test_the_api_access_page_tells_analysts_they_have_no_api(make_client, analyst):
    html = make_client(analyst).get(reverse("api_access")).content.decode()
    assert "Your role has no access to the case API." in html and "/api/token/" not in html
