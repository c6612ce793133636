"""The articles index in Spanish, with one article: the others stay in English until the clinic
has them translated."""

from ...models import ArticleIndexPage, ArticlePage
from ..spec import heading, paragraph
from .spec import book_hydration, translation

HYDRATION_ARTICLE = translation(
    "iv-hydration-at-home-who-it-suits",
    ArticlePage,
    "Hidratación intravenosa en casa: para quién es",
    "hidratacion-intravenosa-en-casa",
    intro=(
        "Un suero en casa puede ser una manera cómoda de recuperar líquidos. Le contamos a "
        "quién suele servirle, quién no debe ponérselo y cómo es una visita a domicilio."
    ),
    search_description=(
        "A quién le conviene la hidratación intravenosa en casa, quién debe evitarla y cómo "
        "funciona la visita."
    ),
    body=[
        heading("A quién le sirve"),
        paragraph(
            "<p>Quienes eligen un suero en casa a menudo se están recuperando de una infección "
            "del estómago cuando ya pasó lo peor, vuelven de un viaje largo, entrenan fuerte "
            "con el calor del verano en Sacramento o simplemente no pueden ir con facilidad a "
            "una clínica. Cuando el cuerpo está deshidratado, los líquidos por la vena reponen "
            "el agua y las sales más rápido que beber.</p>"
        ),
        heading("Quién no debe ponérselo"),
        paragraph(
            "<p>El líquido de más puede hacer daño a personas con insuficiencia cardiaca, "
            "enfermedad renal avanzada y otras afecciones. Por eso la ley de California pide "
            "un examen de buena fe con un profesional clínico con licencia antes del primer "
            "suero, y por eso lo repetimos cada año o cuando cambia su salud. Un suero no "
            "sustituye la atención de urgencias: si se siente muy mal, llame al 911.</p>"
        ),
        heading("Cómo es una visita a domicilio"),
        paragraph(
            "<p>Visitamos casas en los códigos postales que aparecen en la página de cada "
            "clínica. Una enfermera titulada trae todo lo necesario, se queda con usted "
            "durante todo el suero y al final se lleva el equipo. La mayoría de los sueros "
            "duran entre 45 minutos y una hora.</p>"
        ),
        book_hydration("Reserve una visita de hidratación intravenosa"),
    ],
)

ARTICLES = translation(
    "articles",
    ArticleIndexPage,
    "Artículos",
    "articulos",
    intro=(
        "Artículos en lenguaje sencillo sobre la terapia con ketamina y la hidratación "
        "intravenosa, revisados por nuestro equipo clínico. Algunos solo están en inglés por "
        "ahora."
    ),
    children=[HYDRATION_ARTICLE],
)
