"""The erasure of stale drafts, run by the task worker. Questionnaire e-mail goes through the
outbox (emails.py)."""

from django_tasks import task


@task()
def erase_stale_drafts_task() -> str:
    from .services import erase_stale_drafts

    return f"erased {erase_stale_drafts()} draft(s)"
