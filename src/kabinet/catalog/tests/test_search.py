import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabinet.accounts.scope import scope_for
from kabinet.catalog.models import Product
from kabinet.catalog.search import layout_swap
from kabinet.catalog.selectors import catalog_page
from kabinet.catalog.services import product_search_text_refresh, search_normalize, search_tokens
from kabinet.catalog.tests.factories import BarcodeFactory, VariantFactory, catalog_make
from kabinet.catalog.tests.helpers import head_agreement, names

LIST = "/catalog/"


@pytest.fixture
def shelf(partner):
    """Three products of the partner's assortment with Russian names and known codes."""
    data = catalog_make(partner, products=3)
    specs = [
        ("Перчатки нитриловые «Ёлка»", "NT-100", "000000101", "4600000000017"),
        ("ПЕРЧАТКИ латексные смотровые", "LT-200", "000000202", "4600000000024"),
        ("Шприц 5 мл с иглой LT-200", "SH-5", "000000303", "4600000000031"),
    ]
    for product, (name, article, erp_code, barcode) in zip(data.products, specs, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name, article=article, erp_code=erp_code)
        product.variants.first().barcodes.update(code=barcode)
    product_search_text_refresh([p.pk for p in data.products])
    return data


def test_search_text_holds_lower_cased_name_codes_and_every_barcode(partner):
    product = catalog_make(partner, products=1).products[0]
    Product.objects.filter(pk=product.pk).update(
        name="Бахилы ЁМКИЕ", article="BH-01", erp_code="00-0042", ext_id="A1B2-C3"
    )
    BarcodeFactory(variant=VariantFactory(product=product), code="4601234567890")
    product.variants.first().barcodes.update(code="4609876543210")

    written = product_search_text_refresh([product.pk])

    product.refresh_from_db()
    assert written == 1
    # Cyrillic letters that look Latin are kept as Latin (б, ы, л, и have no Latin twin)
    assert product.search_text == "бaxилы emkиe bh-01 00-0042 a1b2-c3 4601234567890 4609876543210"
    assert (product.article_key, product.erp_code_key) == ("bh-01", "00-0042")


def test_refresh_writes_only_what_changed(partner):
    data = catalog_make(partner, products=2)
    Product.objects.filter(pk=data.products[0].pk).update(name="Новое имя")

    assert product_search_text_refresh([p.pk for p in data.products]) == 1


def test_query_is_normalised_like_the_search_text():
    assert search_normalize("  ЁЖИК\tЁлка ") == "eжиk eлka"
    assert search_tokens("Шприц  шприц 5 МЛ") == ["шпpиц", "5", "mл"]


def test_look_alike_cyrillic_letters_fold_to_latin_in_either_case():
    folded = search_normalize("АВЕКМНОРСТХУ авекмнорстху Ёё СА-00001")
    assert folded == "abekmhopctxy abekmhopctxy ee ca-00001"
    assert folded.isascii()
    assert search_normalize("CA-00001") == search_normalize("са-00001") == "ca-00001"


def test_query_words_are_reduced_to_their_stem_before_the_fold():
    # "маски" → "маск", "перчатками" → "перчатк", "шприцы" → "шприц"; codes and short
    # words stay as typed; a Russian word with a stray Latin "c" is still stemmed
    assert search_tokens("Маски, перчатками шприцы СА-0001а мл «ёлки» cтерильные") == [
        search_normalize(word)
        for word in ["маск", "перчатк", "шприц", "са-0001а", "мл", "елк", "стерильн"]
    ]


def test_a_query_typed_in_the_wrong_keyboard_layout_is_swapped_word_by_word():
    assert layout_swap("ighbw 5 vk") == "шприц 5 мл"
    assert layout_swap("Ыр-5") == "sh-5"
    assert layout_swap("ghjlernf [fkfn") == "продукта халат"
    assert layout_swap("5 10") == ""
    assert layout_swap("шприц") == "ighbw"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("перчатки", ["ПЕРЧАТКИ латексные смотровые", "Перчатки нитриловые «Ёлка»"]),
        ("ПЕРЧАТКИ", ["ПЕРЧАТКИ латексные смотровые", "Перчатки нитриловые «Ёлка»"]),
        ("елка", ["Перчатки нитриловые «Ёлка»"]),
        ("ЁЛКА", ["Перчатки нитриловые «Ёлка»"]),
        ("перчатки нитрил", ["Перчатки нитриловые «Ёлка»"]),
        ("нитрил шприц", []),
        ("nt-100", ["Перчатки нитриловые «Ёлка»"]),
        ("SH-", ["Шприц 5 мл с иглой LT-200"]),
        ("4600000000024", ["ПЕРЧАТКИ латексные смотровые"]),
        ("000000303", ["Шприц 5 мл с иглой LT-200"]),
    ],
)
def test_search_finds_by_name_article_barcode_and_1c_code(shelf, partner_admin, query, expected):
    assert names(partner_admin, query=query) == expected


