"""Crisis language: phrases about suicide or self-harm that make a comment urgent.

Maintained by the clinic's clinical lead; adapted from the warning signs the 988 Suicide &
Crisis Lifeline publishes (988lifeline.org, "Know the warning signs"). A phrase matches
anywhere in the text, ignoring case, accents and runs of spaces. A false alarm costs a
moderator a minute; a miss can cost far more, so the list leans towards matching.
"""

import re
import unicodedata

CRISIS_LINE = "988"

CRISIS_PHRASES = (
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "take my own life",
    "taking my own life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "suicide",
    "suicidal",
    "no reason to live",
    "not worth living",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "self-harm",
    "self harm",
    "cut myself",
    "cutting myself",
    "overdose on purpose",
    "can't go on",
    "cannot go on",
    "say goodbye to everyone",
)


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    without_accents = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", without_accents)


def mentions_crisis(text: str) -> bool:
    normalized = normalise(text)
    return any(phrase in normalized for phrase in CRISIS_PHRASES)
