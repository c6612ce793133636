"""The public questionnaire through the test client with CSRF enforced: steps and progress,
back and forward, errors that name the question, the crisis panel, the resume link, the
honeypot, the rate limit, duplicate submissions and hostile input."""

import re
from unittest import mock

from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase

from klearmind.intake import services
from klearmind.intake.models import Draft, Submission

from .factories import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    ask_for_link,
    cleaned,
    csrf_token,
    post_step,
    step_answers,
    walk,
)


def crisis_panel(response) -> str:
    """'shown', 'hidden' or 'absent': the crisis panel in the page's HTML."""
    match = re.search(rb'<section class="intake-crisis" id="crisis-panel"[^>]*>', response.content)
    if not match:
        return "absent"
    return "hidden" if b" hidden" in match.group(0) else "shown"


class JourneyTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        self.answers = step_answers(conditions=("depression", "anxiety", "ptsd"))

    def test_a_candidate_with_anxiety_and_ptsd_walks_eight_steps_to_the_thank_you(self):
        response = walk(self.client, self.answers)
        assert response["Location"] == "/candidacy/thank-you/"
        submission = Submission.objects.get()
        assert submission.full_name == CANDIDATE_NAME
        assert submission.conditions == ["depression", "anxiety", "ptsd"]
        assert set(submission.answers) == {
            "about", "conditions", "medications", "history", "phq9", "gad7", "pcl5", "finish"
        }  # fmt: skip
        assert submission.results["gad7"]["total"] == 11
        assert submission.results["pcl5"]["total"] == 40
        assert submission.results["pain"] is None
        assert not Draft.objects.exists()
        thanks = self.client.get("/candidacy/thank-you/")
        assert b"we received your questionnaire" in thanks.content
        assert b"within 2 business days" in thanks.content
        assert crisis_panel(thanks) == "hidden"

    def test_progress_counts_only_the_steps_that_apply(self):
        walk(self.client, self.answers, until="phq9")
        page = self.client.get("/candidacy/step/6/")
        assert b"Step 6 of 8" in page.content
        assert b"<legend>1. Feeling nervous, anxious or on edge</legend>" in page.content
        # The PCL-5 (step 7) opens once the GAD-7 is answered; there is no step 9.
        assert self.client.get("/candidacy/step/7/")["Location"] == "/candidacy/step/6/"
        assert self.client.get("/candidacy/step/9/")["Location"] == "/candidacy/step/6/"

    def test_steps_cannot_be_skipped(self):
        walk(self.client, self.answers, until="about")
        response = self.client.get("/candidacy/step/5/")
        assert response["Location"] == "/candidacy/step/2/"

    def test_without_a_draft_only_the_first_step_opens(self):
        assert self.client.get("/candidacy/step/4/")["Location"] == "/candidacy/"
        assert self.client.get("/candidacy/step/nonsense/").status_code == 404

    def test_the_old_addresses_that_named_a_step_are_gone(self):
        walk(self.client, self.answers, until="phq9")
        for slug in ("about", "phq9", "gad7", "pcl5", "pain", "finish"):
            assert self.client.get(f"/candidacy/step/{slug}/").status_code == 404, slug

    def test_back_keeps_every_answer(self):
        walk(self.client, self.answers, until="medications")
        back = post_step(self.client, "history", {"seizures": "no"}, action="back")
        assert back["Location"] == "/candidacy/step/3/"
        medications = self.client.get("/candidacy/step/3/").content.decode()
        assert "Venlafaxine 150 mg each morning" in medications
        history = self.client.get("/candidacy/step/4/").content.decode()
        assert 'value="no" id="id_seizures_1" required checked' in history

    def test_a_missing_item_is_named_and_the_other_answers_are_kept(self):
        walk(self.client, self.answers, until="history")
        data = dict(self.answers["phq9"])
        del data["phq9_9"]
        response = post_step(self.client, "phq9", data)
        assert response.status_code == 400
        text = response.content.decode()
        assert (
            "Please answer PHQ-9 question 9: “Thoughts that you would be better off dead or "
            "of hurting yourself in some way”" in text
        )
        assert 'href="#id_phq9_9_0"' in text
        assert 'value="2" id="id_phq9_1_2" required checked' in text  # kept
        assert 'aria-describedby="id_phq9_9_error"' in text

    def test_the_crisis_panel_is_hidden_on_the_phq9_page_and_shown_after_item_9_is_positive(
        self,
    ):
        walk(self.client, self.answers, until="history")
        phq9 = self.client.get("/candidacy/step/5/")
        assert crisis_panel(phq9) == "hidden"
        assert b'role="alert"' in phq9.content
        assert b"not monitored in real time" in phq9.content
        assert b"intake/intake.js" in phq9.content
        self.answers["phq9"]["phq9_9"] = "1"
        after = post_step(self.client, "phq9", self.answers["phq9"])
        following = self.client.get(after["Location"])
        assert crisis_panel(following) == "shown"
        assert b"Call or text 988" in following.content
        assert b"call 911" in following.content

    def test_a_positive_item_9_is_shown_again_at_the_end_and_marked_urgent(self):
        self.answers["phq9"]["phq9_9"] = "3"
        walk(self.client, self.answers)
        assert Submission.objects.get().urgent is True
        thanks = self.client.get("/candidacy/thank-you/")
        assert crisis_panel(thanks) == "shown"
        assert b"today, during clinic hours" in thanks.content

    def test_a_form_sent_back_with_item_9_positive_shows_the_panel_without_javascript(self):
        walk(self.client, self.answers, until="history")
        response = post_step(self.client, "phq9", {"phq9_9": "2"})
        assert response.status_code == 400
        assert crisis_panel(response) == "shown"

    def test_pages_are_private_and_never_stored(self):
        for url in ("/candidacy/", "/candidacy/step/1/", "/candidacy/thank-you/"):
            cache_control = self.client.get(url)["Cache-Control"]
            assert "no-store" in cache_control and "private" in cache_control, url


