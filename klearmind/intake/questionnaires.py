"""The validated questionnaires in their published wording, and the screening questions.

PHQ-9 and GAD-7: Pfizer's published forms (Kroenke, Spitzer & Williams 2001; Spitzer et al.
2006), free to reproduce. PCL-5: the National Center for PTSD's form (Weathers et al. 2013),
in the public domain; its instruction says "circle one of the numbers", which on a web page
becomes "choose one answer". Nothing else is changed.

Spanish: the PHQ-9 and GAD-7 texts are marked for translation (gettext_noop: the constants stay
plain English, as care's check-ins and the back office read them; the forms translate them), and
their Spanish in locale/es is the published "Spanish for the USA" translation of the same forms
(Pfizer's PHQ Screeners, phqscreeners.com), word for word. The PCL-5 is not marked: it has no
validated Spanish version to cite, so it stays in English in every language.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

# PHQ-9 and GAD-7: "Not at all" 0 to "Nearly every day" 3.
FREQUENCY_OPTIONS = (
    # Translators: the PHQ-9 and GAD-7 answers, in the published Spanish for the USA wording
    # (phqscreeners.com): "Ningún día", "Varios días", "Más de la mitad de los días",
    # "Casi todos los días".
    (0, gettext_noop("Not at all")),
    (1, gettext_noop("Several days")),
    (2, gettext_noop("More than half the days")),
    (3, gettext_noop("Nearly every day")),
)

PHQ9_STEM = gettext_noop(
    # Translators: the PHQ-9 instruction, published PHQ-9 Spanish for the USA (phqscreeners.com).
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
PHQ9_ITEMS = (
    # Translators: the nine PHQ-9 items in the published PHQ-9 Spanish for the USA wording, word
    # for word (Pfizer, phqscreeners.com).
    gettext_noop("Little interest or pleasure in doing things"),
    gettext_noop("Feeling down, depressed, or hopeless"),
    gettext_noop("Trouble falling or staying asleep, or sleeping too much"),
    gettext_noop("Feeling tired or having little energy"),
    gettext_noop("Poor appetite or overeating"),
    gettext_noop(
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down"
    ),
    gettext_noop(
        "Trouble concentrating on things, such as reading the newspaper or watching television"
    ),
    gettext_noop(
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual"
    ),
    gettext_noop("Thoughts that you would be better off dead or of hurting yourself in some way"),
)
PHQ9_DIFFICULTY = gettext_noop(
    # Translators: the PHQ-9's closing question, published PHQ-9 Spanish for the USA.
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
# The GAD-7's published form ends with the very same unscored question and answers.
GAD7_DIFFICULTY = PHQ9_DIFFICULTY
DIFFICULTY_OPTIONS = (
    # Translators: published PHQ-9 Spanish for the USA: "No ha sido difícil", "Un poco difícil",
    # "Muy difícil", "Extremadamente difícil".
    (0, gettext_noop("Not difficult at all")),
    (1, gettext_noop("Somewhat difficult")),
    (2, gettext_noop("Very difficult")),
    (3, gettext_noop("Extremely difficult")),
)

GAD7_STEM = gettext_noop(
    # Translators: the GAD-7 instruction, published GAD-7 Spanish for the USA (phqscreeners.com).
    "Over the last 2 weeks, how often have you been bothered by the following problems?"
)
GAD7_ITEMS = (
    # Translators: the seven GAD-7 items in the published GAD-7 Spanish for the USA wording, word
    # for word (Pfizer, phqscreeners.com).
    gettext_noop("Feeling nervous, anxious or on edge"),
    gettext_noop("Not being able to stop or control worrying"),
    gettext_noop("Worrying too much about different things"),
    gettext_noop("Trouble relaxing"),
    gettext_noop("Being so restless that it is hard to sit still"),
    gettext_noop("Becoming easily annoyed or irritable"),
    gettext_noop("Feeling afraid as if something awful might happen"),
)

PCL5_INSTRUCTIONS = (
    "Below is a list of problems that people sometimes have in response to a very stressful "
    "experience. Please read each problem carefully and then choose one answer to indicate how "
    "much you have been bothered by that problem in the past month."
)
PCL5_STEM = "In the past month, how much were you bothered by:"
PCL5_OPTIONS = (
    (0, "Not at all"),
    (1, "A little bit"),
    (2, "Moderately"),
    (3, "Quite a bit"),
    (4, "Extremely"),
)
PCL5_ITEMS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

PAIN_QUESTION = gettext_noop(
    "On a scale from 0 (no pain) to 10 (the worst pain you can imagine), how bad has your pain "
    "been on average over the past week?"
)


@dataclass(frozen=True)
class ScreeningQuestion:
    key: str
    text: str
    # "ketamine": a hard stop for any ketamine or esketamine (CLINICAL.md, screening);
    # "spravato": a contraindication of esketamine only; "flag": a soft flag.
    kind: str


YES, NO, NOT_SURE = "yes", "no", "not_sure"
SCREENING_OPTIONS = (
    (YES, gettext_noop("Yes")),
    (NO, gettext_noop("No")),
    (NOT_SURE, gettext_noop("Not sure")),
)

HARD_STOP, SPRAVATO_ONLY, SOFT_FLAG = "ketamine", "spravato", "flag"

# CLINICAL.md, "IV ketamine", screening: the hard stops for any ketamine or esketamine
# (Sanacora et al. 2017; ASKP3 2020; the Ketalar and Spravato labels), breastfeeding for
# Spravato (its label), and the soft flags a clinician weighs. Keys are stored with each
# questionnaire: never rename one; a question added later is simply unanswered ("—") on
# questionnaires sent before it existed.
SCREENING_QUESTIONS = (
    ScreeningQuestion(
        "psychosis",
        gettext_noop("Have you ever had psychosis, or been diagnosed with schizophrenia?"),
        HARD_STOP,
    ),
    ScreeningQuestion("mania", gettext_noop("Are you in a manic episode now?"), HARD_STOP),
    ScreeningQuestion(
        "seizures", gettext_noop("Do you have a seizure disorder, such as epilepsy?"), HARD_STOP
    ),
    ScreeningQuestion(
        "stimulant_misuse",
        gettext_noop(
            "Are you currently using cocaine, or misusing stimulants such as methamphetamine?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "pregnancy", gettext_noop("Are you pregnant, or could you be pregnant?"), HARD_STOP
    ),
    ScreeningQuestion(
        "recent_heart_attack_or_stroke",
        gettext_noop("Have you had a heart attack or a stroke in the last 6 months?"),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "uncontrolled_hypertension",
        gettext_noop("Do you have high blood pressure that is not controlled, even with medicine?"),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "unstable_angina",
        gettext_noop(
            "Do you have unstable angina (chest pain that comes on at rest or is getting worse)?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "uncontrolled_atrial_fibrillation",
        gettext_noop("Do you have atrial fibrillation that is not controlled?"),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "prolonged_qt",
        gettext_noop(
            "Have you been told you have a prolonged QT interval (a heart-rhythm finding on an "
            "ECG)?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "vascular_disease",
        gettext_noop(
            "Have you ever had an aneurysm, an arteriovenous malformation (AVM) or bleeding in the "
            "brain (intracerebral hemorrhage)?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "ketamine_hypersensitivity",
        gettext_noop(
            "Have you ever had an allergic reaction to ketamine or to esketamine (Spravato)?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "raised_intracranial_pressure",
        gettext_noop(
            "Have you been told that the pressure inside your skull is raised (raised intracranial "
            "pressure)?"
        ),
        HARD_STOP,
    ),
    ScreeningQuestion(
        "recent_head_injury",
        gettext_noop("Have you had a head injury recently, such as a concussion?"),
        HARD_STOP,
    ),
    ScreeningQuestion("breastfeeding", gettext_noop("Are you breastfeeding?"), SPRAVATO_ONLY),
    ScreeningQuestion(
        "substance_use_history",
        gettext_noop("Have you ever had a problem with alcohol or drug use?"),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "prior_ketamine_misuse",
        gettext_noop(
            "Have you ever used ketamine other than as prescribed, for example recreationally?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "regular_opioids",
        gettext_noop(
            "Do you take opioid medicines regularly, such as oxycodone, hydrocodone, morphine, "
            "methadone or buprenorphine?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "regular_benzodiazepines",
        gettext_noop(
            "Do you take a benzodiazepine regularly, such as alprazolam (Xanax), lorazepam "
            "(Ativan), clonazepam (Klonopin) or diazepam (Valium)?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "heavy_alcohol",
        gettext_noop(
            "Do you regularly drink a lot of alcohol, for example several drinks on most days?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "maoi",
        gettext_noop(
            "Do you take an MAOI antidepressant, such as phenelzine (Nardil), tranylcypromine "
            "(Parnate), isocarboxazid (Marplan) or the selegiline patch (Emsam)?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "psychostimulants",
        gettext_noop(
            "Do you take a stimulant medicine, such as amphetamine (Adderall, Vyvanse), "
            "methylphenidate (Ritalin, Concerta) or modafinil?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "bipolar_without_stabiliser",
        gettext_noop(
            "Have you been diagnosed with bipolar disorder and are not taking a mood stabilizer "
            "(such as lithium)?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "hypertension",
        gettext_noop(
            "Have you been diagnosed with high blood pressure (hypertension), even if medicine "
            "keeps it under control?"
        ),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "severe_liver_disease",
        gettext_noop("Do you have serious liver disease, such as cirrhosis?"),
        SOFT_FLAG,
    ),
    ScreeningQuestion(
        "interstitial_cystitis",
        gettext_noop(
            "Do you have interstitial cystitis (painful bladder syndrome) or other ongoing bladder "
            "pain?"
        ),
        SOFT_FLAG,
    ),
)
SCREENING_BY_KEY = {question.key: question for question in SCREENING_QUESTIONS}

# What the clinician reads for each flag: short, in the clinic's words.
SCREENING_LABELS = {
    "psychosis": "History of psychosis or schizophrenia",
    "mania": "Current mania",
    "seizures": "Seizure disorder",
    "stimulant_misuse": "Active cocaine or stimulant misuse",
    "pregnancy": "Pregnancy (or possible pregnancy)",
    "recent_heart_attack_or_stroke": "Heart attack or stroke in the last 6 months",
    "uncontrolled_hypertension": "Uncontrolled hypertension",
    "unstable_angina": "Unstable angina",
    "uncontrolled_atrial_fibrillation": "Uncontrolled atrial fibrillation",
    "prolonged_qt": "Known prolonged QT",
    "vascular_disease": "Aneurysmal vascular disease, AVM or intracerebral hemorrhage",
    "ketamine_hypersensitivity": "Hypersensitivity to ketamine or esketamine",
    "raised_intracranial_pressure": "Raised intracranial pressure",
    "recent_head_injury": "Recent head injury",
    "breastfeeding": "Breastfeeding",
    "substance_use_history": "Substance-use history",
    "prior_ketamine_misuse": "Prior ketamine misuse",
    "regular_opioids": "Regular opioid use (sedation and breathing)",
    "regular_benzodiazepines": "Regular benzodiazepine use (sedation and breathing)",
    "heavy_alcohol": "Heavy alcohol use (sedation and breathing)",
    "maoi": "Takes an MAOI (blood pressure)",
    "psychostimulants": "Takes a psychostimulant (blood pressure)",
    "bipolar_without_stabiliser": "Bipolar disorder without a mood stabilizer",
    "hypertension": "Treated hypertension",
    "severe_liver_disease": "Severe liver disease",
    "interstitial_cystitis": "Interstitial cystitis",
}
