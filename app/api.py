"""The read-only JSON API under /api/v1, and its OpenAPI 3.1 description.

`GET /api/v1/projects` takes the same query string as /projects (see
app.catalog.views.search_from_args). An unknown facet value is kept in the
filter and matches nothing (dropping it would widen the results); it and an
over-long (shortened) query are reported in "notices"; a malformed `page` or
`per_page` is a 400 with a message, as are all errors under /api/.

`lang` (a configured language) shows translatable text in that language where
a translation exists, else the original; each object says in which language
its text is (`language`). Without `lang`, text is the original.
"""

from flask import Blueprint, jsonify, request

from .api_support import (
    CACHE_HEADERS,
    COMMON_RESPONSES,
    ERROR_RESPONSE,
    FACET_COUNTS,
    LANG_PARAMETER,
    PAGE_PARAMETERS,
    cacheable,
    detail_path,
    facet_parameters,
    json_content,
    lang_arg,
    list_path,
    localized_text,
    page_args,
    paged_json,
    with_configured_languages,
)
from .awards.views import awards_payload
from .catalog.case_study import also_deployed_in, licence_of, population_band
from .catalog.io import project_record
from .catalog.views import published_project_or_404, search_from_args
from .i18n.content import TRANSLATABLE_FIELDS
from .search import FACETS, search_projects
from .urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/projects")
def projects():
    lang = lang_arg()
    page, per_page = page_args()
    search = search_from_args(request.args, per_page)
    result = search_projects(search.query)
    return paged_json(
        "api.projects",
        page,
        result.per_page,
        result.total,
        result.total_pages,
        [hit.project for hit in result.hits],
        lambda project: _summary(project, lang),
        facets={facet: dict(result.facets.get(facet, [])) for facet in FACETS},
        suggestion=result.suggestion,
        corrected=result.corrected,
        degraded=result.degraded,
        notices=search.notices + [notice.text for notice in result.notices],
        see_also=[
            {"label": label, "url": external_url(endpoint, **params)}
            for notice in result.notices
            for label, endpoint, params in notice.links
        ],
    )


def _summary(project, lang):
    title, summary = (
        localized_text(project, "title", lang),
        localized_text(project, "summary", lang),
    )
    return {
        "slug": project.slug,
        "title": title.text,
        "city": project.city,
        "country": project.country,
        "theme": project.theme,
        "summary": summary.text,
        "status": project.status,
        "year": project.year,
        "url": external_url("catalog.detail", slug=project.slug),
        "language": title.lang,
        "machine_translation": title.is_machine,
        "licence": licence_of(project),
    }


@bp.get("/projects/<slug>")
def project(slug):
    lang = lang_arg()
    found = published_project_or_404(slug)
    texts = {field: localized_text(found, field, lang) for field in TRANSLATABLE_FIELDS["Project"]}
    awards = [
        {
            "edition": win.edition.slug,
            "title": win.edition.title,
            "category": win.category.name if win.category else None,
            "distinction": win.distinction,
        }
        for win in found.award_wins
    ]
    record = project_record(found)
    response = jsonify(
        record
        | {
            "region": found.region,
            "url": external_url("catalog.detail", slug=found.slug),
            "awards": awards,
            "licence": licence_of(found),
            "population_band": population_band(found.population),
            "also_deployed_in": [
                {
                    "slug": p.slug,
                    "title": p.title,
                    "city": p.city,
                    "url": external_url("catalog.detail", slug=p.slug),
                }
                for p in also_deployed_in(found)
            ],
        }
        | {field: text.text for field, text in texts.items()}
        | {
            "language": texts["title"].lang,
            "original_language": record["language"],
            "languages": {field: text.lang for field, text in texts.items()},
            "machine_translation": texts["title"].is_machine,
        }
    )
    return cacheable(response, last_modified=found.updated_at)


@bp.get("/awards")
def awards():
    return cacheable(jsonify(awards_payload(lang_arg())))


@bp.get("/openapi.json")
def openapi():
    document = with_configured_languages(OPENAPI) | {
        "servers": [{"url": external_url("api.openapi").rsplit("/", 1)[0]}]
    }
    return cacheable(jsonify(document))


@bp.get("/", strict_slashes=False)
def index():
    """The API's entry point: every documented endpoint with its absolute URL."""
    base = external_url("api.index").rstrip("/")
    endpoints = [
        {
            "path": path,
            "url": base + path,
            "methods": sorted(m.upper() for m in operations),
            "summary": next(iter(operations.values())).get("summary", ""),
        }
        for path, operations in OPENAPI["paths"].items()
    ]
    return cacheable(
        jsonify(
            name=OPENAPI["info"]["title"],
            version=OPENAPI["info"]["version"],
            openapi=external_url("api.openapi"),
            documentation=external_url("api.openapi"),
            endpoints=endpoints,
        )
    )


