"""Periodic work on comments, run by the task worker. Comment e-mail goes through the outbox
(emails.py)."""

from django_tasks import task


@task()
def erase_network_data_task() -> int:
    """Erase the IP addresses and browsers past their keeping time; the scheduler runs it
    daily. Returns how many comments changed."""
    from .services import erase_network_data

    return erase_network_data()
