from django_tasks import task

from kabinet.events import services


@task(queue_name="default")
def event_reminders_send() -> int:
    """A day-before reminder to every confirmed participant; safe to run any number of times."""
    return services.event_reminders_send()
