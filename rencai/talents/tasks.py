"""Background work (django-tasks): the import of an uploaded file."""

from django_tasks import task


@task()
def talent_import_job_run(job_id: int) -> dict:
    from . import services

    result = services.import_job_run(job_id=job_id)
    return {"job_id": job_id, "imported": result.imported if result else 0}
