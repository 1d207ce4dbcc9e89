"""What the roadmap's own tools show of a competency's maturity (cco_portal.organizations.gathered_evidence): the
reliability log and the moments of truth, for competency 4."""

from .reliability import evidence as reliability


def evidence_for(organization, topic: str) -> list:
    return reliability.evidence_for(organization, topic)
