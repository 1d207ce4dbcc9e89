from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("second_factor/partials/member_second_factor.html", takes_context=True)
def member_second_factor(context, organization, user):
    """The member page's second-factor card: whether the member has one, and the admin's reset button."""
    return {
        "organization": organization,
        "member_user": user,
        "has_second_factor": selectors.member_has_second_factor(organization=organization, user=user),
        "is_self": context["request"].user == user,
        "csrf_token": context.get("csrf_token"),
    }
