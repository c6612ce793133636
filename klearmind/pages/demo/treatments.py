"""The demo services and the conditions they treat."""

from ..models import ConditionIndexPage, ConditionPage, ServiceIndexPage, ServicePage
from .spec import (
    NIMH_DEPRESSION,
    Ref,
    book_consultation,
    book_hydration,
    both_notices,
    heading,
    notice,
    page,
    paragraph,
)

KETAMINE_INFUSION = page(
    ServicePage,
    "IV ketamine infusion",
    "iv-ketamine-infusion",
    hero_image=Ref("image", "treatment-hero"),
    summary=(
        "Low-dose ketamine given slowly through a vein, with a nurse monitoring you "
        "throughout, in our Sacramento or Roseville clinic or at home."
    ),
    search_description="IV ketamine infusions in Sacramento and Roseville: dosing, course, "
    "preparation and safety.",
    body=[
        heading("How a course works"),
        paragraph(
            "<p>The usual dose is 0.5 mg of ketamine per kilogram of body weight, infused "
            "over about 40 minutes. A first course is typically six infusions over two to "
            "three weeks. People who respond may then come back for a booster every few "
            "weeks, spaced out according to how long the benefit lasts.</p>"
            "<p>We track how you are doing with short standard questionnaires, such as the "
            "PHQ-9 for depression, before each visit, so that you and your clinician can see "
            "whether treatment is working.</p>"
        ),
        heading("Preparing for an infusion"),
        paragraph(
            "<ul><li>No solid food for 6 hours before your appointment.</li>"
            "<li>Clear liquids are fine until 2 hours before.</li>"
            "<li>A responsible adult must drive you home.</li>"
            "<li>No driving until the next day.</li></ul>"
        ),
        heading("During and after"),
        paragraph(
            "<p>We check your blood pressure, heart rate, breathing and oxygen level before "
            "you start and at least every 15 minutes during the infusion. Afterwards you rest "
            "until you feel steady and your readings are back to normal, usually 30 to 60 "
            "minutes.</p>"
        ),
        *both_notices(),
        book_consultation(),
    ],
)

SPRAVATO = page(
    ServicePage,
    "Spravato (esketamine)",
    "spravato-esketamine",
    hero_image=Ref("image", "treatment-hero"),
    summary=(
        "The FDA-approved esketamine nasal spray for treatment-resistant depression, taken "
        "under supervision in our certified clinics."
    ),
    search_description="Spravato (esketamine) nasal spray for treatment-resistant depression "
    "in Sacramento and Roseville.",
    body=[
        heading("What Spravato is"),
        paragraph(
            "<p>Spravato is a nasal spray containing esketamine, a close relative of ketamine. "
            "The FDA approved it in 2019 for adults with treatment-resistant depression, "
            "together with an oral antidepressant; since 2025 it may also be used on its own. "
            "Since 2020 it is also approved, with an oral antidepressant, for depressive "
            "symptoms in adults with major depressive disorder who have acute suicidal "
            "thoughts or behavior. Because it is FDA-approved for these uses, it is often "
            "covered by health insurance, usually after prior authorization.</p>"
        ),
        notice("spravato"),
        heading("How a session works"),
        paragraph(
            "<p>Spravato is only available through a safety program called the Spravato REMS. "
            "You enroll before your first dose, and every dose is taken in a certified "
            "healthcare setting such as our clinics. It is never taken home, so we do not "
            "offer it at home visits.</p>"
            "<ul><li>We check your blood pressure before the dose and about 40 minutes after, "
            "then until it is stable.</li>"
            "<li>You use the spray yourself, with a clinician watching.</li>"
            "<li>You stay with us for at least 2 hours afterwards.</li>"
            "<li>A responsible adult drives you home; no driving until the next day.</li></ul>"
        ),
        *both_notices(),
        book_consultation("Is Spravato an option for you?"),
    ],
)

IV_HYDRATION = page(
    ServicePage,
    "IV hydration",
    "iv-hydration",
    hero_image=Ref("image", "hydration-hero"),
    summary=(
        "Fluids, vitamins and minerals through a drip, given by a registered nurse in our "
        "clinics or at home."
    ),
    search_description="IV hydration drips in Sacramento and Roseville, in clinic or at home: "
    "menu and prices.",
    body=[
        heading("About the drips"),
        paragraph(
            "<p>Every drip is given by a registered nurse. Prices in the menu are per drip and "
            "include your nurse's time and supplies; add-ons are priced on their own. The "
            "evidence for vitamin drips in healthy people is limited; we will tell you "
            "honestly which one, if any, makes sense for you.</p>"
        ),
        heading("At home or in the clinic"),
        paragraph(
            "<p>We come to you anywhere in the service areas listed on our location pages. "
            "Home visits add the dispatch fee shown under the menu, and we ask for 24 hours' "
            "notice if you need to cancel.</p>"
        ),
        heading("A good-faith exam first"),
        paragraph(
            "<p>California requires a good-faith exam by a licensed clinician before your "
            "first drip. It is a short, free call with one of our clinicians that you book "
            "first, before the drip itself, and we repeat it every year or whenever your "
            "health or medicines change. When you book a drip online we ask whether you "
            "need one and take you to its booking first.</p>"
        ),
        book_hydration(),
    ],
)

