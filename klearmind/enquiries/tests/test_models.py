import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.enquiries.models import Enquiry, EnquiryStatus

from .factories import EnquiryFactory


class EnquiryStatusTests(TestCase):
    def test_answering_records_who_and_when(self):
        desk, enquiry = staff("Front desk"), EnquiryFactory()
        enquiry.mark_answered(by=desk)
        enquiry.refresh_from_db()
        assert enquiry.status == EnquiryStatus.ANSWERED
        assert enquiry.answered_by == desk
        assert enquiry.answered_at is not None
        assert enquiry.closed_at is None

    def test_closing_an_answered_enquiry_keeps_who_answered(self):
        desk, clinician, enquiry = staff("Front desk"), staff("Clinician"), EnquiryFactory()
        enquiry.mark_answered(by=desk)
        enquiry.close(by=clinician)
        enquiry.refresh_from_db()
        assert (enquiry.status, enquiry.answered_by, enquiry.closed_by) == (
            EnquiryStatus.CLOSED,
            desk,
            clinician,
        )

    def test_a_new_enquiry_may_be_closed_without_an_answer(self):
        enquiry = EnquiryFactory()
        enquiry.close(by=staff("Owner"))
        assert enquiry.status == EnquiryStatus.CLOSED
        assert enquiry.answered_at is None

    def test_a_closed_enquiry_is_neither_answered_nor_closed_again(self):
        enquiry = EnquiryFactory()
        enquiry.close(by=None)
        for change in (enquiry.mark_answered, enquiry.close):
            with pytest.raises(ValidationError) as refused:
                change(by=None)
            assert refused.value.code == "wrong_status"
            assert "is closed" in refused.value.messages[0]

    def test_the_database_refuses_a_closed_status_without_its_time(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            EnquiryFactory(status=EnquiryStatus.CLOSED)


class EnquiryQueryTests(TestCase):
    def test_open_leaves_out_closed_and_email_finds_any_case(self):
        kept, closed = EnquiryFactory(email="Ana@Example.org"), EnquiryFactory()
        closed.close(by=None)
        assert list(Enquiry.objects.open()) == [kept]
        assert list(Enquiry.objects.by_email(" ana@example.ORG ")) == [kept]

    def test_the_encrypted_text_cannot_be_searched(self):
        with pytest.raises(Exception, match="is encrypted"):
            list(Enquiry.objects.filter(message__icontains="saturday"))
