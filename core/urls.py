from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("rules/", views.rules, name="rules"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
