"""Consent documents, versions and drawn signatures for consent tests."""

import base64
import io

from PIL import Image

from klearmind.care.consents.models import ConsentDocument, ConsentVersion, Renewal
from klearmind.encryption.keys import email_lookup_hash

SIGNER_EMAIL = "dana@example.org"
BODY = "You agree to IV ketamine, an off-label use.\n\nYou may stop at any time."


def person(email: str = SIGNER_EMAIL) -> str:
    return email_lookup_hash(email)


def make_document(slug="ketamine", *, kinds=("ketamine",), renewal=Renewal.EACH_VERSION, **fields):
    values = {"title": "Informed consent for IV ketamine", "service_kinds": list(kinds)}
    return ConsentDocument.objects.create(slug=slug, renewal=renewal, **{**values, **fields})


def publish(document, *, number=None, title=None, body=BODY, by=None) -> ConsentVersion:
    last = document.versions.order_by("-number").first()
    return ConsentVersion.objects.create(
        document=document,
        number=number or (last.number + 1 if last else 1),
        title=title or document.title,
        body=body,
        published_by=by,
    )


def png_data_url(size=(300, 100), *, image_format="PNG") -> str:
    buffer = io.BytesIO()
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    for x in range(20, min(size[0], 280)):
        image.putpixel((x, size[1] // 2), (0, 0, 0, 255))
    (image if image_format == "PNG" else image.convert("RGB")).save(buffer, format=image_format)
    mime = "png" if image_format == "PNG" else image_format.lower()
    return f"data:image/{mime};base64," + base64.b64encode(buffer.getvalue()).decode()
