"""The services and the conditions they treat, in Spanish."""

from ...models import ConditionIndexPage, ConditionPage, ServiceIndexPage, ServicePage
from ..spec import NIMH_DEPRESSION, both_notices, heading, notice, paragraph
from .spec import book_consultation, book_hydration, translation

KETAMINE_INFUSION = translation(
    "iv-ketamine-infusion",
    ServicePage,
    "Infusión de ketamina intravenosa",
    "ketamina-intravenosa",
    summary=(
        "Una dosis baja de ketamina que se administra despacio por la vena, con una enfermera "
        "que le vigila todo el tiempo, en nuestra clínica de Sacramento o de Roseville, o en "
        "su casa."
    ),
    search_description="Infusiones de ketamina intravenosa en Sacramento y Roseville: dosis, "
    "tratamiento, preparación y seguridad.",
    body=[
        heading("Cómo es un tratamiento"),
        paragraph(
            "<p>La dosis habitual es de 0.5 mg de ketamina por kilogramo de peso, que pasa a la "
            "vena en unos 40 minutos. Un primer tratamiento suele ser de seis infusiones en dos "
            "o tres semanas. Si le ayuda, puede volver para una infusión de refuerzo cada "
            "cierto número de semanas, según cuánto le dure el beneficio.</p>"
            "<p>Antes de cada visita le pedimos que conteste cuestionarios breves y "
            "reconocidos, como el PHQ-9 para la depresión, para que usted y su profesional "
            "clínico puedan ver si el tratamiento está funcionando.</p>"
        ),
        heading("Cómo prepararse para una infusión"),
        paragraph(
            "<ul><li>No coma alimentos sólidos durante las 6 horas antes de su cita.</li>"
            "<li>Puede tomar líquidos claros hasta 2 horas antes.</li>"
            "<li>Un adulto responsable debe llevarle a casa en auto.</li>"
            "<li>No maneje hasta el día siguiente.</li></ul>"
        ),
        heading("Durante y después"),
        paragraph(
            "<p>Le medimos la presión arterial, el pulso, la respiración y el oxígeno antes de "
            "empezar y al menos cada 15 minutos durante la infusión. Después descansa con "
            "nosotros hasta que se sienta estable y sus signos vitales vuelvan a lo normal, "
            "por lo general entre 30 y 60 minutos.</p>"
        ),
        *both_notices(),
        book_consultation(),
    ],
)

SPRAVATO = translation(
    "spravato-esketamine",
    ServicePage,
    "Spravato (esketamina)",
    "spravato-esketamina",
    summary=(
        "El aerosol nasal de esketamina aprobado por la FDA para la depresión resistente al "
        "tratamiento, que se usa bajo supervisión en nuestras clínicas certificadas."
    ),
    search_description="Spravato (esketamina) en aerosol nasal para la depresión resistente "
    "al tratamiento, en Sacramento y Roseville.",
    body=[
        heading("Qué es Spravato"),
        paragraph(
            "<p>Spravato es un aerosol nasal que contiene esketamina, un pariente cercano de la "
            "ketamina. La FDA lo aprobó en 2019 para adultos con depresión resistente al "
            "tratamiento, junto con un antidepresivo oral; desde 2025 también puede usarse "
            "solo. Desde 2020 está aprobado además, junto con un antidepresivo oral, para los "
            "síntomas depresivos de adultos con trastorno depresivo mayor que tienen "
            "pensamientos o conductas suicidas agudos. Como la FDA lo aprobó para estos usos, "
            "muchos seguros médicos lo cubren, por lo general con una autorización previa.</p>"
        ),
        notice("spravato"),
        heading("Cómo es una sesión"),
        paragraph(
            "<p>Spravato solo se ofrece dentro de un programa de seguridad llamado Spravato "
            "REMS. Usted se inscribe antes de la primera dosis, y cada dosis se toma en un "
            "centro de salud certificado, como nuestras clínicas. Nunca se lleva a casa, así "
            "que no lo ofrecemos en las visitas a domicilio.</p>"
            "<ul><li>Le medimos la presión arterial antes de la dosis y unos 40 minutos "
            "después, y luego hasta que esté estable.</li>"
            "<li>Usted mismo se aplica el aerosol, con un profesional clínico a su lado.</li>"
            "<li>Se queda con nosotros al menos 2 horas después.</li>"
            "<li>Un adulto responsable le lleva a casa; no maneje hasta el día siguiente.</li>"
            "</ul>"
        ),
        *both_notices(),
        book_consultation("¿Es Spravato una opción para usted?"),
    ],
)

