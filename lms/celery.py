"""The Celery app. Apps use @shared_task and never import this module."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
