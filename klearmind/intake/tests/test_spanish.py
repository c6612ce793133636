"""The questionnaire in Spanish at /es/candidacy/: Spanish pages, errors and crisis panel; the
PHQ-9 and GAD-7 in their published Spanish for the USA wording; the PCL-5 in English with a
Spanish note; the language stored and shown to staff; the English pages as before. The catalogue
is checked with every other in tests/test_translations.py."""

import re

from django.core import mail
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.intake import services, steps
from klearmind.intake.models import Language, Submission
from klearmind.outbox.models import ContactConsent

from .factories import client_answers, csrf_token, draft_with, step_answers

# The PHQ-9 and GAD-7 "Spanish for the USA" translations (Pfizer's PHQ Screeners,
# phqscreeners.com), word for word: instruction, items, answers and closing question.
PHQ9_STEM = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
    "siguientes problemas?"
)
PHQ9_ITEMS = (
    "Poco interés o placer en hacer cosas",
    "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
    "Se ha sentido cansado(a) o con poca energía",
    "Sin apetito o ha comido en exceso",
    "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted "
    "mismo(a) o con su familia",
    "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico "
    "o ver la televisión",
    "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario "
    "– muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
    "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
)
FREQUENCY_ANSWERS = (
    "Ningún día",
    "Varios días",
    "Más de la mitad de los días",
    "Casi todos los días",
)
DIFFICULTY = (
    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas "
    "para hacer su trabajo, encargarse de las tareas del hogar, o llevarse bien con otras "
    "personas?"
)
DIFFICULTY_ANSWERS = (
    "No ha sido difícil",
    "Un poco difícil",
    "Muy difícil",
    "Extremadamente difícil",
)
GAD7_ITEMS = (
    "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    "No ha sido capaz de parar o controlar su preocupación",
    "Se ha preocupado demasiado por motivos diferentes",
    "Ha tenido dificultad para relajarse",
    "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    "Se ha molestado o irritado fácilmente",
    "Ha tenido miedo de que algo terrible fuera a pasar",
)


def text(response) -> str:
    return response.content.decode()


def spanish_path(client, slug: str) -> str:
    number = steps.number_of(steps.BY_SLUG[slug], client_answers(client))
    return f"/es/candidacy/step/{number}/"


def post_spanish_step(client, slug: str, data: dict):
    path = spanish_path(client, slug)
    page = client.get(path)
    assert page.status_code == 200, (slug, page.status_code, page.get("Location"))
    return client.post(path, {**data, "csrfmiddlewaretoken": csrf_token(page), "action": "next"})


def walk_in_spanish(client, answers: dict, *, until: str | None = None):
    """Answer each step at its Spanish address, in order, up to and including `until`."""
    for step in steps.active_steps(answers):
        response = post_spanish_step(client, step.slug, answers[step.slug])
        assert response.status_code == 302, (step.slug, response.content[:2000])
        if step.slug == until:
            break
    return response


class SpanishPagesTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        self.answers = step_answers(conditions=("depression", "anxiety", "ptsd"))

    def test_the_start_page_is_in_spanish_and_links_to_the_spanish_steps(self):
        page = text(self.client.get("/es/candidacy/"))
        assert "<h1>¿Podría la terapia con ketamina ser adecuada para usted?</h1>" in page
        assert "Le atienden en español: si llama, marque 2" in page
        assert "escriba AYUDA al 988" in page
        assert "En una emergencia, llame al 911." in page
        assert 'href="/es/candidacy/step/1/"' in page

    def test_a_bad_answer_gets_a_spanish_error_and_keeps_what_was_typed(self):
        about = {**self.answers["about"], "phone": "555-01"}
        response = post_spanish_step(self.client, "about", about)
        assert response.status_code == 400
        page = text(response)
        assert "<h1>Sus datos</h1>" in page
        assert "Por favor, revise 1 respuesta" in page
        assert (
            "Por favor, escriba un número de teléfono con su código de área; por ejemplo, "
            "(916) 555-0142."
        ) in page
        assert 'value="555-01"' in page
        assert 'value="Avery Quinlan"' in page
        assert "Guardar y continuar" in page

    def test_the_link_to_finish_later_is_e_mailed_in_spanish_to_a_spanish_address(self):
        walk_in_spanish(self.client, self.answers, until="about")
        page = self.client.get("/es/candidacy/step/2/")
        self.client.post(
            "/es/candidacy/resume/email/", {"step": "2", "csrfmiddlewaretoken": csrf_token(page)}
        )
        message = mail.outbox[-1]
        assert message.subject == "Su enlace para terminar el cuestionario"
        assert "Este es su enlace privado" in message.body
        assert "http://testserver/es/candidacy/resume/" in message.body

    def test_a_missing_phq9_answer_is_asked_for_in_the_published_words(self):
        walk_in_spanish(self.client, self.answers, until="history")
        phq9 = {**self.answers["phq9"]}
        del phq9["phq9_4"]
        response = post_spanish_step(self.client, "phq9", phq9)
        assert response.status_code == 400
        assert (
            "Por favor, responda la pregunta 4 del PHQ-9: “Se ha sentido cansado(a) o con poca "
            "energía”"
        ) in text(response)

    def test_the_phq9_is_the_published_spanish_for_the_usa_version(self):
        walk_in_spanish(self.client, self.answers, until="history")
        page = text(self.client.get(spanish_path(self.client, "phq9")))
        assert "<h1>Cómo ha estado su estado de ánimo (PHQ-9)</h1>" in page
        assert PHQ9_STEM in page
        for number, item in enumerate(PHQ9_ITEMS, start=1):
            assert f"<legend>{number}. {item}</legend>" in page, number
        for answer in FREQUENCY_ANSWERS + DIFFICULTY_ANSWERS:
            assert f">{answer}</label>" in page, answer
        assert DIFFICULTY in page
        assert "Little interest" not in page

    def test_the_gad7_is_the_published_spanish_for_the_usa_version(self):
        walk_in_spanish(self.client, self.answers, until="phq9")
        page = text(self.client.get(spanish_path(self.client, "gad7")))
        assert "<h1>Preocupación y ansiedad (GAD-7)</h1>" in page
        assert PHQ9_STEM in page  # the GAD-7's Spanish instruction is the PHQ-9's
        for number, item in enumerate(GAD7_ITEMS, start=1):
            assert f"<legend>{number}. {item}</legend>" in page, number
        for answer in FREQUENCY_ANSWERS:
            assert f">{answer}</label>" in page, answer

    def test_the_pcl5_stays_in_english_and_the_page_says_why_in_spanish(self):
        walk_in_spanish(self.client, self.answers, until="gad7")
        page = text(self.client.get(spanish_path(self.client, "pcl5")))
        assert "<h1>Después de una experiencia muy estresante (PCL-5)</h1>" in page
        assert (
            "Esta parte del cuestionario está en inglés, porque la versión validada de estas "
            "preguntas es la versión en inglés."
        ) in page
        assert "<legend>1. Repeated, disturbing, and unwanted memories of the stressful " in page
        assert '<p class="intake-stem" lang="en">In the past month, how much were you' in page
        for answer in ("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"):
            assert f">{answer}</label>" in page, answer
        assert "Ningún día" not in page
        assert "Guardar y continuar" in page

    def test_a_positive_item_9_shows_the_crisis_panel_in_spanish(self):
        walk_in_spanish(self.client, self.answers, until="history")
        phq9 = {**self.answers["phq9"], "phq9_9": "1"}
        path = spanish_path(self.client, "phq9")
        post_spanish_step(self.client, "phq9", phq9)
        page = text(self.client.get(path))
        panel = re.search(r'(<section class="intake-crisis"[^>]*>)(.*?)</section>', page, re.S)
        assert panel and " hidden" not in panel.group(1)
        crisis = panel.group(2)
        assert "Si está pensando en quitarse la vida o en hacerse daño" in crisis
        assert "<strong>Llame o envíe un mensaje de texto al 988</strong>" in crisis
        assert "si llama, marque 2; si envía un texto, escriba AYUDA al 988" in crisis
        assert "<strong>llame al 911</strong>" in crisis
        assert 'href="tel:988">Llamar al 988</a>' in crisis

    def test_a_questionnaire_sent_in_spanish_is_stored_as_spanish(self):
        answers = step_answers(conditions=("depression",))
        answers["about"]["preferred_contact"] = "email"
        response = walk_in_spanish(self.client, answers)
        assert response["Location"] == "/es/candidacy/thank-you/"
        submission = Submission.objects.get()
        assert submission.language == Language.SPANISH
        assert submission.results["phq9"]["total"] == 12  # scored as in English
        consent = ContactConsent.objects.get()
        assert consent.wording == (
            "Acepto que la clínica se comunique conmigo sobre este cuestionario por el medio "
            "que elegí."
        )
        thanks = text(self.client.get("/es/candidacy/thank-you/"))
        assert "<h1>Gracias: recibimos su cuestionario</h1>" in thanks
        assert 'href="/es/"' in thanks

    def test_the_english_questionnaire_is_unchanged_and_stored_as_english(self):
        page = text(self.client.get("/candidacy/"))
        assert "<h1>Could ketamine therapy suit you?</h1>" in page
        assert "marque 2" not in page
        for step in steps.active_steps(self.answers):
            number = steps.number_of(step, client_answers(self.client))
            path = f"/candidacy/step/{number}/"
            form = self.client.get(path)
            if step.slug == "phq9":
                body = text(form)
                assert "<legend>1. Little interest or pleasure in doing things</legend>" in body
                assert ">Not at all</label>" in body
                assert "Ningún día" not in body
            data = {**self.answers[step.slug], "csrfmiddlewaretoken": csrf_token(form)}
            self.client.post(path, {**data, "action": "next"})
        assert Submission.objects.get().language == Language.ENGLISH


def submitted(*, language: str, **kwargs) -> Submission:
    draft, _ = draft_with(**kwargs)
    return services.submit_draft(draft=draft, notify=False, language=language)


class StaffSeeTheLanguageTests(TestCase):
    def test_the_back_office_page_says_which_language_was_used(self):
        spanish = submitted(language=Language.SPANISH)
        english = submitted(language=Language.ENGLISH, email="other@example.org")
        sign_in(self.client, staff("Clinician"))
        page = text(self.client.get(f"/admin/intake/{spanish.pk}/"))
        assert "<dt>Answered in</dt><dd>Spanish (PHQ-9 and GAD-7 in their published" in page
        assert "<dt>Answered in</dt><dd>English</dd>" in text(
            self.client.get(f"/admin/intake/{english.pk}/")
        )
