"""What the demo day is made of: people, accounts, what customers write about, and the words used.

Plain values only; `demo.day` plans the day from them and `demo.seed` files it.
"""

from __future__ import annotations

DEMO_PASSWORD = "triage-demo"  # noqa: S105 - a laptop demo; printed on purpose

# The demo logins, one per role (sam and sofia are also on the ten-engineer rota).
USERS = [
    ("sam", "support"),
    ("sofia", "support"),
    ("cara", "ce"),
    ("lee", "leadership"),
    ("eve", "engineering"),
]

# name, tier, deployment, premium, the customer's time zone, where notices go
ACCOUNTS = [
    ("Northwind Labs", "presales", "cloud", False, "America/New_York", ""),
    ("Pinecrest Analytics", "presales", "self_hosted", False, "Europe/Berlin", ""),
    ("Orbital Freight", "presales", "cloud", False, "Asia/Singapore", ""),
    (
        "Globex Corporation",
        "enterprise",
        "self_hosted",
        False,
        "America/Chicago",
        "it@globex.example",
    ),
    ("Initech", "enterprise", "cloud", True, "America/Los_Angeles", "ops@initech.example"),
    ("Umbrella Health", "enterprise", "self_hosted", False, "Europe/London", "it@umbrella.example"),
    ("Stark Industries", "enterprise", "cloud", True, "America/New_York", "sre@stark.example"),
    ("Acme Rockets", "team", "cloud", False, "America/Denver", "dev@acme.example"),
    ("Bluebird Studio", "team", "cloud", False, "Europe/Paris", "hello@bluebird.example"),
    ("Cobalt Robotics", "team", "self_hosted", False, "Europe/Amsterdam", "it@cobalt.example"),
    ("Daisy Dental", "team", "cloud", False, "Australia/Sydney", "office@daisy.example"),
    ("Hobby Hackers", "free", "cloud", False, "Europe/Madrid", ""),
    ("Weekend Farm", "free", "cloud", False, "America/Toronto", ""),
    ("Solo Dev", "free", "self_hosted", False, "Asia/Tokyo", ""),
    ("OpenMaps Foundation", "open_source", "self_hosted", False, "Europe/Zurich", ""),
    ("LibreChat Project", "open_source", "self_hosted", False, "America/Sao_Paulo", ""),
]

# How customer and pre-sales work is spread over the tiers (internal work comes on top).
TIER_SHARES = {"enterprise": 0.3, "team": 0.3, "free": 0.18, "open_source": 0.12, "presales": 0.1}
INTERNAL_SHARE = 0.08

# What customers write about, by the severity they report (R2): title, first lines.
ISSUES = {
    "p0": [
        ("Deployment fails after upgrade", "The upgrade stopped halfway; nobody can sign in."),
        ("Production down after certificate renewal", "Every request answers 502 since 06:00."),
    ],
    "p1": [
        ("Login page very slow", "Sign-in takes 40 s for everyone since this morning."),
        ("Webhooks not delivered", "No webhook has reached our endpoint for two hours."),
        ("Search returns stale results", "New records do not show up in search at all."),
        ("Cannot invite new users", "Invitations fail with 'something went wrong'."),
    ],
    "p2": [
        ("Question about SSO setup", "Which claims does the SAML assertion need?"),
        ("API rate limit unclear", "The docs and the 429 headers disagree on the limit."),
        ("How to configure backups", "We want nightly backups to our own bucket."),
        ("Helm chart values for HA", "Which values give us three replicas behind one service?"),
        ("Export to CSV times out", "Exports over 50k rows stop after 30 s."),
        ("Dashboard charts empty", "The usage charts show no data for last week."),
        ("Mobile push notifications missing", "Android users get no push since the update."),
    ],
}
INTERNAL_WORK = [
    "Write runbook for DB failover",
    "Update reply macros for the new pricing",
    "Triage docs backlog",
    "Review last week's breached tickets",
]

# A CE's requests (R9): summary, attempted and expected, impact scope, sales context.
PRESALES_ISSUES = [
    ("SAML login loops back to the sign-in page", "SSO with their Okta; expected a session.",
     "select_users", "Security review this week; decision at the end of the month."),
    ("Air-gapped install fails pulling images", "Offline install from the bundle; expected "
     "it to use the local registry.", "blocking_all", "Trial ends Friday; the CTO is watching."),
    ("Webhook latency above 30 s under trial load", "Load test with 200 events a second; "
     "expected under 2 s.", "other", "Technical evaluation against a competitor."),
    ("Terraform provider rejects the trial token", "Provisioning the trial workspace; "
     "expected the provider to accept the token.", "blocking_all", "Proof of concept, week 2."),
    ("Audit log export missing fields", "Export to their SIEM; expected actor and IP "
     "on every line.", "select_users", "Procurement asks for it before signing."),
]  # fmt: skip

FIRST_REPLIES = [
    "We reproduced this on a test instance and collected the logs. The cause is {cause}. "
    "Next: {next}. We will update you by your next business morning at the latest.",
    "Thanks for the details. We checked {cause} and ruled it out as the cause. Next: {next}; "
    "we will update you as soon as we know more.",
]
CAUSES = [
    "a stale cache after the upgrade",
    "the proxy's 30 s timeout",
    "a missing claim in the SAML assertion",
    "the worker queue backing up",
]
NEXT_STEPS = [
    "please send the output of the support bundle command",
    "we are testing a configuration change on a copy of your setup",
    "we have asked engineering to confirm the fix",
]
UPDATES = [
    "Update: the configuration change works on our copy of your setup; "
    "we are writing up the steps for you now.",
    "Update: engineering confirmed the cause; the fix is in review. "
    "We will tell you as soon as it ships.",
]
RESOLUTIONS = ["Fixed with the steps above; the customer confirmed.", "Answered; no reply needed."]

# Deviations from the policy's suggestion (R3) and pins (R5), with the reasons people give.
OVERRIDES = {
    "team": ("p1", "Their go-live is tomorrow morning; the account team asked for p1."),
    "open_source": ("p2", "Upstream maintainers: the fix unblocks many free users."),
}
PINS = [
    ("lee", "team", "Renewal call tomorrow: leadership asked for it."),
    ("sofia", "presales", "Decision meeting with the prospect at 16:00 today."),
    ("sam", "enterprise", "Their CTO called: a launch depends on it."),
]
ESCALATION = {
    "reproduction_steps": "1. Upgrade a staging instance to the customer's version.\n"
    "2. Send 100 webhooks a second for five minutes.\n3. Watch the delivery log stop.",
    "impact": "Every integration of the customer stops until the worker is restarted.",
    "tried": "Restarted the worker (it recovers for an hour); raised the queue timeout.",
    "links": ["https://logs.example.com/bundle/4711"],
}
