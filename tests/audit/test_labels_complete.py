"""Every action, entity type and field the code base records in the audit trail has a readable label.

The recorded codes are found by reading every `record_change(...)` call in network/ with `ast`: the action and the
entity type (literals, conditional expressions, module constants, or a parameter's default and the values callers
pass), and the fields (dict literals, `snapshot(obj, FIELDS)` with a module constant, or a variable assigned one of
those in the same function). A call whose codes cannot be read fails the test, so nothing slips past it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from network.orgs.importing import ImportPlan
from network.registries import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS

ROOT = Path(__file__).resolve().parents[2] / "network"

# Values only known when the code runs, read from the live code rather than written down here.
RUNTIME_FIELDS = {("orgs/importing.py", "counts"): set(ImportPlan("f.csv", [], []).counts)}


def _modules() -> dict[str, ast.Module]:
    return {str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(ROOT.rglob("*.py"))}


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _strings(node: ast.expr | None, constants: dict[str, ast.expr], local: dict[str, list[ast.expr]]) -> set[str]:
    """The string values an expression can have, or an empty set when they cannot be read."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body, constants, local), _strings(node.orelse, constants, local)
        return body | orelse if body and orelse else set()
    if isinstance(node, ast.Name):
        values = [_strings(v, constants, local) for v in local.get(node.id, [])]
        if node.id in constants:
            values.append(_strings(constants[node.id], constants, {}))
        return set().union(*values) if values and all(values) else set()
    if isinstance(node, ast.Tuple | ast.List):
        parts = [(_strings(e.value, constants, local) if isinstance(e, ast.Starred) else _strings(e, constants, local))
                 for e in node.elts]
        return set().union(*parts) if parts and all(parts) else set()
    return set()


def _fields(node: ast.expr | None, constants, local, module: str) -> set[str] | None:
    """The keys a before/after argument can have (None when they cannot be read)."""
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return set()
    if isinstance(node, ast.Dict):
        # `{**snapshot(...), "x": ...}`: a None key unpacks the value's own keys.
        keys = [_strings(k, constants, local) if k is not None else _fields(v, constants, local, module)
                for k, v in zip(node.keys, node.values, strict=True)]
        return set().union(*keys) if all(keys) else None
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "snapshot" and len(node.args) == 2:
        return _strings(node.args[1], constants, local) or None
    if isinstance(node, ast.IfExp):
        body, orelse = (_fields(node.body, constants, local, module), _fields(node.orelse, constants, local, module))
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Name):
        if (module, node.id) in RUNTIME_FIELDS:
            return RUNTIME_FIELDS[(module, node.id)]
        assigned = [_fields(v, constants, local, module) for v in local.get(node.id, [])]
        return set().union(*assigned) if assigned and all(a is not None for a in assigned) else None
    return None


def _functions(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _assignments(function: ast.FunctionDef) -> dict[str, list[ast.expr]]:
    local: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            local.setdefault(node.targets[0].id, []).append(node.value)
    return local


def _parameter_values(function: ast.FunctionDef, name: str, modules: dict[str, ast.Module]) -> list[ast.expr]:
    """A parameter's default and every literal value callers anywhere pass for it by keyword."""
    args = function.args
    values: list[ast.expr] = []
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name and default is not None:
            values.append(default)
    positional = args.posonlyargs + args.args
    for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True):
        if arg.arg == name:
            values.append(default)
    for tree in modules.values():
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", None)) == \
                    function.name:
                values.extend(k.value for k in call.keywords if k.arg == name)
    return values


def recorded_codes() -> tuple[set[str], set[str], set[tuple[str, str]], list[str]]:
    """(actions, entity types, (entity type, field) pairs, calls that could not be read) of every record_change."""
    modules = _modules()
    actions, entities, fields, unreadable = set(), set(), set(), []
    for module, tree in modules.items():
        constants = _constants(tree)
        for function in _functions(tree):
            local = _assignments(function)
            parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "record_change"):
                    continue
                where = f"{module}:{call.lineno}"
                action_node = call.args[1] if len(call.args) > 1 else None
                if isinstance(action_node, ast.Name) and action_node.id in parameters:
                    local = {**local, action_node.id: _parameter_values(function, action_node.id, modules)}
                call_actions = _strings(action_node, constants, local)
                call_entities = _strings(call.args[2] if len(call.args) > 2 else None, constants, local)
                keywords = {k.arg: k.value for k in call.keywords}
                before = _fields(keywords.get("before"), constants, local, module)
                after = _fields(keywords.get("after"), constants, local, module)
                if not call_actions or not call_entities or before is None or after is None:
                    unreadable.append(where)
                    continue
                actions |= call_actions
                entities |= call_entities
                fields |= {(entity, name) for entity in call_entities for name in before | after}
    return actions, entities, fields, unreadable


def test_every_recorded_call_is_read():
    actions, entities, fields, unreadable = recorded_codes()
    assert not unreadable, f"record_change calls whose codes the test cannot read: {unreadable}"
    # The walk finds the codes of every domain that records changes.
    assert {"meeting.create", "post.send", "meeting.material.add", "organisation.created", "organisation.imported",
            "group.chair_appoint", "group.chair_handover", "survey.publish", "promote", "account.deleted"} <= actions
    assert ("organisation", "kind") in fields and ("meeting", "agenda") in fields


def test_every_recorded_action_entity_and_field_has_a_label(app):
    actions, entities, fields, _unreadable = recorded_codes()
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert sorted(e for e in entities if e not in ENTITY_LABELS) == []
    assert sorted(f"{e}.{f}" for e, f in fields if f"{e}.{f}" not in FIELD_LABELS and f not in FIELD_LABELS) == []
