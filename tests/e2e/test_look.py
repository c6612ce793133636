"""The site's look at a phone's and a desktop's width: nothing scrolls sideways, the phone
header stays compact, its menu opens from the keyboard and without JavaScript, axe finds
nothing serious, nothing leaves our server, and the article and its font keep their budgets."""

import pytest
from playwright.sync_api import expect

from bench import weight

from .axe import serious_violations
from .conftest import OutsideRequests
from .test_visitor import SEED_ARTICLE

pytestmark = pytest.mark.browser

# Every page type, and the patient's first screens, in English and in the demo's Spanish.
PAGES = {
    "home": "/",
    "article index": "/articles/",
    "article": SEED_ARTICLE,
    "service index": "/services/",
    "service": "/services/iv-hydration/",
    "condition index": "/conditions/",
    "condition": "/conditions/ptsd/",
    "location index": "/locations/",
    "location": "/locations/sacramento/",
    "team": "/team/",
    "prices": "/prices/",
    "faq": "/faq/",
    "contact": "/contact/",
    "standard": "/important-safety-information/",
    "search": "/search/?q=ketamine",
    "booking": "/book/",
    "questionnaire": "/candidacy/",
}
SPANISH_PAGES = {
    "home": "/es/",
    "article index": "/es/articulos/",
    "article": "/es/articulos/hidratacion-intravenosa-en-casa/",
    "service index": "/es/servicios/",
    "service": "/es/servicios/hidratacion-intravenosa/",
    "condition index": "/es/afecciones/",
    "condition": "/es/afecciones/tept/",
    "location index": "/es/clinicas/",
    "location": "/es/clinicas/clinica-de-sacramento/",
    "team": "/es/equipo/",
    "prices": "/es/precios/",
    "faq": "/es/preguntas-frecuentes/",
    "contact": "/es/contacto/",
    "standard": "/es/informacion-importante-de-seguridad/",
    "search": "/es/search/?q=ketamina",
    "booking": "/es/book/",
    "questionnaire": "/es/candidacy/",
}
SCREENS = [(name, path, "en") for name, path in PAGES.items()] + [
    (name, path, "es") for name, path in SPANISH_PAGES.items()
]
PHONE, DESKTOP = 390, 1280
ARTICLE_BUDGET = 20 * 1024  # HTML + CSS + JS, gzip (issue 21)
FONTS_BUDGET = 60 * 1024


CLIPPED_TABLES = """[...document.querySelectorAll("main table")].filter(table => {
    const box = table.getBoundingClientRect();
    return box.right > innerWidth + 0.5 || box.width > table.parentElement.clientWidth + 0.5;
}).length"""


def open_tab(browser, live_site, width: int, *, javascript: bool = True):
    context = browser.new_context(
        base_url=live_site, viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    outside = OutsideRequests(live_site)
    context.route("**/*", outside)
    tab = context.new_page()
    tab.outside_requests = outside
    return context, tab


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize(("name", "path", "language"), SCREENS, ids=lambda v: str(v))
def test_each_page_fits_the_screen_with_nothing_serious_for_axe(
    browser, live_site, name, path, language, width
):
    context, tab = open_tab(browser, live_site, width)
    try:
        response = tab.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("document.documentElement.lang") == language
        overflow = tab.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width} px"
        assert tab.evaluate(CLIPPED_TABLES) == 0, f"{path}: a table is cut off at {width} px"
        header = tab.locator(".site-header").bounding_box()["height"]
        if width == PHONE:
            assert header <= 64, f"{path}: the phone header is {header}px high"
        search = "/es/search/" if language == "es" else "/search/"
        assert tab.locator(".search-link").get_attribute("href") == search
        other = tab.locator(".site-header .language-link").first
        assert other.get_attribute("hreflang") == ("en" if language == "es" else "es")
        assert serious_violations(tab) == [], path
        blocked = tab.outside_requests.blocked
        assert blocked == [], f"{path} asked another origin: {blocked}"
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_phone_menu_opens_from_the_keyboard(browser, live_site, javascript):
    context, tab = open_tab(browser, live_site, PHONE, javascript=javascript)
    try:
        tab.goto("/")
        menu = tab.get_by_role("navigation", name="Main")
        expect(menu).not_to_be_visible()
        for _ in range(6):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.textContent.trim()") == "Menu":
                break
        else:
            pytest.fail("Six presses of Tab did not reach the menu button")
        tab.keyboard.press("Enter")
        expect(menu).to_be_visible()
        expect(menu.get_by_role("link", name="Locations")).to_be_visible()
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.textContent.trim()") == "Services"
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/services/")
    finally:
        context.close()


def test_the_desktop_shows_the_menu_without_a_button(browser, live_site):
    context, tab = open_tab(browser, live_site, DESKTOP)
    try:
        tab.goto(SEED_ARTICLE)
        expect(tab.get_by_role("navigation", name="Main")).to_be_visible()
        expect(tab.locator(".menu__button")).not_to_be_visible()
        aside = tab.locator(".aside").bounding_box()
        text = tab.locator(".with-aside .prose").bounding_box()
        assert aside["x"] > text["x"] + text["width"], "the aside sits beside the text"
        assert (
            tab.locator(".aside").get_by_role("link", name="Book a free consultation").is_visible()
        )
        assert (
            tab.locator(".aside")
            .get_by_role("link", name="Important Safety Information")
            .is_visible()
        )
        font = tab.evaluate(
            "document.fonts.check('16px Inter') && getComputedStyle(document.body).fontFamily"
        )
        assert font.startswith(("Inter", '"Inter"'))
    finally:
        context.close()


def test_the_longest_article_and_its_font_keep_their_budgets(live_site):
    measured = weight.measure(live_site + SEED_ARTICLE)
    assert measured.status == 200 and measured.missing == []
    assert measured.total <= ARTICLE_BUDGET, f"{measured.total} bytes of HTML, CSS and JS"
    assert 0 < measured.fonts <= FONTS_BUDGET, f"{measured.fonts} bytes of fonts"
    assert any(path.endswith(".woff2") for path in measured.files)


def test_the_home_page_title_names_the_clinic_once(page):
    page.goto("/")
    assert page.title().count("Klearmind") == 1
