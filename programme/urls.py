from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("levels/<int:number>/", views.level, name="level"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/delete/", views.run_delete, name="run_delete"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