_LANGUAGE = {"type": "string", "description": "BCP 47 tag of the language of the text shown"}
_TRANSLATIONS = {
    "type": "object",
    "description": "Every stored translation: language -> translated fields with their provenance",
    "additionalProperties": {
        "type": "object",
        "properties": {"source": {"enum": ["human", "machine"]}, "reviewed": {"type": "boolean"}},
        "additionalProperties": {"type": "string"},
    },
}
_PROJECT_SUMMARY = {
    "type": "object",
    "required": [
        "slug",
        "title",
        "city",
        "country",
        "theme",
        "summary",
        "status",
        "year",
        "url",
        "language",
    ],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "city": {"type": "string"},
        "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "theme": {"type": "string"},
        "summary": {"type": "string"},
        "status": {"type": ["string", "null"]},
        "year": {"type": ["integer", "null"]},
        "url": {"type": "string", "format": "uri"},
        "language": _LANGUAGE | {"description": "BCP 47 tag of the language of the title shown"},
        "machine_translation": {
            "type": "boolean",
            "description": "True when the title shown is a machine translation",
        },
        "licence": {"type": "string", "description": "SPDX licence identifier of the record"},
    },
}
SCHEDULE_PROPERTIES = {
    "timezone": {"type": ["string", "null"], "description": "As the source gives it, e.g. GMT+9"},
    "start": {"type": ["string", "null"], "format": "date-time"},
    "end": {"type": ["string", "null"], "format": "date-time"},
    "start_utc": {"type": ["string", "null"], "format": "date-time"},
    "end_utc": {"type": ["string", "null"], "format": "date-time"},
}


