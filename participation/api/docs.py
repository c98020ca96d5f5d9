"""The API's index (/api/v1/) and its documentation page (/api/v1/docs/), both read from the OpenAPI schema
(participation.api.schema): every endpoint the schema documents is listed, and none is forgotten.

The documentation is drawn on the server as a plain page of the site: no Swagger UI or ReDoc, whose
scripts and fonts would come from another host.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from participation.api.schema import public_schema

JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi"
METHODS = ("get", "post", "put", "patch", "delete")
COMPONENT = "#/components/schemas/"


def _link(href: str, rel: str, media_type: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def summary(description: str) -> str:
    """The first line of an endpoint's description (its docstring's first line)."""
    return (description or "").strip().split("\n", 1)[0]


@require_safe
def index(request):
    """Where the API starts: what it is, where its definition and documentation are, and every endpoint."""
    schema = public_schema()
    absolute = request.build_absolute_uri
    endpoints = [
        {
            "path": path,
            "href": absolute(path),
            "templated": "{" in path,
            "methods": [method.upper() for method in METHODS if method in operations],
            "summary": next(
                (summary(op.get("description", "")) for op in operations.values() if "description" in op), ""
            ),
        }
        for path, operations in schema["paths"].items()
    ]
    body = {
        "title": schema["info"]["title"],
        "description": schema["info"].get("description", ""),
        "version": schema["info"]["version"],
        "links": [
            _link(absolute(reverse("api:index")), "self", JSON, _("This document")),
            _link(absolute(reverse("api:schema")), "service-desc", OPENAPI, _("The API definition (OpenAPI 3)")),
            _link(absolute(reverse("api:docs")), "service-doc", HTML, _("The API documentation")),
            _link(
                absolute(reverse("participation:open-data")),
                "describedby",
                HTML,
                _("Open data: what is published, downloads, GIS, licence"),
            ),
            _link(absolute(reverse("ogc:landing")), "related", JSON, _("OGC API - Features, for GIS tools")),
        ],
        "endpoints": endpoints,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def type_html(node: dict) -> SafeString:
    """A schema's type in words, with a link to the data type it names."""
    if "$ref" in node:
        name = node["$ref"].removeprefix(COMPONENT)
        return format_html('<a href="#type-{}"><code>{}</code></a>', name, name)
    for combinator, word in (("allOf", " & "), ("oneOf", _(" or ")), ("anyOf", _(" or "))):
        if combinator in node:
            parts = [type_html(part) for part in node[combinator]]
            return _nullable(format_html_join(word, "{}", ((part,) for part in parts)), node)
    kind = node.get("type", "object")
    if kind == "array":
        text = format_html(_("array of {items}"), items=type_html(node.get("items", {})))
    elif "enum" in node:
        values = format_html_join(", ", "<code>{}</code>", ((value,) for value in node["enum"] if value is not None))
        text = format_html(_("{type}, one of {values}"), type=kind, values=values)
    else:
        text = format_html("{} ({})", kind, node["format"]) if "format" in node else format_html("{}", kind)
    return _nullable(text, node)


def _nullable(text: SafeString, node: dict) -> SafeString:
    return format_html(_("{type}, or null"), type=text) if node.get("nullable") else text


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_html(field),
            "required": name in required,
            "read_only": field.get("readOnly", False),
            "write_only": field.get("writeOnly", False),
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _content(content: dict) -> list[dict]:
    return [{"media_type": media, "type": type_html(body.get("schema", {}))} for media, body in content.items()]


def _operation(path: str, method: str, operation: dict) -> dict:
    return {
        "id": operation["operationId"],
        "method": method.upper(),
        "path": path,
        "description": operation.get("description", ""),
        "parameters": [
            {
                "name": parameter["name"],
                "where": parameter["in"],
                "type": type_html(parameter.get("schema", {})),
                "required": parameter.get("required", False),
                "description": parameter.get("description", ""),
            }
            for parameter in operation.get("parameters", [])
        ],
        "request": _content(operation.get("requestBody", {}).get("content", {})),
        "responses": [
            {
                "status": status,
                "description": response.get("description", ""),
                "content": _content(response.get("content", {})),
            }
            for status, response in operation.get("responses", {}).items()
        ],
    }


def sections(schema: dict) -> list[dict]:
    """The operations grouped by their tag (the path's first part: consultations, proposals, rooms ...)."""
    groups: dict[str, list[dict]] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method in operations:
                operation = operations[method]
                groups.setdefault(operation.get("tags", ["api"])[0], []).append(_operation(path, method, operation))
    return [{"tag": tag, "operations": operations} for tag, operations in groups.items()]


def data_types(schema: dict) -> list[dict]:
    return [
        {
            "name": name,
            "description": component.get("description", ""),
            "type": type_html({key: value for key, value in component.items() if key != "properties"}),
            "fields": _fields(component),
        }
        for name, component in schema.get("components", {}).get("schemas", {}).items()
    ]


@require_safe
def documentation(request):
    schema = public_schema()
    context = {
        "info": schema["info"],
        "sections": sections(schema),
        "data_types": data_types(schema),
    }
    return TemplateResponse(request, "participation/api_docs.html", context)
