"""Login, logout, password change and reset: Django's views with our forms and pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kabinet.accounts import services
from kabinet.accounts.access import public_view
from kabinet.accounts.forms import LoginForm, PasswordResetSetForm
from kabinet.accounts.throttle import client_address

login = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = public_view(auth_views.LogoutView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, throttled per address and per account with the same answer."""

    def form_valid(self, form):
        if services.password_reset_request_record(
            email=form.cleaned_data["email"], address=client_address(self.request)
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


password_reset = public_view(
    PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url="/account/password/reset/sent/",
    )
)
password_reset_sent = public_view(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public_view(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        form_class=PasswordResetSetForm,
        success_url="/account/password/reset/done/",
    )
)
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@public_view
@login_required
def password_change(request):
    """Own password change; after a temporary password the old one is not asked again."""
    forced = request.user.must_change_password
    form_class = SetPasswordForm if forced else PasswordChangeForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


@public_view
@login_required
@require_POST
def logout_everywhere(request):
    services.user_logout_everywhere(user=request.user)
    messages.info(request, _("You have been logged out on all devices."))
    return redirect(settings.LOGIN_URL)


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes calls this after too many failures; it says nothing about the account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
