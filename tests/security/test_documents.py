"""A document in a login-restricted collection reaches nobody who is not signed in: Wagtail's
view checks it, /media/ never serves documents/, and behind nginx the view hands the file to
nginx's internal location (the nginx side is in tests/test_deploy.py)."""

import uuid

from django.core.files.base import ContentFile
from django.test import Client, TestCase, override_settings
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.utils import sendfile

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.tests.test_settings import manage, production_env

CONTENT = b"Staff protocol: ketamine dosing by weight"


def private_document():
    collection = Collection.get_first_root_node().add_child(name=f"Staff {uuid.uuid4().hex}")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    name = f"protocol-{uuid.uuid4().hex[:8]}.pdf"
    return get_document_model().objects.create(
        title="Protocol", file=ContentFile(CONTENT, name=name), collection=collection
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class PrivateDocumentTests(TestCase):
    def setUp(self):
        self.document = private_document()
        self.stored = self.document.file.name  # documents/protocol-….pdf

    def test_the_media_address_of_a_document_serves_nothing(self):
        name = self.stored.removeprefix("documents/")
        for path in (
            f"/media/{self.stored}",
            f"/media/./{self.stored}",
            f"/media/images/../{self.stored}",
            f"/media//{self.stored}",
            f"/media/DOCUMENTS/{name}",
        ):
            response = Client().get(path)
            assert response.status_code == 404, path
            assert CONTENT not in body(response), path

    def test_other_uploads_are_still_served_from_media(self):
        image = self.document.file.storage.save("images/photo.txt", ContentFile(b"an image"))
        response = Client().get(f"/media/{image}")
        assert body(response) == b"an image"

    def test_the_document_view_sends_a_visitor_to_sign_in(self):
        response = Client().get(self.document.url)
        assert response.status_code == 302
        assert f"login/?next={self.document.url}" in response["Location"]
        assert CONTENT not in body(response)

    def test_the_document_view_serves_someone_signed_in(self):
        client = sign_in(Client(), staff())
        response = client.get(self.document.url)
        assert body(response) == CONTENT
        assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(
    SENDFILE_BACKEND="klearmind.pages.documents",
    SENDFILE_URL="/protected-documents/",
)
class NginxSendsTheFileTests(TestCase):
    def setUp(self):
        sendfile._get_sendfile.clear()
        self.addCleanup(sendfile._get_sendfile.clear)
        self.document = private_document()

    def test_the_view_names_the_internal_location_once_it_has_allowed_the_reader(self):
        with self.settings(SENDFILE_ROOT=self.document.file.storage.path("documents")):
            response = sign_in(Client(), staff()).get(self.document.url)
        name = self.document.file.name.removeprefix("documents/")
        assert response["X-Accel-Redirect"] == f"/protected-documents/{name}"
        assert response.content == b""
        assert response["Content-Type"] == "application/pdf"

    def test_a_visitor_gets_no_internal_location(self):
        response = Client().get(self.document.url)
        assert response.status_code == 302
        assert "X-Accel-Redirect" not in response


SENDFILE_PROBE = (
    "from django.conf import settings as s; "
    "print(s.WAGTAILDOCS_SERVE_METHOD, s.SENDFILE_BACKEND, s.SENDFILE_URL, s.SENDFILE_ROOT)"
)


def test_production_turns_on_nginx_sending_when_asked(tmp_path):
    env = production_env(tmp_path, DOCUMENTS_X_ACCEL_REDIRECT="1")
    result = manage(env, "shell", "-v", "0", "-c", SENDFILE_PROBE)
    assert result.stdout.split() == [
        "serve_view",
        "klearmind.pages.documents",
        "/protected-documents/",
        str(tmp_path / "media" / "documents"),
    ], result.stderr
