"""Moves each service page's drip menu into variants of the service that page describes: the
booking's menu becomes the one price list (docs/decisions/030)."""

from django.db import migrations


def service_for(apps, page):
    Service = apps.get_model("booking", "Service")
    linked = Service.objects.filter(info_page_id=page.pk).order_by("pk")
    service = linked.filter(kind="hydration").first() or linked.first()
    if service is None:
        service = Service.objects.filter(kind="hydration", variants__isnull=True).first()
    if service is None:  # nothing books these drips yet: keep them on a service staff can open
        slug = page.slug if not Service.objects.filter(slug=page.slug).exists() else None
        service = Service.objects.create(
            name=page.title,
            slug=slug or f"{page.slug}-{page.pk}",
            kind="hydration",
            duration_minutes=45,
            online_booking="staff",
            active=False,
            info_page_id=page.pk,
        )
    return service


def copy_drips(apps, schema_editor):
    Drip = apps.get_model("pages", "Drip")
    ServicePage = apps.get_model("pages", "ServicePage")
    ServiceVariant = apps.get_model("booking", "ServiceVariant")
    for page in ServicePage.objects.filter(pk__in=Drip.objects.values("service_id")):
        service = service_for(apps, page)
        if ServiceVariant.objects.filter(service=service).exists():
            continue
        for drip in Drip.objects.filter(service_id=page.pk).order_by("sort_order", "pk"):
            ServiceVariant.objects.create(
                service=service,
                kind="drip",
                name=drip.name,
                description=drip.contents,
                minutes=drip.minutes,
                price=drip.price,
                sort_order=drip.sort_order,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_service_variants_and_good_faith_exam"),
        ("pages", "0004_phone_and_zip_rules"),
    ]

    operations = [migrations.RunPython(copy_drips, migrations.RunPython.noop)]
