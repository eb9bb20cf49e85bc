from django.urls import path

from kabinet.conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("badge/", views.message_badge, name="badge"),
    path("general/", views.conversation_general, name="general"),
    path("order/<int:order_id>/", views.conversation_order, name="order"),
    path("<int:conversation_id>/", views.conversation_detail, name="detail"),
    path("files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("files/<int:attachment_id>/thumb/", views.attachment_thumbnail, name="thumbnail"),
]
