"""Chart screens of the care back office (namespace care_admin)."""

urlpatterns = []
