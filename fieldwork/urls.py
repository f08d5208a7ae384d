from django.urls import path

from fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.index, name="index"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/withdraw/", views.visit_delete, name="visit_delete"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
    path("quota/", views.quota, name="quota"),
    path("progress/<int:pk>/", views.progress, name="progress"),
    path("villages/", views.village_list, name="village_list"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_edit, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/file/", views.report_file, name="report_file"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_edit, name="household_create"),
    path("households/import/", views.household_import, name="household_import"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    # R-ORG-3: public pages, no login.
    path("public/<slug:township>/", views.public_township, name="public_township"),
    path("public/<slug:township>/<slug:village>/", views.public_village, name="public_village"),
]
