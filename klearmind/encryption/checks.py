from django.conf import settings
from django.core import checks

from .keys import encryption_keys_problem, lookup_key_problem


@checks.register(checks.Tags.security)
def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    if problem := encryption_keys_problem(settings.FIELD_ENCRYPTION_KEYS):
        errors.append(checks.Error(problem, id="encryption.E001"))
    if problem := lookup_key_problem(settings.FIELD_LOOKUP_KEY):
        errors.append(checks.Error(problem, id="encryption.E002"))
    return errors
