"""The escalation graph of an analysis, and writers for graph tools and graph databases.

Nodes are users, roles and groups (all of them, or only those on paths to admin), the managed
policies and other resources that findings act on, and the services roles are passed to. Edges
are findings (``passrole`` and every escalation method, ``assume-role`` included) from the acting
principal to the target, plus one ``AWSTrustsService`` edge from a passed role to each service it
is passed to (so services are nodes without breaking paths: nothing leaves a service node).

One naming table (:data:`NODE_KINDS`, :func:`edge_kind`) serves every format: OpenGraph kinds,
Neo4j labels and relationship types, GraphML/DOT attributes. Writers return text and never
raise on content: snapshot strings are escaped for each format, control characters included.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Literal

from core.escalate.analysis import Analysis
from core.escalate.escalation_level import Escalation
from core.escalate.findings import Finding
from core.report.escape import escape_controls

NodeKind = Literal["user", "role", "group", "policy", "service", "resource"]
MinEscalation = Literal["admin", "privilege-gain", "none"]
FORMATS = ("dot", "graphml", "mermaid", "opengraph", "cypher", "csv")

NODE_KINDS: dict[str, tuple[str, ...]] = {
    "user": ("AWSUser", "AWSPrincipal"),
    "role": ("AWSRole", "AWSPrincipal"),
    "group": ("AWSGroup",),
    "policy": ("AWSManagedPolicy",),
    "service": ("AWSService",),
    "resource": ("AWSResource",),
}
"""Node kinds (OpenGraph ``kinds``, Neo4j labels), most specific first."""
NEO4J_NODE_LABEL = "AWSNode"
"""Extra Neo4j label on every node, for the ``id`` uniqueness constraint and lookups."""
TRUST_EDGE = "AWSTrustsService"
SOURCE_KIND = "AWSBase"
"""OpenGraph ``metadata.source_kind``: BloodHound adds it to every node's kinds (like ``Base``
for AD and ``AZBase`` for Azure), so nodes keep at most 3 kinds."""


def edge_kind(kind: str) -> str:
    """``passrole`` → ``AWSPassRole``, ``create-policy-version`` → ``AWSCreatePolicyVersion``.

    Only letters and digits remain (BloodHound: ``^[A-Za-z0-9_]+$``; Neo4j: no backticks).
    """
    words = re.split(r"[^A-Za-z0-9]+", "pass-role" if kind == "passrole" else kind)
    return "AWS" + "".join(w[:1].upper() + w[1:] for w in words if w)


@dataclass(frozen=True, slots=True)
class Node:
    """A graph node; ``id`` is the ARN (the service principal for services)."""

    id: str
    kind: NodeKind
    name: str
    admin: bool = False
    admin_how: str = ""
    on_path: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    """A finding (or a role-trusts-service link) as a directed edge."""

    source: str
    target: str
    kind: str
    """``passrole``, a method id, or ``trusts-service``."""
    type: str
    """The edge kind shared by every format (:func:`edge_kind`)."""
    title: str = ""
    escalation: str = "none"
    conditional: bool = False
    service: str = ""
    role: str = ""
    conditions: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    gained: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    on_path: bool = False


@dataclass
class Graph:
    """Nodes and edges in a deterministic order."""

    account_id: str
    source: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


def _finding_edge(f: Finding, on_path: bool) -> Edge:
    return Edge(
        source=f.source,
        target=f.target,
        kind=f.kind,
        type=edge_kind(f.kind),
        title=f.title,
        escalation=f.escalation,
        conditional=f.conditional,
        service=f.service or "",
        role=f.role or "",
        conditions=f.conditions,
        constraints=f.constraints,
        gained=tuple(f.gained),
        reasons=tuple(f"{r.step}: {r.text}" for r in f.reasons),
        statements=tuple(s.label for r in f.reasons for s in r.statements),
        on_path=on_path,
    )


def build_graph(
    analysis: Analysis,
    *,
    paths_only: bool = False,
    min_escalation: MinEscalation = "none",
    include_admin_sources: bool = False,
) -> Graph:
    """The escalation graph.

    Args:
        paths_only: only the hops of the shortest paths to admin and their nodes.
        min_escalation: only findings at this level or above (``none`` keeps every finding).
        include_admin_sources: also the edges of principals that are already admin.
    """
    acct = analysis.account
    floor = Escalation.of(min_escalation).rank
    path_hops = {id(h.finding) for p in analysis.paths for h in p.hops}
    path_keys = {h.finding.key for p in analysis.paths for h in p.hops}
    sources = {p.source for p in analysis.paths}
    edges: list[Edge] = []
    seen_keys: set[tuple[object, ...]] = set()
    for f in analysis.findings:
        if f.source_is_admin and not include_admin_sources:
            continue
        on_path = id(f) in path_hops or f.key in path_keys
        if paths_only and not on_path:
            continue
        if Escalation.of(f.escalation).rank < floor or f.key in seen_keys:
            continue
        seen_keys.add(f.key)
        edges.append(_finding_edge(f, on_path))
    trusts: dict[tuple[str, str], bool] = {}
    for e in edges:
        if e.kind == "passrole" and e.service:
            trusts[(e.target, e.service)] = trusts.get((e.target, e.service), False) or e.on_path
    for (role, service), on_path in sorted(trusts.items()):
        edges.append(
            Edge(
                role,
                service,
                "trusts-service",
                TRUST_EDGE,
                title=f"{_name(role)} trusts {service}",
                on_path=on_path,
            )
        )

    kinds: dict[str, NodeKind] = {}
    for u in acct.users:
        kinds[u.arn] = "user"
    for g in acct.groups:
        kinds[g.arn] = "group"
    for r in acct.roles:
        kinds[r.arn] = "role"
    for mp in acct.policies:
        kinds[mp.arn] = "policy"
    wanted: dict[str, NodeKind] = {}
    if not paths_only:
        for ent in acct.entities:
            wanted[ent.arn] = kinds[ent.arn]
    for arn in sorted(sources):
        wanted.setdefault(arn, kinds.get(arn, "resource"))
    for e in edges:
        for end in (e.source, e.target):
            if end not in wanted:
                if e.kind == "trusts-service" and end == e.target:
                    wanted[end] = "service"
                else:
                    wanted[end] = kinds.get(end, "resource")
    on_path_nodes = {x for e in edges if e.on_path for x in (e.source, e.target)} | sources
    admin_how = {a: r.detail for a, r in analysis.admins.items()}
    for p in analysis.paths:
        # The last node is admin when it is a principal (or group); a path that ends on a
        # policy (create-policy-version on one's own policy) says how its *source* is admin.
        end = p.hops[-1].target if p.hops else p.source
        if kinds.get(end) not in ("user", "role", "group"):
            end = p.source
        admin_how.setdefault(end, p.admin)
    nodes = [
        Node(
            arn,
            kind,
            arn if kind == "service" else _name(arn),
            admin=arn in admin_how,
            admin_how=admin_how.get(arn, ""),
            on_path=arn in on_path_nodes,
        )
        for arn, kind in sorted(wanted.items(), key=lambda x: (x[1], x[0]))
    ]
    return Graph(acct.account_id, acct.source, nodes, edges)


# -- escaping ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Non-printable characters shown escaped (``\\x1b``, ``\\u202e``: C0/C1 controls, bidi
    overrides, zero-width characters), so no writer emits them raw
    (:func:`core.report.escape.escape_controls`)."""
    return escape_controls(text)


