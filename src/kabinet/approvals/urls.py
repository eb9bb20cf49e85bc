from django.urls import path

from kabinet.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.approval_list, name="list"),
    path("<int:order_id>/", views.approval_detail, name="detail"),
    path("<int:order_id>/approve/", views.approval_approve, name="approve"),
    path("<int:order_id>/return/", views.approval_return, name="return"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
]
