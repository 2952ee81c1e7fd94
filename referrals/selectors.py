"""Reads about support organisations and referrals, with the rules of who sees what:

- staff see the referrals of the cases they may see (cases_visible_to);
- a service sees only its own organisation's referrals, and only once sent (never one still waiting at the
  force or declined by the victim); another organisation's referral does not exist for it (a 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cases.eligibility import eligibility_input_for, enhanced_reasons
from cases.models import Crime, CrimeVictim
from cases.selectors import cases_visible_to
from victimcare.accounts.constants import Role
from victimcare.accounts.models import User

from . import routing
from .constants import AWAITING_ACK, AWAITING_CONTACT, WITH_PARTNER, State
from .fit import facts_for, fitting_kinds
from .models import (
    DetailsReport,
    PartnerMember,
    Referral,
    ReferralTransition,
    RoutingRule,
    SupportOrganisation,
)


def support_services_for(*, bcu_id: int, crime=None, crime_victim=None) -> QuerySet[SupportOrganisation]:
    """Active services for this BCU: those that serve it, force-wide ones (no area set) and national ones;
    local before national, then by name. Given the crime (and the victim), only the kinds of service that
    fit them (referrals.fit)."""
    qs = (
        SupportOrganisation.objects.filter(active=True)
        .filter(Q(is_national=True) | Q(bcus=bcu_id) | Q(bcus__isnull=True))
        .distinct()
        .order_by("is_national", "name")
    )
    if crime is not None:
        qs = qs.filter(kind__in=fitting_kinds(facts_for(crime, crime_victim)))
    return qs


# --- routing ---------------------------------------------------------------------------------------
def routing_rules() -> list[routing.RuleSpec]:
    """The active rules as pure specs, in name order (two reads, whatever the number of rules)."""
    rules = list(RoutingRule.objects.filter(active=True).prefetch_related("bcus", "organisations"))
    out = []
    for r in rules:
        orgs = tuple(o.pk for o in r.organisations.all() if o.active)
        if not orgs:
            continue
        out.append(
            routing.RuleSpec(
                id=r.pk,
                organisation_ids=orgs,
                trigger=r.trigger,
                offence_groups=frozenset(r.offence_groups or []),
                flags=frozenset(r.flags or []),
                enhanced_reasons=frozenset(r.enhanced_reasons or []),
                roles=frozenset(r.roles or []),
                bcu_ids=frozenset(b.pk for b in r.bcus.all()),
                min_age=r.min_age,
                max_age=r.max_age,
            )
        )
    return out


def victim_facts(crime: Crime, cv: CrimeVictim) -> routing.VictimFacts:
    """What routing reads, from the crime and the victim (with the needs assessment and added reasons
    loaded, as contacts.services.with_rule_context does)."""
    cv.crime = crime
    offence = crime.offence
    reasons = {code for code, _ in enhanced_reasons(eligibility_input_for(cv))}
    added = list(cv.added_eligibility.all()) if hasattr(cv, "added_eligibility") else []
    return routing.VictimFacts(
        offence_group=offence.group,
        bcu_id=crime.bcu_id,
        role=cv.role,
        age=cv.age_at_offence,
        flags=routing.facts_flags(
            domestic_abuse=crime.is_domestic_abuse,
            hate=crime.is_hate_crime or offence.is_hate,
            sexual=offence.is_sexual,
            homicide=offence.is_homicide,
            road_death=offence.is_road_death,
            enhanced=bool(reasons or added),
        ),
        enhanced_reasons=frozenset(reasons),
    )


# --- staff -----------------------------------------------------------------------------------------
def referrals_visible_to(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(crime__in=cases_visible_to(user, concrete=True).values("pk"))


def case_referrals(crime: Crime) -> dict[int, list[Referral]]:
    """Each victim's referrals on this case with their history (three queries)."""
    out: dict[int, list[Referral]] = {}
    qs = (
        Referral.objects.filter(crime=crime)
        .select_related("organisation")
        .prefetch_related("transitions__by_user", "details_reports", "attempts")
        .order_by("created_at", "id")
    )
    for ref in qs:
        out.setdefault(ref.crime_victim_id, []).append(ref)
    return out


