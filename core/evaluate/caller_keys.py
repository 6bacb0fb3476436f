"""Which condition keys a caller controls when it makes a request, and which it does not.

During analysis, a key the caller *controls* (the region it calls, the ARN and tags of the
resource it creates, the service parameters it sends) is chosen in the caller's favour and the
choice is recorded as a *constraint* on the edge. A key it does *not* control (its source IP, MFA,
the time, its organization) leaves the edge *conditional*, with the conditions listed.
"""

from __future__ import annotations

from typing import Final

CALLER_CONTROLLED_PREFIXES: Final = (
    "aws:requestedregion",
    "aws:requesttag/",
    "aws:tagkeys",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "iam:associatedresourcearn",
    "aws:calledvia",
)
"""Lowercased keys (or prefixes) set by what the caller asks for."""

UNCONTROLLED: Final = frozenset(
    {
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpcsourceip",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:currenttime",
        "aws:epochtime",
        "aws:tokenissuetime",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
        "aws:sourceidentity",
        "aws:federatedprovider",
        "aws:referer",
        "aws:useragent",
        "aws:ec2instancesourcevpc",
        "aws:ec2instancesourceprivateipv4",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
        "aws:principalservicename",
        "aws:principalservicenameslist",
    }
)
"""Lowercased global keys the caller cannot choose."""

DIRECT_CALL_FACTS: Final = {
    "aws:SecureTransport": "true",
    "aws:ViaAWSService": "false",
    "aws:PrincipalIsAWSService": "false",
}
"""Keys whose value is known for a principal calling an AWS API directly."""

DIRECT_CALL_ABSENT: Final = frozenset({"aws:calledvia", "aws:calledviafirst", "aws:calledvialast"})


def caller_controls(key: str) -> bool:
    """Whether the caller chooses this key's value when it makes the request.

    Global ``aws:`` keys are controlled only when listed; service-specific keys (``ec2:...``,
    ``lambda:...``) describe the request's own parameters and so are the caller's choice.
    """
    k = key.lower()
    if k.startswith(CALLER_CONTROLLED_PREFIXES):
        return True
    if k in UNCONTROLLED or k.startswith("aws:"):
        return False
    return not k.startswith(("iam:passedtoservice", "sts:", "iam-explore:"))
