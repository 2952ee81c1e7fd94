"""The one registry of case event codes.

Each event type says which case states it makes sense in, which state it moves the case to, and the
details it carries. Web forms, the API and the service all read this registry, so an event that makes no
sense for a case (charging a closed case) is refused the same way everywhere.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .constants import OPEN_STATUSES, ClosureReason, CrimeStatus

# Forward order of the lifecycle; events only ever advance a case along it (closing is separate).
STATUS_ORDER = [
    CrimeStatus.RECORDED,
    CrimeStatus.ALLOCATED,
    CrimeStatus.UNDER_INVESTIGATION,
    CrimeStatus.SUSPECT_CHARGED,
    CrimeStatus.COURT,
]


@dataclass(frozen=True)
class DetailField:
    name: str
    label: str
    kind: str = "text"  # text | longtext | datetime | choice | int
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_length: int = 200
    missing: str = ""  # the error when a required detail is not given; worded from the label otherwise

    @property
    def missing_message(self) -> str:
        if self.missing:
            return str(self.missing)
        label = str(self.label)
        what = label[:1].lower() + label[1:]
        return f"Choose the {what}." if self.kind == "choice" else f"Enter the {what}."


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    allowed_from: tuple[str, ...]
    advance_to: str | None = None
    fields: tuple[DetailField, ...] = ()
    user_recordable: bool = True
    requires_prior: tuple[str, ...] = ()  # at least one earlier event with one of these codes
    hint: str = ""
    extra: dict = field(default_factory=dict)

    def describe(self, details: dict) -> list[tuple[str, str]]:
        lines = []
        for f in self.fields:
            value = details.get(f.name)
            if value in (None, ""):
                continue
            if f.kind == "choice":
                value = dict(f.choices).get(value, value)
            elif f.kind == "datetime":
                from django.utils.dateparse import parse_datetime

                from victimcare.core.dates import display_datetime

                try:
                    dt = parse_datetime(str(value))
                except ValueError:
                    dt = None
                if dt is not None:
                    value = display_datetime(dt)
            lines.append((f.label, str(value)))
        return lines


OPEN = tuple(OPEN_STATUSES)
INVESTIGATING = (CrimeStatus.RECORDED, CrimeStatus.ALLOCATED, CrimeStatus.UNDER_INVESTIGATION)
POST_CHARGE = (CrimeStatus.SUSPECT_CHARGED, CrimeStatus.COURT)

REASON = DetailField("reason", _("Reason"), "longtext", max_length=2000)

# Decisions a victim may ask to have reviewed (Victims' Right to Review): the one list the review event
# and the portal's "ask for a review" read, through review_decision_in below.
REVIEWABLE_DECISIONS = ("RELEASED_NFA", "NOT_PROSECUTED")
REVIEW_EVENTS = (*REVIEWABLE_DECISIONS, "VRR_REQUESTED", "CHARGED")


def review_decision_in(events, *, asked_by=None):
    """The latest decision that may still be reviewed, from a case's events in time order (those with
    codes in REVIEW_EVENTS are enough): a charge ends it; so does a review request, when `asked_by(event)`
    says the request was this victim's. Staff recording a request pass no `asked_by` (another victim of
    the case may still ask)."""
    decision = None
    for e in events:
        if e.code in REVIEWABLE_DECISIONS:
            decision = e
        elif e.code == "CHARGED" or (e.code == "VRR_REQUESTED" and asked_by is not None and asked_by(e)):
            decision = None
    return decision


_types = [
    EventType("RECORDED", _("Crime recorded"), allowed_from=(), user_recordable=False),
    EventType("VICTIM_ADDED", _("Victim added"), allowed_from=(), user_recordable=False),
    EventType(
        "ALLOCATED",
        _("Allocated"),
        allowed_from=(CrimeStatus.RECORDED,),
        advance_to=CrimeStatus.ALLOCATED,
        user_recordable=False,
    ),
    EventType(
        "REALLOCATED",
        _("Reallocated"),
        allowed_from=OPEN,
        user_recordable=False,
        requires_prior=("ALLOCATED",),
    ),
    EventType(
        "ARREST",
        _("Suspect arrested"),
        allowed_from=OPEN,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
        fields=(DetailField("suspect", _("Suspect (name or description)"), required=False),),
    ),
    EventType(
        "INTERVIEW",
        _("Suspect interviewed under caution"),
        allowed_from=OPEN,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
        fields=(DetailField("suspect", _("Suspect (name or description)"), required=False),),
    ),
    EventType(
        "BAIL",
        _("Suspect bailed"),
        allowed_from=OPEN,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
        requires_prior=("ARREST", "CHARGED"),  # bail follows an arrest (or a charge)
        fields=(
            DetailField(
                "conditions",
                _("Bail conditions relevant to the victim"),
                "longtext",
                required=False,
                max_length=2000,
            ),
            DetailField("return_at", _("Answer bail on"), "datetime", required=False),
        ),
    ),
    EventType(
        "RUI",
        _("Suspect released under investigation"),
        allowed_from=INVESTIGATING,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
    ),
    EventType(
        "BAIL_CHANGED",
        _("Bail conditions changed or cancelled"),
        allowed_from=OPEN,
        requires_prior=("BAIL",),
        fields=(
            DetailField("conditions", _("New conditions (or 'cancelled')"), "longtext", max_length=2000),
            REASON,
        ),
    ),
    EventType(
        "RELEASED_NFA",
        _("Suspect released – no further action"),
        allowed_from=INVESTIGATING,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
        fields=(REASON,),
    ),
    EventType(
        "CHARGED",
        _("Suspect charged or summonsed"),
        allowed_from=INVESTIGATING + (CrimeStatus.SUSPECT_CHARGED,),
        advance_to=CrimeStatus.SUSPECT_CHARGED,
        fields=(
            DetailField("charges", _("Charges"), "longtext", max_length=2000),
            DetailField("first_hearing_at", _("First hearing"), "datetime", required=False),
            DetailField("court", _("Court"), required=False),
        ),
    ),
    EventType(
        "OUT_OF_COURT",
        _("Out-of-court disposal given"),
        allowed_from=INVESTIGATING,
        advance_to=CrimeStatus.UNDER_INVESTIGATION,
        fields=(
            DetailField(
                "disposal",
                _("Disposal"),
                "choice",
                choices=(
                    ("caution", _("Simple caution")),
                    ("conditional_caution", _("Conditional caution")),
                    ("community_resolution", _("Community resolution")),
                    ("penalty_notice", _("Penalty notice")),
                ),
            ),
        ),
    ),
    EventType(
        "NOT_INVESTIGATED",
        _("Decision not to investigate"),
        allowed_from=(CrimeStatus.RECORDED, CrimeStatus.ALLOCATED),
        fields=(REASON,),
    ),
    EventType(
        "NOT_PROSECUTED",
        _("Decision not to prosecute"),
        allowed_from=(CrimeStatus.UNDER_INVESTIGATION,) + POST_CHARGE,
        fields=(
            DetailField(
                "decided_by",
                _("Decided by"),
                "choice",
                choices=(("police", _("Police")), ("cps", _("Crown Prosecution Service"))),
                missing="Choose who decided not to prosecute.",
            ),
            REASON,
        ),
    ),
    EventType(
        "HEARING_DETAILS",
        _("Hearing details received"),
        allowed_from=POST_CHARGE,
        advance_to=CrimeStatus.COURT,
        hint=_(
            "'When it happened' is when the Witness Care Unit received the details, not the hearing date."
        ),
        fields=(
            DetailField("hearing_at", _("Date and time of the hearing"), "datetime"),
            DetailField("court", _("Court")),
            DetailField(
                "hearing_type",
                _("Type of hearing"),
                "choice",
                choices=(
                    ("first", _("First hearing")),
                    ("plea", _("Plea hearing")),
                    ("trial", _("Trial")),
                    ("sentencing", _("Sentencing")),
                    ("bail", _("Bail hearing")),
                    ("other", _("Other")),
                ),
            ),
        ),
    ),
    EventType(
        "OUTCOME",
        _("Outcome or sentence received"),
        allowed_from=(CrimeStatus.COURT,),
        hint=_("'When it happened' is when the Witness Care Unit received the outcome."),
        fields=(
            DetailField("outcome", _("Outcome"), "longtext", max_length=2000),
            DetailField("sentence", _("Sentence"), "longtext", required=False, max_length=2000),
            DetailField("custody_months", _("Custodial sentence (months)"), "int", required=False),
        ),
    ),
    EventType(
        "CLOSED",
        _("Investigation closed"),
        allowed_from=OPEN,
        hint=_(
            "Before closing, log a contact telling each victim what was done, that the case can be reopened, "
            "about support and their right to review. If you could not tell a victim, say why."
        ),
        fields=(
            DetailField(
                "closure_reason", _("Closure reason"), "choice", choices=tuple(ClosureReason.choices)
            ),
            DetailField(
                "not_told_reason",
                _("If a victim could not be told, why"),
                "longtext",
                required=False,
                max_length=1000,
            ),
        ),
    ),
    EventType("WITNESS_STATEMENT", _("Witness statement taken from the victim"), allowed_from=OPEN),
    EventType(
        "BAIL_HEARING_OUTCOME",
        _("Bail-hearing outcome, warrant or re-arrest received"),
        allowed_from=POST_CHARGE,
        hint=_("'When it happened' is when the Witness Care Unit received it."),
        fields=(DetailField("outcome", _("Outcome"), "longtext", max_length=2000),),
    ),
    EventType(
        "EVIDENCE_DECISION",
        _("Whether the victim must give evidence received"),
        allowed_from=POST_CHARGE,
        hint=_("'When it happened' is when the Witness Care Unit received it."),
        fields=(
            DetailField(
                "must_give_evidence",
                _("Must the victim give evidence?"),
                "choice",
                choices=(("yes", _("Yes")), ("no", _("No"))),
                missing="Say whether the victim must give evidence.",
            ),
            DetailField(
                "special_measures", _("Special measures outcome"), "longtext", required=False, max_length=2000
            ),
        ),
    ),
    EventType(
        "VRR_REQUESTED",
        _("Victim asked for a review of the decision (VRR)"),
        allowed_from=tuple(CrimeStatus),
        requires_prior=REVIEWABLE_DECISIONS,
        fields=(
            DetailField("grounds", _("What the victim said"), "longtext", required=False, max_length=2000),
        ),
    ),
    EventType(
        "REOPENED",
        _("Investigation reopened"),
        allowed_from=(CrimeStatus.CLOSED,),
        fields=(REASON,),
    ),
]

REGISTRY: dict[str, EventType] = {t.code: t for t in _types}
RECORDABLE = [t for t in _types if t.user_recordable]


def recordable_now(status: str, earlier_codes: set[str]) -> list[EventType]:
    """The events staff can record on a case in this state with these events already on it: the choice
    the case page offers (event_record checks the same)."""
    return [
        t
        for t in RECORDABLE
        if status in t.allowed_from and (not t.requires_prior or earlier_codes & set(t.requires_prior))
    ]


def status_after(event_type: EventType, current: str) -> str:
    """The case state after an event of this type is recorded on a case in state `current`."""
    if event_type.code == "CLOSED":
        return CrimeStatus.CLOSED
    if event_type.code == "REOPENED":
        return CrimeStatus.UNDER_INVESTIGATION
    target = event_type.advance_to
    if target and current in STATUS_ORDER and STATUS_ORDER.index(target) > STATUS_ORDER.index(current):
        return target
    return current


# --- details validation: the same form class renders the web form and validates API input -----------
def details_form_class(event_type: EventType):
    from django import forms

    from victimcare.core.forms import LocalDateTimeField, NamedErrors

    attrs = {}
    for f in event_type.fields:
        common = {
            "label": f.label,
            "required": f.required,
            "help_text": f.hint,
            "error_messages": {"required": f.missing_message},
        }
        if f.kind == "datetime":
            attrs[f.name] = LocalDateTimeField(**common)
        elif f.kind == "choice":
            attrs[f.name] = forms.ChoiceField(choices=[("", "Choose…"), *f.choices], **common)
        elif f.kind == "int":
            attrs[f.name] = forms.IntegerField(min_value=0, max_value=1200, **common)
        elif f.kind == "longtext":
            attrs[f.name] = forms.CharField(
                max_length=f.max_length, widget=forms.Textarea(attrs={"rows": 4}), **common
            )
        else:
            attrs[f.name] = forms.CharField(max_length=f.max_length, **common)
    return type(f"{event_type.code.title()}DetailsForm", (NamedErrors, forms.Form), attrs)


def clean_details(event_type: EventType, data: dict) -> tuple[dict, dict]:
    """Returns (details as JSON-safe values, errors by field)."""
    if not isinstance(data, dict):
        return {}, {"__all__": ["Details must be an object of field names and values."]}
    # Only the event's own detail names, so a key a client typed never becomes an error's key: "x" and
    # "x.y" (or "__all__") would collide once errors are nested like the input, and a misspelt name
    # ("retrun_at") would otherwise be dropped without a word.
    names = [f.name for f in event_type.fields]
    unknown = [str(k) for k in data if k not in names]
    if unknown:
        shown = ", ".join(f"'{k[:40]}'" for k in unknown[:3]) + (" and others" if len(unknown) > 3 else "")
        takes = f"Its details are: {', '.join(names)}." if names else "It takes no details."
        return {}, {"__all__": [f"'{event_type.label}' has no detail called {shown}. {takes}"]}
    bad = {
        k: ["Enter text, a number or a date, not a list or an object."]
        for k, v in data.items()
        if v is not None and not isinstance(v, str | int | float | bool)
    }
    if bad:
        return {}, bad
    form = details_form_class(event_type)(data=data)
    if not form.is_valid():
        return {}, {k: [str(m) for m in v] for k, v in form.errors.items()}
    cleaned = {}
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        cleaned[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return cleaned, {}
