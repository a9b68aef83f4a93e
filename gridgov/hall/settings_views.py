"""The hall's settings page for street staff."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ActionError
from gridgov.core.permissions import requires
from gridgov.hall.models import HallSettings
from gridgov.hall.settings_actions import update_hall_settings


class HallSettingsForm(forms.ModelForm):
    class Meta:
        model = HallSettings
        fields = ("name", "signage", "norms", "no_show_calls", "starvation_minutes")
        error_messages = {
            "name": {"required": gettext_lazy("请填写服务中心名称。")},
            "no_show_calls": {"invalid": gettext_lazy("请填写整数。")},
            "starvation_minutes": {"invalid": gettext_lazy("请填写整数。")},
        }


@requires("hall.manage")
def hall_settings(request):
    hall = HallSettings.objects.visible_to(request.user).first()
    if hall is None:
        raise Http404
    form = HallSettingsForm(request.POST or None, instance=HallSettings.objects.get(pk=hall.pk))
    if request.method == "POST" and form.is_valid():
        try:
            update_hall_settings(request.user, hall, **form.cleaned_data)
        except ActionError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("服务中心设置已保存。"))
            return redirect("hall:settings")
    return render(request, "hall/settings.html", {"form": form, "hall": hall})
