"""Application factory: `create_app(config_class)` wires extensions, blueprints, errors and CLI."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=None) -> Flask:
    """Build the Flask application for the given configuration class (or instance)."""
    from config import CONFIGS

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    config_class = config_class or CONFIGS["development"]
    app.config.from_object(config_class() if isinstance(config_class, type) else config_class)
    app.jinja_env.add_extension("jinja2.ext.do")
    register_logging(app)
    register_extensions(app)
    register_sqlite_pragmas(app)
    register_i18n(app)
    register_url_converters(app)
    register_blueprints(app)
    register_security(app)
    register_monitoring(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    """Log format and level; no SQL parameters or query strings in the logs (app/logs.py)."""
    from app.logs import init_logging

    init_logging(app)


def register_extensions(app: Flask) -> None:
    """Bind the extension objects of app.extensions to this app."""
    from app import models as _models  # noqa: F401  (register every table)
    from app.auth.access import init_login
    from app.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    from app.search.schema import include_object

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_object=include_object)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    from app import refcache

    refcache.init_app(app)


def register_sqlite_pragmas(app: Flask) -> None:
    """Apply WAL, busy timeout and foreign keys to every SQLite connection of this app."""
    from sqlalchemy import event

    from app.db import configure_sqlite_connection
    from app.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        event.listen(db.engine, "connect", lambda conn, _rec: configure_sqlite_connection(conn))


def register_i18n(app: Flask) -> None:
    """Flask-Babel with the language chosen by the visitor (session), Vietnamese by default."""
    from app.i18n import init_i18n

    init_i18n(app)


def register_url_converters(app: Flask) -> None:
    """`<int:…>` in URLs stops at the largest id: a larger number is a 404, not a database error."""
    from app.security import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    """Register the public portal, the staff workspace (petitions, reception desk, admin) and documents."""
    from app.admin.views import bp as admin_bp
    from app.api.token_views import bp as tokens_bp
    from app.api.views import bp as api_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.calendar.views import bp as calendar_bp
    from app.cases.views import bp as cases_bp
    from app.documents.views import bp as documents_bp
    from app.imports.views import bp as imports_bp
    from app.inspections.views import bp as inspections_bp
    from app.oversight.directive_views import bp as directives_bp
    from app.oversight.views import bp as oversight_bp
    from app.petitions.views import bp as petitions_bp
    from app.portal.views import bp as portal_bp
    from app.reception.online_views import bp as online_bp
    from app.reception.public_views import bp as online_public_bp
    from app.reception.register_views import bp as register_bp
    from app.reception.session_views import bp as sessions_bp
    from app.reception.views import bp as reception_bp
    from app.reports.chart_views import bp as charts_bp
    from app.reports.public_views import bp as stats_public_bp
    from app.reports.views import bp as reports_bp
    from app.privacy.views import bp as privacy_bp
    from app.retention.views import bp as retention_bp
    from app.staff.views import bp as staff_bp

    app.register_blueprint(portal_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(petitions_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(reception_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(online_bp)
    app.register_blueprint(online_public_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(oversight_bp)
    app.register_blueprint(directives_bp)
    app.register_blueprint(inspections_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(stats_public_bp)
    app.register_blueprint(charts_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)


def register_security(app: Flask) -> None:
    """Security headers on every response."""
    from app.security import init_security

    init_security(app)


def register_monitoring(app: Flask) -> None:
    """/healthz, /metrics, request ids, request figures and the request log (docs/deploy.md)."""
    from app.monitoring.requests import init_requests
    from app.monitoring.views import bp as monitoring_bp

    init_requests(app)
    app.register_blueprint(monitoring_bp)


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages in the visitor's language: no stack traces."""
    from app.errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    """Jinja filters for dates in Asia/Ho_Chi_Minh (dd/mm/yyyy) and Vietnamese numbers."""
    from app.formatting import init_formatting

    init_formatting(app)


def register_cli(app: Flask) -> None:
    """`flask seed ...` and `flask storage ...`."""
    from app.cli import init_cli

    init_cli(app)
