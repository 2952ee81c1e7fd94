"""Letters: the PDF (messaging.letters), the print-queue backend, GOV.UK Notify precompiled
letters, and delivery through the outbox."""

import base64
import io
from datetime import date
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.units import mm

from messaging import channels, letters, notify, outbox
from messaging.channels import Delivery, Outgoing, PermanentFailure, backend_for
from messaging.models import Message, StaffNotification

from .support import one, person, record, victims
from .test_notify import fake_notify, notify_errors  # noqa: F401 - the fake Notify API fixture

A4_W, A4_H = 210 * mm, 297 * mm
BODY = (
    "Annwyl Mrs Jones,\n\nMae rhywun wedi cael ei arestio. Ŵyn a thŷ ger y môr: ŵ ŷ â ê î ô û.\nAil linell."
    "\n\nYn gywir,\n\nPC Olive Officer"
)


def make(**over) -> letters.Letter:
    values = {
        "sender_name": "Heddlu Demo",
        "sender_lines": ("Uned Gofal Dioddefwyr", "Pencadlys yr Heddlu", "Aberystwyth", "SY23 1AA"),
        "recipient_lines": ("Mrs Gwen Jones", "1 Stryd Fawr", "Aberystwyth", "SY23 1AA"),
        "date_text": letters.date_text(date(2026, 11, 2), "cy"),
        "reference": "VC/12345/26",
        "subject": "Mae rhywun wedi cael ei arestio",
        "body": BODY,
        "language": "cy",
    }
    values.update(over)
    return letters.Letter(**values)


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def positions(page) -> list[tuple[str, float, float, float]]:
    """(text, x, y from the bottom, font size) of each line drawn on the page."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((text.strip(), cm[4] + tm[4], cm[5] + tm[5], size))

    page.extract_text(visitor_text=visit)
    return out


class TestPdf:
    def test_a4_welsh_characters_and_the_parts_of_a_letter(self):
        reader = read(letters.render_pdf(make()))
        page = reader.pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        text = page.extract_text()
        for part in (
            "Heddlu Demo",
            "Pencadlys yr Heddlu",
            "Dyddiad:",
            "2 Tachwedd 2026",
            "Ein cyfeirnod:",
            "VC/12345/26",
            "Mrs Gwen Jones",
            "Mae rhywun wedi cael ei arestio",
            "Ŵyn a thŷ ger y môr: ŵ ŷ â ê î ô û.",
            "Tudalen 1 o 1",
        ):
            assert part in text, part
        assert reader.metadata.title == "Mae rhywun wedi cael ei arestio"

    def test_every_font_is_embedded_and_has_the_welsh_letters(self):
        page = read(letters.render_pdf(make())).pages[0]
        fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
        names = {str(f["/BaseFont"]) for f in fonts}
        assert all("DejaVuSans" in n for n in names), names  # no unembedded Helvetica
        assert letters.fonts() == ("VCSans", "VCSans-Bold")

    def test_fonts_are_vendored_with_their_licence(self):
        folder = Path(letters.__file__).parent / "fonts"
        assert (folder / "DejaVuSans.ttf").is_file() and (folder / "DejaVuSans-Bold.ttf").is_file()
        assert "Bitstream" in (folder / "LICENSE").read_text()

    def test_the_address_sits_in_the_envelope_window(self):
        """GOV.UK Notify's window: 24.6 mm to 120 mm across, 39.5 mm to 66.3 mm down."""
        lines = positions(read(letters.render_pdf(make(large_print=True))).pages[0])
        address = [p for p in lines if p[0] in ("Mrs Gwen Jones", "1 Stryd Fawr", "Aberystwyth", "SY23 1AA")]
        address = [p for p in address if p[1] < 120 * mm]  # the sender block on the right has some too
        assert len(address) == 4
        for _text, x, y, _size in address:
            assert 24.6 * mm - 0.01 <= x <= 120 * mm
            assert A4_H - 66.3 * mm <= y <= A4_H - 39.5 * mm
        # The letter itself starts below the address area.
        body = [p for p in lines if p[0].startswith("Annwyl")]
        assert body and body[0][2] < A4_H - 95 * mm

    def test_standard_is_12_point_and_large_print_at_least_18(self):
        def body_size(pdf):
            return next(size for text, *_, size in positions(read(pdf).pages[0]) if text.startswith("Annwyl"))

        assert body_size(letters.render_pdf(make())) == 12
        assert body_size(letters.render_pdf(make(large_print=True))) >= 18

    def test_long_letters_run_on_with_page_numbers(self):
        long_body = "\n\n".join(f"Paragraph {i}. " + "Words to fill the page. " * 30 for i in range(12))
        reader = read(letters.render_pdf(make(body=long_body, language="en")))
        n = len(reader.pages)
        assert n >= 2
        assert f"Page {n} of {n}" in reader.pages[-1].extract_text()
        assert "Paragraph 11." in "".join(p.extract_text() for p in reader.pages[1:])

    def test_markup_in_the_text_is_printed_as_typed(self):
        text = read(letters.render_pdf(make(body="Fish & chips <b>not bold</b> a<b"))).pages[0].extract_text()
        assert "Fish & chips <b>not bold</b> a<b" in text

    @pytest.mark.parametrize("lines", [(), tuple(f"Line {i}" for i in range(8))])
    def test_an_address_that_cannot_be_posted_is_refused(self, lines):
        with pytest.raises(letters.LetterError):
            letters.render_pdf(make(recipient_lines=lines))

    def test_dates_in_english_and_welsh(self):
        assert letters.date_text(date(2026, 3, 1), "en") == "1 March 2026"
        assert letters.date_text(date(2026, 3, 1), "cy") == "1 Mawrth 2026"


