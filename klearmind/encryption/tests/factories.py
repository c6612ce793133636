import datetime
from decimal import Decimal

import factory

from .testapp.models import Confidential


class ConfidentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Confidential

    note = factory.Sequence(lambda n: f"Reports low mood since spring, note {n}")
    medication = "sertraline 50 mg"
    answers = factory.LazyFunction(lambda: {"phq9": [1, 2, 0, 3, 1, 0, 2, 1, 0], "pain": 6})
    date_of_birth = datetime.date(1984, 2, 29)
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    weight_kg = Decimal("72.5")
    heart_rate = 68