SERVICES = page(
    ServiceIndexPage,
    "Services",
    "services",
    menu=True,
    intro=(
        "Medically supervised ketamine therapy and IV hydration, in Sacramento, in Roseville "
        "or at home."
    ),
    children=[KETAMINE_INFUSION, SPRAVATO, IV_HYDRATION],
)


def condition(title, slug, summary, *paragraphs, spravato=False):
    """A condition page: what it is, how ketamine may help, the notices (Spravato's too where
    the page offers it), then a way to book."""
    return page(
        ConditionPage,
        title,
        slug,
        summary=summary,
        search_description=summary,
        hero_image=Ref("image", "condition-hero"),
        body=[
            heading(f"Living with {title if title.isupper() else title.lower()}"),
            paragraph(paragraphs[0]),
            heading("How ketamine therapy may help"),
            *(paragraph(html) for html in paragraphs[1:]),
            *both_notices(),
            *([notice("spravato")] if spravato else []),
            book_consultation(),
        ],
    )


CONDITIONS = page(
    ConditionIndexPage,
    "Conditions we treat",
    "conditions",
    menu=True,
    intro=(
        "Ketamine therapy is not right for everyone. These are the conditions for which the "
        "research is most promising, and what it says."
    ),
    children=[
        condition(
            "Anxiety",
            "anxiety",
            "Persistent, hard-to-control worry that has not eased with standard treatment.",
            "<p>Anxiety disorders are the most common mental health conditions in the United "
            "States. Constant worry, restlessness, poor sleep and a racing heart can make "
            "ordinary days exhausting. Therapy and medicines help many people, but not "
            "everyone.</p>",
            "<p>Smaller studies suggest that low-dose ketamine can reduce anxiety in some "
            "people whose symptoms did not respond to usual treatments, and it often helps "
            "when anxiety comes together with depression. The evidence is less extensive than "
            "for depression, and we say so. Use for anxiety is off-label.</p>",
            "<p>We measure anxiety with the GAD-7 questionnaire before treatment and during "
            "your course, and we keep your therapist or doctor informed.</p>",
        ),
        condition(
            "Depression",
            "depression",
            "Depression, including depression that has not improved with antidepressants.",
            "<p>In 2021 an estimated 21.0 million adults in the United States, 8.3 % of all "
            "adults, had at least one major depressive episode (source: the National Institute "
            f'of Mental Health, <a href="{NIMH_DEPRESSION}">Major Depression statistics</a>, '
            "from the National Survey on Drug Use and Health). It drains energy, "
            "sleep, concentration and "
            "pleasure, and it can bring thoughts of not wanting to live. If that is happening "
            "to you now, call or text 988 at any hour.</p>",
            "<p>Depression is where the evidence for ketamine is strongest. Many trials have "
            "found that low doses can ease symptoms within hours to days, including in people "
            "with treatment-resistant depression, meaning depression that has not improved "
            "after at least two antidepressants.</p>",
            "<p>We offer IV ketamine, which is off-label for depression, and Spravato, the "
            "FDA-approved esketamine nasal spray. Progress is tracked with the PHQ-9 "
            "questionnaire, and results last longest alongside therapy.</p>",
            spravato=True,
        ),
        condition(
            "PTSD",
            "ptsd",
            "Post-traumatic stress that keeps returning through memories, nightmares or "
            "constant alertness.",
            "<p>Post-traumatic stress disorder can follow combat, assault, accidents, disasters "
            "or other overwhelming events. Intrusive memories, avoidance, low mood and always "
            "being on guard can persist for years.</p>",
            "<p>Trials of repeated ketamine infusions have shown meaningful, if often "
            "short-lived, reductions in PTSD symptoms, and researchers are studying how to "
            "pair ketamine with trauma-focused therapy to make gains last. Use for PTSD is "
            "off-label and best seen as support for therapy, not a replacement.</p>",
            "<p>We use the PCL-5 questionnaire to follow your symptoms and work closely with "
            "your therapist.</p>",
        ),
        condition(
            "Chronic pain",
            "chronic-pain",
            "Long-lasting nerve pain and some other pain conditions that have not responded "
            "to usual care.",
            "<p>Pain that lasts for months or years affects sleep, mood, work and "
            "relationships. Some types, especially nerve pain and complex regional pain "
            "syndrome (CRPS), respond poorly to standard painkillers.</p>",
            "<p>Ketamine has been used for pain for decades, and infusions can reduce some "
            "kinds of chronic pain for weeks at a time. Results vary from person to person, "
            "pain protocols often use longer infusions than those for depression, and use for "
            "chronic pain is off-label.</p>",
            "<p>We ask you to rate your pain from 0 to 10 before each visit and coordinate "
            "with your pain specialist or primary care doctor.</p>",
        ),
    ],
)
