"""Search benchmark: import time, search latency, commit-to-searchable, page throughput.

Run from the repository root (it is not collected by pytest)::

    .venv/bin/python tests/benchmarks/search_benchmark.py --sizes 1000,10000
    .venv/bin/python tests/benchmarks/search_benchmark.py --quick

For each size it generates realistic random projects (deterministic seed)
into a temporary SQLite database, imports them through the catalogue import
code (which fires the search outbox, applied on commit), then times
``search_projects`` over a mix of queries with facets and highlights, and
the delay between a commit and the change being found by search. With
``--http`` (default on the largest size) it serves that database with
gunicorn (2 workers) on 127.0.0.1 and compares /projects with /healthz.
"""

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.catalog.io import SourceRecord  # noqa: E402
from app.catalog.records import prepare_records, upsert_projects  # noqa: E402
from app.database import begin_write  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Project  # noqa: E402
from app.search import ProjectQuery, search_projects  # noqa: E402

CITIES = [
    ("Seoul", "KR"),
    ("Busan", "KR"),
    ("Goyang", "KR"),
    ("Seongnam", "KR"),
    ("Jeju", "KR"),
    ("Medellín", "CO"),
    ("Bogotá", "CO"),
    ("São Paulo", "BR"),
    ("Belo Horizonte", "BR"),
    ("Curitiba", "BR"),
    ("Mexico City", "MX"),
    ("Guadalajara", "MX"),
    ("Jakarta", "ID"),
    ("Surabaya", "ID"),
    ("George Town", "MY"),
    ("Kuala Lumpur", "MY"),
    ("Moscow", "RU"),
    ("Kazan", "RU"),
    ("Istanbul", "TR"),
    ("Ankara", "TR"),
    ("Mashhad", "IR"),
    ("Tehran", "IR"),
    ("Kampala", "UG"),
    ("Nairobi", "KE"),
    ("Kigali", "RW"),
    ("Addis Ababa", "ET"),
    ("Ulaanbaatar", "MN"),
    ("Hanoi", "VN"),
    ("Da Nang", "VN"),
    ("Manila", "PH"),
    ("Barcelona", "ES"),
    ("Lisbon", "PT"),
    ("Helsinki", "FI"),
    ("Tallinn", "EE"),
    ("Zürich", "CH"),
    ("Montréal", "CA"),
    ("Chicago", "US"),
    ("Lima", "PE"),
    ("Quito", "EC"),
    ("Dubai", "AE"),
    ("Amman", "JO"),
    ("Lagos", "NG"),
    ("Accra", "GH"),
    ("Dhaka", "BD"),
    ("Kathmandu", "NP"),
    ("Colombo", "LK"),
    ("Chengdu", "CN"),
    ("Yokohama", "JP"),
    ("Taipei", "TW"),
    ("Melbourne", "AU"),
]
THEMES = [
    "mobility",
    "open-inclusive",
    "safe-city",
    "efficient-government",
    "emerging-technology",
    "sustainable-city",
]
STATUSES = ["idea", "feasibility", "pilot", "implemented", "scaled"]
TECHNOLOGIES = [
    "IoT",
    "Mobile app",
    "Open data",
    "AI",
    "Drones",
    "Blockchain",
    "GIS",
    "Cloud",
    "5G",
    "Digital twin",
    "CCTV",
    "Sensors",
    "Big data",
    "Chatbot",
    "Smart cards",
    "LoRaWAN",
    "Solar",
    "Electric vehicles",
    "Machine learning",
    "Computer vision",
]
SUBJECTS = [
    "parking",
    "bus",
    "traffic",
    "waste",
    "water",
    "air quality",
    "energy",
    "lighting",
    "safety",
    "permits",
    "taxes",
    "health",
    "schools",
    "flood",
    "housing",
    "tourism",
    "bicycle",
    "metro",
    "noise",
    "heat",
    "emergency",
    "library",
    "market",
    "port",
    "recycling",
    "pedestrian",
    "women's safety",
    "disaster",
    "payments",
    "open budget",
]
NOUNS = [
    "platform",
    "system",
    "service",
    "app",
    "network",
    "dashboard",
    "portal",
    "pilot",
    "programme",
    "hub",
    "centre",
    "map",
    "monitoring",
    "management",
    "information",
]
ADJECTIVES = [
    "smart",
    "integrated",
    "open",
    "digital",
    "green",
    "citizen",
    "real-time",
    "inclusive",
    "connected",
    "safe",
    "efficient",
    "sustainable",
    "shared",
    "mobile",
]
VERBS = [
    "reduces",
    "improves",
    "connects",
    "monitors",
    "predicts",
    "simplifies",
    "maps",
    "shares",
    "measures",
    "automates",
    "opens",
    "protects",
]
OBJECTS = [
    "congestion",
    "response times",
    "energy use",
    "citizen complaints",
    "public spending",
    "waiting times",
    "emissions",
    "accidents",
    "paperwork",
    "service quality",
    "informal settlements",
    "water losses",
    "street crime",
    "school enrolment",
]
ORGANIZATIONS = [
    "Korea Telecom",
    "SRPOST",
    "Hyundai",
    "Cisco",
    "Siemens",
    "Huawei",
    "World Bank",
    "UN-Habitat",
    "Inter-American Development Bank",
    "KOICA",
    "City Hall",
    "Metropolitan Transport Authority",
    "Universidad Nacional",
    "Open Knowledge",
    "Telefónica",
    "Orange",
    "NEC",
    "Samsung SDS",
]


