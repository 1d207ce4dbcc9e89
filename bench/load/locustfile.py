"""The load of bench/load/run.py: 50 leaders answering a survey, reading the roadmap, the dashboards and
the API at once. Each simulated user takes one prepared account (session cookie and API token) from the
file run.py writes; every answer the portal accepted is written down at the end, so that run.py can
check that none was lost."""

import itertools
import json
import os
import random

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115 - read once at import
ACCOUNTS = itertools.cycle(CONFIG["accounts"])
ORG = CONFIG["organization"]
ACCEPTED: dict[tuple[int, int], str] = {}


class Leader(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        account = next(ACCOUNTS)
        self.user_id = account["user_id"]
        self.client.cookies.set("sessionid", account["session"])
        self.api = {"Authorization": f"Token {account['token']}"}

    @task(3)
    def answer(self):
        question = random.choice(CONFIG["questions"])
        choice = random.choice(["yes", "no"])
        with self.client.post(
            f"/api/v1/orgs/{ORG}/assessments/rounds/{CONFIG['round']}/my-response/",
            json={"question": question, "choice": choice, "comment": ""},
            headers=self.api,
            name="survey answer (API)",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                ACCEPTED[(self.user_id, question)] = choice
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def roadmap(self):
        self.client.get(f"/o/{ORG}/roadmap/", name="roadmap overview")
        self.client.get(f"/o/{ORG}/roadmap/milestones/", name="roadmap milestones")

    @task(2)
    def dashboards(self):
        self.client.get(f"/o/{ORG}/metrics/", name="customer-asset dashboard")
        self.client.get(f"/o/{ORG}/reports/", name="customer-room report")

    @task(2)
    def api_reads(self):
        months = CONFIG["months"]
        self.client.get(
            f"/api/v1/orgs/{ORG}/movements/?from={months[0]}&to={months[1]}", headers=self.api, name="API movements"
        )
        self.client.get(f"/api/v1/orgs/{ORG}/roadmap/milestones/", headers=self.api, name="API milestones")

    @task(1)
    def trivial(self):
        self.client.get("/healthz", name="trivial page (/healthz)")


@events.test_stop.add_listener
def write_accepted_answers(**kwargs):
    with open(CONFIG["accepted_path"], "w") as out:
        json.dump([[user, question, choice] for (user, question), choice in ACCEPTED.items()], out)
