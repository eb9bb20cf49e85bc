"""The shapes of the quick-order forms; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.imports.display import MAPPED_ROLES, ROLE_LABELS, cell_text
from kabinet.imports.matching import DEFAULT_ORDER
from kabinet.imports.models import ImportJob
from kabinet.imports.reading import column_letter


class UploadForm(forms.Form):
    # Empty files are the reader's to explain (with its own message), not the form's.
    file = forms.FileField(label=_("Order file"), allow_empty_file=True)


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Articles and quantities"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
    )


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(choices=ImportJob.ApplyMode.choices)


class RowFixForm(forms.Form):
    code = forms.CharField(required=False, strip=True)
    quantity = forms.CharField(required=False, strip=True)
    variant = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PartnerCodeForm(forms.Form):
    code = forms.CharField(label=_("Our code"), max_length=200)
    variant = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class CodesUploadForm(forms.Form):
    file = forms.FileField(label=_("File of codes"), allow_empty_file=True)


NO_COLUMN = ""


class MappingForm(forms.Form):
    """The header row, a column per role and the order identifiers are tried in.

    Built for one sheet: `info` is the job's description of it, `rows` its first rows.
    """

    def __init__(self, *args, info: dict, rows: list, width: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_size = len(DEFAULT_ORDER)
        header_row = info.get("header_row")
        header = rows[header_row] if header_row is not None and header_row < len(rows) else []
        columns = [(NO_COLUMN, "—")] + [
            (str(col), _column_label(col, header, rows)) for col in range(width)
        ]
        self.fields["header_row"] = forms.TypedChoiceField(
            label=_("Header row"),
            choices=[(NO_COLUMN, _("No header row"))]
            + [(str(index), str(index + 1)) for index in range(len(rows))],
            coerce=int,
            empty_value=None,
            required=False,
        )
        for role in MAPPED_ROLES:
            self.fields[f"column_{role}"] = forms.TypedChoiceField(
                label=ROLE_LABELS[role],
                choices=columns,
                coerce=int,
                empty_value=None,
                required=False,
            )
        order_choices = [(role.value, ROLE_LABELS[role]) for role in DEFAULT_ORDER]
        for position in range(self.order_size):
            self.fields[f"order_{position}"] = forms.ChoiceField(
                label=_("Look up by, in this order"), choices=order_choices
            )

    def role_fields(self):
        return [self[f"column_{role}"] for role in MAPPED_ROLES]

    def lookup_order_fields(self):
        return [self[f"order_{position}"] for position in range(self.order_size)]

    def mapping(self) -> tuple[int | None, dict[str, int], list[str]]:
        data = self.cleaned_data
        columns = {
            role.value: data[f"column_{role}"]
            for role in MAPPED_ROLES
            if data.get(f"column_{role}") is not None
        }
        order = [data[f"order_{position}"] for position in range(self.order_size)]
        return data.get("header_row"), columns, order


def mapping_initial(info: dict, order: list[str]) -> dict:
    initial = {
        "header_row": "" if info.get("header_row") is None else str(info["header_row"]),
    }
    for role in MAPPED_ROLES:
        col = (info.get("columns") or {}).get(role.value)
        initial[f"column_{role}"] = "" if col is None else str(col)
    for position, role in enumerate(order):
        initial[f"order_{position}"] = role
    return initial


def _column_label(col: int, header: list, rows: list) -> str:
    letter = column_letter(col)
    title = cell_text(header[col]).strip() if col < len(header) else ""
    if not title:
        title = next(
            (cell_text(row[col]).strip() for row in rows if col < len(row) and row[col] != ""),
            "",
        )
    title = " ".join(title.split())
    return f"{letter} · {title[:40]}" if title else letter
