"""Letters to victims as printable A4 PDFs (reportlab), standard or large print.

The layout follows GOV.UK Notify's letter specification, so the same PDF goes to the local print queue
(channels.FileLetterBackend) or to Notify as a precompiled letter (notify.NotifyLetterBackend): content
at least 15 mm from the sides and 5 mm from the top and bottom; the victim's address in the envelope
window (24.6 mm from the left, 39.5 mm to 66.3 mm from the top, at most 7 lines); the force's name at the
top left, its address, the date and our reference at the top right; the letter itself from 95 mm down.

Large print follows the RNIB clear print guidance: an 18 point sans-serif face in a heavy weight, wider line
spacing, left aligned, nothing in italics or capitals. The address stays small in both: it has to fit the
envelope window, and the post is its reader.

Fonts: DejaVu Sans, vendored in ./fonts (it has the Welsh ŵ and ŷ that the PDF base fonts lack)."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from messaging.constants import Format
from victimcare.core.i18n import force_name

FONT_DIRS = (Path(__file__).resolve().parent / "fonts", Path("/usr/share/fonts/truetype/dejavu"))
PAGE_W, PAGE_H = A4
MAX_ADDRESS_LINES = 7

MONTHS_CY = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)
LABELS = {
    "en": {"date": "Date", "reference": "Our reference", "page": "Page {n} of {total}"},
    "cy": {"date": "Dyddiad", "reference": "Ein cyfeirnod", "page": "Tudalen {n} o {total}"},
}


class LetterError(ValueError):
    """The letter cannot be made as addressed (no postal address): a permanent failure."""


@dataclass(frozen=True)
class Letter:
    sender_name: str
    sender_lines: tuple[str, ...]
    recipient_lines: tuple[str, ...]
    date_text: str
    reference: str
    subject: str
    body: str
    language: str = "en"
    large_print: bool = False


@dataclass(frozen=True)
class _Sizes:
    body: float
    leading: float
    heading: float
    heading_leading: float
    sender_name: float
    sender: float
    sender_leading: float
    footer: float
    regular: str
    bold: str


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when its files are found, else Helvetica (no ŵ or ŷ)."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("VCSans", str(regular)))
            pdfmetrics.registerFont(TTFont("VCSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily("VCSans", normal="VCSans", bold="VCSans-Bold")
            return "VCSans", "VCSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _sizes(large_print: bool) -> _Sizes:
    regular, bold = fonts()
    if large_print:
        return _Sizes(18, 27, 22, 30, 20, 14, 18, 14, bold, bold)
    return _Sizes(12, 16, 14, 19, 16, 10, 13, 10, regular, bold)


def date_text(day: date, language: str) -> str:
    if language == "cy":
        return f"{day.day} {MONTHS_CY[day.month - 1]} {day.year}"
    return f"{day.day} {day:%B %Y}"


def _para(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _paragraphs(body: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")) if p.strip()]


class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws "Page n of m" once the page count is known (a second pass over the saved page states)."""

    footer: tuple[str, str, float, str] = ("", "", 10, "Helvetica")  # (reference, page label, size, font)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._states: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._states.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._states)
        for state in self._states:
            self.__dict__.update(state)
            reference, label, size, font = self.footer
            self.setFont(font, size)
            text = label.format(n=self._pageNumber, total=total)
            self.drawString(20 * mm, 10 * mm, f"{reference}   {text}" if reference else text)
            super().showPage()
        super().save()


