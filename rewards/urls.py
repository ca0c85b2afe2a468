from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("prizes/", views.prizes, name="prizes"),
    path("prizes/<int:result_id>/claim/", views.claim, name="claim"),
    # Before draws/<slug>/: "method" is a reserved slug (validators.RESERVED_DRAW_SLUGS).
    path("draws/method/", views.draw_method, name="draw_method"),
    path("draws/method/<str:name>", views.draw_method_file, name="draw_method_file"),
    path("draws/<slug:slug>/", views.draw_detail, name="draw"),
    path("draws/<slug:slug>/entries.csv", views.draw_entries, name="draw_entries"),
]