def shown_link(response) -> str:
    return re.search(r'http://testserver(/candidacy/resume/[^/"]+/)', response.content.decode())[1]


def mailed_link(message) -> str:
    return re.search(r"http://testserver(/candidacy/resume/[^/\s]+/)", message.body)[1]


class ResumeTests(TestCase):
    def test_the_resume_link_brings_the_draft_to_another_browser(self):
        first = Client(enforce_csrf_checks=True)
        walk(first, step_answers(conditions=("depression",)), until="about")
        started = first.get("/candidacy/step/2/").content.decode()
        assert "Your private link to come back later" in started
        assert "http://testserver/candidacy/resume/" not in started  # made only when asked for
        shown = ask_for_link(first, "show", step=2)
        assert "Back to the questionnaire" in shown.content.decode()
        assert 'href="/candidacy/step/2/"' in shown.content.decode()
        assert "no-store" in shown["Cache-Control"]
        second = Client(enforce_csrf_checks=True)
        response = second.get(shown_link(shown))
        assert response["Location"] == "/candidacy/step/2/"
        assert CANDIDATE_NAME in second.get("/candidacy/step/1/").content.decode()

    def test_a_new_link_replaces_the_last(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(conditions=("depression",)), until="about")
        old = shown_link(ask_for_link(client, "show", step=2))
        new = shown_link(ask_for_link(client, "show", step=2))
        assert old != new
        assert Client().get(old).status_code == 404
        assert Client().get(new)["Location"] == "/candidacy/step/2/"
        # The browser that asked still holds its draft, and finds it once sent.
        assert client.get("/candidacy/step/2/").status_code == 200

    def test_the_link_can_be_emailed_to_the_candidate_with_nothing_they_answered(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(), until="medications")
        response = ask_for_link(client, "email", step=4)
        assert response["Location"] == "/candidacy/step/4/"
        assert b"We e-mailed you the link" in client.get("/candidacy/step/4/").content
        (message,) = mail.outbox
        assert message.to == [CANDIDATE_EMAIL]
        assert "until you ask us for a new link" in message.body
        for private in (CANDIDATE_NAME, "Venlafaxine", "depression", "PHQ"):
            assert private not in message.body
        assert Client().get(mailed_link(message))["Location"] == "/candidacy/step/4/"

    def test_a_failing_mail_server_is_explained_and_the_link_shown(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(), until="about")
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            response = ask_for_link(client, "email", step=2)
        assert b"We could not send the e-mail just now" in response.content
        assert Client().get(shown_link(response))["Location"] == "/candidacy/step/2/"

    def test_without_a_draft_there_is_no_link_to_send_or_show(self):
        for how in ("email", "show"):
            response = Client().post(f"/candidacy/resume/{how}/", {"step": "1"})
            assert response["Location"] == "/candidacy/"
        assert not mail.outbox

    def test_an_unknown_link_says_it_expired_and_its_page_sends_no_referrer(self):
        response = self.client.get("/candidacy/resume/not-a-real-token/")
        assert response.status_code == 404
        assert b"This link no longer works" in response.content
        assert response["Referrer-Policy"] == "no-referrer"

    def test_a_link_to_a_sent_questionnaire_says_so(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(conditions=("depression",)), until="about")
        link = shown_link(ask_for_link(client, "show", step=2))
        draft = Draft.objects.get()
        draft.answers = cleaned(step_answers())
        draft.save()
        services.submit_draft(draft=draft, notify=False)
        response = Client().get(link)
        assert b"already sent" in response.content
        # The browser that asked for the link knows it was sent.
        assert client.get("/candidacy/step/3/")["Location"] == "/candidacy/thank-you/"


