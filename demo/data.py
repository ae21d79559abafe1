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
TIER_SHARES = {"enterprise": 0.3, "team": 0.3, "free": 0.2, "open_source": 0.12, "presales": 0.08}
INTERNAL_SHARE = 0.08

# What customers write about, by the severity they report (R2): title, first lines, and what
# the first reply found.
ISSUES = {
    "p0": [
        (
            "Deployment fails after upgrade",
            "The upgrade stopped halfway; nobody can sign in.",
            "a migration that timed out on their largest table",
        ),
        (
            "Production down after certificate renewal",
            "Every request answers 502 since 06:00.",
            "the load balancer still serving the expired certificate",
        ),
        (
            "Database volume full, service stopped",
            "The instance stopped writing an hour ago.",
            "audit logs filling the volume after retention was switched off",
        ),
    ],
    "p1": [
        (
            "Login page very slow",
            "Sign-in takes 40 s for everyone since this morning.",
            "a slow LDAP lookup on every sign-in",
        ),
        (
            "Webhooks not delivered",
            "No webhook has reached our endpoint for two hours.",
            "the webhook worker queue backing up",
        ),
        (
            "Search returns stale results",
            "New records do not show up in search at all.",
            "the search index no longer being refreshed",
        ),
        (
            "Cannot invite new users",
            "Invitations fail with 'something went wrong'.",
            "the seat limit of their plan",
        ),
        (
            "API answers 500 on bulk import",
            "Every import over 1,000 rows fails since Monday.",
            "a payload limit on their reverse proxy",
        ),
        (
            "SSO sign-in fails for one region",
            "Our APAC staff cannot sign in; others can.",
            "a clock skew on one identity provider node",
        ),
        (
            "Mobile app crashes on launch",
            "The iOS app closes right after the splash screen.",
            "a stale cached configuration on the device",
        ),
        (
            "Scheduled reports not sent",
            "Nobody got this week's reports.",
            "the mail relay rejecting the sender address",
        ),
    ],
    "p2": [
        (
            "Question about SSO setup",
            "Which claims does the SAML assertion need?",
            "the claims their identity provider sends",
        ),
        (
            "API rate limit unclear",
            "The docs and the 429 headers disagree on the limit.",
            "the per-token and per-address limits adding up",
        ),
        (
            "How to configure backups",
            "We want nightly backups to our own bucket.",
            "the bucket policy the backup job needs",
        ),
        (
            "Helm chart values for HA",
            "Which values give us three replicas behind one service?",
            "the chart's replica and anti-affinity values",
        ),
        (
            "Export to CSV times out",
            "Exports over 50k rows stop after 30 s.",
            "the proxy's 30 s timeout",
        ),
        (
            "Dashboard charts empty",
            "The usage charts show no data for last week.",
            "the usage job skipping a day after the time change",
        ),
        (
            "Mobile push notifications missing",
            "Android users get no push since the update.",
            "an expired push certificate",
        ),
        (
            "Custom domain shows a warning",
            "Browsers warn about our custom domain.",
            "a missing intermediate certificate",
        ),
        (
            "Audit log retention",
            "How long do you keep audit logs, and can we change it?",
            "the retention setting on their plan",
        ),
        (
            "Webhook signature does not verify",
            "Our check of the signature header fails.",
            "the body being re-encoded before the check",
        ),
        (
            "Slow page loads in the EU",
            "Pages take 3 s in Frankfurt, under 1 s in the US.",
            "their traffic routed through the US region",
        ),
        (
            "Billing contact change",
            "Please send invoices to our new finance address.",
            "the billing contact on the account",
        ),
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
    ("Data residency in the EU", "Creating the trial in Frankfurt; expected all data to "
     "stay in the EU region.", "other", "Legal review; the DPA is waiting on the answer."),
    ("SCIM provisioning creates duplicate users", "Syncing 400 users from Azure AD; "
     "expected one account each.", "select_users", "Pilot with one department, then all."),
    ("Kubernetes operator fails on OpenShift", "Installing with the operator on OpenShift "
     "4.14; expected a running instance.", "blocking_all", "Architecture sign-off next week."),
    ("Rate limits too low for the migration", "Importing 2 million records over the API; "
     "expected it to finish overnight.", "other", "Migration plan due before the contract."),
]  # fmt: skip

FIRST_REPLIES = [
    "We reproduced this on a test instance and collected the logs. It comes from {cause}. "
    "Next: {next}. We will update you by your next business morning at the latest.",
    "Thanks for the details and the logs. We traced it to {cause}. Next: {next}; "
    "we will update you as soon as we know more.",
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