IV_HYDRATION = translation(
    "iv-hydration",
    ServicePage,
    "Hidratación intravenosa",
    "hidratacion-intravenosa",
    summary=(
        "Líquidos, vitaminas y minerales por goteo en la vena, administrados por una "
        "enfermera titulada en nuestras clínicas o en su casa."
    ),
    search_description="Sueros de hidratación intravenosa en Sacramento y Roseville, en la "
    "clínica o a domicilio: menú y precios.",
    body=[
        heading("Sobre los sueros"),
        paragraph(
            "<p>Cada suero lo administra una enfermera titulada. Los precios del menú son por "
            "suero e incluyen el tiempo de su enfermera y los materiales; los extras tienen su "
            "propio precio. La hidratación intravenosa no es un tratamiento para ninguna "
            "enfermedad, y hay pocas pruebas de que los sueros de vitaminas beneficien a las "
            "personas sanas; le diremos con franqueza cuál tiene sentido para usted, si es que "
            "alguno lo tiene.</p>"
        ),
        heading("En su casa o en la clínica"),
        paragraph(
            "<p>Vamos a su casa en cualquier punto de las zonas de servicio que aparecen en "
            "las páginas de nuestras clínicas. Las visitas a domicilio tienen el cargo por "
            "desplazamiento que se indica debajo del menú, y le pedimos que nos avise con 24 "
            "horas si necesita cancelar.</p>"
        ),
        heading("Primero, un examen de buena fe"),
        paragraph(
            "<p>La ley de California exige un examen de buena fe con un profesional clínico "
            "con licencia antes de su primer suero. Es una llamada corta y gratuita con uno de "
            "nuestros profesionales clínicos, que usted reserva antes del suero, y la repetimos "
            "cada año o cuando cambien su salud o sus medicamentos. Cuando reserva un suero en "
            "línea, le preguntamos si necesita el examen y le llevamos primero a reservarlo.</p>"
        ),
        book_hydration(),
    ],
)

SERVICES = translation(
    "services",
    ServiceIndexPage,
    "Servicios",
    "servicios",
    intro=(
        "Terapia con ketamina e hidratación intravenosa con supervisión médica, en "
        "Sacramento, en Roseville o en su casa."
    ),
    children=[KETAMINE_INFUSION, SPRAVATO, IV_HYDRATION],
)


def condition(original, title, slug, living, summary, *paragraphs, spravato=False):
    """A condition page as in English: what it is, how ketamine may help, the notices, a
    way to book; `living` is the first heading, which Spanish cannot build from the title."""
    return translation(
        original,
        ConditionPage,
        title,
        slug,
        summary=summary,
        search_description=summary,
        body=[
            heading(living),
            paragraph(paragraphs[0]),
            heading("Cómo puede ayudar la terapia con ketamina"),
            *(paragraph(html) for html in paragraphs[1:]),
            *both_notices(),
            *([notice("spravato")] if spravato else []),
            book_consultation(),
        ],
    )


