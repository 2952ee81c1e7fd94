"""Staff pages about referrals: the case page's referral actions (POST only; the forms are drawn on the
case page by referrals.handlers.case_page_victims) and the stale referrals list.

Every action finds the case through cases.selectors.case_get, as every other case action does, so a case
the person may not see is a 404; analysts and partners, who never work cases, get 403. A refused action
shows its form again with the problems and changes nothing (the services are atomic)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import selectors as case_selectors
from cases.forms import apply_service_errors
from cases.views import case_worker_required
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record

from . import selectors, services
from .constants import OPEN_STATES, Decision
from .forms import AddReferralForm, DecisionForm, WithdrawForm
from .models import Referral
from .templatetags.referral_staff import late_words

PAGE = 50


def _referral_get(user, ref: str, pk: int):
    crime = case_selectors.case_get(user=user, ref=ref)
    referral = get_object_or_404(
        Referral.objects.select_related("organisation", "crime_victim__person"), pk=pk, crime=crime
    )
    referral.crime = crime
    referral.crime_victim.crime = crime
    return crime, referral


def _back(crime, cv_id: int):
    return redirect(f"{crime.get_absolute_url()}#referrals-{cv_id}")


def _again(request, crime, cv, referral, form, *, action: str, title: str):
    """The action's form again, with the problems in a GOV.UK error summary."""
    return render(
        request,
        "referrals/case/action.html",
        {
            "crime": crime,
            "ref": referral,
            "cv": cv,
            "p": cv.person,
            "form": form,
            "action": action,
            "title": title,
        },
    )


@case_worker_required
@require_POST
def decide(request, ref: str, pk: int):
    crime, referral = _referral_get(request.user, ref, pk)
    form = DecisionForm(request.POST, prefix=f"referral-{referral.pk}")
    if form.is_valid():
        cd = form.cleaned_data
        try:
            services.referral_decide(
                referral=referral,
                by=request.user,
                decision=cd["decision"],
                asked_at=cd["asked_at"],
                sharing_note=cd["sharing_note"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            org = referral.organisation.name
            if cd["decision"] == Decision.GIVEN:
                messages.success(request, f"The victim agreed. The referral to {org} has been sent.")
            else:
                messages.success(request, f"The victim declined the referral to {org}. It will not be sent.")
            return _back(crime, referral.crime_victim_id)
    return _again(
        request,
        crime,
        referral.crime_victim,
        referral,
        form,
        action="decide",
        title="Record the victim's decision",
    )


@case_worker_required
@require_POST
def send(request, ref: str, pk: int):
    crime, referral = _referral_get(request.user, ref, pk)
    try:
        services.referral_send(referral=referral, by=request.user)
    except ValidationError as e:
        # Nothing to type: the problem (already sent, declined, needs consent) is said on the case page.
        for problems in e.message_dict.values():
            for problem in problems:
                messages.error(
                    request, f"The referral to {referral.organisation.name} was not sent. {problem}"
                )
    else:
        messages.success(request, f"The referral to {referral.organisation.name} has been sent.")
    return _back(crime, referral.crime_victim_id)


@case_worker_required
@require_POST
def withdraw(request, ref: str, pk: int):
    crime, referral = _referral_get(request.user, ref, pk)
    form = WithdrawForm(request.POST, prefix=f"referral-{referral.pk}")
    if form.is_valid():
        try:
            services.referral_withdraw(referral=referral, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"The referral to {referral.organisation.name} has been withdrawn.")
            return _back(crime, referral.crime_victim_id)
    return _again(
        request,
        crime,
        referral.crime_victim,
        referral,
        form,
        action="withdraw",
        title="Withdraw the referral",
    )


@case_worker_required
@require_POST
def add(request, ref: str, cv_id: int):
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    orgs = list(selectors.support_services_for(bcu_id=crime.bcu_id, crime=crime, crime_victim=cv))
    form = AddReferralForm(request.POST, prefix=f"add-{cv.id}", organisations=orgs)
    if form.is_valid():
        org = form.cleaned_data["organisation"]
        try:
            made = services.referral_add(crime_victim=cv, organisation=org, by=request.user)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            made.crime = crime
            if services.needs_victims_agreement(made):
                # It cannot be sent before the victim agrees: no "send it now".
                then = "It needs the victim's agreement: ask them and record their decision."
            else:
                then = "Send it now, or record the victim's decision first."
            messages.success(request, f"Referral to {org.name} added for {cv.person.full_name}. {then}")
            return _back(crime, cv.id)
    # Offered again as on the case page: without the services the victim already has an open referral to
    # (one chosen anyway, say from a page open since, is refused by the service in words).
    live = set(cv.referrals.filter(state__in=OPEN_STATES).values_list("organisation_id", flat=True))
    field = form.fields["organisation"]
    field.choices = [(k, v) for k, v in field.choices if k not in live]
    return _again(request, crime, cv, None, form, action="add", title="Refer the victim to a support service")


@case_worker_required
@require_GET
def stale(request):
    """Referrals past a service's target on the cases the person may see (a supervisor's teams, an
    inspector's BCU, everything for an administrator, an officer's own and team's cases)."""
    now = timezone.now()
    page = Paginator(selectors.stale_referrals(request.user, now), PAGE).get_page(request.GET.get("page"))
    rows = [(r, late_words(r, now)) for r in page.object_list]
    if rows:
        # The list shows victims' names: a look at personal data, recorded like any other.
        access_record(
            request=request,
            rows=[(AccessAction.VICTIM_VIEWED, r.crime_id, r.crime_victim.person_id) for r, _ in rows],
        )
    return render(
        request,
        "referrals/stale.html",
        {"page": page, "rows": rows, "nav": "stale_referrals", "querystring": ""},
    )
