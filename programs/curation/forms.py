"""The public forms of curation: a visitor's report, a provider's update."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import Report, ReportReason


class ReportForm(forms.ModelForm):
    """What a visitor may tell us about a listing, and nothing more.

    ``website`` is a honeypot: hidden from people (and from screen readers), filled in by bots
    that complete every field. A filled honeypot is answered like a success and stores nothing.
    """

    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Report
        fields = ["reason", "details", "email"]
        labels = {
            "details": _("Tell us more"),
            "email": _("Your email (optional)"),
        }
        help_texts = {
            "details": _(
                "What you found, and how you know (for example: I called on Monday and the "
                "number belongs to another business). Please do not include health details."
            ),
            "email": _("Only if you would like a reply. We use it for nothing else."),
        }
        widgets = {"details": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_details(self):
        return self.cleaned_data["details"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("details"):
            self.add_error(
                "details", gettext("Please say what is wrong, so a curator can check it.")
            )
        return cleaned
