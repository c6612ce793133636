import os

from django.core.wsgi import get_wsgi_application

from klearmind.pages.page_cache import PageCacheApplication

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klearmind.settings.dev")

# Cached pages are answered in front of Django (see klearmind/pages/page_cache.py).
application = PageCacheApplication(get_wsgi_application())
