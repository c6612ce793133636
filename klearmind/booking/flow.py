"""Where a patient is in the booking steps, read from the address: the service, the place and
the ZIP code of a home visit. Nothing personal travels in it, and no link: a clinician's
invitation, once its link was opened, is read from the session."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from klearmind.clinic.validators import ZIP_CODE

from .availability import Place
from .forms import HOME
from .links import INVITATION_GRANTED, BadLink, invitation_id
from .models import Invitation, Location, OnlineBooking, Service
from .services import SlotUnavailable, check_offered


class StepRefused(Exception):
    """A step that cannot go on, with the message to show and the step to go back to."""

    def __init__(self, message: str, *, back: str):
        super().__init__(message)
        self.message, self.back = message, back


@dataclass
class Flow:
    service: Service
    place: Place | None = None
    zip_code: str = ""
    invitation: Invitation | None = None

    def query(self, **extra) -> str:
        params = {"zip": self.zip_code, **extra}
        params = {key: value for key, value in params.items() if value}
        return "?" + urlencode(params) if params else ""

    def url(self, name: str, *args, **extra) -> str:
        place_args = [self.place.key] if self.place and name != "booking:place" else []
        path = reverse(name, args=[self.service.slug, *place_args, *args])
        return path + self.query(**extra)

    def hidden(self) -> dict[str, str]:
        return {"zip": self.zip_code} if self.zip_code else {}


def invitation_used() -> StepRefused:
    return StepRefused(
        "This booking link has been used or has expired. Please call us and we will send a "
        "new one.",
        back=reverse("booking:start"),
    )


def read_invitation(token: str) -> Invitation:
    """The usable invitation an e-mailed link names; StepRefused says why not."""
    try:
        pk = invitation_id(token)
    except BadLink:
        raise StepRefused(
            "This booking link is not valid. Please use the link from your e-mail exactly as "
            "it was sent, or call us.",
            back=reverse("booking:start"),
        ) from None
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None or not invitation.is_usable:
        raise invitation_used()
    return invitation


def granted_invitation(request) -> Invitation | None:
    """The invitation whose link was opened in this browser, usable or not."""
    pk = request.session.get(INVITATION_GRANTED)
    return Invitation.objects.filter(pk=pk).first() if pk else None


def read_flow(request, service_slug: str, place_key: str | None = None) -> Flow:
    service = get_object_or_404(Service.objects.active(), slug=service_slug)
    invitation = granted_invitation(request)
    check_bookable_online(service, invitation)
    usable = invitation if invitation and invitation.is_usable else None
    flow = Flow(service=service, invitation=usable)
    if place_key is None:
        return flow
    flow.place = read_place(request, service, place_key)
    if flow.place.at_home:
        flow.zip_code = (request.GET.get("zip", "") or request.POST.get("zip", "")).strip()
    try:
        check_offered(service=service, place=flow.place, staff=False, invitation=flow.invitation)
    except SlotUnavailable as refusal:
        raise StepRefused(refusal.message, back=flow.url("booking:place")) from None
    return flow


def check_bookable_online(service: Service, invitation: Invitation | None) -> None:
    if service.online_booking == OnlineBooking.STAFF:
        raise StepRefused(
            f"{service.name} is booked by the clinic. Please call us.",
            back=reverse("booking:start"),
        )
    if service.needs_invitation and not (invitation and invitation.unlocks(service)):
        if invitation is not None and not invitation.is_usable:
            raise invitation_used()
        raise StepRefused(
            f"{service.name} can be booked online once a clinician has reviewed your "
            "questionnaire and sent you a personal booking link. You can book a free phone "
            "consultation now.",
            back=reverse("booking:start"),
        )


def read_place(request, service: Service, place_key: str) -> Place:
    back = reverse("booking:place", args=[service.slug])
    if place_key != HOME:
        location = Location.objects.select_related("page").filter(page__slug=place_key).first()
        if location is None:
            raise Http404("No such place.")
        return Place(location)
    zip_code = (request.GET.get("zip", "") or request.POST.get("zip", "")).strip()
    if not ZIP_CODE.match(zip_code):
        raise StepRefused("For a home visit, please enter your five-digit ZIP code.", back=back)
    serving = Location.objects.serving_zip(zip_code)
    if not serving:
        raise StepRefused(
            f"We do not make home visits to {zip_code} yet. Please choose one of our clinics.",
            back=back,
        )
    return Place(serving[0], at_home=True)


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("Not a date.") from None


def parse_start(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None
