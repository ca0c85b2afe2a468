from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/data/", views.data_export, name="data"),
    path("account/delete/", views.delete, name="delete"),
]