class TestBackends:
    def test_file_backend_writes_the_print_queue(self, settings, tmp_path):
        settings.VC_LETTER_FILE_PATH = str(tmp_path / "queue")
        pdf = letters.render_pdf(make())
        delivery = backend_for("letter").send(Outgoing("letter", "", "S", "B", "42", pdf=pdf))
        assert delivery == Delivery(status="sent")
        [path] = (tmp_path / "queue").iterdir()
        assert path.name.endswith("-42.pdf") and path.read_bytes() == pdf

    def test_file_backend_refuses_an_empty_letter(self, settings, tmp_path):
        settings.VC_LETTER_FILE_PATH = str(tmp_path)
        with pytest.raises(PermanentFailure):
            channels.FileLetterBackend().send(Outgoing("letter", "", "S", "B", "1"))

    def test_notify_gets_the_pdf_as_a_precompiled_letter(self, fake_notify, settings):  # noqa: F811
        settings.VC_LETTER_BACKEND = "messaging.notify.NotifyLetterBackend"
        settings.NOTIFY_LETTER_POSTAGE = "second"
        pdf = letters.render_pdf(make())
        delivery = backend_for("letter").send(Outgoing("letter", "", "S", "B", "77", pdf=pdf))
        assert delivery == Delivery(status="sent", provider_ref=fake_notify.issued[0])
        [request] = fake_notify.requests
        assert request.path == "/v2/notifications/letter"
        assert request.body["reference"] == "77" and request.body["postage"] == "second"
        assert base64.b64decode(request.body["content"]) == pdf

    def test_notify_refusing_the_letter_is_a_permanent_failure(self, fake_notify, settings):  # noqa: F811
        settings.NOTIFY_LETTER_POSTAGE = ""
        fake_notify.respond(400, notify_errors(400, "ValidationError", "Letter content is not a valid PDF"))
        with pytest.raises(PermanentFailure, match="not a valid PDF"):
            notify.NotifyLetterBackend().send(Outgoing("letter", "", "S", "B", "1", pdf=b"%PDF-1.4"))
        assert "postage" not in fake_notify.requests[0].body

    def test_bad_postage_setting_fails_loudly(self, fake_notify, settings):  # noqa: F811
        from django.core.exceptions import ImproperlyConfigured

        settings.NOTIFY_LETTER_POSTAGE = "pigeon"
        with pytest.raises(ImproperlyConfigured, match="NOTIFY_LETTER_POSTAGE"):
            notify.NotifyLetterBackend()

    def test_notify_letter_statuses(self):
        def status(s):
            return notify.status_from_callback({"reference": "1", "id": "x", "status": s})[2]

        assert status("received") == "delivered"
        assert status("accepted") == "sending"
        assert status("validation-failed") == "permanent_failure"


@pytest.fixture
def files(settings, tmp_path):
    settings.VC_LETTER_FILE_PATH = str(tmp_path / "letters")
    settings.VC_LETTER_BACKEND = "messaging.channels.FileLetterBackend"
    return tmp_path / "letters"


@pytest.mark.django_db
class TestDelivery:
    def test_letter_goes_through_the_letter_backend_and_meets_its_duty(self, clock, officer, files):
        crime = record(
            officer,
            people=[
                person(safe_email=False, safe_letter=True, address_line_1="1 High St", postcode="AN1 1AA")
            ],
        )
        msg = Message.objects.get(crime=crime, channel="letter")
        assert outbox.message_deliver(message_id=msg.pk)
        msg.refresh_from_db()
        assert msg.status == "sent" and msg.sent_at is not None
        [pdf] = files.glob(f"*-{msg.pk}.pdf")
        text = read(pdf.read_bytes()).pages[0].extract_text()
        assert "Ms Aisha Khan" in text and "AN1 1AA" in text and "Olive Officer" in text
        assert "Victim Care Unit" in text  # the force's address from settings
        assert one(crime, "ACKNOWLEDGE").state == "met"

    def test_no_address_is_a_permanent_failure_and_the_officer_is_told(self, clock, officer, files):
        crime = record(officer, people=[person(safe_letter=True)])
        cv = victims(crime)[0]
        msg = outbox.message_queue(crime_victim=cv, channel="letter", body="Dear Ms Khan", subject="Hello")
        assert outbox.message_deliver(message_id=msg.pk)
        msg.refresh_from_db()
        assert msg.status == "permanent_failure" and "no postal address" in msg.last_error
        assert StaffNotification.objects.get(message=msg).stage == "delivery_failed"
        assert not list(files.glob("*.pdf")) if files.exists() else True

    def test_a_broken_backend_backs_off_and_retries(self, clock, officer, files, settings):
        crime = record(
            officer, people=[person(safe_letter=True, address_line_1="1 High St", postcode="AN1 1AA")]
        )
        msg = Message.objects.get(crime=crime, channel="letter")
        settings.VC_LETTER_FILE_PATH = "/proc/not-writable"
        assert outbox.message_deliver(message_id=msg.pk)
        msg.refresh_from_db()
        assert msg.status == "temporary_failure" and "print queue" in msg.last_error