# The OpenAPI document as a dict: each area adds its paths and schemas here.
OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Smart City Exchange API",
        "version": "1.0.0",
        "description": "Read-only access to the published smart-city case studies.",
    },
    "paths": {
        "/": {
            "get": {
                "summary": "The API index: every endpoint",
                "operationId": "apiIndex",
                "responses": {
                    "200": {
                        "description": "The endpoints.",
                        "headers": CACHE_HEADERS,
                        "content": json_content({"type": "object"}),
                    },
                    **COMMON_RESPONSES,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapiDocument",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": json_content({"type": "object"}),
                    },
                    **COMMON_RESPONSES,
                },
            }
        },
        "/projects": list_path(
            "Search published projects",
            "searchProjects",
            [
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Full-text query; quoted phrases are kept together. A query longer "
                    "than 200 characters is shortened to 200, with a notice in `notices`.",
                },
                *facet_parameters(FACETS),
                {
                    "name": "sort",
                    "in": "query",
                    "schema": {"type": "string", "default": "relevance"},
                    "description": "relevance, newest or title; any other value is answered in "
                    "relevance order with a notice in `notices`.",
                },
                *PAGE_PARAMETERS,
                LANG_PARAMETER,
                {
                    "name": "nocorrect",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "1, true or on: never replace a misspelt word (a suggestion "
                    "is still given); any other value leaves correction on.",
                },
            ],
            "One page of results with facet counts.",
            "ProjectSummary",
            required=("facets", "suggestion"),
            properties={
                "facets": FACET_COUNTS,
                "suggestion": {
                    "type": ["string", "null"],
                    "description": "The corrected query when `corrected`, "
                    'else a "did you mean" offer.',
                },
                "corrected": {
                    "type": "boolean",
                    "description": "True when results are for the suggestion.",
                },
                "degraded": {
                    "type": "boolean",
                    "description": "True when the search index was unavailable.",
                },
                "notices": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "What was changed in the request, and "
                    "places or members named with no case studies.",
                },
                "see_also": {
                    "type": "array",
                    "description": "Where those places and "
                    "members have something: their projects, the member page.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "label": {"type": "string"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    },
                },
            },
            description="Paged: a Link header gives first, prev, next and last; a page past "
            "the last one is a 404 (when there are results).",
        ),
        "/projects/{slug}": detail_path(
            "One published project, in the import schema plus region, url and awards",
            "getProject",
            "The project.",
            "Project",
            parameters=[LANG_PARAMETER],
            responses={"400": ERROR_RESPONSE},
        ),
        "/awards": {
            "get": {
                "summary": "Award editions, newest first: categories, winners, judges, sessions, ceremony",
                "operationId": "listAwards",
                "parameters": [LANG_PARAMETER],
                "responses": {
                    "400": ERROR_RESPONSE,
                    **COMMON_RESPONSES,
                    "200": {
                        "description": "Every edition.",
                        "content": json_content(
                            {
                                "type": "object",
                                "properties": {
                                    "editions": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/AwardEdition"},
                                    }
                                },
                            }
                        ),
                    },
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            },
            "AwardEdition": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "language": _LANGUAGE,
                    "translations": _TRANSLATIONS,
                    "programme": {
                        "type": "object",
                        "properties": {
                            "slug": {"type": "string"},
                            "name": {"type": "string"},
                            "organiser": {"type": "string"},
                        },
                    },
                    "number": {"type": ["integer", "null"]},
                    "year": {"type": ["integer", "null"]},
                    "url": {"type": "string", "format": "uri"},
                    "categories": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "slug": {"type": "string"},
                                "name": {"type": "string"},
                                "language": _LANGUAGE,
                                "translations": _TRANSLATIONS,
                                "theme": {"type": "string"},
                                "keywords": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                    "winners": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "city": {"type": "string"},
                                "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
                                "region": {"type": ["string", "null"]},
                                "project_title": {"type": "string"},
                                "category": {"type": "string", "description": "A category slug"},
                                "distinction": {"type": ["string", "null"]},
                                "project": {
                                    "type": ["object", "null"],
                                    "description": "The published catalogue entry, if any",
                                    "properties": {
                                        "slug": {"type": "string"},
                                        "url": {"type": "string", "format": "uri"},
                                    },
                                },
                            },
                        },
                    },
                    "judges": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "title": {"type": "string"},
                                "organisation": {"type": "string"},
                                "role": {"type": "string"},
                            },
                        },
                    },
                    "sessions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "part": {"type": "string"},
                                "title": {"type": "string"},
                                **SCHEDULE_PROPERTIES,
                                "timezone_assumed": {
                                    "type": "boolean",
                                    "description": "The source gave no zone",
                                },
                                "category": {"type": ["string", "null"]},
                                "winners": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                    "description": "Titles of the projects presented",
                                },
                                "recording_url": {"type": ["string", "null"]},
                                "slides_url": {"type": ["string", "null"]},
                            },
                        },
                    },
                    "ceremony": {
                        "type": "object",
                        "properties": {
                            "description": {"type": "string"},
                            "venue": {"type": "string"},
                            **SCHEDULE_PROPERTIES,
                        },
                    },
                },
            },
            "ProjectSummary": _PROJECT_SUMMARY,
            "Project": {
                "type": "object",
                "properties": _PROJECT_SUMMARY["properties"]
                | {
                    "description": {"type": "string", "description": "Markdown"},
                    "technologies": {"type": "array", "items": {"type": "string"}},
                    "organizations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "role": {"enum": ["city", "provider", "partner", "funder"]},
                            },
                        },
                    },
                    "programme": {"type": "string"},
                    "sdgs": {"type": "array", "items": {"type": "string"}},
                    "outcomes": {"type": "string", "description": "Markdown"},
                    "lessons": {"type": "string", "description": "Markdown"},
                    "links": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"title": {"type": "string"}, "url": {"type": "string"}},
                        },
                    },
                    "region": {"type": ["string", "null"]},
                    "awards": {"type": "array", "items": {"type": "object"}},
                    "original_language": {
                        "type": "string",
                        "description": "BCP 47 tag of the record's own text",
                    },
                    "languages": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "The language of each translatable field shown",
                    },
                    "translations": _TRANSLATIONS,
                    "metrics": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "indicator": {"type": "string"},
                                "value": {"type": "number"},
                                "unit": {"type": "string"},
                                "baseline": {"type": ["number", "null"]},
                                "target": {"type": ["number", "null"]},
                                "date": {"type": "string"},
                                "source": {"type": "string"},
                            },
                        },
                    },
                    "population": {"type": ["integer", "null"]},
                    "population_band": {
                        "type": ["string", "null"],
                        "enum": ["under-100k", "100k-1m", "1m-5m", "over-5m", None],
                    },
                    "budget": {
                        "type": ["object", "null"],
                        "properties": {
                            "amount": {"type": "number"},
                            "currency": {"type": "string", "description": "ISO 4217"},
                        },
                    },
                    "what_did_not_work": {"type": "string", "description": "Markdown"},
                    "replicated_in": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Slugs of projects where this was also deployed",
                    },
                    "also_deployed_in": {
                        "type": "array",
                        "items": {"type": "object"},
                        "description": "Published projects linked either way",
                    },
                    "contact": {
                        "type": ["object", "null"],
                        "properties": {
                            "name": {"type": "string"},
                            "role": {"type": "string"},
                            "organisation": {"type": "string"},
                        },
                    },
                    "verified_at": {"type": ["string", "null"], "format": "date"},
                    "images": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "url": {"type": "string"},
                                "alt": {"type": "string"},
                                "credit": {"type": "string"},
                            },
                        },
                    },
                },
            },
        }
    },
}
