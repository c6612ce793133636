"""The small vocabulary the demo content is written in: page specs, references, blocks."""

from dataclasses import dataclass, field

# NIMH, "Major Depression": 21.0 million US adults (8.3 %) had a major depressive episode in
# 2021 (SAMHSA's National Survey on Drug Use and Health).
NIMH_DEPRESSION = "https://www.nimh.nih.gov/health/statistics/major-depression"


@dataclass(frozen=True)
class Ref:
    """An object the builder makes or finds: a page by slug, a notice or an image by key."""

    kind: str
    key: str


@dataclass(frozen=True)
class PageSpec:
    model: type
    title: str
    slug: str
    fields: dict = field(default_factory=dict)
    children: tuple["PageSpec", ...] = ()
    in_menu: bool = False
    translation_of: str = ""  # a translation's English original, by slug


def page(model, title, slug, *, menu=False, children=(), **fields) -> PageSpec:
    return PageSpec(model, title, slug, fields, tuple(children), menu)


def page_ref(slug: str) -> Ref:
    return Ref("page", slug)


def heading(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def paragraph(html: str) -> tuple:
    return ("paragraph", html)


def notice(key: str) -> tuple:
    return ("safety_notice", {"notice": Ref("notice", key)})


def both_notices() -> list[tuple]:
    return [notice("safety"), notice("off-label")]


def pull_quote(quote: str, attribution: str = "") -> tuple:
    return ("pull_quote", {"quote": quote, "attribution": attribution})


def video(url: str, title: str, poster: str, duration: str = "") -> tuple:
    return (
        "video",
        {
            "url": url,
            "title": title,
            "poster": Ref("image", poster),
            "duration": duration,
            "transcript": "",
        },
    )


def call_to_action(
    heading: str, text: str, label: str, *, page_slug: str = "", service: str = ""
) -> tuple:
    """A button to a page (by slug) or, with `service`, the booking flow at that service."""
    target = (
        {"kind": "service", "service": service, "page": None}
        if service
        else {"kind": "page", "page": page_ref(page_slug), "service": ""}
    )
    return (
        "call_to_action",
        {"heading": heading, "text": text, **target, "place": "", "label": label},
    )


# The booking services the demo's buttons open (booking's demo makes them).
CONSULTATION_SERVICE = "free-consultation"
HYDRATION_SERVICE = "iv-hydration"


def book_consultation(heading: str = "Could ketamine therapy help you?") -> tuple:
    return call_to_action(
        heading,
        "Book a free, private consultation. A clinician will go through your history with you "
        "and tell you honestly whether treatment is likely to suit you.",
        "Book a free consultation",
        service=CONSULTATION_SERVICE,
    )


def book_hydration(heading: str = "Book a drip") -> tuple:
    return call_to_action(
        heading,
        "Choose a clinic or a visit at home, and a time that suits you.",
        "Book IV hydration",
        service=HYDRATION_SERVICE,
    )


def question(text: str, answer: str) -> tuple:
    return ("question", {"question": text, "answer": answer})


def link(label: str, slug: str) -> tuple:
    return ("link", {"label": label, "page": page_ref(slug), "url": ""})
