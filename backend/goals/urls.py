from django.urls import path

from backend.goals import views

urlpatterns = [
    path("", views.goals_page, name="goals"),
    path("<int:goal_id>/", views.goal_change, name="goal-change"),
]
