"""The demo clinic: its safety notices, page tree and site settings."""

from ..models import HomePage, StandardPage
from .articles import ARTICLES
from .faq import FAQ
from .locations import CONTACT, LOCATIONS
from .spec import (
    CONSULTATION_SERVICE,
    Ref,
    book_consultation,
    heading,
    link,
    notice,
    page,
    paragraph,
)
from .treatments import CONDITIONS, SERVICES

NOTICES = {
    "safety": {
        "title": "Important Safety Information",
        "full_page": "important-safety-information",
        "body": (
            "<p>Ketamine can cause a dreamlike, detached feeling (dissociation), a temporary "
            "rise in blood pressure and heart rate, nausea, dizziness and drowsiness. These "
            "effects usually pass within an hour or two, and a clinician monitors you "
            "throughout treatment.</p>"
            "<p>Neither IV ketamine nor Spravato is suitable for people with a history of "
            "psychosis or schizophrenia, current mania, uncontrolled high blood pressure, a "
            "recent heart attack or stroke, a seizure disorder, an aneurysm, an "
            "arteriovenous malformation or a past bleed in the brain, raised pressure inside "
            "the skull or a recent head injury, or an allergy to ketamine or esketamine, nor "
            "for people who are pregnant. Spravato is also not for people who are "
            "breastfeeding. Tell us about every medicine you take.</p>"
            "<p><b>Do not drive or operate machinery until the next day.</b> A responsible "
            "adult must take you home.</p>"
        ),
        # What earlier versions of the demo wrote: replaced on a later load if unedited.
        "superseded": (
            "<p>Ketamine can cause a dreamlike, detached feeling (dissociation), a temporary "
            "rise in blood pressure and heart rate, nausea, dizziness and drowsiness. These "
            "effects usually pass within an hour or two, and a clinician monitors you "
            "throughout treatment.</p>"
            "<p>Ketamine is not suitable for everyone, including people with a history of "
            "psychosis or schizophrenia, current mania, uncontrolled high blood pressure, a "
            "recent heart attack or stroke, or a seizure disorder, and people who are "
            "pregnant. Tell us about every medicine you take.</p>"
            "<p><b>Do not drive or operate machinery until the next day.</b> A responsible "
            "adult must take you home.</p>",
        ),
    },
    "off-label": {
        "title": "Off-label use of ketamine",
        "full_page": "off-label-use",
        "body": (
            "<p>Ketamine is approved by the US Food and Drug Administration (FDA) as an "
            "anesthetic. Its use for depression, anxiety, PTSD and chronic pain is off-label: "
            "clinicians may prescribe it this way based on research and their judgment, but "
            "the FDA has not approved these uses.</p>"
            "<p>Spravato (esketamine nasal spray) is the FDA-approved esketamine product for "
            "treatment-resistant depression in adults.</p>"
        ),
    },
    # The Spravato label's boxed warning and its approved uses, in the clinic's own words.
    "spravato": {
        "title": "Spravato: boxed warning and approved uses",
        "full_page": "spravato-esketamine",
        "body": (
            "<p><b>Boxed warning.</b> Spravato carries the FDA's most serious kind of warning, "
            "for five risks: <b>sedation</b> (deep sleepiness, even passing out); "
            "<b>dissociation</b> (feeling cut off from yourself, your body or what is around "
            "you); <b>respiratory depression</b> (breathing that becomes slow or shallow); "
            "<b>abuse and misuse</b>; and <b>suicidal thoughts and behaviors</b>, which "
            "antidepressants can make more likely in children and young adults. That is why "
            "every dose is taken in a certified clinic, where a clinician watches you for at "
            "least 2 hours afterwards.</p>"
            "<p><b>Approved uses.</b> For adults with treatment-resistant depression (approved "
            "in 2019 with an oral antidepressant, and since 2025 also on its own, as "
            "monotherapy), and, since 2020, for depressive symptoms in adults with major "
            "depressive disorder who have acute suicidal thoughts or behavior, together with "
            "an oral antidepressant. It has not been shown to prevent suicide, and it does "
            "not replace hospital care when that is needed. It is not approved for "
            "children.</p>"
            "<p>Spravato is not for anyone with an aneurysm or an arteriovenous malformation, "
            "who has had a bleed in the brain, or who is allergic to esketamine or ketamine. "
            "Tell us if you are pregnant or breastfeeding.</p>"
        ),
    },
}

