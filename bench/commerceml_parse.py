"""Benchmark the CommerceML parsers on a generated 1C export (PERFORMANCE.md, target P4).

Writes an import.xml and an offers.xml shaped like a УТ 11 export (CommerceML 2.07, namespace
urn:1C.ru:commerceml_2, UTF-8 with BOM): N products (default 100,000), a third of them with
colour/size variants (3 each, so ~167,000 offers for N = 100,000), 3 price types, 3 warehouses
with per-warehouse stock. Then, in a fresh process so the figures are the parser's own, it times
`detect` + `read_catalog` + `read_offers` over them and prints seconds and peak RSS; for scale it
also times a bare lxml iterparse pass over the same files.

    python bench/commerceml_parse.py                      # 100,000 products in a temp dir
    python bench/commerceml_parse.py --products 10000 --dir /tmp/cml --keep
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NS = "urn:1C.ru:commerceml_2"
PRICE_TYPES = ("Оптовая", "Мелкооптовая", "Розничная")
WAREHOUSES = ("Основной склад", "Склад Москва", "Склад Казань")
COLOURS = ("Красный", "Синий", "Чёрный")
SIZES = ("42", "44", "46")
GROUPS = 200
UNIT = (
    '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE">'
    "шт</БазоваяЕдиница>"
)
DESCRIPTION = (
    "Практичная модель для ежедневного использования. Материал верха: натуральная кожа, "
    "подкладка: текстиль, подошва: термоэластопласт. Уход: протирать влажной тканью. "
) * 2


def guid(kind: int, number: int) -> str:
    return f"{number:08x}-{kind:04x}-4000-8000-{number * 7919 % 10**12:012x}"


def _header(root_children: str) -> str:
    return (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" '
        f'ДатаФормирования="2026-01-15T10:00:00">\n{root_children}'
    )


def _product(n: int) -> str:
    group = guid(1, n % GROUPS)
    pid = guid(2, n)
    properties = "".join(
        f"<ЗначенияСвойства><Ид>{guid(3, p)}</Ид><Значение>{guid(4, p * 100 + n % 7)}"
        "</Значение></ЗначенияСвойства>\n"
        for p in range(4)
    )
    return f"""<Товар>
<Ид>{pid}</Ид>
<Штрихкод>{4600000000000 + n}</Штрихкод>
<Артикул>ART-{n:06d}</Артикул>
<Наименование>Ботинки демисезонные модель {n}</Наименование>
{UNIT}
<Группы><Ид>{group}</Ид></Группы>
<Описание>{DESCRIPTION}</Описание>
<Картинка>import_files/{pid[:2]}/{pid}_1.jpg</Картинка>
<Картинка>import_files/{pid[:2]}/{pid}_2.jpg</Картинка>
<Изготовитель><Ид>{guid(5, n % 50)}</Ид><Наименование>Фабрика {n % 50}</Наименование></Изготовитель>
<ЗначенияСвойств>
{properties}<ЗначенияСвойства><Ид>{guid(3, 9)}</Ид><Значение>{n % 97} см</Значение></ЗначенияСвойства>
</ЗначенияСвойств>
<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>
<ЗначенияРеквизитов>
<ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Обувь</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Полное наименование</Наименование><Значение>Ботинки демисезонные, модель {n}, натуральная кожа</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Вес</Наименование><Значение>0,{n % 900 + 100}</Значение></ЗначениеРеквизита>
</ЗначенияРеквизитов>
</Товар>
"""  # noqa: E501


def _offer(n: int, variant: int | None) -> str:
    xml_id = guid(2, n) if variant is None else f"{guid(2, n)}#{guid(6, n * 10 + variant)}"
    name = f"Ботинки демисезонные модель {n}"
    characteristics = ""
    if variant is not None:
        colour, size = COLOURS[variant], SIZES[(n + variant) % 3]
        name = f"{name} ({colour}, {size})"
        characteristics = (
            "<ХарактеристикиТовара>"
            f"<ХарактеристикаТовара><Наименование>Цвет</Наименование><Значение>{colour}</Значение>"
            "</ХарактеристикаТовара>"
            f"<ХарактеристикаТовара><Наименование>Размер</Наименование><Значение>{size}</Значение>"
            "</ХарактеристикаТовара></ХарактеристикиТовара>\n"
        )
    base = 1000 + n % 5000
    prices = "".join(
        f"<Цена><Представление>{base - k * 50} RUB за шт</Представление>"
        f"<ИдТипаЦены>{guid(7, k)}</ИдТипаЦены><ЦенаЗаЕдиницу>{base - k * 50}.50</ЦенаЗаЕдиницу>"
        "<Валюта>RUB</Валюта><Единица>шт</Единица><Коэффициент>1</Коэффициент></Цена>"
        for k in range(len(PRICE_TYPES))
    )
    stock = "".join(
        f'<Склад ИдСклада="{guid(8, k)}" КоличествоНаСкладе="{(n + k) % 13}"/>'
        for k in range(len(WAREHOUSES))
    )
    total = sum((n + k) % 13 for k in range(len(WAREHOUSES)))
    return f"""<Предложение>
