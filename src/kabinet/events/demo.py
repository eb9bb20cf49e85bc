"""Demo events and news (called by `demo.generator.demo_generate`).

Past and upcoming events of every kind, one of them full with a waiting list, one for a
region only; a few news items, one with a picture and one personal offer. Rows are written
directly (like the rest of the demo), so nobody is sent a letter.
"""

import io
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kabinet.accounts.models import Partner, User
from kabinet.events.models import (
    Audience,
    Event,
    EventKind,
    News,
    PartnerGroup,
    Registration,
    RegistrationStatus,
)
from kabinet.events.services import news_image_set


@dataclass
class EventsDemoResult:
    events: int = 0
    registrations: int = 0
    news: int = 0


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _picture() -> SimpleUploadedFile:
    image = Image.new("RGB", (960, 540), (13, 110, 253))
    draw = ImageDraw.Draw(image)
    for step in range(0, 540, 12):
        draw.line([(0, step), (960, 540 - step)], fill=(32, 130, 255), width=4)
    draw.rectangle([60, 380, 900, 480], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("promo.jpg", out.getvalue(), content_type="image/jpeg")


def events_demo_generate(*, partners: list[Partner], seed: int = 2026) -> EventsDemoResult:
    rng = random.Random(seed)
    result = EventsDemoResult()
    if not partners:
        return result
    people = {}
    for user in User.objects.filter(partner__in=partners, is_active=True).order_by("pk"):
        people.setdefault(user.partner_id, []).append(user)
    region = PartnerGroup.objects.create(name="Москва и Московская область")
    PartnerGroup.partners.through.objects.bulk_create(
        [PartnerGroup.partners.through(partnergroup=region, partner=p) for p in partners[::3]]
    )
    events = []

    def event(kind, title, starts, ends, **fields):
        events.append(
            Event(
                kind=kind, title=title, starts_at=starts, ends_at=ends, is_published=True, **fields
            )
        )
        return events[-1]

    online = "https://webinar.example/kabinet"
    past_webinar = event(
        EventKind.WEBINAR,
        "Вебинар: работа с личным кабинетом",
        _at(-20, 11),
        _at(-20, 12, 30),
        online_url=online,
        description="Как оформить заказ за пять минут, сохранить корзину и загрузить заказ "
        "из Excel.",
    )
    event(
        EventKind.EXHIBITION,
        "Выставка «Здравоохранение-2026»",
        _at(-45, 10),
        _at(-42, 18),
        place="Москва, ЦВК «Экспоцентр», павильон 2, стенд B-14",
    )
    upcoming_webinar = event(
        EventKind.WEBINAR,
        "Вебинар: новинки перевязочных материалов",
        _at(3, 11),
        _at(3, 12),
        online_url=online,
        capacity=100,
        description="Обзор новых позиций каталога, ответы технолога на вопросы.",
    )
    full_training = event(
        EventKind.TRAINING,
        "Обучение: хранение и учёт изделий медицинского назначения",
        _at(10, 10),
        _at(10, 17),
        place="Москва, ул. Летниковская, д. 10, учебный класс",
        capacity=3,
        registration_deadline=_at(8, 18),
        description="Очный семинар для заведующих складом и провизоров. Обед за наш счёт.",
    )
    event(
        EventKind.EXHIBITION,
        "Выставка «Аптечный салон»",
        _at(24, 10),
        _at(26, 18),
        place="Москва, МВЦ «Крокус Экспо», павильон 3",
        description="Приглашаем на наш стенд: образцы, скидки по промокоду выставки.",
    )
    event(
        EventKind.PROMOTION,
        "Акция: −10% на перчатки до конца месяца",
        _at(0, 0),
        _at(20, 23, 59),
        place="В каталоге портала",
        description="Скидка применяется к заказам, отправленным до окончания акции.",
    )
    regional = event(
        EventKind.TRAINING,
        "Семинар для партнёров Москвы и области",
        _at(14, 15),
        _at(14, 17),
        place="Москва, Пресненская наб., д. 12",
        audience=Audience.SELECTED,
        capacity=40,
    )
    Event.objects.bulk_create(events)
    result.events = len(events)
    Event.groups.through.objects.create(event=regional, partnergroup=region)

    registrations = []

    def register(event_, user, status, days_ago):
        registrations.append(
            Registration(
                event=event_,
                user=user,
                partner_id=user.partner_id,
                registered_by=user,
                status=status,
                queued_at=timezone.now() - timedelta(days=days_ago, minutes=rng.randint(0, 600)),
            )
        )

    first = people.get(partners[0].pk, [])
    if first:
        register(past_webinar, first[0], RegistrationStatus.CONFIRMED, 30)
        register(upcoming_webinar, first[0], RegistrationStatus.CONFIRMED, 2)
    others = [people[p.pk][:2] for p in partners[1:] if p.pk in people]
    queue = [user for pair in others for user in pair]
    if len(queue) < 5:  # a small demo: the first partner's people fill the training
        queue += first[1:]
    for n, user in enumerate(queue[:5]):
        status = RegistrationStatus.CONFIRMED if n < 3 else RegistrationStatus.WAITING
        register(full_training, user, status, 7 - n)
    for user in queue[5:25]:
        register(upcoming_webinar, user, RegistrationStatus.CONFIRMED, rng.randint(1, 5))
    Registration.objects.bulk_create(registrations, ignore_conflicts=True)
    result.registrations = len(registrations)

    now = timezone.now()
    news = [
        News(
            title="Новые цены на шприцы с 1-го числа",
            text="С начала месяца меняются цены на шприцы инъекционные трёхкомпонентные. "
            "Актуальный прайс-лист — в разделе «Каталог».",
            published_at=now - timedelta(days=1),
        ),
        News(
            title="Склад работает в праздники по особому графику",
            text="31 декабря отгрузка до 14:00, с 1 по 3 января склад закрыт. Заказы, "
            "отправленные в эти дни, собираем 4 января.",
            published_at=now - timedelta(days=4),
        ),
        News(
            title="В каталоге появились перевязочные материалы Medi",
            text="Более 120 новых позиций: бинты, пластыри, повязки. Цены по вашему соглашению.",
            published_at=now - timedelta(days=9),
        ),
    ]
    news.append(
        News(
            title="Персональное предложение: бонус 3% за заказ от 300 000 ₽",
            text="До конца квартала — дополнительный бонус 3% к вашим условиям.",
            published_at=now - timedelta(hours=3),
            audience=Audience.SELECTED,
        )
    )
    for item in news:
        item.is_published = True
    News.objects.bulk_create(news)
    News.partners.through.objects.create(news=news[-1], partner=partners[0])
    news_image_set(news=news[2], upload=_picture())
    result.news = len(news)
    return result
