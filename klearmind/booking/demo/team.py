"""The demo clinic's team page and prices page, and what the team page shows of each
provider: a portrait drawn here (initials on a circle), credentials, a biography in our own
words and languages. A clinic replaces the portraits with photos."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page

from klearmind.accounts import roles
from klearmind.pages.demo.images import TEAL, draw_portrait, ensure_image
from klearmind.pages.models import HomePage

from ..models import PricesPage, Provider, TeamPage

CORAL = (171, 84, 63)
PLUM = (104, 72, 120)
SLATE = (52, 84, 122)

# name: (login, colour, credentials, languages, biography)
PROFILES = {
    "Dr. Daniel Okafor, MD": (
        "daniel.okafor",
        TEAL,
        "Physician, board-certified in anesthesiology; medical director",
        "English",
        "Daniel gave anesthesia in hospital operating rooms for many years before he began "
        "treating depression with ketamine. He reads every candidate's questionnaire himself, "
        "sets each infusion plan and reviews the medical content of our articles.",
    ),
    "Jordan Reyes, NP": (
        "jordan.reyes",
        SLATE,
        "Psychiatric-mental health nurse practitioner",
        "English, Spanish",
        "Jordan came to the clinic from community mental health care. They hold most of our "
        "free consultations, follow patients' scores through their series and work closely "
        "with each patient's own therapist or psychiatrist.",
    ),
    "Priya Natarajan, RN": (
        "priya.natarajan",
        PLUM,
        "Registered nurse, IV therapy",
        "English, Tamil",
        "Priya has placed more IV lines than she can count, first on a busy medical ward and "
        "now in our Sacramento chairs and patients' living rooms. She stays beside you for "
        "the whole infusion and checks your vital signs throughout.",
    ),
    "Lena Park, RN": (
        "lena.park",
        CORAL,
        "Registered nurse, emergency nursing background",
        "English, Korean",
        "Lena spent ten years in emergency departments before joining our Roseville clinic. "
        "She looks after IV hydration and infusion visits there and on home visits nearby, "
        "and she explains every step before it happens.",
    ),
}
TEAM_INTRO = (
    "The physicians, nurse practitioners and nurses who will look after you. Every treatment "
    "is planned by a clinician and given with a nurse at your side."
)
PRICES_INTRO = (
    "What each visit costs, straight from our booking system, so the price you see here is "
    "the price you are shown when you book."
)
# The two pages in Spanish (docs/decisions/043): title, address and introduction.
SPANISH = {
    TeamPage: (
        "Nuestro equipo",
        "equipo",
        "Los médicos, enfermeras practicantes y enfermeras que le atenderán. Cada tratamiento "
        "lo planea un profesional clínico y se lo da una enfermera que está a su lado.",
    ),
    PricesPage: (
        "Precios",
        "precios",
        "Lo que cuesta cada visita, tomado directamente de nuestro sistema de reservas: el "
        "precio que ve aquí es el mismo que verá al reservar.",
    ),
}


def ensure_team(report) -> None:
    """Profiles, portraits and staff logins for the demo providers, and the two pages."""
    for provider in Provider.objects.filter(name__in=PROFILES):
        fill_profile(report, provider)
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is not None:
        ensure_page(report, home, TeamPage, "Our team", "team", TEAM_INTRO)
        ensure_page(report, home, PricesPage, "Prices", "prices", PRICES_INTRO)
        for model in SPANISH:
            ensure_spanish(model)


def fill_profile(report, provider: Provider) -> None:
    """Fill what is blank; what the clinic wrote stays."""
    login, colour, credentials, languages, biography = PROFILES[provider.name]
    if provider.user_id is None:
        provider.user = staff_login(login, provider.name)
    if provider.photo_id is None:
        provider.photo, _ = ensure_image(
            f"Portrait: {provider.name}",
            f"portrait-{login.replace('.', '-')}.png",
            f"Placeholder portrait of {provider.name}: their initials on a coloured circle.",
            lambda: draw_portrait(initials(provider.name), colour),
        )
    provider.credentials = provider.credentials or credentials
    if not provider.biography:
        provider.biography = biography
        provider.languages = languages
        report.created.append(f"team profile of {provider.name}")
    provider.save()


def initials(name: str) -> str:
    words = [word for word in name.split(",")[0].split() if not word.endswith(".")]
    return (words[0][0] + words[-1][0]).upper()


def staff_login(username: str, name: str):
    """The provider's staff account, made without a password: the owner sets one to invite
    them (the demo's own logins are the accounts demo's)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        first, *_, last = name.split(",")[0].split()
        user = user_model(username=username, first_name=first, last_name=last)
        user.email = f"{username}@klearmind.example"
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=roles.CLINICIAN.name))
    return user


def ensure_page(report, home: Page, model, title: str, slug: str, intro: str) -> None:
    if model.objects.exists():
        return
    page = model(title=title, slug=slug, intro=intro, show_in_menus=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    report.created.append(f"the page “{title}”")


def ensure_spanish(model) -> None:
    """The page's Spanish translation under the Spanish home page, made if missing; the team
    and the prices themselves come from the same setup in both languages."""
    spanish = Locale.objects.filter(language_code="es").first()
    english = model.objects.filter(locale=Locale.get_default()).first()
    if spanish is None or english is None or english.get_translation_or_none(spanish):
        return
    if english.get_parent().get_translation_or_none(spanish) is None:
        return  # no Spanish home page to put it under
    title, slug, intro = SPANISH[model]
    page = english.copy_for_translation(spanish).specific
    page.title = page.draft_title = title
    page.slug, page.intro = slug, intro
    page.save()
    # One revision, the published one, as every demo page: the copy's, with the Spanish text.
    revision = page.latest_revision or page.save_revision()
    revision.content = page.serializable_data()
    revision.save(update_fields=["content"])
    revision.publish()
