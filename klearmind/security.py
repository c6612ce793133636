"""Response headers that Django's SecurityMiddleware does not set."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class SecurityHeadersMiddleware(CSPMiddleware):
    """The public Content-Security-Policy everywhere, the admin's own under the admin paths,
    and a Permissions-Policy that turns off the browser features the site never uses."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.ADMIN_PATH_PREFIXES):
            return PolicyParts(config=settings.ADMIN_CONTENT_SECURITY_POLICY, nonce=parts.nonce)
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
