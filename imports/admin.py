from django.contrib import admin

from .models import ActivityUpload


@admin.register(ActivityUpload)
class ActivityUploadAdmin(admin.ModelAdmin):
    """Read-only: what was uploaded and what became of it (the raw file is not offered)."""

    list_display = ["original_name", "participant", "state", "size_bytes", "created_at"]
    list_filter = ["state"]
    list_select_related = ["participant"]
    search_fields = ["original_name", "sha256", "participant__display_name"]
    exclude = ["file"]
    readonly_fields = [
        "participant",
        "original_name",
        "size_bytes",
        "sha256",
        "batch",
        "state",
        "message",
        "attempts",
        "file_deleted_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
