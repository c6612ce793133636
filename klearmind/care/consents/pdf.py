"""The signed copy of a consent: a PDF made with reportlab when the signature is kept, holding
the text signed and everything that shows who signed it, when and how."""

import base64
import io
from html import escape

from django.utils import timezone
from django.utils.dateformat import format as date_format
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table

SIGNATURE_WIDTH = 3 * inch
SIGNATURE_HEIGHT = 1.2 * inch


def text(value: str) -> str:
    """Escaped for reportlab's paragraph markup, which would otherwise read tags in it."""
    return escape(value.replace("\x00", ""), quote=False)


def drawn_image(data_url: str) -> Image | None:
    if not data_url:
        return None
    raw = base64.b64decode(data_url.split(",", 1)[1])
    return Image(io.BytesIO(raw), SIGNATURE_WIDTH, SIGNATURE_HEIGHT, kind="proportional")


def facts(signature) -> list[tuple[str, str]]:
    version = signature.version
    signed_at = timezone.localtime(signature.signed_at)
    witness = signature.witnessed_by
    return [
        ("Document", f"{version.title}, version {version.number}"),
        ("Published", date_format(timezone.localtime(version.published_at), "j F Y")),
        ("Signed by (typed name)", signature.signed_name),
        ("Signed at", date_format(signed_at, "j F Y, g:i A T")),
        ("From the address", signature.ip_address or "not known"),
        ("Browser", signature.user_agent or "not known"),
        ("Agreed to sign electronically", "Yes" if signature.electronic_consent else "No"),
        (
            "Witnessed in the clinic by",
            (witness.get_full_name() or witness.get_username()) if witness else "No witness",
        ),
    ]


def signed_copy(signature) -> bytes:
    """The PDF of `signature` (saved or not yet), with its version's full text."""
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Code"]
    version = signature.version
    story = [
        Paragraph(text(version.title), styles["Title"]),
        Paragraph(f"Version {version.number}", styles["Heading2"]),
        *(Paragraph(text(part), body) for part in version.paragraphs()),
        Spacer(1, 0.3 * inch),
        Paragraph("Signature", styles["Heading2"]),
    ]
    if image := drawn_image(signature.drawn_signature):
        story.append(image)
    rows = [
        [Paragraph(text(label), body), Paragraph(text(value), body)]
        for label, value in facts(signature)
    ]
    story.append(Table(rows, colWidths=[2 * inch, 4.5 * inch], hAlign="LEFT"))
    # On a line of its own, whole: anyone can hash the text above and compare.
    story.append(Paragraph("SHA-256 of the text signed (title, an empty line, the text):", body))
    story.append(Paragraph(signature.text_sha256, small))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=version.title,
        author="",
        subject=f"Signed copy, version {version.number}",
    )
    document.build(story)
    return buffer.getvalue()
