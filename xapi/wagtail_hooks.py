"""Wagtail admin for xAPI credentials: staff create them and see the secret once."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from xapi.forms import CredentialForm
from xapi.models import Credential
from xapi.services.credentials import create_credential, forget_cached


class CredentialCreateView(generic.CreateView):
    """Creation goes through the same service as the shell command; the secret is shown once."""

    def save_instance(self):
        credential, self.secret = create_credential(
            name=self.form.cleaned_data["name"], scopes=self.form.cleaned_data["scopes"]
        )
        if not self.form.cleaned_data.get("is_active", True):
            Credential.objects.filter(pk=credential.pk).update(is_active=False)
        return credential

    def get_success_message(self, instance):
        return _("憑證「%(name)s」已建立。金鑰 key: %(key)s 密鑰 secret: %(secret)s（僅顯示這一次，請立即複製）") % {
            "name": instance.name,
            "key": instance.key,
            "secret": self.secret,
        }


class CredentialEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        forget_cached(instance.key)
        return instance


class CredentialViewSet(ModelViewSet):
    model = Credential
    form_fields = ["name", "scopes", "isolate_documents", "is_active"]
    icon = "key"
    add_to_admin_menu = True
    menu_label = _("xAPI 憑證")
    list_display = ["name", "key", "scopes", "is_active", "created_at"]
    add_view_class = CredentialCreateView
    edit_view_class = CredentialEditView

    def get_form_class(self, for_update=False):
        return CredentialForm


@hooks.register("register_admin_viewset")
def register_credential_viewset():
    return CredentialViewSet("xapi_credentials")
