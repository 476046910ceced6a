from __future__ import annotations

from django.urls import path

from metroscope.community import people_views, views

app_name = "community"
urlpatterns = [
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/posts/", views.post_create, name="post"),
    path("groups/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("groups/<int:pk>/documents/<int:document>/", views.document_file, name="document"),
    path(
        "groups/<int:pk>/documents/<int:document>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("groups/<int:pk>/members/", views.member_add, name="member_add"),
    path(
        "groups/<int:pk>/members/<int:membership>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("groups/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path(
        "groups/<int:pk>/meetings/<int:meeting>/remove/",
        views.meeting_remove,
        name="meeting_remove",
    ),
    path("experts/", people_views.experts_page, name="experts"),
    path("experts/me/", people_views.my_expert_profile, name="my_expert"),
    path("experts/me/withdraw/", people_views.withdraw_expert, name="withdraw_expert"),
    path("engagement/", people_views.network_engagement_page, name="network_engagement"),
    path("engagement/<slug:code>/", people_views.member_engagement_page, name="member_engagement"),
]
