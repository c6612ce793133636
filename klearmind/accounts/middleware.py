"""Staff sessions: ended after a quiet spell or on "sign out everywhere"; second factor enforced."""

import time
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse

from . import mfa, roles
from .access import second_factor_redirect
from .models import StaffProfile

LAST_SEEN = "accounts.last_seen"
IDLE_SECONDS = "accounts.idle_seconds"
SIGNED_IN_AT = "accounts.signed_in_at"


@cache
def _background_paths() -> tuple[str, ...]:
    # Requests a page makes by itself are not activity: the idle clock keeps running.
    return (
        reverse("accounts:session_status"),
        reverse("wagtailadmin_home") + "editing-sessions/",
    )


@cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


def seconds_left(request, now: float | None = None) -> float:
    now = time.time() if now is None else now
    session = request.session
    last_seen = session.get(LAST_SEEN, now)
    return session.get(IDLE_SECONDS, 0) - (now - last_seen)


def start_clock(request, user) -> None:
    """Called at sign-in: the idle limit follows what this person may see."""
    now = time.time()
    request.session[IDLE_SECONDS] = roles.idle_limit(user).total_seconds()
    request.session[LAST_SEEN] = now
    request.session[SIGNED_IN_AT] = now


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is nobody signed in: public pages stay untouched.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            ended = self._end_if_stale(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _end_if_stale(self, request):
        session = request.session
        if IDLE_SECONDS not in session:
            start_clock(
                request, request.user
            )  # a session from before these rules: start counting now
        now = time.time()
        if seconds_left(request, now) <= 0:
            return self._end(request, "idle")
        if self._revoked(request):
            return self._end(request, "revoked")
        if not request.path.startswith(_background_paths()):
            session[LAST_SEEN] = now
        return None

    @staticmethod
    def _revoked(request) -> bool:
        signed_in_at = request.session.get(SIGNED_IN_AT, 0)
        revoked_at = (
            StaffProfile.objects.filter(user=request.user)
            .values_list("sessions_revoked_at", flat=True)
            .first()
        )
        return revoked_at is not None and revoked_at.timestamp() >= signed_in_at

    @staticmethod
    def _end(request, reason: str):
        idle_minutes = round(request.session.get(IDLE_SECONDS, 0) / 60)
        request.klearmind_logout_reason = reason
        logout(request)
        if reason == "idle":
            text = (
                f"You were signed out after {idle_minutes} minutes without activity, "
                "to keep patients' information safe. Sign in again to carry on."
            )
        else:
            text = "You were signed out on every device. Sign in again to carry on."
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"signed_in": False, "message": text}, status=401)
        messages.info(request, text)
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))


# Pages a signed-in person may open before confirming their second factor.
UNVERIFIED_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",  # the icons every admin page fetches
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:session_status",
    "accounts:session_keepalive",
}


class TwoFactorMiddleware:
    """In the back office, a second factor is confirmed first, or set up where it is required.

    Editors and moderators without one may work on; anyone with an authenticator must use it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(_admin_prefix()):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in UNVERIFIED_VIEWS:
            return None
        if mfa.authenticator(user) or roles.requires_two_factor(user):
            return second_factor_redirect(request)
        return None