def test_an_exact_article_comes_before_other_matches(shelf, partner_admin):
    # "Шприц … LT-200" sorts first by name, but LT-200 is the article of the gloves.
    assert names(partner_admin, query="lt-200") == [
        "ПЕРЧАТКИ латексные смотровые",
        "Шприц 5 мл с иглой LT-200",
    ]


def test_an_exact_barcode_or_1c_code_comes_first(shelf, partner_admin):
    shelf.products[0].variants.first().barcodes.update(code="000000202")
    product_search_text_refresh([shelf.products[0].pk])

    # 000000202 is the 1C code of the latex gloves and a barcode of the nitrile ones: both
    # are exact matches, so both come first, by name.
    assert names(partner_admin, query="000000202") == [
        "ПЕРЧАТКИ латексные смотровые",
        "Перчатки нитриловые «Ёлка»",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_postgresql_serves_the_search_with_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_product_search_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (search_text gin_trgm_ops)" in definition


# --- Russian word forms, typos, keyboard layout, relevance (issue 8, item 21) ----------------

DEMO_NAMES = [  # names as the demo catalog has them; volumes are the syringes' variants
    ("Маска медицинская трёхслойная Unimask Люкс", "UN-00043", []),
    ("Респиратор FFP2 с клапаном Dermaguard Pro", "DE-00017", []),
    ("Шприц двухкомпонентный Хирувит Эконом", "ХИ-00032", ["2 мл", "5 мл", "10 мл"]),
    ("Шприц инсулиновый Инфумед Comfort", "ИН-00012", ["0,3 мл", "0,5 мл", "1 мл"]),
    ("Бинт марлевый стерильный Хирувит Оптима", "ХИ-00077", ["5 м × 10 см", "7 м × 14 см"]),
    ("Перчатки смотровые нитриловые MedGlove Classic", "ME-00102", []),
    ("Игла инъекционная СтериЛайн Pro", "СТ-00038", ["21G", "23G"]),
]


@pytest.fixture
def demo_shelf(partner):
    data = catalog_make(partner, products=len(DEMO_NAMES))
    for product, (name, article, volumes) in zip(data.products, DEMO_NAMES, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name, article=article)
        product.variants.update(name=volumes[0] if volumes else "")
        product.variants.update(characteristics={"Объём": volumes[0]} if volumes else {})
        for volume in volumes[1:]:
            VariantFactory(product=product, name=volume, characteristics={"Объём": volume})
    product_search_text_refresh([p.pk for p in data.products])
    return data


def page_of(user, query, **filters):
    return catalog_page(
        scope=scope_for(user),
        agreement=head_agreement(user.partner),
        query=query,
        per_page=200,
        **filters,
    )


MASK, RESPIRATOR, SYRINGE, INSULIN, BANDAGE, GLOVES, NEEDLE = (n for n, _a, _v in DEMO_NAMES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("маски", [MASK]),
        ("маской", [MASK]),
        ("шприцы", [SYRINGE, INSULIN]),
        ("шприцев", [SYRINGE, INSULIN]),
        ("бинты", [BANDAGE]),
        ("бинтов стерильных", [BANDAGE]),
        ("перчатка", [GLOVES]),
        ("перчатками нитриловыми", [GLOVES]),
        ("шприц 5 мл", [SYRINGE]),  # 5 ml is a variant; "0,5 мл" and barcodes do not count
        ("шприц 1 мл", [INSULIN]),
        ("бинт 7 м", [BANDAGE]),
        ("респираторы", [RESPIRATOR]),
        ("иглы 23g", [NEEDLE]),
        ("CT-00038", [NEEDLE]),  # Latin C and T for the Cyrillic article СТ-00038
    ],
)
def test_russian_word_forms_find_the_products(demo_shelf, partner_admin, query, expected):
    page = page_of(partner_admin, query)

    assert [p.name for p in page.products] == expected
    assert (page.searched_as, page.similar) == ("", False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("перчтки", GLOVES),  # a letter left out
        ("шприцц 5 мл", SYRINGE),  # a letter too many
        ("респиратр", RESPIRATOR),
        ("нитрилвые перчатки", GLOVES),
    ],
)
def test_a_typo_finds_similar_products_and_says_so(demo_shelf, partner_admin, query, expected):
    page = page_of(partner_admin, query)

    assert [p.name for p in page.products][:1] == [expected]
    assert (page.searched_as, page.similar) == ("", True)


