import factory

from klearmind.enquiries.models import Enquiry


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    name = factory.Sequence(lambda n: f"Visitor {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    message = "Do you have appointments on Saturdays?"
