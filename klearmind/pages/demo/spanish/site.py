"""The home page, the clinics, the contact page and the safety pages, in Spanish."""

from ...models import ContactPage, HomePage, LocationIndexPage, LocationPage, StandardPage
from ..spec import heading, notice, paragraph
from .articles import ARTICLES
from .faq import FAQ
from .spec import book_consultation, translation
from .treatments import CONDITIONS, SERVICES

SACRAMENTO = translation(
    "sacramento",
    LocationPage,
    "Sacramento",
    "clinica-de-sacramento",
    intro="Nuestra clínica de Midtown, a pocos minutos del Capitolio, con estacionamiento gratis.",
    directions=(
        "<p>Estamos en el segundo piso, encima de la farmacia; el elevador está a la "
        "izquierda de la entrada principal. El estacionamiento gratis para pacientes está "
        "detrás del edificio, con entrada por el callejón de la calle 18. Varias rutas de "
        "autobús de Sacramento Regional Transit paran a menos de dos cuadras.</p>"
    ),
)

ROSEVILLE = translation(
    "roseville",
    LocationPage,
    "Roseville",
    "clinica-de-roseville",
    intro="Nuestra clínica de Roseville, cerca de la Interestatal 80, con estacionamiento en "
    "la puerta.",
    directions=(
        "<p>Desde la Interestatal 80, tome la salida de Eureka Road hacia el este; estamos en "
        "el edificio de una planta a la derecha, con estacionamiento para pacientes en la "
        "entrada. Los autobuses de Roseville Transit paran cerca.</p>"
    ),
)

LOCATIONS = translation(
    "locations",
    LocationIndexPage,
    "Clínicas",
    "clinicas",
    intro=(
        "Visítenos en Sacramento o en Roseville, o pida una visita a domicilio si vive en "
        "una de las zonas de servicio que aparecen abajo."
    ),
    children=[SACRAMENTO, ROSEVILLE],
)

CONTACT = translation(
    "contact",
    ContactPage,
    "Contacto",
    "contacto",
    search_description="Comuníquese con Klearmind o reserve una consulta gratuita.",
    intro=(
        "<p>Envíenos un mensaje o pida una consulta gratuita, y la recepción le responderá "
        "en un día hábil.</p>"
        "<p><b>Por favor, no incluya aquí datos sobre su salud.</b> Un profesional clínico le "
        "preguntará por su salud en privado, por teléfono o en persona.</p>"
        "<p>Si está en crisis o piensa en hacerse daño, llame o envíe un mensaje de texto al "
        "988 a cualquier hora; hay atención en español. En una emergencia, llame al 911.</p>"
    ),
    thank_you_text=("<p>Gracias por escribirnos. Le responderemos en un día hábil.</p>"),
)

SAFETY_PAGE = translation(
    "important-safety-information",
    StandardPage,
    "Información importante de seguridad",
    "informacion-importante-de-seguridad",
    intro="Lo que debe saber sobre los riesgos de la ketamina y de Spravato antes de empezar "
    "el tratamiento.",
    body=[
        notice("safety"),
        notice("spravato"),
        heading("Efectos durante y después del tratamiento"),
        paragraph(
            "<p>La mayoría de los efectos empiezan durante la infusión o la sesión con el "
            "aerosol y pasan poco después. Puede sentirse desconectado de su cuerpo o de lo "
            "que le rodea, ver colores o formas, o perder la noción del tiempo. Las náuseas "
            "son frecuentes y se pueden aliviar con medicamentos. La presión arterial suele "
            "llegar a su punto más alto hacia los 40 minutos; la medimos al menos cada 15 "
            "minutos y pausamos o detenemos el tratamiento si sube demasiado.</p>"
        ),
        heading("Quién no debe recibir ketamina"),
        paragraph(
            "<p>Estas situaciones descartan tanto la ketamina intravenosa como Spravato:</p>"
            "<ul><li>Antecedentes de psicosis o esquizofrenia, o manía actual</li>"
            "<li>Presión arterial alta no controlada, una enfermedad del corazón inestable, o "
            "un ataque al corazón o un derrame cerebral en los últimos seis meses</li>"
            "<li>Un aneurisma, una malformación arteriovenosa o un sangrado cerebral previo: "
            "la ketamina sube la presión arterial, y eso los hace peligrosos</li>"
            "<li>Presión elevada dentro del cráneo, o un golpe reciente en la cabeza</li>"
            "<li>Alergia a la ketamina o a la esketamina</li>"
            "<li>Un trastorno convulsivo, o consumo actual de estimulantes o cocaína</li>"
            "<li>Embarazo</li></ul>"
            "<p>Spravato tampoco es para quienes están amamantando.</p>"
            "<p>Otras situaciones piden una conversación cuidadosa más que un no: problemas "
            "pasados con el alcohol o las drogas (incluida la ketamina), el uso habitual de "
            "opioides o benzodiacepinas, beber en exceso, tomar inhibidores de la MAO o "
            "medicamentos estimulantes, un trastorno bipolar sin estabilizador del ánimo, "
            "presión alta en tratamiento, una enfermedad grave del hígado y la cistitis "
            "intersticial. Un profesional clínico repasa estas preguntas con usted antes de "
            "cualquier tratamiento.</p>"
        ),
        heading("Después del tratamiento"),
        paragraph(
            "<p>Un adulto responsable debe llevarle a casa. No maneje, no use maquinaria, no "
            "tome alcohol ni tome decisiones importantes hasta el día siguiente. La ketamina "
            "puede usarse mal; nunca la damos para llevar a casa.</p>"
        ),
        book_consultation("¿Tiene preguntas sobre la seguridad?"),
    ],
)

