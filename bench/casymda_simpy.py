"""Casymda's benchmark model in plain SimPy, to measure sim-core side by side with SimPy.

Entities come from a source, alternately to an unlimited-capacity delay of 10 or, through an
unlimited buffer, to a capacity-1 delay of 10, then to a sink. Prints one JSON line:
{"endTime": ..., "entities": ..., "wallMs": ...}.

Usage: python3 casymda_simpy.py ENTITIES INTER_ARRIVAL
"""
import json
import sys
import time

import simpy


def run(entities, inter_arrival):
    env = simpy.Environment()
    machine = simpy.Resource(env, capacity=1)
    done = [0]

    def parallel_delay(env):
        yield env.timeout(10)
        done[0] += 1

    def machine_delay(env):
        with machine.request() as request:
            yield request
            yield env.timeout(10)
        done[0] += 1

    def source(env):
        for i in range(entities):
            if i % 2 == 0:
                env.process(parallel_delay(env))
            else:
                env.process(machine_delay(env))
            if i < entities - 1:
                yield env.timeout(inter_arrival)

    env.process(source(env))
    env.run()
    assert done[0] == entities
    return env.now


if __name__ == "__main__":
    n = int(sys.argv[1])
    iat = float(sys.argv[2])
    start = time.perf_counter()
    end_time = run(n, iat)
    wall_ms = (time.perf_counter() - start) * 1000
    print(json.dumps({"endTime": end_time, "entities": n, "wallMs": round(wall_ms, 1)}))
