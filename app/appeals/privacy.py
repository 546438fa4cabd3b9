"""Rules for the parts of a citizen's identity a user may see."""

CENTRE_ROLES = frozenset({"agent", "dispatcher", "supervisor", "admin"})


def mask_phone(phone):
    """Keep the first three and last four digits of a phone number: 138****0000."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def citizen_identity(appeal, user):
    """Return (name, phone) as this user may see them.

    Handlers see masked phones; a confidential appeal hides the reporter from
    everyone outside the centre roles.
    """
    is_centre = bool(user.roles & CENTRE_ROLES)
    if appeal.confidential and not is_centre:
        return "", ""
    if not is_centre:
        return appeal.citizen_name, mask_phone(appeal.citizen_phone)
    return appeal.citizen_name, appeal.citizen_phone
