"""The demo's public safety text (CLINICAL.md, "Spravato (esketamine) REMS" and screening),
and the loader bringing an already-loaded demo up to date where nobody edited it."""

import json

from wagtail.models import Page

from klearmind.pages.demo.content import NOTICES
from klearmind.pages.models import ArticlePage, SafetyNotice, ServicePage, StandardPage

from .test_demo import DemoTestCase, blocks_of, load_demo

SEED_SLUG = "ketamine-therapy-a-proven-medicine-with-a-new-purpose"
BOXED_WARNING = (
    "sedation",
    "dissociation",
    "respiratory depression",
    "abuse and misuse",
    "suicidal thoughts and behaviors",
)


def text_of(page) -> str:
    return " ".join(str(block.value) for block in page.body)


def notice_text(title: str) -> str:
    return SafetyNotice.objects.get(title=title).body


class SpravatoTextTests(DemoTestCase):
    def test_the_spravato_notice_carries_the_boxed_warning_and_every_indication(self):
        body = notice_text("Spravato: boxed warning and approved uses")
        for risk in BOXED_WARNING:
            assert f"<b>{risk}</b>" in body
        assert "treatment-resistant depression" in body
        assert "since 2020, for depressive symptoms in adults with major depressive disorder" in (
            body
        )
        assert "acute suicidal thoughts or behavior" in body
        assert "since 2025 also on its own, as monotherapy" in body

    def test_the_spravato_page_and_the_safety_page_show_it(self):
        for page in (
            ServicePage.objects.get(slug="spravato-esketamine"),
            StandardPage.objects.get(slug="important-safety-information"),
        ):
            titles = {value["notice"].title for value in blocks_of(page.body, "safety_notice")}
            assert "Spravato: boxed warning and approved uses" in titles
        spravato = text_of(ServicePage.objects.get(slug="spravato-esketamine"))
        assert "Since 2020" in spravato and "since 2025" in spravato

    def test_the_safety_notice_names_every_hard_stop_for_any_ketamine(self):
        body = notice_text("Important Safety Information")
        assert "Neither IV ketamine nor Spravato is suitable" in body
        for hazard in (
            "an aneurysm",
            "arteriovenous malformation",
            "bleed in the brain",
            "raised pressure inside the skull",
            "recent head injury",
            "allergy to ketamine or esketamine",
        ):
            assert hazard in body
        assert "Spravato is also not for people who are breastfeeding." in body

    def test_the_safety_page_no_longer_calls_the_vascular_hazards_spravato_only(self):
        text = text_of(StandardPage.objects.get(slug="important-safety-information"))
        assert "For Spravato also" not in text
        assert "These rule out IV ketamine and Spravato alike" in text
        assert "interstitial cystitis" in text


class SeedArticleCorrectionTests(DemoTestCase):
    def test_breathing_is_not_said_to_be_spared(self):
        text = text_of(ArticlePage.objects.get(slug=SEED_SLUG))
        assert "without suppressing" not in text
        assert "can still slow or stop breathing" in text

    def test_the_depression_figure_is_nimhs_with_its_source(self):
        for page in (
            ArticlePage.objects.get(slug=SEED_SLUG),
            Page.objects.get(slug="depression").specific,
        ):
            text = text_of(page)
            assert "17 million" not in text
            assert "21.0 million adults" in text and "8.3 %" in text and "2021" in text
            assert "https://www.nimh.nih.gov/health/statistics/major-depression" in text

    def test_the_video_is_labelled_as_the_podcast_it_is(self):
        article = ArticlePage.objects.get(slug=SEED_SLUG)
        [video] = blocks_of(article.body, "video")
        assert video["title"].startswith("Huberman Lab podcast:")
        text = text_of(article)
        assert "not a Stanford lecture" in text
        assert "a Stanford neurobiologist walks through" not in text


def as_an_earlier_demo_wrote_it(page, old: str, new: str) -> None:
    """Put the earlier wording back into the page and its one revision, as an older loader left
    them, without adding a revision."""
    raw = json.dumps(list(page.body.raw_data)).replace(json.dumps(new)[1:-1], json.dumps(old)[1:-1])
    page.body = json.loads(raw)
    page.save()
    revision = page.latest_revision
    revision.content = page.serializable_data()
    revision.save(update_fields=["content"])


class LoaderBringsUnchangedDemoUpToDateTests(DemoTestCase):
    NEW = "can still slow or stop breathing"
    OLD = "used to be wrong about breathing"

    def test_a_page_nobody_edited_gets_the_corrected_text_once(self):
        article = ArticlePage.objects.get(slug=SEED_SLUG)
        as_an_earlier_demo_wrote_it(article, self.OLD, self.NEW)
        assert self.OLD in text_of(ArticlePage.objects.get(slug=SEED_SLUG))
        output = load_demo()
        article = ArticlePage.objects.get(slug=SEED_SLUG)
        assert self.NEW in text_of(article) and self.OLD not in text_of(article)
        assert article.revisions.count() == 1
        assert "Brought up to date (never edited): Ketamine therapy" in output
        assert "Brought up to date" not in load_demo()  # nothing left to do

    def test_a_page_someone_edited_keeps_the_edit(self):
        article = ArticlePage.objects.get(slug=SEED_SLUG)
        as_an_earlier_demo_wrote_it(article, self.OLD, self.NEW)
        article.intro = "Our editor's own introduction."
        article.save_revision().publish()
        load_demo()
        article = ArticlePage.objects.get(slug=SEED_SLUG)
        assert article.intro == "Our editor's own introduction."
        assert self.OLD in text_of(article)

    def test_a_notice_still_as_an_earlier_demo_wrote_it_is_corrected(self):
        notice = SafetyNotice.objects.get(title="Important Safety Information")
        notice.body = NOTICES["safety"]["superseded"][0]
        notice.save()
        load_demo()
        notice.refresh_from_db()
        assert notice.body == NOTICES["safety"]["body"]

    def test_a_notice_someone_edited_keeps_the_edit(self):
        notice = SafetyNotice.objects.get(title="Important Safety Information")
        notice.body = "<p>Our own wording.</p>"
        notice.save()
        load_demo()
        notice.refresh_from_db()
        assert notice.body == "<p>Our own wording.</p>"
