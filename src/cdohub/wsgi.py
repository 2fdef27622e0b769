import os

from django.core.wsgi import get_wsgi_application

from cdohub import cli

os.environ.setdefault("DJANGO_SETTINGS_MODULE", cli.DEFAULT_SETTINGS)
application = get_wsgi_application()
