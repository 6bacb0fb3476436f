"""``core.report.graph``: the escalation graph in every format, read back by real tools."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from core.escalate.analysis import Analysis, analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.report.graph import (
    EDGE_CSV_HEADER,
    NODE_CSV_HEADER,
    Edge,
    Graph,
    Node,
    build_graph,
    edge_kind,
    to_csv,
    to_cypher,
    to_dot,
    to_graphml,
    to_mermaid,
    to_opengraph,
)

SAMPLES = ("classic-story-fixed", "edge-cases", "midsize-company")
SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"
README = Path(__file__).parents[2] / "README.md"


def _analysis(name: str) -> Analysis:
    return analyse(load_account(sample_path(name)))


def _expected_counts(a: Analysis) -> tuple[int, int]:
    """Nodes and edges the export must have, counted from the analysis directly."""
    findings = {f.key: f for f in a.findings if not f.source_is_admin}
    trusts = {(f.target, f.service) for f in findings.values() if f.kind == "passrole"}
    nodes = {e.arn for e in a.account.entities}
    nodes |= {x for f in findings.values() for x in (f.source, f.target)}
    nodes |= {s for _, s in trusts if s}
    return len(nodes), len(findings) + len(trusts)


@pytest.mark.parametrize("name", SAMPLES)
def test_graphml_read_back_by_networkx_has_the_analysis_counts(name: str, tmp_path: Path) -> None:
    a = _analysis(name)
    path = tmp_path / "g.graphml"
    path.write_text(to_graphml(build_graph(a)), encoding="utf-8")
    g = nx.read_graphml(path, force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == _expected_counts(a)
    admins = {n for n, d in g.nodes(data=True) if d["admin"] is True}
    assert {x for x in a.admins if x in g} <= admins
    for f in a.findings:
        if f.source_is_admin:
            continue
        kinds = [d["kind"] for d in g.get_edge_data(f.source, f.target).values()]
        assert f.kind in kinds


def test_graphml_lists_are_one_value_per_line(tmp_path: Path) -> None:
    """A finding's reasons and cited statements are written one per line, as plain line
    breaks (read back as the same lines), not as an escaped ``\\x0a`` inside one line."""
    a = _analysis("midsize-company")
    g = build_graph(a)
    path = tmp_path / "g.graphml"
    path.write_text(to_graphml(g), encoding="utf-8")
    read = nx.read_graphml(path, force_multigraph=True)
    edge = next(e for e in g.edges if len(e.reasons) >= 2)
    data = [d for d in read.get_edge_data(edge.source, edge.target).values()]
    found = next(d for d in data if d["kind"] == edge.kind)
    assert found["reasons"].split("\n") == list(edge.reasons)
    assert found["statements"].split("\n") == list(edge.statements)
    assert "\\x0a" not in to_graphml(g)


def test_paths_only_keeps_exactly_the_path_hops() -> None:
    a = _analysis("midsize-company")
    g = build_graph(a, paths_only=True)
    hops = {h.finding.key for p in a.paths for h in p.hops}
    findings = {(e.kind, e.source, e.target, e.service or None) for e in g.edges}
    assert {k for k in findings if k[0] != "trusts-service"} == hops
    assert all(e.on_path for e in g.edges)
    ids = {n.id for n in g.nodes}
    assert {p.source for p in a.paths} <= ids


def test_min_escalation_admin_keeps_only_admin_findings() -> None:
    a = _analysis("midsize-company")
    g = build_graph(a, min_escalation="admin")
    finding_edges = [e for e in g.edges if e.kind != "trusts-service"]
    assert finding_edges and all(e.escalation == "admin" for e in finding_edges)
    expected = {f.key for f in a.findings if f.escalation == "admin" and not f.source_is_admin}
    assert {(e.kind, e.source, e.target, e.service or None) for e in finding_edges} == expected
    gain = build_graph(a, min_escalation="privilege-gain")
    assert len(finding_edges) < len([e for e in gain.edges if e.kind != "trusts-service"])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("name", SAMPLES)
def test_dot_is_parsed_by_graphviz(name: str) -> None:
    g = build_graph(_analysis(name))
    run = subprocess.run(
        ["dot", "-Tjson"], input=to_dot(g), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert len(out.get("objects", [])) == len(g.nodes)
    assert len(out.get("edges", [])) == len(g.edges)


def _opengraph_validator() -> jsonschema.protocols.Validator:
    """BloodHound CE's node and edge schemas (vendored), in the payload shape its docs give."""
    node = json.loads((SCHEMAS / "opengraph" / "node.json").read_text())
    edge = json.loads((SCHEMAS / "opengraph" / "edge.json").read_text())
    metadata = json.loads((SCHEMAS / "opengraph" / "metadata.json").read_text())
    edge_defs = edge.pop("$defs")
    payload = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {**edge_defs, "node": node, "edge": edge, "metadata": metadata},
        "properties": {
            "metadata": {"$ref": "#/$defs/metadata"},
            "graph": {
                "type": "object",
                "properties": {
                    "nodes": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    "edges": {"type": "array", "items": {"$ref": "#/$defs/edge"}},
                },
                "required": ["nodes", "edges"],
            },
        },
        "required": ["graph"],
    }
    return jsonschema.Draft202012Validator(payload)


