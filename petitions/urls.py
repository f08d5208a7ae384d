from django.urls import path

from petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.case_register, name="case_register"),
    path("import/", views.case_import, name="case_import"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<slug:verb>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/extend/", views.case_extend, name="case_extend"),
    path("cases/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("cases/<int:pk>/reply.pdf", views.case_reply_pdf, name="case_reply_pdf"),
    path("access-log/", views.access_log, name="access_log"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/report.pdf", views.monthly_report, name="monthly_report"),
    path("reception-days/", views.reception_days, name="reception_days"),
    path("receptions/", views.reception_records, name="reception_records"),
    path("public/<slug:code>/reception-days/", views.public_reception_days, name="public_reception_days"),
]
