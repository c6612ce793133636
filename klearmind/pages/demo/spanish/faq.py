"""The FAQ page in Spanish."""

from ...models import FAQPage
from ..spec import question
from .spec import translation

FAQ = translation(
    "faq",
    FAQPage,
    "Preguntas frecuentes",
    "preguntas-frecuentes",
    intro="Respuestas breves a las preguntas que más nos hacen. Pregúntenos cualquier otra "
    "cosa cuando quiera.",
    search_description="Respuestas sobre la terapia con ketamina, Spravato y la hidratación "
    "intravenosa en Klearmind.",
    questions=[
        question(
            "¿Es segura la terapia con ketamina?",
            "<p>En las dosis bajas que se usan para la depresión, y con supervisión médica, la "
            "ketamina suele tolerarse bien. Los efectos pasajeros más comunes son sentirse "
            "desconectado o como en un sueño, náuseas, somnolencia y una subida de la presión "
            "arterial y del pulso. Primero un profesional clínico revisa su historial de "
            "salud; algunas afecciones la descartan, y una enfermera le vigila durante cada "
            "tratamiento.</p>",
        ),
        question(
            "¿Cuántas infusiones voy a necesitar?",
            "<p>Un primer tratamiento suele ser de seis infusiones en dos o tres semanas. Si le "
            "ayuda, puede volver para infusiones de refuerzo cada cierto número de semanas; "
            "cada cuánto depende de cuánto le dure el beneficio.</p>",
        ),
        question(
            "¿El seguro cubre el tratamiento?",
            "<p>Spravato está aprobado por la FDA para la depresión resistente al tratamiento, "
            "y muchos seguros lo cubren después de una autorización previa. La ketamina "
            "intravenosa es un uso fuera de indicación para la salud mental y el dolor, así "
            "que la mayoría de los seguros no la pagan; le podemos dar un recibo para pedir un "
            "reembolso fuera de la red o para su cuenta de ahorros para la salud (HSA). La "
            "hidratación intravenosa la paga usted.</p>",
        ),
        question(
            "¿Puedo manejar después de un tratamiento?",
            "<p>No. Después de la ketamina o de Spravato, un adulto responsable debe llevarle "
            "a casa, y usted no debe manejar, usar maquinaria ni tomar decisiones importantes "
            "hasta el día siguiente. Después de una hidratación intravenosa sola, sí puede "
            "manejar.</p>",
        ),
        question(
            "¿Puedo recibir el tratamiento en mi casa?",
            "<p>Sí, la ketamina intravenosa y la hidratación intravenosa, si vive en una de "
            "nuestras zonas de servicio y su profesional clínico considera que es seguro. Una "
            "enfermera se queda con usted todo el tiempo. Spravato solo puede darse en una "
            "clínica certificada.</p>",
        ),
        question(
            "¿Qué diferencia hay entre Spravato y la ketamina intravenosa?",
            "<p>Spravato es un aerosol nasal de esketamina, una de las dos formas, iguales "
            "pero como en un espejo, que componen la ketamina. Está aprobado por la FDA para "
            "la depresión resistente al tratamiento (con un antidepresivo oral desde 2019, y "
            "solo desde 2025) y, desde 2020, para los síntomas depresivos de adultos con "
            "pensamientos o conductas suicidas agudos. Lleva una advertencia de recuadro por "
            "sedación, disociación, respiración lenta, abuso y mal uso, y pensamientos y "
            "conductas suicidas, así que se toma en la clínica, con al menos dos horas de "
            "observación. La ketamina intravenosa se da por la vena, en una dosis según su "
            "peso; su uso para la depresión es fuera de indicación, pero está bien estudiado. "
            "Un profesional clínico puede ayudarle a comparar las dos.</p>",
        ),
        question(
            "¿Qué hago si estoy en crisis?",
            "<p>Por favor, no espere a una cita. Llame o envíe un mensaje de texto al "
            "<b>988</b>, la Línea de Prevención del Suicidio y Crisis, a cualquier hora (hay "
            "atención en español), o llame al 911 en una emergencia. Nadie revisa nuestro "
            "formulario de contacto ni nuestros teléfonos las 24 horas.</p>",
        ),
        question(
            "¿Cuánto cuesta la hidratación intravenosa?",
            "<p>Los sueros empiezan en $149 por un litro de líquidos; en la página de "
            "hidratación intravenosa encontrará el menú completo, los extras y el cargo por "
            "desplazamiento de las visitas a domicilio. El examen de buena fe que California "
            "exige antes de su primer suero es gratis.</p>",
        ),
        question(
            "¿Necesito que me refiera un médico?",
            "<p>No. Usted mismo puede reservar una consulta gratuita. Con su permiso "
            "mantendremos informado a su médico o a su terapeuta, porque la ketamina funciona "
            "mejor como parte de una atención más amplia.</p>",
        ),
    ],
)
