"""A person's packages and memberships in a few words, as their account (staff) and the portal
(the person) show them."""

from django.utils import timezone

from . import memberships
from .models import Membership, MembershipStatus, Package


def package_rows(email_hash: str) -> list[dict]:
    packages = Package.objects.of(email_hash).open().select_related("plan")
    rows = []
    for package in packages:
        left = package.credits_left()
        rows.append(
            {
                "package": package,
                "name": package.plan.name,
                "left": left,
                "visits": package.visits,
                "unused_value": package.value_of_unused(left),
            }
        )
    return rows


def membership_rows(email_hash: str, *, most: int = 5) -> list[dict]:
    today = timezone.localdate()
    found = Membership.objects.of(email_hash).select_related("plan").order_by("-started_at")
    return [
        {
            "membership": membership,
            "runs": membership.runs_on(today),
            "drips_left": memberships.drips_left(membership, today),
            "cancellable": membership.status != MembershipStatus.CANCELLED,
        }
        for membership in found[:most]
    ]
