"""Demo data sources the main job creates for discovery: 茂名市公安局's population system (a SQLite
database with Chinese comments) and 茂名市生态环境局's monitoring exports (a folder of CSV and Excel
files). They are registered but not yet discovered, so the demo user can press 发现表."""

import csv
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from faker import Faker
from openpyxl import Workbook

from cdohub.accounts.demo import DemoAccounts
from cdohub.datakit.identifiers import make_uscc
from cdohub.org.models import Unit

from . import services

POPULATION = """
CREATE TABLE rk_jbxx (  -- 人口基本信息
  gmsfhm TEXT PRIMARY KEY,  -- 公民身份号码
  xm TEXT NOT NULL,  -- 姓名
  xb TEXT,  -- 性别
  mz TEXT,  -- 民族
  csrq DATE,  -- 出生日期
  hjdz TEXT  -- 户籍地址
);
CREATE TABLE hj_qyjl (  -- 户籍迁移记录
  qybh TEXT PRIMARY KEY,  -- 迁移编号
  gmsfhm TEXT,  -- 公民身份号码
  qcd TEXT,  -- 迁出地
  qrd TEXT,  -- 迁入地
  qyrq DATE  -- 迁移日期
);
CREATE TABLE jzz_xx (  -- 居住证信息
  jzzbh TEXT PRIMARY KEY,  -- 居住证编号
  gmsfhm TEXT,  -- 公民身份号码
  jzdz TEXT,  -- 居住地址
  qfrq DATE,  -- 签发日期
  yxqz DATE  -- 有效期至
);
CREATE TABLE crj_zjxx (  -- 出入境证件信息
  zjhm TEXT PRIMARY KEY,  -- 证件号码
  gmsfhm TEXT,  -- 公民身份号码
  zjzl TEXT,  -- 证件种类
  qfrq DATE  -- 签发日期
);
"""


def population_database(path: Path, fake: Faker) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(POPULATION)
        people = [
            (
                fake.ssn(),
                fake.name(),
                fake.random_element("男女"),
                "汉族",
                fake.date_of_birth(),
                fake.address(),
            )
            for _ in range(200)
        ]
        db.executemany("INSERT OR IGNORE INTO rk_jbxx VALUES (?, ?, ?, ?, ?, ?)", people)
        db.executemany(
            "INSERT INTO jzz_xx VALUES (?, ?, ?, ?, ?)",
            [
                (f"JZZ{n:06d}", p[0], fake.address(), date(2025, 1, 1), date(2028, 1, 1))
                for n, p in enumerate(people[:60])
            ],
        )


def monitoring_folder(folder: Path, fake: Faker) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stations = ["茂南区站", "电白区站", "高州市站", "化州市站", "信宜市站"]
    with (folder / "空气质量小时数据.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["监测站点", "监测时间", "PM2.5", "PM10", "AQI"])
        start = date(2026, 10, 1)
        for day in range(30):
            for station in stations:
                writer.writerow(
                    [
                        station,
                        start + timedelta(days=day),
                        fake.random_int(5, 80),
                        fake.random_int(10, 120),
                        fake.random_int(20, 150),
                    ]
                )
    book = Workbook()
    sheet = book.active
    sheet.title = "排污单位"
    sheet.append(["统一社会信用代码", "单位名称", "许可证编号", "有效期至"])
    for _ in range(40):
        sheet.append(
            [
                make_uscc("91", "440900", fake.bothify("MA######")),
                fake.company(),
                fake.bothify("9144####MA#####-001P"),
                date(2028, 6, 30),
            ]
        )
    book.save(folder / "排污许可台账.xlsx")


def load(admin) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(2021)
    root = Path(settings.DATA_DIR) / "sources" / "demo"
    accounts = DemoAccounts(admin)
    police = Unit.objects.get(code="440900-GA")
    population_database(root / "maoming-ga-population.sqlite3", fake)
    services.register_source(
        accounts.specialist(police),
        police,
        name="茂名市人口管理信息系统",
        kind="sqlite",
        path=str(root / "maoming-ga-population.sqlite3"),
    )
    ecology = Unit.objects.get(code="440900-ST")
    monitoring_folder(root / "maoming-st-monitoring", fake)
    services.register_source(
        accounts.specialist(ecology),
        ecology,
        name="生态环境监测数据导出",
        kind="files",
        path=str(root / "maoming-st-monitoring"),
    )


def logins() -> list[tuple[str, str, str]]:
    return []