# Translations: a third of the projects carry three of these languages
# (title, summary and a short description), built from small word lists.
TRANSLATION_WORDS = {
    "fr": (
        [
            "stationnement",
            "déchets",
            "mobilité",
            "éclairage",
            "eau",
            "énergie",
            "sécurité",
            "transports",
            "inondations",
            "santé",
            "écoles",
            "logement",
            "tourisme",
            "vélo",
        ],
        ["plateforme", "système", "service", "réseau", "tableau de bord", "portail", "carte"],
        ["intelligent", "intégré", "ouvert", "numérique", "vert", "citoyen", "connecté"],
    ),
    "es": (
        [
            "estacionamiento",
            "residuos",
            "movilidad",
            "alumbrado",
            "agua",
            "energía",
            "seguridad",
            "transporte",
            "inundaciones",
            "salud",
            "escuelas",
            "vivienda",
            "bicicleta",
        ],
        ["plataforma", "sistema", "servicio", "red", "tablero", "portal", "mapa"],
        ["inteligente", "integrado", "abierto", "digital", "verde", "ciudadano", "conectado"],
    ),
    "pt": (
        [
            "estacionamento",
            "resíduos",
            "mobilidade",
            "iluminação",
            "água",
            "energia",
            "segurança",
            "transporte",
            "enchentes",
            "saúde",
            "escolas",
            "habitação",
        ],
        ["plataforma", "sistema", "serviço", "rede", "painel", "portal", "mapa"],
        ["inteligente", "integrado", "aberto", "digital", "verde", "cidadão", "conectado"],
    ),
    "ar": (
        [
            "مواقف",
            "النفايات",
            "التنقل",
            "الإنارة",
            "المياه",
            "الطاقة",
            "السلامة",
            "النقل",
            "الفيضانات",
            "الصحة",
            "المدارس",
            "الإسكان",
        ],
        ["منصة", "نظام", "خدمة", "شبكة", "لوحة", "بوابة", "خريطة"],
        ["الذكية", "المتكاملة", "المفتوحة", "الرقمية", "الخضراء"],
    ),
    "ko": (
        [
            "주차",
            "쓰레기",
            "교통",
            "가로등",
            "수자원",
            "에너지",
            "안전",
            "대중교통",
            "홍수",
            "보건",
            "학교",
            "주택",
            "관광",
            "자전거",
        ],
        ["플랫폼", "시스템", "서비스", "네트워크", "대시보드", "포털", "지도"],
        ["스마트", "통합", "개방형", "디지털", "친환경", "시민"],
    ),
    "zh-Hant": (
        [
            "停車",
            "垃圾",
            "交通",
            "路燈",
            "水資源",
            "能源",
            "安全",
            "公共運輸",
            "淹水",
            "醫療",
            "學校",
            "住宅",
            "觀光",
            "自行車",
        ],
        ["平台", "系統", "服務", "網絡", "儀表板", "入口網站", "地圖"],
        ["智慧", "整合", "開放", "數位", "綠色", "市民"],
    ),
}


