from __future__ import annotations

from django.urls import path

from metroscope.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_directory, name="directory"),
    path("download/<str:fmt>/", views.member_download, name="download"),
    path("<slug:code>/", views.member_page, name="detail"),
    path("<slug:code>/edit/", views.member_edit, name="edit"),
    path("<slug:code>/contacts/add/", views.contact_add, name="contact_add"),
    path("<slug:code>/contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
]