def render_pdf(letter: Letter) -> bytes:
    """The letter as PDF bytes. Pure: no database, no clock."""
    if not letter.recipient_lines:
        raise LetterError("There is no postal address for this letter.")
    if len(letter.recipient_lines) > MAX_ADDRESS_LINES:
        raise LetterError(f"The address has more than {MAX_ADDRESS_LINES} lines and will not fit the window.")
    s = _sizes(letter.large_print)
    labels = LABELS.get(letter.language, LABELS["en"])
    regular, bold = fonts()
    body_style = ParagraphStyle(
        "body", fontName=s.regular, fontSize=s.body, leading=s.leading, spaceAfter=s.leading * 0.6
    )
    heading_style = ParagraphStyle(
        "heading", fontName=s.bold, fontSize=s.heading, leading=s.heading_leading, spaceAfter=s.leading * 0.6
    )
    sender_style = ParagraphStyle("sender", fontName=s.regular, fontSize=s.sender, leading=s.sender_leading)
    sender_name_style = ParagraphStyle(
        "sender_name", fontName=s.bold, fontSize=s.sender_name, leading=s.sender_name * 1.25
    )
    address_style = ParagraphStyle("address", fontName=regular, fontSize=10, leading=10.5)

    def first_page(c, _doc):
        c.saveState()
        # The force's name in the logo area (15-125 mm across, 5-30 mm down).
        name = Paragraph(_para(letter.sender_name), sender_name_style)
        _, h = name.wrapOn(c, 105 * mm, 25 * mm)
        name.drawOn(c, 15 * mm, PAGE_H - 10 * mm - h)
        # The force's address, the date and our reference on the right (125-195 mm across, to 95 mm down).
        lines = [*letter.sender_lines, "", f"{labels['date']}:", letter.date_text]
        if letter.reference:
            lines += [f"{labels['reference']}:", letter.reference]
        sender = Paragraph("<br/>".join(_para(x) for x in lines), sender_style)
        _, h = sender.wrapOn(c, 68 * mm, 85 * mm)
        sender.drawOn(c, 125 * mm, PAGE_H - 8 * mm - h)
        # The victim's address in the envelope window.
        address = Paragraph("<br/>".join(_para(x) for x in letter.recipient_lines), address_style)
        _, h = address.wrapOn(c, 95 * mm, 26.8 * mm)
        address.drawOn(c, 24.6 * mm, PAGE_H - 40 * mm - h)
        c.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=letter.subject,
        author=letter.sender_name,
        subject=letter.subject,
        creator="victimcare",
        lang=letter.language,
        # Start in our own font: the default (Helvetica) would be listed in the PDF unembedded, and
        # Notify's letter checks rewrite PDFs with unembedded fonts.
        initialFontName=regular,
    )
    margin = 20 * mm
    width = PAGE_W - 2 * margin
    bottom = 20 * mm
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[Frame(margin, bottom, width, PAGE_H - 95 * mm - bottom, id="first", showBoundary=0)],
                onPage=first_page,
                autoNextPageTemplate="later",
            ),
            PageTemplate(
                id="later", frames=[Frame(margin, bottom, width, PAGE_H - 15 * mm - bottom, id="later")]
            ),
        ]
    )
    story = []
    if letter.subject:
        story.append(Paragraph(_para(letter.subject), heading_style))
    story += [Paragraph(_para(p), body_style) for p in _paragraphs(letter.body)] or [Spacer(1, 1)]

    class Canvas(_NumberedCanvas):
        footer = (letter.reference, labels["page"], s.footer, s.regular)

    doc.build(story, canvasmaker=Canvas)
    return buffer.getvalue()


def address_lines(person) -> list[str]:
    """The victim's postal address block: title and name, then the address, the postcode last."""
    name = " ".join(x for x in (person.title, person.first_name, person.last_name) if x)
    lines = [name] + [x for x in (person.address_line_1, person.address_line_2, person.town) if x]
    if person.postcode:
        lines.append(person.postcode.upper())
    return lines


def letter_for(msg, *, now: datetime | None = None) -> Letter:
    """The Letter for an outbox message (a letter-channel Message with crime_victim and crime loaded).
    The address is the one copied onto the message when it was queued; failing that, the victim's."""
    now = now or timezone.now()
    lines = [x.strip() for x in (msg.to_address or "").splitlines() if x.strip()]
    person = msg.crime_victim.person
    if not lines:
        if not person.has_postal_address:
            raise LetterError("The victim has no postal address.")
        lines = address_lines(person)
    oic = msg.crime.oic
    phone = (oic.contact_phone if oic else "") or "101"
    phone_line = f"Ffôn: {phone}" if msg.language == "cy" else f"Phone: {phone}"
    sender = (*getattr(settings, "VC_LETTER_SENDER_ADDRESS", ()), phone_line)
    return Letter(
        sender_name=force_name(msg.language),
        sender_lines=tuple(sender),
        recipient_lines=tuple(lines),
        date_text=date_text(timezone.localdate(now), msg.language),
        reference=msg.crime.reference,
        subject=msg.subject,
        body=msg.body,
        language=msg.language,
        large_print=msg.letter_format == Format.LARGE_PRINT,
    )


def letter_pdf(msg, *, now: datetime | None = None) -> bytes:
    return render_pdf(letter_for(msg, now=now))
