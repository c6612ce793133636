"""Booking forms: they validate what was typed and never act."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klearmind.clinic.forms import EmailAddressField, PersonNameField
from klearmind.clinic.text import reject_control_characters
from klearmind.clinic.validators import ZIP_CODE, validate_phone

from .menu import NO_DRIP, ChoiceRefused, has_menu, read_choice, variant_label
from .models import Location, OnlineBooking, Provider, Service, ServiceVariant, VariantKind
from .models.appointments import (
    ADDRESS_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
)

HOME = "home"
EXAM_HELD, EXAM_DUE = "held", "due"


class PlaceForm(forms.Form):
    """Where: one of the service's clinics, or at home after a ZIP code inside an area."""

    place = forms.ChoiceField(
        label=_("Where would you like your visit?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose where you would like your visit.")},
    )
    zip = forms.CharField(
        label=_("Your ZIP code (for a home visit)"),
        required=False,
        max_length=10,
        help_text=_("Five digits. We check that your home is inside one of our visit areas."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    drip = forms.ChoiceField(
        label=_("Which drip would you like?"),
        widget=forms.RadioSelect,
        error_messages={"required": NO_DRIP, "invalid_choice": NO_DRIP},
    )
    add = forms.MultipleChoiceField(
        label=_("Add-ons (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("That add-on is no longer on our menu.")},
    )
    exam = forms.ChoiceField(
        label=_("Your good-faith exam"),
        widget=forms.RadioSelect,
        choices=[
            (
                EXAM_HELD,
                _(
                    "I had my good-faith exam with you in the last 12 months, and my health and "
                    "medicines have not changed since"
                ),
            ),
            (
                EXAM_DUE,
                _(
                    "This is my first drip with you, my last exam was over a year ago, or my "
                    "health or medicines have changed"
                ),
            ),
        ],
        help_text=_(
            "California requires a short exam by a clinician before a first drip, every year, "
            "and after a change in your health."
        ),
        error_messages={"required": _("Please tell us whether you need a good-faith exam first.")},
    )

    field_order = ["exam", "drip", "add", "place", "zip"]  # as the step shows them

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        choices = [
            (loc.slug, _("%(place)s clinic") % {"place": loc.page.title})
            for loc in service.locations.all()
        ]
        if service.offered_at_home():
            choices.append((HOME, _("At home: we come to you")))
        self.fields["place"].choices = choices
        self.menu_fields(service)

    def menu_fields(self, service: Service) -> None:
        """The drip and add-on questions for a service with a menu; the exam question for
        IV hydration while the clinic books the good-faith exam online."""
        variants = list(service.variants.active())
        drips = [(str(v.pk), variant_label(v)) for v in variants if v.kind == VariantKind.DRIP]
        add_ons = [(str(v.pk), variant_label(v)) for v in variants if v.kind == VariantKind.ADD_ON]
        self.fields["drip"].choices = drips
        self.fields["add"].choices = add_ons
        if not drips:
            del self.fields["drip"]
        if not add_ons:
            del self.fields["add"]
        exams = Service.objects.good_faith_exams().bookable_online()
        if not (service.needs_good_faith_exam and exams.exists()):
            del self.fields["exam"]

    @property
    def exam_due(self) -> bool:
        return getattr(self, "cleaned_data", {}).get("exam") == EXAM_DUE

    def clean(self):
        data = super().clean()
        if data.get("place") == HOME:
            data["zip"] = (data.get("zip") or "").strip()
            try:
                home_visit_location(data["zip"])
            except ValidationError as refusal:
                self.add_error("zip", refusal)
        return data


def validate_zip_code(value: str) -> None:
    """The format of a home visit's ZIP code: the one place it is checked."""
    if not ZIP_CODE.match(value):
        raise ValidationError(
            _("For a home visit, please enter your five-digit ZIP code."), code="invalid_zip"
        )


def home_visit_location(zip_code: str) -> Location:
    """The location that makes home visits to `zip_code`; ValidationError says why none does."""
    validate_zip_code(zip_code)
    serving = Location.objects.serving_zip(zip_code)
    if not serving:
        raise ValidationError(
            _(
                "We do not make home visits to %(zip)s yet. Please choose one of our clinics "
                "instead, or call us to ask."
            ),
            code="outside_area",
            params={"zip": zip_code},
        )
    return serving[0]


# The shared fields' messages, in the language of the page (the same words in English).
CONTROL_CHARACTER = _("Please remove the invisible control character (code U+%(code)04X).")


class PatientForm(forms.Form):
    name = PersonNameField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please shorten your name to %(limit_value)d characters."),
            "control_character": CONTROL_CHARACTER,
        },
    )
    email = EmailAddressField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_LENGTH,
        required_message=_("Please enter your e-mail address."),
        help_text=_("We send your confirmation and a reminder here."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=PHONE_MAX_LENGTH,
        validators=[validate_phone],
        help_text=_("In case we need to reach you about your visit."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={
            "required": _("Please enter a phone number."),
            "invalid_phone": _(
                "Please enter a phone number with its area code, like (916) 555-0142."
            ),
        },
    )
    home_address = forms.CharField(
        label=_("Your home address"),
        max_length=ADDRESS_MAX_LENGTH,
        required=False,
        validators=[reject_control_characters],
        help_text=_("Street, number, apartment, city."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"control_character": CONTROL_CHARACTER},
    )
    series = forms.ChoiceField(
        label=_("How many visits?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("one", _("Just this visit")),
            ("series", _("The induction series: six infusions over two to three weeks")),
        ],
    )

    def __init__(self, *args, at_home: bool, offers_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.at_home = at_home
        if at_home:
            self.fields["home_address"].required = True
            self.fields["home_address"].error_messages["required"] = _(
                "Please enter the address where we should come."
            )
        else:
            del self.fields["home_address"]
        self.fields["email"].error_messages["invalid"] = _(
            "Please enter an e-mail address like name@example.com."
        )
        if offers_series:
            self.fields["series"].initial = "series"
        else:
            del self.fields["series"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()

    @property
    def wants_series(self) -> bool:
        return self.cleaned_data.get("series") == "series"


def staff_service_label(service: Service) -> str:
    if service.online_booking == OnlineBooking.STAFF:
        return f"{service.name} (staff only)"
    return service.name


def free_time_label(free) -> str:
    where = f"chair {free.chair}" if free.chair else "no chair"
    return f"{free.starts_at:%-I:%M %p} · {where} · {free.provider}"


def menu_choices(kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The active drips (or add-ons) of every active service, grouped under the service."""
    variants = (
        ServiceVariant.objects.active()
        .filter(kind=kind, service__active=True)
        .select_related("service")
        .order_by("service__name", "sort_order", "pk")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for variant in variants:
        groups.setdefault(variant.service.name, []).append(
            (str(variant.pk), variant_label(variant))
        )
    return list(groups.items())


class StaffMenuMixin:
    """The drip and add-ons the desk books a service with a menu as (the public flow's menu):
    `cleaned_data["choice"]` is the `menu.DripChoice`, or None for a service without one."""

    def add_menu_fields(self) -> None:
        drips = menu_choices(VariantKind.DRIP)
        if not drips:
            return
        self.fields["drip"] = forms.ChoiceField(
            label="Drip (for a service with a drip menu)",
            required=False,
            choices=[("", "—")] + drips,
        )
        self.fields["add"] = forms.MultipleChoiceField(
            label="Add-ons",
            required=False,
            choices=menu_choices(VariantKind.ADD_ON),
            widget=forms.CheckboxSelectMultiple,
        )

    def clean_menu(self, data) -> None:
        service = data.get("service")
        data["choice"] = None
        if service is None or not has_menu(service):
            return
        try:
            data["choice"] = read_choice(
                service,
                data.get("drip"),
                data.get("add") or [],
                at_home=bool(data.get("at_home_visit")),
            )
        except ChoiceRefused as refusal:
            field = "drip" if "drip" in self.fields else None
            self.add_error(field, f"{service.name} is booked as a drip: {refusal}")

    def timed_service(self) -> Service:
        """The service as booked: a drip lasts its own and its add-ons' minutes."""
        service, choice = self.cleaned_data["service"], self.cleaned_data.get("choice")
        return service if choice is None else service.lasting(choice.minutes)


class VisitChooserForm(StaffMenuMixin, forms.Form):
    """The front desk's first step: which visit, where, and which month and day to show."""

    service = forms.ModelChoiceField(queryset=Service.objects.active(), label="Service")
    location = forms.ModelChoiceField(
        queryset=Location.objects.select_related("page"), label="Location"
    )
    at_home_visit = forms.BooleanField(label="Home visit sent from this location", required=False)
    month = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].label_from_instance = staff_service_label
        self.add_menu_fields()
        self.order_fields(["service", "drip", "add", "location", "at_home_visit"])

    def clean(self):
        data = super().clean()
        self.clean_menu(data)
        return data


class StaffBookingForm(StaffMenuMixin, PatientForm):
    """The front desk books for a caller: the same checks, plus the service, place and time."""

    service = forms.ModelChoiceField(queryset=Service.objects.active(), label="Service")
    location = forms.ModelChoiceField(
        queryset=Location.objects.select_related("page"), label="Location"
    )
    at_home_visit = forms.BooleanField(label="Home visit sent from this location", required=False)
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))

    field_order = ["service", "drip", "add", "location", "at_home_visit", "day", "time"]
    # Written for the person at the desk, not for the patient.
    STAFF_WORDING = {
        "name": ("Patient's full name", ""),
        "email": ("Patient's e-mail", "The confirmation and the reminder go here."),
        "phone": ("Patient's phone", ""),
        "home_address": ("Address of the home visit", "Street, number, apartment, city."),
    }

    def __init__(self, *args, **kwargs):
        data = args[0] if args else kwargs.get("data")
        initial = kwargs.get("initial") or {}
        # The hidden copy of the box sends "False" for a visit at the clinic.
        posted = forms.BooleanField().to_python(data.get("at_home_visit")) if data else False
        at_home = bool(posted or initial.get("at_home_visit"))
        super().__init__(*args, at_home=at_home, offers_series=False, **kwargs)
        for name, (label, help_text) in self.STAFF_WORDING.items():
            if name in self.fields:
                self.fields[name].label, self.fields[name].help_text = label, help_text
        self.fields["service"].label_from_instance = staff_service_label
        self.add_menu_fields()
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        self.clean_menu(data)
        return data

    def offer_times(self, times) -> None:
        """The visit and its day were chosen above: they ride along hidden, and the time is
        one of the day's free times, each named with its chair and provider."""
        for name in ("service", "drip", "location", "at_home_visit", "day"):
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()
        if "add" in self.fields:
            self.fields["add"].widget = forms.MultipleHiddenInput()
        self.fields["time"].label = "Free time"
        self.fields["time"].widget = forms.RadioSelect(
            choices=[(f"{free.starts_at:%H:%M}", free_time_label(free)) for free in times]
        )

    def starts_at(self) -> datetime.datetime:
        zone = self.cleaned_data["location"].zone
        return datetime.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=zone
        )


class MoveForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.select_related("page"), label="Location"
    )
    day = forms.DateField(label="New day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="New time", widget=forms.TimeInput(attrs={"type": "time"}))

    def starts_at(self) -> datetime.datetime:
        zone = self.cleaned_data["location"].zone
        return datetime.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=zone
        )


class CalendarFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.select_related("page"), required=False, empty_label=None
    )
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    view = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], required=False)
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.all(), required=False, empty_label="All providers"
    )


class ScheduleForm(forms.Form):
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    view = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], required=False)


# The largest id a database row can have (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1


class RowChoicesField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be a row's id before the query: SQLite raises an
    OverflowError on an integer too large for it instead of finding nothing."""

    def _check_values(self, value):
        for key in value:
            if not str(key).isdecimal() or int(key) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super()._check_values(value)


class InvitationForm(forms.Form):
    name = forms.CharField(
        label="Candidate's name", max_length=NAME_MAX_LENGTH, validators=[reject_control_characters]
    )
    email = forms.EmailField(label="Candidate's e-mail", max_length=EMAIL_MAX_LENGTH)
    services = RowChoicesField(
        queryset=Service.objects.active().filter(online_booking="invited"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to allow every treatment that needs an invitation.",
    )
