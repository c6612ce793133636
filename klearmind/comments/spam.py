"""Spam checks that need no third party, behind one small interface a clinic can extend.

A checker is any callable `check(submission, comment_settings) -> str | None` that returns a
reason when it thinks the submission is spam. The dotted paths in the setting
`COMMENTS_SPAM_CHECKERS` run in order and the first reason wins; a clinic adds a spam
service by appending its own checker.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .rules import Submission

DEFAULT_CHECKERS = (
    "klearmind.comments.spam.honeypot",
    "klearmind.comments.spam.time_trap",
)


def honeypot(submission: Submission, comment_settings) -> str | None:
    if submission.homepage:
        return "Filled in the hidden field only robots see."
    return None


def time_trap(submission: Submission, comment_settings) -> str | None:
    seconds = submission.seconds_on_form
    if seconds is None:
        return "The form's timestamp was missing or altered."
    if seconds < comment_settings.time_trap_seconds:
        return f"Sent {seconds:.1f} s after the form was shown."
    return None


def spam_reason(submission: Submission, comment_settings) -> str:
    """The first checker's reason for calling this spam, or an empty string."""
    for path in getattr(settings, "COMMENTS_SPAM_CHECKERS", DEFAULT_CHECKERS):
        reason = import_string(path)(submission, comment_settings)
        if reason:
            return reason
    return ""
