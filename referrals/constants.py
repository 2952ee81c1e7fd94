"""Referrals' choices and the referral lifecycle: which state may follow which, and who may move it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.constants import ContactMethod


class OrganisationKind(models.TextChoices):
    GENERAL = "general", _("General victim support")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse / IDVA service")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence (ISVA / rape crisis)")
    BEREAVEMENT = "bereavement", _("Bereavement (homicide service)")
    ROAD_DEATH = "road_death", _("Road death and serious injury")
    HATE_CRIME = "hate_crime", _("Hate crime")
    RESTORATIVE_JUSTICE = "restorative_justice", _("Restorative justice")
    PROBATION_VCS = "probation_vcs", _("Probation Victim Contact Scheme")
    CHILDREN = "children", _("Children and young people")
    COMPENSATION = "compensation", _("Compensation advice")


class ConsentBasis(models.TextChoices):
    OPT_OUT = "opt_out", _("Referred unless the victim declines")
    EXPLICIT = "explicit", _("Referred only with the victim's consent")


class Decision(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    GIVEN = "given", _("Agreed to the referral")
    DECLINED = "declined", _("Declined the referral")


class VictimGroup(models.TextChoices):
    ALL = "all", _("All victims")
    CHILDREN = "children", _("Children and young people")
    BEREAVED = "bereaved", _("Bereaved families")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse (IDVA)")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence (ISVA)")
    HATE_CRIME = "hate_crime", _("Hate crime")
    ROAD_CRASH = "road_crash", _("Road crash")
    RESTORATIVE_JUSTICE = "restorative_justice", _("Restorative justice")
    COMPENSATION = "compensation", _("Compensation advice")
    PROBATION_VCS = "probation_vcs", _("Probation Victim Contact Scheme")


class Flag(models.TextChoices):
    """What a routing rule may require of the crime (all of its flags must hold)."""

    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    HATE_CRIME = "hate_crime", _("Hate crime")
    SEXUAL = "sexual", _("Sexual offence")
    HOMICIDE = "homicide", _("Homicide")
    ROAD_DEATH = "road_death", _("Death or serious injury on the road")
    ENHANCED = "enhanced", _("The victim is entitled to enhanced services")


class RouteTrigger(models.TextChoices):
    RECORDED = "recorded", _("When the victim is put on the crime")
    QUALIFYING_SENTENCE = (
        "qualifying_sentence",
        _("After a sentence that qualifies for the Victim Contact Scheme"),
    )


class State(models.TextChoices):
    CREATED = "created", _("Waiting to be sent")
    DECLINED = "declined", _("Declined by the victim")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received by the service")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected by the service")
    CONTACTED = "contacted", _("Victim contacted")
    UNABLE_TO_CONTACT = "unable_to_contact", _("Victim could not be contacted")
    SUPPORT_GIVEN = "support_given", _("Support given")
    SUPPORT_DECLINED = "support_declined", _("Victim declined support")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the police")


class Actor(models.TextChoices):
    FORCE = "force", _("Police")
    PARTNER = "partner", _("Support service")
    SYSTEM = "system", _("Automatic")


# The lifecycle: for each state, the states that may follow and who may make that move. Anything else
# is refused (referrals.services._move, the one writer of Referral.state).
F, P, S = Actor.FORCE, Actor.PARTNER, Actor.SYSTEM
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    State.CREATED: {
        State.SENT: frozenset({F, S}),
        State.DECLINED: frozenset({F}),
        State.WITHDRAWN: frozenset({F}),
    },
    # The victim changed their mind: the referral is made after all.
    State.DECLINED: {State.CREATED: frozenset({F})},
    # A service may accept or reject straight away (receipt is then implied).
    State.SENT: {
        State.RECEIVED: frozenset({P}),
        State.ACCEPTED: frozenset({P}),
        State.REJECTED: frozenset({P}),
        State.WITHDRAWN: frozenset({F}),
    },
    State.RECEIVED: {
        State.ACCEPTED: frozenset({P}),
        State.REJECTED: frozenset({P}),
        State.WITHDRAWN: frozenset({F}),
    },
    State.ACCEPTED: {
        State.CONTACTED: frozenset({P}),
        State.UNABLE_TO_CONTACT: frozenset({P}),
        State.WITHDRAWN: frozenset({F}),
    },
    State.CONTACTED: {
        State.SUPPORT_GIVEN: frozenset({P}),
        State.SUPPORT_DECLINED: frozenset({P}),
        State.WITHDRAWN: frozenset({F}),
    },
    # A later try got through after all.
    State.UNABLE_TO_CONTACT: {
        State.CONTACTED: frozenset({P}),
        State.CLOSED: frozenset({P}),
        State.WITHDRAWN: frozenset({F}),
    },
    State.SUPPORT_GIVEN: {State.CLOSED: frozenset({P})},
    State.SUPPORT_DECLINED: {State.CLOSED: frozenset({P})},
    State.REJECTED: {},
    State.CLOSED: {},
    State.WITHDRAWN: {},
}
del F, P, S

# Not finished: a service still owes the victim something, or the force has still to send it.
OPEN_STATES = frozenset(
    {
        State.CREATED,
        State.SENT,
        State.RECEIVED,
        State.ACCEPTED,
        State.CONTACTED,
        State.UNABLE_TO_CONTACT,
        State.SUPPORT_GIVEN,
        State.SUPPORT_DECLINED,
    }
)
# With the service: what a partner sees (never a referral still waiting at the force, or declined).
WITH_PARTNER = frozenset(
    {
        State.SENT,
        State.RECEIVED,
        State.ACCEPTED,
        State.REJECTED,
        State.CONTACTED,
        State.UNABLE_TO_CONTACT,
        State.SUPPORT_GIVEN,
        State.SUPPORT_DECLINED,
        State.CLOSED,
        State.WITHDRAWN,
    }
)
# With the service and not finished: it may report the victim's details wrong.
REPORTABLE_STATES = OPEN_STATES - {State.CREATED}
# Contact attempts: from sending (an attempt implies receipt and acceptance) until the victim is reached.
ATTEMPT_STATES = frozenset({State.SENT, State.RECEIVED, State.ACCEPTED, State.UNABLE_TO_CONTACT})
# Waiting for the service to say it has the referral.
AWAITING_ACK = frozenset({State.SENT})
# Waiting for the service's first contact with the victim.
AWAITING_CONTACT = frozenset({State.SENT, State.RECEIVED, State.ACCEPTED})


# How a service may have tried to reach the victim (the portal is the police's own).
ATTEMPT_METHODS = [(c.value, c.label) for c in ContactMethod if c != ContactMethod.PORTAL]


class WrongDetail(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")
    ADDRESS = "address", _("Postal address")
    NAME = "name", _("Name")
    LANGUAGE = "language", _("Language or format needs")
    OTHER = "other", _("Something else")


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed after every retry")
