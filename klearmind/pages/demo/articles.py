"""The demo articles, the clinic's seed article first."""

import datetime

from ..models import ArticleIndexPage, ArticlePage
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
    pull_quote,
    video,
)

# The articles' reviewer is on the team page (booking's demo makes the provider).
REVIEWER = "Dr. Daniel Okafor, MD"

# "Ketamine: Benefits and Risks for Depression, PTSD & Neuroplasticity", an episode of the
# Huberman Lab podcast, Andrew Huberman's own show: not a Stanford production or lecture.
NEUROPLASTICITY_TALK = "https://www.youtube.com/watch?v=Rxmv7rT9leo"

SEED_ARTICLE = page(
    ArticlePage,
    "Ketamine therapy: a proven medicine with a new purpose",
    "ketamine-therapy-a-proven-medicine-with-a-new-purpose",
    intro=(
        "Ketamine has been a mainstay of anesthesia for more than fifty years. Over the last "
        "two decades, research has shown that low doses can also lift depression quickly. "
        "Here is where the medicine came from, how it seems to work and what the evidence says."
    ),
    published_date=datetime.date(2026, 3, 10),
    reviewed_by=REVIEWER,
    hero_image=Ref("image", "article-hero"),
    last_reviewed=datetime.date(2026, 10, 1),
    social_image=Ref("image", "article-social"),
    search_description=(
        "A plain-language history of ketamine, from field anesthetic to rapid-acting "
        "treatment for depression, with what the research says about neuroplasticity."
    ),
    body=[
        heading("A short history"),
        paragraph(
            "<p>Chemists developed ketamine in the early 1960s, looking for an anesthetic that "
            "worked quickly, wore off quickly and was gentler than the drugs available then. "
            "Because it dulls pain and puts people under while usually slowing breathing less "
            "than many anesthetics do, it became a field anesthetic for American troops "
            "during the Vietnam War. It can still slow or stop breathing, above all at high "
            "doses or with other sedating drugs, which is why breathing and oxygen are "
            "watched throughout every treatment.</p>"
            "<p>Surgeons, emergency physicians and veterinarians still use it every day, and it "
            "is on the World Health Organization's list of essential medicines. Ketamine also "
            "found its way out of the hospital: since the 1970s it has been misused as a party "
            "and club drug, in doses and settings nothing like those of a clinic. That history "
            "is one reason medical ketamine is measured by body weight, given slowly and "
            "watched over by trained staff.</p>"
        ),
        heading("From anesthetic to antidepressant"),
        paragraph(
            "<p>In 2000 a small study at Yale reported something unexpected: a single low dose "
            "of ketamine, given through a vein, eased symptoms of depression within hours. "
            "Many trials since then have found that doses far below those used in surgery can "
            "bring fast relief, including for people whom several antidepressants had not "
            "helped.</p>"
            "<p>Even so, most psychiatric use of ketamine is <b>off-label</b>. The US Food and "
            "Drug Administration (FDA) approved ketamine as an anesthetic. Prescribing it for "
            "depression, anxiety, PTSD or pain rests on the published research and a "
            "clinician's judgment rather than on the drug's label, and we explain what that "
            "means before you decide anything.</p>"
        ),
        heading("Private treatment, at home or in our clinics"),
        paragraph(
            "<p>Klearmind offers ketamine therapy in quiet, private treatment rooms in "
            "Sacramento and Roseville and, for suitable patients, in your own home with a "
            "nurse beside you throughout. We care for adults living with anxiety, depression, "
            "post-traumatic stress disorder (PTSD) and chronic pain. Every course begins with "
            "a free consultation and a medical review, so that you and a clinician can decide "
            "together whether ketamine is a sensible next step.</p>"
        ),
        *both_notices(),
        heading("How ketamine works"),
        paragraph(
            "<p>Most antidepressants act on serotonin, norepinephrine or dopamine. Ketamine "
            "works on a different system: glutamate, the brain's main excitatory messenger. "
            "It is an <b>NMDA-receptor antagonist</b>, which means it blocks one of the "
            "receptors that glutamate binds to.</p>"
            "<p>Blocking these receptors on certain inhibitory nerve cells appears to release "
            "a short burst of glutamate. That burst switches on other receptors and growth "
            "signals, among them brain-derived neurotrophic factor (BDNF), which help neurons "
            "form <b>new synaptic connections</b>. This capacity of the brain to rewire itself "
            "is called neuroplasticity, and many researchers think it explains why the "
            "benefit of a treatment lasts well beyond the few hours the drug stays in the "
            "body.</p>"
        ),
        video(
            NEUROPLASTICITY_TALK,
            "Huberman Lab podcast: Ketamine: benefits and risks for depression, PTSD and "
            "neuroplasticity",
            "video-poster",
            "1:42:41",
        ),
        paragraph(
            "<p>This is an episode of the Huberman Lab podcast, a general-audience science "
            "podcast hosted by Andrew Huberman, a neuroscientist at Stanford; it is his own "
            "show, not a Stanford lecture, and not made or reviewed by Klearmind. He walks "
            "through the research on ketamine's clinical uses, how it acts on glutamate and "
            "neuroplasticity, and the risks of using it outside a medical setting. It is "
            "background, not medical advice. The video loads from YouTube only when you "
            "choose to play it.</p>"
        ),
        heading("Depression"),
        paragraph(
            "<p>Depression is among the most common illnesses in the United States: in 2021 "
            "an estimated 21.0 million adults, 8.3 % of all adults, had at least one major "
            "depressive episode (source: the National Institute of Mental Health, "
            f'<a href="{NIMH_DEPRESSION}">Major Depression statistics</a>, from the National '
            "Survey on Drug Use and Health). "
            "It is far more than feeling low. It can wear down sleep, appetite, energy and "
            "concentration and take away the ability to enjoy anything at all.</p>"
            "<p>Standard antidepressants help many people, but they usually need several weeks "
            "to work, and roughly a third of patients are still unwell after trying two or "
            "more of them. For those people, a treatment that acts through a different route "
            "can matter a great deal.</p>"
        ),
        heading("Neuroplasticity"),
        paragraph(
            "<p>Brain-imaging and laboratory studies link chronic stress and depression to a "
            "loss of synapses, the contact points through which neurons communicate, "
            "particularly in the prefrontal cortex, which helps us regulate mood, attention "
            "and decisions.</p>"
            "<p>In animal studies, researchers at Yale found that one dose of ketamine can "
            "rebuild many of those lost connections within about a day. The Yale "
            "psychiatrists behind this work describe ketamine as helping the brain regrow "
            "synapses, something older antidepressants appear to do only slowly, if at "
            "all.</p>"
        ),
        heading("Efficacy"),
        paragraph(
            "<p>In clinical trials some people with severe depression feel clearly better "
            "within 24 hours of their first treatment. For others, improvement builds over a "
            "series of infusions, and some people do not respond. A typical course is six "
            "infusions over two to three weeks, followed by occasional boosters for those who "
            "benefit.</p>"
            "<p>In 2019 the FDA approved esketamine nasal spray (Spravato), a close chemical "
            "relative of ketamine, for <b>treatment-resistant depression</b>: depression that "
            "has not improved after at least two antidepressants taken at a proper dose for "
            "long enough. It was first approved for use alongside an oral antidepressant and, "
            "since 2025, also on its own; since 2020 it is also approved for depressive "
            "symptoms in adults with major depression and acute suicidal thoughts or "
            "behavior. It carries a boxed warning for sedation, dissociation, slowed "
            "breathing, abuse and misuse, and suicidal thoughts and behaviors, and it is "
            "given only in certified treatment centers.</p>"
            "<p>Ketamine is not a cure on its own. Its benefits seem to last longest when the "
            "window of neuroplasticity is put to good use, with talking therapy such as "
            "cognitive behavioral therapy (CBT), steady routines and ongoing care from your "
            "own doctor or therapist. We work with your care team so treatment fits your "
            "wider plan.</p>"
        ),
        pull_quote(
            "Ketamine can open a door. Therapy, support and time are what help you walk "
            "through it.",
            f"{REVIEWER}, medical director",
        ),
        book_consultation(),
    ],
)

