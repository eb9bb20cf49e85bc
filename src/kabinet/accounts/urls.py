from django.urls import path

from kabinet.accounts.views import auth, company, employees

app_name = "accounts"

urlpatterns = [
    path("account/login/", auth.login, name="login"),
    path("account/logout/", auth.logout, name="logout"),
    path("account/logout-everywhere/", auth.logout_everywhere, name="logout-everywhere"),
    path("account/password/", auth.password_change, name="password-change"),
    path("account/password/reset/", auth.password_reset, name="password-reset"),
    path("account/password/reset/sent/", auth.password_reset_sent, name="password-reset-sent"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        auth.password_reset_complete,
        name="password-reset-complete",
    ),
    path("company/", company.company, name="company"),
    path(
        "company/counterparties/<int:counterparty_id>/",
        company.counterparty_detail,
        name="counterparty-detail",
    ),
    path("company/agreements/", company.agreement_list, name="agreement-list"),
    path("company/addresses/", company.address_list, name="address-list"),
    path("employees/", employees.employee_list, name="employee-list"),
    path("employees/new/", employees.employee_create, name="employee-create"),
    path("employees/<int:user_id>/", employees.employee_update, name="employee-update"),
    path("employees/<int:user_id>/block/", employees.employee_block, name="employee-block"),
    path("employees/<int:user_id>/unblock/", employees.employee_unblock, name="employee-unblock"),
    path(
        "employees/<int:user_id>/password/",
        employees.employee_password_reset,
        name="employee-password-reset",
    ),
]
