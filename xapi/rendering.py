"""Statement formats for GET (xAPI 1.0.3 §2.5.1 format: ids, exact, canonical)."""

import copy

_LANGUAGE_MAPS = ("display", "name", "description")


def _ids_actor(actor: dict) -> dict:
    # Only what identifies it; an anonymous Group keeps its members, reduced the same way.
    reduced = {key: actor[key] for key in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if key in actor}
    if "member" in actor and not any(key in actor for key in ("mbox", "mbox_sha1sum", "openid", "account")):
        reduced["member"] = [_ids_actor(member) for member in actor["member"]]
    return reduced


def _ids_object(obj: dict) -> dict:
    object_type = obj.get("objectType", "Activity")
    if object_type in ("Agent", "Group"):
        return _ids_actor(obj)
    if object_type == "SubStatement":
        return ids_statement(obj)
    if object_type == "Activity":
        return {"id": obj["id"]}
    return {key: obj[key] for key in ("objectType", "id") if key in obj}


def ids_statement(statement: dict) -> dict:
    result = dict(statement)
    result["actor"] = _ids_actor(statement["actor"])
    result["verb"] = {"id": statement["verb"]["id"]}
    result["object"] = _ids_object(statement["object"])
    if "authority" in statement:
        result["authority"] = _ids_actor(statement["authority"])
    if "context" in statement:
        context = dict(statement["context"])
        for name in ("instructor", "team"):
            if name in context:
                context[name] = _ids_actor(context[name])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [_ids_object(activity) for activity in activities]
                for key, activities in context["contextActivities"].items()
            }
        result["context"] = context
    return result


def _pick(language_map: dict, languages: list[str]) -> dict:
    for wanted in languages:
        if wanted == "*" and language_map:
            key = next(iter(language_map))
            return {key: language_map[key]}
        for key, value in language_map.items():
            if key.lower() == wanted.lower() or key.lower().split("-")[0] == wanted.lower():
                return {key: value}
    for fallback in ("und", "en-US", "en"):
        if fallback in language_map:
            return {fallback: language_map[fallback]}
    key = next(iter(language_map), None)
    return {key: language_map[key]} if key is not None else {}


def _canonical(value: object, languages: list[str]) -> object:
    if isinstance(value, list):
        return [_canonical(item, languages) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "extensions":
            result[key] = item
        elif key in _LANGUAGE_MAPS and isinstance(item, dict):
            result[key] = _pick(item, languages)
        else:
            result[key] = _canonical(item, languages)
    return result


def canonical_statement(statement: dict, languages: list[str]) -> dict:
    """Language maps reduced to the one language the requester prefers (Accept-Language)."""
    return _canonical(copy.deepcopy(statement), languages)