INFUSION_ARTICLE = page(
    ArticlePage,
    "What to expect at your first ketamine infusion",
    "what-to-expect-at-your-first-ketamine-infusion",
    intro=(
        "From the consultation to the drive home: how a first infusion at Klearmind works, "
        "step by step, and how to prepare for it."
    ),
    published_date=datetime.date(2026, 5, 19),
    reviewed_by=REVIEWER,
    hero_image=Ref("image", "article-hero"),
    last_reviewed=datetime.date(2026, 10, 1),
    search_description="How to prepare for a ketamine infusion and what happens on the day.",
    body=[
        heading("Before the day"),
        paragraph(
            "<p>After your free consultation, a clinician reviews your medical history, "
            "current medicines and questionnaire answers. If ketamine looks suitable, we agree "
            "a plan and book the series.</p>"
            "<ul><li>Eat no solid food for 6 hours before your appointment.</li>"
            "<li>Clear liquids such as water or black coffee are fine until 2 hours before.</li>"
            "<li>Take your usual medicines unless your clinician has told you otherwise.</li>"
            "<li>Arrange for a responsible adult to drive you home afterwards.</li></ul>"
        ),
        heading("During the infusion"),
        paragraph(
            "<p>A nurse places a small intravenous line and checks your blood pressure, heart "
            "rate and oxygen level. The dose is based on your weight and runs slowly, usually "
            "over about 40 minutes, while we check your vital signs at least every 15 minutes. "
            "Many people feel detached, floaty or dreamlike; eyeshades and your own music can "
            "make this easier. You can tell the nurse at any time if you feel uncomfortable.</p>"
        ),
        heading("Afterwards"),
        paragraph(
            "<p>The effects fade within an hour or so of the infusion ending. You rest until "
            "your vital signs are back to normal and you feel steady, then your driver takes "
            "you home. Do not drive, work with machinery or make important decisions until the "
            "next day.</p>"
        ),
        notice("safety"),
        book_consultation("Questions about your first infusion?"),
    ],
)

