"""A believable county for demos and benchmarks: one township in full, a second smaller one.

`manage.py seed_demo` (does nothing when people exist already), `--size large` for benchmarks
(500 people, 40 villages).  Each feature app adds its history through township.hooks.demo_seeder.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from township.hooks import DEMO_SEEDERS
from township.models import Category, County, Department, Role, Township, User, Village
from township.roles import STAFF_ROLES

DEMO_PASSWORD = "Demo-2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌辉海燕俊峰鹏飞雪梅琳晨宇浩然欣怡婷雨思佳子涵博文嘉怡晓东春林秋月德福永胜家兴"
VILLAGE_NAMES = [
    "东河村",
    "西岭村",
    "南山村",
    "北坪村",
    "石桥村",
    "柳树村",
    "杨家湾村",
    "李家坝村",
    "龙潭村",
    "桃园村",
    "青龙社区",
    "镇南社区",
    "大石村",
    "小河村",
    "黄泥村",
    "清水村",
    "松林村",
    "竹园村",
    "马鞍村",
    "白鹤村",
    "红旗村",
    "新华村",
    "金星村",
    "光明村",
    "团结村",
    "民主村",
    "和平村",
    "双河村",
    "三合村",
    "四方村",
    "五里村",
    "六合村",
    "七星村",
    "八角村",
    "九龙村",
    "十里村",
    "高峰村",
    "中坝村",
    "下坝村",
    "上寨村",
    "花园社区",
    "广场社区",
]
DEPARTMENTS = [
    "党政综合办公室",
    "经济发展办公室",
    "社会事务办公室",
    "农业农村办公室",
    "综治中心（信访办）",
    "财政所",
    "自然资源和规划所",
    "村（社区）干部",
]


class Command(BaseCommand):
    help = "Load demo data: a county with one full township and a smaller second one."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["normal", "large"], default="normal")
        parser.add_argument("--force", action="store_true", help="seed even if people exist")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, size, force, seed, **options):
        if User.objects.exists() and not force:
            self.stdout.write("Demo data already present; nothing done.")
            return
        rng = random.Random(seed)
        today = timezone.localdate()
        with transaction.atomic():
            county = County.objects.create(name="南江县")
            big = build_township(
                county,
                "青山镇",
                "qingshan",
                rng,
                people=500 if size == "large" else 60,
                villages=40 if size == "large" else 12,
                departments=DEPARTMENTS,
                demo_logins=True,
            )
            small = build_township(
                county,
                "白河乡",
                "baihe",
                rng,
                people=14,
                villages=4,
                departments=["党政综合办公室", "经济发展办公室", "社会事务办公室"],
                demo_logins=False,
            )
            make_user(
                county,
                None,
                None,
                "county_inspector",
                "县纪委检查员",
                "C0001",
                Category.OTHER_CADRE,
                [Role.INSPECTOR],
                rng,
                position="县纪委监委派驻检查员",
                is_staff=True,
            )
            make_user(
                county,
                None,
                None,
                "county_admin",
                "县系统管理员",
                "C0002",
                Category.OTHER_CADRE,
                [Role.ADMINISTRATOR],
                rng,
                position="县数据管理员",
                is_staff=True,
            )
        for _order, name, seeder in DEMO_SEEDERS:
            self.stdout.write(f"seeding {name} ...")
            for township in (big, small):
                with transaction.atomic():
                    seeder(township=township, size=size, rng=rng, today=today)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))


def random_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def random_mobile(rng) -> str:
    return rng.choice(["138", "139", "150", "151", "182", "187", "135", "136"]) + "".join(
        str(rng.randint(0, 9)) for _ in range(8)
    )


_GROUPS: dict = {}


def make_user(
    county,
    township,
    department,
    username,
    full_name,
    employee_no,
    category,
    roles,
    rng,
    position="",
    is_staff=False,
):
    years = rng.choice([2, 4, 7, 9, 12, 16, 22, 27])
    user = User(
        username=username,
        county=county,
        township=township,
        department=department,
        full_name=full_name,
        employee_no=employee_no,
        mobile=random_mobile(rng),
        email=f"{username}@township.local",
        category=category,
        position=position,
        first_employed_on=dt.date(timezone.localdate().year - years, rng.randint(1, 12), 1),
        joined_on=dt.date(timezone.localdate().year - min(years, 6), 1, 1),
        is_staff=is_staff or bool(STAFF_ROLES.intersection(roles)),
    )
    if "hash" not in _GROUPS:
        _GROUPS["hash"] = make_password(DEMO_PASSWORD)  # hash once: PBKDF2 is slow by design
    user.password = _GROUPS["hash"]
    user.save()
    for role in roles:
        if role not in _GROUPS:  # the data migration made them; a flushed test database has none
            _GROUPS[role] = Group.objects.get_or_create(name=role)[0]
    user.groups.set([_GROUPS[r] for r in roles])
    return user


def build_township(county, name, code, rng, *, people, villages, departments, demo_logins):
    for key in [k for k in _GROUPS if k != "hash"]:  # groups are looked up again in each transaction
        del _GROUPS[key]
    t = Township.objects.create(
        county=county, name=name, code=code, office_latitude="32.353100", office_longitude="106.843900"
    )
    vs = [
        Village.objects.create(
            township=t,
            name=VILLAGE_NAMES[i % len(VILLAGE_NAMES)]
            + ("" if i < len(VILLAGE_NAMES) else str(i // len(VILLAGE_NAMES))),
            kind="community" if "社区" in VILLAGE_NAMES[i % len(VILLAGE_NAMES)] else "village",
            code=f"{code}-v{i + 1:02d}",
        )
        for i in range(villages)
    ]
    depts = [Department.objects.create(township=t, name=n, order=i) for i, n in enumerate(departments)]
    prefix = code[:2].upper()
    seq = iter(range(1, 100000))

    def login(u):
        return u if demo_logins else f"{code}_{u}"

    def emp():
        return f"{prefix}{next(seq):04d}"

    secretary = make_user(
        county,
        t,
        depts[0],
        login("shuji"),
        random_name(rng),
        emp(),
        Category.SECTION_LEADER,
        [Role.PRINCIPAL_LEADER, Role.STAFF],
        rng,
        "党委书记",
    )
    head = make_user(
        county,
        t,
        depts[0],
        login("zhenzhang"),
        random_name(rng),
        emp(),
        Category.SECTION_LEADER,
        [Role.PRINCIPAL_LEADER, Role.STAFF],
        rng,
        "镇长" if "镇" in name else "乡长",
    )
    n_leaders = max(2, min(6, len(depts) - 2))
    leaders = [
        make_user(
            county,
            t,
            depts[0],
            login(f"fenguan{i + 1}"),
            random_name(rng),
            emp(),
            Category.SECTION_LEADER,
            [Role.LEADER_IN_CHARGE, Role.STAFF],
            rng,
            ["党委副书记", "副镇长", "副镇长", "纪委书记", "组织委员", "宣传委员"][i % 6],
        )
        for i in range(n_leaders)
    ]
    inspector = leaders[3] if len(leaders) > 3 else leaders[-1]
    inspector.groups.add(Group.objects.get_or_create(name=Role.INSPECTOR)[0])
    inspector.is_staff = True
    inspector.save(update_fields=["is_staff"])
    heads = []
    for i, d in enumerate(depts):
        h = make_user(
            county,
            t,
            d,
            login(f"kezhang{i + 1}"),
            random_name(rng),
            emp(),
            Category.OTHER_CADRE,
            [Role.DEPARTMENT_HEAD, Role.STAFF],
            rng,
            "主任",
        )
        d.head = h
        d.leader_in_charge = leaders[i % len(leaders)]
        d.save(update_fields=["head", "leader_in_charge"])
        heads.append(h)
    # The README's logins form one approval chain in the first department: ganbu1, the office and
    # finance clerks ask; kezhang1 (its head), fenguan1 (its leader in charge) and shuji/zhenzhang
    # approve by length or amount (R-LV-1, R-MTG-1, R-EXP-1).
    special = [
        (login("dangzhengban"), depts[0], [Role.OFFICE_CLERK, Role.STAFF], "党政办文书"),
        (login("caizheng"), depts[0], [Role.FINANCE_CLERK, Role.STAFF], "财政所会计"),
        (login("jiwei"), depts[0], [Role.INSPECTOR, Role.STAFF], "纪检专干"),
        # The three administrators (三员分立), three people: no superuser works day to day.
        (login("xitong"), depts[0], [Role.ADMINISTRATOR, Role.STAFF], "系统管理员"),
        (login("anquan"), depts[0], [Role.SECURITY_ADMIN, Role.STAFF], "安全管理员"),
        (login("shenji"), depts[0], [Role.SECURITY_AUDITOR, Role.STAFF], "安全审计员"),
    ]
    for username, dept, roles, pos in special:
        make_user(county, t, dept, username, random_name(rng), emp(), Category.OTHER_CADRE, roles, rng, pos)
    made = 2 + len(leaders) + len(heads) + len(special)
    i = 0
    village_dept = depts[-1]
    while made < people:
        i += 1
        if i == 1:  # ganbu1: in the first department, under kezhang1 and fenguan1
            cat, dept = Category.OTHER_CADRE, depts[0]
        elif village_dept.name.startswith("村") and i % 4 == 0:
            cat, dept = Category.VILLAGE_CADRE, village_dept
        elif i % 3 == 0:
            cat, dept = Category.VILLAGE_RESIDENT, depts[i % (len(depts) - 1)]
        else:
            cat, dept = Category.OTHER_CADRE, depts[i % (len(depts) - 1)]
        u = make_user(
            county,
            t,
            dept,
            login(f"ganbu{i}"),
            random_name(rng),
            emp(),
            cat,
            [Role.STAFF],
            rng,
            {Category.VILLAGE_CADRE: "村支部书记", Category.VILLAGE_RESIDENT: "驻村干部"}.get(cat, "科员"),
        )
        u.villages.set(rng.sample(vs, k=min(len(vs), 1 if cat != Category.OTHER_CADRE else 2)))
        made += 1
    for leader in [secretary, head, *leaders]:
        leader.villages.set(rng.sample(vs, k=min(len(vs), 2)))
    return t
