from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from klearmind.accounts.views import StaffPasswordResetConfirmView
from klearmind.health import healthz
from klearmind.pages import views as page_views
from klearmind.pages.documents import serve_media
from klearmind.pages.sitemap import MultilingualSitemap

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": MultilingualSitemap}}, name="sitemap"),
    path("comments/", include("klearmind.comments.urls")),
    # Stripe's webhook: one address, whatever the language (Stripe signs it, so no CSRF token).
    path("payments/", include("klearmind.payments.urls")),
    # Before Wagtail's own, so that a completed password reset is audited.
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        StaffPasswordResetConfirmView.as_view(),
    ),
    # The clinic settings' address before they moved out of the public site's app.
    path(
        "admin/settings/pages/clinicsettings/",
        RedirectView.as_view(url="/admin/settings/clinic/clinicsettings/"),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.SERVE_MEDIA:
    # Uploaded images, for a single machine without a web server in front (see README);
    # documents only through /documents/, which checks their privacy.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_media))

# What patients read and fill in, in English at these addresses and in Spanish under /es/.
urlpatterns += i18n_patterns(
    path("search/", page_views.search, name="search"),
    path("candidacy/", include("klearmind.intake.urls")),
    path("book/", include("klearmind.booking.urls")),
    path("check-in/", include("klearmind.care.urls")),
    path("consent/", include("klearmind.care.consents.urls")),
    path("my/", include("klearmind.portal.urls")),
    path("pay/", include("klearmind.payments.patient_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler500 = "klearmind.errors.server_error"