HYDRATION_ARTICLE = page(
    ArticlePage,
    "IV hydration at home: who it suits",
    "iv-hydration-at-home-who-it-suits",
    intro=(
        "A drip at home can be a convenient way to rehydrate. Here is who tends to find it "
        "useful, who should not have one, and how a home visit works."
    ),
    published_date=datetime.date(2026, 8, 4),
    reviewed_by=REVIEWER,
    hero_image=Ref("image", "article-hero"),
    last_reviewed=datetime.date(2026, 10, 1),
    search_description="Who at-home IV hydration suits, who should avoid it, and how it works.",
    body=[
        heading("Who it suits"),
        paragraph(
            "<p>People who choose a drip at home are often recovering from a stomach bug once "
            "the worst is over, getting back from long travel, training hard in the Sacramento "
            "summer heat, or simply finding it hard to get to a clinic. Fluids given through a "
            "vein replace water and salts faster than drinking can when you are depleted.</p>"
        ),
        heading("Who should not have one"),
        paragraph(
            "<p>Extra fluid can be harmful for people with heart failure, advanced kidney "
            "disease or some other conditions. That is why California requires a good-faith "
            "exam by a licensed clinician before your first drip, and why we repeat it every "
            "year or when your health changes. A drip is not a substitute for emergency care: "
            "if you are seriously unwell, call 911.</p>"
        ),
        heading("How a home visit works"),
        paragraph(
            "<p>We visit homes in the ZIP codes listed on each location page. A registered "
            "nurse brings everything needed, stays with you for the whole drip and takes the "
            "equipment away afterwards. Most drips take 45 minutes to an hour.</p>"
        ),
        book_hydration("Book an IV-hydration visit"),
    ],
)

ARTICLES = page(
    ArticleIndexPage,
    "Articles",
    "articles",
    menu=True,
    intro=(
        "Plain-language articles about ketamine therapy, depression, anxiety, PTSD, chronic "
        "pain and IV hydration, reviewed by our clinicians."
    ),
    children=[SEED_ARTICLE, INFUSION_ARTICLE, HYDRATION_ARTICLE],
)
