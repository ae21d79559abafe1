"""docker-compose.yml catches outbound mail in Mailpit (issue 13, point 9), read without Docker."""

import re
from pathlib import Path

import environ
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_the_web_and_the_worker_send_to_the_mail_catcher():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert services["mailpit"]["image"] == "axllent/mailpit"
    assert "8025:8025" in services["mailpit"]["ports"]  # the UI; SMTP 1025 stays inside
    for name in ("web", "worker"):
        service = services[name]
        assert "mailpit" in service["depends_on"], name
        default = re.fullmatch(r"\$\{EMAIL_URL:-(.+)\}", service["environment"]["EMAIL_URL"])
        config = environ.Env.email_url_config(default.group(1))
        assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
        assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mailpit", 1025)
        assert "SUPPORT_EMAIL" in service["environment"]


def test_raw_mail_is_kept_on_a_volume_and_the_image_holds_every_app():
    compose = yaml.safe_load(COMPOSE.read_text())
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert "media-data:/app/media" in service["volumes"]
        assert service["environment"]["MEDIA_ROOT"] == "/app/media"
    assert "media-data" in compose["volumes"]
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text()
    pyproject = (COMPOSE.parent / "pyproject.toml").read_text()
    include = re.search(r"include = \[(.*?)\]", pyproject, re.S).group(1)
    for app in re.findall(r'"(\w+)\*"', include):
        assert f"COPY {app} ./{app}" in dockerfile, f"the image lacks {app}/"
