from django.core.management.base import BaseCommand
from django.utils import translation

from township.management.commands.seed_demo import DEMO_PASSWORD
from township.models import Role, User

# The three administrators (三员分立) are three people; the installation superuser is not a
# demo login (it is for installing only).
LOGINS = [
    ("xitong", Role.ADMINISTRATOR),
    ("anquan", Role.SECURITY_ADMIN),
    ("shenji", Role.SECURITY_AUDITOR),
    ("jiwei", Role.INSPECTOR),
    ("shuji", Role.PRINCIPAL_LEADER),
    ("fenguan1", Role.LEADER_IN_CHARGE),
    ("kezhang1", Role.DEPARTMENT_HEAD),
    ("dangzhengban", Role.OFFICE_CLERK),
    ("caizheng", Role.FINANCE_CLERK),
    ("ganbu1", Role.STAFF),
    ("county_inspector", Role.INSPECTOR),
    ("county_admin", Role.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        port = __import__("os").environ.get("PORT", "8000")
        self.stdout.write(
            self.style.SUCCESS(f"\nOpen http://127.0.0.1:{port}/  (password for all: {DEMO_PASSWORD})")
        )
        names = dict(Role.choices)
        for username, role in LOGINS:
            user = User.objects.filter(username=username).first()
            if user:
                where = user.township or "县级"
                self.stdout.write(f"  {username:<18} {names[role]} · {user.full_name} · {where}")
        self.stdout.write("")
