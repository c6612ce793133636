"""The two demo clinics and the contact page. Addresses are fictional; cities and ZIPs are real."""

import datetime
from decimal import Decimal

from klearmind.clinic.hours import WORKDAYS, Weekday

from ..models import ContactPage, LocationIndexPage, LocationPage
from .spec import Ref, page


def hours(days, opens: str, closes: str) -> list[dict]:
    return [
        {
            "weekday": day,
            "opens": datetime.time.fromisoformat(opens),
            "closes": datetime.time.fromisoformat(closes),
        }
        for day in days
    ]


SACRAMENTO = page(
    LocationPage,
    "Sacramento",
    "sacramento",
    intro="Our Midtown clinic, a few minutes from the Capitol, with free parking.",
    street_address="1820 Capitol Avenue, Suite 210",
    city="Sacramento",
    region="CA",
    postal_code="95811",
    phone="(916) 555-0142",
    hero_image=Ref("image", "location-hero"),
    latitude=Decimal("38.574600"),
    longitude=Decimal("-121.483200"),
    directions=(
        "<p>We are on the second floor, above the pharmacy; the elevator is to the left of the "
        "main entrance. Free patient parking is behind the building, entered from the alley "
        "off 18th Street. Several Sacramento Regional Transit bus routes stop within two "
        "blocks.</p>"
    ),
    service_area_zip_codes="95811 95814 95816 95818 95819 95831 95864",
    hours=[*hours(WORKDAYS, "08:00", "18:00"), *hours([Weekday.SATURDAY], "09:00", "14:00")],
)

ROSEVILLE = page(
    LocationPage,
    "Roseville",
    "roseville",
    intro="Our Roseville clinic, close to Interstate 80, with parking at the door.",
    street_address="1550 Eureka Road, Suite 120",
    city="Roseville",
    region="CA",
    postal_code="95661",
    phone="(916) 555-0187",
    hero_image=Ref("image", "location-hero"),
    latitude=Decimal("38.757900"),
    longitude=Decimal("-121.279400"),
    directions=(
        "<p>From Interstate 80 take the Eureka Road exit and head east; we are in the "
        "single-story building on the right, with patient parking at the entrance. "
        "Roseville Transit buses stop nearby.</p>"
    ),
    service_area_zip_codes="95661 95678 95747 95765 95746 95650",
    hours=hours(WORKDAYS, "08:00", "18:00"),
)

LOCATIONS = page(
    LocationIndexPage,
    "Locations",
    "locations",
    menu=True,
    intro=(
        "Visit us in Sacramento or Roseville, or ask for a home visit if you live in one of "
        "the service areas listed below."
    ),
    children=[SACRAMENTO, ROSEVILLE],
)

CONTACT = page(
    ContactPage,
    "Contact us",
    "contact",
    menu=True,
    search_description="Contact Klearmind or book a free consultation.",
    intro=(
        "<p>Send us a message or ask for a free consultation and the front desk will "
        "reply within one working day.</p>"
        "<p><b>Please do not include health details here.</b> A clinician will ask about "
        "your health privately, by phone or in person.</p>"
        "<p>If you are in crisis or thinking about harming yourself, call or text 988 at "
        "any time. In an emergency, call 911.</p>"
    ),
    thank_you_text=("<p>Thank you for getting in touch. We will reply within one working day.</p>"),
    to_address="front-desk@klearmind.example",
    from_address="website@klearmind.example",
    subject="New message from the website",
)
