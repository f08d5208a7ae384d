from django.urls import path

from conduct.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.index, name="index"),
]
