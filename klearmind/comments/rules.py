"""The checks a new comment passes through, as pure functions of what was typed."""

import re
from dataclasses import dataclass

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
LINK_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """What a writer sent, with where it came from; what every check looks at."""

    author_name: str
    author_email: str
    author_url: str
    text: str
    ip_address: str | None
    user_agent: str
    homepage: str = ""
    seconds_on_form: float | None = None

    def searchable_fields(self) -> list[str]:
        """The fields WordPress matches moderation and disallowed words against."""
        return [
            self.author_name,
            self.author_email,
            self.author_url,
            self.ip_address or "",
            self.user_agent,
            self.text,
        ]


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


def matching_word(submission: Submission, words: list[str]) -> str | None:
    """The first listed word or phrase found in any of the submission's fields."""
    fields = [value.lower() for value in submission.searchable_fields()]
    for word in words:
        if any(word in value for value in fields):
            return word
    return None
