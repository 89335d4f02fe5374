from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)
    role = forms.ChoiceField(label=_("角色"))
    unit = forms.ModelChoiceField(label=_("所属机构"), queryset=None, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        from rencai.orgs.choices import Role

        self.fields["role"].choices = Role.choices
        self.fields["unit"].queryset = units
