from django_tasks import task

from kabinet.exchange import services


@task(queue_name="default")
def exchange_file_import(file_id: int) -> None:
    services.exchange_file_run(file_id=file_id)
