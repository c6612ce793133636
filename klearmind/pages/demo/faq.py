"""The demo FAQ page."""

from ..models import FAQPage
from .spec import page, question

FAQ = page(
    FAQPage,
    "Frequently asked questions",
    "faq",
    menu=True,
    intro="Short answers to the questions we hear most. Ask us anything else at any time.",
    search_description="Answers about ketamine therapy, Spravato and IV hydration at Klearmind.",
    questions=[
        question(
            "Is ketamine therapy safe?",
            "<p>At the low doses used for depression and given under medical supervision, "
            "ketamine is generally well tolerated. Common short-lived effects are feeling "
            "detached or dreamlike, nausea, drowsiness and a rise in blood pressure and heart "
            "rate. A clinician reviews your health history first, some conditions rule it "
            "out, and a nurse monitors you throughout every treatment.</p>",
        ),
        question(
            "How many infusions will I need?",
            "<p>A first course is usually six infusions over two to three weeks. If it helps, "
            "you may come back for boosters every few weeks; how often depends on how long "
            "the benefit lasts for you.</p>",
        ),
        question(
            "Does insurance cover treatment?",
            "<p>Spravato is FDA-approved for treatment-resistant depression and is often "
            "covered after prior authorization. IV ketamine is off-label for mental health and "
            "pain, so most insurers do not pay for it; we can give you a receipt to submit for "
            "out-of-network reimbursement or to your health savings account. IV hydration is "
            "self-pay.</p>",
        ),
        question(
            "Can I drive after a treatment?",
            "<p>No. A responsible adult must drive you home after ketamine or Spravato, and "
            "you should not drive, operate machinery or make important decisions until the "
            "next day. Driving is fine after IV hydration on its own.</p>",
        ),
        question(
            "Can I have treatment at home?",
            "<p>Yes, for IV ketamine and IV hydration, if you live in one of our service areas "
            "and your clinician agrees it is safe. A nurse stays with you the whole time. "
            "Spravato can only be given in a certified clinic.</p>",
        ),
        question(
            "What is the difference between Spravato and IV ketamine?",
            "<p>Spravato is a nasal spray of esketamine, one of the two mirror-image forms that "
            "make up ketamine. It is FDA-approved for treatment-resistant depression (with an "
            "oral antidepressant since 2019, on its own since 2025) and, since 2020, for "
            "depressive symptoms in adults with acute suicidal thoughts or behavior. It carries "
            "a boxed warning for sedation, dissociation, slowed breathing, abuse and misuse, "
            "and suicidal thoughts and behaviors, so it is taken in the clinic with at least "
            "two hours of observation. IV ketamine is given through "
            "a vein at a dose matched to your weight; its use for depression is off-label but "
            "well studied. A clinician can help you weigh the two.</p>",
        ),
        question(
            "What if I am in crisis?",
            "<p>Please do not wait for an appointment. Call or text <b>988</b>, the Suicide "
            "&amp; Crisis Lifeline, at any time, or call 911 in an emergency. Our contact form "
            "and phone lines are not monitored around the clock.</p>",
        ),
        question(
            "What does IV hydration cost?",
            "<p>Drips start at $149 for a liter of fluids; see the IV-hydration page for the "
            "full menu, the add-ons and the dispatch fee for home visits. The good-faith exam "
            "California requires before your first drip is free.</p>",
        ),
        question(
            "Do I need a referral?",
            "<p>No. You can book a free consultation yourself. With your permission we will "
            "keep your own doctor or therapist informed, because ketamine works best as part "
            "of wider care.</p>",
        ),
    ],
)
