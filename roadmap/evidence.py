"""What the roadmap's own tools show of a competency's maturity (cco_portal.organizations.gathered_evidence): the
listening path for competency 3, the reliability log and the moments of truth for competency 4."""

from .listening import evidence as listening
from .reliability import evidence as reliability


def evidence_for(organization, topic: str) -> list:
    return [*listening.evidence_for(organization, topic), *reliability.evidence_for(organization, topic)]
