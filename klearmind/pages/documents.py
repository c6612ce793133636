"""Uploaded documents reach readers only through Wagtail's serve view, which checks the privacy
of their collection first (decision 016).

The development server's /media/ refuses documents/, and behind nginx the view answers with
an X-Accel-Redirect to nginx's internal location instead of the file (`sendfile` below, set as
SENDFILE_BACKEND when DOCUMENTS_X_ACCEL_REDIRECT is on).
"""

import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.static import serve

DOCUMENTS_FOLDER = "documents"


def serve_media(request, path: str):
    """Uploaded images for a server with nothing in front; never a document."""
    # django.views.static.serve normalizes the path the same way, so `images/../documents/`
    # is refused as well.
    first = posixpath.normpath(path).lstrip("/").split("/", 1)[0]
    if first.casefold() == DOCUMENTS_FOLDER:
        raise Http404("Documents are served at /documents/.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def sendfile(request, filename: str, **kwargs) -> HttpResponse:
    """Wagtail's sendfile backend for nginx: an empty answer naming the file's internal
    location, which nginx serves once the view has allowed it."""
    root = Path(settings.SENDFILE_ROOT).resolve()
    relative = Path(filename).resolve().relative_to(root)
    response = HttpResponse()
    response["X-Accel-Redirect"] = settings.SENDFILE_URL + quote(relative.as_posix())
    return response
