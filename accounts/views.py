from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from notifications.tasks import notice_emails_queue

from . import services
from .forms import DeleteAccountForm


class LoginView(allauth_views.LoginView):
    """allauth's login, answering 429 once a person's failed attempts hit the rate limit.

    allauth reports that limit as a form error with status 200; clients and monitoring
    should see the standard "Too Many Requests" status, with the same friendly page.
    """

    def form_invalid(self, form):
        response = super().form_invalid(form)
        errors = form.non_field_errors().as_data()
        if any(error.code == "too_many_login_attempts" for error in errors):
            response.status_code = 429
        return response


login = LoginView.as_view()


@login_required
def data_export(request):
    """All of the user's data as a JSON download."""
    data = services.account_data_export(user=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="virtual-run-my-data.json"'
    return response


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notice_emails_queue(services.account_delete(user=request.user))
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for running with us."))
        return redirect("web:landing")
    return render(request, "accounts/delete.html", {"form": form})