class ProtectionTests(TestCase):
    def test_the_honeypot_stores_nothing(self):
        client = Client(enforce_csrf_checks=True)
        data = step_answers()["about"] | {"website": "http://spam.example"}
        response = post_step(client, "about", data)
        assert response["Location"] == "/candidacy/thank-you/"
        assert not Draft.objects.exists()

    def test_too_many_drafts_from_one_address_get_a_429_page(self):
        for _ in range(services.RATE_LIMITS["start"]):
            walk(Client(), step_answers(), until="about")
        response = post_step(Client(), "about", step_answers()["about"])
        assert response.status_code == 429
        assert b"Too many questionnaires from your connection" in response.content
        assert Draft.objects.count() == services.RATE_LIMITS["start"]
        cache.clear()

    def test_two_posts_of_the_last_step_store_one_submission(self):
        client = Client(enforce_csrf_checks=True)
        answers = step_answers(conditions=("depression",))
        walk(client, answers, until="phq9")
        page = client.get("/candidacy/step/6/")
        data = {**answers["finish"], "csrfmiddlewaretoken": csrf_token(page), "action": "next"}
        first = client.post("/candidacy/step/6/", data)
        second = client.post("/candidacy/step/6/", data)  # a double click or the back button
        assert first["Location"] == second["Location"] == "/candidacy/thank-you/"
        assert Submission.objects.count() == 1

    def test_a_second_request_that_loses_the_race_gets_the_first_submission(self):
        from .factories import draft_with

        draft, _ = draft_with()
        first = services.submit_draft(draft=draft, notify=False)
        # The draft as a concurrent request still saw it, before the first one deleted it.
        draft.pk = None
        draft.token_hash = first.draft_key
        Draft.objects.bulk_create([draft])
        again = services.submit_draft(draft=Draft.objects.get(), notify=False)
        assert again.pk == first.pk
        assert Submission.objects.count() == 1

    def test_too_many_submissions_from_one_address_get_a_429_page(self):
        client = Client(enforce_csrf_checks=True)
        answers = step_answers(conditions=("depression",))
        walk(client, answers, until="phq9")
        for _ in range(services.RATE_LIMITS["submit"]):
            services.within_rate_limit(ip="127.0.0.1", action="submit")
        response = post_step(client, "finish", answers["finish"])
        assert response.status_code == 429
        assert not Submission.objects.exists()
        assert Draft.objects.exists()  # nothing lost: the answers wait for the next try

    def test_submitting_the_same_draft_twice_through_the_service_stores_one(self):
        from .factories import draft_with

        draft, _ = draft_with()
        first = services.submit_draft(draft=draft, notify=False)
        second = services.submit_draft(draft=draft, notify=False)
        assert first.pk == second.pk
        assert Submission.objects.count() == 1

    def test_markup_is_escaped_and_emoji_and_right_to_left_text_are_kept(self):
        client = Client(enforce_csrf_checks=True)
        answers = step_answers(conditions=("depression",))
        answers["medications"]["current_medications"] = "<script>alert(1)</script> שלום 🌿"
        walk(client, answers, until="medications")
        page = client.get("/candidacy/step/3/").content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; שלום 🌿" in page

    def test_hostile_input_gets_a_specific_error_and_is_kept(self):
        client = Client(enforce_csrf_checks=True)
        about = step_answers()["about"] | {
            "full_name": "Ana\u202eRuiz",
            "date_of_birth": "2999-01-01",
            "zip_code": "9581",
            "phone": "call me",
        }
        response = post_step(client, "about", about)
        text = response.content.decode()
        assert response.status_code == 400
        assert "invisible control character (code U+202E)" in text
        assert "Your date of birth must be in the past." in text
        assert "Please enter a five-digit ZIP code, like 95814." in text
        assert "Please enter a phone number with its area code" in text
        assert 'value="9581"' in text
        assert not Draft.objects.exists()

    def test_a_date_of_birth_typed_us_style_is_understood(self):
        client = Client(enforce_csrf_checks=True)
        about = step_answers()["about"] | {"date_of_birth": "05/17/1980"}
        assert post_step(client, "about", about).status_code == 302
        assert Draft.objects.get().answers["about"]["date_of_birth"] == "1980-05-17"

    def test_a_minor_is_asked_to_call(self):
        about = step_answers(born="2015-06-01")["about"]
        response = post_step(Client(enforce_csrf_checks=True), "about", about)
        assert b"for adults aged 18 or over" in response.content

    def test_overlong_and_null_byte_text_is_refused_on_its_field(self):
        client = Client(enforce_csrf_checks=True)
        answers = step_answers(conditions=("depression",))
        walk(client, answers, until="conditions")
        data = answers["medications"] | {"current_medications": "x" * 2001}
        response = post_step(client, "medications", data)
        assert b"Ensure this value has at most 2000 characters" in response.content
        data = answers["medications"] | {"treatments_tried": "ok\x00"}
        response = post_step(client, "medications", data)
        assert response.status_code == 400
        assert b"Null characters are not allowed" in response.content or (
            b"invisible control character" in response.content
        )

    def test_something_else_needs_a_word_about_what(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(), until="about")
        response = post_step(client, "conditions", {"conditions": ["other"]})
        assert b"Please tell us in a few words what else brings you to us." in response.content


class StartPageTests(TestCase):
    def test_says_what_it_is_how_long_and_that_it_is_not_monitored(self):
        text = self.client.get("/candidacy/").content.decode()
        assert "about 10 minutes" in text
        assert "not monitored in real time" in text
        assert "call or text 988" in text
        assert 'href="/candidacy/step/1/"' in text
        assert "noindex" in text

    def test_offers_to_continue_a_draft_where_it_was_left(self):
        client = Client(enforce_csrf_checks=True)
        walk(client, step_answers(), until="conditions")
        text = client.get("/candidacy/").content.decode()
        assert 'href="/candidacy/step/3/">Continue where you left off' in text
