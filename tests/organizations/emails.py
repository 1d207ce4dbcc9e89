import re

from cco_portal.organizations import services
from cco_portal.organizations.models import Invitation


def invitation_linked_from(body: str) -> Invitation:
    """The invitation whose link an email carries. Signed links embed the time they were made, so the test
    follows the link rather than comparing it with one signed a moment later."""
    token = re.search(r"/invitations/([^/\s]+)/", body).group(1)
    return services.get_invitation_for_token(token)