<Ид>{xml_id}</Ид>
<Штрихкод>{4700000000000 + n * 10 + (variant or 0)}</Штрихкод>
<Артикул>ART-{n:06d}</Артикул>
<Наименование>{name}</Наименование>
{UNIT}
{characteristics}<Цены>{prices}</Цены>
<Количество>{total}</Количество>
{stock}
</Предложение>
"""


def generate(folder: Path, products: int) -> tuple[Path, Path, int]:
    catalog_id = guid(9, 1)
    groups = "".join(
        f"<Группа><Ид>{guid(1, g)}</Ид><Наименование>Группа {g}</Наименование></Группа>\n"
        for g in range(GROUPS)
    )
    dictionary = "".join(
        f"<Справочник><ИдЗначения>{guid(4, p * 100 + v)}</ИдЗначения>"
        f"<Значение>Значение {p}.{v}</Значение></Справочник>"
        for p in range(4)
        for v in range(7)
    )
    properties = "".join(
        f"<Свойство><Ид>{guid(3, p)}</Ид><Наименование>Свойство {p}</Наименование>"
        f"<ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений>{dictionary}</ВариантыЗначений>"
        "</Свойство>\n"
        for p in range(4)
    ) + (
        f"<Свойство><Ид>{guid(3, 9)}</Ид><Наименование>Высота</Наименование>"
        "<ТипЗначений>Строка</ТипЗначений></Свойство>\n"
    )
    import_path = folder / "import.xml"
    with import_path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(
            _header(
                f"<Классификатор><Ид>{catalog_id}</Ид><Наименование>Классификатор</Наименование>\n"
                f"<Группы>\n{groups}</Группы>\n<Свойства>\n{properties}</Свойства>\n"
                "</Классификатор>\n"
                f'<Каталог СодержитТолькоИзменения="false"><Ид>{catalog_id}</Ид>'
                f"<ИдКлассификатора>{catalog_id}</ИдКлассификатора>"
                "<Наименование>Каталог товаров</Наименование>\n<Товары>\n"
            )
        )
        for n in range(products):
            out.write(_product(n))
        out.write("</Товары>\n</Каталог>\n</КоммерческаяИнформация>\n")

    price_types = "".join(
        f"<ТипЦены><Ид>{guid(7, k)}</Ид><Наименование>{name}</Наименование><Валюта>RUB</Валюта>"
        "<Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме></Налог>"
        "</ТипЦены>\n"
        for k, name in enumerate(PRICE_TYPES)
    )
    warehouses = "".join(
        f"<Склад><Ид>{guid(8, k)}</Ид><Наименование>{name}</Наименование></Склад>\n"
        for k, name in enumerate(WAREHOUSES)
    )
    offers_path = folder / "offers.xml"
    offers = 0
    with offers_path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(
            _header(
                f"<Классификатор><Ид>{catalog_id}</Ид><Наименование>Классификатор</Наименование>"
                "</Классификатор>\n"
                f'<ПакетПредложений СодержитТолькоИзменения="false"><Ид>{catalog_id}#</Ид>'
                f"<Наименование>Пакет предложений</Наименование><ИдКаталога>{catalog_id}"
                f"</ИдКаталога><ИдКлассификатора>{catalog_id}</ИдКлассификатора>\n"
                f"<ТипыЦен>\n{price_types}</ТипыЦен>\n<Склады>\n{warehouses}</Склады>\n"
                "<Предложения>\n"
            )
        )
        for n in range(products):
            variants = range(3) if n % 3 == 0 else (None,)
            for variant in variants:
                out.write(_offer(n, variant))
                offers += 1
        out.write("</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n")
    return import_path, offers_path, offers


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


class _Clock:
    """Wall and CPU seconds of a phase: CPU time stays honest on a busy shared machine."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def measure(folder: Path) -> dict[str, float | int]:
    """Runs in a fresh process: parse both files, return timings and peak RSS."""
    from kabinet.exchange.commerceml import detect, read_catalog, read_offers

    import_path, offers_path = folder / "import.xml", folder / "offers.xml"
    result: dict[str, float | int] = {}
    with _Clock() as clock:
        kinds = (detect(import_path).value, detect(offers_path).value)
    result.update(detect_s=clock.wall, detect_cpu_s=clock.cpu)
    assert kinds == ("catalog", "offers"), kinds

    with _Clock() as clock, read_catalog(import_path) as catalog:
        classifier = catalog.classifier
        products = sum(1 for _ in catalog)
    result.update(import_s=clock.wall, import_cpu_s=clock.cpu, products=products)
    result["groups"] = len(classifier.groups) if classifier else 0
    result["rss_after_import_mb"] = _peak_rss_mb()

    offers = prices = stock_rows = variants = 0
    with _Clock() as clock, read_offers(offers_path, classifier=classifier) as package:
        for offer in package:
            offers += 1
            prices += len(offer.prices or ())
            stock_rows += len(offer.stock or {})
            variants += offer.variant_id is not None
    result.update(offers_s=clock.wall, offers_cpu_s=clock.cpu)
    result.update(offers=offers, prices=prices, stock_rows=stock_rows, variants=variants)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def measure_baseline(folder: Path) -> dict[str, float]:
    """A bare lxml iterparse pass (clear as you go), the floor for any parser."""
    from lxml import etree

    with _Clock() as clock:
        for name in ("import.xml", "offers.xml"):
            for _, element in etree.iterparse(str(folder / name), events=("end",)):
                if element.getparent() is not None and len(element):
                    element.clear()
    return {"iterparse_s": clock.wall, "iterparse_cpu_s": clock.cpu, "peak_rss_mb": _peak_rss_mb()}