CONDITIONS = translation(
    "conditions",
    ConditionIndexPage,
    "Afecciones que tratamos",
    "afecciones",
    intro=(
        "La terapia con ketamina no es para todos. Estas son las afecciones para las que la "
        "investigación es más prometedora, y lo que dice."
    ),
    children=[
        condition(
            "anxiety",
            "Ansiedad",
            "ansiedad",
            "Vivir con ansiedad",
            "Preocupación constante y difícil de controlar que no ha mejorado con el "
            "tratamiento habitual.",
            "<p>Los trastornos de ansiedad son los problemas de salud mental más comunes en "
            "Estados Unidos. La preocupación continua, la inquietud, el mal dormir y el corazón "
            "acelerado pueden hacer agotador un día normal. La terapia y los medicamentos "
            "ayudan a muchas personas, pero no a todas.</p>",
            "<p>Algunos estudios pequeños indican que una dosis baja de ketamina puede reducir "
            "la ansiedad en ciertas personas cuyos síntomas no mejoraron con los tratamientos "
            "habituales, y a menudo ayuda cuando la ansiedad viene junto con depresión. Hay "
            "menos pruebas que para la depresión, y se lo decimos claramente. Su uso para la "
            "ansiedad es fuera de indicación.</p>",
            "<p>Medimos la ansiedad con el cuestionario GAD-7 antes y durante el tratamiento, "
            "y mantenemos informado a su terapeuta o a su médico.</p>",
        ),
        condition(
            "depression",
            "Depresión",
            "depresion",
            "Vivir con depresión",
            "Depresión, incluida la que no ha mejorado con antidepresivos.",
            "<p>Según el Instituto Nacional de Salud Mental de EE. UU. (NIMH), unos 21.0 "
            "millones de adultos en Estados Unidos, el 8.3 % de todos los adultos, tuvieron al "
            "menos un episodio depresivo mayor en 2021 (fuente: "
            f'<a href="{NIMH_DEPRESSION}">estadísticas de depresión mayor del NIMH</a>, a '
            "partir de la Encuesta Nacional sobre Uso de Drogas y Salud). La depresión quita "
            "energía, sueño, concentración y las ganas de disfrutar, y puede traer "
            "pensamientos de no querer vivir. Si eso le está pasando ahora, llame o envíe un "
            "mensaje de texto al 988 a cualquier hora; hay atención en español.</p>",
            "<p>La depresión es donde las pruebas a favor de la ketamina son más sólidas. "
            "Muchos estudios han visto que una dosis baja puede aliviar los síntomas en horas "
            "o días, también en personas con depresión resistente al tratamiento, es decir, "
            "depresión que no ha mejorado después de probar al menos dos antidepresivos. No "
            "ayuda a todas las personas, y no es una cura.</p>",
            "<p>Ofrecemos ketamina intravenosa, cuyo uso para la depresión es fuera de "
            "indicación, y Spravato, el aerosol nasal de esketamina aprobado por la FDA. "
            "Seguimos su progreso con el cuestionario PHQ-9, y los resultados duran más "
            "cuando el tratamiento va acompañado de terapia.</p>",
            spravato=True,
        ),
        condition(
            "ptsd",
            "TEPT (estrés postraumático)",
            "tept",
            "Vivir con TEPT",
            "Estrés postraumático que vuelve una y otra vez en recuerdos, pesadillas o un "
            "estado de alerta constante.",
            "<p>El trastorno de estrés postraumático (TEPT) puede aparecer después de un "
            "combate, una agresión, un accidente, un desastre u otra experiencia abrumadora. "
            "Los recuerdos que irrumpen sin querer, evitar lo que los trae, el ánimo bajo y "
            "estar siempre en guardia pueden durar años.</p>",
            "<p>En estudios con infusiones repetidas de ketamina, los síntomas del TEPT "
            "bajaron de forma notable, aunque muchas veces por poco tiempo, y se investiga "
            "cómo combinar la ketamina con terapia centrada en el trauma para que la mejoría "
            "dure. Su uso para el TEPT es fuera de indicación y se entiende mejor como un apoyo "
            "a la terapia, no como un sustituto.</p>",
            "<p>Seguimos sus síntomas con el cuestionario PCL-5 y trabajamos de cerca con su "
            "terapeuta.</p>",
        ),
        condition(
            "chronic-pain",
            "Dolor crónico",
            "dolor-cronico",
            "Vivir con dolor crónico",
            "Dolor de los nervios de larga duración y otros tipos de dolor que no han mejorado "
            "con la atención habitual.",
            "<p>El dolor que dura meses o años afecta el sueño, el ánimo, el trabajo y las "
            "relaciones. Algunos tipos, sobre todo el dolor de los nervios y el síndrome de "
            "dolor regional complejo (SDRC), responden mal a los analgésicos comunes.</p>",
            "<p>La ketamina se usa contra el dolor desde hace décadas, y las infusiones pueden "
            "reducir algunos tipos de dolor crónico durante semanas. Los resultados cambian de "
            "una persona a otra, los protocolos para el dolor suelen usar infusiones más "
            "largas que los de la depresión, y su uso para el dolor crónico es fuera de "
            "indicación.</p>",
            "<p>Antes de cada visita le pedimos que califique su dolor de 0 a 10, y nos "
            "coordinamos con su especialista en dolor o su médico de cabecera.</p>",
        ),
    ],
)
