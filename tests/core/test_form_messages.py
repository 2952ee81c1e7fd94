"""Every form names what is missing or too long in words: no "This field is required." and no "Ensure
this value has at most N characters" anywhere a person reads an error."""

import inspect

import pytest
from django import forms
from django.urls import reverse

import cases.forms
import contacts.forms
import portal.forms

DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]


def form_classes():
    for module in (cases.forms, contacts.forms, portal.forms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
@pytest.mark.parametrize("cls", list(form_classes()), ids=lambda c: c.__name__)
def test_no_form_says_this_field_is_required(cls):
    try:
        form = cls()
    except TypeError:
        form = cls(request=None)
    vague = [
        name
        for name, f in form.fields.items()
        if f.required and f.error_messages["required"] == DEFAULT_REQUIRED
    ]
    assert vague == []


@pytest.mark.django_db
def test_an_empty_contact_names_each_missing_answer_and_a_long_summary_says_its_limit(officer_client, case):
    cv = case.victims.first()
    url = reverse("contacts:contact_new", kwargs={"ref": case.slug, "cv_id": cv.id})
    html = officer_client.post(url, {"summary": ""}).content.decode()  # (a browser always sends something)
    assert "This field is required" not in html
    for message in (
        "Choose how you contacted the victim",
        "Choose what happened.",
        "Enter a summary of the contact.",
    ):
        assert message in html
    long = officer_client.post(url, {"summary": "x" * 20000}).content.decode()
    assert "Summary must be 4,000 characters or fewer." in long and "Ensure this value" not in long


@pytest.mark.django_db
def test_a_failed_form_security_check_is_our_page_in_words():
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    for url in ("/accounts/login/", "/portal/"):
        r = c.post(url, {"username": "a@b.c", "password": "x"})
        html = r.content.decode()
        assert r.status_code == 403
        assert "Your form could not be sent" in html and "CSRF" not in html and "<style" not in html
