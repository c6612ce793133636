"""How the Spanish pages are written: each names its English original, and the buttons they end
with open the booking flow at a service, as in English."""

from ..spec import CONSULTATION_SERVICE, HYDRATION_SERVICE, PageSpec, call_to_action


def translation(original: str, model, title, slug, *, children=(), **fields) -> PageSpec:
    """The translation of the English page `original` (by slug), at a Spanish slug: one slug per
    page keeps every lookup by slug unambiguous."""
    return PageSpec(model, title, slug, fields, tuple(children), translation_of=original)


def book_consultation(heading: str = "¿Podría ayudarle la terapia con ketamina?") -> tuple:
    return call_to_action(
        heading,
        "Reserve una consulta gratuita y confidencial. Un profesional clínico revisará su "
        "historial con usted y le dirá con franqueza si el tratamiento podría ser adecuado "
        "para usted.",
        "Reserve una consulta gratuita",
        service=CONSULTATION_SERVICE,
    )


def book_hydration(heading: str = "Reserve un suero") -> tuple:
    return call_to_action(
        heading,
        "Elija una de nuestras clínicas o una visita a domicilio, y la hora que le convenga.",
        "Reserve hidratación intravenosa",
        service=HYDRATION_SERVICE,
    )
