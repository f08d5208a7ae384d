from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.meeting_new, name="new"),
    path("new/merge-candidates/", views.merge_candidates, name="merge_candidates"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/record/", views.meeting_record, name="record"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/minutes/", views.minutes_file, name="minutes_file"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("calendar/week/", views.calendar_week, name="calendar_week"),
    path("calendar/feed/", views.feed_settings, name="feed"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("figures/", views.figures, name="figures"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("press/", views.press_list, name="press_list"),
    path("press/new/", views.press_new, name="press_new"),
]