def _label(e: Edge) -> str:
    if e.kind == "trusts-service":
        return "trusts"
    via = f" to {e.service}" if e.service else ""
    cond = " (conditional)" if e.conditional else ""
    return f"{e.kind}{via} [{e.escalation}]{cond}"


# -- DOT (Graphviz) -----------------------------------------------------------------------------

_DOT_SHAPE = {
    "user": "ellipse",
    "role": "box",
    "group": "folder",
    "policy": "note",
    "service": "component",
    "resource": "box3d",
}
_COLOR = {"admin": "red3", "privilege-gain": "darkorange", "none": "gray40"}


def _dot_str(text: str) -> str:
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(g: Graph) -> str:
    """Graphviz DOT: admin nodes in red, conditional edges dashed, colour by escalation."""
    out = [f"digraph {_dot_str('iam-explore ' + g.account_id)} {{", "  rankdir=LR;"]
    out.append('  node [fontname="Helvetica", fontsize=10];')
    out.append('  edge [fontname="Helvetica", fontsize=9];')
    for n in g.nodes:
        label = _dot_str(n.kind)[:-1] + "\\n" + _dot_str(n.name)[1:]
        text = f"label={label}, shape={_DOT_SHAPE[n.kind]}, tooltip={_dot_str(n.id)}"
        if n.admin:
            text += ', color="red3", penwidth=2'
        out.append(f"  {_dot_str(n.id)} [{text}];")
    for e in g.edges:
        attrs = [f"label={_dot_str(_label(e))}", f'color="{_COLOR.get(e.escalation, "gray40")}"']
        if e.conditional:
            attrs.append('style="dashed"')
        if e.kind == "trusts-service":
            attrs.append('style="dotted"')
        if e.on_path:
            attrs.append("penwidth=2")
        out.append(f"  {_dot_str(e.source)} -> {_dot_str(e.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# -- GraphML ----------------------------------------------------------------------------------

_NODE_ATTRS: tuple[tuple[str, str], ...] = (
    ("kind", "string"),
    ("labels", "string"),
    ("name", "string"),
    ("admin", "boolean"),
    ("admin_how", "string"),
    ("on_path", "boolean"),
)
_EDGE_ATTRS: tuple[tuple[str, str], ...] = (
    ("kind", "string"),
    ("type", "string"),
    ("title", "string"),
    ("escalation", "string"),
    ("conditional", "boolean"),
    ("service", "string"),
    ("role", "string"),
    ("conditions", "string"),
    ("constraints", "string"),
    ("gained", "string"),
    ("reasons", "string"),
    ("statements", "string"),
    ("on_path", "boolean"),
)


def _text_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "\n".join(clean(x) for x in v)  # one value per line
    return clean(str(v))


def _node_values(n: Node) -> dict[str, object]:
    return {
        "kind": n.kind,
        "labels": ";".join(NODE_KINDS[n.kind]),
        "name": n.name,
        "admin": n.admin,
        "admin_how": n.admin_how,
        "on_path": n.on_path,
    }


def _edge_values(e: Edge) -> dict[str, object]:
    return {k: getattr(e, k) for k, _ in _EDGE_ATTRS}


def to_graphml(g: Graph) -> str:
    """GraphML (Gephi, yEd, networkx): typed attributes, one ``<edge>`` per edge with an id."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    for scope, attrs in (("node", _NODE_ATTRS), ("edge", _EDGE_ATTRS)):
        for name, typ in attrs:
            ET.SubElement(
                root,
                "key",
                {"id": f"{scope[0]}_{name}", "for": scope, "attr.name": name, "attr.type": typ},
            )
    graph = ET.SubElement(root, "graph", {"id": clean(g.account_id), "edgedefault": "directed"})
    for n in g.nodes:
        el = ET.SubElement(graph, "node", {"id": clean(n.id)})
        for k, v in _node_values(n).items():
            ET.SubElement(el, "data", {"key": f"n_{k}"}).text = _text_value(v)
    for i, e in enumerate(g.edges):
        el = ET.SubElement(
            graph, "edge", {"id": f"e{i}", "source": clean(e.source), "target": clean(e.target)}
        )
        for k, v in _edge_values(e).items():
            ET.SubElement(el, "data", {"key": f"e_{k}"}).text = _text_value(v)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# -- Mermaid ----------------------------------------------------------------------------------

_MERMAID_SHAPE = {
    "user": ('(["', '"])'),
    "role": ('["', '"]'),
    "group": ('[["', '"]]'),
    "policy": ('[/"', '"/]'),
    "service": ('{{"', '"}}'),
    "resource": ('[("', '")]'),
}


def _mermaid_text(text: str) -> str:
    return (
        clean(text)
        .replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("|", "#124;")
    )


def to_mermaid(g: Graph) -> str:
    """A Mermaid flowchart (for a Markdown ticket): admin nodes highlighted, conditional
    edges dotted."""
    ids = {n.id: f"n{i}" for i, n in enumerate(g.nodes)}
    out = ["flowchart LR"]
    for n in g.nodes:
        left, right = _MERMAID_SHAPE[n.kind]
        label = f"{n.kind} {n.name}" + (" (admin)" if n.admin else "")
        out.append(f"  {ids[n.id]}{left}{_mermaid_text(label)}{right}")
    for e in g.edges:
        arrow = "-.->" if e.conditional or e.kind == "trusts-service" else "-->"
        out.append(f'  {ids[e.source]} {arrow}|"{_mermaid_text(_label(e))}"| {ids[e.target]}')
    admins = [ids[n.id] for n in g.nodes if n.admin]
    if admins:
        out.append("  classDef admin fill:#fdd,stroke:#c00,stroke-width:2px")
        out.append(f"  class {','.join(admins)} admin")
    return "\n".join(out) + "\n"


# -- BloodHound CE OpenGraph ------------------------------------------------------------------


def _og_props(values: dict[str, object]) -> dict[str, Any]:
    """Primitive values and homogeneous string arrays only; ``None`` left out (schema)."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if v is None:
            continue
        if isinstance(v, tuple | list):
            out[k] = [clean(str(x)) for x in v]
        elif isinstance(v, str):
            out[k] = clean(v)
        else:
            out[k] = v
    return out


def to_opengraph(g: Graph) -> dict[str, Any]:
    """BloodHound CE OpenGraph JSON (``{"metadata", "graph": {"nodes", "edges"}}``)."""
    nodes = [
        {
            "id": clean(n.id),
            "kinds": list(NODE_KINDS[n.kind]),
            "properties": _og_props(
                {
                    "name": n.name,
                    "displayname": n.name,
                    "objectid": n.id,
                    "arn": n.id,
                    "kind": n.kind,
                    "account_id": g.account_id,
                    "admin": n.admin,
                    "admin_how": n.admin_how,
                    "on_path": n.on_path,
                }
            ),
        }
        for n in g.nodes
    ]
    edges = [
        {
            "start": {"match_by": "id", "value": clean(e.source)},
            "end": {"match_by": "id", "value": clean(e.target)},
            "kind": e.type,
            "properties": _og_props({k: v for k, v in _edge_values(e).items() if k != "type"}),
        }
        for e in g.edges
    ]
    return {"metadata": {"source_kind": SOURCE_KIND}, "graph": {"nodes": nodes, "edges": edges}}


# -- Neo4j: Cypher script and neo4j-admin import CSV ------------------------------------------


def _cypher_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_cypher_value(x) for x in v) + "]"
    # JSON string escapes (\" \\ \n \uXXXX) are Cypher string literal escapes too.
    return json.dumps(clean(str(v)), ensure_ascii=False)


