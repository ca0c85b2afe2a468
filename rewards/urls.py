from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("prizes/", views.prizes, name="prizes"),
    path("prizes/<int:result_id>/claim/", views.claim, name="claim"),
    path("draws/<slug:slug>/", views.draw_detail, name="draw"),
    path("draws/<slug:slug>/entries.csv", views.draw_entries, name="draw_entries"),
]
