"""The national user-satisfaction survey, as shipped (Home Office guide to victim follow-up, Annex B): the
five areas on the seven-point scale, the required follow-up diagnostics and the recommended additional
questions. Loaded by a data migration as version 1 of the questionnaire "national"; a force edits it in
the admin by adding a new version, never by changing this one."""

CODE = "national"
TITLE = ("Tell us about the service you received", "Dywedwch wrthym am y gwasanaeth a gawsoch")
INTRO = (
    "Your answers help us improve how we support victims of crime. The survey takes about 5 minutes. "
    "You can leave out any question except the first five. Your name is never shown with your answers "
    "in the figures we look at or publish.",
    "Mae eich atebion yn ein helpu i wella sut rydym yn cefnogi dioddefwyr troseddau. Mae'r arolwg yn "
    "cymryd tua 5 munud. Gallwch hepgor unrhyw gwestiwn ac eithrio'r pump cyntaf. Ni fydd eich enw byth "
    "yn cael ei ddangos gyda'ch atebion yn y ffigurau rydym yn edrych arnynt neu'n eu cyhoeddi.",
)

HEADLINE = ("How satisfied are you?", "Pa mor fodlon ydych chi?")
FOLLOW_UP = ("Being kept informed", "Cael gwybod am y cynnydd")
WOULD_YOU_SAY = ("Would you say…", "A fyddech chi'n dweud…")
TOLD = ("Have the police told you at any point that…", "A yw'r heddlu wedi dweud wrthych ar unrhyw adeg…")
# Each question under these two headings is asked whole ("Would you say you knew who to contact?"), so it
# makes sense on its own to someone moving from question to question with a screen reader.

# (code, kind, area, section, (en, cy), required, choices)
QUESTIONS = [
    (
        "ease_of_contact",
        "scale",
        "ease_of_contact",
        HEADLINE,
        (
            "When you first contacted the police about this crime, how satisfied were you with how easy it "
            "was to reach someone who could help?",
            "Pan wnaethoch chi gysylltu â'r heddlu am y drosedd hon gyntaf, pa mor fodlon oeddech chi â pha "
            "mor hawdd oedd cyrraedd rhywun a allai helpu?",
        ),
        True,
        [],
    ),
    (
        "actions",
        "scale",
        "actions",
        HEADLINE,
        (
            "How satisfied are you with the actions the police took?",
            "Pa mor fodlon ydych chi â'r camau a gymerodd yr heddlu?",
        ),
        True,
        [],
    ),
    (
        "kept_informed",
        "scale",
        "kept_informed",
        HEADLINE,
        (
            "How satisfied are you with how well the police kept you informed of progress?",
            "Pa mor fodlon ydych chi â pha mor dda y gwnaeth yr heddlu roi gwybod i chi am y cynnydd?",
        ),
        True,
        [],
    ),
    (
        "treatment",
        "scale",
        "treatment",
        HEADLINE,
        (
            "How satisfied are you with the way the police officers and staff who dealt with you treated "
            "you?",
            "Pa mor fodlon ydych chi â'r ffordd y gwnaeth swyddogion a staff yr heddlu a fu'n delio â chi "
            "eich trin?",
        ),
        True,
        [],
    ),
    (
        "whole_experience",
        "scale",
        "whole_experience",
        HEADLINE,
        (
            "Taking the whole experience into account, how satisfied are you with the service the police "
            "gave you?",
            "Gan ystyried y profiad cyfan, pa mor fodlon ydych chi â'r gwasanaeth a roddodd yr heddlu i chi?",
        ),
        True,
        [],
    ),
    (
        "further_contact",
        "choice",
        "",
        FOLLOW_UP,
        (
            "What further contact have you had from the police since you reported the crime?",
            "Pa gysylltiad pellach rydych chi wedi'i gael gan yr heddlu ers i chi roi gwybod am y drosedd?",
        ),
        False,
        [
            {"value": "none", "en": "None", "cy": "Dim"},
            {"value": "once", "en": "Once", "cy": "Unwaith"},
            {"value": "two_three", "en": "Two or three times", "cy": "Dwywaith neu dair"},
            {"value": "more", "en": "More than three times", "cy": "Mwy na thair gwaith"},
        ],
    ),
    (
        "information_amount",
        "choice",
        "",
        FOLLOW_UP,
        (
            "How much information were you given about the progress of your case?",
            "Faint o wybodaeth a roddwyd i chi am gynnydd eich achos?",
        ),
        False,
        [
            {"value": "too_much", "en": "Too much", "cy": "Gormod"},
            {"value": "right", "en": "About the right amount", "cy": "Tua'r swm cywir"},
            {"value": "too_little", "en": "Too little", "cy": "Rhy ychydig"},
            {"value": "none", "en": "None", "cy": "Dim"},
        ],
    ),
    (
        "volunteered",
        "choice",
        "",
        FOLLOW_UP,
        (
            "Were you given information without asking, or only after you asked?",
            "A gawsoch chi wybodaeth heb ofyn, neu dim ond ar ôl i chi ofyn?",
        ),
        False,
        [
            {"value": "without_asking", "en": "Without asking", "cy": "Heb ofyn"},
            {"value": "after_asking", "en": "Only after I asked", "cy": "Dim ond ar ôl i mi ofyn"},
            {"value": "both", "en": "Some of each", "cy": "Rhywfaint o'r ddau"},
            {"value": "none", "en": "I was given no information", "cy": "Ni chefais unrhyw wybodaeth"},
        ],
    ),
    (
        "outcome_told",
        "choice",
        "",
        FOLLOW_UP,
        (
            "What have the police told you about the outcome of your case?",
            "Beth mae'r heddlu wedi'i ddweud wrthych am ganlyniad eich achos?",
        ),
        False,
        [
            {"value": "ongoing", "en": "That it is still going on", "cy": "Ei fod yn dal i fynd rhagddo"},
            {"value": "charged", "en": "That someone has been charged", "cy": "Bod rhywun wedi'i gyhuddo"},
            {"value": "closed", "en": "That it has been closed", "cy": "Ei fod wedi'i gau"},
            {"value": "nothing", "en": "Nothing", "cy": "Dim byd"},
        ],
    ),
]

