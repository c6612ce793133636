"""The safety notices in Spanish, by the key of their English original (see ..content)."""

NOTICES_ES = {
    "safety": {
        "title": "Información importante de seguridad",
        "body": (
            "<p>La ketamina puede producir una sensación parecida a un sueño, como si usted "
            "estuviera separado de su cuerpo o de lo que le rodea (disociación), una subida "
            "pasajera de la presión arterial y del pulso, náuseas, mareo y somnolencia. Estos "
            "efectos suelen pasar en una o dos horas, y un profesional clínico le vigila "
            "durante todo el tratamiento.</p>"
            "<p>Ni la ketamina intravenosa ni Spravato son adecuados para personas con "
            "antecedentes de psicosis o esquizofrenia, manía actual, presión arterial alta no "
            "controlada, un ataque al corazón o un derrame cerebral recientes, un trastorno "
            "convulsivo, un aneurisma, una malformación arteriovenosa o un sangrado cerebral "
            "previo, presión elevada dentro del cráneo o un golpe reciente en la cabeza, o "
            "alergia a la ketamina o a la esketamina, ni para personas embarazadas. Spravato "
            "tampoco es para quienes están amamantando. Díganos todos los medicamentos que "
            "toma.</p>"
            "<p><b>No maneje ni use maquinaria hasta el día siguiente.</b> Un adulto "
            "responsable debe llevarle a casa.</p>"
        ),
    },
    "off-label": {
        "title": "Uso de la ketamina fuera de indicación",
        "body": (
            "<p>La Administración de Alimentos y Medicamentos de EE. UU. (FDA) aprobó la "
            "ketamina como anestésico. Usarla para la depresión, la ansiedad, el trastorno de "
            "estrés postraumático (TEPT) o el dolor crónico es un uso fuera de indicación "
            "(<i>off-label</i>): un profesional clínico puede recetarla así cuando la "
            "investigación y su criterio lo respaldan, pero la FDA no ha aprobado esos "
            "usos.</p>"
            "<p>Spravato (esketamina en aerosol nasal) es el producto de esketamina que la FDA "
            "ha aprobado para la depresión resistente al tratamiento en adultos.</p>"
        ),
    },
    "spravato": {
        "title": "Spravato: advertencia de recuadro y usos aprobados",
        "body": (
            "<p><b>Advertencia de recuadro.</b> Spravato lleva el tipo de advertencia más "
            "seria de la FDA, por cinco riesgos: <b>sedación</b> (mucho sueño, e incluso "
            "perder el conocimiento); <b>disociación</b> (sentirse desconectado de usted "
            "mismo, de su cuerpo o de su entorno); <b>depresión respiratoria</b> (respiración "
            "lenta o poco profunda); <b>abuso y mal uso</b>; y <b>pensamientos y conductas "
            "suicidas</b>, que los antidepresivos pueden hacer más probables en niños y "
            "adultos jóvenes. Por eso cada dosis se toma en una clínica certificada, donde un "
            "profesional clínico le observa durante al menos 2 horas después.</p>"
            "<p><b>Usos aprobados.</b> Para adultos con depresión resistente al tratamiento "
            "(aprobado en 2019 junto con un antidepresivo oral y, desde 2025, también solo, "
            "como monoterapia) y, desde 2020, para los síntomas depresivos de adultos con "
            "trastorno depresivo mayor que tienen pensamientos o conductas suicidas agudos, "
            "junto con un antidepresivo oral. No se ha demostrado que prevenga el suicidio, y "
            "no sustituye la atención en un hospital cuando hace falta. No está aprobado para "
            "niños.</p>"
            "<p>Spravato no es para personas con un aneurisma o una malformación "
            "arteriovenosa, que hayan tenido un sangrado en el cerebro o que sean alérgicas a "
            "la esketamina o a la ketamina. Díganos si está embarazada o amamantando.</p>"
        ),
    },
}
