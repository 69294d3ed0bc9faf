from django.urls import path

from backend.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("offline/", views.offline, name="offline"),
    # At the site root so the worker's scope covers the whole app.
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