OFF_LABEL_PAGE = translation(
    "off-label-use",
    StandardPage,
    "Uso de la ketamina fuera de indicación",
    "uso-fuera-de-indicacion",
    intro="Qué significa que un medicamento se recete fuera de indicación, y cómo se aplica "
    "en nuestra clínica.",
    body=[
        notice("off-label"),
        heading("Qué significa fuera de indicación"),
        paragraph(
            "<p>Cuando la FDA aprueba un medicamento, lo aprueba para ciertas afecciones, "
            "dosis y pacientes. Los médicos pueden, dentro de la ley, recetar un medicamento "
            "aprobado para otros fines cuando la investigación y su criterio lo respaldan. Es "
            "una práctica común: en algunas especialidades, buena parte de las recetas son "
            "fuera de indicación.</p>"
        ),
        heading("La ketamina y Spravato"),
        paragraph(
            "<p>La FDA aprobó la ketamina como anestésico en 1970. Usarla en dosis bajas para "
            "la depresión, la ansiedad, el TEPT o el dolor es un uso fuera de indicación, "
            "respaldado por un número creciente de estudios clínicos de distinta solidez. "
            "Spravato, un aerosol nasal de esketamina, está aprobado por la FDA para la "
            "depresión resistente al tratamiento y se administra dentro del programa de "
            "seguridad Spravato REMS.</p>"
        ),
        heading("Qué significa para usted"),
        paragraph(
            "<p>Antes del tratamiento, su profesional clínico le explica las pruebas que hay "
            "para su afección, las alternativas y los riesgos, y le pide su consentimiento por "
            "escrito. Por lo general, los seguros no cubren el tratamiento fuera de "
            "indicación.</p>"
        ),
    ],
)

PRIVACY_PAGE = translation(
    "privacy",
    StandardPage,
    "Privacidad",
    "privacidad",
    intro="Cómo trata este sitio web su visita y los mensajes que nos envía.",
    body=[
        heading("Sin rastreadores"),
        paragraph(
            "<p>Este sitio no usa rastreadores de publicidad ni de analítica, ni programas ni "
            "tipos de letra de terceros. Un video aparece como una imagen fija servida desde "
            "nuestro propio servidor; el reproductor se carga desde YouTube o Vimeo solo si "
            "usted decide ver el video.</p>"
        ),
        heading("El formulario de contacto"),
        paragraph(
            "<p>Cuando nos envía el formulario de contacto, guardamos cifrados su nombre, su "
            "correo electrónico, su teléfono si nos lo da y su mensaje, junto con la hora en "
            "que lo envió. Solo pueden leerlos nuestra recepción, nuestros profesionales "
            "clínicos y la dirección de la clínica; cada lectura queda registrada, y los "
            "usamos únicamente para responderle. Por favor, no incluya datos sobre su salud; "
            "un profesional clínico le preguntará por su salud en privado. Borramos los "
            "mensajes a los 12 meses, salvo que usted se haga paciente.</p>"
        ),
        heading("Sus opciones"),
        paragraph(
            "<p>Puede pedirnos una copia de lo que guardamos sobre usted, o que lo borremos, "
            "escribiendo a hello@klearmind.example.</p>"
        ),
    ],
)

HOME_ES = translation(
    "home",
    HomePage,
    "Inicio",
    "inicio",
    seo_title="Terapia con ketamina e hidratación intravenosa en Sacramento y Roseville | "
    "Klearmind",
    search_description=(
        "Terapia con ketamina con supervisión médica para la depresión, la ansiedad, el TEPT "
        "y el dolor crónico, e hidratación intravenosa, en Sacramento, en Roseville o en su "
        "casa."
    ),
    hero_heading="Terapia con ketamina e hidratación intravenosa en Sacramento y Roseville",
    hero_text=(
        "Tratamiento con ketamina privado y con supervisión médica para la depresión, la "
        "ansiedad, el TEPT y el dolor crónico, e hidratación intravenosa, en nuestras "
        "clínicas o en la comodidad de su casa."
    ),
    conditions_heading="Afecciones que tratamos",
    body=[
        paragraph(
            "<p>Nuestros médicos, enfermeras practicantes y enfermeras se toman el tiempo de "
            "conocer su historial, le explican con honestidad lo que dicen los estudios y le "
            "acompañan en cada tratamiento. Empiece con una consulta gratuita y "
            "confidencial.</p>"
        ),
        book_consultation(),
    ],
    children=[
        SERVICES,
        CONDITIONS,
        LOCATIONS,
        ARTICLES,
        FAQ,
        CONTACT,
        SAFETY_PAGE,
        OFF_LABEL_PAGE,
        PRIVACY_PAGE,
    ],
)
