from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("runs/import/", views.run_import, name="run_import"),
    path("runs/import/status/", views.run_import_status, name="run_import_status"),
]
