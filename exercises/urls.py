from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("exercises/", views.exercise_list, name="list"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="detail"),
    path("levels/<int:number>/routine/", views.routine, name="routine"),
    path("levels/<int:number>/routine/log/", views.routine_log, name="routine_log"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/delete/", views.session_delete, name="session_delete"),
]
