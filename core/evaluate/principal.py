"""A principal of a loaded account: the policies and context keys that apply to it, and
the :class:`PrincipalView` that prepares it for many evaluations (base context, decision
cache)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.evaluate.caller_keys import DIRECT_CALL_ABSENT, DIRECT_CALL_FACTS
from core.evaluate.conditions import TIME_KEYS, context_keys, evaluate_clause
from core.evaluate.decision import (
    ConditionalMatch,
    Decision,
    PolicyRef,
    Requirement,
    StatementRef,
)
from core.evaluate.evaluator import (
    CALLER_CHOSEN,
    PolicySet,
    Request,
    _names_role_by_condition,
    evaluate,
    index_of,
    matching,
    principal_match,
)
from core.model.account import (
    Account,
    ConditionClause,
    Group,
    InlinePolicy,
    PolicyDocument,
    Role,
    Statement,
    Tag,
    User,
)
from core.model.context import RequestContext
from core.model.memo import BoundedTable, memo_of, memo_table
from core.model.variables import substitute, variable_keys

_EMPTY = PolicyDocument(version="2012-10-17", statements=())

UNKNOWN_BOUNDARY_KEY = "iam-explore:UnknownBoundaryAllows"
"""The key of the one condition standing for a permissions boundary missing from the export:
not the caller's to choose, unknown in analysis (what depends on it is conditional) and absent
in a simulation (it then grants nothing)."""


def unknown_boundary(arn: str) -> PolicyDocument:
    """A boundary not in the export: it allows anything, on the condition that it does (IAM
    User Guide, "Permissions boundaries for IAM entities": the boundary sets the maximum
    permissions; what it allows is unknown, so the cap is neither assumed nor dropped)."""
    cond = ConditionClause("StringEquals", UNKNOWN_BOUNDARY_KEY, (arn,))
    st = Statement(0, "Allow", actions=("*",), resources=("*",), conditions=(cond,))
    return PolicyDocument("2012-10-17", (st,))


def _managed(account: Account, arn: str, via: str, layer: str = "identity") -> PolicyRef:
    mp = account.policy(arn)
    missing = unknown_boundary(arn) if layer == "boundary" else _EMPTY
    doc = mp.document if mp is not None else missing
    name = mp.name if mp is not None else arn.rsplit("/", 1)[-1]
    return PolicyRef(name=name, document=doc, arn=arn, via=via, layer=layer)  # type: ignore[arg-type]


def _inline(p: InlinePolicy, via: str, owner: str = "") -> PolicyRef:
    return PolicyRef(name=p.name, document=p.document, arn=None, via=via, owner=owner)


def identity_policies(account: Account, principal: User | Role) -> tuple[PolicyRef, ...]:
    """Identity-based policies: inline and attached, and for users those of each group."""
    kind = principal.kind
    refs = [
        _inline(p, f"inline on {kind} {principal.name}", principal.arn)
        for p in principal.inline_policies
    ]
    refs += [
        _managed(account, a, f"attached to {kind} {principal.name}")
        for a in principal.attached_policies
    ]
    if isinstance(principal, User):
        for gname in principal.groups:
            group = account.group(gname)
            if group is None:
                continue
            via = f"via group {group.name}"
            refs += [_inline(p, f"{via} (inline)", group.arn) for p in group.inline_policies]
            refs += [_managed(account, a, via) for a in group.attached_policies]
    return tuple(refs)


def scp_levels(
    account: Account, principal: User | Role | None
) -> tuple[tuple[PolicyRef, ...], ...]:
    """SCP levels for the principal: none for service-linked roles and in the management
    account (AWS Organizations: "SCPs don't affect users or roles in the management account"
    nor service-linked roles)."""
    if isinstance(principal, Role) and principal.is_service_linked:
        return ()
    if dict(account.metadata).get("OrganizationManagementAccountId") == account.account_id:
        return ()
    return tuple(
        tuple(
            PolicyRef(
                name=sp.name,
                document=sp.document,
                arn=sp.arn or None,
                via=f"SCP at {level.target}",
                layer="scp",
                level=level.target,
            )
            for sp in level.policies
        )
        for level in account.scp_levels
    )


def own_account(account: Account, principal: User | Role | str) -> str:
    """The principal's own account: from its ARN (an export may mix accounts), else the
    export's."""
    arn = principal if isinstance(principal, str) else principal.arn
    parts = arn.split(":")
    acct = parts[4] if len(parts) > 5 else ""
    return acct if len(acct) == 12 and acct.isdigit() else account.account_id


