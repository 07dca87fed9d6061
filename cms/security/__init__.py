"""等保 2.0 level 3 for the admin: passwords, sessions, two factors and the admin roles.

* ``validators``: password complexity (character classes) and history (the
  last ``LIANXI_PASSWORD_HISTORY`` passwords may not be reused);
* ``middleware``: idle and absolute session limits, and the second factor
  (TOTP through django-otp) for whoever ``requires_second_factor``;
* ``views``: the enrolment and verification screens (admin look, Chinese);
* ``roles``: the three separated administrator roles (system, security,
  audit), created after every ``migrate``.

Login lockout is django-axes (settings ``AXES_*``); the audit log is
``cms.review.audit``. ``docs/security.md`` maps each control to its place.
"""