# Changed after the service got it (Referral.details_updated is the same rule on one row).
UPDATED_SINCE_SENT = Q(details_updated_at__gt=F("sent_at"))


def stale_q(now: datetime) -> Q:
    """Past a service target: not acknowledged in time, or the victim not contacted in time."""
    return (Q(state__in=AWAITING_ACK) & Q(ack_due_at__lt=now)) | (
        Q(state__in=AWAITING_CONTACT) & Q(contact_due_at__lt=now)
    )


def stale_referrals(user: User, now: datetime) -> QuerySet[Referral]:
    return (
        referrals_visible_to(user)
        .filter(stale_q(now))
        .select_related("organisation", "crime", "crime_victim__person")
        .order_by("sent_at", "id")
    )


def can_see_stale_list(user: User) -> bool:
    return user.role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN)


# --- partners --------------------------------------------------------------------------------------
def organisation_of(user: User) -> SupportOrganisation | None:
    if not user.is_authenticated or user.role != Role.PARTNER:
        return None
    member = PartnerMember.objects.select_related("organisation").filter(user=user).first()
    return member.organisation if member and member.organisation.active else None


def partner_referrals(org: SupportOrganisation) -> QuerySet[Referral]:
    """Everything a service may see: its own referrals, once sent. The state alone does not say so: a
    referral the police withdrew before sending it is 'withdrawn' too, and the service never had it."""
    return Referral.objects.filter(organisation=org, state__in=WITH_PARTNER, sent_at__isnull=False)


def partner_referral_get(org: SupportOrganisation, pk) -> Referral | None:
    """One of the service's referrals, or None (missing and forbidden look the same)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        partner_referrals(org)
        .select_related(
            "crime__offence",
            "crime__oic",
            "crime__team",
            "crime_victim__person",
            "crime_victim__needs_assessment",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class OrgFigures:
    sent: int
    acknowledged_on_time: int
    contacted_on_time: int
    accepted: int
    rejected: int
    support_given: int


def organisation_figures(org: SupportOrganisation, since: datetime, until: datetime) -> OrgFigures:
    """Per organisation, for referrals sent in [since, until): for the dashboards."""
    # Support given at some point (the referral may be closed since), as a subquery: a join on the history
    # would count each referral once per transition in every other figure.
    gave = Exists(ReferralTransition.objects.filter(referral=OuterRef("pk"), to_state=State.SUPPORT_GIVEN))
    qs = Referral.objects.filter(organisation=org, sent_at__gte=since, sent_at__lt=until)
    agg = qs.aggregate(
        sent=Count("pk"),
        ack=Count("pk", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("ack_due_at"))),
        contacted=Count("pk", filter=Q(contacted_at__isnull=False, contacted_at__lte=F("contact_due_at"))),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        rejected=Count("pk", filter=Q(state=State.REJECTED)),
        given=Count("pk", filter=Q(gave)),
    )
    return OrgFigures(
        sent=agg["sent"],
        acknowledged_on_time=agg["ack"],
        contacted_on_time=agg["contacted"],
        accepted=agg["accepted"],
        rejected=agg["rejected"],
        support_given=agg["given"],
    )


def details_reports_for_duties(obligation_ids: list[int]) -> dict[int, str]:
    """For the officer's inbox: what each correction duty is about, in words ("North Victim Support says
    the phone number is wrong: 'The number is not in use.'"), by duty id. One query."""
    from .constants import WrongDetail

    out: dict[int, str] = {}
    reports = DetailsReport.objects.filter(obligation_id__in=obligation_ids).select_related(
        "referral__organisation"
    )
    for r in reports:
        labels = [str(WrongDetail(f).label).lower() for f in r.fields if f in WrongDetail.values]
        what = " and ".join(labels) or "details"
        note = f": “{r.note}”" if r.note else ""
        out[r.obligation_id] = (
            f"{r.referral.organisation.name} says the {what} {'is' if len(labels) < 2 else 'are'} wrong{note}"
        )
    return out