def translated_text(rng, lang, words):
    subjects, nouns, adjectives = TRANSLATION_WORDS[lang]
    parts = [rng.choice(subjects), rng.choice(nouns), rng.choice(adjectives)]
    if lang in ("ko", "zh-Hant"):
        # Compounds, as these languages write them: a word inside must still match.
        return "".join(parts[::-1]) + " " + " ".join(rng.choice(subjects) for _ in range(words))
    return " ".join(parts + [rng.choice(subjects + nouns) for _ in range(words)])


def translations(rng):
    languages = rng.sample(sorted(TRANSLATION_WORDS), 3)
    return {
        lang: {
            "title": translated_text(rng, lang, 0),
            "summary": translated_text(rng, lang, 8),
            "description": translated_text(rng, lang, 30),
            "source": "machine",
            "reviewed": False,
        }
        for lang in languages
    }


def sentence(rng):
    return (
        f"The {rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} {rng.choice(NOUNS)} "
        f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} for {rng.choice(['residents', 'visitors', 'businesses', 'commuters', 'city staff'])}."
    )


def make_record(rng, number):
    city, country = rng.choice(CITIES)
    subject = rng.choice(SUBJECTS)
    title = f"{rng.choice(ADJECTIVES).capitalize()} {subject} {rng.choice(NOUNS)}"
    if rng.random() < 0.3:
        title = f"{city} {title}"
    record = {
        "slug": f"bench-{number}",
        "title": title,
        "city": city,
        "country": country,
        "theme": rng.choice(THEMES),
        "summary": sentence(rng),
        "description": " ".join(sentence(rng) for _ in range(rng.randint(3, 8))),
        "technologies": rng.sample(TECHNOLOGIES, rng.randint(1, 4)),
        "status": rng.choice(STATUSES),
        "year": rng.randint(2005, 2025),
        "organizations": [{"name": rng.choice(ORGANIZATIONS), "role": "provider"}],
    }
    if number % 3 == 0:
        record["translations"] = translations(rng)
    return record


# What visitors type in other languages, and vocabulary names.
OTHER_QUERIES = [
    "déchets",
    "movilidad",
    "residuos",
    "mobilité",
    "stationnement",
    "resíduos",
    "주차",
    "쓰레기",
    "交通",
    "垃圾",
    "النفايات",
    "نفايات",
    "Africa",
    "Middle East",
    "Latin America",
    "Europe",
    "Korea",
    "South Korea",
    "Türkiye",
    "rubbish",
    "trash",
    "egovernment",
    "e-government",
    "car park",
    "Seoul",
    "Dakar",
    "Dhaka",
    "Lagos",
    "Asia Pacific",
    "smart waste Africa",
    "parking Korea",
    "movilidad sostenible",
]


def make_queries(rng, count):
    """A mix of what people type: words, pairs, phrases, typos, places, facet-only browsing."""
    queries = []
    for number in range(count):
        kind = number % 10
        filters = {}
        if rng.random() < 0.35:
            filters["theme"] = [rng.choice(THEMES)]
        if rng.random() < 0.2:
            filters["country"] = rng.sample([c for _, c in CITIES], 2)
        if rng.random() < 0.15:
            filters["technology"] = [rng.choice(TECHNOLOGIES)]
        if kind == 0:
            text = rng.choice(SUBJECTS)
        elif kind == 1:
            text = f"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)}"
        elif kind == 2:
            text = f'"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)}"'
        elif kind == 3:
            word = rng.choice(SUBJECTS + OBJECTS).split()[0]
            position = rng.randrange(1, len(word))
            text = word[:position] + word[position + 1 :] if len(word) > 4 else word + "x"
        elif kind == 4:
            text = rng.choice(CITIES)[0]
        elif kind == 5:
            text = ""
            filters.setdefault("year", [str(rng.randint(2005, 2025))])
        elif kind == 6:
            text = f"{rng.choice(TECHNOLOGIES)} {rng.choice(SUBJECTS)} {rng.choice(OBJECTS)}"
        elif kind == 7:
            text = rng.choice(NOUNS)
        elif kind == 8:
            text = rng.choice(OTHER_QUERIES)
        else:
            lang = rng.choice(sorted(TRANSLATION_WORDS))
            text = translated_text(rng, lang, 0).split()[0]
        sort = rng.choice(["relevance"] * 6 + ["newest", "title"])
        page = 1 if rng.random() < 0.8 else 2
        lang = rng.choice(["en", "en", "fr", "es", "pt", "ar", "ko", "zh-Hant"])
        queries.append(ProjectQuery(text=text, filters=filters, sort=sort, page=page, lang=lang))
    return queries


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_config(workdir):
    return {
        "SECRET_KEY": "benchmark",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        "RATELIMIT_ENABLED": False,
    }


