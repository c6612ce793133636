from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


REFUSAL = "Audit events are append-only: they can be neither changed nor deleted."


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every update and delete, the internal paths included. A record kept this way
    (the audit log, the controlled-substance register, Needs attention's reviews) names its
    own error and refusal."""

    error: type[Exception] = AppendOnlyError
    refusal = REFUSAL

    def refuse(self):
        raise self.error(self.refusal)

    def update(self, **kwargs):
        self.refuse()

    def delete(self):
        self.refuse()

    # The internal paths that Model.save() on an existing row and fast deletes take.
    def _update(self, values):
        self.refuse()

    def _raw_delete(self, using):
        self.refuse()


class AppendOnlyModel(models.Model):
    """A row inserted once, never changed, never deleted; like its QuerySet, a record kept
    this way names its own error and refusal."""

    error: type[Exception] = AppendOnlyError
    refusal = REFUSAL

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.error(self.refusal)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.error(self.refusal)


class AuditEventQuerySet(AppendOnlyQuerySet):
    def by(self, user):
        return self.filter(actor=user)

    def about(self, target: models.Model):
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


class AuditEvent(AppendOnlyModel):
    """Who did what to which record, when, from where. Never changed, never deleted."""

    class Action(models.TextChoices):
        VIEW = "view", "View"
        CREATE = "create", "Create"
        CHANGE = "change", "Change"
        EXPORT = "export", "Export"
        DELETE = "delete", "Delete"
        LOGIN = "login", "Login"
        LOGOUT = "logout", "Logout"
        FAILED_LOGIN = "failed_login", "Failed login"
        LOCKED_OUT = "locked_out", "Locked out"
        PERMISSION_DENIED = "permission_denied", "Permission denied"
        UNLOCK = "unlock", "Unlock"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"

    occurred_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    # No database constraint and nothing done on delete: the row must neither block erasing a
    # staff account nor be rewritten when one goes. actor_label keeps the name (decision 007).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField("person", max_length=150, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True, editable=False)
    action = models.CharField(max_length=32, choices=Action.choices, editable=False)
    target_type = models.CharField("record type", max_length=100, blank=True, editable=False)
    target_id = models.CharField("record id", max_length=64, blank=True, editable=False)
    detail = models.CharField(max_length=500, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        default_permissions = ("view",)
        base_manager_name = "objects"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["-occurred_at"], name="audit_occurred_at_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_idx"),
            models.Index(
                fields=["target_type", "target_id", "-occurred_at"], name="audit_target_idx"
            ),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_idx"),
        ]

    def __str__(self):
        who = self.actor_label or "anonymous"
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.target}".rstrip()

    @property
    def target(self) -> str:
        return f"{self.target_type} #{self.target_id}" if self.target_id else self.target_type