SAFETY_PAGE = page(
    StandardPage,
    "Important Safety Information",
    "important-safety-information",
    intro="What to know about the risks of ketamine and Spravato before you start treatment.",
    body=[
        notice("safety"),
        notice("spravato"),
        heading("Effects during and after treatment"),
        paragraph(
            "<p>Most effects begin during the infusion or spray session and fade soon after. "
            "You may feel disconnected from your body or surroundings, see colors or patterns, "
            "or lose track of time. Nausea is common and can be eased with medicine. Blood "
            "pressure usually peaks about 40 minutes in; we measure it at least every 15 "
            "minutes and pause or stop treatment if it climbs too high.</p>"
        ),
        heading("Who should not receive ketamine"),
        paragraph(
            "<p>These rule out IV ketamine and Spravato alike:</p>"
            "<ul><li>A history of psychosis or schizophrenia, or current mania</li>"
            "<li>Uncontrolled high blood pressure, unstable heart disease, or a heart attack "
            "or stroke in the last six months</li>"
            "<li>An aneurysm, an arteriovenous malformation or a past bleed in the brain: "
            "ketamine raises blood pressure, which makes these dangerous</li>"
            "<li>Raised pressure inside the skull, or a recent head injury</li>"
            "<li>An allergy to ketamine or esketamine</li>"
            "<li>A seizure disorder, or active stimulant or cocaine misuse</li>"
            "<li>Pregnancy</li></ul>"
            "<p>Spravato is also not for people who are breastfeeding.</p>"
            "<p>Some things call for a careful conversation rather than a no: past problems "
            "with alcohol or drugs (including ketamine), regular opioids, benzodiazepines or "
            "heavy drinking, MAOIs or stimulant medicines, bipolar disorder without a mood "
            "stabilizer, treated high blood pressure, serious liver disease and interstitial "
            "cystitis. A clinician goes through these questions with you before any "
            "treatment.</p>"
        ),
        heading("After your treatment"),
        paragraph(
            "<p>A responsible adult must take you home. Do not drive, operate machinery, drink "
            "alcohol or make important decisions until the next day. Ketamine can be misused; "
            "we never give it to take home.</p>"
        ),
        book_consultation("Questions about safety?"),
    ],
)

OFF_LABEL_PAGE = page(
    StandardPage,
    "Off-label use of ketamine",
    "off-label-use",
    intro="What it means when a medicine is prescribed off-label, and how that applies to us.",
    body=[
        notice("off-label"),
        heading("What off-label means"),
        paragraph(
            "<p>When the FDA approves a medicine, it approves it for particular conditions, "
            "doses and patients. Doctors may legally prescribe an approved medicine for other "
            "purposes when research and their judgment support it. This is common practice: a "
            "large share of prescriptions in some specialties are off-label.</p>"
        ),
        heading("Ketamine and Spravato"),
        paragraph(
            "<p>Ketamine has been FDA-approved as an anesthetic since 1970. Using it at low "
            "doses for depression, anxiety, PTSD or pain is off-label, and backed by a growing "
            "body of clinical trials of differing strength. Spravato, a nasal spray of "
            "esketamine, is FDA-approved for treatment-resistant depression and is given "
            "under the Spravato REMS safety program.</p>"
        ),
        heading("What it means for you"),
        paragraph(
            "<p>Before treatment, your clinician explains the evidence for your condition, the "
            "alternatives and the risks, and asks for your written consent. Off-label "
            "treatment is usually not covered by insurance.</p>"
        ),
    ],
)

PRIVACY_PAGE = page(
    StandardPage,
    "Privacy",
    "privacy",
    intro="How this website treats your visit and the messages you send us.",
    body=[
        heading("No trackers"),
        paragraph(
            "<p>This site uses no advertising or analytics trackers, no third-party scripts "
            "and no third-party fonts. A video shows as a still picture from our own server; "
            "the player loads from YouTube or Vimeo only if you choose to play the video.</p>"
        ),
        heading("The contact form"),
        paragraph(
            "<p>When you send the contact form we keep your name, email address, phone number "
            "if you give it and message, encrypted, and the time you sent it. Only our front "
            "desk, clinicians and practice owner can read them, every reading is recorded, and "
            "we use them only to reply to you. Please do not include health details; a "
            "clinician will ask about your health privately. We delete messages after 12 "
            "months unless you become a patient.</p>"
        ),
        heading("Your choices"),
        paragraph(
            "<p>You may ask for a copy of what we hold about you, or for it to be deleted, by "
            "writing to hello@klearmind.example.</p>"
        ),
    ],
)

HOME = page(
    HomePage,
    "Home",
    "home",
    seo_title="Ketamine therapy and IV hydration in Sacramento and Roseville | Klearmind",
    search_description=(
        "Medically supervised ketamine therapy for depression, anxiety, PTSD and chronic pain, "
        "and IV hydration, in Sacramento, Roseville or at home."
    ),
    hero_heading="Ketamine therapy and IV hydration in Sacramento and Roseville",
    hero_text=(
        "Private, medically supervised ketamine treatment for depression, anxiety, PTSD and "
        "chronic pain, and IV hydration, in our clinics or in the comfort of your home."
    ),
    conditions_heading="Conditions we treat",
    hero_image=Ref("image", "home-hero"),
    body=[
        paragraph(
            "<p>Our physicians, nurse practitioners and nurses take time to understand your "
            "history, explain the evidence honestly and stay with you through every "
            "treatment. Start with a free, private consultation.</p>"
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

CLINIC_SETTINGS = {
    "clinic_name": "Klearmind Ketamine & IV Hydration Clinic",
    "tagline": "Ketamine therapy and IV hydration in Sacramento, Roseville and at home",
    "phone": "(916) 555-0142",
    "email": "hello@klearmind.example",
    "booking_kind": "service",
    "booking_service": CONSULTATION_SERVICE,
    "footer_links": [
        link("Important Safety Information", "important-safety-information"),
        link("Off-label use of ketamine", "off-label-use"),
        link("Privacy", "privacy"),
        link("FAQ", "faq"),
    ],
}
