"""Background work (django-tasks): rebuilding the statistics snapshot, generating an annual report."""

from django_tasks import task


@task()
def reports_stats_refresh() -> dict:
    from . import services

    snapshot = services.stats_refresh(actor=None)
    return {"snapshot_id": snapshot.pk, "duration_ms": snapshot.duration_ms}


@task()
def report_job_run(job_id: int) -> dict:
    from . import services

    job = services.report_job_run(job_id=job_id)
    return {"job_id": job_id, "status": job.status}
