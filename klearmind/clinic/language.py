"""The language of a request, read from its address alone.

English addresses have no prefix; Spanish ones start with /es/ (docs/decisions/043). Django's
LocaleMiddleware falls back to a cookie and the browser's Accept-Language, and marks every
unprefixed answer `Vary: Accept-Language`; here the address decides, so one URL is one page for
every visitor and every cache.
"""

from django.conf import settings
from django.utils import translation


class PathLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        # Only for this request: whatever runs next in the thread starts from the default.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