def _cypher_map(values: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {_cypher_value(v)}" for k, v in values.items()) + "}"


def to_cypher(g: Graph) -> str:
    """A Cypher script (``cypher-shell -f``): one MERGE per node, one CREATE per edge."""
    out = [
        "// iam-explore escalation graph of account " + clean(g.account_id),
        f"CREATE CONSTRAINT aws_node_id IF NOT EXISTS FOR (n:{NEO4J_NODE_LABEL}) "
        "REQUIRE n.id IS UNIQUE;",
    ]
    for n in g.nodes:
        labels = ":".join(NODE_KINDS[n.kind])
        props = {"id": n.id, **{k: v for k, v in _node_values(n).items() if k != "labels"}}
        out.append(
            f"MERGE (n:{NEO4J_NODE_LABEL} {{id: {_cypher_value(n.id)}}}) "
            f"SET n:{labels}, n += {_cypher_map(props)};"
        )
    for e in g.edges:
        props = {k: v for k, v in _edge_values(e).items() if k != "type"}
        out.append(
            f"MATCH (a:{NEO4J_NODE_LABEL} {{id: {_cypher_value(e.source)}}}), "
            f"(b:{NEO4J_NODE_LABEL} {{id: {_cypher_value(e.target)}}}) "
            f"CREATE (a)-[:{e.type} {_cypher_map(props)}]->(b);"
        )
    return "\n".join(out) + "\n"


