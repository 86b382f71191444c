"""The observatory's public page."""

from auzolan.observatory import views

app_name = "observatory"

urlpatterns = [*views.urlpatterns]
