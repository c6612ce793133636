"""What axe reports as serious or critical on the page a tab shows."""

from axe_playwright_python.sync_playwright import Axe

# The back office's messages ("Saved") fade in; half-faded, their contrast is not what the
# reader sees once they have arrived, so the check waits for them.
MESSAGES_SHOWN = """() => [...document.querySelectorAll(".messages > ul")]
    .every(list => getComputedStyle(list).opacity === "1")"""


def serious_violations(tab) -> list:
    tab.wait_for_function(MESSAGES_SHOWN, timeout=5_000)
    results = Axe().run(tab)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