@pytest.mark.parametrize("name", SAMPLES)
def test_opengraph_validates_against_bloodhound_schemas(name: str) -> None:
    g = build_graph(_analysis(name))
    data = to_opengraph(g)
    validator = _opengraph_validator()
    errors = list(validator.iter_errors(data))
    assert not errors, errors[0].message
    ids = {n["id"] for n in data["graph"]["nodes"]}
    for e in data["graph"]["edges"]:
        assert e["start"]["value"] in ids and e["end"]["value"] in ids
    for n in data["graph"]["nodes"]:
        assert all(k == k.lower() for k in n["properties"])  # BloodHound: lowercase names
        assert n["kinds"][0].startswith("AWS")
        # BloodHound adds metadata.source_kind to every node's kinds: still within maxItems 3.
        assert len([*n["kinds"], data["metadata"]["source_kind"]]) <= 3
        assert n["properties"]["objectid"] == n["id"]


def test_opengraph_schema_rejects_what_bloodhound_rejects() -> None:
    """The vendored schema is the real constraint: a dash in an edge kind fails."""
    validator = _opengraph_validator()
    bad = {
        "graph": {
            "nodes": [{"id": "a", "kinds": ["AWSUser"]}],
            "edges": [
                {
                    "start": {"value": "a"},
                    "end": {"value": "a"},
                    "kind": "Pass-Role",
                    "properties": {},
                }
            ],
        }
    }
    assert list(validator.iter_errors(bad))


def test_edge_kinds_are_bloodhound_and_neo4j_safe() -> None:
    assert edge_kind("passrole") == "AWSPassRole"
    assert edge_kind("create-policy-version") == "AWSCreatePolicyVersion"
    assert edge_kind("iam:PutUserPolicy") == "AWSIamPutUserPolicy"
    assert re.fullmatch(r"[A-Za-z0-9_]+", edge_kind("a b`c-d$"))


