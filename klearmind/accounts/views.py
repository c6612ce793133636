from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from wagtail.admin.views.account import PasswordResetConfirmView

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from . import lockout, mfa, roles, services
from .access import check_access
from .forms import CodeForm
from .middleware import seconds_left
from .models import StaffProfile


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("wagtailadmin_home")


@never_cache
def two_factor_setup(request):
    """Enrol an authenticator app: scan or type the key, prove it with a code, keep the codes."""
    if mfa.authenticator(request.user):
        return redirect("accounts:security")
    device = mfa.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if mfa.confirm_authenticator(device, form.cleaned_data["code"]):
            _second_factor_confirmed(request, device)
            codes = mfa.new_recovery_codes(request.user)
            services.record_own_account_change(request, "authenticator app added")
            return _show_recovery_codes(request, codes, next_url=_next_url(request))
        form.add_error(
            "code",
            "That code doesn't match. Check the time on your phone is right and type the "
            "code your app shows now.",
        )
    context = {
        "form": form,
        "qr_svg": mfa.qr_code_svg(device),
        "manual_key": mfa.manual_key(device),
        "required": roles.requires_two_factor(request.user),
        "next": _next_url(request),
    }
    return TemplateResponse(request, "accounts/two_factor_setup.html", context)


@never_cache
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None, allow_recovery=True)
    if form.is_valid():
        code = form.cleaned_data["code"]
        device = mfa.device_for_code(request.user, code)
        wait = mfa.seconds_until_retry(device)
        if wait:
            form.add_error(
                "code",
                f"Too many wrong codes in a row. Wait {wait} seconds, then type the code "
                "your app shows at that moment.",
            )
        elif device is not None and device.verify_token(code):
            _second_factor_confirmed(request, device)
            if not code.isdigit():
                left = mfa.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones under "
                    "Account → Two-factor authentication if you are running low.",
                )
            return HttpResponseRedirect(_next_url(request))
        else:
            record(
                action=AuditEvent.Action.FAILED_LOGIN,
                request=request,
                target=request.user,
                detail="wrong second-factor code",
            )
            form.add_error(
                "code",
                "That code didn't work. App codes change every 30 seconds, and each recovery "
                "code works only once.",
            )
    context = {"form": form, "next": _next_url(request)}
    return TemplateResponse(request, "accounts/two_factor_verify.html", context)


class StaffPasswordResetConfirmView(PasswordResetConfirmView):
    """Wagtail's "choose a new password" step, which also writes the reset to the audit log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        record(
            action=AuditEvent.Action.PASSWORD_RESET,
            request=self.request,
            actor=form.user,
            target=form.user,
        )
        return response


def _second_factor_confirmed(request, device) -> None:
    """Mark the session verified and give it a new key (and CSRF token), as Django does after
    the password: a session key seen before the second factor is worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


@never_cache
def security(request):
    """A person's own second factor, recovery codes and sessions."""
    device = mfa.authenticator(request.user)
    context = {
        "authenticator": device,
        "codes_left": mfa.recovery_codes_left(request.user),
        "required": roles.requires_two_factor(request.user),
        "idle_minutes": round(roles.idle_limit(request.user).total_seconds() / 60),
    }
    return TemplateResponse(request, "accounts/security.html", context)


@require_POST
@never_cache
def new_recovery_codes(request):
    if not mfa.authenticator(request.user):
        return redirect("accounts:two_factor_setup")
    codes = mfa.new_recovery_codes(request.user)
    services.record_own_account_change(request, "new recovery codes")
    return _show_recovery_codes(request, codes, next_url=reverse("accounts:security"))


@require_POST
def remove_two_factor(request):
    if roles.requires_two_factor(request.user):
        messages.error(
            request,
            "Your role can see health information, so your account must keep a second factor.",
        )
        return redirect("accounts:security")
    mfa.remove_second_factor(request.user)
    services.record_own_account_change(request, "second factor removed")
    messages.success(request, "Your authenticator app and recovery codes were removed.")
    return redirect("accounts:security")


@require_POST
def sign_out_everywhere(request):
    """End this person's sessions on every browser and device, this one included."""
    StaffProfile.for_user(request.user).revoke_sessions()
    request.klearmind_logout_reason = "signed out everywhere"
    logout(request)
    messages.success(request, "You were signed out on every device.")
    return redirect("wagtailadmin_login")


def session_status(request):
    """How long until the idle limit: read by the warning script, without resetting it."""
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_left": max(0, round(seconds_left(request))),
            "warning_seconds": settings.STAFF_IDLE_WARNING_SECONDS,
        }
    )


@require_POST
def session_keepalive(request):
    """ "Stay signed in": any request counts as activity, so this only reports the new time."""
    return session_status(request)


@never_cache
def locked_logins(request):
    """Logins and addresses locked after failed attempts, with an unlock button for each."""
    check_access(request, "accounts.unlock_login")
    if request.method == "POST":
        return _unlock(request)
    context = {
        "attempts": lockout.locked_logins(),
        "addresses": lockout.locked_addresses(),
        "limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }
    return TemplateResponse(request, "accounts/locked_logins.html", context)


def _unlock(request):
    if "address" in request.POST:
        return _unlock_address(request)
    posted = request.POST.get("attempt", "")
    # Not a number (a tampered form): nothing to unlock, rather than a failed query.
    attempt = AccessAttempt.objects.filter(pk=posted).first() if posted.isdigit() else None
    if attempt is None:
        messages.error(request, "That lock was already lifted.")
        return redirect("accounts:locked_logins")
    services.unlock_login(attempt=attempt, request=request)
    messages.success(request, f"{attempt.username or attempt.ip_address} can sign in again.")
    return redirect("accounts:locked_logins")


def _unlock_address(request):
    posted = request.POST["address"]
    if not lockout.locked_addresses().filter(ip_address=posted).exists():
        messages.error(request, "That lock was already lifted.")
        return redirect("accounts:locked_logins")
    services.unlock_address(ip_address=posted, request=request)
    messages.success(request, f"Sign-ins from {posted} are possible again.")
    return redirect("accounts:locked_logins")


def _show_recovery_codes(request, codes, *, next_url):
    response = TemplateResponse(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url}
    )
    response["Cache-Control"] = "no-store"
    return response
