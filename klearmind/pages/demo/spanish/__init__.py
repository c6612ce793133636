"""The demo clinic in Spanish: each page and notice is the translation of its English original,
named by the original's slug or key, written in the clinic's own words (US Spanish, usted)."""

from .notices import NOTICES_ES
from .site import HOME_ES

__all__ = ["HOME_ES", "NOTICES_ES"]
