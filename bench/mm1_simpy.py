"""The textbook M/M/1 queue in plain SimPy, to measure sim-core side by side with SimPy.

Customers arrive with exponential inter-arrival times of rate 0.9, queue for one server (a
Resource of capacity 1) and are served for an exponential time of rate 1; a run ends when the
last of N customers leaves. Theory: the mean time in system is W = 1 / (mu - lambda) = 10.

Prints one JSON line: {"endTime", "customers", "events", "wallMs", "meanTimeInSystem"}. `events`
counts the events SimPy's kernel scheduled (every one of them is processed by the end of the run),
read from its event-id counter, so counting costs the run nothing. That is six per customer (the
arrival's timeout, the process's start, the request, the service timeout, the release, the
process's end) and two for the source process; sim-core processes five per customer, because its
release is immediate, without an event.

Usage: python3 mm1_simpy.py CUSTOMERS [SEED]
"""
import json
import random
import sys
import time

import simpy

ARRIVAL_RATE = 0.9
SERVICE_RATE = 1.0


def run(customers, seed):
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    arrivals = random.Random(seed)
    services = random.Random(seed + 1)
    time_in_system = [0.0]

    def customer(env):
        arrived = env.now
        with server.request() as request:
            yield request
            yield env.timeout(services.expovariate(SERVICE_RATE))
        time_in_system[0] += env.now - arrived

    def source(env):
        for _ in range(customers):
            yield env.timeout(arrivals.expovariate(ARRIVAL_RATE))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    events = next(env._eid)
    return env.now, events, time_in_system[0] / customers


if __name__ == "__main__":
    n = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    start = time.perf_counter()
    end_time, events, mean_time_in_system = run(n, seed)
    wall_ms = (time.perf_counter() - start) * 1000
    print(
        json.dumps(
            {
                "endTime": end_time,
                "customers": n,
                "events": events,
                "wallMs": round(wall_ms, 1),
                "meanTimeInSystem": mean_time_in_system,
            }
        )
    )
