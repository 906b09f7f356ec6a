"""The forecast of the demo plant's work in process in plain SimPy, to time `twin forecast` beside it.

As the seed implementation's engine runs it: every active order of a snapshot file (the JSON that
`twin forecast --state` reads) is put back where its times place it in the demo plant
(orderflow/models/order-flow.json: material, then one production line, first in, first out by
material arrival, 10 minutes an order), then the line runs to its end. An order in production
keeps the time it has spent; one queued keeps its place since its material came; material with an
ETA comes then (now, if the ETA has passed); material ordered without one comes a lead time after
its order; an order whose material is not ordered orders it now. Prints one JSON object: order id
-> the time its production ends (epoch ms), for every active order.

Usage: python3 wip_forecast_simpy.py SNAPSHOT.json
"""
import json
import sys

import simpy

LEAD_TIME = 600_000  # materialLeadTime, ms
PRODUCTION_TIME = 600_000  # productionTime, ms
LINES = 1
STEP = "production"


def forecast(snapshot):
    as_of = snapshot["asOf"]
    env = simpy.Environment(initial_time=as_of)
    line = simpy.Resource(env, capacity=LINES)
    ends = {}

    def produce(order_id, remaining):
        with line.request() as request:
            yield request
            yield env.timeout(remaining)
        ends[order_id] = env.now

    def working(order_id, since):
        # Requested first, before anyone queues: the unit it holds since `since`.
        return produce(order_id, max(0, PRODUCTION_TIME - (as_of - since)))

    def material_then_produce(order_id, arrival):
        yield env.timeout(arrival - as_of)
        yield from produce(order_id, PRODUCTION_TIME)

    in_production, queued, waiting = [], [], []
    for order in snapshot["orders"]:
        if order.get("status") == "delivered" or "deliveredAt" in order:
            continue
        order_id = order["orderId"]
        step = (order.get("steps") or {}).get(STEP) or {}
        accepted = order.get("acceptedAt", float("inf"))
        if "finishedAt" in step:
            ends[order_id] = step["finishedAt"]
        elif "startedAt" in step:
            in_production.append((step["startedAt"], order_id))
        elif "materialArrivedAt" in order:
            queued.append((order["materialArrivedAt"], accepted, order_id))
        else:
            eta = order.get("eta", order.get("initialEta"))
            ordered = order.get("materialOrderedAt")
            if eta is not None:
                arrival = max(eta, as_of)
            elif ordered is not None:
                arrival = max(ordered + LEAD_TIME, as_of)
            else:
                arrival = as_of + LEAD_TIME
            # Material that comes now joins the queue now, among the orders queued at this instant.
            (queued if arrival == as_of else waiting).append((arrival, accepted, order_id))

    # The line takes its queue first come, first served; orders that come at one instant, by
    # acceptance, then order id: requests are made, and material comes, in that order.
    for since, order_id in sorted(in_production):
        env.process(working(order_id, since))
    for _, _, order_id in sorted(queued):
        env.process(produce(order_id, PRODUCTION_TIME))
    for arrival, _, order_id in sorted(waiting):
        env.process(material_then_produce(order_id, arrival))
    env.run()
    return ends


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        ends = forecast(json.load(file))
    print(json.dumps({k: int(v) if v == int(v) else v for k, v in ends.items()}))
