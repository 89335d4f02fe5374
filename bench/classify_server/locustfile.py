import os

from locust import HttpUser, constant, task

TARGET = os.environ["BENCH_PATH"]


class Client(HttpUser):
    wait_time = constant(0)

    @task
    def hit(self):
        with self.client.get(TARGET, headers={"Accept": "application/json"}, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
