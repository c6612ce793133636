"""What axe reports as serious or critical on the page a tab shows."""

from axe_playwright_python.sync_playwright import Axe


def serious_violations(tab) -> list:
    results = Axe().run(tab)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
