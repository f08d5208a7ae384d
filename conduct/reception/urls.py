from django.urls import path

from conduct.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.index, name="index"),
    path("receptions/", views.reception_list, name="reception_list"),
    path("receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
    path("receptions/<int:pk>/list/", views.reception_list_fill, name="reception_list_fill"),
    path("receptions/<int:pk>/list.pdf", views.reception_pdf, name="reception_pdf"),
    path("receptions/<int:pk>/letter/", views.reception_letter, name="reception_letter"),
    path("expenses/", views.expense_list, name="expense_list"),
    path("expenses/new/", views.expense_create, name="expense_create"),
    path("expenses/import/", views.expense_import, name="expense_import"),
    path("expenses/<int:pk>/", views.expense_detail, name="expense_detail"),
    path("expenses/<int:pk>/invoice/", views.expense_invoice, name="expense_invoice"),
    path("budget/", views.budget, name="budget"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/uses/new/", views.vehicle_use_create, name="vehicle_use_create"),
    path("vehicles/uses/<int:pk>/", views.vehicle_use_detail, name="vehicle_use_detail"),
    path("disclosure/", views.disclosure_list, name="disclosure_list"),
    path("disclosure/<int:pk>/", views.disclosure_detail, name="disclosure_detail"),
    # Public (no login): published quarterly reports of a township (R-EXP-3).
    path("public/<slug:township>/", views.public_disclosures, name="public_list"),
    path("public/<slug:township>/<int:pk>/", views.public_disclosure, name="public_detail"),
]
