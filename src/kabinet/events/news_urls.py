from django.urls import path

from kabinet.events import views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("read/", views.news_read_all, name="read-all"),
    path("<int:news_id>/", views.news_detail, name="detail"),
    path("<int:news_id>/image/", views.news_image, name="image"),
]
