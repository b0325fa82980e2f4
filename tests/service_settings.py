"""What the deployment files must give the services, read from the code: which services mail
(services/chassis/mail.py) and which secrets, keys and public base URLs each one's settings.py
reads. tests/unit/test_k8s.py and test_compose.py check the Deployments and the compose file."""
import re

from services import registry

SMTP_SETTINGS = {"SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_FROM", "SMTP_USERNAME", "SMTP_PASSWORD"}
SETTING = re.compile(r'env\.\w+\(\s*"(\w+)"(?:,\s*"([^"]*)")?')


def mailers():
    """The services whose code sends mail through services/chassis/mail.py."""
    return [s for s in registry.SERVICES if (registry.ROOT / "services" / s.name).is_dir() and any(
        "from services.chassis import mail" in path.read_text() or "services.chassis.mail" in path.read_text()
        for path in (registry.ROOT / "services" / s.name).rglob("*.py"))]


def secrets_and_links(service):
    """({setting read by the service's settings.py that is a secret, key or public URL},
    {those with a dev default in the code})."""
    found = SETTING.findall((registry.ROOT / "services" / service.name / "settings.py").read_text())
    names = {name for name, _default in found if name.endswith(("_SECRET", "_KEY", "_BASE_URL"))}
    return names, {name for name, default in found if name in names and "change-me" in default}
