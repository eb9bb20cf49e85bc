from django_tasks import task

from kabinet.pricing import services


@task(queue_name="default")
def price_list_build_task(price_list_id: int) -> None:
    services.price_list_run(price_list_id=price_list_id)
