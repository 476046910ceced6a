from __future__ import annotations

from django.urls import path

from metroscope.community import views

app_name = "community"

urlpatterns = [
    path("experts/", views.experts_page, name="experts"),
    path("experts/me/", views.my_expert_profile, name="my_expert"),
    path("experts/me/withdraw/", views.withdraw_expert, name="withdraw_expert"),
    path("engagement/", views.network_engagement_page, name="network_engagement"),
    path("engagement/<slug:code>/", views.member_engagement_page, name="member_engagement"),
]