def reopen(workdir):
    """The app over a database and index that an earlier `--keep` run built."""
    config = bench_config(workdir)
    return create_app(config), config


def build(size, workdir):
    """Import `size` projects; returns (app, import seconds, index seconds)."""
    config = bench_config(workdir)
    app = create_app(config)
    rng = random.Random(size)
    generated = [make_record(rng, number) for number in range(1, size + 1)]
    # Translations are set on the rows directly: the import may not read them yet.
    extra = {r["slug"]: r.pop("translations") for r in generated if "translations" in r}
    records = [SourceRecord(number, record) for number, record in enumerate(generated, 1)]
    with app.app_context():
        db.create_all()
        # An empty index first, as a running site has one.
        db.session.commit()
        from app.search import rebuild_index

        rebuild_index()
        started = time.perf_counter()
        valid, problems = prepare_records(records)
        assert not problems, problems[:3]
        begin_write()
        app.config["SEARCH_SYNC_ON_COMMIT"] = False
        _add_translations(valid, extra)
        upsert_projects(valid)
        db.session.commit()
        imported = time.perf_counter()
        from app.search import sync_pending

        sync_pending()
        indexed = time.perf_counter()
        app.config["SEARCH_SYNC_ON_COMMIT"] = True
    return app, config, imported - started, indexed - imported


def _add_translations(valid, wanted):
    """Add the generated translations ({slug: translations}) to the validated values."""
    for _number, values in valid:
        if values["slug"] in wanted:
            values["translations"] = wanted[values["slug"]]


def time_searches(app, queries, cpu=None):
    """Wall-clock milliseconds per query; with `cpu` (a list), this process's CPU ms too.

    On a shared machine the wall clock counts the time other processes hold
    the cores; the CPU time is what the search itself costs.
    """
    timings = []
    with app.app_context():
        search_projects(ProjectQuery())  # opens the index generation once
        for query in queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            page = search_projects(query)
            for hit in page.hits:
                hit.highlights["title"]
            timings.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - cpu_started) * 1000)
            assert not page.degraded
            db.session.rollback()
    return timings


def dump_answers(app, queries, path):
    """One JSON line per query: what a visitor would see, to diff two versions' results."""
    import json

    with app.app_context(), open(path, "w", encoding="utf-8") as out:
        for query in queries:
            page = search_projects(query)
            record = {
                "query": [query.text, query.filters, query.sort, query.page, query.lang],
                "total": page.total,
                "hits": [
                    [
                        hit.project.id,
                        hit.score,
                        str(hit.highlights["title"]),
                        str(hit.highlights["summary"]),
                    ]
                    for hit in page.hits
                ],
                "facets": page.facets,
                "suggestion": page.suggestion,
                "corrected": page.corrected,
                "terms": page.terms,
                "notices": [[n.text, n.links] for n in page.notices],
            }
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            db.session.rollback()


