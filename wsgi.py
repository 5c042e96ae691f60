"""WSGI entry point: `gunicorn wsgi:app`. APP_ENV chooses the configuration (default: production)."""
import os

from app import create_app
from config import CONFIGS

app = create_app(CONFIGS[os.environ.get("APP_ENV", "production")])