def _child(mode: str, folder: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, f"--{mode}", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where to write the files (default: temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.baseline:
        print(json.dumps(measure_baseline(args.baseline)))
        return

    folder = args.dir or Path(tempfile.mkdtemp(prefix="cml-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        import_path, offers_path, offers = generate(folder, args.products)
        sizes = import_path.stat().st_size / 2**20, offers_path.stat().st_size / 2**20
        print(
            f"generated {args.products:,} products / {offers:,} offers in "
            f"{time.perf_counter() - started:.1f} s: import.xml {sizes[0]:.0f} MiB, "
            f"offers.xml {sizes[1]:.0f} MiB ({sum(sizes):.0f} MiB) in {folder}"
        )
        baseline = _child("baseline", folder)
        print(
            f"lxml iterparse alone: {baseline['iterparse_s']:.1f} s wall, "
            f"{baseline['iterparse_cpu_s']:.1f} s CPU, peak RSS {baseline['peak_rss_mb']:.0f} MB"
        )
        r = _child("measure", folder)
        wall = r["detect_s"] + r["import_s"] + r["offers_s"]
        cpu = r["detect_cpu_s"] + r["import_cpu_s"] + r["offers_cpu_s"]
        print(
            f"detect (both files): {r['detect_s']:.3f} s\n"
            f"import.xml: {r['products']:,} products, {r['groups']} groups in "
            f"{r['import_s']:.1f} s wall / {r['import_cpu_s']:.1f} s CPU "
            f"(peak RSS so far {r['rss_after_import_mb']:.0f} MB)\n"
            f"offers.xml: {r['offers']:,} offers ({r['variants']:,} variants), "
            f"{r['prices']:,} prices, {r['stock_rows']:,} stock rows in "
            f"{r['offers_s']:.1f} s wall / {r['offers_cpu_s']:.1f} s CPU\n"
            f"total parse: {wall:.1f} s wall / {cpu:.1f} s CPU, "
            f"peak RSS {r['peak_rss_mb']:.0f} MB"
        )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
