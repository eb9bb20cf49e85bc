"""Partner codes compared with the look-alike fold of `catalog.search.search_normalize`.

`code_key` of every stored code is rewritten so that `CA-1` typed in Latin finds the code
`СА-1` kept with Cyrillic letters. Two codes of one partner that differ only in such letters
now mean the same: the one already spelt as its key (else the older one) gets the folded key;
the other keeps its old key, stays on the partner's list and can be corrected or deleted there.
"""

from django.db import migrations

BATCH = 2000


def code_keys_rewrite(apps, schema_editor):
    from kabinet.catalog.search import search_normalize

    Code = apps.get_model("imports", "PartnerProductCode")
    rows = list(Code.objects.order_by("partner_id", "pk").values_list("pk", "partner_id", "code_key", "code"))
    taken = {(partner_id, key) for _pk, partner_id, key, _code in rows}
    changed = []
    for pk, partner_id, key, code in rows:
        new = search_normalize(code)
        if new == key or not new:
            continue
        if (partner_id, new) in taken:
            continue  # another code of the partner already has it
        taken.add((partner_id, new))
        changed.append(Code(pk=pk, code_key=new))
    Code.objects.bulk_update(changed, ["code_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(code_keys_rewrite, migrations.RunPython.noop, elidable=False)]