NODE_CSV_HEADER = (
    "id:ID",
    "name",
    "kind",
    "admin:boolean",
    "admin_how",
    "on_path:boolean",
    ":LABEL",
)
EDGE_CSV_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "kind",
    "title",
    "escalation",
    "conditional:boolean",
    "service",
    "role",
    "conditions:string[]",
    "constraints:string[]",
    "gained:string[]",
    "reasons:string[]",
    "statements:string[]",
    "on_path:boolean",
)


def _csv_cell(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple | list):
        # neo4j-admin's default array delimiter is ";": keep it out of the items.
        return ";".join(clean(str(x)).replace(";", ",") for x in v)
    return clean(str(v))


def to_csv(g: Graph) -> dict[str, str]:
    """``nodes.csv`` and ``relationships.csv`` in the ``neo4j-admin database import`` format."""
    nodes = io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(NODE_CSV_HEADER)
    for n in g.nodes:
        labels = (NEO4J_NODE_LABEL, *NODE_KINDS[n.kind])
        w.writerow(
            _csv_cell(x) for x in (n.id, n.name, n.kind, n.admin, n.admin_how, n.on_path, labels)
        )
    rels = io.StringIO()
    w = csv.writer(rels, lineterminator="\n")
    w.writerow(EDGE_CSV_HEADER)
    for e in g.edges:
        w.writerow(
            _csv_cell(x)
            for x in (
                e.source,
                e.target,
                e.type,
                e.kind,
                e.title,
                e.escalation,
                e.conditional,
                e.service,
                e.role,
                e.conditions,
                e.constraints,
                e.gained,
                e.reasons,
                e.statements,
                e.on_path,
            )
        )
    return {"nodes.csv": nodes.getvalue(), "relationships.csv": rels.getvalue()}


def render(g: Graph, fmt: str) -> str | dict[str, str]:
    """The graph in ``fmt``: text, or for ``csv`` a ``{file name: text}`` mapping."""
    if fmt == "dot":
        return to_dot(g)
    if fmt == "graphml":
        return to_graphml(g)
    if fmt == "mermaid":
        return to_mermaid(g)
    if fmt == "opengraph":
        return json.dumps(to_opengraph(g), indent=2, ensure_ascii=False) + "\n"
    if fmt == "cypher":
        return to_cypher(g)
    if fmt == "csv":
        return to_csv(g)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
