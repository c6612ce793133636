from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "klearmind.audit"
    label = "audit"
    verbose_name = "Audit log"
