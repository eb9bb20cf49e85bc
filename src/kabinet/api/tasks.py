from django_tasks import task

from kabinet.api import services


@task(queue_name="default")
def api_calls_purge_task() -> None:
    services.api_calls_purge()