def policy_set(account: Account, principal: User | Role) -> PolicySet:
    """Every policy that applies to the principal's own requests."""
    boundary = None
    if principal.boundary:
        boundary = _managed(
            account,
            principal.boundary,
            f"permissions boundary of {principal.kind} {principal.name}",
            layer="boundary",
        )
    return PolicySet(
        identity=identity_policies(account, principal),
        boundary=boundary,
        scp_levels=scp_levels(account, principal),
        principal_kind=principal.kind,  # type: ignore[arg-type]
        account_id=own_account(account, principal),
    )


def trust_policy_ref(role: Role) -> PolicyRef:
    """The role's trust policy as the resource policy of ``sts:AssumeRole``."""
    return PolicyRef(
        name=f"{role.name} trust policy",
        document=role.trust_policy,
        arn=role.arn,
        via=f"trust policy of role {role.name}",
        layer="resource",
    )


def principal_context(account: Account, principal: User | Role) -> Mapping[str, object]:
    """Global condition keys AWS sets from the principal itself ("AWS global condition context
    keys": aws:username for IAM users only, aws:PrincipalArn, aws:PrincipalTag/*, ...)."""
    ctx: dict[str, object] = {
        "aws:PrincipalArn": principal.arn,
        "aws:PrincipalAccount": own_account(account, principal),
        "aws:PrincipalType": "User" if isinstance(principal, User) else "AssumedRole",
        "aws:PrincipalIsAWSService": "false",
    }
    if isinstance(principal, User):
        ctx["aws:username"] = principal.name
        if principal.user_id:
            ctx["aws:userid"] = principal.user_id
    for tag in principal.tags:
        ctx[f"aws:PrincipalTag/{tag.key}"] = tag.value
    return ctx


def principal_known_absent(principal: User | Role) -> frozenset[str]:
    """Principal keys known to be absent (e.g. ``aws:username`` for a role)."""
    absent = {"aws:principalisawsservice"}
    if isinstance(principal, Role):
        absent.add("aws:username")
    return frozenset(absent)


_PRINCIPAL_KEYS = ("${", "aws:principal", "aws:username", "aws:userid")

SharedDecisions = dict[tuple[object, ...], tuple[Decision, PolicySet, tuple[PolicyRef, ...]]]
"""Decisions shared between views, keyed by documents and statements (no attachment labels):
the policy set and the cited references are kept so the ids in the keys stay unique. Owned by
the account (:func:`shared_decisions`) or by an analysis's cache, and passed to the views."""

SHARED_LIMIT = 1_000_000
"""Past this many entries a table of shared decisions starts again (memory stays bounded)."""


def shared_decisions(account: Account) -> SharedDecisions:
    """The account's own table of decisions shared between its views (in its memo)."""
    return memo_table(account, "principal.shared")


def _substituted(pattern: str, ctx: RequestContext) -> str:
    """The pattern with the principal's own variables filled in (``${aws:username}``)."""
    if "${" not in pattern:
        return pattern
    parts = substitute(pattern, ctx)
    if parts is None:
        return "\x00never"  # a variable with no value: the pattern matches nothing
    if isinstance(parts, tuple):
        return "".join(t for t, _ in parts)
    return pattern


