from django_tasks import task

from kabinet.imports import services


@task(queue_name="default")
def import_job_match_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
