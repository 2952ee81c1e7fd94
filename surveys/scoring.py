"""Survey scoring: pure, no ORM, no clock. Reads a victim's raw answers against the questions, says what
is wrong in words, and turns the seven-point scale into the satisfied / dissatisfied shares reported."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from victimcare.core.text import clean_text as clean

from .constants import Area, QuestionKind

# 7 is completely satisfied, 1 completely dissatisfied: the national scale, most satisfied first on screen.
SCALE = [
    (7, "Completely satisfied", "Cwbl fodlon"),
    (6, "Very satisfied", "Bodlon iawn"),
    (5, "Fairly satisfied", "Eithaf bodlon"),
    (4, "Neither satisfied nor dissatisfied", "Ddim yn fodlon nac yn anfodlon"),
    (3, "Fairly dissatisfied", "Eithaf anfodlon"),
    (2, "Very dissatisfied", "Anfodlon iawn"),
    (1, "Completely dissatisfied", "Cwbl anfodlon"),
]
SATISFIED_FROM = 5  # completely, very or fairly satisfied
DISSATISFIED_TO = 3
YES_NO = [("yes", "Yes", "Ie"), ("no", "No", "Na"), ("dont_know", "Don't know", "Ddim yn gwybod")]
TEXT_MAX = 2000


@dataclass(frozen=True)
class QuestionSpec:
    """What scoring needs of a question (surveys.models.Question has these)."""

    code: str
    kind: str
    required: bool = False
    area: str = ""
    choices: tuple[str, ...] = ()  # allowed values of a list


@dataclass
class Scored:
    answers: dict[str, object] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def options(kind: str, choices: list[dict] | tuple = (), language: str = "en") -> list[tuple[str, str]]:
    """(value, words) for a question's radios, in the victim's language."""
    cy = language == "cy"
    if kind == QuestionKind.SCALE:
        return [(str(v), c if cy else e) for v, e, c in SCALE]
    if kind == QuestionKind.YES_NO:
        return [(v, c if cy else e) for v, e, c in YES_NO]
    if kind == QuestionKind.CHOICE:
        # Choices are typed in the admin as JSON: an entry without a value and English words is left out
        # (as specs() leaves it out of the valid answers) rather than failing every victim's page.
        return [
            (str(c["value"]), (c.get("cy") if cy else None) or str(c["en"]))
            for c in choices or ()
            if isinstance(c, dict) and c.get("value") not in (None, "") and c.get("en")
        ]
    return []


def score(questions: list[QuestionSpec], raw: dict[str, str]) -> Scored:
    """Read `raw` (question code -> submitted string) against the questions. Anything out of range is an
    error in words; a question left blank is simply not answered unless it is required."""
    out = Scored()
    for q in questions:
        value = (raw.get(q.code) or "").strip()
        if not value:
            if q.required:
                out.errors[q.code] = missing_words(q)
            continue
        if q.kind == QuestionKind.SCALE:
            if value not in {str(v) for v, _e, _c in SCALE}:
                out.errors[q.code] = _("Choose one of the answers given")
                continue
            out.answers[q.code] = int(value)
            if q.area:
                out.areas[q.area] = int(value)
        elif q.kind == QuestionKind.YES_NO:
            if value not in {v for v, _e, _c in YES_NO}:
                out.errors[q.code] = _("Choose one of the answers given")
                continue
            out.answers[q.code] = value
        elif q.kind == QuestionKind.CHOICE:
            if value not in q.choices:
                out.errors[q.code] = _("Choose one of the answers given")
                continue
            out.answers[q.code] = value
        else:
            text = clean(value)
            if len(text) > TEXT_MAX:
                out.errors[q.code] = _("Use %(n)s characters or fewer") % {"n": f"{TEXT_MAX:,}"}
                continue
            if text:
                out.answers[q.code] = text
    return out


AREA_PHRASES = {
    Area.EASE_OF_CONTACT: _lazy("how easy it was to contact us"),
    Area.ACTIONS: _lazy("the actions the police took"),
    Area.KEPT_INFORMED: _lazy("how well you were kept informed"),
    Area.TREATMENT: _lazy("how you were treated"),
    Area.WHOLE_EXPERIENCE: _lazy("the whole experience"),
}


def missing_words(q: QuestionSpec) -> str:
    if q.kind == QuestionKind.SCALE and q.area in Area.values:
        return _("Choose how satisfied you are with %(what)s") % {"what": AREA_PHRASES[Area(q.area)]}
    if q.kind == QuestionKind.SCALE:
        return _("Choose how satisfied you are")
    return _("Choose an answer")


def satisfied(value: int | None) -> bool:
    return value is not None and value >= SATISFIED_FROM


def dissatisfied(value: int | None) -> bool:
    return value is not None and value <= DISSATISFIED_TO


def scale_words(value: int | None) -> str:
    for v, e, _c in SCALE:
        if v == value:
            return e
    return "Not answered"