WOULD_YOU_SAY_QUESTIONS = [
    ("knew_who_to_contact", "you knew who to contact?", "eich bod yn gwybod â phwy i gysylltu?"),
    (
        "calls_returned",
        "your phone calls were returned in a reasonable time?",
        "bod eich galwadau ffôn wedi'u dychwelyd o fewn amser rhesymol?",
    ),
    (
        "told_what_police_would_do",
        "you were told what the police would do?",
        "eich bod wedi cael gwybod beth fyddai'r heddlu'n ei wneud?",
    ),
    (
        "information_quick",
        "the information you needed was given quickly?",
        "bod yr wybodaeth yr oedd ei hangen arnoch wedi'i rhoi'n gyflym?",
    ),
    (
        "informed_without_asking",
        "you were kept informed of progress without asking?",
        "eich bod wedi cael gwybod am y cynnydd heb ofyn?",
    ),
    (
        "informed_after_asking",
        "you were kept informed of progress only after asking?",
        "eich bod wedi cael gwybod am y cynnydd dim ond ar ôl gofyn?",
    ),
    (
        "questions_answered",
        "your questions were answered well enough?",
        "bod eich cwestiynau wedi'u hateb yn ddigon da?",
    ),
]

TOLD_QUESTIONS = [
    (
        "told_prevention",
        "they have taken action to try to stop this happening again?",
        "eu bod wedi cymryd camau i geisio atal hyn rhag digwydd eto?",
    ),
    ("told_succeeded", "the investigation has succeeded?", "bod yr ymchwiliad wedi llwyddo?"),
    ("told_closed", "the investigation is closed?", "bod yr ymchwiliad wedi'i gau?"),
    ("told_ongoing", "the investigation is still going on?", "bod yr ymchwiliad yn dal i fynd rhagddo?"),
    ("told_arrest", "there has been an arrest?", "bod rhywun wedi'i arestio?"),
    ("told_property", "they have recovered property?", "eu bod wedi adennill eiddo?"),
]


def rows() -> list[dict]:
    """Every question as the fields of a surveys.models.Question, in order."""
    out = []
    for code, kind, area, section, text, required, choices in QUESTIONS:
        out.append(
            {
                "code": code,
                "kind": kind,
                "area": area,
                "section": section,
                "text": text,
                "required": required,
                "choices": choices,
            }
        )
    for section, items in ((WOULD_YOU_SAY, WOULD_YOU_SAY_QUESTIONS), (TOLD, TOLD_QUESTIONS)):
        for code, en, cy in items:
            en = f"{section[0][:-1]} {en}"  # "Would you say…" + "you knew who to contact?": whole questions
            cy = f"{section[1][:-1]} {cy}"
            out.append(
                {
                    "code": code,
                    "kind": "yes_no",
                    "area": "",
                    "section": section,
                    "text": (en, cy),
                    "required": False,
                    "choices": [],
                }
            )
    for order, row in enumerate(out, start=1):
        row["order"] = order * 10
    return out


def load(Questionnaire, Question) -> None:
    """Create version 1 (idempotent), from the historical models a migration passes in."""
    q, created = Questionnaire.objects.get_or_create(
        code=CODE,
        version=1,
        defaults={"title_en": TITLE[0], "title_cy": TITLE[1], "intro_en": INTRO[0], "intro_cy": INTRO[1]},
    )
    if not created:
        return
    Question.objects.bulk_create(
        [
            Question(
                questionnaire=q,
                code=r["code"],
                order=r["order"],
                kind=r["kind"],
                area=r["area"],
                section_en=r["section"][0],
                section_cy=r["section"][1],
                text_en=r["text"][0],
                text_cy=r["text"][1],
                required=r["required"],
                choices=r["choices"],
            )
            for r in rows()
        ]
    )
