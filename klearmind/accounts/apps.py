from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "klearmind.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from . import receivers, roles

        receivers.connect()
        # Apps migrated after the roles migration add permissions the owner must hold too.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="klearmind.accounts.roles")
