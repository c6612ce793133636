"""The throwaway site's settings: production's, for a trial on one loopback machine.

What is measured and drilled is production's code path (DEBUG off, the page cache, hashed
static files, HSTS), but the site is what production refuses on purpose: the demo clinic,
an SQLite file or a local-memory cache when no Redis is given, e-mail printed to its log,
and links to 127.0.0.1. So it does not ask for the production checks (klearmind/settings/
checks.py) or forbid `load_demo`.
"""

from klearmind.settings.production import *  # noqa: F403

PRODUCTION = False
