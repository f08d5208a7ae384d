from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from township import views, views_audit, views_offline
from township import views_supervision as sv
from township.admin_site import restrict_admin

restrict_admin(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Working without signal (issue 18): the installable app and the records sent from the phone.
    path("manifest.webmanifest", views_offline.manifest, name="web_manifest"),
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("offline/", views_offline.offline_queue, name="offline_queue"),
    path("offline/status/", views_offline.offline_status, name="offline_status"),
    path("offline/sync/", views_offline.offline_sync, name="offline_sync"),
    path("offline/<int:pk>/discard/", views_offline.offline_discard, name="offline_discard"),
    path("offline/<int:pk>/correct/", views_offline.offline_correct, name="offline_correct"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("approvals/", views.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/end-sessions/", views.person_sessions_end, name="person_sessions_end"),
    path("settings/policy/", views.policy_settings, name="policy_settings"),
    path("settings/calendar/", views.work_calendar, name="work_calendar"),
    path("settings/roster/", views.roster_import, name="roster_import"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("audit/security-log/", views_audit.security_log, name="security_log"),
    path("audit/role-grants/", views_audit.role_grant_list, name="role_grant_list"),
    path("audit/trail/", views_audit.audit_trail, name="audit_trail"),
    path("supervision/", sv.dashboard, name="supervision_dashboard"),
    path("supervision/triage/", sv.triage, name="finding_triage"),
    path("supervision/violations/", sv.violation_list, name="violation_list"),
    path("supervision/spot-checks/", sv.spot_check_list, name="spot_check_list"),
    path("supervision/crosschecks/", sv.crosscheck_list, name="crosscheck_list"),
    path("supervision/crosschecks/run/", sv.crosscheck_start, name="crosscheck_start"),
    path("supervision/crosschecks/progress/", sv.crosscheck_progress, name="crosscheck_progress"),
    path("supervision/appraisal/", sv.appraisal_list, name="appraisal_list"),
    path("supervision/appraisal/start/", sv.appraisal_start, name="appraisal_start"),
    path("supervision/appraisal/progress/", sv.appraisal_progress, name="appraisal_progress"),
    path("supervision/appraisal/<int:pk>/", sv.appraisal_report, name="appraisal_report"),
    path("supervision/appraisal/<int:pk>/pdf/", sv.appraisal_pdf, name="appraisal_pdf"),
    path("supervision/appraisal/<int:pk>/xlsx/", sv.appraisal_xlsx, name="appraisal_xlsx"),
    path("supervision/indicators/", sv.indicator_settings, name="indicator_settings"),
    path("supervision/surveys/", sv.survey_list, name="survey_list"),
    path("supervision/surveys/<int:pk>/close/", sv.survey_round_close, name="survey_round_close"),
    path("supervision/surveys/<int:pk>/reopen/", sv.survey_round_reopen, name="survey_round_reopen"),
    path("conduct/", include("conduct.urls")),
    path("reception/", include("conduct.reception.urls")),
    path("meetings/", include("meetings.urls")),
    path("fieldwork/", include("fieldwork.urls")),
    path("petitions/", include("petitions.urls")),
    path("admin/", admin.site.urls),
]
# Uploads are never served from /media/: each app sends its files through a view that checks
# who may see the record (township.uploads.upload_response).
