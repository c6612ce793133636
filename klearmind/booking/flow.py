"""Where a patient is in the booking steps, read from the address: the service, the place, the
ZIP code of a home visit and the drip and add-ons chosen from a menu. Nothing personal travels
in it, and no link: a clinician's invitation, once its link was opened, is read from the
session."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import hooks
from .availability import Place
from .forms import HOME, home_visit_location
from .links import INVITATION_GRANTED, BadLink, invitation_id
from .menu import ChoiceRefused, DripChoice, has_menu, read_choice
from .models import Invitation, Location, Service
from .services import INVITATION_USED, SlotUnavailable, check_offered


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
    choice: DripChoice | None = None

    @property
    def params(self) -> str:
        """The step's address parameters, encoded, to follow another parameter."""
        return self.query()[1:]

    def query(self, **extra) -> str:
        choice = self.choice.query() if self.choice else {}
        params = {"zip": self.zip_code, **choice, **extra}
        params = {key: value for key, value in params.items() if value}
        return "?" + urlencode(params, doseq=True) if params else ""

    def url(self, name: str, *args, **extra) -> str:
        place_args = [self.place.key] if self.place and name != "booking:place" else []
        path = reverse(name, args=[self.service.slug, *place_args, *args])
        return path + self.query(**extra)

    def hidden(self) -> list[tuple[str, str]]:
        """The address parameters as the hidden fields of the forms that post back."""
        pairs = [("zip", self.zip_code)] if self.zip_code else []
        for name, value in (self.choice.query() if self.choice else {}).items():
            values = value if isinstance(value, list) else [value]
            pairs += [(name, str(item)) for item in values]
        return pairs


def invitation_used() -> StepRefused:
    return StepRefused(INVITATION_USED, back=reverse("booking:start"))


def read_invitation(token: str) -> Invitation:
    """The usable invitation an e-mailed link names; StepRefused says why not."""
    try:
        pk = invitation_id(token)
    except BadLink:
        raise StepRefused(
            _(
                "This booking link is not valid. Please use the link from your e-mail exactly as "
                "it was sent, or call us."
            ),
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
    """The step's service and place, refused (StepRefused) unless this person may book the
    service there: the one `check_offered` of the request."""
    service = get_object_or_404(Service.objects.active(), slug=service_slug)
    invitation = granted_invitation(request)
    usable = invitation if invitation and invitation.is_usable else None
    flow = Flow(service=service, invitation=usable)
    if place_key is not None:
        flow.place, flow.zip_code = read_place(request, service, place_key)
        flow.choice = read_drip(request, flow)
        if flow.choice is not None:  # the drip's minutes are the visit's
            flow.service = service.lasting(flow.choice.minutes)
    try:
        check_offered(service=service, place=flow.place, staff=False, invitation=invitation)
    except SlotUnavailable as refusal:
        place_refused = refusal.code == "not_here"
        back = flow.url("booking:place") if place_refused else reverse("booking:start")
        raise StepRefused(refusal.message, back=back) from None
    return flow


def read_drip(request, flow: Flow) -> DripChoice | None:
    """The drip and add-ons chosen, for a service with a menu; StepRefused back to the first
    step when none is chosen or one left the menu."""
    if not has_menu(flow.service):
        return None
    data = request.POST if request.method == "POST" else request.GET
    try:
        return read_choice(
            flow.service, data.get("drip"), data.getlist("add"), at_home=flow.place.at_home
        )
    except ChoiceRefused as refusal:
        raise StepRefused(str(refusal), back=flow.url("booking:place")) from None


def read_place(request, service: Service, place_key: str) -> tuple[Place, str]:
    """The place in the address, and for a home visit its ZIP code (see home_visit_location)."""
    if place_key != HOME:
        location = Location.objects.select_related("page").filter(page__slug=place_key).first()
        if location is None:
            raise Http404("No such place.")
        return Place(location), ""
    zip_code = (request.GET.get("zip", "") or request.POST.get("zip", "")).strip()
    try:
        location = home_visit_location(zip_code)
    except ValidationError as refusal:
        back = reverse("booking:place", args=[service.slug])
        raise StepRefused(refusal.messages[0], back=back) from None
    return Place(location, at_home=True), zip_code


def known_details(request, flow: Flow) -> dict[str, str]:
    """What the details step starts filled in with: what this browser already typed in the
    questionnaire (read from the session by the app that owns it, see `hooks`), and the name
    and e-mail of the clinician's invitation. Never from the address."""
    details = hooks.known_details(request)
    if flow.invitation is not None:
        details.update(name=flow.invitation.name, email=flow.invitation.email)
    return details


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


def service_choices() -> list[tuple[str, str]]:
    """The services a "Book…" button of the public site may open the flow at."""
    return list(Service.objects.bookable_online().values_list("slug", "name"))


def place_choices() -> list[tuple[str, str]]:
    """The clinics such a button may choose in advance (a home visit needs its ZIP code)."""
    locations = Location.objects.select_related("page").order_by("page__title")
    return [(location.page.slug, location.page.title) for location in locations]
