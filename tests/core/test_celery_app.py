from celery.signals import worker_init
from django.urls import clear_url_caches, get_resolver, reverse

from config.celery_app import urlconf_load


def test_a_starting_worker_builds_the_url_tables_before_its_first_task():
    clear_url_caches()
    assert not get_resolver()._populated  # what a fresh process starts with
    urlconf_load(sender=None)
    assert get_resolver()._populated
    assert reverse("rewards:prizes") == "/prizes/"


def test_it_runs_when_the_worker_starts():
    assert any(receiver() is urlconf_load for _, receiver in worker_init.receivers)