def statement_keys(st: Statement) -> frozenset[str]:
    """Context keys a statement reads: its conditions and variables in its resources."""
    memo = memo_of(st)
    hit = memo.get("principal.keys")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    keys = set(context_keys(st.conditions)) if st.conditions else set()
    for r in st.resources or ():
        if "${" in r:
            keys.update(variable_keys(r))
    out = frozenset(keys)
    memo["principal.keys"] = out
    return out


def _layers(ps: PolicySet) -> list[tuple[str, tuple[PolicyRef, ...]]]:
    """The policy set's layers in evaluation order, named: identity, boundary, session, SCPs."""
    layers: list[tuple[str, tuple[PolicyRef, ...]]] = [("identity", ps.identity)]
    if ps.boundary is not None:
        layers.append(("boundary", (ps.boundary,)))
    if ps.session is not None:
        layers.append(("session", (ps.session,)))
    layers.extend(("scp", level) for level in ps.scp_levels)
    return layers


@dataclass(frozen=True, eq=False)
class ActionScope:
    """A fixed set of actions that one part of the analysis decides (a PassRole edge's pass,
    launch and instance-profile actions): views whose statements for these actions are the same
    (:meth:`PrincipalView.scope_key`) get the same decisions for them. Compared by identity:
    define one per use, at module level."""

    name: str
    actions: tuple[str, ...]
    by_service: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, name: str, actions: tuple[str, ...]) -> ActionScope:
        lowered = tuple(dict.fromkeys(a.lower() for a in actions))
        by_service: dict[str, list[str]] = {}
        for a in lowered:
            by_service.setdefault(a.split(":", 1)[0], []).append(a)
        return cls(name, lowered, {k: tuple(v) for k, v in by_service.items()})


_ScopeStatements = tuple[bool, frozenset[str], bool]


def _scope_statements(doc: PolicyDocument, scope: ActionScope) -> _ScopeStatements:
    """Whether a statement of ``doc`` matches an action of ``scope``, the context keys such
    statements read, and whether one of them is a Deny with conditions (an explanation may then
    name its policy in words: "avoid ... (policy label)"); kept per document and scope."""
    table: dict[ActionScope, _ScopeStatements] = memo_table(doc, "principal.scopes")
    hit = table.get(scope)
    if hit is not None:
        return hit
    idx = index_of(doc)
    if idx.generic:
        actions: Iterable[str] = scope.actions
    else:
        actions = (
            a for svc in idx.by_service if svc in scope.by_service for a in scope.by_service[svc]
        )
    found: dict[int, Statement] = {}
    for a in actions:
        for st in matching(doc, a):
            found.setdefault(id(st), st)
    keys = frozenset(k for st in found.values() for k in statement_keys(st))
    named = any(st.effect == "Deny" and st.conditions for st in found.values())
    out = table[scope] = (bool(found), keys, named)
    return out


def _principal_clauses(doc: PolicyDocument) -> tuple[tuple[int, ConditionClause, bool], ...]:
    """The condition clauses of ``doc`` on keys AWS sets from the principal, when its text
    reads such keys (with each clause's id and whether the document's version substitutes
    policy variables); kept per document."""
    memo = memo_of(doc)
    hit = memo.get("principal.principal_clauses")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    text = doc.text.lower()
    out: tuple[tuple[int, ConditionClause, bool], ...] = ()
    if any(k in text for k in _PRINCIPAL_KEYS):
        out = tuple(
            (id(c), c, doc.version == "2012-10-17")
            for st in doc.statements
            for c in st.conditions
            if c.key.lower().startswith(("aws:principal", "aws:username", "aws:userid"))
        )
    memo["principal.principal_clauses"] = out
    return out


def _has_variables(doc: PolicyDocument) -> bool:
    """Whether ``doc``'s text holds a policy variable (kept per document)."""
    memo = memo_of(doc)
    hit = memo.get("principal.variables")
    if hit is None:
        hit = memo["principal.variables"] = "${" in doc.text
    return hit  # type: ignore[return-value]  # what this function stored


