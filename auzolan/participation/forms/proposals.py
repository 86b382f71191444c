"""Forms of proposals: write or edit a proposal, support, the organisation's answer. Honeypot against bots."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation.models import Proposal

HONEYPOT_FIELD = "site_web"


class HoneypotMixin(forms.Form):
    """A field that people never see (CSS, aria-hidden, out of the tab order); bots fill it in.

    Rendered by hand in participation/proposals/_honeypot.html. A filled-in honeypot makes the form invalid with a
    generic message, so that the bot learns nothing (`is_bot`).
    """

    site_web = forms.CharField(required=False, max_length=200, label=_("Laissez ce champ vide"))

    def is_bot(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())

    def clean(self):
        data = super().clean()
        if self.is_bot():
            self.add_error(None, _("Votre contribution n'a pas pu être enregistrée. Réessayez."))
        return data

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]


class ProposalForm(SubmissionTokenMixin, HoneypotMixin, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    body = forms.CharField(
        label=_("Votre proposition"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown simple : **gras**, *italique*, listes, liens."),
    )
    category = forms.ModelChoiceField(label=_("Catégorie"), queryset=None, required=False, empty_label=_("Aucune"))
    district = forms.ModelChoiceField(label=_("Quartier"), queryset=None, required=False, empty_label=_("Aucun"))
    place = forms.CharField(
        label=_("Adresse ou lieu"),
        required=False,
        max_length=200,
        help_text=_(
            "Facultatif. Par exemple : « place Paul Bert » ou « devant l'école du quai ». Vous pouvez aussi "
            "pointer le lieu sur la carte."
        ),
    )
    latitude = forms.DecimalField(
        label=_("Latitude du point"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Facultatif. Remplie en cliquant sur la carte, ou en degrés décimaux, par exemple 43.4929."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude du point"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Facultatif. Remplie en cliquant sur la carte, ou en degrés décimaux, par exemple -1.4748."),
    )
    image = forms.FileField(
        label=_("Image"), required=False, help_text=_("Facultatif. JPEG, PNG ou WebP, 5 Mo au plus.")
    )
    image_alt = forms.CharField(
        label=_("Description de l'image"),
        required=False,
        max_length=250,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas (obligatoire avec une image)."),
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"), required=False, help_text=_("Facultatif. PDF, ODT, DOCX, JPEG ou PNG, 10 Mo au plus.")
    )
    attachment_title = forms.CharField(label=_("Titre de la pièce jointe"), required=False, max_length=200)

    def __init__(self, *args, categories=(), districts=(), images=(), attachments=(), **kwargs):
        """`images` / `attachments`: the files of the proposal being edited, each with a "Supprimer" checkbox."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _choices(categories)
        self.fields["district"].queryset = _choices(districts)
        if not categories:
            del self.fields["category"]
        if not districts:
            del self.fields["district"]
        if images:
            self.fields["remove_images"] = forms.TypedMultipleChoiceField(
                label=_("Supprimer des images"),
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[(item.pk, _("Supprimer « %(name)s »") % {"name": item.alt_text}) for item in images],
            )
        if attachments:
            self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                label=_("Supprimer des pièces jointes"),
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (item.pk, _("Supprimer « %(name)s »") % {"name": item.title or item.file.name.rsplit("/", 1)[-1]})
                    for item in attachments
                ],
            )

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Décrivez l'image en quelques mots (texte alternatif)."))
        return data


def _choices(items):
    """A ModelChoiceField queryset made of already loaded objects (no new query per rendering)."""
    items = list(items)
    if not items:
        return Proposal.objects.none()
    model = type(items[0])
    return model.objects.filter(pk__in=[item.pk for item in items])


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Réponse"),
        choices=[(s.value, s.label) for s in Proposal.ANSWER_STATUSES],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Réponse publique de l'organisation"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown simple. Obligatoire ; pour une proposition non retenue, donnez les raisons."),
    )


class FilterForm(forms.Form):
    """The list's filters (GET). Unknown values are ignored, never an error page."""

    categorie = forms.TypedChoiceField(label=_("Catégorie"), required=False, coerce=int, empty_value=None)
    quartier = forms.TypedChoiceField(label=_("Quartier"), required=False, coerce=int, empty_value=None)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("recent", _("Les plus récentes")),
            ("supports", _("Les plus soutenues")),
            ("random", _("Ordre aléatoire")),
        ],
    )

    def __init__(self, *args, categories=(), districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", _("Toutes"))] + [(c.pk, c.name) for c in categories]
        self.fields["quartier"].choices = [("", _("Tous"))] + [(d.pk, d.name) for d in districts]
        self.fields["statut"].choices = [("", _("Tous (sauf retirées)")), *Proposal.Status.choices]
        if not categories:
            del self.fields["categorie"]
        if not districts:
            del self.fields["quartier"]

    def values(self) -> dict:
        """The valid filters; an invalid one is dropped (a shared link with a stale value still works)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "category": data.get("categorie"),
            "district": data.get("quartier"),
            "status": data.get("statut") or None,
            "sort": data.get("tri") or "recent",
        }
