from django.urls import path

from . import views

app_name = "strava"

urlpatterns = [
    path("strava/", views.connection, name="connection"),
    path("strava/connect/", views.connect, name="connect"),
    path("strava/disconnect/", views.disconnect, name="disconnect"),
    path("strava/backfill/", views.backfill, name="backfill"),
    path("strava/webhook/", views.webhook, name="webhook"),
]
