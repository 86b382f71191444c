"""Forms of comments: write, reply, edit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation.forms.proposals import HoneypotMixin
from auzolan.participation.models import Comment


class CommentForm(SubmissionTokenMixin, HoneypotMixin, forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    position = forms.ChoiceField(
        label=_("Votre position"),
        choices=Comment.Position.choices,
        initial=Comment.Position.NEUTRAL,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    position = forms.ChoiceField(label=_("Votre position"), choices=Comment.Position.choices, widget=forms.RadioSelect)
