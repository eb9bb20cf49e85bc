"""Pictures and document files for some demo products.

Without them the demo never shows a product picture or a document download. One product in
`PICTURED_EVERY` (at most `PICTURED_MAX`; the first `FIRST_PAGE` by name among them) gets a
generated picture, every third of those a second one; the registration certificates and
declarations of the first `DOCUMENT_FILES_MAX` pictured products get a PDF. The other
documents (instructions among them) stay without a file, as 1C often sends them, so the card
shows both kinds.
"""

import hashlib
import random
from collections.abc import Sequence

from django.core.files.base import ContentFile

from kabinet.catalog.models import ProductDocument, ProductImage
from kabinet.demo.catalog.plan import ProductRow
from kabinet.demo.files import document_pdf, product_picture

PICTURED_EVERY = 8
PICTURED_MAX = 80
FIRST_PAGE = 12
DOCUMENT_FILES_MAX = 16
FILED_KINDS = [ProductDocument.Kind.REGISTRATION, ProductDocument.Kind.CERTIFICATE]


def catalog_files_write(
    *, products: Sequence[tuple[int, ProductRow]], seed: int
) -> tuple[int, int]:
    """Write pictures and PDFs for some of `products` ((id, plan row) pairs, as inserted).

    Returns (pictures, document files) written.
    """
    rng = random.Random(f"{seed}:catalog-files")
    count = min(max(len(products) // PICTURED_EVERY, min(len(products), 1)), PICTURED_MAX)
    # The catalog's first page (sorted by name) shows pictures; the rest are spread around.
    by_name = sorted(range(len(products)), key=lambda index: products[index][1].name)
    first_page = by_name[: min(FIRST_PAGE, count)]
    others = sorted(set(range(len(products))) - set(first_page))
    chosen = sorted(first_page + rng.sample(others, count - len(first_page)))
    images = []
    for index in chosen:
        product_id, row = products[index]
        for sort in range(2 if index % 3 == 0 else 1):
            data = product_picture(
                article=row.article, title=row.name, seed=row.ext_id, variant=sort
            )
            image = ProductImage(
                product_id=product_id, sort=sort, sha256=hashlib.sha256(data).hexdigest()
            )
            image.file.save(f"product-{product_id}-{sort + 1}.png", ContentFile(data), save=False)
            images.append(image)
    ProductImage.objects.bulk_create(images)
    rows = dict(products[index] for index in chosen)
    documents = list(
        ProductDocument.objects.filter(product_id__in=list(rows), kind__in=FILED_KINDS).order_by(
            "product_id", "pk"
        )[:DOCUMENT_FILES_MAX]
    )
    for document in documents:
        data = document_pdf(
            title=document.title,
            lines=_certificate_lines(document, rows[document.product_id]),
            author="Kabinet demo",
        )
        name = f"{document.kind}-{document.product_id}.pdf"
        document.file.save(name, ContentFile(data), save=False)
    ProductDocument.objects.bulk_update(documents, ["file"])
    return len(images), len(documents)


def _certificate_lines(document: ProductDocument, row: ProductRow) -> list[str]:
    valid = f"{document.valid_until:%d.%m.%Y}" if document.valid_until else "бессрочно"
    return [
        f"Изделие: {row.name}",
        f"Артикул: {row.article}",
        f"Номер документа: {document.number}",
        f"Срок действия: {valid}",
        "",
        "Демонстрационный документ, создан генератором демо-данных Kabinet.",
    ]
