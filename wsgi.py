"""WSGI entry point: `gunicorn wsgi:app`; Flask's CLI finds `app` here."""

from app import create_app

app = create_app()