def time_commit_to_searchable(app, rounds=5):
    delays = []
    with app.app_context():
        for number in range(rounds):
            word = f"zebracrossing{number}"
            begin_write()
            project = db.session.scalar(
                db.select(Project).order_by(Project.id).offset(number).limit(1)
            )
            started = time.perf_counter()
            project.summary = f"{project.summary} {word}"
            db.session.commit()
            while not search_projects(ProjectQuery(text=word)).total:
                if time.perf_counter() - started > 10:
                    break
                time.sleep(0.005)
            delays.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
    return delays


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_rate(url, seconds, threads=8):
    import requests

    count = 0
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        nonlocal count, errors
        session = requests.Session()
        while time.monotonic() < deadline:
            response = session.get(url, timeout=10)
            with lock:
                if response.status_code == 200:
                    count += 1
                else:
                    errors += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return count / seconds, errors


def measure_http(config, seconds):
    import requests

    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "FLASK_SECRET_KEY": "benchmark",
            "FLASK_SQLALCHEMY_DATABASE_URI": config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"],
            "FLASK_RATELIMIT_ENABLED": "false",
        }
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/healthz", timeout=30)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        # Each worker opens the index on its first search.
        for _ in range(4):
            requests.get(f"{base}/projects", timeout=30)
        results = {}
        for name, path in [
            ("/healthz", "/healthz"),
            ("/projects", "/projects"),
            ("/projects?q=parking", "/projects?q=parking"),
            ("/projects?q=smart+bus&theme=mobility", "/projects?q=smart+bus&theme=mobility"),
        ]:
            status = requests.get(base + path, timeout=10).status_code
            if status != 200:
                results[name] = (None, f"HTTP {status}")
                continue
            rate, errors = measure_rate(base + path, seconds)
            results[name] = (rate, errors)
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="1,000 projects, 100 queries")
    parser.add_argument("--http-seconds", type=float, default=10.0)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build each size into DIR/<size> and keep it; a later run with the same DIR "
        "reuses the database and index (searches only, in a fresh process)",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the searches into FILE (<size> appended)"
    )
    parser.add_argument(
        "--dump",
        metavar="FILE",
        help="write every query's answer (ids, scores, totals, facets, highlights) to FILE "
        "(<size> appended), to compare two versions' results",
    )
    parser.add_argument(
        "--no-commit", action="store_true", help="skip the commit-to-searchable rounds"
    )
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    query_count = 100 if args.quick else args.queries

    for size in sizes:
        if args.keep:
            workdir = Path(args.keep) / str(size)
            reuse = (workdir / "bench.sqlite3").exists()
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(tempfile.mkdtemp(prefix=f"search-bench-{size}-"))
            reuse = False
        try:
            print(f"== {size} projects")
            if reuse:
                app, config = reopen(workdir)
                print(f"reusing the database and index in {workdir}")
            else:
                app, config, import_seconds, index_seconds = build(size, workdir)
                print(f"import (validate + insert + outbox): {import_seconds:.1f} s")
                print(f"index (outbox sync, one batch):      {index_seconds:.1f} s")
            queries = make_queries(random.Random(7), query_count)
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
                timings = time_searches(app, queries)
                profiler.disable()
                profiler.dump_stats(f"{args.profile}.{size}")
            else:
                cpu = []
                timings = time_searches(app, queries, cpu)
                print(
                    f"search CPU time (this process): p50 {statistics.median(cpu):.1f} ms, "
                    f"p95 {percentile(cpu, 0.95):.1f} ms, max {max(cpu):.1f} ms"
                )
            print(
                f"search ({len(timings)} queries, facets + highlights): "
                f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
                f"max {max(timings):.1f} ms (load average {os.getloadavg()[0]:.1f})"
            )
            if args.dump:
                dump_answers(app, queries, f"{args.dump}.{size}")
            if not args.no_commit:
                delays = time_commit_to_searchable(app)
                print(
                    f"commit to searchable: median {statistics.median(delays):.0f} ms, "
                    f"max {max(delays):.0f} ms"
                )
            if not args.no_http and size == sizes[-1]:
                with app.app_context():
                    db.engine.dispose()
                for name, (rate, errors) in measure_http(config, args.http_seconds).items():
                    if rate is None:
                        print(f"http {name}: {errors}")
                    else:
                        print(f"http {name}: {rate:.0f} req/s ({errors} errors)")
            sys.stdout.flush()
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
