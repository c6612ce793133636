"""Forms of the controlled-substance register. They validate what was typed (a witness's
password included); the register's services decide what may be recorded."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from klearmind.accounts import roles
from klearmind.booking.models import Location
from klearmind.clinic.forms import DescribedFieldsMixin

from .models import Container, Product
from .models.entries import KETAMINE_STRENGTHS_MG_PER_ML, SPRAVATO_DEVICE_MG

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_MAX = 500


def mg_field(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0"), max_value=Decimal("100000"), decimal_places=2, **kwargs
    )


class LocationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Location.objects.select_related("page"), **kwargs)

    def label_from_instance(self, obj):
        return obj.page.title


class ReceiptForm(DescribedFieldsMixin, forms.Form):
    location = LocationChoiceField(label="Received at")
    product = forms.ChoiceField(choices=Product.choices, widget=forms.RadioSelect)
    supplier = forms.CharField(max_length=120)
    invoice_number = forms.CharField(
        label="Invoice or packing slip number", max_length=60, required=False
    )
    lot = forms.CharField(label="Lot number", max_length=40)
    expires_on = forms.DateField(label="Expiry date", widget=DATE_WIDGET)
    mg_per_ml = forms.TypedChoiceField(
        label="Strength (mg/mL)",
        coerce=Decimal,
        empty_value=None,
        required=False,
        choices=[("", "—"), *((s, f"{s} mg/mL") for s in KETAMINE_STRENGTHS_MG_PER_ML)],
        help_text="Ketamine vials only.",
    )
    ml_per_unit = forms.DecimalField(
        label="Volume per vial (mL)",
        min_value=Decimal("0.5"),
        max_value=Decimal("100"),
        decimal_places=2,
        required=False,
        help_text="Ketamine vials only. A Spravato device always holds 28 mg.",
    )
    quantity = forms.IntegerField(
        label="Number of vials or devices", min_value=1, max_value=200, help_text="Whole units."
    )
    received_on = forms.DateField(label="Received on", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("product") == Product.KETAMINE_VIAL:
            for name in ("mg_per_ml", "ml_per_unit"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give this for a ketamine vial.")
        received, expires = data.get("received_on"), data.get("expires_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", "That date is still to come.")
        if received and expires and expires <= received:
            self.add_error("expires_on", "This lot had expired when it arrived: do not stock it.")
        return data


def eligible_witnesses():
    """Active clinicians and owners: those who may witness waste."""
    names = [roles.CLINICIAN.name, roles.OWNER.name]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=names) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ContainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        receipt, balance = obj.receipt, obj.balance_mg
        ml = obj.in_ml(balance)
        held = f"{balance:.2f} mg" + (f" ({ml} mL)" if ml is not None else "")
        return (
            f"{obj} · {receipt.product_label} · lot {receipt.lot}, expires "
            f"{receipt.expires_on:%d %b %Y} · {receipt.location} · holds {held}"
        )


class DrawForm(DescribedFieldsMixin, forms.Form):
    container = ContainerChoiceField(label="Vial or device", queryset=Container.objects.none())
    drawn_mg = mg_field("Drawn (mg)")
    given_mg = mg_field("Given (mg)", help_text="Should match the chart's dose.")
    wasted_mg = mg_field("Wasted (mg)", initial=Decimal("0"))
    witness = PersonChoiceField(
        label="Witness to the waste",
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="A second clinician or the owner, who saw the waste; needed when any is wasted.",
    )
    witness_password = forms.CharField(
        label="Witness's password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The witness types their own password to confirm.",
    )

    def __init__(self, *args, chart, user, **kwargs):
        self.chart, self.user = chart, user
        super().__init__(*args, **kwargs)
        stock = Container.objects.in_stock().for_product(Product.for_medicine(chart.medicine))
        if chart.appointment_id:
            stock = stock.at(chart.appointment.location)
        self.fields["container"].queryset = stock.filter(
            receipt__expires_on__gte=chart.session_date
        )
        self.fields["witness"].queryset = eligible_witnesses()
        if chart.is_spravato:
            self.fields["drawn_mg"].help_text = f"A device is used whole: {SPRAVATO_DEVICE_MG} mg."

    def clean(self):
        data = super().clean()
        drawn, given, wasted = (data.get(n) for n in ("drawn_mg", "given_mg", "wasted_mg"))
        if None not in (drawn, given, wasted) and drawn != given + wasted:
            self.add_error(
                "drawn_mg",
                f"Drawn must be given plus wasted: {given} + {wasted} = {given + wasted} mg.",
            )
        if wasted:
            self.clean_witness_confirmation(data.get("witness"), data.get("witness_password"))
        return data

    def clean_witness_confirmation(self, witness, password) -> None:
        if "witness" in self.errors:
            return
        if witness is None:
            self.add_error("witness", "Choose who witnessed the waste.")
        elif witness.pk == self.user.pk:
            self.add_error("witness", "The witness must be someone other than you.")
        elif not password:
            self.add_error("witness_password", "The witness must type their password.")
        elif not witness.check_password(password):
            self.add_error(
                "witness_password",
                f"That is not the password of {witness.get_full_name() or witness}. "
                "Nothing was recorded.",
            )


class ReversalForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this entry wrong?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The entry stays in the register; a new entry undoes it. Record the right "
        "entry afterwards. No patient details here.",
    )


class CountForm(DescribedFieldsMixin, forms.Form):
    """One row per vial or device in stock: counted in mL for a vial, as 0 or 1 for a device."""

    notes = forms.CharField(label="Notes", max_length=REASON_MAX, required=False)

    def __init__(self, *args, containers, **kwargs):
        self.containers = list(containers)
        super().__init__(*args, **kwargs)
        for container in self.containers:
            if container.receipt.is_vial:
                counted = forms.DecimalField(
                    label=f"{container}: mL counted",
                    min_value=Decimal("0"),
                    max_value=container.receipt.ml_per_unit,
                    decimal_places=2,
                )
            else:
                counted = forms.TypedChoiceField(
                    label=f"{container}: device present?",
                    coerce=int,
                    choices=[(1, "Present, unused"), (0, "Missing or used")],
                )
            self.fields[f"counted_{container.pk}"] = counted
            self.fields[f"reason_{container.pk}"] = forms.CharField(
                label=f"{container}: reason for any difference",
                max_length=REASON_MAX,
                required=False,
            )

    def rows(self):
        return [(c, self[f"counted_{c.pk}"], self[f"reason_{c.pk}"]) for c in self.containers]

    def counted(self) -> dict[int, tuple[Decimal, str]]:
        """Each container's counted amount in mg, with the counter's reason."""
        found = {}
        for container in self.containers:
            value = Decimal(self.cleaned_data[f"counted_{container.pk}"])
            receipt = container.receipt
            mg = value * (receipt.mg_per_ml if receipt.is_vial else receipt.mg_per_unit)
            found[container.pk] = (mg, self.cleaned_data[f"reason_{container.pk}"])
        return found


class ReviewForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for the difference",
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty to accept the reason the counter gave.",
    )
    adjust = forms.BooleanField(
        label="Adjust the register to the count", required=False, initial=True
    )
    reported_to_dea = forms.BooleanField(
        label="Reported to the DEA as a theft or significant loss (Form 106)", required=False
    )
