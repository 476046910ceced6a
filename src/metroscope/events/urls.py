from __future__ import annotations

from django.urls import path

from metroscope.events import staff_views, views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("calendar.ics", views.events_ics, name="events_ics"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/calendar.ics", views.event_ics, name="event_ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registrations/", staff_views.registrations, name="registrations"),
    path("registrations/", views.my_registrations, name="my_registrations"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("registrations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
