"""Staff accounts: the permissions that guard people's data, and per-person session state."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProtectedData(models.Model):
    """No table: only the permissions that health and patient data are checked against.

    Django permissions hang off a model; the intake, booking and care records all check these
    few, so a role is granted "health records" once rather than model by model.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_health_record", "Can read health information (answers, charts, scores)"),
            ("change_health_record", "Can record and change health information"),
            ("export_health_record", "Can export health information"),
            ("view_patient_contact", "Can see patients' contact details and appointments"),
            ("manage_appointments", "Can book, move and cancel appointments"),
            ("unlock_login", "Can unlock a login locked after failed attempts"),
        ]

    def __str__(self):
        return "Protected data"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Every session that began before this moment is ended at its next request.
    sessions_revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "staff profile"

    def __str__(self):
        return f"Staff profile of {self.user}"

    @classmethod
    def for_user(cls, user) -> "StaffProfile":
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    def revoke_sessions(self) -> None:
        """End every session of this person, on every device, from their next request."""
        self.sessions_revoked_at = timezone.now()
        self.save(update_fields=["sessions_revoked_at"])
