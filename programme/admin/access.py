"""Who may see what in programme's staff pages."""

from django.contrib import admin

FIGURES_PERMISSION = "programme.view_participant"
CHANGE_FORM_PREFIX = admin.ActionLocation.CHANGE_FORM.value


def can_see_figures(user):
    return user.is_active and user.is_staff and user.has_perm(FIGURES_PERMISSION)