@dataclass
class PrincipalView:
    """Evaluate requests as one principal (or a group's policies), with caching.

    Attributes:
        arn: the principal's ARN (a group's ARN for group views).
        name: display name.
        kind: ``user``, ``role`` or ``group``.
        policies: the policy set.
        signature: equal for principals whose decisions are all equal (shared policies and no
            principal-specific variables or keys), so analyses run once per signature.
    """

    arn: str
    name: str
    kind: str
    policies: PolicySet
    base: Mapping[str, object]
    absent: frozenset[str]
    signature: tuple[object, ...]
    entity: User | Role | Group | None = None
    now: float | None = None
    """Analysis time (epoch seconds): time keys are any instant from it on (``None``: unknown)."""
    _cache: dict[tuple[object, ...], Decision] = field(default_factory=dict, repr=False)
    _base_ctx: RequestContext | None = field(default=None, repr=False)
    memo: dict[str, object] = field(default_factory=dict, repr=False)
    """Per-view results of analysis helpers (e.g. the PassRole allow patterns)."""
    shared: SharedDecisions | None = field(default=None, repr=False, compare=False)
    """Decisions shared with other views (:data:`SharedDecisions`); ``None``: none shared."""

    @property
    def all_refs(self) -> tuple[PolicyRef, ...]:
        refs = list(self.policies.identity)
        if self.policies.boundary:
            refs.append(self.policies.boundary)
        for level in self.policies.scp_levels:
            refs.extend(level)
        return tuple(refs)

    def context(
        self,
        extra: Mapping[str, object] | None = None,
        *,
        resource_tags: tuple[Tag, ...] | None = None,
        absent: frozenset[str] = frozenset(),
    ) -> RequestContext:
        """The request context: principal keys, direct-call facts, ``extra``; the rest unknown."""
        if self._base_ctx is None:
            self._base_ctx = RequestContext.of(
                self.base,
                unknown_by_default=True,
                absent=self.absent,
                absent_prefixes=("aws:principaltag/",),
                now=self.now,
            )
        ctx = self._base_ctx
        if not extra and resource_tags is None and not absent:
            return ctx
        more: dict[str, object] = {}
        prefixes = ctx.absent_prefixes
        if resource_tags is not None:
            prefixes = (*prefixes, "aws:resourcetag/")
            for t in resource_tags:
                more[f"aws:ResourceTag/{t.key}"] = t.value
        if extra:
            more.update(extra)
        merged = ctx.with_values(more)
        return RequestContext(
            merged.values, merged.unknown, True, ctx.absent | absent, prefixes, ctx.now
        )

    def decide(
        self,
        action: str,
        resource: str = CALLER_CHOSEN,
        extra: Mapping[str, object] | None = None,
        *,
        resource_tags: tuple[Tag, ...] | None = None,
        absent: frozenset[str] = frozenset(),
        resource_policy: PolicyRef | None = None,
        resource_must_allow: bool = False,
        share: bool = True,
    ) -> Decision:
        """Evaluate ``action`` on ``resource`` (default: a resource the caller chooses).

        Decisions are cached per view, and shared between views whose *matching* statements
        (same documents and statements, in the same layers and order), read context values
        and, for a resource policy, ``Principal`` outcomes are the same: the evaluator's outcome
        depends on nothing else (it reads a policy's document, never its name or attachment).
        A shared decision is relabelled with this view's own references, so its reasons read
        exactly as if it had been evaluated here. ``share=False`` for a resource policy built
        for this call only (nobody else could hit it).
        """
        extra_items = tuple(sorted((extra or {}).items()))
        key = (
            action.lower(),
            resource,
            extra_items,
            resource_tags,
            absent,
            id(resource_policy.document) if resource_policy else None,
            resource_must_allow,
        )
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        ctx = self.context(extra, resource_tags=resource_tags, absent=absent)
        table = self.shared if share else None
        skey, refs = (
            self._shared_key(key, action, ctx, resource_policy) if table is not None else ((), ())
        )
        if skey:
            assert table is not None
            shared = table.get(skey)
            if shared is not None:
                d = _relabelled(shared[0], shared[2], refs)
                if d is not None:
                    self._cache[key] = d
                    return d
        d = evaluate(
            Request(self.arn, action, resource, ctx),
            self.policies,
            resource_policy=resource_policy,
            resource_must_allow=resource_must_allow,
        )
        self._cache[key] = d
        if skey:
            assert table is not None
            if len(table) > SHARED_LIMIT:
                table.clear()
            table[skey] = (d, self.policies, refs)
        return d

    def allow_patterns(self, action: str) -> tuple[bool, tuple[str, ...]] | None:
        """What the identity Allow statements for ``action`` could name, for cheap prefilters.

        ``None`` when no Allow statement matches the action; ``(True, ())`` when one covers
        every resource (no Resource, or NotResource); else ``(False, patterns)`` with the
        principal's own policy variables filled in (unknown ones are kept as text, which only
        widens the literal prefix an index searches).
        """
        key = f"allow:{action.lower()}"
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        statements = [
            st
            for ref in self.policies.identity
            for st in matching(ref.document, action)
            if st.effect == "Allow"
        ]
        out: tuple[bool, tuple[str, ...]] | None
        if not statements:
            out = None
        elif any(st.resources is None or st.not_resource for st in statements):
            out = (True, ())
        else:
            ctx = self.context()
            out = (
                False,
                tuple(_substituted(p, ctx) for st in statements for p in st.resources or ()),
            )
        self.memo[key] = out
        return out

    def _layer_key(
        self, action: str
    ) -> tuple[tuple[object, ...], tuple[PolicyRef, ...], frozenset[str]]:
        """The part of :meth:`_shared_key` that depends only on the action: the matching
        documents and statements per layer, the references cited and the keys they read."""
        memo_key = f"layers:{action.lower()}"
        hit = self.memo.get(memo_key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        ps = self.policies
        parts: list[object] = [ps.principal_kind, ps.account_id]
        cited: list[PolicyRef] = []
        keys: set[str] = set()
        layers = _layers(ps)
        lowered = action.lower()
        for name, refs in layers:
            parts.append(name)
            for ref in refs:
                ids, read = _matching_ids(ref.document, action, lowered)
                if ids:
                    parts.append((id(ref.document), ids))
                    cited.append(ref)
                    keys.update(read)
        out = (tuple(parts), tuple(cited), frozenset(keys))
        self.memo[memo_key] = out
        return out

    def scope_key(self, scope: ActionScope) -> tuple[tuple[object, ...], tuple[PolicyRef, ...]]:
        """What every decision of this view on an action of ``scope`` depends on (with the same
        request otherwise): its kind and account, per layer the documents holding a statement
        for one of the actions, the values of the context keys those statements read and, when
        one reads a time key, the analysis time. Views with equal keys decide every such
        request alike (the evaluator reads only the matching statements of each layer and the
        context; see :meth:`decide`), citing the references at the same positions of their
        cited lists (the second value, in key order: see :func:`relabelling`). A document with
        a conditional Deny for one of the actions is keyed with its attachment too, as
        explanations may name it in words."""
        ps = self.policies
        parts: list[object] = [ps.principal_kind, ps.account_id]
        cited: list[PolicyRef] = []
        keys: set[str] = set()
        for item in self._layout():
            if isinstance(item, str):
                parts.append(item)
                continue
            ref, table = item
            found = table.get(scope)
            relevant, read, named = found or _scope_statements(ref.document, scope)
            if relevant:
                parts.append((id(ref.document), label_of(ref)) if named else id(ref.document))
                cited.append(ref)
                keys.update(read)
        if keys:
            ctx = self.context()
            parts.append(tuple((k, ctx.lookup(k)) for k in sorted(keys)))
            if not keys.isdisjoint(TIME_KEYS):
                parts.append(self.now)
        return tuple(parts), tuple(cited)  # not kept: each is asked for about once per view

    def _layout(self) -> list[str | tuple[PolicyRef, dict[ActionScope, _ScopeStatements]]]:
        """The layers in evaluation order: each layer's name, then its references with their
        documents' tables of :func:`_scope_statements` (kept per view)."""
        hit = self.memo.get("layout")
        if hit is not None:
            return hit  # type: ignore[return-value]  # what this method stored
        ps = self.policies
        layers = _layers(ps)
        out: list[str | tuple[PolicyRef, dict[ActionScope, _ScopeStatements]]] = []
        for name, refs in layers:
            out.append(name)
            out.extend((ref, memo_table(ref.document, "principal.scopes")) for ref in refs)
        self.memo["layout"] = out
        return out

    def _shared_key(
        self,
        local: tuple[object, ...],
        action: str,
        ctx: RequestContext,
        resource_policy: PolicyRef | None,
    ) -> tuple[tuple[object, ...], tuple[PolicyRef, ...]]:
        """The label-free key of a decision and the references it cites, in key order."""
        layers = self._layer_key(action)
        parts: list[object] = [local, layers[0]]
        cited = list(layers[1])
        keys = set(layers[2])
        if resource_policy is not None:
            # The resource layer also reads the caller's ARN: how each Principal matches it.
            parts.append("resource")
            cited.append(resource_policy)  # keeps the document (its id is in the key) alive
            ms = matching(resource_policy.document, action)
            if ms:
                parts.append(
                    (
                        id(resource_policy.document),
                        tuple(
                            (
                                id(s),
                                None
                                if s.principal is None
                                else (
                                    principal_match(s.principal, self.arn),
                                    _names_role_by_condition(s, self.arn),
                                ),
                            )
                            for s in ms
                        ),
                    )
                )
                for s in ms:
                    keys.update(statement_keys(s))
        if keys:
            parts.append(tuple((k, ctx.lookup(k)) for k in sorted(keys)))
            if not keys.isdisjoint(TIME_KEYS):
                parts.append(ctx.now)
        return tuple(parts), tuple(cited)


def _matching_ids(
    doc: PolicyDocument, action: str, lowered: str
) -> tuple[tuple[int, ...], frozenset[str]]:
    """The ids of ``doc``'s statements matching ``action`` and the context keys they read
    (kept per document and action: principals of many signatures hold the same documents)."""
    by_action: dict[str, tuple[tuple[int, ...], frozenset[str]]] = memo_table(
        doc, "principal.matching_ids"
    )
    hit = by_action.get(lowered)
    if hit is not None:
        return hit
    ms = matching(doc, action)
    ids = tuple(id(s) for s in ms)  # the document holds these statements: the ids stay unique
    read = frozenset(k for s in ms for k in statement_keys(s))
    by_action[lowered] = (ids, read)
    return ids, read


def label_of(ref: PolicyRef) -> tuple[object, ...]:
    """What a reference shows besides its document: its names and attachment."""
    return (ref.name, ref.arn, ref.via, ref.layer, ref.level, ref.owner)


Relabelling = dict[int, tuple[tuple[tuple[object, ...], PolicyRef], ...]]
"""``id()`` of a document → (the :func:`label_of` of a reference of one view citing it, the
reference of another view it stands for), for each such reference.

Keyed by document and label, not by the reference's identity: a shared result may cite a
reference of yet another view that reads exactly like one of the view it was shared from (a
reference kept by ``by_label``), and that too stands for the other view's own reference."""


def relabelling(
    theirs: tuple[PolicyRef, ...], mine: tuple[PolicyRef, ...], *, by_label: bool = False
) -> Relabelling | None:
    """How to cite ``mine`` where ``theirs`` is cited (the same documents at the same
    positions); ``None`` when ambiguous (one reference of theirs stands for two of mine).
    ``by_label``: a reference shown exactly like its counterpart (:func:`label_of`) is kept
    (what is cited reads the same either way)."""
    chosen: dict[tuple[int, tuple[object, ...]], tuple[PolicyRef, PolicyRef]] = {}
    for a, b in zip(theirs, mine, strict=True):
        if a is b and not by_label:
            continue
        la = label_of(a)
        c = a if a is b or (by_label and la == label_of(b)) else b
        seen = chosen.setdefault((id(a.document), la), (a, c))
        if seen[1] is not c:
            return None
    out: dict[int, tuple[tuple[tuple[object, ...], PolicyRef], ...]] = {}
    for (doc, label), (a, c) in chosen.items():
        if c is not a:
            out[doc] = (*out.get(doc, ()), (label, c))
    return out


T = TypeVar("T")

SharedResults = BoundedTable[
    tuple[object, ...], tuple[tuple[object, ...], tuple[PolicyRef, ...], list[Any]]
]
"""Key → (the objects the results were computed against, the references they cite in key
order, the results): see :func:`shared_results`."""


def shared_results(
    table: SharedResults,
    key: tuple[object, ...],
    refs: tuple[PolicyRef, ...],
    compute: Callable[[], list[T]],
    relabel: Callable[[list[T], Relabelling], list[T]],
    against: tuple[object, ...] = (),
) -> list[T]:
    """Results shared by views whose :meth:`PrincipalView.scope_key` (in ``key``) is the same:
    computed once (``compute``) and kept in ``table``, then relabelled for each other view to
    cite its own references (``refs``, in key order; ``relabel`` applies the swap). ``against``
    are objects the results were computed with that must be the very same for a hit (a table
    of trusted roles whose ``id`` is in the key). An ambiguous relabelling computes afresh."""
    hit = table.get(key)
    valid = hit is not None and all(a is b for a, b in zip(hit[0], against, strict=True))
    if hit is not None and valid:
        swap = relabelling(hit[1], refs, by_label=True)
        if swap is not None:
            return relabel(hit[2], swap) if swap else list(hit[2])
    out = compute()
    if not valid:
        table.put(key, (against, refs, out), 1 + len(out))
    return list(out)


def relabel_statement(s: StatementRef, swap: Relabelling) -> StatementRef:
    """``s`` citing the reference ``swap`` maps its policy to, if any."""
    found = swap.get(id(s.policy.document))
    if found is None:
        return s
    label = label_of(s.policy)
    for theirs, mine in found:
        if theirs == label:
            return StatementRef(mine, s.statement)
    return s


def relabel_statements(
    refs: tuple[StatementRef, ...], swap: Relabelling
) -> tuple[StatementRef, ...]:
    """:func:`relabel_statement` of each (the same tuple when none changes)."""
    if not swap or not refs:
        return refs
    out = tuple(relabel_statement(s, swap) for s in refs)
    return refs if all(a is b for a, b in zip(out, refs, strict=True)) else out


def relabel_decision(d: Decision, swap: Relabelling) -> Decision:
    """``d`` citing the references ``swap`` maps to (``d`` itself when none changes)."""
    if not swap or not (d.allowed_by or d.denied_by or d.requirements):
        return d

    def ref(s: StatementRef) -> StatementRef:
        return relabel_statement(s, swap)

    return Decision(
        decision=d.decision,
        action=d.action,
        resource=d.resource,
        conditional=d.conditional,
        allowed_by=tuple(ref(s) for s in d.allowed_by),
        denied_by=tuple(ref(s) for s in d.denied_by),
        decided_by=d.decided_by,
        requirements=tuple(
            Requirement(
                r.kind,
                r.layer,
                tuple(ConditionalMatch(ref(m.ref), m.clauses) for m in r.alternatives),
            )
            for r in d.requirements
        ),
        missing_context=d.missing_context,
        misses=d.misses,
    )


def _relabelled(
    d: Decision, theirs: tuple[PolicyRef, ...], mine: tuple[PolicyRef, ...]
) -> Decision | None:
    """``d``, decided with ``theirs``, citing ``mine`` (the same documents, in the same order,
    under this principal's names and attachments); ``None`` when the correspondence is
    ambiguous (one reference of theirs stands for two of mine)."""
    if not (d.allowed_by or d.denied_by or d.requirements):
        return d  # cites no statement (an implicit deny): nothing to relabel
    swap = relabelling(theirs, mine)
    if swap is None:
        return None
    return relabel_decision(d, swap)


def _principal_outcomes(
    refs: list[PolicyRef], base: Mapping[str, object], absent: frozenset[str]
) -> tuple[object, ...]:
    clauses = [c for ref in refs for c in _principal_clauses(ref.document)]
    if not clauses:
        return ()
    ctx = RequestContext.of(
        base, unknown_by_default=True, absent=absent, absent_prefixes=("aws:principaltag/",)
    )
    return tuple((cid, evaluate_clause(c, ctx, variables=v)) for cid, c, v in clauses)


def principal_view(
    account: Account,
    principal: User | Role,
    now: float | None = None,
    shared: SharedDecisions | None = None,
) -> PrincipalView:
    """The view of a user or role (``now``: the analysis time, epoch seconds; ``shared``: the
    table of decisions it shares, by default the account's own)."""
    ps = policy_set(account, principal)
    base = dict(principal_context(account, principal))
    base.update(DIRECT_CALL_FACTS)
    absent = principal_known_absent(principal) | DIRECT_CALL_ABSENT
    refs = [*ps.identity, *([ps.boundary] if ps.boundary else [])]
    all_refs = [*refs, *(r for lvl in ps.scp_levels for r in lvl)]
    personal = any(_has_variables(r.document) for r in all_refs)
    signature: tuple[object, ...] = (
        principal.kind,
        ps.account_id,
        tuple(id(r.document) for r in ps.identity),
        id(ps.boundary.document) if ps.boundary else None,
        tuple(tuple(id(r.document) for r in lvl) for lvl in ps.scp_levels),
    )
    if personal:
        signature = (*signature, principal.arn)
    else:
        # Conditions on the principal's own keys (aws:PrincipalArn, aws:username, tags): share
        # the signature among principals for which they come out the same.
        outcomes = _principal_outcomes(all_refs, base, absent)
        if outcomes:
            signature = (*signature, outcomes)
    return PrincipalView(
        arn=principal.arn,
        name=principal.name,
        kind=principal.kind,
        policies=ps,
        base=base,
        absent=absent,
        signature=signature,
        entity=principal,
        now=now,
        shared=shared_decisions(account) if shared is None else shared,
    )


def group_view(
    account: Account,
    group: Group,
    now: float | None = None,
    shared: SharedDecisions | None = None,
) -> PrincipalView:
    """A view that holds only a group's policies (what a member gains by joining it)."""
    via = f"via group {group.name}"
    refs = tuple(
        [_inline(p, f"{via} (inline)", group.arn) for p in group.inline_policies]
        + [_managed(account, a, via) for a in group.attached_policies]
    )
    ps = PolicySet(identity=refs, principal_kind="user", account_id=own_account(account, group.arn))
    return PrincipalView(
        arn=group.arn,
        name=group.name,
        kind="group",
        policies=ps,
        base=dict(DIRECT_CALL_FACTS),
        absent=DIRECT_CALL_ABSENT,
        # The documents are part of it: a what-if that edits the group changes it.
        signature=("group", group.arn, tuple(id(r.document) for r in refs)),
        entity=group,
        now=now,
        shared=shared_decisions(account) if shared is None else shared,
    )