def _readme_table(title: str) -> list[str]:
    """Header fields listed in the README table under ``title`` (first column)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    fields = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|") and not line.startswith("|---") and "`" in line:
            fields.append(line.split("|")[1].strip().strip("`"))
        elif fields and not line.startswith("|"):
            break
    return fields


# neo4j-admin database import header format (Neo4j Operations Manual, "Import: CSV header
# format"): name:type with the special fields :ID, :START_ID, :END_ID, :TYPE, :LABEL and property
# types string, boolean, int, long, float, double, ... with [] for arrays.
_HEADER = re.compile(
    r"^(?:[a-z_]+)?(?::(?:ID|START_ID|END_ID|TYPE|LABEL|IGNORE))?$"
    r"|^[a-z_]+:(?:string|boolean|int|long|float|double|byte|short|char|date|datetime)(?:\[\])?$"
)


def test_csv_headers_follow_neo4j_admin_import_format_and_the_readme() -> None:
    g = build_graph(_analysis("midsize-company"))
    files = to_csv(g)
    nodes = list(csv.reader(io.StringIO(files["nodes.csv"])))
    rels = list(csv.reader(io.StringIO(files["relationships.csv"])))
    assert tuple(nodes[0]) == NODE_CSV_HEADER and tuple(rels[0]) == EDGE_CSV_HEADER
    for field in (*nodes[0], *rels[0]):
        assert _HEADER.match(field), field
    assert sum(f.endswith(":ID") for f in nodes[0]) == 1
    assert {":START_ID", ":END_ID", ":TYPE"} <= set(rels[0])
    assert len(nodes) - 1 == len(g.nodes) and len(rels) - 1 == len(g.edges)
    assert all(len(r) == len(nodes[0]) for r in nodes)
    assert all(len(r) == len(rels[0]) for r in rels)
    ids = {r[0] for r in nodes[1:]}
    assert all(r[0] in ids and r[1] in ids for r in rels[1:])
    assert _readme_table("nodes.csv columns") == list(NODE_CSV_HEADER)
    assert _readme_table("relationships.csv columns") == list(EDGE_CSV_HEADER)


def test_cypher_has_one_statement_per_node_and_edge() -> None:
    g = build_graph(_analysis("classic-story-fixed"))
    lines = [x for x in to_cypher(g).splitlines() if x and not x.startswith("//")]
    assert all(x.endswith(";") for x in lines)
    assert sum(x.startswith("MERGE ") for x in lines) == len(g.nodes)
    assert sum(" CREATE (a)-[:" in x for x in lines) == len(g.edges)
    assert any("[:AWSPassRole {" in x for x in lines)


def _hostile() -> Graph:
    evil = 'x"]; evil [label="pwn\n\x1b[31m|<b>'
    return Graph(
        "111122223333",
        "s.json",
        [Node("arn:a", "user", evil), Node("arn:b", "role", "b", admin=True)],
        [Edge("arn:a", "arn:b", "passrole", "AWSPassRole", title=evil, conditions=(evil,))],
    )


def test_hostile_names_are_escaped_in_every_format(tmp_path: Path) -> None:
    g = _hostile()
    for text in (to_dot(g), to_graphml(g), to_mermaid(g), to_cypher(g)):
        assert "\x1b" not in text
    # Bidi overrides and zero-width characters reorder or hide what a reader sees: escaped
    # like C0/C1 controls (the explorer's rule, core.report.escape).
    sneaky = "admin\u202egnp.exe\u200b"
    g2 = Graph(
        "111122223333",
        "s.json",
        [Node("arn:a", "user", sneaky), Node("arn:b", "role", "b", admin=True)],
        [Edge("arn:a", "arn:b", "passrole", "AWSPassRole", title=sneaky, conditions=(sneaky,))],
    )
    exports = (to_dot(g2), to_graphml(g2), to_mermaid(g2), to_cypher(g2), *to_csv(g2).values())
    exports += (json.dumps(to_opengraph(g2), ensure_ascii=False),)
    for text in exports:
        assert "\u202e" not in text and "\u200b" not in text
        assert "admin\\u202egnp.exe\\u200b" in text.replace("\\\\", "\\")
    mermaid = to_mermaid(g)
    assert mermaid.count('"') % 2 == 0 and "]; evil" in mermaid.replace("#quot;", "")
    path = tmp_path / "h.graphml"
    path.write_text(to_graphml(g), encoding="utf-8")
    assert nx.read_graphml(path).number_of_nodes() == 2
    if shutil.which("dot"):
        run = subprocess.run(["dot", "-Tjson"], input=to_dot(g), capture_output=True, text=True)
        assert run.returncode == 0 and len(json.loads(run.stdout)["objects"]) == 2
    assert not list(_opengraph_validator().iter_errors(to_opengraph(g)))


@pytest.mark.skipif(
    not os.environ.get("NEO4J_URI"),
    reason="no Neo4j reachable (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to load the Cypher)",
)
def test_cypher_loads_into_neo4j_and_the_readme_query_finds_the_path() -> None:
    neo4j = pytest.importorskip("neo4j", reason="the neo4j driver is not installed")
    g = build_graph(_analysis("classic-story-fixed"))
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    readme = README.read_text(encoding="utf-8")
    query = readme[readme.index("MATCH p = shortestPath(") :].split("\n", 1)[0].rstrip(";")
    with (
        neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver,
        driver.session() as session,
    ):
        session.run("MATCH (n:AWSNode) DETACH DELETE n").consume()
        for line in to_cypher(g).splitlines():
            if line and not line.startswith("//"):
                session.run(line.rstrip(";")).consume()
        record = session.run(query).single()
    assert record is not None
    path = record["p"]
    assert [n["name"] for n in path.nodes] == ["test-user", "EC2-roles-for-XYZ"]


def test_admin_marks_principals_not_policies() -> None:
    """A path ending in create-policy-version on one's own policy makes the source admin;
    the policy node is not an admin principal."""
    a = _analysis("midsize-company")
    g = build_graph(a, paths_only=True)
    assert all(n.kind in ("user", "role", "group") for n in g.nodes if n.admin)
    ends = {p.hops[-1].target for p in a.paths if p.hops}
    policies = [n for n in g.nodes if n.kind == "policy"]
    assert policies and {n.id for n in policies} <= ends
