"""Admin plumbing every app shares."""

from django.contrib import admin


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing is hard-deleted: close or resolve instead."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