def test_short_words_are_never_taken_for_typos(demo_shelf, partner_admin):
    page = page_of(partner_admin, "бнт")  # three letters: no typo search

    assert (page.products, page.total, page.similar) == ([], 0, False)


@pytest.mark.parametrize(
    ("query", "searched_as", "similar", "expected"),
    [
        ("ighbw 5 vk", "шприц 5 мл", False, [SYRINGE]),
        ("gthxfnrb", "перчатки", False, [GLOVES]),
        # the wrong layout and a letter too many ("шаприц")
        ("ifghbw", "шаприц", True, [SYRINGE, INSULIN]),
        # a Latin article typed in the Russian layout
        ("ЬУ-00102", "me-00102", False, [GLOVES]),
    ],
)
def test_a_query_in_the_wrong_keyboard_layout_is_searched_in_the_other(
    demo_shelf, partner_admin, query, searched_as, similar, expected
):
    page = page_of(partner_admin, query)

    assert sorted(p.name for p in page.products) == expected
    assert (page.searched_as, page.similar) == (searched_as, similar)


def test_a_query_that_finds_something_is_not_searched_in_the_other_layout(
    demo_shelf, partner_admin
):
    # "маска" in the other layout would be "vfcrf": nothing is tried once the query finds
    page = page_of(partner_admin, "маска")

    assert [p.name for p in page.products] == [MASK]
    assert page.searched_as == ""


def test_search_results_come_by_relevance_exact_code_then_name_rank(partner, partner_admin):
    data = catalog_make(partner, products=4)
    specs = [
        ("Антимаскировочная сетка", "AM-1"),  # "маск" inside a word
        ("Аппарат дыхательный с маской", "AP-1"),  # a word begins with it
        ("Маска кислородная", "MK-1"),  # the name begins with it
        ("Шторка", "МАСКА"),  # the article is the query itself
    ]
    for product, (name, article) in zip(data.products, specs, strict=True):
        Product.objects.filter(pk=product.pk).update(name=name, article=article)
    product_search_text_refresh([p.pk for p in data.products])

    page = page_of(partner_admin, "маска")
    by_name = page_of(partner_admin, "маска", sort="name")

    assert page.sort == "relevance"
    assert [p.name for p in page.products] == [
        "Шторка",
        "Маска кислородная",
        "Аппарат дыхательный с маской",
        "Антимаскировочная сетка",
    ]
    assert [p.name for p in by_name.products] == [
        "Шторка",
        "Антимаскировочная сетка",
        "Аппарат дыхательный с маской",
        "Маска кислородная",
    ]
    assert page_of(partner_admin, "", sort="relevance").sort == "name"


def test_the_list_page_sorts_by_relevance_and_tells_what_it_searched(demo_shelf, partner_client):
    found = partner_client.get(LIST, {"q": "шприцы"})
    swapped = partner_client.get(LIST, {"q": "ighbw"})
    typo = partner_client.get(LIST, {"q": "перчтки"})

    assert found.context["page"].sort == "relevance"
    assert '<option value="relevance" selected>' in found.content.decode()
    assert 'data-testid="searched-as"' not in found.content.decode()
    assert "шприц" in _searched_as(swapped)
    assert "перчтки" in _searched_as(typo)
    assert '<option value="relevance"' not in partner_client.get(LIST).content.decode()


def _searched_as(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="searched-as"')
    return html[start : html.index("</p>", start)]


def test_a_search_costs_no_more_queries_unless_it_finds_nothing(demo_shelf, partner_client):
    """A query that finds something costs what a list with a query costs (≤ 10: one facet
    query); one that finds nothing tries the other layout (one more facet query), then both
    forgiving typos: one look-up of the most similar products each (and on PostgreSQL one
    to set the trigram threshold before it); with none found, no facet query follows."""
    partner_client.get(LIST, {"q": "маски"})  # the section tree and the session are warm
    with CaptureQueriesContext(connection) as found:
        partner_client.get(LIST, {"q": "шприцы"})
    with CaptureQueriesContext(connection) as nothing:
        partner_client.get(LIST, {"q": "абракадабра"})

    def kinds(captured):
        sqls = [query["sql"] for query in captured.captured_queries]
        facets = sum("UNION ALL" in sql for sql in sqls)
        thresholds = sum("set_config" in sql for sql in sqls)
        return len(sqls) - facets - thresholds, facets, thresholds

    others, facets, thresholds = kinds(found)
    assert others + facets <= 10
    assert (facets, thresholds) == (1, 0)
    pg = connection.vendor == "postgresql"
    # the same other queries, less the page's rows and their variants (no similar products:
    # nothing to ask), plus the two look-ups of similar products
    assert kinds(nothing) == (others - 2 + 2, 2, 2 if pg else 0)
