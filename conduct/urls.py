from django.urls import path

from conduct import views

app_name = "conduct"
urlpatterns = [
    path("", views.index, name="index"),
    path("punch/", views.punch, name="punch"),
    path("punches/import/", views.punch_import, name="punch_import"),
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("leave/<int:pk>/", views.leave_detail, name="leave_detail"),
    path("trips/", views.trip_list, name="trip_list"),
    path("trips/new/", views.trip_new, name="trip_new"),
    path("trips/<int:pk>/", views.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/scan/", views.trip_scan, name="trip_scan"),
    path("leaving/", views.registration_list, name="registration_list"),
    path("corrections/", views.correction_list, name="correction_list"),
    path("sheet/", views.department_sheet, name="department_sheet"),
    path("summary/", views.daily_summary, name="daily_summary"),
    path("roster/", views.roster, name="roster"),
    path("logs/", views.worklog_list, name="worklog_list"),
    path("logs/report/", views.worklog_report, name="worklog_report"),
    path("study/", views.study_list, name="study_list"),
]
