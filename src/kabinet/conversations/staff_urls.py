from django.urls import path

from kabinet.conversations import staff_views

app_name = "staff-conversations"

urlpatterns = [
    path("messages/", staff_views.conversation_list, name="list"),
    path("messages/<int:conversation_id>/", staff_views.conversation_detail, name="detail"),
    path("messages/files/<int:attachment_id>/", staff_views.attachment_download, name="attachment"),
    path(
        "messages/files/<int:attachment_id>/thumb/",
        staff_views.attachment_thumbnail,
        name="thumbnail",
    ),
    path("claims/", staff_views.claim_list, name="claim-list"),
    path("claims/<int:claim_id>/", staff_views.claim_detail, name="claim-detail"),
]
