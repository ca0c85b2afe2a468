from allauth.account import views as allauth_views


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
