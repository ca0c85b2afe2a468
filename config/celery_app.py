import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("virtualrun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def urlconf_load(**_kwargs):
    """Import the URLconf and build its reverse tables as the worker starts, before the pool
    forks its processes, which then share them.

    Django loads them on the first ``reverse()``: about 0.5 s of importing every app's views,
    which the first task in each new process that builds a link (a prize notice, an email)
    would otherwise spend, with the draw's row lock held (benchmarks/draw_snapshot.py).
    """
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - the property builds the tables
