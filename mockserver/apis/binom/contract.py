"""What the contract suite needs beyond Binom's spec: the administrator's demo key, a budget, a check turned off."""

from __future__ import annotations

from ...contract import REJECTS_ON_MEANING, Contract, ContractKey

# Binom answers schema-valid input only with 2xx, 401, 403, 404 or 409 (the default expectations): its spec turns
# odd but well-formed values (a reversed date range, 2024-02-30, an unknown zone) into empty results or fallbacks.
CONTRACT = Contract(
    # The administrator's key: a restricted user's key would see 403s on most campaign ids.
    key=ContractKey("BINOM_API_KEY", "administrator"),
    max_requests=8000,  # no limit documented
    project={
        # Only the spec's own links: schemathesis' dependency analysis pairs the traffic sources' captured `groupId`
        # (always null) with the groups' UUID path ids, and then calls `/group/None`.
        "phases": {"stateful": {"inference": {"algorithms": ["location-headers"]}}},
        # The tracker's Swagger names templates of one shape side by side (/report/preset/{subject} to list presets,
        # /report/preset/{uuid} to delete one; the same for simple filters, with /report/simple_filter/operators/list
        # beside /report/simple_filter/{subject}/{uuid}). A path fits more than one, so a GET on a preset's UUID is the
        # list's GET with an unknown subject (400), not a 405, and `Allow` names the methods of every template the
        # path fits. The two checks that read each template as the only one are off for Binom; the mock's 405 and
        # Allow are tested in tests/test_binom.py. (Per operation schemathesis 4.32 still runs them.)
        "checks": {"unsupported_method": {"enabled": False}, "allow_header_conformance": {"enabled": False}},
        "operations": [
            # ensure_resource_availability reads any 404 on a just-created resource as a lost write. Two documented
            # 404s are not: deleting a traffic source deletes its campaigns (deleteTrafficSource), so a campaign a
            # stateful scenario created can be gone without a DELETE of its own; and an update whose body names an
            # unknown traffic source, offer, landing, rotation or affiliate network answers 404 although the
            # resource itself is there.
            # The same holds for the operations naming campaigns (or paths, landings, offers, domains, groups and users)
            # in their bodies: a 404 there is the named record's, documented, not the created one gone.
            {"include-operation-id": ["getCampaign", "updateCampaign", "deleteCampaign", "getCampaignUrl", "updateOffer",
                                      "cloneCampaign", "modifyCampaign", "updateCampaignClicksCost", "deleteCampaignClicks",
                                      "setCampaignOwner", "deleteCampaignOwner", "pauseCampaignLanding", "pauseCampaignOffer",
                                      "pauseCampaignPath", "changeCampaignSettings", "changeCampaignCost",
                                      "changeCampaignDomain", "changeCampaignGroup", "changeCampaignTrafficDistribution",
                                      "switchCampaignDomain", "getTrends", "listCampaignsByRotation"],
             "checks": {"ensure_resource_availability": {"enabled": False}}},
            # The click URL redirects (302) and answers a request naming no campaign, landing click or postback 400.
            # A wrong current password or two-factor code is a 400 as well: the schema cannot know them.
            {"include-operation-id": ["trackClick", "changeUserPassword", "enableTwoFactor", "disableTwoFactor"],
             **REJECTS_ON_MEANING},
            # Refreshing a key revokes the old one: on the suite's own user (1, whose key it sends) every later
            # request would be a 401. It refreshes the restricted demo user's key instead (tests/test_binom_users.py
            # covers refreshing one's own). Links from a created user still pass that user's id.
            {"include-operation-id": ["refreshApiKey"], "parameters": {"path.id": 2}},
            # Restore (PATCH) brings a deleted record back, as documented: its 200 after the DELETE is the point of it,
            # not a deleted resource still served (use_after_free).
            {"include-operation-id": ["restoreCampaign", "restoreConversion", "restoreDomain", "restoreOffer",
                                      "restoreLanding", "restoreTrafficSource", "restoreAffiliateNetwork",
                                      "restoreRotation", "restoreGroup"],
             "checks": {"use_after_free": {"enabled": False}}},
        ],
    },
)  # fmt: skip
