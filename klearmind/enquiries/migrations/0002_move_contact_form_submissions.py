"""Move the contact page's form-builder submissions into Enquiry (encrypted), then delete them
from wagtailforms_formsubmission, where they sat in plain text.

The form's own fields say which answer is which: the e-mail field gives the address, a
single-line field labelled "name" or "phone" those; every other answer is kept in the message,
under its label, so nothing typed is lost."""

from django.db import migrations

NAMES = {"name": ("name", "full name", "your name"), "phone": ("phone", "telephone", "phone number")}
LIMITS = {"name": 150, "email": 254, "phone": 40}


def field_roles(fields) -> dict[str, str]:
    """clean_name -> name, email, phone, message (the first multi-line field) or other."""
    roles = {}
    for field in fields:
        label, taken = field.label.strip().lower(), set(roles.values())
        role = "other"
        if field.field_type == "email":
            role = "email"
        elif field.field_type == "multiline":
            role = "message"
        elif field.field_type == "singleline":
            role = next((name for name, labels in NAMES.items() if label in labels), "other")
        roles[field.clean_name] = "other" if role in taken else role
    return roles


def as_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def enquiry_fields(data: dict, fields) -> dict[str, str]:
    """The enquiry's name, email, phone and message from one submission's answers."""
    roles, labels = field_roles(fields), {field.clean_name: field.label for field in fields}
    found, others = {"name": "", "email": "", "phone": "", "message": ""}, []
    for key, value in data.items():
        role, text = roles.get(key, "other"), as_text(value).strip()
        if role == "other" or len(text) > LIMITS.get(role, 5000):
            if text:
                others.append(f"{labels.get(key, key)}: {text}")
        else:
            found[role] = text
    found["message"] = "\n\n".join(filter(None, [found["message"], *others]))
    return found


def move(apps, schema_editor):
    ContactPage = apps.get_model("pages", "ContactPage")
    ContactFormField = apps.get_model("pages", "ContactFormField")
    FormSubmission = apps.get_model("wagtailforms", "FormSubmission")
    Enquiry = apps.get_model("enquiries", "Enquiry")
    # Ids only: the historical ContactPage still has the form builder's base, which cannot be
    # instantiated outside the app.
    for page_id in ContactPage.objects.values_list("pk", flat=True):
        fields = list(ContactFormField.objects.filter(page_id=page_id).order_by("sort_order"))
        submissions = FormSubmission.objects.filter(page_id=page_id).order_by("submit_time", "pk")
        for submission in submissions:
            found = enquiry_fields(submission.form_data or {}, fields)
            # The encrypted fields and the e-mail's lookup hash work as in the app.
            Enquiry.objects.create(
                created_at=submission.submit_time,
                name=found["name"] or "(no name given)",
                email=found["email"],
                phone=found["phone"],
                message=found["message"],
            )
        submissions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0001_enquiry"),
        ("pages", "0001_initial"),
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
